"""A test hook: a process that kills itself at a known point, so tests need not race a sleep.

Tests of what a `kill -9` leaves behind set an environment variable to N; the code that
writes (an index add, the scan writer) then sends SIGKILL to its own process once it has
written N items. With `SPUNDETECT_TEST_SIGNAL=SIGINT` it sends SIGINT to its whole process
group instead, as Ctrl-C in a terminal does; with `SIGTERM`, SIGTERM to itself (`kill`).
Unset, as it always is outside tests, the hook does nothing.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

KILL_AFTER_DOCS = "SPUNDETECT_TEST_KILL_AFTER"  # documents written inside an index transaction
KILL_AFTER_RECORDS = "SPUNDETECT_TEST_KILL_AFTER_RECORDS"  # records written by `scan`
SIGNAL = "SPUNDETECT_TEST_SIGNAL"  # SIGKILL (the default) or SIGTERM to this process, or
# SIGINT to its process group (as Ctrl-C in a terminal)


def killer(variable: str) -> Callable[[int], None] | None:
    """None unless `variable` is set; else a check that sends `SIGNAL`'s signal (SIGKILL if
    unset) once the count reaches it."""
    value = os.environ.get(variable, "")
    if not value:
        return None
    limit = int(value)
    which = os.environ.get(SIGNAL, "SIGKILL")
    sent = False

    def check(written: int) -> None:
        nonlocal sent
        if written >= limit and not sent:
            sent = True
            if which == "SIGINT":
                os.killpg(os.getpgid(0), signal.SIGINT)
            else:
                os.kill(os.getpid(), signal.SIGTERM if which == "SIGTERM" else signal.SIGKILL)

    return check
