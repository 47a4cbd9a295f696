"""The HTTP API: the Perspective-compatible endpoint, the guard, the index and OpenAPI.

- ``POST /v1alpha1/comments:analyze``: Perspective's request and response shapes and its
  error envelope (:mod:`cyberkind.web.perspective`); ``spanAnnotations`` come from the guard;
- ``GET /$discovery/rest?version=v1alpha1``: Google's discovery document for the Perspective
  API, pointing at this server (:mod:`cyberkind.web.discovery`), for clients built from it;
- ``POST /v1/check``: the guard's full verdict for a draft (``cyberkind check --json``);
- ``GET /openapi.json``: the OpenAPI 3.1 description (:mod:`cyberkind.web.openapi`);
- ``GET /``: what this server offers, as JSON (browsers asking for HTML go to a page).

These routes read their own bodies, up to :data:`MAX_BODY_BYTES` (the pages' limit is
smaller), and answer an unexpected error in their own shape (:func:`answering_errors`).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...errors import CyberkindError
from .. import perspective
from ..context import Endpoint, web_context
from ..discovery import DISCOVERY_PATH, discovery_endpoint
from ..openapi import openapi_spec
from ..responses import BadJSON, json_error, parse_json

__all__ = ["MAX_BODY_BYTES", "PERSPECTIVE_PREFIX", "answering_errors", "routes"]

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
PERSPECTIVE_PREFIX = "/v1alpha1/"


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
    try:
        return parse_json(b"".join(chunks))
    except BadJSON as err:
        raise perspective.PerspectiveError(err.message, "INVALID_REQUEST") from None


def answering_errors(endpoint: Endpoint) -> Endpoint:
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
            return json_error(500, message)

    return run


async def analyze(request: Request) -> Response:
    scoring = web_context(request).scoring
    try:
        body = await _json_body(request)
        parsed = perspective.parse_request(
            body, labels=scoring.scorer.labels, unscorable=scoring.unscorable
        )
        result = await run_in_threadpool(
            perspective.analyze, parsed, scoring.score_one, scoring.annotate
        )
    except perspective.PerspectiveError as err:
        return JSONResponse(err.body(), status_code=err.code)
    return JSONResponse(result)


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


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


async def check(request: Request) -> Response:
    scoring = web_context(request).scoring
    try:
        text, reply_to, policy_text = await _check_body(request)
        verdict = await run_in_threadpool(scoring.check, text, reply_to, policy_text)
    except _BadRequest as err:
        return json_error(err.status, err.message)
    except CyberkindError as err:
        return json_error(400, str(err))
    return JSONResponse({"ok": True, **verdict.to_dict()})


async def index(request: Request) -> Response:
    return JSONResponse(
        {
            "ok": True,
            "name": "cyberkind",
            "tier": web_context(request).scoring.scorer.tier,
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


async def home(request: Request) -> Response:
    """``GET /``: browsers go to the inbox (or, public and logged out, the wall)."""
    if "text/html" in request.headers.get("accept", ""):
        web = web_context(request)
        signed_in = not web.public or web.viewer(request) is not None
        return RedirectResponse("/inbox" if signed_in else "/wall", 303)
    return await index(request)


async def spec(_request: Request) -> Response:
    return JSONResponse(openapi_spec())


def routes() -> list[BaseRoute]:
    """The API's routes (see the module docstring)."""
    return [
        Route("/", answering_errors(home), methods=["GET"]),
        Route("/openapi.json", answering_errors(spec), methods=["GET"]),
        Route("/v1alpha1/comments:analyze", answering_errors(analyze), methods=["POST"]),
        Route(DISCOVERY_PATH, answering_errors(discovery_endpoint), methods=["GET"]),
        Route("/v1/check", answering_errors(check), methods=["POST"]),
    ]
