"""``serve`` and ``web set-password``: the HTTP API and the web app (docs/api.md, docs/web.md)."""

from __future__ import annotations

import sys
from typing import Any

import click

from ._base import (
    _settings,
    cli,
    setting_option,
)
from ._inbox import db_option

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to bind. Anything but loopback needs --public.",
)
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--tier",
    default=None,
    help="Model tier for scoring and the guard (default: the guard_tier setting, fast; "
    "reading is the fine-tuned encoder). Imports and syncs from the web read with the "
    "inbox_tier setting, as import and sync do.",
)
@click.option(
    "--public",
    is_flag=True,
    help="Expose the server (the owner must log in for everything but the ideas wall). "
    "Needs a password: cyberkind web set-password.",
)
@click.option(
    "--frame-ancestors",
    default="*",
    show_default=True,
    help="Who may embed the ideas wall in an iframe (a CSP frame-ancestors source list).",
)
@click.option(
    "--get",
    "get_path",
    metavar="PATH",
    help="Print the response to GET PATH and exit, without opening a port.",
)
@db_option
@setting_option
def serve(
    host: str,
    port: int,
    tier: str | None,
    public: bool,
    frame_ancestors: str,
    get_path: str | None,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Serve the web app and the HTTP API (Perspective-compatible comments:analyze).

    Binds 127.0.0.1 unless --public and --host say otherwise. Existing Perspective
    clients work by changing their base URL to http://127.0.0.1:8000. Open
    http://127.0.0.1:8000/inbox in a browser; the ideas wall is at /wall.

    Example:

        cyberkind serve --port 8000

        cyberkind serve --public --host 0.0.0.0   # after: cyberkind web set-password
    """
    from ..members import owner_password_set
    from ..store import SQLiteStore, open_store
    from ..web.app import create_app
    from ..web.scoring import guard_scorer

    values = _settings(settings)
    if host not in LOOPBACK and not public:
        raise click.ClickException(
            f"binding {host} would expose your inbox to other machines. You can fix this by "
            "passing --public (the owner then logs in; the ideas wall stays open), or by "
            "leaving --host at 127.0.0.1."
        )
    store_path = db or values["db"]
    with open_store(store_path) as store:
        members = store.members()
        if public and members:
            if not any(m.is_owner and m.password_hash and not m.disabled for m in members):
                raise click.ClickException(
                    "--public needs an owner who can log in. You can fix this by running "
                    "cyberkind team set-password NAME for an owner first."
                )
        elif public and not owner_password_set(store):
            raise click.ClickException(
                "--public needs the owner's password. You can fix this by running "
                "cyberkind web set-password (or cyberkind team add-member NAME --role owner) "
                "first."
            )
        # A SQLite store's resolved file, or the team store's URL as given.
        path = store.path if isinstance(store, SQLiteStore) else store_path
    app = create_app(
        guard_scorer(values, tier),
        db=path,
        public=public,
        frame_ancestors=frame_ancestors,
        allowed_hosts=None if public else [*LOOPBACK, "[::1]"],
        region=values["region"],
        crisis_line=values["crisis_line"],
        perspective_unscorable=values["perspective_unscorable"],
        public_url=values["public_url"],
        settings=values,
    )
    if public and not values["public_url"]:
        click.echo(
            "Note: the wall's feed links are relative. You can fix this by passing "
            "--setting public_url https://your.address.",
            err=True,
        )
    if get_path is not None:
        import asyncio

        import httpx

        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
                return await c.get(get_path)

        response = asyncio.run(fetch())
        click.echo(response.text)
        if response.status_code >= 400:
            sys.exit(1)
        return
    import uvicorn

    click.echo(f"Serving on http://{host}:{port} (Ctrl+C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", **proxy_options(values))


def proxy_options(values: dict[str, Any]) -> dict[str, Any]:
    """uvicorn's proxy-header options: X-Forwarded-* are believed only from the addresses in
    the ``trusted_proxies`` setting (uvicorn's own default believes any local process)."""
    proxies = [p.strip() for p in str(values.get("trusted_proxies") or "").split(",") if p.strip()]
    if not proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": proxies}


@cli.group()
def web() -> None:
    """The web app's owner settings.

    Example:

        cyberkind web set-password
    """


@web.command("set-password")
@click.password_option(
    "--password",
    prompt="Owner password",
    help="The owner's password (prompted for, twice, when not given). Stored only as an "
    "argon2 hash.",
)
@db_option
@setting_option
def set_password_command(
    password: str, db: str | None, settings: tuple[tuple[str, str], ...]
) -> None:
    """Set the password the owner logs in with when the server is --public.

    Only its argon2 hash is stored (in the store's web_config table).

    Example:

        cyberkind web set-password
    """
    from ..members import set_owner_password
    from ..store import open_store

    values = _settings(settings)
    with open_store(db or values["db"]) as store:
        set_owner_password(store, password)
        team = bool(store.members())
    if team:
        click.echo(
            "Password set, but this store has team members, who log in with their own names "
            "and passwords: it is used again only if every member is removed. Set a member's "
            "with: cyberkind team set-password NAME",
            err=True,
        )
        return
    click.echo("Password set. Start the server with: cyberkind serve --public", err=True)
