"""The cyberkind ASGI app: the Perspective-compatible API, the guard, and the web pages.

**Usage**::

    >>> app = create_app()                  # a Starlette app; serve it with uvicorn
    >>> # or: cyberkind serve --port 8000   (binds 127.0.0.1 unless told otherwise)

Routes (documented in OpenAPI at ``/openapi.json`` and in docs/api.md):

- ``POST /v1alpha1/comments:analyze``: Perspective's request and response shapes and its
  error envelope (:mod:`cyberkind.web.perspective`); ``spanAnnotations`` come from the guard;
- ``GET /$discovery/rest?version=v1alpha1``: Google's discovery document for the Perspective
  API, pointing at this server (:mod:`.discovery`), for clients built from it;
- ``POST /v1/check``: the guard's full verdict for a draft (``cyberkind check --json``);
- ``GET /openapi.json``: the OpenAPI 3.1 description;
- ``GET /``: what this server offers, as JSON (browsers asking for HTML go to a page);
- the web pages and their JSON API (docs/web.md): the ideas wall (:mod:`.wall`), and the
  inbox, compose, gold stars, settings and login pages (:mod:`.pages`).

The defences (:mod:`.security`) wrap everything: a strict Content-Security-Policy, framing
only for the wall, body limits, signed session cookies, and, when ``public``, the owner's
login for everything but the wall.

Every other JSON error has cyberkind's shape ``{"ok": false, "error", "errors", "status"}``.
Scoring runs in a worker thread under a lock: the scorer's memo tables are not thread-safe,
and one CPU-bound request at a time is what a small machine can serve anyway.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..engine import Scorer
from ..errors import CyberkindError
from ..guard import NEGATIVITY_LABELS, Guard, Policy, Verdict, parse_policy
from ..settings import resolve
from . import perspective
from .context import LoginRequired, RateLimits, WebContext
from .discovery import DISCOVERY_PATH, discovery_endpoint
from .openapi import openapi_spec
from .security import BodyLimit, SecurityHeaders, Sessions

__all__ = ["MAX_BODY_BYTES", "create_app", "error_response"]

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
MAX_FORM_BYTES = 64 * 1024
"""Forms and the pages' JSON: ideas, drafts and settings are small."""
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
PERSPECTIVE_PREFIX = "/v1alpha1/"


def error_response(status: int, message: str, errors: Sequence[str] = ()) -> JSONResponse:
    """cyberkind's one JSON error shape."""
    return JSONResponse(
        {"ok": False, "error": message, "errors": list(errors) or [message], "status": status},
        status_code=status,
    )


def _google_error(status: int, message: str) -> JSONResponse:
    names = {404: "NOT_FOUND", 405: "INVALID_ARGUMENT", 413: "INVALID_ARGUMENT"}
    err = perspective.PerspectiveError(
        message, "INVALID_REQUEST", code=status, status=names.get(status, "INVALID_ARGUMENT")
    )
    return JSONResponse(err.body(), status_code=status)


def _too_large(size: int | str) -> perspective.PerspectiveError:
    return perspective.PerspectiveError(
        f"Request body too large: {size} bytes; the limit is {MAX_BODY_BYTES}.",
        "INVALID_REQUEST",
        code=413,
    )


async def _json_body(request: Request) -> Any:
    """The decoded JSON body, or a :class:`PerspectiveError` naming what is wrong.

    A body over :data:`MAX_BODY_BYTES` is refused from its Content-Length before reading,
    or, without one, as soon as the stream passes the limit: it is never buffered whole.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large(declared)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large(f"more than {MAX_BODY_BYTES}")
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise perspective.PerspectiveError(
            f"The request body is not valid UTF-8 (byte {exc.start}).", "INVALID_REQUEST"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise perspective.PerspectiveError(
            f"Invalid JSON payload: {exc.msg} at line {exc.lineno} column {exc.colno}.",
            "INVALID_REQUEST",
        ) from None


def guard_spans(guard: Guard) -> perspective.SpanAnnotator:
    """Perspective ``spanScores`` from the guard: the words behind each label's reason.

    Labels the guard gives no reason for get no spans here: the caller then reports one
    span over the whole text with the summary score, as Perspective does for a single
    sentence.
    """

    def annotate(text: str, labels: Sequence[str]) -> dict[str, list[tuple[int, int, float]]]:
        if not set(labels) & set(NEGATIVITY_LABELS):
            return {}  # the guard gives reasons only for negativity labels
        try:
            verdict = guard.check(text, suggest=False)
        except CyberkindError:  # e.g. longer than the guard reads: whole-text spans
            return {}
        out: dict[str, list[tuple[int, int, float]]] = {}
        for reason in verdict.reasons:
            if reason.label in labels and reason.spans:
                out[reason.label] = [(s.start, s.end, s.score) for s in reason.spans]
        return out

    return annotate


async def _check_body(request: Request) -> tuple[str, str | None, Any]:
    try:
        body = await _json_body(request)
    except perspective.PerspectiveError as err:
        raise _BadRequest(err.code, err.message) from None
    if not isinstance(body, dict):
        raise _BadRequest(400, "the request body must be a JSON object with a 'text' field.")
    text, reply_to, policy = body.get("text"), body.get("reply_to"), body.get("policy")
    if not isinstance(text, str):
        raise _BadRequest(400, "'text' is required and must be a string.")
    if reply_to is not None and not isinstance(reply_to, str):
        raise _BadRequest(400, "'reply_to' must be a string or null.")
    if policy is not None and not isinstance(policy, str):
        raise _BadRequest(400, "'policy' must be the text of a TOML policy file, or null.")
    return text, reply_to, policy


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


Endpoint = Callable[[Request], Awaitable[Response]]


class _LockedGuard(Guard):
    """The app's guard, one check at a time: sending (:func:`cyberkind.sending.send_draft`)
    calls ``check`` itself, from a worker thread, and the scorer is not thread-safe."""

    def __init__(self, lock: threading.RLock, scorer: Scorer) -> None:
        super().__init__(scorer)
        self._lock = lock

    def check(
        self,
        text: str,
        reply_to: str | None = None,
        policy: Policy | None = None,
        suggest: bool = True,
    ) -> Verdict:
        with self._lock:
            return super().check(text, reply_to=reply_to, policy=policy, suggest=suggest)


def _answering_errors(endpoint: Endpoint) -> Endpoint:
    """Answer an unexpected error in the route's own JSON error shape, and log it.

    Done inside the endpoint rather than by a Starlette ``Exception`` handler: that
    handler re-raises after answering, and the server may then reset the connection
    before the client has read the 500.
    """

    @functools.wraps(endpoint)
    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except HTTPException:
            raise
        except Exception:
            logger.exception("unhandled error on %s %s", request.method, request.url.path)
            message = "Internal error: the server could not answer this request; see its log."
            if request.url.path.startswith(PERSPECTIVE_PREFIX):
                err = perspective.PerspectiveError(message, "INTERNAL", code=500, status="INTERNAL")
                return JSONResponse(err.body(), status_code=500)
            return error_response(500, message)

    return run


def create_app(
    scorer: Scorer | None = None,
    *,
    spans: perspective.SpanAnnotator | None = None,
    extra_routes: Sequence[BaseRoute] = (),
    db: str | Path | None = None,
    public: bool = False,
    secret_key: str | None = None,
    limits: RateLimits | None = None,
    frame_ancestors: str = "*",
    allowed_hosts: Sequence[str] | None = None,
    region: str | None = None,
    crisis_line: str | None = None,
    perspective_unscorable: str | None = None,
) -> Starlette:
    """Build the app around one loaded :class:`~cyberkind.Scorer` (the fast tier by default).

    ``spans`` annotates spans for ``spanAnnotations`` requests (default: :func:`guard_spans`
    over a :class:`~cyberkind.guard.Guard` sharing the scorer). ``db`` is the store file
    (default: the user's inbox.db); ``public`` asks the owner to log in for everything but
    the wall; ``secret_key`` signs session cookies and form tokens (default: random per
    process, so a restart logs the owner out); ``limits`` are the per-client rate limits;
    ``frame_ancestors`` who may frame the wall; ``allowed_hosts`` the Host headers accepted
    (the server passes the loopback names when it is not public, against DNS rebinding);
    ``perspective_unscorable`` is ``omit`` or ``error`` for Perspective attributes cyberkind
    cannot score (default: the setting of that name, from ``CYBERKIND_PERSPECTIVE_UNSCORABLE``).
    """
    model = scorer or Scorer()
    lock = threading.RLock()
    guard = _LockedGuard(lock, model)
    annotator = spans if spans is not None else guard_spans(guard)

    def score_one(text: str) -> Mapping[str, float]:
        with lock:
            return model.score([text])[0]

    def locked(func: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            with lock:
                return func(*args)

        return run

    annotate = locked(annotator)
    unscorable = perspective.check_unscorable(
        perspective_unscorable or resolve({})["perspective_unscorable"]
    )

    async def analyze(request: Request) -> Response:
        try:
            body = await _json_body(request)
            parsed = perspective.parse_request(body, labels=model.labels, unscorable=unscorable)
            result = await run_in_threadpool(perspective.analyze, parsed, score_one, annotate)
        except perspective.PerspectiveError as err:
            return JSONResponse(err.body(), status_code=err.code)
        return JSONResponse(result)

    def run_check(text: str, reply_to: str | None, policy_text: str | None) -> Verdict:
        policy = parse_policy(policy_text, "policy") if policy_text is not None else None
        with lock:
            return guard.check(text, reply_to=reply_to, policy=policy)

    async def check(request: Request) -> Response:
        try:
            text, reply_to, policy_text = await _check_body(request)
            verdict = await run_in_threadpool(run_check, text, reply_to, policy_text)
        except _BadRequest as err:
            return error_response(err.status, err.message)
        except CyberkindError as err:
            return error_response(400, str(err))
        return JSONResponse({"ok": True, **verdict.to_dict()})

    async def index(_request: Request) -> Response:
        return JSONResponse(
            {
                "ok": True,
                "name": "cyberkind",
                "tier": model.tier,
                "endpoints": {
                    "POST /v1alpha1/comments:analyze": "Perspective-compatible scores",
                    f"GET {DISCOVERY_PATH}?version=v1alpha1": "Google's discovery document",
                    "POST /v1/check": "the guard's verdict, reasons, spans and rewrite",
                    "GET /openapi.json": "OpenAPI description",
                    "GET /wall": "the public ideas wall (JSON: GET /api/ideas)",
                    "GET /inbox": "the web app (docs/web.md)",
                },
            }
        )

    async def spec(_request: Request) -> Response:
        return JSONResponse(openapi_spec())

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if request.url.path.startswith(PERSPECTIVE_PREFIX):
            return _google_error(exc.status_code, str(exc.detail))
        return error_response(exc.status_code, str(exc.detail))

    def wall_check(text: str) -> list[str]:
        try:
            with lock:
                verdict = guard.check(text, suggest=False)
        except CyberkindError as err:
            return [str(err)]
        if verdict.verdict == "ok":
            return []
        return [f"the guard says: {r.message}" for r in verdict.reasons] or ["the guard flagged it"]

    def compose_check(text: str, reply_to: str | None = None) -> Verdict:
        with lock:
            return guard.check(text, reply_to=reply_to)

    from ..store import default_db_path
    from .pages import page_routes
    from .wall import wall_routes

    web = WebContext(
        store_path=db if db is not None else default_db_path(),
        check=wall_check,
        public=public,
        limits=limits or RateLimits(),
        region=region,
        crisis_line=crisis_line,
        guard_check=compose_check,
        guard=guard,
    )
    if secret_key:
        web.secret_key = secret_key

    async def home(request: Request) -> Response:
        accept = request.headers.get("accept", "")
        if "text/html" in accept:
            signed_in = not web.public or web.viewer(request) is not None
            return RedirectResponse("/inbox" if signed_in else "/wall", 303)
        return await index(request)

    static = Path(__file__).with_name("static")
    routes: list[BaseRoute] = [
        Route("/", _answering_errors(home), methods=["GET"]),
        Route("/openapi.json", _answering_errors(spec), methods=["GET"]),
        Route("/v1alpha1/comments:analyze", _answering_errors(analyze), methods=["POST"]),
        Route(DISCOVERY_PATH, _answering_errors(discovery_endpoint), methods=["GET"]),
        Route("/v1/check", _answering_errors(check), methods=["POST"]),
        *wall_routes(),
        *page_routes(),
        Mount("/static", app=StaticFiles(directory=static), name="static"),
        *extra_routes,
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if request.url.path.startswith(
            PERSPECTIVE_PREFIX
        ) or "text/html" not in request.headers.get("accept", ""):
            return await http_error(request, exc)
        return web.error_page(request, exc.status_code, str(exc.detail))

    middleware = [
        Middleware(SecurityHeaders, frame_ancestors=frame_ancestors),
        Middleware(BodyLimit, limit=MAX_FORM_BYTES, skip=(PERSPECTIVE_PREFIX, "/v1/check")),
        Middleware(Sessions, secret_key=web.secret_key),
        Middleware(LoginRequired, web=web),
    ]
    if allowed_hosts is not None:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: not_found},
    )
    app.state.scorer = model
    app.state.web = web
    return app
