"""Kyverno's validate message formats (handlers/validation/validate_resource.go)."""

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
