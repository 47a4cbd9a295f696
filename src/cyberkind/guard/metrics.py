"""Character-level span F1, the metric of SemEval-2021 Task 5 (Toxic Spans Detection).

Per text: F1 of the predicted against the gold character offsets; 1.0 when both
are empty, 0.0 when only one is. The score of a dataset is the mean over texts.
This is the task's official scorer (``f1`` in ``evaluation/semeval2021.py`` of
github.com/ipavlopoulos/toxic_spans: ``2 |P & G| / (|P| + |G|)`` over offset sets).

**Usage**::

    >>> span_f1([[0, 1, 2]], [[1, 2, 3]])
    0.6666666666666666
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["char_offsets", "span_f1", "text_f1"]


def text_f1(predicted: Iterable[int], gold: Iterable[int]) -> float:
    """F1 of one text's predicted character offsets against the gold ones."""
    pred, true = set(predicted), set(gold)
    if not pred and not true:
        return 1.0
    if not pred or not true:
        return 0.0
    overlap = len(pred & true)
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(pred), overlap / len(true)
    return 2 * precision * recall / (precision + recall)


def span_f1(predicted: Sequence[Iterable[int]], gold: Sequence[Iterable[int]]) -> float:
    """Mean per-text character F1 over a dataset (0.0 for an empty one)."""
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predictions for {len(gold)} gold texts")
    if not gold:
        return 0.0
    return sum(text_f1(p, g) for p, g in zip(predicted, gold, strict=True)) / len(gold)


def char_offsets(spans: Iterable[tuple[int, int]]) -> list[int]:
    """Every character offset covered by ``(start, end)`` spans, sorted, without repeats."""
    return sorted({i for start, end in spans for i in range(start, end)})
