"""kyaml merge2 as reproduced in `merge`: the behaviours its shortcuts must keep."""

from __future__ import annotations

import json
from typing import Any

import pytest

from argogate.engine.mutate.merge import MergeError, copy_tree, merge


def _pod(spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}


@pytest.mark.parametrize(
    ("spec", "patch_spec", "expected"),
    [
        pytest.param(
            {"containers": [{"name": "a", "image": "1"}, {"name": "a", "image": "2"}, {"name": "b"}]},
            {"containers": [{"name": "b", "image": "3"}]},
            {"containers": [{"name": "b", "image": "3"}, {"name": "a", "image": "1"}]},
            id="duplicate-keys-collapse-to-the-first",
        ),
        pytest.param(
            {"containers": [{"name": "a"}, {}]},
            {"containers": [{"name": "b"}]},
            {"containers": [{"name": "b"}, {"name": "a"}]},
            id="an-empty-element-is-dropped",
        ),
        pytest.param(
            {"containers": [{"name": "a", "image": "1"}]},
            {"containers": [{"image": "2"}]},
            {"containers": [{"image": "2"}, {"name": "a", "image": "1"}]},
            id="element-without-key",
        ),
        pytest.param(
            {"containers": [{"name": "a", "ports": [{"containerPort": 80, "protocol": "TCP"}]}]},
            {"containers": [{"name": "a", "ports": [{"containerPort": 80, "name": "http"}]}]},
            {
                "containers": [
                    {"name": "a", "ports": [{"containerPort": 80, "protocol": "TCP", "name": "http"}]}
                ]
            },
            id="multi-key-missing-secondary-key-matches",
        ),
        pytest.param(
            {"containers": [{"name": "a", "securityContext": {"runAsUser": 1, "privileged": True}}]},
            {"containers": [{"name": "a", "securityContext": {"$patch": "replace", "runAsUser": 2}}]},
            {"containers": [{"name": "a", "securityContext": {"runAsUser": 2}}]},
            id="replace-directive-inside-a-merged-map",
        ),
        pytest.param(
            {"securityContext": {"runAsUser": 1}},
            {"securityContext": {"runAsUser": None, "fsGroup": 2}},
            {"securityContext": {"fsGroup": 2}},
            id="null-removes",
        ),
        pytest.param(
            {},
            {"securityContext": {"a": None, "b": {"c": None, "d": 1}}},
            {"securityContext": {"b": {"d": 1}}},
            id="added-subtree-drops-nulls",
        ),
    ],
)
def test_merge(spec: dict[str, Any], patch_spec: dict[str, Any], expected: dict[str, Any]) -> None:
    assert merge(_pod(spec), {"spec": patch_spec}) == _pod(expected)


def test_scalar_over_map_is_a_kind_error() -> None:
    with pytest.raises(MergeError, match="wrong node kind: expected MappingNode but got ScalarNode"):
        merge(_pod({"securityContext": {"a": 1}}), {"spec": {"securityContext": "x"}})


def test_inputs_stay_untouched_and_output_holds_no_patch_container() -> None:
    resource = _pod({"containers": [{"name": "a", "args": ["x"]}], "volumes": [{"name": "v"}]})
    patch = {
        "spec": {
            "containers": [{"name": "a", "args": ["y"], "env": [{"name": "E"}]}],
            "tolerations": [{"k": 1}],
        }
    }
    before = json.dumps([resource, patch])
    out = merge(resource, patch)
    assert json.dumps([resource, patch]) == before
    out["spec"]["containers"][0]["args"].append("z")
    out["spec"]["containers"][0]["env"][0]["name"] = "F"
    out["spec"]["tolerations"][0]["k"] = 2
    assert json.dumps([resource, patch]) == before
    # what the patch does not touch is shared, not copied
    assert out["spec"]["volumes"] is resource["spec"]["volumes"]


def test_copy_tree_keeps_shared_nodes_shared() -> None:
    shared = {"a": [1, 2]}
    tree = {"x": shared, "y": [shared, "s", 1.5, None, True]}
    copied = copy_tree(tree)
    assert copied == tree
    assert copied["x"] is not shared
    assert copied["x"] is copied["y"][0]
