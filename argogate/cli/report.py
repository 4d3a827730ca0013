"""`argogate report summarise FILE...`: violations in PolicyReports, by policy, rule and namespace.

The step before moving a policy from Audit to Enforce (policies/README.md): what would break,
and in whose namespace. Reads files or stdin (`-`); exit 0, or 1 with `--exit-on-violations`
when something is left after the filters; 2 when an input is not PolicyReport JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from argogate.errors import UsageError


@click.group("report")
def report_cmd() -> None:
    """Work with PolicyReports (argogate's own, or Kyverno's from a cluster)."""


@report_cmd.command("summarise")
@click.argument("inputs", nargs=-1, metavar="[FILE|-]...")
@click.option("--failures-only", is_flag=True, help="Only `fail` and `error` results (not `warn`).")
@click.option("--policy", "policies", multiple=True, metavar="NAME", help="Only this policy (repeatable).")
@click.option(
    "--exit-on-violations", is_flag=True, help="Exit 1 when any violation is left after the filters."
)
@click.option("-o", "--output", type=click.Choice(["text", "json"]), default="text", show_default=True)
def summarise_cmd(
    inputs: tuple[str, ...],
    failures_only: bool,
    policies: tuple[str, ...],
    exit_on_violations: bool,
    output: str,
) -> int:
    """Group the violations in PolicyReport JSON by policy, rule and namespace.

    FILE is `kubectl get policyreport -A -o json` or `kubectl get clusterpolicyreport -o json`
    output, or argogate's `--report-json` / `-o json`; `-` (the default) reads stdin.
    """
    from argogate.summarise import parse_reports, render_text, summarise, to_json

    reports = []
    for name in inputs or ("-",):
        if name == "-":
            text, where = sys.stdin.read(), "<stdin>"
        else:
            try:
                text, where = Path(name).read_text(encoding="utf-8"), name
            except OSError as exc:
                raise UsageError(
                    f"cannot read {name}: {exc.strerror}", hint="give PolicyReport JSON files, or - for stdin"
                ) from None
        reports += parse_reports(text, where)
    summary = summarise(reports, failures_only=failures_only, policies=policies)
    if output == "json":
        sys.stdout.write(json.dumps(to_json(summary), indent=2) + "\n")
    else:
        sys.stdout.write(render_text(summary))
    return 1 if exit_on_violations and summary.violations else 0
