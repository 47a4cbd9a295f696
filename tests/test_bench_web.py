"""The web load benchmark end to end: a real uvicorn server process, a real load-generator
process and a real SQLite store; then the exactly-once check of the stored submissions."""

from __future__ import annotations

from cyberkind.lab.bench.web import idea_text, web_benchmarks, web_markdown


def test_load_ideas_are_distinct() -> None:
    texts = [idea_text(w, n) for w in range(3) for n in range(20)]
    assert len(set(texts)) == len(texts)


def test_web_benchmark_runs_and_every_submission_is_stored_once() -> None:
    lines: list[str] = []
    report = web_benchmarks(levels=(1, 3), seconds=0.5, echo=lines.append)
    once = report["exactly_once"]
    assert once["ok"] and once["accepted"] == once["stored"] > 0
    for key in ("wall_submit", "check"):
        assert [row["concurrency"] for row in report[key]] == [1, 3]
        for row in report[key]:
            assert row["requests"] > 0 and row["p50_ms"] <= row["p99_ms"]
            assert set(row["statuses"]) <= {"200", "201", "202"}
    assert len(lines) == 4
    markdown = web_markdown(report)
    assert markdown.startswith("## Web app under load")
    assert "stored exactly once" in markdown
