"""`cyberkind bench --quick` end to end: real data, real peers, real subprocesses.

Targets are never asserted here (they live in docs/benchmarks.md); this checks that every
benchmark runs and reports, so the table cannot silently rot.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cyberkind.lab.bench.accurate import accurate_available
from cyberkind.lab.bench.guard import QUICK_ROWS
from cyberkind.lab.bench.runner import run_benchmarks


@pytest.mark.slow
def test_quick_bench_writes_every_section(data_dir: Path, tmp_path: Path) -> None:
    result = run_benchmarks(data_dir, tmp_path, quick=True, encoder_dir=tmp_path / "encoders")
    data = json.loads((tmp_path / "benchmarks.json").read_text())
    md = (tmp_path / "benchmarks.md").read_text()
    assert md == result.markdown
    for section in (
        "## Targets",
        "## Side by side with peers",
        "## Every label",
        "## Moments",
        "## Identity bias probe",
        "## Negativity guard",
        "### Spans: SemEval-2021 Toxic Spans, test split",
        "### Rewrites, judged by the guard itself",
        "### False alarms and latency",
        "## Composer: drafts beside a fixed-template baseline",
        "### The EPITOME evaluator (evaluation only, trained at bench time, never shipped)",
        "## Speed, memory and cold start",
        "## Distributed batch scoring",
        "## Published figures",
    ):
        assert section in md
    quality = data["quality"]
    for task in ("tweeteval_offensive", "tweeteval_hate", "tweeteval_emotion", "goemotions"):
        assert 0.0 < quality[task]["macro_f1"]["cyberkind fast"] <= 1.0
    assert set(quality["labels"]) >= {"toxicity", "crisis", "celebration", "question"}
    ours = data["speed"]["cyberkind fast"]
    assert ours["texts_per_s"] > 0 and ours["peak_rss_mb"] > 0
    assert "cyberkind fast" in data["identity_probe"]
    assert "cyberkind fast" in data["identity_hate_recall"]
    assert "### The other side: hateful sentences" in md
    guard = data["guard"]
    assert set(guard) >= {"spans", "rewrite", "false_alarms", "latency", "rows_per_set"}
    assert guard["rows_per_set"] == QUICK_ROWS
    assert set(guard["spans"]) >= {"f1_explain", "f1_check", "n", "headline"}
    for name in ("paradetox_heldout", "appdia_test"):
        result = guard["rewrite"]["sets"][name]
        assert set(result["systems"]) == {"identity", "delete_flagged", "guard", "human"}
        assert {"guard_outcomes", "beats_baseline", "on_rewritten_rows"} <= set(result)
    assert set(guard["false_alarms"]) == {
        "tweeteval_offensive_test_nonoffensive",
        "identity_probe_kind",
    }
    assert {"p50_ms", "p99_ms"} <= set(guard["latency"])
    assert "Guard: Toxic Spans test char F1 (explain)" in md
    assert "Guard check p99, rewrite included (ms)" in md
    assert data["composer"]["systems"]["cyberkind"]["all"]["guard_pass"] == 1.0
    assert "Composer guard pass rate" in md
    assert "## The frozen tiers (formerly accurate and cascade)" in md
    if accurate_available() is None:
        acc = data["accurate"]
        for task in ("tweeteval_offensive", "tweeteval_hate", "tweeteval_emotion", "goemotions"):
            assert 0.0 < acc["quality"][task]["cyberkind frozen"] <= 1.0
            assert 0.0 < acc["quality"][task]["cyberkind frozen-cascade"] <= 1.0
        assert 0.0 < acc["cascade_share"] < 1.0
        assert acc["speed"]["cyberkind frozen-cascade"]["texts_per_s"] > 0
    else:
        assert "Not measured in this run" in md


def test_probes_cover_every_group_both_ways() -> None:
    from cyberkind.lab.bench.probes import GROUPS, hateful_sentences, probe_sentences

    kind, hateful = probe_sentences(), hateful_sentences()
    assert set(kind) == set(hateful) == set(GROUPS)
    for group in GROUPS:
        assert len(set(kind[group])) == len(kind[group]) >= 16
        assert len(set(hateful[group])) == len(hateful[group]) >= 8
        assert not set(kind[group]) & set(hateful[group])
