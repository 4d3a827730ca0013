"""Every registered reporter renders the same fixed run; the output must equal its golden file.

Regenerate after an intended change with `pytest tests/reporters --update-goldens`, then review
the diff of tests/reporters/golden/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from argogate import __version__, reporters
from argogate.model.run import CheckResult

GOLDEN = Path(__file__).resolve().parent / "golden"
SUFFIX = {"json": "json", "yaml": "yaml", "junit": "xml", "sarif": "sarif", "preview": "diff"}  # others: .txt
FORMATS = reporters.names()


def golden_path(fmt: str) -> Path:
    return GOLDEN / f"{fmt}.{SUFFIX.get(fmt, 'txt')}"


def rendered(fmt: str, run: CheckResult) -> str:
    # the tool version is the one field that changes without the format changing
    return reporters.get(fmt)(run).replace(f'"version": "{__version__}"', '"version": "VERSION"')


def test_no_stale_golden_files() -> None:
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(golden_path(f).name for f in FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(fmt: str, check_run: CheckResult, request: pytest.FixtureRequest) -> None:
    path = golden_path(fmt)
    out = rendered(fmt, check_run)
    if request.config.getoption("--update-goldens"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}; run pytest with --update-goldens"
    assert out == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendering_is_deterministic(fmt: str) -> None:
    from tests.reporters.conftest import build_run

    assert rendered(fmt, build_run()) == rendered(fmt, build_run())
