"""The owner's pages: login, compose (live guard), inbox, gold stars and settings.

Every page is server-rendered and works without JavaScript (forms POST with a CSRF token);
``static/app.js`` adds the live guard while typing. Each page has its JSON twin under
``/api/`` (see docs/web.md and ``/openapi.json``). Approve-and-send lives in :mod:`.send`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...accounts import accounts_status, live_platforms
from ...composer import Composer, Ledger
from ...composer.api import learned_voice
from ...errors import ClaimedError, ConfigError, InputError
from ...guard import Verdict
from ...inbox import Inbox
from ...members import (
    authenticate,
    check_owner_password,
    login_mode,
    password_fingerprint,
)
from ...models import Act, Opportunity, Priority
from ...resources import REGIONS, regional_resources
from ...sending import sends
from ...store import Member, Store
from ...wall import inbox_idea_on_wall
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

SNOOZE_CHOICES = {"1d": timedelta(days=1), "3d": timedelta(days=3), "7d": timedelta(days=7)}
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


# -- inbox ----------------------------------------------------------------------------------


CLAIM_FILTERS = ("", "mine", "unclaimed")


def _inbox_data(
    web: WebContext,
    request: Request,
    store: Store,
    act: str | None,
    source: str | None,
    claim: str,
) -> dict[str, Any]:
    inbox = Inbox(store, crisis_line=web.crisis_line)
    everything = inbox.opportunities()
    chosen = inbox.opportunities(acts=[act] if act else None, sources=[source] if source else None)
    claims = inbox.claims()
    me: str | None = None
    if claim == "mine" or claims or store.members():
        try:
            me = web.acting_member(request, store)
        except ConfigError:
            me = None
    if claim == "mine":
        chosen = [o for o in chosen if me is not None and claims.get(o.id) == me]
    elif claim == "unclaimed":
        chosen = [o for o in chosen if o.id not in claims]
    return {
        "opportunities": chosen,
        "acts": sorted({o.act.value for o in everything}),
        "sources": sorted({o.source for o in everything}),
        "act": act or "",
        "source": source or "",
        "claim": claim,
        "claims": claims,
        "me": me,
        "all_acts": [a.value for a in Act],
    }


async def inbox_page(request: Request) -> Response:
    web = web_context(request)
    act = request.query_params.get("act") or None
    source = request.query_params.get("source") or None
    claim = request.query_params.get("claim") or ""
    if act is not None and act not in {a.value for a in Act}:
        raise InputError(f"unknown act {act!r}. You can fix this by picking one from the list.")
    if claim not in CLAIM_FILTERS:
        raise InputError(
            f"unknown claim filter {claim!r}. You can fix this by using mine or unclaimed."
        )
    data = await web.with_store(lambda s: _inbox_data(web, request, s, act, source, claim))
    if request.url.path.startswith("/api/"):
        claims = data["claims"]
        rows = [o.to_json() for o in data["opportunities"]]
        if claims or data["me"] is not None:
            for row in rows:
                row["claimed_by"] = claims.get(row["id"])
        return JSONResponse(rows)
    return web.render(request, "inbox.html", **data, crisis=Priority.CRISIS)


def _region(web: WebContext, store: Store) -> str | None:
    value = web.setting(store, "region", web.region or "")
    return value or None


def _opportunity_data(web: WebContext, store: Store, opp_id: str) -> dict[str, Any]:
    inbox = Inbox(store, crisis_line=web.crisis_line)
    opp = inbox.get(opp_id)
    thread = inbox.thread(opp)
    saved = inbox.saved_draft(opp.id)
    if saved is None:
        composer = Composer(
            store,
            region=_region(web, store),
            crisis_line=web.crisis_line,
            stars=web.setting(store, "stars", "on") == "on",
        )
        saved = composer.draft(opp).to_json()
        saved["saved"] = False
    else:
        saved = {**saved, "saved": True}
    resources: list[Any] = list(opp.resources)
    emergency = None
    if opp.priority is Priority.CRISIS:
        regional, emergency = regional_resources(_region(web, store), web.crisis_line)
        resources = list(regional)
    # A send the platform refused, or whose answer never came: say so, and that it is safe.
    sent, pending = sends(store, opp.id)
    wall_idea: dict[str, Any] | None = None
    if opp.is_idea:
        wall_idea = inbox_idea_on_wall(store, opp)
    return {
        "claimed_by": inbox.claim_holder(opp.id),
        "wall_idea": wall_idea,
        "opp": opp,
        "sent": sent,
        "pending": pending,
        "thread": thread,
        "draft": saved,
        "resources": resources,
        "emergency": emergency,
        "focus": set(opp.item_ids),
    }


def _wall_json(wall_idea: dict[str, Any] | None) -> dict[str, Any] | None:
    if wall_idea is None:
        return None
    idea = wall_idea["idea"]
    return {
        "text": wall_idea["text"],
        "url": wall_idea["url"],
        "idea": {**idea.to_json(), "reason": idea.reason} if idea is not None else None,
    }


async def opportunity_page(request: Request) -> Response:
    web = web_context(request)
    opp_id = request.path_params["opp_id"]

    def load(store: Store) -> dict[str, Any]:
        data = _opportunity_data(web, store, opp_id)
        try:
            data["me"] = web.acting_member(request, store)
        except ConfigError:
            data["me"] = None
        return data

    data = await web.with_store(load)
    if request.url.path.startswith("/api/"):
        opp: Opportunity = data["opp"]
        return JSONResponse(
            {
                "ok": True,
                "opportunity": opp.to_json(),
                "thread": [
                    {
                        "remote_id": s.item.remote_id,
                        "author": s.item.author.display,
                        "text": s.item.text,
                        "kind": s.item.kind.value,
                        "is_own": s.item.is_own,
                    }
                    for s in data["thread"]
                ],
                "draft": data["draft"],
                "claimed_by": data["claimed_by"],
                "sent": data["sent"].to_json() if data["sent"] else None,
                "pending_send": data["pending"].to_json() if data["pending"] else None,
                "wall": _wall_json(data["wall_idea"]),
            }
        )
    return web.render(
        request,
        "opportunity.html",
        **data,
        crisis=Priority.CRISIS,
        snoozes=list(SNOOZE_CHOICES),
        sent_again=request.query_params.get("sent") == "again",
        wall_outcome=request.query_params.get("wall"),
    )


async def opportunity_action(request: Request) -> Response:
    web = web_context(request)
    opp_id = request.path_params["opp_id"]
    action = request.path_params["action"]
    form = await checked_form(request)
    if isinstance(form, Response):
        return form

    def run(store: Store) -> str:
        inbox = Inbox(store, crisis_line=web.crisis_line)
        opp = inbox.get(opp_id)
        if action in ("claim", "release"):
            return _claim_action(web, request, inbox, opp, action)
        if action == "draft":
            text = form.get("text", "").strip()[:MAX_DRAFT_CHARS]
            if not text:
                raise InputError("the draft is empty. You can fix this by writing a reply.")
            Composer(store).save_edited(opp, text)
            return f"/inbox/{opp.id}?saved=1"
        if action == "snooze":
            length = SNOOZE_CHOICES.get(form.get("for", ""))
            if length is None:
                raise InputError("pick how long to snooze: 1d, 3d or 7d.")
            inbox.snooze(opp.id, datetime.now(UTC) + length)
        elif action == "dismiss":
            inbox.dismiss(opp.id)
        elif action == "done":
            inbox.done(opp.id)
        else:
            raise InputError(f"unknown action {action!r}.")
        return "/inbox"

    try:
        target = await web.with_store(run)
    except ClaimedError as err:
        return web.error_page(request, 409, str(err))
    return RedirectResponse(target, 303)


def _claim_action(
    web: WebContext, request: Request, inbox: Inbox, opp: Opportunity, action: str
) -> str:
    """ "I'll answer this one" and "release": as the logged-in member (an owner may release
    anyone's claim, like ``cyberkind unclaim --force``). The rule is the inbox's."""
    me = web.acting_member(request, inbox.store)
    if me is None:
        import getpass

        me = getpass.getuser()
    if action == "claim":
        try:
            inbox.claim(opp.id, me)
        except ClaimedError as err:
            raise ClaimedError(
                f"{err.holder} is already answering this one, so it stays theirs. You can fix "
                "this by choosing another from the unclaimed ones (/inbox?claim=unclaimed).",
                opportunity_id=opp.id,
                holder=err.holder,
            ) from None
        return f"/inbox/{opp.id}?claimed=1"
    viewer = web.viewer(request)
    force = viewer is not None and viewer.is_owner and viewer.name is not None
    try:
        inbox.release(opp.id, me, force=force)
    except ClaimedError as err:
        reason = "nobody holds it" if err.holder is None else f"{err.holder} holds it"
        raise ClaimedError(
            f"there is no claim of yours to release on this one ({reason}). You can fix this "
            f"by asking {err.holder or 'an owner'}.",
            opportunity_id=opp.id,
            holder=err.holder,
        ) from None
    return f"/inbox/{opp.id}"


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
    """The owner's pages and their JSON twins (after :mod:`.send`'s and :mod:`.wall`'s
    ``/inbox/{id}/...`` routes, which ``/inbox/{id}/{action}`` would otherwise take)."""
    return [
        Route("/login", page(login_page), methods=["GET"]),
        Route("/login", page(login), methods=["POST"]),
        Route("/logout", page(logout), methods=["POST"]),
        Route("/compose", page(compose_page), methods=["GET", "POST"]),
        Route("/inbox", page(inbox_page), methods=["GET"]),
        Route("/api/inbox", page(inbox_page), methods=["GET"]),
        Route("/inbox/{opp_id:str}", page(opportunity_page), methods=["GET"]),
        Route("/api/inbox/{opp_id:str}", page(opportunity_page), methods=["GET"]),
        Route("/inbox/{opp_id:str}/{action:str}", page(opportunity_action), methods=["POST"]),
        Route("/stars", page(stars_page), methods=["GET"]),
        Route("/api/stars", page(stars_page), methods=["GET"]),
        Route("/settings", page(settings_page), methods=["GET", "POST"]),
        Route("/api/settings", page(settings_page), methods=["GET", "POST"]),
    ]
