from __future__ import annotations

from pathlib import Path

import pytest

from argogate.config import load_config, parse_config
from argogate.errors import ConfigError
from argogate.render.model import HelmParameter, KustomizeReplica

FULL = """\
repoURL: https://github.com/example/demo-repo.git
policies: [policies/, extra-policies/]
exceptions: [exceptions/]
discover: false
apps:
  - path: charts/api/
    namespace: api
    helm:
      valueFiles: [values-prod.yaml]
      parameters:
        - {name: image.tag, value: "1.0", forceString: true}
      values: |
        a: 1
  - path: apps/web
    name: web-prod
    type: kustomize
    kustomize:
      namePrefix: prod-
      replicas: [{name: web, count: "3"}]
render:
  kubeVersion: "1.31.0"
  apiVersions: [monitoring.coreos.com/v1]
  allowRemote: true
  timeout: 30
  kustomizeBuildOptions: --load-restrictor LoadRestrictionsNone
failOn: audit
"""


def test_defaults_without_a_file(tmp_path: Path) -> None:
    cfg = load_config(tmp_path)
    assert cfg.file is None and cfg.policies == ("policies/",) and cfg.fail_on == "enforce"
    assert cfg.discover and cfg.apps == () and cfg.repo_urls == ()
    assert cfg.render.timeout == 60 and not cfg.render.allow_remote


def test_full_config() -> None:
    cfg = parse_config(FULL)
    assert cfg.repo_urls == ("https://github.com/example/demo-repo.git",)
    assert cfg.policies == ("policies/", "extra-policies/") and cfg.exceptions == ("exceptions/",)
    assert not cfg.discover and cfg.fail_on == "audit"
    api, web = cfg.apps
    assert (api.name, api.path, api.destination_namespace, api.source_type) == (
        "api",
        "charts/api",
        "api",
        None,
    )
    assert api.helm.value_files == ("values-prod.yaml",)
    assert api.helm.parameters == (HelmParameter("image.tag", "1.0", force_string=True),)
    assert api.helm.values == "a: 1\n"
    assert api.defined_in is not None and str(api.defined_in) == ".argogate.yaml:6"
    assert (web.name, web.source_type, web.kustomize.name_prefix) == ("web-prod", "kustomize", "prod-")
    assert web.kustomize.replicas == (KustomizeReplica("web", 3),)
    assert cfg.render.kube_version == "1.31.0" and cfg.render.api_versions == ("monitoring.coreos.com/v1",)
    assert cfg.render.allow_remote and cfg.render.timeout == 30
    assert cfg.render.kustomize_build_options == ("--load-restrictor", "LoadRestrictionsNone")


@pytest.mark.parametrize(
    ("text", "line", "message", "hint"),
    [
        ("policies: [p/]\npolicy: [x]\n", 2, "unknown key 'policy'", "did you mean 'policies'?"),
        ("failOn: warn\n", 1, "failOn must be one of enforce, audit, got 'warn'", None),
        ("apps:\n  - path: a\n  - name: b\n", 3, "apps[1].path is required", None),
        (
            "apps:\n  - path: a\n    type: jsonnet\n",
            3,
            "type must be one of helm, kustomize, directory",
            None,
        ),
        (
            "apps:\n  - path: a\n    helm:\n      skipCrds: yes please\n",
            4,
            "apps[0].helm.skipCrds must be true or false",
            None,
        ),
        ("render:\n  timeout: -1\n", 2, "render.timeout must be a positive number", None),
        (
            "render:\n  kubeversion: '1.30'\n",
            2,
            "unknown key 'render.kubeversion'",
            "did you mean 'kubeVersion'?",
        ),
        ("policies: [a\n", 2, "invalid YAML", None),
        ("- just\n- a list\n", 1, "config must be a mapping", None),
    ],
)
def test_errors_point_at_file_and_line(text: str, line: int, message: str, hint: str | None) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    err = info.value
    assert err.exit_code == 2
    assert (err.file, err.line) == (".argogate.yaml", line)
    assert message in err.message
    if hint:
        assert err.hint == hint


def test_demo_repo_config() -> None:
    cfg = load_config(Path(__file__).resolve().parents[1] / "examples" / "demo-repo")
    assert cfg.repo_urls == ("https://github.com/example/demo-repo.git",)
    assert cfg.render.kube_version == "1.31.0"
