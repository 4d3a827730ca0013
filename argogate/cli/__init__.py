"""The `argogate` command: a click group whose subcommands load lazily.

`argogate --help` must stay cheap (the CMP sidecar runs us on every refresh), so
subcommand modules, and the heavy libraries they use, are imported only when
that subcommand runs. All errors end here: ArgogateError prints its message and
hint and exits with its code; anything else is an internal error (exit 3) whose
traceback is shown only with ARGOGATE_DEBUG=1.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from argogate import __version__
from argogate.errors import EXIT_INTERNAL, EXIT_USAGE, ArgogateError

_COMMANDS = {
    "apply": ("argogate.cli.apply", "apply_cmd", "Apply policies to resources, like `kyverno apply`."),
    "check": ("argogate.cli.check", "check_cmd", "Render a Git repo's apps as Argo CD would and gate them."),
    "cmp": ("argogate.cli.cmp", "cmp_cmd", "Argo CD config-management plugin: `cmp generate` gates one app."),
    "hook": ("argogate.cli.hook", "hook_cmd", "Argo CD PreSync hook: gate the synced revision, write PolicyReports."),
    "migrate": ("argogate.cli.migrate", "migrate_cmd", "Translate ClusterPolicy validate rules to ValidatingPolicies."),
    "report": ("argogate.cli.report", "report_cmd", "Summarise PolicyReports by policy, rule and namespace."),
    "test": ("argogate.cli.policytest", "test_cmd", "Run kyverno-test.yaml suites, like `kyverno test`."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(_COMMANDS) | set(super().list_commands(ctx)))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _COMMANDS:
            module, attr, _ = _COMMANDS[name]
            cmd = getattr(importlib.import_module(module), attr)
            return cmd  # type: ignore[no-any-return]
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _COMMANDS[name][2]) for name in sorted(_COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="argogate")
def cli() -> None:
    """argogate: a GitOps pre-sync policy gate for Argo CD, with Kyverno's semantics."""


def main(argv: list[str] | None = None) -> int:
    try:
        rv = cli.main(args=argv, prog_name="argogate", standalone_mode=False)
        return int(rv or 0)
    except ArgogateError as exc:
        click.echo(exc.render(), err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: never a bare traceback
        if os.environ.get("ARGOGATE_DEBUG"):
            raise
        click.echo(f"error: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("  hint: this is a bug in argogate; rerun with ARGOGATE_DEBUG=1 for a traceback and report it", err=True)
        return EXIT_INTERNAL


def run() -> None:
    sys.exit(main())


