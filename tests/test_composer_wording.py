"""Issue 15's wording fixes: whole-clause quotes, names, blog titles, no repeats, themed stars."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cyberkind.composer import Drafter, compose
from cyberkind.composer.compose import _drop_repeats, greeting_name, quotable, theme_of
from cyberkind.composer.templates import LINES
from cyberkind.guard import Guard
from cyberkind.models import Act, Author, Item, ItemKind, Opportunity, Priority


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


def make(
    act: Act, author: str, text: str, n: int = 0, raw: dict[str, Any] | None = None
) -> tuple[Opportunity, list[Item]]:
    kind = ItemKind.POST if raw else ItemKind.COMMENT
    item = Item("test", f"c{n}", kind, Author(author.lower(), author), text, raw=raw or {})
    opp = Opportunity(
        id=f"opp{n:04d}",
        act=act,
        person=author,
        source="test",
        item_ids=(item.remote_id,),
        reason="test",
        priority=Priority.UNANSWERED,
    )
    return opp, [item]


def quotes(text: str) -> list[str]:
    return re.findall(r'"([^"]+)"', text)


# -- quotes: whole clauses, at most one, never hostile -----------------------------------------

LONG = (
    "I loved the photos of the harbour at dawn, which I received on social media via my "
    "sister who lives near the coast and sends me everything."
)


def test_a_quote_is_never_cut_mid_phrase(guard: Guard) -> None:
    opp, items = make(Act.THANK_COMMENTER, "Ana Lima", LONG)
    draft = compose(opp, items, guard=guard)
    for q in quotes(draft.text):
        # Every quote is a whole comma clause or sentence of theirs.
        pieces = [p.strip(" .") for p in re.split(r",\s+|(?<=[.!?])\s+", LONG)]
        assert q.strip(" .?") in pieces or q.strip(" .?") == LONG.rstrip("."), q
    assert "via" not in draft.specific.split()[-1:]


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("Number seven made me laugh.", "Number seven made me laugh", "Number seven made me laugh"),
        (LONG, "received on social media via my sister who lives near", ""),
        (
            "Short one, received via a friend today.",
            "received via a friend",
            "Short one, received via a friend today",
        ),
        (
            "You clearly know nothing about plants, idiot.",
            "You clearly know nothing about plants",
            "",
        ),
        ("This is a fucking great post.", "This is a fucking great post", ""),
    ],
)
def test_quotable_whole_clauses_only_never_hostile(
    guard: Guard, text: str, phrase: str, expected: str
) -> None:
    assert quotable(text, phrase, guard) == expected


def test_an_insult_is_never_quoted_or_praised(guard: Guard) -> None:
    text = "You clearly know nothing about plants, idiot."
    for n in range(5):
        opp, items = make(Act.THANK_COMMENTER, "Troll", text, n=n)
        draft = compose(opp, items, guard=guard, rng_seed=n)
        assert "idiot" not in draft.text
        assert "know nothing" not in draft.text


def test_at_most_one_quote_per_draft(guard: Guard) -> None:
    drafter = Drafter(seed=0, guard=guard)
    for n in range(12):
        opp, items = make(
            Act.THANK_COMMENTER,
            "Ana Lima",
            "Number seven made me laugh out loud. The bakery one made me cry.",
            n=n,
        )
        assert len(quotes(drafter.draft(opp, items).text)) <= 1


# -- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("Agnès (France)", "Agnès"),
        ("Ben Okafor [mod]", "Ben"),
        ("Ana Lima", "Ana"),
        ("Urban Greens Weekly", "Urban Greens Weekly"),
        ("Marta's Garden Notes", "Marta's Garden Notes"),
        ("Gentle Links Weekly #12", "Gentle Links Weekly #12"),
    ],
)
def test_greeting_name(person: str, expected: str) -> None:
    assert greeting_name(person) == expected


def test_a_parenthesised_place_is_dropped_from_the_greeting(guard: Guard) -> None:
    opp, items = make(Act.THANK_COMMENTER, "Agnès (France)", "Lovely post, thank you.")
    text = compose(opp, items, guard=guard).text
    assert text.startswith("Hi Agnès,")
    assert "(France)" not in text


def test_a_blog_is_greeted_by_its_author_or_whole_title(guard: Guard) -> None:
    raw = {"title": "Spring", "blog": "Marta's Garden Notes"}
    opp, items = make(
        Act.ENCOURAGE_POST, "Marta's Garden Notes", "Spring\n\nThe seedlings are up.", raw=raw
    )
    assert compose(opp, items, guard=guard).text.startswith("Hi Marta's Garden Notes,")
    # Where the feed names the author, greet the author.
    item = items[0]
    by_author = Item(
        item.source, item.remote_id, item.kind, Author("https://m.example", "Marta Ruiz"),
        item.text, raw=raw,
    )  # fmt: skip
    assert greeting_name("Marta Ruiz", [by_author]) == "Marta"
    opp, items = make(
        Act.PROMOTE_WORK,
        "Urban Greens Weekly",
        "Issue 12 is out.",
        raw={"blog": "Urban Greens Weekly"},
    )
    text = compose(opp, items, guard=guard).text
    assert text.startswith("Hi Urban Greens Weekly,")
    assert "Hi Urban," not in text


# -- no repeated sentence ----------------------------------------------------------------------


def test_no_sentence_is_said_twice(guard: Guard) -> None:
    assert _drop_repeats(["Go and have a look!", "Go and have a look!"]) == ["Go and have a look!"]
    assert _drop_repeats(['"Issue 12": people, go and have a look!', "Go and have a look!"]) == [
        '"Issue 12": people, go and have a look!'
    ]
    drafter = Drafter(seed=0, guard=guard)
    extras = len(LINES[Act.PROMOTE_WORK]["extra"]) * 4
    for n in range(extras):
        opp, items = make(Act.PROMOTE_WORK, "Lena Vogel", "My new zine is out today.", n=n)
        text = drafter.draft(opp, items).text
        sentences = [s.strip().lower() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
        assert len(sentences) == len(set(sentences)), text
        assert text.lower().count("go and have a look") <= 1, text


# -- themed stars ------------------------------------------------------------------------------


def test_the_star_takes_its_wording_from_a_theme(guard: Guard) -> None:
    text = "I crossed every bridge in the city this spring; the old stone bridge is my favourite."
    assert theme_of(text) == "bridge"
    opp, items = make(Act.THANK_COMMENTER, "Ana Lima", text)
    draft = compose(opp, items, guard=guard)
    assert "a bridge of gold stars" in draft.text.lower()
    assert draft.stars == 1


def test_no_theme_no_themed_star(guard: Guard) -> None:
    text = "Thank you for writing this, it came at the right time for me and my family."
    assert theme_of(text) == ""
    opp, items = make(Act.THANK_COMMENTER, "Ana Lima", text)
    assert "gold star" in compose(opp, items, guard=guard).text.lower()
