"""patchStrategicMerge: kyverno's preprocessing tests (strategicPreprocessing_test.go) and merge behaviour."""

from __future__ import annotations

import json
from typing import Any

import pytest

from argogate.engine.mutate.strategic import apply_strategic_merge, parse_anchor, preprocess


def _pod(spec: dict[str, Any], meta: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta or {"name": "hello"}, "spec": spec}


PREPROCESS_CASES = [
    pytest.param(
        {
            "spec": {
                "containers": [
                    {
                        "(name)": "*",
                        "securityContext": {
                            "+(allowPrivilegeEscalation)": False,
                            "+(capabilities)": {"drop": ["NET_CAP"]},
                            "+(privileged)": False,
                        },
                    }
                ]
            }
        },
        _pod({"containers": [{"name": "c1", "image": "ubuntu"}, {"name": "c2", "image": "ubuntu"}]}),
        {
            "spec": {
                "containers": [
                    {
                        "name": n,
                        "securityContext": {
                            "allowPrivilegeEscalation": False,
                            "capabilities": {"drop": ["NET_CAP"]},
                            "privileged": False,
                        },
                    }
                    for n in ("c1", "c2")
                ]
            }
        },
        id="condition-per-element-with-add-anchors",
    ),
    pytest.param(
        {
            "metadata": {"annotations": {"+(cluster-autoscaler.kubernetes.io/safe-to-evict)": "true"}},
            "spec": {"volumes": [{"<(emptyDir)": {}}]},
        },
        _pod(
            {
                "containers": [{"name": "web", "image": "nginx"}],
                "volumes": [{"emptyDir": {}, "name": "cache"}, {"secret": {"secretName": "t"}, "name": "t"}],
            },
            {"name": "static-web", "labels": {"role": "myrole"}},
        ),
        {"metadata": {"annotations": {"cluster-autoscaler.kubernetes.io/safe-to-evict": "true"}}},
        id="global-anchor-passes",
    ),
    pytest.param({"metadata": None}, _pod({"containers": []}), {"metadata": None}, id="null-kept"),
    pytest.param(
        {
            "spec": {
                "containers": [{"(name)": "*", "image": "gcr.io/google-containers/busybox:latest"}],
                "imagePullSecrets": [{"name": "regcred"}],
            }
        },
        _pod({"containers": [{"name": "hello", "image": "busybox"}]}),
        {
            "spec": {
                "containers": [{"name": "hello", "image": "gcr.io/google-containers/busybox:latest"}],
                "imagePullSecrets": [{"name": "regcred"}],
            }
        },
        id="name-copied-from-resource",
    ),
    pytest.param(
        {
            "spec": {
                "containers": [
                    {
                        "(name)": "*",
                        "(image)": "gcr.io/google-containers/busybox:*",
                        "new_filed": "must be inserted",
                    }
                ],
                "imagePullSecrets": [{"name": "regcred"}],
            }
        },
        _pod({"containers": [{"name": "hello", "image": "gcr.io/google-containers/busybox:latest"}]}),
        {
            "spec": {
                "containers": [{"name": "hello", "new_filed": "must be inserted"}],
                "imagePullSecrets": [{"name": "regcred"}],
            }
        },
        id="two-conditions",
    ),
    pytest.param(
        {
            "spec": {
                "containers": [{"(image)": "gcr.io/google-containers/busybox:*"}],
                "imagePullSecrets": [{"name": "regcred"}],
            }
        },
        _pod(
            {
                "containers": [
                    {"name": "hello", "image": "gcr.io/google-containers/busybox:latest"},
                    {"name": "hello2", "image": "gcr.io/google-containers/busybox:latest"},
                    {"name": "hello3", "image": "gcr.io/google-containers/nginx:latest"},
                ]
            }
        ),
        {"spec": {"imagePullSecrets": [{"name": "regcred"}]}},
        id="condition-only-element-dropped",
    ),
    pytest.param(
        {
            "metadata": {"annotations": {"+(cluster-autoscaler.kubernetes.io/safe-to-evict)": True}},
            "spec": {"volumes": [{"<(hostPath)": {"path": "*"}}]},
        },
        _pod(
            {
                "containers": [{"name": "nginx"}],
                "volumes": [{"name": "cache", "hostPath": {"path": "/data"}}],
            },
            {"name": "nginx", "annotations": {"cluster-autoscaler.kubernetes.io/safe-to-evict": "false"}},
        ),
        {},
        id="add-anchor-present-and-global-passes",
    ),
    pytest.param(
        {
            "metadata": {
                "annotations": {
                    "+(alb.ingress.kubernetes.io/scheme)": "internal",
                    "+(kubernetes.io/ingress.class)": "alb",
                }
            }
        },
        {
            "apiVersion": "extensions/v1beta1",
            "kind": "Ingress",
            "metadata": {
                "name": "argocd",
                "annotations": {
                    "alb.ingress.kubernetes.io/scheme": "internal",
                    "kubernetes.io/ingress.class": "x",
                },
            },
        },
        {},
        id="all-add-anchors-present",
    ),
    pytest.param(
        {
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {"(name)": "*", "resources": {"limits": {"+(memory)": "300Mi", "+(cpu)": "100"}}}
                        ]
                    }
                }
            }
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "qos-demo"},
            "spec": {
                "template": {
                    "spec": {"containers": [{"name": "nginx", "resources": {"limits": {"cpu": "50m"}}}]}
                }
            },
        },
        {
            "spec": {
                "template": {
                    "spec": {"containers": [{"name": "nginx", "resources": {"limits": {"memory": "300Mi"}}}]}
                }
            }
        },
        id="add-anchor-inside-conditioned-element",
    ),
    pytest.param(
        {
            "metadata": {
                "annotations": {"+(annotation1)": "atest1", "+(annotation2)": "atest2"},
                "labels": {"+(label1)": "test1"},
            },
            "spec": {
                "(volumes)": [{"(hostPath)": {"path": "/var/run/docker.sock"}}],
                "containers": [{"(image)": "*:latest", "command": ["ls"], "imagePullPolicy": "Always"}],
            },
        },
        _pod(
            {
                "containers": [
                    {"command": ["ll"], "image": "nginx:latest", "imagePullPolicy": "Never", "name": "nginx"},
                    {"image": "busybox:latest", "imagePullPolicy": "Never", "name": "busybox"},
                ],
                "volumes": [{"hostPath": {"path": "/var/run/docker.sock"}, "name": "test-volume"}],
            },
            {
                "name": "check-root-user",
                "annotations": {"annotation1": "atest2"},
                "labels": {"label1": "test2", "label2": "test2"},
            },
        ),
        {
            "metadata": {"annotations": {"annotation2": "atest2"}},
            "spec": {
                "containers": [
                    {"command": ["ls"], "imagePullPolicy": "Always", "name": "nginx"},
                    {"command": ["ls"], "imagePullPolicy": "Always", "name": "busybox"},
                ]
            },
        },
        id="conditions-on-map-and-list",
    ),
    pytest.param(
        {"metadata": {"annotations": {"annotation1": None}}},
        _pod({}, {"name": "x", "annotations": {"annotation1": "atest2"}}),
        {"metadata": {"annotations": {"annotation1": None}}},
        id="null-deletes",
    ),
    pytest.param(
        {
            "spec": {
                "securityContext": {"runAsNonRoot": True},
                "initContainers": [{"(name)": "*", "securityContext": {"runAsNonRoot": True}}],
                "containers": [{"(name)": "*", "securityContext": {"runAsNonRoot": True}}],
            }
        },
        {
            "spec": {
                "initContainers": [{"name": "initbusy", "image": "busybox:1.28"}],
                "containers": [{"image": "busybox:1.28", "name": "busybox"}],
            }
        },
        {
            "spec": {
                "securityContext": {"runAsNonRoot": True},
                "initContainers": [{"name": "initbusy", "securityContext": {"runAsNonRoot": True}}],
                "containers": [{"name": "busybox", "securityContext": {"runAsNonRoot": True}}],
            }
        },
        id="init-and-app-containers",
    ),
    pytest.param(
        {
            "spec": {
                "template": {"spec": {"volumes": [{"(emptyDir)": {"+(sizeLimit)": "20Mi"}, "name": "*"}]}}
            }
        },
        {"spec": {"template": {"spec": {"volumes": [{"emptyDir": {}, "name": "vol02"}]}}}},
        {"spec": {"template": {"spec": {"volumes": [{"emptyDir": {"sizeLimit": "20Mi"}, "name": "vol02"}]}}}},
        id="nested-conditionals",
    ),
    pytest.param(
        {"metadata": {"labels": {"(key1)": "value1"}}, "spec": {"containers": [{"name": "busybox"}]}},
        _pod({"containers": [{"name": "hello", "image": "busybox"}]}),
        {},
        id="missing-condition-key-empties-patch",
    ),
]


@pytest.mark.parametrize(("patch", "resource", "expected"), PREPROCESS_CASES)
def test_preprocess_matches_kyverno(patch: Any, resource: dict[str, Any], expected: Any) -> None:
    assert preprocess(patch, resource) == expected


def test_preprocess_does_not_modify_inputs() -> None:
    patch = {"metadata": {"labels": {"+(a)": "b"}}}
    resource = _pod({})
    before = json.dumps([patch, resource])
    preprocess(patch, resource)
    assert json.dumps([patch, resource]) == before


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("(name)", ("", "name")),
        ("+(name)", ("+", "name")),
        ("<(emptyDir)", ("<", "emptyDir")),
        ("X(hostPath)", ("X", "hostPath")),
        ("=(a)", ("=", "a")),
        ("^(a)", ("^", "a")),
        ("()", None),
        ("name", None),
        ("a(b)", None),
        (3, None),
    ],
)
def test_parse_anchor(key: Any, expected: Any) -> None:
    assert parse_anchor(key) == expected


def test_condition_matches_first_and_second_element_leaves_containers() -> None:
    # strategicMergePatch_test.go TestMergePatch case 2
    resource = _pod(
        {
            "containers": [
                {"name": "hello", "image": "gcr.io/google-containers/busybox:latest"},
                {"name": "hello2", "image": "gcr.io/google-containers/busybox:latest"},
                {"name": "hello3", "image": "gcr.io/google-containers/nginx:latest"},
            ]
        }
    )
    patch = {
        "spec": {
            "containers": [{"(image)": "gcr.io/google-containers/busybox:*"}],
            "imagePullSecrets": [{"name": "regcred"}],
        }
    }
    out = apply_strategic_merge(resource, patch)
    assert out.status == "pass"
    assert out.patched["spec"]["containers"] == resource["spec"]["containers"]
    assert out.patched["spec"]["imagePullSecrets"] == [{"name": "regcred"}]
    assert out.message == "mutated Pod/hello"


def test_no_change_is_skip() -> None:
    resource = _pod({"containers": [{"name": "a", "image": "x"}]}, {"name": "p", "namespace": "ns"})
    out = apply_strategic_merge(resource, {"spec": {"containers": [{"name": "a", "image": "x"}]}})
    assert (out.status, out.message) == ("skip", "no patches applied")
    assert out.patched == resource


def test_global_anchor_failure_skips_whole_rule() -> None:
    resource = _pod(
        {"containers": [{"name": "a"}], "volumes": [{"name": "v", "secret": {"secretName": "s"}}]}
    )
    patch = {
        "metadata": {"annotations": {"+(safe-to-evict)": "true"}},
        "spec": {"volumes": [{"<(emptyDir)": {}}]},
    }
    out = apply_strategic_merge(resource, patch)
    assert (out.status, out.message) == ("skip", "no patches applied")


def test_pass_message_names_namespace() -> None:
    resource = _pod({}, {"name": "p", "namespace": "team"})
    out = apply_strategic_merge(resource, {"metadata": {"labels": {"a": "b"}}})
    assert (out.status, out.message) == ("pass", "mutated Pod/p in namespace team")


def test_new_list_elements_are_prepended() -> None:
    # kustomize patchstrategicmerge uses ListIncreaseDirection=Prepend
    resource = _pod({"containers": [{"name": "a", "image": "a"}, {"name": "b", "image": "b"}]})
    out = apply_strategic_merge(resource, {"spec": {"containers": [{"name": "sidecar", "image": "s"}]}})
    assert [c["name"] for c in out.patched["spec"]["containers"]] == ["sidecar", "a", "b"]
    out = apply_strategic_merge(resource, {"spec": {"containers": [{"name": "b", "image": "b2"}]}})
    assert out.patched["spec"]["containers"] == [{"name": "b", "image": "b2"}, {"name": "a", "image": "a"}]


def test_merge_keys_by_type() -> None:
    resource = _pod(
        {
            "containers": [
                {
                    "name": "a",
                    "env": [{"name": "X", "value": "1"}],
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "volumeMounts": [{"name": "v", "mountPath": "/a"}],
                    "args": ["x"],
                }
            ],
            "tolerations": [{"key": "k1"}],
        }
    )
    patch = {
        "spec": {
            "containers": [
                {
                    "name": "a",
                    "env": [{"name": "Y", "value": "2"}],
                    "ports": [{"containerPort": 80, "name": "http"}],
                    "volumeMounts": [{"name": "w", "mountPath": "/b"}],
                    "args": ["y"],
                }
            ],
            "tolerations": [{"key": "k2"}],
        }
    }
    container = apply_strategic_merge(resource, patch).patched["spec"]["containers"][0]
    assert container["env"] == [{"name": "Y", "value": "2"}, {"name": "X", "value": "1"}]
    assert container["ports"] == [{"containerPort": 80, "protocol": "TCP", "name": "http"}]
    assert [m["mountPath"] for m in container["volumeMounts"]] == ["/b", "/a"]
    assert container["args"] == ["y"]
    out = apply_strategic_merge(resource, patch).patched
    assert out["spec"]["tolerations"] == [{"key": "k2"}]


def test_crd_lists_are_replaced() -> None:
    resource = {
        "apiVersion": "example.com/v1",
        "kind": "App",
        "metadata": {"name": "a"},
        "spec": {"env": [{"name": "A"}]},
    }
    out = apply_strategic_merge(resource, {"spec": {"env": [{"name": "B"}]}})
    assert out.patched["spec"]["env"] == [{"name": "B"}]


def test_patch_directives() -> None:
    resource = _pod(
        {"containers": [{"name": "a"}, {"name": "b"}], "securityContext": {"runAsUser": 1, "fsGroup": 2}}
    )
    patch = {
        "spec": {
            "containers": [{"name": "a", "$patch": "delete"}],
            "securityContext": {"$patch": "replace", "runAsNonRoot": True},
        }
    }
    out = apply_strategic_merge(resource, patch).patched
    assert out["spec"]["containers"] == [{"name": "b"}]
    assert out["spec"]["securityContext"] == {"runAsNonRoot": True}
    out = apply_strategic_merge(resource, {"spec": {"securityContext": {"$patch": "delete"}}}).patched
    assert "securityContext" not in out["spec"]
    bad = apply_strategic_merge(resource, {"spec": {"securityContext": {"$patch": "explode"}}})
    assert bad.status == "error"
    assert "unknown patch strategy 'explode'" in bad.message


def test_empty_map_in_patch_is_dropped_like_kyverno() -> None:
    # deleteAnchorsInMap treats `{}` as deletable: kyverno drops `emptyDir: {}` from the patch
    resource = _pod({"containers": [{"name": "a"}]})
    out = apply_strategic_merge(resource, {"spec": {"volumes": [{"name": "cache", "emptyDir": {}}]}})
    assert out.patched["spec"]["volumes"] == [{"name": "cache"}]


def test_kind_mismatch_is_error() -> None:
    out = apply_strategic_merge(_pod({"containers": []}), {"spec": {"containers": {"name": "x"}}})
    assert out.status == "error"
    assert out.message.startswith("failed to patch resource: wrong node kind")


# --- the fast paths must say what the general code says ------------------------------------


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        ("nginx", "nginx"),
        ("nginx", "nginx-2"),
        ("nginx", "ngi*"),
        ("nginx", "?ginx"),
        ("nginx", "!nginx"),
        ("a", "a|b"),
        ("c", "a|b"),
        ("5", ">3"),
        ("2", ">3"),
        ("1024Mi", "1Gi"),
        ("3", "1-5"),
        ("9", "1!-5"),
        ("", ""),
        ("", "*"),
        ("true", "true"),
        ("null", "null"),
        ("(x)", "(x)"),
    ],
)
def test_fast_condition_agrees_with_match_pattern(value: str, pattern: str) -> None:
    from argogate.engine.mutate.strategic import _default_condition, default_matcher

    assert _default_condition(value, pattern) is (default_matcher()(value, pattern) is None)


@pytest.mark.parametrize(("patch", "resource", "expected"), PREPROCESS_CASES)
def test_preprocess_with_the_explicit_default_matcher_is_the_same(
    patch: Any, resource: dict[str, Any], expected: Any
) -> None:
    from argogate.engine.mutate.strategic import default_matcher

    assert preprocess(patch, resource, matcher=default_matcher()) == expected


@pytest.mark.parametrize(("patch", "resource", "expected"), PREPROCESS_CASES)
def test_owned_patch_is_edited_in_place_with_the_same_result(
    patch: Any, resource: dict[str, Any], expected: Any
) -> None:
    from argogate.engine.mutate.strategic import strategic_merge

    given = json.loads(json.dumps(patch))
    copied = strategic_merge(resource, given)
    assert given == patch  # not owned: left alone
    owned = strategic_merge(resource, json.loads(json.dumps(patch)), owned=True)
    assert owned == copied
    out = apply_strategic_merge(resource, patch)
    assert (out.status, out.patched) == copied[:2]
    assert copied[2] is None if copied[0] == "pass" else copied[2] == out.message


def _kyverno_has_anchors(pattern: Any, kinds: tuple[str, ...]) -> bool:
    # strategicPreprocessing.go hasAnchors, spelled out as the reference
    if isinstance(pattern, dict):
        for key, value in pattern.items():
            a = parse_anchor(key)
            if a is not None and a[0] in kinds:
                return True
            if value not in (None, {}, []) and _kyverno_has_anchors(value, kinds):
                return True
        return False
    if isinstance(pattern, list):
        return any(_kyverno_has_anchors(e, kinds) for e in pattern)
    text = (
        "null"
        if pattern is None
        else ("true" if pattern else "false")
        if isinstance(pattern, bool)
        else str(pattern)
    )
    a = parse_anchor(text)
    return a is not None and a[0] in ("", "<")


@pytest.mark.parametrize(
    "pattern",
    [
        {"name": "x"},
        {"(name)": "x"},
        {"+(name)": "x"},
        {"<(name)": "x"},
        {"=(name)": "x", "X(a)": 1, "^(b)": [1]},
        {"a": {"b": [{"c": {"<(d)": {}}}]}},
        {"a": {}, "b": [], "c": None, "d": 0, "e": False},
        {"name": "(quirk)"},
        {"name": "<(quirk)"},
        {"name": "+(not-a-condition)"},
        {"name": " (spaced) "},
        {"a": [1, "x", "(y)"]},
        {"a": ["x", {"+(b)": 1}]},
        {"(a)": {"<(b)": 1}},
        [{"a": 1}, {"<(b)": 1}],
        "(x)",
        "x)",
        7,
        None,
    ],
)
def test_anchor_flags_are_kyverno_has_anchors(pattern: Any) -> None:
    from argogate.engine.mutate.anchorkeys import ANY, GLOBAL, anchor_flags

    flags = anchor_flags(pattern)
    assert bool(flags & ANY) is _kyverno_has_anchors(pattern, ("", "<", "+"))
    assert bool(flags & GLOBAL) is _kyverno_has_anchors(pattern, ("<",))
