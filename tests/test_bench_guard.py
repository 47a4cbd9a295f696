"""The guard's benchmark section: the runner adapter, the report, the CLI, on real data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.guard import Guard
from cyberkind.lab.bench.guard import (
    GUARD_TARGETS,
    PUBLISHED_SPANS,
    GuardRunner,
    guard_benchmarks,
    guard_markdown,
    guard_target_rows,
)

SYSTEMS = ("identity", "delete_flagged", "guard", "human")


@pytest.fixture(scope="module")
def runner() -> GuardRunner:
    return GuardRunner(Guard())


def test_runner_rewrites_judges_and_flags(runner: GuardRunner) -> None:
    texts = [
        "you're an idiot who ignores the budget",  # rewritten
        "Thanks, this helped a lot",  # ok as written
        "I will kill you",  # declined: a threat
    ]
    assert runner.rewrite(texts) == [
        "your argument ignores the budget",
        "Thanks, this helped a lot",
        "I will kill you",  # no rewrite: the source, unchanged
    ]
    assert runner.is_ok(texts) == [False, True, False]
    assert runner.is_ok(["", "your argument ignores the budget"]) == [True, True]
    spans = runner.spans(texts)
    assert spans[1] == [] and spans[0] and spans[2]
    assert all(texts[0][s:e] for s, e in spans[0])
    assert runner.outcomes(texts) == pytest.approx(
        {"ok_as_written": 1 / 3, "rewritten": 1 / 3, "declined": 1 / 3}
    )


def test_runner_checks_each_text_once(runner: GuardRunner) -> None:
    text = "this is fucking ridiculous"
    first = runner.verdict(text)
    assert runner.verdict(text) is first
    assert runner.rewrite([text]) == [first.rewrite]


def _metrics(sta: float, j: float) -> dict[str, Any]:
    return {
        "n": 10, "style_accuracy": sta, "content_chrf": 90.0, "content_cosine": 0.9,
        "ref_chrf": 70.0, "ref_bleu": 50.0, "j": j, "j_cosine": j, "changed": 0.5, "empty": 0.0,
    }  # fmt: skip


def _report(beats: bool) -> dict[str, Any]:
    sets = {
        name: {
            "n": 10,
            "systems": {
                "identity": _metrics(0.2, 0.2),
                "delete_flagged": _metrics(0.95, 0.80),
                "guard": _metrics(0.93 if beats else 0.80, 0.85 if beats else 0.70),
                "human": {**_metrics(0.9, 0.6), "ref_chrf": None, "ref_bleu": None},
            },
            "guard_outcomes": {"ok_as_written": 0.1, "rewritten": 0.7, "declined": 0.2},
            "on_rewritten_rows": {"n": 7, "j_guard": 0.8, "j_delete_flagged": 0.81},
            "beats_baseline": beats,
        }
        for name in ("paradetox_heldout", "appdia_test")
    }
    return {
        "rows_per_set": 10,
        "seed": 0,
        "seconds": 1.5,
        "latency": {
            "n": 100,
            "p50_ms": 1.5,
            "p99_ms": 12.0,
            "max_ms": 30.0,
            "mean_ms": 2.0,
            "toxic_share": 0.5,
        },
        "spans": {
            "split": "test",
            "n": 10,
            "f1_explain": 0.6,
            "f1_check": 0.55,
            "headline": "f1_explain",
            "check_ok_share": 0.2,
            "empty_gold_share": 0.1,
        },
        "rewrite": {"sets": sets, "definitions": {}},
        "false_alarms": {
            "tweeteval_offensive_test_nonoffensive": {
                "n": 10,
                "hold_rate": 0.0,
                "reconsider_rate": 0.1,
            },
            "identity_probe_kind": {"n": 10, "hold_rate": 0.05, "reconsider_rate": 0.0},
        },
    }


@pytest.mark.parametrize("beats", [True, False])
def test_target_rows_give_a_verdict_per_target(beats: bool) -> None:
    rows = {row[0]: row for row in guard_target_rows(_report(beats))}
    assert rows["Guard: Toxic Spans test char F1 (explain)"][-1] == "NOT met"  # 0.6 < 0.68
    assert rows["Guard check p99, rewrite included (ms)"][-1] == "met"
    assert rows["Guard hold rate, identity probe, kind sentences"][-1] == "NOT met"
    assert rows["Guard hold rate, TweetEval offensive test, non-offensive"][-1] == "met"
    for title in ("ParaDetox held-out", "APPDIA"):
        expected = "met" if beats else "NOT met"
        assert rows[f"Guard rewrite J, {title}"][-1] == expected
        assert rows[f"Guard rewrite style accuracy, {title}"][-1] == expected
    assert all(len(row) == 5 for row in rows.values())


def test_markdown_has_every_part() -> None:
    md = guard_markdown(_report(False))
    for part in (
        "## Negativity guard",
        "### Spans: SemEval-2021 Toxic Spans, test split",
        "### Rewrites, judged by the guard itself",
        "**ParaDetox held-out 10%** (10 rows)",
        "**APPDIA test** (10 rows)",
        "does not beat the delete baseline",
        "On the 7 rows it rewrites",
        "### False alarms and latency",
        "p99 12.00 ms",
        PUBLISHED_SPANS[2],
    ):
        assert part in md
    for system in SYSTEMS:
        assert f"| {system} |" in md
    assert "beats the delete baseline" in guard_markdown(_report(True))
    assert GUARD_TARGETS["check_p99_ms"] == 20.0


def _check_report(report: dict[str, Any], rows: int) -> None:
    assert set(report) >= {"latency", "spans", "rewrite", "false_alarms", "seconds"}
    assert report["spans"]["n"] == rows
    for key in ("f1_explain", "f1_check"):
        assert 0.0 < report["spans"][key] <= 1.0
    for name in ("paradetox_heldout", "appdia_test"):
        result = report["rewrite"]["sets"][name]
        assert result["n"] == rows
        assert set(result["systems"]) == set(SYSTEMS)
        guard = result["systems"]["guard"]
        assert 0.0 <= guard["j"] <= guard["style_accuracy"] <= 1.0
        assert sum(result["guard_outcomes"].values()) == pytest.approx(1.0, abs=1e-3)
        assert isinstance(result["beats_baseline"], bool)
        assert result["on_rewritten_rows"]["n"] <= rows
    for rates in report["false_alarms"].values():
        assert rates["n"] == rows and 0.0 <= rates["hold_rate"] <= 1.0
    latency = report["latency"]
    assert 0.0 < latency["p50_ms"] <= latency["p99_ms"] <= latency["max_ms"]


@pytest.mark.data
def test_guard_benchmarks_on_real_data(data_dir: Path) -> None:
    report = guard_benchmarks(data_dir, quick=True, limit=12)
    _check_report(report, 12)
    assert report["latency"]["n"] == 100
    json.dumps(report)  # JSON-able


@pytest.mark.data
def test_bench_cli_only_guard(data_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            *("bench", "--only", "guard", "--quick", "--limit", "8"),
            *("--output-dir", str(tmp_path), "--setting", "data_dir", str(data_dir)),
        ],
    )
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "guard_benchmark.json").read_text())
    _check_report(written, 8)
    md = (tmp_path / "guard_benchmark.md").read_text()
    assert md.startswith("## Negativity guard")
    assert md in result.stdout
    assert not (tmp_path / "benchmarks.md").exists()
