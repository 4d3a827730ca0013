"""CEL values over plain JSON-like Python data.

Unstructured Kubernetes objects reach CEL as Go `map[string]any` with int64/float64
numbers, so we keep Python's own types and add only what CEL needs beyond JSON:
`UInt` (an int subclass, so it stays distinct from CEL int), `Duration`/`Timestamp`
(integer nanoseconds), `Optional`, and `CelType` for type values. Python bool is an int
subclass, so every numeric check below excludes bool explicitly: in CEL `true != 1`.

Runtime errors are raised as `CelEvalError`; `&&`, `||` and the `all`/`exists` macros
catch them to give CEL's commutative error absorption (`false && error == false`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from argogate.engine.cel.errors import CelEvalError
from argogate.engine.gofmt import format_float

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
UINT_MAX = 2**64 - 1


class UInt(int):
    __slots__ = ()

    def __repr__(self) -> str:
        return f"{int(self)}u"


class Duration:
    __slots__ = ("ns",)

    def __init__(self, ns: int) -> None:
        self.ns = ns

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Duration) and other.ns == self.ns

    def __lt__(self, other: Duration) -> bool:
        return self.ns < other.ns

    def __hash__(self) -> int:
        return hash(("duration", self.ns))

    def __repr__(self) -> str:
        return f"duration({format_duration(self.ns)!r})"


class Timestamp:
    __slots__ = ("ns",)

    def __init__(self, ns: int) -> None:
        self.ns = ns

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Timestamp) and other.ns == self.ns

    def __lt__(self, other: Timestamp) -> bool:
        return self.ns < other.ns

    def __hash__(self) -> int:
        return hash(("timestamp", self.ns))

    def __repr__(self) -> str:
        return f"timestamp({self.ns})"


class Optional:
    """cel-go `types.Optional`: either `Optional.of(v)` or the `NONE` singleton."""

    __slots__ = ("has", "value")

    def __init__(self, has: bool, value: Any = None) -> None:
        self.has = has
        self.value = value

    @staticmethod
    def of(value: Any) -> Optional:
        return Optional(True, value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Optional) or other.has != self.has:
            return False
        return not self.has or cel_eq(self.value, other.value)

    def __hash__(self) -> int:
        return hash(("optional", self.has))

    def __repr__(self) -> str:
        return f"optional.of({self.value!r})" if self.has else "optional.none()"


NONE = Optional(False)


class CelType:
    """A CEL type value, as returned by `type(x)` and named by `int`, `string`, ..."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CelType) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("type", self.name))

    def __repr__(self) -> str:
        return self.name


TYPES = {
    name: CelType(name)
    for name in (
        "int",
        "uint",
        "double",
        "bool",
        "string",
        "bytes",
        "list",
        "map",
        "null_type",
        "type",
        "optional_type",
        "google.protobuf.Duration",
        "google.protobuf.Timestamp",
    )
}
TYPE_IDENTS = {k: v for k, v in TYPES.items() if k != "optional_type"}

_TYPE_NAMES: dict[type, str] = {
    bool: "bool",
    int: "int",
    UInt: "uint",
    float: "double",
    str: "string",
    bytes: "bytes",
    list: "list",
    tuple: "list",
    dict: "map",
    type(None): "null_type",
    Duration: "google.protobuf.Duration",
    Timestamp: "google.protobuf.Timestamp",
    Optional: "optional_type",
    CelType: "type",
}


def type_name(value: Any) -> str:
    name = _TYPE_NAMES.get(type(value))
    if name is not None:
        return name
    if isinstance(value, Mapping):
        return "map"
    cel_type = getattr(value, "cel_type", None)
    if isinstance(cel_type, str):
        return cel_type
    return type(value).__name__


def type_of(value: Any) -> CelType:
    name = type_name(value)
    return TYPES.get(name) or CelType(name)


def no_such_overload() -> CelEvalError:
    return CelEvalError("no such overload")


def is_number(value: Any) -> bool:
    t = type(value)
    return t is int or t is float or t is UInt


# ---------------------------------------------------------------- equality / ordering


def cel_eq(a: Any, b: Any) -> bool:
    """CEL heterogeneous equality: numbers compare by value, other mixed types are unequal."""
    ta = type(a)
    tb = type(b)
    if ta is tb:
        if ta is list:
            return len(a) == len(b) and all(cel_eq(x, y) for x, y in zip(a, b, strict=True))
        if ta is dict:
            return _map_eq(a, b)
        if ta is float:
            return bool(a == b)
        return bool(a == b)
    if (ta is int or ta is float or ta is UInt) and (tb is int or tb is float or tb is UInt):
        return bool(a == b)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(cel_eq(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return _map_eq(a, b)
    return False


def _map_eq(a: Mapping[Any, Any], b: Mapping[Any, Any]) -> bool:
    if len(a) != len(b):
        return False
    for key, value in a.items():
        found, other = map_find(b, key)
        if not found or not cel_eq(value, other):
            return False
    return True


def map_find(mapping: Mapping[Any, Any], key: Any) -> tuple[bool, Any]:
    """Look a key up with CEL key semantics (bool keys never match numeric keys)."""
    tk = type(key)
    if tk is str:
        if key in mapping:
            return True, mapping[key]
        return False, None
    for k, v in mapping.items():
        if type(k) is bool or tk is bool:
            if type(k) is tk and k == key:
                return True, v
        elif type(k) is not str and cel_eq(k, key):
            return True, v
    return False, None


def compare(a: Any, b: Any) -> int:
    """-1/0/1 ordering for `<`, `<=`, ... with cross-type numeric comparison (Kubernetes
    enables cel.CrossTypeNumericComparisons); other mixed types are `no such overload`."""
    ta = type(a)
    tb = type(b)
    if ta is tb:
        if ta is float and (math.isnan(a) or math.isnan(b)):
            return 2  # unordered: every relation is false
        if ta in (int, float, UInt, str, bytes, bool):
            return int((a > b) - (a < b))
        if ta is Duration or ta is Timestamp:
            return int((a.ns > b.ns) - (a.ns < b.ns))
        raise no_such_overload()
    if (ta is int or ta is float or ta is UInt) and (tb is int or tb is float or tb is UInt):
        if (ta is float and math.isnan(a)) or (tb is float and math.isnan(b)):
            return 2  # unordered: every relation is false
        return int((a > b) - (a < b))
    raise no_such_overload()


# ---------------------------------------------------------------- durations / formatting


def format_duration(ns: int) -> str:
    """cel-go renders durations as seconds with up to 9 fraction digits: `1.5s`, `3600s`."""
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    seconds, frac = divmod(ns, 10**9)
    if frac:
        return f"{sign}{seconds}.{frac:09d}".rstrip("0") + "s"
    return f"{sign}{seconds}s"


def to_display(value: Any) -> str:
    """The text cel-go's `%v` gives a value inside error messages."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if type(value) is float:
        return format_float(value)
    if isinstance(value, Duration):
        return format_duration(value.ns)
    return str(value)
