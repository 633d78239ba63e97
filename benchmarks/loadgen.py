"""A small HTTP/1.1 load generator on asyncio streams, for the benchmarks that need what wrk
cannot give: a fixed number of requests, each one different (a learner's own cookie and
form), and journeys in which one answer decides the next request.

No dependency beyond the standard library. Connections are kept alive when the server
allows it (a gthread or async worker) and opened again when it answers ``Connection:
close`` (gunicorn's sync workers). Every request's status and latency is kept; a
connection error counts as status 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import time
import urllib.parse
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One connection's worth of requests to ``base`` (http://host:port), with cookies."""

    def __init__(self, base: str, timeout: float = 60.0, user_agent: str = "onetouch-load"):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.timeout, self.user_agent = timeout, user_agent
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes | None = None,
                      headers: dict[str, str] | None = None) -> Answer:
        started = time.perf_counter()
        try:
            return await asyncio.wait_for(self._exchange(method, path, body, headers or {},
                                                         started), self.timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            await self.close()
            return Answer(0, {}, b"", time.perf_counter() - started)

    async def _exchange(self, method, path, body, headers, started) -> Answer:
        for attempt in (1, 2):  # a kept-alive connection the server has just closed: once more
            if self.writer is None:
                await self._connect()
            self.writer.write(self._head(method, path, body, headers) + (body or b""))
            try:
                await self.writer.drain()
                status, answer_headers = await self._read_head()
                break
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt == 2:
                    raise
        content = await self._read_body(answer_headers, method)
        if answer_headers.get("connection", "").lower() == "close":
            await self.close()
        return Answer(status, answer_headers, content, time.perf_counter() - started)

    def _head(self, method: str, path: str, body: bytes | None, headers: dict) -> bytes:
        lines = [f"{method} {self.prefix}{path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 f"User-Agent: {self.user_agent}", "Accept-Encoding: identity"]
        if self.cookies and "Cookie" not in headers:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
            headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def _read_head(self) -> tuple[int, dict[str, str]]:
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        headers: dict[str, str] = {}
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self._keep_cookie(value)
            headers[name] = value
        return status, headers

    def _keep_cookie(self, value: str) -> None:
        pair, _, attributes = value.partition(";")
        name, _, content = pair.strip().partition("=")
        if "max-age=0" in attributes.lower() or "expires=thu, 01 jan 1970" in attributes.lower():
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = content

    async def _read_body(self, headers: dict[str, str], method: str) -> bytes:
        if method == "HEAD":
            return b""
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readuntil(b"\r\n")
            return b"".join(chunks)
        if "content-length" in headers:
            return await self.reader.readexactly(int(headers["content-length"]))
        content = await self.reader.read()  # the server closes to end the body
        await self.close()
        return content


@dataclass
class Tally:
    """What a load run saw, per kind of request."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, Counter] = field(default_factory=dict)
    started: float = 0.0
    ended: float = 0.0
    cpu_seconds: float = 0.0

    def add(self, kind: str, answer: Answer) -> None:
        self.latencies.setdefault(kind, []).append(answer.seconds)
        self.statuses.setdefault(kind, Counter())[answer.status] += 1

    def summary(self, ok: Callable[[str, int], bool]) -> dict:
        seconds = self.ended - self.started
        kinds = {}
        for kind, latencies in sorted(self.latencies.items()):
            ordered = sorted(latencies)
            errors = sum(n for status, n in self.statuses[kind].items() if not ok(kind, status))
            kinds[kind] = {"requests": len(ordered), "rps": len(ordered) / seconds,
                           "p50_ms": 1000 * statistics.median(ordered),
                           "p99_ms": 1000 * ordered[min(len(ordered) - 1,
                                                        int(len(ordered) * 0.99))],
                           "errors": errors,
                           "statuses": {str(k): v for k, v in self.statuses[kind].items()}}
        total = sum(k["requests"] for k in kinds.values())
        return {"seconds": seconds, "requests": total, "rps": total / seconds,
                "errors": sum(k["errors"] for k in kinds.values()),
                "client_cpu_seconds": self.cpu_seconds, "kinds": kinds}


async def drive(jobs: Iterator, concurrency: int,
                run: Callable[[Client, object, Tally], Awaitable[None]], base: str,
                timeout: float = 60.0) -> Tally:
    """Run ``run(client, job, tally)`` for every job, ``concurrency`` at a time, each worker
    on its own connection; returns the tally with the wall time from first to last."""
    tally = Tally()
    cpu = os.times()

    async def worker() -> None:
        client = Client(base, timeout)
        try:
            for job in jobs:
                await run(client, job, tally)
        finally:
            await client.close()

    tally.started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    tally.ended = time.perf_counter()
    after = os.times()
    tally.cpu_seconds = (after.user - cpu.user) + (after.system - cpu.system)
    return tally
