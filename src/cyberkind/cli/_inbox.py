"""``import``, ``inbox``, ``done``, ``snooze``, ``dismiss``: the kindness inbox (docs/inbox.md)."""

from __future__ import annotations

import contextlib
import json
import shlex
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from ..errors import CyberkindError, NotFoundError
from ..models import Act, State
from ._base import (
    EXIT_INTERRUPTED,
    EXIT_SKIPPED_ROWS,
    F,
    _settings,
    cli,
    setting_option,
)

# -- the kindness inbox ---------------------------------------------------------------------


def db_option(func: F) -> F:
    """Shared ``--db PATH`` option: the inbox store (also the db setting and CYBERKIND_DB)."""
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False),
        default=None,
        help="The inbox store: a SQLite file, or a postgresql:// URL for a team store "
        "(default: the db setting, CYBERKIND_DB, or inbox.db in the user data folder).",
    )(func)


def inbox_tier_option(func: F) -> F:
    """Shared ``--tier`` option of ``import`` and ``sync``: the tier that reads the comments."""
    return click.option(
        "--tier",
        default=None,
        help="The engine tier that reads the comments: reading, reading-cascade (accurate and "
        "cascade are their older names) or fast (default: the inbox_tier setting, reading; "
        "fast where the reading model or onnxruntime is missing). fast is for raw speed.",
    )(func)


def inbox_scorer_for(tier: str | None, values: dict[str, Any]) -> Any:
    """The scorer ``--tier`` (or the inbox_tier setting) names, with the tier's settings."""
    from ..pipeline import configured_inbox_scorer

    return configured_inbox_scorer(values, tier)


def as_option(func: F) -> F:
    """Shared ``--as NAME`` option: who you are in a team store (claims)."""
    return click.option(
        "--as",
        "member",
        default=None,
        metavar="NAME",
        help="Your name in the team (default: the user setting, CYBERKIND_USER, or your login).",
    )(func)


def _member(member: str | None, values: dict[str, Any]) -> str:
    """``--as``, else the user setting (CYBERKIND_USER), else the login name."""
    if member:
        return member
    if values.get("user"):
        return str(values["user"])
    import getpass

    return getpass.getuser()


def _open_store(db: str | None, values: dict[str, Any]) -> Any:
    from ..store import open_store

    return open_store(db or values["db"])


def _inbox(db: str | None, values: dict[str, Any]) -> Any:
    from ..inbox import Inbox

    return Inbox(_open_store(db, values), crisis_line=values["crisis_line"])


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["wxr", "jsonl", "csv"]),
    default=None,
    help="File format (default: detected from the content, then the extension).",
)
@click.option(
    "--source",
    default=None,
    help="Source name for JSONL/CSV items (default: import:<file name>). WXR names its own.",
)
@click.option("--batch-size", type=int, default=200, show_default=True, help="Items per commit.")
@inbox_tier_option
@db_option
@setting_option
def import_cli(
    file: str,
    fmt: str | None,
    source: str | None,
    batch_size: int,
    tier: str | None,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Import a WordPress export (WXR), JSONL or CSV file into the inbox.

    Items are stored by (source, id), so importing the same file again changes
    nothing, and an interrupted import resumes where it stopped (Ctrl+C says
    how; exit status 130). Prints a JSON summary; bad JSONL/CSV rows (invalid
    or too deeply nested JSON, a record over the max_record_bytes setting...)
    are reported on stderr with their line number and skipped (exit status
    3). A file without a single record is an error (exit status 1).

    Example:

        cyberkind import kindcorner.WordPress.2026-11-20.xml
        cyberkind import mentions.jsonl --source mastodon:@me@social.example
        cyberkind import big-archive.jsonl --tier fast
    """
    from ..connectors import detect_file_connector
    from ..pipeline import import_file

    values = _settings(settings)
    path = Path(file)
    if not path.is_file():
        raise click.ClickException(
            f"input file {path} does not exist. You can fix this by checking the path."
        )
    identity = [v for v in (values["identity"] or "").split(",") if v.strip()]
    scorer = inbox_scorer_for(tier, values)
    try:
        with (
            _open_store(db, values) as store,
            _import_progress(
                lambda: detect_file_connector(path, fmt).estimate_records(path)
            ) as progress,
        ):
            report = import_file(
                store,
                path,
                fmt=fmt,
                scorer=scorer,
                identity=identity,
                source=source,
                batch_size=batch_size,
                progress=progress,
                max_record_bytes=int(values["max_record_bytes"]),
            )
    except KeyboardInterrupt:
        # Every committed batch is stored with its cursor: the same command resumes.
        again = ["cyberkind", "import", file]
        for option, value in (
            ("--format", fmt),
            ("--source", source),
            ("--tier", tier),
            ("--db", db),
        ):
            again += [option, value] if value else []
        click.echo(
            "\nInterrupted. Every batch committed so far is stored. You can resume by running "
            f"the same command again: {shlex.join(again)}",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)
    for problem in report.problems:
        click.echo(f"Warning: line {problem.line}: {problem.reason}; skipped.", err=True)
    if not report.read:
        raise click.ClickException(
            f"{path} holds no records (it is empty, or holds only blank lines). You can fix "
            "this by checking that the file was exported completely."
        )
    click.echo(json.dumps(report.to_json(), indent=2))
    if report.problems:
        sys.exit(EXIT_SKIPPED_ROWS)


@contextlib.contextmanager
def _import_progress(
    estimate: Callable[[], int] | None = None,
) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich bar on stderr when it is a terminal (records, total, time left); else nothing.

    The total is ``estimate()`` (lines, or tags of a WordPress export), counted at about
    disk speed before the import starts; the import's own total wins when it gives one.
    """
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    try:
        total = estimate() if estimate is not None else 0
    except (OSError, CyberkindError):
        total = 0  # the import itself says what is wrong with the file
    with Progress(
        SpinnerColumn(),
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("records"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("import", total=total or None)

        def update(done: int, total_: int) -> None:
            # An estimate can be short (blank lines are not records, nor is a CSV header).
            best = max(total_ or total, done) or None
            bar.update(task, completed=done, total=best)

        yield update


@cli.command("inbox")
@click.option(
    "--act",
    "acts",
    multiple=True,
    type=click.Choice([a.value for a in Act]),
    help="Only this kind act; repeatable.",
)
@click.option("--source", "sources", multiple=True, help="Only this source; repeatable.")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice([*(s.value for s in State), "all"]),
    help="Only this state; repeatable (default: open and drafted).",
)
@click.option(
    "--lane",
    type=click.Choice(["to_reply", "needs_care", "done"]),
    default=None,
    help="Only this lane: to_reply, needs_care (hostile comments and spam) or done (done "
    "and dismissed).",
)
@click.option("--ideas", is_flag=True, help="Only comments that share an idea for a kind act.")
@click.option("--mine", is_flag=True, help="Only the ones you claimed (team mode; see --as).")
@click.option("--unclaimed", is_flag=True, help="Only the ones nobody has claimed (team mode).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of text.")
@as_option
@db_option
@setting_option
def inbox_cli(
    acts: tuple[str, ...],
    sources: tuple[str, ...],
    states: tuple[str, ...],
    lane: str | None,
    ideas: bool,
    mine: bool,
    unclaimed: bool,
    as_json: bool,
    member: str | None,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """List the moments for a kind act, most urgent first.

    Crisis comes first and always shows safety resources; then distress,
    unanswered comments on your work, questions, milestones, mentions, ideas,
    and grouped shares and links. --json prints a list of objects with id,
    act, person, source, item_ids, reason, priority and state.

    In a team store, claimed ones show who claimed them (claimed_by in
    --json); --mine and --unclaimed filter by claim (docs/teams.md).

    --lane picks one lane of the reply queue, as the web inbox's tabs do:
    to_reply, needs_care (hostile comments and spam: let it be with
    `dismiss`, `moderate` it, or reply calmly) or done.

    Example:

        cyberkind inbox --act thank_commenter --json
        cyberkind inbox --lane needs_care
        cyberkind inbox --unclaimed --db postgresql://ana@db.example/team
    """
    from ..inbox import DEFAULT_STATES

    if mine and unclaimed:
        raise click.UsageError("--mine and --unclaimed exclude each other; pass one.")
    values = _settings(settings)
    chosen: tuple[str, ...] | None = states or DEFAULT_STATES
    if "all" in states:
        chosen = None
    inbox = _inbox(db, values)
    try:
        found = inbox.opportunities(
            acts=acts or None, sources=sources or None, states=chosen, ideas_only=ideas, lane=lane
        )
        claims = inbox.claims()
    finally:
        inbox.store.close()
    if mine:
        me = _member(member, values)
        found = [o for o in found if claims.get(o.id) == me]
    elif unclaimed:
        found = [o for o in found if o.id not in claims]
    if as_json:
        rows = [o.to_json() for o in found]
        if claims:  # team mode: say who answers which
            for row in rows:
                row["claimed_by"] = claims.get(row["id"])
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo(format_opportunities(found, claims), nl=False)


def format_opportunities(found: list[Any], claims: dict[str, str] | None = None) -> str:
    """The text of ``cyberkind inbox``: one block per opportunity (with its claim, if any)."""
    if not found:
        return "Nothing in the inbox: no open opportunities.\n"
    noun = "opportunity" if len(found) == 1 else "opportunities"
    lines = [f"{len(found)} {noun}, most urgent first:", ""]
    for opp in found:
        idea = " (idea)" if opp.is_idea else ""
        state = "" if opp.state.value == "open" else f" [{opp.state.value}]"
        holder = (claims or {}).get(opp.id)
        claim = f" [claimed by {holder}]" if holder else ""
        lines.append(f"{opp.id}  {opp.act.value}{idea}{state}{claim}: {opp.person} ({opp.source})")
        lines.append(f"    {opp.reason}")
        if opp.url:
            lines.append(f"    {opp.url}")
        if opp.resources:
            lines.append("    Safety resources (share them privately, in your own words):")
            for r in opp.resources:
                link = f" {r.url}" if r.url else ""
                lines.append(f"      - {r.name} ({r.where}): {r.contact}{link}")
        lines.append("")
    return "\n".join(lines)


def _inbox_action(
    db: str | None, settings: tuple[tuple[str, str], ...], verb: str, **kw: Any
) -> Any:
    """Run one of the inbox's state changes (``done``, ``dismiss``, ``snooze``), then close."""
    values = _settings(settings)
    inbox = _inbox(db, values)
    try:
        return getattr(inbox, verb)(**kw)
    except NotFoundError as exc:
        _ambiguous(inbox, kw["opportunity_id"], exc)
        raise
    finally:
        inbox.store.close()


def _ambiguous(inbox: Any, prefix: str, exc: NotFoundError) -> None:
    """Raise an error that lists the opportunities whose ids start with ``prefix``, if several."""
    wanted = prefix.strip().lower()
    if not wanted:
        return
    matches = [o for o in inbox.opportunities(states=None) if o.id.startswith(wanted)]
    if len(matches) < 2:
        return
    listed = "\n".join(
        f"  {o.id}  {o.act.value}: {o.person} [{o.state.value}]" for o in matches[:10]
    )
    more = f"\n  ... and {len(matches) - 10} more" if len(matches) > 10 else ""
    raise click.ClickException(
        f"the id {prefix!r} is ambiguous: {len(matches)} opportunities start with it:\n"
        f"{listed}{more}\nYou can fix this by giving more of the id."
    ) from exc


@cli.command("done")
@click.argument("opportunity_id", metavar="ID")
@db_option
@setting_option
def done_cli(opportunity_id: str, db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """Mark an opportunity done (the kind act happened).

    ID is the id `cyberkind inbox` prints, or its first characters.

    Example:

        cyberkind done 6a2c69789097
    """
    opp = _inbox_action(db, settings, "done", opportunity_id=opportunity_id)
    click.echo(f"Done: {opp.id} ({opp.act.value}, {opp.person}).")


@cli.command("dismiss")
@click.argument("opportunity_id", metavar="ID")
@db_option
@setting_option
def dismiss_cli(opportunity_id: str, db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """Dismiss an opportunity for good: re-imports never bring it back.

    Example:

        cyberkind dismiss 6a2c69789097
    """
    opp = _inbox_action(db, settings, "dismiss", opportunity_id=opportunity_id)
    click.echo(f"Dismissed: {opp.id} ({opp.act.value}, {opp.person}).")


@cli.command("snooze")
@click.argument("opportunity_id", metavar="ID")
@click.option(
    "--until",
    "until",
    default=None,
    help="Wake on this date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM, UTC).",
)
@click.option("--for", "duration", default=None, help="Wake after this long: 30m, 4h, 3d or 2w.")
@db_option
@setting_option
def snooze_cli(
    opportunity_id: str,
    until: str | None,
    duration: str | None,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Hide an opportunity until a date or for a while; it comes back open.

    Example:

        \b
        cyberkind snooze 6a2c69789097 --for 3d
        cyberkind snooze 6a2c69789097 --for 2w
    """
    when = wake_time(until, duration)
    opp = _inbox_action(db, settings, "snooze", opportunity_id=opportunity_id, until=when)
    click.echo(f"Snoozed: {opp.id} ({opp.act.value}, {opp.person}) until {when.isoformat()}.")


_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def wake_time(until: str | None, duration: str | None, now: Any = None) -> Any:
    """The UTC datetime of ``--until`` (ISO date or time) or ``--for`` (30m, 4h, 3d, 2w)."""
    from datetime import UTC, datetime, timedelta

    if (until is None) == (duration is None):
        raise click.UsageError("give exactly one of --until DATE and --for DURATION.")
    if until is not None:
        try:
            moment = datetime.fromisoformat(until.replace("Z", "+00:00"))
        except ValueError:
            example = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
            raise click.BadParameter(
                f"{until!r} is not a date. You can fix this by writing it as {example} or "
                f"{example}T09:00, or by passing a duration such as --for 3d.",
                param_hint="--until",
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    assert duration is not None
    amount, unit = duration[:-1], duration[-1:].lower()
    if unit not in _UNITS or not amount.isdigit() or int(amount) < 1:
        raise click.BadParameter(
            f"{duration!r} is not a duration. You can fix this by writing a number and a unit: "
            "30m, 4h, 3d or 2w.",
            param_hint="--for",
        )
    start = now or datetime.now(UTC)
    return start + timedelta(**{_UNITS[unit]: int(amount)})
