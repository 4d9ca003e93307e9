"""The garbage collector tuned for batch scoring, in the processes that score, and for exit.

Scoring a pair allocates tens of thousands of short-lived objects beside a large heap that
lives as long as the process (the lexicon, the model). With Python's default of a collection
every 700 allocations the collector took 8% of a pair's time (1.2-1.4 ms of 15-18 ms); every
`YOUNG_OBJECTS` it takes 0.1 ms. The few reference cycles scoring makes are still collected.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

YOUNG_OBJECTS = 50_000  # allocations between two collections of the youngest generation


def for_worker() -> None:
    """Tune a pool worker for good: what it inherited (the model, the lexicon) is frozen, never
    scanned again, and young objects are collected every `YOUNG_OBJECTS` allocations."""
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])


@contextmanager
def for_batch() -> Iterator[None]:
    """Run a command in this process with the collector tuned, and put the settings back
    after (the command line runs in-process in tests and in users' scripts)."""
    before = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def for_exit() -> None:
    """The command line is about to exit: freeze what is left, so that exit frees it by
    reference counts without a last full collection of the run's objects (about 0.1 s of an
    exit after scoring). Cycles are left to the end of the process; output is flushed first."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError, AttributeError):  # closed (None when started
            stream.flush()  # without one), or the reader went away: nothing to keep
    gc.freeze()
