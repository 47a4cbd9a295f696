"""``links``: the useful-link library (import, list, search, suggest; docs/links.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ._base import EXIT_SKIPPED_ROWS, _settings, cli, setting_option
from ._inbox import _open_store, db_option


def _library(store: Any, values: dict[str, Any]) -> Any:
    from ..links import LinkLibrary, load_encoder

    return LinkLibrary(store, load_encoder(values["links_rank"]))


def _echo_suggestions(found: list[Any], as_json: bool, empty: str) -> None:
    if as_json:
        click.echo(json.dumps([s.to_json() for s in found], indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo(empty)
    for rank, s in enumerate(found, start=1):
        click.echo(f"{rank}. {s.link.title}\n   {s.link.url}\n   why: {s.why}")


@cli.group("links")
def links_cli() -> None:
    """Your library of useful links: own posts, bookmarks and CSV, searched with FTS5.

    Example:

    \b
        cyberkind links import bookmarks.html
        cyberkind links suggest 6a2c69789097
    """


@links_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["bookmarks", "csv"]),
    default=None,
    help="The file's format (default: from the extension, .html or .csv).",
)
@click.option(
    "--own-posts/--no-own-posts",
    default=True,
    show_default=True,
    help="Also add your own posts already in the inbox (from WXR and RSS imports).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as a JSON object.")
@db_option
@setting_option
def links_import_cli(
    file: Path | None,
    fmt: str | None,
    own_posts: bool,
    as_json: bool,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Import links: browser bookmarks (HTML) or CSV (url,title,description,tags).

    Bookmark folders become tags. Importing a link again updates it. Each
    skipped line is reported on stderr with its line number (exit status 3).
    Without FILE, only your own posts are added.

    Example:

    \b
        cyberkind links import bookmarks.html
        cyberkind links import reading.csv --format csv
        cyberkind links import
    """
    from ..links import LinkLibrary

    values = _settings(settings)
    problems: list[Any] = []
    result: dict[str, Any] = {}
    with _open_store(db, values) as store:
        library = LinkLibrary(store)
        if file is not None:
            counts, problems = library.import_file(file, fmt)
            result["file"] = {
                "new": counts.new,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
                "skipped": len(problems),
            }
        if own_posts:
            counts = library.import_own_posts()
            result["own_posts"] = {
                "new": counts.new,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
            }
        total = len(library.links())
    result["total"] = total
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        if "file" in result:
            f = result["file"]
            click.echo(
                f"{file}: {f['new']} new, {f['updated']} updated, "
                f"{f['unchanged']} unchanged, {f['skipped']} skipped."
            )
        if "own_posts" in result:
            o = result["own_posts"]
            click.echo(
                f"Your own posts: {o['new']} new, {o['updated']} updated, "
                f"{o['unchanged']} unchanged."
            )
        click.echo(f"{total} links in the library.")
    for problem in problems:
        click.echo(f"Warning: line {problem.line}: {problem.reason}; skipped.", err=True)
    if problems:
        sys.exit(EXIT_SKIPPED_ROWS)


@links_cli.command("list")
@click.option(
    "--origin",
    type=click.Choice(["post", "bookmarks", "csv"]),
    default=None,
    help="Only links from here.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@db_option
@setting_option
def links_list_cli(
    origin: str | None, as_json: bool, db: str | None, settings: tuple[tuple[str, str], ...]
) -> None:
    """List the link library, by title.

    Example:

        cyberkind links list --origin bookmarks
    """
    from ..links import LinkLibrary

    values = _settings(settings)
    with _open_store(db, values) as store:
        links = LinkLibrary(store).links(origin)
    if as_json:
        click.echo(json.dumps([link.to_json() for link in links], indent=2, ensure_ascii=False))
        return
    if not links:
        click.echo("No links yet. Add some with `cyberkind links import FILE`.")
    for link in links:
        tags = f"  [{', '.join(link.tags)}]" if link.tags else ""
        click.echo(f"{link.title}  {link.url}  ({link.origin}){tags}")


@links_cli.command("search")
@click.argument("query")
@click.option("--limit", type=int, default=5, show_default=True, help="How many links.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@db_option
@setting_option
def links_search_cli(
    query: str,
    limit: int,
    as_json: bool,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Search the link library (FTS5 bm25; embeddings with --setting links_rank embeddings).

    Example:

        cyberkind links search "bedtime routine"
    """
    values = _settings(settings)
    with _open_store(db, values) as store:
        found = _library(store, values).search(query, limit)
    _echo_suggestions(found, as_json, "No link matches.")


@links_cli.command("suggest")
@click.argument("opportunity_id", metavar="OPPORTUNITY_ID")
@click.option("--limit", type=int, default=3, show_default=True, help="How many links.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@db_option
@setting_option
def links_suggest_cli(
    opportunity_id: str,
    limit: int,
    as_json: bool,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Suggest links for an opportunity (a question or a topic), each with why it matches.

    Example:

        cyberkind links suggest 6a2c69789097 --json
    """
    values = _settings(settings)
    with _open_store(db, values) as store:
        found = _library(store, values).suggest(opportunity_id, limit)
    _echo_suggestions(found, as_json, "No link in your library matches this opportunity.")
