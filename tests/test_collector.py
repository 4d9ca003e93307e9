"""The collector's tuning: set where batches run, put back after a command, and in workers."""

from __future__ import annotations

import gc

import pytest

from detector import collector
from detector.parallel import pmap


def _threshold(item: int, context: object) -> int:
    return gc.get_threshold()[0]


def test_for_batch_sets_and_restores_the_threshold():
    before = gc.get_threshold()
    with collector.for_batch():
        assert gc.get_threshold()[0] == collector.YOUNG_OBJECTS
        assert gc.get_threshold()[1:] == before[1:]
    assert gc.get_threshold() == before


def test_for_batch_restores_after_an_error():
    before = gc.get_threshold()
    try:
        with collector.for_batch():
            raise ValueError("a command that fails")
    except ValueError:
        pass
    assert gc.get_threshold() == before


def test_pool_workers_are_tuned_and_this_process_is_not():
    before = gc.get_threshold()
    assert set(pmap(_threshold, range(4), jobs=2)) == {collector.YOUNG_OBJECTS}
    assert gc.get_threshold() == before


def test_for_exit_flushes_output_and_freezes_what_is_left(capsys):
    print("a record", end="")  # buffered until flushed
    try:
        collector.for_exit()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert capsys.readouterr().out == "a record"


def test_the_command_exits_with_mains_code_after_for_exit(monkeypatch):
    from detector import cli

    calls = []
    monkeypatch.setattr(cli, "main", lambda: calls.append("main") or 3)
    monkeypatch.setattr(collector, "for_exit", lambda: calls.append("for_exit"))
    with pytest.raises(SystemExit) as exit_:
        cli.run()
    assert exit_.value.code == 3
    assert calls == ["main", "for_exit"]
