"""``db migrate`` and ``db copy``: the store's schema, and moving a store (docs/teams.md)."""

from __future__ import annotations

import json

import click

from ._base import _settings, cli, setting_option
from ._inbox import _open_store, db_option


@cli.group("db")
def db_group() -> None:
    """Manage the inbox store: migrate its schema, copy it to another database.

    Example:

        cyberkind db copy inbox.db postgresql://ana@db.example/team
    """


@db_group.command("migrate")
@db_option
@setting_option
def db_migrate(db: str | None, settings: tuple[tuple[str, str], ...]) -> None:
    """Apply the pending schema migrations to the store; print its version as JSON.

    Opening a store migrates it too; this does only that (e.g. for a new team
    database, or before `db copy`). Running it again changes nothing.

    Example:

        cyberkind db migrate --db postgresql://ana@db.example/team
    """
    with _open_store(db, _settings(settings)) as store:
        click.echo(json.dumps({"db": store.describe(), "schema_version": store.schema_version()}))


@db_group.command("copy")
@click.argument("source")
@click.argument("destination")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def db_copy(source: str, destination: str, as_json: bool) -> None:
    """Copy every row of the store SOURCE into the empty store DESTINATION, and verify it.

    SOURCE and DESTINATION are SQLite files or postgresql:// URLs. All or
    nothing: the rows go in in one transaction that commits only when every
    table's row count and checksum match the source's; a failed or interrupted
    copy leaves DESTINATION empty, so run it again. Prints per-table counts and
    checksums (the SHA-256 of the rows' canonical JSON, computed the same way on
    both sides).

    Example:

        cyberkind db copy ~/.local/share/cyberkind/inbox.db postgresql://ana@db.example/team
    """
    from ..store import copy_store, open_store

    with open_store(source) as src, open_store(destination) as dst:
        report = copy_store(src, dst)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
        return
    click.echo(f"Copied {report.source} to {report.destination} (schema {report.version}):")
    width = max(len(name) for name in report.tables)
    for name, total in report.tables.items():
        same = "ok" if report.copied[name] == total else "DIFFERS"
        click.echo(f"  {name:<{width}}  {total.rows:>8} rows  sha256 {total.sha256[:16]}  {same}")
    click.echo("Verified: every table's count and checksum match.")
