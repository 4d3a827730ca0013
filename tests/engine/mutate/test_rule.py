"""mutate_rule against the conformance corpus's patchedResources, plus foreach mechanics."""

from __future__ import annotations

import fnmatch
import json
import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from argogate.engine.context import Context
from argogate.engine.mutate.rule import MUTATE_EXISTING_SKIP, mutate_rule
from argogate.yamlio import load_file

CORPUS = Path("/work/shared/conformance/kyverno-policies")


# --- stand-ins for modules other helpers write in parallel; the real ones win when importable ---

_VAR = re.compile(r"\{\{([^{}]*)\}\}")


class _VariableError(Exception):
    pass


def _substitute_all(doc: Any, ctx: Context) -> Any:
    if isinstance(doc, dict):
        return {k: _substitute_all(v, ctx) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_substitute_all(v, ctx) for v in doc]
    if not isinstance(doc, str):
        return doc
    text = doc
    while (m := _VAR.search(text)) is not None:
        value = ctx.query(m.group(1).strip())
        if m.group(0) == text:
            return value
        rendered = value if isinstance(value, str) else json.dumps(value)
        text = text[: m.start()] + rendered + text[m.end() :]
    return text


class _Result:
    def __init__(self, ok: bool, message: str = "") -> None:
        self.ok, self.message = ok, message


def _check(cond: dict[str, Any], ctx: Context) -> bool:
    key, value = _substitute_all(cond["key"], ctx), _substitute_all(cond.get("value"), ctx)
    op = cond["operator"]
    if op == "Equals":
        return (isinstance(value, str) and fnmatch.fnmatchcase(str(key), value)) or key == value
    if op == "NotEquals":
        return key != value
    if op == "AnyIn":
        keys = key if isinstance(key, list) else [key]
        values = value if isinstance(value, list) else [value]
        return any(k == v for k in keys for v in values)
    raise AssertionError(f"stand-in lacks operator {op}")


def _evaluate_conditions(conditions: Any, ctx: Context) -> _Result:
    if not conditions:
        return _Result(True)
    ok = all(_check(c, ctx) for c in conditions.get("all", [])) and (
        not conditions.get("any") or any(_check(c, ctx) for c in conditions["any"])
    )
    return _Result(ok)


@pytest.fixture(autouse=True)
def _parallel_modules(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    try:
        from argogate.engine.variables.substitute import substitute_all  # noqa: F401
    except ImportError:
        fake = types.ModuleType("argogate.engine.variables.substitute")
        fake.substitute_all = _substitute_all  # type: ignore[attr-defined]
        fake.VariableError = _VariableError  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "argogate.engine.variables.substitute", fake)
    try:
        from argogate.engine.conditions import evaluate_conditions  # noqa: F401
    except ImportError:
        fake = types.ModuleType("argogate.engine.conditions")
        fake.evaluate_conditions = _evaluate_conditions  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "argogate.engine.conditions", fake)
    yield


# --- corpus ---


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d.data for d in load_file(path) if d.data]


def _case(policy_dir: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]], Path]:
    root = CORPUS / policy_dir
    policy = next(p for p in sorted(root.glob("*.yaml")))
    resources = {r["metadata"]["name"]: r for r in _docs(root / ".kyverno-test" / "resource.yaml")}
    return _docs(policy)[0], resources, root / ".kyverno-test"


def _ctx(resource: dict[str, Any]) -> Context:
    return Context(
        {
            "request": {
                "object": resource,
                "operation": "CREATE",
                "namespace": resource["metadata"].get("namespace", ""),
            }
        }
    )


def _with_default_ns(resource: dict[str, Any]) -> dict[str, Any]:
    meta = resource["metadata"]
    return resource if "namespace" in meta else {**resource, "metadata": {**meta, "namespace": "default"}}


def _run(
    policy: dict[str, Any],
    resource: dict[str, Any],
    rule_names: list[str],
    ctx_extra: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    statuses = []
    current = resource
    for rule in policy["spec"]["rules"]:
        if rule["name"] not in rule_names:
            continue
        ctx = _ctx(current)
        for k, v in (ctx_extra or {}).items():
            ctx.set((k,), v)
        out = mutate_rule(rule, current, ctx)
        statuses.append(out.status)
        current = out.patched
    return current, statuses


@pytest.mark.parametrize(
    ("policy_dir", "resource", "rules", "expected_file", "expected_status"),
    [
        (
            "karpenter/add-karpenter-donot-evict",
            "addjob01",
            ["do-not-evict-jobs"],
            "patched01.yaml",
            ["pass"],
        ),
        (
            "karpenter/add-karpenter-donot-evict",
            "addcronjob01",
            ["do-not-evict-cronjobs"],
            "patched02.yaml",
            ["pass"],
        ),
        (
            "best-practices/add-safe-to-evict",
            "myapp-pod03",
            ["annotate-empty-dir"],
            "myapp-pod03-patched.yaml",
            ["pass"],
        ),
        (
            "best-practices/add-safe-to-evict",
            "myapp-pod04",
            ["annotate-host-path"],
            "myapp-pod04-patched.yaml",
            ["pass"],
        ),
        ("best-practices/add-safe-to-evict", "myapp-pod01", ["annotate-empty-dir"], None, ["skip"]),
        ("best-practices/add-safe-to-evict", "myapp-pod02", ["annotate-host-path"], None, ["skip"]),
        ("other/add-pod-proxies", "myapp-pod-2", ["add-pod-proxies"], "patchedResource2.yaml", ["pass"]),
        (
            "other/replace-image-registry",
            "myapp-pod1",
            ["replace-image-registry-pod-containers"],
            "patchedResource1.yaml",
            ["pass"],
        ),
        (
            "other/replace-image-registry",
            "myapp-pod2",
            ["replace-image-registry-pod-containers", "replace-image-registry-pod-initcontainers"],
            "patchedResource3.yaml",
            ["pass", "pass"],
        ),
        (
            "other/create-pod-antiaffinity",
            "mydeploy",
            ["insert-pod-antiaffinity"],
            "patchedResource.yaml",
            ["pass"],
        ),
        (
            "external-secret-operator/add-external-secret-prefix",
            "example",
            ["add-external-secret-prefix"],
            "patched.yaml",
            ["pass"],
        ),
    ],
)
def test_corpus_patched_resources(
    policy_dir: str, resource: str, rules: list[str], expected_file: str | None, expected_status: list[str]
) -> None:
    policy, resources, test_dir = _case(policy_dir)
    original = _with_default_ns(resources[resource])
    patched, statuses = _run(policy, original, rules)
    assert statuses == expected_status
    if expected_file is None:
        assert patched == original
        return
    expected = {r["metadata"]["name"]: r for r in _docs(test_dir / expected_file)}[resource]
    assert patched == _with_default_ns(expected)


def test_corpus_remove_serviceaccount_token_nested_foreach() -> None:
    policy, resources, test_dir = _case("other/remove-serviceaccount-token")
    resource = _with_default_ns(resources["busybox"])
    tokenvol = next(
        v["name"] for v in resource["spec"]["volumes"] if v["name"].startswith("kube-api-access-")
    )
    patched, statuses = _run(policy, resource, ["remove-vol-volmount"], {"tokenvolname": tokenvol})
    assert statuses == ["pass"]
    expected = _docs(test_dir / "patchedResource.yaml")[0]
    # kyverno test compares tidied resources: the emptied volumeMounts list is not in the expected file
    assert patched["spec"]["containers"][1]["volumeMounts"] == []
    assert _tidy(patched) == _tidy(_with_default_ns(expected))


def _tidy(value: Any) -> Any:
    if isinstance(value, dict):
        out = {k: _tidy(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p", "namespace": "ns"},
    "spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]},
}


def test_pass_message_and_context_updated() -> None:
    ctx = _ctx(POD)
    rule = {
        "name": "r",
        "mutate": {
            "patchStrategicMerge": {"metadata": {"labels": {"who": "{{ request.object.metadata.name }}"}}}
        },
    }
    out = mutate_rule(rule, POD, ctx)
    assert (out.status, out.message) == ("pass", "mutated Pod/p in namespace ns")
    assert out.patched["metadata"]["labels"] == {"who": "p"}
    assert ctx.get("request.object") == out.patched


def test_foreach_sets_element_and_restores_context() -> None:
    ctx = _ctx(POD)
    before = ctx.data
    rule = {
        "name": "r",
        "mutate": {
            "foreach": [
                {
                    "list": "request.object.spec.containers",
                    "patchStrategicMerge": {
                        "spec": {
                            "containers": [
                                {
                                    "name": "{{ element.name }}",
                                    "env": [{"name": "I", "value": "{{ elementIndex }}"}],
                                }
                            ]
                        }
                    },
                }
            ]
        },
    }
    out = mutate_rule(rule, POD, ctx)
    assert out.status == "pass"
    # reverse order for patchStrategicMerge + prepend keeps the original container order
    assert [c["name"] for c in out.patched["spec"]["containers"]] == ["a", "b"]
    assert [c["env"][0]["value"] for c in out.patched["spec"]["containers"]] == [0, 1]
    assert ctx.get("element") is None and ctx.get("elementIndex") is None
    assert ctx.get("request.object") == out.patched
    assert set(ctx.data) == set(before)


def test_foreach_preconditions_and_skip() -> None:
    rule = {
        "name": "r",
        "mutate": {
            "foreach": [
                {
                    "list": "request.object.spec.containers",
                    "preconditions": {
                        "all": [{"key": "{{ element.name }}", "operator": "Equals", "value": "nomatch"}]
                    },
                    "patchesJson6902": "- op: remove\n  path: /spec/containers/{{ elementIndex }}\n",
                }
            ]
        },
    }
    out = mutate_rule(rule, POD, _ctx(POD))
    assert (out.status, out.message) == ("skip", "0 elements processed")
    assert out.patched == POD


def test_foreach_variable_context_and_unsupported_entries() -> None:
    entry = {
        "list": "request.object.spec.containers",
        "context": [{"name": "img", "variable": {"jmesPath": "element.image"}}],
        "patchStrategicMerge": {
            "spec": {"containers": [{"name": "{{ element.name }}", "image": "reg/{{ img }}"}]}
        },
    }
    out = mutate_rule({"name": "r", "mutate": {"foreach": [entry]}}, POD, _ctx(POD))
    assert [c["image"] for c in out.patched["spec"]["containers"]] == ["reg/x", "reg/y"]
    bad = {**entry, "context": [{"name": "cm", "configMap": {"name": "c", "namespace": "n"}}]}
    out = mutate_rule({"name": "r", "mutate": {"foreach": [bad]}}, POD, _ctx(POD))
    assert out.status == "error"
    assert out.message.startswith("failed to mutate elements: failed to load to mutate.foreach[1].context:")


def test_foreach_list_error() -> None:
    rule = {"name": "r", "mutate": {"foreach": [{"list": "request.object.[", "patchesJson6902": "[]"}]}}
    out = mutate_rule(rule, POD, _ctx(POD))
    assert out.status == "error"
    assert out.message.startswith("failed to evaluate list request.object.[: ")


def test_mutate_existing_is_skipped() -> None:
    rule = {
        "name": "r",
        "mutate": {"targets": [{"apiVersion": "v1", "kind": "Secret"}], "patchStrategicMerge": {}},
    }
    out = mutate_rule(rule, POD, _ctx(POD))
    assert (out.status, out.message) == ("skip", MUTATE_EXISTING_SKIP)


def test_empty_mutate_is_error() -> None:
    out = mutate_rule({"name": "r", "mutate": {}}, POD, _ctx(POD))
    assert (out.status, out.message) == ("error", "empty mutate rule")


def test_foreach_context_entry_set_by_the_values_file_is_not_loaded() -> None:
    # The Kyverno CLI answers an imageRegistry entry from the values file; without the value it is an error.
    from argogate.engine.context import Context
    from argogate.engine.mutate.rule import mutate_rule

    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "busybox:1.28"}]},
    }
    rule = {
        "name": "resolve",
        "mutate": {
            "foreach": [
                {
                    "list": "request.object.spec.containers",
                    "context": [
                        {
                            "name": "resolved",
                            "imageRegistry": {
                                "reference": "{{ element.image }}",
                                "jmesPath": "resolvedImage",
                            },
                        }
                    ],
                    "patchStrategicMerge": {
                        "spec": {"containers": [{"name": "{{ element.name }}", "image": "{{ resolved }}"}]}
                    },
                }
            ]
        },
    }
    ctx = Context(
        {"request": {"object": pod, "operation": "CREATE"}, "resolved": "busybox@sha256:" + "a" * 64}
    )
    ctx.provided = frozenset({"resolved"})
    out = mutate_rule(rule, pod, ctx)
    assert out.status == "pass"
    assert out.patched["spec"]["containers"][0]["image"] == "busybox@sha256:" + "a" * 64

    ctx.provided = frozenset()
    assert mutate_rule(rule, pod, ctx).status == "error"


def test_substitution_paths_and_references_of_a_lone_patch() -> None:
    ok = {
        "name": "r",
        "mutate": {"patchStrategicMerge": {"metadata": {"labels": {"a": "x", "b": "$(../a)"}}}},
    }
    out = mutate_rule(ok, POD, _ctx(POD))
    assert out.patched["metadata"]["labels"] == {"a": "x", "b": "x"}
    bad = {"name": "r", "mutate": {"patchStrategicMerge": {"metadata": {"labels": {"a": "{{ nope.x }}"}}}}}
    out = mutate_rule(bad, POD, _ctx(POD))
    assert out.status == "error"
    assert out.message.startswith(
        "variable substitution failed: failed to resolve nope.x at path /patchStrategicMerge/metadata/labels/a:"
    )


def test_rule_documents_are_never_edited() -> None:
    rule = {
        "name": "r",
        "mutate": {
            "patchStrategicMerge": {
                "metadata": {"labels": {"+(who)": "{{ request.object.metadata.name }}", "+(x)": "y"}},
                "spec": {"containers": [{"(name)": "a", "+(imagePullPolicy)": "Always"}]},
            }
        },
    }
    plain = {"name": "p", "mutate": {"patchStrategicMerge": {"metadata": {"labels": {"+(x)": "y"}}}}}
    before = json.dumps([rule, plain])
    assert mutate_rule(rule, POD, _ctx(POD)).status == "pass"
    assert mutate_rule(plain, POD, _ctx(POD)).status == "pass"
    assert json.dumps([rule, plain]) == before


def _containers(node: Any) -> list[int]:
    if isinstance(node, dict):
        return [id(node), *(i for v in node.values() for i in _containers(v))]
    if isinstance(node, list):
        return [id(node), *(i for v in node for i in _containers(v))]
    return []


def test_substitute_all_result_is_ours_to_edit() -> None:
    # `_patch` preprocesses a substituted patch in place (strategic_merge owned=True)
    from argogate.engine.variables.substitute import substitute_all

    doc = {"a": {"b": [{"c": "{{ request.object.metadata.name }}"}], "d": {"e": [1]}}, "f": [{"g": {}}]}
    out = substitute_all(doc, _ctx(POD), path=("patchStrategicMerge",))
    assert out["a"]["b"][0]["c"] == "p"
    assert not set(_containers(out)) & set(_containers(doc))
