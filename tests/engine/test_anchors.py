"""Ports of kyverno pkg/engine/anchor/anchor_test.go, plus the load-time anchor check."""

from __future__ import annotations

import pytest

from argogate.engine.anchors import (
    Anchor,
    AnchorKind,
    AnchorProblem,
    anchor_string,
    is_anchor,
    parse,
    parse_key,
    remove_anchor,
    validate_pattern_anchors,
)


@pytest.mark.parametrize(
    ("key", "want"),
    [
        ("(something)", Anchor(AnchorKind.CONDITION, "something")),
        ("()", None),
        ("something", None),
        ("(something", None),
        ("something)", None),
        ("so)m(et(hin)g", None),
        ("", None),
        ("^(abc)", Anchor(AnchorKind.EXISTENCE, "abc")),
        ("^(abc", None),
        ("^abc", None),
        ("^()", None),
        ("(abc)", Anchor(AnchorKind.CONDITION, "abc")),
        ("=(abc)", Anchor(AnchorKind.EQUALITY, "abc")),
        ("=(abc", None),
        ("=abc", None),
        ("+(abc)", Anchor(AnchorKind.ADD_IF_NOT_PRESENT, "abc")),
        ("+(abc", None),
        ("+abc", None),
        ("X(abc)", Anchor(AnchorKind.NEGATION, "abc")),
        ("X(abc", None),
        ("Xabc", None),
        ("<(abc)", Anchor(AnchorKind.GLOBAL, "abc")),
        ("<(abc", None),
        ("<abc", None),
        ("abc", None),
        # beyond Kyverno's table: unknown modifiers, trimming, keys with dots and slashes
        ("a(b)", None),
        ("x(abc)", None),
        (" (abc) ", Anchor(AnchorKind.CONDITION, "abc")),
        ("=(kubernetes.io/ingress.class)", Anchor(AnchorKind.EQUALITY, "kubernetes.io/ingress.class")),
        ("(a)(b)", Anchor(AnchorKind.CONDITION, "a)(b")),
    ],
)
def test_parse(key: str, want: Anchor | None) -> None:
    assert parse(key) == want


@pytest.mark.parametrize(
    ("kind", "key", "want"),
    [
        (AnchorKind.CONDITION, "", ""),
        (AnchorKind.GLOBAL, "", ""),
        (AnchorKind.CONDITION, "test", "(test)"),
        (AnchorKind.GLOBAL, "test", "<(test)"),
        (AnchorKind.NEGATION, "test", "X(test)"),
        (AnchorKind.ADD_IF_NOT_PRESENT, "test", "+(test)"),
        (AnchorKind.EQUALITY, "test", "=(test)"),
        (AnchorKind.EXISTENCE, "test", "^(test)"),
    ],
)
def test_anchor_string(kind: AnchorKind, key: str, want: str) -> None:
    assert anchor_string(kind, key) == want
    if key:
        assert str(Anchor(kind, key)) == want
        assert parse(want) == Anchor(kind, key)


def test_helpers() -> None:
    assert parse_key("X(hostPID)") == (AnchorKind.NEGATION, "hostPID")
    assert parse_key("hostPID") == (None, "hostPID")
    assert remove_anchor("=(a)") == "a"
    assert remove_anchor("a") == "a"
    assert is_anchor("(a)")
    assert is_anchor("(a)", AnchorKind.CONDITION)
    assert not is_anchor("(a)", AnchorKind.GLOBAL, AnchorKind.NEGATION)
    assert not is_anchor("a")


def test_validate_pattern_anchors_accepts_validate_anchors() -> None:
    pattern = {
        "metadata": {"=(labels)": {"X(foo)": "null"}},
        "spec": {"(hostNetwork)": False, "<(x)": 1, "^(containers)": [{"name": "*"}]},
    }
    assert validate_pattern_anchors(pattern) == []


def test_validate_pattern_anchors_reports_problems_with_paths() -> None:
    pattern = {
        "spec": {
            "+(hostNetwork)": False,
            "^(containers)": "not-a-list",
            "^(initContainers)": [],
            "volumes": [{"+(name)": "x"}],
        }
    }
    problems = validate_pattern_anchors(pattern)
    assert problems == [
        AnchorProblem(("spec", "+(hostNetwork)"), "unsupported anchor +(hostNetwork)"),
        AnchorProblem(("spec", "^(containers)"), "existence anchor should have value of type list"),
        AnchorProblem(("spec", "^(initContainers)"), "existence anchor: should have at least one value"),
        AnchorProblem(("spec", "volumes", 0, "+(name)"), "unsupported anchor +(name)"),
    ]
    assert str(problems[0]) == "/spec/+(hostNetwork)/: unsupported anchor +(hostNetwork)"


def test_validate_pattern_anchors_custom_allowed_set() -> None:
    allowed = frozenset({AnchorKind.CONDITION, AnchorKind.ADD_IF_NOT_PRESENT})
    assert validate_pattern_anchors({"+(a)": 1, "(b)": 2}, allowed) == []
    assert [p.message for p in validate_pattern_anchors({"X(a)": 1}, allowed)] == ["unsupported anchor X(a)"]


def test_validate_pattern_anchors_unknown_type() -> None:
    problems = validate_pattern_anchors({"a": {1, 2}})
    assert problems == [AnchorProblem(("a",), "error at '/a/', pattern contains unknown type")]
