"""JMESPath ASTs turned into nested Python closures, evaluated without a visitor.

jmespath.py's `TreeInterpreter` dispatches every AST node through a method-cache
lookup and `getattr`; a closure per node does the same work with one call, which
matters because every `{{ }}` in every rule runs a query per resource (and per
foreach element). Each closure reproduces the `visit_*` method of jmespath 1.1.0's
`visitor.py` it replaces, with one difference owned by `registry.py`: a
`subexpression` stops at the first null (`registry._Interpreter`). Node types not
listed here fall back to that interpreter, so they behave exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jmespath import visitor  # type: ignore[import-untyped]

from argogate.engine.jmes.calls import compile_call

Eval = Callable[[Any], Any]

_is_actual_number = visitor._is_actual_number
_is_comparable = visitor._is_comparable
_equals = visitor._equals
_COMPARATORS = visitor.TreeInterpreter.COMPARATOR_FUNC


def _is_false(value: Any) -> bool:
    # TreeInterpreter._is_false: JMESPath falsiness, with equality checks on purpose
    return value == "" or value == [] or value == {} or value is None or value is False


def compile_node(node: dict[str, Any], interpreter: Any) -> Eval:
    """A function of the current value equal to `interpreter.visit(node, value)`."""
    builder = _BUILDERS.get(node["type"])
    if builder is None:
        return lambda value: interpreter.visit(node, value)
    return builder(node, interpreter)


def _children(node: dict[str, Any], interpreter: Any) -> list[Eval]:
    return [compile_node(c, interpreter) for c in node["children"]]


def _field(node: dict[str, Any], interpreter: Any) -> Eval:
    key = node["value"]

    def field(value: Any) -> Any:
        try:
            return value.get(key)
        except AttributeError:
            return None

    return field


def _subexpression(node: dict[str, Any], interpreter: Any) -> Eval:
    steps = _children(node, interpreter)
    if len(steps) == 2:
        first, second = steps

        def pair(value: Any) -> Any:
            value = first(value)
            return None if value is None else second(value)

        return pair

    def chain(value: Any) -> Any:
        for step in steps:
            value = step(value)
            if value is None:
                return None
        return value

    return chain


def _sequence(node: dict[str, Any], interpreter: Any) -> Eval:
    """index_expression and pipe: every child on the previous result, nulls included."""
    steps = _children(node, interpreter)

    def sequence(value: Any) -> Any:
        for step in steps:
            value = step(value)
        return value

    return sequence


def _comparator(node: dict[str, Any], interpreter: Any) -> Eval:
    op = node["value"]
    compare = _COMPARATORS[op]
    left, right = _children(node, interpreter)
    if op in ("eq", "ne"):
        return lambda value: compare(left(value), right(value))

    def ordered(value: Any) -> Any:
        lhs, rhs = left(value), right(value)
        if not (_is_comparable(lhs) and _is_comparable(rhs)):
            return None
        return compare(lhs, rhs)

    return ordered


def _current(node: dict[str, Any], interpreter: Any) -> Eval:
    return lambda value: value


def _expref(node: dict[str, Any], interpreter: Any) -> Eval:
    expression = node["children"][0]
    return lambda value: visitor._Expression(expression, interpreter)


def _filter_projection(node: dict[str, Any], interpreter: Any) -> Eval:
    base, project, condition = _children(node, interpreter)

    def filter_projection(value: Any) -> Any:
        items = base(value)
        if not isinstance(items, list):
            return None
        collected = []
        for element in items:
            if not _is_false(condition(element)):
                current = project(element)
                if current is not None:
                    collected.append(current)
        return collected

    return filter_projection


def _flatten(node: dict[str, Any], interpreter: Any) -> Eval:
    (base,) = _children(node, interpreter)

    def flatten(value: Any) -> Any:
        items = base(value)
        if not isinstance(items, list):
            return None
        merged: list[Any] = []
        for element in items:
            if isinstance(element, list):
                merged.extend(element)
            else:
                merged.append(element)
        return merged

    return flatten


def _index(node: dict[str, Any], interpreter: Any) -> Eval:
    position = node["value"]

    def index(value: Any) -> Any:
        if not isinstance(value, list):
            return None
        try:
            return value[position]
        except IndexError:
            return None

    return index


def _slice(node: dict[str, Any], interpreter: Any) -> Eval:
    bounds = slice(*node["children"])
    return lambda value: value[bounds] if isinstance(value, list) else None


def _key_val_pair(node: dict[str, Any], interpreter: Any) -> Eval:
    return compile_node(node["children"][0], interpreter)


def _literal(node: dict[str, Any], interpreter: Any) -> Eval:
    literal = node["value"]
    return lambda value: literal


def _multi_select_dict(node: dict[str, Any], interpreter: Any) -> Eval:
    dict_cls = interpreter._dict_cls
    pairs = [(c["value"], compile_node(c, interpreter)) for c in node["children"]]

    def multi_select_dict(value: Any) -> Any:
        if value is None:
            return None
        collected = dict_cls()
        for key, child in pairs:
            collected[key] = child(value)
        return collected

    return multi_select_dict


def _multi_select_list(node: dict[str, Any], interpreter: Any) -> Eval:
    items = _children(node, interpreter)
    return lambda value: None if value is None else [item(value) for item in items]


def _or(node: dict[str, Any], interpreter: Any) -> Eval:
    left, right = _children(node, interpreter)

    def or_expression(value: Any) -> Any:
        matched = left(value)
        if _is_false(matched):
            matched = right(value)
        return matched

    return or_expression


def _and(node: dict[str, Any], interpreter: Any) -> Eval:
    left, right = _children(node, interpreter)

    def and_expression(value: Any) -> Any:
        matched = left(value)
        if _is_false(matched):
            return matched
        return right(value)

    return and_expression


def _not(node: dict[str, Any], interpreter: Any) -> Eval:
    (operand,) = _children(node, interpreter)

    def not_expression(value: Any) -> Any:
        result = operand(value)
        if _is_actual_number(result) and result == 0:
            return False
        return not result

    return not_expression


def _projection(node: dict[str, Any], interpreter: Any) -> Eval:
    base, project = _children(node, interpreter)

    def projection(value: Any) -> Any:
        items = base(value)
        if not isinstance(items, list):
            return None
        collected = []
        for element in items:
            current = project(element)
            if current is not None:
                collected.append(current)
        return collected

    return projection


def _value_projection(node: dict[str, Any], interpreter: Any) -> Eval:
    base, project = _children(node, interpreter)

    def value_projection(value: Any) -> Any:
        items = base(value)
        try:
            items = items.values()
        except AttributeError:
            return None
        collected = []
        for element in items:
            current = project(element)
            if current is not None:
                collected.append(current)
        return collected

    return value_projection


_BUILDERS: dict[str, Callable[[dict[str, Any], Any], Eval]] = {
    "field": _field,
    "subexpression": _subexpression,
    "index_expression": _sequence,
    "pipe": _sequence,
    "comparator": _comparator,
    "current": _current,
    "identity": _current,
    "expref": _expref,
    "function_expression": lambda node, interpreter: compile_call(node, interpreter, compile_node),
    "filter_projection": _filter_projection,
    "flatten": _flatten,
    "index": _index,
    "slice": _slice,
    "key_val_pair": _key_val_pair,
    "literal": _literal,
    "multi_select_dict": _multi_select_dict,
    "multi_select_list": _multi_select_list,
    "or_expression": _or,
    "and_expression": _and,
    "not_expression": _not,
    "projection": _projection,
    "value_projection": _value_projection,
}
