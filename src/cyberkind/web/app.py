"""The cyberkind ASGI app: the factory that mounts the route modules behind the defences.

**Usage**::

    >>> app = create_app()                  # a Starlette app; serve it with uvicorn
    >>> # or: cyberkind serve --port 8000   (binds 127.0.0.1 unless told otherwise)

:func:`create_app` builds one :class:`~.context.WebContext` (the store, the one
:class:`~.scoring.Scoring`, the templates, the limits) on ``app.state.web`` and mounts the
route modules of :mod:`.views` in order, as datasette's ``app.py`` mounts its ``views/``:
the HTTP API (:mod:`.views.api`: Perspective's ``comments:analyze``, ``/v1/check``, ``/`` and
``/openapi.json``), the ideas wall, approve-and-send, accounts and feeds, members, and the
owner's pages. Every route is described in ``openapi.json`` (:mod:`.openapi`), docs/api.md
and docs/web.md.

The defences (:mod:`.security`) wrap everything: a strict Content-Security-Policy, framing
only for the wall, body limits, signed session cookies, and, when ``public``, a login for
everything but the wall (:class:`~.context.LoginRequired`).

Every JSON error but Perspective's has cyberkind's shape, from one function,
:func:`~.responses.json_error`; Perspective's routes answer in Google's.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from ..engine import Scorer
from ..pipeline import ScorerLike
from ..settings import resolve
from ..store import default_db_path
from . import perspective, views
from .context import LoginRequired, RateLimits, WebContext
from .responses import json_error
from .scoring import Scoring, guard_scorer, guard_spans
from .security import BodyLimit, SecurityHeaders, Sessions
from .views.api import MAX_BODY_BYTES, PERSPECTIVE_PREFIX
from .views.imports import IMPORT_PATHS, MAX_IMPORT_BYTES

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_FORM_BYTES",
    "MAX_IMPORT_BYTES",
    "create_app",
    "guard_spans",
    "json_error",
]

MAX_FORM_BYTES = 64 * 1024
"""Forms and the pages' JSON: ideas, drafts and settings are small."""


def _google_error(status: int, message: str) -> JSONResponse:
    names = {404: "NOT_FOUND", 405: "INVALID_ARGUMENT", 413: "INVALID_ARGUMENT"}
    err = perspective.PerspectiveError(
        message, "INVALID_REQUEST", code=status, status=names.get(status, "INVALID_ARGUMENT")
    )
    return JSONResponse(err.body(), status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    """404s, 405s and the like: Google's shape under Perspective's prefix, a page for a
    browser, cyberkind's JSON error shape for everyone else."""
    assert isinstance(exc, HTTPException)
    path = request.url.path
    if path.startswith(PERSPECTIVE_PREFIX):
        return _google_error(exc.status_code, str(exc.detail))
    if "text/html" not in request.headers.get("accept", ""):
        return json_error(exc.status_code, str(exc.detail))
    web: WebContext = request.app.state.web
    return web.error_page(request, exc.status_code, str(exc.detail))


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
    public_url: str | None = None,
    perspective_unscorable: str | None = None,
    inbox_scorer: ScorerLike | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Starlette:
    """Build the app around one loaded :class:`~cyberkind.Scorer` for the guard (default: the
    ``guard_tier`` setting's, :func:`~.scoring.guard_scorer`; ``fast`` unless set).

    ``spans`` annotates spans for ``spanAnnotations`` requests (default: :func:`guard_spans`
    over a :class:`~cyberkind.guard.Guard` sharing the scorer). ``db`` is the store file
    (default: the user's inbox.db); ``public`` asks the owner to log in for everything but
    the wall; ``secret_key`` signs session cookies and form tokens (default: random per
    process, so a restart logs the owner out); ``limits`` are the per-client rate limits;
    ``frame_ancestors`` who may frame the wall; ``allowed_hosts`` the Host headers accepted
    (the server passes the loopback names when it is not public, against DNS rebinding);
    ``public_url`` the server's public address, for the absolute links of the wall's feed
    (the ``public_url`` setting; never taken from the request's Host header when public);
    ``perspective_unscorable`` is ``omit`` or ``error`` for Perspective attributes cyberkind
    cannot score (default: the setting of that name, from ``CYBERKIND_PERSPECTIVE_UNSCORABLE``).

    Imports and syncs from the web (:mod:`.views.imports`) read with ``inbox_scorer``
    (default: :func:`cyberkind.pipeline.configured_inbox_scorer` over ``settings``, loaded at
    the first one: the ``inbox_tier`` setting, ``reading``), as ``cyberkind import`` and
    ``cyberkind sync`` do. ``settings`` are the resolved settings (default:
    ``resolve({})``, the environment's).
    """
    values = dict(settings) if settings is not None else resolve({})
    web = WebContext(
        store_path=db if db is not None else default_db_path(),
        scoring=Scoring(
            scorer or guard_scorer(values),
            spans,
            perspective_unscorable or values["perspective_unscorable"],
        ),
        public=public,
        limits=limits or RateLimits(),
        region=region,
        crisis_line=crisis_line,
        public_url=public_url.rstrip("/") if public_url else None,
        settings=values,
        reader=inbox_scorer,
    )
    if secret_key:
        web.secret_key = secret_key
    static = Path(__file__).with_name("static")
    routes: list[BaseRoute] = [
        *views.routes(),
        Mount("/static", app=StaticFiles(directory=static), name="static"),
        *extra_routes,
    ]
    middleware = [
        Middleware(SecurityHeaders, frame_ancestors=frame_ancestors),
        Middleware(
            BodyLimit, limit=MAX_FORM_BYTES, skip=(PERSPECTIVE_PREFIX, "/v1/check", *IMPORT_PATHS)
        ),
        Middleware(BodyLimit, limit=MAX_IMPORT_BYTES, only=IMPORT_PATHS),
        Middleware(Sessions, secret_key=web.secret_key),
        Middleware(LoginRequired, web=web),
    ]
    if allowed_hosts is not None:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # A server's start: load the guard's tables now, not on the first visitor's
        # request, then move everything loaded so far out of the garbage collector's full
        # passes, which otherwise walk the models' objects again and again under load
        # (22 ms each, holding every request).
        await run_in_threadpool(web.scoring.warm_up)
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()  # what the server held may be collected again
            web.close()  # the store's connections, with a last checkpoint

    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.scorer = web.scoring.scorer
    app.state.web = web
    return app
