"""Run Kyverno CLI test suites (`kyverno-test.yaml`) unchanged, the way `kyverno test` does.

A suite names policies, resources and the results it expects per (policy, rule,
resource). We evaluate the suite once with the ordinary Engine, then hold every
expected result against the actual ones (kyverno `cmd/cli/kubectl-kyverno/commands/test/
command.go`, `output.go`). One expected result fans out into one row per resource it
names and per matching actual result; a row passes when the actual status, and the
patched or generated resource where one is given, are what the suite expects.
Matching is Kyverno's: the policy by `ns/name` for a namespaced Policy (the bare name
is accepted too), the rule by name or its `autogen-`/`autogen-cronjob-` variants, the
resource by kind plus `name` or `namespace/name`.

Where we are deliberately stricter than Kyverno:

- Kyverno's older runners counted a row as a success whenever `fail` was expected,
  whatever the actual result (`success := ok || test.Result == fail`). Here a row
  passes only when the actual status equals the expected one.
- A resource that the rule does not match produces no result. Kyverno (since 1.11.2,
  PR #9274) reports that as `Pass`/"Excluded" whatever was expected (issue #11519).
  We pass it only when `skip` is expected (the Kyverno docs: skip means "does not meet
  the match or exclude block"); expecting pass/fail/warn/error of a rule that never
  applied is a failure, reason "Excluded".
- A rule name missing from the policy, or a policy missing from the suite, is
  "Not found" (Kyverno reports the former as Excluded); a result listing no resources
  is a load error (Kyverno checks nothing and passes).
- A policy of a kind argogate does not evaluate (ValidatingPolicy, ...) is a failure
  with reason "Unsupported", never a silent pass; so are `checks` blocks.

File discovery, like Kyverno's, recurses into every directory (hidden ones too, as the
kyverno/policies `.kyverno-test/` layout needs). Besides `kyverno-test.yaml` we accept
the legacy `test.yaml` when its content is a test manifest.
"""

from __future__ import annotations

from argogate.testrunner.manifest import TEST_FILE_NAMES, Expected, Target, TestManifest, load_manifest
from argogate.testrunner.runner import (
    Row,
    RunResult,
    Selector,
    SuiteResult,
    discover,
    parse_selector,
    run,
    run_suite,
)

__all__ = [
    "TEST_FILE_NAMES",
    "Expected",
    "Row",
    "RunResult",
    "Selector",
    "SuiteResult",
    "Target",
    "TestManifest",
    "discover",
    "load_manifest",
    "parse_selector",
    "run",
    "run_suite",
]
