"""Parallel evaluation: forked workers give exactly the serial answer, in order."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from argogate.engine import parallel
from argogate.engine.pipeline import Engine
from argogate.policies import load_policies

STARTER = Path(__file__).resolve().parents[2] / "policies"


@pytest.mark.parametrize(
    ("n", "parts", "expected"),
    [
        (10, 3, [(0, 4), (4, 7), (7, 10)]),
        (2, 5, [(0, 1), (1, 2)]),
        (0, 4, []),
        (7, 1, [(0, 7)]),
    ],
)
def test_ranges(n: int, parts: int, expected: list[tuple[int, int]]) -> None:
    assert parallel.ranges(n, parts) == expected


def test_jobs_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    # a thread another test left running (a loopback server) would make forking unsafe here
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    monkeypatch.delenv("ARGOGATE_JOBS", raising=False)
    assert parallel.jobs_for(parallel.MIN_RESOURCES - 1) == 1
    assert parallel.jobs_for(parallel.MIN_RESOURCES) == 4
    monkeypatch.setenv("ARGOGATE_JOBS", "1")
    assert parallel.jobs_for(10 * parallel.MIN_RESOURCES) == 1
    monkeypatch.setenv("ARGOGATE_JOBS", "2")
    assert parallel.jobs_for(10 * parallel.MIN_RESOURCES) == 2
    monkeypatch.setenv("ARGOGATE_JOBS", "64")
    assert parallel.jobs_for(10 * parallel.MIN_RESOURCES) == 4


def test_no_fork_while_other_threads_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.delenv("ARGOGATE_JOBS", raising=False)
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 2)
    assert parallel.jobs_for(10 * parallel.MIN_RESOURCES) == 1


def test_map_ranges_keeps_order() -> None:
    out = list(parallel.map_ranges(lambda a, b: list(range(a, b)), 50, 2))
    assert [start for start, _ in out] == sorted(start for start, _ in out)
    assert [x for _, part in out for x in part] == list(range(50))


def test_share_unchanged_reuses_equal_subtrees() -> None:
    old = {"a": {"b": [1, {"c": 2}]}, "d": {"e": 1}, "f": [1, 2]}
    new = copy.deepcopy(old)
    new["d"]["x"] = 2
    new["f"].append(3)
    shared = parallel.share_unchanged(new, old)
    assert shared == {"a": {"b": [1, {"c": 2}]}, "d": {"e": 1, "x": 2}, "f": [1, 2, 3]}
    assert shared["a"] is old["a"]
    assert shared["d"] is not old["d"]
    assert parallel.share_unchanged(copy.deepcopy(old), old) is old


def _workloads(n: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(n):
        containers = [
            {"name": f"c{j}", "image": "nginx:latest" if i % 3 == 0 else f"ghcr.io/x/app:{j}"}
            for j in range(1 + i % 3)
        ]
        pod = {
            "spec": {
                "containers": containers,
                "volumes": [{"name": "tmp", "emptyDir": {}}] if i % 4 == 0 else [],
            }
        }
        if i % 5 == 0:
            out.append(
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "namespace": "ns"}, **pod}
            )
        else:
            out.append(
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "metadata": {"name": f"d{i}", "labels": {"team": "a"} if i % 2 else {}},
                    "spec": {"template": pod},
                }
            )
    return out


def test_parallel_evaluation_equals_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_policies([str(STARTER)], [])
    resources = _workloads(60)
    monkeypatch.setenv("ARGOGATE_JOBS", "1")
    serial = Engine(loaded.policies, loaded.exceptions, cel=loaded.cel).evaluate(copy.deepcopy(resources))
    monkeypatch.setattr(parallel, "MIN_RESOURCES", 10)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    monkeypatch.setenv("ARGOGATE_JOBS", "2")
    assert parallel.jobs_for(len(resources)) == 2
    forked = Engine(loaded.policies, loaded.exceptions, cel=loaded.cel).evaluate(copy.deepcopy(resources))
    assert serial.results
    assert forked.results == serial.results
    assert forked.resources == serial.resources
    assert forked.generated == serial.generated
    assert any(r != o for r, o in zip(serial.resources, resources, strict=True))


def test_no_fork_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.delenv("ARGOGATE_JOBS", raising=False)
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 2)
    assert parallel.workers() == 1
