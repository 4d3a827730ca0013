"""Evaluate a large input on several cores: fork after parsing, one range of resources per task.

Evaluation is pure Python and CPU-bound, so threads do not help; processes do. With the
fork start method the workers inherit the compiled policies, the parsed resources and
the lookup index for free (copy-on-write), so nothing is sent to them but two integers
per task, and only the results travel back (pickled). `imap` keeps the ranges in order,
so the output is identical to a serial run.

Forking is only safe with no other thread alive (a lock held by another thread stays
held in the child forever), so a process that runs threads (`check` renders apps in a
thread pool) evaluates serially. `ARGOGATE_JOBS=1` turns this off; `ARGOGATE_JOBS=N`
caps the workers.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

MIN_RESOURCES = 2000
"""Below this, forking and pickling the results back costs more than a second core saves."""

_TASKS_PER_JOB = 8

_task: Callable[[int, int], Any] | None = None


def jobs_for(n_resources: int) -> int:
    """How many worker processes to use for `n_resources` (1: evaluate in this process)."""
    if n_resources < MIN_RESOURCES:
        return 1
    return workers()


def workers() -> int:
    """How many worker processes this process may fork (1: none): the cores, capped by
    `ARGOGATE_JOBS`, and 1 where forking is unsafe or unavailable."""
    configured = os.environ.get("ARGOGATE_JOBS", "").strip()
    # the cores this process may run on (a container's cpuset), not the machine's
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    jobs = int(configured) if configured.isdigit() else cores
    jobs = min(jobs, cores)
    # os.fork, not multiprocessing's start methods: importing multiprocessing for the question
    # would cost every small run (the plugin's) a few milliseconds
    if jobs <= 1 or not hasattr(os, "fork"):
        return 1
    if threading.active_count() > 1 or threading.current_thread() is not threading.main_thread():
        return 1
    return jobs


def ranges(n: int, parts: int) -> list[tuple[int, int]]:
    """`range(n)` cut into `parts` contiguous, near-equal, non-empty (start, stop) pieces."""
    parts = max(1, min(parts, n))
    size, extra = divmod(n, parts)
    out: list[tuple[int, int]] = []
    start = 0
    for i in range(parts):
        stop = start + size + (1 if i < extra else 0)
        out.append((start, stop))
        start = stop
    return [r for r in out if r[0] < r[1]]


def map_ranges(task: Callable[[int, int], Any], n: int, jobs: int) -> Iterator[tuple[int, Any]]:
    """`(start, task(start, stop))` over `range(n)` cut into pieces, run in `jobs` forked workers, in order."""
    import multiprocessing

    global _task
    _task = task
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            yield from pool.imap(_run, ranges(n, jobs * _TASKS_PER_JOB))
    finally:
        _task = None


def share_unchanged(new: Any, old: Any) -> Any:
    """`new`, with every subtree equal to the same place in `old` replaced by `old`'s object.

    A mutated resource comes back from a worker as a full copy; in a serial run it shares
    everything the patch did not touch with the original. Sharing again keeps the parent's
    memory where a serial run would have it (at 10,000 resources, ~60 MB less).
    """
    if new == old:
        return old
    if isinstance(new, dict) and isinstance(old, dict):
        for key, value in new.items():
            if key in old:
                new[key] = share_unchanged(value, old[key])
    elif isinstance(new, list) and isinstance(old, list):
        for i, value in enumerate(new[: len(old)]):
            new[i] = share_unchanged(value, old[i])
    return new


def _run(bounds: tuple[int, int]) -> tuple[int, Any]:
    assert _task is not None
    return bounds[0], _task(*bounds)
