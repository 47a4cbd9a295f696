"""The inbox rules: acts, reasons, priorities, grouping, threads, states and ideas.

Items come from JSONL files through the real pipeline; the stub scorer fires a
label when its hashtag is in the text (``#crisis``, ``#question``...). Every test
runs on both stores (the ``store`` fixture): a real SQLite file and a real
PostgreSQL database (tests/postgres_server.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cyberkind.errors import ConfigError
from cyberkind.inbox import Inbox, find_idea, opportunity_id
from cyberkind.models import Act, Priority, State
from cyberkind.pipeline import import_file
from cyberkind.resources import CRISIS_RESOURCES

MY_POST = {"id": "p1", "kind": "post", "is_own": True, "text": "My post", "title": "Zines"}


def load(store: Any, tmp_path: Path, scorer: Any, *rows: dict[str, Any]) -> Inbox:
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    import_file(store, path, scorer=scorer, source="t")
    return Inbox(store, crisis_line="Telefonseelsorge 0800 111 0 111")


def comment(rid: str, text: str = "Nice", **kw: Any) -> dict[str, Any]:
    row = {
        "id": rid,
        "kind": "comment",
        "author": f"Person {rid}",
        "text": text,
        "parent_id": "p1",
        "thread_id": "p1",
    }
    return row | kw


def acts(inbox: Inbox, **kw: Any) -> list[tuple[str, tuple[str, ...], int]]:
    return [(o.act.value, o.item_ids, int(o.priority)) for o in inbox.opportunities(**kw)]


def test_priorities_crisis_first_with_resources(
    store: Any, tmp_path: Path, stub_scorer: Any
) -> None:
    inbox = load(
        store,
        tmp_path,
        stub_scorer,
        MY_POST,
        {"id": "m1", "kind": "mention", "author": "Mo", "text": "hey you"},
        comment("c1", "Where do I buy it? #question"),
        comment("c2", "I got the job! #celebration"),
        comment("c3", "Rough week #distress"),
        comment("c4", "I want to end it all #crisis #distress #question"),
        {
            "id": "q1",
            "kind": "mention",
            "author": "Qi",
            "text": "anyone know a good zine shop? #question",
        },
        {
            "id": "x1",
            "kind": "comment",
            "author": "Xu",
            "text": "what time? #question",
            "thread_id": "other",
        },
    )
    # One opportunity per item: the question and the good news on the user's post are
    # answered inside the one reply (issue 15), never a thank-you and a second act beside it.
    assert acts(inbox) == [
        ("offer_dm", ("c4",), Priority.CRISIS),
        ("hug", ("c3",), Priority.DISTRESS),
        ("send_link", ("c1",), Priority.UNANSWERED),
        ("celebrate", ("c2",), Priority.UNANSWERED),
        ("send_link", ("x1",), Priority.QUESTION),
        ("thank_commenter", ("m1",), Priority.MENTION),
        ("send_link", ("q1",), Priority.MENTION),
    ]
    crisis = inbox.opportunities()[0]
    assert crisis.reason == "crisis 0.90 >= 0.50: reach out privately; safety resources attached"
    assert crisis.resources[0].contact == "Telefonseelsorge 0800 111 0 111"
    assert crisis.resources[1:] == CRISIS_RESOURCES
    assert any("findahelpline.com" in (r.url or "") for r in crisis.resources)
    assert all(not o.resources for o in inbox.opportunities()[1:])
    assert inbox.get(crisis.id).resources == crisis.resources
    reasons = {o.item_ids[0]: o.reason for o in inbox.opportunities()}
    assert reasons["c1"] == (
        "an unanswered comment on your post 'Zines' asks a question (question 0.90 >= 0.50): "
        "answer it, with a link if one fits"
    )
    assert reasons["c2"] == (
        "good news (celebration 0.90 >= 0.50) in an unanswered comment on your post 'Zines': "
        "congratulate them in your thank-you"
    )
    assert reasons["m1"] == "mentions you and you have not answered"


def test_answered_comments_are_not_open_and_answers_close_them(
    store: Any, tmp_path: Path, stub_scorer: Any
) -> None:
    inbox = load(store, tmp_path, stub_scorer, MY_POST, comment("c1"), comment("c2"), comment("c3"))
    assert [o.item_ids for o in inbox.opportunities()] == [("c1",), ("c2",), ("c3",)]
    c2 = inbox.opportunities()[1]
    inbox.draft(c2.id)
    # The user answers c1 and c2 on the blog; the next import brings the answers.
    load(
        store,
        tmp_path,
        stub_scorer,
        MY_POST,
        comment("c1"),
        comment("c2"),
        comment("c3"),
        {"id": "r1", "kind": "reply", "is_own": True, "parent_id": "c1", "thread_id": "p1"},
        {"id": "r2", "kind": "reply", "is_own": True, "parent_id": "c2", "thread_id": "p1"},
    )
    assert [o.item_ids for o in inbox.opportunities()] == [("c3",)]
    assert inbox.get(c2.id).state is State.DONE  # a drafted one that got answered is done


def test_answer_in_another_thread_still_counts(
    store: Any, tmp_path: Path, stub_scorer: Any
) -> None:
    inbox = load(
        store,
        tmp_path,
        stub_scorer,
        {"id": "m1", "kind": "mention", "author": "Mo", "text": "hi"},
        {"id": "r1", "kind": "reply", "is_own": True, "parent_id": "m1"},
    )
    assert inbox.opportunities() == []


def test_grouped_shares_and_likes_per_post(store: Any, tmp_path: Path, stub_scorer: Any) -> None:
    rows = (
        [MY_POST]
        + [{"id": f"b{n}", "kind": "boost", "author": f"B{n}", "thread_id": "p1"} for n in range(5)]
        + [
            {"id": "l1", "kind": "like", "author": "Li", "thread_id": "p1"},
            {"id": "l2", "kind": "like", "author": "Lu", "thread_id": "p9"},
            {"id": "o1", "kind": "post", "author": "Olu", "text": "their post"},
            {"id": "ol", "kind": "like", "author": "Ann", "thread_id": "o1"},
        ]
    )
    inbox = load(store, tmp_path, stub_scorer, *rows)
    found = {(o.act.value, o.thread_key): o for o in inbox.opportunities()}
    boosts = found[("thank_sharer", "p1")]
    assert boosts.reason == "5 people boosted your post 'Zines': thank them together?"
    assert boosts.person == "B0, B1, B2 and 2 more"
    assert found[("thank_reader", "p1")].reason == "Li liked your post 'Zines': thank them?"
    assert found[("thank_reader", "p9")].reason == "Lu liked your post: thank them?"
    assert ("thank_reader", "o1") not in found  # a like of someone else's post
    assert found[("encourage_post", "o1")].priority is Priority.FOLLOWED


def test_dismissed_groups_stay_dismissed_and_new_items_start_a_new_group(
    store: Any, tmp_path: Path, stub_scorer: Any
) -> None:
    boosts = [
        {"id": f"b{n}", "kind": "boost", "author": f"B{n}", "thread_id": "p1"} for n in range(3)
    ]
    inbox = load(store, tmp_path, stub_scorer, MY_POST, *boosts)
    [group] = inbox.opportunities()
    inbox.dismiss(group.id)
    load(store, tmp_path, stub_scorer, MY_POST, *boosts)
    assert inbox.opportunities() == []
    more = {"id": "b9", "kind": "boost", "author": "B9", "thread_id": "p1"}
    load(store, tmp_path, stub_scorer, MY_POST, *boosts, more)
    [fresh] = inbox.opportunities()
    assert fresh.id != group.id and fresh.item_ids == ("b9",)
    assert inbox.get(group.id).state is State.DISMISSED
    assert inbox.get(group.id).item_ids == ("b0", "b1", "b2")


def test_open_group_keeps_its_id_as_items_join(
    store: Any, tmp_path: Path, stub_scorer: Any
) -> None:
    first = {"id": "b1", "kind": "boost", "author": "B1", "thread_id": "p1"}
    second = {"id": "b2", "kind": "boost", "author": "B2", "thread_id": "p1"}
    inbox = load(store, tmp_path, stub_scorer, MY_POST, first)
    [before] = inbox.opportunities()
    inbox.snooze(before.id, datetime.now(UTC) + timedelta(days=1))
    load(store, tmp_path, stub_scorer, MY_POST, first, second)
    after = inbox.get(before.id)
    assert after.item_ids == ("b1", "b2") and after.state is State.SNOOZED


def test_follows_mentions_hosts_posts(store: Any, tmp_path: Path, stub_scorer: Any) -> None:
    inbox = load(
        store,
        tmp_path,
        stub_scorer,
        {"id": "f1", "kind": "follow", "author": "Fay"},
        {
            "id": "h0",
            "kind": "post",
            "author": "Hana",
            "author_handle": "@hana",
            "text": "Host post",
            "title": "Gardens",
        },
        {"id": "h1", "kind": "comment", "is_own": True, "parent_id": "h0", "thread_id": "h0"},
        {
            "id": "h2",
            "kind": "reply",
            "author": "Hana",
            "author_handle": "@hana",
            "parent_id": "h1",
            "thread_id": "h0",
            "text": "Thanks for stopping by",
        },
        {"id": "n1", "kind": "post", "author": "Nia", "text": "Launched my shop #celebration"},
        {"id": "k1", "kind": "mention", "author": "Kai", "text": "you all are lovely #compassion"},
    )
    got = {(o.act.value, o.item_ids[0]) for o in inbox.opportunities()}
    # One opportunity per post and per mention (issue 15): the news post is celebrated with an
    # offer to share it in the same reply; the kind mention is thanked for what it shares.
    assert got == {
        ("thank_reader", "f1"),
        ("encourage_post", "h0"),
        ("appreciate_host", "h2"),
        ("celebrate", "n1"),
        ("thank_for_sharing_what_matters", "k1"),
    }
    host = inbox.opportunities(acts=["appreciate_host"])[0]
    assert host.reason == "the host of 'Gardens' answered your comment"


def test_ideas_are_flagged_even_when_answered(store: Any, tmp_path: Path, stub_scorer: Any) -> None:
    inbox = load(
        store,
        tmp_path,
        stub_scorer,
        MY_POST,
        comment("c1", "A random act of kindness could be paying for a stranger's coffee."),
        {"id": "r1", "kind": "reply", "is_own": True, "parent_id": "c1", "thread_id": "p1"},
        comment("c2", "Idea: use a bigger font"),
    )
    ideas = inbox.opportunities(ideas_only=True)
    assert [(o.act, o.item_ids, o.priority) for o in ideas] == [
        (Act.THANK_FOR_SHARING_WHAT_MATTERS, ("c1",), Priority.IDEA)
    ]
    assert ideas[0].reason == (
        "shares an idea for a kind act: 'A random act of kindness could be paying for a "
        "stranger's coffee.'"
    )


@pytest.mark.parametrize(
    ("text", "idea"),
    [
        ("Idea: what if we all wrote one thank-you card?", True),
        ("What if we all checked in on a neighbour this weekend?", True),
        ("My random act of kindness would be leaving flowers", True),
        ("kindness idea - compliment a barista", True),
        ("How about we all donate a book to the library", True),
        ("Let's all say thanks to the volunteers", True),
        ("Idea: use a bigger font", False),
        ("What if we all just moved to Postgres?", False),
        ("I have no idea what this means", False),
        ("", False),
    ],
)
def test_find_idea(text: str, idea: bool) -> None:
    assert (find_idea(text) is not None) is idea


def test_long_idea_is_cut() -> None:
    found = find_idea("Idea: " + "kind " * 40)
    assert found is not None and len(found) == 80 and found.endswith("\u2026")


def test_states_and_filters(store: Any, tmp_path: Path, stub_scorer: Any) -> None:
    inbox = load(
        store,
        tmp_path,
        stub_scorer,
        MY_POST,
        comment("c1"),
        comment("c2"),
        comment("c3"),
        comment("c4"),
    )
    ids = [o.id for o in inbox.opportunities()]
    inbox.done(ids[0])
    inbox.dismiss(ids[1])
    inbox.snooze(ids[2], datetime.now(UTC) + timedelta(days=3))
    assert [o.id for o in inbox.opportunities()] == [ids[3]]
    assert len(inbox.opportunities(states=None)) == 4
    assert [o.state for o in inbox.opportunities(states=["snoozed"])] == [State.SNOOZED]
    woken = inbox.opportunities(now=datetime.now(UTC) + timedelta(days=4))
    assert [o.id for o in woken] == [ids[2], ids[3]]
    inbox.reopen(ids[1])
    assert len(inbox.opportunities()) == 3
    assert inbox.opportunities(sources=["elsewhere"]) == []
    with pytest.raises(ConfigError, match="unknown act 'thank'"):
        inbox.opportunities(acts=["thank"])
    with pytest.raises(ConfigError, match="unknown state 'closed'"):
        inbox.opportunities(states=["closed"])
    with pytest.raises(ConfigError, match="has passed"):
        inbox.snooze(ids[3], datetime(2020, 1, 1))


def test_ids_are_stable_hashes() -> None:
    assert opportunity_id("s", Act.HUG, "c1") == opportunity_id("s", Act.HUG, "c1")
    assert opportunity_id("s", Act.HUG, "c1") != opportunity_id("s", Act.CELEBRATE, "c1")
    assert len(opportunity_id("s", Act.HUG, "c1")) == 12


def test_every_act_is_documented() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "inbox.md").read_text()
    for act in Act:
        assert f"`{act.value}`" in docs, act


def _snapshot(store: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (o.id, o.act.value, o.reason, o.item_ids, int(o.priority), o.state.value, o.person)
        for o in store.opportunities(states=None)
    )


def test_batch_by_batch_derivation_equals_deriving_everything_at_once(
    store: Any, tmp_path: Path, stub_scorer: Any
) -> None:
    """Issue 14 #13: each batch re-derives only what it affects; the result is the same as one
    big batch, whatever the order (replies before their comments, answers, a late post)."""
    from cyberkind.store import open_store

    rows: list[dict[str, Any]] = []
    for n in range(30):
        parent = "p1" if n % 3 else f"c{max(n - 3, 0)}"
        rows.append(comment(f"c{n}", "Nice #question" if n % 4 == 0 else "Nice", parent_id=parent))
        if n % 5 == 0:
            rows.append(
                {
                    "id": f"r{n}",
                    "kind": "reply",
                    "is_own": True,
                    "parent_id": f"c{n}",
                    "thread_id": "p1",
                    "text": "Thanks!",
                }
            )
        if n % 6 == 0:
            rows.append({"id": f"l{n}", "kind": "like", "author": f"F{n}", "thread_id": "p1"})
    rows.append(MY_POST)  # the post arrives last: every reason changes
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    import_file(store, path, scorer=stub_scorer, source="t", batch_size=4)
    with open_store(tmp_path / "whole.db") as whole:
        import_file(whole, path, scorer=stub_scorer, source="t", batch_size=1000)
        expected = _snapshot(whole)
        Inbox(whole).refresh("t", ["p1"], stub_scorer.thresholds())
        assert _snapshot(whole) == expected  # the full refresh agrees
    assert _snapshot(store) == expected
    assert any(o[1] == "thank_reader" for o in expected)


def test_a_batch_costs_the_same_on_a_long_thread(tmp_path: Path, stub_scorer: Any) -> None:
    """The statements of one batch do not grow with its thread (issue 14 #13: 3-5 queries per
    thread, and every opportunity of the thread written again per batch, made 12,000 comments
    on one post take 40 s)."""
    from cyberkind.store.sqlite import SQLiteStore

    def statements_for_one_batch(comments: int) -> int:
        with SQLiteStore(tmp_path / f"t{comments}.db") as store:
            load(
                store, tmp_path, stub_scorer, MY_POST, *[comment(f"c{n}") for n in range(comments)]
            )
            counted: list[str] = []
            for name in ("_rows", "_write"):
                real = getattr(store, name)

                def counting(sql: str, params: Any = (), real: Any = real) -> Any:
                    counted.append(sql)
                    return real(sql, params)

                setattr(store, name, counting)
            more = [comment(f"d{n}", parent_id="c1") for n in range(10)]
            more.append(
                {"id": "r1", "kind": "reply", "is_own": True, "parent_id": "c2", "thread_id": "p1"}
            )
            path = tmp_path / "more.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in more))
            import_file(store, path, scorer=stub_scorer, source="t", batch_size=100)
            return len(counted)

    assert statements_for_one_batch(20) == statements_for_one_batch(600)


def test_a_re_import_derives_nothing(store: Any, tmp_path: Path, stub_scorer: Any) -> None:
    rows = [MY_POST] + [comment(f"c{n}", "#question") for n in range(12)]
    load(store, tmp_path, stub_scorer, *rows)
    before = _snapshot(store)
    calls = len(stub_scorer.calls)
    saved: list[Any] = []
    real = store.save_derived
    store.save_derived = lambda *a, **kw: saved.append(a) or real(*a, **kw)
    load(store, tmp_path, stub_scorer, *rows)
    assert saved == [] and len(stub_scorer.calls) == calls
    assert _snapshot(store) == before
