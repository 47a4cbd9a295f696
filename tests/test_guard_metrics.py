"""Character-level span F1 (SemEval-2021 Toxic Spans) and the evaluation readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyberkind.guard.metrics import char_offsets, span_f1, text_f1


@pytest.mark.parametrize(
    ("pred", "gold", "f1"),
    [
        ([], [], 1.0),
        ([1, 2], [], 0.0),
        ([], [1, 2], 0.0),
        ([1, 2, 3], [1, 2, 3], 1.0),
        ([0, 1, 2], [1, 2, 3], 2 / 3),
        ([0, 1], [2, 3], 0.0),
        ([1, 1, 2], [1, 2], 1.0),
    ],
)
def test_text_f1(pred: list[int], gold: list[int], f1: float) -> None:
    assert text_f1(pred, gold) == pytest.approx(f1)


def test_span_f1_is_the_mean_over_texts() -> None:
    assert span_f1([[1], [], [5]], [[1], [], [6]]) == pytest.approx(2 / 3)
    assert span_f1([], []) == 0.0
    with pytest.raises(ValueError, match="2 predictions for 1 gold"):
        span_f1([[1], [2]], [[1]])


def test_char_offsets() -> None:
    assert char_offsets([(0, 2), (1, 4), (8, 9)]) == [0, 1, 2, 3, 8]


@pytest.mark.data
def test_guard_spans_on_toxic_spans_trial(data_dir: Path) -> None:
    """A smoke check on real data: spans land on the toxic words far more often than not."""
    from cyberkind.guard import Guard
    from cyberkind.lab.guard_evaluate import explain_offsets, read_toxic_spans

    texts, gold = read_toxic_spans(data_dir, "trial")
    assert len(texts) == len(gold) > 500
    score = span_f1(explain_offsets(Guard(), texts[:200]), gold[:200])
    assert score > 0.5


@pytest.mark.data
def test_hold_is_rare_on_kind_texts(data_dir: Path) -> None:
    from cyberkind.guard import Guard
    from cyberkind.lab.bench.probes import probe_sentences
    from cyberkind.lab.guard_evaluate import hold_rate, read_tweeteval_offensive

    guard = Guard()
    texts, labels = read_tweeteval_offensive(data_dir, "test")
    kind = [t for t, y in zip(texts, labels, strict=True) if y == 0]
    assert hold_rate(guard, kind) <= 0.02
    probes = [s for group in probe_sentences().values() for s in group]
    assert hold_rate(guard, probes) <= 0.02
