"""`helm template` with the arguments Argo CD passes (util/helm/cmd.go `template`, repository.go
`helmTemplate`), for helm 3 and helm 4 alike.

Argo CD runs, with cwd = the chart directory:
  helm template . --name-template <release|app name> --namespace <helm.namespace|destination ns>
    --kube-version <v> --set k=v... --set-string k=v... --set-file k=path... --values f...
    --values <values/valuesObject temp file> --api-versions v... --include-crds
    [--skip-schema-validation] [--skip-tests]
`--include-crds` is dropped by `skipCrds`. `--set` values have unescaped commas escaped
(cmd.go `cleanSetParameters`). Value files are relative to the chart, may be `$ref/...` for a
multi-source `ref:`, and must stay inside the repository. When declared dependencies are missing
from `charts/`, Argo CD runs `helm dependency build`; we do that in a scratch copy.
Each object's origin is the template named in helm's `# Source:` comment.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from argogate.errors import ConfigError, RenderError
from argogate.render.context import RenderContext, app_dir
from argogate.render.model import AppSpec, Origin, RenderedObject
from argogate.render.yamlstream import parse_objects, split_documents
from argogate.yamlio import K8sDumper, K8sLoader

_UNESCAPED_COMMA = re.compile(r"([^\\]),")


def clean_set_parameter(value: str) -> str:
    return _UNESCAPED_COMMA.sub(r"\1\\,", value)


def render(app: AppSpec, ctx: RenderContext) -> list[RenderedObject]:
    chart = app_dir(app, ctx.root)
    if ctx.options.helm_dependency_build and missing_dependencies(chart):
        chart = app_dir(app, ctx.scratch_root())
        ctx.run([ctx.tools.helm, "dependency", "build"], cwd=chart)
    with tempfile.TemporaryDirectory(prefix="argogate-helm-") as tmp:
        args = template_args(app, ctx, chart, Path(tmp))
        out = ctx.run([ctx.tools.helm, *args], cwd=chart)
    return parse_output(out, app, chart)


def template_args(app: AppSpec, ctx: RenderContext, chart: Path, tmp: Path) -> list[str]:
    h = app.helm
    args = ["template", ".", "--name-template", h.release_name or app.name]
    namespace = h.namespace or app.destination_namespace
    if namespace:
        args += ["--namespace", namespace]
    kube_version = h.kube_version or ctx.options.kube_version
    if kube_version:
        args += ["--kube-version", kube_version]
    for p in h.parameters:
        args += ["--set-string" if p.force_string else "--set", f"{p.name}={clean_set_parameter(p.value)}"]
    for fp in h.file_parameters:
        path = _inside(ctx.root, chart, fp.path, app, what="fileParameter")
        args += ["--set-file", f"{fp.name}={clean_set_parameter(str(path))}"]
    for vf in h.value_files:
        resolved = resolve_value_file(vf, app, ctx, chart)
        if resolved is not None:
            args += ["--values", resolved]
    extra = _extra_values(h.values_object, h.values)
    if extra is not None:
        extra_file = tmp / "values.yaml"
        extra_file.write_text(extra, encoding="utf-8")
        args += ["--values", str(extra_file)]
    for v in h.api_versions or ctx.options.api_versions:
        args += ["--api-versions", v]
    if not h.skip_crds:
        args.append("--include-crds")
    if h.skip_schema_validation:
        args.append("--skip-schema-validation")
    if h.skip_tests:
        args.append("--skip-tests")
    return args


def _extra_values(values_object: dict[str, Any] | None, values: str | None) -> str | None:
    # valuesObject wins over the values string (ApplicationSourceHelm.ValuesYAML)
    if values_object:
        return str(yaml.dump(values_object, Dumper=K8sDumper, sort_keys=False))
    if values and values.strip():
        try:
            yaml.load(values, Loader=K8sLoader)
        except yaml.YAMLError as exc:
            raise ConfigError(f"helm.values is not valid YAML: {exc}") from exc
        return values
    return None


def resolve_value_file(value_file: str, app: AppSpec, ctx: RenderContext, chart: Path) -> str | None:
    """A path helm can read, the URL as-is, or None when missing and `ignoreMissingValueFiles`."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", value_file):
        return value_file
    if value_file.startswith("$"):
        ref, _, rest = value_file[1:].partition("/")
        if ref not in app.ref_roots:
            raise RenderError(
                f"app {app.name!r}: value file {value_file!r} names ref {ref!r}, which is not a source of "
                "this repository",
                file=str(app.defined_in) if app.defined_in else None,
            )
        target = ctx.root / app.ref_roots[ref] / rest
        path = _inside(ctx.root, ctx.root, str(target), app, what="valueFile")
    else:
        path = _inside(ctx.root, chart, value_file, app, what="valueFile")
    if not path.is_file():
        if app.helm.ignore_missing_value_files:
            return None
        raise RenderError(
            f"app {app.name!r}: value file {value_file!r} not found",
            file=str(app.defined_in) if app.defined_in else None,
            hint="fix helm.valueFiles, or set helm.ignoreMissingValueFiles: true",
        )
    return str(path)


def _inside(root: Path, base: Path, path: str, app: AppSpec, *, what: str) -> Path:
    root_r = root.resolve()
    target = (base / path).resolve()
    if target != root_r and root_r not in target.parents:
        # Argo CD refuses files outside the repository root (util/security path traversal checks)
        raise RenderError(f"app {app.name!r}: {what} {path!r} is outside the repository")
    return target


def missing_dependencies(chart: Path) -> list[str]:
    """Dependencies declared in Chart.yaml (or requirements.yaml) with no copy under charts/."""
    declared: list[dict[str, Any]] = []
    for name in ("Chart.yaml", "requirements.yaml"):
        f = chart / name
        if f.is_file():
            try:
                doc = yaml.load(f.read_text(encoding="utf-8"), Loader=K8sLoader)
            except yaml.YAMLError as exc:
                raise RenderError(f"invalid YAML: {exc}", file=str(f)) from exc
            if isinstance(doc, dict) and isinstance(doc.get("dependencies"), list):
                declared += [d for d in doc["dependencies"] if isinstance(d, dict) and d.get("name")]
    charts = chart / "charts"
    present = {p.name for p in charts.iterdir()} if charts.is_dir() else set()
    missing = []
    for dep in declared:
        name = str(dep["name"])
        if name not in present and not any(p.startswith(f"{name}-") and p.endswith(".tgz") for p in present):
            missing.append(name)
    return missing


def parse_output(out: str, app: AppSpec, chart: Path) -> list[RenderedObject]:
    values_note = ", ".join(app.helm.value_files) or "values.yaml"
    seen: dict[str, int] = {}
    starts: dict[str, list[int] | None] = {}  # each template is read once, not once per document
    objects: list[RenderedObject] = []
    for chunk in split_documents(out):
        repo_file = _source_file(chunk.source, app)
        index = seen.get(chunk.source or "", 0)
        seen[chunk.source or ""] = index + 1
        line = _template_line(chart, chunk.source, index, starts)
        # the file already names the template; the detail adds what it was rendered with
        detail = f"helm template, values: {values_note}"
        for data in parse_objects(chunk, where=repo_file):
            objects.append(RenderedObject(data, Origin(repo_file, line, detail)))
    return objects


def _source_file(source: str | None, app: AppSpec) -> str:
    """`mychart/templates/x.yaml` -> `<app path>/templates/x.yaml` (the chart name is helm's prefix)."""
    if not source:
        return app.path
    rest = source.split("/", 1)[1] if "/" in source else source
    return rest if app.path in ("", ".") else f"{app.path.rstrip('/')}/{rest}"


def _template_line(
    chart: Path, source: str | None, index: int, cache: dict[str, list[int] | None]
) -> int | None:
    """Start line of the index-th document of the template, when the template file is in the tree."""
    if not source or "/" not in source:
        return None
    if source not in cache:
        f = chart / source.split("/", 1)[1]
        text = f.read_text(encoding="utf-8", errors="replace") if f.is_file() else None
        cache[source] = None if text is None else [c.line for c in split_documents(text)]
    starts = cache[source]
    if starts is None:
        return None
    if len(starts) == 1:
        return 1
    return starts[index] if index < len(starts) else None
