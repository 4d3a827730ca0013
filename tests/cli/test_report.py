"""`argogate report summarise` end to end: files and stdin, filters, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from argogate.cli import main

REPORT = {
    "apiVersion": "wgpolicyk8s.io/v1alpha2",
    "kind": "PolicyReport",
    "metadata": {"name": "argogate-web"},
    "results": [
        {
            "policy": "require-labels",
            "rule": "check-team",
            "result": "fail",
            "message": "labels required",
            "resources": [
                {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "namespace": "shop"}
            ],
        },
        {
            "policy": "unscored",
            "rule": "r",
            "result": "warn",
            "message": "w",
            "resources": [{"apiVersion": "v1", "kind": "Namespace", "name": "shop"}],
        },
    ],
}


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    f = tmp_path / "reports.json"
    f.write_text(json.dumps({"kind": "List", "items": [REPORT]}))
    return f


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        ([], 0, "2 violations of 2 rules in 2 namespaces"),
        (["--failures-only"], 0, "1 violation of 1 rule in 1 namespace"),
        (["--exit-on-violations"], 1, "require-labels/check-team: 1 (fail 1)"),
        (["--exit-on-violations", "--policy", "nothing-like-it"], 0, "no violations (1 report, 2 results)"),
        (["--failures-only", "--policy", "unscored", "--exit-on-violations"], 0, "no violations"),
    ],
)
def test_summarise_file(
    report_file: Path, args: list[str], code: int, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "summarise", *args, str(report_file)]) == code
    assert needle in capsys.readouterr().out


def test_json_output_and_two_files(report_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "summarise", "-o", "json", str(report_file), str(report_file)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["reports"] == 2 and doc["violations"] == 4


def test_stdin_and_bad_input_in_a_real_process(report_file: Path, tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "argogate", "report", "summarise"]
    proc = subprocess.run(
        [*cmd, "-"], input=report_file.read_text(), capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and "shop: 1  Deployment/web" in proc.stdout
    bad = tmp_path / "deploy.json"
    bad.write_text('{"kind": "Deployment"}')
    proc = subprocess.run([*cmd, str(bad)], capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert (
        proc.stderr.splitlines()[0]
        == f"error: {bad}: kind 'Deployment' is not a PolicyReport or a List of them"
    )
    proc = subprocess.run([*cmd, str(tmp_path / "missing.json")], capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "cannot read" in proc.stderr.splitlines()[0]


def test_readme_command_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The exact command in policies/README.md, "Moving a policy from Audit to Enforce"."""
    readme = (Path(__file__).resolve().parents[2] / "policies" / "README.md").read_text()
    line = next(
        ln.strip() for ln in readme.splitlines() if ln.strip().startswith("argogate report summarise")
    )
    argv = line.split()[1:]
    for name in argv[3:]:
        if not name.startswith("-"):
            (tmp_path / name).write_text(json.dumps({"kind": "List", "items": [REPORT]}))
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(argv) == 0
    finally:
        os.chdir(cwd)
    assert "require-labels/check-team" in capsys.readouterr().out
