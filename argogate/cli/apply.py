"""`argogate apply`: policies x resources -> manifests on stdout, a report where asked.

Mirrors `kyverno apply`. stdout carries the resulting manifests (mutated, then
generated) as one YAML stream unless `-o` asks for a report there; diagnostics go
to stderr. Exit 0 when no Enforce rule failed, 1 when one did, 2 on bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from argogate import reporters
from argogate.cli._registry import build_verifier, registry_options
from argogate.errors import UsageError

_GREEDY = {"-r": "--resource", "--resource": "--resource", "-e": "--exception", "--exception": "--exception"}


class _GreedyCommand(click.Command):
    """`--resource a b c` means three resources (the conformance contract), like argparse's nargs='+'.

    Values after a greedy option run until the next option; POLICIES come first.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        out: list[str] = []
        current: str | None = None
        for arg in args:
            if arg in _GREEDY:
                current = _GREEDY[arg]
                out.append(current)
                continue
            if arg.startswith("-"):
                current = None
            elif current is not None and out and out[-1] != current:
                out.append(current)
            out.append(arg)
        return super().parse_args(ctx, out)


@click.command("apply", cls=_GreedyCommand)
@click.argument("policies", nargs=-1, required=True)
@click.option("-r", "--resource", "resources", multiple=True, required=True, help="Resource file or directory (repeatable).")
@click.option("-f", "--values-file", help="Kyverno CLI values file (variables, rule/resource values, namespace labels).")
@click.option("-u", "--userinfo", help="Kyverno CLI userinfo file (username, groups, roles, clusterRoles).")
@click.option("-e", "--exception", "exceptions", multiple=True, help="PolicyException file or directory (repeatable).")
@click.option(
    "--context-file",
    help="Kyverno CLI Context file (cli.kyverno.io/v1alpha1 Context: spec.resources answer lookups and "
    "CEL resource.Get/List, spec.images answers image.GetMetadata), or a plain resource file.",
)
@click.option("--report-json", type=click.Path(dir_okay=False), help="Write a PolicyReport-shaped JSON report here.")
@click.option("-o", "--output", type=click.Choice(reporters.names()), help="Print a report on stdout instead of the manifests.")
@click.option("--audit-fails", is_flag=True, help="Exit 1 on Audit failures too.")
@click.option("--preview", is_flag=True, help="Print the admission preview (mutate diffs, generated objects) on stderr.")
@registry_options
def apply_cmd(
    policies: tuple[str, ...],
    resources: tuple[str, ...],
    values_file: str | None,
    userinfo: str | None,
    exceptions: tuple[str, ...],
    context_file: str | None,
    report_json: str | None,
    output: str | None,
    audit_fails: bool,
    preview: bool,
    **registry: Any,
) -> int:
    """Apply POLICIES (files or directories) to the --resource files.

    \b
    Options that take files accept several after one flag:
      argogate apply policies/ --resource a.yaml b.yaml --exception ex.yaml
    --context-file takes a Kyverno CLI Context file (as `kyverno test`'s
    `context:`) or a plain resource file; its objects answer apiCall/configMap
    lookups and the CEL `resource.Get`/`List`, its images `image.GetMetadata`.
    """
    from argogate import applyparts, shard
    from argogate.engine.api import InMemoryLookup
    from argogate.engine.pipeline import Engine
    from argogate.inputs import load_context, load_resource_files, load_userinfo, load_values, resource_files
    from argogate.model.result import Report
    from argogate.policies import load_policies
    from argogate.reporters.policyreport import write_policy_report

    loaded = load_policies(list(policies), list(exceptions))
    for where, kind in loaded.unsupported:
        click.echo(f"warning: {where}: {kind} is not a policy kind this command evaluates; ignored", err=True)
    if not loaded.any:
        raise UsageError("no policies found in " + ", ".join(policies), hint="pass ClusterPolicy/Policy files or directories")
    files = resource_files(list(resources))
    cel_context = load_context(context_file) if context_file else None
    engine = Engine(
        loaded.policies,
        loaded.exceptions,
        values=load_values(values_file),
        admission=load_userinfo(userinfo),
        image_verifier=build_verifier(**registry),
        cel=loaded.cel,
        cel_context=cel_context,
    )
    # a context file's objects answer lookups for every resource: not split
    streamed = output in (None, "json") and not preview and not report_json and cel_context is None
    shares = shard.plan(files, engine) if streamed else None
    if shares is not None:
        # large input: each worker parses, evaluates and renders its share (`argogate.shard`)
        if output == "json":
            return applyparts.write_json(shard.run(shares, engine, applyparts.json_part), sys.stdout, name="argogate-resources", fail_on_audit=audit_fails)
        parts = shard.run(shares, engine, applyparts.manifests_part)
        return applyparts.write_manifests(parts, sys.stdout, sys.stderr, fail_on_audit=audit_fails)
    objects, origins = load_resource_files(files)
    if cel_context is not None:
        # the resources answer lookups too, before the context file's objects
        engine.lookup = InMemoryLookup([*objects, *cel_context.resources])
    ev = engine.evaluate(objects, origins)
    report = Report(ev.results)
    if report_json:
        with Path(report_json).open("w", encoding="utf-8") as fh:
            write_policy_report(report, fh)
    from argogate.model.run import single_run

    run = single_run(report)
    run.apps[0].objects, run.apps[0].generated, run.apps[0].originals = ev.resources, ev.generated, objects
    if preview:
        click.echo(reporters.get("preview")(run), err=True, nl=False)
    if output is None:
        return applyparts.write_manifests([applyparts.manifests_part(ev)], sys.stdout, sys.stderr, fail_on_audit=audit_fails)
    if output == "json" and not preview:
        # streamed entry by entry, with the objects let go first: at 10,000 resources the
        # report is ~45 MB of JSON, and building it in one piece tripled peak memory
        from argogate.reporters.policyreport import write_json

        del ev.resources[:], objects[:]
        write_json(run, sys.stdout)
    else:
        sys.stdout.write(reporters.get(output)(run))
    return report.exit_code(fail_on_audit=audit_fails)
