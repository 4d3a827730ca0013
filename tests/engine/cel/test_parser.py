from __future__ import annotations

import pytest

from argogate.engine.cel import ast
from argogate.engine.cel.errors import CelSyntaxError
from argogate.engine.cel.parser import parse
from argogate.engine.cel.values import UInt


def test_precedence() -> None:
    tree = parse("a || b && c == 1 + 2 * 3")
    assert isinstance(tree, ast.Call) and tree.name == "_||_"
    right = tree.args[1]
    assert isinstance(right, ast.Call) and right.name == "_&&_"
    eq = right.args[1]
    assert isinstance(eq, ast.Call) and eq.name == "_==_"
    add = eq.args[1]
    assert isinstance(add, ast.Call) and add.name == "_+_"
    assert isinstance(add.args[1], ast.Call) and add.args[1].name == "_*_"


def test_conditional_is_right_associative() -> None:
    tree = parse("a ? b : c ? d : e")
    assert isinstance(tree, ast.Call) and tree.name == "_?_:_"
    assert isinstance(tree.args[2], ast.Call) and tree.args[2].name == "_?_:_"


def test_optional_select_and_index() -> None:
    tree = parse("a.?b[?'k']")
    assert isinstance(tree, ast.Index) and tree.optional
    assert isinstance(tree.operand, ast.Select) and tree.operand.optional and tree.operand.field == "b"


def test_has_macro() -> None:
    tree = parse("has(a.b.c)")
    assert isinstance(tree, ast.Select) and tree.test_only and tree.field == "c"


@pytest.mark.parametrize(
    ("text", "kind", "variables"),
    [
        ("l.all(x, x > 0)", "all", ("x",)),
        ("l.exists(x, x > 0)", "exists", ("x",)),
        ("l.exists_one(x, x > 0)", "exists_one", ("x",)),
        ("l.existsOne(x, x > 0)", "exists_one", ("x",)),
        ("l.map(x, x * 2)", "map", ("x",)),
        ("l.map(x, x > 0, x * 2)", "map", ("x",)),
        ("l.filter(x, x > 0)", "filter", ("x",)),
        ("l.all(i, v, v > i)", "all2", ("i", "v")),
        ("m.transformMap(k, v, v + 1)", "transformMap", ("k", "v")),
        ("o.optMap(v, v + 1)", "optMap", ("v",)),
        ("cel.bind(x, 1, x + 1)", "bind", ("x",)),
    ],
)
def test_macros(text: str, kind: str, variables: tuple[str, ...]) -> None:
    tree = parse(text)
    assert isinstance(tree, ast.Macro)
    assert (tree.kind, tree.variables) == (kind, variables)


def test_literals() -> None:
    assert parse("-9223372036854775808") == ast.Lit(-(2**63))
    assert parse("18446744073709551615u") == ast.Lit(UInt(2**64 - 1))
    assert parse("[1, ?x]") == ast.ListLit((ast.Lit(1), ast.Ident("x")), (False, True))
    tree = parse("{'a': 1, ?'b': x}")
    assert isinstance(tree, ast.MapLit) and [e[2] for e in tree.entries] == [False, True]


def test_double_negation_cancels() -> None:
    assert parse("!!x") == ast.Ident("x")
    assert parse("!x") == ast.Call(None, "!_", (ast.Ident("x"),))


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("a +", "mismatched input '<EOF>'", 4),
        ("a.all(x.y, true)", "argument must be a simple name", 9),
        ("has(a)", "invalid argument to has() macro", 1),
        ("9223372036854775808", "invalid int literal", 1),
        ("a b", "extraneous input 'b'", 3),
        ("(a", "expecting ')'", 3),
        ("", "mismatched input '<EOF>'", 1),
        ("Foo{a 1}", "expecting ':'", 7),
    ],
)
def test_syntax_errors(text: str, message: str, column: int) -> None:
    with pytest.raises(CelSyntaxError) as info:
        parse(text)
    assert message in str(info.value)
    assert info.value.column + 1 == column
    assert str(info.value).startswith(f"ERROR: <input>:1:{column}: ")


def test_error_has_caret_line() -> None:
    with pytest.raises(CelSyntaxError) as info:
        parse("a &&\n  + ")
    lines = str(info.value).splitlines()
    assert lines[0].startswith("ERROR: <input>:2:")
    assert lines[1] == " |   + "
    assert lines[2].endswith("^")
