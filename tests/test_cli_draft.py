"""`cyberkind draft` and `cyberkind stars`, end to end on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cyberkind.cli import cli
from cyberkind.composer import Ledger
from cyberkind.inbox import Inbox
from cyberkind.store.sqlite import SQLiteStore

WXR = Path(__file__).parent / "data" / "kindcorner.wxr.xml"
BEN = "b7dde8bd699b"  # thank_commenter for comment:102
IDEA = "988c99bf4193"  # Chloé's idea for a kind act
LINKS = "6a2c69789097"  # the grouped thank_sharer


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def imported(db_path: Path) -> Path:
    result = run("import", str(WXR), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    return db_path


def test_draft_json(imported: Path) -> None:
    result = run("draft", BEN, "--db", str(imported), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["act"] == "thank_commenter"
    assert data["person"] == "Ben Okafor"
    assert data["stars"] == 1
    assert data["text"].startswith("Hi Ben,")
    assert data["specific"] and data["specific"] in data["text"]
    assert data["private"] is False and data["resources"] == []
    with SQLiteStore(imported) as store:
        assert store.get_opportunity(BEN).state.value == "drafted"
        assert store.saved_draft(BEN) == data


def test_draft_text_and_no_stars(imported: Path) -> None:
    result = run("draft", BEN[:6], "--db", str(imported), "--no-stars")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Draft (a reply) for Ben Okafor, thank_commenter:\n\nHi Ben,")
    assert "star" not in result.stdout.lower()


def test_draft_is_reproducible_and_seeded(imported: Path) -> None:
    first = run("draft", BEN, "--db", str(imported), "--json").stdout
    assert run("draft", BEN, "--db", str(imported), "--json").stdout == first
    assert run("draft", BEN, "--db", str(imported), "--json", "--seed", "5").stdout != first


def test_drafts_of_the_whole_inbox_are_distinct(imported: Path) -> None:
    with SQLiteStore(imported) as store:
        ids = [o.id for o in Inbox(store).opportunities()]
    texts = [
        json.loads(run("draft", i, "--db", str(imported), "--json").stdout)["text"] for i in ids
    ]
    # Five: the idea comment is one opportunity, not a thank-you plus an idea (issue 15).
    assert len(ids) == 5 and len(set(texts)) == 5
    group = json.loads(run("draft", LINKS, "--db", str(imported), "--json").stdout)
    assert group["text"].startswith("Hi everyone,")
    assert len(group["recipients"]) == 3


def test_draft_unknown_id_is_an_error(imported: Path) -> None:
    result = run("draft", "ffffffffffff", "--db", str(imported))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")


def test_done_records_the_drafts_stars_once(imported: Path) -> None:
    assert run("draft", IDEA, "--db", str(imported)).exit_code == 0
    assert run("done", IDEA, "--db", str(imported)).exit_code == 0
    assert run("done", IDEA, "--db", str(imported)).exit_code == 0
    with SQLiteStore(imported) as store:
        [award] = Ledger(store).entries()
    assert (award.person, award.count, award.opportunity_id) == ("Chloé Martin", 2, IDEA)
    assert award.reason == "idea for a kind act" and award.awarded_at is not None
    result = run("stars", "--db", str(imported), "--json")
    assert result.exit_code == 0
    people = json.loads(result.stdout)
    assert people[0]["person"] == "Chloé Martin" and people[0]["stars"] == 2


def test_done_without_a_draft_records_nothing(imported: Path) -> None:
    assert run("done", BEN, "--db", str(imported)).exit_code == 0
    with SQLiteStore(imported) as store:
        assert Ledger(store).entries() == []


def test_stars_award_and_csv(db_path: Path) -> None:
    result = run(
        "stars", "award", "Ana Lima", "--reason", "the kindness wall", "--db", str(db_path)
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "Awarded 1 gold star to Ana Lima.\n"
    result = run("stars", "award", "Ben Okafor", "--count", "3", "--db", str(db_path))
    assert result.stdout == "Awarded 3 gold stars to Ben Okafor.\n"
    result = run("stars", "--db", str(db_path), "--csv")
    assert result.stdout == ("person,stars,kindness,score\nBen Okafor,3,0,3\nAna Lima,1,0,1\n")
    result = run("stars", "--db", str(db_path))
    assert result.stdout == (
        "1. Ben Okafor: 3 stars, 0 kind messages\n2. Ana Lima: 1 star, 0 kind messages\n"
    )


def test_stars_empty_and_errors(db_path: Path) -> None:
    assert run("stars", "--db", str(db_path)).stdout == (
        "No gold stars yet, and no kindness recorded.\n"
    )
    result = run("stars", "--db", str(db_path), "--json", "--csv")
    assert result.exit_code == 2
    result = run("stars", "award", "Ana", "--count", "0", "--db", str(db_path))
    assert result.exit_code == 1
    assert "--count 1 or more" in result.stderr


def test_kindest_counts_kindness_shown(imported: Path) -> None:
    with SQLiteStore(imported) as store:
        Ledger(store).award("Emma Novak", 1, "by hand")
        people = Ledger(store).kindest()
    assert people, "the kind comments in the export show gratitude"
    assert any(p.kindness > 0 for p in people)
    assert [p.score for p in people] == sorted((p.score for p in people), reverse=True)
    assert next(p for p in people if p.person == "Emma Novak").stars == 1
