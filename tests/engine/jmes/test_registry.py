"""The dialect: go-jmespath's missing-key errors, Go-style to_string, the catalogue."""

from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.jmes import FUNCTIONS, JMESError, NotFoundError, compile, function_names, search

DOC = {"a": {"b": None, "list": [{"x": 1}, {"y": 2}]}, "n": 2.0}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("a.b", None),  # present but null: no error
        ("a.missing || 'default'", "default"),
        ("a.list[].x", [1]),
        ("a.list[?x == `1`].x", [1]),
        ("a.list[*].y", [2]),
        ("a.*.x", []),
        ("to_string(n)", "2"),
        ("to_string(a.list)", '[{"x":1},{"y":2}]'),
        ("to_string('s')", "s"),
        ("length(a.list)", 2),
    ],
)
def test_dialect(expr: str, expected: Any) -> None:
    assert search(expr, DOC) == expected


@pytest.mark.parametrize("expr", ["a.missing", "a.missing.deeper"])
def test_missing_key_on_a_plain_path_is_an_error(expr: str) -> None:
    with pytest.raises(NotFoundError, match='Unknown key "missing" in path'):
        search(expr, DOC)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("a.missing[]", None),
        ("[a.missing, a.list][]", [{"x": 1}, {"y": 2}]),
        ("to_array(a.missing[].x)", [None]),
        ("a.missing || 'd'", "d"),
        ("keys(a.list[0])", ["x"]),
    ],
)
def test_missing_key_elsewhere_is_null(expr: str, expected: Any) -> None:
    # Kyverno's policy tests rely on these (e.g. `request.object.rules[].verbs[]` on a Role without rules)
    assert search(expr, DOC) == expected


def test_parse_error_and_unknown_function() -> None:
    with pytest.raises(JMESError):
        search("a.[", DOC)
    with pytest.raises(JMESError, match="Unknown function"):
        search("nope(a)", DOC)


def test_compile_is_cached() -> None:
    assert compile("a.b") is compile("a.b")


def test_catalogue_covers_every_registered_function() -> None:
    from argogate.engine.jmes.registry import KyvernoFunctions

    table = KyvernoFunctions.FUNCTION_TABLE
    names = function_names()
    assert len(names) == len(set(names)) == len(FUNCTIONS)
    for name in names:
        assert name in table, name
    for entry in FUNCTIONS:
        assert entry.note and entry.signature().startswith(entry.name + "(")
    expected = {
        "compare",
        "equal_fold",
        "replace",
        "replace_all",
        "to_upper",
        "to_lower",
        "trim",
        "trim_prefix",
        "split",
        "regex_replace_all",
        "regex_replace_all_literal",
        "regex_match",
        "pattern_match",
        "label_match",
        "to_boolean",
        "add",
        "sum",
        "subtract",
        "multiply",
        "divide",
        "modulo",
        "round",
        "base64_decode",
        "base64_encode",
        "time_since",
        "time_now",
        "time_now_utc",
        "time_add",
        "time_parse",
        "time_to_cron",
        "time_utc",
        "time_diff",
        "time_before",
        "time_after",
        "time_between",
        "time_truncate",
        "path_canonicalize",
        "truncate",
        "semver_compare",
        "parse_json",
        "parse_yaml",
        "lookup",
        "items",
        "object_from_lists",
        "random",
        "x509_decode",
        "image_normalize",
        "is_external_url",
        "sha256",
    }
    assert expected <= set(names)
