"""The guard's verdicts, spans, targets and personal data on clear cases."""

from __future__ import annotations

import pytest

import cyberkind
from cyberkind.errors import InputError
from cyberkind.guard import MAX_CHARS, Guard, Policy, Verdict
from cyberkind.guard.analysis import reply_to_names
from cyberkind.guard.personal_data import find_personal_data


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("Thank you so much for sharing this!", "ok"),
        ("you're an idiot", "hold"),
        ("You are a moron.", "hold"),
        ("you fucking moron", "hold"),
        ("your stupid face", "hold"),
        ("I will kill you", "hold"),
        ("I hope you die", "hold"),
        ("I'll break your legs", "hold"),
        ("I'm going to beat the crap out of you", "hold"),
        ("i hate you", "reconsider"),
        ("I'm going to find you and hurt you.", "hold"),
        ("kill yourself", "hold"),
        ("Muslims are vermin", "hold"),
        ("I hate gay people", "hold"),
        ("we should kill all muslims", "hold"),
        ("I would never hire a gay man, they are all lazy and useless.", "hold"),
        ("My tools are old, they are all useless", "ok"),
        ("I met some Muslim women, they are all wonderful", "ok"),
        ("This is fucking ridiculous", "reconsider"),
        ("damn, that's a good idea", "reconsider"),
        ("that plan is dumb", "reconsider"),
        ("shut up", "reconsider"),
    ],
)
def test_clear_cases(guard: Guard, text: str, verdict: str) -> None:
    assert guard.check(text).verdict == verdict


@pytest.mark.parametrize(
    "text",
    [
        # negation
        "you are not an idiot",
        "You're not stupid at all.",
        "I don't think you're an idiot.",
        "I won't hurt you.",
        "police that dont take duty to kill black people",
        # counter-speech: quoting or reporting someone else's insult
        "calling people 'idiots' is not okay",
        'Calling people "morons" is never okay.',
        "he called me an idiot",
        "She called him a loser and I told her to stop.",
        # names that look like swear words or slurs
        "Thanks, Dick!",
        "Dick Van Dyke was great in that film.",
        "I grew up in Scunthorpe.",
        # an insult word asked about is not a vocative
        "What? Trolls? Actually, yeah, probably.",
        # violent words that threaten nobody
        "I'm gonna kill this presentation",
        "I'll beat you at chess",
        "You're killing it!",
        "This bug is killing me",
        # identity mentions
        "I am a gay man",
        "Muslim women are wonderful",
        "As a Black woman, I loved this post.",
        "Being deaf is part of who I am.",
        # self-deprecation
        "I'm such an idiot, I forgot the link.",
        "stupid me, I forgot the link",
        "I feel so stupid today",
        # criticism of an idea
        "this argument ignores the budget",
        "Your argument ignores the data from 2019.",
    ],
)
def test_no_hold_and_no_false_alarm(guard: Guard, text: str) -> None:
    verdict = guard.check(text)
    assert verdict.verdict == "ok", verdict.reasons


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("calling people 'idiots' is not okay", "idiots"),
        ("he called me an idiot", "idiot"),
    ],
)
def test_counter_speech_never_holds_even_with_the_word(
    guard: Guard, text: str, quoted: str
) -> None:
    verdict = guard.check(text)
    assert verdict.verdict != "hold"
    assert quoted not in [s.text for s in verdict.spans]


def test_negation_does_not_hide_a_later_insult(guard: Guard) -> None:
    verdict = guard.check("you are not smart, you are an idiot")
    assert verdict.verdict == "hold"
    assert [s.text for s in verdict.spans if s.label == "personal_attack"] == ["idiot"]


def test_attack_aimed_at_you_in_quotes_still_counts(guard: Guard) -> None:
    assert guard.check("I'm calling you an idiot").verdict == "hold"


@pytest.mark.parametrize(
    ("text", "allowed", "without"),
    [
        ("As a proud dyke, I loved this post.", "dyke", "hold"),
        ("Go Dick, you were brilliant today", "Dick", None),
    ],
)
def test_allowed_terms_reclaim_words(
    guard: Guard, text: str, allowed: str, without: str | None
) -> None:
    if without is not None:
        assert guard.check(text).verdict == without
    assert guard.check(text, policy=Policy(allowed_terms=(allowed,))).verdict == "ok"


def test_spans_are_offsets_into_the_original(guard: Guard) -> None:
    text = "Honestly,   you're an IDIOT who ignores the budget."
    verdict = guard.check(text)
    assert verdict.spans
    for span in verdict.spans:
        assert text[span.start : span.end] == span.text
    assert "IDIOT" in {s.text for s in verdict.spans}


def test_threat_span_covers_the_threat(guard: Guard) -> None:
    text = "Nice post. I will kill you."
    (reason,) = [r for r in guard.check(text).reasons if r.label == "threat"]
    assert [s.text for s in reason.spans] == ["I will kill you"]
    assert reason.level == "hold"


@pytest.mark.parametrize(
    ("text", "reply_to", "target"),
    [
        ("you're an idiot", None, "person"),
        ("your stupid face", None, "person"),
        ("what a pathetic loser", None, "person"),
        ("this argument ignores the budget", None, "idea"),
        ("that plan is dumb", None, "idea"),
        ("Muslims are vermin", None, "group"),
        ("i hate you", None, "person"),
        ("Thanks for the lovely post!", None, "none"),
        ("Maria is clueless", "Great post!\n\u2014 Maria", "person"),
        ("@bob you clown, read it again", "I think @bob said it best", "person"),
    ],
)
def test_target(guard: Guard, text: str, reply_to: str | None, target: str) -> None:
    assert guard.check(text, reply_to=reply_to).target == target


def test_attack_on_op_holds_when_replying(guard: Guard) -> None:
    assert guard.check("OP is clueless").verdict != "hold"
    assert guard.check("OP is clueless", reply_to="Parking should be free.").verdict == "hold"


def test_attack_on_the_reply_to_author_holds(guard: Guard) -> None:
    reply_to = "I disagree with the new parking rules.\n-- Maria"
    verdict = guard.check("Maria is clueless", reply_to=reply_to)
    assert verdict.verdict == "hold"
    assert any(r.label == "personal_attack" for r in verdict.reasons)


@pytest.mark.parametrize(
    ("reply_to", "names"),
    [
        ("Great post!\n\u2014 Maria", ["Maria"]),
        ("Thanks all.\nCheers, Tom Baker", ["Tom Baker", "Tom"]),
        ("@ana_k what do you think?", ["ana_k"]),
        (None, []),
        ("No signature here", []),
    ],
)
def test_reply_to_names(reply_to: str | None, names: list[str]) -> None:
    assert reply_to_names(reply_to) == names


@pytest.mark.parametrize(
    ("text", "label", "found"),
    [
        ("call me on 555-123-4567", "phone_number", "555-123-4567"),
        ("her number is +44 20 7946 0958", "phone_number", "+44 20 7946 0958"),
        ("(555) 123-4567 is his cell", "phone_number", "(555) 123-4567"),
        ("mail ana@example.org now", "email_address", "ana@example.org"),
        ("she lives at 42 Elm Street, Apt 4B", "street_address", "42 Elm Street, Apt 4B"),
    ],
)
def test_personal_data_found(text: str, label: str, found: str) -> None:
    spans = find_personal_data(text)
    assert [(s.label, s.text) for s in spans] == [(label, found)]
    assert text[spans[0].start : spans[0].end] == found


@pytest.mark.parametrize(
    "text",
    ["on 2024-05-01 at 10:30", "version 1.2.3 and 192.168.0.1", "we raised 1,000,000 dollars",
     "in 2019 and 2020 we had 300 people", "see issue #12345"],
)  # fmt: skip
def test_personal_data_not_found(text: str) -> None:
    assert find_personal_data(text) == []


def test_personal_data_levels_follow_the_policy(guard: Guard) -> None:
    text = "Her address is 42 Elm Street, go tell her what you think"
    assert guard.check(text).verdict == "reconsider"
    strict = Policy(personal_data={"street_address": "hold"})
    assert guard.check(text, policy=strict).verdict == "hold"
    off = Policy(personal_data={"street_address": "off"})
    assert guard.check(text, policy=off).verdict == "ok"


def test_blocked_terms(guard: Guard) -> None:
    policy = Policy(blocked_terms=("snowflake",), blocked_level="hold")
    verdict = guard.check("ok snowflake, whatever", policy=policy)
    assert verdict.verdict == "hold"
    (reason,) = [r for r in verdict.reasons if r.label == "blocked_term"]
    assert [s.text for s in reason.spans] == ["snowflake"]


def test_custom_message(guard: Guard) -> None:
    policy = Policy(messages={"personal_attack": "Be kind, Sam."})
    verdict = guard.check("you're an idiot", policy=policy)
    assert "Be kind, Sam." in [r.message for r in verdict.reasons]


def test_thresholds_are_policy(guard: Guard) -> None:
    from cyberkind.guard.policy import DEFAULT_THRESHOLDS, Thresholds

    lenient = {"profanity": Thresholds(1.0, 1.0)}
    assert guard.check("damn, that's a good idea").verdict == "reconsider"
    relaxed = guard.check("damn, that's a good idea", policy=Policy(thresholds=lenient))
    assert "profanity" not in [r.label for r in relaxed.reasons]
    strict = {**DEFAULT_THRESHOLDS, "toxicity": Thresholds(0.0, 1.0)}
    assert guard.check("this argument ignores the budget").verdict == "ok"
    assert (
        guard.check("this argument ignores the budget", policy=Policy(thresholds=strict)).verdict
        == "reconsider"
    )


def test_verdict_to_dict_shape(guard: Guard) -> None:
    data = guard.check("you're an idiot who ignores the budget").to_dict()
    assert list(data) == [
        "text", "verdict", "target", "reasons", "rewrite", "rewrite_note", "scores",
    ]  # fmt: skip
    reason = data["reasons"][0]
    assert list(reason) == ["label", "level", "score", "threshold", "message", "spans"]
    assert list(reason["spans"][0]) == ["start", "end", "label", "score", "text"]
    assert set(data["scores"]) == set(cyberkind.guard.NEGATIVITY_LABELS)


def test_public_check() -> None:
    verdict = cyberkind.check("you are not an idiot")
    assert isinstance(verdict, Verdict)
    assert verdict.verdict == "ok" and verdict.rewrite is None and verdict.reasons == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "the draft is empty"), ("   \n", "the draft is empty"),
     ("x" * (MAX_CHARS + 1), "characters long")],
)  # fmt: skip
def test_bad_input(guard: Guard, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        guard.check(text)


def test_explain_marks_words_whatever_the_verdict(guard: Guard) -> None:
    text = "What a stupid and pointless comment"
    spans = guard.explain(text)
    assert "stupid" in {s.text for s in spans}
    for span in spans:
        assert text[span.start : span.end] == span.text
