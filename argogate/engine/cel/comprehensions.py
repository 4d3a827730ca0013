"""Comprehension macros compiled to Python loops.

cel-go expands `all`/`exists` into folds whose step is `__result__ && p` / `||`, so a
`false` (resp. `true`) predicate wins over an error seen on another element, and the
loop stops early. `exists_one`, `map` and `filter` propagate the first error. Lists
iterate elements, maps iterate keys; the two-variable forms (ext.TwoVarComprehensions,
on in Kubernetes >= 1.32) bind index/key and value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from argogate.engine.cel import ast
from argogate.engine.cel.errors import CelEvalError
from argogate.engine.cel.values import NONE, Optional, no_such_overload

if TYPE_CHECKING:
    from argogate.engine.cel.compiler import Compiler, Fn

_MISSING = object()

_GO_TYPES = {
    str: "types.String",
    int: "types.Int",
    float: "types.Double",
    bool: "types.Bool",
    type(None): "types.Null",
    bytes: "types.Bytes",
}


def _range(value: Any) -> Iterable[Any]:
    if type(value) is list or type(value) is tuple:
        return value
    if type(value) is dict or isinstance(value, Mapping):
        return list(value)
    go_type = _GO_TYPES.get(type(value), type(value).__name__)
    raise CelEvalError(f"got '{go_type}', expected iterable type")


def _pairs(value: Any) -> Iterable[tuple[Any, Any]]:
    if type(value) is list or type(value) is tuple:
        return list(enumerate(value))
    if isinstance(value, Mapping):
        return list(value.items())
    return [(None, x) for x in _range(value)]


def compile_macro(c: Compiler, node: ast.Macro) -> Fn:
    builder = _MACROS[node.kind]
    target = c.compile(node.target)
    c.scope.extend(node.variables)
    try:
        args = [c.compile(a) for a in node.args]
    finally:
        del c.scope[len(c.scope) - len(node.variables) :]
    return builder(target, node.variables, args)


def _bind(act: dict[str, Any], names: tuple[str, ...]) -> list[Any]:
    return [act.get(n, _MISSING) for n in names]


def _restore(act: dict[str, Any], names: tuple[str, ...], saved: list[Any]) -> None:
    for name, old in zip(names, saved, strict=True):
        if old is _MISSING:
            act.pop(name, None)
        else:
            act[name] = old


def _quantifier(want: bool, two: bool) -> Callable[[Fn, tuple[str, ...], list[Fn]], Fn]:
    """`all` (want=False: stop at the first false) or `exists` (want=True)."""

    def build(target: Fn, names: tuple[str, ...], args: list[Fn]) -> Fn:
        (pred,) = args
        var = names[0]

        def run(act: dict[str, Any]) -> bool:
            rng = target(act)
            items = _pairs(rng) if two else _range(rng)
            saved = _bind(act, names)
            err: CelEvalError | None = None
            try:
                for item in items:
                    if two:
                        act[names[0]], act[names[1]] = item
                    else:
                        act[var] = item
                    try:
                        r = pred(act)
                    except CelEvalError as e:
                        err = err or e
                        continue
                    if r is want:
                        return bool(want)
                    if r is not (not want):
                        err = err or no_such_overload()
            finally:
                _restore(act, names, saved)
            if err is not None:
                raise err
            return not want

        return run

    return build


def _exists_one(two: bool) -> Callable[[Fn, tuple[str, ...], list[Fn]], Fn]:
    def build(target: Fn, names: tuple[str, ...], args: list[Fn]) -> Fn:
        (pred,) = args

        def run(act: dict[str, Any]) -> bool:
            rng = target(act)
            items = _pairs(rng) if two else _range(rng)
            saved = _bind(act, names)
            count = 0
            try:
                for item in items:
                    if two:
                        act[names[0]], act[names[1]] = item
                    else:
                        act[names[0]] = item
                    r = pred(act)
                    if r is True:
                        count += 1
                    elif r is not False:
                        raise no_such_overload()
            finally:
                _restore(act, names, saved)
            return count == 1

        return run

    return build


def _map(target: Fn, names: tuple[str, ...], args: list[Fn]) -> Fn:
    pred, transform = (None, args[0]) if len(args) == 1 else args
    var = names[0]

    def run(act: dict[str, Any]) -> list[Any]:
        items = _range(target(act))
        saved = _bind(act, names)
        out = []
        try:
            for item in items:
                act[var] = item
                if pred is not None:
                    keep = pred(act)
                    if keep is False:
                        continue
                    if keep is not True:
                        raise no_such_overload()
                out.append(transform(act))
        finally:
            _restore(act, names, saved)
        return out

    return run


def _filter(target: Fn, names: tuple[str, ...], args: list[Fn]) -> Fn:
    (pred,) = args
    var = names[0]

    def run(act: dict[str, Any]) -> list[Any]:
        items = _range(target(act))
        saved = _bind(act, names)
        out = []
        try:
            for item in items:
                act[var] = item
                keep = pred(act)
                if keep is True:
                    out.append(item)
                elif keep is not False:
                    raise no_such_overload()
        finally:
            _restore(act, names, saved)
        return out

    return run


def _transform(kind: str) -> Callable[[Fn, tuple[str, ...], list[Fn]], Fn]:
    def build(target: Fn, names: tuple[str, ...], args: list[Fn]) -> Fn:
        pred, transform = (None, args[0]) if len(args) == 1 else args

        def run(act: dict[str, Any]) -> Any:
            rng = target(act)
            if kind != "transformList" and not isinstance(rng, Mapping):
                if not isinstance(rng, list | tuple):
                    raise no_such_overload()
            items = _pairs(rng)
            saved = _bind(act, names)
            out_list: list[Any] = []
            out_map: dict[Any, Any] = {}
            try:
                for key, value in items:
                    act[names[0]] = key
                    act[names[1]] = value
                    if pred is not None:
                        keep = pred(act)
                        if keep is False:
                            continue
                        if keep is not True:
                            raise no_such_overload()
                    result = transform(act)
                    if kind == "transformList":
                        out_list.append(result)
                    elif kind == "transformMap":
                        out_map[key] = result
                    else:
                        if not isinstance(result, Mapping):
                            raise no_such_overload()
                        for k, v in result.items():
                            if k in out_map:
                                raise CelEvalError(f"insert failed: key {k} already exists")
                            out_map[k] = v
            finally:
                _restore(act, names, saved)
            return out_list if kind == "transformList" else out_map

        return run

    return build


def _opt_map(flat: bool) -> Callable[[Fn, tuple[str, ...], list[Fn]], Fn]:
    def build(target: Fn, names: tuple[str, ...], args: list[Fn]) -> Fn:
        (transform,) = args

        def run(act: dict[str, Any]) -> Any:
            opt = target(act)
            if type(opt) is not Optional:
                raise no_such_overload()
            if not opt.has:
                return NONE
            saved = _bind(act, names)
            try:
                act[names[0]] = opt.value
                result = transform(act)
            finally:
                _restore(act, names, saved)
            if flat:
                if type(result) is not Optional:
                    raise no_such_overload()
                return result
            return Optional.of(result)

        return run

    return build


def _bind_macro(target: Fn, names: tuple[str, ...], args: list[Fn]) -> Fn:
    (body,) = args

    def run(act: dict[str, Any]) -> Any:
        value = target(act)
        saved = _bind(act, names)
        try:
            act[names[0]] = value
            return body(act)
        finally:
            _restore(act, names, saved)

    return run


_MACROS: dict[str, Callable[[Fn, tuple[str, ...], list[Fn]], Fn]] = {
    "all": _quantifier(False, False),
    "exists": _quantifier(True, False),
    "all2": _quantifier(False, True),
    "exists2": _quantifier(True, True),
    "exists_one": _exists_one(False),
    "exists_one2": _exists_one(True),
    "map": _map,
    "filter": _filter,
    "transformList": _transform("transformList"),
    "transformMap": _transform("transformMap"),
    "transformMapEntry": _transform("transformMapEntry"),
    "optMap": _opt_map(False),
    "optFlatMap": _opt_map(True),
    "bind": _bind_macro,
}
