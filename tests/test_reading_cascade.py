"""The ``reading-cascade`` tier: which texts reach the encoder, and one set of thresholds.

The calibration (``cyberkind train --only cascade``, :mod:`cyberkind.lab.reading.cascade`)
is tested on synthetic distances; the shipped calibration through the tier itself.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from cyberkind.classifiers.reading import READING_MODEL
from cyberkind.classifiers.reading_tier import CASCADE_FILE, cascade_risk, reading_available
from cyberkind.engine import Scorer, default_model_dir
from cyberkind.errors import ModelError
from cyberkind.lab.reading.cascade import risk_table

needs_reading = pytest.mark.skipif(
    not reading_available(), reason="the reading model or onnxruntime is not installed"
)

TEXTS = [
    "Thanks so much for this post, it made my week!",
    "I know where you live.",
    "What time does the chat start tonight?",
    "You're too thick to follow a recipe.",
    "We lost our dog yesterday and the house is so quiet.",
    "Congrats on the new job!",
    "the budget figures in paragraph two look off to me",
    "buy cheap followers at my site",
]


def test_risk_is_high_where_the_tiers_disagreed() -> None:
    rng = np.random.default_rng(0)
    distance = rng.uniform(0, 4, size=(2000, 2))
    # Label 0: the tiers disagree only close to the threshold; label 1: never.
    disagree = np.stack([distance[:, 0] < 0.5, np.zeros(2000, dtype=bool)], axis=1)
    table = risk_table(distance, disagree, bins=8)
    near = cascade_risk(np.asarray([[0.1, 3.0]]), table)[0]
    far = cascade_risk(np.asarray([[3.5, 0.1]]), table)[0]
    assert near > 0.8 and far < 0.05


def test_a_label_with_no_spread_still_gets_one_bin() -> None:
    distance = np.ones((50, 1))
    table = risk_table(distance, np.zeros((50, 1), dtype=bool))
    assert len(table[0]["rates"]) == len(table[0]["edges"]) + 1
    assert cascade_risk(np.asarray([[1.0]]), table)[0] < 0.05


@needs_reading
def test_the_shipped_cascade_sends_some_texts_and_keeps_fast_decisions_elsewhere() -> None:
    cascade = Scorer("reading-cascade")
    fast = Scorer("fast")
    assert (default_model_dir() / READING_MODEL / CASCADE_FILE).is_file()
    model = cascade.model
    assert model.risk is not None  # type: ignore[attr-defined]
    p = cascade.predict_proba(TEXTS)
    sent = model.sent_to_encoder  # type: ignore[attr-defined]
    assert 0 < sent < len(TEXTS)
    # Every row is judged against the cascade's thresholds; a row the encoder did not read
    # keeps the fast tier's decision at the fast tier's thresholds.
    extra = np.asarray(cascade.read(TEXTS)[0].get("spam", np.nan))
    assert extra.shape == ()
    fast_p = fast.predict_proba(TEXTS)
    mine, theirs = cascade.thresholds(), fast.thresholds()
    reads = cascade.read(TEXTS)
    for i, row in enumerate(reads):
        if "spam" in row:
            continue  # the encoder read this one
        for j, label in enumerate(cascade.labels):
            assert (p[i, j] >= mine[label]) == (fast_p[i, j] >= theirs[label]), (TEXTS[i], label)


@needs_reading
def test_an_unreadable_calibration_names_the_fix(tmp_path: Path) -> None:
    root = tmp_path / "models"
    root.mkdir()
    for name in ("fast-v1", READING_MODEL):
        shutil.copytree(default_model_dir() / name, root / name)
    (root / READING_MODEL / CASCADE_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="train --only cascade"):
        Scorer("reading-cascade", root)
    (root / READING_MODEL / CASCADE_FILE).unlink()
    fixed = Scorer("reading-cascade", root)  # a fixed margin without the file
    assert fixed.model.risk is None  # type: ignore[attr-defined]
    assert fixed.predict_proba(TEXTS[:2]).shape == (2, len(fixed.labels))


def test_the_calibration_file_is_json_with_a_cut() -> None:
    path = default_model_dir() / READING_MODEL / CASCADE_FILE
    if not path.is_file():
        pytest.skip("no shipped calibration")
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert 0 < saved["dev_share_sent"] <= saved["budget"] + 0.01
    assert (
        saved["dev_agreement_with_encoder"]["cascade"] > saved["dev_agreement_with_encoder"]["fast"]
    )
