"""The demo repository's ValidatingAdmissionPolicy: binding + params ConfigMap beside the policies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from argogate.engine.pipeline import Engine
from argogate.policies import load_policies

DEMO = Path(__file__).resolve().parents[3] / "examples" / "demo-repo" / "policies"


def _deployment(name: str, replicas: int) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "web"},
        "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "c", "image": "x:1"}]}}},
    }


def test_demo_vap_reads_its_params_from_the_repository() -> None:
    loaded = load_policies([str(DEMO / "max-replicas-vap.yaml")])
    assert [o["metadata"]["name"] for o in loaded.cel.objects] == ["replica-limits"]
    results = Engine([], cel=loaded.cel).evaluate([_deployment("ok", 3), _deployment("big", 9)]).results
    assert [(r.policy, r.rule, r.resource.name, r.status.value) for r in results] == [
        ("max-replicas", "max-replicas", "ok", "pass"),
        ("max-replicas", "max-replicas", "big", "fail"),
    ]
    assert results[1].message == "at most 5 replicas are allowed, found 9"
    assert not results[1].blocks  # the binding is Audit
