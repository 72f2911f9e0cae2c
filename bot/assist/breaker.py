"""A circuit breaker: after a run of failures, stop calling a provider for a while.

A clinician waiting on a dead server would wait the whole timeout on every reflection; with
the breaker open they get the guided questions at once. After the pause one call is let
through to probe: success closes the breaker, failure opens it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Breaker:
    failures_to_open: int
    pause_seconds: float
    clock: Callable[[], float] = time.monotonic
    failures_in_a_row: int = 0
    open_until: float | None = None
    probing: bool = field(default=False)

    def allows(self) -> bool:
        if self.open_until is None:
            return True
        if self.clock() < self.open_until or self.probing:
            return False
        self.probing = True  # half-open: one call goes through
        return True

    def succeeded(self) -> None:
        self.failures_in_a_row, self.open_until, self.probing = 0, None, False

    def failed(self) -> None:
        self.failures_in_a_row += 1
        self.probing = False
        if self.open_until is not None or self.failures_in_a_row >= self.failures_to_open:
            self.open_until = self.clock() + self.pause_seconds
