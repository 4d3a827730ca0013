"""patchesJson6902 with kyverno's evanphx options (patchJSON6902_test.go style cases)."""

from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.mutate.json6902 import apply_json6902, apply_operations, decode_patch

POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p", "namespace": "ns"},
    "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
}


@pytest.mark.parametrize(
    ("ops", "expected_spec"),
    [
        pytest.param(
            [{"op": "add", "path": "/spec/containers/-", "value": {"name": "c"}}],
            {"containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}]},
            id="append",
        ),
        pytest.param(
            [{"op": "add", "path": "/spec/containers/0", "value": {"name": "z"}}],
            {"containers": [{"name": "z"}, {"name": "a"}, {"name": "b"}]},
            id="insert",
        ),
        pytest.param(
            [{"op": "add", "path": "/spec/containers/-1", "value": {"name": "z"}}],
            {"containers": [{"name": "a"}, {"name": "b"}, {"name": "z"}]},
            id="negative-add-appends",
        ),
        pytest.param(
            [{"op": "replace", "path": "/spec/containers/-1/name", "value": "last"}],
            {"containers": [{"name": "a"}, {"name": "last"}]},
            id="negative-replace",
        ),
        pytest.param(
            [{"op": "add", "path": "/spec/securityContext/seccompProfile/type", "value": "RuntimeDefault"}],
            {
                "containers": [{"name": "a"}, {"name": "b"}],
                "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            },
            id="ensure-path-exists-objects",
        ),
        pytest.param(
            [{"op": "add", "path": "/spec/tolerations/-", "value": {"key": "k"}}],
            {"containers": [{"name": "a"}, {"name": "b"}], "tolerations": [{"key": "k"}]},
            id="ensure-path-exists-array",
        ),
        pytest.param(
            [{"op": "remove", "path": "/spec/nothing/here"}],
            {"containers": [{"name": "a"}, {"name": "b"}]},
            id="remove-missing-is-noop",
        ),
        pytest.param(
            [{"op": "remove", "path": "/spec/containers/1"}],
            {"containers": [{"name": "a"}]},
            id="remove-index",
        ),
        pytest.param(
            [{"op": "move", "from": "/spec/containers/0", "path": "/spec/containers/-"}],
            {"containers": [{"name": "b"}, {"name": "a"}]},
            id="move",
        ),
        pytest.param(
            [{"op": "copy", "from": "/spec/containers/0", "path": "/spec/initContainers"}],
            {"containers": [{"name": "a"}, {"name": "b"}], "initContainers": {"name": "a"}},
            id="copy",
        ),
    ],
)
def test_operations(ops: list[dict[str, Any]], expected_spec: dict[str, Any]) -> None:
    assert apply_operations(POD, ops)["spec"] == expected_spec


def test_input_untouched() -> None:
    apply_operations(POD, [{"op": "remove", "path": "/spec/containers/0"}])
    assert POD["spec"]["containers"] == [{"name": "a"}, {"name": "b"}]


def test_yaml_and_json_strings() -> None:
    yaml_patch = "- op: add\n  path: /metadata/labels/a~1b\n  value: x\n"
    json_patch = '[{"op": "add", "path": "/metadata/labels/a~1b", "value": "x"}]'
    for patch in (yaml_patch, json_patch):
        out = apply_json6902(POD, patch)
        assert out.status == "pass"
        assert out.patched["metadata"]["labels"] == {"a/b": "x"}
        assert out.message == "mutated Pod/p in namespace ns"


def test_unchanged_is_skip() -> None:
    out = apply_json6902(POD, [{"op": "replace", "path": "/metadata/name", "value": "p"}])
    assert (out.status, out.message) == ("skip", "no patches applied")


@pytest.mark.parametrize(
    ("ops", "fragment"),
    [
        ([{"op": "replace", "path": "/spec/missing", "value": 1}], "replace operation does not apply"),
        ([{"op": "test", "path": "/metadata/name", "value": "q"}], "testing value /metadata/name failed"),
        ([{"op": "add", "path": "/spec/containers/9", "value": 1}], "invalid index"),
        ([{"op": "frobnicate", "path": "/a"}], "Unexpected kind: frobnicate"),
    ],
)
def test_errors(ops: list[dict[str, Any]], fragment: str) -> None:
    out = apply_json6902(POD, ops)
    assert out.status == "error"
    assert out.message.startswith("failed to patch resource: ")
    assert fragment in out.message


def test_decode_errors() -> None:
    with pytest.raises(Exception, match="failed to decode patches"):
        decode_patch("op: add\npath: /a\n")
