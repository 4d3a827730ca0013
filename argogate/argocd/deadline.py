"""An internal deadline that ends the run with a readable message before Argo CD kills it.

Argo CD gives init + generate only the repo-server's gRPC deadline (60 s by default, and that also
pays for the git fetch and the tar transfer); at the deadline the plugin gets SIGKILL and the user
sees `signal: killed` or `context deadline exceeded` and nothing else. So argogate keeps its own,
earlier deadline: every tool run gets the remaining time as its timeout, the flow checks it between
steps, and in-process work (policy evaluation) is interrupted by a timer signal. The signal raises a
BaseException so that no `except Exception` inside the engine can swallow it; `guard` turns it into
`DeadlineExceeded` at the boundary.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType

from argogate.errors import DeadlineExceeded, ProcessError
from argogate.render.context import RenderContext

ALARM_GRACE = 0.5


class _Alarm(BaseException):
    pass


class Deadline:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self._end - self._clock())

    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def error(self, step: str) -> DeadlineExceeded:
        return DeadlineExceeded(f"argogate's internal deadline of {self.seconds:g} s ran out while {step}")

    def check(self, step: str) -> None:
        if self.expired():
            raise self.error(step)

    @contextmanager
    def guard(self, step: str) -> Iterator[None]:
        """Interrupt in-process work at the deadline (main thread only; elsewhere only `check` applies)."""
        self.check(step)
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def fire(signum: int, frame: FrameType | None) -> None:
            raise _Alarm()

        previous = signal.signal(signal.SIGALRM, fire)
        # a little after the deadline, so a tool run's own timeout (the more precise message) fires first
        signal.setitimer(signal.ITIMER_REAL, self.remaining() + ALARM_GRACE)
        try:
            yield
        except _Alarm:
            raise self.error(step) from None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


@dataclass
class DeadlineRenderContext(RenderContext):
    """A RenderContext whose tool runs get the deadline's remaining time as their timeout."""

    deadline: Deadline = field(default_factory=lambda: Deadline(60.0))

    def run(self, cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
        step = f"running `{' '.join(Path(str(c)).name if i == 0 else str(c) for i, c in enumerate(cmd[:3]))}`"
        self.deadline.check(step)
        budget = self.options.timeout
        self.options = replace(self.options, timeout=min(budget, self.deadline.remaining()))
        try:
            return super().run(cmd, cwd=cwd, env=env)
        except ProcessError as exc:
            if exc.returncode is None and self.deadline.expired():
                raise self.deadline.error(step) from None
            raise
        finally:
            self.options = replace(self.options, timeout=budget)
