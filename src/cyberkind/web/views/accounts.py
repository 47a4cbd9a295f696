"""The settings page's accounts and feeds: connect and disconnect accounts, follow feeds.

- ``POST /settings/accounts`` (form: ``csrf``, ``platform``, ``name``, ``url``, ``handle`` and
  one ``secret.<key>`` password field per secret the platform needs) and
  ``POST /settings/accounts/{name}/remove``;
- ``POST /settings/feeds`` (form: ``csrf``, ``url``, ``comments``) and
  ``POST /settings/feeds/remove`` (form: ``csrf``, ``url``);
- ``GET``/``POST /api/accounts``, ``DELETE /api/accounts/{name}``, ``GET``/``POST /api/feeds``
  and ``POST /api/feeds/remove``: the same as JSON.

Secrets go exactly where ``cyberkind accounts add`` puts them: the OS keyring, through
:meth:`cyberkind.credentials.KeyringCredentials.set`. They never reach the store, a page, a
JSON answer or the log; a secret field is never filled in again. When no keyring backend
can be reached, the answer names the environment variable to set instead. Like every path
but the wall's, these are the owner's alone when the server is public (``LoginRequired``);
the forms carry the session's CSRF token and the JSON routes take only
``application/json``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...credentials import EnvCredentials, KeyringCredentials, Secret, env_var
from ...errors import ConfigError, InputError, NotFoundError
from ...models import Account
from ...store import Store
from ..context import checked_form, json_object, page, web_context

__all__ = ["accounts_data", "live_platforms", "routes"]

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def live_platforms() -> dict[str, tuple[str, ...]]:
    """Each live connector's name and the secrets it needs (the connector registry's)."""
    from ...connectors.base import LiveConnector, connector_registry

    return {
        name: tuple(getattr(cls, "secret_keys", ()))
        for name, cls in sorted(connector_registry().items())
        if issubclass(cls, LiveConnector)
    }


def _secret_state(account: Account, keys: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    env, keyring = EnvCredentials(), KeyringCredentials()
    found: dict[str, dict[str, Any]] = {}
    for key in keys:
        where = None
        if env.get(account.name, key) is not None:
            where = "environment"
        else:
            try:
                where = "keyring" if keyring.get(account.name, key) is not None else None
            except Exception:  # a keyring backend that cannot be reached
                where = None
        found[key] = {"found": where is not None, "where": where, "env": env_var(account.name, key)}
    return found


def accounts_data(store: Store) -> list[dict[str, Any]]:
    """The connected accounts, with where each secret is found (never its value)."""
    platforms = live_platforms()
    return [
        {
            **account.to_json(),
            "secrets": _secret_state(account, platforms.get(account.platform, ())),
            "connector": account.platform in platforms,
        }
        for account in store.accounts()
    ]


@dataclass(frozen=True)
class Connected:
    """What connecting an account did: ``stored`` secrets went to the keyring; ``missing``
    names the environment variables to set for those that did not."""

    account: Account
    new: bool
    stored: tuple[str, ...]
    missing: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "account": self.account.to_json(),
            "new": self.new,
            "stored": list(self.stored),
            "set_env": list(self.missing),
        }


def connect(
    store: Store,
    platform: str,
    name: str,
    url: str,
    handle: str | None,
    secrets: dict[str, str],
) -> Connected:
    """Connect (or update) an account as ``cyberkind accounts add`` does.

    Each non-empty secret goes to the keyring. If the keyring refuses it, nothing is saved
    and the :class:`ConfigError` names the environment variables to set instead. An empty
    secret field keeps what is there (so an update does not wipe a stored token).
    """
    platforms = live_platforms()
    if platform not in platforms:
        raise InputError(
            f"{platform!r} is not a live platform. You can fix this by choosing one of: "
            f"{', '.join(platforms) or 'none installed'}."
        )
    name, url = name.strip(), url.strip()
    if not _NAME.match(name):
        raise InputError(
            "the account name must be 1 to 40 letters, digits, '.', '_' or '-'. You can fix "
            "this by choosing a short label such as 'social'."
        )
    if not url.startswith(("http://", "https://")):
        raise InputError(
            "the URL is not an http(s) address. You can fix this by giving the full address, "
            "e.g. https://social.example."
        )
    account = Account(name, platform, url, handle=(handle or "").strip() or None)
    keys = platforms[platform]
    given = {k: Secret(secrets[k].strip()) for k in keys if secrets.get(k, "").strip()}
    keyring = KeyringCredentials()
    stored: list[str] = []
    try:
        for key, secret in given.items():
            keyring.set(name, key, secret)
            stored.append(key)
    except ConfigError:
        raise
    except Exception as exc:  # keyring backends raise their own errors (no D-Bus, locked...)
        variables = ", ".join(env_var(name, k) for k in keys)
        logger.warning("the OS keyring refused a secret for account %s", name)
        raise ConfigError(
            f"the OS keyring refused the secret ({type(exc).__name__}). You can fix this by "
            f"leaving the secret empty and setting {variables} in the server's environment."
        ) from None
    new = store.add_account(account)
    env = EnvCredentials()
    missing = tuple(
        env_var(name, k)
        for k in keys
        if k not in stored
        and env.get(name, k) is None
        and KeyringCredentials().get(name, k) is None
    )
    return Connected(account, new, tuple(stored), missing)


def disconnect(store: Store, name: str) -> tuple[Account, list[str]]:
    """Forget an account and delete its secrets from the keyring (its items stay)."""
    account = store.get_account(name)
    store.remove_account(name)
    deleted = []
    keyring = KeyringCredentials()
    for key in live_platforms().get(account.platform, ()):
        try:
            if keyring.delete(name, key):
                deleted.append(key)
        except Exception:  # a keyring backend that cannot be reached
            logger.warning("could not reach the OS keyring to delete a secret of %s", name)
    return account, deleted


def _feed_url(url: str) -> str:
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise InputError(
            "the feed URL is not an http(s) address. You can fix this by pasting the feed's "
            "full address, e.g. https://blog.example/feed/."
        )
    return url


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
    else:
        form = await checked_form(request)
        if isinstance(form, Response):
            return form
        fields = {k: form.get(k, "") for k in ("platform", "name", "url", "handle")}
        secrets = {k[7:]: v for k, v in form.items() if k.startswith("secret.")}

    def run(store: Store) -> Connected:
        return connect(
            store, fields["platform"], fields["name"], fields["url"], fields["handle"], secrets
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
    account, deleted = await web.with_store(lambda s: disconnect(s, name))
    if api:
        return JSONResponse({"ok": True, "removed": account.to_json(), "deleted": deleted})
    return RedirectResponse(f"/settings?account=removed&name={quote(account.name)}#accounts-h", 303)


async def list_accounts(request: Request) -> Response:
    web = web_context(request)
    return JSONResponse(await web.with_store(accounts_data))


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
    url = url.strip() if removing else _feed_url(url)

    def run(store: Store) -> bool:
        if removing:
            if not store.remove_feed(url):
                raise NotFoundError(
                    f"you do not follow {url!r}. You can fix this by picking a feed listed on "
                    "the settings page."
                )
            return False
        return store.add_feed(url, comments=comments)

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
