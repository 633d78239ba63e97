"""Run a generator in a second process while this one consumes what it yields.

A bulk load spends its time in two places: making the rows in Python and writing them into
the database. Only one process can write, but the making can move to the second core. Items
travel through a bounded queue, so the worker stays at most ``ahead`` items in front and
memory stays flat however large the load. They must be plain data (tuples, lists, dicts,
strings, numbers, None): they are serialised with ``marshal``, which reads them back about
twice as fast as pickle, and the reading is on the consumer's side, the busy one.

The worker is forked, so it starts at once with everything already imported; it must not use
the parent's database connections, and the generators given here don't. Where ``fork`` does
not exist, the generator simply runs in this process.
"""

from __future__ import annotations

import marshal
import multiprocessing
import queue
import traceback
from collections.abc import Callable, Iterator
from typing import Any

POLL_SECONDS = 1.0


class WorkerError(Exception):
    """The worker raised, or stopped without finishing."""


def in_worker(produce: Callable[..., Iterator[Any]], *args: Any, ahead: int = 2
              ) -> Iterator[Any]:
    """Yield what ``produce(*args)`` yields, made in a forked process."""
    if "fork" not in multiprocessing.get_all_start_methods():
        yield from produce(*args)
        return
    context = multiprocessing.get_context("fork")
    items = context.Queue(maxsize=ahead)
    worker = context.Process(target=_run, args=(items, produce, args), daemon=True)
    worker.start()
    try:
        while True:
            kind, item = _next(items, worker)
            if kind == "item":
                item = marshal.loads(item)  # noqa: S302 (bytes from our own worker)
            if kind == "done":
                return
            if kind == "error":
                raise WorkerError(item)
            yield item
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
        items.close()


def _next(items: multiprocessing.Queue, worker: multiprocessing.Process) -> tuple[str, Any]:
    while True:
        try:
            return items.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if not worker.is_alive():
                raise WorkerError(f"the worker stopped (exit code {worker.exitcode})") from None


def _run(items: multiprocessing.Queue, produce: Callable[..., Iterator[Any]],
         args: tuple) -> None:
    try:
        for item in produce(*args):
            items.put(("item", marshal.dumps(item)))
        items.put(("done", None))
    except BaseException:  # noqa: BLE001 (everything goes back to the parent to be raised)
        items.put(("error", traceback.format_exc()))
    items.close()
    items.join_thread()  # everything put must reach the pipe before the process exits
