"""Compile a CEL AST once into nested Python closures; evaluate many times.

Each node becomes `fn(act) -> value`, where `act` is a private dict copy of the
activation that comprehension variables are bound into (and restored from). Hot
operators get same-type fast paths inline; everything else goes through
`operators`/`library`. `compile()` caches programs by expression text, since policies
are evaluated against every resource in a render.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from functools import lru_cache
from typing import Any

from argogate.engine.cel import ast, operators
from argogate.engine.cel.checker import infer_type
from argogate.engine.cel.comprehensions import compile_macro
from argogate.engine.cel.errors import CelEvalError, CelSyntaxError
from argogate.engine.cel.library import GLOBAL, MEMBER, load_all
from argogate.engine.cel.opcodes import OPERATORS
from argogate.engine.cel.parser import parse
from argogate.engine.cel.values import NONE, TYPE_IDENTS, Optional, no_such_overload

Fn = Callable[[dict[str, Any]], Any]


class Program:
    """A compiled expression. `evaluate` returns the CEL value or raises `CelEvalError`."""

    __slots__ = ("_fn", "expression", "output_type", "tree")

    def __init__(self, expression: str, fn: Fn, output_type: str, tree: ast.Node) -> None:
        self.expression = expression
        self.output_type = output_type
        self.tree = tree
        self._fn = fn

    def evaluate(self, activation: Mapping[str, Any]) -> Any:
        try:
            return self._fn(dict(activation))
        except RecursionError:
            raise CelEvalError("max recursion depth exceeded") from None

    def __repr__(self) -> str:
        return f"Program({self.expression!r})"


def compile(expression: str, declarations: Collection[str] | None = None) -> Program:
    """Parse and compile `expression`; with `declarations`, other identifiers are
    compile errors (`undeclared reference to 'x'`) as with a cel-go checked env."""
    decls = frozenset(declarations) if declarations is not None else None
    return _compile_cached(expression, decls)


@lru_cache(maxsize=4096)
def _compile_cached(expression: str, declarations: frozenset[str] | None) -> Program:
    load_all()
    tree = parse(expression)
    compiler = Compiler(expression, declarations)
    fn = compiler.compile(tree)
    return Program(expression, fn, infer_type(tree), tree)


class Compiler:
    def __init__(self, expression: str, declarations: frozenset[str] | None) -> None:
        self.expression = expression
        self.declarations = declarations
        self.scope: list[str] = []

    def error(self, message: str, node: ast.Node) -> CelSyntaxError:
        return CelSyntaxError(message, self.expression, node.pos)

    def compile(self, node: ast.Node) -> Fn:
        method: Callable[[Any], Fn] = getattr(self, "c_" + type(node).__name__)
        return method(node)

    # leaves ---------------------------------------------------------------------------
    def c_Lit(self, node: ast.Lit) -> Fn:
        value = node.value
        return lambda act: value

    def is_variable(self, name: str) -> bool:
        return name in self.scope or self.declarations is None or name in self.declarations

    def c_Ident(self, node: ast.Ident) -> Fn:
        name = node.name
        if not self.is_variable(name):
            if name in TYPE_IDENTS:
                type_value = TYPE_IDENTS[name]
                return lambda act: type_value
            raise self.error(f"undeclared reference to '{name}' (in container '')", node)
        fallback = TYPE_IDENTS.get(name)

        def ident(act: dict[str, Any]) -> Any:
            try:
                return act[name]
            except KeyError:
                if fallback is not None:
                    return fallback
                raise CelEvalError(f"no such attribute(s): {name}") from None

        return ident

    def c_ListLit(self, node: ast.ListLit) -> Fn:
        items = [self.compile(e) for e in node.elements]
        if not any(node.optional):
            return lambda act: [f(act) for f in items]
        flagged = list(zip(items, node.optional, strict=True))

        def build(act: dict[str, Any]) -> list[Any]:
            out = []
            for f, opt in flagged:
                value = f(act)
                if opt:
                    if type(value) is not Optional:
                        raise no_such_overload()
                    if value.has:
                        out.append(value.value)
                else:
                    out.append(value)
            return out

        return build

    def c_MapLit(self, node: ast.MapLit) -> Fn:
        entries = [(self.compile(k), self.compile(v), opt) for k, v, opt in node.entries]

        def build(act: dict[str, Any]) -> dict[Any, Any]:
            out: dict[Any, Any] = {}
            for kf, vf, opt in entries:
                key = kf(act)
                if type(key) not in (str, int, bool) and not isinstance(key, int):
                    raise CelEvalError(f"unsupported key type: {type(key).__name__}")
                if key in out:
                    raise CelEvalError(f"Failed with repeated key: {key}")
                value = vf(act)
                if opt:
                    if type(value) is not Optional:
                        raise no_such_overload()
                    if not value.has:
                        continue
                    value = value.value
                out[key] = value
            return out

        return build

    def c_StructLit(self, node: ast.StructLit) -> Fn:
        # Kubernetes MutatingAdmissionPolicy object types (`Object`, `Object.spec`, `JSONPatch`)
        # are schemaless here: a constructed message is the map of its set fields
        if node.type_name not in ("Object", "JSONPatch") and not node.type_name.startswith("Object."):
            raise self.error(f"undeclared reference to '{node.type_name}' (in container '')", node)
        fields = [(name, self.compile(value), opt) for name, value, opt in node.fields]

        def build(act: dict[str, Any]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for name, fn, opt in fields:
                value = fn(act)
                if opt:
                    if type(value) is not Optional:
                        raise no_such_overload()
                    if not value.has:
                        continue
                    value = value.value
                out[name] = value
            return out

        return build

    # selection --------------------------------------------------------------------------
    def c_Select(self, node: ast.Select) -> Fn:
        qualified = self.qualified_name(node)
        if qualified is not None and qualified in TYPE_IDENTS:
            type_value = TYPE_IDENTS[qualified]
            return lambda act: type_value
        operand = self.compile(node.operand)
        field = node.field
        if node.test_only:
            has_field = operators.has_field
            return lambda act: has_field(operand(act), field)
        select_slow = operators.select_slow
        if node.optional:
            return lambda act: select_slow(operand(act), field, True)

        def select(act: dict[str, Any]) -> Any:
            obj = operand(act)
            if type(obj) is dict:
                try:
                    return obj[field]
                except KeyError:
                    raise CelEvalError(f"no such key: {field}") from None
            return select_slow(obj, field, False)

        return select

    def c_Index(self, node: ast.Index) -> Fn:
        operand = self.compile(node.operand)
        key = self.compile(node.index)
        optional = node.optional
        index = operators.index
        return lambda act: index(operand(act), key(act), optional)

    def qualified_name(self, node: ast.Node) -> str | None:
        """`a.b.c` as a dotted name when `a` is not a variable in scope."""
        parts: list[str] = []
        while isinstance(node, ast.Select) and not node.optional and not node.test_only:
            parts.append(node.field)
            node = node.operand
        if not isinstance(node, ast.Ident) or (self.declarations is not None and self.is_variable(node.name)):
            return None
        if self.declarations is None and node.name in self.scope:
            return None
        parts.append(node.name)
        return ".".join(reversed(parts))

    # calls ------------------------------------------------------------------------------
    def c_Macro(self, node: ast.Macro) -> Fn:
        return compile_macro(self, node)

    def c_Call(self, node: ast.Call) -> Fn:
        builder = OPERATORS.get(node.name) if node.target is None else None
        if builder is not None:
            return builder([self.compile(a) for a in node.args])
        if node.target is not None:
            qualified = self.qualified_name(node.target)
            if qualified is not None and f"{qualified}.{node.name}" in GLOBAL:
                return self.global_call(f"{qualified}.{node.name}", node.args, node)
            return self.member_call(node)
        return self.global_call(node.name, node.args, node)

    def global_call(self, name: str, arg_nodes: tuple[ast.Node, ...], node: ast.Node) -> Fn:
        func = GLOBAL.get(name)
        if func is None:
            raise self.error(f"undeclared reference to '{name}' (in container '')", node)
        if len(arg_nodes) not in func.arities:
            raise self.error(
                f"found no matching overload for '{name}' applied to {len(arg_nodes)} arguments", node
            )
        return _call(func.impl, [self.compile(a) for a in arg_nodes])

    def member_call(self, node: ast.Call) -> Fn:
        assert node.target is not None
        target = self.compile(node.target)
        args = [self.compile(a) for a in node.args]
        if node.name in ("orValue", "or") and len(args) == 1:
            return _optional_or(target, args[0], node.name == "orValue")
        func = MEMBER.get(node.name)
        if func is None:
            raise self.error(f"undeclared reference to '{node.name}' (in container '')", node)
        if len(args) + 1 not in func.arities:
            raise self.error(
                f"found no matching overload for '{node.name}' applied to {len(args) + 1} arguments", node
            )
        return _call(func.impl, [target, *args])


def _call(impl: Callable[..., Any], args: list[Fn]) -> Fn:
    if len(args) == 0:
        return lambda act: impl()
    if len(args) == 1:
        (a,) = args
        return lambda act: impl(a(act))
    if len(args) == 2:
        a, b = args
        return lambda act: impl(a(act), b(act))
    if len(args) == 3:
        a, b, c = args
        return lambda act: impl(a(act), b(act), c(act))
    return lambda act: impl(*[f(act) for f in args])


def _optional_or(target: Fn, alternative: Fn, value_form: bool) -> Fn:
    # cel-go cel/library.go evalOptionalOrValue: a non-optional receiver is returned as-is
    def or_value(act: dict[str, Any]) -> Any:
        opt = target(act)
        if type(opt) is not Optional:
            return opt
        if opt.has:
            return opt.value if value_form else opt
        return alternative(act)

    return or_value


__all__ = ["NONE", "Compiler", "Program", "compile"]
