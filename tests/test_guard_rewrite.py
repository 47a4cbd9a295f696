"""Rewrite v1: insults become statements about the issue; the guard scores every rewrite ok."""

from __future__ import annotations

import pytest

from cyberkind.guard import Guard, Span, rewrite


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("you're an idiot who ignores the budget", "your argument ignores the budget"),
        ("you are a moron, the data says the opposite", "the data says the opposite"),
        ("You're stupid for thinking taxes help", "I disagree that taxes help"),
        ("Your stupid idea doesn't work", "Your idea doesn't work"),
        ("that plan is dumb", "that plan is unconvincing"),
        ("This is fucking ridiculous", "This is hard to accept"),
        ("damn, that's a good idea", "that's a good idea"),
        ("The numbers are wrong, you idiot.", "The numbers are wrong."),
        ("You moron, the study was retracted in 2020.", "The study was retracted in 2020."),
        (
            "The bridge did not fail because of the wind. You are a clown.",
            "The bridge did not fail because of the wind.",
        ),
    ],
)
def test_rewrite_discusses_the_issue(guard: Guard, text: str, expected: str) -> None:
    verdict = guard.check(text)
    assert verdict.verdict != "ok"
    assert verdict.rewrite == expected, verdict.rewrite_note
    assert guard.check(verdict.rewrite).verdict == "ok"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("you're an idiot, the plan does not work in winter", ["not", "winter"]),
        ("You moron, 40% of the budget was never spent.", ["40%", "never", "budget"]),
    ],
)
def test_rewrite_keeps_facts_and_negations(guard: Guard, text: str, kept: list[str]) -> None:
    verdict = guard.check(text)
    assert verdict.rewrite is not None
    for word in kept:
        assert word in verdict.rewrite


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("I will kill you", "threat"),
        ("Muslims are vermin", "who they are"),
        ("you're an idiot", "Nothing is left"),
        ("what a pathetic loser", "Nothing is left"),
        ("your stupid face", "Nothing is left"),
        ("call me on 555-123-4567", "personal data"),
    ],
)
def test_rewrite_refuses_rather_than_produce_nonsense(guard: Guard, text: str, note: str) -> None:
    verdict = guard.check(text)
    assert verdict.verdict != "ok"
    assert verdict.rewrite is None
    assert note in verdict.rewrite_note


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bananas are gross as fuck.", "bananas are very gross."),
        ("why the fuck is this still open?", "why is this still open?"),
        ("harper was great compared to this clown.", "harper was great compared to this person."),
        ("he will pardon his ass if it comes to it", "he will pardon him if it comes to it"),
        ("if you don't know shit, why reply?", "if you don't know anything, why reply?"),
        ("fuck off, I'm doing stuff", "I'm doing stuff"),
        ("the media are playing us for fools.", "the media are playing us."),
        ("if you're sure I think you're a moron", "if you're sure I think you are mistaken"),
    ],
)  # fmt: skip
def test_rewrite_swearing_idioms(guard: Guard, text: str, expected: str) -> None:
    verdict = guard.check(text)
    assert verdict.verdict != "ok"
    assert verdict.rewrite == expected, verdict.rewrite_note


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("so, every friday we will fuck all the world?", "fuck"),
        ("bitch to all the students", "bitch"),
        ("war on drugs my ass, this is war on people.", "ass"),
    ],
)
def test_rewrite_declines_words_it_cannot_replace(guard: Guard, text: str, word: str) -> None:
    verdict = guard.check(text)
    assert verdict.verdict != "ok"
    assert verdict.rewrite is None
    assert f"instead of {word!r}" in verdict.rewrite_note


def test_ok_drafts_get_no_rewrite(guard: Guard) -> None:
    verdict = guard.check("Thanks, this helped a lot")
    assert verdict.rewrite is None and verdict.rewrite_note == ""


def test_substitutions_plug_in() -> None:
    text = "this plan is dumb"
    spans = (Span(13, 17, "toxicity", 1.0, "dumb"),)
    assert rewrite(text, spans).text == "this plan is unconvincing"
    learned = rewrite(text, spans, substitutions={"dumb": "not well thought out"})
    assert learned.text == "this plan is not well thought out"


def test_rewrite_declines_threat_spans_directly() -> None:
    result = rewrite("I will hurt you", (Span(0, 15, "threat", 1.0, "I will hurt you"),))
    assert result.text is None and "threat" in result.note


def test_guard_hands_substitutions_to_the_rewrite() -> None:
    guard = Guard(substitutions={"dumb": "not well thought out"})
    assert guard.check("that plan is dumb").rewrite == "that plan is not well thought out"
