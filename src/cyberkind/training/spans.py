"""``cyberkind train --only spans``: the token-level toxic span model, deterministically.

1. Read the SemEval-2021 Toxic Spans ``train`` and ``trial`` splits (CC0,
   ``../shared/data/toxic-spans/SemEval2021``). A word is positive when any of its
   characters is in the gold offsets (the annotators marked whole words).
2. Hash each word's features (:func:`~cyberkind.classifiers.spans.token_features`, with the
   guard's insult, swear and slur words as the lexicon) into :data:`N_FEATURES` buckets and fit
   a logistic regression (liblinear, seeded) on train for each ``C`` in :data:`C_GRID`.
   Words naming who someone is (the fast tier's ``IDENTITY_WORDS``) share one feature and
   form no n-grams; after fitting, the positive weights of those features are zeroed, so
   that mentioning an identity never marks a span by itself.
3. On trial, pick the ``C``, the word threshold (:data:`THRESHOLDS`) and the merge gap
   (:data:`GAPS`) with the best char F1 (SemEval's metric,
   :func:`~cyberkind.guard.metrics.span_f1`).
4. Export the weights to NumPy (``weights.npy``, float16) with ``config.json``,
   ``metrics.json`` (trial F1, the identity bias probe) and ``MODEL_CARD.md``.

The test split is never read here; ``python -m cyberkind.guard.evaluate --split test``
measures it once, for the record. The same seed gives byte-identical files.

**Usage**::

    >>> from cyberkind.training.spans import train_spans
    >>> summary = train_spans(Path("../shared/data"), Path("out"), seed=0)
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..classifiers.spans import (
    SPAN_MODEL,
    SpanModel,
    WordToken,
    hash_features,
    identity_features,
    merge_tokens,
    token_features,
    word_tokens,
)
from ..errors import DataError
from ..guard.metrics import char_offsets, span_f1
from .train import IDENTITY_WORDS

__all__ = [
    "C_GRID",
    "FAILURE_MODES",
    "GAPS",
    "MALE_WORDS",
    "N_FEATURES",
    "THRESHOLDS",
    "read_split",
    "span_identity_words",
    "span_lexicon",
    "train_spans",
    "write_spans_card",
]

MALE_WORDS = ("man", "men", "boy", "boys", "male", "males")
N_FEATURES = 2**20
C_GRID = (0.1, 0.25)
THRESHOLDS = tuple(round(0.2 + 0.025 * i, 3) for i in range(25))
GAPS = (1, 3, 6)


def span_lexicon() -> frozenset[str]:
    """The guard's insult nouns and adjectives, swear words and slurs, lower case."""
    from ..guard.lexicon import INSULT_ADJECTIVES, INSULT_NOUNS, PROFANITY, SLURS

    return frozenset(w.lower() for w in INSULT_NOUNS + INSULT_ADJECTIVES + PROFANITY + SLURS)


def span_identity_words() -> frozenset[str]:
    """The fast tier's identity words plus their male counterparts ("man", "men", "boys").

    The fast tier's list names women but not men: "gay men" must not mark "men" either.
    """
    return frozenset(IDENTITY_WORDS) | frozenset(MALE_WORDS)


def read_split(data_dir: Path, split: str) -> tuple[list[str], list[list[int]]]:
    """Texts and gold character offsets of a Toxic Spans split (``train`` or ``trial``)."""
    path = data_dir / "toxic-spans" / "SemEval2021" / f"tsd_{split}.csv"
    if not path.is_file():
        raise DataError(
            f"{path} is missing. You can fix this by pointing the data_dir setting at the "
            "shared data folder (--setting data_dir ../shared/data)."
        )
    texts, gold = [], []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts.append(row["text"])
            gold.append(sorted(json.loads(row["spans"])))
    return texts, gold


def _design(
    texts: Sequence[str], lexicon: frozenset[str], identity: frozenset[str], n_features: int
) -> tuple[Any, list[list[WordToken]]]:
    """Sparse binary design matrix (one row per word of every text) and the words."""
    from scipy import sparse

    all_tokens, cols, indptr = [], [], [0]
    for text in texts:
        toks = word_tokens(text)
        all_tokens.append(toks)
        for feats in token_features([t.word for t in toks], lexicon, identity):
            buckets = sorted(set(hash_features(feats, n_features)))
            cols.extend(buckets)
            indptr.append(len(cols))
    data = np.ones(len(cols), dtype=np.float64)
    matrix = sparse.csr_matrix(
        (data, np.asarray(cols, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(len(indptr) - 1, n_features),
    )
    return matrix, all_tokens


def _labels(tokens: Sequence[Sequence[WordToken]], gold: Sequence[Sequence[int]]) -> Any:
    y = []
    for toks, offsets in zip(tokens, gold, strict=True):
        marked = set(offsets)
        y += [int(any(i in marked for i in range(t.start, t.end))) for t in toks]
    return np.asarray(y, dtype=np.int64)


def _predict_offsets(
    texts: Sequence[str],
    tokens: Sequence[Sequence[WordToken]],
    proba: npt.NDArray[np.float64],
    threshold: float,
    max_gap: int,
) -> list[list[int]]:
    out, at = [], 0
    for text, toks in zip(texts, tokens, strict=True):
        p = proba[at : at + len(toks)]
        at += len(toks)
        spans = merge_tokens(text, toks, p, threshold, max_gap)
        out.append(char_offsets((s, e) for s, e, _ in spans))
    return out


def train_spans(
    data_dir: Path,
    output_dir: Path,
    seed: int = 0,
    limit: int | None = None,
    n_features: int = N_FEATURES,
    c_grid: Sequence[float] = C_GRID,
) -> dict[str, Any]:
    """Fit, tune on trial and write ``output_dir / spans-v1``; return the metrics.

    ``limit`` keeps the first N train texts (for quick tests); the shipped model uses all.
    """
    from sklearn.linear_model import LogisticRegression

    lexicon = span_lexicon()
    train_texts, train_gold = read_split(data_dir, "train")
    trial_texts, trial_gold = read_split(data_dir, "trial")
    if limit is not None:
        train_texts, train_gold = train_texts[:limit], train_gold[:limit]
    identity = span_identity_words()
    x_train, train_tokens = _design(train_texts, lexicon, identity, n_features)
    y_train = _labels(train_tokens, train_gold)
    x_trial, trial_tokens = _design(trial_texts, lexicon, identity, n_features)
    neutral = np.asarray(sorted(set(hash_features(identity_features(), n_features))))

    best: tuple[float, float, float, int, Any] | None = None
    grid: list[dict[str, float]] = []
    for c in c_grid:
        lr = LogisticRegression(C=c, solver="liblinear", random_state=seed, max_iter=200)
        lr.fit(x_train, y_train)
        # Mentioning who someone is never counts towards a span by itself (as in the
        # fast tier's attack heads, training/train.py).
        lr.coef_[0, neutral] = np.minimum(lr.coef_[0, neutral], 0.0)
        proba = lr.predict_proba(x_trial)[:, 1]
        for gap in GAPS:
            for threshold in THRESHOLDS:
                pred = _predict_offsets(trial_texts, trial_tokens, proba, threshold, gap)
                f1 = span_f1(pred, trial_gold)
                grid.append({"C": c, "max_gap": gap, "threshold": threshold, "f1": round(f1, 4)})
                if best is None or f1 > best[0] + 1e-9:
                    best = (f1, c, threshold, gap, lr)
    assert best is not None
    f1, c, threshold, gap, lr = best
    weights = lr.coef_[0].astype(np.float32)
    bias = float(lr.intercept_[0])
    config = {
        "name": f"cyberkind.{SPAN_MODEL}",
        "seed": seed,
        "C": c,
        "trained_on": "SemEval-2021 Toxic Spans train",
        "tuned_on": "SemEval-2021 Toxic Spans trial",
    }
    model = SpanModel(weights, bias, threshold, gap, lexicon, identity, config)
    target = output_dir / SPAN_MODEL
    model.to_disk(target)
    # Measure the model as stored (float16 weights), not as fitted.
    stored = SpanModel.from_disk(target)
    trial_pred = [char_offsets((s, e) for s, e, _ in stored.spans(t)) for t in trial_texts]
    metrics = {
        "model": f"cyberkind.{SPAN_MODEL}",
        "seed": seed,
        "n_features": n_features,
        "C": c,
        "threshold": threshold,
        "max_gap": gap,
        "counts": {
            "train_texts": len(train_texts),
            "train_words": len(y_train),
            "train_positive_words": int(y_train.sum()),
            "trial_texts": len(trial_texts),
        },
        "trial_char_f1": round(span_f1(trial_pred, trial_gold), 4),
        "grid_best": sorted(grid, key=lambda r: (-r["f1"], r["C"], r["max_gap"], r["threshold"]))[
            :10
        ],
        "bias_probe": _bias_probe(stored),
    }
    (target / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    write_spans_card(target, metrics)
    return metrics


def _bias_probe(model: SpanModel) -> dict[str, Any]:
    """How many identity-probe sentences get a span: kind ones should get none."""
    from ..bench.probes import hateful_sentences, probe_sentences

    kind = [s for group in probe_sentences().values() for s in group]
    hateful = [s for group in hateful_sentences().values() for s in group]
    marked = [s for s in kind if model.spans(s)]
    return {
        "kind_sentences": len(kind),
        "kind_with_spans": len(marked),
        "kind_examples_with_spans": marked[:5],
        "hateful_sentences": len(hateful),
        "hateful_with_spans": sum(bool(model.spans(s)) for s in hateful),
    }


FAILURE_MODES = (
    "English only; trained on news-site comments (Civil Comments), so tweets, chat and "
    "other registers get lower recall.",
    "Word-level: it marks insult, swear and slur words and short phrases well, but misses "
    "toxicity carried by a whole clause without toxic words (sarcasm, dog whistles, "
    "'go back to where you came from'), which annotators often marked in full.",
    "Unseen creative spellings that share no prefix or suffix with training words are missed; "
    "starred spellings ('f***', 'a**hole') are covered.",
    "It marks toxic words in quotes and under negation too, as the annotators did; the "
    "guard's `check` runs it on the text with those parts set aside.",
    "Identity words never form a span by themselves (their positive weights are zeroed), so "
    "a slur-free attack on a group is marked on its hostile words only, or not at all.",
    "Tuned on the trial split, where 6% of posts have no gold span; on a stream with many "
    "non-toxic texts, run it only on texts a classifier flags (as the guard does).",
)


def write_spans_card(model_dir: Path, metrics: dict[str, Any]) -> Path:
    """Write ``MODEL_CARD.md`` for the span model in ``model_dir``; return its path."""
    size_mb = sum(p.stat().st_size for p in model_dir.iterdir() if p.is_file()) / 1e6
    counts, bias = metrics["counts"], metrics["bias_probe"]
    lines = [
        f"# Model card: cyberkind.{SPAN_MODEL} (toxic span model)",
        "",
        "Marks the words of a text that make it toxic, with character offsets into the text. "
        "The negativity guard uses it for the spans of its `toxicity`, `insult`, `profanity` "
        "and `personal_attack` reasons and for `Guard.explain` (docs/guard.md). Written by "
        "`cyberkind train --only spans`; the same data and seed give the same bytes.",
        "",
        "## Training data and licence",
        "",
        "- SemEval-2021 Task 5 Toxic Spans (Pavlopoulos et al. 2021, "
        "github.com/ipavlopoulos/toxic_spans), posts from Civil Comments with the character "
        "offsets crowd annotators marked as toxic. Licence: **CC0 1.0**.",
        f"- Fitted on `tsd_train.csv` ({counts['train_texts']:,} posts, "
        f"{counts['train_words']:,} words, {counts['train_positive_words']:,} in a span); the "
        f"regularisation, word threshold and merge gap were chosen on `tsd_trial.csv` "
        f"({counts['trial_texts']:,} posts). `tsd_test.csv` was never used for training or "
        "tuning.",
        "",
        "## Method",
        "",
        "A word-level logistic regression (scikit-learn liblinear at training time, seed "
        f"{metrics['seed']}, C = {metrics['C']}). A word is positive when the annotators marked "
        "any of its characters. Features, hashed (crc32) into "
        f"{metrics['n_features']:,} buckets: the lower-cased word and its singular, its shape, "
        "3- and 4-character prefixes and suffixes, the words within two positions and the "
        "bigrams and trigrams it forms with them, and membership of the guard's insult, swear "
        "and slur lexicon (alone and with its neighbours). Identity words (gay, Muslim, "
        "women, men...) share one feature and form no n-grams; after fitting, the positive "
        "weights of every feature an identity word lights up are set to zero. The weights are "
        "stored as float16 NumPy (`weights.npy`); the runtime "
        "(`cyberkind.classifiers.spans.SpanModel`) needs NumPy only. Words with probability "
        f"at least {metrics['threshold']} are marked; marked words next to each other with at "
        f"most {metrics['max_gap']} character(s) between them merge into one span.",
        "",
        "## Metrics (trial split)",
        "",
        "Character-level F1 per post, averaged over posts (1.0 when gold and prediction are "
        "both empty), the SemEval-2021 Task 5 metric:",
        "",
        "| measure | value |",
        "|---|---|",
        f"| span model alone, trial char F1 | {metrics['trial_char_f1']:.4f} |",
        "",
        "The guard's numbers (rules plus this model) are in docs/guard.md.",
        "",
        "## Bias probe",
        "",
        f"Kind sentences about identities (`cyberkind.bench.probes`): "
        f"{bias['kind_with_spans']} of {bias['kind_sentences']} get a span (should be 0). "
        f"Hateful counterparts: {bias['hateful_with_spans']} of {bias['hateful_sentences']} "
        "get one.",
        "",
        "## Known failure modes",
        "",
        *[f"- {mode}" for mode in FAILURE_MODES],
        "",
        "## Size",
        "",
        f"{size_mb:.1f} MB (`weights.npy`, `config.json`, `metrics.json`, this card).",
        "",
    ]
    path = model_dir / "MODEL_CARD.md"
    path.write_text("\n".join(lines))
    return path
