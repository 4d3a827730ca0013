"""Files -> model.Policy / model.PolicyException, with errors that name file, line and field.

Accepted: kyverno.io/v1 and v2beta1 ClusterPolicy and Policy; PolicyException in
kyverno.io/v2, v2beta1 and v2alpha1; the CEL kinds (policies.kyverno.io
ValidatingPolicy, MutatingPolicy, GeneratingPolicy and their Namespaced forms,
PolicyException; admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and its
bindings), whose expressions are compiled here, once. Other policy documents
(ImageValidatingPolicy, DeletingPolicy, ...) are reported as `unsupported`, never
silently dropped. Policies are checked before anything is evaluated: a rule with no rule
type, an unknown anchor, an invalid JMESPath or CEL expression or an unknown
condition operator fails the load with the exact location.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from argogate.engine import autogen
from argogate.engine.celpolicies.policyset import CelPolicyError, CelPolicySet
from argogate.errors import ArgogateError, PolicyLoadError
from argogate.model.policy import ExceptionEntry, Policy, PolicyException
from argogate.model.result import Origin
from argogate.policies import checks
from argogate.yamlio import YamlDocument, expand_paths, load_file, locate

POLICY_APIS = ("kyverno.io/v1", "kyverno.io/v2beta1")
EXCEPTION_APIS = ("kyverno.io/v2", "kyverno.io/v2beta1", "kyverno.io/v2alpha1")
_RULE_NAME = re.compile(r"^[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$")


@dataclass
class LoadedPolicies:
    policies: list[Policy] = field(default_factory=list)
    exceptions: list[PolicyException] = field(default_factory=list)
    unsupported: list[tuple[str, str]] = field(default_factory=list)  # (location, kind)
    cel: CelPolicySet = field(default_factory=CelPolicySet)

    @property
    def any(self) -> bool:
        return bool(self.policies or self.cel.policies)


def _error(doc: YamlDocument, path: tuple[str | int, ...], message: str, hint: str | None = None) -> PolicyLoadError:
    line = locate(doc.file, doc.line, path) or doc.line
    where = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[")
    return PolicyLoadError(f"{where}: {message}" if where else message, file=doc.file, line=line, hint=hint)


def _policy(doc: YamlDocument) -> Policy:
    data = doc.data
    md = data.get("metadata")
    if not isinstance(md, dict) or not md.get("name"):
        raise _error(doc, ("metadata",), "policy has no metadata.name")
    spec = data.get("spec")
    if not isinstance(spec, dict):
        raise _error(doc, ("spec",), "policy has no spec")
    rules = spec.get("rules")
    if not isinstance(rules, list) or not rules:
        raise _error(doc, ("spec", "rules"), "policy has no rules", "add at least one rule under spec.rules")
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            raise _error(doc, ("spec", "rules", i), "a rule must be a mapping")
        name = rule.get("name")
        if not isinstance(name, str) or not name:
            raise _error(doc, ("spec", "rules", i), "rule has no name")
        if name in seen:
            raise _error(doc, ("spec", "rules", i, "name"), f"duplicate rule name {name!r}")
        seen.add(name)
        for path, problem in checks.check_rule(rule):
            raise _error(doc, ("spec", "rules", i, *path), f"rule {name!r}: {problem}")
    annotations = {str(k): str(v) for k, v in (md.get("annotations") or {}).items()}
    kind = str(data.get("kind"))
    namespace = str(md.get("namespace") or "") if kind == "Policy" else ""
    if kind == "Policy" and not namespace:
        namespace = "default"
    return Policy(
        api_version=str(data.get("apiVersion")),
        kind=kind,
        name=str(md["name"]),
        namespace=namespace,
        annotations=annotations,
        spec=spec,
        rules=tuple(autogen.compute_rules(rules, annotations)),
        origin=Origin(doc.file, doc.line),
        raw=data,
    )


def _exception(doc: YamlDocument) -> PolicyException:
    data = doc.data
    md = data.get("metadata") or {}
    spec = data.get("spec")
    if not isinstance(spec, dict):
        raise _error(doc, ("spec",), "PolicyException has no spec")
    entries = []
    for i, e in enumerate(spec.get("exceptions") or []):
        if not isinstance(e, dict) or not e.get("policyName"):
            raise _error(doc, ("spec", "exceptions", i), "exception entry needs policyName and ruleNames")
        entries.append(ExceptionEntry(str(e["policyName"]), tuple(str(r) for r in e.get("ruleNames") or [])))
    if not entries:
        raise _error(doc, ("spec", "exceptions"), "PolicyException lists no exceptions")
    if not isinstance(spec.get("match"), dict):
        raise _error(doc, ("spec", "match"), "PolicyException has no match block")
    return PolicyException(
        name=str(md.get("name") or ""),
        namespace=str(md.get("namespace") or ""),
        exceptions=tuple(entries),
        match=spec["match"],
        conditions=spec.get("conditions"),
        pod_security=tuple(spec.get("podSecurity") or ()),
        origin=Origin(doc.file, doc.line),
    )


_POLICY_GROUPS = ("kyverno.io", "policies.kyverno.io", "admissionregistration.k8s.io", "wgpolicyk8s.io")


def _policy_group(api: object) -> bool:
    group = str(api or "").split("/")[0] if "/" in str(api or "") else ""
    return group in _POLICY_GROUPS


CEL_POLICY_APIS = ("policies.kyverno.io/v1", "policies.kyverno.io/v1beta1", "policies.kyverno.io/v1alpha1")
CEL_POLICY_KINDS = (
    "ValidatingPolicy",
    "NamespacedValidatingPolicy",
    "MutatingPolicy",
    "NamespacedMutatingPolicy",
    "GeneratingPolicy",
    "NamespacedGeneratingPolicy",
)
VAP_APIS = ("admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1beta1")


def _cel(doc: YamlDocument, out: LoadedPolicies) -> bool:
    """Load a CEL policy kind into `out.cel`; False when the document is not one."""
    data = doc.data
    api, kind = str(data.get("apiVersion")), str(data.get("kind"))
    origin = Origin(doc.file, doc.line)
    if not ((api in CEL_POLICY_APIS and kind in (*CEL_POLICY_KINDS, "PolicyException")) or api in VAP_APIS):
        return False
    from argogate.engine.celpolicies.compile import compile_binding, compile_exception, compile_policy

    try:
        if api in CEL_POLICY_APIS and kind in CEL_POLICY_KINDS:
            out.cel.policies.append(compile_policy(data, origin))
        elif api in CEL_POLICY_APIS and kind == "PolicyException":
            out.cel.exceptions.append(compile_exception(data, origin))
        elif api in VAP_APIS and kind == "ValidatingAdmissionPolicy":
            out.cel.policies.append(compile_policy(data, origin))
        elif api in VAP_APIS and kind == "ValidatingAdmissionPolicyBinding":
            out.cel.bindings.append(compile_binding(data, origin))
        else:
            return False
    except CelPolicyError as err:
        name = (data.get("metadata") or {}).get("name") or "?"
        raise _error(doc, err.path, f"{kind} {name!r}: {err.message}") from None
    return True


def load_documents(docs: list[YamlDocument], into: LoadedPolicies | None = None) -> LoadedPolicies:
    out = into if into is not None else LoadedPolicies()
    for doc in docs:
        data = doc.data
        if not isinstance(data, dict):
            raise PolicyLoadError("document is not a mapping", file=doc.file, line=doc.line)
        api, kind = data.get("apiVersion"), data.get("kind")
        if kind in ("ClusterPolicy", "Policy") and api in POLICY_APIS:
            out.policies.append(_policy(doc))
        elif kind == "PolicyException" and api in EXCEPTION_APIS:
            out.exceptions.append(_exception(doc))
        elif _cel(doc, out):
            pass
        elif _policy_group(api):
            out.unsupported.append((f"{doc.file}:{doc.line}", f"{api}/{kind}"))
        elif api and kind and isinstance(data.get("metadata"), dict):
            out.cel.objects.append(data)  # a ValidatingAdmissionPolicy's params may sit beside it
        # anything else (test resources, kyverno-test.yaml, values files kept beside
        # policies, as Kyverno's policy repos do) is not a policy and is passed over,
        # as `kyverno apply DIR` does
    return out


def load_policies(paths: list[str], exception_paths: list[str] | None = None) -> LoadedPolicies:
    """Load every policy (and exception) document under `paths` (files or directories)."""
    out = LoadedPolicies()
    for p in paths:
        if not Path(p).exists():
            raise PolicyLoadError(f"policy path does not exist: {p}", hint="check the path; directories are searched recursively")
    for f in expand_paths(paths):
        try:
            docs = load_file(f)
        except PolicyLoadError:
            raise
        except ArgogateError as exc:
            raise PolicyLoadError(exc.message, file=exc.file, line=exc.line) from exc
        load_documents(docs, out)
    for f in expand_paths(exception_paths or []):
        for doc in load_file(f):
            if isinstance(doc.data, dict) and doc.data.get("kind") == "PolicyException":
                if doc.data.get("apiVersion") in CEL_POLICY_APIS:
                    _cel(doc, out)
                else:
                    out.exceptions.append(_exception(doc))
    # a policy's `{{ }}` and CEL are compiled here, once, so a bad expression fails the load
    return out
