"""`argogate test` end to end: output format, flags and exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from argogate.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kyverno-tests"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["test", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_passing_suite_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(FIXTURES / "passing"))
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == f"Loading test require-team-label ( {FIXTURES / 'passing' / 'kyverno-test.yaml'} ) ..."
    assert "  Applying 1 policy to 4 resources ..." in lines
    assert (
        "│ ID │ POLICY             │ RULE        │ RESOURCE                   │ RESULT │ REASON   │" in lines
    )
    assert (
        "│  3 │ require-team-label │ check-team  │ Pod/system-pod             │ Pass   │ Excluded │" in lines
    )
    assert "Aggregated Failed Test Cases : " not in lines
    assert lines[-1] == "Test Summary: 7 tests passed and 0 tests failed"


def test_failures_exit_1_and_are_aggregated(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(FIXTURES / "passing"), str(FIXTURES / "wrong-expectation"))
    assert code == 1
    agg = out.split("Aggregated Failed Test Cases : \n", 1)[1]
    assert "│  1 │ require-team-label │ check-team  │ Pod/bad-pod     │ Fail   │ Want pass, got fail │" in agg
    assert out.splitlines()[-1] == "Test Summary: 8 tests passed and 3 tests failed"


def test_fail_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--fail-only", str(FIXTURES / "passing"), str(FIXTURES / "wrong-expectation"))
    assert code == 1
    assert "require-team-label ( " not in out  # the all-passing suite is not shown
    assert "Pod/good-pod    │ Pass" not in out
    assert out.count("│ Fail   │") == 3
    assert out.splitlines()[-1] == "Test Summary: 8 tests passed and 3 tests failed"


def test_detailed_results_add_message(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "--detailed-results", str(FIXTURES / "values"))
    assert "│ REASON │ MESSAGE" in out
    assert "at most 3 replicas are allowed" in out


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "-o", "json", str(FIXTURES / "wrong-expectation"))
    data = json.loads(out)
    assert code == 1
    assert data["summary"] == {"pass": 1, "skip": 0, "fail": 3, "errors": 0}
    row = data["suites"][0]["results"][2]
    assert {k: row[k] for k in ("id", "rule", "expected", "actual", "result", "reason")} == {
        "id": 3,
        "rule": "deny-latest",
        "expected": "fail",
        "actual": "pass",
        "result": "fail",
        "reason": "Want fail, got pass",
    }


def test_junit_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    code, out, _ = _run(capsys, "--junit", str(report), str(FIXTURES / "legacy"))
    assert code == 0 and out.splitlines()[-1].startswith("Test Summary:")
    root = ET.parse(report).getroot()
    assert (root.get("tests"), root.get("failures")) == ("2", "0")


def test_selector(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "-t", "rule=deny-latest,resource=bad-pod", str(FIXTURES / "passing"))
    assert out.splitlines()[-1] == "Test Summary: 1 tests passed and 0 tests failed"


def test_file_name(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "-f", "test.yaml", str(FIXTURES))
    assert out.count("Loading test ") == 1 and "disallow-host-network" in out


def test_no_tests(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert _run(capsys, str(tmp_path))[:2] == (0, "No test yamls available\n")
    code, _, err = _run(capsys, "--require-tests", str(tmp_path))
    assert code == 1 and "no tests found" in err


def test_bad_input_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, str(tmp_path / "missing"))
    assert code == 2 and "test path does not exist" in err
    assert _run(capsys, "-t", "colour=blue", str(FIXTURES / "passing"))[0] == 2
    (tmp_path / "kyverno-test.yaml").write_text(
        "apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\npolicies: [nope.yaml]\n"
    )
    code, out, _ = _run(capsys, str(tmp_path))
    assert code == 1
    assert "  Error: " in out and "policy path does not exist" in out
    assert out.splitlines()[-2:] == [
        "1 test file could not be run",
        "Test Summary: 0 tests passed and 0 tests failed",
    ]
