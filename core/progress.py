"""Time-left estimates for progress bars (first-start index build, long generations)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field


def format_time_left(seconds: float | None) -> str:
    if seconds is None:
        return "estimating the time left"
    if seconds < 5:
        return "a few seconds left"
    if seconds < 90:
        return f"about {int(round(seconds / 5.0) * 5)} s left"
    if seconds < 90 * 60:
        return f"about {int(round(seconds / 60))} min left"
    return f"about {seconds / 3600:.1f} h left"


@dataclass
class TimeLeft:
    """Call with (done, total) as work advances; gives the seconds left at the rate seen so far (None: too early)."""

    min_elapsed: float = 1.0  # below this the rate is noise
    clock: callable = time.monotonic
    _start: float | None = field(default=None, init=False)
    _start_done: int = field(default=0, init=False)

    def seconds(self, done: int, total: int) -> float | None:
        now = self.clock()
        if self._start is None or done < self._start_done:
            self._start, self._start_done = now, done
        elapsed, progressed = now - self._start, done - self._start_done
        if total <= 0 or progressed <= 0 or elapsed < self.min_elapsed:
            return None
        return max(0.0, (total - done) * elapsed / progressed)

    def text(self, done: int, total: int) -> str:
        return format_time_left(self.seconds(done, total))
