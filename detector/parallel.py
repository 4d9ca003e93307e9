"""Run one function over many items: in this process, a local process pool, or a Dask cluster.

Index builds and scans hand their work to `pmap`; what changes with `--scheduler` is only
where the function runs. Work is submitted through a bounded window, so memory stays flat
however many items there are, and results come back as they finish (or in input order).

Each call gets a `context` next to its item: for local processes it is inherited through
fork (a loaded detector is shared, not copied); on Dask it is scattered to every worker once.
Local workers die with the process that started them, even when it is killed with `kill -9`.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from multiprocessing import get_context
from typing import Any

from detector import collector
from detector.errors import InputError, WorkerLostError

_context: Any = None


def default_jobs() -> int:
    """All cores, at most eight: scoring is CPU-bound and each worker holds a lexicon."""
    return max(1, min(os.cpu_count() or 1, 8))


def check_jobs(jobs: int) -> None:
    """Refuse a number of worker processes below one or above four a core (at least 64):
    more only wait for a core, each holding a lexicon, and thousands would exhaust the
    machine before the first result."""
    cores = os.cpu_count() or 1
    limit = max(64, 4 * cores)
    if not 1 <= jobs <= limit:
        raise InputError(f"jobs (--jobs) must be from 1 to {limit} on this machine "
                         f"({cores} cores), got {jobs}")


def _init(context: Any, parent: int) -> None:
    global _context
    _context = context
    # Ctrl-C reaches the whole process group: the parent stops the run and the pool, and a
    # worker finishes its task instead of dying with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the command's own handler (`cli.run`)
    die_with_parent(parent)
    collector.for_worker()


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_POLL_S = 0.5  # how often a worker checks, where the kernel does not tell it


def die_with_parent(parent: int) -> None:
    """End this worker process as soon as `parent` (the process that forked it) is gone.

    A pool worker waits for work on a pipe whose write end it holds itself (fork), so when its
    parent is killed with `kill -9` it would wait forever. On Linux the kernel SIGKILLs it when
    the parent goes (prctl PR_SET_PDEATHSIG); everywhere, a daemon thread also exits it once
    its parent process id changes (it was re-parented). The pool's processes are forked by the
    thread that iterates `pmap`, so that thread, not only the process, must outlive the pool.
    """
    _set_parent_death_signal()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                     name="spundetect-watch-parent").start()


def _set_parent_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


def _call(func: Callable, item: Any) -> Any:
    return func(item, _context)


def pmap(
    func: Callable[[Any, Any], Any],
    items: Iterable,
    *,
    context: Any = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    ordered: bool = False,
    window: int | None = None,
) -> Iterator:
    """Yield `func(item, context)` for every item, as each finishes (or in order if `ordered`).

    `scheduler` is a Dask scheduler address (`tcp://host:8786`); without it `jobs` local
    processes run the work (1: this process, no pool).
    """
    if scheduler:
        yield from _dask_map(func, items, context, scheduler, ordered, window)
        return
    jobs = jobs or default_jobs()
    check_jobs(jobs)
    if jobs <= 1:
        for item in items:
            yield func(item, context)
        return
    executor = ProcessPoolExecutor(jobs, mp_context=get_context("fork"), initializer=_init,
                                   initargs=(context, os.getpid()))
    try:
        yield from _windowed(lambda item: executor.submit(_call, func, item), items,
                             window or 4 * jobs, ordered, _local_wait)
    except BrokenProcessPool as err:
        raise WorkerLostError("a worker process ended abruptly (killed, or out of memory?); "
                              "run the command again (a scan continues with --resume)") from err
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _local_wait(pending: set) -> tuple[set, set]:
    done, rest = wait(pending, return_when=FIRST_COMPLETED)
    return set(done), set(rest)


def _windowed(submit, items: Iterable, window: int, ordered: bool, wait_any) -> Iterator:
    """Keep at most `window` items in flight; yield results as they finish or in order."""
    it = iter(items)
    position: dict = {}
    pending: set = set()
    finished: dict[int, Any] = {}
    next_out = 0
    count = 0
    for item in islice(it, window):
        fut = submit(item)
        position[fut] = count
        pending.add(fut)
        count += 1
    while pending:
        done, pending = wait_any(pending)
        for fut in done:
            result = fut.result()
            index = position.pop(fut)
            if ordered:
                finished[index] = result
            else:
                yield result
            nxt = next(it, _END)
            if nxt is not _END:
                new = submit(nxt)
                position[new] = count
                pending.add(new)
                count += 1
        if ordered:
            while next_out in finished:
                yield finished.pop(next_out)
                next_out += 1


_END = object()


# How long a command waits for the first worker to join a scheduler that has none: a
# cluster's workers may still be starting, but a scheduler nobody serves would wait forever.
WORKERS_TIMEOUT_S = 120.0


def connect(scheduler: str, timeout: str = "10s", workers_timeout: float | None = None):
    """A `dask.distributed.Client` for a running scheduler with at least one worker (waited
    for up to `workers_timeout` seconds, WORKERS_TIMEOUT_S by default), or a one-line reason
    why not."""
    try:
        from distributed import Client
    except ImportError as err:
        raise InputError(
            "--scheduler needs Dask: pip install 'spundetect[dask]' (on the workers too)"
        ) from err
    try:
        client = Client(scheduler, timeout=timeout, set_as_default=False)
    except Exception as err:  # refused, timed out, no port, another protocol answering...
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise InputError(f"cannot reach the Dask scheduler at {scheduler} ({reason})") from err
    wait_s = WORKERS_TIMEOUT_S if workers_timeout is None else workers_timeout
    try:
        client.wait_for_workers(1, timeout=wait_s)
    except TimeoutError as err:
        client.close()
        raise InputError(f"no Dask worker joined the scheduler at {scheduler} within "
                         f"{wait_s:g} s; start some with `dask worker {scheduler}`") from err
    except BaseException:
        client.close()
        raise
    return client


def _dask_map(func, items, context, scheduler: str, ordered: bool, window: int | None):
    from distributed import wait as dask_wait

    client = connect(scheduler)
    try:
        threads = sum(client.nthreads().values()) or 1
        shared = client.scatter(context, broadcast=True) if context is not None else None

        def submit(item):
            return client.submit(func, item, shared, pure=False)

        def wait_any(pending):
            with client.as_current():
                result = dask_wait(list(pending), return_when="FIRST_COMPLETED")
            return set(result.done), set(result.not_done)

        yield from _windowed(submit, items, window or 4 * threads, ordered, wait_any)
    finally:
        client.close()
