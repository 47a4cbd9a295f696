"""``accounts add|list|remove``: live platform accounts and their secrets (docs/inbox.md).

The store keeps an account's platform, name, URL, handle and options; its secrets
(an access token, an application password...) go to the OS keyring through
:mod:`cyberkind.credentials`, or stay in environment variables. No secret is ever
printed, logged or written to the store.
"""

from __future__ import annotations

import json
import os

import click

from ._base import _settings, cli, setting_option
from ._inbox import _open_store, db_option


@cli.group("accounts")
def accounts_cli() -> None:
    """Live accounts (Mastodon, WordPress, Bluesky...) that `sync` reads and `send` posts to.

    Example:

        \b
        cyberkind accounts add mastodon social --url https://social.example --handle ana
        cyberkind accounts list
    """


def _options(pairs: tuple[str, ...]) -> dict[str, str]:
    """``--option KEY=VALUE`` pairs as a dict (the library refuses secret-like names)."""
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(
                f"{pair!r} is not KEY=VALUE. You can fix this by writing e.g. --option "
                "visibility=unlisted.",
                param_hint="--option",
            )
        options[key.strip()] = value.strip()
    return options


@accounts_cli.command("add")
@click.argument("platform")
@click.argument("name")
@click.option("--url", required=True, help="The server or site, e.g. https://social.example.")
@click.option("--handle", default=None, help="Your user name there (marks your own items).")
@click.option(
    "--option",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A non-secret setting the connector understands; repeatable. Names that look like "
    "secrets (token, password, secret, key...) are refused: secrets go to the keyring.",
)
@click.option(
    "--secret-from-env",
    is_flag=True,
    help="Read each secret from its environment variable (CYBERKIND_<NAME>_<KEY>) instead of "
    "a hidden prompt, and store it in the keyring.",
)
@click.option(
    "--no-keyring",
    is_flag=True,
    help="Store no secret: cyberkind reads it from its environment variable at every sync.",
)
@db_option
@setting_option
def accounts_add_cli(
    platform: str,
    name: str,
    url: str,
    handle: str | None,
    options: tuple[str, ...],
    secret_from_env: bool,
    no_keyring: bool,
    db: str | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Connect an account: its URL and handle go to the store, its secrets to the OS keyring.

    PLATFORM is a live connector (mastodon, and others installed); NAME is your
    label for the account, which names its source (PLATFORM:NAME). Each secret the
    platform needs (Mastodon: access_token) is asked for with a hidden prompt,
    or read from CYBERKIND_<NAME>_<KEY> with --secret-from-env, and stored in
    the OS keyring (service "cyberkind"). Without a keyring, or with
    --no-keyring, set that environment variable whenever you sync or send.
    Adding an account again updates its URL, handle, options and secrets.

    Example:

        \b
        cyberkind accounts add mastodon social --url https://social.example --handle ana
        CYBERKIND_SOCIAL_ACCESS_TOKEN=... cyberkind accounts add mastodon social \\
            --url https://social.example --secret-from-env
    """
    from ..accounts import check_account, connect, live_platforms
    from ..credentials import Secret, env_var
    from ..errors import ConfigError, InputError

    try:  # what cannot be used is a usage error (exit 2), before any secret is asked for
        account = check_account(platform, name, url, handle, _options(options))
    except InputError as exc:
        raise click.UsageError(str(exc)) from None
    secret_keys = live_platforms()[platform]
    secrets: dict[str, Secret] = {}
    if not no_keyring:
        for key in secret_keys:
            variable = env_var(name, key)
            if secret_from_env:
                value = os.environ.get(variable, "")
                if not value:
                    raise click.ClickException(
                        f"{variable} is not set. You can fix this by setting it, or by leaving "
                        "out --secret-from-env to type the secret at a hidden prompt."
                    )
            else:
                value = click.prompt(f"{platform} {key} for {name}", hide_input=True)
            secrets[key] = Secret(value.strip())
    with _open_store(db, _settings(settings)) as store:
        try:
            done = connect(
                store,
                platform,
                account.name,
                account.url,
                account.handle,
                secrets,
                options=account.options,
            )
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"{'Connected' if done.new else 'Updated'} {account.source} ({account.url}).")
    if done.stored:
        click.echo(f"Stored {', '.join(done.stored)} in the OS keyring.")
    elif secret_keys:
        variables = ", ".join(env_var(name, k) for k in secret_keys)
        click.echo(f"No secret stored: set {variables} in the environment to sync and send.")


@accounts_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of text.")
@db_option
@setting_option
def accounts_list_cli(as_json: bool, db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """List the connected accounts and whether each secret is found (never its value).

    A secret is looked for in the environment (CYBERKIND_<NAME>_<KEY>), then in
    the OS keyring. A keyring backend that keeps secrets in plain text is named on
    stderr (stdout stays JSON with --json).

    Example:

        cyberkind accounts list --json
    """
    from ..accounts import accounts_status
    from ..credentials import plaintext_warning

    # Before the keyring is read: reading it would log the warning, and this says it instead.
    warning = plaintext_warning()
    if warning is not None:
        click.echo(warning, err=True)
    with _open_store(db, _settings(settings)) as store:
        rows = accounts_status(store)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo(
            "No accounts connected. Add one with: cyberkind accounts add PLATFORM NAME --url URL"
        )
        return
    for row in rows:
        secrets = ", ".join(
            f"{key} {'found in ' + str(s['where']) if s['found'] else 'MISSING'}"
            for key, s in row["secrets"].items()
        )
        handle = f" as {row['handle']}" if row["handle"] else ""
        missing = "" if row["connector"] else "  (no connector installed)"
        click.echo(f"{row['source']}  {row['url']}{handle}  {secrets}{missing}".rstrip())


@accounts_cli.command("remove")
@click.argument("name")
@db_option
@setting_option
def accounts_remove_cli(name: str, db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """Disconnect an account and delete its secrets from the OS keyring.

    Its items and opportunities stay in the inbox. Environment variables are
    yours to unset.

    Example:

        cyberkind accounts remove social
    """
    from ..accounts import disconnect

    with _open_store(db, _settings(settings)) as store:
        gone = disconnect(store, name)
    for key in gone.unreachable:
        click.echo(f"Warning: could not reach the OS keyring to delete {key}.", err=True)
    account, deleted = gone.account, gone.deleted
    note = f" Deleted {', '.join(deleted)} from the OS keyring." if deleted else ""
    click.echo(f"Removed {account.source}.{note}")
