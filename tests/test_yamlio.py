"""yamlio: documents, their start lines and error reports, checked against the stock PyYAML path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from argogate import yamlio
from argogate.errors import ArgogateError
from argogate.yamlio import K8sDumper, K8sLoader, YamlDocument, dump, dump_stream, load_file, load_stream
from tests.test_yamlfast import DOCUMENTS, DUMP_CASES, SCALARS, outcome, same

ROOT = Path(__file__).resolve().parent.parent


def _corpus(root: Path, every: int = 1) -> list[Path]:
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())
    return files[::every]


# the benchmark's generated manifests, made here from the same seeded generator (a fresh clone
# has no bench/work when the tests run)
GENERATED = Path("bench-generated")
CORPORA = [
    (ROOT.parent / "shared" / "conformance" / "kyverno-policies", 1),
    (ROOT / "tests", 1),
    (ROOT / "examples", 1),
    (GENERATED, 1),
]


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_gen", ROOT / "bench" / "gen.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    out = tmp_path_factory.mktemp("bench") / "manifests"
    gen.write_manifests(out, 400, per_file=50)
    return {GENERATED: out}


def reference_doc_start_lines(text: str) -> list[int]:
    starts = [1]
    for i, ln in enumerate(text.splitlines(), start=1):
        if ln.startswith("---") and (len(ln) == 3 or ln[3] in " \t#"):
            starts.append(i + 1)
    return starts


def reference_load_stream(text: str, file: str) -> list[YamlDocument]:
    """`load_stream` as it was before the fast loader: stock `yaml.load_all` and `splitlines`."""
    try:
        docs = list(yaml.load_all(text, Loader=K8sLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ArgogateError(f"invalid YAML: {problem}", file=file, line=line) from exc
    starts = reference_doc_start_lines(text)
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


def _result(load: Any, text: str) -> tuple[Any, ...]:
    try:
        docs = load(text, "f.yaml")
    except ArgogateError as exc:
        return ("argogate-error", exc.message, exc.file, exc.line, type(exc.__cause__), str(exc.__cause__))
    except Exception as exc:
        return ("error", type(exc), str(exc))
    return ("ok", [d.data for d in docs], [(d.file, d.line) for d in docs])


def assert_like_reference(text: str) -> None:
    want, got = _result(reference_load_stream, text), _result(load_stream, text)
    assert want[0] == got[0], (text, want, got)
    if want[0] == "ok":
        assert same(want[1], got[1])
        assert want[2] == got[2]
    else:
        assert want == got


LINE_TEXTS = [
    "",
    "---",
    "---\n",
    "a: 1\n---\nb: 2\n",
    "---\na: 1\n---\nb: 2\n",
    "a: 1\n--- # c\nb: 2\n--- \nc: 3\n---\td: 4\n",
    "a: 1\n----\nb: 2\n---x\n",
    "a: |\n  ---\n  text\n---\nb: 2\n",
    " ---\na: 1\n",
    "a: 1\r\n---\r\nb: 2\r\n",
    "a: 1\r---\rb: 2\r",
    "a: 1\n\x85---\nb: 2\n",
    "a: 1\u2028---\nb: 2\n",
    "a: 1\f\n---\nb: 2\n",
    "a: 1\v---\nb: 2\n",
    "a: 1\x1c---\nb: 2\n",
    "\n\n\n---\n\n\nx: 1\n---",
    "---\n---\n---\n",
    "# c\n---\n# only comments\n---\nk: v\n",
]


@pytest.mark.parametrize("text", LINE_TEXTS)
def test_doc_start_lines_match_splitlines(text: str) -> None:
    assert yamlio._doc_start_lines(text) == reference_doc_start_lines(text)
    assert_like_reference(text)


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("a: 1\n", [1]),
        ("a: 1\n---\nb: 2\n", [1, 3]),
        ("---\na: 1\n---\nb: 2\n", [2, 4]),
        ("a: 1\n---\n---\nb: 2\n", [1, 4]),
        ("# head\n---\na: 1\n--- # two\n\nb: 2\n", [3, 5]),
        ("a: 1\r\n---\r\nb: 2\r\n", [1, 3]),
    ],
)
def test_document_lines(text: str, lines: list[int]) -> None:
    assert [d.line for d in load_stream(text, "f.yaml")] == lines


def test_list_kind_is_flattened_and_nulls_dropped() -> None:
    text = "kind: List\nitems:\n- {kind: A}\n- null\n- {kind: B}\n---\n~\n---\nkind: C\n"
    docs = load_stream(text, "f.yaml")
    assert [(d.data["kind"], d.line) for d in docs] == [("A", 1), ("B", 1), ("C", 9)]
    assert load_stream("kind: List\nitems: {}\n", "f.yaml")[0].data == {"kind": "List", "items": {}}


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a:\n\tb: 1\n", "invalid YAML: found character that cannot start any token", 2),
        ("a: 1\n---\nb: [1, 2\n", "invalid YAML: did not find expected ',' or ']'", 4),
        ("a: b: c\n", "invalid YAML: mapping values are not allowed in this context", 1),
        ("a: *x\n", "invalid YAML: found undefined alias", 1),
        ("a: 1\nb: !foo 1\n", "invalid YAML: could not determine a constructor for the tag '!foo'", 2),
        ("? [a]\n: 1\n", "invalid YAML: found unhashable key", 1),
    ],
)
def test_errors_name_file_and_line(text: str, message: str, line: int) -> None:
    with pytest.raises(ArgogateError) as info:
        load_stream(text, "bad.yaml")
    assert (info.value.message, info.value.file, info.value.line) == (message, "bad.yaml", line)
    assert_like_reference(text)


def test_non_yaml_errors_pass_through_unchanged() -> None:
    with pytest.raises(ValueError, match="invalid literal for int"):
        load_stream("a: !!int x\n", "f.yaml")
    assert_like_reference("a: !!int x\n")


@pytest.mark.parametrize("text", SCALARS)
def test_scalars_like_reference(text: str) -> None:
    assert_like_reference(f"k: {text}\n")
    assert_like_reference(f"- {text}\n---\n{text}\n")


@pytest.mark.parametrize("text", DOCUMENTS)
def test_documents_like_reference(text: str) -> None:
    assert_like_reference(text)


@pytest.mark.parametrize(("root", "every"), CORPORA, ids=lambda v: str(v))
def test_differential_corpus(root: Path, every: int, corpora: dict[Path, Path]) -> None:
    root = corpora.get(root, root)
    assert root.is_dir(), f"{root} is missing: the corpus ships beside the project (../shared)"
    differ = []
    for path in _corpus(root, every):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        want, got = _result(reference_load_stream, text), _result(load_stream, text)
        if want[0] != got[0] or (want[1:] != got[1:] if want[0] != "ok" else not same(want, got)):
            differ.append(str(path))
    assert differ == []


def test_load_file(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text("a: 1\n---\nb: 2\n", encoding="utf-8")
    assert [(d.data, d.file, d.line) for d in load_file(f)] == [({"a": 1}, str(f), 1), ({"b": 2}, str(f), 3)]
    with pytest.raises(ArgogateError, match="cannot read file"):
        load_file(tmp_path / "missing.yaml")


class ReferenceDumper(yaml.CSafeDumper):  # type: ignore[misc]
    pass


def _reference_str_presenter(dumper: Any, data: str) -> Any:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


ReferenceDumper.add_representer(str, _reference_str_presenter)


def reference_dump_stream(docs: list[Any]) -> str:
    if not docs:
        return ""
    return str(
        yaml.dump_all(
            docs, Dumper=ReferenceDumper, sort_keys=False, default_flow_style=False, allow_unicode=True
        )
    )


def reference_dump(doc: Any) -> str:
    return str(
        yaml.dump(doc, Dumper=ReferenceDumper, sort_keys=False, default_flow_style=False, allow_unicode=True)
    )


@pytest.mark.parametrize("docs", DUMP_CASES, ids=range(len(DUMP_CASES)))
def test_dump_stream_and_dump_like_reference(docs: list[Any]) -> None:
    assert outcome(dump_stream, docs) == outcome(reference_dump_stream, docs)
    for doc in docs:
        assert outcome(dump, doc) == outcome(reference_dump, doc)


def test_dump_stream_shapes() -> None:
    assert dump_stream([]) == ""
    assert dump_stream([{"a": "x\ny"}, {"b": [1, None]}]) == "a: |-\n  x\n  y\n---\nb:\n- 1\n- null\n"
    assert dump({"k": "2024-01-01", "n": "1", "u": "é"}) == "k: '2024-01-01'\nn: '1'\nu: é\n"


def test_k8s_dumper_with_stock_pyyaml_calls_is_unchanged() -> None:
    doc = {"z": "multi\nline", "a": [True, "yes", 1.5]}
    for kwargs in ({}, {"sort_keys": False}):
        assert yaml.dump(doc, Dumper=K8sDumper, **kwargs) == yaml.dump(doc, Dumper=ReferenceDumper, **kwargs)


@pytest.mark.parametrize(("root", "every"), CORPORA, ids=lambda v: str(v))
def test_dump_differential_corpus(root: Path, every: int, corpora: dict[Path, Path]) -> None:
    root = corpora.get(root, root)
    assert root.is_dir(), f"{root} is missing: the corpus ships beside the project (../shared)"
    differ = []
    for path in _corpus(root, every):
        try:
            docs = [d.data for d in reference_load_stream(path.read_text(encoding="utf-8"), str(path))]
        except Exception:
            continue
        if dump_stream(docs) != reference_dump_stream(docs) or any(
            dump(d) != reference_dump(d) for d in docs
        ):
            differ.append(str(path))
    assert differ == []
