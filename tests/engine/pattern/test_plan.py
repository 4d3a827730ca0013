"""The order a pattern map's keys are walked in (validate.go sort, utils.go nested-anchor keys first)."""

from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.pattern.plan import build_plan, has_nested_anchors


def test_anchors_sorted_then_globals_then_nested_then_rest() -> None:
    pattern = {
        "plain": 1,
        "nested": {"(x)": 1},
        "=(b)": 2,
        "<(g)": 3,
        "(a)": 4,
        "X(c)": None,
        "^(d)": [{"k": 1}],
        "+(add)": 5,
    }
    plan = build_plan(pattern)
    assert [k for k, _, _ in plan.anchors] == ["(a)", "=(b)", "X(c)", "^(d)"]
    assert [k for k, _, _ in plan.others] == ["<(g)", "nested", "plain", "+(add)"]
    assert plan.tracked == (("(a)", "a"), ("X(c)", "c"), ("^(d)", "d"))
    assert not plan.expand_metadata


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        ({"a": [{"b": {"=(c)": 1}}]}, True),
        ({"a": [{"b": {"c": 1}}]}, False),
        ([{"<(x)": 1}], True),
        ({"+(x)": 1}, False),  # add-if-not-present is not an anchor the walker sorts
        ("(x)", False),
    ],
)
def test_has_nested_anchors(node: Any, expected: bool) -> None:
    assert has_nested_anchors(node) is expected


def test_wildcard_metadata_keys_ask_for_expansion() -> None:
    assert build_plan({"metadata": {"labels": {"app/*": "x"}}}).expand_metadata
    assert not build_plan({"metadata": {"labels": {"app": "x*"}}}).expand_metadata
