from __future__ import annotations

import math
from typing import Any

import pytest

from argogate.engine.cel import NONE, CelEvalError, CelSyntaxError, Optional, UInt, compile
from argogate.engine.cel.values import TYPES, Duration

POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "namespace": "prod", "labels": {"app": "web"}, "annotations": {"a/b": "x"}},
    "spec": {
        "containers": [
            {
                "name": "app",
                "image": "nginx:1.25",
                "securityContext": {"privileged": False, "runAsUser": 1000},
            },
            {"name": "side", "image": "k8s.gcr.io/pause", "ports": [{"containerPort": 80}]},
        ],
        "replicas": 3,
        "ratio": 1.5,
        "nullField": None,
    },
}
ACT = {"object": POD, "n": 5, "s": "hello", "l": [3, 1, 2], "m": {"k": "v", "x": 1}}


def ev(expr: str, act: dict[str, Any] | None = None) -> Any:
    return compile(expr).evaluate(ACT if act is None else act)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        # literals and arithmetic
        ("1 + 2 * 3", 7),
        ("7 / 2", 3),
        ("-7 / 2", -3),
        ("-7 % 3", -1),
        ("7 % -3", 1),
        ("7.0 / 2.0", 3.5),
        ("2u + 3u", UInt(5)),
        ("'ab' + 'cd'", "abcd"),
        ("b'ab' + b'c'", b"abc"),
        ("[1] + [2, 3]", [1, 2, 3]),
        ("-n", -5),
        ("1.0 / 0.0", math.inf),
        # comparisons, heterogeneous numerics
        ("1 == 1.0", True),
        ("1u == 1", True),
        ("1 < 1.5", True),
        ("2u > 1", True),
        ("'a' < 'b'", True),
        ("true == 1", False),
        ("'1' == 1", False),
        ("null == null", True),
        ("object.spec.nullField == null", True),
        ("[1, 2] == [1.0, 2.0]", True),
        ("{'a': 1} == {'a': 1.0}", True),
        ("[1] == [true]", False),
        ("object.spec.replicas == 3", True),
        ("object.spec.ratio > 1", True),
        # logic with error absorption
        ("false && 1/0 == 0", False),
        ("1/0 == 0 && false", False),
        ("true || object.missing", True),
        ("object.missing || true", True),
        ("!false", True),
        ("!!true", True),
        ("n > 3 ? 'big' : 'small'", "big"),
        # selection, has, optionals
        ("object.metadata.name", "web"),
        ("object.metadata.labels['app']", "web"),
        ("object.spec.containers[1].name", "side"),
        ("object.spec.containers[1u].name", "side"),
        ("has(object.metadata.labels)", True),
        ("has(object.metadata.finalizers)", False),
        ("has(object.spec.nullField.x)", False),
        ("object.metadata.?labels.orValue({})", {"app": "web"}),
        ("object.metadata.?finalizers.orValue([])", []),
        ("object.metadata.?annotations[?'a/b'].orValue('')", "x"),
        ("object.metadata.?annotations[?'c'].orValue('none')", "none"),
        ("object.?status.phase.orValue('Pending')", "Pending"),
        ("object.spec.?securityContext.?runAsUser.hasValue()", False),
        ("object.spec.containers[0].?securityContext.?runAsUser.value()", 1000),
        ("object.spec.containers.orValue([]).size()", 2),
        ("object.spec.?containers[?5].hasValue()", False),
        ("optional.of(1).orValue(2)", 1),
        ("optional.none().orValue(2)", 2),
        ("optional.none().or(optional.of(3)).value()", 3),
        ("optional.ofNonZeroValue('').hasValue()", False),
        ("optional.ofNonZeroValue(0.5).hasValue()", True),
        ("optional.of(m).k.value()", "v"),
        ("optional.of(1).optMap(x, x + 1).value()", 2),
        ("[1, ?optional.none(), ?optional.of(2)]", [1, 2]),
        ("{'a': 1, ?'b': optional.none()}", {"a": 1}),
        # in
        ("'app' in object.metadata.labels", True),
        ("2 in l", True),
        ("2.0 in l", True),
        ("'z' in ['a']", False),
        # macros
        ("l.all(x, x > 0)", True),
        ("l.exists(x, x == 2)", True),
        ("l.exists_one(x, x > 1)", False),
        ("l.map(x, x * 10)", [30, 10, 20]),
        ("l.map(x, x > 1, x * 10)", [30, 20]),
        ("l.filter(x, x != 1)", [3, 2]),
        ("m.all(k, k.size() == 1)", True),
        ("[0, -1].all(x, 10 / x > 0)", False),
        ("[0, 1].exists(x, 10 / x > 0)", True),
        ("[[1, 2], [3]].map(x, x.size())", [2, 1]),
        ("l.all(i, v, v > i)", False),
        ("m.exists(k, v, v == 1)", True),
        ("l.transformList(i, v, i * v)", [0, 1, 4]),
        ("{'a': 1}.transformMap(k, v, v + 1)", {"a": 2}),
        ("object.spec.containers.all(c, c.?securityContext.?privileged.orValue(false) == false)", True),
        ("object.spec.containers.exists(c, c.image.startsWith('k8s.gcr.io/'))", True),
        ("object.spec.containers.map(c, c.name).join(',')", "app,side"),
        # size, strings, conversions, types
        ("size(s)", 5),
        ("s.size()", 5),
        ("'héllo'.size()", 5),
        ("m.size()", 2),
        ("s.contains('ell')", True),
        ("s.startsWith('he') && s.endsWith('lo')", True),
        ("s.matches('^h.*o$')", True),
        ("matches(s, 'l+')", True),
        ("int('42')", 42),
        ("int(3.9)", 3),
        ("int(-3.9)", -3),
        ("uint(3)", UInt(3)),
        ("double(2)", 2.0),
        ("string(1.5)", "1.5"),
        ("string(100.0)", "100"),
        ("string(1e6)", "1e+06"),
        ("string(true)", "true"),
        ("string(42u)", "42"),
        ("bool('true')", True),
        ("bytes('a')", b"a"),
        ("type(1) == int", True),
        ("type('a') == string", True),
        ("type(object) == map", True),
        ("type(null) == null_type", True),
        ("type(1) == type(2)", True),
        ("dyn(1) + 2", 3),
        ("duration('1h30m') == duration('90m')", True),
        ("duration('1.5s')", Duration(1_500_000_000)),
        ("string(duration('90m'))", "5400s"),
        ("duration('2h').getMinutes()", 120),
        ("timestamp('2024-03-04T05:06:07Z').getFullYear()", 2024),
        ("timestamp('2024-03-04T05:06:07Z').getMonth()", 2),
        ("timestamp('2024-03-04T05:06:07Z').getDayOfWeek()", 1),
        ("timestamp('2024-03-04T05:06:07Z').getHours('+02:00')", 7),
        (
            "timestamp('2024-03-04T05:06:07.5Z') - timestamp('2024-03-04T05:06:07Z') == duration('500ms')",
            True,
        ),
        ("string(timestamp('2024-03-04T05:06:07Z') + duration('1h'))", "2024-03-04T06:06:07Z"),
        ("timestamp('2024-01-01T00:00:00Z') < timestamp('2024-01-02T00:00:00Z')", True),
        ("int(timestamp('1970-01-01T00:01:00Z'))", 60),
    ],
)
def test_values(expr: str, expected: Any) -> None:
    result = ev(expr)
    assert result == expected
    if isinstance(expected, bool):
        assert result is expected


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("object.metadata.missing", "no such key: missing"),
        ("object.spec.containers[5]", "index out of bounds: 5"),
        ("object.spec.containers['a']", "unsupported index type 'string' in list"),
        ("m['zz']", "no such key: zz"),
        ("object.spec.nullField.x", "no such key: x"),
        ("1 / 0", "division by zero"),
        ("1 % 0", "modulus by zero"),
        ("9223372036854775807 + 1", "integer overflow"),
        ("-(-9223372036854775808)", "integer overflow"),
        ("0u - 1u", "unsigned integer overflow"),
        ("1 + 1.0", "no such overload"),
        ("'a' + 1", "no such overload"),
        ("1 < 'a'", "no such overload"),
        ("!1", "no such overload"),
        ("1 ? 2 : 3", "no such overload"),
        ("true && 1", "no such overload"),
        ("false || object.missing", "no such key: missing"),
        ("object.missing && true", "no such key: missing"),
        ("l.all(x, x / 0 > 0)", "division by zero"),
        ("l.exists_one(x, x / 0 > 0)", "division by zero"),
        ("s.all(x, true)", "got 'types.String', expected iterable type"),
        ("int('abc')", 'strconv.ParseInt: parsing "abc": invalid syntax'),
        ("int(1e20)", "integer overflow"),
        ("bool('yes')", "type conversion error from 'string' to 'bool'"),
        ("optional.none().value()", "optional.none() dereference"),
        ("duration('1x')", 'time: invalid duration "1x"'),
        ("size(1)", "no such overload"),
        ("'a'.startsWith(1)", "no such overload"),
        ("undeclared_var", "no such attribute(s): undeclared_var"),
        ("{'a': 1, 'a': 2}", "Failed with repeated key: a"),
    ],
)
def test_errors(expr: str, message: str) -> None:
    with pytest.raises(CelEvalError) as info:
        ev(expr)
    assert info.value.message == message


def test_error_absorption_keeps_first_error() -> None:
    with pytest.raises(CelEvalError, match="no such key: a"):
        ev("object.a && object.b")


def test_and_or_commutative_truth_table() -> None:
    table = [
        ("true && true", True),
        ("true && false", False),
        ("false && true", False),
        ("true || false", True),
        ("false || false", False),
    ]
    for expr, expected in table:
        assert ev(expr) is expected


def test_optional_values_are_returned() -> None:
    assert ev("object.?nope") == NONE
    assert ev("object.metadata.?name") == Optional.of("web")


def test_type_values() -> None:
    assert ev("type(1)") == TYPES["int"]
    assert ev("type(type(1))") == TYPES["type"]


def test_comprehension_variable_shadowing_is_restored() -> None:
    assert ev("[1, 2].map(n, n * 10) + [n]") == [10, 20, 5]
    assert ev("[[1], [2]].all(x, x.all(x, x > 0))") is True


def test_compile_cache_returns_same_program() -> None:
    assert compile("1 + 1") is compile("1 + 1")


def test_declarations_reject_unknown_identifiers() -> None:
    with pytest.raises(CelSyntaxError, match="undeclared reference to 'foo'"):
        compile("foo == 1", ["object"])
    assert compile("object.x == 1 && int == type(1)", ["object"]).evaluate({"object": {"x": 1}}) is True
    assert compile("[1].all(foo, foo == 1)", ["object"]).evaluate({}) is True


def test_unknown_function_is_compile_error() -> None:
    with pytest.raises(CelSyntaxError, match="undeclared reference to 'nope'"):
        compile("'a'.nope()")
    with pytest.raises(CelSyntaxError, match="found no matching overload for 'size'"):
        compile("size(1, 2)")


def test_activation_not_mutated() -> None:
    act = {"l": [1, 2]}
    compile("l.all(x, x > 0)").evaluate(act)
    assert act == {"l": [1, 2]}


def test_output_type_inference() -> None:
    assert compile("'a' + 'b'").output_type == "string"
    assert compile("a.all(x, x)").output_type == "bool"
    assert compile("has(a.b) || c").output_type == "bool"
    assert compile("a.b").output_type == "dyn"
