"""``wall``: the ideas wall from the terminal: inbox ideas onto it, the moderation queue,
and an export (docs/web.md, "The ideas wall")."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import click

from ..models import IDEA_STATUSES, Idea
from ._base import _settings, cli, setting_option
from ._inbox import _open_store, db_option


@cli.group("wall")
def wall_cli() -> None:
    """The ideas wall: put inbox ideas on it, moderate it, export it.

    It is the same wall (and store) that `cyberkind serve` shows at /wall.

    Example:

        \b
        cyberkind wall list --status pending
        cyberkind wall approve 3
    """


def _wall(store: Any, *, guard: bool = False) -> Any:
    from ..wall import Wall, guard_check, stars_on

    check = None
    if guard:
        from ..guard import Guard

        check = guard_check(Guard())
    return Wall(store, check=check, stars=stars_on(store))


def _line(idea: Idea) -> str:
    stars = "gold star" if idea.stars == 1 else "gold stars"
    line = f"{idea.id:>4}  {idea.status:<9}  {idea.stars} {stars}  {idea.text}  (by {idea.author})"
    if idea.status == "pending" and idea.reason:
        line += f"\n      held because {idea.reason}"
    return line


def _row(idea: Idea) -> dict[str, Any]:
    return {**idea.to_json(), "reason": idea.reason}


@wall_cli.command("add")
@click.argument("opportunity_id", metavar="ID")
@click.option("--text", default=None, help="Put these words on the wall instead of the comment's.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as a JSON object.")
@db_option
@setting_option
def add_cli(
    opportunity_id: str,
    text: str | None,
    as_json: bool,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Put the idea of inbox opportunity ID on the wall, credited to its author.

    The idea goes through the same checks as a visitor's: a near-duplicate is
    merged into the idea already there (both authors credited), and words the
    guard flags (or a link) go to the moderation queue instead. Running it
    twice adds nothing. The opportunity is then done, and the author's gold
    star is in the ledger.

    Example:

        \b
        cyberkind inbox --ideas
        cyberkind wall add 64c977d712f2
    """
    values = _settings(settings)
    with _open_store(db, values) as store:
        result = _wall(store, guard=True).add_from_inbox(opportunity_id, text=text)
    if as_json:
        body = {
            "ok": True,
            "status": result.status,
            "repeat": result.repeat,
            "message": result.message,
            "idea": _row(result.idea),
        }
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    idea = result.idea
    if result.repeat:
        click.echo(f"Already on the wall as idea {idea.id} ({idea.status}); nothing was added.")
    elif result.status == "pending":
        click.echo(
            f"Idea {idea.id} waits for moderation: {idea.reason}. "
            f"Approve it with `cyberkind wall approve {idea.id}`."
        )
    else:
        merged = " (merged into an idea already there)" if result.status == "merged" else ""
        click.echo(f"Idea {idea.id} is on the wall{merged}: {result.message}")


@wall_cli.command("list")
@click.option(
    "--status",
    type=click.Choice(IDEA_STATUSES),
    default=None,
    help="Only ideas with this status (default: all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@db_option
@setting_option
def list_cli(
    status: str | None, as_json: bool, db: str | None, settings: tuple[tuple[str, str], ...]
) -> None:
    """List the wall's ideas, newest first: published, pending (moderation) or rejected.

    Example:

        \b
        cyberkind wall list --status pending
        cyberkind wall list --json
    """
    values = _settings(settings)
    with _open_store(db, values) as store:
        ideas = store.ideas((status,) if status else None)
    if as_json:
        click.echo(json.dumps([_row(i) for i in ideas], indent=2, ensure_ascii=False))
    elif not ideas:
        click.echo("No ideas.")
    else:
        click.echo("\n".join(_line(i) for i in ideas))


def _moderate(
    action: str, idea_id: int, db: str | None, pairs: tuple[tuple[str, str], ...]
) -> None:
    values = _settings(pairs)
    with _open_store(db, values) as store:
        wall = _wall(store)
        idea = wall.approve(idea_id) if action == "approve" else wall.reject(idea_id)
    click.echo(_line(idea))


@wall_cli.command("approve")
@click.argument("idea_id", metavar="ID", type=int)
@db_option
@setting_option
def approve_cli(idea_id: int, db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """Publish held idea ID; each of its authors gets their gold star.

    Example:

        cyberkind wall approve 3
    """
    _moderate("approve", idea_id, db, settings)


@wall_cli.command("reject")
@click.argument("idea_id", metavar="ID", type=int)
@db_option
@setting_option
def reject_cli(idea_id: int, db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """Keep idea ID off the wall for good.

    Example:

        cyberkind wall reject 4
    """
    _moderate("reject", idea_id, db, settings)


CSV_FIELDS = ("id", "status", "text", "author", "stars", "votes", "reason", "created_at")


@wall_cli.command("export")
@click.option("--json", "fmt", flag_value="json", default=True, help="A JSON list (default).")
@click.option("--csv", "fmt", flag_value="csv", help="CSV with a header row.")
@db_option
@setting_option
def export_cli(fmt: str, db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """Export every idea on the wall and in moderation, oldest first.

    Example:

        \b
        cyberkind wall export --csv > ideas.csv
    """
    values = _settings(settings)
    with _open_store(db, values) as store:
        ideas = list(reversed(store.ideas(None)))
    if fmt == "json":
        click.echo(json.dumps([_row(i) for i in ideas], indent=2, ensure_ascii=False))
        return
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for idea in ideas:
        writer.writerow(_row(idea))
    click.echo(out.getvalue(), nl=False)
