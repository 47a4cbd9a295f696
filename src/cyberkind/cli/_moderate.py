"""``moderate``: the needs-care lane's moderation, confirmed first (docs/inbox.md)."""

from __future__ import annotations

import json

import click

from ._base import _settings, cli, setting_option
from ._inbox import _open_store, db_option


@cli.command("moderate")
@click.argument("opportunity_id", metavar="ID")
@click.option(
    "--action",
    required=True,
    type=click.Choice(["hold", "spam", "trash"]),
    help="Hold the comment for moderation, mark it as spam, or move it to the trash.",
)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (for scripts).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as a JSON object.")
@db_option
@setting_option
def moderate_cli(
    opportunity_id: str,
    action: str,
    yes: bool,
    as_json: bool,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Moderate the comment of opportunity ID on its platform, then close the opportunity.

    For a needs-care comment (`cyberkind inbox --lane needs_care`) from a
    connected WordPress account: hold it, mark it as spam or trash it through
    the REST API. It asks first (--yes skips the question); moderating again
    changes nothing. On Mastodon and Bluesky, mute and report on the platform
    itself; to let a comment be, `cyberkind dismiss ID`.

    Example:

        cyberkind moderate 6a2c --action spam
    """
    from ..moderation import moderate, moderation_choices

    values = _settings(settings)
    with _open_store(db, values) as store:
        confirmed = yes
        if not yes:
            choices = moderation_choices(store, opportunity_id)
            if action in choices.actions:
                [stored] = store.items(
                    store.get_opportunity(opportunity_id).source,
                    remote_ids=[choices.item_id or ""],
                )
                item = stored.item
                click.echo(
                    f"{action.capitalize()} {item.author.display}'s {item.kind.value} on "
                    f"{choices.platform} ({item.remote_id}):\n\n{item.text}\n",
                    err=True,
                )
                confirmed = click.confirm(f"{action.capitalize()} it?", default=False, err=True)
        result = moderate(store, opportunity_id, action, confirmed=confirmed)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    elif result.changed:
        click.echo(f"Done: {result.item_id} is now {action}; {result.opportunity_id} is closed.")
    else:
        click.echo(
            f"{result.item_id} already was {action}; nothing changed. "
            f"{result.opportunity_id} is closed."
        )
