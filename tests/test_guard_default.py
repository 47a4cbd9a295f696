"""The guard reads with the fine-tuned encoder by default; ``--tier fast`` still works.

These tests see the real default (``guard_default``): every other test pins the fast tier
(tests/conftest.py). Where the reading model or onnxruntime is missing, the default falls
back to the fast tier, which ``test_the_default_falls_back_to_fast_without_the_model`` covers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyberkind.classifiers.reading_tier import guard_tier, reading_available
from cyberkind.cli import cli
from cyberkind.guard import Guard
from cyberkind.settings import resolve

pytestmark = pytest.mark.guard_default

needs_reading = pytest.mark.skipif(
    not reading_available(), reason="the reading model or onnxruntime is not installed"
)

# Attacks without a swear word that the fast tier lets through (written for this test, in
# no training set), and a warm text with a swear word.
PLAIN_ATTACKS = (
    "Everyone would be happier if you just vanished.",
    "I'd keep an eye on your car tonight if I were you.",
    "You're too thick to follow a recipe.",
)
WARM_SWEARING = "This is fucking awesome, thank you so much!"


def test_the_setting_defaults_to_reading() -> None:
    assert resolve({})["guard_tier"] == "reading"


def test_the_default_falls_back_to_fast_without_the_model(tmp_path: Path) -> None:
    assert guard_tier("reading", tmp_path) == "fast"  # no reading-v1 folder there


@needs_reading
def test_the_default_guard_reads_intent() -> None:
    guard = Guard()
    assert guard.scorer.tier == "reading"
    for text in PLAIN_ATTACKS:
        assert guard.check(text, suggest=False).verdict != "ok", text
    assert guard.check(WARM_SWEARING, suggest=False).verdict == "ok"


@needs_reading
def test_check_reads_with_the_encoder_unless_told_fast() -> None:
    runner = CliRunner()
    default = runner.invoke(cli, ["check", PLAIN_ATTACKS[0]])
    assert default.exit_code != 0, default.output
    fast = runner.invoke(cli, ["check", "--tier", "fast", PLAIN_ATTACKS[0]])
    assert fast.exit_code == 0, fast.output


def test_score_defaults_to_the_cascade() -> None:
    assert resolve({})["score_tier"] == "reading-cascade"


@needs_reading
def test_score_reads_with_the_cascade_unless_told_fast(tmp_path: Path) -> None:
    """A plain attack the fast tier misses, but is unsure of, goes to the encoder: the default
    ``score`` reads the attack; ``--tier fast`` writes the fast tier's own scores."""
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": PLAIN_ATTACKS[0]}) + "\n", encoding="utf-8")
    runner = CliRunner()
    default = runner.invoke(cli, ["score", str(source)])
    fast = runner.invoke(cli, ["score", "--tier", "fast", str(source)])
    assert default.exit_code == 0 and fast.exit_code == 0, default.output + fast.output

    def scores(output: str) -> dict[str, float]:
        (row,) = [line for line in output.splitlines() if line.startswith("{")]
        found: dict[str, float] = json.loads(row)["scores"]
        return found

    cascade_scores, fast_scores = scores(default.output), scores(fast.output)
    assert cascade_scores != fast_scores
    from cyberkind.engine import Scorer

    # The decisions differ, which only the encoder's reading can do (a row the cascade keeps
    # from the fast tier keeps its decisions).
    label = "personal_attack"
    assert cascade_scores[label] >= Scorer("reading-cascade").thresholds()[label]
    assert fast_scores[label] < Scorer("fast").thresholds()[label]


def test_warm_up_builds_the_rewrite_matcher() -> None:
    """A server warms the guard at start: the first flagged draft then pays for no regular
    expression compiling (about 60 ms)."""
    from cyberkind.guard import substitutions

    substitutions._compiled.cache_clear()
    guard = Guard()
    guard.warm_up()
    assert substitutions._compiled.cache_info().currsize >= 1
    before = substitutions._compiled.cache_info().misses
    guard.check("you're an idiot who ignores the budget")
    assert substitutions._compiled.cache_info().misses == before
