from __future__ import annotations

from pathlib import Path

import pytest

from argogate.errors import ResourceLoadError
from argogate.render import RenderContext, detect, render_app
from argogate.render.model import AppSpec, DirectoryOptions
from argogate.render.plain import find_manifest_files, glob_match

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\n"


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)


def render(root: Path, path: str = "app", **opts: object) -> tuple[list[tuple[str, str]], list[str]]:
    ctx = RenderContext(root)
    app = AppSpec(name="a", path=path, directory=DirectoryOptions(**opts))  # type: ignore[arg-type]
    result = render_app(app, ctx)
    return [(o.name, str(o.origin)) for o in result.objects], result.warnings


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"Chart.yaml": "", "kustomization.yaml": ""}, "helm"),
        ({"kustomization.yaml": ""}, "kustomize"),
        ({"kustomization.yml": ""}, "kustomize"),
        ({"Kustomization": ""}, "kustomize"),
        ({"deploy.yaml": ""}, "directory"),
        ({"sub/Chart.yaml": ""}, "directory"),
    ],
)
def test_detect_in_argocd_order(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    write(tmp_path, files)
    assert detect(tmp_path) == expected


@pytest.mark.parametrize(
    ("pattern", "text", "match"),
    [
        ("*.yaml", "a.yaml", True),
        ("*.yaml", "sub/a.yaml", True),  # no separators: * crosses /
        ("{a,b}.yaml", "b.yaml", True),
        ("{a,b}.yaml", "c.yaml", False),
        ("sub/*", "sub/x/y.json", True),
        ("config-?.yml", "config-1.yml", True),
        ("[!x]*.yaml", "x1.yaml", False),
    ],
)
def test_glob_match(pattern: str, text: str, match: bool) -> None:
    assert glob_match(pattern, text) is match


def test_walk_order_recurse_include_exclude(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "b.yaml": "",
            "a.yml": "",
            "c.txt": "",
            "z.jsonnet": "",
            "sub/x.json": "",
            "sub/deep/y.yaml": "",
            "d.yaml": "",
        },
    )
    assert find_manifest_files(tmp_path, DirectoryOptions()) == ["a.yml", "b.yaml", "d.yaml", "z.jsonnet"]
    assert find_manifest_files(tmp_path, DirectoryOptions(recurse=True)) == [
        "a.yml",
        "b.yaml",
        "d.yaml",
        "sub/deep/y.yaml",
        "sub/x.json",
        "z.jsonnet",
    ]
    assert find_manifest_files(tmp_path, DirectoryOptions(recurse=True, include="sub/*")) == [
        "sub/deep/y.yaml",
        "sub/x.json",
    ]
    assert find_manifest_files(
        tmp_path, DirectoryOptions(recurse=True, exclude="{*.json,*.jsonnet,a.yml}")
    ) == [
        "b.yaml",
        "d.yaml",
        "sub/deep/y.yaml",
    ]


def test_objects_keep_file_and_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/multi.yaml": "# comment\n" + CM.format("one") + "---\n" + CM.format("two") + "---\n",
            "app/list.yaml": "apiVersion: v1\nkind: List\nitems:\n- "
            + CM.format("three").replace("\n", "\n  "),
            "app/one.json": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "four"}}',
        },
    )
    objects, warnings = render(tmp_path)
    assert objects == [
        ("three", "app/list.yaml:1"),
        ("one", "app/multi.yaml:1"),
        ("two", "app/multi.yaml:7"),
        ("four", "app/one.json:1"),
    ]
    assert warnings == []


def test_skip_marker_and_non_manifests(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/skipped.yaml": "# +argocd:skip-file-rendering\n" + CM.format("hidden"),
            "app/broken-but-skipped.yaml": "# +argocd:skip-file-rendering\nkind: [\n",
            "app/values.yaml": "replicas: 3\nimage: nginx\n",
            "app/real.yaml": CM.format("shown"),
            "app/lib.jsonnet": "{}",
        },
    )
    objects, warnings = render(tmp_path)
    assert [name for name, _ in objects] == ["shown"]
    assert any("values.yaml: ignored" in w for w in warnings)
    assert any("lib.jsonnet" in w and "jsonnet" in w for w in warnings)


def test_broken_manifest_is_an_input_error(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"app/bad.yaml": CM.format("ok") + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: [x\n"},
    )
    with pytest.raises(ResourceLoadError) as info:
        render(tmp_path)
    assert info.value.exit_code == 2
    assert info.value.file == "app/bad.yaml"
    assert info.value.line is not None and info.value.line >= 5
    assert "skip-file-rendering" in info.value.hint


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}]', "exactly one object"),
        ('{"apiVersion": "v1", "metadata": {"name": "a"}}', "Kind' is missing"),
        ('{"apiVersion": "v1",', "failed to unmarshal"),
    ],
)
def test_json_files_hold_one_object(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, {"app/x.json": text})
    with pytest.raises(ResourceLoadError, match=message):
        render(tmp_path)


def test_missing_app_path(tmp_path: Path) -> None:
    from argogate.errors import RenderError

    with pytest.raises(RenderError, match="does not exist"):
        render(tmp_path, path="nope")
    with pytest.raises(RenderError, match="outside the repository"):
        render(tmp_path, path="..")
