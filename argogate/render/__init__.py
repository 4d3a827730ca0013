"""Render an app the way Argo CD's repo-server would: Helm, Kustomize or a plain directory.

Renderers are small modules behind one Protocol, listed in `RENDERERS` (pre-commit's
`all_languages.py` pattern); `detect` picks one in Argo CD's order (`util/app/discovery/discovery.go`:
Chart.yaml -> Helm; kustomization.yaml/.yml/Kustomization -> Kustomize; otherwise a directory).
"""

from __future__ import annotations

from typing import Protocol

from argogate.errors import RenderError
from argogate.render import helm, kustomize, plain
from argogate.render._proc import Tools
from argogate.render.context import KUSTOMIZATION_FILES, RenderContext, RenderOptions, app_dir, detect
from argogate.render.model import AppSpec, RenderedApp, RenderedObject

__all__ = [
    "KUSTOMIZATION_FILES",
    "RENDERERS",
    "RenderContext",
    "RenderOptions",
    "Renderer",
    "Tools",
    "app_dir",
    "detect",
    "render_app",
]


class Renderer(Protocol):
    def __call__(self, app: AppSpec, ctx: RenderContext) -> list[RenderedObject]: ...


RENDERERS: dict[str, Renderer] = {
    "helm": helm.render,
    "kustomize": kustomize.render,
    "directory": plain.render,
}


def render_app(app: AppSpec, ctx: RenderContext) -> RenderedApp:
    """Render one app; its kind is the explicit source type or what `detect` finds."""
    kind = app.source_type or detect(app_dir(app, ctx.root))
    if kind not in RENDERERS:
        raise RenderError(f"app {app.name!r}: unknown source type {kind!r} (known: {', '.join(RENDERERS)})")
    before = len(ctx.warnings)
    objects = RENDERERS[kind](app, ctx)
    return RenderedApp(
        name=app.name,
        path=app.path,
        kind=kind,
        destination_namespace=app.destination_namespace,
        objects=objects,
        warnings=ctx.warnings[before:],
    )
