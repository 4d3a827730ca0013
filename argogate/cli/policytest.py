"""`argogate test`: run kyverno-test.yaml suites, like `kyverno test`.

The command binds flags, calls `argogate.testrunner.run` and prints. The text output
follows kyverno's (`cmd/cli/kubectl-kyverno/commands/test/command.go`, `output/table`):
a `Loading test ...` header and a box table per suite (`ID | POLICY | RULE | RESOURCE
| RESULT | REASON`, plus `MESSAGE` with --detailed-results), the failed rows again at
the end, then `Test Summary: N tests passed and M tests failed` as the last line.
Exit 0 when every row passed, 1 when a row failed or a suite could not be run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from argogate.testrunner import Row, RunResult, SuiteResult

_HEADER = ("ID", "POLICY", "RULE", "RESOURCE", "RESULT", "REASON")


def render_table(rows: Sequence[Row], *, detailed: bool = False) -> str:
    """A kyverno-style box table (`lensesio/tableprinter` with borders), IDs numbered from 1."""
    header = _HEADER + (("MESSAGE",) if detailed else ())
    cells: list[list[list[str]]] = []
    for i, r in enumerate(rows, start=1):
        values = [str(i), r.policy, r.rule, r.resource, r.result, r.reason] + (
            [r.message] if detailed else []
        )
        cells.append([c.splitlines() or [""] for c in values])
    widths = [len(h) for h in header]
    for cell_row in cells:
        for j, c in enumerate(cell_row):
            widths[j] = max(widths[j], *(len(x) for x in c))

    def rule(left: str, mid: str, right: str) -> str:
        return left + mid.join("─" * (w + 2) for w in widths) + right

    def line(values: list[str]) -> str:
        parts = [
            f" {v.rjust(w) if j == 0 else v.ljust(w)} "
            for j, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return "│" + "│".join(parts) + "│"

    out = [rule("┌", "┬", "┐"), line(list(header)), rule("├", "┼", "┤")]
    for cell_row in cells:
        for k in range(max(len(c) for c in cell_row)):
            out.append(line([c[k] if k < len(c) else "" for c in cell_row]))
    out.append(rule("└", "┴", "┘"))
    return "\n".join(out)


def render_json(run: RunResult) -> str:
    def row(i: int, r: Row) -> dict[str, Any]:
        return {
            "id": i,
            "policy": r.policy,
            "rule": r.rule,
            "resource": r.resource,
            "expected": r.expected,
            "actual": r.actual,
            "result": r.result.lower(),
            "reason": r.reason,
            "message": r.message,
        }

    def suite(s: SuiteResult) -> dict[str, Any]:
        return {
            "path": s.path,
            "name": s.name,
            "error": s.error,
            "warnings": s.warnings,
            "results": [row(i, r) for i, r in enumerate(s.rows, start=1)],
        }

    return json.dumps({"suites": [suite(s) for s in run.suites], "summary": run.counts()}, indent=2) + "\n"


def render_text(run: RunResult, *, detailed: bool = False, fail_only: bool = False) -> str:
    out: list[str] = []
    for s in run.suites:
        shown = [r for r in s.rows if not r.success] if fail_only else s.rows
        if fail_only and not shown and s.error is None:
            continue
        out.append(f"Loading test {s.name} ( {s.path} ) ...")
        out.extend(f"  Warning: {w}" for w in s.warnings)
        if s.error is not None:
            out.append(f"  Error: {s.error}")
            out.append("")
            continue
        out.append(
            f"  Applying {_plural(s.policy_count, 'policy', 'policies')} to {_plural(s.resource_count, 'resource', 'resources')} ..."
        )
        out.append("  Checking results ...")
        out.append("")
        out.append(render_table(shown, detailed=detailed))
        out.append("")
    counts = run.counts()
    failed = [r for r in run.rows if not r.success]
    if failed and not fail_only:
        out.append("Aggregated Failed Test Cases : ")
        out.append(render_table(failed, detailed=detailed))
        out.append("")
    if counts["errors"]:
        out.append(f"{_plural(counts['errors'], 'test file', 'test files')} could not be run")
    out.append(
        f"Test Summary: {counts['pass'] + counts['skip']} tests passed and {counts['fail']} tests failed"
    )
    return "\n".join(out) + "\n"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@click.command("test")
@click.argument("dirs", nargs=-1, required=True)
@click.option(
    "-f", "--file-name", help="Test file name to look for (default: kyverno-test.yaml, and legacy test.yaml)."
)
@click.option(
    "-t",
    "--test-case-selector",
    "selector",
    default="",
    help='Run only some results: "policy=NAME,rule=NAME,resource=NAME", wildcards allowed.',
)
@click.option(
    "--detailed-results", is_flag=True, help="Add the rule message (or the resource diff) to each row."
)
@click.option("--fail-only", is_flag=True, help="Show only the failing rows.")
@click.option(
    "--junit",
    "junit_file",
    type=click.Path(dir_okay=False),
    help="Also write a JUnit XML report to this file.",
)
@click.option(
    "-o", "--output", type=click.Choice(["text", "json", "junit"]), default="text", show_default=True
)
@click.option("--require-tests", is_flag=True, help="Fail when no test file is found.")
@click.option(
    "--remove-color",
    is_flag=True,
    hidden=True,
    help="Accepted for kyverno compatibility; output has no color.",
)
def test_cmd(
    dirs: tuple[str, ...],
    file_name: str | None,
    selector: str,
    detailed_results: bool,
    fail_only: bool,
    junit_file: str | None,
    output: str,
    require_tests: bool,
    remove_color: bool,
) -> int:
    """Run the Kyverno test manifests found in DIRS (directories, searched recursively, or files)."""
    from argogate.reporters import junit
    from argogate.testrunner import TEST_FILE_NAMES, parse_selector, run

    sel = parse_selector(selector) if selector else None
    result = run(list(dirs), file_names=(file_name,) if file_name else TEST_FILE_NAMES, selector=sel)
    if not result.suites:
        click.echo("No test yamls available", err=output != "text")
        if require_tests:
            click.echo("error: no tests found", err=True)
            return 1
        return 0
    if junit_file:
        Path(junit_file).write_text(junit.render(result), encoding="utf-8")
    if output == "json":
        sys.stdout.write(render_json(result))
    elif output == "junit":
        sys.stdout.write(junit.render(result))
    else:
        sys.stdout.write(render_text(result, detailed=detailed_results, fail_only=fail_only))
    return result.exit_code
