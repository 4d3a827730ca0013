"""One fixed run that every reporter renders, for the golden-file tests.

It covers what the formats must handle: Enforce and Audit failures, a failure under
`failOn: audit`-independent levels, warn/error/skip/pass results, Helm, Kustomize and plain
origins (with and without a line), a cluster-scoped resource, an app that could not be rendered,
a skipped Application, notes, and text that needs escaping in XML, JSON and workflow commands.
"""

from __future__ import annotations

import pytest

from argogate.errors import RenderError
from argogate.model.result import Origin, Report, ResourceRef, RuleResult, RuleStatus
from argogate.model.run import AppResult, CheckResult, PolicyDoc, Skipped

DEPLOY = ResourceRef("apps/v1", "Deployment", "shop", "api")
CRON = ResourceRef("batch/v1", "CronJob", "batch", "nightly")
NS = ResourceRef("v1", "Namespace", "", "team-a")
HELM = Origin("charts/api/templates/deployment.yaml", 3, "helm template, values: values-prod.yaml")
KUST = Origin("apps/web/base/deployment.yaml", 1, "kustomize build")
PLAIN = Origin("apps/batch/cronjob.yaml", 12)
NOLINE = Origin("apps/batch", None)


def _r(
    policy: str,
    rule: str,
    status: RuleStatus,
    message: str,
    resource: ResourceRef,
    origin: Origin | None,
    *,
    enforce: bool = False,
) -> RuleResult:
    return RuleResult(
        policy,
        rule,
        status,
        message,
        resource,
        rule_type="validate.pattern",
        enforce=enforce,
        category="Best Practices",
        severity="medium",
        origin=origin,
    )


def build_run() -> CheckResult:
    labels = (
        "validation error: The labels `team` and `cost-centre` are required. "
        "rule check-labels failed at path /metadata/labels/team/"
    )
    api = AppResult(
        name="api",
        path="charts/api",
        kind="helm",
        objects=[{"kind": "Deployment"}, {"kind": "Service"}],
        report=Report(
            [
                _r("require-labels", "check-labels", RuleStatus.FAIL, labels, DEPLOY, HELM),
                _r(
                    "disallow-latest-tag",
                    "validate-image-tag",
                    RuleStatus.PASS,
                    "rule passed",
                    DEPLOY,
                    HELM,
                    enforce=True,
                ),
                _r(
                    "restrict-registries",
                    "check-registry",
                    RuleStatus.ERROR,
                    "failed to substitute variables: variable `request.object.spec.x` not found",
                    DEPLOY,
                    HELM,
                ),
            ]
        ),
    )
    batch = AppResult(
        name="batch",
        path="apps/batch",
        kind="directory",
        objects=[{"kind": "CronJob"}, {"kind": "Namespace"}],
        warnings=["apps/batch/config/settings.json: ignored, not a Kubernetes manifest"],
        report=Report(
            [
                _r(
                    "disallow-latest-tag",
                    "autogen-cronjob-validate-image-tag",
                    RuleStatus.FAIL,
                    "validation error: Using a mutable image tag e.g. 'latest' is not allowed, 100% sure: <&> "
                    '"quoted"\nsecond line. rule autogen-cronjob-validate-image-tag failed at path '
                    "/spec/jobTemplate/spec/template/spec/containers/0/image/",
                    CRON,
                    PLAIN,
                    enforce=True,
                ),
                _r(
                    "namespace-labels",
                    "warn-owner",
                    RuleStatus.WARN,
                    "validation error: add an owner label",
                    NS,
                    NOLINE,
                ),
                _r(
                    "require-labels",
                    "check-labels",
                    RuleStatus.SKIP,
                    "rule skipped due to preconditions",
                    NS,
                    None,
                ),
            ]
        ),
    )
    web = AppResult(
        name="web",
        path="apps/web/overlays/production",
        kind="kustomize",
        objects=[{"kind": "Deployment"}],
        report=Report(
            [
                _r(
                    "require-requests-limits",
                    "autogen-validate-resources",
                    RuleStatus.FAIL,
                    "validation error: CPU and memory resource requests and memory limits are required.",
                    ResourceRef("apps/v1", "Deployment", "web", "prod-web"),
                    KUST,
                ),
            ]
        ),
    )
    broken = AppResult(
        name="reports",
        path="charts/reports",
        kind="helm",
        error=RenderError(
            "`helm template .` exited 1: Error: parse error at (reports/templates/job.yaml:4): unclosed action",
            file="argocd/apps/reports.yaml",
            line=1,
            hint="fix the chart template",
        ),
    )
    return CheckResult(
        source="git@example.com:org/gitops.git",
        commit="0123456789abcdef0123456789abcdef01234567",
        apps=[api, batch, web, broken],
        skipped=[
            Skipped(
                "metrics",
                "chart 'kube-state-metrics' comes from a Helm repository",
                "argocd/apps/metrics.yaml:1",
            )
        ],
        notes=["policies/cel.yaml:1: ValidatingPolicy is not a policy kind argogate evaluates; ignored"],
        policy_count=5,
        policies={
            "require-labels": PolicyDoc(
                title="Require Labels",
                description="Workloads must say which team owns them.",
                category="Best Practices",
                severity="medium",
                file="policies/require-labels.yaml",
            ),
            "disallow-latest-tag": PolicyDoc(
                title="Disallow Latest Tag", file="policies/disallow-latest-tag.yaml"
            ),
        },
    )


@pytest.fixture
def check_run() -> CheckResult:
    return build_run()
