"""The reply plan (issue 15): one reply per message, moves in order, on the real guard."""

from __future__ import annotations

import dataclasses
import re

import pytest

from cyberkind.composer import Drafter
from cyberkind.composer.plan import find_answer, plan_reply
from cyberkind.guard import Guard
from cyberkind.models import Act, Author, Item, ItemKind, Link, Opportunity, Priority
from cyberkind.triage import read_message

POSTS = [Link("https://me.example/swap", "How we run a book swap at work", "Shelves, rules.")]
LIBRARY = [Link("https://lib.example/soup", "Soup kitchens near you", "Volunteering rota")]


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


def draft(act: Act, text: str, guard: Guard, n: int = 0, kind: ItemKind = ItemKind.COMMENT):
    item = Item("t", f"c{n}", kind, Author("a", "Agnès (France)"), text)
    opp = Opportunity(
        f"o{n}", act, "Agnès (France)", "t", ("c" + str(n),), "r", Priority.UNANSWERED
    )
    return Drafter(seed=n, guard=guard).draft(opp, [item], own_links=POSTS, library=LIBRARY)


def test_first_move_order_and_no_repeats() -> None:
    reading = read_message("I got my black belt today! Where is the photo from?")
    plan = plan_reply(Act.CELEBRATE, reading, name="Ana", pick=lambda k, o: o[0], stars=1)
    assert plan.names[:3] == ("greeting", "thank_news", "congratulate")
    assert plan.names.index("stars") > plan.names.index("congratulate")
    text = plan.text()
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
    assert len(sentences) == len(set(sentences))


def test_news_is_congratulated_inside_the_thank_you(guard: Guard) -> None:
    d = draft(Act.CELEBRATE, "We just adopted a rescue greyhound called Pip!", guard)
    assert re.search(r"thank", d.text, re.I) and re.search(r"congratulat", d.text, re.I)
    assert d.text.startswith("Hi Agnès,") and "(France)" not in d.text


def test_a_question_is_answered_from_own_posts_first(guard: Guard) -> None:
    d = draft(Act.SEND_LINK, "Do you have tips for a book swap at the office?", guard)
    assert d.link == "https://me.example/swap" and d.link in d.text


def test_no_fitting_link_says_what_is_missing(guard: Guard) -> None:
    d = draft(Act.SEND_LINK, "How do I fix a squeaky bicycle brake?", guard)
    assert d.link == "" and "http" not in d.text
    assert "don't have" in d.text or "haven't written" in d.text
    assert any("no post or link" in note for note in d.notes)


@pytest.mark.parametrize(
    "text",
    ["You clueless fool, nobody reads this.", "Cheap followers here https://fans.example now"],
)
def test_needs_care_never_thanks_stars_or_quotes(guard: Guard, text: str) -> None:
    for n in range(4):
        d = draft(Act.NEEDS_CARE, text, guard, n)
        assert not re.search(r"thank|grateful|appreciate|\bstars?\b", d.text, re.I)
        assert '"' not in d.text and d.stars == 0
        assert d.notes


def test_discuss_engages_without_a_star_or_praise(guard: Guard) -> None:
    d = draft(Act.DISCUSS, "I'm not sure I agree: kindness can't replace fair wages.", guard)
    assert d.stars == 0 and "star" not in d.text.lower()
    assert not re.search(r"lovely|so well put|made my day", d.text, re.I)
    assert "?" in d.text  # it asks about their point


def test_hug_has_sympathy_and_no_star(guard: Guard) -> None:
    d = draft(Act.HUG, "My mum died last month and I can't stop crying.", guard)
    assert "sorry" in d.text.lower() and d.stars == 0 and "star" not in d.text.lower()
    assert "made my day" not in d.text.lower()


def test_idea_gets_two_stars_and_the_wall(guard: Guard) -> None:
    text = "Something I do is leave a thank-you note for the night bus driver."
    item = Item("t", "c1", ItemKind.COMMENT, Author("a", "Ana Lima"), text)
    opp = Opportunity("o1", Act.THANK_FOR_SHARING_WHAT_MATTERS, "Ana Lima", "t", ("c1",), "r",
                      Priority.UNANSWERED, is_idea=True)  # fmt: skip
    d = Drafter(guard=guard).draft(opp, [item])
    assert re.search(r"\b(?:two|double)\b.{0,30}stars", d.text, re.I)
    assert "ideas wall" in d.text


def test_a_friend_who_shared_is_thanked(guard: Guard) -> None:
    d = draft(Act.THANK_COMMENTER, "My colleague Femi sent me this and it was spot on.", guard)
    outside_quotes = re.sub(r'"[^"]*"', "", d.text)
    assert "Femi" in outside_quotes and re.search(r"thank", outside_quotes, re.I)


def test_followed_posts(guard: Guard) -> None:
    host = draft(Act.APPRECIATE_HOST, "I'm hosting the kindness chat tonight at 8pm.", guard,
                 kind=ItemKind.POST)  # fmt: skip
    assert "congratulat" not in host.text.lower() and "hosting" in host.text.lower()
    low = draft(Act.ENCOURAGE_POST, "Feeling discouraged: nobody reads this blog.", guard, 1,
                kind=ItemKind.POST)  # fmt: skip
    assert "so well put" not in low.text and "give up" in low.text
    news = draft(Act.CELEBRATE, "My first novel is out today!", guard, 2, kind=ItemKind.POST)
    assert "ongratulat" in news.text and "share" in news.text


def test_find_answer_needs_most_of_the_topic() -> None:
    assert find_answer("Any tips for a soup kitchen rota?", [], LIBRARY) is not None
    assert find_answer("Any tips for a soup recipe?", [], LIBRARY) is None
    # Counts and hedges are not topic: "two" and "actually" no longer dilute it.
    assert find_answer("Is there actually a soup rota for two, three or four people?", [], LIBRARY)


# -- forbidden moves are impossible by construction ---------------------------------------------


@pytest.mark.parametrize("act", [Act.NEEDS_CARE, Act.DISCUSS, Act.HUG])
def test_no_variant_of_a_calm_move_thanks_praises_or_stars(act: Act) -> None:
    from cyberkind.composer.moves import MOVES
    from cyberkind.composer.plan import CALM_MOVES, uncalm

    for key in CALM_MOVES[act] - {"greeting"}:
        for variant in MOVES[key]:
            assert uncalm(act, variant) == "", (act, key, variant)


@pytest.mark.parametrize("act", [Act.NEEDS_CARE, Act.DISCUSS, Act.HUG])
def test_a_calm_plan_keeps_its_moves_whatever_it_is_given(act: Act) -> None:
    from cyberkind.composer.plan import CALM_MOVES, Answer, uncalm

    # Everything a thank-you would use: news, praise, a friend, an idea, a quote, stars.
    reading = read_message(
        "We got engaged! The photo of the pier is lovely; my friend Ola shared it. "
        "Idea: what if we all left kind notes for neighbours? Where is the map?"
    )
    for n in range(6):
        plan = plan_reply(
            act,
            reading,
            name="Agnès",
            pick=lambda key, options, n=n: options[n % len(options)],
            quote="We got engaged",
            answer=Answer("Map", "https://me.example/map", own=True),
            stars=3,
            theme="bridges",
        )
        assert set(plan.names) <= CALM_MOVES[act]
        assert plan.quote == "" and uncalm(act, plan.text()) == ""


def test_uncalm_reads_thanks_praise_and_stars() -> None:
    from cyberkind.composer.plan import uncalm

    assert uncalm(Act.NEEDS_CARE, "Thanks for stopping by.") == "Thanks"
    assert uncalm(Act.DISCUSS, "A gold star for you.") == "star"
    assert uncalm(Act.HUG, "Thank you for telling me, I'm so sorry.") == ""
    assert uncalm(Act.HUG, "Congratulations on getting through it.") == "Congratulations"
    assert uncalm(Act.THANK_COMMENTER, "Thanks, a gold star for you!") == ""


def test_a_thanking_sign_off_is_left_off_calm_replies(guard: Guard) -> None:
    from cyberkind.composer.voice import DEFAULT_VOICE

    voice = dataclasses.replace(DEFAULT_VOICE, sign_off="Thanks again, Ana")
    item = Item("t", "c1", ItemKind.COMMENT, Author("b", "Ben"), "I disagree: it ignores rent.")
    for act, kept in ((Act.DISCUSS, False), (Act.THANK_COMMENTER, True)):
        opp = Opportunity("o1", act, "Ben", "t", ("c1",), "r", Priority.UNANSWERED)
        text = Drafter(voice, seed=1, guard=guard).draft(opp, [item]).text
        assert ("Thanks again, Ana" in text) is kept
