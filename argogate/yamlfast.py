"""PyYAML's safe loading and dumping, minus its pure-Python overhead, same results.

`yaml.load_all(text, Loader=CSafeLoader)` spends most of its time in Python, not
in libyaml: `Resolver.resolve` walks a regex list per scalar, and
`SafeConstructor` builds every node through generators, `flatten_mapping` and
abstract-class `isinstance` checks. Here libyaml's C parser and composer still
build the node tree, but a memoised resolver tags the scalars and one recursive
function turns the nodes into Python objects. Dumping is the mirror image: one
function builds the node tree `SafeRepresenter` would build, and libyaml's C
serializer and emitter still write every byte.

Anything this path does not reproduce by construction (explicit collection tags
such as `!!set`/`!!omap`, unknown tags, types other than dict/list/str/int/
float/bool/None when dumping, any error, a nesting deeper than Python's
recursion limit) makes it give up and run the stock PyYAML path on the whole
stream, so results, exceptions and messages are PyYAML's own. The loader or
dumper class is inspected once, when `make_load_all`/`make_dump_all` is called:
configure it (resolvers, constructors, representers) before that.
"""

from __future__ import annotations

import io
import operator
from collections.abc import Callable
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.representer import SafeRepresenter

STR = "tag:yaml.org,2002:str"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"
INT = "tag:yaml.org,2002:int"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
MERGE = "tag:yaml.org,2002:merge"
VALUE = "tag:yaml.org,2002:value"

# the tags built inline below, and the stock constructors that inline code must match
_INLINE = {
    STR: SafeConstructor.construct_yaml_str,
    MAP: SafeConstructor.construct_yaml_map,
    SEQ: SafeConstructor.construct_yaml_seq,
    INT: SafeConstructor.construct_yaml_int,
    BOOL: SafeConstructor.construct_yaml_bool,
    NULL: SafeConstructor.construct_yaml_null,
}
# scalar-only constructors: they read `node.value` and nothing else, so calling them is exact
_DELEGATED = (
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:binary",
    "tag:yaml.org,2002:timestamp",
    INT,
    BOOL,
)
_BOOLS = {s: SafeConstructor.bool_values[s.lower()] for s in ("yes", "no", "true", "false", "on", "off")}
_BOOLS.update({k.capitalize(): v for k, v in _BOOLS.items()})
_BOOLS.update({k.upper(): v for k, v in _BOOLS.items()})
_CACHE_LIMIT = 20_000
_CACHE_MAX_LEN = 64
_MISSING = object()
# without libyaml there is nothing to speed up: `issubclass(x, ())` is False
_C_LOADER: Any = getattr(yaml, "CSafeLoader", ())
_C_DUMPER: Any = getattr(yaml, "CSafeDumper", ())


class _GiveUp(Exception):
    """The fast path cannot promise PyYAML's result for this stream."""


LoadAll = Callable[[str], list[Any]]


def make_load_all(loader_cls: type[Any]) -> LoadAll:
    """`text -> list(yaml.load_all(text, Loader=loader_cls))`, faster when possible.

    `loader_cls` must be a libyaml-based loader (`yaml.CSafeLoader` or a subclass);
    its implicit resolvers are honoured as configured. A class with any other
    parser, custom constructors or path resolvers only gets the stock path.
    """

    def slow(text: str) -> list[Any]:
        return list(yaml.load_all(text, Loader=loader_cls))

    constructors = loader_cls.yaml_constructors
    supported = (
        issubclass(loader_cls, _C_LOADER)
        and not loader_cls.yaml_path_resolvers
        and not loader_cls.yaml_multi_constructors
        and all(constructors.get(tag) is fn for tag, fn in _INLINE.items())
        and loader_cls.flatten_mapping is SafeConstructor.flatten_mapping
    )
    if not supported:
        return slow

    resolve = _make_resolver(loader_cls)
    scalar_ctors = {tag: constructors[tag] for tag in _DELEGATED if tag in constructors}

    class Fast(loader_cls):  # type: ignore[misc]
        pass

    Fast.resolve = staticmethod(resolve)
    # the C composer calls these two hooks per node; without path resolvers they do
    # nothing, and C builtins that do nothing skip a Python frame each
    Fast.descend_resolver = staticmethod(operator.is_)
    Fast.ascend_resolver = staticmethod(tuple)

    def scalar(loader: Any, node: Any, tag: str) -> Any:
        if tag == NULL:
            return None
        value = node.value
        if tag == INT and value.isdigit() and value.isascii() and (value[0] != "0" or value == "0"):
            return int(value)
        if tag == BOOL and value in _BOOLS:
            return _BOOLS[value]
        ctor = scalar_ctors.get(tag)
        if ctor is None:
            raise _GiveUp(tag)
        return ctor(loader, node)

    def build(loader: Any, node: Node, memo: dict[Node, Any] | None) -> Any:
        if memo is not None:
            hit = memo.get(node, _MISSING)
            if hit is not _MISSING:
                return hit
        cls = node.__class__
        tag = node.tag
        if cls is MappingNode:
            if tag != MAP:
                raise _GiveUp(tag)
            d: dict[Any, Any] = {}
            if memo is not None:
                memo[node] = d
            fill(loader, node, d, memo)
            return d
        if cls is SequenceNode:
            if tag != SEQ:
                raise _GiveUp(tag)
            seq: list[Any] = []
            if memo is not None:
                memo[node] = seq
            append = seq.append
            for child in node.value:
                if child.__class__ is ScalarNode and child.tag == STR:
                    append(child.value)
                else:
                    append(build(loader, child, memo))
            return seq
        out = node.value if tag == STR else scalar(loader, node, tag)
        if memo is not None:
            memo[node] = out
        return out

    def fill(loader: Any, node: Any, d: dict[Any, Any], memo: dict[Node, Any] | None) -> None:
        for key_node, value_node in node.value:
            if key_node.__class__ is ScalarNode and key_node.tag == STR:
                key = key_node.value
            else:
                if key_node.tag in (MERGE, VALUE):
                    # SafeConstructor.construct_mapping flattens before building; this
                    # rewrites node.value once, after which no merge/value keys remain
                    SafeConstructor.flatten_mapping(loader, node)
                    d.clear()
                    fill(loader, node, d, memo)
                    return
                # an unhashable key (a list or dict) raises TypeError below: PyYAML's error
                key = build(loader, key_node, memo)
            if value_node.__class__ is ScalarNode and value_node.tag == STR:
                d[key] = value_node.value
            else:
                d[key] = build(loader, value_node, memo)

    def load_all(text: str) -> list[Any]:
        try:
            loader = Fast(text)
            try:
                docs = []
                # aliases need an anchor, and an anchor needs a `&` somewhere in the text
                shared = "&" in text
                while loader.check_node():
                    docs.append(build(loader, loader.get_node(), {} if shared else None))
                return docs
            finally:
                loader.dispose()
        except Exception:  # the stock path raises (or returns) what PyYAML would
            return slow(text)

    return load_all


def _make_resolver(loader_cls: Any) -> Callable[[Any, Any, Any], str]:
    """`BaseResolver.resolve` for loaders without path resolvers, memoising plain scalars."""
    implicit: dict[Any, list[tuple[str, Any]]] = loader_cls.yaml_implicit_resolvers
    scalar_tag: str = loader_cls.DEFAULT_SCALAR_TAG
    sequence_tag: str = loader_cls.DEFAULT_SEQUENCE_TAG
    mapping_tag: str = loader_cls.DEFAULT_MAPPING_TAG
    wildcard = list(implicit.get(None, []))
    by_first = {ch: tuple(rs + wildcard) for ch, rs in implicit.items() if ch is not None}
    no_first = tuple(wildcard)
    cache: dict[str, str] = {}

    def plain(value: str) -> str:
        for tag, regexp in by_first.get(value[:1], no_first):
            if regexp.match(value):
                return tag
        return scalar_tag

    def resolve(kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                tag = cache.get(value)
                if tag is None:
                    tag = plain(value)
                    if len(value) <= _CACHE_MAX_LEN:
                        if len(cache) >= _CACHE_LIMIT:
                            cache.clear()
                        cache[value] = tag
                return tag
            return scalar_tag
        return sequence_tag if kind is SequenceNode else mapping_tag

    return resolve


def literal_block_str(dumper: Any, data: str) -> Any:
    """Strings with a line break as `|` blocks, the way kubectl users write them."""
    if "\n" in data:
        return dumper.represent_scalar(STR, data, style="|")
    return dumper.represent_scalar(STR, data)


DumpAll = Callable[[list[Any]], str]


def make_dump_all(dumper_cls: type[Any], **options: Any) -> DumpAll:
    """`docs -> yaml.dump_all(docs, Dumper=dumper_cls, **options)`, faster when possible."""

    def slow(docs: list[Any]) -> str:
        return str(yaml.dump_all(docs, Dumper=dumper_cls, **options))

    reps = dumper_cls.yaml_representers
    str_rep = reps.get(str)
    supported = (
        issubclass(dumper_cls, _C_DUMPER)
        and not dumper_cls.yaml_path_resolvers
        and not dumper_cls.yaml_multi_representers
        and options.get("sort_keys") is False
        and options.get("default_flow_style", False) is False
        and options.get("default_style") is None
        and options.get("encoding") is None
        and reps.get(dict) is SafeRepresenter.represent_dict
        and reps.get(list) is SafeRepresenter.represent_list
        and reps.get(int) is SafeRepresenter.represent_int
        and reps.get(bool) is SafeRepresenter.represent_bool
        and reps.get(type(None)) is SafeRepresenter.represent_none
        and reps.get(float) is SafeRepresenter.represent_float
        and str_rep in (literal_block_str, SafeRepresenter.represent_str)
    )
    if not supported:
        return slow
    literal = str_rep is literal_block_str

    class Fast(dumper_cls):  # type: ignore[misc]
        pass

    Fast.resolve = staticmethod(_make_resolver(dumper_cls))
    Fast.descend_resolver = staticmethod(operator.is_)
    Fast.ascend_resolver = staticmethod(tuple)
    represent_float = SafeRepresenter.represent_float

    def node(dumper: Any, data: Any, memo: dict[int, Node]) -> Node:
        cls = data.__class__
        if cls is str:
            return ScalarNode(STR, data, None, None, "|" if literal and "\n" in data else None)
        if cls is dict:
            key = id(data)
            if key in memo:
                return memo[key]
            pairs: list[tuple[Node, Node]] = []
            out: Node = MappingNode(MAP, pairs, None, None, False)
            memo[key] = out
            for k, v in data.items():
                pairs.append((node(dumper, k, memo), node(dumper, v, memo)))
            return out
        if cls is list:
            key = id(data)
            if key in memo:
                return memo[key]
            items: list[Node] = []
            out = SequenceNode(SEQ, items, None, None, False)
            memo[key] = out
            for v in data:
                items.append(node(dumper, v, memo))
            return out
        if cls is int:
            return ScalarNode(INT, str(data), None, None, None)
        if cls is bool:
            return ScalarNode(BOOL, "true" if data else "false", None, None, None)
        if data is None:
            return ScalarNode(NULL, "null", None, None, None)
        if cls is float:
            return represent_float(dumper, data)
        raise _GiveUp(cls)

    def dump_all(docs: list[Any]) -> str:
        docs = docs if isinstance(docs, list) else list(docs)
        stream = io.StringIO()
        try:
            dumper = Fast(stream, **options)
            try:
                dumper.open()
                for doc in docs:
                    dumper.serialize(node(dumper, doc, {}))
                dumper.close()
            finally:
                dumper.dispose()
        except Exception:  # the stock path raises (or returns) what PyYAML would
            return slow(docs)
        return stream.getvalue()

    return dump_all
