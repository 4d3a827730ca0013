"""`{{ }}` and `$( )` substitution (kyverno vars.go / vars_test.go behaviours)."""

from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.context import Context
from argogate.engine.variables import VariableError, is_reference, is_variable, substitute_all, traversal_path


def _ctx(**request: Any) -> Context:
    obj = {
        "metadata": {"name": "web", "namespace": "prod", "labels": {"app": "web", "tier": "1"}},
        "spec": {"replicas": 3, "ratio": 2.0, "containers": [{"name": "c0", "image": "nginx"}]},
    }
    return Context(
        {
            "request": {"object": obj, "operation": "CREATE", **request},
            "cfg": {"tmpl": "{{request.object.metadata.name}}"},
        }
    )


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("{{request.object.metadata.name}}", "web"),
        ("{{ request.object.metadata.name }}", "web"),
        ("{{request.object.spec.replicas}}", 3),  # a lone variable keeps its type
        ("{{request.object.metadata.labels}}", {"app": "web", "tier": "1"}),
        ("n={{request.object.spec.replicas}}", "n=3"),
        ("r={{request.object.spec.ratio}}", "r=2"),  # Go json.Marshal of float64 2
        ("l={{request.object.metadata.labels}}", 'l={"app":"web","tier":"1"}'),
        ("{{request.object.metadata.name}}-{{request.object.metadata.namespace}}", "web-prod"),
        ('{{request.object.metadata.labels."app"}}', "web"),
        ("{{ request.object.metadata.labels.missing || 'none' }}", "none"),
        ("{{request.object.metadata.annotations || `{}`}}", {}),
        ("x-{{ `null` }}", "x-null"),
        ("\\{{ request.object.metadata.name }}", "{{ request.object.metadata.name }}"),
        ("{{request.object.metadata.labels.{{'app'}}}}", "web"),  # nested variables resolve inside out
        (["{{request.object.metadata.name}}", 5, True, None], ["web", 5, True, None]),
        ({"{{request.object.metadata.name}}-key": "v"}, {"web-key": "v"}),
        ("{{cfg}}", {"tmpl": "web"}),  # a substituted map is walked again
        ("no variables here", "no variables here"),
    ],
)
def test_substitute(document: Any, expected: Any) -> None:
    assert substitute_all(document, _ctx()) == expected


def test_at_refers_to_the_current_path() -> None:
    doc = {"metadata": {"labels": {"app": "{{@}}-x"}}, "spec": {"containers": [{"image": "{{ @ }}"}]}}
    out = substitute_all(doc, _ctx(), path=("mutate", "patchStrategicMerge"))
    assert out == {"metadata": {"labels": {"app": "web-x"}}, "spec": {"containers": [{"image": "nginx"}]}}


def test_at_inside_foreach_skips_past_foreach() -> None:
    doc = {"metadata": {"name": "{{@}}"}}
    out = substitute_all(doc, _ctx(), path=("mutate", "foreach", 0, "patchStrategicMerge"))
    assert out == {"metadata": {"name": "web"}}


def test_at_prefers_target_when_present() -> None:
    ctx = _ctx()
    ctx.set("target", {"metadata": {"name": "other"}})
    assert substitute_all({"metadata": {"name": "{{@}}"}}, ctx, path=("mutate", "targets")) == {
        "metadata": {"name": "other"}
    }


def test_delete_requests_read_old_object() -> None:
    ctx = _ctx(operation="DELETE", oldObject={"metadata": {"name": "old"}})
    assert substitute_all("{{request.object.metadata.name}}", ctx) == "old"


def test_unresolved_variable_message() -> None:
    with pytest.raises(VariableError) as info:
        substitute_all({"message": "x {{request.object.metadata.labels.nope}}"}, _ctx(), path=("validate",))
    assert info.value.message == (
        "failed to resolve request.object.metadata.labels.nope at path /validate/message: "
        'JMESPath query failed: Unknown key "nope" in path'
    )
    assert info.value.variable == "request.object.metadata.labels.nope"


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ("{{}}", "invalid query (nil)"),
        ("{{ a.[ }}", "incorrect query a.["),
        ("{{ to_upper(`1`) }}", "to_upper"),
    ],
)
def test_bad_queries(document: str, fragment: str) -> None:
    with pytest.raises(VariableError) as info:
        substitute_all(document, _ctx())
    assert fragment in info.value.message


def test_key_must_stay_a_string() -> None:
    with pytest.raises(VariableError, match="expected string after substituting variables in key"):
        substitute_all({"{{request.object.spec.replicas}}": 1}, _ctx())


def test_references() -> None:
    doc = {"spec": {"max": "10", "value": "$(./../max)", "ge": "$(>=./../max)", "esc": "\\$(./../max)"}}
    out = substitute_all(doc, _ctx(), path=("validate", "pattern"))
    assert out["spec"] == {"max": "10", "value": "10", "ge": ">=10", "esc": "$(./../max)"}


def test_reference_to_a_number_needs_an_operator() -> None:
    doc = {"spec": {"max": 10, "value": "$(./../max)", "lt": "$(<./../max)"}}
    with pytest.raises(VariableError, match="NotResolvedReferenceErr"):
        substitute_all(doc, _ctx(), path=("validate", "pattern"))
    ok = substitute_all({"spec": {"max": 10, "lt": "$(<./../max)"}}, _ctx(), path=("validate", "pattern"))
    assert ok["spec"]["lt"] == "<10"


def test_reference_through_anchor_keys() -> None:
    doc = {"spec": {"(name)": "a", "=(size)": "$(./../name)", "name": "b"}}
    out = substitute_all(doc, _ctx(), path=("validate", "pattern"))
    assert out["spec"]["=(size)"] == "b"


def test_helpers() -> None:
    assert is_variable("a {{b}}") and not is_variable("a \\{{b}}")
    assert is_reference("$(./x)") and not is_reference("\\$(./x)")
    assert traversal_path(()) == ""
    assert traversal_path(("a", 0, "b/c")) == "/a/0/b\\/c"


@pytest.mark.parametrize(
    "document",
    [
        {"spec": {"containers": [{"image": "!*:latest"}]}},
        ["a", {"b": 1}, None, 2.5, True],
        "no variables here",
        {"(name)": "x", "=(a)": [{"b": "?*"}]},
    ],
)
def test_documents_without_variables_come_back_as_is(document: Any) -> None:
    ctx = Context({"request": {"object": {"metadata": {"name": "n"}}}})
    assert substitute_all(document, ctx) is document
    assert substitute_all(document, ctx) is document  # the remembered answer is the same


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"a": ["{{ request.object.metadata.name }}"]}, {"a": ["n"]}),
        ({"{{ request.object.metadata.name }}": 1}, {"n": 1}),
        ({"a": "\\{{ not a variable }}"}, {"a": "{{ not a variable }}"}),
        ({"a": {"b": "x"}, "c": "$(/a/b)"}, {"a": {"b": "x"}, "c": "x"}),
    ],
)
def test_documents_with_variables_are_substituted_into_a_copy(document: Any, expected: Any) -> None:
    ctx = Context({"request": {"object": {"metadata": {"name": "n"}}}})
    before = repr(document)
    for _ in range(2):
        out = substitute_all(document, ctx)
        assert out == expected and out is not document
    assert repr(document) == before


def test_shared_substitution_reuses_the_parts_without_variables() -> None:
    from argogate.engine.variables.substitute import substitute_shared

    ctx = Context({"request": {"object": {"metadata": {"name": "n"}}}})
    plain = {"containers": [{"image": "x"}]}
    document = {"name": "{{ request.object.metadata.name }}", "spec": plain}
    shared = substitute_shared(document, ctx)
    copied = substitute_all(document, ctx)
    assert shared == copied == {"name": "n", "spec": {"containers": [{"image": "x"}]}}
    assert shared["spec"] is plain  # read-only callers get the policy's own objects
    assert copied["spec"] is not plain and copied["spec"]["containers"][0] is not plain["containers"][0]


def test_the_same_template_follows_the_operation() -> None:
    # the template's parse is remembered; DELETE must still read oldObject
    template = "name={{ request.object.metadata.name }}"
    create = _ctx()
    delete = _ctx(operation="DELETE", oldObject={"metadata": {"name": "old"}})
    assert substitute_all(template, create) == "name=web"
    assert substitute_all(template, delete) == "name=old"
    assert substitute_all(template, create) == "name=web"


def test_a_substituted_map_is_copied_and_walked() -> None:
    ctx = _ctx()
    out = substitute_all({"labels": "{{ request.object.metadata.labels }}", "cfg": "{{ cfg }}"}, ctx)
    assert out == {"labels": {"app": "web", "tier": "1"}, "cfg": {"tmpl": "web"}}
    assert out["labels"] is not ctx.data["request"]["object"]["metadata"]["labels"]


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({"a": ["ok", "{{ request.object.nope }}"]}, "at path /a/1"),
        ({"a": {"b": "{{}}"}}, "invalid query (nil)"),
        ({"a": {"b": "{{ a.[ }}"}}, "incorrect query a.["),
    ],
)
def test_errors_name_the_path_and_repeat(document: Any, fragment: str) -> None:
    for _ in range(2):  # the remembered query (or its error) gives the same message
        with pytest.raises(VariableError) as info:
            substitute_all(document, _ctx())
        assert fragment in info.value.message
