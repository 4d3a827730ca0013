"""SARIF 2.1.0: valid against the OASIS schema (vendored), one rule per policy/rule, Git locations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from argogate.model.run import CheckResult
from argogate.reporters import sarif

SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _doc(run: CheckResult) -> dict[str, Any]:
    return json.loads(sarif.render(run))  # type: ignore[no-any-return]


def test_validates_against_the_schema(
    check_run: CheckResult, validator: jsonschema.protocols.Validator
) -> None:
    validator.validate(_doc(check_run))


def test_schema_rejects_a_broken_document(
    check_run: CheckResult, validator: jsonschema.protocols.Validator
) -> None:
    doc = _doc(check_run)
    doc["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(doc)


def test_empty_run_is_valid(validator: jsonschema.protocols.Validator) -> None:
    doc = _doc(CheckResult(source="x", commit=None))
    validator.validate(doc)
    assert doc["runs"][0]["results"] == [] and doc["runs"][0]["invocations"][0]["executionSuccessful"]


def test_results_levels_and_locations(check_run: CheckResult) -> None:
    run = _doc(check_run)["runs"][0]
    rows = [
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"].get("region", {}).get("startLine"),
        )
        for r in run["results"]
    ]
    assert rows == [
        ("require-labels/check-labels", "warning", "charts/api/templates/deployment.yaml", 3),
        ("restrict-registries/check-registry", "warning", "charts/api/templates/deployment.yaml", 3),
        ("disallow-latest-tag/autogen-cronjob-validate-image-tag", "error", "apps/batch/cronjob.yaml", 12),
        ("namespace-labels/warn-owner", "note", "apps/batch", None),
        ("require-requests-limits/autogen-validate-resources", "warning", "apps/web/base/deployment.yaml", 1),
    ]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [
        "require-labels/check-labels",
        "restrict-registries/check-registry",
        "disallow-latest-tag/autogen-cronjob-validate-image-tag",
        "namespace-labels/warn-owner",
        "require-requests-limits/autogen-validate-resources",
    ]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])
    labels = rules[0]
    assert labels["shortDescription"]["text"] == "Require Labels: check-labels"
    assert labels["help"]["text"] == (
        "Workloads must say which team owns them. Defined in policies/require-labels.yaml."
    )
    assert rules[1]["help"]["text"] == "Kyverno policy restrict-registries, rule check-registry."


def test_fail_on_audit_turns_audit_failures_into_errors(check_run: CheckResult) -> None:
    check_run.fail_on = "audit"
    levels = [r["level"] for r in _doc(check_run)["runs"][0]["results"]]
    assert levels == ["error", "warning", "error", "note", "error"]


def test_render_error_is_a_failed_invocation(check_run: CheckResult) -> None:
    inv = _doc(check_run)["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    (note,) = inv["toolExecutionNotifications"]
    assert (
        note["level"] == "error"
        and "app reports (charts/reports) cannot be rendered" in note["message"]["text"]
    )
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_fingerprints_are_stable_and_distinct(check_run: CheckResult) -> None:
    prints = [r["partialFingerprints"]["argogateFinding/v1"] for r in _doc(check_run)["runs"][0]["results"]]
    assert len(set(prints)) == len(prints)
    assert prints == [
        r["partialFingerprints"]["argogateFinding/v1"] for r in _doc(check_run)["runs"][0]["results"]
    ]


def test_uri_escapes_spaces() -> None:
    assert sarif._uri("apps/my app/x.yaml") == "apps/my%20app/x.yaml"
