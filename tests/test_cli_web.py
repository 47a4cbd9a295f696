"""``cyberkind serve`` (binding rules, --public, --get) and ``cyberkind web set-password``,
through click's CliRunner on real SQLite store files; the Host check over a real uvicorn
server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.store.sqlite import SQLiteStore
from cyberkind.web.app import create_app


def test_serve_refuses_other_hosts_without_public(db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--db", str(db_path)])
    assert result.exit_code == 1
    assert "Error: binding 0.0.0.0 would expose your inbox" in result.output
    assert "--public" in result.output


def test_public_needs_a_password(db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--public", "--db", str(db_path)])
    assert result.exit_code == 1
    assert "cyberkind web set-password" in result.output


def test_set_password_stores_only_a_hash(db_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["web", "set-password", "--db", str(db_path)], input="kind words 123\nkind words 123\n"
    )
    assert result.exit_code == 0, result.output
    with SQLiteStore(db_path) as store:
        stored = store.get_config("password_hash")
        assert stored is not None and stored.startswith("$argon2id$")
        dump = "\n".join(str(tuple(r)) for r in store.execute("SELECT * FROM web_config"))
    assert "kind words" not in dump
    assert "kind words" not in db_path.read_bytes().decode("latin-1")
    short = CliRunner().invoke(
        cli, ["web", "set-password", "--db", str(db_path), "--password", "short"]
    )
    assert short.exit_code == 1 and "shorter than 8 characters" in short.output


def test_serve_get_pages_without_a_port(db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--get", "/api/ideas", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []
    page = CliRunner().invoke(cli, ["serve", "--get", "/wall", "--db", str(db_path)])
    assert page.exit_code == 0 and "Ideas for random acts of cyber-kindness" in page.output
    missing = CliRunner().invoke(cli, ["serve", "--get", "/nope", "--db", str(db_path)])
    assert missing.exit_code == 1


def test_local_server_refuses_foreign_host_headers(
    scorer: Any, serve_in_thread: Any, db_path: Path
) -> None:
    app = create_app(scorer, db=db_path, allowed_hosts=["127.0.0.1", "localhost"])
    with serve_in_thread(app) as url, httpx.Client(base_url=url) as c:
        assert c.get("/wall").status_code == 200
        rebound = c.get("/wall", headers={"host": "evil.example"})
        assert rebound.status_code == 400
