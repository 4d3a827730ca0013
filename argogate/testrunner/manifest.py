"""Reading a test manifest: `cli.kyverno.io/v1alpha1 Test` and the legacy form without apiVersion.

Kyverno decodes these with Go's encoding/json (`yaml.UnmarshalStrict` in kyverno
`cmd/cli/kubectl-kyverno/test/load.go`), whose field matching is case-insensitive:
the kyverno/policies corpus really does contain `isMUtatingPolicy`. So keys are matched
case-insensitively here too. Unknown keys are warnings rather than errors, so a newer
schema still runs; deprecated fields (`status`, `resource`, `namespace`,
`patchedResource`, `variables`) are read as Kyverno reads them. Paths inside a
manifest are relative to its directory (kyverno `path.GetFullPaths`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from argogate.engine.celpolicies import CelContext
from argogate.engine.match import AdmissionInfo
from argogate.engine.pipeline import default_namespace
from argogate.engine.values import Values
from argogate.errors import ArgogateError, ConfigError
from argogate.policies import LoadedPolicies, load_policies
from argogate.yamlio import expand_paths, load_file

TEST_FILE_NAMES = ("kyverno-test.yaml", "test.yaml")
RESULTS = ("pass", "fail", "warn", "error", "skip")
_ANY_RULE_FLAGS = (
    "isvalidatingadmissionpolicy",
    "ismutatingadmissionpolicy",
    "isvalidatingpolicy",
    "isdeletingpolicy",
    "isimagevalidatingpolicy",
    "isgeneratingpolicy",
    "ismutatingpolicy",
)
_RESULT_KEYS = {
    "policy", "rule", "result", "status", "kind", "resources", "resource", "resourcespecs", "namespace",
    "patchedresource", "patchedresources", "generatedresource", "clonesourceresource", "auto_generated_rule",
    *_ANY_RULE_FLAGS,
}  # fmt: skip
_TOP_KEYS = {
    "apiversion", "kind", "metadata", "name", "policies", "resources", "variables", "values", "userinfo",
    "results", "checks", "exceptions", "context", "targetresources", "clusterresources", "paramresources",
    "jsonpayload", "jsonpayloads",
}  # fmt: skip


def _lower(d: dict[str, Any]) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in d.items()}


def is_test_manifest(data: Any) -> bool:
    """A `Test` document, or a legacy one (no apiVersion) that names policies and results."""
    if not isinstance(data, dict):
        return False
    d = _lower(data)
    if d.get("apiversion"):
        return str(d["apiversion"]).startswith("cli.kyverno.io/") and d.get("kind") == "Test"
    return "policies" in d and ("results" in d or "checks" in d)


@dataclass(frozen=True, slots=True)
class Target:
    """One entry of a result's `resources`: `name` or `namespace/name`."""

    name: str
    namespace: str | None
    label: str
    kind: str | None = None  # set by `resourceSpecs`, which carry their own kind

    def matches(self, ref: Any, kind: str) -> bool:
        return (
            ref.kind == (self.kind or kind)
            and ref.name == self.name
            and (self.namespace is None or ref.namespace == self.namespace)
        )

    def display(self, kind: str) -> str:
        """kyverno `output/color/color.go: Resource`: `ns/Kind/name`, or `Kind/name` without a namespace."""
        kind = self.kind or kind
        return f"{self.namespace}/{kind}/{self.name}" if self.namespace else f"{kind}/{self.name}"


def _target(label: str, namespace: str) -> Target:
    if "/" in label:
        ns, _, name = label.partition("/")
        return Target(name, ns, label)
    return Target(label, namespace or None, label)


@dataclass(frozen=True, slots=True)
class Expected:
    policy: str
    rule: str
    kind: str
    result: str
    targets: tuple[Target, ...]
    patched_resource: str = ""
    generated_resource: str = ""
    clone_source: str = ""
    any_rule: bool = False

    def rule_names(self) -> set[str] | None:
        """The rule names a result may carry (kyverno `lookupRuleResponses`); None means any rule."""
        if self.any_rule:
            return None
        return {self.rule, f"autogen-{self.rule}", f"autogen-cronjob-{self.rule}"}

    def with_targets(self, targets: tuple[Target, ...]) -> Expected:
        return replace(self, targets=targets)

    @classmethod
    def parse(cls, raw: Any, where: str, warnings: list[str]) -> Expected:
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: a result must be a mapping")
        d = _lower(raw)
        for k in sorted(set(d) - _RESULT_KEYS):
            warnings.append(f"{where}: unknown field {k!r} ignored")
        policy = str(d.get("policy") or "")
        if not policy:
            raise ConfigError(f"{where}: `policy` is required")
        result = str(d.get("result") or d.get("status") or "").lower()  # `status` is the deprecated name
        if result not in RESULTS:
            raise ConfigError(
                f"{where}: `result` must be one of {', '.join(RESULTS)}, got {result or 'nothing'!r}"
            )
        namespace = str(d.get("namespace") or "")
        names = d.get("resources")
        if names is None and d.get("resource"):
            names = [d["resource"]]
        targets = [_target(str(n), namespace) for n in names or []]
        for spec in d.get("resourcespecs") or []:
            s = _lower(spec) if isinstance(spec, dict) else {}
            ns = str(s.get("namespace") or "")
            targets.append(
                Target(
                    str(s.get("name") or ""),
                    ns or None,
                    f"{ns}/{s.get('name')}" if ns else str(s.get("name")),
                    str(s.get("kind") or "") or None,
                )
            )
        if not targets:
            raise ConfigError(f"{where}: no `resources` listed, so nothing would be checked")
        any_rule = any(bool(d.get(flag)) for flag in _ANY_RULE_FLAGS)
        rule = str(d.get("rule") or "")
        if not rule and not any_rule:
            raise ConfigError(f"{where}: `rule` is required for ClusterPolicy/Policy results")
        return cls(
            policy=policy,
            rule=rule,
            kind=str(d.get("kind") or ""),
            result=result,
            targets=tuple(targets),
            patched_resource=str(d.get("patchedresources") or d.get("patchedresource") or ""),
            generated_resource=str(d.get("generatedresource") or ""),
            clone_source=str(d.get("clonesourceresource") or ""),
            any_rule=any_rule,
        )


def _paths(value: Any, key: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of paths")
    return tuple(value)


@dataclass
class TestManifest:
    path: Path
    name: str
    policies: tuple[str, ...]
    resources: tuple[str, ...]
    results: list[Expected]
    exceptions: tuple[str, ...] = ()
    variables: str = ""
    values: dict[str, Any] | None = None
    userinfo: str = ""
    context: str = ""
    extra_lookups: tuple[str, ...] = ()  # targetResources, clusterResources
    checks: list[Any] = field(default_factory=list)
    legacy: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def dir(self) -> Path:
        return self.path.parent

    def resolve(self, rel: str) -> str:
        if "://" in rel:
            raise ConfigError(
                f"{rel}: remote files are not supported; vendor them next to the test", file=str(self.path)
            )
        p = Path(rel)
        return str(p if p.is_absolute() else self.dir / p)

    def load_inputs(
        self, warnings: list[str]
    ) -> tuple[LoadedPolicies, list[dict[str, Any]], list[dict[str, Any]]]:
        """Policies and exceptions; the resources, namespaced as Kyverno does and without duplicates; lookup-only objects."""
        from argogate.inputs import load_resources

        if not self.policies:
            raise ConfigError("the test lists no policies", file=str(self.path))
        loaded = load_policies(
            [self.resolve(p) for p in self.policies], [self.resolve(e) for e in self.exceptions]
        )
        objects, _ = load_resources([self.resolve(r) for r in self.resources]) if self.resources else ([], [])
        uniques: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        for obj in (default_namespace(o) for o in objects):
            md = obj.get("metadata") or {}
            key = (
                str(obj.get("apiVersion", "")).rpartition("/")[0],
                str(obj.get("kind")),
                str(md.get("namespace") or ""),
                str(md.get("name") or ""),
            )
            if key in uniques:  # kyverno `resource.RemoveDuplicates`: the first one wins
                warnings.append(f"found duplicated resource {key[1]} {key[3]} {key[2]}".rstrip())
                continue
            uniques[key] = obj
        extra: list[dict[str, Any]] = []
        sources = [*self.extra_lookups, *(e.clone_source for e in self.results if e.clone_source)]
        if sources:
            more, _ = load_resources([self.resolve(s) for s in dict.fromkeys(sources)])
            extra.extend(more)
        if self.context:
            extra.extend(_context_resources(self.resolve(self.context)))
        return loaded, list(uniques.values()), extra

    def load_values(self) -> Values:
        """The values file (`variables`) wins over inline `values`, as the CLI reads one or the other."""
        from argogate.inputs import load_values

        if self.variables:
            return load_values(self.resolve(self.variables))
        return Values.from_dict(self.values)

    def load_context(self) -> CelContext | None:
        """The `context:` file (a `cli.kyverno.io/v1alpha1 Context`) for the CEL policy kinds."""
        from argogate.inputs import load_context

        return load_context(self.resolve(self.context)) if self.context else None

    def load_userinfo(self) -> AdmissionInfo:
        from argogate.inputs import load_userinfo

        return load_userinfo(self.resolve(self.userinfo)) if self.userinfo else AdmissionInfo()

    def unsupported_policy_kinds(self, unsupported: list[tuple[str, str]]) -> dict[str, str]:
        """Names of the suite's policies whose kind the loader set aside (ValidatingPolicy, ...), by name."""
        if not unsupported:
            return {}
        out: dict[str, str] = {}
        for f in expand_paths([self.resolve(p) for p in self.policies]):
            for doc in load_file(f):
                data = doc.data if isinstance(doc.data, dict) else {}
                md = data.get("metadata") or {}
                kind = str(data.get("kind") or "")
                if kind not in ("ClusterPolicy", "Policy", "PolicyException") and md.get("name"):
                    name = str(md["name"])
                    out[f"{md['namespace']}/{name}" if md.get("namespace") else name] = kind
                    out.setdefault(name, kind)
        return out


def _context_resources(path: str) -> list[dict[str, Any]]:
    """A `cli.kyverno.io/v1alpha1 Context` file: `spec.resources` answer lookups."""
    out: list[dict[str, Any]] = []
    for doc in load_file(path):
        data = doc.data if isinstance(doc.data, dict) else {}
        spec = data.get("spec") or {}
        if data.get("kind") == "Context":
            out.extend(r for r in spec.get("resources") or [] if isinstance(r, dict))
        elif data.get("kind"):
            out.append(data)
    return out


def load_manifest(path: Path) -> TestManifest:
    try:
        docs = load_file(path)
    except ArgogateError as exc:
        raise ConfigError(exc.message, file=exc.file, line=exc.line) from exc
    if not docs or not isinstance(docs[0].data, dict):
        raise ConfigError("a test manifest must be a YAML mapping", file=str(path))
    raw = docs[0].data
    if not is_test_manifest(raw):
        raise ConfigError(
            "not a Kyverno test manifest (want apiVersion cli.kyverno.io/v1alpha1, kind Test)", file=str(path)
        )
    d = _lower(raw)
    warnings = [f"unknown field {k!r} ignored" for k in sorted(set(d) - _TOP_KEYS)]
    if len(docs) > 1:
        warnings.append("only the first document of a test file is read")
    for k in ("paramresources", "jsonpayload", "jsonpayloads"):
        if d.get(k):
            warnings.append(f"`{k}` is not supported and was ignored")
    where = str(path)
    results_raw = d.get("results") or []
    if not isinstance(results_raw, list):
        raise ConfigError("`results` must be a list", file=where)
    try:
        results = [Expected.parse(r, f"results[{i}]", warnings) for i, r in enumerate(results_raw)]
    except ConfigError as exc:
        raise ConfigError(exc.message, file=where) from exc
    values = d.get("values")
    if values is not None and not isinstance(values, dict):
        raise ConfigError("`values` must be a mapping (the Values file's spec)", file=where)
    md = d.get("metadata") or {}
    return TestManifest(
        path=path,
        name=str((md.get("name") if isinstance(md, dict) else "") or d.get("name") or path.parent.name),
        policies=_paths(d.get("policies"), "policies", where),
        resources=_paths(d.get("resources"), "resources", where),
        results=results,
        exceptions=_paths(d.get("exceptions"), "exceptions", where),
        variables=str(d.get("variables") or ""),
        values=values,
        userinfo=str(d.get("userinfo") or ""),
        context=str(d.get("context") or ""),
        extra_lookups=_paths(d.get("targetresources"), "targetResources", where)
        + _paths(d.get("clusterresources"), "clusterResources", where),
        checks=list(d.get("checks") or []),
        legacy=not d.get("apiversion"),
        warnings=warnings,
    )
