"""The web load benchmark end to end: a real uvicorn server process, a real load-generator
process and a real SQLite store; then the exactly-once check of the stored submissions."""

from __future__ import annotations

from cyberkind.lab.bench.web import distinct_ideas, idea_text, web_benchmarks, web_markdown
from cyberkind.wall import DUPLICATE_THRESHOLD, similarity


def test_load_ideas_are_distinct() -> None:
    texts = [idea_text(w, n) for w in range(3) for n in range(20)]
    assert len(set(texts)) == len(texts)


def test_the_probes_ideas_are_never_near_duplicates() -> None:
    texts = distinct_ideas(300)
    assert len(set(texts)) == 300
    assert all(
        similarity(a, b) < DUPLICATE_THRESHOLD for i, a in enumerate(texts) for b in texts[:i]
    )


def test_web_benchmark_runs_and_every_submission_is_stored_once() -> None:
    lines: list[str] = []
    report = web_benchmarks(levels=(1, 3), seconds=0.5, echo=lines.append, probe_ideas=60)
    once = report["exactly_once"]
    assert once["ok"] and once["accepted"] == once["stored"] > 0
    for key in ("wall_submit", "check"):
        assert [row["concurrency"] for row in report[key]] == [1, 3]
        for row in report[key]:
            assert row["requests"] > 0 and row["p50_ms"] <= row["p99_ms"]
            assert set(row["statuses"]) <= {"200", "201", "202"}
    assert len(lines) == 5
    probe = report["wall_probe"]
    assert probe["posts"] == 60 and probe["statuses"] == {"201": 60} and probe["merged"] == 0
    assert probe["exactly_once"]["ok"] and probe["p50_ms"] <= probe["p99_ms"] <= probe["max_ms"]
    assert len(probe["load_average_before"]) == 3
    markdown = web_markdown(report)
    assert markdown.startswith("## Web app under load")
    assert "stored exactly once" in markdown
    assert "The wall's probe (issue 14): 8 clients post 60 distinct ideas" in markdown
