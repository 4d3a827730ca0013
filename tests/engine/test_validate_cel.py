from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from argogate.engine.cel import compile
from argogate.engine.validate_cel import CelOutcome, validate_cel

CORPUS = Path("/work/shared/conformance/kyverno-policies")

POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "namespace": "prod"},
    "spec": {"containers": [{"name": "app", "image": "nginx", "securityContext": {"privileged": True}}]},
}
NS = {"metadata": {"name": "prod"}}


def run(
    validate: dict[str, Any], pre: list[dict[str, Any]] | None = None, obj: Any = POD, **kw: Any
) -> CelOutcome:
    kw.setdefault("namespace_object", NS)
    kw.setdefault("request", {"operation": "CREATE"})
    return validate_cel("check", validate, pre, object=obj, **kw)


def cel(
    *expressions: dict[str, Any], variables: list[dict[str, str]] | None = None, message: str = ""
) -> dict[str, Any]:
    out: dict[str, Any] = {"cel": {"expressions": list(expressions)}}
    if variables:
        out["cel"]["variables"] = variables
    if message:
        out["message"] = message
    return out


def test_pass_message() -> None:
    assert run(cel({"expression": "object.metadata.name == 'web'"})) == CelOutcome(
        "pass", "Validation rule 'check' passed."
    )


@pytest.mark.parametrize(
    ("validate", "message"),
    [
        (cel({"expression": "false", "message": " custom message "}), "custom message"),
        (cel({"expression": "false"}, message="rule-level message"), "rule-level message"),
        (cel({"expression": " 1 == 2 "}), "failed expression: 1 == 2"),
        (
            cel(
                {
                    "expression": "false",
                    "message": "static",
                    "messageExpression": "'name: ' + object.metadata.name",
                }
            ),
            "name: web",
        ),
        # messageExpression errors, non-strings and multi-line results fall back to message
        (cel({"expression": "false", "message": "static", "messageExpression": "object.nope"}), "static"),
        (cel({"expression": "false", "message": "static", "messageExpression": "'a\\nb'"}), "static"),
        (cel({"expression": "false", "message": "static", "messageExpression": "1 == 1"}), "static"),
        (cel({"expression": "false", "messageExpression": "'   '"}), "failed expression: false"),
        # a non-bool result is a deny, not an error (validator.go: EvalResult != True)
        (cel({"expression": "object.metadata.name"}), "failed expression: object.metadata.name"),
    ],
)
def test_fail_messages(validate: dict[str, Any], message: str) -> None:
    assert run(validate) == CelOutcome("fail", message)


def test_first_failing_expression_wins() -> None:
    out = run(
        cel(
            {"expression": "true"},
            {"expression": "false", "message": "second"},
            {"expression": "false", "message": "third"},
        )
    )
    assert out == CelOutcome("fail", "second")


def test_runtime_error_is_fail_with_cel_message() -> None:
    out = run(cel({"expression": "object.spec.volumes.size() == 0", "message": "unused"}))
    assert out == CelOutcome(
        "fail", "expression 'object.spec.volumes.size() == 0' resulted in error: no such key: volumes"
    )


def test_compile_error_is_fail() -> None:
    out = run(cel({"expression": "object.metadata.name =="}))
    assert out.status == "fail"
    assert out.message.startswith("compilation error: compilation failed: ERROR: <input>:1:")


def test_undeclared_reference_and_wrong_type() -> None:
    out = run(cel({"expression": "foo == 1"}))
    assert out.status == "fail"
    assert "undeclared reference to 'foo'" in out.message
    assert run(cel({"expression": "'abc'"})) == CelOutcome(
        "fail", "compilation error: must evaluate to bool but got string"
    )


def test_optional_syntax_from_corpus() -> None:
    validate = cel(
        {
            "expression": "object.spec.containers.all(c, c.?securityContext.?privileged.orValue(false) == false)",
            "message": "no privileged",
        }
    )
    assert run(validate) == CelOutcome("fail", "no privileged")
    good = {**POD, "spec": {"containers": [{"name": "app", "image": "nginx"}]}}
    assert run(validate, obj=good).status == "pass"


def test_variables_are_lazy_and_ordered() -> None:
    variables = [
        {"name": "containers", "expression": "object.spec.containers"},
        {"name": "images", "expression": "variables.containers.map(c, c.image)"},
        {"name": "broken", "expression": "object.nope"},
    ]
    assert run(cel({"expression": "'nginx' in variables.images"}, variables=variables)).status == "pass"
    out = run(cel({"expression": "variables.broken == 1"}, variables=variables))
    assert out == CelOutcome(
        "fail",
        "expression 'variables.broken == 1' resulted in error: composited variable \"broken\" fails to evaluate: no such key: nope",
    )
    assert (
        "undefined field 'missing'"
        in run(cel({"expression": "variables.missing"}, variables=variables)).message
    )
    # a variable may only use variables declared before it
    later = [{"name": "a", "expression": "variables.b"}, {"name": "b", "expression": "1"}]
    assert "fails to compile" in run(cel({"expression": "variables.a == 1"}, variables=later)).message


def test_preconditions() -> None:
    validate = cel({"expression": "false", "message": "denied"})
    assert run(validate, [{"name": "c", "expression": "request.operation == 'UPDATE'"}]) == CelOutcome(
        "skip", "cel preconditions not met"
    )
    assert run(validate, [{"name": "c", "expression": "request.operation == 'CREATE'"}]) == CelOutcome(
        "fail", "denied"
    )
    # a false condition wins over another condition's error
    pre = [{"name": "e", "expression": "object.nope == 1"}, {"name": "f", "expression": "false"}]
    assert run(validate, pre).status == "skip"
    err = run(validate, [{"name": "e", "expression": "object.nope == 1"}])
    assert err == CelOutcome("fail", "expression 'object.nope == 1' resulted in error: no such key: nope")


def test_delete_has_null_object() -> None:
    validate = cel({"expression": "object == null && oldObject.metadata.name == 'web'"})
    out = run(validate, obj=None, old_object=POD, request={"operation": "DELETE"})
    assert out.status == "pass"


def test_namespace_object_null_for_cluster_scoped() -> None:
    out = run(cel({"expression": "namespaceObject.metadata.name != 'default'"}), namespace_object=None)
    assert out.status == "fail"
    assert out.message.endswith("resulted in error: no such key: metadata")


def test_params() -> None:
    validate = {
        "cel": {
            "paramKind": {"kind": "ConfigMap"},
            "expressions": [{"expression": "object.metadata.name == params.data.name"}],
        }
    }
    assert run(validate, params=[{"data": {"name": "web"}}]).status == "pass"
    assert run(validate, params=[{"data": {"name": "web"}}, {"data": {"name": "x"}}]).status == "fail"
    assert run(validate, params=None) == CelOutcome(
        "error", "error in parameterized resource: no params found"
    )


def _corpus_expressions() -> list[str]:
    if not CORPUS.is_dir():
        return []
    found: list[str] = []
    for path in sorted(CORPUS.rglob("*.yaml")):
        try:
            docs = list(yaml.safe_load_all(path.read_text()))
        except yaml.YAMLError:
            continue
        for doc in docs:
            if not isinstance(doc, dict) or doc.get("kind") not in ("ClusterPolicy", "Policy"):
                continue
            for rule in (doc.get("spec") or {}).get("rules") or []:
                celspec = (rule.get("validate") or {}).get("cel")
                if not celspec:
                    continue
                found += [p["expression"] for p in rule.get("celPreconditions") or []]
                for e in celspec.get("expressions") or []:
                    found.append(e["expression"])
                    if e.get("messageExpression"):
                        found.append(e["messageExpression"])
                found += [v["expression"] for v in celspec.get("variables") or []]
    return found


def test_every_corpus_cel_expression_compiles() -> None:
    expressions = _corpus_expressions()
    if not expressions:
        pytest.skip("conformance corpus not available")
    assert len(expressions) > 50
    declarations = ["object", "oldObject", "request", "namespaceObject", "variables", "params", "authorizer"]
    for expression in expressions:
        compile(expression, declarations)
