"""``send``: post an approved draft through its account, exactly once (docs/composer.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from ._base import _settings, cli, setting_option
from ._inbox import _member, _open_store, as_option, db_option

if TYPE_CHECKING:
    from ..store import OutboxEntry


@cli.command("send")
@click.argument("opportunity_id", metavar="ID", required=False)
@click.option("--text", default=None, help="Send these words instead of the saved draft.")
@click.option(
    "--pending",
    is_flag=True,
    help="List the sends that did not finish (safe to run again), instead of sending.",
)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (for scripts).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as a JSON object.")
@as_option
@db_option
@setting_option
def send_cli(
    opportunity_id: str | None,
    text: str | None,
    pending: bool,
    yes: bool,
    as_json: bool,
    member: str | None,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Post the draft of opportunity ID as a reply through its account, then mark it done.

    The text is --text, else the draft saved by `cyberkind draft ID`, else a
    fresh draft. It must pass the guard. You are shown what will be posted and
    asked to confirm (--yes skips the question). A grouped thank-you is one
    reply to your post that addresses everyone in the group. A crisis is only
    ever sent as a private message. Sending is idempotent: if the platform
    timed out, run the same command again and it will not post twice. After
    posting, the opportunity is done and the draft's gold stars are recorded.
    In a team store (PostgreSQL) the send claims the opportunity for you (--as)
    first, and one claimed by someone else is refused (docs/teams.md).

    Example:

        \b
        cyberkind draft 6a2c69789097
        cyberkind send 6a2c69789097
        cyberkind send 6a2c --yes --text "Thank you, Ana! That made my day."
        cyberkind send --pending
    """
    from ..members import check_member
    from ..sending import PreparedSend, send_draft, sender_name

    def confirm(prepared: PreparedSend) -> bool:
        if yes:
            return True
        where = "a private message" if prepared.reply.private else "a reply"
        to = f" (to {', '.join(prepared.reply.to)})" if prepared.reply.to else ""
        click.echo(
            f"Send {where} from {prepared.reply.source}{to} for {prepared.opportunity.person}:\n\n"
            f"{prepared.text}\n",
            err=True,
        )
        return click.confirm("Post it?", default=False, err=True)

    values = _settings(settings)
    if pending:
        if opportunity_id is not None or text is not None:
            raise click.UsageError("--pending lists unfinished sends; give it no ID or --text.")
        from ..sending import pending_sends

        with _open_store(db, values) as store:
            entries = pending_sends(store)
        _print_pending(entries, as_json)
        return
    if opportunity_id is None:
        raise click.UsageError(
            "give the ID of the opportunity to send (see `cyberkind inbox`), or --pending."
        )
    with _open_store(db, values) as store:
        # A team store always knows who sends; one's own SQLite file only when told.
        sender = sender_name(store, member, values.get("user"))
        if store.members():  # a team with members: the sender must be one of them
            sender = check_member(store, sender or _member(None, values))
        result = send_draft(store, opportunity_id, text=text, confirm=confirm, member=sender)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    elif result.already_sent:
        click.echo(f"Already sent as {result.remote_id}; nothing was posted again.")
    else:
        stars = result.stars_recorded
        noun = "gold star" if stars == 1 else "gold stars"
        recorded = f" Recorded {stars} {noun}." if stars else ""
        click.echo(f"Sent as {result.remote_id}; {result.opportunity_id} is done.{recorded}")


def _print_pending(entries: list[OutboxEntry], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([e.to_json() for e in entries], indent=2, ensure_ascii=False))
        return
    if not entries:
        click.echo("No unfinished sends.")
        return
    for e in entries:
        tries = "1 try" if e.attempts == 1 else f"{e.attempts} tries"
        when = f", last {e.updated_at:%Y-%m-%d %H:%M} UTC" if e.updated_at else ""
        click.echo(f"{e.opportunity_id}  {e.source}  {tries}{when}")
    click.echo(
        "\nThese did not finish: the platform refused them, or its answer never came. Run "
        "`cyberkind send ID` again: it asks the platform first, so nothing is posted twice."
    )
