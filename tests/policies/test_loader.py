from __future__ import annotations

from pathlib import Path

import pytest

from argogate.errors import PolicyLoadError
from argogate.policies import load_policies

GOOD = """\
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-labels
spec:
  validationFailureAction: Enforce
  rules:
    - name: check-team
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: team label required
        pattern:
          metadata:
            labels:
              team: "?*"
---
apiVersion: kyverno.io/v1
kind: Policy
metadata:
  name: ns-policy
  namespace: prod
spec:
  rules:
    - name: r
      match:
        any:
          - resources:
              kinds: [ConfigMap]
      validate:
        deny: {}
"""


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_loads_policies_with_autogen_and_namespaces(tmp_path: Path) -> None:
    loaded = load_policies([str(write(tmp_path, GOOD))])
    cp, pol = loaded.policies
    assert cp.name == "require-labels" and cp.default_action == "Enforce"
    assert [r.name for r in cp.rules] == ["check-team", "autogen-check-team", "autogen-cronjob-check-team"]
    assert pol.report_name == "prod/ns-policy"
    assert cp.origin is not None and cp.origin.line == 1


def test_directory_is_searched_recursively(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", GOOD)
    assert len(load_policies([str(tmp_path)]).policies) == 2


@pytest.mark.parametrize(
    ("rule_body", "needle", "line"),
    [
        ("      match: {any: [{resources: {kinds: [Pod]}}]}\n", "rule has no rule type", 7),
        (
            "      match: {any: [{resources: {kinds: [Pod]}}]}\n"
            "      validate:\n"
            "        deny:\n"
            "          conditions:\n"
            "            any:\n"
            "              - key: a\n"
            "                operator: Bogus\n"
            "                value: b\n",
            "unknown condition operator 'Bogus'",
            14,
        ),
        (
            "      match: {any: [{resources: {kinds: [Pod]}}]}\n"
            "      validate:\n"
            "        message: \"{{ request.object.metadata.name[ }}\"\n"
            "        deny: {}\n",
            "invalid JMESPath",
            10,
        ),
    ],
)
def test_invalid_rules_name_file_line_and_field(tmp_path: Path, rule_body: str, needle: str, line: int) -> None:
    text = (
        "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: bad\nspec:\n  rules:\n"
        "    - name: r1\n" + rule_body
    )
    path = write(tmp_path, text)
    with pytest.raises(PolicyLoadError) as info:
        load_policies([str(path)])
    err = info.value
    assert needle in err.message
    assert err.file == str(path)
    assert err.line == line
    assert "spec.rules[0]" in err.message


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: [x\n")
    with pytest.raises(PolicyLoadError) as info:
        load_policies([str(path)])
    assert info.value.file == str(path) and info.value.line is not None


def test_missing_path_is_a_clear_error() -> None:
    with pytest.raises(PolicyLoadError, match="does not exist"):
        load_policies(["/nonexistent/policies"])


def test_other_kinds_are_reported_as_unsupported(tmp_path: Path) -> None:
    path = write(tmp_path, "apiVersion: policies.kyverno.io/v1\nkind: ImageValidatingPolicy\nmetadata: {name: x}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\n")
    loaded = load_policies([str(path)])
    assert loaded.policies == [] and loaded.unsupported == [(f"{path}:1", "policies.kyverno.io/v1/ImageValidatingPolicy")]


def test_unknown_anchor_points_at_the_key(tmp_path: Path) -> None:
    text = (
        "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: bad\nspec:\n  rules:\n"
        "    - name: r\n      match: {any: [{resources: {kinds: [Pod]}}]}\n      validate:\n"
        "        pattern:\n          spec:\n            +(hostNetwork): false\n"
    )
    with pytest.raises(PolicyLoadError) as info:
        load_policies([str(write(tmp_path, text))])
    assert info.value.line == 12
    assert "unsupported anchor +(hostNetwork)" in info.value.message
    assert "validate.pattern.spec.+(hostNetwork)" in info.value.message
