"""``serve``: the HTTP API (docs/api.md)."""

from __future__ import annotations

import sys

import click

from ._base import (
    _settings,
    _tier_options,
    cli,
    setting_option,
)


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to bind. Other machines can reach the server only if you pass 0.0.0.0.",
)
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option("--tier", default="fast", show_default=True, help="Model tier for scoring.")
@click.option(
    "--get",
    "get_path",
    metavar="PATH",
    help="Print the response to GET PATH and exit, without opening a port.",
)
@setting_option
def serve(
    host: str, port: int, tier: str, get_path: str | None, settings: tuple[tuple[str, str], ...]
) -> None:
    """Serve the HTTP API: Perspective-compatible comments:analyze and OpenAPI.

    Binds 127.0.0.1 unless --host says otherwise. Existing Perspective clients
    work by changing their base URL to http://127.0.0.1:8000.

    Example:

        cyberkind serve --port 8000
    """
    from ..engine import Scorer
    from ..web.app import create_app

    values = _settings(settings)
    app = create_app(Scorer(tier, values["model_dir"], _tier_options(tier, values)))
    if get_path is not None:
        import asyncio

        import httpx

        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://cyberkind") as c:
                return await c.get(get_path)

        response = asyncio.run(fetch())
        click.echo(response.text)
        if response.status_code >= 400:
            sys.exit(1)
        return
    import uvicorn

    click.echo(f"Serving on http://{host}:{port} (Ctrl+C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
