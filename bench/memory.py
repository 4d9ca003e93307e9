"""Memory of a process tree as the machine pays for it, sampled while a benchmark runs.

Peak resident set sizes (`ru_maxrss`) of a parent and its forked workers cannot be added up:
a worker forked from a large parent counts every page it shares with it. The proportional
set size (PSS, Linux's /proc/<pid>/smaps_rollup) charges each shared page to its sharers in
equal parts, so the PSS of the processes of a tree add up to the memory the tree holds.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (those alive now)."""
    found = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split():
                found += _tree(int(child))
    except OSError:  # gone, or no /proc
        pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_mb(pid: int | None = None) -> float:
    """Summed PSS in MB of a process (this one by default) and its descendants; 0 where
    /proc does not tell (not Linux)."""
    return sum(_pss_kb(p) for p in _tree(pid or os.getpid())) / 1024


class PeakPss:
    """Context manager sampling `tree_pss_mb()` of this process every `interval` seconds:
    `peak_mb` is the largest sum seen (None where /proc does not tell)."""

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self.peak_mb: float | None = None
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            now = tree_pss_mb()
            if now:
                self.peak_mb = max(self.peak_mb or 0.0, now)
            self.samples += 1
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> PeakPss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
