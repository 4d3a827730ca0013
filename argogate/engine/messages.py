"""Every user-facing string of validate results, in Kyverno's exact wording.

Policy reports and `kyverno test` expectations compare these strings, so each
function reproduces one `fmt.Sprintf` of kyverno
`pkg/engine/handlers/validation/validate_resource.go` (or of the pattern
walker), including its oddities. Paths arrive as tuples and are rendered here
only, in Kyverno's form: root `/`, every segment followed by `/`.

Go's `%v` / `%T` renderings of JSON values are here too (`go_value`,
`go_type`), because pattern error texts embed them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

Path = tuple[str | int, ...]


def render_path(path: Path) -> str:
    """`/spec/containers/0/image/`; the root is `/`."""
    return "/" + "".join(f"{seg}/" for seg in path)


# --- pattern / anyPattern (validate_resource.go) ---------------------------------


def validation_passed(rule: str) -> str:
    return f"validation rule '{rule}' passed."


def any_pattern_passed(rule: str, index: int) -> str:
    return f"validation rule '{rule}' anyPattern[{index}] passed."


def _with_period(message: str) -> str:
    return message if message.endswith(".") else message + "."


def pattern_failed(rule: str, message: str | None, path: Path | None, error: str) -> str:
    """`buildErrorMessage`: with a path the rule fails, without one it is an execution error.

    A non-empty rule message gets a trailing period if it lacks one.
    """
    if not message:
        if path is not None:
            return f"validation error: rule {rule} failed at path {render_path(path)}"
        return f"validation error: rule {rule} execution error: {error}"
    msg = _with_period(message)
    if path is not None:
        return f"validation error: {msg} rule {rule} failed at path {render_path(path)}"
    return f"validation error: {msg} rule {rule} execution error: {error}"


def pattern_substitution_failed(rule: str, error: str) -> str:
    """`buildErrorMessage` when variables in the rule message cannot be substituted."""
    return f"validation error: variables substitution error in rule {rule} execution error: {error}"


def any_pattern_skipped(rule: str, index: int, error: str) -> str:
    return f"rule {rule}[{index}] skipped: {error}"


def any_pattern_error(rule: str, index: int, error: str) -> str:
    """An anyPattern entry that failed without a path (Kyverno's empty `PatternError.Path`)."""
    return f"rule {rule}[{index}] failed: {error}"


def any_pattern_failed_at(rule: str, index: int, path: Path) -> str:
    return f"rule {rule}[{index}] failed at path {render_path(path)}"


def any_pattern_skip(entries: Sequence[str]) -> str:
    """All anyPatterns skipped (none failed): the entries joined by a space."""
    return " ".join(entries)


def any_pattern_failed(message: str | None, entries: Sequence[str]) -> str:
    """`buildAnyPatternErrorMessage`: entries joined by a space, after the rule message if any."""
    joined = " ".join(entries)
    if not message:
        return f"validation error: {joined}"
    if message.endswith("."):
        return f"validation error: {message} {joined}"
    return f"validation error: {message}. {joined}"


ANY_PATTERN_NOT_A_LIST = "failed to deserialize anyPattern, expected type array"


def deny_default(rule: str) -> str:
    """`getDenyMessage` when neither the rule nor the conditions supply a message."""
    return f"validation error: rule {rule} failed"


# --- Go formatting of JSON values ------------------------------------------------


def go_type(value: Any, *, pattern: bool = False) -> str:
    """Go's `%T` of a decoded JSON value.

    Resource integers decode to int64; every number in a pattern is float64
    (patterns go through `json.Unmarshal` into `interface{}`).
    """
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "float64" if pattern else "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    return type(value).__name__


def _digits(f: float) -> tuple[str, int]:
    """Shortest round-trip digits of |f| and the decimal point position (0.d1d2... x 10^dp)."""
    _, digs, exp = Decimal(repr(abs(f))).as_tuple()
    s = "".join(map(str, digs))
    assert isinstance(exp, int)
    stripped = s.rstrip("0") or "0"
    dp = len(s) + exp
    lead = len(stripped) - len(stripped.lstrip("0"))
    return stripped.lstrip("0") or "0", dp - lead


def _go_special(f: float) -> str | None:
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "+Inf" if f > 0 else "-Inf"
    return None


def go_float_e(f: float, e: str = "E") -> str:
    """`strconv.FormatFloat(f, 'E', -1, 64)`: `1E+00`, `1.5E-07`."""
    special = _go_special(f)
    if special is not None:
        return special
    sign = "-" if f < 0 or (f == 0 and str(f).startswith("-")) else ""
    if f == 0:
        return f"{sign}0{e}+00"
    digs, dp = _digits(f)
    exp = dp - 1
    mant = digs[0] + ("." + digs[1:] if len(digs) > 1 else "")
    return f"{sign}{mant}{e}{'-' if exp < 0 else '+'}{abs(exp):02d}"


def go_float_g(f: float) -> str:
    """`%v` of a float64 (`strconv` 'g', shortest): `8`, `0.5`, `1e+06`, `1e-05`."""
    special = _go_special(f)
    if special is not None:
        return special
    sign = "-" if f < 0 or (f == 0 and str(f).startswith("-")) else ""
    if f == 0:
        return f"{sign}0"
    digs, dp = _digits(f)
    exp = dp - 1
    if exp < -4 or exp >= 6:  # shortest 'g' decides with precision 6
        return sign + go_float_e(abs(f), "e")
    if dp <= 0:
        return f"{sign}0.{'0' * -dp}{digs}"
    if dp >= len(digs):
        return sign + digs + "0" * (dp - len(digs))
    return f"{sign}{digs[:dp]}.{digs[dp:]}"


def go_value(value: Any, *, pattern: bool = False) -> str:
    """Go's `%v` of a decoded JSON value (maps print with sorted keys)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return go_float_g(float(value)) if pattern else str(value)
    if isinstance(value, float):
        return go_float_g(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        inner = " ".join(f"{k}:{go_value(value[k], pattern=pattern)}" for k in sorted(value))
        return f"map[{inner}]"
    if isinstance(value, list):
        return "[" + " ".join(go_value(v, pattern=pattern) for v in value) + "]"
    return str(value)
