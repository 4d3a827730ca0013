"""Compiled JMESPath closures against jmespath.py's own tree interpreter, node type by node type."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jmespath import exceptions, visitor  # type: ignore[import-untyped]

from argogate.engine.jmes import JMESError, NotFoundError, apply, compile, evaluator, search
from argogate.engine.jmes.compiled import compile_node
from argogate.engine.jmes.registry import _INTERPRETER, _OPTIONS, _Interpreter

DOCS: list[Any] = [
    {
        "a": {
            "b": {"c": 1},
            "list": [{"x": 1, "n": "a"}, {"x": 2, "n": "b"}, {"y": 3}],
            "empty": [],
            "s": "str",
        },
        "n": [[1, 2], [3, [4]], 5],
        "m": {"k1": {"v": 1}, "k2": {"v": 2}},
        "t": True,
        "f": False,
        "z": 0,
        "nul": None,
        "spec": {"containers": [{"image": "nginx:1"}, {"image": "ghcr.io/x:2"}], "initContainers": []},
    },
    {"a": None, "n": "text", "m": [1, 2]},
    [1, "two", {"a": 3}],
    "just a string",
    None,
]

EXPRESSIONS = [
    "a.list[].x",  # projection
    "a.list[*].n",
    "a.list[?x == `1`].n",  # filter projection, comparator
    "a.list[?x > `1`].n",
    "a.list[?n < 'b'].n",  # ordering on strings
    "a.list[?y].y",
    "a.list[0]",  # index
    "a.list[-1].y",
    "a.list[5]",
    "a.list[1:]",  # slice
    "a.list[::-1].x",
    "n[]",  # flatten
    "n[][]",
    "m.*.v",  # value projection
    "a.*",
    "[a.b.c, t, missing]",  # multi-select list
    "{one: a.b.c, two: t}",  # multi-select hash
    "missing || a.s",  # or
    "z || 'zero is truthy'",
    "a.empty || 'empty'",
    "t && a.s",  # and
    "f && a.s",
    "!t",  # not
    "!z",
    "!a.empty",
    "a.list | [0]",  # pipe
    "a.b.c",
    "a.missing.deeper",
    "`[1, 2]`",  # literal
    "'raw'",
    "@",  # current
    "length(a.list)",  # function
    "keys(m)",
    "sort_by(a.list, &n)[].n",  # expref
    "max_by(a.list, &x).n",
    "to_upper(a.s)",
    "to_string(a.b)",
    "join(',', a.list[].n)",  # array-string argument: the long way
    "contains(a.s, 's')",
    "not_null(missing, a.s)",  # variadic
    "spec.[ephemeralContainers, initContainers, containers][].image",
    "spec.containers[].image | [?starts_with(@, 'ghcr')]",
    "a.list[].to_upper(n)",
    "length(missing)",  # a type error
    "to_upper(`1`)",
    "join(',', a.list)",
    "abs('x')",
    "length(a.s, a.s)",  # an arity error
    "nope(a)",  # an unknown function
]


def _outcome(run: Any) -> tuple[Any, ...]:
    try:
        return ("ok", json.dumps(run(), sort_keys=True, default=repr))
    except Exception as e:
        return ("error", type(e).__name__, str(e))


def _interpreted(expr: str, doc: Any) -> Any:
    return _Interpreter(_OPTIONS).visit(compile(expr).parsed, doc)


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_compiled_closures_equal_the_tree_interpreter(expr: str) -> None:
    node = compile(expr).parsed
    run = compile_node(node, _INTERPRETER)
    for doc in DOCS:
        compiled = _outcome(lambda d=doc: run(d))
        assert compiled == _outcome(lambda d=doc: _interpreted(expr, d)), (expr, doc)


@pytest.mark.parametrize(
    ("expr", "doc", "expected"),
    [
        ("a.b", {"a": {"b": 1}}, 1),
        ("a.b", {"a": "x"}, None),  # a non-object on the way is null, not an error
        ("a.b.c", {"a": None}, None),
    ],
)
def test_plain_paths(expr: str, doc: Any, expected: Any) -> None:
    assert search(expr, doc) == expected


def test_plain_path_missing_key_raises_not_found() -> None:
    with pytest.raises(NotFoundError, match='Unknown key "b" in path'):
        search("a.b.c", {"a": {}})


def test_evaluator_is_cached_and_apply_translates_errors() -> None:
    assert evaluator("a.b") is evaluator("a.b")
    with pytest.raises(JMESError, match="invalid type for value"):
        apply(evaluator("to_upper(`1`)"), {})
    with pytest.raises(JMESError):
        evaluator("a.[")


def test_type_errors_keep_jmespaths_text() -> None:
    expected = ""
    try:
        visitor.TreeInterpreter(_OPTIONS).visit(compile("to_upper(`1`)").parsed, {})
    except exceptions.JMESPathError as e:
        expected = str(e)
    with pytest.raises(JMESError) as info:
        search("to_upper(`1`)", {})
    assert str(info.value) == expected != ""
