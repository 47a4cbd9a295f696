"""Evaluate the exported reading model: thresholds on dev, metrics on test, fp32 vs int8.

For each variant (``<out>/onnx/fp32`` and ``<out>/onnx/int8``), run through the runtime
(:class:`cyberkind.classifiers.reading.ReadingModel`, onnxruntime only):

1. **Dev only**: predict every dev row of the corpus and choose each sigmoid head's
   threshold (best F1 of the positive class; best macro-F1 for the TweetEval and OLID
   heads, whose benchmarks report macro-F1); choose the toxic-span word threshold and merge
   gap on Toxic Spans *trial*.
2. **Test, once**: TweetEval offensive, hate (binary macro-F1) and emotion (4-class
   macro-F1, argmax) on their official test files; GoEmotions 28-label macro-F1 on its
   official test set; Toxic Spans char F1 on its test split; spam F1 on the held-out video
   (``09``, Shakira) and on the held-out generated families; OLID level B and C (binary:
   IND vs GRP/OTH) macro-F1 on the official test; every head's F1 on the corpus test rows.
3. int8 ships when its mean dev score (the benchmark dev metrics and the public labels'
   mean dev F1) is within :data:`INT8_TOLERANCE` of fp32's; otherwise fp32 ships.

``--ship DIR`` copies the chosen ``model.onnx`` and ``tokenizer.json`` to ``DIR`` and writes
``config.json`` (with the dev thresholds), ``metrics.json`` and ``MODEL_CARD.md``.

**Usage**::

    python -m cyberkind.lab.reading evaluate --data-dir ../shared/data --out artifacts/reading \\
        --ship src/cyberkind/classifiers/data/reading-v1
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ...classifiers.reading import ReadingModel
from ...labels import label_names
from ..training import _readers as rd
from ..training.corpora import emotion_benchmark, goemotions_test
from .spam import VIDEO_SPLITS
from .tasks import EMOTION_CLASSES, SIGMOID_HEADS, TARGET_HEADS, Corpus, read_spans_split
from .train import load_corpus

__all__ = ["INT8_TOLERANCE", "PER_TASK", "best_threshold", "evaluate", "evaluate_variant"]

INT8_TOLERANCE = 0.005
PER_TASK = 1500
"""Corpus rows per task and split scored for thresholds (dev) and per-head F1 (test): a seeded
sample keeps the evaluation to minutes on a shared 2-core machine. 0 scores every row."""
MACRO_HEADS = ("tweeteval:offensive", "tweeteval:hate", "target:targeted", "target:individual")
SPAN_THRESHOLDS = tuple(round(0.1 + 0.025 * i, 3) for i in range(33))
SPAN_GAPS = (1, 3, 6)
GRID = np.round(np.linspace(0.02, 0.98, 49), 3)

Array = npt.NDArray[Any]


def _f1(y: Array, pred: Array) -> float:
    tp = float(np.sum((pred == 1) & (y == 1)))
    fp = float(np.sum((pred == 1) & (y == 0)))
    fn = float(np.sum((pred == 0) & (y == 1)))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def _macro_f1(y: Array, pred: Array, n_classes: int) -> float:
    return float(
        np.mean([_f1((y == k).astype(int), (pred == k).astype(int)) for k in range(n_classes)])
    )


def best_threshold(y: Array, p: Array, macro: bool = False) -> tuple[float, float]:
    """The (threshold, score) on :data:`GRID` with the best F1 (or binary macro-F1)."""
    best = (0.5, -1.0)
    for th in GRID:
        pred = (p >= th).astype(int)
        score = _macro_f1(y, pred, 2) if macro else _f1(y, pred)
        if score > best[1] + 1e-12:
            best = (float(th), score)
    return best


class _Predictor:
    """Probabilities per text, computed once per text."""

    def __init__(self, model: ReadingModel) -> None:
        self.model = model
        self.cache: dict[str, npt.NDArray[np.float32]] = {}
        self.labels = model.labels

    def __call__(self, texts: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
        todo = sorted({t for t in texts if t not in self.cache})
        for start in range(0, len(todo), 2048):
            chunk = todo[start : start + 2048]
            probs = self.model.predict(chunk)
            block = np.stack([probs[name] for name in self.labels], axis=1)
            for t, row in zip(chunk, block, strict=True):
                self.cache[t] = row
        matrix: Array = np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, 0))
        return {name: matrix[:, j] for j, name in enumerate(self.labels)}


def _rows(corpus: Corpus, split: str, per_task: int, seed: int) -> list[int]:
    """The sentence rows of ``split``; with ``per_task``, a seeded sample of at most that
    many rows of each task (all rows of the smaller tasks)."""
    if not per_task:
        return [i for i, s in enumerate(corpus.splits) if s == split and i not in corpus.span_gold]
    rng = np.random.RandomState(seed)
    chosen: set[int] = set()
    for task, rows in corpus.tasks.items():
        if task == "spans":
            continue
        in_split = [i for i in rows if corpus.splits[i] == split]
        if len(in_split) > per_task:
            in_split = rng.choice(in_split, per_task, replace=False).tolist()
        chosen.update(in_split)
    return sorted(chosen)


def _span_scores(
    model: ReadingModel, texts: Sequence[str], gold: Sequence[Sequence[int]]
) -> tuple[list[Any], dict[tuple[float, int], float]]:
    from ...classifiers.spans import merge_tokens
    from ...guard.metrics import char_offsets, span_f1

    words = model.word_proba(texts)
    scores = {}
    for gap in SPAN_GAPS:
        for th in SPAN_THRESHOLDS:
            pred = [
                char_offsets((s, e) for s, e, _ in merge_tokens(t, w, p, th, gap))
                for t, (w, p) in zip(texts, words, strict=True)
            ]
            scores[(th, gap)] = span_f1(pred, gold)
    return words, scores


def evaluate_variant(
    model_dir: Path,
    corpus: Corpus,
    data_dir: Path,
    limit: int = 0,
    seed: int = 0,
    per_task: int = 0,
) -> dict[str, Any]:
    """Dev thresholds and every metric of the model in ``model_dir`` (see the module doc).

    ``per_task`` caps the corpus rows of each task (dev for thresholds, test for the per-head
    F1) to a seeded sample; the benchmark test sets are always scored whole. ``limit`` cuts
    every set to its first rows: a quick check of the code, not a measurement.
    """
    from ...classifiers.spans import merge_tokens
    from ...guard.metrics import char_offsets, span_f1

    t0 = time.time()

    def cap(n: int) -> int:
        """With ``limit`` (a quick check of the code, not a measurement), the first rows only."""
        return min(n, limit) if limit else n

    model = ReadingModel.load(model_dir)
    predict = _Predictor(model)
    n_sig = len(SIGMOID_HEADS)
    out: dict[str, Any] = {"dev": {}, "test": {}, "thresholds": {}}

    # -- 1. dev: thresholds ----------------------------------------------------------------
    dev = _rows(corpus, "dev", limit or per_task, seed)
    p_dev = predict([corpus.texts[i] for i in dev])
    y_dev = corpus.y[dev]
    for j, head in enumerate(SIGMOID_HEADS):
        known = y_dev[:, j] >= 0
        if known.sum() == 0 or y_dev[known, j].sum() == 0:
            continue
        th, score = best_threshold(y_dev[known, j], p_dev[head][known], head in MACRO_HEADS)
        out["thresholds"][head] = th
        out["dev"][head] = {
            "f1" if head not in MACRO_HEADS else "macro_f1": round(score, 4),
            "n": int(known.sum()),
            "positives": int(y_dev[known, j].sum()),
        }
    # A head without a dev positive keeps 0.5 (listed, so a reader can tell).
    out["default_thresholds"] = [h for h in SIGMOID_HEADS if h not in out["thresholds"]]
    for head in out["default_thresholds"]:
        out["thresholds"][head] = 0.5
    emo = corpus.emotion[dev]
    has = emo >= 0
    if has.any():
        matrix = np.stack([p_dev[f"tweeteval-emotion:{c}"] for c in EMOTION_CLASSES], axis=1)
        out["dev"]["tweeteval-emotion"] = {
            "macro_f1": round(_macro_f1(emo[has], matrix[has].argmax(1), len(EMOTION_CLASSES)), 4),
            "n": int(has.sum()),
        }
    go = [h for h in SIGMOID_HEADS if h.startswith("goemotions:") and h in out["dev"]]
    out["dev"]["goemotions_macro_f1"] = round(float(np.mean([out["dev"][h]["f1"] for h in go])), 4)
    public = [h for h in label_names() if h in out["dev"]]
    out["dev"]["public_mean_f1"] = round(float(np.mean([out["dev"][h]["f1"] for h in public])), 4)
    trial_t, trial_g = read_spans_split(data_dir, "trial")
    trial_t, trial_g = trial_t[: cap(len(trial_t))], trial_g[: cap(len(trial_g))]
    _, span_dev = _span_scores(model, trial_t, trial_g)
    (span_th, span_gap), span_f1_dev = max(span_dev.items(), key=lambda kv: (kv[1], -kv[0][0]))
    out["span_threshold"], out["span_max_gap"] = span_th, span_gap
    out["dev"]["toxic_spans_trial_char_f1"] = round(span_f1_dev, 4)
    out["dev_summary"] = round(
        float(
            np.mean(
                [
                    out["dev"]["tweeteval:offensive"]["macro_f1"],
                    out["dev"]["tweeteval:hate"]["macro_f1"],
                    out["dev"]["tweeteval-emotion"]["macro_f1"],
                    out["dev"]["goemotions_macro_f1"],
                    out["dev"]["toxic_spans_trial_char_f1"],
                    out["dev"]["public_mean_f1"],
                ]
            )
        ),
        4,
    )
    print(
        f"evaluate: {model_dir}: dev done ({time.time() - t0:.0f} s), summary {out['dev_summary']}",
        flush=True,
    )
    th = out["thresholds"]

    # -- 2. test, once ---------------------------------------------------------------------
    test_out: dict[str, Any] = out["test"]
    bench: dict[str, Any] = {}
    for task in ("offensive", "hate"):
        rows = [r for r in rd.tweeteval(data_dir, task) if r.split == "test"]
        rows = rows[: cap(len(rows))]
        y = np.asarray([int(r.label == "1") for r in rows])
        p = predict([r.text for r in rows])[f"tweeteval:{task}"]
        bench[f"tweeteval_{task}_macro_f1"] = round(
            _macro_f1(y, (p >= th[f"tweeteval:{task}"]).astype(int), 2), 4
        )
    texts, gold, classes = emotion_benchmark(data_dir)
    texts, gold = texts[: cap(len(texts))], gold[: cap(len(gold))]
    probs = predict(texts)
    matrix = np.stack([probs[f"tweeteval-emotion:{c}"] for c in classes], axis=1)
    bench["tweeteval_emotion_macro_f1"] = round(
        _macro_f1(np.asarray(gold), matrix.argmax(1), len(classes)), 4
    )
    texts, multi_hot, names = goemotions_test(data_dir)
    texts, multi_hot = texts[: cap(len(texts))], multi_hot[: cap(len(texts))]
    probs = predict(texts)
    per = {
        n: round(
            _f1(multi_hot[:, k], (probs[f"goemotions:{n}"] >= th[f"goemotions:{n}"]).astype(int)), 4
        )
        for k, n in enumerate(names)
    }
    bench["goemotions_macro_f1"] = round(float(np.mean(list(per.values()))), 4)
    bench["goemotions_per_label_f1"] = per
    test_t, test_g = read_spans_split(data_dir, "test")
    test_t, test_g = test_t[: cap(len(test_t))], test_g[: cap(len(test_g))]
    words = model.word_proba(test_t)
    pred = [
        char_offsets((s, e) for s, e, _ in merge_tokens(t, w, p, span_th, span_gap))
        for t, (w, p) in zip(test_t, words, strict=True)
    ]
    bench["toxic_spans_char_f1"] = round(span_f1(pred, test_g), 4)
    test_out["benchmarks"] = bench

    test = _rows(corpus, "test", limit or per_task, seed)
    p_test = predict([corpus.texts[i] for i in test])
    y_test = corpus.y[test]
    heads: dict[str, Any] = {}
    for j, head in enumerate(SIGMOID_HEADS):
        known = y_test[:, j] >= 0
        if head not in th or known.sum() == 0:
            continue
        pred_j = (p_test[head][known] >= th[head]).astype(int)
        y_j = y_test[known, j]
        heads[head] = {
            "f1": round(_f1(y_j, pred_j), 4),
            "n": int(known.sum()),
            "positives": int(y_j.sum()),
        }
        if head in MACRO_HEADS:
            heads[head]["macro_f1"] = round(_macro_f1(y_j, pred_j, 2), 4)
    test_out["heads"] = heads
    test_out["public_mean_f1"] = round(
        float(np.mean([heads[h]["f1"] for h in public if h in heads])), 4
    )
    # Spam: the held-out video and the held-out generated families, separately.
    spam_j = SIGMOID_HEADS.index("spam")
    spam: dict[str, Any] = {}
    from .spam import blog_spam, youtube_spam

    held_video = [r for r in youtube_spam(data_dir) if VIDEO_SPLITS[r.source[8:]] == "test"]
    for name, rows_s in (
        ("youtube_heldout_video_09", held_video),
        ("blog_heldout_families", [r for r in blog_spam(0) if r.split == "test"]),
    ):
        y = np.asarray([r.y for r in rows_s])
        p = predict([r.text for r in rows_s])["spam"]
        spam[name] = {
            "f1": round(_f1(y, (p >= th["spam"]).astype(int)), 4),
            "n": len(rows_s),
            "positives": int(y.sum()),
        }
    test_out["spam"] = spam
    del spam_j
    test_out["target"] = {h: heads[h] for h in TARGET_HEADS if h in heads}
    from .probes import identity_probes

    out["bias_probes"] = identity_probes(model, th)
    out["seconds"] = round(time.time() - t0)
    out["n_outputs"] = n_sig + len(EMOTION_CLASSES)
    print(
        f"evaluate: {model_dir}: test done ({out['seconds']} s): {json.dumps(bench)[:400]}",
        flush=True,
    )
    return out


def evaluate(
    data_dir: Path,
    out: Path,
    seed: int = 0,
    checkpoint: Path | None = None,
    ship: Path | None = None,
    limit: int = 0,
    per_task: int = PER_TASK,
) -> dict[str, Any]:
    """Evaluate fp32 and int8 exports in ``<out>/onnx``; optionally ship the chosen one."""
    from .export import export_all

    folders = {"fp32": out / "onnx" / "fp32", "int8": out / "onnx" / "int8"}
    if checkpoint is not None or not all((f / "model.onnx").is_file() for f in folders.values()):
        folders = export_all(out, checkpoint)
    corpus = load_corpus(data_dir, out, seed)
    results = {
        name: evaluate_variant(f, corpus, data_dir, limit, seed, per_task)
        for name, f in folders.items()
    }
    drop = results["fp32"]["dev_summary"] - results["int8"]["dev_summary"]
    chosen = "int8" if drop <= INT8_TOLERANCE else "fp32"
    report = {
        "chosen": chosen,
        "int8_dev_summary_drop": round(drop, 4),
        "limit": limit,
        "per_task_rows": per_task,
        "variants": results,
        "sizes_mb": {
            n: round((f / "model.onnx").stat().st_size / 1e6, 1) for n, f in folders.items()
        },
    }
    (out / "metrics.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(
        f"evaluate: chose {chosen} (int8 dev drop {drop:+.4f}); {out / 'metrics.json'}", flush=True
    )
    if ship is not None:
        _ship(folders[chosen], ship, results[chosen], report, out)
    return report


def _ship(src: Path, ship: Path, result: dict[str, Any], report: dict[str, Any], out: Path) -> None:
    from .card import write_card
    from .export import base_config

    ship.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src / "model.onnx", ship / "model.onnx")
    shutil.copyfile(src / "tokenizer.json", ship / "tokenizer.json")
    config = base_config() | {
        "quantized": report["chosen"] == "int8",
        "thresholds": result["thresholds"],
        "span_threshold": result["span_threshold"],
        "span_max_gap": result["span_max_gap"],
    }
    (ship / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    train_info = {}
    for name in ("train_config.json", "progress.json"):
        if (out / name).is_file():
            train_info[name.removesuffix(".json")] = json.loads((out / name).read_text())
    metrics = {k: v for k, v in report.items() if k != "variants"} | {
        "train": train_info,
        "fp32": report["variants"]["fp32"],
        "int8": report["variants"]["int8"],
    }
    (ship / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    write_card(ship, metrics)
    print(f"evaluate: shipped {report['chosen']} to {ship}", flush=True)
