"""`argogate migrate`: exact translations only, proven by evaluating both forms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from argogate.cli import main
from argogate.engine.celpolicies import CelPolicySet, compile_policy
from argogate.engine.pipeline import Engine
from argogate.inputs import load_resources
from argogate.migrate import Untranslatable, deny_to_cel, migrate, pattern_to_cel, prove
from argogate.policies import load_policies

ROOT = Path(__file__).resolve().parent.parent
STARTERS = sorted(p for p in (ROOT / "policies").iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", STARTERS, ids=lambda p: p.name)
def test_round_trip_on_the_starter_policies(folder: Path) -> None:
    (policy,) = load_policies([str(folder / f"{folder.name}.yaml")]).policies
    resources, _ = load_resources([str(folder / "resources.yaml")])
    migration = migrate(policy)
    assert prove(policy, migration, resources) == []
    rules = [r["name"] for r in policy.raw["spec"]["rules"]]
    assert sorted([r for r, _ in migration.translated] + [r for r, _ in migration.skipped]) == sorted(rules)
    for rule, vpol in migration.translated:
        # the round trip: the emitted manifest compiles and reproduces the rule's verdicts per resource
        compiled = compile_policy(yaml.safe_load(yaml.safe_dump(vpol)))
        got = Engine([], cel=CelPolicySet([compiled])).evaluate(resources).results
        want = [r for r in Engine([policy]).evaluate(resources).results if r.rule.endswith(rule)]
        assert sorted((r.resource.name, r.status.value) for r in got) == sorted(
            (r.resource.name, r.status.value) for r in want
        )
        assert got, f"{rule}: the proof resources must exercise the translation"


def test_starter_set_translates_the_exact_rules_and_explains_the_rest() -> None:
    translated, skipped = {}, {}
    for folder in STARTERS:
        for policy in load_policies([str(folder / f"{folder.name}.yaml")]).policies:
            m = migrate(policy)
            translated.update(dict(m.translated))
            skipped.update({f"{policy.name}/{r}": why for r, why in m.skipped})
    assert "require-resource-limits-require-requests-and-memory-limit" in {
        v["metadata"]["name"] for v in translated.values()
    }
    assert "require-team-labels-check-team-labels" in {v["metadata"]["name"] for v in translated.values()}
    assert skipped["restrict-image-registries/allowed-registries"] == "foreach is not translated"
    assert "namespaceSelector" in skipped["disallow-latest-tag/disallow-latest"]
    assert skipped["default-security-context/add-pod-security-defaults"] == "not a validate rule"


@pytest.mark.parametrize(
    ("pattern", "resource", "ok"),
    [
        ({"metadata": {"labels": {"team": "?*"}}}, {"metadata": {"labels": {"team": "a"}}}, True),
        ({"metadata": {"labels": {"team": "?*"}}}, {"metadata": {"labels": {"team": ""}}}, False),
        ({"metadata": {"labels": {"team": "?*"}}}, {"metadata": {}}, False),
        ({"spec": {"=(hostNetwork)": False}}, {"spec": {}}, True),
        ({"spec": {"=(hostNetwork)": False}}, {"spec": {"hostNetwork": True}}, False),
        (
            {"spec": {"containers": [{"image": "!*:latest"}]}},
            {"spec": {"containers": [{"image": "a:1"}]}},
            True,
        ),
        (
            {"spec": {"containers": [{"image": "!*:latest"}]}},
            {"spec": {"containers": [{"image": "a:latest"}]}},
            False,
        ),
        ({"spec": {"x": "a|b"}}, {"spec": {"x": "b"}}, True),
        (
            {"metadata": {"labels": {"app.kubernetes.io/name": "web"}}},
            {"metadata": {"labels": {"app.kubernetes.io/name": "web"}}},
            True,
        ),
    ],
)
def test_pattern_to_cel(pattern: dict[str, Any], resource: dict[str, Any], ok: bool) -> None:
    from argogate.engine.cel import compile

    assert compile(pattern_to_cel(pattern), ["object"]).evaluate({"object": resource}) is ok


@pytest.mark.parametrize(
    "pattern",
    [
        {"spec": {"X(hostPID)": "null"}},
        {"spec": {"replicas": ">1"}},
        {"spec": {"c": [{"a": 1}, {"b": 2}]}},
        {"a": "{{x}}"},
    ],
)
def test_untranslatable_patterns(pattern: dict[str, Any]) -> None:
    with pytest.raises(Untranslatable):
        pattern_to_cel(pattern)


def test_deny_to_cel() -> None:
    from argogate.engine.cel import compile

    deny = {
        "conditions": {
            "any": [{"key": "{{ request.object.spec.type }}", "operator": "In", "value": ["NodePort"]}]
        }
    }
    expr = compile(deny_to_cel(deny), ["object"])
    assert expr.evaluate({"object": {"spec": {"type": "NodePort"}}}) is False
    assert expr.evaluate({"object": {"spec": {"type": "ClusterIP"}}}) is True
    with pytest.raises(Untranslatable, match="plain"):
        deny_to_cel(
            {
                "conditions": {
                    "all": [{"key": "{{ length(request.object.x) }}", "operator": "Equals", "value": 1}]
                }
            }
        )


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = ROOT / "policies" / "require-team-labels"
    code = main(
        ["migrate", str(folder / "require-team-labels.yaml"), "--resource", str(folder / "resources.yaml")]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert yaml.safe_load(out)["kind"] == "ValidatingPolicy"
    assert (
        "translated: require-team-labels/check-team-labels -> require-team-labels-check-team-labels (proven on"
        in err
    )
