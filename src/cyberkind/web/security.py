"""The web app's defences: headers, body limits, sessions, CSRF, rate limits, passwords.

Everything here is pure ASGI or plain functions, so it is easy to test on its own:

- :class:`SecurityHeaders`: a strict Content-Security-Policy (no inline script or style),
  ``X-Frame-Options: DENY`` and ``frame-ancestors 'none'`` everywhere except the wall, which
  blogs may frame (``frame-ancestors`` from ``--frame-ancestors``, ``*`` by default);
  ``nosniff``, ``Referrer-Policy``, and HSTS over https;
- :class:`BodyLimit`: requests larger than the limit are refused with 413 before the app
  reads them (declared ``Content-Length``) or as soon as the stream passes it;
- :class:`Sessions`: a signed (itsdangerous), HttpOnly, SameSite=Lax cookie that is ``Secure``
  whenever the request came over https (directly or via a trusted proxy);
- CSRF: :func:`csrf_token` / :func:`check_csrf` (a token in the session, for the owner's
  pages) and :func:`wall_token` / :func:`check_wall_token` (a signed token bound to the
  visitor, for the wall, which may be framed on other sites where cookies are not sent);
- :class:`RateLimiter`: a sliding window per client and bucket;
- :func:`hash_password` / :func:`verify_password`: argon2id, from :mod:`cyberkind.members`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from base64 import b64decode, b64encode
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from itsdangerous import BadSignature, TimestampSigner

from ..members import hash_password, verify_password
from .responses import json_error

__all__ = [
    "BodyLimit",
    "BodyTooLarge",
    "RateLimiter",
    "SecurityHeaders",
    "Sessions",
    "check_csrf",
    "check_wall_token",
    "client_address",
    "csrf_token",
    "hash_password",
    "verify_password",
    "wall_token",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "cyberkind_session"
SESSION_MAX_AGE = 14 * 24 * 3600
WALL_TOKEN_MAX_AGE = 24 * 3600

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors {ancestors}"
)


def _is_wall(path: str) -> bool:
    return path == "/wall" or path.startswith("/wall/") or path.startswith("/static/")


class SecurityHeaders:
    """Add the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp, frame_ancestors: str = "*") -> None:
        self.app = app
        self.frame_ancestors = frame_ancestors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        framable = _is_wall(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                ancestors = self.frame_ancestors if framable else "'none'"
                headers.append(
                    (b"content-security-policy", CSP.format(ancestors=ancestors).encode())
                )
                if not framable:
                    headers.append((b"x-frame-options", b"DENY"))
                headers.append((b"x-content-type-options", b"nosniff"))
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                headers.append((b"referrer-policy", b"same-origin"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    """Raised into the app when a streamed body passes the limit (answered with 413)."""


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413 (paths under ``skip`` excepted;
    with ``only``, just the paths under ``only``).

    The Perspective routes keep their own limit and error shape (:mod:`cyberkind.web.app`);
    an uploaded file to import has a larger limit than the forms.
    """

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        skip: tuple[str, ...] = (),
        only: tuple[str, ...] | None = None,
    ) -> None:
        self.app = app
        self.limit = limit
        self.skip = skip
        self.only = only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"].startswith(self.skip)
            or (self.only is not None and not scope["path"].startswith(self.only))
        ):
            await self.app(scope, receive, send)
            return
        message = f"Request body too large; the limit is {self.limit} bytes."
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await _send_413(send, message)
                return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return msg

        async def tracking_send(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _send_413(send, message)


async def _send_413(send: Send, message: str) -> None:
    body = bytes(json_error(413, message).body)
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Sessions:
    """A signed session cookie (like Starlette's SessionMiddleware), ``Secure`` over https.

    The session is ``scope["session"]`` (``request.session``); it is written back only when
    it changed. Secrets never go in it: it holds the CSRF token and whether the owner is
    logged in.
    """

    def __init__(self, app: ASGIApp, secret_key: str, max_age: int = SESSION_MAX_AGE) -> None:
        self.app = app
        self.signer = TimestampSigner(secret_key, salt="cyberkind.session")
        self.max_age = max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session: dict[str, Any] = {}
        for name, value in scope.get("headers", []):
            if name != b"cookie":
                continue
            for part in value.decode("latin-1").split(";"):
                key, _, raw = part.strip().partition("=")
                if key == SESSION_COOKIE and raw:
                    try:
                        data = self.signer.unsign(raw.encode(), max_age=self.max_age)
                        loaded = json.loads(b64decode(data))
                        if isinstance(loaded, dict):
                            session = loaded
                    except (BadSignature, ValueError):
                        session = {}
        before = json.dumps(session, sort_keys=True)
        scope["session"] = session
        secure = scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                current = scope["session"]
                if json.dumps(current, sort_keys=True) != before:
                    headers = list(message.get("headers", []))
                    headers.append((b"set-cookie", self._cookie(current, secure).encode()))
                    message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _cookie(self, session: dict[str, Any], secure: bool) -> str:
        if session:
            value = self.signer.sign(b64encode(json.dumps(session).encode())).decode()
            age = self.max_age
        else:
            value, age = "", 0
        flags = f"Path=/; Max-Age={age}; HttpOnly; SameSite=Lax"
        return f"{SESSION_COOKIE}={value}; {flags}" + ("; Secure" if secure else "")


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token (made on first use)."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def check_csrf(session: MutableMapping[str, Any], submitted: object) -> bool:
    """Whether a form's token matches the session's (constant-time)."""
    token = session.get("csrf")
    return (
        isinstance(token, str)
        and isinstance(submitted, str)
        and hmac.compare_digest(token.encode(), submitted.encode())
    )


def wall_token(secret_key: str, visitor: str) -> str:
    """A signed, timed CSRF token for the wall's forms, bound to the visitor."""
    signer = TimestampSigner(secret_key, salt="cyberkind.wall")
    return signer.sign(visitor.encode()).decode()


def check_wall_token(secret_key: str, visitor: str, token: object) -> bool:
    """Whether a wall form's token was made for this visitor in the last day."""
    if not isinstance(token, str):
        return False
    signer = TimestampSigner(secret_key, salt="cyberkind.wall")
    try:
        value = signer.unsign(token.encode(), max_age=WALL_TOKEN_MAX_AGE)
    except BadSignature:
        return False
    return hmac.compare_digest(value, visitor.encode())


def client_address(scope: Scope) -> str:
    """The client's address as the server sees it (uvicorn applies trusted proxy headers)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def visitor_id(salt: str, address: str) -> str:
    """A salted hash of the client's address: stars and floods are counted per visitor
    without storing addresses."""
    return hashlib.sha256(f"{salt}\x1f{address}".encode()).hexdigest()[:32]


class RateLimiter:
    """At most ``limit`` hits per ``window`` seconds per key (a sliding window, in memory)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> float | None:
        """Count a hit; return ``None`` if allowed, else the seconds until one is."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= moment - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(0.0, hits[0] + self.window - moment)
            hits.append(moment)
            if len(self._hits) > 10_000:  # forget idle clients
                for stale in [k for k, v in self._hits.items() if not v]:
                    del self._hits[stale]
            return None
