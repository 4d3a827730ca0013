"""GitHub Actions workflow commands: one annotation per finding, escaped so nothing can break out."""

from __future__ import annotations

import pytest

from argogate.model.run import CheckResult
from argogate.reporters import github


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"level": "error", "message": "m"}, "::error::m"),
        (
            {"level": "error", "message": "a\nb\r100%", "file": "x.yaml", "line": 4},
            "::error file=x.yaml,line=4::a%0Ab%0D100%25",
        ),
        (
            {"level": "warning", "message": "::error::x", "file": "a,b:c.yaml", "title": "[p/r] D/ns,n: x"},
            "::warning file=a%2Cb%3Ac.yaml,title=[p/r] D/ns%2Cn%3A x::::error::x",
        ),
        ({"level": "notice", "message": "m", "line": 3}, "::notice::m"),
    ],
)
def test_command_escaping(kwargs: dict[str, object], expected: str) -> None:
    level = str(kwargs.pop("level"))
    message = str(kwargs.pop("message"))
    assert github.command(level, message, **kwargs) == expected  # type: ignore[arg-type]


def test_one_line_per_annotation(check_run: CheckResult) -> None:
    lines = github.render(check_run).splitlines()
    commands = [ln for ln in lines if ln.startswith("::")]
    assert [c.split(" ", 1)[0] for c in commands] == [
        "::warning",
        "::warning",
        "::error",
        "::notice",
        "::warning",
        "::error",
    ]
    assert len(lines) == len(commands) + 1 and lines[-1].startswith("argogate: 4 apps, 2 errors")
    assert "file=apps/batch/cronjob.yaml,line=12," in commands[2]


def test_fail_on_audit(check_run: CheckResult) -> None:
    check_run.fail_on = "audit"
    out = github.render(check_run)
    assert (
        "::error file=charts/api/templates/deployment.yaml,line=3,title=[require-labels/check-labels]" in out
    )
