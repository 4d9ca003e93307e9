"""A test hook: a process that kills itself at a known point, so tests need not race a sleep.

Tests of what a `kill -9` leaves behind set an environment variable to N; the code that
writes (an index add, the scan writer) then sends SIGKILL to its own process once it has
written N items. Unset, as it always is outside tests, the hook does nothing.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

KILL_AFTER_DOCS = "SPUNDETECT_TEST_KILL_AFTER"  # documents written inside an index transaction
KILL_AFTER_RECORDS = "SPUNDETECT_TEST_KILL_AFTER_RECORDS"  # records written by `scan`


def killer(variable: str) -> Callable[[int], None] | None:
    """None unless `variable` is set; else a check that SIGKILLs this process at that count."""
    value = os.environ.get(variable, "")
    if not value:
        return None
    limit = int(value)

    def check(written: int) -> None:
        if written >= limit:
            os.kill(os.getpid(), signal.SIGKILL)

    return check
