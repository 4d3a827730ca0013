"""`argogate migrate`: ClusterPolicy validate rules -> ValidatingPolicies, proven on resources.

stdout carries the ValidatingPolicies (one YAML stream); stderr says, per rule, whether
it was translated and proven, or why not. Exit 0 when every translation that was
checked agrees with the original, 1 when a translation was dropped because its verdicts
differ, 2 on bad input.
"""

from __future__ import annotations

import sys

import click

from argogate.cli.apply import _GreedyCommand


@click.command("migrate", cls=_GreedyCommand)
@click.argument("policies", nargs=-1, required=True)
@click.option(
    "-r", "--resource", "resources", multiple=True, help="Resources to prove the translation on (repeatable)."
)
def migrate_cmd(policies: tuple[str, ...], resources: tuple[str, ...]) -> int:
    """Translate the validate rules of ClusterPolicy/Policy files into ValidatingPolicies.

    \b
    Only exact translations are emitted (see `argogate/migrate.py` for the list);
    with --resource both forms are evaluated and a rule is kept only when the
    verdicts agree on every resource.
    """
    from argogate.errors import UsageError
    from argogate.inputs import load_resources
    from argogate.migrate import migrate, prove
    from argogate.policies import load_policies
    from argogate.yamlio import dump_stream

    loaded = load_policies(list(policies))
    if not loaded.policies:
        raise UsageError("no ClusterPolicy or Policy found in " + ", ".join(policies))
    objects, _ = load_resources(list(resources)) if resources else ([], [])
    out, failed = [], False
    for policy in loaded.policies:
        migration = migrate(policy)
        mismatches = prove(policy, migration, objects)
        failed = failed or bool(mismatches)
        for rule, vpol in migration.translated:
            proof = f"proven on {len(objects)} resource(s)" if objects else "not proven (no --resource)"
            click.echo(
                f"translated: {policy.report_name}/{rule} -> {vpol['metadata']['name']} ({proof})", err=True
            )
            out.append(vpol)
        for rule, reason in migration.skipped:
            click.echo(f"not translated: {policy.report_name}/{rule}: {reason}", err=True)
    sys.stdout.write(dump_stream(out))
    return 1 if failed else 0
