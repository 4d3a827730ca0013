"""Every user-facing string of validate results, in Kyverno's exact wording.

Policy reports and `kyverno test` expectations compare these strings, so each
function reproduces one `fmt.Sprintf` of kyverno
`pkg/engine/handlers/validation/validate_resource.go` (or of the pattern
walker), including its oddities. Paths arrive as tuples and are rendered here
only, in Kyverno's form: root `/`, every segment followed by `/`. Go's `%v` / `%T`
renderings of the values these texts embed are in `argogate.engine.gofmt`.
"""

from __future__ import annotations

from collections.abc import Sequence

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
