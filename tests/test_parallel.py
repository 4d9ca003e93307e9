import os
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import Future
from pathlib import Path

import pytest

from detector import testhook
from detector.errors import InputError, SpundetectError
from detector.index import build
from detector.parallel import _windowed, connect, pmap
from tests.conftest import ROOT, corpus_files, crude_spin


def square_plus(item, context):
    return item * item + (context or 0), os.getpid()


def test_in_process_and_in_a_pool_give_every_result():
    one = [r for r, _ in pmap(square_plus, range(20), context=1, jobs=1)]
    assert one == [i * i + 1 for i in range(20)]
    results = list(pmap(square_plus, range(20), context=1, jobs=2))
    assert sorted(r for r, _ in results) == one
    assert os.getpid() not in {pid for _, pid in results}  # the pool did the work


def sigint_handler(item, context):
    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def test_pool_workers_leave_ctrl_c_to_their_parent():
    """Ctrl-C signals the whole process group; workers ignore it, the parent stops the run."""
    assert list(pmap(sigint_handler, range(4), jobs=2)) == [True] * 4
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN  # this process keeps its own


def dies_at_three(item, context):
    if item == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return item


def test_a_worker_killed_mid_run_is_one_error_not_a_traceback():
    with pytest.raises(SpundetectError, match="worker process ended abruptly"):
        list(pmap(dies_at_three, range(8), jobs=2))


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
    with pytest.raises(InputError, match=r"at nonsense \(missing port number"):
        connect("nonsense", timeout="1s")


def test_a_scheduler_without_workers_is_an_input_error():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=0, processes=False,
                                  dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        with pytest.raises(InputError, match=f"no Dask worker joined the scheduler at "
                                             f"{address} within 0.5 s; start some"):
            connect(address, workers_timeout=0.5)
        cluster.scale(1)
        client = connect(address, workers_timeout=60)  # one joins: no error
        assert len(client.nthreads()) == 1
        client.close()


# Workers die with their parent. Each test starts a process with a mark in its environment,
# which its workers inherit, lets it SIGKILL itself at a known point (a test hook) and then
# waits, up to a deadline, for every process carrying the mark to be gone.

MARK = "SPUNDETECT_TEST_MARK"
needs_proc = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")


def marked(mark: str) -> list[int]:
    """Live processes whose environment holds MARK=mark (a zombie's environment reads empty)."""
    wanted = f"{MARK}={mark}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if wanted in environ.split(b"\0"):
                pids.append(int(entry.name))
    return pids


def run_until_killed(cmd: list[str], env: dict, tmp_path: Path) -> list[int]:
    """Run `cmd`, which SIGKILLs itself; the marked processes left a few seconds after."""
    mark = uuid.uuid4().hex
    log = tmp_path / "stderr.txt"
    with open(log, "w") as err:  # not a pipe: orphaned workers would hold it open
        killed = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **env, MARK: mark},
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, timeout=120)
    assert killed.returncode == -signal.SIGKILL, log.read_text()
    deadline = time.monotonic() + 10
    left = marked(mark)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)  # waiting for an exit that is due, not racing it
        left = marked(mark)
    for pid in left:  # do not leak them into the rest of the session
        os.kill(pid, signal.SIGKILL)
    return left


@needs_proc
def test_pool_workers_exit_when_their_parent_is_killed_without_the_kernels_help(tmp_path):
    # the parent-id watch alone: the Linux parent-death signal is switched off in the child
    script = (
        "import os, signal\n"
        "from detector import parallel\n"
        "from tests.test_parallel import square_plus\n"
        "parallel._set_parent_death_signal = lambda: False\n"
        "for _ in parallel.pmap(square_plus, range(100), jobs=2):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    assert run_until_killed([sys.executable, "-c", script], {}, tmp_path) == []


@pytest.fixture(scope="module")
def small_index(tmp_path_factory) -> Path:
    location = tmp_path_factory.mktemp("idx") / "ref.sqlite"
    build(corpus_files(("1",))[:10], location, jobs=1)[0].close()
    return location


@needs_proc
@pytest.mark.parametrize("command", ["scan", "index add", "index build"])
def test_workers_exit_when_the_command_is_killed(command, small_index, tiny_model_dir,
                                                 tmp_path):
    files = corpus_files(("1",))
    cli = [sys.executable, "-m", "detector.cli"]
    if command == "scan":
        suspects = tmp_path / "suspects"
        suspects.mkdir()
        for n, path in enumerate(files[:12]):
            (suspects / f"s{n:02d}.txt").write_text(crude_spin(path.read_text(), 0.3, seed=n))
        cmd = [*cli, "--model", str(tiny_model_dir), "scan", str(suspects), "--index",
               str(small_index), "--out", str(tmp_path / "out.jsonl"), "--jobs", "2"]
        hook = {testhook.KILL_AFTER_RECORDS: "3"}
    elif command == "index add":
        location = tmp_path / "ref.sqlite"
        location.write_bytes(small_index.read_bytes())
        cmd = [*cli, "index", "add", str(location), *map(str, files[10:]), "--jobs", "2"]
        hook = {testhook.KILL_AFTER_DOCS: "3"}
    else:
        cmd = [*cli, "index", "build", str(files[0].parent), str(tmp_path / "new.sqlite"),
               "--jobs", "2"]
        hook = {testhook.KILL_AFTER_DOCS: "3"}
    assert run_until_killed(cmd, hook, tmp_path) == []


@needs_proc
@pytest.mark.parametrize("command", ["index build", "scan --against"])
def test_ctrl_c_stops_a_parallel_command_with_one_line(command, tiny_model_dir, tmp_path):
    """Ctrl-C (SIGINT to the process group, sent by a test hook at a known point) ends the
    command with `interrupted` and 130: no worker's traceback, no worker left."""
    files = corpus_files(("1",))
    cli = [sys.executable, "-m", "detector.cli"]
    if command == "index build":
        cmd = [*cli, "index", "build", str(files[0].parent), str(tmp_path / "new.sqlite"),
               "--jobs", "2"]
    else:
        suspects = tmp_path / "suspects"
        suspects.mkdir()
        (suspects / "s.txt").write_text(crude_spin(files[0].read_text(), 0.3, seed=1))
        cmd = [*cli, "--model", str(tiny_model_dir), "scan", str(suspects), "--against",
               str(files[0].parent), "--jobs", "2"]
    mark = uuid.uuid4().hex
    env = {**os.environ, testhook.KILL_AFTER_DOCS: "3", testhook.SIGNAL: "SIGINT", MARK: mark}
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120,
                          start_new_session=True)  # its own process group, as in a terminal
    assert (done.returncode, done.stderr) == (130, "spundetect: interrupted\n")
    assert marked(mark) == []
    assert not [p for p in tmp_path.iterdir() if "sqlite" in p.name]  # the build's file too


@needs_proc
@pytest.mark.parametrize("fmt", ["sqlite", "parquet"])
def test_sigterm_stops_a_build_as_ctrl_c_does(fmt, tmp_path):
    """`kill` (SIGTERM, sent by the test hook at a known point) ends a build with 143, its
    files removed and no worker left; after `kill -9` the next build clears what was left."""
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    files = corpus_files(("1",))
    target = tmp_path / ("new.sqlite" if fmt == "sqlite" else "new-parts")
    cmd = [sys.executable, "-m", "detector.cli", "index", "build", str(files[0].parent),
           str(target), "--jobs", "2", *(["--format", "parquet"] if fmt == "parquet" else [])]
    mark = uuid.uuid4().hex
    for signal_name in ("SIGTERM", "SIGKILL"):
        env = {**os.environ, testhook.KILL_AFTER_DOCS: "3", testhook.SIGNAL: signal_name,
               MARK: mark}
        done = subprocess.run(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=120)
        if signal_name == "SIGTERM":
            assert (done.returncode, done.stderr) == (143, "")
            assert marked(mark) == []
            assert list(tmp_path.iterdir()) == []
        else:
            assert done.returncode == -signal.SIGKILL
    assert list(tmp_path.iterdir())  # what kill -9 left
    again = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "left by an interrupted build" in again.stderr
    assert target.exists()
