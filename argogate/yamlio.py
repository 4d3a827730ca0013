"""YAML/JSON streams read the way Kyverno and kubectl read them.

Kubernetes tooling parses YAML with go-yaml through sigs.k8s.io/yaml: YAML 1.1
booleans, but timestamps stay strings and `=` is a plain string. PyYAML's safe
loader would turn `2024-01-01` into a date and `=` into a value tag, so we drop
those two implicit resolvers. libyaml (CSafeLoader) is used when present: it is
the parse floor the benchmarks measure against, and `yamlfast` builds the Python
objects from its nodes about twice as fast as PyYAML's own constructor, with the
same results (it hands anything unusual back to PyYAML).

Each document also gets the line it starts on, so errors and findings can point
back to file:line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from argogate.errors import ArgogateError
from argogate.yamlfast import literal_block_str, make_dump_all, make_load_all

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class K8sLoader(_BaseLoader):  # type: ignore[misc]
    pass


K8sLoader.yaml_implicit_resolvers = {
    ch: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value")
    ]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class K8sDumper(_BaseDumper):  # type: ignore[misc]
    pass


K8sDumper.add_representer(str, literal_block_str)

_load_all = make_load_all(K8sLoader)
_dump_all = make_dump_all(K8sDumper, sort_keys=False, default_flow_style=False, allow_unicode=True)

YAML_SUFFIXES = (".yaml", ".yml", ".json")


class YamlDocument:
    """One parsed document and where it came from."""

    __slots__ = ("data", "file", "line")

    def __init__(self, data: Any, file: str, line: int) -> None:
        self.data = data
        self.file = file
        self.line = line


_DOC_MARKER = re.compile(r"^---(?=[ \t#]|$)", re.MULTILINE)
# line breaks `str.splitlines` knows besides "\n"; `re`'s `^`/`$` only know "\n"
_OTHER_BREAKS = re.compile("[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _doc_start_lines(text: str) -> list[int]:
    """1-based line where each `---`-separated document starts (best effort)."""
    if _OTHER_BREAKS.search(text) is not None:
        return _doc_start_lines_split(text)
    starts = [1]
    line, pos = 1, 0
    for m in _DOC_MARKER.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        starts.append(line + 1)
    return starts


def _doc_start_lines_split(text: str) -> list[int]:
    starts = [1]
    for i, ln in enumerate(text.splitlines(), start=1):
        if ln.startswith("---") and (len(ln) == 3 or ln[3] in " \t#"):
            starts.append(i + 1)
    return starts


def load_stream(text: str, file: str) -> list[YamlDocument]:
    """Parse a multi-document YAML (or JSON) text; raises `error_cls` with file:line."""
    try:
        docs = _load_all(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ArgogateError(f"invalid YAML: {problem}", file=file, line=line) from exc
    starts = _doc_start_lines(text)
    # a leading `---` produces an empty first slot; align from the end when counts differ
    if len(starts) > len(docs):
        starts = starts[len(starts) - len(docs) :]
    out: list[YamlDocument] = []
    for i, d in enumerate(docs):
        if d is None:
            continue
        line = starts[i] if i < len(starts) else 1
        if isinstance(d, dict) and d.get("kind") == "List" and isinstance(d.get("items"), list):
            out.extend(YamlDocument(item, file, line) for item in d["items"] if item is not None)
        else:
            out.append(YamlDocument(d, file, line))
    return out


def load_file(path: str | Path) -> list[YamlDocument]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ArgogateError(f"cannot read file: {exc.strerror}", file=str(path)) from exc
    return load_stream(text, str(path))


def expand_paths(paths: list[str], *, recursive: bool = True) -> Iterator[Path]:
    """Files named directly, plus YAML/JSON files found under directories, in a stable order."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            pattern = "**/*" if recursive else "*"
            for f in sorted(p.glob(pattern)):
                if f.is_file() and f.suffix in YAML_SUFFIXES:
                    yield f
        else:
            yield p


def dump_stream(docs: list[Any]) -> str:
    if not docs:
        return ""
    return _dump_all(docs)


def dump(doc: Any) -> str:
    return _dump_all([doc])


def locate(file: str, doc_line: int, path: tuple[str | int, ...]) -> int | None:
    """The line of `path` inside the document starting at `doc_line` (used on error paths only)."""
    try:
        text = Path(file).read_text(encoding="utf-8")
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except (OSError, yaml.YAMLError):
        return None
    node = None
    for n in nodes:
        if n is not None and n.start_mark.line + 1 >= doc_line:
            node = n
            break
    if node is None:
        return None
    best = node.start_mark.line + 1
    for key in path:
        if isinstance(node, yaml.MappingNode):
            found = None
            for k, v in node.value:
                if k.value == key:
                    found = (k, v)
                    break
            if found is None:
                return best
            best = found[0].start_mark.line + 1
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            best = node.start_mark.line + 1
        else:
            return best
    return best
