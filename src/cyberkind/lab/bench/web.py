"""The web app under load: the wall's submit endpoint and ``/v1/check`` at rising concurrency.

The server is the real app under uvicorn in its own process, on 127.0.0.1, with a fresh
SQLite store and rate limits off; the load generator is a second process (asyncio + httpx,
one keep-alive connection per concurrent client) that holds ``concurrency`` requests in
flight for ``seconds`` per level. For each endpoint and level it reports requests per
second, p50 and p99 latency and the status codes. Afterwards it opens the store and checks
that every submission the server accepted (201 or 202) is stored exactly once, and nothing
else is.

**Usage**::

    >>> report = web_benchmarks(levels=(1, 4), seconds=2.0)
    >>> report["exactly_once"]["ok"]
    True
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import socket
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ._report import load_report, table

__all__ = ["DRAFTS", "LEVELS", "web_benchmarks", "web_markdown"]

LEVELS = (1, 4, 16, 64)
"""Concurrent clients per step."""

DRAFTS = (
    "Thank you so much for this post, it made my day!",
    "This is a stupid idea and you are an idiot for posting it.",
    "I disagree with the budget numbers; the second table double-counts travel.",
    "Congratulations on the new job, well deserved!",
    "Nobody asked for your opinion, just shut up.",
    "Could you share the recipe? It looks lovely.",
)
"""Drafts for ``/v1/check``: kind, hostile and neutral, as people type them."""

_WORD_TEXT = """
    neighbour teacher stranger nurse author artist librarian driver baker student coach
    gardener musician poet painter volunteer cook farmer
"""
_WORDS = _WORD_TEXT.split()
_ACTS = (
    "send a thank-you note to",
    "leave a kind comment for",
    "share the work of",
    "write a glowing review for",
    "tell a story about",
    "bake something for",
)


def idea_text(worker: int, n: int) -> str:
    """A distinct idea per (worker, n), so that the exactly-once check can match texts."""
    act = _ACTS[(worker + n) % len(_ACTS)]
    who = _WORDS[(worker * 7 + n) % len(_WORDS)]
    return f"{act} a {who} (idea {worker}.{n})"


def _serve(db: str, port: int, ready: Any) -> None:  # pragma: no cover - a child process
    import logging

    import uvicorn

    from ...web.app import create_app
    from ...web.context import RateLimits

    logging.disable(logging.WARNING)
    app = create_app(db=db, limits=RateLimits.off())
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", ws="none")
    server = uvicorn.Server(config)
    ready.set()
    server.run()


async def _drive(
    url: str, path: str, concurrency: int, seconds: float, level: int
) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    accepted: list[str] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient, worker_id: int) -> None:
        n = 0
        while time.perf_counter() < deadline:
            if path == "/api/ideas":
                text = idea_text(level * 1000 + worker_id, n)
                body = {
                    "text": text,
                    "author": f"Load {worker_id}",
                    "nonce": f"{level}.{worker_id}.{n}",
                }
            else:
                text = DRAFTS[(worker_id + n) % len(DRAFTS)]
                body = {"text": text}
            started = time.perf_counter()
            try:
                response = await client.post(path, json=body)
                status = response.status_code
            except httpx.HTTPError:
                status = 0
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1
            if path == "/api/ideas" and status in (201, 202):
                accepted.append(text)
            n += 1

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        await asyncio.gather(*(worker(client, i) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": 1000 * statistics.median(ordered) if ordered else None,
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        if ordered
        else None,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "accepted": accepted,
    }


def _load(url: str, path: str, level: int, seconds: float, out: Any) -> None:  # pragma: no cover
    out.put(asyncio.run(_drive(url, path, level, seconds, level)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def web_benchmarks(
    levels: Sequence[int] = LEVELS,
    seconds: float = 5.0,
    echo: Callable[[str], None] = lambda _line: None,
) -> dict[str, Any]:
    """Run the load benchmark; return the report (see the module docstring)."""
    import httpx

    from ...store.sqlite import SQLiteStore

    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        SQLiteStore(db).close()
        port = _free_port()
        ready = ctx.Event()
        server = ctx.Process(target=_serve, args=(db, port, ready), daemon=True)
        server.start()
        url = f"http://127.0.0.1:{port}"
        try:
            ready.wait(60)
            for _ in range(600):
                try:
                    httpx.get(f"{url}/api/ideas", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            # warm up: the first check loads the guard's tables
            httpx.post(f"{url}/v1/check", json={"text": DRAFTS[0]}, timeout=60)
            results: dict[str, list[dict[str, Any]]] = {"/api/ideas": [], "/v1/check": []}
            for path in results:
                for level in levels:
                    queue = ctx.Queue()
                    driver = ctx.Process(target=_load, args=(url, path, level, seconds, queue))
                    driver.start()
                    row = queue.get(timeout=seconds * 10 + 120)
                    driver.join(30)
                    results[path].append(row)
                    echo(
                        f"web {path} x{level}: {row['rps']:.0f} req/s, "
                        f"p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms"
                    )
        finally:
            server.terminate()
            server.join(30)
        accepted = [t for row in results["/api/ideas"] for t in row.pop("accepted")]
        for row in results["/v1/check"]:
            row.pop("accepted")
        with SQLiteStore(db) as store:
            stored = Counter(s.text for s in store.idea_submissions())
    wanted = Counter(accepted)
    duplicates = sum(1 for n in stored.values() if n > 1)
    missing = sum((wanted - stored).values())
    extra = sum((stored - wanted).values())
    return {
        "levels": list(levels),
        "seconds": seconds,
        "cpus": os.cpu_count(),
        "wall_submit": results["/api/ideas"],
        "check": results["/v1/check"],
        "exactly_once": {
            "accepted": len(accepted),
            "stored": sum(stored.values()),
            "missing": missing,
            "duplicated": duplicates,
            "unexpected": extra,
            "ok": missing == 0 and duplicates == 0 and extra == 0,
        },
    }


REPORT = "web_benchmark.json"


def load_web_report(output_dir: Path | None) -> dict[str, Any] | None:
    """The last ``--only web`` report in ``output_dir``, if there is one."""
    return load_report(output_dir, REPORT)


def web_summary(report: dict[str, Any] | None) -> str:
    """The benchmarks.md section from the separate web benchmark's latest report."""
    if report is None:
        return (
            "## Web app under load\n\nNot measured yet in this folder: run "
            "`cyberkind bench --only web --output-dir docs`.\n"
        )
    return web_markdown(report) + (
        "\nMeasured on its own (`cyberkind bench --only web --output-dir docs`, about a minute) "
        "because it starts servers and load processes; summarised here from "
        "[web_benchmark.json](web_benchmark.json).\n"
    )


def web_markdown(report: dict[str, Any]) -> str:
    """The report as the "Web app under load" section of docs/benchmarks.md."""
    rows = []
    for name, key in (
        ("POST /api/ideas (wall submit)", "wall_submit"),
        ("POST /v1/check", "check"),
    ):
        for row in report[key]:
            codes = ", ".join(f"{k}: {v}" for k, v in row["statuses"].items())
            rows.append(
                [
                    name,
                    row["concurrency"],
                    row["requests"],
                    f"{row['rps']:.0f}",
                    f"{row['p50_ms']:.1f}",
                    f"{row['p99_ms']:.1f}",
                    codes,
                ]
            )
    once = report["exactly_once"]
    verdict = (
        f"every one of the {once['accepted']} accepted submissions is stored exactly once"
        if once["ok"]
        else f"MISMATCH: {once['missing']} missing, {once['duplicated']} duplicated, "
        f"{once['unexpected']} unexpected of {once['accepted']} accepted"
    )
    return (
        "## Web app under load\n\n"
        "`cyberkind bench --only web`: the app under uvicorn in its own process on 127.0.0.1 "
        "(a fresh SQLite store, WAL, rate limits off), driven by a second process holding "
        f"N requests in flight for {report['seconds']:g} s per level (asyncio + httpx, "
        f"keep-alive); {report['cpus']} CPUs shared with the load generator. Each wall submission "
        "runs the guard on the idea and its author and looks for near-duplicates among every "
        "idea stored so far; the guard runs one request at a time (its memo tables are not "
        "thread-safe), so throughput is flat and latency grows with N.\n\n"
        + table(["endpoint", "N", "requests", "req/s", "p50 ms", "p99 ms", "statuses"], rows)
        + f"\n\nAfterwards, {verdict}.\n"
    )
