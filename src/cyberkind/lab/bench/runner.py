"""``cyberkind bench``: every benchmark, our models beside installed peers, one table.

Quality is measured on official test splits (or the fixed hash split the
training recipe documents), speed in fresh subprocesses on the same rows for
every tool. Published figures are quoted in their own table with sources and
never mixed with our measurements.

**Usage**::

    >>> result = run_benchmarks(Path("../shared/data"), Path("docs"))
    >>> print(result.markdown)
"""

from __future__ import annotations

import functools
import json
import platform
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ...classifiers.crisis_rules import crisis_floor
from ...classifiers.fast import DEFAULT_CONFIG as FAST_CONFIG
from ...classifiers.linear import LinearModel
from ...engine import Scorer, default_model_dir
from ...guard import Guard
from ..training.corpora import emotion_benchmark, goemotions_test
from ..training.metrics import binary_report, f1_score, macro_f1
from ._report import table as _table
from .accurate import (
    ACCURATE,
    accurate_available,
    accurate_benchmarks,
    accurate_markdown,
    split_rows,
)
from .composer import composer_benchmarks, composer_markdown, composer_target_rows
from .distributed import distributed_summary, load_distributed_report
from .guard import PUBLISHED_SPANS, guard_benchmarks, guard_markdown, guard_target_rows
from .peers import Peer, load_peers
from .probes import identity_fpr, identity_recall
from .reading import reading_benchmarks, reading_markdown
from .replies import more_sets, more_sets_markdown, replies_markdown, reply_benchmark
from .speed import measure
from .web import load_web_report, web_summary

__all__ = ["PUBLISHED", "TARGETS", "BenchResult", "run_benchmarks"]

Scores = dict[str, npt.NDArray[np.float32]]

TARGETS: dict[str, float] = {
    "tweeteval_offensive_macro_f1": 0.80,
    "tweeteval_hate_macro_f1": 0.56,
    "tweeteval_emotion_macro_f1": 0.78,
    "goemotions_macro_f1": 0.50,
    "identity_fpr_max": 0.05,
    "single_text_p99_ms": 5.0,
    "cold_start_s": 1.0,
    "peak_rss_mb": 300.0,
}

PUBLISHED: tuple[tuple[str, str, str, str], ...] = (
    (
        "TweetEval offensive, macro-F1",
        "TimeLMs (RoBERTa, 2021)",
        "0.822",
        "TweetEval leaderboard, github.com/cardiffnlp/tweeteval",
    ),
    (
        "TweetEval hate, macro-F1",
        "BERTweet",
        "0.564",
        "TweetEval leaderboard, github.com/cardiffnlp/tweeteval",
    ),
    (
        "TweetEval emotion, macro-F1",
        "best leaderboard entry",
        "0.802",
        "TweetEval leaderboard, github.com/cardiffnlp/tweeteval",
    ),
    (
        "TweetEval offensive / hate / emotion, macro-F1",
        "FastText baseline",
        "0.734 / 0.506 / 0.652",
        "Barbieri et al. 2020, TweetEval, Findings of EMNLP, Table 2",
    ),
    (
        "TweetEval offensive / hate / emotion, macro-F1",
        "SVM baseline",
        "0.523 / 0.367 / 0.647",
        "Barbieri et al. 2020, TweetEval, Findings of EMNLP, Table 2",
    ),
    (
        "GoEmotions 28-label macro-F1",
        "BERT-base",
        "0.46",
        "Demszky et al. 2020, GoEmotions, ACL, Table 4",
    ),
    (
        "Detoxify (original), Jigsaw toxic comment test, mean AUC",
        "BERT-base",
        "0.9864",
        "github.com/unitaryai/detoxify README",
    ),
    PUBLISHED_SPANS,
    (
        "Detoxify CPU speed",
        "BERT-base, batched",
        "about 4 ms per text",
        "Detoxify maintainers, as quoted in cyberkind issue 2",
    ),
)


NOTES_ON_TARGETS = """\
- **TweetEval offensive, hate and emotion; GoEmotions.** The targets sit at the published
  state of the art for fine-tuned transformers (RoBERTa, BERTweet, BERT-base). The fast tier
  is a linear model over hashed n-grams: compare it with the FastText and SVM baselines of
  the TweetEval paper (last table) and with the peers above. Tried for the fast tier: C grid
  {0.5, 2, 8} then {1, 4, 16} chosen on dev, word bigrams plus 4-letter affixes, balanced
  class weights, extra hard negatives. Then the frozen tier (once `accurate`): all-MiniLM-L6-v2
  sentence embeddings with a logistic head per label, blended with the fast tier's logit on
  dev. It gains most where meaning matters more than words (TweetEval emotion +0.09, threat
  AP +0.18) and little on GoEmotions and offensive, and nothing on hate. Then the reading
  model (the default tier): all-MiniLM-L6-v2 fine-tuned end to end with multi-task heads on
  2 CPU cores in two stages (about 10 + 50 minutes, `cyberkind train --only reading`),
  int8 ONNX. It comes within 1.5 points of offensive and emotion and 2.5 of GoEmotions;
  hate (HatEval's test set, whose shift from its train set is known) is where it stays far
  below. A third stage (5,000 more steps at a lower learning rate, 29 minutes) did not
  raise the dev summary (0.6911 fp32 / 0.6899 int8 against the shipped 0.6914), so it was
  not shipped. The targets sit at tweet-pretrained RoBERTa-base and BERTweet (published
  rows above), models five times larger; a GPU run of a larger encoder is the next step.
- **Throughput.** alt-profanity-check computes one label; the fast tier computes sixteen plus
  the crisis rules. On unique texts most of the fast tier's time goes to chunks it has not
  seen before. Tried, in order: per-text tokenising (about 17k texts/s on tweets); a
  whole-batch chunk memo with NumPy n-grams (about 50k/s on repeated tweets, 24k/s on these
  unique texts for the model alone); a batch-level crisis gate (27% -> 1.5% of tweets reach the
  per-text rules, about 130k texts/s); a token memo under the chunk memo and memo tables that
  grow by their new tail instead of being rebuilt per batch (model alone 24k -> 36k/s);
  one regex call per batch, int32 sort keys, URLs replaced in a pass of their own so the
  split pattern has no URL branch, and the score dicts built from one `tolist()` (public API
  about 53k -> 56k texts/s on this machine, features bit-identical). Per text the split and
  the token lookups alone cost about 6 us and the crisis rules about 4 us. Next: fold the
  crisis gate into the token pass (a gate on token ids), or a compiled tokeniser.
- **Guard spans (Toxic Spans).** Tried: occlusion over the fast tier plus rules (0.583 test
  char F1), then a word-level logistic span model trained on Toxic Spans train with the
  thresholds from trial (0.650), then a context stage over the word probabilities (each
  word's, its neighbours', the post's top and mean, whether it is the post's top word),
  fitted out-of-fold on train and tuned on trial (trial 0.662 -> 0.686; test 0.667). It
  marks a word in nearly every post, and 20% of test posts have no gold span (6% of train
  and trial), so a text-level gate is what is left; every gate tried costs F1 on trial, so
  none was chosen without tuning on test. On test the guard scores 0.828 on the posts with
  gold spans and 0 on the 394 without; on train and trial those look like the rest (the
  span model's top word probability: median 0.44 vs 0.55 on train, 0.65 vs 0.59 on trial;
  on test 0.50 vs 0.69), so no gate can be learned there. Then all-MiniLM-L6-v2
  (`scripts/spans_transformer_experiment.py`, trial chooses, test scored once): its frozen
  token vectors as context-stage features, trial 0.682 / test 0.658 (against 0.683 / 0.664
  refit without them); fine-tuned as a tagger on CPU (2 epochs, 22 min) and blended with
  the context stage, trial 0.691 / test 0.677, still under 0.68, for 90 MB of weights.
  Next: a larger tagger fine-tuned on a GPU (published best: an ensemble of BERT-style
  taggers), shipped as ONNX.
- **Guard rewrites.** Tried: rules for attacks on a person, then the ParaDetox lexicon, then
  a fallback of lexicon plus deleting the flagged words, re-checked by the guard; then a
  cascade step that puts plainer words ("person", "in trouble", "screw" as a verb) where a
  deletion would leave a phrase without its head. Declines fell from 18% to 7-9% and style
  accuracy passed 0.90 on both sets (0.929, 0.915). A decline counts as a failure (the
  source in its place, J 0). On the rows the guard rewrites, J is level with the delete
  baseline (0.799 vs 0.810, 0.781 vs 0.779); the gap is the declines, where the baseline
  leaves broken English ("this is a.", "i want you to.") that J, lacking an offline fluency
  model, cannot penalise. Then plain words for more swearing idioms ("gives a fuck" ->
  "cares", "bitch about" -> "complain about"), read from declines on ParaDetox training
  rows: declines 7.1% -> 6.9%, J unchanged. A fluency term was tried: a Kneser-Ney trigram
  model of GoEmotions' training comments, scoring each output's mean log probability
  against its source's (`scripts/fluency_ngram_experiment.py`). It cannot tell a broken
  deletion from a fluent rewrite: on 300 ParaDetox training rows it scores the delete
  baseline's outputs on the rows the guard declines +0.13 above their sources (deleting a
  rare word raises the mean), more than the guard's rewrites overall (-0.00). No CoLA-style
  acceptability data is in ../shared/data and no model can be downloaded, so the J
  comparison stays without fluency. Then (issue 15) a fluency judge that runs offline:
  SmolLM2-135M-Instruct through xllamacpp, the mean per-token log-probability of a rewrite
  against its source's, thresholded at the 5th percentile of human rewrites on ParaDetox
  training rows (AUC 0.76 human rewrite vs deletion; `cyberkind bench --only guard
  --fluency`, docs/rewrite.md). With it the guard beats the delete baseline on the rows it
  rewrites, but the issue also forbids "person" for an insult noun ("You're a person and
  your blog is weak."), which raised declines; a pronoun where the grammar allows ("they",
  "them") won back a few. Style accuracy is under 0.90 again and J overall stays under the
  baseline's: the declines. Next: rewrite attacks on the reader as statements about the idea
  ("your argument ignores X") when the draft names the idea, or an LLM rephrasing.
"""


SPEED_ROUNDS = 3


def _median_run(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Each metric's median over the runs; the first error if any run failed."""
    errors = [r["error"] for r in runs if "error" in r]
    if errors:
        return {"error": errors[0]}
    out: dict[str, Any] = {}
    for key in runs[0]:
        values = [r[key] for r in runs]
        median = float(np.median(values))
        out[key] = round(median) if all(isinstance(v, int) for v in values) else median
    return out


@dataclass
class BenchResult:
    """Everything measured, as JSON-able data and as the Markdown report."""

    data: dict[str, Any] = field(default_factory=dict)
    markdown: str = ""


def _our_scores(model: LinearModel, texts: Sequence[str]) -> Scores:
    out: Scores = {}
    for group, proba in model.predict_proba_groups(texts).items():
        out.update({name: proba[:, i] for i, name in enumerate(model.groups[group].names)})
    if "crisis" in out:
        out["crisis"] = crisis_floor(out["crisis"], texts)
    return out


def run_benchmarks(
    data_dir: Path,
    output_dir: Path | None,
    *,
    quick: bool = False,
    model_dir: Path | None = None,
    encoder_dir: Path | None = None,
    embedding_cache: Path | None = None,
    echo: Callable[[str], None] = lambda _line: None,
) -> BenchResult:
    """Run every benchmark; write ``benchmarks.md`` and ``benchmarks.json`` into ``output_dir``.

    The frozen tiers (once accurate and cascade) are measured when the lab extra and their heads
    are installed (:mod:`.accurate`); ``embedding_cache`` lets their quality part reuse training
    embeddings.
    """
    started = time.perf_counter()
    folder = (model_dir or default_model_dir()) / str(FAST_CONFIG["folder"])
    model = LinearModel.from_disk(folder)
    thresholds = model.thresholds()
    peers, missing = load_peers()
    data: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "model": model.config.get("name", "cyberkind.fast-v1"),
        "peers": {p.name: p.note for p in peers},
        "missing_peers": missing,
        "quality": {},
    }
    quality: dict[str, Any] = data["quality"]

    def peer_scores(peer: Peer, texts: Sequence[str]) -> Scores:
        return {k: np.asarray(v, dtype=np.float32) for k, v in peer.predict(texts).items()}

    # -- TweetEval offensive and hate (binary, macro-F1) ----------------------
    for task, label, source in (
        ("tweeteval_offensive", "toxicity", "tweeteval-offensive"),
        ("tweeteval_hate", "identity_attack", "tweeteval-hate"),
    ):
        echo(f"bench: {task}")
        texts, y, sources = split_rows(label, data_dir)
        keep = [i for i, s in enumerate(sources) if s == source]
        texts = [texts[i] for i in keep]
        y = y[keep]
        rows = {}
        ours = _our_scores(model, texts)[label]
        rows["cyberkind fast"] = round(macro_f1(y, (ours >= thresholds[label]).astype(int), 2), 4)
        for peer in peers:
            if label in peer.labels:
                p = peer_scores(peer, texts)[label]
                rows[peer.name] = round(macro_f1(y, (p >= 0.5).astype(int), 2), 4)
        quality[task] = {"n": len(texts), "label": label, "macro_f1": rows}

    # -- TweetEval emotion (4 classes, argmax of one-vs-rest heads) -----------
    echo("bench: tweeteval_emotion")
    texts, gold, classes = emotion_benchmark(data_dir)
    ours_all = _our_scores(model, texts)
    matrix = np.stack([ours_all[f"tweeteval-emotion:{c}"] for c in classes], axis=1)
    quality["tweeteval_emotion"] = {
        "n": len(texts),
        "macro_f1": {
            "cyberkind fast": round(
                macro_f1(np.asarray(gold), matrix.argmax(axis=1), len(classes)), 4
            )
        },
    }

    # -- GoEmotions (28 labels, thresholds from dev) --------------------------
    echo("bench: goemotions")
    texts, multi_hot, names = goemotions_test(data_dir)
    ours_all = _our_scores(model, texts)
    per_label = {}
    for j, name in enumerate(names):
        head = f"goemotions:{name}"
        pred = (ours_all[head] >= thresholds[head]).astype(int)
        per_label[name] = round(f1_score(multi_hot[:, j], pred), 4)
    quality["goemotions"] = {
        "n": len(texts),
        "macro_f1": {"cyberkind fast": round(float(np.mean(list(per_label.values()))), 4)},
        "per_label_f1": {
            k: per_label[k]
            for k in (
                "gratitude",
                "admiration",
                "caring",
                "sadness",
                "grief",
                "joy",
                "pride",
                "curiosity",
            )
        },
    }

    # -- Every public label: P/R/F1 and calibration on its test split ---------
    echo("bench: public labels")
    labels_report = {}
    for label in model.labels:
        texts, y, sources = split_rows(label, data_dir)
        p = _our_scores(model, texts)[label]
        report: dict[str, Any] = dict(binary_report(y, p, thresholds[label]))
        report["sources"] = sorted(set(sources))
        labels_report[label] = report
    quality["labels"] = labels_report

    # Moments that the issue asks for by name: distress on dreaddit alone, crisis on real texts.
    texts, y, sources = split_rows("distress", data_dir)
    keep = [i for i, s in enumerate(sources) if s == "dreaddit"]
    p = _our_scores(model, [texts[i] for i in keep])["distress"]
    quality["distress_dreaddit"] = binary_report(y[keep], p, thresholds["distress"])
    from ..training.crisis import crisis_eval_real

    real = crisis_eval_real(data_dir)
    p = _our_scores(model, [t for t, _ in real])["crisis"]
    quality["crisis_real"] = binary_report(
        np.asarray([label for _, label in real]), p, thresholds["crisis"]
    )

    # -- Identity bias probe ---------------------------------------------------
    echo("bench: identity probes")
    # Both sides of the trade-off: kind sentences wrongly flagged, hateful ones caught.
    for key, probe in (("identity_probe", identity_fpr), ("identity_hate_recall", identity_recall)):
        rates: dict[str, Any] = {
            "cyberkind fast": probe(lambda t: _our_scores(model, t), thresholds)
        }
        for peer in peers:
            labels = [lab for lab in ("toxicity", "identity_attack") if lab in peer.labels]
            if labels:
                rates[peer.name] = probe(
                    functools.partial(peer_scores, peer), dict.fromkeys(labels, 0.5), labels
                )
        data[key] = rates

    # -- The negativity guard: spans, rewrites, false alarms, latency ----------
    data["guard"] = guard_benchmarks(data_dir, quick=quick, model_dir=model_dir, echo=echo)

    # -- The composer: drafts beside a fixed-template baseline -------------------------
    data["composer"] = composer_benchmarks(data_dir, quick=quick, model_dir=model_dir, echo=echo)

    # -- Replies: one right reply per comment (210 hand-written comments) ----------------
    # Without the fluency judge here (`cyberkind bench --only replies` adds it).
    echo("bench: replies")
    reply_scorer = Scorer("fast", model_dir)
    reply_tiers = [reply_scorer]
    from ...classifiers.reading_tier import reading_available

    if reading_available(model_dir):
        reply_tiers.append(Scorer("reading", model_dir))
    data["replies"] = reply_benchmark(reply_tiers, Guard(reply_scorer))
    data["replies"]["sets"] = more_sets(reply_tiers, Guard(reply_scorer))

    # -- The accurate and cascade tiers, on the same rows --------------------------
    why_not = accurate_available(model_dir)
    if why_not is None:
        data["accurate"] = accurate_benchmarks(
            data_dir,
            encoder_dir,
            model_dir=model_dir,
            embedding_cache=embedding_cache,
            quick=quick,
            echo=echo,
        )
    else:
        data["accurate_missing"] = why_not

    # -- The reading tier (the fine-tuned encoder), on the same rows ---------------
    echo("bench: reading")
    data["reading"] = reading_benchmarks(data_dir, model_dir, quick=quick, echo=echo)

    # -- Speed, memory, cold start (subprocesses, same rows) -------------------
    echo("bench: speed")
    # Unique texts only, so that no tool gains from memoising repeats.
    pool: dict[str, None] = {}
    for head in ("toxicity", "identity_attack", "gratitude", "distress", "question"):
        pool.update(dict.fromkeys(t.replace("\n", " ") for t in split_rows(head, data_dir)[0]))
    speed_texts = list(pool)[: 5_000 if quick else 20_000]
    rows_n = len(speed_texts)
    speed: dict[str, Any] = {"rows": rows_n}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.txt"
        path.write_text("\n".join(t.replace("\n", " ") for t in speed_texts), encoding="utf-8")
        prefixes = {"alt-profanity-check": "alt-profanity-check", "hatesonar": "hatesonar"}
        prefixes["VADER"] = "vadersentiment"
        tools = list(OUR_SPEED_TOOLS) + [
            tool
            for tool, prefix in prefixes.items()
            if any(p.name.lower().startswith(prefix) for p in peers)
        ]
        # Rounds interleave the tools, so that a passing load on this shared machine hits
        # every tool alike; each figure is the median over the rounds.
        rounds: dict[str, list[dict[str, Any]]] = {tool: [] for tool in tools}
        for round_no in range(1 if quick else SPEED_ROUNDS):
            for tool in tools:
                echo(f"bench: speed of {tool} (round {round_no + 1})")
                rounds[tool].append(
                    measure(
                        tool,
                        path,
                        model_dir if tool in OUR_SPEED_TOOLS else None,
                        single=300 if quick else 2000,
                    )
                )
        for tool, runs in rounds.items():
            speed[tool] = _median_run(runs)
    speed["rounds"] = 1 if quick else SPEED_ROUNDS
    data["speed"] = speed
    # The distributed benchmark takes minutes (a million-comment archive scored three times),
    # so it runs on its own (`--only distributed`); its latest report is summarised here.
    data["distributed"] = load_distributed_report(output_dir)
    data["web"] = load_web_report(output_dir)
    data["seconds"] = round(time.perf_counter() - started, 1)
    result = BenchResult(data=data, markdown=_markdown(data))
    if output_dir is not None:
        output_dir.mkdir(parents=True, exist_ok=True)
        (output_dir / "benchmarks.json").write_text(json.dumps(data, indent=2) + "\n")
        (output_dir / "benchmarks.md").write_text(result.markdown)
    return result


def _verdict(value: float | None, target: float, higher_is_better: bool = True) -> str:
    if value is None:
        return "not measured"
    ok = value >= target if higher_is_better else value <= target
    return "met" if ok else "NOT met"


OUR_SPEED_TOOLS = ("cyberkind fast", "cyberkind.score", "cyberkind Scorer.pipe")
"""cyberkind in the speed table: the probability matrix, then the two calls users make."""


def _public_api_speed(speed: Mapping[str, Any]) -> float | None:
    """The slower of ``cyberkind.score`` and ``Scorer.pipe`` (texts/s), as users call them."""
    figures = [
        speed[tool]["texts_per_s"]
        for tool in OUR_SPEED_TOOLS[1:]
        if "texts_per_s" in speed.get(tool, {})
    ]
    return min(figures) if figures else None


def _markdown(data: dict[str, Any]) -> str:
    q = data["quality"]
    ours = "cyberkind fast"
    speed = data["speed"]
    probe = data["identity_probe"]
    worst_probe = max(max(v.values()) for v in probe[ours].values())
    s = speed.get(ours, {})
    public = _public_api_speed(speed)
    apc = speed.get("alt-profanity-check", {})
    acc = data.get("accurate", {}).get("quality", {})

    def quality_row(title: str, task: str, target: float) -> list[Any]:
        fast_value = q[task]["macro_f1"][ours]
        acc_value = acc.get(task, {}).get(ACCURATE)
        best = max(v for v in (fast_value, acc_value) if v is not None)
        return [title, fast_value, acc_value or "-", f">= {target:.2f}", _verdict(best, target)]

    target_rows = [
        quality_row("TweetEval offensive macro-F1", "tweeteval_offensive", 0.80),
        quality_row("TweetEval hate macro-F1", "tweeteval_hate", 0.56),
        quality_row("TweetEval emotion macro-F1", "tweeteval_emotion", 0.78),
        quality_row("GoEmotions 28-label macro-F1", "goemotions", 0.50),
        [
            "Identity probe, worst group FPR",
            worst_probe,
            "-",
            "<= 0.05",
            _verdict(worst_probe, 0.05, higher_is_better=False),
        ],
        [
            "Throughput, all labels, public API (texts/s)",
            public,
            "-",
            f">= alt-profanity-check ({apc.get('texts_per_s', 'n/a')})",
            _verdict(public, apc["texts_per_s"]) if "texts_per_s" in apc else "not measured",
        ],
        [
            "Single-text p99 (ms)",
            s.get("p99_ms"),
            "-",
            "<= 5",
            _verdict(s.get("p99_ms"), 5.0, False),
        ],
        [
            "Import + load (s)",
            s.get("cold_start_s"),
            "-",
            "<= 1",
            _verdict(s.get("cold_start_s"), 1.0, False),
        ],
        [
            "Peak RSS (MB)",
            s.get("peak_rss_mb"),
            "-",
            "<= 300",
            _verdict(s.get("peak_rss_mb"), 300.0, False),
        ],
    ]
    target_rows += guard_target_rows(data["guard"])
    target_rows += composer_target_rows(data["composer"])
    peer_names = sorted(
        {n for task in ("tweeteval_offensive", "tweeteval_hate") for n in q[task]["macro_f1"]}
        - {ours}
    )
    side_rows = []
    for task in ("tweeteval_offensive", "tweeteval_hate"):
        row = [task, q[task]["n"], q[task]["macro_f1"][ours]]
        row += [q[task]["macro_f1"].get(n, "-") for n in peer_names]
        side_rows.append(row)
    label_rows = [
        [
            name,
            ", ".join(r["sources"]),
            r["n"],
            r["positives"],
            r["threshold"],
            r["precision"],
            r["recall"],
            r["f1"],
            r["average_precision"],
            r["ece"],
        ]
        for name, r in q["labels"].items()
    ]
    moment_rows = []
    for key, title in (
        ("distress_dreaddit", "distress, dreaddit test split"),
        ("crisis_real", "crisis, real texts reviewed by the developers"),
    ):
        if key in q:
            r = q[key]
            moment_rows.append(
                [title, r["n"], r["positives"], r["precision"], r["recall"], r["f1"]]
            )
    for key, title in (
        ("celebration", "celebration, li2014 vs non-events test split"),
        ("crisis", "crisis, generated test split (unseen template families)"),
    ):
        r = q["labels"][key]
        moment_rows.append([title, r["n"], r["positives"], r["precision"], r["recall"], r["f1"]])
    groups = list(probe[ours])
    probe_header = ["group"] + [
        f"{tool}: {lab}" for tool in probe for lab in next(iter(probe[tool].values()))
    ]
    probe_rows = [
        [g] + [f"{probe[tool][g][lab]:.1%}" for tool in probe for lab in probe[tool][g]]
        for g in groups
    ]
    hate = data["identity_hate_recall"]
    hate_header = ["group"] + [
        f"{tool}: {lab}" for tool in hate for lab in next(iter(hate[tool].values()))
    ]
    hate_rows = [
        [g] + [f"{hate[tool][g][lab]:.1%}" for tool in hate for lab in hate[tool][g]]
        for g in groups
    ]
    speed_rows = [
        [
            tool,
            r.get("texts_per_s", "-"),
            r.get("p50_ms", "-"),
            r.get("p99_ms", "-"),
            r.get("cold_start_s", "-"),
            r.get("peak_rss_mb", "-"),
            r.get("error", ""),
        ]
        for tool, r in speed.items()
        if isinstance(r, dict)
    ]
    peers = "\n".join(f"- **{n}**: {note}" for n, note in data["peers"].items()) or "- none"
    missing = "\n".join(f"- {n}: {fix}" for n, fix in data["missing_peers"].items())
    return f"""# Benchmarks

Written by `cyberkind bench` ({data["seconds"]} s on Python {data["machine"]["python"]},
{data["machine"]["platform"]}; 2 cores, no GPU). Every number in the first five tables was
measured in that one run, on the same rows for every tool. Published figures are quoted
separately at the end. Nothing was tuned on a test split: thresholds come from dev splits.

## Targets

{_table(["benchmark", ours, ACCURATE, "target", "verdict (best tier)"], target_rows)}

### Targets not met: what was tried

{NOTES_ON_TARGETS}
## Side by side with peers (macro-F1, official test splits)
Peers are scored at their own 0.5 threshold, ours at the thresholds tuned on dev.

{_table(["task", "n", ours, *peer_names], side_rows)}

TweetEval emotion (4 classes, argmax): {q["tweeteval_emotion"]["macro_f1"][ours]:.3f} macro-F1
on {q["tweeteval_emotion"]["n"]} tweets. GoEmotions (28 labels incl. neutral, per-label
thresholds from dev): {q["goemotions"]["macro_f1"][ours]:.3f} macro-F1 on
{q["goemotions"]["n"]} comments; per-label F1:
{", ".join(f"{k} {v:.3f}" for k, v in q["goemotions"]["per_label_f1"].items())}.

Peers in this run:
{peers}
{("Not installed (so not measured):" + chr(10) + missing) if missing else ""}

{accurate_markdown(data, q)}
{reading_markdown(data)}
## Every label: test split, default threshold, calibration
ECE = expected calibration error (15 equal-width bins) of the calibrated probability.

{
        _table(
            ["label", "test sources", "n", "pos", "threshold", "P", "R", "F1", "AP", "ECE"],
            label_rows,
        )
    }

## Moments

{_table(["set", "n", "pos", "P", "R", "F1"], moment_rows)}

## Identity bias probe (false-positive rate on non-hateful sentences)

{_table(probe_header, probe_rows)}

### The other side: hateful sentences about the same groups (recall, higher is better)
A low false-positive rate is only half the story: these plainly hateful sentences
(`cyberkind.lab.bench.probes.HATEFUL_TEMPLATES`) should all be flagged.

{_table(hate_header, hate_rows)}

{guard_markdown(data["guard"])}
{composer_markdown(data["composer"])}
{replies_markdown(data["replies"], "## Replies")}
{more_sets_markdown(data["replies"]["sets"])}
## Speed, memory and cold start
{speed["rows"]:,} unique short texts (the test splits of toxicity, identity_attack, gratitude,
distress and question: tweets, Reddit and Civil Comments posts), batches of 1,024, each tool in
a fresh subprocess; each figure is the median of {speed["rounds"]} rounds that interleave the
tools. Every tool warms up on 2,000 texts and is then timed on texts it has not seen.
Throughput counts every label a tool outputs in one pass (ours: 16). cyberkind is timed as
users call it, `cyberkind.score(texts)` and `Scorer.pipe(texts)` (a dict per text; the
target row takes the slower of the two), and through `Scorer.predict_proba` (`cyberkind
fast`: a probability matrix, the shape alt-profanity-check's `predict_prob` returns).
Cold start = import + model load + first call. p50/p99 = one text per call.

{
        _table(
            ["tool", "texts/s", "p50 ms", "p99 ms", "cold start s", "peak RSS MB", "error"],
            speed_rows,
        )
    }

{web_summary(data.get("web"))}
{distributed_summary(data.get("distributed"))}
## Published figures (quoted, not measured here)

{_table(["benchmark", "system", "figure", "source"], PUBLISHED)}
"""
