"""`argogate.shard` and `argogate.applyparts`: a split run writes a serial run's bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from argogate import applyparts, shard
from argogate.cli import main
from argogate.engine.pipeline import Engine
from argogate.errors import ResourceLoadError
from argogate.inputs import load_resource_files, resource_files
from argogate.policies import load_policies

# Namespaces live in the first file, the workloads that select them by label in the last: a
# share that did not receive the other shares' Namespaces would match nothing
POLICIES = """\
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: prod-labels}
spec:
  validationFailureAction: Enforce
  rules:
    - name: team
      match:
        any:
          - resources:
              kinds: [Deployment]
              namespaceSelector: {matchLabels: {env: prod}}
      validate:
        message: prod workloads need a team label
        pattern: {metadata: {labels: {team: "?*"}}}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: add-owner}
spec:
  rules:
    - name: owner
      match: {any: [{resources: {kinds: [Deployment]}}]}
      mutate:
        patchStrategicMerge:
          metadata: {annotations: {+(owner): platform}}
    - name: quota
      match: {any: [{resources: {kinds: [Namespace]}}]}
      generate:
        apiVersion: v1
        kind: ResourceQuota
        name: default-quota
        namespace: "{{request.object.metadata.name}}"
        data: {spec: {hard: {pods: "10"}}}
"""


def _deployment(i: int, ns: str, team: bool) -> str:
    labels = "{team: a}" if team else "{}"
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: d{i}, namespace: {ns}, labels: {labels}}}
spec: {{template: {{spec: {{containers: [{{name: c, image: "nginx:1.{i}"}}]}}}}}}
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "policies.yaml").write_text(POLICIES)
    res = tmp_path / "res"
    res.mkdir()
    (res / "a-namespaces.yaml").write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod, labels: {env: prod}}\n---\n"
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: dev, labels: {env: dev}}\n"
    )
    for n in range(1, 6):
        docs = [_deployment(n * 100 + j, "prod" if j % 2 else "dev", team=j % 3 == 0) for j in range(40)]
        (res / f"b-workloads-{n}.yaml").write_text("---\n".join(docs))
    return tmp_path


@pytest.fixture
def split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shard, "MIN_BYTES", 0)
    monkeypatch.setattr(shard.parallel, "workers", lambda: 3)


def _engine(tree: Path) -> Engine:
    loaded = load_policies([str(tree / "policies.yaml")], [])
    return Engine(loaded.policies, loaded.exceptions, cel=loaded.cel)


def test_plan_cuts_contiguous_byte_balanced_shares(tree: Path, split: None) -> None:
    files = resource_files([str(tree / "res")])
    shares = shard.plan(files, _engine(tree))
    assert shares is not None and len(shares) == 3
    assert [f for s in shares for f in s] == files
    sizes = [sum(f.stat().st_size for f in s) for s in shares]
    assert max(sizes) < 2.5 * min(sizes)


def test_plan_declines_small_single_file_and_lookup_heavy_inputs(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = resource_files([str(tree / "res")])
    engine = _engine(tree)
    monkeypatch.setattr(shard.parallel, "workers", lambda: 2)
    assert shard.plan(files, engine) is None  # under MIN_BYTES
    monkeypatch.setattr(shard, "MIN_BYTES", 0)
    assert shard.plan(files, engine) is not None
    assert shard.plan(files[:1], engine) is None
    monkeypatch.setattr(shard.parallel, "workers", lambda: 1)
    assert shard.plan(files, engine) is None
    monkeypatch.setattr(shard.parallel, "workers", lambda: 2)
    monkeypatch.setattr(engine, "lookup_kinds", lambda: None)
    assert shard.plan(files, engine) is None


def test_split_run_equals_serial_evaluation(tree: Path, split: None) -> None:
    files = resource_files([str(tree / "res")])
    engine = _engine(tree)
    shares = shard.plan(files, engine)
    assert shares is not None
    serial = applyparts.json_part(engine.evaluate(*load_resource_files(files), jobs=1))
    parts = list(shard.run(shares, engine, applyparts.json_part))
    assert len(parts) == 3
    assert ",".join(p.results for p in parts if p.results) == serial.results
    assert sum((p.counts for p in parts), start=applyparts.Counter()) == serial.counts
    # the namespaceSelector matched across shares: every prod Deployment without a team fails
    assert serial.blocking == sum(1 for n in range(1, 6) for j in range(40) if j % 2 and j % 3) > 0


@pytest.mark.parametrize("output", [[], ["-o", "json"]])
def test_apply_output_is_the_serial_bytes(tree: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], output: list[str]) -> None:
    args = ["apply", str(tree / "policies.yaml"), "--resource", str(tree / "res"), *output]
    monkeypatch.setenv("ARGOGATE_JOBS", "1")
    assert main(args) == 1
    serial = capfd.readouterr()
    monkeypatch.setenv("ARGOGATE_JOBS", "2")
    monkeypatch.setattr(shard, "MIN_BYTES", 0)
    monkeypatch.setattr(shard.parallel, "workers", lambda: 2)
    calls: list[int] = []
    real_run = shard.run
    monkeypatch.setattr(shard, "run", lambda shares, *a: calls.append(len(shares)) or real_run(shares, *a))
    assert main(args) == 1
    split_out = capfd.readouterr()
    assert calls == [2]
    assert split_out.out == serial.out and split_out.err == serial.err
    assert "default-quota" in serial.out or output  # generated objects follow the resources


def test_a_load_error_is_the_first_in_file_order(tree: Path, split: None) -> None:
    res = tree / "res"
    (res / "b-workloads-2.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n")
    (res / "b-workloads-5.yaml").write_text("key: [unclosed\n")
    files = resource_files([str(res)])
    shares = shard.plan(files, _engine(tree))
    assert shares is not None
    with pytest.raises(ResourceLoadError) as err:
        list(shard.run(shares, _engine(tree), applyparts.json_part))
    assert err.value.file == str(res / "b-workloads-2.yaml") and err.value.line == 1
    assert "has no metadata.name" in err.value.message


def test_a_bug_in_a_worker_surfaces_with_its_traceback(tree: Path, split: None) -> None:
    files = resource_files([str(tree / "res")])
    shares = shard.plan(files, _engine(tree))
    assert shares is not None

    def broken(ev: object) -> applyparts.Part:
        raise KeyError("boom")

    with pytest.raises(shard.WorkerCrash, match="KeyError: 'boom'"):
        list(shard.run(shares, _engine(tree), broken))


def test_joined_manifests_put_generated_objects_last() -> None:
    import io

    parts = [
        applyparts.Part(manifests="a: 1\n", generated="g: 1\n"),
        applyparts.Part(manifests="", generated=""),
        applyparts.Part(manifests="b: 2\n---\nc: 3\n", generated="h: 2\n"),
    ]
    out, err = io.StringIO(), io.StringIO()
    assert applyparts.write_manifests(parts, out, err, fail_on_audit=False) == 0
    assert out.getvalue() == "a: 1\n---\nb: 2\n---\nc: 3\n---\ng: 1\n---\nh: 2\n"
    assert err.getvalue() == "pass: 0, fail: 0 (0 blocking), warn: 0, error: 0, skip: 0\n"


@pytest.mark.parametrize(
    ("rule", "kinds"),
    [
        ({"validate": {"pattern": {"metadata": {"name": "?*"}}}}, {"Namespace"}),
        ({"context": [{"name": "cm", "configMap": {"name": "x", "namespace": "y"}}], "validate": {"deny": {}}}, {"Namespace", "ConfigMap"}),
        ({"verifyImages": [{"imageReferences": ["*"]}]}, {"Namespace", "Secret"}),
        ({"validate": {"foreach": [{"list": "a", "context": [{"name": "x", "apiCall": {"urlPath": "/api/v1/pods"}}]}]}}, None),
        ({"generate": {"kind": "ConfigMap", "name": "x", "clone": {"name": "y", "namespace": "z"}}}, None),
        ({"mutate": {"targets": [{"apiVersion": "v1", "kind": "ConfigMap"}]}}, None),
    ],
)
def test_lookup_kinds_names_what_a_share_needs_from_the_others(tmp_path: Path, rule: dict[str, object], kinds: set[str] | None) -> None:
    import json

    raw = {
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {"name": "p"},
        "spec": {"rules": [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, **rule}]},
    }
    (tmp_path / "p.json").write_text(json.dumps(raw))
    engine = Engine(load_policies([str(tmp_path / "p.json")], []).policies)
    assert engine.lookup_kinds() == (None if kinds is None else frozenset(kinds))
