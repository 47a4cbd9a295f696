"""``draft`` and ``stars``: kind replies in your voice, gold stars (docs/composer.md)."""

from __future__ import annotations

import json

import click

from ._base import _settings, cli, setting_option
from ._inbox import _open_store, db_option


@cli.command("draft")
@click.argument("opportunity_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the draft as a JSON object.")
@click.option(
    "--stars/--no-stars", default=True, show_default=True, help="Add the gold-star flourish."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the variants.")
@db_option
@setting_option
def draft_cli(
    opportunity_id: str,
    as_json: bool,
    stars: bool,
    seed: int,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Draft a kind reply to an opportunity, in your voice, for you to edit and send.

    The draft greets the person by name, responds to something they said, and
    passes the guard; your openings and sign-offs are learned from your own
    replies in the inbox. The draft is saved and the opportunity marked
    drafted; `cyberkind done ID` then records its gold stars. For a crisis,
    the draft is a private message with crisis resources for the region
    setting. A question gets the best link from your library (`cyberkind links`).
    With the llm_url and llm_model settings, an OpenAI-compatible endpoint
    writes the words (it is sent only the message and your voice profile);
    with llm_gguf, a GGUF model file you supply runs in-process instead. If
    its reply fails a check, the template draft is kept and the notes say why.
    --json prints an object with text, act, person, stars, specific, private,
    notes, link, backend and resources. Post it with `cyberkind send ID`.

    Example:

    \b
        cyberkind draft 6a2c69789097
        cyberkind draft 6a2c --json --setting region uk
    """
    from ..composer import Composer, llm_from_settings
    from ..links import LinkLibrary, load_encoder

    values = _settings(settings)
    llm = llm_from_settings(values)
    with _open_store(db, values) as store:
        links = LinkLibrary(store, load_encoder(values["links_rank"]))
        composer = Composer(
            store,
            seed=seed,
            stars=stars,
            region=values["region"],
            crisis_line=values["crisis_line"],
            links=links,
            llm=llm,
        )
        draft = composer.draft(opportunity_id, save=True)
    if as_json:
        click.echo(json.dumps(draft.to_json(), indent=2, ensure_ascii=False))
        return
    where = "a private message" if draft.private else "a reply"
    click.echo(f"Draft ({where}) for {draft.person}, {draft.act.value}:\n")
    click.echo(draft.text)
    if draft.resources:
        click.echo("\nCrisis resources:")
        for r in draft.resources:
            link = f" {r.url}" if r.url else ""
            click.echo(f"  - {r.name} ({r.where}): {r.contact}{link}")
    for note in draft.notes:
        click.echo(f"\nNote: {note}")


@cli.group("stars", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of text.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (person, stars, kindness, score).")
@click.option("--limit", type=int, default=None, help="Only the first N people.")
@db_option
@setting_option
@click.pass_context
def stars_cli(
    ctx: click.Context,
    as_json: bool,
    as_csv: bool,
    limit: int | None,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """The kindest people in your community: gold stars plus kindness shown.

    People are ranked by the gold stars they received (from drafts marked
    done, or awarded by hand) plus the messages in which they showed you
    gratitude, compassion, encouragement or admiration.

    Example:

    \b
        cyberkind stars --csv > kindest.csv
        cyberkind stars award "Ana Lima" --reason "started the kindness wall"
    """
    if ctx.invoked_subcommand is not None:
        return
    if as_json and as_csv:
        raise click.UsageError("give at most one of --json and --csv.")
    from ..composer import Ledger

    values = _settings(settings)
    with _open_store(db, values) as store:
        people = Ledger(store).kindest(limit)
    if as_json:
        click.echo(json.dumps([p.to_json() for p in people], indent=2, ensure_ascii=False))
    elif as_csv:
        click.echo(Ledger.to_csv(people), nl=False)
    elif not people:
        click.echo("No gold stars yet, and no kindness recorded.")
    else:
        for rank, p in enumerate(people, start=1):
            stars = "1 star" if p.stars == 1 else f"{p.stars} stars"
            kind = "1 kind message" if p.kindness == 1 else f"{p.kindness} kind messages"
            click.echo(f"{rank}. {p.person}: {stars}, {kind}")


@stars_cli.command("award")
@click.argument("person")
@click.option("--reason", default="", help="Why they get the star.")
@click.option("--count", type=int, default=1, show_default=True, help="How many stars.")
@db_option
@setting_option
def stars_award_cli(
    person: str,
    reason: str,
    count: int,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Award gold stars by hand; they go into the ledger.

    Example:

        cyberkind stars award "Ana Lima" --reason "organised the kindness wall" --count 2
    """
    from ..composer import Ledger

    values = _settings(settings)
    with _open_store(db, values) as store:
        award = Ledger(store).award(person, count, reason)
    noun = "gold star" if award.count == 1 else "gold stars"
    click.echo(f"Awarded {award.count} {noun} to {award.person}.")
