"""Search throughput and p99 against a bare Flask endpoint, on the shipped library and on a
synthetic one 20 times larger, measured in one run.

For each library a throwaway database is migrated and loaded; OneTouch with its page cache,
OneTouch without it, and ``benchmarks/bare_app.py`` run under gunicorn with
``gunicorn.conf.py`` (2 sync workers each); wrk loads, in alternating rounds so that noise from
this shared machine falls on all alike: /search with the queries below in turn, cached and
uncached, /search without a query (the page's fixed cost), and the bare endpoint.

    python benchmarks/search.py [--rounds 5] [--seconds 10] [--connections 16] [--scale 20]
    python benchmarks/search.py --engine postgresql --output search_postgresql.json
    python benchmarks/search.py --library shipped     # or larger; both by default
    python benchmarks/search.py --baseline ../before  # a checkout of an earlier commit too

The larger library is generated into a temporary folder: every course of ``courses/`` again
under a province's name and slug, each lesson with sentences of the library drawn at random
added, so that copies differ in their words and in their length. Needs wrk (Debian: apt-get
install wrk); ``--engine postgresql`` needs the PostgreSQL server binaries (as the tests do).
``--baseline`` adds the uncached search of another checkout (``mkdir ../before; git archive
<commit> | tar -x -C ../before``), migrated, loaded and synced by its own code, to the same
rounds: on a machine shared with other work, a before and after measured side by side is the
fair comparison.
Writes benchmarks/results/search.json.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from lesson_page import RESULTS, ROOT, load_options, serve, wrk

from onetouch.text import slugify

QUERIES = ("dich vu cong", "lừa đảo", "ví điện tử", "định danh điện tử")
PROVINCES = ("Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh",
             "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai",
             "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên", "Hải Phòng", "Ninh Bình",
             "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng")
# A line of plain prose: no Markdown that could link, embed or break a copied lesson.
PROSE = re.compile(r"^[^\s#|!>\-*\d\[`<:].*[.?]$")
MARKUP = re.compile(r"[\[\]`<>|]")
ROTATE = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def sentences(library: Path) -> list[str]:
    found = []
    for lesson in sorted(library.glob("*/[0-9][0-9]-*.md")):
        for line in lesson.read_text(encoding="utf-8").split("---", 2)[-1].splitlines():
            if PROSE.match(line.strip()):
                found += [s for s in re.split(r"(?<=[.?])\s+", line.strip())
                          if s and not MARKUP.search(s)]
    return found


def synthetic(source: Path, target: Path, scale: int, seed: int = 1) -> Path:
    """``scale`` times the library: the courses as they are, then province editions."""
    rng = random.Random(seed)
    pool = sentences(source)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("README.md"))
    courses = sorted(p for p in source.iterdir() if (p / "course.yml").is_file())
    for province in PROVINCES[:scale - 1]:
        for course in courses:
            copy = target / f"{course.name}-{slugify(province)}"
            shutil.copytree(course, copy)
            settings = copy / "course.yml"
            text = settings.read_text(encoding="utf-8")
            text = text.replace(f"slug: {course.name}", f"slug: {copy.name}", 1)
            text = re.sub(r"^title: ([\"']?)(.*)\1$", rf"title: \1\2 ({province})\1", text,
                          count=1, flags=re.MULTILINE)
            settings.write_text(text, encoding="utf-8")
            for lesson in copy.glob("[0-9][0-9]-*.md"):
                _vary(lesson, pool, rng)
    return target


def _vary(lesson: Path, pool: list[str], rng: random.Random) -> None:
    """Add two to five paragraphs of the library's own sentences, drawn at random."""
    front, _, body = lesson.read_text(encoding="utf-8").partition("\n---\n")
    added = ["\n" + " ".join(rng.sample(pool, rng.randint(3, 8)))
             for _ in range(rng.randint(2, 5))]
    lesson.write_text(f"{front}\n---\n" + "\n".join(added) + "\n" + body, encoding="utf-8")


def prepare(instance: Path, courses: Path, database_url: str | None, code: Path = ROOT) -> dict:
    """A migrated, loaded and synced database, by the code of the checkout ``code``."""
    env = {**os.environ, "ONETOUCH_INSTANCE_PATH": str(instance),
           "ONETOUCH_COURSES_PATH": str(courses), "PYTHONPATH": str(code)}
    env.pop("DATABASE_URL", None)
    env.pop("ONETOUCH_DATABASE_URL", None)
    if database_url:
        env["ONETOUCH_DATABASE_URL"] = database_url
    for args in (("db", "upgrade"), ("geo", "load"), ("courses", "sync")):
        subprocess.run([sys.executable, "-m", "flask", "--app", "onetouch", *args], env=env,
                       cwd=code, check=True, capture_output=True)
    return env


def paths() -> list[str]:
    return ["/search?" + urllib.parse.urlencode({"q": query}) for query in QUERIES]


def hit_counts(base: str) -> dict[str, int]:
    """How many results each query's first page shows: a benchmark of empty pages would
    prove nothing."""
    counts = {}
    for query, path in zip(QUERIES, paths(), strict=True):
        page = urllib.request.urlopen(base + path, timeout=30).read().decode()  # noqa: S310
        shown = re.search(r"Kết quả (\d+)–(\d+) cho", page)
        if not shown:
            raise SystemExit(f"no result for {query!r}: nothing to measure")
        counts[query] = int(shown.group(2))
    return counts


# What is loaded, on which server. "search" is what an anonymous visitor gets: a query
# already asked in that worker since the last sync comes from the page cache. "uncached" is
# the search itself, every request (a logged-in learner, or a query asked for the first
# time). "form" is /search without a query, uncached: the page's fixed cost, no search.
# Ports of their own: the other load benchmarks here take 8101 to 8103, and a server found
# answering on a port would be measured in place of the one meant.
SERVERS = {"search": 8131, "uncached": 8133, "bare": 8132, "baseline": 8134}
TARGETS = {"search": ("search", True), "uncached": ("uncached", True),
           "form": ("uncached", False), "bare": ("bare", False)}


def start(stop: ExitStack, env: dict, workers: int, baseline: dict | None) -> None:
    settings = {"search": ("wsgi:app", {**env, "ONETOUCH_PAGE_CACHE": "true"}),
                "uncached": ("wsgi:app", {**env, "ONETOUCH_PAGE_CACHE": "false"}),
                "bare": ("bare_app:app", {**env, "PYTHONPATH": str(ROOT / "benchmarks")})}
    servers = [serve(app, SERVERS[name], app_env, workers)
               for name, (app, app_env) in settings.items()]
    if baseline:
        servers.append(serve("wsgi:app", SERVERS["baseline"],
                             {**baseline, "ONETOUCH_PAGE_CACHE": "false"}, workers,
                             cwd=Path(baseline["PYTHONPATH"])))
    for server in servers:
        stop.callback(server.wait)
        stop.callback(server.terminate)


def chosen_libraries(args, scratch: Path) -> list[tuple[str, object]]:
    """(label, a function that gives the library's folder) for each library ``--library``
    asks for; the larger one is generated into ``scratch`` only when it is measured."""
    chosen = {"shipped": lambda: ROOT / "courses",
              "larger": lambda: synthetic(ROOT / "courses", scratch / "courses", args.scale)}
    return [(name if name == "shipped" else f"x{args.scale}", make)
            for name, make in chosen.items() if args.library in ("both", name)]


def measure(args, courses: Path, database_url: str | None, baseline_url: str | None) -> dict:
    with tempfile.TemporaryDirectory() as instance, ExitStack() as stop:
        started = time.monotonic()
        env = prepare(Path(instance), courses, database_url)
        loaded = time.monotonic() - started
        baseline = None
        if args.baseline:
            (Path(instance) / "baseline").mkdir()
            baseline = prepare(Path(instance) / "baseline", courses, baseline_url,
                               args.baseline.resolve())
        start(stop, env, args.workers, baseline)
        hits = hit_counts(f"http://127.0.0.1:{SERVERS['search']}")
        script = Path(instance) / "rotate.lua"
        script.write_text(ROTATE % ", ".join(json.dumps(path) for path in paths()))
        targets = TARGETS | ({"uncached, baseline": ("baseline", True)} if baseline else {})
        runs = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, (server, rotate) in targets.items():
                base = f"http://127.0.0.1:{SERVERS[server]}"
                options = ("-s", str(script)) if rotate else ()
                url = base if rotate else base + ("/search" if name == "form" else "/")
                runs[name].append(wrk(url, args.seconds, args.connections, *options))
    return summary(runs, courses, loaded, hits)


def summary(runs: dict, courses: Path, loaded: float, hits: dict) -> dict:
    median = {name: statistics.median(r["rps"] for r in rs) for name, rs in runs.items()}
    return {
        "courses": sum(1 for p in courses.iterdir() if (p / "course.yml").is_file()),
        "migrate_load_sync_seconds": round(loaded, 1),
        "results_per_query": hits,
        "runs": runs,
        "median_rps": median,
        "median_p99_ms": {n: statistics.median(r["p99_ms"] for r in rs) for n, rs in runs.items()},
        "errors": {name: sum(r["errors"] for r in rs) for name, rs in runs.items()},
        "ratio_to_bare": {name: median[name] / median["bare"] for name in runs},
    }


def database_urls(engine: str, stack: ExitStack):
    """None for SQLite (a file in each instance folder), or a new PostgreSQL database each."""
    if engine == "sqlite":
        while True:
            yield None
    sys.path.insert(0, str(ROOT))
    import psycopg

    from tests.postgres import PostgresServer, find_bindir

    server = PostgresServer(find_bindir() or sys.exit("no PostgreSQL server binaries"))
    server.start()
    stack.callback(server.stop)
    for number in range(1, 100):
        with psycopg.connect(server.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE bench_{number}")
        yield server.url(f"bench_{number}")


def main() -> None:
    parser = load_options(__doc__)
    parser.add_argument("--scale", type=int, default=20, help="size of the larger library")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--library", choices=("both", "shipped", "larger"), default="both")
    parser.add_argument("--baseline", type=Path, help="a checkout of an earlier commit")
    parser.add_argument("--output", default="search.json")
    args = parser.parse_args()
    libraries = {}
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        urls = database_urls(args.engine, stack)
        for label, courses in chosen_libraries(args, Path(scratch)):
            libraries[label] = measure(args, courses(), next(urls),
                                       next(urls) if args.baseline else None)
    report(args, libraries)


def machine(engine: str) -> str:
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    gib = f"{int(memory.group(1)) / 2**20:.0f} GiB" if memory else "? GiB"
    if engine == "sqlite":
        database = f"SQLite {sqlite3.sqlite_version}"
    else:
        from tests.postgres import find_bindir

        database = subprocess.run([str(find_bindir() / "postgres"), "--version"],
                                  capture_output=True, text=True, check=True).stdout.strip()
    return (f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, {gib}, "
            f"Python {platform.python_version()}, {database}")


def report(args, libraries: dict) -> None:
    result = {
        "command": "python benchmarks/search.py " + " ".join(sys.argv[1:]),
        "machine": machine(args.engine),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "settings": vars(args) | {"baseline": args.baseline and str(args.baseline)},
        "queries": QUERIES,
        "libraries": libraries,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.output).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({name: {k: library[k] for k in ("median_rps", "median_p99_ms", "errors",
                                                      "ratio_to_bare", "results_per_query")}
                      for name, library in libraries.items()}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
