"""Loading the CEL policy kinds: compiled once, errors name the file, the line and the expression."""

from __future__ import annotations

from pathlib import Path

import pytest

from argogate.errors import PolicyLoadError
from argogate.policies import load_policies

VPOL = """\
apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: check
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}
  validations:
    - expression: "object.metadata.name != 'x'"
"""


def write(tmp_path: Path, text: str) -> str:
    p = tmp_path / "p.yaml"
    p.write_text(text)
    return str(p)


def test_cel_kinds_are_loaded_and_compiled(tmp_path: Path) -> None:
    extra = """\
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: vap}
spec:
  validations: [{expression: "true"}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: vap-b}
spec: {policyName: vap, validationActions: [Deny]}
---
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: ex}
spec:
  policyRefs: [{name: check, kind: ValidatingPolicy}]
  matchConditions: [{name: m, expression: "true"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: params}
"""
    loaded = load_policies([write(tmp_path, VPOL + extra)])
    assert [p.name for p in loaded.cel.policies] == ["check", "vap"]
    assert [v.autogen for v in loaded.cel.policies[0].variants] == ["", "cronjobs", "defaults"]
    assert [b.policy_name for b in loaded.cel.bindings] == ["vap"]
    assert [e.key for e in loaded.cel.exceptions] == ["ex"]
    assert [o["metadata"]["name"] for o in loaded.cel.objects] == ["params"]
    assert loaded.any and loaded.policies == [] and loaded.unsupported == []


@pytest.mark.parametrize(
    ("bad", "line", "text"),
    [
        ("object.metadata.name !=", 10, "invalid CEL expression 'object.metadata.name !='"),
        ("nope.name == 'x'", 10, "undeclared reference to 'nope'"),
        ("variables.missing == 1", 10, "undefined field 'missing'"),
    ],
)
def test_compile_errors_name_file_line_and_expression(tmp_path: Path, bad: str, line: int, text: str) -> None:
    path = write(tmp_path, VPOL.replace("object.metadata.name != 'x'", bad))
    with pytest.raises(PolicyLoadError) as info:
        load_policies([path])
    assert info.value.file == path and info.value.line == line
    assert text in info.value.message and "ValidatingPolicy 'check'" in info.value.message


def test_mutation_without_a_patch_type_is_an_error(tmp_path: Path) -> None:
    text = VPOL.replace("kind: ValidatingPolicy", "kind: MutatingPolicy").replace(
        "  validations:\n    - expression: \"object.metadata.name != 'x'\"\n",
        "  mutations:\n    - {patchType: Bogus}\n",
    )
    with pytest.raises(PolicyLoadError, match="patchType ApplyConfiguration or JSONPatch"):
        load_policies([write(tmp_path, text)])
