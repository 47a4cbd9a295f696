"""Rewrite v1: insults become statements about the issue; the guard scores every rewrite ok."""

from __future__ import annotations

import re

import pytest

from cyberkind.guard import Guard, Span, rewrite
from cyberkind.guard.rewrite import (
    decline_note,
    delete_flagged,
    idea_reformulation,
    repair_deletion,
)
from cyberkind.guard.substitutions import load_substitutions


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
        ("why the fuck is this still open?", "why is this still open?"),
        ("he will pardon his ass if it comes to it", "he will pardon him if it comes to it"),
        ("if you don't know shit, why reply?", "if you don't know anything, why reply?"),
        ("fuck off, I'm doing stuff", "I'm doing stuff"),
        ("the media are playing us for fools.", "the media are playing us."),
        ("if you're sure I think you're a moron", "if you're sure I think you are mistaken"),
        # idioms read while studying declines on ParaDetox *training* rows (never held-out)
        ("who gives an actual fuck about this ?", "who cares about this?"),
        ("nobody gives a shit about your opinion", "nobody cares about your opinion"),
        ("he gives zero fucks and destroys the world", "he does not care and destroys the world"),
        ("they would bitch about anyone nominated", "they would complain about anyone nominated"),
        ("that is one fucked - up interpretation of history .",
         "that is one messed up interpretation of history."),
        ("pakistan has fucked things up with iran", "pakistan has messed things up with iran"),
        ("get your head out of your ass !", "get your head out of the clouds!"),
        ("i told him to fuck off", "i told him to go away"),
        ("whoever told you that is blowing smoke up your ass .",
         "whoever told you that is misleading you."),
        ("and thats still a crap shoot .", "and thats still a gamble."),
        ("please , for fuck 's sake , stop eating bushmeat .",
         "please, for goodness' sake, stop eating bushmeat."),
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


# -- the learned lexicon and the fallback ------------------------------------------------------


@pytest.fixture(scope="module")
def rules_only() -> Guard:
    return Guard(lexicon={})


@pytest.mark.parametrize(
    ("text", "expected", "lexicon_needed"),
    [
        ("you scared the shit outta me last night", "you scared me last night", True),
    ],
)
def test_guard_rewrites_with_the_learned_lexicon_by_default(
    guard: Guard, rules_only: Guard, text: str, expected: str, lexicon_needed: bool
) -> None:
    verdict = guard.check(text)
    assert verdict.rewrite == expected, verdict.rewrite_note
    assert guard.check(expected).verdict == "ok"
    assert (rules_only.check(text).rewrite != expected) is lexicon_needed


def test_guard_loads_the_shipped_lexicon() -> None:
    from cyberkind.guard.substitutions import load_substitutions

    assert Guard().lexicon == load_substitutions()
    assert Guard(lexicon={}).lexicon == {}


def test_hand_made_substitutions_win_over_the_lexicon() -> None:
    guard = Guard(substitutions={"clowns": "drivers"})
    rewritten = guard.check("the drivers here are a bunch of fucking clowns").rewrite
    assert rewritten == "the drivers here are a bunch of drivers"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("im putting you to work tonight bitch!", "im putting you to work tonight!"),
        ("she could seriously fuck up his life", "she could seriously mess up his life"),
        (
            "our elections are so fundamentally fucked.",
            "our elections are so fundamentally ruined.",
        ),
    ],
)
def test_more_rewrites(guard: Guard, text: str, expected: str) -> None:
    verdict = guard.check(text)
    assert verdict.verdict != "ok"
    assert verdict.rewrite == expected, verdict.rewrite_note
    assert guard.check(expected).verdict == "ok"


@pytest.mark.parametrize(
    "text",
    [
        "you are clearly an immature jerk.",  # deleting "jerk" leaves "an immature."
        "i thought he was big business 's bitch ?",  # "bitch" is the noun here
        "everything else , nothing but ass .",  # would end on "but"
    ],
)
def test_declines_rather_than_leave_a_phrase_without_its_head(guard: Guard, text: str) -> None:
    verdict = guard.check(text)
    assert verdict.verdict != "ok"
    assert verdict.rewrite is None
    assert verdict.rewrite_note


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("I don't give a shit about your stupid rules, they never worked.", ["don't", "never"]),
        ("you scared the shit outta me at 3 am, not cool", ["3 am", "not"]),
        ("the fucking bridge was not finished in 2019", ["not", "2019"]),
    ],
)
def test_lexicon_keeps_negations_and_facts(guard: Guard, text: str, kept: list[str]) -> None:
    verdict = guard.check(text)
    assert verdict.rewrite is not None, verdict.rewrite_note
    for word in kept:
        assert word in verdict.rewrite
    assert guard.check(verdict.rewrite).verdict == "ok"


def test_delete_flagged_substitutes_then_deletes() -> None:
    text = "holy shit, the fucking server is down again"
    spans = (
        Span(0, 9, "profanity", 1.0, "holy shit"),
        Span(15, 22, "profanity", 1.0, "fucking"),
    )
    assert delete_flagged(text, spans, load_substitutions()).text == "the server is down again"
    assert decline_note(spans) is None


@pytest.mark.parametrize(
    ("label", "note"),
    [
        ("threat", "threat"),
        ("identity_attack", "who they are"),
        ("phone_number", "personal data"),
    ],
)
def test_delete_flagged_declines_what_rewrite_declines(label: str, note: str) -> None:
    spans = (Span(0, 4, label, 1.0, "word"),)
    result = delete_flagged("word and more words here", spans, load_substitutions())
    assert result.text is None
    assert note in result.note
    assert decline_note(spans) == result.note


def test_delete_flagged_declines_a_dangling_deletion() -> None:
    text = "you are a total idiot."
    result = delete_flagged(text, (Span(16, 21, "insult", 1.0, "idiot"),))
    assert result.text is None and "'idiot'" in result.note


def test_rewrite_declines_a_preposition_left_without_its_object() -> None:
    text = "we waited for you clowns to decide"
    spans = (Span(14, 24, "insult", 1.0, "you clowns"),)
    result = rewrite(text, spans)  # the vocative rule takes "you clowns" away
    assert result.text is None and "'for to'" in result.note
    assert delete_flagged(text, spans).text is None


def test_every_rewrite_scores_ok(guard: Guard) -> None:
    drafts = [
        "this is fucking ridiculous, the bus was late again",
        "shut up you moron, the data says the opposite",
        "damn, the build broke again",
        "you're a clown if you think that plan works",
        "the new policy is bullshit and everyone knows it",
    ]
    for draft in drafts:
        verdict = guard.check(draft)
        if verdict.rewrite is not None:
            assert guard.check(verdict.rewrite).verdict == "ok", (draft, verdict.rewrite)


# -- the cascade: plainer words before declining ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("feed him to the homies , let them get medieval on his ass .",
         "feed him to the homies, let them get medieval on him."),
        ("greece , on the other hand , will be fucked for the next couple of decades .",
         "greece, on the other hand, will be in trouble for the next couple of decades."),
        ("funny though cuz the 78 st thing i said was dont fuck this guy up",
         "funny though cuz the 78 st thing i said was dont screw this guy up"),
        ("oh for fucks' sake , grow up .", "oh for goodness' sake, grow up."),
        ("about half a million people use this ip , you cant do fuck all .",
         "about half a million people use this ip, you cant do anything."),
        ("he did fuck all for the town", "he did nothing for the town"),
        (">Stop being a weasel.  Address what I actually wrote or fuck off.",
         ">Stop being a weasel. Address what I actually wrote."),
        ("God I hope so. This place is a shithole and every single one of you are morons.",
         "God I hope so. This place is a mess."),
    ],
)  # fmt: skip
def test_cascade_uses_plainer_words_before_declining(
    guard: Guard, text: str, expected: str
) -> None:
    verdict = guard.check(text)
    assert verdict.verdict != "ok"
    assert verdict.rewrite == expected, verdict.rewrite_note
    assert guard.check(expected).verdict == "ok"


@pytest.mark.parametrize(
    "text",
    [
        "there was no need for you to be a dick like you were .",  # aimed at the reader
        "you think being a dick to me helps your cause ?",
        "stop deleting my images u fag .",  # a slur never becomes "person"
        "everytime she texts me it is a boring convo like fuck .",  # no verb with an object
    ],
)
def test_cascade_still_declines_attacks_on_the_reader(guard: Guard, text: str) -> None:
    verdict = guard.check(text)
    assert verdict.verdict != "ok"
    assert verdict.rewrite is None or "person" not in verdict.rewrite
    assert verdict.rewrite is None or "screw" not in verdict.rewrite


def test_plainer_words_keep_negations_and_i_hope_so(guard: Guard) -> None:
    # Issue 15: an insult noun never becomes "person"; nor is it deleted from its own noun
    # phrase ("that creepy little."): the guard declines and offers the idea instead.
    verdict = guard.check("I hope so. You will not get a hug from that creepy little troll.")
    assert verdict.rewrite is None
    assert "'Troll' attacks the person" in verdict.rewrite_note


# -- issue 15: never "person" for an insult noun; decline and offer the idea instead ----------


@pytest.mark.parametrize(
    ("text", "offer"),
    [
        ("a left wing loser spews the usual talking point bs .", "your argument ignores X"),
        ("i read what that cunt wrote about the budget", "your argument ignores X"),
        ("the drivers in this city are a bunch of fucking clowns", "your argument ignores X"),
        ("That moron thinks the budget is fine, but it ignores rent.", "your argument ignores X"),
        ("you're an idiot", "your argument ignores X"),
    ],
)
def test_insult_nouns_never_become_person(guard: Guard, text: str, offer: str) -> None:
    verdict = guard.check(text)
    assert verdict.verdict != "ok"
    assert verdict.rewrite is None, verdict.rewrite
    assert offer in verdict.rewrite_note
    assert (
        "No faithful rewrite" in verdict.rewrite_note or "Nothing is left" in verdict.rewrite_note
    )


@pytest.mark.parametrize(
    "text",
    [
        "harper was great compared to this clown.",
        "the enviro idiots want to ban cars",
        "a drunken idiot drove into the fence",
        "those fools voted for it",
        "what a buffoon, the plan ignores rent",
    ],
)
def test_no_rewrite_says_person_or_people_for_an_insult(guard: Guard, text: str) -> None:
    for name_people in (False, True):
        proposal = rewrite(text, guard.check(text, suggest=False).spans, name_people=name_people)
        assert proposal.text is None or not re.search(r"\b(person|people)\b", proposal.text)
    verdict = guard.check(text)
    assert verdict.rewrite is None or not re.search(r"\b(person|people)\b", verdict.rewrite)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Issue 15's example: it became "You're a person and your blog is weak."
        ("You're an idiot and your blog is trash.", "Your blog is weak."),
        ("You are a pathetic idiot and this post is stupid.", "This post is unconvincing."),
        (
            "This is a stupid idea and you are an idiot for posting it.",
            "This is an unconvincing idea.",
        ),
        ("you are a fool but the data is right", "the data is right"),
    ],
)
def test_the_attack_clause_goes_and_the_point_stays(guard: Guard, text: str, expected: str) -> None:
    verdict = guard.check(text)
    assert verdict.rewrite == expected, verdict.rewrite_note
    assert "person" not in verdict.rewrite
    assert guard.check(expected).verdict == "ok"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("harper was great compared to this clown.", "harper was great compared to them."),
        ("we should ask these clowns to step down .", "we should ask them to step down."),
        (
            "thanks for dealing with this idiot so quickly .",
            "thanks for dealing with them so quickly.",
        ),
        ("these idiots want to ban cars", "they want to ban cars"),
    ],
)
def test_an_insulted_third_party_becomes_a_pronoun(guard: Guard, text: str, expected: str) -> None:
    # A pronoun keeps who is meant and drops the insult; a singular subject ("that moron
    # thinks") would need its verb changed, so that still declines.
    verdict = guard.check(text)
    assert verdict.rewrite == expected, verdict.rewrite_note
    assert guard.check(expected).verdict == "ok"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You're an idiot and your blog is trash.", "your blog ignores X"),
        ("this plan is stupid", "this plan ignores X"),
        ("ur post is garbage", "your post ignores X"),
        ("what a loser", "your argument ignores X"),
    ],
)
def test_idea_reformulation_names_the_idea(text: str, expected: str) -> None:
    assert idea_reformulation(text) == expected


# -- issue 15, J: a repaired deletion where the rules decline; a clean deletion competes -------


def _spans(text: str, *words: str) -> list[Span]:
    return [Span(text.index(w), text.index(w) + len(w), "insult", 1.0, w) for w in words]


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        # the clause that holds the attack goes, the rest of the point stays
        ("he is working with russia to take down america and clowns like you are too "
         "clueless to notice .", ("clowns", "clueless"),
         "he is working with russia to take down america."),
        ("The plan is fine, but you are clearly an immature jerk.", ("jerk",),
         "The plan is fine."),
        # a vocative goes whole, adjectives and all
        ("not a personal attack , you sensitive moron .", ("moron",), "not a personal attack."),
        # a quantifier or a demonstrative stands alone once the noun goes
        ("some idiots put that to overshadow the war .", ("idiots",),
         "some put that to overshadow the war."),
        ("they should be embarrassed to publish this rubbish .", ("rubbish",),
         "they should be embarrassed to publish this."),
    ],
)  # fmt: skip
def test_repair_deletion_drops_the_phrase_or_clause(
    text: str, words: tuple[str, ...], expected: str
) -> None:
    result = repair_deletion(text, _spans(text, *words))
    assert result.text == expected, result.note
    assert not re.search(r"\b(person|people)\b", result.text)


@pytest.mark.parametrize(
    ("text", "words", "note"),
    [
        # nothing but the attack: decline and offer the person-vs-idea reformulation
        ("this guy is a complete idiot .", ("idiot",), "your argument ignores X"),
        ("trump is a liar and a psychotic .", ("liar", "psychotic"), "your argument ignores X"),
        # the clause would take most of the point with it
        ("these exam retakes mean any idiot can get credentials for any profession .",
         ("idiot",), "most of the point"),
        # the clause goes and leaves "so ?": a gap, not a sentence
        ("so, every friday we will fuck all the world?", ("fuck",), "would leave 'so ?'"),
    ],
)  # fmt: skip
def test_repair_deletion_declines_without_a_point(
    text: str, words: tuple[str, ...], note: str
) -> None:
    result = repair_deletion(text, _spans(text, *words), load_substitutions())
    assert result.text is None
    assert note in result.note


def test_repair_deletion_declines_what_rewrite_always_declines() -> None:
    text = "I will hurt you, and the plan is bad"
    result = repair_deletion(text, (Span(0, 15, "threat", 1.0, text[:15]),))
    assert result.text is None and "threat" in result.note


def test_delete_flagged_deletes_what_the_lexicon_leaves_of_a_span() -> None:
    # "fuck" alone is a lexicon deletion; the span "fuck off" still loses "off"
    text = "fuck off, I'm doing stuff"
    spans = (Span(0, 4, "profanity", 1.0, "fuck"), Span(0, 8, "toxicity", 1.0, "fuck off"))
    assert delete_flagged(text, spans, load_substitutions()).text == "I'm doing stuff"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the clean deletion keeps more of the draft than "an unconvincing joke"
        ("fired over a stupid joke .", "fired over a joke."),
        ("bananas are gross as fuck.", "bananas are gross."),
        # a clause of its own goes when no rule takes the insult away
        ("war on drugs my ass, this is war on people.", "this is war on people."),
        ("The rent data is wrong, and the people who wrote it are clueless clowns.",
         "The rent data is wrong."),
        # "youre", as ParaDetox's commenters write it, is "you're" to the rules
        ("if you think trump is going to benefit anybody but millionaires youre a fool .",
         "if you think trump is going to benefit anybody but millionaires."),
    ],
)  # fmt: skip
def test_guard_offers_the_rewrite_keeping_most(guard: Guard, text: str, expected: str) -> None:
    verdict = guard.check(text)
    assert verdict.rewrite == expected, verdict.rewrite_note
    assert guard.check(expected).verdict == "ok"


def test_idiom_rule_still_rewrites_when_called_directly(guard: Guard) -> None:
    text = "bananas are gross as fuck."
    spans = guard.check(text, suggest=False).spans
    assert rewrite(text, spans).text == "bananas are very gross."


def test_an_attack_on_the_person_note_offers_the_idea(guard: Guard) -> None:
    verdict = guard.check("The plan is fine, but you are clearly an immature jerk.")
    assert verdict.rewrite == "The plan is fine."
    assert '"the plan ignores X"' in verdict.rewrite_note
