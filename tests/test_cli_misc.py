"""`cyberkind demo`, `labels`, `--version` and the docs generated from them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cyberkind.cli import cli, labels_markdown
from cyberkind.engine import Scorer
from cyberkind.labels import label_names

ROOT = Path(__file__).resolve().parents[1]


def test_demo_table() -> None:
    result = CliRunner().invoke(cli, ["demo"], terminal_width=160)
    assert result.exit_code == 0, result.output
    assert "What cyberkind finds" in result.output
    assert "Maya" in result.output
    assert "Drafts for you to edit and send" in result.output
    assert "Before you post" in result.output
    assert "verdict: hold (goes after a person" in result.output


def test_demo_json_finds_the_moments() -> None:
    result = CliRunner().invoke(cli, ["demo", "--json"])
    assert result.exit_code == 0, result.output
    by_id = {f["id"]: f for f in json.loads(result.stdout)}
    assert "gratitude" in by_id["c1"]["signals"]
    assert "distress" in by_id["c3"]["signals"]
    assert by_id["c4"]["act"].startswith("don't feed it")
    assert "celebration" in by_id["c5"]["signals"]
    assert "question" in by_id["c6"]["signals"]
    assert "crisis" in by_id["c8"]["signals"]
    assert by_id["c8"]["act"].startswith("show safety resources")


def test_labels_json() -> None:
    result = CliRunner().invoke(cli, ["labels"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["name"] for r in rows] == list(label_names())
    assert all(0 < r["threshold"] < 1 for r in rows)


def test_docs_labels_is_current() -> None:
    """docs/labels.md is `cyberkind labels --markdown`; regenerate it after training."""
    expected = labels_markdown(Scorer().thresholds())
    assert (ROOT / "docs" / "labels.md").read_text() == expected


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and "0.1.0" in result.output


def test_unknown_command_is_usage_error() -> None:
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2
