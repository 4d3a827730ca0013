"""The plugin environment exactly as Argo CD builds it (argocd-contract §3), and the gate settings."""

from __future__ import annotations

import json

import pytest

from argogate.argocd.env import Parameter, escape_param_name, parse_env, parse_parameters
from argogate.argocd.settings import DEFAULT_DEADLINE, GateSettings
from argogate.errors import ConfigError

BUILD_ENV = {
    "ARGOCD_APP_NAME": "team-a_web",
    "ARGOCD_APP_NAMESPACE": "web",
    "ARGOCD_APP_PROJECT_NAME": "default",
    "ARGOCD_APP_REVISION": "0123456789abcdef0123456789abcdef01234567",
    "ARGOCD_APP_REVISION_SHORT": "0123456",
    "ARGOCD_APP_SOURCE_REPO_URL": "https://github.com/example/demo-repo.git",
    "ARGOCD_APP_SOURCE_PATH": "apps/web",
    "ARGOCD_APP_SOURCE_TARGET_REVISION": "main",
    "KUBE_VERSION": "1.30.2",
    "KUBE_API_VERSIONS": "apps/v1,apps/v1/Deployment,v1,v1/Pod",
}


def test_build_env() -> None:
    ctx = parse_env(BUILD_ENV)
    assert ctx.app_name == "team-a_web"
    assert ctx.name == "web" and ctx.application_namespace == "team-a"
    assert ctx.app_namespace == "web"
    assert ctx.project == "default"
    assert ctx.revision.startswith("0123456")
    assert ctx.source_path == "apps/web" and ctx.target_revision == "main"
    assert ctx.kube_version == "1.30.2"
    assert ctx.api_versions == ("apps/v1", "apps/v1/Deployment", "v1", "v1/Pod")


@pytest.mark.parametrize(
    ("env", "name", "app_ns"),
    [
        ({"ARGOCD_APP_NAME": "web"}, "web", None),
        ({"ARGOCD_APP_NAME": "ns_my_app"}, "my_app", "ns"),
        ({}, "", None),
    ],
)
def test_instance_name(env: dict[str, str], name: str, app_ns: str | None) -> None:
    ctx = parse_env(env)
    assert (ctx.name, ctx.application_namespace) == (name, app_ns)


@pytest.mark.parametrize(
    ("raw", "kube_version", "api_versions"),
    [("", None, ()), ("v1.31.0", "1.31.0", ()), ("1.29.1", "1.29.1", ())],
)
def test_kube_version(raw: str, kube_version: str | None, api_versions: tuple[str, ...]) -> None:
    ctx = parse_env({"KUBE_VERSION": raw, "KUBE_API_VERSIONS": ""})
    assert ctx.kube_version == kube_version and ctx.api_versions == api_versions


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),  # discovered app: no plugin block, variable absent
        ("null", ()),  # plugin block without parameters
        ("[]", ()),
        ("", ()),  # since v3.0 empty values are passed too
    ],
)
def test_parameters_absent_null_empty(raw: str | None, expected: tuple[Parameter, ...] | None) -> None:
    env = dict(BUILD_ENV)
    if raw is not None:
        env["ARGOCD_APP_PARAMETERS"] = raw
    ctx = parse_env(env)
    assert ctx.parameters == expected
    assert ctx.discovered is (raw is None)


def test_parameters_every_collection_type() -> None:
    raw = json.dumps(
        [
            {"name": "helm.releaseName", "string": "api"},
            {"name": "helm.valueFiles", "array": ["values.yaml", "values-prod.yaml"]},
            {"name": "helm.parameters", "map": {"image.tag": "2.0.1", "replicaCount": "3"}},
            {"name": "empty-array", "array": []},
            {"name": "empty-map", "map": {}},
        ]
    )
    ctx = parse_env({"ARGOCD_APP_PARAMETERS": raw})
    assert ctx.string("helm.releaseName") == "api"
    assert ctx.array("helm.valueFiles") == ("values.yaml", "values-prod.yaml")
    assert ctx.mapping("helm.parameters") == {"image.tag": "2.0.1", "replicaCount": "3"}
    assert ctx.array("empty-array") == () and ctx.mapping("empty-map") == {}
    assert ctx.string("missing") is None and ctx.array("missing") == () and ctx.mapping("missing") == {}
    assert ctx.array("helm.releaseName") == ("api",)  # a string where an array is expected: one item


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("helm.releaseName", "HELM_RELEASENAME"),
        ("value-files", "VALUE_FILES"),
        ("a b/c", "A_B_C"),
        ("image.tag", "IMAGE_TAG"),
        ("ALREADY_OK_1", "ALREADY_OK_1"),
        ("ünïcode", "_N_CODE"),
    ],
)
def test_escape_param_name(name: str, escaped: str) -> None:
    assert escape_param_name(name) == escaped


def test_param_env_matches_argo_cd() -> None:
    """types.go Environ: PARAM_<n>, PARAM_<n>_<i>, PARAM_<n>_<ESC(key)>."""
    assert Parameter("helm.releaseName", string="api").env() == {"PARAM_HELM_RELEASENAME": "api"}
    assert Parameter("files", array=("a.yaml", "b.yaml")).env() == {
        "PARAM_FILES_0": "a.yaml",
        "PARAM_FILES_1": "b.yaml",
    }
    assert Parameter("set", map={"image.tag": "1", "x-y": "2"}).env() == {
        "PARAM_SET_IMAGE_TAG": "1",
        "PARAM_SET_X_Y": "2",
    }


def test_param_and_user_env_are_collected_verbatim() -> None:
    env = {
        "PARAM_HELM_RELEASENAME": "api",
        "ARGOCD_ENV_helmArgs": "--debug",  # the name is not upper-cased
        "ARGOCD_ENV_FOO": "",
        "OTHER": "x",
    }
    ctx = parse_env(env)
    assert ctx.param_env == {"PARAM_HELM_RELEASENAME": "api"}
    assert ctx.user_env == {"helmArgs": "--debug", "FOO": ""}


@pytest.mark.parametrize(
    "raw",
    ["{", '{"name": "x"}', '[{"string": "no name"}]', "[1]"],
)
def test_bad_parameters_are_config_errors(raw: str) -> None:
    with pytest.raises(ConfigError):
        parse_parameters(raw)


def test_flags() -> None:
    ctx = parse_env(
        {
            "ARGOCD_APP_PARAMETERS": json.dumps(
                [{"name": "a", "string": "true"}, {"name": "b", "string": "nope"}]
            )
        }
    )
    assert ctx.flag("a") is True and ctx.flag("missing") is None
    with pytest.raises(ConfigError, match="not a boolean"):
        ctx.flag("b")


def test_settings_default_and_sidecar_values() -> None:
    assert GateSettings.from_env({}) == GateSettings()
    assert GateSettings().deadline == DEFAULT_DEADLINE == 45.0
    s = GateSettings.from_env(
        {
            "ARGOGATE_DEADLINE": "20s",
            "ARGOGATE_FAIL_ON_AUDIT": "true",
            "ARGOGATE_ALLOW_EMPTY": "1",
            "ARGOGATE_MUTATE": "false",
        }
    )
    assert (s.deadline, s.fail_on_audit, s.allow_empty, s.mutate) == (20.0, True, True, False)


def test_settings_ignore_everything_the_repository_controls() -> None:
    """ARGOCD_ENV_* and PARAM_* (set by .argocd-source.yaml or the Application) are never read."""
    hostile = {
        "ARGOCD_ENV_ARGOGATE_DEADLINE": "100000",
        "ARGOCD_ENV_ARGOGATE_FAIL_ON_AUDIT": "true",
        "ARGOCD_ENV_ARGOGATE_ALLOW_EMPTY": "true",
        "ARGOCD_ENV_ARGOGATE_ALLOW_NO_POLICIES": "true",
        "PARAM_ARGOGATE_ALLOW_NO_POLICIES": "true",
        "PARAM_ALLOW_NO_POLICIES": "true",
        "ARGOCD_ENV_ALLOW_REMOTE": "true",
        "ARGOCD_APP_PARAMETERS": json.dumps([{"name": "ARGOGATE_ALLOW_REMOTE", "string": "true"}]),
    }
    assert GateSettings.from_env(hostile) == GateSettings()


@pytest.mark.parametrize("raw", ["abc", "0", "-5"])
def test_bad_deadline(raw: str) -> None:
    with pytest.raises(ConfigError, match="ARGOGATE_DEADLINE"):
        GateSettings.from_env({"ARGOGATE_DEADLINE": raw})
