"""AST nodes for parsed CEL. Operators are `Call`s named like cel-go's (`_+_`, `!_`, `@in`),
so the compiler dispatches operators and functions through one table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Node:
    pos: int = field(compare=False, kw_only=True, default=0)


@dataclass(frozen=True, slots=True)
class Lit(Node):
    value: object


@dataclass(frozen=True, slots=True)
class Ident(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Select(Node):
    operand: Node
    field: str
    optional: bool = False
    test_only: bool = False


@dataclass(frozen=True, slots=True)
class Index(Node):
    operand: Node
    index: Node
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Call(Node):
    target: Node | None
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class ListLit(Node):
    elements: tuple[Node, ...]
    optional: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class MapLit(Node):
    entries: tuple[tuple[Node, Node, bool], ...]


@dataclass(frozen=True, slots=True)
class StructLit(Node):
    """Message construction `Type{field: value, ?opt: value}` (Kubernetes MutatingAdmissionPolicy
    `Object{...}` apply configurations and `JSONPatch{...}`); evaluates to a plain map."""

    type_name: str
    fields: tuple[tuple[str, Node, bool], ...]


@dataclass(frozen=True, slots=True)
class Macro(Node):
    """A comprehension macro: `all`, `exists`, `exists_one`, `map`, `filter`, the two-variable
    forms, `transformList`/`transformMap`, `optMap`/`optFlatMap` and `cel.bind`."""

    kind: str
    target: Node
    variables: tuple[str, ...]
    args: tuple[Node, ...]


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents first."""
    yield node
    if isinstance(node, Select):
        yield from walk(node.operand)
    elif isinstance(node, Index):
        yield from walk(node.operand)
        yield from walk(node.index)
    elif isinstance(node, Call):
        if node.target is not None:
            yield from walk(node.target)
        for arg in node.args:
            yield from walk(arg)
    elif isinstance(node, ListLit):
        for elem in node.elements:
            yield from walk(elem)
    elif isinstance(node, MapLit):
        for key, value, _ in node.entries:
            yield from walk(key)
            yield from walk(value)
    elif isinstance(node, StructLit):
        for _, value, _ in node.fields:
            yield from walk(value)
    elif isinstance(node, Macro):
        yield from walk(node.target)
        for arg in node.args:
            yield from walk(arg)
