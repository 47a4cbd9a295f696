"""``cyberkind train``: rebuild every shipped model from the shared data, deterministically.

For each head (see :mod:`cyberkind.lab.training.corpora` for the data recipes):

1. one :class:`~cyberkind.classifiers.featurize.HashingFeaturizer` learns IDF
   weights from the union of all training texts;
2. a logistic regression (liblinear, balanced class weights) is fitted on the
   train split for each ``C`` in :data:`C_GRID`; the ``C`` with the best
   average precision on the dev split wins;
3. Platt scaling is fitted on the dev split and folded into the weights, so
   the stored model outputs calibrated probabilities directly;
4. the default threshold maximises F1 on the dev split (``crisis``: the
   highest threshold keeping dev recall at or above :data:`CRISIS_RECALL`);
5. the test split is scored once, for the metrics and the model card.

In the attack heads (:data:`NEUTRALISED_HEADS`) the positive weights of identity words'
own buckets are zeroed after fitting and before calibration (see :data:`IDENTITY_WORDS`).

Nothing is tuned on a test split. The same seed gives byte-identical weights.

**Usage**::

    >>> from cyberkind.lab.training.train import train_models
    >>> report = train_models(Path("../shared/data"), Path("out"), seed=0)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ...classifiers.crisis_rules import crisis_floor
from ...classifiers.featurize import HashingFeaturizer
from ...classifiers.linear import HeadGroup, LinearModel
from ...labels import label_names
from .corpora import HEADS, Example, head_examples
from .metrics import best_f1_threshold, binary_report, expected_calibration_error, recall_threshold

__all__ = ["CRISIS_RECALL", "C_GRID", "FAST_MODEL", "Progress", "split_counts", "train_models"]

FAST_MODEL = "fast-v1"
C_GRID = (1.0, 4.0, 16.0)
CRISIS_RECALL = 0.98
N_FEATURES = 2**18

# Words naming who someone is. In the attack heads a linear model learns them as evidence of
# hate, because hateful tweets mention them far more often than other texts do (Dixon et al.
# 2018, "Measuring and Mitigating Unintended Bias in Text Classification"). After fitting, the
# positive weight of each word's own buckets is set to zero in these heads, so that mentioning
# an identity never raises the score by itself; bigrams ("muslims are", "go back") and the
# hostile words around an identity keep theirs. The benchmark reports the effect on the
# identity probe and on TweetEval hate.
IDENTITY_WORDS = (
    "gay", "gays", "lesbian", "lesbians", "trans", "transgender", "bisexual", "queer", "lgbt",
    "lgbtq", "muslim", "muslims", "islam", "islamic", "jew", "jews", "jewish", "christian",
    "christians", "hindu", "hindus", "sikh", "black", "blacks", "white", "whites", "asian",
    "asians", "latino", "latina", "latinos", "hispanic", "mexican", "mexicans", "african",
    "immigrant", "immigrants", "migrant", "migrants", "refugee", "refugees", "disabled",
    "deaf", "blind", "autistic", "woman", "women", "girl", "girls", "female", "old",
    "elderly",
)  # fmt: skip
NEUTRALISED_HEADS = ("toxicity", "insult", "personal_attack", "identity_attack", "threat")

Progress = Callable[[str, int, int], None]
"""Called as ``progress(step, done, total)``; the CLI draws a Rich bar from it."""


def _examples(head: str, data_dir: Path, seed: int) -> list[Example]:
    if head == "crisis":
        from .crisis import crisis_examples

        return crisis_examples(data_dir, seed)
    return head_examples(head, data_dir, seed)


def _platt(logit: npt.NDArray[np.float64], y: npt.NDArray[np.int64]) -> tuple[float, float]:
    """Fit p = sigmoid(a * logit + c) on held-out data (Platt 1999, with his target smoothing)."""
    from sklearn.linear_model import LogisticRegression

    n_pos = float(y.sum())
    n_neg = float(len(y) - n_pos)
    targets = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    # Smoothed targets as sample weights over a duplicated (0, 1) design.
    x = np.r_[logit, logit].reshape(-1, 1)
    t = np.r_[np.ones(len(y)), np.zeros(len(y))]
    w = np.r_[targets, 1 - targets]
    lr = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
    lr.fit(x, t, sample_weight=w)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def split_counts(examples: Sequence[Example]) -> dict[str, dict[str, int]]:
    """Rows and positives per split, for metrics.json and the model cards."""
    return {
        s: {
            "n": sum(1 for e in examples if e.split == s),
            "positives": sum(e.y for e in examples if e.split == s),
        }
        for s in ("train", "dev", "test")
    }


def _fit_head(
    head: str,
    examples: Sequence[Example],
    matrix: Any,
    row_of: dict[str, int],
    seed: int,
    identity_buckets: Sequence[int] = (),
) -> tuple[npt.NDArray[np.float32], float, float, dict[str, Any]]:
    """Train, calibrate and evaluate one head. Returns (weights, bias, threshold, report)."""
    from sklearn.linear_model import LogisticRegression

    from .metrics import average_precision

    def split(name: str) -> tuple[Any, npt.NDArray[np.int64]]:
        rows = [row_of[e.text] for e in examples if e.split == name]
        y = np.asarray([e.y for e in examples if e.split == name], dtype=np.int64)
        return matrix[rows], y

    x_train, y_train = split("train")
    x_dev, y_dev = split("dev")
    x_test, y_test = split("test")
    best: tuple[float, float, Any] | None = None
    for c in C_GRID:
        lr = LogisticRegression(
            C=c, solver="liblinear", class_weight="balanced", random_state=seed, max_iter=200
        )
        lr.fit(x_train, y_train)
        score = average_precision(y_dev, lr.decision_function(x_dev))
        if best is None or score > best[0]:
            best = (score, c, lr)
    assert best is not None
    _, c, lr = best
    weights = lr.coef_[0].astype(np.float64)
    bias = float(lr.intercept_[0])
    if head in NEUTRALISED_HEADS:
        identity = np.asarray(sorted(set(identity_buckets)), dtype=np.int64)
        weights[identity] = np.minimum(weights[identity], 0.0)
    a, b = _platt(x_dev @ weights + bias, y_dev)
    weights, bias = weights * a, bias * a + b

    def proba(x: Any) -> npt.NDArray[np.float64]:
        out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-(x @ weights + bias)))
        return out

    p_dev = proba(x_dev)
    if head == "crisis":
        # The threshold applies to the score users see: the model floored by the rules.
        p_dev = crisis_floor(p_dev, [e.text for e in examples if e.split == "dev"])
        threshold = recall_threshold(y_dev, p_dev, CRISIS_RECALL)
    else:
        threshold = best_f1_threshold(y_dev, p_dev)
    threshold = float(np.clip(threshold, 0.01, 0.99))
    p_test = proba(x_test)
    if head == "crisis":
        p_test = crisis_floor(p_test, [e.text for e in examples if e.split == "test"])
    report = {
        "C": c,
        "sources": sorted({e.source for e in examples}),
        "counts": split_counts(examples),
        "dev_ece": expected_calibration_error(y_dev, p_dev),
        "test": binary_report(y_test, p_test, threshold),
    }
    return weights.astype(np.float32), bias, threshold, report


def train_models(
    data_dir: Path,
    output_dir: Path,
    seed: int = 0,
    heads: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Rebuild the fast-tier model into ``output_dir / FAST_MODEL``; return the metrics.

    ``heads`` restricts training to some heads (for quick experiments); the
    shipped model is always built with all of them.
    """
    started = time.perf_counter()
    public = list(label_names())
    aux = [h for h in HEADS if ":" in h]
    wanted = list(heads) if heads is not None else public + aux
    step = progress or (lambda _s, _d, _t: None)

    examples: dict[str, list[Example]] = {}
    for i, head in enumerate(wanted):
        step("loading data", i, len(wanted))
        examples[head] = _examples(head, data_dir, seed)
    step("loading data", len(wanted), len(wanted))

    texts = sorted({e.text for exs in examples.values() for e in exs})
    row_of = {t: i for i, t in enumerate(texts)}
    train_texts = sorted({e.text for exs in examples.values() for e in exs if e.split == "train"})
    step("featurizing", 0, 1)
    featurizer = HashingFeaturizer(N_FEATURES).fit(train_texts)
    matrix = featurizer.transform(texts)
    identity_buckets = [b for w in IDENTITY_WORDS for b in featurizer.buckets_of(w) if b]
    step("featurizing", 1, 1)

    weights: dict[str, npt.NDArray[np.float32]] = {}
    biases: dict[str, float] = {}
    thresholds: dict[str, float] = {}
    reports: dict[str, Any] = {}
    for i, head in enumerate(wanted):
        step("training heads", i, len(wanted))
        w, b, t, r = _fit_head(head, examples[head], matrix, row_of, seed, identity_buckets)
        weights[head], biases[head], thresholds[head], reports[head] = w, b, t, r
    step("training heads", len(wanted), len(wanted))

    groups: dict[str, HeadGroup] = {}
    for group, candidates in (("public", public), ("aux", aux)):
        names = [h for h in candidates if h in weights]
        if names:
            groups[group] = HeadGroup(
                names,
                np.stack([weights[h] for h in names], axis=1),
                np.asarray([biases[h] for h in names], dtype=np.float32),
            )
    config = {
        "name": f"cyberkind.{FAST_MODEL}",
        "seed": seed,
        "thresholds": {h: round(t, 4) for h, t in thresholds.items()},
        "crisis_rules": True,
        "identity_neutralised_heads": list(NEUTRALISED_HEADS),
        "identity_words": list(IDENTITY_WORDS),
    }
    model = LinearModel(featurizer, groups, config)
    target = output_dir / FAST_MODEL
    model.to_disk(target)
    metrics = {
        "model": f"cyberkind.{FAST_MODEL}",
        "seed": seed,
        "n_features": N_FEATURES,
        "train_seconds": round(time.perf_counter() - started, 1),
        "heads": reports,
    }
    (target / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    return metrics
