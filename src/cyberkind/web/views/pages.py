"""The owner's pages: login, compose (live guard), gold stars and settings.

Every page is server-rendered and works without JavaScript (forms POST with a CSRF token);
``static/app.js`` adds the live guard while typing. Each page has its JSON twin under
``/api/`` (see docs/web.md and ``/openapi.json``). The inbox lives in :mod:`.inbox`,
approve-and-send in :mod:`.send`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...accounts import accounts_status, live_platforms
from ...composer import Ledger
from ...composer.api import learned_voice
from ...errors import InputError
from ...guard import Verdict
from ...members import (
    authenticate,
    check_owner_password,
    login_mode,
    password_fingerprint,
)
from ...resources import REGIONS
from ...store import Member, Store
from ..charts import bar_chart, stars_over_time
from ..context import NOT_JSON, WebContext, checked_form, page, web_context
from ..login import (
    OWNER,
    end_sessions,
    member_subject,
    session_generation,
)
from ..responses import BadJSON, json_error, read_json
from ..security import csrf_token

__all__ = ["highlight", "routes"]

MAX_DRAFT_CHARS = 5000


# -- login ----------------------------------------------------------------------------------


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/inbox"


async def login_page(request: Request) -> Response:
    web = web_context(request)
    configured, team = await web.with_store(login_mode)
    nxt = _safe_next(request.query_params.get("next"))
    return web.render(
        request, "login.html", next=nxt, configured=configured, team=team, error=None, name=""
    )


async def login(request: Request) -> Response:
    web = web_context(request)
    form = await checked_form(request)
    if isinstance(form, Response):
        return form
    retry = web.login_limiter.hit(web.address(request))
    if retry is not None:
        return web.error_page(
            request, 429, f"Too many attempts. Please wait {int(retry) + 1} seconds."
        )
    name = form.get("name", "").strip()[:64]
    password = form.get("password", "")

    def check(store: Store) -> tuple[Member | None, bool, bool, bool, int]:
        configured, team = login_mode(store)
        if team:
            member = authenticate(store, name, password)
            subject = member_subject(member.name) if member is not None else OWNER
            return member, True, configured, team, session_generation(store, subject)
        ok = check_owner_password(store, password)
        return None, ok, configured, team, session_generation(store, OWNER)

    member, ok, configured, team, generation = await web.with_store(check)
    if not ok or (team and member is None):
        return web.render(
            request,
            "login.html",
            status=401,
            next=_safe_next(form.get("next")),
            configured=configured,
            team=team,
            name=name,
            error="That name and password do not match." if team else "That password is not right.",
        )
    request.session.clear()  # a new session: nothing carries over from before logging in
    if member is not None:
        request.session["member"] = member.name
        request.session["pw"] = password_fingerprint(member)
    else:
        request.session["owner"] = True
    request.session["gen"] = generation  # logging out or a new password ends it
    csrf_token(request.session)  # a fresh token after logging in
    return RedirectResponse(_safe_next(form.get("next")), 303)


async def logout(request: Request) -> Response:
    """End the login: this cookie, and every copy of it, on every device."""
    web = web_context(request)
    form = await checked_form(request)
    if isinstance(form, Response):
        return form
    member = request.session.get("member")
    subject = (
        member_subject(member)
        if isinstance(member, str)
        else OWNER
        if request.session.get("owner") is True
        else None
    )
    if subject is not None:
        await web.with_store(lambda s: end_sessions(s, subject))
    request.session.clear()
    return RedirectResponse("/wall", 303)


# -- compose --------------------------------------------------------------------------------


def highlight(text: str, verdict: Verdict) -> list[tuple[str, str | None]]:
    """The draft cut into ``(words, label)`` pieces; ``label`` is set on flagged spans."""
    marks: list[str | None] = [None] * len(text)
    for span in verdict.spans:
        for i in range(max(0, span.start), min(len(text), span.end)):
            marks[i] = marks[i] or span.label
    pieces: list[tuple[str, str | None]] = []
    for i, char in enumerate(text):
        if pieces and pieces[-1][1] == marks[i]:
            pieces[-1] = (pieces[-1][0] + char, marks[i])
        else:
            pieces.append((char, marks[i]))
    return pieces


async def compose_page(request: Request) -> Response:
    web = web_context(request)
    verdict = None
    text = ""
    accepted = False
    if request.method == "POST":
        form = await checked_form(request)
        if isinstance(form, Response):
            return form
        text = form.get("text", "")[:MAX_DRAFT_CHARS]
        accepted = form.get("accepted") == "1"
        if text.strip() and web.guard_check is not None:
            check = web.guard_check
            from starlette.concurrency import run_in_threadpool

            verdict = await run_in_threadpool(check, text)
    return web.render(
        request,
        "compose.html",
        text=text,
        verdict=verdict,
        pieces=highlight(text, verdict) if verdict else [],
        accepted=accepted,
    )


# -- gold stars -----------------------------------------------------------------------------


def _stars_data(store: Store) -> dict[str, Any]:
    ledger = Ledger(store)
    entries = ledger.entries()
    kindest = ledger.kindest(limit=10)
    return {
        "entries": list(reversed(entries))[:100],
        "kindest": kindest,
        "total": sum(e.count for e in entries),
        "over_time": stars_over_time(entries),
        "people_chart": bar_chart([(p.person, p.score) for p in kindest]),
    }


async def stars_page(request: Request) -> Response:
    web = web_context(request)
    data = await web.with_store(_stars_data)
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {
                "ok": True,
                "total": data["total"],
                "ledger": [e.to_json() for e in data["entries"]],
                "kindest": [p.to_json() for p in data["kindest"]],
            }
        )
    return web.render(request, "stars.html", **data)


# -- settings -------------------------------------------------------------------------------


def _settings_data(web: WebContext, store: Store) -> dict[str, Any]:
    voice = learned_voice(store)
    preview_name = "Ana"
    opening = (voice.opening or "Thank you, {name}").replace("{name}", preview_name)
    return {
        "region": web.setting(store, "region", web.region or ""),
        "stars": web.setting(store, "stars", "on"),
        "regions": REGIONS,
        "voice": voice,
        "sources": sorted(store.cursors()),
        "feeds": store.feeds(),
        "accounts": accounts_status(store),
        "platforms": live_platforms(),
        "preview": f"{opening}. Your comment made my day!"
        + (f"\n\n{voice.sign_off}" if voice.sign_off else ""),
    }


async def settings_page(request: Request) -> Response:
    web = web_context(request)
    api = request.url.path.startswith("/api/")
    saved = False
    if request.method == "POST":
        if api:
            if request.headers.get("content-type", "").split(";")[0] != "application/json":
                return json_error(415, "Send JSON with Content-Type: application/json.")
            try:
                body = await read_json(request)
            except BadJSON as err:
                return json_error(400, NOT_JSON if err.malformed else err.message)
            form = {k: str(v) for k, v in body.items()} if isinstance(body, dict) else {}
        else:
            checked = await checked_form(request)
            if isinstance(checked, Response):
                return checked
            form = checked
        region = form.get("region", "")
        stars = form.get("stars", "off")
        if region and region not in REGIONS:
            raise InputError(f"unknown region {region!r}. You can fix this by picking one listed.")
        if stars not in ("on", "off"):
            raise InputError("'stars' is 'on' or 'off'.")

        def save(store: Store) -> None:
            with store.transaction():
                store.set_config("setting.region", region)
                store.set_config("setting.stars", stars)

        await web.with_store(save)
        saved = True
    data = await web.with_store(lambda s: _settings_data(web, s))
    if api:
        return JSONResponse(
            {"ok": True, "region": data["region"], "stars": data["stars"], "voice": data["preview"]}
        )
    notes = {k: request.query_params.get(k) for k in ("account", "name", "feed")}
    return web.render(request, "settings.html", **data, saved=saved, notes=notes)


def routes() -> list[BaseRoute]:
    """The owner's pages and their JSON twins."""
    return [
        Route("/login", page(login_page), methods=["GET"]),
        Route("/login", page(login), methods=["POST"]),
        Route("/logout", page(logout), methods=["POST"]),
        Route("/compose", page(compose_page), methods=["GET", "POST"]),
        Route("/stars", page(stars_page), methods=["GET"]),
        Route("/api/stars", page(stars_page), methods=["GET"]),
        Route("/settings", page(settings_page), methods=["GET", "POST"]),
        Route("/api/settings", page(settings_page), methods=["GET", "POST"]),
    ]
