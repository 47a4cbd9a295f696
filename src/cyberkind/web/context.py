"""What every page shares: the store, the guard, the templates, the limits, the owner's login.

One :class:`WebContext` lives on ``app.state.web``. Each request borrows a connection to
the store from the app's :class:`~cyberkind.store.StorePool` in a worker thread, and gives
it back after (WAL mode and the store's busy timeout let many requests write at once
without losing any). The pool's connections stay open for the app's life, and the WAL is
checkpointed in the background, never on a request's path.
"""

from __future__ import annotations

import functools
import logging
import secrets
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..credentials import Credentials, plaintext_warning
from ..errors import ConfigError, CyberkindError, InputError, NotFoundError
from ..guard import Guard, Verdict
from ..pipeline import ScorerLike, configured_inbox_scorer
from ..settings import resolve
from ..store import Store, StorePool
from ..wall import GuardCheck
from .login import OWNER, member_subject, session_generation
from .responses import BadJSON, json_error, read_json, wants_json
from .scoring import Scoring
from .security import (
    BodyTooLarge,
    RateLimiter,
    check_csrf,
    check_wall_token,
    client_address,
    csrf_token,
    visitor_id,
    wall_token,
)

__all__ = [
    "NOT_JSON",
    "OWNER_PATHS",
    "PUBLIC_PATHS",
    "LoginRequired",
    "RateLimits",
    "Viewer",
    "WebContext",
    "checked_form",
    "form_fields",
    "json_object",
    "page",
    "resolve_viewer",
    "web_context",
]

logger = logging.getLogger(__name__)
T = TypeVar("T")

PUBLIC_PATHS = ("/wall", "/api/ideas", "/static/", "/login", "/favicon.ico")
"""Paths anyone may reach when the server is public; everything else needs a login."""

OWNER_PATHS = (
    "/settings",
    "/api/settings",
    "/api/accounts",
    "/api/feeds",
    "/moderation",
    "/api/moderation",
    "/members",
    "/api/members",
)
"""Paths only owners reach when the server is public: settings, moderation, members."""

VIEWER_KEY = "cyberkind.viewer"

NOT_JSON = "The body is not valid JSON. You can fix this by sending an object."


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is logged in: a team member (``name``), or the single owner of a store without
    members (``name`` is ``None``)."""

    name: str | None
    display_name: str
    is_owner: bool


def resolve_viewer(store: Store, session: Mapping[str, Any]) -> Viewer | None:
    """The session's viewer, checked against the store on every request: a member who was
    removed, disabled or given a new password is logged out; the single owner password's
    session ends once the store has members; and a session whose generation is behind the
    store's (:mod:`cyberkind.web.login`: after a logout or a new owner password) is over."""
    from ..members import password_fingerprint

    name = session.get("member")
    if isinstance(name, str):
        member = store.get_member(name)
        if (
            member is None
            or member.disabled
            or member.password_hash is None
            or session.get("pw") != password_fingerprint(member)
            or session.get("gen", 0) != session_generation(store, member_subject(name))
        ):
            return None
        return Viewer(member.name, member.display_name, member.is_owner)
    if (
        session.get("owner") is True
        and not store.members()
        and session.get("gen", 0) == session_generation(store, OWNER)
    ):
        return Viewer(None, "owner", True)
    return None


def _matches(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(
        path == p.rstrip("/") or path.startswith(p if p.endswith("/") else p + "/")
        for p in prefixes
    )


def owner_only(path: str) -> bool:
    """Whether ``path`` is for owners: settings, moderation, members, and putting an inbox
    idea on the wall (which publishes it)."""
    if _matches(path, OWNER_PATHS):
        return True
    return path.startswith(("/inbox/", "/api/inbox/")) and path.endswith("/wall")


@dataclass
class RateLimits:
    """Per-client limits: submissions, stars and login attempts per ``window`` seconds, and
    ``flood``: wall submissions per 10 minutes before the rest wait for moderation."""

    submit: int = 10
    star: int = 30
    login: int = 5
    window: float = 60.0
    flood: int = 5

    @classmethod
    def off(cls) -> RateLimits:
        """No practical limit (benchmarks and load tests)."""
        return cls(submit=10**9, star=10**9, login=10**9, flood=10**9)


@dataclass
class WebContext:
    """The web app's shared state: the store, the one :class:`~.scoring.Scoring`, the
    templates, the limits and the settings :func:`cyberkind.web.app.create_app` was given."""

    store_path: Path | str
    scoring: Scoring
    public: bool = False
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    limits: RateLimits = field(default_factory=RateLimits)
    region: str | None = None
    crisis_line: str | None = None
    public_url: str | None = None
    """The server's public address (the ``public_url`` setting), for absolute links."""
    credentials: Credentials | None = None
    """Where sending and syncing find account secrets (default: the environment, then the OS
    keyring)."""
    settings: Mapping[str, Any] = field(default_factory=lambda: resolve({}))
    """The resolved settings (:func:`cyberkind.settings.resolve`): ``inbox_tier``,
    ``identity``, ``sync_deadline``, ``feed_max_bytes``, ``max_record_bytes``..."""
    reader: ScorerLike | None = None
    """The scorer imports and syncs read with (default: loaded at the first one,
    :func:`cyberkind.pipeline.configured_inbox_scorer`, the ``inbox_tier`` setting)."""
    imports: threading.Lock = field(default_factory=threading.Lock)
    """Imports and syncs take turns: they share one scorer, which is not thread-safe."""
    env: Environment = field(
        default_factory=lambda: Environment(
            loader=PackageLoader("cyberkind.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
    )
    writes: threading.Lock = field(default_factory=threading.Lock)
    """The wall's writers in this process take turns here rather than in the store: SQLite's
    busy handler polls with sleeps of up to 100 ms, which made the slow tail under load."""
    _salt: str | None = None
    _salt_lock: threading.Lock = field(default_factory=threading.Lock)
    _send_locks: dict[str, threading.Lock] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.pool = StorePool(self.store_path)
        self.submit_limiter = RateLimiter(self.limits.submit, self.limits.window)
        self.star_limiter = RateLimiter(self.limits.star, self.limits.window)
        self.login_limiter = RateLimiter(self.limits.login, self.limits.window)

    # -- the guard ---------------------------------------------------------------------------

    @property
    def check(self) -> GuardCheck:
        """The guard's reasons to hold a wall idea and its author back (``[]``: none)."""
        return self.scoring.wall_reasons

    @property
    def guard_check(self) -> Callable[..., Verdict] | None:
        """The guard's verdict on a draft (``text``, ``reply_to``), for the pages."""
        return self.scoring.compose_check

    @property
    def guard(self) -> Guard:
        """The app's guard, for sending (the same one, under the same lock)."""
        return self.scoring.guard

    def inbox_scorer(self) -> ScorerLike:
        """The scorer the inbox reads with, as ``cyberkind import`` and ``cyberkind sync``
        do (call under :attr:`imports`; the first call may load the reading model)."""
        if self.reader is None:
            self.reader = configured_inbox_scorer(self.settings)
        return self.reader

    # -- the store --------------------------------------------------------------------------

    def open_store(self) -> Store:
        """A new connection to the store (call from a worker thread; close it after)."""
        from ..store import open_store

        return open_store(self.store_path)

    async def with_store(self, func: Callable[[Store], T]) -> T:
        """Run ``func(store)`` in a worker thread on a connection no other thread holds
        meanwhile (borrowed from :attr:`pool`)."""

        def run() -> T:
            with self.pool.store() as store:
                return func(store)

        return await run_in_threadpool(run)

    def close(self) -> None:
        """Close the pool's connections (the app's shutdown)."""
        self.pool.close()

    def salt(self, store: Store) -> str:
        """The store's visitor salt (made once): visitors are counted by a salted hash."""
        if self._salt is None:
            with self._salt_lock:
                value = store.get_config("visitor_salt")
                if value is None:
                    with store.transaction():
                        value = store.get_config("visitor_salt")
                        if value is None:
                            value = secrets.token_hex(16)
                            store.set_config("visitor_salt", value)
                self._salt = value
        return self._salt

    def send_lock(self, opportunity_id: str) -> threading.Lock:
        """One send of an opportunity at a time in this process (a double-click waits, then
        finds the send done; across processes the store's outbox and the platform's
        idempotency key keep it to one post)."""
        with self._salt_lock:
            return self._send_locks.setdefault(opportunity_id, threading.Lock())

    def setting(self, store: Store, name: str, default: str) -> str:
        """A web setting saved on the settings page."""
        value = store.get_config(f"setting.{name}")
        return default if value is None else value

    # -- visitors, tokens, templates ---------------------------------------------------------

    def address(self, request: Request) -> str:
        return client_address(request.scope)

    def visitor(self, request: Request, salt: str) -> str:
        return visitor_id(salt, self.address(request))

    def wall_token(self, request: Request) -> str:
        return wall_token(self.secret_key, self.address(request))

    def wall_token_ok(self, request: Request, token: object) -> bool:
        return check_wall_token(self.secret_key, self.address(request), token)

    def csrf_ok(self, request: Request, token: object) -> bool:
        return check_csrf(request.session, token)

    def owner(self, request: Request) -> bool:
        """Whether this request may see the owner's pages (always, when not public)."""
        if not self.public:
            return True
        viewer = self.viewer(request)
        return viewer is not None and viewer.is_owner

    def viewer(self, request: Request) -> Viewer | None:
        """Who is logged in (checked by :class:`LoginRequired` on every non-public page)."""
        viewer = request.scope.get(VIEWER_KEY)
        return viewer if isinstance(viewer, Viewer) else None

    def acting_member(self, request: Request, store: Store) -> str | None:
        """Whom claims and sends from this request are made as: the logged-in member, else
        (a store without members) the ``user`` setting or, on a team store, the login name
        of the server's process, as before members existed; ``None``: one's own inbox."""
        from ..sending import sender_name
        from ..settings import resolve

        viewer = self.viewer(request)
        if viewer is not None and viewer.name is not None:
            return viewer.name
        if store.members():
            raise ConfigError(
                "this team has members, so a claim or a send names one of them. You can fix "
                "this by logging in at /login."
            )
        return sender_name(store, user=resolve({})["user"])

    def render(
        self, request: Request, template: str, status: int = 200, **values: Any
    ) -> HTMLResponse:
        """Render a page (autoescaped) with the values every page uses."""
        if "csrf" not in values:
            # the wall's forms carry their own token: its visitors get no cookie from it
            wall = template == "wall.html"
            values["csrf"] = (
                request.session.get("csrf", "") if wall else csrf_token(request.session)
            )
        values.setdefault("public", self.public)
        if template == "settings.html":
            values.setdefault("keyring_warning", plaintext_warning())
        viewer = self.viewer(request)
        values.setdefault("viewer", viewer)
        # On the wall (not checked by LoginRequired) the nav trusts the signed session.
        values.setdefault(
            "is_owner",
            not self.public
            or (viewer.is_owner if viewer is not None else request.session.get("owner") is True),
        )
        values.setdefault(
            "logged_in",
            viewer is not None
            or request.session.get("owner") is True
            or isinstance(request.session.get("member"), str),
        )
        values.setdefault("path", request.url.path)
        html = self.env.get_template(template).render(**values)
        return HTMLResponse(html, status_code=status)

    def error_page(self, request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return json_error(status, message)
        return self.render(
            request, "error.html", status=status, status_code=status, message=message
        )


async def json_object(request: Request, example: str = "") -> dict[str, Any] | Response:
    """The request's JSON object, or the error to answer (415, or 400 naming the fix).

    ``example`` (e.g. ``{"text": "Thank you!"}``) is shown when the body is not an object.
    """
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return json_error(415, "Send JSON with Content-Type: application/json.")
    try:
        body = await read_json(request)
    except BadJSON as err:
        if err.malformed:
            return json_error(400, NOT_JSON)
        return json_error(400, err.message)
    if not isinstance(body, dict):
        hint = f", e.g. {example}" if example else ""
        return json_error(400, f"The body must be a JSON object{hint}.")
    return body


def web_context(request: Request) -> WebContext:
    """The app's :class:`WebContext`, from a request."""
    web: WebContext = request.app.state.web
    return web


async def form_fields(request: Request) -> dict[str, str]:
    """The text fields of the request's posted form (any uploaded files are dropped)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def checked_form(request: Request) -> dict[str, str] | Response:
    """The posted form's text fields, or a 403 page when its CSRF token is missing or wrong."""
    web, form = web_context(request), await form_fields(request)
    if not web.csrf_ok(request, form.get("csrf")):
        return web.error_page(request, 403, "This form has expired. Please reload the page.")
    return form


Endpoint = Callable[[Request], Awaitable[Response]]
"""A route's handler."""


def page(endpoint: Endpoint) -> Endpoint:
    """Turn library errors into statuses and anything unexpected into a plain 500 page.

    No stack trace ever reaches the visitor; it goes to the server's log.
    """

    @functools.wraps(endpoint)
    async def run(request: Request) -> Response:
        web = web_context(request)
        try:
            return await endpoint(request)
        except (HTTPException, BodyTooLarge):
            raise
        except NotFoundError as err:
            return web.error_page(request, 404, str(err))
        except InputError as err:
            return web.error_page(request, 400, str(err))
        except CyberkindError as err:
            return web.error_page(request, 400, str(err))
        except Exception:
            logger.exception("unhandled error on %s %s", request.method, request.url.path)
            return web.error_page(
                request, 500, "Something went wrong on our side. Please try again later."
            )

    return run


class LoginRequired:
    """When the server is public, only the wall (and the login page) is open to everyone;
    everything else needs a logged-in member (or the single owner of a store without
    members), and :data:`OWNER_PATHS` need an owner.

    The session's member is checked against the store on each such request
    (:func:`resolve_viewer`) and put in the scope for :meth:`WebContext.viewer`. When not
    public, a member who logged in is still recognised (claims and sends go under their
    name), and everything stays open as before.
    """

    def __init__(self, app: Any, web: WebContext) -> None:
        self.app = app
        self.web = web

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        session = scope.get("session", {})
        if not self.web.public:
            if isinstance(session.get("member"), str):
                scope[VIEWER_KEY] = await self.web.with_store(lambda s: resolve_viewer(s, session))
            await self.app(scope, receive, send)
            return
        if _matches(path, PUBLIC_PATHS) or path == "/wall.json":
            await self.app(scope, receive, send)
            return
        viewer = None
        if session.get("owner") is True or isinstance(session.get("member"), str):
            viewer = await self.web.with_store(lambda s: resolve_viewer(s, session))
        request = Request(scope)
        response: Response
        if viewer is None:
            if wants_json(request) or request.method != "GET":
                response = json_error(
                    401, "Log in first. You can fix this by logging in at /login."
                )
            else:
                response = RedirectResponse(f"/login?next={quote(path)}", status_code=303)
            await response(scope, receive, send)
            return
        scope[VIEWER_KEY] = viewer
        if owner_only(path) and not viewer.is_owner:
            message = (
                "Only the team's owners can open this page. You can fix this by asking an "
                "owner to do it, or to make you one."
            )
            if wants_json(request):
                response = json_error(403, message)
            else:
                response = self.web.error_page(request, 403, message)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
