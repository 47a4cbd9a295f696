from __future__ import annotations

import numpy as np
import pytest

from cyberkind.lab.training.metrics import (
    average_precision,
    best_f1_threshold,
    binary_report,
    expected_calibration_error,
    macro_f1,
    recall_threshold,
)


def test_ece_perfect_and_bad() -> None:
    y = np.array([0, 0, 1, 1])
    assert expected_calibration_error(y, np.array([0.0, 0.0, 1.0, 1.0])) == 0.0
    assert expected_calibration_error(y, np.array([1.0, 1.0, 0.0, 0.0])) == 1.0


def test_thresholds() -> None:
    y = np.array([0, 0, 1, 1, 1])
    p = np.array([0.1, 0.6, 0.4, 0.8, 0.9])
    assert best_f1_threshold(y, p) == pytest.approx(0.4)
    assert recall_threshold(y, p, 0.6) == pytest.approx(0.8)
    assert recall_threshold(y, p, 1.0) == pytest.approx(0.4)


def test_average_precision_matches_sklearn() -> None:
    from sklearn.metrics import average_precision_score

    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    p = np.round(rng.random(300), 2)
    assert average_precision(y, p) == pytest.approx(average_precision_score(y, p))


def test_macro_f1_matches_sklearn() -> None:
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(2)
    y = rng.integers(0, 4, 200)
    pred = rng.integers(0, 4, 200)
    assert macro_f1(y, pred, 4) == pytest.approx(f1_score(y, pred, average="macro"))


def test_binary_report_keys() -> None:
    r = binary_report(np.array([0, 1]), np.array([0.2, 0.7]), 0.5)
    assert r["f1"] == 1.0 and r["precision"] == 1.0 and r["n"] == 2


def test_platt_scaling_calibrates_overconfident_logits() -> None:
    """Platt scaling (fitted on held-out data) turns overconfident logits into calibrated ones."""
    from cyberkind.lab.training.train import _platt

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 4000)
    true_logit = np.where(y == 1, 1.0, -1.0) + rng.normal(0, 1.5, 4000)
    overconfident = 6 * true_logit
    before = expected_calibration_error(y, 1 / (1 + np.exp(-overconfident)))
    a, b = _platt(overconfident, y)
    after = expected_calibration_error(y, 1 / (1 + np.exp(-(a * overconfident + b))))
    assert 0 < a < 1  # the scale shrinks overconfident logits
    assert after < before / 3
