"""Split a large input across processes: each parses, evaluates and renders its own share.

`argogate apply` on thousands of resources spends its time parsing YAML, evaluating, and
encoding the output: pure Python, CPU-bound, and per resource. Forking once the policies
are compiled, giving each worker a contiguous run of the files (balanced by bytes) and
letting it parse, evaluate and render its share itself means only text and a few counts
travel back. The parent joins the parts in file order, so the output is byte for byte a
serial run's. (The engine's own `parallel` forks *after* parsing, and must pickle every
result back: at 10,000 resources that left half the run on one core.)

What one resource may need of another share is a lookup: its Namespace (labels for
namespaceSelector), a pull Secret, a ConfigMap; `Engine.lookup_kinds` says which kinds.
Workers send those objects up after parsing and receive everyone's before evaluating.
An engine that may look up anything (apiCall, clone, CEL) is not split, nor is an input
too small to pay for the fork, nor one file (the unit of a share).
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Generic, TypeVar

from argogate.engine import parallel
from argogate.engine.pipeline import Engine, Evaluation
from argogate.errors import ArgogateError, ResourceLoadError

T = TypeVar("T")

MIN_BYTES = 512 * 1024
"""Below this (about 500 resources, a quarter of a second of work) a fork does not pay."""

Render = Callable[[Evaluation], T]


def plan(files: Sequence[Path], engine: Engine) -> list[list[Path]] | None:
    """The files cut into one contiguous, byte-balanced share per worker; None: run serially."""
    if len(files) < 2 or engine.lookup_kinds() is None:
        return None
    sizes = [f.stat().st_size for f in files]
    total = sum(sizes)
    jobs = min(parallel.workers(), len(files))
    if total < MIN_BYTES or jobs <= 1:
        return None
    shares: list[list[Path]] = [[]]
    done = 0
    for f, size in zip(files, sizes, strict=True):
        # start the next share once this one holds its fair part of the bytes
        if shares[-1] and len(shares) < jobs and done >= total * len(shares) / jobs:
            shares.append([])
        shares[-1].append(f)
        done += size
    return shares


def run(shares: list[list[Path]], engine: Engine, render: Render[T]) -> Iterator[T]:
    """Each share's rendered evaluation, in order; a share's load error is raised as a serial
    run would raise it (the first in file order)."""
    keep = engine.lookup_kinds() or frozenset()
    ctx = multiprocessing.get_context("fork")
    workers: list[_Worker[T]] = []
    try:
        for share in shares:
            workers.append(_Worker(ctx, share, engine, keep, render))
        lookups = [w.receive() for w in workers]
        errors = [m for m in lookups if m[0] == "error"]
        if errors:
            _, message, file, line = errors[0]
            raise ResourceLoadError(message, file=file, line=line)
        lookup_objects = [obj for m in lookups for obj in m[1]]
        kinds = sorted({k for m in lookups for k in m[2]})
        for w in workers:
            w.conn.send((lookup_objects, kinds))
        del lookup_objects, lookups
        for w in workers:
            yield w.receive()[1]
    finally:
        for w in workers:
            w.stop()


class _Worker(Generic[T]):
    def __init__(self, ctx: Any, share: list[Path], engine: Engine, keep: frozenset[str], render: Render[T]) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_work, args=(child, share, engine, keep, render), daemon=True)
        self.process.start()
        child.close()

    def receive(self) -> Any:
        try:
            message = self.conn.recv()
        except EOFError:
            code = self.process.exitcode
            raise ArgogateError(
                f"a worker process ended without an answer (exit code {code})",
                hint="the machine may be short of memory; rerun with ARGOGATE_JOBS=1 to evaluate in one process",
            ) from None
        if message[0] == "crash":
            raise WorkerCrash(message[1])
        return message

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


class WorkerCrash(RuntimeError):
    """A bug inside a worker; the message carries the worker's traceback."""


def _work(conn: Connection, share: list[Path], engine: Engine, keep: frozenset[str], render: Render[Any]) -> None:
    from argogate.inputs import load_resource_files

    try:
        try:
            resources, origins = load_resource_files(share)
        except ArgogateError as exc:
            conn.send(("error", exc.message, exc.file, exc.line))
            return
        conn.send(("lookup", [r for r in resources if r.get("kind") in keep], {str(r.get("kind")) for r in resources}))
        lookup_objects, kinds = conn.recv()
        ev = engine.evaluate(resources, origins, lookup_objects=lookup_objects, kinds=kinds, jobs=1)
        del resources, lookup_objects
        conn.send(("done", render(ev)))
    except EOFError:
        return  # the parent gave up (another share failed to load)
    except BaseException:
        conn.send(("crash", traceback.format_exc()))
    finally:
        conn.close()
