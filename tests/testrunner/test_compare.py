"""Resource comparison as kyverno's `resource.Compare(tidy=true)` after `FixupGenerateLabels`."""

from __future__ import annotations

from typing import Any

import pytest

from argogate.testrunner.compare import (
    compare_generated,
    compare_patched,
    fixup_generate_labels,
    json_equal,
    same_resource,
    tidy,
)


@pytest.mark.parametrize(
    ("obj", "want"),
    [  # kyverno cmd/cli/kubectl-kyverno/resource/tidy_test.go
        ("string", "string"),
        ({}, None),
        (None, None),
        ([], None),
        ({"map": None}, None),
        ({"map": {}}, None),
        ({"map": {"foo": "bar"}}, {"map": {"foo": "bar"}}),
        ([[]], None),
        ([1], [1]),
        # what tidy keeps
        ({"s": "", "b": False, "n": 0}, {"s": "", "b": False, "n": 0}),
        ([None, {"a": None}, 2], [2]),
    ],
)
def test_tidy(obj: Any, want: Any) -> None:
    assert tidy(obj) == want


def test_fixup_generate_labels() -> None:
    obj = {"metadata": {"labels": {"generate.kyverno.io/policy-name": "p", "app": "x"}}}
    assert fixup_generate_labels(obj)["metadata"]["labels"] == {
        "app.kubernetes.io/managed-by": "kyverno",
        "app": "x",
    }
    assert fixup_generate_labels({"kind": "A"})["metadata"]["labels"] == {
        "app.kubernetes.io/managed-by": "kyverno"
    }
    assert (
        obj["metadata"]["labels"]["app"] == "x"
        and "generate.kyverno.io/policy-name" in obj["metadata"]["labels"]
    )
    # an explicit managed-by survives, so it must match on both sides
    assert not same_resource(
        {"metadata": {"labels": {"app.kubernetes.io/managed-by": "helm"}}}, {"metadata": {}}
    )


@pytest.mark.parametrize(
    ("a", "b", "want"),
    [
        (1, 1.0, True),
        (True, 1, False),
        (False, 0, False),
        ("1", 1, False),
        ({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]}, True),
        ({"a": 1}, {"a": 1, "b": 2}, False),
        ([1, 2], [2, 1], False),
    ],
)
def test_json_equal(a: Any, b: Any, want: bool) -> None:
    assert json_equal(a, b) is want


def _cm(name: str, ns: str | None = "default", **data: str) -> dict[str, Any]:
    md: dict[str, Any] = {"name": name}
    if ns is not None:
        md["namespace"] = ns
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": md, "data": data}


def test_same_resource_ignores_empties_and_generate_labels() -> None:
    actual = _cm("a", k="v")
    actual["metadata"]["labels"] = {"generate.kyverno.io/rule-name": "r"}
    actual["metadata"]["annotations"] = {}
    assert same_resource(actual, _cm("a", k="v"))
    assert not same_resource(actual, _cm("a", k="w"))


def test_compare_patched_picks_the_document_by_identity() -> None:
    expected = [_cm("a", k="1"), _cm("b", k="2")]
    assert compare_patched(expected, _cm("b", k="2")) == (True, "Ok", "")
    ok, reason, message = compare_patched(expected, _cm("b", k="3"))
    assert (ok, reason) == (False, "Resource diff")
    assert message.startswith(
        "Patched resource didn't match the patched resource in the test result\n--- expected\n+++ actual"
    )
    assert compare_patched(expected, _cm("c"))[:2] == (False, "Resource error")
    # a single document is used whatever its name, and a missing namespace means `default`
    assert compare_patched([_cm("a", ns=None, k="1")], _cm("a", k="1")) == (True, "Ok", "")


def test_compare_generated() -> None:
    generated = [_cm("x", ns="n1", k="1"), _cm("y", ns="n1")]
    assert compare_generated([_cm("x", ns="n1", k="1")], generated)[0]
    assert compare_generated([_cm("x", ns="n2", k="1")], generated) == (
        False,
        "Resource diff",
        "Generated resource ConfigMap/n2/x was not generated",
    )
    ok, reason, message = compare_generated([_cm("x", ns="n1", k="2")], generated)
    assert (ok, reason) == (False, "Resource diff") and "-  k: '2'" in message
