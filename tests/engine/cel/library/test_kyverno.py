from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.cel import CelEvalError, CelSyntaxError, compile
from argogate.engine.cel.library.kyverno import parse_reference
from tests.engine.cel.library._helpers import ev

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        # the image library (kyverno pkg/cel/libs/image), ggcr name.ParseReference semantics
        ("image('nginx').registry()", "index.docker.io"),
        ("image('nginx').repository()", "library/nginx"),
        ("image('nginx').tag()", "latest"),
        ("image('nginx').identifier()", "latest"),
        ("image('docker.io/bitnami/redis:7').registry()", "index.docker.io"),
        ("image('docker.io/bitnami/redis:7').repository()", "bitnami/redis"),
        ("image('corp.reg.com/team/app:1.2').registry()", "corp.reg.com"),
        ("image('localhost:5000/app').registry()", "localhost:5000"),
        ("image('localhost/app').registry()", "localhost"),
        (f"image('ghcr.io/a/b@{DIGEST}').digest()", DIGEST),
        (f"image('ghcr.io/a/b:1@{DIGEST}').containsDigest()", True),
        (f"image('ghcr.io/a/b:1@{DIGEST}').tag()", ""),
        ("image('ghcr.io/a/b:1').containsDigest()", False),
        ("ParseImageRef('ghcr.io/a/b:1').repository()", "a/b"),
        ("isImage('ghcr.io/a/b:1')", True),
        ("isImage('Not/Valid')", False),
        ("isImage('a:b:c')", False),
        ("string(image('nginx:1'))", "nginx:1"),
        ("image('nginx:1') == image('nginx:1')", True),
        # jsonpatch.escapeKey (apiserver cel/library/jsonpatch.go)
        ("jsonpatch.escapeKey('karpenter.sh/do-not-evict')", "karpenter.sh~1do-not-evict"),
        ("jsonpatch.escapeKey('a~b/c')", "a~0b~1c"),
        # message construction: MutatingAdmissionPolicy object types are maps of their fields
        ("Object{spec: Object.spec{replicas: 2}}", {"spec": {"replicas": 2}}),
        ("JSONPatch{op: 'add', path: '/a', value: [1]}", {"op": "add", "path": "/a", "value": [1]}),
        ("Object{?spec: optional.none(), kind: 'x'}", {"kind": "x"}),
    ],
)
def test_kyverno_functions(expr: str, expected: Any) -> None:
    assert ev(expr) == expected


@pytest.mark.parametrize(
    "expr", ["image('UPPER/case')", "image(1)", "'x'.registry()", "jsonpatch.escapeKey(1)"]
)
def test_errors(expr: str) -> None:
    with pytest.raises(CelEvalError):
        ev(expr)


def test_unknown_message_type_is_a_compile_error() -> None:
    with pytest.raises(CelSyntaxError, match="undeclared reference to 'Foo'"):
        compile("Foo{a: 1}")


class _Receiver:
    def cel_Get(self, *args: Any) -> Any:
        return list(args)


def test_context_calls_are_forwarded_to_the_receiver() -> None:
    program = compile("resource.Get('v1', 'configmaps', 'ns', 'n')", ["resource"])
    assert program.evaluate({"resource": _Receiver()}) == ["v1", "configmaps", "ns", "n"]
    with pytest.raises(CelEvalError, match="no such overload"):
        compile("x.Get(1)", ["x"]).evaluate({"x": {}})


def test_parse_reference_fields() -> None:
    img = parse_reference("quay.io/org/app:v1")
    assert (img.registry, img.repository, img.tag, img.digest, img.identifier) == (
        "quay.io",
        "org/app",
        "v1",
        "",
        "v1",
    )


# the CEL functions and macros the corpus's CEL policies use, one row each
@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("o.spec.?x.orValue(1)", 1),
        ("[1, 2].all(x, x > 0)", True),
        ("has(o.spec)", True),
        ("[1, 2].exists(x, x == 2)", True),
        ("[1, 2, 3].filter(x, x > 1)", [2, 3]),
        ("'abc'.startsWith('ab')", True),
        ("[1, 2].map(x, x * 2)", [2, 4]),
        ("'abc'.contains('b')", True),
        ("size([1, 2])", 2),
        ("'a/b'.split('/')", ["a", "b"]),
        ("dyn({'a': 1}).a", 1),
        ("'abc'.indexOf('c')", 2),
        ("string(1)", "1"),
        ("['a', 'b'].join(',')", "a,b"),
        ("' a '.trim()", "a"),
        ("[1, 2].exists_one(x, x == 1)", True),
        ("o.spec.?x.hasValue()", False),
        ("int('3')", 3),
        ("'abc'.matches('^a')", True),
        ("'aa'.replace('a', 'b')", "bb"),
        ("'abc'.substring(1)", "bc"),
        ("'ab'.upperAscii()", "AB"),
    ],
)
def test_corpus_functions(expr: str, expected: Any) -> None:
    assert ev(expr, o={"spec": {}}) == expected
