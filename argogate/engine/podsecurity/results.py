"""Result types and helpers shared by the Pod Security Standards checks.

Kyverno evaluates `validate.podSecurity` with its fork of
`k8s.io/pod-security-admission` (github.com/kyverno/pod-security-admission),
called with `policy.WithFieldErrors()`: every failing check returns, besides
the upstream forbidden reason/detail, a `field.ErrorList` naming the offending
fields. Kyverno's messages and its `exclude` matching are built from those field
errors, so they are reproduced here as data.

Field paths stay in the apimachinery `field.Path` string form
(`spec.containers[0].securityContext.privileged`): Kyverno matches and rewrites
them as strings (pkg/pss/evaluate.go, validate_pss.go), so that is their
identity, not a rendering of a tuple path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

BadValue = str | bool | int | tuple[str, ...]


@dataclass(frozen=True)
class FieldError:
    """One apimachinery `field.Error` as the PSA checks build it (Forbidden or Required)."""

    type: Literal["Forbidden", "Required"]
    field: str
    # field.Forbidden/field.Required start with BadValue "" (no value); withBadValue overrides it.
    bad_value: BadValue = ""

    def error(self) -> str:
        # apimachinery field.Error.Error(): "<field>: <ErrorBody>"; the body of both
        # types is the type string alone because the checks never set a Detail.
        return f"{self.field}: {'Forbidden' if self.type == 'Forbidden' else 'Required value'}"


@dataclass(frozen=True)
class Denial:
    """What one versioned check function returns when it forbids the pod."""

    reason: str
    detail: str
    errors: tuple[FieldError, ...]


@dataclass(frozen=True)
class CheckFailure:
    """A check that did not allow the pod (policy.CheckResult with Allowed=false)."""

    id: str
    reason: str
    detail: str
    errors: tuple[FieldError, ...]


def forbidden(field: str, bad_value: BadValue = "") -> FieldError:
    return FieldError("Forbidden", field, bad_value)


def required(field: str) -> FieldError:
    return FieldError("Required", field)


def join_quote(items: list[str]) -> str:
    """policy/helpers.go joinQuote."""
    if not items:
        return ""
    return '"' + '", "'.join(items) + '"'


def pluralize(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def go_quote(value: str) -> str:
    """Go's %q for the printable strings found in manifests."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return f'"{escaped}"'


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def is_true(value: Any) -> bool:
    return value is True


def security_context(container: dict[str, Any]) -> dict[str, Any] | None:
    """The container's securityContext, or None where Go would see a nil pointer."""
    sc = container.get("securityContext")
    return sc if isinstance(sc, dict) else None


def visit_containers(spec: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """policy/visitor.go visitContainers: init containers, then containers, then ephemeral ones."""
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for i, container in enumerate(as_list(spec.get(key))):
            yield as_dict(container), f"spec.{key}[{i}]"


def container_name(container: dict[str, Any]) -> str:
    return as_str(container.get("name"))


def is_windows(spec: dict[str, Any]) -> bool:
    return as_dict(spec.get("os")).get("name") == "windows"


class Violations:
    """policy/violations.go: the data strings of a check plus the field errors that go with them."""

    def __init__(self) -> None:
        self.data: list[str] = []
        self.errs: list[FieldError] = []

    def add(self, data: str, *errs: FieldError) -> None:
        self.data.append(data)
        self.errs.extend(errs)

    def __bool__(self) -> bool:
        return bool(self.data)

    def __len__(self) -> int:
        return len(self.data)
