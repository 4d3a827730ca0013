"""`argogate check [PATH|URL]`: render a repository's apps as Argo CD would, and gate them.

Outputs are `-o FORMAT` (stdout) or `-o FORMAT=FILE`, any mix in one run.
Exit 0 clean or audit-only, 1 an Enforce violation, 2 bad input or an app that
cannot be rendered, 3 an argogate bug.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from argogate import reporters
from argogate.errors import UsageError


def _outputs(specs: tuple[str, ...]) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for spec in specs or ("text",):
        fmt, _, dest = spec.partition("=")
        if fmt not in reporters.names():
            raise UsageError(f"unknown output format {fmt!r}", hint=f"choose from: {', '.join(reporters.names())}")
        out.append((fmt, dest or None))
    return out


@click.command("check")
@click.argument("target", default=".", metavar="[PATH|URL]")
@click.option("--ref", help="Branch, tag or commit to check (the working tree when omitted).")
@click.option("--app", "apps", multiple=True, help="Check only this app directory (repeatable).")
@click.option(
    "-o", "--output", "outputs", multiple=True,
    help=f"FORMAT or FORMAT=FILE, repeatable. Formats: {', '.join(reporters.names())}.",
)  # fmt: skip
@click.option("--fail-on", type=click.Choice(["enforce", "audit"]), help="Also fail on Audit violations (default from .argogate.yaml).")
@click.option("--token", envvar="ARGOGATE_GIT_TOKEN", help="HTTPS token for a remote URL (env ARGOGATE_GIT_TOKEN).")
@click.option("--ssh-key", envvar="ARGOGATE_GIT_SSH_KEY", help="SSH private key path for a remote URL.")
def check_cmd(
    target: str,
    ref: str | None,
    apps: tuple[str, ...],
    outputs: tuple[str, ...],
    fail_on: str | None,
    token: str | None,
    ssh_key: str | None,
) -> int:
    """Check every app in a Git repository (working tree, a local repo at --ref, or a URL)."""
    from argogate.check import run_check

    plan = _outputs(outputs)
    result = run_check(target, ref=ref, apps=apps, token=token, ssh_key=ssh_key, fail_on=fail_on)
    for fmt, dest in plan:
        text = reporters.get(fmt)(result)
        if dest:
            Path(dest).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    return result.exit_code()
