"""JMESPath function calls with the argument checks decided once per call site.

jmespath.py's `Functions.call_function` looks the function up and re-derives the
allowed Python types from the signature on every call. For a signature of plain
types (no variadic argument, no typed array elements) the check comes down to the
argument count and one set lookup per argument, worked out here when the
expression is compiled; any argument that fails it takes `call_function`, which
raises the error jmespath.py raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jmespath import functions as jp_functions  # type: ignore[import-untyped]

Eval = Callable[[Any], Any]


def compile_call(
    node: dict[str, Any], interpreter: Any, compile_node: Callable[[dict[str, Any], Any], Eval]
) -> Eval:
    """A `function_expression` node, its arguments compiled with `compile_node`."""
    name = node["value"]
    args = [compile_node(c, interpreter) for c in node["children"]]
    registry = interpreter._functions
    call = registry.call_function
    spec = registry.FUNCTION_TABLE.get(name)
    allowed = _simple_signature(spec["signature"]) if spec is not None else None
    if allowed is None:
        return lambda value: call(name, [arg(value) for arg in args])
    method = spec["function"]

    def function(value: Any) -> Any:
        resolved = [arg(value) for arg in args]
        # Functions.call_function's arity and type checks, passed: call the function directly;
        # anything else goes the long way, which raises the error
        if len(resolved) == len(allowed):
            for arg_value, names in zip(resolved, allowed, strict=True):
                if names is not None and type(arg_value).__name__ not in names:
                    break
            else:
                return method(registry, *resolved)
        return call(name, resolved)

    return function


def _simple_signature(signature: Any) -> tuple[frozenset[str] | None, ...] | None:
    """Per argument, the Python type names `Functions._type_check_single` accepts (None: any);
    None when a check is more than that (variadic arguments, typed array elements)."""
    out: list[frozenset[str] | None] = []
    for arg in signature:
        if arg.get("variadic") or "types" not in arg:
            return None
        types = arg.get("types") or []
        if any(t not in jp_functions.REVERSE_TYPES_MAP for t in types):
            return None  # typed array elements (`array-string`) among them
        out.append(frozenset(n for t in types for n in jp_functions.REVERSE_TYPES_MAP[t]) if types else None)
    return tuple(out)
