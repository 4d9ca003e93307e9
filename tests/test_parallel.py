import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from detector.errors import InputError
from detector.parallel import _local_wait, _windowed, connect, pmap


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


def test_window_bounds_the_work_in_flight():
    lock = threading.Lock()
    state = {"now": 0, "most": 0}
    gate = threading.Semaphore(0)

    def work(item):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        gate.acquire(timeout=0.01)
        with lock:
            state["now"] -= 1
        return item

    with ThreadPoolExecutor(8) as pool:
        out = list(_windowed(lambda i: pool.submit(work, i), range(50), 3, False, _local_wait))
    assert sorted(out) == list(range(50)) and state["most"] <= 3


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
