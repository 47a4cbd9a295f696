"""A real mastodon-mock server and a real faulty reverse proxy, for the Mastodon tests.

- :func:`start_mock`: mastodon_mock's FastAPI app under real uvicorn on 127.0.0.1 (its own
  ``MockServer``), seeded with four local accounts that have tokens.
- :class:`FaultyProxy`: a real threaded HTTP server on 127.0.0.1 that forwards every
  request to the mock and, once per planned fault, drops the connection after the mock
  processed the request (``"drop"``: the client never hears back) or sends only half of
  the body (``"truncate"``: a connection dropped mid-page), or sends the body one byte every
  0.2 s (``"trickle"``, for at most :attr:`FaultyProxy.trickle_for` seconds, then the rest).
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx

TOKENS = {"alice": "alice_token", "bob": "bob_token", "carol": "carol_token", "dan": "dan_token"}


def start_mock() -> Any:
    from mastodon_mock.config import SeedAccount, SeedConfig
    from mastodon_mock.testing.server import MockServer

    seed = SeedConfig(
        accounts=[
            SeedAccount(username=name, display_name=name.title(), access_token=token)
            for name, token in TOKENS.items()
        ]
    )
    return MockServer(seed=seed).start()


def reset(base_url: str) -> None:
    """Back to the seed: no statuses, notifications or fault rules."""
    httpx.delete(f"{base_url}/api/v1/_mock/faults").raise_for_status()
    httpx.post(f"{base_url}/api/v1/_mock/reset").raise_for_status()


def statuses_of(base_url: str, user: str) -> list[Any]:
    """Every status ``user`` has on the server, newest first (read with Mastodon.py)."""
    api = client(base_url, user)
    me = api.me()
    return list(api.fetch_remaining(api.account_statuses(me.id, limit=40)))


def add_fault(base_url: str, rule: dict[str, Any]) -> None:
    httpx.post(f"{base_url}/api/v1/_mock/faults", json=rule).raise_for_status()


def client(base_url: str, user: str) -> Any:
    """A real Mastodon.py client logged in as ``user`` (to make activity on the server)."""
    from mastodon import Mastodon

    return Mastodon(access_token=TOKENS[user], api_base_url=base_url, version_check_mode="none")


class FaultyProxy:
    """Forward to ``upstream``; ``plan`` holds ``(method, path prefix, action)`` faults.

    Each planned fault is used once, by the first request that matches it.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.plan: list[tuple[str, str, str]] = []
        self.trickle_for = 30.0
        self.seen: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                conn = http.client.HTTPConnection(
                    proxy.upstream.hostname, proxy.upstream.port, timeout=30
                )
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                payload = answer.read()
                conn.close()
                action = proxy._take(self.command, self.path)
                if action == "drop":
                    self.close_connection = True
                    return
                self.send_response(answer.status, answer.reason)
                for key, value in answer.getheaders():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                if action == "trickle":
                    self.end_headers()
                    started = time.monotonic()
                    try:
                        for i in range(len(payload)):
                            if time.monotonic() - started > proxy.trickle_for:
                                self.wfile.write(payload[i:])
                                break
                            self.wfile.write(payload[i : i + 1])
                            self.wfile.flush()
                            time.sleep(0.2)
                    except OSError:
                        self.close_connection = True  # the client hung up: fine
                    return
                if action == "truncate":
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(payload[: len(payload) // 2])
                    self.close_connection = True
                    return
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def _take(self, method: str, path: str) -> str | None:
        with self._lock:
            for i, (m, prefix, action) in enumerate(self.plan):
                if m == method and path.startswith(prefix):
                    del self.plan[i]
                    self.seen.append((method, path, action))
                    return action
        return None

    @contextmanager
    def running(self) -> Iterator[FaultyProxy]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join(timeout=5)
