"""Closure builders for CEL's operators, with inline fast paths for the common
same-type cases. `&&`/`||` reproduce cel-go's error absorption
(interpreter/interpretable.go evalAnd/evalOr): a decisive `false`/`true` on either side
wins over an error on the other, otherwise the first error is raised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from argogate.engine.cel import operators
from argogate.engine.cel.errors import CelEvalError
from argogate.engine.cel.values import cel_eq, compare, no_such_overload

Fn = Callable[[dict[str, Any]], Any]

_FAST_EQ = frozenset((str, int, bool, type(None)))


def _and(args: list[Fn]) -> Fn:
    left, right = args

    # cel-go interpreter/interpretable.go evalAnd: false wins over errors, first error kept
    def and_(act: dict[str, Any]) -> Any:
        try:
            lv = left(act)
        except CelEvalError as e:
            err = e
        else:
            if lv is False:
                return False
            if lv is True:
                rv = right(act)
                if rv is True or rv is False:
                    return rv
                raise no_such_overload()
            err = no_such_overload()
        try:
            rv = right(act)
        except CelEvalError:
            raise err from None
        if rv is False:
            return False
        raise err

    return and_


def _or(args: list[Fn]) -> Fn:
    left, right = args

    def or_(act: dict[str, Any]) -> Any:
        try:
            lv = left(act)
        except CelEvalError as e:
            err = e
        else:
            if lv is True:
                return True
            if lv is False:
                rv = right(act)
                if rv is True or rv is False:
                    return rv
                raise no_such_overload()
            err = no_such_overload()
        try:
            rv = right(act)
        except CelEvalError:
            raise err from None
        if rv is True:
            return True
        raise err

    return or_


def _cond(args: list[Fn]) -> Fn:
    cond, then, other = args

    def conditional(act: dict[str, Any]) -> Any:
        v = cond(act)
        if v is True:
            return then(act)
        if v is False:
            return other(act)
        raise no_such_overload()

    return conditional


def _eq(args: list[Fn]) -> Fn:
    left, right = args

    def eq(act: dict[str, Any]) -> bool:
        a = left(act)
        b = right(act)
        ta = type(a)
        if ta is type(b) and ta in _FAST_EQ:
            return bool(a == b)
        return cel_eq(a, b)

    return eq


def _ne(args: list[Fn]) -> Fn:
    eq = _eq(args)
    return lambda act: not eq(act)


def _relation(accept: frozenset[int]) -> Callable[[list[Fn]], Fn]:
    def build(args: list[Fn]) -> Fn:
        left, right = args

        def rel(act: dict[str, Any]) -> bool:
            return compare(left(act), right(act)) in accept

        return rel

    return build


def _binary(impl: Callable[[Any, Any], Any]) -> Callable[[list[Fn]], Fn]:
    def build(args: list[Fn]) -> Fn:
        left, right = args
        return lambda act: impl(left(act), right(act))

    return build


def _unary(impl: Callable[[Any], Any]) -> Callable[[list[Fn]], Fn]:
    def build(args: list[Fn]) -> Fn:
        (operand,) = args
        return lambda act: impl(operand(act))

    return build


def _in(args: list[Fn]) -> Fn:
    elem, container = args
    contains = operators.contains
    return lambda act: contains(container(act), elem(act))


OPERATORS: dict[str, Callable[[list[Fn]], Fn]] = {
    "_&&_": _and,
    "_||_": _or,
    "_?_:_": _cond,
    "_==_": _eq,
    "_!=_": _ne,
    "_<_": _relation(frozenset((-1,))),
    "_<=_": _relation(frozenset((-1, 0))),
    "_>_": _relation(frozenset((1,))),
    "_>=_": _relation(frozenset((0, 1))),
    "_+_": _binary(operators.add),
    "_-_": _binary(operators.sub),
    "_*_": _binary(operators.mul),
    "_/_": _binary(operators.div),
    "_%_": _binary(operators.mod),
    "!_": _unary(operators.logical_not),
    "-_": _unary(operators.neg),
    "@in": _in,
}
