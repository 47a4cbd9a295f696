"""``sync`` and ``feeds add|list|remove``: live sources of the inbox (docs/inbox.md)."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

from ._base import _settings, cli, setting_option
from ._inbox import _open_store, db_option, inbox_scorer_for, inbox_tier_option

SYNC_TIMEOUT = 20.0
"""Seconds to wait for a feed to connect or send its next bytes."""


@cli.group("feeds")
def feeds_cli() -> None:
    """The RSS and Atom feeds you follow; `cyberkind sync` fetches them.

    Example:

        \b
        cyberkind feeds add https://ana.example/feed/
        cyberkind feeds add https://kind.example/comments/feed/ --comments
    """


@feeds_cli.command("add")
@click.argument("url")
@click.option(
    "--comments",
    is_flag=True,
    help="A comment feed of your own blog (e.g. /comments/feed/): comments become "
    "thank-you opportunities, not posts to encourage.",
)
@db_option
@setting_option
def feeds_add_cli(
    url: str, comments: bool, db: str | None, settings: tuple[tuple[str, str], ...]
) -> None:
    """Follow a feed: new posts become encourage_post opportunities.

    Adding a feed again changes its --comments flag. Feeds are URLs, never
    credentials, so they live in the inbox store.

    Example:

        \b
        cyberkind feeds add https://ana.example/feed/
        cyberkind feeds add https://kind.example/comments/feed/ --comments
    """
    from ..accounts import check_feed_url, follow_feed
    from ..errors import InputError

    try:
        url = check_feed_url(url)
    except InputError as exc:
        raise click.BadParameter(str(exc), param_hint="URL") from None
    with _open_store(db, _settings(settings)) as store:
        new = follow_feed(store, url, comments=comments)
    what = "comment feed" if comments else "feed"
    click.echo(f"{'Following' if new else 'Updated'} {what} {url}.")


@feeds_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of text.")
@db_option
@setting_option
def feeds_list_cli(as_json: bool, db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """List the feeds you follow and their sources.

    Example:

        cyberkind feeds list --json
    """
    with _open_store(db, _settings(settings)) as store:
        feeds = store.feeds()
    if as_json:
        rows = [{"url": f.url, "comments": f.comments, "source": f.source} for f in feeds]
        click.echo(json.dumps(rows, indent=2))
    elif not feeds:
        click.echo("No feeds followed. Add one with: cyberkind feeds add URL")
    else:
        for feed in feeds:
            click.echo(f"{feed.url}{'  (comments)' if feed.comments else ''}")


@feeds_cli.command("remove")
@click.argument("url")
@db_option
@setting_option
def feeds_remove_cli(url: str, db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """Stop following a feed. Items and opportunities already in the inbox stay.

    Example:

        cyberkind feeds remove https://ana.example/feed/
    """
    from ..accounts import unfollow_feed

    with _open_store(db, _settings(settings)) as store:
        unfollow_feed(store, url)
    click.echo(f"Stopped following {url}.")


@cli.command("sync")
@click.argument("source", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--batch-size", type=int, default=200, show_default=True, help="Items per commit.")
@inbox_tier_option
@db_option
@setting_option
def sync_cli(
    source: str | None,
    as_json: bool,
    batch_size: int,
    tier: str | None,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Fetch what is new from every followed feed and connected account, or SOURCE.

    SOURCE is a feed URL, an account name, or a source name (rss:URL,
    mastodon:NAME). Each source resumes from its cursor; feeds use conditional
    GET, so an unchanged feed costs one 304; accounts (`cyberkind accounts
    add`) read their secrets from the environment or the OS keyring. Each
    batch is stored in one transaction, so an interrupted sync loses nothing.
    A source that fails (unreachable, a refused token...) or takes longer than
    the sync_deadline setting (seconds per source) is reported and the others
    still sync; the exit status is then 1. A feed may send at most
    feed_max_bytes.

    Example:

        \b
        cyberkind sync
        cyberkind sync https://ana.example/feed/ --json
        cyberkind sync social
    """
    import httpx

    from ..pipeline import sync_sources

    values = _settings(settings)
    identity = [v for v in (values["identity"] or "").split(",") if v.strip()]
    scorer = inbox_scorer_for(tier, values)
    with (
        _open_store(db, values) as store,
        httpx.Client(timeout=SYNC_TIMEOUT) as client,
        _sync_progress() as progress,
    ):
        report = sync_sources(
            store,
            client,
            only=source,
            scorer=scorer,
            identity=identity,
            batch_size=batch_size,
            progress=progress,
            deadline=values["sync_deadline"],
            feed_max_bytes=values["feed_max_bytes"],
        )
    if as_json:
        payload: dict[str, Any] = report.to_json()
        click.echo(json.dumps(payload, indent=2))
    else:
        click.echo(_summary(report))
    for failed in report.errors:
        click.echo(f"Error: {failed.error}", err=True)
    if report.errors:
        sys.exit(1)


def _summary(report: Any) -> str:
    if not report.sources:
        return (
            "Nothing to sync: no feeds followed and no accounts connected. Add one with: "
            "cyberkind feeds add URL, or cyberkind accounts add PLATFORM NAME --url URL"
        )
    ok = len(report.sources) - len(report.errors)
    noun = "source" if ok == 1 else "sources"
    items = "item" if report.new == 1 else "items"
    opps = "opportunity" if report.opportunities_new == 1 else "opportunities"
    return f"Synced {ok} {noun}: {report.new} new {items}, {report.opportunities_new} new {opps}."


@contextlib.contextmanager
def _sync_progress() -> Iterator[Callable[[int, int, str], None] | None]:
    """A Rich progress bar over the sources on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn

    with Progress(
        TextColumn("syncing {task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, source: str) -> None:
            bar.update(task, completed=done, total=total, description=source)

        yield update
