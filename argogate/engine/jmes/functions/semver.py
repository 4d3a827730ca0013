"""semver_compare and the semantic-version model shared with the numeric condition operators.

Mirrors github.com/blang/semver/v4 as Kyverno uses it: strict `MAJOR.MINOR.PATCH[-pre][+build]`
parsing, and `ParseRange` with AND (space), OR (`||`) and `x` wildcards expanded exactly as
blang does (so `!4.x.x` becomes the unsatisfiable `<4.0.0 >=4.1.0`, as Kyverno's docs show).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from argogate.engine.jmes.errors import JMESError
from argogate.engine.jmes.functions._common import FunctionEntry, signature

ENTRIES = (
    FunctionEntry(
        "semver_compare",
        ("string", "string"),
        "bool",
        "compares two strings which comply with the semantic versioning schema and outputs a boolean "
        "response as to the position of the second relative to the first",
        "semver_compare('4.1.3', '>=4.1.x') == `true`",
    ),
)

_NUM = r"(0|[1-9]\d*)"
_IDENT = r"[0-9A-Za-z-]+"
_VERSION = re.compile(
    rf"^{_NUM}\.{_NUM}\.{_NUM}(?:-({_IDENT}(?:\.{_IDENT})*))?(?:\+({_IDENT}(?:\.{_IDENT})*))?$"
)


@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    pre: tuple[str, ...] = ()

    def __str__(self) -> str:
        base = f"{self.major}.{self.minor}.{self.patch}"
        return base + ("-" + ".".join(self.pre) if self.pre else "")

    def compare(self, other: Version) -> int:
        a = (self.major, self.minor, self.patch)
        b = (other.major, other.minor, other.patch)
        if a != b:
            return -1 if a < b else 1
        if not self.pre or not other.pre:
            return (len(other.pre) > 0) - (len(self.pre) > 0)
        for x, y in zip(self.pre, other.pre, strict=False):
            c = _compare_ident(x, y)
            if c:
                return c
        return (len(self.pre) > len(other.pre)) - (len(self.pre) < len(other.pre))


def _compare_ident(x: str, y: str) -> int:
    xn, yn = x.isdigit(), y.isdigit()
    if xn and yn:
        return (int(x) > int(y)) - (int(x) < int(y))
    if xn != yn:
        return -1 if xn else 1
    return (x > y) - (x < y)


def parse(s: str) -> Version:
    """semver.Parse: strict."""
    m = _VERSION.match(s)
    if not m:
        raise ValueError(f"invalid semantic version {s!r}")
    pre = tuple(m.group(4).split(".")) if m.group(4) else ()
    for p in pre:
        if p.isdigit() and len(p) > 1 and p[0] == "0":
            raise ValueError(f"Numeric PreRelease version must not contain leading zeroes {p!r}")
    return Version(int(m.group(1)), int(m.group(2)), int(m.group(3)), pre)


def _split_and_trim(s: str) -> list[str]:
    result: list[str] = []
    last, last_char = 0, ""
    for i, c in enumerate(s):
        if c == " " and last_char not in (">", "<", "="):
            if last < i - 1:
                result.append(s[last:i])
            last = i + 1
        elif c != " ":
            last_char = c
    if last < len(s) - 1:
        result.append(s[last:])
    return [r.replace(" ", "") for r in result]


def _split_op(part: str) -> tuple[str, str]:
    m = re.search(r"\d", part)
    if not m:
        raise JMESError(f"Could not get version from string: {part!r}")
    return part[: m.start()], part[m.start() :]


def _flat(v: str) -> str:
    v2 = v.replace(".x.x", ".x", 1).replace(".x", ".0", 1)
    return v2 + ".0" if len(v2.split(".")) == 2 else v2


def _expand(part: str) -> list[str]:
    if "x" not in part:
        return [part]
    op, v = _split_op(part)
    pieces = v.split(".")
    kind = len(pieces) if pieces[-1] == "x" else 0  # 2: minor wildcard, 3: patch wildcard
    flat = _flat(v)
    out: list[str] = []
    increment = True
    if op == ">":
        result_op = ">="
    elif op == ">=":
        result_op, increment = ">=", False
    elif op == "<":
        result_op, increment = "<", False
    elif op == "<=":
        result_op = "<"
    elif op in ("", "=", "=="):
        out.append(">=" + flat)
        result_op = "<"
    elif op in ("!=", "!"):
        out.append("<" + flat)
        result_op = ">="
    else:
        result_op, increment = op, False
    result = flat
    if increment:
        fv = parse(flat)
        if kind == 3:
            result = str(Version(fv.major, fv.minor + 1, 0))
        elif kind == 2:
            result = str(Version(fv.major + 1, 0, 0))
        else:
            result = ""
    out.append(result_op + result)
    return out


_OPS: dict[str, Callable[[int], bool]] = {
    "": lambda c: c == 0,
    "=": lambda c: c == 0,
    "==": lambda c: c == 0,
    "!": lambda c: c != 0,
    "!=": lambda c: c != 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
}


def parse_range(s: str) -> Callable[[Version], bool]:
    """semver.ParseRange."""
    or_sets: list[list[str]] = [[]]
    for p in _split_and_trim(s):
        if p == "||":
            or_sets.append([])
        else:
            or_sets[-1].append(p)
    if any(not ors for ors in or_sets):
        raise JMESError(f"Could not parse Range {s!r}")
    checks: list[list[tuple[Callable[[int], bool], Version]]] = []
    for and_parts in or_sets:
        conj = []
        for part in (e for p in and_parts for e in _expand(p)):
            op, v = _split_op(part)
            if op not in _OPS:
                raise JMESError(f"Could not parse comparator {op!r} in {part!r}")
            try:
                conj.append((_OPS[op], parse(v)))
            except ValueError as e:
                raise JMESError(f"Could not parse Range {part!r}: {e}") from None
        checks.append(conj)
    return lambda ver: any(all(fn(ver.compare(v)) for fn, v in conj) for conj in checks)


class SemverFunctions:
    @signature({"types": ["string"]}, {"types": ["string"]})
    def _func_semver_compare(self, version: str, expected: str) -> bool:
        try:
            v = parse(version)
        except ValueError:
            v = Version(0, 0, 0)  # functions.go ignores the parse error: the zero Version
        return parse_range(expected)(v)
