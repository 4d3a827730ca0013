"""Kyverno's validate message formats (handlers/validation/validate_resource.go) and Go %v / %T."""

from __future__ import annotations

from typing import Any

import pytest

from argogate.engine import messages as m


@pytest.mark.parametrize(
    ("path", "want"),
    [
        ((), "/"),
        (("spec",), "/spec/"),
        (("spec", "containers", 0, "resources", "limits"), "/spec/containers/0/resources/limits/"),
    ],
)
def test_render_path(path: tuple[Any, ...], want: str) -> None:
    assert m.render_path(path) == want


def test_pass_messages() -> None:
    assert m.validation_passed("check-probes") == "validation rule 'check-probes' passed."
    assert m.any_pattern_passed("r", 1) == "validation rule 'r' anyPattern[1] passed."


@pytest.mark.parametrize(
    ("message", "path", "want"),
    [
        (None, ("spec", "x"), "validation error: rule r failed at path /spec/x/"),
        ("", ("spec", "x"), "validation error: rule r failed at path /spec/x/"),
        (
            "Probes are required",
            ("spec",),
            "validation error: Probes are required. rule r failed at path /spec/",
        ),
        (
            "Probes are required.",
            ("spec",),
            "validation error: Probes are required. rule r failed at path /spec/",
        ),
        ("m", (), "validation error: m. rule r failed at path /"),
        (None, None, "validation error: rule r execution error: boom"),
        ("m", None, "validation error: m. rule r execution error: boom"),
    ],
)
def test_pattern_failed(message: str | None, path: tuple[Any, ...] | None, want: str) -> None:
    assert m.pattern_failed("r", message, path, "boom") == want


def test_substitution_failed() -> None:
    assert (
        m.pattern_substitution_failed("r", "boom")
        == "validation error: variables substitution error in rule r execution error: boom"
    )


def test_any_pattern_messages() -> None:
    entries = [m.any_pattern_failed_at("r", 0, ("spec", "a")), m.any_pattern_error("r", 1, "oops")]
    assert entries == ["rule r[0] failed at path /spec/a/", "rule r[1] failed: oops"]
    assert (
        m.any_pattern_failed(None, entries)
        == "validation error: rule r[0] failed at path /spec/a/ rule r[1] failed: oops"
    )
    assert (
        m.any_pattern_failed("Need x", entries[:1])
        == "validation error: Need x. rule r[0] failed at path /spec/a/"
    )
    assert (
        m.any_pattern_failed("Need x.", entries[:1])
        == "validation error: Need x. rule r[0] failed at path /spec/a/"
    )
    skipped = [m.any_pattern_skipped("r", 0, "a"), m.any_pattern_skipped("r", 1, "b")]
    assert m.any_pattern_skip(skipped) == "rule r[0] skipped: a rule r[1] skipped: b"
    assert m.deny_default("r") == "validation error: rule r failed"


@pytest.mark.parametrize(
    ("value", "pattern", "want"),
    [
        (None, False, "<nil>"),
        (True, False, "bool"),
        (3, False, "int64"),
        (3, True, "float64"),
        (3.5, False, "float64"),
        ("s", False, "string"),
        ({}, False, "map[string]interface {}"),
        ([], False, "[]interface {}"),
    ],
)
def test_go_type(value: Any, pattern: bool, want: str) -> None:
    assert m.go_type(value, pattern=pattern) == want


@pytest.mark.parametrize(
    ("value", "pattern", "want"),
    [
        (None, False, "<nil>"),
        (True, False, "true"),
        (1000000, False, "1000000"),
        (1000000, True, "1e+06"),
        (8, True, "8"),
        (0.5, False, "0.5"),
        (123456.0, False, "123456"),
        (1234567.0, False, "1.234567e+06"),
        (0.0001, False, "0.0001"),
        (0.00001, False, "1e-05"),
        (-2.5, False, "-2.5"),
        ({"b": 1, "a": [1, "x"]}, False, "map[a:[1 x] b:1]"),
    ],
)
def test_go_value(value: Any, pattern: bool, want: str) -> None:
    assert m.go_value(value, pattern=pattern) == want


@pytest.mark.parametrize(
    ("value", "want"),
    [
        (1.0, "1E+00"),
        (0.5, "5E-01"),
        (123.456, "1.23456E+02"),
        (1e21, "1E+21"),
        (0.0, "0E+00"),
        (-1.5e-7, "-1.5E-07"),
    ],
)
def test_go_float_e(value: float, want: str) -> None:
    assert m.go_float_e(value) == want
