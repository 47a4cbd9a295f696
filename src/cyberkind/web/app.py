"""The cyberkind ASGI app: the Perspective-compatible API today, the web pages later.

**Usage**::

    >>> app = create_app()                  # a Starlette app; serve it with uvicorn
    >>> # or: cyberkind serve --port 8000   (binds 127.0.0.1 unless told otherwise)

Routes (documented in OpenAPI at ``/openapi.json`` and in docs/api.md):

- ``POST /v1alpha1/comments:analyze``: Perspective's request and response shapes and its
  error envelope (:mod:`cyberkind.web.perspective`);
- ``GET /openapi.json``: the OpenAPI 3.1 description;
- ``GET /``: what this server offers, as JSON.

Every other JSON error has cyberkind's shape ``{"ok": false, "error", "errors", "status"}``.
Scoring runs in a worker thread under a lock: the scorer's memo tables are not thread-safe,
and one CPU-bound request at a time is what a small machine can serve anyway.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..engine import Scorer
from . import perspective
from .openapi import openapi_spec

__all__ = ["MAX_BODY_BYTES", "create_app", "error_response"]

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


async def _json_body(request: Request) -> Any:
    """The decoded JSON body, or a :class:`PerspectiveError` naming what is wrong."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise perspective.PerspectiveError(
            f"Request body too large: {len(raw)} bytes; the limit is {MAX_BODY_BYTES}.",
            "INVALID_REQUEST",
            code=413,
        )
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


def create_app(
    scorer: Scorer | None = None,
    *,
    spans: perspective.SpanAnnotator | None = None,
    extra_routes: Sequence[Route] = (),
) -> Starlette:
    """Build the app around one loaded :class:`~cyberkind.Scorer` (the fast tier by default).

    ``spans`` annotates spans for ``spanAnnotations`` requests (by default: the guard's
    spans where the guard is installed).
    """
    model = scorer or Scorer()
    lock = threading.Lock()

    def score_one(text: str) -> Mapping[str, float]:
        with lock:
            return model.score([text])[0]

    def locked(func: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            with lock:
                return func(*args)

        return run

    annotate = locked(spans) if spans else None

    async def analyze(request: Request) -> Response:
        try:
            body = await _json_body(request)
            parsed = perspective.parse_request(body)
            result = await run_in_threadpool(perspective.analyze, parsed, score_one, annotate)
        except perspective.PerspectiveError as err:
            return JSONResponse(err.body(), status_code=err.code)
        return JSONResponse(result)

    async def index(_request: Request) -> Response:
        return JSONResponse(
            {
                "ok": True,
                "name": "cyberkind",
                "tier": model.tier,
                "endpoints": {
                    "POST /v1alpha1/comments:analyze": "Perspective-compatible scores",
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
        Route("/", index, methods=["GET"]),
        Route("/openapi.json", spec, methods=["GET"]),
        Route("/v1alpha1/comments:analyze", analyze, methods=["POST"]),
        *extra_routes,
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    app.state.scorer = model
    return app
