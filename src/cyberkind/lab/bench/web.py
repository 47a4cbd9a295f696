"""The web app under load: the wall's submit endpoint and ``/v1/check`` at rising concurrency.

The server is the real app under uvicorn in its own process, on 127.0.0.1, with a fresh
SQLite store and rate limits off; the load generator is a second process (asyncio + httpx,
one keep-alive connection per concurrent client) that holds ``concurrency`` requests in
flight for ``seconds`` per level. For each endpoint and level it reports requests per
second, p50 and p99 latency and the status codes. Afterwards it opens the store and checks
that every submission the server accepted (201 or 202) is stored exactly once, and nothing
else is.

Then the wall's probe (issue 14): ``clients`` clients post *distinct* ideas (none a
near-duplicate of another, so every one is published and the wall grows) until ``ideas`` are
in, against a second fresh store, and the report gives p50, p99 and the slowest submission,
with the load average before and after (the machine may be busy with other work).

**Usage**::

    >>> report = web_benchmarks(levels=(1, 4), seconds=2.0)
    >>> report["exactly_once"]["ok"]
    True
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import socket
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ._report import load_report, table

__all__ = ["DRAFTS", "LEVELS", "distinct_ideas", "wall_probe", "web_benchmarks", "web_markdown"]

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


_DEEDS = (
    "bake bread for",
    "write a poem about",
    "send flowers to",
    "record a song for",
    "knit a scarf for",
    "paint a card for",
    "cook soup for",
    "fix the bicycle of",
    "read stories to",
    "plant a tree with",
    "frame a photo of",
    "sew a quilt for",
)
_PEOPLE = (
    "the night nurse",
    "our postman",
    "a lonely widower",
    "the school janitor",
    "your grandmother",
    "a shy classmate",
    "the bus driver",
    "an exhausted midwife",
    "the village librarian",
    "a retired firefighter",
    "the corner grocer",
    "a young refugee",
    "the hospice volunteer",
    "your old mentor",
)
_MOMENTS = (
    "on Sunday morning",
    "before winter arrives",
    "during the heatwave",
    "after the parade",
    "at midnight",
    "when spring comes",
    "on their birthday",
    "during exam week",
    "after the storm",
    "while visiting Lisbon",
    "on Thanksgiving",
    "before the marathon",
)
_HOWS = (
    "anonymously",
    "with glitter",
    "using recycled paper",
    "alongside neighbours",
    "in Portuguese",
    "with cinnamon",
    "quietly",
    "wearing costumes",
)


_PLACES = (
    "in the park",
    "at the hospital",
    "near the harbour",
    "by the library",
    "in the allotments",
    "at the station",
    "on the ferry",
    "in the kitchen",
    "at the market",
    "by the river",
)


def distinct_ideas(count: int, seed: int = 0) -> list[str]:
    """``count`` ideas of five phrases each, so that the wall publishes every one and none
    merges: each is checked (:func:`cyberkind.wall.similarity`) against every idea sharing
    two or more of its phrases; ideas sharing one or none fall far below the threshold (the
    probe counts any merge, and a test checks 300 of them pair by pair)."""
    import random

    from ...wall import DUPLICATE_THRESHOLD, similarity

    parts = (_DEEDS, _PEOPLE, _MOMENTS, _HOWS, _PLACES)
    rng = random.Random(seed)
    chosen: list[str] = []
    by_part: list[dict[int, list[int]]] = [{} for _ in parts]
    tried: set[tuple[int, ...]] = set()
    while len(chosen) < count and len(tried) < 50 * count:
        pick = tuple(rng.randrange(len(part)) for part in parts)
        if pick in tried:
            continue
        tried.add(pick)
        text = " ".join(part[i] for part, i in zip(parts, pick, strict=True))
        # only ideas sharing two or more phrases can come near the threshold
        shared: dict[int, int] = {}
        for slot, i in enumerate(pick):
            for other in by_part[slot].get(i, ()):
                shared[other] = shared.get(other, 0) + 1
        near = (chosen[o] for o, n in shared.items() if n >= 2)
        if all(similarity(text, other) < DUPLICATE_THRESHOLD for other in near):
            for slot, i in enumerate(pick):
                by_part[slot].setdefault(i, []).append(len(chosen))
            chosen.append(text)
    if len(chosen) < count:
        raise ValueError(f"only {len(chosen)} distinct ideas could be made, not {count}")
    return chosen


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


async def _probe(url: str, texts: Sequence[str], clients: int) -> dict[str, Any]:
    """``clients`` keep-alive clients post ``texts`` (each once, in order) to ``/api/ideas``."""
    import httpx

    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    accepted: list[str] = []
    merged = 0
    queue = iter(enumerate(texts))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client_loop(client: httpx.AsyncClient, worker_id: int) -> None:
        nonlocal merged
        for n, text in queue:  # one shared iterator: each idea is posted once
            body = {"text": text, "author": f"Probe {worker_id}", "nonce": f"probe.{n}"}
            started = time.perf_counter()
            try:
                response = await client.post("/api/ideas", json=body)
                status = response.status_code
            except httpx.HTTPError:
                status = 0
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1
            if status in (201, 202):
                accepted.append(text)
                merged += response.json().get("status") == "merged"

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        await asyncio.gather(*(client_loop(client, i) for i in range(clients)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "clients": clients,
        "posts": len(latencies),
        "seconds": elapsed,
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        "max_ms": 1000 * ordered[-1],
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "merged": merged,
        "accepted": accepted,
    }


def _run_probe(url: str, texts: Sequence[str], clients: int, out: Any) -> None:  # pragma: no cover
    out.put(asyncio.run(_probe(url, texts, clients)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _server(ctx: Any, db: str) -> Iterator[str]:
    """The app under uvicorn in its own process on ``db``; yields its URL once it answers."""
    import httpx

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
        yield url
    finally:
        server.terminate()
        server.join(30)


def _exactly_once(db: str, accepted: Sequence[str]) -> dict[str, Any]:
    from ...store.sqlite import SQLiteStore

    with SQLiteStore(db) as store:
        stored = Counter(s.text for s in store.idea_submissions())
    wanted = Counter(accepted)
    duplicates = sum(1 for n in stored.values() if n > 1)
    missing = sum((wanted - stored).values())
    extra = sum((stored - wanted).values())
    return {
        "accepted": len(accepted),
        "stored": sum(stored.values()),
        "missing": missing,
        "duplicated": duplicates,
        "unexpected": extra,
        "ok": missing == 0 and duplicates == 0 and extra == 0,
    }


def _load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else []


def wall_probe(
    clients: int = 8, ideas: int = 2100, echo: Callable[[str], None] = lambda _line: None
) -> dict[str, Any]:
    """The issue's probe of the wall: ``clients`` clients post ``ideas`` distinct ideas
    (:func:`distinct_ideas`) to a fresh store; latency percentiles, load average, exactly once.
    """
    from ...store.sqlite import SQLiteStore

    ctx = multiprocessing.get_context("spawn")
    texts = distinct_ideas(ideas)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "probe.db")
        SQLiteStore(db).close()
        with _server(ctx, db) as url:
            load_before = _load_average()
            queue = ctx.Queue()
            driver = ctx.Process(target=_run_probe, args=(url, texts, clients, queue))
            driver.start()
            row: dict[str, Any] = queue.get(timeout=ideas + 120)
            driver.join(30)
            row["load_average_before"] = load_before
            row["load_average_after"] = _load_average()
        row["exactly_once"] = _exactly_once(db, row.pop("accepted"))
    echo(
        f"wall probe x{clients}, {ideas} ideas: {row['seconds']:.1f} s, p50 {row['p50_ms']:.1f} "
        f"ms, p99 {row['p99_ms']:.1f} ms, max {row['max_ms']:.0f} ms "
        f"(load average {row['load_average_before']} -> {row['load_average_after']})"
    )
    return row


def web_benchmarks(
    levels: Sequence[int] = LEVELS,
    seconds: float = 5.0,
    echo: Callable[[str], None] = lambda _line: None,
    probe_ideas: int = 2100,
) -> dict[str, Any]:
    """Run the load benchmark and the wall's probe (``probe_ideas`` ideas from 8 clients;
    0 leaves it out); return the report (see the module docstring)."""
    from ...store.sqlite import SQLiteStore

    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        SQLiteStore(db).close()
        with _server(ctx, db) as url:
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
        accepted = [t for row in results["/api/ideas"] for t in row.pop("accepted")]
        for row in results["/v1/check"]:
            row.pop("accepted")
        once = _exactly_once(db, accepted)
    report: dict[str, Any] = {
        "levels": list(levels),
        "seconds": seconds,
        "cpus": os.cpu_count(),
        "wall_submit": results["/api/ideas"],
        "check": results["/v1/check"],
        "exactly_once": once,
    }
    if probe_ideas:
        probe = wall_probe(8, probe_ideas, echo)
        report["wall_probe"] = probe
        if not probe["exactly_once"]["ok"]:
            report["exactly_once"] = {**once, "ok": False, "probe": probe["exactly_once"]}
    return report


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
        "\nMeasured on its own (`cyberkind bench --only web --output-dir docs`, about 90 seconds) "
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
        "runs the guard on the idea and its author and looks for near-duplicates through the "
        "wall's trigram index; the guard runs one request at a time (its memo tables are not "
        "thread-safe), so throughput is flat and latency grows with N.\n\n"
        + table(["endpoint", "N", "requests", "req/s", "p50 ms", "p99 ms", "statuses"], rows)
        + f"\n\nAfterwards, {verdict}.\n"
        + _probe_markdown(report.get("wall_probe"))
    )


def _probe_markdown(probe: dict[str, Any] | None) -> str:
    if probe is None:
        return ""
    once = probe["exactly_once"]
    stored = "each stored exactly once" if once["ok"] else "MISMATCH in the stored submissions"
    return (
        f"\nThe wall's probe (issue 14): {probe['clients']} clients post {probe['posts']:,} "
        f"distinct ideas to a fresh store ({probe['merged']} merged): {probe['seconds']:.1f} s, "
        f"p50 {probe['p50_ms']:.1f} ms, p99 {probe['p99_ms']:.1f} ms, slowest "
        f"{probe['max_ms']:.0f} ms; {stored}. Load average (1, 5, 15 min) "
        f"{probe['load_average_before']} before, {probe['load_average_after']} after.\n"
    )
