"""Rate limits are counted once for the whole site: across the workers of one machine (the
SQLite file by default) and across machines (Redis), per client address behind a proxy."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from onetouch.core.ratelimit_storage import SQLiteStorage
from tests.live import gunicorn, server_env

LIMITED = "/api/v1/certificates/no-such-token"  # 60 a minute; unknown, so 404 until limited
LIMIT = 60


def test_two_storages_on_one_file_share_their_counts(tmp_path):
    uri = f"sqlite:///{tmp_path / 'limits.sqlite3'}"
    one, other = SQLiteStorage(uri), SQLiteStorage(uri)  # as two workers would
    assert [one.incr("k", 60), other.incr("k", 60), one.incr("k", 60)] == [1, 2, 3]
    assert other.get("k") == 3
    assert time.time() + 55 < one.get_expiry("k") <= time.time() + 60
    other.clear("k")
    assert one.get("k") == 0


def test_a_window_starts_again_when_it_ends(tmp_path):
    storage = SQLiteStorage(f"sqlite:///{tmp_path / 'limits.sqlite3'}")
    storage.incr("k", 1)
    storage.incr("k", 1)
    time.sleep(1.05)
    assert storage.get("k") == 0
    assert storage.incr("k", 1) == 1
    assert storage.reset() == 1
    assert storage.check()


def _limited_client(app_for, database_url, **settings):
    return app_for(database_url, RATELIMIT_ENABLED=True, **settings).test_client()


def _allowed(client, addresses: str, times: int = LIMIT + 5) -> int:
    statuses = [client.get(LIMITED, headers={"X-Forwarded-For": addresses}).status_code
                for _ in range(times)]
    assert set(statuses) <= {404, 429}
    return statuses.count(404)


def test_behind_the_proxy_each_client_address_has_its_own_limit(app_for, database_url):
    client = _limited_client(app_for, database_url, PROXIES=1)
    assert _allowed(client, "198.51.100.7") == LIMIT
    assert _allowed(client, "198.51.100.8") == LIMIT
    # What a client writes itself comes before the address the proxy adds, and is ignored.
    assert _allowed(client, "203.0.113.9, 198.51.100.7", times=3) == 0


def test_without_a_proxy_forwarded_addresses_are_not_believed(app_for, database_url):
    client = _limited_client(app_for, database_url)
    assert _allowed(client, "198.51.100.7", times=40) == 40
    assert _allowed(client, "198.51.100.8", times=40) == LIMIT - 40


def _hit(url: str, times: int) -> list[int]:
    def get(_):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    # Eight at a time: four sync workers each take some, whichever is free.
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(get, range(times)))


@pytest.mark.slow  # gunicorn with one, then four workers
@pytest.mark.engines("sqlite")  # the counters are under test, not the database
@pytest.mark.parametrize("storage", ["sqlite file (default)", "redis"])
def test_a_limit_is_the_same_with_one_and_four_workers(request, database_url, tmp_path,
                                                       storage):
    allowed = {}
    for workers in (1, 4):
        env = server_env(database_url, tmp_path / f"instance-{workers}")
        if storage == "redis":
            redis = request.getfixturevalue("redis_server")
            env["ONETOUCH_RATELIMIT_STORAGE_URI"] = redis.url(database=workers)
        with gunicorn(env, workers=workers) as base:
            statuses = _hit(base + LIMITED, LIMIT + 20)
        assert set(statuses) == {404, 429}
        allowed[workers] = statuses.count(404)
    assert allowed == {1: LIMIT, 4: LIMIT}
