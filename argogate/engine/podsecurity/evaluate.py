"""Kyverno's `validate.podSecurity` rule: PSS checks, version gating, `exclude`, messages.

Reproduces pkg/pss/evaluate.go and pkg/engine/handlers/validation/validate_pss.go:

* `evaluatePSS` runs every check of the level (baseline: baseline checks only;
  any other level, `privileged` included, runs all checks). For `latest` only
  the newest version of a check runs; for `v1.x` every version whose minimum is
  <= v1.x runs and each failure is reported, so a check can appear twice.
* An `exclude` entry re-evaluates a pod reduced to what it selects (no images:
  the pod with one empty container named "fake"; images: only the containers
  whose image matches, without pod-level fields or metadata) and removes, for
  each of that evaluation's field errors in the control's checks, one default
  field error with the same index-free path (and same container name for
  container fields), optionally filtered by `restrictedField` and `values`.
* The rule message lists each failing check as
  `(Forbidden reason: R, field error list: [E, ...])` with controller paths
  rewritten by `convertChecks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from argogate.engine.podsecurity.checks import CHECKS, CONTROL_CHECK_IDS, Version
from argogate.engine.podsecurity.results import CheckFailure, FieldError, as_dict, as_list, as_str

LEVELS = ("privileged", "baseline", "restricted")
CONTROLLER_KINDS = frozenset(
    {"DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController"}
)
_VERSION_RE = re.compile(r"v1\.([0-9]|[1-9][0-9]*)")
_INDEX_RE = re.compile(r"\d+")
_WORD_RE = re.compile(r"[a-zA-Z]+")
_CONTAINER_TYPES = ("containers", "initContainers", "ephemeralContainers")


@dataclass(frozen=True)
class PodSecurityOutcome:
    """The rule result: `ok` is pass, `error` marks Kyverno's RuleError (never a pass)."""

    ok: bool
    message: str
    failed_checks: tuple[CheckFailure, ...]
    error: bool = False


@dataclass
class _Result:
    id: str
    reason: str
    detail: str
    # Shared and edited in place by the exclusion passes, as Kyverno's *field.ErrorList is.
    errors: list[FieldError] = field(default_factory=list)

    def freeze(self) -> CheckFailure:
        return CheckFailure(self.id, self.reason, self.detail, tuple(self.errors))


class PodSecurityVersionError(ValueError):
    pass


def parse_version(version: str) -> Version | None:
    """pss.ParseVersion: None is `latest` ("" defaults to it); v1.x keeps major.minor only."""
    if version in ("", "latest"):
        return None
    match = _VERSION_RE.fullmatch(version)
    if match is None:
        # k8s.io/pod-security-admission/api.ParseVersion's error text.
        raise PodSecurityVersionError('must be "latest" or "v1.x"')
    return (1, int(match.group(1)))


def evaluate_pss(
    level: str, version: Version | None, meta: dict[str, Any], spec: dict[str, Any]
) -> list[_Result]:
    results: list[_Result] = []
    for check in CHECKS:
        if level == "baseline" and check.level != "baseline":
            continue
        if version is None:
            versions = [max(check.versions, key=lambda v: v.minimum_version)]
        else:
            versions = [v for v in check.versions if v.minimum_version <= version]
        for versioned in versions:
            denial = versioned.check(meta, spec)
            if denial is not None:
                results.append(_Result(check.id, denial.reason, denial.detail, list(denial.errors)))
    return results


def _glob(pattern: str, value: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


try:
    from argogate.engine.wildcards import match as _wildcard  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # the shared wildcard module is not there yet: the same `*`/`?` glob
    _wildcard = _glob


def _matches_any(patterns: list[str], value: str) -> bool:
    return any(_wildcard(p, value) for p in patterns)


def _pod_for_exclude(
    exclude: dict[str, Any], meta: dict[str, Any], spec: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """GetPodWithMatchingContainers: (metadata, spec, is container-level exclusion)."""
    images = [as_str(i) for i in as_list(exclude.get("images"))]
    if not images:
        reduced = {k: v for k, v in spec.items() if k not in _CONTAINER_TYPES}
        return meta, {**reduced, "containers": [{"name": "fake"}]}, False
    matching: dict[str, Any] = {}
    for key in _CONTAINER_TYPES:
        kept = [c for c in as_list(spec.get(key)) if _matches_any(images, as_str(as_dict(c).get("image")))]
        if kept:
            matching[key] = kept
    reduced_meta: dict[str, Any] = {k: meta[k] for k in ("name", "namespace") if k in meta}
    return reduced_meta, matching, True


def _parse_field(path: str) -> tuple[str, list[int], str, bool]:
    """evaluate.go parseField: index-free path, indexes, second word, is-container-field."""
    words = _WORD_RE.findall(path)
    second = words[1] if len(words) > 1 else ""
    indexes = [int(i) for i in _INDEX_RE.findall(path)]
    return _INDEX_RE.sub("*", path), indexes, second, second in _CONTAINER_TYPES


def _container_at(spec: dict[str, Any], container_type: str, index: int) -> str:
    containers = as_list(spec.get(container_type))
    return as_str(as_dict(containers[index]).get("name")) if index < len(containers) else ""


def _bad_values(err: FieldError) -> list[str]:
    """evaluate.go extractBadValues."""
    value = err.bad_value
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, int):
        return [str(value)]
    return list(value)


def _exempt(
    defaults: list[_Result],
    excluded: list[_Result],
    exclude: dict[str, Any],
    pod_spec: dict[str, Any],
    matching_spec: dict[str, Any],
    container_level: bool,
) -> list[_Result]:
    """evaluate.go exemptExclusions."""
    # Kyverno rebuilds the results through a map keyed by check ID: duplicates of an ID
    # (several versions failing) collapse to the last one, and Go's map order is random;
    # we keep first-seen order.
    by_id: dict[str, _Result] = {}
    for result in defaults:
        by_id[result.id] = result
    restricted_field = as_str(exclude.get("restrictedField"))
    values = [as_str(v) for v in as_list(exclude.get("values"))]
    check_ids = CONTROL_CHECK_IDS.get(as_str(exclude.get("controlName")), ())
    for excluded_result in excluded:
        if excluded_result.id not in check_ids:
            continue
        for excluded_err in excluded_result.errors:
            if container_level:
                excluded_field, indexes, kind, is_container = _parse_field(excluded_err.field)
            else:
                excluded_field, indexes, kind, is_container = (
                    _INDEX_RE.sub("*", excluded_err.field),
                    [],
                    "",
                    False,
                )
            excluded_name = _container_at(matching_spec, kind, indexes[0]) if is_container else ""
            if restricted_field and excluded_field != restricted_field:
                continue
            if values and not all(_matches_any(values, bad) for bad in _bad_values(excluded_err)):
                continue
            target = by_id.get(excluded_result.id)
            if target is None:
                continue
            for idx, default_err in enumerate(target.errors):
                if container_level:
                    default_field, d_indexes, d_kind, d_container = _parse_field(default_err.field)
                else:
                    default_field, d_indexes, d_kind, d_container = (
                        _INDEX_RE.sub("*", default_err.field),
                        [],
                        "",
                        False,
                    )
                if excluded_field != default_field:
                    continue
                if d_container and excluded_name != _container_at(pod_spec, d_kind, d_indexes[0]):
                    continue
                # evaluate.go remove(): swap with the last error, then truncate.
                target.errors[idx] = target.errors[-1]
                target.errors.pop()
                break
            if not target.errors:
                del by_id[excluded_result.id]
    return list(by_id.values())


def apply_exclusions(
    level: str,
    version: Version | None,
    excludes: list[dict[str, Any]],
    results: list[_Result],
    meta: dict[str, Any],
    spec: dict[str, Any],
) -> list[_Result]:
    """pss.ApplyPodSecurityExclusion (also used by Kyverno for PolicyException podSecurity)."""
    for exclude in excludes:
        exclude = as_dict(exclude)
        ex_meta, ex_spec, container_level = _pod_for_exclude(exclude, meta, spec)
        excluded = evaluate_pss(level, version, ex_meta, ex_spec)
        results = _exempt(results, excluded, exclude, spec, ex_spec, container_level)
    return results


def pod_of(resource: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """validate_pss.go getSpec: (metadata, spec) of the pod a resource runs, None if unsupported."""
    kind = resource.get("kind")
    if kind == "Pod":
        return as_dict(resource.get("metadata")), as_dict(resource.get("spec"))
    if kind in CONTROLLER_KINDS:
        template = as_dict(as_dict(resource.get("spec")).get("template"))
        return as_dict(template.get("metadata")), as_dict(template.get("spec"))
    if kind == "CronJob":
        job_template = as_dict(as_dict(resource.get("spec")).get("jobTemplate"))
        template = as_dict(as_dict(job_template.get("spec")).get("template"))
        # Kyverno takes the metadata of the job template, not of the pod template.
        return as_dict(job_template.get("metadata")), as_dict(template.get("spec"))
    return None


def _convert_field(path: str, kind: str) -> str:
    """validate_pss.go convertChecks: plain strings.ReplaceAll, quirks included."""
    if kind in CONTROLLER_KINDS:
        path = path.replace("spec", "spec.template.spec")
    elif kind == "CronJob":
        path = path.replace("spec", "spec.jobTemplate.spec.template.spec")
    # Applied for every kind, Pods included.
    return path.replace("metadata", "spec.template.metadata")


def _format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + " ".join(value) + "]"
    return str(value)


def format_checks(checks: tuple[CheckFailure, ...]) -> str:
    """evaluate.go FormatChecksPrint."""
    out = []
    for check in checks:
        errors = []
        for err in check.errors:
            if err.type == "Forbidden" and err.bad_value != "":
                errors.append(
                    f"{err.field} is forbidden, forbidden values found: {_format_value(err.bad_value)}"
                )
            else:
                errors.append(err.error())
        out.append(f"(Forbidden reason: {check.reason}, field error list: [{', '.join(errors)}])")
    return "".join(out)


def evaluate_pod_security(
    spec: dict[str, Any], resource: dict[str, Any], *, rule_name: str = ""
) -> PodSecurityOutcome:
    level = as_str(spec.get("level"))
    version_text = as_str(spec.get("version"))
    pod = pod_of(resource)
    if pod is None:
        return PodSecurityOutcome(
            False, "Error while getting new resource: could not find correct resource type", (), True
        )
    meta, pod_spec = pod
    try:
        version = parse_version(version_text)
    except PodSecurityVersionError as exc:
        return PodSecurityOutcome(False, f"failed to parse pod security api version: {exc}", (), True)
    results = evaluate_pss(level, version, meta, pod_spec)
    excludes = [as_dict(e) for e in as_list(spec.get("exclude"))]
    if excludes:
        results = apply_exclusions(level, version, excludes, results, meta, pod_spec)
    if not results:
        return PodSecurityOutcome(True, f"Validation rule '{rule_name}' passed.", ())
    kind = as_str(resource.get("kind"))
    failed = tuple(
        CheckFailure(
            r.id,
            r.reason,
            r.detail,
            tuple(FieldError(e.type, _convert_field(e.field, kind), e.bad_value) for e in r.errors),
        )
        for r in results
    )
    message = (
        f"Validation rule '{rule_name}' failed. It violates PodSecurity \"{level}:{version_text}\": "
        f"{format_checks(failed)}"
    )
    return PodSecurityOutcome(False, message, failed)


def validate_spec(spec: dict[str, Any]) -> list[str]:
    """Load-time checks: the CRD enums plus api/kyverno/v1 ValidatePSaControlNames and PodSecurityStandard.Validate."""
    from argogate.engine.podsecurity.checks import (
        CONTAINER_LEVEL_CONTROLS,
        POD_LEVEL_CONTROLS,
        RESTRICTED_CONTROL_NAMES,
    )

    errors = []
    level = spec.get("level")
    if level not in LEVELS:
        errors.append(
            f"podSecurity.level: Unsupported value: {level!r}: supported values: {', '.join(LEVELS)}"
        )
    version = spec.get("version", "")
    try:
        parse_version(version if isinstance(version, str) else "?")
    except PodSecurityVersionError as exc:
        errors.append(f"podSecurity.version: Invalid value: {version!r}: {exc}")
    for idx, exclude in enumerate(as_list(spec.get("exclude"))):
        exclude = as_dict(exclude)
        path = f"podSecurity.exclude[{idx}]"
        control = exclude.get("controlName")
        images = as_list(exclude.get("images"))
        if control not in CONTROL_CHECK_IDS:
            errors.append(f"{path}.controlName: Unsupported value: {control!r}")
            continue
        if control in CONTAINER_LEVEL_CONTROLS and not images:
            errors.append(
                f"{path}.controlName: Invalid value: {control!r}: "
                "exclude.images must be specified for the container level control"
            )
        elif control in POD_LEVEL_CONTROLS and images:
            errors.append(
                f"{path}.controlName: Invalid value: {control!r}: "
                "exclude.images must not be specified for the pod level control"
            )
        if exclude.get("restrictedField") and not exclude.get("values"):
            errors.append(f"{path}.values: Forbidden: values is required")
        if not exclude.get("restrictedField") and exclude.get("values"):
            errors.append(f"{path}.restrictedField: Forbidden: restrictedField is required")
        if (
            level == "baseline"
            and control in RESTRICTED_CONTROL_NAMES
            and control not in ("Seccomp", "Capabilities")
        ):
            errors.append(
                f"{path}.controlName: Invalid value: {control!r}: Invalid control name defined at the given level"
            )
    return errors
