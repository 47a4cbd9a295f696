"""The ideas wall's routes: the public page, its JSON and feed, stars, and moderation.

- ``GET /wall`` (and ``/wall.json``): the wall, iframe-friendly (the only framable page);
- ``POST /wall``: submit an idea (form: ``text``, ``author``, ``token``, ``nonce``);
- ``POST /wall/{id}/star``: star an idea (once per visitor, rate-limited);
- ``GET /wall/feed.json``: a JSON Feed 1.1 of the wall, for blogs and feed readers (its
  links start with the ``public_url`` setting);
- ``GET /api/ideas`` (a list of ideas: ``text``, ``author``, ``stars``...),
  ``POST /api/ideas``, ``POST /api/ideas/{id}/star``: the same as JSON;
- ``GET /moderation``, ``POST /moderation/{id}/approve`` and ``.../reject`` (the owner), and
  ``GET /api/moderation``, ``POST /api/moderation/{id}/{approve,reject}``;
- ``POST /inbox/{id}/wall`` (form: ``csrf``, optional ``text``) and ``POST /api/inbox/{id}/wall``
  (JSON, optional ``text``): the owner puts an inbox idea on the wall
  (:meth:`cyberkind.wall.Wall.add_from_inbox`); mounted before :mod:`.pages` and its
  ``/inbox/{id}/{action}``, and owner-only like every ``/inbox`` path.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...errors import InputError
from ...models import Idea
from ...store import Store
from ...wall import MAX_AUTHOR_CHARS, MAX_IDEA_CHARS, Submission, Wall
from ..context import NOT_JSON, WebContext, checked_form, form_fields, page, web_context
from ..responses import BadJSON, json_error, rate_limited, read_json

__all__ = ["routes"]


def _wall(web: WebContext, store: Store) -> Wall:
    stars = web.setting(store, "stars", "on") == "on"
    return Wall(store, check=web.check, stars=stars, flood_limit=web.limits.flood)


async def wall_page(request: Request) -> Response:
    web = web_context(request)
    if request.url.path.endswith(".json"):
        return await api_ideas(request)
    ideas = await web.with_store(lambda s: s.ideas(("published",)))
    starred = request.query_params.get("starred")
    note = "already" if request.query_params.get("star") == "already" else "added"
    return _render_wall(request, web, ideas, starred=starred, star_note=note)


def _render_wall(
    request: Request,
    web: WebContext,
    ideas: list[Idea],
    *,
    status: int = 200,
    submission: Submission | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
    starred: str | None = None,
    star_note: str = "added",
) -> Response:
    return web.render(
        request,
        "wall.html",
        status=status,
        ideas=ideas,
        token=web.wall_token(request),
        nonce=secrets.token_urlsafe(16),
        submission=submission,
        error=error,
        form=form or {},
        starred=starred,
        star_note=star_note,
        max_idea=MAX_IDEA_CHARS,
        max_author=MAX_AUTHOR_CHARS,
    )


async def _submit(web: WebContext, request: Request, data: dict[str, Any]) -> Submission:
    text, author, nonce = data.get("text"), data.get("author"), data.get("nonce")
    if not isinstance(text, str) or not isinstance(author, str):
        raise InputError("'text' and 'author' are required strings.")
    if nonce is not None and (not isinstance(nonce, str) or len(nonce) > 100):
        raise InputError("'nonce' must be a short string.")

    def run(store: Store) -> Submission:
        client = web.visitor(request, web.salt(store))
        wall = _wall(web, store)
        screened = wall.screen(text, author)  # the guard, before queueing to write
        with web.writes:
            return wall.submit(text, author, client=client, nonce=nonce or None, screened=screened)

    return await web.with_store(run)


async def wall_submit(request: Request) -> Response:
    web = web_context(request)
    form = await form_fields(request)
    if not web.wall_token_ok(request, form.get("token")):
        return web.error_page(request, 403, "This form has expired. Please reload the wall.")
    retry = web.submit_limiter.hit(web.address(request))
    if retry is not None:
        return web.error_page(
            request, 429, f"That was a lot of ideas at once! Please wait {int(retry) + 1} seconds."
        )
    try:
        submission = await _submit(web, request, form)
    except InputError as err:
        ideas = await web.with_store(lambda s: s.ideas(("published",)))
        return _render_wall(request, web, ideas, status=400, error=str(err), form=form)
    ideas = await web.with_store(lambda s: s.ideas(("published",)))
    status = 202 if submission.status == "pending" else 201
    return _render_wall(request, web, ideas, status=status, submission=submission)


async def _star(web: WebContext, request: Request) -> tuple[Idea, bool]:
    idea_id = int(request.path_params["idea_id"])

    def run(store: Store) -> tuple[Idea, bool]:
        voter = web.visitor(request, web.salt(store))
        with web.writes:
            return _wall(web, store).star(idea_id, voter)

    return await web.with_store(run)


async def wall_star(request: Request) -> Response:
    web = web_context(request)
    form = await form_fields(request)
    if not web.wall_token_ok(request, form.get("token")):
        return web.error_page(request, 403, "This form has expired. Please reload the wall.")
    retry = web.star_limiter.hit(web.address(request))
    if retry is not None:
        return web.error_page(request, 429, f"So many stars! Please wait {int(retry) + 1} seconds.")
    idea, added = await _star(web, request)
    note = "added" if added else "already"
    return RedirectResponse(f"/wall?starred={idea.id}&star={note}#idea-{idea.id}", 303)


async def api_ideas(request: Request) -> Response:
    web = web_context(request)
    ideas = await web.with_store(lambda s: s.ideas(("published",)))
    return JSONResponse([i.to_json() for i in ideas])


def _json_request(request: Request) -> Response | None:
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind != "application/json":
        return json_error(415, "Send JSON with Content-Type: application/json.")
    return None


async def api_submit(request: Request) -> Response:
    web = web_context(request)
    refused = _json_request(request)
    if refused is not None:
        return refused
    retry = web.submit_limiter.hit(web.address(request))
    if retry is not None:
        return rate_limited(retry)
    try:
        data = await read_json(request)
    except BadJSON as err:
        return json_error(400, NOT_JSON if err.malformed else err.message)
    if not isinstance(data, dict):
        return json_error(400, "The body must be a JSON object with 'text' and 'author'.")
    submission = await _submit(web, request, data)
    return JSONResponse(
        {
            "ok": True,
            "status": submission.status,
            "message": submission.message,
            "repeat": submission.repeat,
            "idea": submission.idea.to_json() if submission.status != "pending" else None,
        },
        status_code=202 if submission.status == "pending" else 201,
    )


async def api_star(request: Request) -> Response:
    web = web_context(request)
    refused = _json_request(request)
    if refused is not None:
        return refused
    retry = web.star_limiter.hit(web.address(request))
    if retry is not None:
        return rate_limited(retry)
    idea, added = await _star(web, request)
    return JSONResponse({"ok": True, "added": added, "idea": idea.to_json()})


def _base_url(web: WebContext, request: Request) -> str:
    """Where the feed's links point: the ``public_url`` setting; else, when the server is
    public, nowhere absolute (links relative to the feed, never the visitor's Host header);
    else this loopback server's own address (the Host header is checked: loopback only)."""
    if web.public_url:
        return web.public_url
    return "" if web.public else str(request.base_url).rstrip("/")


async def feed(request: Request) -> Response:
    web = web_context(request)
    ideas = await web.with_store(lambda s: s.ideas(("published",)))
    base = _base_url(web, request)
    body = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Ideas for random acts of cyber-kindness",
        "home_page_url": f"{base}/wall",
        "feed_url": f"{base}/wall/feed.json",
        "items": [
            {
                "id": f"{base}/wall#idea-{i.id}",
                "url": f"{base}/wall#idea-{i.id}",
                "content_text": i.text,
                "date_published": i.created_at.isoformat() if i.created_at else None,
                "authors": [{"name": name} for name in i.authors],
                "_cyberkind": {"stars": i.stars},
            }
            for i in ideas[:100]
        ],
    }
    return JSONResponse(body, media_type="application/feed+json")


async def moderation_page(request: Request) -> Response:
    web = web_context(request)
    pending = await web.with_store(lambda s: s.ideas(("pending",)))
    return web.render(request, "moderation.html", ideas=pending)


async def moderate(request: Request) -> Response:
    web = web_context(request)
    action = request.path_params["action"]
    idea_id = int(request.path_params["idea_id"])
    if action not in ("approve", "reject"):
        return web.error_page(request, 404, f"No such action {action!r}: approve or reject.")
    api = request.url.path.startswith("/api/")
    if api:
        refused = _json_request(request)
        if refused is not None:
            return refused
    else:
        checked = await checked_form(request)
        if isinstance(checked, Response):
            return checked

    def run(store: Store) -> Idea:
        wall = _wall(web, store)
        return wall.approve(idea_id) if action == "approve" else wall.reject(idea_id)

    idea = await web.with_store(run)
    if api:
        return JSONResponse({"ok": True, "idea": idea.to_json()})
    return RedirectResponse("/moderation", 303)


async def inbox_to_wall(request: Request) -> Response:
    """Put an inbox idea on the wall (the owner's approval; the guard still applies)."""
    web = web_context(request)
    opp_id = request.path_params["opp_id"]
    api = request.url.path.startswith("/api/")
    text: str | None = None
    if api:
        refused = _json_request(request)
        if refused is not None:
            return refused
        try:
            data = await read_json(request) if await request.body() else {}
        except BadJSON as err:
            if err.malformed:
                return json_error(
                    400, "The body is not valid JSON. You can fix this by sending {}."
                )
            return json_error(400, err.message)
        if not isinstance(data, dict) or not isinstance(data.get("text", ""), str | None):
            return json_error(400, "The body must be a JSON object; 'text' is a string.")
        text = data.get("text")
    else:
        form = await checked_form(request)
        if isinstance(form, Response):
            return form
        text = form.get("text")

    def run(store: Store) -> Submission:
        return _wall(web, store).add_from_inbox(opp_id, text=text)

    result = await web.with_store(run)
    if api:
        return JSONResponse(
            {
                "ok": True,
                "status": result.status,
                "repeat": result.repeat,
                "message": result.message,
                "idea": {**result.idea.to_json(), "reason": result.idea.reason},
            },
            status_code=200 if result.repeat else (202 if result.status == "pending" else 201),
        )
    outcome = "again" if result.repeat else result.status
    return RedirectResponse(f"/inbox/{opp_id}?wall={outcome}#wall", 303)


async def api_moderation(request: Request) -> Response:
    web = web_context(request)
    pending = await web.with_store(lambda s: s.ideas(("pending",)))
    return JSONResponse([{**i.to_json(), "reason": i.reason} for i in pending])


def routes() -> list[BaseRoute]:
    """The wall's routes (see the module docstring)."""
    return [
        Route("/wall", page(wall_page), methods=["GET"]),
        Route("/wall.json", page(wall_page), methods=["GET"]),
        Route("/wall", page(wall_submit), methods=["POST"]),
        Route("/wall/feed.json", page(feed), methods=["GET"]),
        Route("/wall/{idea_id:int}/star", page(wall_star), methods=["POST"]),
        Route("/api/ideas", page(api_ideas), methods=["GET"]),
        Route("/api/ideas", page(api_submit), methods=["POST"]),
        Route("/api/ideas/{idea_id:int}/star", page(api_star), methods=["POST"]),
        Route("/moderation", page(moderation_page), methods=["GET"]),
        Route(
            "/moderation/{idea_id:int}/{action:str}",
            page(moderate),
            methods=["POST"],
        ),
        Route("/api/moderation", page(api_moderation), methods=["GET"]),
        Route("/api/moderation/{idea_id:int}/{action:str}", page(moderate), methods=["POST"]),
        Route("/inbox/{opp_id:str}/wall", page(inbox_to_wall), methods=["POST"]),
        Route("/api/inbox/{opp_id:str}/wall", page(inbox_to_wall), methods=["POST"]),
    ]
