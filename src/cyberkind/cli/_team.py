"""``claim``, ``unclaim`` and ``team``: several people answering one inbox (docs/teams.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ._base import _settings, cli, setting_option
from ._inbox import _member, _open_store, as_option, db_option

TEAM_POLICY = "policy"


@cli.command("claim")
@click.argument("opportunity_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the claim as a JSON object.")
@as_option
@db_option
@setting_option
def claim_cli(
    opportunity_id: str,
    as_json: bool,
    member: str | None,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Claim opportunity ID: "I'll answer this one", so nobody else in the team does.

    Of several members claiming at once, exactly one gets it; the others are
    told who has it (exit status 1). Claiming your own claim again is fine.
    `cyberkind send` refuses an opportunity claimed by someone else.

    Example:

        cyberkind claim 6a2c69789097 --as ana --db postgresql://ana@db.example/team
    """
    values = _settings(settings)
    me = _member(member, values)
    with _open_store(db, values) as store:
        opp = store.get_opportunity(opportunity_id)
        holder = store.claim(opp.id, me)
    if as_json:
        click.echo(json.dumps({"id": opp.id, "claimed_by": holder, "yours": holder == me}))
    if holder != me:
        raise click.ClickException(
            f"{opp.id} is already claimed by {holder}. You can fix this by choosing another "
            "with `cyberkind inbox --unclaimed`."
        )
    if not as_json:
        click.echo(f"{opp.id} is yours, {me}: {opp.act.value} for {opp.person}.")


@cli.command("unclaim")
@click.argument("opportunity_id", metavar="ID")
@click.option("--force", is_flag=True, help="Drop the claim whoever holds it.")
@as_option
@db_option
@setting_option
def unclaim_cli(
    opportunity_id: str,
    force: bool,
    member: str | None,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Give back your claim on opportunity ID, so someone else can answer it.

    Example:

        cyberkind unclaim 6a2c69789097 --as ana
    """
    values = _settings(settings)
    me = _member(member, values)
    with _open_store(db, values) as store:
        opp = store.get_opportunity(opportunity_id)
        holder = store.claim_holder(opp.id)
        if not store.release(opp.id, None if force else me):
            reason = "nobody holds it" if holder is None else f"{holder} holds it, not {me}"
            raise click.ClickException(
                f"{opp.id} has no claim of yours to give back ({reason}). You can fix this "
                "by passing --as with the holder's name, or --force."
            )
    click.echo(f"{opp.id} is unclaimed.")


@cli.group("team")
def team() -> None:
    """What a team shares in its store: claims and the team's guard policy.

    Example:

        cyberkind team policy-set guard-policy.toml --db postgresql://ana@db.example/team
    """


@team.command("claims")
@db_option
@setting_option
def team_claims(db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """Print every claim as a JSON object: {opportunity id: member}.

    Example:

        cyberkind team claims --db postgresql://ana@db.example/team
    """
    with _open_store(db, _settings(settings)) as store:
        click.echo(json.dumps(store.claims(), indent=2, ensure_ascii=False))


@team.command("policy-set")
@click.argument("path", type=click.Path(dir_okay=False))
@as_option
@db_option
@setting_option
def team_policy_set(
    path: str, member: str | None, db: str | None, settings: tuple[tuple[str, str], ...]
) -> None:
    """Store the guard policy file PATH (TOML) as the team's policy.

    `cyberkind check` applies it when given no --policy and a store (--db, the
    db setting or CYBERKIND_DB). The file is validated first.

    Example:

        cyberkind team policy-set guard-policy.toml --db postgresql://ana@db.example/team
    """
    from ..guard import load_policy

    values = _settings(settings)
    load_policy(path)  # validate: errors name the file and the line
    text = Path(path).read_text(encoding="utf-8")
    with _open_store(db, values) as store:
        store.set_team_setting(TEAM_POLICY, text, _member(member, values))
    click.echo(f"The team's guard policy is now {path}.")


@team.command("policy-show")
@db_option
@setting_option
def team_policy_show(db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """Print the team's guard policy (TOML), or say there is none.

    Example:

        cyberkind team policy-show --db postgresql://ana@db.example/team
    """
    with _open_store(db, _settings(settings)) as store:
        text = store.team_setting(TEAM_POLICY)
    if text is None:
        raise click.ClickException(
            "the team has no guard policy. You can fix this by storing one with "
            "`cyberkind team policy-set FILE`."
        )
    click.echo(text, nl=not text.endswith("\n"))


@team.command("policy-clear")
@db_option
@setting_option
def team_policy_clear(db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """Remove the team's guard policy (check goes back to the default policy).

    Example:

        cyberkind team policy-clear --db postgresql://ana@db.example/team
    """
    with _open_store(db, _settings(settings)) as store:
        store.set_team_setting(TEAM_POLICY, None)
    click.echo("The team has no guard policy now.")
