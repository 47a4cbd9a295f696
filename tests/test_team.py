"""Team mode: claims (exclusive, even under concurrency), send refusing others' claims, the
team's guard policy, and ``inbox --mine/--unclaimed``.

Every test runs on both backends (the ``db_url``/``store`` fixtures): a real SQLite file,
and a fresh database on a real PostgreSQL server (tests/postgres_server.py). The
concurrency tests use real threads, each with its own connection, and real
``cyberkind claim`` processes started together.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.errors import ConfigError, StoreError
from cyberkind.models import Act, Author, Item, ItemKind, Opportunity, Priority, State
from cyberkind.store import open_store

SRC = "test:blog"
ROOT = Path(__file__).resolve().parents[1]


def _seed(store: Any, *ids: str) -> None:
    """One comment and one open opportunity per id."""
    items = [Item(SRC, f"c{i}", ItemKind.COMMENT, Author("h", "Ana"), "thanks!") for i in ids]
    store.upsert_items(items, {})
    store.save_thread_opportunities(
        SRC,
        "t",
        [
            Opportunity(i, Act.THANK_COMMENTER, "Ana", SRC, (f"c{i}",), "why", Priority.UNANSWERED)
            for i in ids
        ],
    )


def test_a_claim_is_exclusive_until_released(store: Any) -> None:
    _seed(store, "aaaa1111", "bbbb2222")
    assert store.claim("aaaa1111", "ana") == "ana"
    assert store.claim("aaaa", "bob") == "ana"  # by prefix too; bob is told who has it
    assert store.claim("aaaa1111", "ana") == "ana"  # claiming one's own again is fine
    assert store.claims() == {"aaaa1111": "ana"}
    assert store.claim_holder("bbbb2222") is None
    assert store.release("aaaa1111", "bob") is False
    assert store.release("aaaa1111", "ana") is True
    assert store.claim("aaaa1111", "bob") == "bob"
    assert store.release("aaaa1111") is True  # without a member: whoever holds it
    store.set_state("bbbb2222", State.DONE)
    with pytest.raises(StoreError, match="is done, so there is nothing to claim"):
        store.claim("bbbb2222", "ana")
    with pytest.raises(StoreError, match="needs the member's name"):
        store.claim("aaaa1111", "  ")
    store.claim("aaaa1111", "ana")
    store.save_thread_opportunities(SRC, "t", [])  # it no longer applies: the claim goes too
    assert store.claims() == {}


def test_team_settings_round_trip(store: Any) -> None:
    assert store.team_setting("policy") is None
    store.set_team_setting("policy", "version = 1\n", "ana")
    store.set_team_setting("policy", "version = 1\nname = 'x'\n", "bob")
    assert store.team_setting("policy") == "version = 1\nname = 'x'\n"
    store.set_team_setting("policy", None)
    assert store.team_setting("policy") is None


def test_concurrent_claims_from_threads_exactly_one_wins(db_url: str) -> None:
    with open_store(db_url) as store:
        _seed(store, "cccc3333")
    members = [f"member{i}" for i in range(8)]
    barrier = threading.Barrier(len(members))
    results: dict[str, str] = {}
    errors: list[BaseException] = []

    def claim(member: str) -> None:
        try:
            with open_store(db_url) as own:  # one connection per member, opened in its thread
                barrier.wait()
                results[member] = own.claim("cccc3333", member)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=claim, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    winners = set(results.values())
    assert len(winners) == 1 and winners <= set(members)
    assert sum(1 for member, holder in results.items() if member == holder) == 1
    with open_store(db_url) as store:
        assert store.claims() == {"cccc3333": winners.pop()}


def test_concurrent_claim_processes_exactly_one_wins(db_url: str) -> None:
    """Real ``cyberkind claim`` processes, started together: one exits 0, the rest are told."""
    with open_store(db_url) as store:
        _seed(store, "dddd4444")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cyberkind",
                "claim",
                "dddd4444",
                "--as",
                f"p{i}",
                "--db",
                db_url,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(4)
    ]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        outcomes.append((proc.returncode, out, err))
    won = [out for code, out, _ in outcomes if code == 0]
    lost = [err for code, _, err in outcomes if code == 1]
    assert len(won) == 1 and len(lost) == 3, outcomes
    with open_store(db_url) as store:
        holder = store.claim_holder("dddd4444")
    assert won[0].startswith(f"dddd4444 is yours, {holder}:")
    assert all(f"already claimed by {holder}" in err for err in lost)


def test_send_refuses_an_opportunity_claimed_by_someone_else(store: Any) -> None:
    from cyberkind.sending import send_draft

    _seed(store, "eeee5555", "ffff6666")
    store.claim("eeee5555", "ana")
    for member in ("bob", None):
        with pytest.raises(ConfigError, match="is claimed by ana, who answers it"):
            send_draft(store, "eeee5555", text="Thank you!", member=member)
    assert store.outbox() == []
    # An unclaimed one is claimed for the sender before anything is posted (here the
    # source has no connected account, so the send stops there, still claimed).
    with pytest.raises(ConfigError, match="not a connected account"):
        send_draft(store, "ffff6666", text="Thank you!", member="bob")
    assert store.claim_holder("ffff6666") == "bob"
    assert store.outbox() == []


def test_cli_claim_inbox_mine_and_unclaimed(db_url: str) -> None:
    with open_store(db_url) as store:
        _seed(store, "gggg7777", "hhhh8888")
    runner = CliRunner()
    done = runner.invoke(cli, ["claim", "gggg7777", "--as", "ana", "--db", db_url])
    assert done.exit_code == 0, done.output
    assert done.output == "gggg7777 is yours, ana: thank_commenter for Ana.\n"
    taken = runner.invoke(cli, ["claim", "gggg", "--as", "bob", "--db", db_url])
    assert taken.exit_code == 1
    assert "Error: gggg7777 is already claimed by ana." in taken.output

    def ids(*args: str) -> list[str]:
        result = runner.invoke(cli, ["inbox", "--json", "--db", db_url, *args])
        assert result.exit_code == 0, result.output
        return [o["id"] for o in json.loads(result.output)]

    assert ids("--mine", "--as", "ana") == ["gggg7777"]
    assert ids("--mine", "--as", "bob") == []
    assert ids("--unclaimed") == ["hhhh8888"]
    listed = json.loads(runner.invoke(cli, ["inbox", "--json", "--db", db_url]).output)
    assert {o["id"]: o["claimed_by"] for o in listed} == {"gggg7777": "ana", "hhhh8888": None}
    text = runner.invoke(cli, ["inbox", "--db", db_url]).output
    assert "gggg7777  thank_commenter [claimed by ana]: Ana (test:blog)" in text
    both = runner.invoke(cli, ["inbox", "--mine", "--unclaimed", "--db", db_url])
    assert both.exit_code == 2 and "exclude each other" in both.output
    assert runner.invoke(cli, ["unclaim", "gggg7777", "--as", "bob", "--db", db_url]).exit_code == 1
    freed = runner.invoke(cli, ["unclaim", "gggg7777", "--as", "ana", "--db", db_url])
    assert freed.output == "gggg7777 is unclaimed.\n"
    assert json.loads(runner.invoke(cli, ["team", "claims", "--db", db_url]).output) == {}


def test_check_applies_the_team_policy(db_url: str, tmp_path: Path) -> None:
    policy = tmp_path / "team.toml"
    policy.write_text('version = 1\n[terms]\nblocked = ["pineapple"]\n', encoding="utf-8")
    runner = CliRunner()
    draft = "I brought pineapple pizza for everyone"
    assert runner.invoke(cli, ["check", draft, "--db", db_url]).exit_code == 0
    stored = runner.invoke(cli, ["team", "policy-set", str(policy), "--as", "ana", "--db", db_url])
    assert stored.exit_code == 0, stored.output
    shown = runner.invoke(cli, ["team", "policy-show", "--db", db_url])
    assert shown.output == policy.read_text(encoding="utf-8")
    held = runner.invoke(cli, ["check", draft, "--db", db_url, "--json"])
    assert held.exit_code == 2, held.output
    assert json.loads(held.output)["verdict"] == "hold"
    # The db setting (CYBERKIND_DB) names the team store as well as --db.
    env = {"CYBERKIND_DB": db_url}
    assert runner.invoke(cli, ["check", draft], env=env).exit_code == 2
    # --policy wins over the team's policy.
    own = tmp_path / "own.toml"
    own.write_text("version = 1\n", encoding="utf-8")
    assert runner.invoke(cli, ["check", draft, "--policy", str(own), "--db", db_url]).exit_code == 0
    runner.invoke(cli, ["team", "policy-clear", "--db", db_url])
    assert runner.invoke(cli, ["check", draft, "--db", db_url]).exit_code == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("version = 2\n", encoding="utf-8")
    refused = runner.invoke(cli, ["team", "policy-set", str(bad), "--db", db_url])
    assert refused.exit_code == 1 and "unsupported policy version" in refused.output


def test_who_sends(store: Any) -> None:
    """--as, then the user setting; on a team store the login name; on one's own file nobody."""
    import getpass

    from cyberkind.sending import sender_name
    from cyberkind.store import SQLiteStore

    assert sender_name(store, "ana", "bob") == "ana"
    assert sender_name(store, None, "bob") == "bob"
    team = not isinstance(store, SQLiteStore)
    assert sender_name(store) == (getpass.getuser() if team else None)
