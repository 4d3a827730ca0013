"""`argogate check [PATH|URL]`: render a repository's apps as Argo CD would, and gate them.

Outputs are `-o FORMAT` (stdout) or `-o FORMAT=FILE`, any mix in one run.
Exit 0 clean or audit-only, 1 an Enforce violation, 2 bad input or an app that
cannot be rendered, 3 an argogate bug.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from argogate import reporters
from argogate.cli._registry import build_verifier, registry_options
from argogate.errors import UsageError


def _outputs(specs: tuple[str, ...]) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for spec in specs or ("text",):
        fmt, _, dest = spec.partition("=")
        if fmt not in reporters.names():
            raise UsageError(
                f"unknown output format {fmt!r}", hint=f"choose from: {', '.join(reporters.names())}"
            )
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
@click.option(
    "--fail-on",
    type=click.Choice(["enforce", "audit"]),
    help="Also fail on Audit violations (default from .argogate.yaml).",
)
@click.option(
    "--token", envvar="ARGOGATE_GIT_TOKEN", help="HTTPS token for a remote URL (env ARGOGATE_GIT_TOKEN)."
)
@click.option("--ssh-key", envvar="ARGOGATE_GIT_SSH_KEY", help="SSH private key path for a remote URL.")
@click.option(
    "--cache-dir", type=click.Path(file_okay=False), envvar="ARGOGATE_CACHE_DIR",
    help="Reuse renders and verdicts of unchanged apps from here (default $XDG_CACHE_HOME/argogate; '' disables).",
)  # fmt: skip
@click.option(
    "--cache-max-mb", type=click.FloatRange(min=0), envvar="ARGOGATE_CACHE_MAX_MB",
    help="After the run, delete the least recently used cache entries beyond this size (default 256; 0 keeps none).",
)  # fmt: skip
@registry_options
def check_cmd(
    target: str,
    ref: str | None,
    apps: tuple[str, ...],
    outputs: tuple[str, ...],
    fail_on: str | None,
    token: str | None,
    ssh_key: str | None,
    cache_dir: str | None = None,
    cache_max_mb: float | None = None,
    **registry: Any,
) -> int:
    """Check every app in a Git repository (working tree, a local repo at --ref, or a URL)."""
    from argogate.cache import prune_after_run
    from argogate.check import run_check

    plan = _outputs(outputs)
    verifier = build_verifier(**registry)
    cache = _cache_dir(cache_dir)
    try:
        result = run_check(
            target,
            ref=ref,
            apps=apps,
            token=token,
            ssh_key=ssh_key,
            fail_on=fail_on,
            image_verifier=verifier,
            cache_dir=cache,
        )
    finally:
        prune_after_run(cache, cache_max_mb)  # the cache is content-addressed: nothing else bounds it
    for fmt, dest in plan:
        text = reporters.get(fmt)(result)
        if dest:
            try:
                Path(dest).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise UsageError(
                    f"cannot write {fmt} output to {dest}: {exc.strerror}", hint="check the path"
                ) from None
        else:
            sys.stdout.write(text)
    if ("text", None) not in plan:
        # the text report already shows them; otherwise an app that cannot be rendered must not pass silently
        for app in result.errors:
            assert app.error is not None
            head, _, hint = app.error.render().partition("\n")
            click.echo(f"{head} (app {app.name})" + (f"\n{hint}" if hint else ""), err=True)
    return result.exit_code()


def _cache_dir(option: str | None) -> str:
    from argogate.cache import default_dir

    return str(default_dir()) if option is None else option
