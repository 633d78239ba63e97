"""Where a logged-in learner's lesson request spends its time, measured in the process.

Flask's test client repeats each request; the figure is the CPU time per request (process
time), the best of the rounds, as this shared machine's noise only ever adds to it:

- bare: ``benchmarks/bare_app.py``'s endpoint, for scale;
- floor: the language switch with the learner's session (Flask, the session, the hooks);
- user: a route this script adds that only reads the logged-in user (the floor, the user's row
  and the connection's checkout and rollback);
- lesson: the learner's lesson page (the above, the learner's state, the personal blocks);
- state and blocks: those two parts alone, called inside one request.

    python benchmarks/learner_breakdown.py [--rounds 9] [--requests 200]

Writes benchmarks/results/lesson_page_breakdown.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

import bare_app
from learner import CSRF_FIELD, PASSWORD, PHONE, create
from lesson_page import RESULTS, ROOT, USER_AGENT, lesson_url, prepare


def per_request(run, requests: int, rounds: int) -> float:
    """Microseconds of CPU per call, the best of the rounds."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(requests):
            run()
        best = min(best, (time.process_time() - started) / requests * 1e6)
    return round(best, 1)


def app_and_client():
    from flask_login import current_user

    from onetouch import create_app

    app = create_app()
    app.add_url_rule("/_user", "breakdown_user", lambda: current_user.full_name)
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    form = client.get("/login").get_data(as_text=True)
    token = re.search(CSRF_FIELD, form).group(1)
    client.post("/login", data={"identifier": PHONE, "password": PASSWORD, "csrf_token": token})
    return client


def parts(app, client, lesson: str, requests: int, rounds: int) -> dict:
    """The learner's state and the personal blocks, inside one request to the lesson."""
    from flask import g

    from onetouch.catalog import pages
    from onetouch.learning import state

    cookie = f"session={client.get_cookie('session').value}"
    with app.test_request_context(lesson, headers={"Cookie": cookie, "User-Agent": USER_AGENT}):
        app.preprocess_request()
        shell = pages._shell("catalog/lesson.html", None)
        learner = state.for_page(shell.outline)
        assert learner.enrolled
        return {"state": per_request(lambda: state.for_page(shell.outline), requests, rounds),
                # Each time with a new CSRF token, as each request signs one.
                "blocks": per_request(lambda: (g.pop("csrf_token", None),
                                               pages._personal(shell, learner)), requests, rounds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as instance:
        env = prepare(Path(instance), ROOT / "courses")
        os.environ.update({k: v for k, v in env.items() if k.startswith("ONETOUCH_")})
        lesson = lesson_url(env, "")
        create(lesson.split("/")[2])
        client = app_and_client()
        bare = bare_app.app.test_client()
        runs = {"bare": lambda: bare.get("/"), "floor": lambda: client.get("/lang/vi?next=/"),
                "user": lambda: client.get("/_user"), "lesson": lambda: client.get(lesson)}
        for run in runs.values():
            assert run().status_code in (200, 302)
        result = {name: per_request(run, args.requests, args.rounds)
                  for name, run in runs.items()}
        result |= parts(client.application, client, lesson, args.requests, args.rounds)
    report = {"command": "python benchmarks/learner_breakdown.py " + " ".join(sys.argv[1:]),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                         f"Python {platform.python_version()}",
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "load_average": os.getloadavg(), "lesson": lesson,
              "cpu_microseconds_per_request": result}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lesson_page_breakdown.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
