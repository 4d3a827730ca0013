"""Ports of kyverno pkg/engine/validate/validate_test.go, plus anchor handler cases."""

from __future__ import annotations

import json
from typing import Any

import pytest

from argogate.engine.pattern import PatternError, match_pattern
from argogate.engine.pattern.walker import _Walker

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "nginx-deployment", "labels": {"app": "nginx"}},
    "spec": {
        "replicas": 3,
        "template": {
            "metadata": {"labels": {"app": "nginx"}},
            "spec": {
                "securityContext": {"runAsNonRoot": True},
                "containers": [
                    {
                        "name": "nginx",
                        "image": "https://nirmata/nginx:latest",
                        "imagePullPolicy": "Always",
                        "livenessProbe": {"tcpSocket": {"port": 8080}, "periodSeconds": 11},
                        "resources": {
                            "limits": {"memory": "2Gi", "cpu": 8},
                            "requests": {"memory": "512Mi", "cpu": "8"},
                        },
                        "ports": [{"containerPort": 80}],
                    }
                ],
            },
        },
    },
}


def _containers(container: dict[str, Any]) -> dict[str, Any]:
    return {"spec": {"template": {"spec": {"containers": [container]}}}}


def _walk(resource: Any, pattern: Any) -> tuple[tuple[str | int, ...] | None, str | None]:
    """validateResourceElement at the root: (path of the error, message) or (None, None)."""
    err = _Walker().element(resource, pattern, ())
    return (None, None) if err is None else (err.path, err.message)


@pytest.mark.parametrize(
    ("pattern", "ok"),
    [
        (_containers({"name": "?*", "resources": {"requests": {"cpu": "<4|8"}}}), True),  # TestValidateMap
        (_containers({"name": "*", "livenessProbe": {"periodSeconds": "*"}}), True),  # AsteriskForInt
        (_containers({"name": "*", "livenessProbe": "*"}), True),  # AsteriskForMap
        ({"spec": {"template": {"spec": {"containers": "*"}}}}, True),  # AsteriskForArray
        (_containers({"name": "*", "readinessProbe": None}), True),  # missing field vs null pattern
        (_containers({"name": "*", "image": "*:latest"}), True),
        (_containers({"name": "*", "image": "!*:latest"}), False),
    ],
)
def test_validate_map(pattern: dict[str, Any], ok: bool) -> None:
    assert (match_pattern(DEPLOYMENT, pattern) is None) is ok


def test_asterisk_field_is_missing_reports_parent_path() -> None:
    resource = json.loads(json.dumps(DEPLOYMENT))
    resource["spec"]["template"]["spec"]["containers"][0]["livenessProbe"] = None
    path, msg = _walk(resource, _containers({"name": "*", "livenessProbe": "*"}))
    assert path == ("spec", "template", "spec", "containers", 0)
    assert msg == "/spec/template/spec/containers/0//livenessProbe not found"


def test_existence_two_elements_one_passes() -> None:
    pattern = {"^(list)": [{"(name)": "nirmata-*", "object": [{"(key1)": "value*", "key2": "value*"}]}]}
    resource = {
        "list": [
            {"name": "nirmata-1", "object": [{"key1": "value1", "key2": "value2"}]},
            {"name": "nirmata-1", "object": [{"key1": "not_value", "key2": "not_value"}]},
        ]
    }
    assert _walk(resource, pattern) == (None, None)


def test_array_root_one_element_passes_and_fails() -> None:
    pattern = [{"(name)": "nirmata-*", "object": [{"(key1)": "value*", "key2": "value*"}]}]
    good = [{"name": "nirmata-1", "object": [{"key1": "value1", "key2": "value2"}]}]
    bad = [{"name": "nirmata-1", "object": [{"key1": "value5", "key2": "1value1"}]}]
    assert _walk(good, pattern) == (None, None)
    assert _walk(bad, pattern)[0] == (0, "object", 0, "key2")


@pytest.mark.parametrize(
    "reference",
    ["$(./../somekey/somekey2/memory)", "$()", "$", "$(>2048)", "$(<=/some/memory)"],
)
def test_unresolved_references_compare_literally(reference: str) -> None:
    # kyverno substitutes $(...) in variables.SubstituteAll before MatchPattern; what is left fails
    pattern = {"spec": {"containers": [{"name": "*", "resources": {"requests": {"memory": reference}}}]}}
    resource = {"spec": {"containers": [{"name": "n", "resources": {"requests": {"memory": "1024Mi"}}}]}}
    assert _walk(resource, pattern)[0] == ("spec", "containers", 0, "resources", "requests", "memory")


def test_condition_anchor_on_name_passes() -> None:
    pattern = {"spec": {"containers": [{"(name)": "kyverno", "image": "kyverno.io*"}]}}
    resource = {"spec": {"containers": [{"name": "kyverno", "image": "kyverno.io/test:latest"}]}}
    assert _walk(resource, pattern) == (None, None)


@pytest.mark.parametrize(
    ("pattern", "resource", "path"),
    [
        (
            {"metadata": {"annotations": {"test/*": "value1"}}},
            {"metadata": {"annotations": {"test/bar": "value1"}}},
            None,
        ),
        (
            {"metadata": {"annotations": {"test/b??": "v*"}}},
            {"metadata": {"annotations": {"test/bar": "value1"}}},
            None,
        ),
        ({}, {"metadata": {"annotations": {"test/bar": "value1"}}}, None),
        (
            {"metadata": {"annotations": {"test/b??": "v*"}}},
            {"metadata": {"labels": {"test/bar": "value1"}}},
            ("metadata", "annotations"),
        ),
        ({"metadata": {"labels": {"*/test": "foo"}}}, {"metadata": {"labels": {"foo/test": "foo"}}}, None),
        (
            {"metadata": {"labels": {"foo/a*": "bar"}}},
            {"metadata": {"labels": {"foo/aa?": "bar", "foo/789": "bar"}}},
            None,
        ),
        (
            {"metadata": {"labels": {"foo/ABC*": "bar"}}},
            {"metadata": {"labels": {"foo/AB?": "bar", "foo/ABC": "bar2"}}},
            ("metadata", "labels", "foo/ABC"),
        ),
        (
            {"=(metadata)": {"=(labels)": {"foo/P*": "bar", "foo/Q*": "bar2"}}},
            {"metadata": {"labels": {"foo/PQR": "bar", "foo/QR": "bar2"}}},
            None,
        ),
        (
            {"metadata": {"labels": {"foo/1*": "bar"}}},
            {"metadata": {"labels": {"foo/123": "bar222"}}},
            ("metadata", "labels", "foo/123"),
        ),
        (
            {"metadata": {"labels": {"foo/X*": "bar", "foo/A*": "bar2"}}},
            {"metadata": {"labels": {"foo/XYZ": "bar"}}},
            ("metadata", "labels", "foo/A*"),
        ),
        (
            {"=(metadata)": {"=(labels)": {"foo/1*": "bar", "foo/4*": "bar2"}}},
            {"metadata": {"labels": {"foo/123": "bar"}}},
            ("metadata", "labels", "foo/4*"),
        ),
    ],
)
def test_wildcard_keys(
    pattern: dict[str, Any], resource: dict[str, Any], path: tuple[Any, ...] | None
) -> None:
    assert _walk(resource, pattern)[0] == path


def test_wildcard_expansion_does_not_mutate_pattern() -> None:
    pattern = {"metadata": {"labels": {"foo/*": "bar"}}}
    assert match_pattern({"metadata": {"labels": {"foo/x": "bar"}}}, pattern) is None
    assert pattern == {"metadata": {"labels": {"foo/*": "bar"}}}


IMG = {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}}
GLOBAL_IMG = {"spec": {"containers": [{"name": "*", "<(image)": "*:latest", "imagePullPolicy": "!Always"}]}}
ENV = {
    "spec": {
        "containers": [
            {"name": "*", "env": [{"<(name)": "foo", "<(value)": "bar"}], "imagePullPolicy": "!Always"}
        ]
    }
}
DOCKER = {
    "metadata": {"labels": {"allow-docker": "true"}},
    "(spec)": {"(volumes)": [{"(hostPath)": {"path": "/var/run/docker.sock"}}]},
}
ISTIO = {
    "spec": {
        "=(initContainers)": [{"(name)": "!istio-init", "=(securityContext)": {"=(runAsUser)": ">0"}}],
        "=(containers)": [{"=(securityContext)": {"=(runAsUser)": ">0"}}],
    }
}
VOLUMES = {
    "spec": {
        "=(volumes)": [
            {
                "(name)": "!credential-socket&!istio-data&!istio-envoy&!workload-certs&!workload-socket",
                "=(emptyDir)": {"sizeLimit": "?*"},
            }
        ]
    }
}


def _c(*containers: tuple[str, str, str]) -> dict[str, Any]:
    return {"spec": {"containers": [{"name": n, "image": i, "imagePullPolicy": p} for n, i, p in containers]}}


# TestConditionalAnchorWithMultiplePatterns and Test_global_anchor. Kyverno only asserts its
# pass and skip rows; "fail" rows here are what MatchPattern really returns (a non-skip error),
# except the global-anchor rows marked skip, which Kyverno's table labels fail without asserting.
@pytest.mark.parametrize(
    ("name", "pattern", "resource", "status"),
    [
        ("test-1", IMG, _c(("nginx", "nginx:1.2.3", "Always")), "skip"),
        ("test-2", IMG, _c(("nginx", "nginx:latest", "Always")), "fail"),
        ("test-3", IMG, _c(("nginx", "nginx", "Always")), "fail"),
        ("test-4", IMG, _c(("nginx", "nginx", "Never")), "pass"),
        ("test-5", IMG, _c(("nginx", "nginx:latest", "Never")), "pass"),
        ("test-6", IMG, _c(("nginx", "nginx:1.2.3", "Never")), "skip"),
        ("test-7", IMG, _c(("nginx", "nginx", "Always"), ("busybox", "busybox:1.28", "Always")), "fail"),
        (
            "test-8",
            IMG,
            _c(("nginx", "nginx:latest", "Always"), ("busybox", "busybox:1.28", "Always")),
            "fail",
        ),
        (
            "test-9",
            IMG,
            _c(("nginx", "nginx:1.2.3", "Always"), ("busybox", "busybox:1.28", "Always")),
            "skip",
        ),
        ("test-10", IMG, _c(("nginx", "nginx", "Never"), ("busybox", "busybox:1.28", "Always")), "pass"),
        (
            "test-11",
            IMG,
            _c(("nginx", "nginx:latest", "Never"), ("busybox", "busybox:1.28", "Always")),
            "pass",
        ),
        (
            "test-12",
            IMG,
            _c(("nginx", "nginx:1.2.3", "Never"), ("busybox", "busybox:1.28", "Always")),
            "skip",
        ),
        ("test-13", IMG, _c(("busybox", "busybox:1.28", "Always"), ("nginx", "nginx", "Always")), "fail"),
        (
            "test-14",
            IMG,
            _c(("busybox", "busybox:1.28", "Always"), ("nginx", "nginx:latest", "Always")),
            "fail",
        ),
        (
            "test-15",
            IMG,
            _c(("busybox", "busybox:1.28", "Always"), ("nginx", "nginx:1.2.3", "Always")),
            "skip",
        ),
        ("test-16", IMG, _c(("busybox", "busybox:1.28", "Always"), ("nginx", "nginx", "Never")), "pass"),
        (
            "test-17",
            IMG,
            _c(("busybox", "busybox:1.28", "Always"), ("nginx", "nginx:latest", "Never")),
            "pass",
        ),
        (
            "test-18",
            IMG,
            _c(("busybox", "busybox:1.28", "Always"), ("nginx", "nginx:1.2.3", "Never")),
            "skip",
        ),
        ("test-19", IMG, _c(("busybox", "busybox", "Always"), ("nginx", "nginx", "Always")), "fail"),
        (
            "test-20",
            IMG,
            _c(("busybox", "busybox:latest", "Always"), ("nginx", "nginx:latest", "Always")),
            "fail",
        ),
        (
            "test-21",
            IMG,
            _c(("busybox", "busybox:1.2.3", "Always"), ("nginx", "nginx:latest", "IfNotPresent")),
            "pass",
        ),
        (
            "test-22",
            {
                "spec": {
                    "containers": [{"name": "*", "(image)": "!*:* | *:latest", "imagePullPolicy": "!Always"}]
                }
            },
            _c(("nginx", "nginx:latest", "Always")),
            "fail",
        ),
        ("test-23", GLOBAL_IMG, _c(("nginx", "nginx", "Always")), "skip"),
        ("test-24", GLOBAL_IMG, _c(("nginx", "nginx:latest", "Always")), "fail"),
        (
            "test-27",
            ENV,
            {
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "env": [{"name": "foo1", "value": "bar"}],
                            "imagePullPolicy": "Always",
                        }
                    ]
                }
            },
            "skip",
        ),
        (
            "test-28",
            ENV,
            {
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "env": [{"name": "foo", "value": "bar"}],
                            "imagePullPolicy": "IfNotpresent",
                        }
                    ]
                }
            },
            "pass",
        ),
        (
            "test-29",
            ENV,
            {
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "env": [{"name": "foo", "value": "bar"}],
                            "imagePullPolicy": "Always",
                        }
                    ]
                }
            },
            "fail",
        ),
        (
            "test-30",
            {"metadata": {"<(name)": "nginx"}, "spec": {"imagePullSecrets": [{"name": "regcred"}]}},
            {"metadata": {"name": "somename"}, "spec": {"imagePullSecrets": [{"name": "cred"}]}},
            "skip",
        ),
        (
            "test-31",
            {"metadata": {"<(name)": "nginx"}, "spec": {"imagePullSecrets": [{"name": "regcred"}]}},
            {"metadata": {"name": "nginx"}, "spec": {"imagePullSecrets": [{"name": "cred"}]}},
            "fail",
        ),
        (
            "test-32",
            {
                "metadata": {"labels": {"<(foo)": "bar"}},
                "spec": {"containers": [{"name": "nginx", "image": "!*:latest"}]},
            },
            {
                "metadata": {"name": "nginx", "labels": {"foo": "bar"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx"}]},
            },
            "pass",
        ),
        (
            "test-33",
            {
                "metadata": {"labels": {"<(foo)": "bar"}},
                "spec": {"containers": [{"name": "nginx", "image": "!*:latest"}]},
            },
            {
                "metadata": {"labels": {"foo": "bar"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:latest"}]},
            },
            "fail",
        ),
        (
            "test-36",
            {
                "spec": {
                    "containers": [{"name": "*", "<(image)": "nginx"}],
                    "imagePullSecrets": [{"name": "my-registry-secret"}],
                }
            },
            {
                "spec": {
                    "containers": [{"name": "nginx", "image": "nginx"}],
                    "imagePullSecrets": [{"name": "my-registry-secret"}],
                }
            },
            "pass",
        ),
        (
            "test-37",
            DOCKER,
            {
                "metadata": {"labels": {"run": "nginx"}},
                "spec": {"containers": [{"image": "nginx", "name": "nginx"}]},
            },
            "skip",
        ),
        (
            "test-38",
            DOCKER,
            {
                "metadata": {"labels": {"run": "nginx"}},
                "spec": {"volumes": [{"hostPath": {"path": "/var/run/docker.sock"}}]},
            },
            "fail",
        ),
        (
            "test-39",
            DOCKER,
            {
                "metadata": {"labels": {"run": "nginx"}},
                "spec": {"volumes": [{"hostPath": {"path": "/randome/value"}}]},
            },
            "skip",
        ),
        (
            "test-40",
            DOCKER,
            {
                "metadata": {"labels": {"allow-docker": "true"}},
                "spec": {"volumes": [{"hostPath": {"path": "/var/run/docker.sock"}}]},
            },
            "pass",
        ),
        (
            "test-41",
            DOCKER,
            {
                "metadata": {"labels": {"allow-docker": "false"}},
                "spec": {"volumes": [{"hostPath": {"path": "/var/run/docker.sock"}}]},
            },
            "fail",
        ),
        (
            "test-43",
            {"spec": {"=(volumes)": [{"(name)": "!cache-volume", "=(emptyDir)": {"sizeLimit": "?*"}}]}},
            {"spec": {"volumes": [{"name": "cache-volume", "emptyDir": {}}]}},
            "skip",
        ),
        (
            "test-44",
            ISTIO,
            {
                "spec": {
                    "initContainers": [{"name": "nginx", "securityContext": {"runAsUser": 1000}}],
                    "containers": [{"name": "nginx"}],
                }
            },
            "pass",
        ),
        (
            "test-45",
            ISTIO,
            {
                "spec": {
                    "initContainers": [{"name": "nginx", "securityContext": {"runAsUser": 0}}],
                    "containers": [{"name": "nginx"}],
                }
            },
            "fail",
        ),
        (
            "test-46",
            ISTIO,
            {
                "spec": {
                    "initContainers": [{"name": "istio-init", "securityContext": {"runAsUser": 0}}],
                    "containers": [{"securityContext": {"runAsUser": 1000}}],
                }
            },
            "pass",
        ),
        (
            "test-47",
            ISTIO,
            {
                "spec": {
                    "initContainers": [{"name": "istio-init", "securityContext": {"runAsUser": 1000}}],
                    "containers": [{"securityContext": {"runAsUser": 0}}],
                }
            },
            "fail",
        ),
        ("test-48", ISTIO, {"spec": {"containers": [{"securityContext": {"runAsUser": 1000}}]}}, "pass"),
        ("test-49", ISTIO, {"spec": {"containers": [{"securityContext": {"runAsUser": 0}}]}}, "fail"),
        (
            "test-50",
            ISTIO,
            {
                "spec": {
                    "initContainers": [{"name": "istio-init", "securityContext": {"runAsUser": 0}}],
                    "containers": [{"name": "nginx", "image": "nginx"}],
                }
            },
            "pass",
        ),
        (
            "test-51",
            VOLUMES,
            {"spec": {"volumes": [{"name": "credential-socket", "emptyDir": {"sizeLimit": "1Gi"}}]}},
            "skip",
        ),
        (
            "test-52",
            VOLUMES,
            {"spec": {"volumes": [{"name": "cache-volume", "emptyDir": {"sizeLimit": "1Gi"}}]}},
            "pass",
        ),
        ("test-53", VOLUMES, {"spec": {"volumes": [{"name": "cache-volume"}]}}, "pass"),
        ("test-54", VOLUMES, {"spec": {"volumes": [{"name": "cache-volume", "emptyDir": {}}]}}, "fail"),
        ("global-skip", GLOBAL_IMG, _c(("nginx", "nginx:v1", "Always")), "skip"),
        ("global-fail", GLOBAL_IMG, _c(("nginx", "nginx:latest", "Always")), "fail"),
        ("global-pass", GLOBAL_IMG, _c(("nginx", "nginx:latest", "IfNotPresent")), "pass"),
        (
            "global-mixed",
            GLOBAL_IMG,
            _c(("nginx", "nginx:latest", "IfNotPresent"), ("nginx", "nginx:v2", "IfNotPresent")),
            "pass",
        ),
    ],
)
def test_match_pattern_status(name: str, pattern: Any, resource: Any, status: str) -> None:
    pe = match_pattern(resource, pattern)
    got = "pass" if pe is None else "skip" if pe.skip else "fail"
    assert got == status, (name, pe)
    if pe is not None and pe.skip:
        assert pe.path is None


def test_skip_message_wraps_the_mismatch() -> None:
    pe = match_pattern(_c(("nginx", "nginx:1.2.3", "Always")), IMG)
    assert pe == PatternError(
        None,
        "conditional anchor mismatch: resource value 'nginx:1.2.3' does not match '*:latest | !*:*' "
        "at path /spec/containers/0/image/",
        True,
    )


def test_skip_messages_of_several_elements_are_joined() -> None:
    pe = match_pattern(_c(("a", "a:1", "Always"), ("b", "b:2", "Always")), IMG)
    assert pe is not None and pe.skip
    assert pe.message.count("conditional anchor mismatch") == 2
    assert "; " in pe.message


def test_missing_conditional_key_skips() -> None:
    pe = match_pattern({"spec": {}}, {"spec": {"(hostNetwork)": True, "x": 1}})
    assert pe == PatternError(
        None, "conditional anchor mismatch: conditional anchor key doesn't exist in the resource", True
    )


def test_negation_anchor_fails_with_path() -> None:
    pe = match_pattern({"spec": {"hostPID": False}}, {"spec": {"X(hostPID)": "null"}})
    assert pe == PatternError(
        ("spec", "hostPID"), "negation anchor matched in resource: /spec/hostPID/ is not allowed", False
    )
    assert match_pattern({"spec": {}}, {"spec": {"X(hostPID)": "null"}}) is None


def test_equality_anchor_only_checks_present_keys() -> None:
    pattern = {"spec": {"=(hostNetwork)": False}}
    assert match_pattern({"spec": {}}, pattern) is None
    assert match_pattern({"spec": {"hostNetwork": False}}, pattern) is None
    pe = match_pattern({"spec": {"hostNetwork": True}}, pattern)
    assert pe is not None and pe.path == ("spec", "hostNetwork") and not pe.skip


def test_existence_anchor() -> None:
    pattern = {"spec": {"^(containers)": [{"image": "nginx*"}]}}
    assert match_pattern({"spec": {"containers": [{"image": "a"}, {"image": "nginx:1"}]}}, pattern) is None
    pe = match_pattern({"spec": {"containers": [{"image": "a"}]}}, pattern)
    assert pe is not None
    assert pe.path == ("spec", "containers")
    assert pe.message == "existence anchor validation failed at path /spec/containers/"
    pe = match_pattern({"spec": {"containers": "x"}}, pattern)
    assert pe is not None
    assert pe.message == (
        "invalid resource type string: Existence ^ () anchor can be used only on list/array type resource"
    )
    assert match_pattern({"spec": {}}, pattern) is None


def test_missing_anchor_key_turns_failure_into_error() -> None:
    # anchormap.go KeysAreMissing: an existence anchor never found + an ordinary failure = empty path
    pattern = {"spec": {"^(initContainers)": [{"name": "x"}], "hostNetwork": False}}
    pe = match_pattern({"spec": {"hostNetwork": True}}, pattern)
    assert pe is not None and not pe.skip and pe.path is None
    assert pe.message == "resource value 'true' does not match 'false' at path /spec/hostNetwork/"


def test_structure_mismatch_messages() -> None:
    pe = match_pattern({"spec": "x"}, {"spec": {"a": 1}})
    assert pe == PatternError(
        ("spec",),
        "pattern and resource have different structures. Path: /spec/. "
        "Expected map[string]interface {}, found string",
        False,
    )
    pe = match_pattern({"spec": {"a": 1}}, {"spec": [{"a": 1}]})
    assert pe is not None
    assert (
        pe.message
        == "validation rule failed at path /spec/, resource does not satisfy the expected overlay pattern"
    )


def test_numbers_render_like_go() -> None:
    pe = match_pattern({"spec": {"replicas": 3}}, {"spec": {"replicas": 1000000}})
    assert pe is not None
    assert pe.message == "resource value '3' does not match '1e+06' at path /spec/replicas/"


def test_scalar_pattern_against_list_checks_every_item() -> None:
    pattern = {"spec": {"args": "!--privileged"}}
    assert match_pattern({"spec": {"args": ["a", "b"]}}, pattern) is None
    pe = match_pattern({"spec": {"args": ["a", "--privileged"]}}, pattern)
    assert pe is not None
    assert (
        pe.message == "resource value '[a --privileged]' does not match '!--privileged' at path /spec/args/"
    )
    assert match_pattern({"spec": {"args": []}}, pattern) is None


def test_only_first_pattern_array_element_counts() -> None:
    pattern = {"items": [{"a": 1}, {"b": 2}]}
    assert match_pattern({"items": [{"a": 1}]}, pattern) is None


def test_nested_arrays_length_mismatch_is_an_error() -> None:
    pe = match_pattern({"m": [[1]]}, {"m": [[1], [2]]})
    assert pe is not None and pe.path is None
    assert pe.message == (
        "validate Array failed, array length mismatch, resource Array len is 1 and pattern Array len is 2"
    )


def test_empty_pattern_array() -> None:
    pe = match_pattern({"a": []}, {"a": []})
    assert pe == PatternError(("a",), "pattern Array empty", False)


def test_root_asterisk_missing_reports_root_path() -> None:
    pe = match_pattern({"spec": {}}, {"metadata": "*"})
    assert pe == PatternError((), "//metadata not found", False)


def test_empty_resource_list_passes_map_pattern() -> None:
    assert match_pattern({"spec": {"containers": []}}, {"spec": {"containers": [{"name": "x"}]}}) is None


def test_add_if_not_present_is_a_literal_key_in_validate() -> None:
    assert match_pattern({"a": 1}, {"+(a)": "*"}) is not None


def test_a_pattern_becomes_one_node_walked_many_times() -> None:
    from argogate.engine.pattern.walker import node_of

    pattern = {"spec": {"containers": [{"name": "*", "image": "!*:latest"}]}}
    assert node_of(pattern) is node_of(pattern)
    good = {"spec": {"containers": [{"name": "a", "image": "nginx:1"}]}}
    bad = {"spec": {"containers": [{"name": "a", "image": "nginx:1"}, {"name": "b", "image": "x:latest"}]}}
    for _ in range(3):  # the remembered node gives the same verdicts every time
        assert match_pattern(good, pattern) is None
        assert match_pattern(bad, pattern) == PatternError(
            ("spec", "containers", 1, "image"),
            "resource value 'x:latest' does not match '!*:latest' at path /spec/containers/1/image/",
            False,
        )


def test_anchor_state_is_per_walk() -> None:
    # keys_are_missing looks at the anchors one walk saw; a shared node must not carry them over
    pattern = {"spec": {"(missing)": "x", "replicas": ">5"}}
    assert match_pattern({"spec": {"replicas": 3}}, pattern) == PatternError(
        None, "conditional anchor mismatch: conditional anchor key doesn't exist in the resource", True
    )
    assert match_pattern({"spec": {"missing": "x", "replicas": 3}}, pattern) == PatternError(
        ("spec", "replicas"), "resource value '3' does not match '>5' at path /spec/replicas/", False
    )


def test_wildcard_expansion_per_resource_with_a_shared_node() -> None:
    pattern = {"metadata": {"labels": {"team/*": "?*"}}, "spec": {"replicas": ">0"}}
    ok = {"metadata": {"labels": {"team/a": "x"}}, "spec": {"replicas": 1}}
    other = {"metadata": {"labels": {"team/b": ""}}, "spec": {"replicas": 1}}
    assert match_pattern(ok, pattern) is None
    err = match_pattern(other, pattern)
    assert err is not None and err.path == ("metadata", "labels", "team/b")
    assert match_pattern(ok, pattern) is None
    assert pattern == {"metadata": {"labels": {"team/*": "?*"}}, "spec": {"replicas": ">0"}}
