"""Split a tool's YAML output into objects the way Argo CD's repo-server does.

Argo CD splits generated manifests with the Kubernetes YAML-or-JSON decoder, skips empty and
`null` documents, flattens `*List` objects, and rejects any document that is not an object with a
`kind` (gitops-engine `pkg/utils/kube/kube.go` SplitYAMLToString; reposerver unmarshal). Helm marks
each document with a `# Source: chart/templates/x.yaml` comment, which is how findings find the
template again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from argogate.errors import RenderError
from argogate.yamlio import load_stream

_SEP = re.compile(r"^---(?:[ \t].*)?$", re.MULTILINE)
_SOURCE = re.compile(r"^# Source: (.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Chunk:
    text: str
    line: int
    source: str | None


def split_documents(text: str) -> list[Chunk]:
    """Documents with the 1-based line they start on and their `# Source:` comment, if any."""
    chunks: list[Chunk] = []
    pos = 0
    line = 1
    for m in _SEP.finditer(text):
        body = text[pos : m.start()]
        chunks.append(_chunk(body, line))
        line += body.count("\n") + 1
        pos = m.end() + 1
    chunks.append(_chunk(text[pos:], line))
    return [c for c in chunks if c.text.strip()]


def _chunk(body: str, line: int) -> Chunk:
    m = _SOURCE.search(body)
    return Chunk(body, line, m.group(1) if m else None)


def parse_objects(chunk: Chunk, *, where: str) -> list[dict[str, Any]]:
    """The objects of one document; List kinds flattened; RenderError when one is not a k8s object."""
    try:
        docs = load_stream(chunk.text, where)
    except Exception as exc:
        raise RenderError(
            f"rendered output is not valid YAML: {getattr(exc, 'message', exc)}", file=where
        ) from exc
    out: list[dict[str, Any]] = []
    for doc in docs:
        data = doc.data
        if not isinstance(data, dict):
            raise RenderError(f"rendered document is not an object: {str(data)[:60]!r}", file=where)
        if not data.get("kind"):
            # the message Argo CD's repo-server gives for the same document
            raise RenderError(f"Object 'Kind' is missing in '{_brief(data)}'", file=where)
        out.append(data)
    return out


def _brief(data: dict[str, Any]) -> str:
    text = repr(data)
    return text if len(text) <= 80 else text[:77] + "..."
