"""Where an uncached search request spends its time: measured in the process, one request at
a time, on the libraries of benchmarks/search.py.

For each library a throwaway database is migrated and loaded as benchmarks/search.py does;
the application (page cache off) is called as a WSGI application, in turn, for /search
without a query and with each query of benchmarks/search.py, for a number of rounds. Inside
each request these are timed: the ranking statement (``search_index.ranked``: the index, the
join to what is shown, SQLAlchemy, the first use of the session's connection), the passages
(``search._hit`` for each result shown), the template (``render_template``), and the whole
request; what is left is Flask, the extensions' hooks, and the rollback at the end.

    python benchmarks/search_profile.py [--rounds 300] [--scale 20] [--library shipped]
    python benchmarks/search_profile.py --engine postgresql --output search_profile_postgresql.json

Medians in milliseconds, of this thread's CPU time ("cpu": waiting for the machine's other
work is not in it, nor is a PostgreSQL server's work) and of wall time ("wall"). Compare the
parts of one run rather than runs. Writes benchmarks/results/search_profile.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
from contextlib import ExitStack
from pathlib import Path

from search import QUERIES, ROOT, chosen_libraries, database_urls, machine, prepare
from werkzeug.test import create_environ

from onetouch.catalog import search as search_module
from onetouch.catalog import views


class Timer:
    """Wraps functions of the search path and adds up their time per request: the CPU time
    of this thread (what the machine's other work does not inflate much), and the wall
    time (which includes waiting for a PostgreSQL server)."""

    def __init__(self) -> None:
        self.current: dict[str, list[float]] = {}

    @staticmethod
    def now() -> tuple[float, float]:
        return time.thread_time(), time.perf_counter()

    def add(self, label: str, started: tuple[float, float]) -> None:
        cpu, wall = self.now()
        spent = self.current.setdefault(label, [0.0, 0.0])
        spent[0] += cpu - started[0]
        spent[1] += wall - started[1]

    def wrap(self, module, name: str, label: str) -> None:
        function = getattr(module, name)

        def timed(*args, **kwargs):
            started = self.now()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(label, started)

        setattr(module, name, timed)


def requests(app, timer: Timer, rounds: int) -> dict[str, dict[str, list[list[float]]]]:
    targets = {"form": create_environ("/search")}
    targets |= {query: create_environ("/search?" + urllib.parse.urlencode({"q": query}))
                for query in QUERIES}
    times: dict[str, dict[str, list[list[float]]]] = {name: {} for name in targets}
    for _ in range(rounds):
        for name, environ in targets.items():
            timer.current = {}
            started = timer.now()
            body = b"".join(app(dict(environ), lambda *_: None))
            timer.add("request", started)
            assert b"</html>" in body
            for part, spent in timer.current.items():
                times[name].setdefault(part, []).append([seconds * 1000 for seconds in spent])
    return times


def profile(courses: Path, database_url: str | None, rounds: int, timer: Timer) -> dict:
    with tempfile.TemporaryDirectory() as instance:
        env = prepare(Path(instance), courses, database_url)
        os.environ.update({**env, "ONETOUCH_PAGE_CACHE": "false"})
        from onetouch import create_app

        app = create_app()
        times = requests(app, timer, rounds)
        calls = layout_calls(app)
        with app.app_context():
            from onetouch.extensions import db

            db.engine.dispose()
    return {clock: {name: {part: median(values, index) for part, values in parts.items()}
                    for name, parts in times.items()}
            for index, clock in enumerate(("cpu", "wall"))} | {"cpu_us_per_call": calls}


# What the pieces the layout is made of cost in a template, inside a request: a translated
# string and a link, each called 20 times in a template, compared with an empty template.
CALLS = {"_() of a string": "{{ _('Trang chủ') }}", "url_for()": "{{ url_for('catalog.index') }}"}


def layout_calls(app, rounds: int = 300) -> dict[str, float]:
    empty = app.jinja_env.from_string("")
    costs = {}
    with app.test_request_context("/search"):
        for name, call in CALLS.items():
            template = app.jinja_env.from_string(call * 20)
            spent = {"calls": [], "empty": []}
            for _ in range(rounds):
                for key, which in (("calls", template), ("empty", empty)):
                    started = time.thread_time()
                    which.render()
                    spent[key].append(time.thread_time() - started)
            costs[name] = round((statistics.median(spent["calls"])
                                 - statistics.median(spent["empty"])) / 20 * 1e6, 1)
    return costs


def median(values: list[list[float]], clock: int) -> float:
    warm = len(values) // 10  # the first rounds fill the caches of Python, SQLAlchemy, SQLite
    return round(statistics.median(value[clock] for value in values[warm:]), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--scale", type=int, default=20, help="size of the larger library")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--library", choices=("both", "shipped", "larger"), default="both")
    parser.add_argument("--output", default="search_profile.json")
    args = parser.parse_args()
    timer = Timer()
    timer.wrap(search_module, "ranked", "ranking statement")
    if hasattr(search_module, "_load"):  # before 2026-12-01: two statements loaded the hits
        timer.wrap(search_module, "_load", "loading the hits")
    timer.wrap(search_module, "_hit", "passages")
    timer.wrap(views, "render_template", "template")
    libraries = {}
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        urls = database_urls(args.engine, stack)
        for label, courses in chosen_libraries(args, Path(scratch)):
            libraries[label] = profile(courses(), next(urls), args.rounds, timer)
    result = {
        "command": "python benchmarks/search_profile.py " + " ".join(sys.argv[1:]),
        "machine": machine(args.engine),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "settings": vars(args),
        "median_ms": libraries,
    }
    (ROOT / "benchmarks" / "results" / args.output).write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(libraries, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
