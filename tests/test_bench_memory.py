import multiprocessing
import sys
import time

import pytest

from bench.memory import PeakPss, tree_pss_mb

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _hold(mb: int, ready, release) -> None:
    block = bytearray(b"x" * (mb * 2**20))  # written, so its pages are the child's own
    ready.set()
    release.wait()
    assert len(block)


def test_a_child_s_own_memory_counts_in_its_parent_s_tree():
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    before = tree_pss_mb()
    child = context.Process(target=_hold, args=(80, ready, release))
    with PeakPss(interval=0.01) as memory:
        child.start()
        assert ready.wait(60)  # the child holds its 80 MB until released
        during = tree_pss_mb()
        seen = memory.samples
        deadline = time.monotonic() + 60
        while memory.samples < seen + 2 and time.monotonic() < deadline:
            time.sleep(0.01)  # a sample taken wholly while the child holds its memory
        release.set()
        child.join(60)
    assert child.exitcode == 0
    assert during - before >= 70
    assert memory.samples >= seen + 2 and memory.peak_mb >= during - 5  # the sampler saw it


def test_pages_a_forked_child_shares_with_its_parent_count_once():
    context = multiprocessing.get_context("fork")
    shared = bytearray(b"y" * (200 * 2**20))  # in the parent; the child leaves it alone
    alone = tree_pss_mb()
    ready, release = context.Event(), context.Event()
    child = context.Process(target=_hold, args=(1, ready, release))
    child.start()
    assert ready.wait(60)
    total = tree_pss_mb()
    release.set()
    child.join(60)
    assert len(shared) and child.exitcode == 0
    assert total < alone + 100  # the child's own few MB; summed RSS would count 200 MB twice
