"""The negativity guard's benchmarks: spans, rewrites, false alarms and latency.

Everything is measured through the guard's public API (:class:`~cyberkind.guard.Guard`), so
whatever span model the guard uses is what gets measured:

- **Spans**: SemEval-2021 Toxic Spans *test* split, mean per-text character F1 of
  :meth:`Guard.explain` (the headline: it marks the toxic words of any text, which is what the
  task asks, since every text in it is toxic) and of the verdict's spans (``check``: none when
  the verdict is ``ok``).
- **Rewrites**: ParaDetox's held-out 10% and APPDIA's test split through
  :func:`~cyberkind.lab.bench.rewrite.run_rewrite_benchmark`, with the guard's own verdict as the
  style judge (``ok`` is a success) and the guard's rewrite as the system. Where the guard
  flags a draft but declines to rewrite it, the source is counted unchanged: a style failure.
  Side by side: ``identity`` and ``delete_flagged`` (the guard's spans deleted).
- **False alarms**: the share of ``hold`` verdicts on TweetEval offensive's non-offensive
  *test* tweets and on the identity probe's kind sentences (:mod:`.probes`).
- **Latency**: wall time of one ``check`` call, rewrite included, on varied drafts (toxic
  ParaDetox training sources and TweetEval offensive training tweets, most of them clean),
  measured before anything else in a fresh guard so that no cache has seen them.

Nothing here is tuned on: the test and held-out rows are only read.

**Usage**::

    >>> report = guard_benchmarks(Path("../shared/data"), quick=True)
    >>> report["spans"]["f1_explain"], report["latency"]["p99_ms"]
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ...guard.metrics import char_offsets, span_f1
from ..guard_evaluate import read_toxic_spans, read_tweeteval_offensive
from .fluency import FluencyJudge, acceptability
from .probes import probe_sentences
from .rewrite import (
    FastTierGuard,
    calibrate_fluency,
    delete_baseline,
    joint_score,
    run_rewrite_benchmark,
    sentence_chrf,
)

if TYPE_CHECKING:
    from ...guard import Guard, Verdict

from ._report import table as _table

__all__ = [
    "GUARD_TARGETS",
    "PUBLISHED_SPANS",
    "QUICK_ROWS",
    "GuardRunner",
    "guard_benchmarks",
    "guard_markdown",
    "guard_target_rows",
]

GUARD_TARGETS: dict[str, float] = {
    "toxic_spans_test_f1": 0.68,
    "rewrite_style_accuracy": 0.90,
    "hold_rate_max": 0.02,
    "check_p99_ms": 20.0,
}
"""The issue's targets for the guard (issue 3, "Benchmarks and targets")."""

PUBLISHED_SPANS = (
    "SemEval-2021 Toxic Spans test, char F1",
    "HITSZ-HLT (ensemble of BERT-style taggers), 1st of 91",
    "0.7083",
    "Zhu et al. 2021, SemEval-2021 Task 5, doi:10.18653/v1/2021.semeval-1.63",
)
"""The best published Toxic Spans result, quoted (not measured here)."""

QUICK_ROWS = 40
"""Rows per set with ``quick`` (smoke tests)."""
LATENCY_DRAFTS = 1_000
_QUICK_LATENCY_DRAFTS = 100


class GuardRunner:
    """The guard as the rewrite benchmark's system, judge and flagger, each text checked once.

    - :meth:`rewrite`: the guard's rewrite; the source unchanged where the verdict is ``ok``
      or the guard declines;
    - :meth:`is_ok`: the guard's verdict is ``ok`` (an empty text has nothing to flag);
    - :meth:`spans`: the verdict's spans, for the delete-the-flagged-words baseline.

    **Usage**::

        >>> runner = GuardRunner(Guard())
        >>> runner.rewrite(["you're an idiot who ignores the budget"])
        ['your argument ignores the budget']
    """

    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self._checked: dict[str, Verdict] = {}
        self._judged: dict[str, bool] = {}

    def verdict(self, text: str) -> Verdict:
        """The full verdict of ``text``, rewrite included (memoised)."""
        if text not in self._checked:
            self._checked[text] = self.guard.check(text)
        return self._checked[text]

    def rewrite(self, texts: Sequence[str]) -> list[str]:
        """The guard's rewrite of each text, or the text itself where there is none."""
        out = []
        for text in texts:
            v = self.verdict(text) if text.strip() else None
            out.append(v.rewrite if v is not None and v.rewrite is not None else text)
        return out

    def is_ok(self, texts: Sequence[str]) -> list[bool]:
        """True where the guard's verdict is ``ok``."""
        out = []
        for text in texts:
            if text not in self._judged:
                ok = not text.strip() or self.guard.check(text, suggest=False).verdict == "ok"
                self._judged[text] = ok
            out.append(self._judged[text])
        return out

    def spans(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        """The character spans of every reason the guard gives each text."""
        return [
            [(s.start, s.end) for s in self.verdict(t).spans] if t.strip() else [] for t in texts
        ]

    def outcomes(self, texts: Sequence[str]) -> dict[str, float]:
        """Shares of ``texts`` the guard passes (``ok``), rewrites, and flags but declines."""
        n = max(1, len(texts))
        verdicts = [self.verdict(t) for t in texts if t.strip()]
        ok = sum(v.verdict == "ok" for v in verdicts)
        rewritten = sum(v.verdict != "ok" and v.rewrite is not None for v in verdicts)
        return {
            "ok_as_written": ok / n,
            "rewritten": rewritten / n,
            "declined": (len(verdicts) - ok - rewritten) / n,
        }


def _latency(guard: Guard, drafts: Sequence[str]) -> dict[str, Any]:
    for text in drafts[:10]:  # warm up: imports, lazy loads
        guard.check(text)
    times = []
    for text in drafts[10:]:
        start = time.perf_counter()
        guard.check(text)
        times.append((time.perf_counter() - start) * 1000.0)
    arr = np.asarray(times)
    return {
        "n": len(times),
        "p50_ms": round(float(np.percentile(arr, 50)), 2),
        "p99_ms": round(float(np.percentile(arr, 99)), 2),
        "max_ms": round(float(arr.max()), 2),
        "mean_ms": round(float(arr.mean()), 2),
    }


def _latency_drafts(data_dir: Path, n: int, seed: int) -> tuple[list[str], float]:
    """``n`` unique drafts, half toxic ParaDetox training sources, half TweetEval tweets."""
    from ..training.detox import detox_pairs

    toxic = list(dict.fromkeys(s for s, _ in detox_pairs(data_dir, "train", seed)))
    tweets, _ = read_tweeteval_offensive(data_dir, "train")
    rng = random.Random(seed)
    half = n // 2
    picked = rng.sample(toxic, min(half, len(toxic)))
    pool = [t for t in dict.fromkeys(tweets) if t.strip()]
    picked += rng.sample(pool, min(n - len(picked), len(pool)))
    rng.shuffle(picked)
    return picked, half / max(1, len(picked))


def _hold_rates(guard: Guard, texts: Sequence[str]) -> dict[str, Any]:
    levels = [guard.check(t, suggest=False).verdict for t in texts if t.strip()]
    n = max(1, len(texts))
    return {
        "n": len(texts),
        "hold_rate": round(sum(v == "hold" for v in levels) / n, 4),
        "reconsider_rate": round(sum(v == "reconsider" for v in levels) / n, 4),
    }


def guard_benchmarks(
    data_dir: Path,
    *,
    quick: bool = False,
    limit: int | None = None,
    model_dir: Path | None = None,
    seed: int = 0,
    echo: Callable[[str], None] = lambda _line: None,
    fluency: FluencyJudge | None = None,
) -> dict[str, Any]:
    """Run every guard benchmark of the module docstring; return JSON-able results.

    ``quick`` keeps to :data:`QUICK_ROWS` rows per set and 100 latency drafts; ``limit`` sets
    the rows per set explicitly. ``model_dir`` is a folder from ``cyberkind train``.
    ``fluency`` adds J with fluency (``j_fluency``) for the guard and the delete baseline,
    overall and on the rows the guard rewrites; the threshold is calibrated on ParaDetox
    training rows with the fast tier's flagger (:func:`~.rewrite.calibrate_fluency`).
    """
    from ...engine import Scorer
    from ...guard import Guard

    started = time.perf_counter()
    rows = limit if limit is not None else (QUICK_ROWS if quick else None)
    guard = Guard(Scorer("fast", model_dir))
    out: dict[str, Any] = {"rows_per_set": rows, "seed": seed}

    # Latency first, in a fresh guard, so that no cache has seen the drafts.
    echo("bench: guard latency")
    n_drafts = (_QUICK_LATENCY_DRAFTS if quick else LATENCY_DRAFTS) + 10
    drafts, toxic_share = _latency_drafts(data_dir, n_drafts, seed)
    out["latency"] = {**_latency(guard, drafts), "toxic_share": round(toxic_share, 3)}

    echo("bench: guard spans (Toxic Spans test)")
    texts, gold = read_toxic_spans(data_dir, "test")
    texts, gold = texts[:rows], gold[:rows]
    explained = [
        char_offsets((s.start, s.end) for s in guard.explain(t)) if t.strip() else [] for t in texts
    ]
    verdicts = [guard.check(t, suggest=False) if t.strip() else None for t in texts]
    checked = [char_offsets((s.start, s.end) for s in v.spans) if v else [] for v in verdicts]
    out["spans"] = {
        "split": "test",
        "n": len(texts),
        "f1_explain": round(span_f1(explained, gold), 4),
        "f1_check": round(span_f1(checked, gold), 4),
        "headline": "f1_explain",
        "check_ok_share": round(
            sum(v is None or v.verdict == "ok" for v in verdicts) / max(1, len(texts)), 4
        ),
        "empty_gold_share": round(sum(not g for g in gold) / max(1, len(gold)), 4),
    }

    echo("bench: guard rewrites (ParaDetox held-out, APPDIA test)")
    runner = GuardRunner(guard)
    featurizer = getattr(getattr(guard.scorer, "model", None), "featurizer", None)
    calibration = None
    if fluency is not None:
        echo("bench: fluency calibration (ParaDetox training rows)")
        calibration = calibrate_fluency(
            fluency, FastTierGuard(guard.scorer).spans, data_dir, seed=seed
        )
    report = run_rewrite_benchmark(
        runner.rewrite,
        runner.is_ok,
        runner.spans,
        data_dir,
        limit=rows,
        seed=seed,
        featurizer=featurizer,
        fluency=fluency,
        fluency_systems=("delete_flagged", "rewriter"),
        fluency_calibration=calibration,
    )
    for name, result in report["sets"].items():
        systems = result["systems"]
        systems["guard"] = systems.pop("rewriter")
        result["systems"] = {
            k: systems[k] for k in ("identity", "delete_flagged", "guard", "human")
        }
        del result["examples"]
        sources = _sources(data_dir, name, rows, seed)
        result["guard_outcomes"] = {k: round(v, 4) for k, v in runner.outcomes(sources).items()}
        result["on_rewritten_rows"] = _paired(
            runner, sources, fluency, calibration["threshold"] if calibration else None
        )
        guard_m, base_m = systems["guard"], systems["delete_flagged"]
        result["beats_baseline"] = bool(
            guard_m["j"] > base_m["j"]
            and guard_m["style_accuracy"] >= GUARD_TARGETS["rewrite_style_accuracy"]
        )
        if guard_m.get("j_fluency") is not None:
            result["beats_baseline_with_fluency"] = bool(
                guard_m["j_fluency"] > base_m["j_fluency"]
                and guard_m["style_accuracy"] >= GUARD_TARGETS["rewrite_style_accuracy"]
            )
    report["definitions"] = {
        **report["definitions"],
        "style_accuracy": "share of outputs the guard itself scores ok",
        "guard": "the guard's rewrite; the source unchanged where it declines or finds it ok",
        "delete_flagged": "the guard's spans deleted from the source, gaps tidied",
    }
    out["rewrite"] = report

    echo("bench: guard false alarms")
    tweets, labels = read_tweeteval_offensive(data_dir, "test")
    kind_tweets = [t for t, y in zip(tweets, labels, strict=True) if y == 0][:rows]
    probes = [s for group in probe_sentences().values() for s in group][:rows]
    out["false_alarms"] = {
        "tweeteval_offensive_test_nonoffensive": _hold_rates(guard, kind_tweets),
        "identity_probe_kind": _hold_rates(guard, probes),
    }
    out["seconds"] = round(time.perf_counter() - started, 1)
    return out


def _paired(
    runner: GuardRunner,
    sources: Sequence[str],
    fluency: FluencyJudge | None = None,
    threshold: float | None = None,
) -> dict[str, Any]:
    """J of the guard and of the delete baseline on the rows the guard rewrote (same rows)."""
    rows = [s for s in sources if s.strip() and runner.verdict(s).rewrite is not None]
    outputs = {
        "guard": runner.rewrite(rows),
        "delete_flagged": [
            delete_baseline(s, sp) for s, sp in zip(rows, runner.spans(rows), strict=True)
        ],
    }
    out: dict[str, Any] = {"n": len(rows)}
    for system, ys in outputs.items():
        sim = [sentence_chrf(y, [x]) / 100.0 for x, y in zip(rows, ys, strict=True)]
        ok = runner.is_ok(ys)
        out[f"j_{system}"] = round(joint_score(ok, sim, ys), 4) if rows else None
        if fluency is not None and threshold is not None and rows:
            fl = acceptability(fluency.mean(ys), fluency.mean(rows), threshold)
            out[f"j_fluency_{system}"] = round(joint_score(ok, sim, ys, fl), 4)
            out[f"fluent_{system}"] = round(sum(fl) / len(fl), 4)
    return out


def _sources(data_dir: Path, name: str, rows: int | None, seed: int) -> list[str]:
    from .rewrite import appdia_test, paradetox_heldout

    items = (
        paradetox_heldout(data_dir, seed) if name == "paradetox_heldout" else appdia_test(data_dir)
    )
    return [s for s, _ in (items[:rows] if rows is not None else items)]


def _verdict(value: float, target: float, higher_is_better: bool = True) -> str:
    ok = value >= target if higher_is_better else value <= target
    return "met" if ok else "NOT met"


def guard_target_rows(g: dict[str, Any]) -> list[list[Any]]:
    """Rows for the targets table: ``[benchmark, value, "-", target, verdict]``."""
    t = GUARD_TARGETS
    f1 = g["spans"]["f1_explain"]
    rows: list[list[Any]] = [
        ["Guard: Toxic Spans test char F1 (explain)", f1, "-", f">= {t['toxic_spans_test_f1']:.2f}",
         _verdict(f1, t["toxic_spans_test_f1"])],
    ]  # fmt: skip
    for name, title in (("paradetox_heldout", "ParaDetox held-out"), ("appdia_test", "APPDIA")):
        result = g["rewrite"]["sets"][name]
        sta = result["systems"]["guard"]["style_accuracy"]
        rows.append([f"Guard rewrite style accuracy, {title}", sta, "-",
                     f">= {t['rewrite_style_accuracy']:.2f}",
                     _verdict(sta, t["rewrite_style_accuracy"])])  # fmt: skip
        j, base = result["systems"]["guard"]["j"], result["systems"]["delete_flagged"]["j"]
        rows.append([f"Guard rewrite J, {title}", j, "-", f"> delete baseline ({base:.3f})",
                     "met" if result["beats_baseline"] else "NOT met"])  # fmt: skip
    for key, title in (
        ("tweeteval_offensive_test_nonoffensive", "TweetEval offensive test, non-offensive"),
        ("identity_probe_kind", "identity probe, kind sentences"),
    ):
        rate = g["false_alarms"][key]["hold_rate"]
        rows.append([f"Guard hold rate, {title}", rate, "-", f"<= {t['hold_rate_max']:.2f}",
                     _verdict(rate, t["hold_rate_max"], False)])  # fmt: skip
    p99 = g["latency"]["p99_ms"]
    target = t["check_p99_ms"]
    rows.append(["Guard check p99, rewrite included (ms)", p99, "-", f"<= {target:.0f}",
                 _verdict(p99, target, False)])  # fmt: skip
    return rows


def _one(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def guard_markdown(g: dict[str, Any]) -> str:
    """The guard section of the benchmark report (Markdown, starting ``## Negativity guard``)."""
    sp = g["spans"]
    lat = g["latency"]
    fa = g["false_alarms"]
    parts = [
        "## Negativity guard",
        "",
        "Measured through the guard's public API (`cyberkind.Guard`), on the fast tier. "
        + (f"First {g['rows_per_set']} rows of each set. " if g["rows_per_set"] else "")
        + f"{g['seconds']} s.",
        "",
        "### Spans: SemEval-2021 Toxic Spans, test split",
        "",
        _table(
            ["spans", "n", "char F1"],
            [
                [
                    "`Guard.explain` (headline: the toxic words whatever the verdict)",
                    sp["n"],
                    sp["f1_explain"],
                ],
                ["`check` verdict spans (none where the verdict is ok)", sp["n"], sp["f1_check"]],
            ],
        ),
        "",
        f"`check` says ok to {sp['check_ok_share']:.1%} of these texts; "
        f"{sp['empty_gold_share']:.1%} have no gold span. Best published: "
        f"{PUBLISHED_SPANS[2]} ({PUBLISHED_SPANS[1]}; {PUBLISHED_SPANS[3]}).",
        "",
        "### Rewrites, judged by the guard itself",
        "",
        "Style accuracy = share of outputs the guard scores `ok`. `guard`: the guard's rewrite; "
        "where it flags a draft but declines, the source is counted unchanged (a style "
        "failure). `delete_flagged`: the guard's spans deleted. J has no fluency term "
        "(docs/rewrite.md).",
    ]
    header = ["system", "style acc.", "content chrF", "content cosine", "chrF vs human",
              "BLEU vs human", "J (chrF)", "J (cosine)", "changed", "empty"]  # fmt: skip
    for name, title in (
        ("paradetox_heldout", "ParaDetox held-out 10%"),
        ("appdia_test", "APPDIA test"),
    ):
        result = g["rewrite"]["sets"][name]
        rows = [
            [system, m["style_accuracy"], _one(m["content_chrf"]), m["content_cosine"],
             _one(m["ref_chrf"]), _one(m["ref_bleu"]), m["j"], m["j_cosine"], m["changed"],
             m["empty"]]
            for system, m in result["systems"].items()
        ]  # fmt: skip
        o = result["guard_outcomes"]
        p = result["on_rewritten_rows"]
        verdict = "beats" if result["beats_baseline"] else "does not beat"
        paired = (
            f" On the {p['n']} rows it rewrites, J is {p['j_guard']:.3f} for the guard and "
            f"{p['j_delete_flagged']:.3f} for the baseline."
            if p["n"]
            else ""
        )
        parts += [
            "",
            f"**{title}** ({result['n']} rows): the guard passes {o['ok_as_written']:.1%} as "
            f"written, rewrites {o['rewritten']:.1%} and declines {o['declined']:.1%}; it "
            f"{verdict} the delete baseline on J with style accuracy >= 0.90.{paired}",
            "",
            _table(header, rows),
        ]
    parts += [
        "",
        "### False alarms and latency",
        "",
        _table(
            ["set", "n", "hold rate", "reconsider rate"],
            [
                [
                    "TweetEval offensive test, non-offensive tweets",
                    fa["tweeteval_offensive_test_nonoffensive"]["n"],
                    fa["tweeteval_offensive_test_nonoffensive"]["hold_rate"],
                    fa["tweeteval_offensive_test_nonoffensive"]["reconsider_rate"],
                ],
                [
                    "identity probe, kind sentences",
                    fa["identity_probe_kind"]["n"],
                    fa["identity_probe_kind"]["hold_rate"],
                    fa["identity_probe_kind"]["reconsider_rate"],
                ],
            ],
        ),
        "",
        f"`check` on one draft, rewrite included, {lat['n']} drafts ({lat['toxic_share']:.0%} "
        "toxic ParaDetox training sources, the rest TweetEval training tweets), one call at a "
        f"time: p50 {lat['p50_ms']:.2f} ms, p99 {lat['p99_ms']:.2f} ms, max "
        f"{lat['max_ms']:.2f} ms, mean {lat['mean_ms']:.2f} ms.",
        "",
    ]
    return "\n".join(parts)
