"""Kubernetes semver library (apiserver/pkg/cel/library/semver.go, on in >= 1.33):
`semver()`, `isSemver()`, major/minor/patch and comparisons. `compareTo`,
`isGreaterThan` and `isLessThan` are shared with quantities (see `quantity.py`).
"""

from __future__ import annotations

import re
from typing import Any

from argogate.engine.cel.errors import CelEvalError
from argogate.engine.cel.library import cel_function
from argogate.engine.cel.values import no_such_overload

_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


class Semver:
    __slots__ = ("major", "minor", "patch", "pre")
    cel_type = "kubernetes.Semver"

    def __init__(self, major: int, minor: int, patch: int, pre: tuple[str, ...]) -> None:
        self.major, self.minor, self.patch, self.pre = major, minor, patch, pre

    def key(self) -> tuple[Any, ...]:
        pre: tuple[Any, ...] = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.pre)
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, pre)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Semver) and other.key() == self.key()

    def __hash__(self) -> int:
        return hash(self.key())


def _normalize(text: str) -> str:
    text = text[1:] if text.startswith("v") else text
    m = re.match(r"^([0-9.]*)(.*)$", text, re.S)
    assert m is not None
    parts = [p for p in m.group(1).split(".") if p != ""] if m.group(1) else []
    if len(parts) > 3 or not parts:
        return text
    parts = [p.lstrip("0") or "0" for p in parts] + ["0"] * (3 - len(parts))
    return ".".join(parts) + m.group(2)


def _parse(text: str, normalize: bool = False) -> Semver | None:
    if normalize:
        text = _normalize(text)
    m = _SEMVER.match(text)
    if m is None:
        return None
    pre = tuple(m.group(4).split(".")) if m.group(4) else ()
    return Semver(int(m.group(1)), int(m.group(2)), int(m.group(3)), pre)


@cel_function("semver", glob=True)
def semver(text: Any, normalize: Any = False) -> Semver:
    if type(text) is not str or type(normalize) is not bool:
        raise no_such_overload()
    v = _parse(text, normalize)
    if v is None:
        raise CelEvalError("No Major.Minor.Patch elements found")
    return v


@cel_function("isSemver", glob=True)
def is_semver(text: Any, normalize: Any = False) -> bool:
    if type(text) is not str or type(normalize) is not bool:
        raise no_such_overload()
    return _parse(text, normalize) is not None


def _v(value: Any) -> Semver:
    if type(value) is not Semver:
        raise no_such_overload()
    return value


def semver_compare(a: Any, b: Any) -> int:
    x, y = _v(a).key(), _v(b).key()
    return (x > y) - (x < y)


@cel_function("major", member=True)
def major(v: Any) -> int:
    return _v(v).major


@cel_function("minor", member=True)
def minor(v: Any) -> int:
    return _v(v).minor


@cel_function("patch", member=True)
def patch(v: Any) -> int:
    return _v(v).patch
