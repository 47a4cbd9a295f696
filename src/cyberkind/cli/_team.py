"""``claim``, ``unclaim`` and ``team``: several people answering one inbox (docs/teams.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ._base import _settings, cli, setting_option
from ._inbox import _member, _open_store, as_option, db_option


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
    from ..errors import ClaimedError
    from ..inbox import Inbox
    from ..members import check_member

    values = _settings(settings)
    me = _member(member, values)
    refused: ClaimedError | None = None
    with _open_store(db, values) as store:
        check_member(store, me)  # a team with members: --as names one of them
        inbox = Inbox(store)
        opp = inbox.get(opportunity_id)
        try:
            inbox.claim(opp.id, me)
        except ClaimedError as err:
            refused = err
    holder = me if refused is None else refused.holder
    if as_json:
        click.echo(json.dumps({"id": opp.id, "claimed_by": holder, "yours": holder == me}))
    if refused is not None:
        raise click.ClickException(str(refused))
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
    from ..inbox import Inbox
    from ..members import check_member

    values = _settings(settings)
    me = _member(member, values)
    with _open_store(db, values) as store:
        if not force:
            check_member(store, me)
        inbox = Inbox(store)
        opp = inbox.get(opportunity_id)
        inbox.release(opp.id, me, force=force)
    click.echo(f"{opp.id} is unclaimed.")


@cli.group("team")
def team() -> None:
    """What a team shares in its store: members, claims and the team's guard policy.

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
    from ..inbox import Inbox

    with _open_store(db, _settings(settings)) as store:
        click.echo(json.dumps(Inbox(store).claims(), indent=2, ensure_ascii=False))


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
    from ..members import set_team_policy

    with _open_store(db, values) as store:
        set_team_policy(store, text, _member(member, values))
    click.echo(f"The team's guard policy is now {path}.")


@team.command("policy-show")
@db_option
@setting_option
def team_policy_show(db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """Print the team's guard policy (TOML), or say there is none.

    Example:

        cyberkind team policy-show --db postgresql://ana@db.example/team
    """
    from ..members import team_policy

    with _open_store(db, _settings(settings)) as store:
        text = team_policy(store)
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
    from ..members import set_team_policy

    with _open_store(db, _settings(settings)) as store:
        set_team_policy(store, None)
    click.echo("The team has no guard policy now.")


# -- members --------------------------------------------------------------------------------


def _password(password_from_env: str | None, prompt: str) -> str:
    """The password from the named environment variable, or typed twice at a hidden prompt."""
    import os

    if password_from_env:
        value = os.environ.get(password_from_env)
        if not value:
            raise click.ClickException(
                f"the environment variable {password_from_env} is not set. You can fix this "
                "by exporting it, or leaving out --password-from-env to type the password."
            )
        return value
    value = click.prompt(prompt, hide_input=True, confirmation_prompt=True, err=True)
    return str(value)


password_from_env_option = click.option(
    "--password-from-env",
    metavar="VAR",
    default=None,
    help="Read the password from this environment variable instead of a hidden prompt.",
)


@team.command("add-member")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["member", "owner"]),
    default="member",
    show_default=True,
    help="Owners also manage settings, moderation and members.",
)
@click.option("--display-name", default=None, help="How the web app shows them (default: NAME).")
@click.option(
    "--no-password",
    is_flag=True,
    help="No web login (they work from the command line with --as NAME).",
)
@password_from_env_option
@db_option
@setting_option
def team_add_member(
    name: str,
    role: str,
    display_name: str | None,
    no_password: bool,
    password_from_env: str | None,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Add NAME to the team, with a web login (password at a hidden prompt).

    The first member must be an owner. Once a store has members, claims and sends
    must name one of them (--as), and each logs in to the web app with their own
    password: the single owner password (web set-password) stops opening it.

    Example:

        cyberkind team add-member ana --role owner --db postgresql://ana@db.example/team
    """
    from ..members import add_member

    password = None if no_password else _password(password_from_env, f"Password for {name}")
    with _open_store(db, _settings(settings)) as store:
        member = add_member(store, name, password, role=role, display_name=display_name)
    click.echo(f"{member.name} is now a team {member.role}.")


@team.command("members")
@click.option("--json", "as_json", is_flag=True, help="Print the members as a JSON array.")
@db_option
@setting_option
def team_members(as_json: bool, db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """List the team's members: name, role, whether they can log in, disabled.

    Example:

        cyberkind team members --json
    """
    with _open_store(db, _settings(settings)) as store:
        members = store.members()
    if as_json:
        click.echo(json.dumps([m.to_json() for m in members], indent=2, ensure_ascii=False))
        return
    if not members:
        click.echo("No members yet: `cyberkind team add-member NAME --role owner` adds one.")
    for m in members:
        flags = [m.role] + ([] if m.password_hash else ["no web login"])
        flags += ["disabled"] if m.disabled else []
        click.echo(f"{m.name}\t{m.display_name}\t{', '.join(flags)}")


@team.command("remove-member")
@click.argument("name")
@db_option
@setting_option
def team_remove_member(name: str, db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """Remove NAME from the team (their claims stay until someone runs unclaim --force).

    The last owner cannot be removed while other members remain.

    Example:

        cyberkind team remove-member bob
    """
    from ..members import remove_member

    with _open_store(db, _settings(settings)) as store:
        remove_member(store, name)
    click.echo(f"{name} is no longer a member.")


@team.command("disable-member")
@click.argument("name")
@click.option("--enable", is_flag=True, help="Enable the member again instead.")
@db_option
@setting_option
def team_disable_member(
    name: str, enable: bool, db: str | None, settings: tuple[tuple[str, str], ...]
) -> None:
    """Disable NAME: no web logins (their sessions end), claims or sends as them.

    Example:

        cyberkind team disable-member bob
        cyberkind team disable-member bob --enable
    """
    from ..members import set_member_disabled

    with _open_store(db, _settings(settings)) as store:
        member = set_member_disabled(store, name, not enable)
    click.echo(f"{member.name} is {'disabled' if member.disabled else 'enabled'}.")


@team.command("set-password")
@click.argument("name")
@password_from_env_option
@db_option
@setting_option
def team_set_password(
    name: str, password_from_env: str | None, db: str | None, settings: tuple[tuple[str, str], ...]
) -> None:
    """Give member NAME a new web password (hidden prompt); their sessions end.

    Only its argon2id hash is stored.

    Example:

        CK_PASSWORD=... cyberkind team set-password ana --password-from-env CK_PASSWORD
    """
    from ..members import set_member_password

    password = _password(password_from_env, f"New password for {name}")
    with _open_store(db, _settings(settings)) as store:
        set_member_password(store, name, password)
    click.echo(f"{name}'s password is set.")
