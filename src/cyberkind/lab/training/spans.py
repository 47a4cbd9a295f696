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
3. On trial, pick the ``C`` with the best char F1 (SemEval's metric,
   :func:`~cyberkind.guard.metrics.span_f1`) of the word stage alone.
4. The context stage: refit that ``C`` on :data:`FOLDS` folds of train (posts split by a
   seeded draw) so that every train word gets a probability from a model that never saw
   its post, then fit a small logistic regression on :func:`~cyberkind.classifiers.spans.
   context_features` of those probabilities (the word's, its neighbours', the post's
   highest and mean, whether it is the post's top word...). On trial, pick the word
   threshold (:data:`THRESHOLDS`) and the merge gap (:data:`GAPS`) with the best char F1
   of the two stages together.
5. Export the weights to NumPy (``weights.npy``, float16) with ``config.json``,
   ``metrics.json`` (trial F1, the identity bias probe) and ``MODEL_CARD.md``.

The test split is never read here; ``python -m cyberkind.lab.guard_evaluate --split test``
measures it once, for the record. The same seed gives byte-identical files.

**Usage**::

    >>> from cyberkind.lab.training.spans import train_spans
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

from ...classifiers.spans import (
    CONTEXT_FEATURES,
    SPAN_MODEL,
    SpanModel,
    WordToken,
    context_features,
    hash_features,
    identity_features,
    merge_tokens,
    token_features,
    word_tokens,
)
from ...errors import DataError
from ...guard.metrics import char_offsets, span_f1
from .train import IDENTITY_WORDS

__all__ = [
    "C_GRID",
    "FAILURE_MODES",
    "FLOORS",
    "FOLDS",
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
FOLDS = 4
FLOORS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)
CONTEXT_C = 1.0
FLOOR_TOLERANCE = 0.0005


def span_lexicon() -> frozenset[str]:
    """The guard's insult nouns and adjectives, swear words and slurs, lower case."""
    from ...guard.lexicon import INSULT_ADJECTIVES, INSULT_NOUNS, PROFANITY, SLURS

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


def _fit(x: Any, y: Any, c: float, seed: int, neutral: Any) -> Any:
    """The word stage on ``x``: liblinear, seeded; identity features never push up."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=c, solver="liblinear", random_state=seed, max_iter=200)
    lr.fit(x, y)
    # Mentioning who someone is never counts towards a span by itself (as in the
    # fast tier's attack heads, training/train.py).
    lr.coef_[0, neutral] = np.minimum(lr.coef_[0, neutral], 0.0)
    return lr


def _context_matrix(
    tokens: Sequence[Sequence[WordToken]], proba: npt.NDArray[np.float64], lexicon: frozenset[str]
) -> npt.NDArray[np.float64]:
    rows, at = [], 0
    for toks in tokens:
        p = proba[at : at + len(toks)]
        at += len(toks)
        rows.append(context_features([t.word for t in toks], p, lexicon))
    return np.vstack(rows) if rows else np.zeros((0, len(CONTEXT_FEATURES)))


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
        lr = _fit(x_train, y_train, c, seed, neutral)
        proba = lr.predict_proba(x_trial)[:, 1]
        for gap in GAPS:
            for threshold in THRESHOLDS:
                pred = _predict_offsets(trial_texts, trial_tokens, proba, threshold, gap)
                f1 = span_f1(pred, trial_gold)
                grid.append({"C": c, "max_gap": gap, "threshold": threshold, "f1": round(f1, 4)})
                if best is None or f1 > best[0] + 1e-9:
                    best = (f1, c, threshold, gap, lr)
    assert best is not None
    _, c, threshold, gap, lr = best

    # The context stage learns from out-of-fold word probabilities, as it will see them.
    post_of_word = np.repeat(np.arange(len(train_tokens)), [len(t) for t in train_tokens])
    fold = np.random.RandomState(seed).randint(0, FOLDS, len(train_tokens))[post_of_word]
    oof = np.zeros(len(y_train))
    for k in range(FOLDS):
        held = fold == k
        oof[held] = _fit(x_train[~held], y_train[~held], c, seed, neutral).predict_proba(
            x_train[held]
        )[:, 1]
    ctx = LogisticRegression(C=CONTEXT_C, max_iter=1000, random_state=seed)
    ctx.fit(_context_matrix(train_tokens, oof, lexicon), y_train)
    trial_word = lr.predict_proba(x_trial)[:, 1]
    trial_ctx = ctx.predict_proba(_context_matrix(trial_tokens, trial_word, lexicon))[:, 1]
    # A word is marked only if the word stage gives it at least ``floor``.
    best_ctx: tuple[float, float, int, float] | None = None
    context_grid: list[dict[str, float]] = []
    # Floors from the highest down: a lower floor (more words marked on harmless texts)
    # must beat a higher one by FLOOR_TOLERANCE.
    for floor in sorted(FLOORS, reverse=True):
        cut = np.where(trial_word >= floor, trial_ctx, 0.0)
        for ctx_gap in GAPS:
            for ctx_threshold in THRESHOLDS:
                pred = _predict_offsets(trial_texts, trial_tokens, cut, ctx_threshold, ctx_gap)
                f1 = span_f1(pred, trial_gold)
                context_grid.append({"floor": floor, "max_gap": ctx_gap,
                                     "threshold": ctx_threshold, "f1": round(f1, 4)})  # fmt: skip
                better = best_ctx is None or f1 > best_ctx[0] + 1e-9
                if better and (best_ctx is None or floor == best_ctx[3]
                               or f1 > best_ctx[0] + FLOOR_TOLERANCE):  # fmt: skip
                    best_ctx = (f1, ctx_threshold, ctx_gap, floor)
    assert best_ctx is not None
    _, ctx_threshold, ctx_gap, floor = best_ctx
    weights = lr.coef_[0].astype(np.float32)
    bias = float(lr.intercept_[0])
    config = {
        "name": f"cyberkind.{SPAN_MODEL}",
        "seed": seed,
        "C": c,
        "trained_on": "SemEval-2021 Toxic Spans train",
        "tuned_on": "SemEval-2021 Toxic Spans trial",
    }
    model = SpanModel(
        weights,
        bias,
        threshold,
        gap,
        lexicon,
        identity,
        config,
        [float(w) for w in ctx.coef_[0]],
        float(ctx.intercept_[0]),
        floor,
        ctx_threshold,
        ctx_gap,
    )
    target = output_dir / SPAN_MODEL
    model.to_disk(target)
    # Measure the model as stored (float16 weights), not as fitted.
    stored = SpanModel.from_disk(target)
    trial_pred = [char_offsets((s, e) for s, e, _ in stored.spans(t)) for t in trial_texts]
    context_pred = [
        char_offsets((s, e) for s, e, _ in stored.context_spans(t)) for t in trial_texts
    ]
    metrics = {
        "model": f"cyberkind.{SPAN_MODEL}",
        "seed": seed,
        "n_features": n_features,
        "C": c,
        "threshold": threshold,
        "max_gap": gap,
        "context": {
            "C": CONTEXT_C,
            "folds": FOLDS,
            "floor": floor,
            "threshold": ctx_threshold,
            "max_gap": ctx_gap,
            "weights": dict(
                zip(CONTEXT_FEATURES, (round(float(w), 3) for w in ctx.coef_[0]), strict=True)
            ),
            "trial_char_f1": round(span_f1(context_pred, trial_gold), 4),
            "grid_best": sorted(
                context_grid, key=lambda r: (-r["f1"], r["floor"], r["max_gap"], r["threshold"])
            )[:10],
        },
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
    context = [s for s in kind if model.context_spans(s)]
    return {
        "kind_sentences": len(kind),
        "kind_with_spans": len(marked),
        "kind_examples_with_spans": marked[:5],
        "hateful_sentences": len(hateful),
        "hateful_with_spans": sum(bool(model.spans(s)) for s in hateful),
        "kind_with_context_spans": len(context),
        "kind_examples_with_context_spans": context[:5],
        "hateful_with_context_spans": sum(bool(model.context_spans(s)) for s in hateful),
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
    "Identity words never form a span by themselves (their positive weights are zeroed, and "
    "the context stage never marks one), so a slur-free attack on a group is marked on its "
    "hostile words only, or not at all.",
    "Tuned on the trial split, where 6% of posts have no gold span (train: 6% too); the "
    "context stage marks a word in almost every post, which costs F1 where many posts have "
    "no gold span (20% of the test split). On a stream with many non-toxic texts, run it "
    "only on texts a classifier flags.",
)


def write_spans_card(model_dir: Path, metrics: dict[str, Any]) -> Path:
    """Write ``MODEL_CARD.md`` for the span model in ``model_dir``; return its path."""
    size_mb = sum(p.stat().st_size for p in model_dir.iterdir() if p.is_file()) / 1e6
    counts, bias, ctx = metrics["counts"], metrics["bias_probe"], metrics["context"]
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
        f"most {metrics['max_gap']} character(s) between them merge into one span "
        "(`SpanModel.spans`, which the guard's `check` uses).",
        "",
        "A second, **context stage** (`SpanModel.context_spans`, used by `Guard.explain` and "
        f"the Toxic Spans benchmark) is a 12-feature logistic regression (C = {ctx['C']}) "
        "over each word's probability with its two neighbours' on each side, the post's "
        "highest and mean probability, whether the word is the post's most likely one, the "
        "post's length, the lexicon flag and whether the word has at most two letters. It was "
        f"fitted on out-of-fold probabilities ({ctx['folds']} folds of train by post, seeded), "
        "so it learns from the word stage as it behaves on unseen posts; its weights are in "
        "`config.json` (`context`) and `metrics.json`. It marks words whose context "
        f"probability is at least {ctx['threshold']} and whose word-stage probability is at "
        f"least {ctx['floor']}, merging neighbours at most {ctx['max_gap']} character(s) "
        "apart. It learned that a toxic post nearly always has a toxic word, so it marks a "
        "post's most likely word even when that word is only mildly suspect: it explains a "
        "text already known to be toxic, and is not meant to find toxic words in any text.",
        "",
        "## Metrics (trial split)",
        "",
        "Character-level F1 per post, averaged over posts (1.0 when gold and prediction are "
        "both empty), the SemEval-2021 Task 5 metric:",
        "",
        "| measure | value |",
        "|---|---|",
        f"| word stage (`spans`), trial char F1 | {metrics['trial_char_f1']:.4f} |",
        f"| context stage (`context_spans`), trial char F1 | {ctx['trial_char_f1']:.4f} |",
        "",
        "The guard's numbers (rules plus this model) are in docs/guard.md.",
        "",
        "## Bias probe",
        "",
        f"Kind sentences about identities (`cyberkind.lab.bench.probes`): "
        f"{bias['kind_with_spans']} of {bias['kind_sentences']} get a span (should be 0). "
        f"Hateful counterparts: {bias['hateful_with_spans']} of {bias['hateful_sentences']} "
        "get one. The context stage, which marks the most likely word of any text it is "
        f"given, marks a word in {bias['kind_with_context_spans']} of the kind sentences and "
        f"{bias['hateful_with_context_spans']} of the hateful ones: use it only on texts known "
        "to be toxic.",
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
