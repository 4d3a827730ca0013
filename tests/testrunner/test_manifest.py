"""Reading test manifests: both formats, deprecated fields, Go's case-insensitive keys, load errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from argogate.errors import ConfigError
from argogate.testrunner.manifest import Expected, Target, is_test_manifest, load_manifest


def _expected(raw: dict[str, object]) -> tuple[Expected, list[str]]:
    warnings: list[str] = []
    return Expected.parse(raw, "results[0]", warnings), warnings


@pytest.mark.parametrize(
    ("data", "want"),
    [
        ({"apiVersion": "cli.kyverno.io/v1alpha1", "kind": "Test"}, True),
        ({"apiVersion": "cli.kyverno.io/v1alpha1", "kind": "Values"}, False),
        ({"apiVersion": "chainsaw.kyverno.io/v1alpha1", "kind": "Test"}, False),
        ({"name": "x", "policies": ["p.yaml"], "results": []}, True),  # legacy
        ({"name": "x", "policies": ["p.yaml"]}, False),
        (["not", "a", "mapping"], False),
    ],
)
def test_is_test_manifest(data: object, want: bool) -> None:
    assert is_test_manifest(data) is want


def test_result_fields_and_targets() -> None:
    exp, warnings = _expected(
        {
            "policy": "p",
            "rule": "r",
            "kind": "Pod",
            "resources": ["plain", "ns1/qualified"],
            "result": "fail",
            "patchedResources": "patched.yaml",
            "cloneSourceResource": "source.yaml",
        }
    )
    assert warnings == []
    assert exp.targets == (Target("plain", None, "plain"), Target("qualified", "ns1", "ns1/qualified"))
    assert (exp.result, exp.patched_resource, exp.clone_source) == ("fail", "patched.yaml", "source.yaml")
    assert exp.rule_names() == {"r", "autogen-r", "autogen-cronjob-r"}


def test_deprecated_fields() -> None:
    exp, _ = _expected(
        {
            "policy": "p",
            "rule": "r",
            "kind": "Pod",
            "resource": "x",
            "namespace": "ns",
            "status": "Pass",
            "patchedResource": "f.yaml",
        }
    )
    assert exp.targets == (Target("x", "ns", "x"),)
    assert exp.result == "pass" and exp.patched_resource == "f.yaml"
    assert exp.targets[0].display("Pod") == "ns/Pod/x"


def test_keys_match_case_insensitively_like_go() -> None:
    exp, warnings = _expected(
        {"policy": "p", "isMUtatingPolicy": True, "kind": "Pod", "resources": ["x"], "result": "pass"}
    )
    assert exp.any_rule and exp.rule_names() is None and warnings == []


def test_resource_specs() -> None:
    exp, _ = _expected(
        {
            "policy": "p",
            "rule": "r",
            "result": "pass",
            "resourceSpecs": [{"kind": "Pod", "namespace": "a", "name": "b"}],
        }
    )
    assert exp.targets == (Target("b", "a", "a/b", "Pod"),)
    assert exp.targets[0].display("") == "a/Pod/b"


def test_unknown_result_field_warns() -> None:
    _, warnings = _expected(
        {"policy": "p", "rule": "r", "kind": "Pod", "resources": ["x"], "result": "pass", "colour": "red"}
    )
    assert warnings == ["results[0]: unknown field 'colour' ignored"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"rule": "r", "kind": "Pod", "resources": ["x"], "result": "pass"}, "`policy` is required"),
        (
            {"policy": "p", "rule": "r", "kind": "Pod", "resources": ["x"], "result": "ok"},
            "`result` must be one of",
        ),
        ({"policy": "p", "rule": "r", "kind": "Pod", "resources": ["x"]}, "got 'nothing'"),
        ({"policy": "p", "rule": "r", "kind": "Pod", "result": "pass"}, "no `resources` listed"),
        ({"policy": "p", "kind": "Pod", "resources": ["x"], "result": "pass"}, "`rule` is required"),
        ("just a string", "a result must be a mapping"),
    ],
)
def test_invalid_results(raw: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Expected.parse(raw, "results[0]", [])


def test_load_manifest_v1alpha1(tmp_path: Path) -> None:
    f = tmp_path / "kyverno-test.yaml"
    f.write_text(
        "apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: suite}\n"
        "policies: [p.yaml]\nresources: [r.yaml]\nexceptions: [e.yaml]\nuserinfo: u.yaml\n"
        "values: {globalValues: {a: 1}}\nfoo: bar\nresults: []\n"
    )
    m = load_manifest(f)
    assert (m.name, m.policies, m.resources, m.exceptions, m.userinfo) == (
        "suite",
        ("p.yaml",),
        ("r.yaml",),
        ("e.yaml",),
        "u.yaml",
    )
    assert m.load_values().global_values == {"a": 1}
    assert not m.legacy and m.warnings == ["unknown field 'foo' ignored"]
    assert m.resolve("sub/x.yaml") == str(tmp_path / "sub" / "x.yaml")
    assert m.resolve("/abs/x.yaml") == "/abs/x.yaml"
    with pytest.raises(ConfigError, match="remote files"):
        m.resolve("https://example.com/p.yaml")


def test_load_manifest_legacy_and_errors(tmp_path: Path) -> None:
    f = tmp_path / "test.yaml"
    f.write_text("name: old\npolicies: [p.yaml]\nresources: [r.yaml]\nvariables: v.yaml\nresults: []\n")
    m = load_manifest(f)
    assert (m.name, m.legacy, m.variables) == ("old", True, "v.yaml")
    f.write_text(
        "apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nresults:\n- {policy: p, rule: r, kind: Pod, resources: [x], result: maybe}\n"
    )
    with pytest.raises(ConfigError, match=r"results\[0\]: `result` must be one of") as info:
        load_manifest(f)
    assert info.value.file == str(f)
    f.write_text("kind: [unclosed\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_manifest(f)
