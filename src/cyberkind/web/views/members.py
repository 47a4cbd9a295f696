"""The owners' members page: list the team, add a member, disable, enable or remove one.

``GET /members`` (and ``GET /api/members``, JSON without hashes) lists them; the forms post
``/members`` (add: name, display name, role, password) and ``/members/{name}/{action}``
(``disable``, ``enable``, ``remove``), each with the session's CSRF token. When the server
is public only owners reach these paths (:data:`cyberkind.web.context.OWNER_PATHS`). The
rules (valid names, the first member an owner, keeping the last owner) are
:mod:`cyberkind.members`'; passwords are hashed there with argon2id and never shown.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...errors import InputError
from ...members import add_member, remove_member, set_member_disabled
from ...store import Store
from ..context import checked_form, page, web_context

__all__ = ["routes"]

ACTIONS = ("disable", "enable", "remove")


async def members_page(request: Request) -> Response:
    web = web_context(request)
    members = await web.with_store(lambda s: s.members())
    if request.url.path.startswith("/api/"):
        return JSONResponse({"ok": True, "members": [m.to_json() for m in members]})
    note = request.query_params.get("done")
    name = request.query_params.get("name")
    return web.render(request, "members.html", members=members, note=note, name=name)


async def add_member_form(request: Request) -> Response:
    web = web_context(request)
    form = await checked_form(request)
    if isinstance(form, Response):
        return form
    name = form.get("name", "").strip()
    role = form.get("role", "member")
    password = form.get("password", "")
    if not password:
        raise InputError("the password is empty. You can fix this by choosing one.")

    def run(store: Store) -> str:
        return add_member(
            store, name, password, role=role, display_name=form.get("display_name") or None
        ).name

    added = await web.with_store(run)
    return RedirectResponse(f"/members?done=added&name={quote(added)}", 303)


async def member_action(request: Request) -> Response:
    web = web_context(request)
    name = request.path_params["name"]
    action = request.path_params["action"]
    form = await checked_form(request)
    if isinstance(form, Response):
        return form
    if action not in ACTIONS:
        raise InputError(f"unknown action {action!r}. You can fix this by using one of {ACTIONS}.")

    def run(store: Store) -> None:
        if action == "remove":
            remove_member(store, name)
        else:
            set_member_disabled(store, name, action == "disable")

    await web.with_store(run)
    return RedirectResponse(f"/members?done={action}d&name={quote(name)}", 303)


def routes() -> list[BaseRoute]:
    """The members page, its form posts and its JSON twin (owners only when public)."""
    return [
        Route("/members", page(members_page), methods=["GET"]),
        Route("/api/members", page(members_page), methods=["GET"]),
        Route("/members", page(add_member_form), methods=["POST"]),
        Route("/members/{name:str}/{action:str}", page(member_action), methods=["POST"]),
    ]
