"""A generator run in a second process: items in order, errors and deaths reported here."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from onetouch.stats import worker
from onetouch.stats.worker import WorkerError, in_worker


def numbers(count: int):
    for n in range(count):
        yield (n, f"dòng {n}", [n * 1.5, None])


def failing():
    yield 1
    raise ValueError("bad row")


def dying():
    yield 1
    os._exit(3)


def endless():
    n = 0
    while True:
        yield n
        n += 1


def test_items_arrive_in_order_and_intact():
    assert list(in_worker(numbers, 2000)) == list(numbers(2000))


def test_an_error_in_the_worker_is_raised_with_its_traceback():
    items = in_worker(failing)
    assert next(items) == 1
    with pytest.raises(WorkerError, match="ValueError: bad row"):
        next(items)


def test_a_worker_that_dies_is_noticed(monkeypatch):
    monkeypatch.setattr(worker, "POLL_SECONDS", 0.05)
    with pytest.raises(WorkerError, match="exit code 3"):
        list(in_worker(dying))


def test_stopping_early_stops_the_worker():
    items = in_worker(endless)
    assert [next(items) for _ in range(5)] == [0, 1, 2, 3, 4]
    items.close()
    assert multiprocessing.active_children() == []
