import os
from concurrent.futures import Future

import pytest

from detector.errors import InputError
from detector.parallel import _windowed, connect, pmap


def square_plus(item, context):
    return item * item + (context or 0), os.getpid()


def test_in_process_and_in_a_pool_give_every_result():
    one = [r for r, _ in pmap(square_plus, range(20), context=1, jobs=1)]
    assert one == [i * i + 1 for i in range(20)]
    results = list(pmap(square_plus, range(20), context=1, jobs=2))
    assert sorted(r for r, _ in results) == one
    assert os.getpid() not in {pid for _, pid in results}  # the pool did the work


def test_ordered_keeps_input_order():
    results = [r for r, _ in pmap(square_plus, range(30), jobs=2, ordered=True, window=3)]
    assert results == [i * i for i in range(30)]


def windowed_run(window: int, ordered: bool, finish) -> tuple[list, dict]:
    """`_windowed` over 0..29 with futures the test finishes itself, one per wait, chosen by
    `finish` among the pending ones; counts how far submissions and reads ran ahead."""
    state = {"read": 0, "finished": 0, "most_in_flight": 0, "most_read_ahead": 0}
    in_flight: set = set()

    def items():
        for i in range(30):
            state["read"] += 1
            state["most_read_ahead"] = max(state["most_read_ahead"],
                                           state["read"] - state["finished"])
            yield i

    def submit(item):
        future = Future()
        future.set_result(item)
        in_flight.add(future)
        state["most_in_flight"] = max(state["most_in_flight"], len(in_flight))
        return future

    def wait_one(pending):
        done = finish(pending)
        in_flight.discard(done)
        state["finished"] += 1
        return {done}, pending - {done}

    return list(_windowed(submit, items(), window, ordered, wait_one)), state


def newest(pending):
    return max(pending, key=Future.result)


def test_window_bounds_the_work_in_flight_and_reads_items_lazily():
    out, state = windowed_run(3, False, newest)
    assert sorted(out) == list(range(30)) and out != list(range(30))  # as they finish
    assert state["most_in_flight"] == 3 and state["most_read_ahead"] == 3


def test_ordered_waits_for_the_oldest_result():
    out, state = windowed_run(4, True, newest)
    assert out == list(range(30))
    assert state["most_in_flight"] == 4


def test_dask_cluster_runs_the_same_work():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        results = [r for r, _ in pmap(square_plus, range(25), context=3,
                                      scheduler=cluster.scheduler_address, ordered=True)]
    assert results == [i * i + 3 for i in range(25)]


def test_unreachable_scheduler_is_an_input_error():
    pytest.importorskip("distributed")
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        connect("tcp://127.0.0.1:9", timeout="1s")
