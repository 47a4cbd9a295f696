"""The distributed benchmark: the estimate's arithmetic, the report, and a real small run.

Real parts: the small run generates an archive from ../shared/data, runs `cyberkind score`
and two Dask LocalClusters in subprocesses, and samples their memory with psutil.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.lab.bench.distributed import (
    distributed_markdown,
    distributed_summary,
    estimate,
    load_distributed_report,
)


def test_estimate_scales_with_nodes_and_adds_planning() -> None:
    rows = estimate(
        per_worker_rows_s=10_000,
        efficiency=0.5,
        plan_mb_s=500,
        bytes_per_row=200,
        cores_per_node=4,
        nodes=(1, 10),
        total_rows=72_000_000,
    )
    # 72M rows / (4 workers x 10k x 0.5) = 3600 s; planning 14.4 GB at 500 MB/s = 28.8 s.
    assert rows[0] == {
        "nodes": 1,
        "workers": 4,
        "rows_per_s": 20_000,
        "score_h": 1.0,
        "plan_h": 0.01,
        "total_h": 1.01,
    }
    assert rows[1]["score_h"] == 0.1 and rows[1]["workers"] == 40


def test_summary_without_a_report(tmp_path: Path) -> None:
    assert load_distributed_report(tmp_path) is None
    assert "Not measured yet" in distributed_summary(None)


@pytest.mark.slow
@pytest.mark.data
def test_small_run_end_to_end(data_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "bench",
            "--only",
            "distributed",
            "--rows",
            "300",
            "--output-dir",
            str(tmp_path),
            "--setting",
            "data_dir",
            str(data_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "distributed_benchmark.json").read_text())
    assert report["rows"] == 300
    assert set(report["runs"]) == {"local", "dask-1", "dask-2"}
    for name in ("dask-1", "dask-2"):
        assert report["runs"][name]["identical_to_local"] is True
        assert report["runs"][name]["peak_rss_mb"] > report["runs"]["local"]["peak_rss_mb"] > 0
    assert [e["nodes"] for e in report["estimate"]["nodes"]] == [1, 10, 100]
    markdown = (tmp_path / "distributed_benchmark.md").read_text()
    assert markdown == distributed_markdown(report) and "Smoke run: 300 comments" in markdown
    assert markdown.index("| local |") < markdown.index("| dask-1 |") < markdown.index("| dask-2")
    assert "## Distributed batch scoring" in distributed_summary(load_distributed_report(tmp_path))
