"""The composer: key phrases, voice, variety, gold stars and the guard on every draft."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from cyberkind.composer import (
    DEFAULT_VOICE,
    Drafter,
    Voice,
    compose,
    content_words,
    distinct_n,
    key_phrase,
    star_count,
)
from cyberkind.composer.moves import MOVES
from cyberkind.composer.templates import LINES
from cyberkind.guard import Guard
from cyberkind.models import Act, Author, Item, ItemKind, Opportunity, Priority

BLOGGER = [
    "Thankyou Ana for taking the time to read and comment on my post. "
    "I am glad the notes idea worked.\n\nKind regards",
    "Thankyou Ben for taking the time to read and comment on my post... Kind regards",
    "Thankyou Chloé for taking the time to read and comment on my post. Kind regards",
]

# (act, author, text, is_idea): realistic messages, one opportunity each.
BATCH: list[tuple[Act, str, str, bool]] = [
    (Act.THANK_COMMENTER, "Ana Lima", "Number seven made me laugh out loud, so true.", False),
    (
        Act.THANK_COMMENTER,
        "Ben Okafor",
        "I tried the sticky note idea at work and it worked!",
        False,
    ),
    (
        Act.THANK_COMMENTER,
        "Chloé Martin",
        "Does holding the lift count if it is a tiny lift?",
        False,
    ),
    (
        Act.THANK_COMMENTER,
        "Emma Novak",
        "Number three is my favourite, I always forget names.",
        False,
    ),
    (Act.THANK_COMMENTER, "Farid Haddad", "Lovely list. The bakery one made me smile.", False),
    (Act.THANK_COMMENTER, "Grace Kim", "This post came at exactly the right time for me.", False),
    (Act.THANK_COMMENTER, "Hugo Silva", "Sharing this with my students tomorrow morning.", False),
    (Act.THANK_READER, "Iris Chen", "", False),
    (Act.THANK_SHARER, "Gentle Links Weekly #12", "A follow-up to Ten tiny kindnesses", False),
    (
        Act.THANK_FOR_SHARING_WHAT_MATTERS,
        "Jonas Berg",
        "Idea: what if we all left a kind note for a neighbour this week?",
        True,
    ),
    (
        Act.THANK_FOR_SHARING_WHAT_MATTERS,
        "Kemi Adeyemi",
        "Checking in on a quiet friend can change their whole week.",
        False,
    ),
    (Act.CELEBRATE, "Jules Moreau", "Big news: I just got my PhD! Five years of work.", False),
    (Act.CELEBRATE, "Lena Vogel", "Our little blog turned 3 years old today.", False),
    (Act.HUG, "Priya Shah", "I've had such a rough month and I feel so alone most days.", False),
    (Act.HUG, "Omar Aziz", "Work has been overwhelming and I can barely sleep.", False),
    (Act.APPRECIATE_HOST, "Sam Rivera", "Thanks for your comment, it made my morning!", False),
    (
        Act.SEND_LINK,
        "Noor Rahman",
        "Does anyone know a good guide for hosting a weekly chat?",
        False,
    ),
    (
        Act.ENCOURAGE_POST,
        "Tom Reid",
        "Today I wrote about the quiet joy of community gardens.",
        False,
    ),
    (
        Act.PROMOTE_WORK,
        "Zoe Park",
        "I just launched my first zine about kindness in cities!",
        False,
    ),
    (
        Act.ENCOURAGE_POST,
        "Ravi Patel",
        "A short post on learning to bake bread with my kids.",
        False,
    ),
]


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


def make(act: Act, author: str, text: str, idea: bool = False, n: int = 0) -> tuple[Any, Any]:
    item = Item("test", f"c{n}", ItemKind.COMMENT, Author(author.lower(), author), text)
    opp = Opportunity(
        id=f"opp{n:04d}",
        act=act,
        person=author,
        source="test",
        item_ids=(item.remote_id,),
        reason="test",
        priority=Priority.UNANSWERED,
        is_idea=idea,
    )
    return opp, [item]


def batch(voice: Voice, guard: Guard, seed: int = 0, **kw: Any) -> list[Any]:
    drafter = Drafter(voice, seed, guard=guard, **kw)
    return [drafter.draft(*make(*row, n=i)) for i, row in enumerate(BATCH)]


@pytest.mark.parametrize(
    ("text", "focus", "expected"),
    [
        (
            "Great post! Your tip about leaving notes for neighbours made my day.",
            None,
            "Your tip about leaving notes for neighbours made my day",
        ),
        ("Thanks! We just hit 1,000 subscribers on the channel!", "milestone", None),
        ("I loved it. How do you find the time to write every day?", "question", None),
        ("", None, ""),
        ("Thanks so much!", None, ""),
        ("See https://example.org/a-very-long-link for the gardening plan", None, None),
        (
            "I'm really tired. It seems like the moment I start to recover I slip back again.",
            "feeling",
            "I'm really tired",
        ),
        (
            "The bus was late. My phone broke again today. I feel so lost and alone.",
            "feeling",
            "I feel so lost and alone",
        ),
    ],
)
def test_key_phrase(text: str, focus: str | None, expected: str | None) -> None:
    phrase = key_phrase(text, focus)
    if expected is not None:
        assert phrase == expected
    elif focus == "milestone":
        assert phrase == "We just hit 1,000 subscribers on the channel"
    elif focus == "question":
        assert phrase == "How do you find the time to write every day"
    else:
        assert "https" not in phrase and "gardening plan" in phrase


def test_key_phrase_keeps_long_clauses_to_ten_words() -> None:
    text = (
        "Yesterday after a very long shift at the hospital I finally tried your recipe for "
        "lemon cake with my daughter and grandmother"
    )
    phrase = key_phrase(text)
    assert 3 <= len(phrase.split()) <= 10
    assert phrase in text
    assert content_words(phrase)


def test_key_phrase_is_deterministic() -> None:
    text = "Five years of work and I finally did it. Big news: I just got my PhD!"
    assert key_phrase(text, "milestone") == key_phrase(text, "milestone")


@pytest.mark.parametrize(
    ("texts", "n", "expected"),
    [
        (["a b c", "a b d"], 1, 4 / 6),
        (["a b c", "a b d"], 2, 3 / 4),
        (["same words here", "same words here"], 2, 0.5),
        (["one"], 2, 0.0),
        ([], 1, 0.0),
    ],
)
def test_distinct_n(texts: list[str], n: int, expected: float) -> None:
    assert distinct_n(texts, n) == pytest.approx(expected)


def test_distinct_n_rejects_zero() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        distinct_n(["a"], 0)


def test_voice_learns_the_bloggers_opening_and_sign_off() -> None:
    voice = Voice.learn(BLOGGER)
    assert voice.opening == "Thankyou {name} for taking the time to read and comment on my post"
    assert voice.sign_off == "Kind regards"
    assert voice.emoji_rate == 0.0
    assert voice.samples == 3


def test_voice_defaults_without_history() -> None:
    assert Voice.learn([]) is DEFAULT_VOICE
    assert Voice.learn(["", "  "]) is DEFAULT_VOICE
    assert DEFAULT_VOICE.greeting == "Hi {name},"
    assert DEFAULT_VOICE.opening is None and DEFAULT_VOICE.sign_off is None


def test_voice_learns_greeting_emoji_and_sign_off_on_its_own_line() -> None:
    voice = Voice.learn(
        [
            "Hello Ana, so glad you liked it! \U0001f60a\n\nCheers,\nJo",
            "Hello Ben, thank you for the lovely words.\n\nCheers,\nJo",
        ]
    )
    assert voice.greeting == "Hello {name},"
    assert voice.sign_off == "Cheers"
    assert voice.emoji_rate == 0.5
    assert voice.to_json()["sign_off"] == "Cheers"


def test_one_different_opening_is_not_learned() -> None:
    voice = Voice.learn(["Hi Ana, thanks for reading my post", "Hey Ben, so kind of you"])
    assert voice.opening is None


def test_draft_in_the_bloggers_voice(guard: Guard) -> None:
    opp, items = make(Act.THANK_COMMENTER, "Ana Lima", "Number seven made me laugh out loud.")
    draft = compose(opp, items, Voice.learn(BLOGGER), rng_seed=3, guard=guard)
    assert draft.text.startswith(
        "Thankyou Ana for taking the time to read and comment on my post. "
    )
    assert draft.text.endswith("\n\nKind regards")
    assert draft.specific == "Number seven made me laugh out loud"
    assert "Number seven made me laugh out loud" in draft.text
    assert (draft.act, draft.person, draft.stars) == (Act.THANK_COMMENTER, "Ana Lima", 1)
    assert guard.check(draft.text).verdict == "ok"


def test_default_voice_greets_by_first_name(guard: Guard) -> None:
    opp, items = make(Act.CELEBRATE, "Jules Moreau", "Big news: I just got my PhD!")
    draft = compose(opp, items, guard=guard)
    assert draft.text.startswith("Hi Jules,\n\n")
    site, items = make(Act.THANK_SHARER, "Gentle Links Weekly #12", "A follow-up")
    assert compose(site, items, guard=guard).text.startswith("Hi Gentle Links Weekly #12,")
    assert draft.specific == "I just got my PhD"
    assert "I just got my PhD" in draft.text


@pytest.mark.parametrize("voice", [DEFAULT_VOICE, Voice.learn(BLOGGER)])
def test_batch_is_unique_specific_and_passes_the_guard(voice: Voice, guard: Guard) -> None:
    drafts = batch(voice, guard)
    texts = [d.text for d in drafts]
    assert len(set(texts)) == len(texts)
    assert all(guard.check(t).verdict == "ok" for t in texts)
    for draft, (_, author, text, _) in zip(drafts, BATCH, strict=True):
        assert (author if "#" in author else author.split()[0]) in draft.text
        if text and draft.act is Act.HUG:
            # Issue 15: a hug paraphrases (sympathy), it never quotes their hard words.
            assert not draft.specific and '"' not in draft.text
        elif text and draft.act is not Act.THANK_READER:
            assert draft.specific and draft.specific in draft.text
    assert distinct_n(texts, 2) > 0.6


def test_batch_is_reproducible_and_seeded(guard: Guard) -> None:
    first = [d.text for d in batch(DEFAULT_VOICE, guard, seed=1)]
    assert first == [d.text for d in batch(DEFAULT_VOICE, guard, seed=1)]
    assert first != [d.text for d in batch(DEFAULT_VOICE, guard, seed=2)]


def test_variants_are_drawn_without_replacement(guard: Guard) -> None:
    drafter = Drafter(DEFAULT_VOICE, 0, guard=guard)
    leads = MOVES["thank"]  # the reply plan's thanks (issue 15)
    drafts = [
        drafter.draft(*make(Act.THANK_COMMENTER, f"Person{i} X", "Thanks!", n=i))
        for i in range(len(leads))
    ]
    used = [next(lead for lead in leads if lead in d.text) for d in drafts]
    assert sorted(used) == sorted(leads)


def test_same_message_twice_still_gives_different_drafts(guard: Guard) -> None:
    drafter = Drafter(DEFAULT_VOICE, 0, guard=guard)
    one = drafter.draft(*make(Act.THANK_COMMENTER, "Ana Lima", "Lovely!", n=1))
    two = drafter.draft(*make(Act.THANK_COMMENTER, "Ana Lima", "Lovely!", n=2))
    assert one.text != two.text


def test_stars(guard: Guard) -> None:
    opp, items = make(Act.THANK_COMMENTER, "Ana Lima", "Lovely post about notes.")
    assert compose(opp, items, guard=guard).stars == 1
    assert "gold star" in compose(opp, items, guard=guard).text.lower()
    off = compose(opp, items, guard=guard, stars=False)
    assert off.stars == 0 and "star" not in off.text.lower() and off.recipients == ()
    idea = replace(opp, act=Act.THANK_FOR_SHARING_WHAT_MATTERS, is_idea=True)
    assert star_count(idea) == 2
    assert star_count(idea, [{"gratitude": 0.9}]) == 3
    two = compose(idea, items, guard=guard)
    assert two.stars == 2 and any(w in two.text for w in ("Two", "two", "Double"))
    assert star_count(replace(opp, act=Act.HUG)) == 0
    assert star_count(replace(opp, act=Act.SEND_LINK)) == 0


def test_thanks_for_sharing_leaves_the_reason_to_the_user(guard: Guard) -> None:
    opp, items = make(Act.THANK_FOR_SHARING_WHAT_MATTERS, "Kemi A", "Check on quiet friends.")
    draft = compose(opp, items, guard=guard)
    assert "it matters to me because [finish this in your own words]" in draft.text.lower()
    assert any("own words" in note for note in draft.notes)


def test_hug_says_it_understands(guard: Guard) -> None:
    opp, items = make(Act.HUG, "Priya Shah", "Work has been overwhelming and I feel so alone.")
    draft = Drafter(DEFAULT_VOICE, 0, guard=guard).draft(opp, items)
    assert any(line in draft.text for line in LINES[Act.HUG]["understand"])


def test_hug_says_sorry_and_gives_no_stars(guard: Guard) -> None:
    opp, items = make(Act.HUG, "Priya Shah", "I've had such a rough month.")
    draft = compose(opp, items, guard=guard)
    assert "sorry" in draft.text.lower() and draft.stars == 0


def test_group_is_thanked_together(guard: Guard) -> None:
    items = [
        Item("test", f"p{i}", ItemKind.PINGBACK, Author(f"s{i}", name), "[…] a link […]")
        for i, name in enumerate(["Ben's Blog", "Small Acts Journal"])
    ]
    opp = Opportunity(
        "grp", Act.THANK_SHARER, "Ben's Blog and Small Acts Journal", "test",
        ("p0", "p1"), "2 sites linked", Priority.SHARES,
    )  # fmt: skip
    draft = compose(opp, items, guard=guard)
    assert draft.text.startswith("Hi everyone,")
    assert draft.recipients == ("Ben's Blog", "Small Acts Journal")
    assert draft.specific == ""


class FlagPhrases:
    """A guard that objects to any quoted phrase (as if the quote were negative)."""

    def __init__(self, real: Guard) -> None:
        self.real = real

    def check(self, text: str) -> Any:
        verdict = self.real.check(text)
        return replace(verdict, verdict="hold") if '"' in text else verdict


def test_guard_objection_falls_back_to_a_plainer_variant(guard: Guard) -> None:
    opp, items = make(Act.THANK_COMMENTER, "Ana Lima", "Number seven made me laugh.")
    draft = compose(opp, items, guard=FlagPhrases(guard))  # type: ignore[arg-type]
    assert '"' not in draft.text and draft.specific == ""
    assert any("plainer" in note for note in draft.notes)
    assert guard.check(draft.text).verdict == "ok"


def test_draft_json_shape(guard: Guard) -> None:
    opp, items = make(Act.THANK_COMMENTER, "Ana Lima", "Number seven made me laugh.")
    data = compose(opp, items, guard=guard).to_json()
    assert {"text", "act", "person", "stars", "specific", "private", "notes"} <= data.keys()
    assert data["act"] == "thank_commenter" and data["private"] is False


def test_voice_is_learned_once_per_store_until_the_users_replies_change(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cyberkind.composer import Composer, api

    learned: list[int] = []
    learn = Voice.learn

    def counting(texts: Any) -> Voice:
        learned.append(1)
        return learn(texts)

    monkeypatch.setattr(api.Voice, "learn", staticmethod(counting))
    me, ana = Author("me", "Me"), Author("ana", "Ana")

    def reply(n: int, text: str, own: bool = True) -> Item:
        return Item("import:t", f"r{n}", ItemKind.REPLY, me if own else ana, text, is_own=own)

    store.upsert_items([reply(1, "Thanks Ana for reading. Warmly")], {})
    first = api.learned_voice(store)
    assert first.sign_off == "Warmly" and len(learned) == 1
    Composer(store)
    Composer(store)
    assert api.learned_voice(store) is first and len(learned) == 1  # cached
    store.upsert_items([reply(2, "Lovely post!", own=False)], {})
    assert api.learned_voice(store) is first and len(learned) == 1  # others' items: no change
    store.upsert_items([reply(3, "Thanks Ben for the kind words. Cheers")], {})
    second = api.learned_voice(store)
    assert len(learned) == 2 and second.sign_off in ("Warmly", "Cheers")
    store.upsert_items([reply(1, "Thanks Ana for reading. Cheers")], {})  # an edited reply
    assert api.learned_voice(store).sign_off == "Cheers" and len(learned) == 3
