"""The reading tier (the fine-tuned encoder) on the same rows as the fast tier and the peers.

Everything is measured the way users call it: ``Scorer("reading")`` and the guard built on
it (``Guard()`` where the model is installed), on test rows the training never read. The
benchmark heads (``tweeteval:offensive``, ``tweeteval:hate``, the emotion classes and the
GoEmotions labels) use the thresholds the model chose on dev.

**Usage**::

    >>> report = reading_benchmarks(Path("../shared/data"))
    >>> report["quality"]["tweeteval_offensive"]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ...classifiers.reading import READING_MODEL, ReadingModel
from ...classifiers.reading_tier import reading_available
from ...engine import Scorer, default_model_dir
from ...guard import Guard
from ...guard.metrics import char_offsets, span_f1
from ...labels import label_names
from ..guard_evaluate import read_toxic_spans
from ..training.corpora import emotion_benchmark, goemotions_test
from ..training.metrics import f1_score, macro_f1
from .accurate import split_rows
from .functional import evaluate as functional_evaluate
from .install import install_footprint

__all__ = ["READING", "cascade_benchmarks", "reading_benchmarks"]

READING = "cyberkind reading"
"""The column name of the reading tier in the benchmark tables."""


def _p99(values: list[float]) -> float:
    return float(np.percentile(np.asarray(values), 99))


def _start_up(model_dir: Path | None) -> float:
    """Seconds for a fresh process to import cyberkind and score one text on the reading tier."""
    folder = f"Path({str(model_dir)!r})" if model_dir else "None"
    code = (
        "import time; t = time.perf_counter()\n"
        "from pathlib import Path\n"
        "from cyberkind.engine import Scorer\n"
        f"Scorer('reading', {folder}).score(['thanks for this!'])\n"
        "print(time.perf_counter() - t)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return round(float(out.stdout.strip().splitlines()[-1]), 3)


_CHECK_CHILD = """
import json, sys, time
from pathlib import Path
from cyberkind.engine import Scorer
from cyberkind.guard import Guard
from cyberkind.lab.bench.accurate import split_rows
spec = json.loads(sys.argv[1])
folder = Path(spec["model_dir"]) if spec["model_dir"] else None
guard = Guard(Scorer("reading", folder))
guard.warm_up()  # as `cyberkind serve` does at start
for draft in spec["warm"]:  # not timed
    guard.check(draft)
# Drafts the process has not seen: the reading model remembers its last few texts (the web's
# guard and spam check share one pass), so repeats would time a memo.
unseen = list(dict.fromkeys(t for t in split_rows("toxicity", Path(spec["data_dir"]))[0]
                            if t.strip()))
timings = []
for draft in unseen[: spec["n"]]:
    start = time.perf_counter()
    guard.check(draft)
    timings.append((time.perf_counter() - start) * 1000)
print(json.dumps(timings))
"""
_WARM_DRAFTS = (
    "you're an idiot who ignores the budget",
    "Thanks so much for this, it really helped!",
    "I know where you live.",
    "This is fucking awesome, thank you so much!",
    "that plan is dumb and you know it",
)


def _check_timings(data_dir: Path, model_dir: Path | None, n: int) -> list[float]:
    """Milliseconds of ``Guard.check`` (reading tier, rewrite included) on ``n`` drafts, in a
    fresh process as `cyberkind check` or `cyberkind serve` runs it: the rest of the bench
    (the frozen tier's PyTorch among it) stays out of the figure. The p99 of 100 drafts is
    their second slowest, which swung 13-21 ms between runs of the same code, hence 500."""
    spec = {
        "data_dir": str(data_dir),
        "model_dir": str(model_dir) if model_dir else "",
        "warm": list(_WARM_DRAFTS),
        "n": n,
    }
    out = subprocess.run(
        [sys.executable, "-c", _CHECK_CHILD, json.dumps(spec)],
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    timings: list[float] = json.loads(out.stdout.strip().splitlines()[-1])
    return timings


def reading_benchmarks(
    data_dir: Path,
    model_dir: Path | None = None,
    *,
    quick: bool = False,
    echo: Callable[[str], None] = lambda _line: None,
) -> dict[str, Any]:
    """Quality, the functional suite, spans, latency and start-up of the reading tier."""
    if not reading_available(model_dir):
        return {"missing": "the reading model or onnxruntime/tokenizers is not installed"}
    root = model_dir or default_model_dir()
    model = ReadingModel.load(root / READING_MODEL)
    th = model.thresholds
    limit = 300 if quick else None
    quality: dict[str, Any] = {}
    for task, head, label, source in (
        ("tweeteval_offensive", "tweeteval:offensive", "toxicity", "tweeteval-offensive"),
        ("tweeteval_hate", "tweeteval:hate", "identity_attack", "tweeteval-hate"),
    ):
        echo(f"bench reading: {task}")
        texts, y, sources = split_rows(label, data_dir)
        keep = [i for i, s in enumerate(sources) if s == source][:limit]
        texts, y = [texts[i] for i in keep], y[keep]
        p = model.predict(texts)[head]
        quality[task] = round(macro_f1(y, (p >= th.get(head, 0.5)).astype(int), 2), 4)
    echo("bench reading: tweeteval_emotion")
    texts, gold, classes = emotion_benchmark(data_dir)
    texts, gold = texts[:limit], gold[:limit]
    probs = model.predict(texts)
    matrix = np.stack([probs[f"tweeteval-emotion:{c}"] for c in classes], axis=1)
    quality["tweeteval_emotion"] = round(
        macro_f1(np.asarray(gold), matrix.argmax(axis=1), len(classes)), 4
    )
    echo("bench reading: goemotions")
    texts, multi_hot, names = goemotions_test(data_dir)
    texts, multi_hot = texts[:limit], multi_hot[:limit]
    probs = model.predict(texts)
    per_label = {
        name: f1_score(
            multi_hot[:, j],
            (probs[f"goemotions:{name}"] >= th.get(f"goemotions:{name}", 0.5)).astype(int),
        )
        for j, name in enumerate(names)
    }
    quality["goemotions"] = round(float(np.mean(list(per_label.values()))), 4)

    echo("bench reading: the guard on the reading tier")
    guard = Guard(Scorer("reading", model_dir))
    span_texts, gold_spans = read_toxic_spans(data_dir, "test")
    span_texts, gold_spans = span_texts[:limit], gold_spans[:limit]
    explained = [
        char_offsets((s.start, s.end) for s in guard.explain(t)) if t.strip() else []
        for t in span_texts
    ]
    spans_f1 = round(span_f1(explained, gold_spans), 4)
    functional = functional_evaluate(
        lambda t: guard.check(t, suggest=False).verdict, limit=5 if quick else None
    )
    timings = _check_timings(data_dir, model_dir, 15 if quick else 500)
    return {
        "model": model.config.get("name", READING_MODEL),
        "precision": "int8" if model.config.get("quantized") else "fp32",
        "quality": quality,
        "goemotions_per_label": {k: round(v, 4) for k, v in per_label.items()},
        "toxic_spans_test_f1": spans_f1,
        "functional": functional,
        "check_ms": {
            "p50": round(statistics.median(timings), 2),
            "p99": round(_p99(timings), 2),
            "n": len(timings),
        },
        "start_up_s": _start_up(model_dir),
        "install": install_footprint(),
        "cascade": cascade_benchmarks(data_dir, model_dir, quick=quick, echo=echo),
    }


CASCADE_TIERS = ("fast", "reading-cascade", "reading")


def cascade_benchmarks(
    data_dir: Path,
    model_dir: Path | None = None,
    *,
    quick: bool = False,
    echo: Callable[[str], None] = lambda _line: None,
) -> dict[str, Any]:
    """Bulk scoring as ``cyberkind score`` does it: the cascade beside its two tiers.

    Quality: each public label's F1 on its test rows (at most 400 per label, evenly spread),
    through :class:`~cyberkind.engine.Scorer` and its thresholds. Speed: ``Scorer.pipe`` over
    texts the process has not read (training rows of five labels), after a warm-up on others.
    """
    echo("bench reading: the cascade for bulk scoring")
    per_label = 60 if quick else 400
    rows = {label: split_rows(label, data_dir, per_label) for label in label_names()}
    out: dict[str, Any] = {"f1": {}, "rows_per_label": per_label}
    for tier in CASCADE_TIERS:
        scorer = Scorer(tier, model_dir)
        thresholds = scorer.thresholds()
        column = {name: j for j, name in enumerate(scorer.labels)}
        sent_before = getattr(scorer.model, "sent_to_encoder", 0)
        scored_before = getattr(scorer.model, "scored", 0)
        f1s = {}
        for label, (texts, y, _) in rows.items():
            p = scorer.predict_proba(texts)[:, column[label]]
            f1s[label] = round(f1_score(y, (p >= thresholds[label]).astype(int)), 4)
        out["f1"][tier] = {"mean": round(float(np.mean(list(f1s.values()))), 4), **f1s}
        if tier == "reading-cascade":
            sent = scorer.model.sent_to_encoder - sent_before  # type: ignore[attr-defined]
            total = scorer.model.scored - scored_before  # type: ignore[attr-defined]
            out["share_sent"] = round(sent / max(total, 1), 4)
    pool: dict[str, None] = {}
    for head in ("toxicity", "gratitude", "distress", "question", "insult"):
        texts = split_rows_train(head, data_dir)
        pool.update(dict.fromkeys(t.replace("\n", " ") for t in texts if t.strip()))
    unseen = list(pool)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(unseen))
    n = 300 if quick else 3000
    warm, timed = [unseen[i] for i in order[:256]], [unseen[i] for i in order[256 : 256 + n]]
    speed = {}
    for tier in CASCADE_TIERS:
        scorer = Scorer(tier, model_dir)
        list(scorer.pipe(warm, batch_size=256))
        started = time.perf_counter()
        count = sum(1 for _ in scorer.pipe(timed, batch_size=256))
        speed[tier] = round(count / (time.perf_counter() - started), 1)
    out["texts_per_s"] = speed
    return out


def split_rows_train(head: str, data_dir: Path) -> list[str]:
    """A head's training texts (benchmark speed rows no test split holds)."""
    from ..training.corpora import head_examples

    return [e.text for e in head_examples(head, data_dir) if e.split == "train"]


def reading_markdown(data: dict[str, Any]) -> str:
    """The reading tier's section of ``docs/benchmarks.md``, beside the fast tier and peers."""
    r = data.get("reading", {})
    if "missing" in r or not r:
        return f"\n## The reading tier\n\nNot measured: {r.get('missing', 'not run')}.\n"
    q = data["quality"]
    fast = "cyberkind fast"

    def verdict(value: float, target: float, higher: bool = True) -> str:
        return "met" if (value >= target if higher else value <= target) else "NOT met"

    rows = []
    for title, task, target in (
        ("TweetEval offensive macro-F1", "tweeteval_offensive", 0.80),
        ("TweetEval hate macro-F1", "tweeteval_hate", 0.56),
        ("TweetEval emotion macro-F1", "tweeteval_emotion", 0.78),
        ("GoEmotions 28-label macro-F1", "goemotions", 0.50),
    ):
        value = r["quality"][task]
        rows.append(
            f"| {title} | {q[task]['macro_f1'][fast]} | {value} | >= {target:.2f} | "
            f"{verdict(value, target)} |"
        )
    fn = r["functional"]
    worst = max(fn["identity_fpr"].values(), default=0.0)
    guard_fast = data.get("guard", {}).get("spans", {}).get("f1_explain", "-")
    for title, fast_value, value, target, higher in (
        (
            "Toxic Spans test char F1 (Guard.explain)",
            guard_fast,
            r["toxic_spans_test_f1"],
            0.68,
            True,
        ),
        ("Functional suite: attacks caught", "-", fn["attacks_caught"], 0.90, True),
        ("Functional suite: fair texts held", "-", fn["fair_held"], 0.02, False),
        ("Functional suite: fair texts nudged", "-", fn["fair_nudged"], 0.10, False),
        ("Functional suite: worst identity-group FPR", "-", worst, 0.05, False),
        ("Guard check p99, rewrite included (ms)", "-", r["check_ms"]["p99"], 20.0, False),
        ("Import plus first score (s)", "-", r["start_up_s"], 1.5, False),
    ):
        sign = ">=" if higher else "<="
        rows.append(
            f"| {title} | {fast_value} | {value} | {sign} {target:g} | "
            f"{verdict(float(value), target, higher)} |"
        )
    install = r.get("install")
    if install:
        rows.append(
            f"| The accurate install (`{install['requirement']}`): PyTorch in it | - | "
            f"{'yes' if install['torch'] else 'no'} ({install['megabytes']:g} MB, "
            f"{install['packages']} packages) | no PyTorch | "
            f"{'NOT met' if install['torch'] else 'met'} |"
        )
    peers = sorted(
        {n for t in ("tweeteval_offensive", "tweeteval_hate") for n in q[t]["macro_f1"]} - {fast}
    )
    side = [
        f"| {t} | {q[t]['macro_f1'][fast]} | {r['quality'][t]} | "
        + " | ".join(str(q[t]["macro_f1"].get(n, "-")) for n in peers)
        + " |"
        for t in ("tweeteval_offensive", "tweeteval_hate")
    ]
    return "\n".join(
        [
            "",
            "## The reading tier (the fine-tuned encoder)",
            "",
            f"`{r['model']}`: all-MiniLM-L6-v2 fine-tuned end to end on every task at once "
            f"(`cyberkind train --only reading`), {r.get('precision', 'fp32')} ONNX run by "
            "onnxruntime. Measured through "
            '`Scorer("reading")` and the guard built on it, on the same test rows as above; '
            "thresholds from dev. The functional suite's evaluation half never fed training. "
            f"`check` latency: {r['check_ms']['n']} drafts the process had not seen, in a "
            "fresh process (as `cyberkind check` or `serve` runs), after a warm-up.",
            "",
            "| benchmark | cyberkind fast | cyberkind reading | target | verdict |",
            "|---|---|---|---|---|",
            *rows,
            "",
            "| task | cyberkind fast | cyberkind reading | " + " | ".join(peers) + " |",
            "|---|---|---|" + "---|" * len(peers),
            *side,
            "",
            *_cascade_markdown(r.get("cascade")),
            *_install_markdown(install),
        ]
    )


def _install_markdown(install: dict[str, Any] | None) -> list[str]:
    if not install:
        return []
    largest = ", ".join(f"{k} {v:g}" for k, v in install["largest_mb"].items())
    return [
        "",
        "### The accurate install",
        "",
        f"`pip install '{install['requirement']}'` (the extra adds nothing to the base install: "
        "the reading model ships inside the package): "
        f"{install['packages']} distributions, {install['megabytes']:g} MB on disk, "
        f"PyTorch {'included' if install['torch'] else 'not included'}. Largest (MB): "
        f"{largest}. Measured from the installed distributions' metadata and files "
        "(`cyberkind.lab.bench.install`); the frozen-MiniLM peer's `lab` extra adds PyTorch.",
    ]


def _cascade_markdown(c: dict[str, Any] | None) -> list[str]:
    if not c:
        return []
    f1, speed = c["f1"], c["texts_per_s"]
    tiers = [t for t in CASCADE_TIERS if t in f1]
    lines = [
        "### Bulk scoring: the cascade",
        "",
        "`cyberkind score` reads with `reading-cascade` by default: the fast tier scores every "
        "text, and the encoder reads the texts where it would likely change some decision "
        "(a risk table and cut chosen on dev splits, `cyberkind train --only cascade`, to "
        f"send 30% of dev texts). Here it sent {c['share_sent']:.1%} of the test rows. F1 per "
        f"public label on its test rows (at most {c['rows_per_label']} each) through "
        "`Scorer.predict_proba` and the tier's thresholds; speed through `Scorer.pipe` "
        "(batches of 256) on training texts the process had not read.",
        "",
        "| measure | " + " | ".join(f"cyberkind {t}" for t in tiers) + " |",
        "|---|" + "---|" * len(tiers),
        "| mean F1, 16 public labels | " + " | ".join(str(f1[t]["mean"]) for t in tiers) + " |",
        "| texts/s | " + " | ".join(str(speed.get(t, "-")) for t in tiers) + " |",
    ]
    labels = [k for k in f1[tiers[0]] if k != "mean"]
    lines += [
        "",
        "| label | " + " | ".join(tiers) + " |",
        "|---|" + "---|" * len(tiers),
        *(f"| {k} | " + " | ".join(str(f1[t][k]) for t in tiers) + " |" for k in labels),
        "",
    ]
    return lines
