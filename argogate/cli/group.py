"""The click group behind `argogate`: subcommands load lazily, so `--help` imports none of them."""

from __future__ import annotations

import importlib

import click

from argogate import __version__

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
