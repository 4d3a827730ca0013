"""yamlfast must give exactly what `yaml.load_all(text, Loader=...)` gives: values, types, key
order, NaN, shared objects, and the same exception when the stock path raises."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml

from argogate import yamlfast
from argogate.yamlio import K8sLoader

fast_load_all = yamlfast.make_load_all(K8sLoader)


def same(a: Any, b: Any) -> bool:
    """Deep equality that also demands identical types, key order, NaN-ness, the sign of zero
    and the same aliasing (a container shared in `a` is shared the same way in `b`)."""
    pairs: dict[int, Any] = {}
    todo = [(a, b)]
    while todo:
        x, y = todo.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, dict | list | set):
            if id(x) in pairs:
                if pairs[id(x)] is not y:
                    return False
                continue
            pairs[id(x)] = y
            if len(x) != len(y):
                return False
            if isinstance(x, set):
                if x != y:
                    return False
            elif isinstance(x, dict):
                for kx, ky in zip(x, y, strict=True):
                    todo += [(kx, ky), (x[kx], y[ky])]
            else:
                todo += zip(x, y, strict=True)
        elif isinstance(x, float):
            if math.isnan(x) or math.isnan(y):
                if not (math.isnan(x) and math.isnan(y)):
                    return False
            elif x != y or math.copysign(1, x) != math.copysign(1, y):
                return False
        elif x != y:
            return False
    return True


def outcome(load: Any, text: str) -> tuple[str, Any]:
    try:
        return ("ok", load(text))
    except Exception as exc:
        return ("error", (type(exc), str(exc)))


def stock(text: str) -> list[Any]:
    return list(yaml.load_all(text, Loader=K8sLoader))


def assert_identical(text: str, load: Any = fast_load_all) -> None:
    want, got = outcome(stock, text), outcome(load, text)
    assert want[0] == got[0], (text, want, got)
    if want[0] == "ok":
        assert same(want[1], got[1]), (text, want[1], got[1])
    else:
        assert want[1] == got[1]


SCALARS = [
    # YAML 1.1 booleans; y/n stay strings in PyYAML
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    "true", "True", "TRUE", "false", "False", "FALSE", "y", "n", "Y", "N", "tRUE", "yES",
    # null
    "~", "null", "Null", "NULL", "nULL", "", "'~'", '"null"',
    # ints
    "0", "00", "7", "+7", "-7", "017", "0o17", "0x1F", "0X1F", "-0x1F", "0b101", "-0b101", "1_000",
    "190:20:30", "-1:30", "12345678901234567890123", "٣", "1 2", "0_0",
    # floats
    "1.0", "-1.5", "+1.5", "1e3", "1.0e3", "1.0e+3", "1.5E-3", ".5", "1.", "-0.0", "1_0.5",
    ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "+.inf", ".nan", ".NaN", ".NAN", "190:20:30.15", ".", "._",
    # timestamps and the `=` value tag stay strings for Kubernetes
    "2024-01-01", "2024-01-01T10:00:00Z", "2001-12-14 21:59:43.10 -5", "=", "<<x", "<",
    # quoted and explicitly tagged
    '"quoted 1"', "'1'", '"true"', "!!str 1", "!!str true", "!!str ~", '!!int "3"', "!!int '0x10'",
    "!!int 1_0", '!!float "1"', "!!float 1", "!!float .nan", '!!bool "yes"', "!!bool TRUE", "!!null x",
    "!!null ''", "!!timestamp 2024-01-01", "!!timestamp 2001-12-14t21:59:43.10-05:00",
    "!!binary aGVsbG8=", "! 12", "! true", "!<tag:yaml.org,2002:int> 5", "!<tag:yaml.org,2002:str> 5",
    # constructors that raise
    "!!bool maybe", "!!int abc", "!!int ''", "!!float x", "!!binary '@@'", "!!timestamp nope",
    "!custom x", "!!python/object:os.system x", "!!merge x", "!!value x", "!!map x", "!!seq x",
    # text
    "héllo wörld", "'it''s'", '"tab\\there"', '"\\u263A"', "a: b", "- x", "'multi\n  line'",
    "plain\n  continued", "|\n  block\n  text\n", ">\n  folded\n  text\n", "|-\n  keep\n", "#comment only",
]  # fmt: skip

DOCUMENTS = [
    "a: 1\nb: [1, 2, {c: d}]\n",
    "{a: 1, b: 2}",
    "[1, 2, [3, [4]]]",
    "1: one\ntrue: t\n~: n\n1.5: f\n0x10: hex\n",
    "a: 1\na: 2\nb: 3\n",
    "? [a, b]\n: v\n",
    "? {a: 1}\n: v\n",
    "? !!set {a}\n: v\n",
    "!!set {a, b}",
    "!!omap [a: 1, b: 2]",
    "!!pairs [a: 1, a: 2]",
    "!!seq [1]\n",
    "!!map {a: 1}\n",
    "!!str {a: 1}\n",
    "!!map [1]\n",
    "!!seq {a: 1}\n",
    "!!str [1]\n",
    "!!null [1]\n",
    "!!int [1]\n",
    "!!foo {a: 1}\n",
    "!!binary |\n  aGVsbG8g\n  d29ybGQ=\n",
    # anchors and aliases: shared identity, scalars, recursion
    "a: &x {k: v}\nb: *x\nc: [*x, *x]\n",
    "a: &x [1, 2]\nb: *x\n",
    "a: &s text\nb: *s\n&k key: 1\n*k : 2\n",
    "a: &n .nan\nb: *n\n",
    "a: &set !!set {x}\nb: *set\n",
    "&a [*a]",
    "&a {self: *a}",
    "&a {x: [*a, {y: *a}]}",
    "a: *nope\n",
    "a: &x 1\nb: &x 2\n",
    "a: &x [1]\n? *x\n: 2\n",
    # merge keys
    "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
    "b1: &b1 {x: 1}\nb2: &b2 {x: 2, z: 3}\nd:\n  <<: [*b1, *b2]\n  w: 4\n",
    "d:\n  y: 0\n  <<: {x: 1, y: 2}\n",
    "b: &b {x: {deep: 1}}\nd: {<<: *b}\n",
    "b: &b {<<: {inner: 1}, x: 2}\nd: {<<: *b, y: 3}\n",
    "l: &l {a: 1}\nm: &m {<<: *l, b: 2}\nn: {<<: [*m, {c: 3}], d: 4}\n",
    "d: {<<: [1, 2]}\n",
    "d: {<<: 1}\n",
    "d: {<<: [*undefined]}\n",
    'd: {"<<": {x: 1}}\n',
    "d: {!!merge x: {a: 1}}\n",
    "d: {!!value k: 1, j: 2}\n",
    "d: {=: 1}\n",
    "a: &m {<<: {x: 1}}\nb: *m\nc: {<<: *m}\n",
    # multi-document streams
    "---\n---\n",
    "",
    "# only a comment\n",
    "a: 1\n---\nb: 2\n...\n---\nc: 3\n",
    "--- 1\n--- text\n--- [a]\n",
    "---\na: 1\n---\n---\n~\n---\nnull\n",
    "%YAML 1.1\n---\na: 1\n",
    "%TAG !e! tag:example.com,2000:\n---\na: !e!foo 1\n",
    "%TAG !e! tag:yaml.org,2002:\n---\na: !e!int '7'\n",
    "\ufeffa: 1\n",
    "a: 1\r\nb: 2\r\n",
    # errors
    "a:\n\tb: 1\n",
    "a: [1, 2\n",
    "a: b: c\n",
    "key: 'unterminated\n",
    "- a\nb: c\n",
    "a: 1\n---\nb: [\n",
    "*",
    "&a",
    "a: @b\n",
]


@pytest.mark.parametrize("text", SCALARS)
def test_scalar_alone_and_as_key_and_in_flow(text: str) -> None:
    assert_identical(text)
    assert_identical(f"k: {text}\n")
    assert_identical(f"- {text}\n")
    if "\n" not in text and "#" not in text:
        assert_identical(f"[{text}, {text}]")
        assert_identical(f"{{{text}: v}}")


@pytest.mark.parametrize("text", DOCUMENTS)
def test_documents(text: str) -> None:
    assert_identical(text)


FAST_ONLY = """\
a: ~
b: [null, Null, '']
c: [yes, No, on, OFF, true, False]
d: [0, 7, -7, 017, 0x1F, 1_000, 1.5, .inf, -.Inf, .nan, 1e3]
e: [2024-01-01, =, "quoted 1", !!str 1, !!int "3", !!binary aGk=, !!timestamp 2024-01-01]
f: &x {k: [1]}
g: *x
h: {<<: *x, j: 2}
1: int key
~: null key
---
---
- |
  block
"""


def test_common_shapes_never_fall_back(monkeypatch: pytest.MonkeyPatch) -> None:
    want = stock(FAST_ONLY)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("fell back to PyYAML")

    monkeypatch.setattr(yaml, "load_all", refuse)
    got = fast_load_all(FAST_ONLY)
    assert same(want, got)
    with pytest.raises(AssertionError, match="fell back"):
        fast_load_all("!!set {a}")


def test_aliases_share_the_object() -> None:
    (doc,) = fast_load_all("a: &x {k: [1]}\nb: *x\n")
    assert doc["a"] is doc["b"]
    (rec,) = fast_load_all("&a {self: *a}")
    assert rec["self"] is rec


def test_nan_is_pyyaml_nan_value() -> None:
    (doc,) = fast_load_all("a: .nan\nb: .NaN\n")
    assert doc["a"] is doc["b"] is K8sLoader.nan_value


def test_timestamp_stays_a_string_but_explicit_tag_makes_a_date() -> None:
    (doc,) = fast_load_all("a: 2024-01-01\nb: !!timestamp 2024-01-01\n")
    assert doc["a"] == "2024-01-01"
    assert type(doc["b"]).__name__ == "date"


def test_deep_nesting_falls_back() -> None:
    assert_identical("[" * 3000 + "]" * 3000)
    assert_identical("a:\n" + "".join("  " * i + "- x:\n" for i in range(1, 400)) + "  " * 400 + "1\n")


def test_resolver_cache_eviction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfast, "_CACHE_LIMIT", 5)
    load = yamlfast.make_load_all(K8sLoader)
    text = "".join(
        f"k{i}: {v}\n" for i, v in enumerate(["1", "yes", "x", "~", "1.5", "no", "1", "a", "yes"] * 4)
    )
    assert_identical(text, load)
    assert_identical("a" * 100 + ": " + "1" * 100 + "\n", load)


def test_many_distinct_values_and_long_plain_scalars() -> None:
    text = "".join(f"key-{i}: {i}\nv{i}: {'yes' if i % 2 else 'off'}\n" for i in range(3000))
    assert_identical(text)


class _Custom(K8sLoader):  # type: ignore[misc]
    pass


_Custom.add_constructor("tag:yaml.org,2002:str", lambda loader, node: node.value.upper())


@pytest.mark.parametrize("cls", [yaml.SafeLoader, yaml.CSafeLoader, _Custom])
def test_other_loader_classes(cls: type[Any]) -> None:
    load = yamlfast.make_load_all(cls)
    for text in ["a: 2024-01-01\nb: [yes, =]\n", "x: &a {k: v}\ny: *a\n"]:
        assert same(outcome(load, text), outcome(lambda t: list(yaml.load_all(t, Loader=cls)), text))


def test_custom_constructors_are_not_bypassed() -> None:
    assert yamlfast.make_load_all(_Custom)("a: b\n") == [{"A": "B"}]


# dumping: the fast path must emit the very bytes `yaml.dump_all` emits


class _StockDumper(yaml.CSafeDumper):  # type: ignore[misc]
    pass


_StockDumper.add_representer(str, yamlfast.literal_block_str)
DUMP_OPTIONS: dict[str, Any] = {"sort_keys": False, "default_flow_style": False, "allow_unicode": True}
fast_dump_all = yamlfast.make_dump_all(_StockDumper, **DUMP_OPTIONS)


def stock_dump(docs: list[Any]) -> str:
    return str(yaml.dump_all(docs, Dumper=_StockDumper, **DUMP_OPTIONS))


def assert_same_bytes(docs: list[Any], dump: Any = fast_dump_all, reference: Any = stock_dump) -> None:
    want, got = outcome(reference, docs), outcome(dump, docs)
    assert want[0] == got[0], (docs, want, got)
    assert want[1] == got[1], (docs, want, got)


class _Thing:
    pass


_shared = {"k": ["v"]}
_loop: list[Any] = []
_loop.append(_loop)
_self_dict: dict[str, Any] = {}
_self_dict["me"] = _self_dict

STRINGS = [
    "", " ", "plain", "yes", "no", "on", "y", "n", "true", "null", "~", "1", "-1", "0x1F", "017", "1_000", "1e3",
    "1.5", ".inf", ".nan", "2024-01-01", "2024-01-01T10:00:00Z", "=", "<<", "!", "&", "*", "@x", "`x", "%x", "#x",
    "x#y", "x #y", "a: b", "a:b", "- x", "-x", "? x", "[x]", "{x}", "x,y", "'q'", '"q"', " lead", "trail ",
    "tab\there", "\ttab", "multi\nline", "trailing newline\n", "\nleading newline", "two\n\n", "crlf\r\nx",
    "cr\rx", "nel\x85x", "ls\u2028x", "nul\x00x", "bell\x07", "esc\x1b[0m", "del\x7f", "bom\ufeff", "héllo",
    "日本語", "emoji 🎉", "surrogate-free \U0001f600", "long " * 30, "x" * 200, "a " * 50 + "b",
    "line one\n  indented two\n", "  \n", "|", ">", "- ", ": ", "key: value\n- item\n", "…", "\u00a0nbsp",
]  # fmt: skip

DUMP_CASES: list[list[Any]] = [
    [{"s": s, s: [s]} for s in STRINGS],
    [s for s in STRINGS],
    [
        {
            "i": [0, 1, -1, 10**30, True, False, None],
            "f": [0.0, -0.0, 1.5, 1e17, 1e-7, float("inf"), -float("inf")],
        }
    ],
    [{"nan": float("nan")}],
    [{2: "int key", True: "bool key", None: "null key", 1.5: "float key", "": "empty key"}],
    [{}, [], {"a": {}}, {"a": []}, [[]], [{}], None, "", 0],
    [{"a": _shared, "b": _shared, "c": [_shared, _shared]}],
    [_shared, _shared],
    [_loop],
    [_self_dict],
    [{"b": b"bytes"}],
    [{"t": (1, 2)}],
    [{"s": {1, 2}}],
    [{"d": __import__("datetime").date(2024, 1, 1)}],
    [{"o": _Thing()}],
    [{(1, 2): "tuple key"}],
    [{"deep": [[[[[[[[["x"]]]]]]]]]}],
    [],
]


@pytest.mark.parametrize("docs", DUMP_CASES, ids=range(len(DUMP_CASES)))
def test_dump_same_bytes(docs: list[Any]) -> None:
    assert_same_bytes(docs)


def test_dump_subclasses_and_deep_nesting_fall_back() -> None:
    class Str(str):
        pass

    class Int(int):
        pass

    deep: list[Any] = []
    cur = deep
    for _ in range(2000):
        cur.append([])
        cur = cur[0]
    for docs in ([Str("x")], [{"k": Int(3)}], [__import__("collections").OrderedDict(a=1)]):
        assert_same_bytes(docs)
    assert outcome(fast_dump_all, [deep])[0] == outcome(stock_dump, [deep])[0]


def test_dump_accepts_any_iterable() -> None:
    assert fast_dump_all(iter([{"a": 1}, {"b": 2}])) == stock_dump([{"a": 1}, {"b": 2}])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "options",
    [
        {"sort_keys": True, "default_flow_style": False, "allow_unicode": True},
        {"sort_keys": False, "default_flow_style": None},
        {"sort_keys": False, "default_flow_style": False, "width": 20, "indent": 4, "explicit_start": True},
        {"sort_keys": False, "default_flow_style": False, "allow_unicode": False, "canonical": True},
    ],
)
def test_dump_options(options: dict[str, Any]) -> None:
    dump = yamlfast.make_dump_all(_StockDumper, **options)
    docs = [{"b": "x y " * 10, "a": ["é", {"k": "multi\nline"}]}, {"z": 1}]
    assert dump(docs) == yaml.dump_all(docs, Dumper=_StockDumper, **options)


@pytest.mark.parametrize("cls", [yaml.SafeDumper, yaml.CSafeDumper, yaml.CDumper])
def test_dump_other_dumper_classes(cls: type[Any]) -> None:
    dump = yamlfast.make_dump_all(cls, sort_keys=False)
    docs = [{"s": "multi\nline", "n": [1, 1.5, None, True]}]
    assert dump(docs) == yaml.dump_all(docs, Dumper=cls, sort_keys=False)


def test_dump_common_shapes_never_fall_back(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [*stock(FAST_ONLY)[:1], {"a": _shared, "b": _shared}, _loop]
    docs[0].pop("e")  # bytes and a date: PyYAML's own representers
    want = stock_dump(docs)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("fell back to PyYAML")

    monkeypatch.setattr(yaml, "dump_all", refuse)
    assert fast_dump_all(docs) == want


def test_without_libyaml_the_stock_path_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfast, "_C_LOADER", ())
    monkeypatch.setattr(yamlfast, "_C_DUMPER", ())
    load = yamlfast.make_load_all(K8sLoader)
    dump = yamlfast.make_dump_all(_StockDumper, **DUMP_OPTIONS)
    assert load.__name__ == dump.__name__ == "slow"
    assert same(load("a: [1, yes]\n"), stock("a: [1, yes]\n"))
    assert dump([{"a": "x\ny"}]) == stock_dump([{"a": "x\ny"}])
