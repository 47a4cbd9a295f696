"""The ideas wall's library (cyberkind.wall) on real SQLite store files, and its guard.

Real parts: SQLiteStore files in tmp_path (and, through the ``store`` fixture, a database on a
real PostgreSQL server, tests/postgres_server.py), the shipped guard (fast tier) for flagging,
and real processes for the concurrent-writes check.
"""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cyberkind.errors import InputError, NotFoundError
from cyberkind.store.sqlite import SQLiteStore
from cyberkind.wall import (
    DUPLICATE_THRESHOLD,
    Wall,
    clean_author,
    similarity,
    spam_reasons,
    thank_you,
)

SAME = [
    ("Leave a kind comment on a stranger's blog", "leave kind comments on strangers' blogs!"),
    ("Thank a teacher today", "Today, thank teachers!"),
    ("Send a thank-you note to your mail carrier", "Write a thank you note for the mail carrier"),
    ("Compliment a stranger's photo", "Complement a strangers photos"),
    ("Tell a friend you are proud of them", "Tell your friend you are proud of them"),
    ("Share a small creator's work", "Share a small creators work with friends"),
]
DIFFERENT = [
    ("Thank a nurse", "Thank a teacher"),
    ("Donate to a food bank", "Donate to an animal shelter"),
    ("Leave a kind comment on a blog", "Send a thank-you email to a teacher"),
    ("Write a positive review for a small business", "Write a positive review for a local author"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_rephrasings_are_near_duplicates(a: str, b: str) -> None:
    assert similarity(a, b) >= DUPLICATE_THRESHOLD
    assert similarity(a, b) == similarity(b, a)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_acts_are_not_merged(a: str, b: str) -> None:
    assert similarity(a, b) < DUPLICATE_THRESHOLD


def test_similarity_bounds() -> None:
    assert similarity("Hug a tree", "Hug a tree") == 1.0
    assert similarity("", "Hug a tree") == 0.0


@pytest.fixture
def store(db_url: str) -> Any:
    """A store on each backend: a SQLite file, and a real PostgreSQL database."""
    from cyberkind.store import open_store

    with open_store(db_url) as s:
        yield s


def test_submit_publishes_with_a_gold_star_and_thanks(store: Any) -> None:
    wall = Wall(store)
    sub = wall.submit("  Leave a kind   comment on a stranger's blog ", "Ana")
    assert sub.status == "published"
    assert sub.idea.text == "Leave a kind comment on a stranger's blog"
    assert sub.idea.authors == ("Ana",)
    assert sub.idea.stars == 1
    assert "Ana" in sub.message and "gold star" in sub.message.lower()
    assert [i.id for i in wall.ideas()] == [sub.idea.id]
    # the author's gold star is in the ledger too
    assert [(a.person, a.count) for a in store.star_awards()] == [("Ana", 1)]


def test_thank_yous_vary_and_follow_the_star_setting() -> None:
    texts = [f"Idea number {n} for kindness" for n in range(12)]
    messages = {thank_you("Ana", t) for t in texts}
    assert len(messages) >= 5
    assert thank_you("Ana", texts[0]) == thank_you("Ana", texts[0])
    assert all("star" not in thank_you("Ana", t, stars=False).lower() for t in texts)


def test_near_duplicate_merges_and_credits_both(store: Any) -> None:
    wall = Wall(store)
    first = wall.submit("Thank a teacher today", "Ana")
    second = wall.submit("Today, thank teachers!", "Ben")
    other = wall.submit("Thank a nurse", "Cy")
    assert second.status == "merged"
    assert second.idea.id == first.idea.id
    assert second.idea.authors == ("Ana", "Ben")
    assert second.idea.author == "Ana and Ben"
    assert second.idea.stars == 2
    assert other.idea.id != first.idea.id
    assert len(store.idea_submissions()) == 3
    assert len(wall.ideas()) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Visit https://spam.example for kindness", "it contains a link"),
        ("Go to www.cheap-pills.example now", "it contains a link"),
        ("Buy followers at kindness.xyz", "it contains a link"),
        ("Be kind!!!!!!!!!!!!!!!", "it repeats one character many times"),
    ],
)
def test_spam_goes_to_moderation(store: Any, text: str, expected: str) -> None:
    assert expected in spam_reasons(text)
    sub = Wall(store).submit(text, "Spammer")
    assert sub.status == "pending"
    assert expected in sub.idea.reason
    assert Wall(store).ideas() == []
    assert [i.id for i in Wall(store).ideas(("pending",))] == [sub.idea.id]
    assert store.star_awards() == []


def test_plain_ideas_are_not_spam() -> None:
    assert spam_reasons("Write to an author whose book helped you. It's free and it matters.") == []


def test_guard_flags_go_to_moderation_and_approve_publishes(store: Any) -> None:
    from cyberkind.guard import Guard

    guard = Guard()

    def check(*texts: str) -> list[str]:
        verdicts = [guard.check(text, suggest=False) for text in texts]
        return [r.message for v in verdicts if v.verdict != "ok" for r in v.reasons]

    wall = Wall(store, check=check)
    held = wall.submit("You are all stupid idiots and nobody likes you", "Troll")
    fine = wall.submit("Leave a kind comment on a stranger's blog", "Ana")
    assert held.status == "pending" and held.idea.reason
    assert fine.status == "published"
    assert [i.id for i in wall.ideas()] == [fine.idea.id]
    approved = wall.approve(held.idea.id)
    assert approved.status == "published"
    rejected = wall.reject(fine.idea.id)
    assert rejected.status == "rejected"
    assert [i.id for i in wall.ideas()] == [held.idea.id]


def test_flood_from_one_client_is_held(store: Any) -> None:
    wall = Wall(store, flood_limit=3)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    statuses = [
        wall.submit(f"Kind idea {word}", "Ana", client="c1", now=now).status
        for word in ("apple", "brick", "cloud", "dune", "ember")
    ]
    assert statuses == ["published"] * 3 + ["pending"] * 2
    # another client, or the same one later, is fine
    assert wall.submit("Kind idea forest", "Ben", client="c2", now=now).status == "published"
    later = now + timedelta(minutes=11)
    assert wall.submit("Kind idea garden", "Ana", client="c1", now=later).status == "published"


def test_nonce_makes_a_retry_a_no_op(store: Any) -> None:
    wall = Wall(store)
    first = wall.submit("Hug a friend", "Ana", nonce="n-1")
    again = wall.submit("Hug a friend", "Ana", nonce="n-1")
    assert again.repeat and not first.repeat
    assert again.submission_id == first.submission_id
    assert len(store.idea_submissions()) == 1


def test_visitor_stars_once(store: Any) -> None:
    wall = Wall(store)
    idea = wall.submit("Hug a friend", "Ana").idea
    starred, added = wall.star(idea.id, "v1")
    assert added and starred.stars == 2 and starred.votes == 1
    starred, added = wall.star(idea.id, "v1")
    assert not added and starred.stars == 2
    assert wall.star(idea.id, "v2")[0].stars == 3
    with pytest.raises(NotFoundError):
        wall.star(999, "v1")
    pending = wall.submit("see http://x.example", "Bot").idea
    with pytest.raises(NotFoundError):
        wall.star(pending.id, "v1")


@pytest.mark.parametrize(
    ("text", "author", "message"),
    [
        ("", "Ana", "the idea is empty"),
        ("x" * 501, "Ana", "501 characters"),
        ("Hug a friend", "   ", "no name given"),
        ("Hug a friend", "n" * 61, "the name is 61 characters"),
    ],
)
def test_bad_input_names_the_fix(store: Any, text: str, author: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        Wall(store).submit(text, author)
    assert "You can fix this" in str(info.value)
    assert store.idea_submissions() == []


def test_author_control_characters_are_dropped() -> None:
    assert clean_author("Ana\x00\x1b[31m  Lima") == "Ana [31m Lima"


def _submit_many(path: str, worker: int, count: int) -> list[int]:
    with SQLiteStore(path) as store:
        wall = Wall(store)
        return [
            wall.submit(
                f"Idea {worker}-{n}: kind act number {worker * 1000 + n}",
                f"W{worker}",
                nonce=f"{worker}-{n}",
            ).submission_id
            for n in range(count)
        ]


def test_concurrent_processes_lose_nothing(db_path: Path) -> None:
    SQLiteStore(db_path).close()
    workers, count = 6, 15
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers) as pool:
        results = pool.starmap(_submit_many, [(str(db_path), w, count) for w in range(workers)])
    ids = [i for r in results for i in r]
    assert len(ids) == len(set(ids)) == workers * count
    with SQLiteStore(db_path) as store:
        subs = store.idea_submissions()
        assert sorted(s.id for s in subs) == sorted(ids)
        texts = [s.text for s in subs]
        assert len(texts) == len(set(texts)) == workers * count


def test_many_connections_opening_a_new_store_at_once(db_path: Path) -> None:
    import threading

    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            SQLiteStore(db_path).close()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_the_wall_library_needs_no_web_stack() -> None:
    import subprocess
    import sys

    code = (
        "import sys, cyberkind.wall\n"
        "print(','.join(m for m in ('jinja2', 'starlette', 'click', 'cyberkind.web') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_the_wall_screens_an_idea_and_its_author_in_one_check(store: Any) -> None:
    """One call with both texts, so the web app's guard lock is held once per submission."""
    calls: list[tuple[str, ...]] = []

    def check(*texts: str) -> list[str]:
        calls.append(texts)
        return []

    Wall(store, check=check).submit("Leave a kind note for a neighbour", "Ana")
    assert calls == [("Leave a kind note for a neighbour", "Ana")]
