"""The cyberkind ASGI app: the Perspective-compatible API today, the web pages later.

**Usage**::

    >>> app = create_app()                  # a Starlette app; serve it with uvicorn
    >>> # or: cyberkind serve --port 8000   (binds 127.0.0.1 unless told otherwise)

Routes (documented in OpenAPI at ``/openapi.json`` and in docs/api.md):

- ``POST /v1alpha1/comments:analyze``: Perspective's request and response shapes and its
  error envelope (:mod:`cyberkind.web.perspective`); ``spanAnnotations`` come from the guard;
- ``POST /v1/check``: the guard's full verdict for a draft (``cyberkind check --json``);
- ``GET /openapi.json``: the OpenAPI 3.1 description;
- ``GET /``: what this server offers, as JSON.

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
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..engine import Scorer
from ..errors import CyberkindError
from ..guard import NEGATIVITY_LABELS, Guard, Verdict, parse_policy
from . import perspective
from .openapi import openapi_spec

__all__ = ["MAX_BODY_BYTES", "create_app", "error_response"]

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
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
    extra_routes: Sequence[Route] = (),
) -> Starlette:
    """Build the app around one loaded :class:`~cyberkind.Scorer` (the fast tier by default).

    ``spans`` annotates spans for ``spanAnnotations`` requests (default: :func:`guard_spans`
    over a :class:`~cyberkind.guard.Guard` sharing the scorer).
    """
    model = scorer or Scorer()
    guard = Guard(model)
    lock = threading.Lock()
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

    async def analyze(request: Request) -> Response:
        try:
            body = await _json_body(request)
            parsed = perspective.parse_request(body)
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
                    "POST /v1/check": "the guard's verdict, reasons, spans and rewrite",
                    "GET /openapi.json": "OpenAPI description",
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

    routes = [
        Route("/", _answering_errors(index), methods=["GET"]),
        Route("/openapi.json", _answering_errors(spec), methods=["GET"]),
        Route("/v1alpha1/comments:analyze", _answering_errors(analyze), methods=["POST"]),
        Route("/v1/check", _answering_errors(check), methods=["POST"]),
        *extra_routes,
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    app.state.scorer = model
    return app
