"""generate rules against the corpus's generatedResource files, plus clone/cloneList/labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from argogate.engine.context import Context
from argogate.engine.generate import generate_rule
from argogate.yamlio import load_file

CORPUS = Path("/work/shared/conformance/kyverno-policies")


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d.data for d in load_file(path) if d.data]


def _ctx(trigger: dict[str, Any], **extra: Any) -> Context:
    ctx = Context(
        {
            "request": {
                "object": trigger,
                "operation": "CREATE",
                "namespace": trigger["metadata"].get("namespace", ""),
            }
        }
    )
    for key, value in extra.items():
        ctx.set((key,), value)
    return ctx


@pytest.mark.parametrize(
    ("policy_dir", "resource_file", "trigger_name", "extra"),
    [
        ("best-practices/add-network-policy", "resource.yaml", "hello-world-namespace", {}),
        ("other/create-default-pdb", "resource.yaml", "nginx-deployment", {}),
        ("kubevirt/add-services", "resource.yaml", "vmi-name", {}),
        (
            "kasten/kasten-generate-example-backup-policy",
            "test-resource.yaml",
            "test-deployment",
            {
                "dataprotectionLabelValue": "kasten-example",
                "kyvernoPolicyName": "kasten-generate-example-backup-policy",
            },
        ),
    ],
)
def test_corpus_generated_resources(
    policy_dir: str, resource_file: str, trigger_name: str, extra: dict[str, Any]
) -> None:
    root = CORPUS / policy_dir
    policy = _docs(next(iter(sorted(root.glob("*.yaml")))))[0]
    trigger = next(
        r for r in _docs(root / ".kyverno-test" / resource_file) if r["metadata"]["name"] == trigger_name
    )
    ctx = _ctx(trigger, **extra)
    out = generate_rule(policy["spec"]["rules"][0], trigger, ctx)
    assert out.status == "pass", out.message
    expected = _docs(root / ".kyverno-test" / "generatedResource.yaml")
    assert out.resources == expected


TRIGGER = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a", "uid": "u-1"}}
SECRET = {
    "apiVersion": "v1",
    "kind": "Secret",
    "metadata": {
        "name": "regcred",
        "namespace": "default",
        "uid": "abc",
        "resourceVersion": "7",
        "creationTimestamp": "2024-01-01T00:00:00Z",
        "ownerReferences": [{"kind": "X"}],
        "labels": {"a": "b"},
    },
    "data": {"k": "dg=="},
}


def _clone_rule(**clone: Any) -> dict[str, Any]:
    return {
        "name": "copy",
        "generate": {
            "apiVersion": "v1",
            "kind": "Secret",
            "name": "regcred",
            "namespace": "{{request.object.metadata.name}}",
            **clone,
        },
    }


def test_clone_strips_server_fields() -> None:
    rule = _clone_rule(clone={"namespace": "default", "name": "regcred"})
    seen: list[tuple[str, str, str]] = []

    def lookup(kind: str, namespace: str, name: str) -> dict[str, Any] | None:
        seen.append((kind, namespace, name))
        return SECRET

    out = generate_rule(rule, TRIGGER, _ctx(TRIGGER), lookup=lookup)
    assert seen == [("Secret", "default", "regcred")]
    assert out.status == "pass"
    assert out.resources == [
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "regcred", "namespace": "team-a", "labels": {"a": "b"}},
            "data": {"k": "dg=="},
        }
    ]
    assert SECRET["metadata"]["uid"] == "abc"


def test_clone_missing_source_and_self_clone() -> None:
    rule = _clone_rule(clone={"namespace": "default", "name": "regcred"})
    out = generate_rule(rule, TRIGGER, _ctx(TRIGGER))
    assert out.status == "error"
    assert "not found" in out.message
    self_rule = _clone_rule(clone={"namespace": "team-a", "name": "regcred"})
    assert generate_rule(self_rule, TRIGGER, _ctx(TRIGGER), lookup=lambda *_: SECRET).status == "skip"


def test_clone_list() -> None:
    other = {**SECRET, "metadata": {**SECRET["metadata"], "name": "tls"}}
    calls: list[Any] = []

    def list_lookup(kind: str, namespace: str, selector: dict[str, Any] | None) -> list[dict[str, Any]]:
        calls.append((kind, namespace, selector))
        return [SECRET, other]

    rule = {
        "name": "copy",
        "generate": {
            "namespace": "{{request.object.metadata.name}}",
            "cloneList": {
                "namespace": "default",
                "kinds": ["v1/Secret"],
                "selector": {"matchLabels": {"a": "b"}},
            },
        },
    }
    out = generate_rule(rule, TRIGGER, _ctx(TRIGGER), list_lookup=list_lookup)
    assert calls == [("v1/Secret", "default", {"matchLabels": {"a": "b"}})]
    assert [(r["metadata"]["namespace"], r["metadata"]["name"]) for r in out.resources] == [
        ("team-a", "regcred"),
        ("team-a", "tls"),
    ]


def test_controller_labels_on_request() -> None:
    rule = {
        "name": "np",
        "generate": {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "name": "c",
            "namespace": "team-a",
            "data": {"data": {"x": "1"}},
        },
    }
    out = generate_rule(rule, TRIGGER, _ctx(TRIGGER), policy_name="pol")
    labels = out.resources[0]["metadata"]["labels"]
    assert labels == {
        "app.kubernetes.io/managed-by": "kyverno",
        "generate.kyverno.io/policy-name": "pol",
        "generate.kyverno.io/policy-namespace": "",
        "generate.kyverno.io/rule-name": "np",
        "generate.kyverno.io/trigger-version": "v1",
        "generate.kyverno.io/trigger-group": "",
        "generate.kyverno.io/trigger-kind": "Namespace",
        "generate.kyverno.io/trigger-namespace": "",
        "generate.kyverno.io/trigger-uid": "u-1",
    }
    assert "labels" not in generate_rule(rule, TRIGGER, _ctx(TRIGGER)).resources[0]["metadata"]


def test_null_data_is_skip_and_missing_block_is_error() -> None:
    rule = {
        "name": "n",
        "generate": {"apiVersion": "v1", "kind": "ConfigMap", "name": "c", "namespace": "x", "data": None},
    }
    assert generate_rule(rule, TRIGGER, _ctx(TRIGGER)).status == "skip"
    assert generate_rule({"name": "n"}, TRIGGER, _ctx(TRIGGER)).status == "error"


@pytest.mark.parametrize("namespace", ["team-b", "{{request.object.metadata.name}}"])
def test_generated_data_is_a_copy(namespace: str) -> None:
    rule = {
        "name": "np",
        "generate": {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "name": "deny",
            "namespace": namespace,
            "data": {"spec": {"podSelector": {}, "policyTypes": ["Ingress"]}},
        },
    }
    out = generate_rule(rule, TRIGGER, _ctx(TRIGGER), policy_name="p")
    assert out.status == "pass"
    made = out.resources[0]
    assert made["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}
    made["spec"]["policyTypes"].append("Egress")
    made["spec"]["podSelector"]["x"] = 1
    assert rule["generate"]["data"] == {"spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
    assert "metadata" not in rule["generate"]["data"]
