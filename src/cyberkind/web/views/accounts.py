"""The settings page's accounts and feeds: connect and disconnect accounts, follow feeds.

- ``POST /settings/accounts`` (form: ``csrf``, ``platform``, ``name``, ``url``, ``handle`` and
  one ``secret.<key>`` password field per secret the platform needs) and
  ``POST /settings/accounts/{name}/remove``;
- ``POST /settings/feeds`` (form: ``csrf``, ``url``, ``comments``) and
  ``POST /settings/feeds/remove`` (form: ``csrf``, ``url``);
- ``GET``/``POST /api/accounts``, ``DELETE /api/accounts/{name}``, ``GET``/``POST /api/feeds``
  and ``POST /api/feeds/remove``: the same as JSON.

Connecting and disconnecting call the library functions that ``cyberkind accounts`` calls
(:mod:`cyberkind.accounts`). Secrets go to the OS keyring. They never reach the store, a page,
a JSON answer or the log; an option (JSON ``options``, form ``option.<key>``) whose name looks
like a secret is refused (400); a secret field is never filled in again. When no keyring backend
can be reached, the answer names the environment variable to set instead. Like every path
but the wall's, these are the owner's alone when the server is public (``LoginRequired``);
the forms carry the session's CSRF token and the JSON routes take only
``application/json``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...accounts import (
    Connected,
    accounts_status,
    check_feed_url,
    connect,
    disconnect,
    follow_feed,
    unfollow_feed,
)
from ...errors import InputError
from ...store import Store
from ..context import checked_form, json_object, page, web_context

__all__ = ["routes"]


def _str(body: dict[str, Any], key: str) -> str:
    value = body.get(key) or ""
    if not isinstance(value, str):
        raise InputError(f"'{key}' must be a string.")
    return value


async def add_account(request: Request) -> Response:
    web = web_context(request)
    api = request.url.path.startswith("/api/")
    if api:
        body = await json_object(request)
        if isinstance(body, Response):
            return body
        raw = body.get("secrets") or {}
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
            raise InputError(
                "'secrets' must be an object of strings, e.g. {\"access_token\": ...}."
            )
        fields = {k: _str(body, k) for k in ("platform", "name", "url", "handle")}
        secrets = {str(k): v for k, v in raw.items()}
        given = body.get("options") or {}
        if not isinstance(given, dict) or not all(isinstance(v, str) for v in given.values()):
            raise InputError("'options' must be an object of strings, e.g. {\"visibility\": ...}.")
        options = {str(k): v for k, v in given.items()}
    else:
        form = await checked_form(request)
        if isinstance(form, Response):
            return form
        fields = {k: form.get(k, "") for k in ("platform", "name", "url", "handle")}
        secrets = {k[7:]: v for k, v in form.items() if k.startswith("secret.")}
        options = {k[7:]: v for k, v in form.items() if k.startswith("option.") and v.strip()}

    def run(store: Store) -> Connected:
        return connect(
            store,
            fields["platform"],
            fields["name"],
            fields["url"],
            fields["handle"],
            secrets,
            options=options,
        )

    done = await web.with_store(run)
    if api:
        return JSONResponse(done.to_json(), status_code=201 if done.new else 200)
    note = "added" if done.new else "updated"
    return RedirectResponse(
        f"/settings?account={note}&name={quote(done.account.name)}#accounts-h", 303
    )


async def remove_account(request: Request) -> Response:
    web = web_context(request)
    name = request.path_params["name"]
    api = request.url.path.startswith("/api/")
    if not api:
        form = await checked_form(request)
        if isinstance(form, Response):
            return form
    gone = await web.with_store(lambda s: disconnect(s, name))
    if api:
        return JSONResponse(
            {"ok": True, "removed": gone.account.to_json(), "deleted": list(gone.deleted)}
        )
    return RedirectResponse(
        f"/settings?account=removed&name={quote(gone.account.name)}#accounts-h", 303
    )


async def list_accounts(request: Request) -> Response:
    web = web_context(request)
    return JSONResponse(await web.with_store(accounts_status))


async def feeds(request: Request) -> Response:
    web = web_context(request)
    api = request.url.path.startswith("/api/")
    if request.method == "GET":
        found = await web.with_store(lambda s: s.feeds())
        return JSONResponse([{"url": f.url, "comments": f.comments} for f in found])
    removing = request.url.path.endswith("/remove")
    if api:
        body = await json_object(request)
        if isinstance(body, Response):
            return body
        url, comments = _str(body, "url"), body.get("comments") is True
    else:
        form = await checked_form(request)
        if isinstance(form, Response):
            return form
        url, comments = form.get("url", ""), form.get("comments") == "on"
    url = url.strip() if removing else check_feed_url(url)

    def run(store: Store) -> bool:
        if removing:
            unfollow_feed(store, url)
            return False
        return follow_feed(store, url, comments=comments)

    new = await web.with_store(run)
    if api:
        return JSONResponse(
            {"ok": True, "url": url, "followed": not removing, "new": new},
            status_code=201 if new else 200,
        )
    note = "unfollowed" if removing else "followed"
    return RedirectResponse(f"/settings?feed={note}#feeds-h", 303)


def routes() -> list[BaseRoute]:
    """The accounts and feeds routes (see the module docstring)."""
    return [
        Route("/settings/accounts", page(add_account), methods=["POST"]),
        Route("/settings/accounts/{name:str}/remove", page(remove_account), methods=["POST"]),
        Route("/settings/feeds", page(feeds), methods=["POST"]),
        Route("/settings/feeds/remove", page(feeds), methods=["POST"]),
        Route("/api/accounts", page(list_accounts), methods=["GET"]),
        Route("/api/accounts", page(add_account), methods=["POST"]),
        Route("/api/accounts/{name:str}", page(remove_account), methods=["DELETE"]),
        Route("/api/feeds", page(feeds), methods=["GET", "POST"]),
        Route("/api/feeds/remove", page(feeds), methods=["POST"]),
    ]
