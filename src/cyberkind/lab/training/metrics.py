"""Metrics used by training and the benchmark: F1, calibration error, thresholds.

Kept free of scikit-learn so that the benchmark's numbers are computed the same
way for our models and for peers.

**Usage**::

    >>> import numpy as np
    >>> expected_calibration_error(np.array([0, 1]), np.array([0.1, 0.9]))
    0.1
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "best_f1_threshold",
    "binary_report",
    "expected_calibration_error",
    "f1_score",
    "macro_f1",
    "recall_threshold",
]

Array = npt.NDArray[Any]


def f1_score(y: Array, pred: Array) -> float:
    """F1 of the positive class."""
    tp = float(np.sum((pred == 1) & (y == 1)))
    fp = float(np.sum((pred == 1) & (y == 0)))
    fn = float(np.sum((pred == 0) & (y == 1)))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def macro_f1(y: Array, pred: Array, n_classes: int | None = None) -> float:
    """Unweighted mean of per-class F1 over ``n_classes`` (default: classes seen in ``y``)."""
    classes = range(n_classes) if n_classes is not None else np.unique(y)
    scores = [f1_score((y == c).astype(int), (pred == c).astype(int)) for c in classes]
    return float(np.mean(scores)) if scores else 0.0


def expected_calibration_error(y: Array, p: Array, n_bins: int = 15) -> float:
    """Expected calibration error of positive-class probabilities, equal-width bins."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    if len(y) == 0:
        return 0.0
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        mask = bins == b
        if mask.any():
            total += mask.sum() * abs(y[mask].mean() - p[mask].mean())
    return round(float(total) / len(y), 6)


def _pr_curve(y: Array, p: Array) -> tuple[Array, Array, Array]:
    order = np.argsort(-p, kind="stable")
    p_sorted = p[order]
    y_sorted = y[order]
    tp = np.cumsum(y_sorted)
    fp = np.cumsum(1 - y_sorted)
    # Only the last index of each run of equal scores is a valid cut.
    last = np.r_[p_sorted[1:] != p_sorted[:-1], True]
    return p_sorted[last], tp[last], fp[last]


def best_f1_threshold(y: Array, p: Array) -> float:
    """The probability threshold that maximises F1 on (``y``, ``p``)."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    if y.sum() == 0:
        return 0.5
    thresholds, tp, fp = _pr_curve(y, p)
    f1 = 2 * tp / (tp + fp + y.sum())
    return float(thresholds[int(np.argmax(f1))])


def recall_threshold(y: Array, p: Array, recall: float) -> float:
    """The highest threshold whose recall on (``y``, ``p``) is at least ``recall``."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    if y.sum() == 0:
        return 0.5
    thresholds, tp, _ = _pr_curve(y, p)
    ok = np.flatnonzero(tp / y.sum() >= recall)
    return float(thresholds[ok[0]])


def average_precision(y: Array, p: Array) -> float:
    """Area under the precision-recall curve (step-wise, as scikit-learn computes it)."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    if y.sum() == 0:
        return 0.0
    _, tp, fp = _pr_curve(y, p)
    precision = tp / (tp + fp)
    recall = tp / y.sum()
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def binary_report(y: Array, p: Array, threshold: float) -> dict[str, float]:
    """Precision, recall, F1, macro-F1, average precision and ECE at ``threshold``."""
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    pred = (p >= threshold).astype(int)
    tp = float(np.sum((pred == 1) & (y == 1)))
    precision = tp / max(float(pred.sum()), 1.0)
    recall = tp / max(float(y.sum()), 1.0)
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "threshold": round(threshold, 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1_score(y, pred), 4),
        "macro_f1": round(macro_f1(y, pred, 2), 4),
        "average_precision": round(average_precision(y, p), 4),
        "ece": expected_calibration_error(y, p),
    }
