"""The composer benchmark on the real shared data, through the library and `cyberkind bench`.

Real parts: ../shared/data (GoEmotions, Dreaddit, Li et al. 2014, EPITOME), the real guard
on the shipped fast tier, the real composer, the CLI writing its files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.lab.bench.composer import (
    GROUPS,
    Message,
    baseline_draft,
    composer_benchmarks,
    sample_messages,
    specific,
)
from cyberkind.models import Act

pytestmark = pytest.mark.data


def test_specific_ignores_the_systems_own_words() -> None:
    stock = frozenset({"congratulations", "news"})
    assert not specific("Congratulations to me! Big news", "Ana, congratulations!", stock, "Ana")
    assert specific("I finished the marathon", 'Well done on "the marathon"!', stock, "Ana")
    assert not specific("Ana here, hello", "Hi Ana, thank you", stock, "Ana Lima")


def test_baseline_is_one_fixed_reply_per_act() -> None:
    one = Message("gratitude", Act.THANK_COMMENTER, "Thanks so much!", "Ana Lima")
    other = Message("gratitude", Act.THANK_COMMENTER, "This helped me a lot", "Ana Lima")
    assert baseline_draft(one) == baseline_draft(other) == "Hi Ana, thank you for your comment!"


def test_sample_is_fixed_seeded_and_covers_every_group(data_dir: Path) -> None:
    first = sample_messages(data_dir, 5, seed=0)
    assert first == sample_messages(data_dir, 5, seed=0)
    assert first != sample_messages(data_dir, 5, seed=1)
    assert [m.group for m in first] == [g for g, _ in GROUPS for _ in range(5)]
    assert all("[NAME]" not in m.text for m in first)


def test_cli_only_composer(data_dir: Path, tmp_path: Path) -> None:
    args = ["bench", "--only", "composer", "--limit", "8", "--output-dir", str(tmp_path)]
    result = CliRunner().invoke(cli, [*args, "--setting", "data_dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "composer_benchmark.json").read_text(encoding="utf-8"))
    md = (tmp_path / "composer_benchmark.md").read_text(encoding="utf-8")
    assert result.stdout == md
    assert md.startswith("## Composer: drafts beside a fixed-template baseline")
    ours, base = report["systems"]["cyberkind"], report["systems"]["baseline"]
    assert ours["all"]["n"] == base["all"]["n"] == 8 * len(GROUPS)
    assert ours["all"]["guard_pass"] == 1.0
    assert ours["all"]["unique"] == ours["all"]["n"]
    assert ours["all"]["specificity"] > base["all"]["specificity"]
    assert ours["all"]["distinct_2"] > base["all"]["distinct_2"]
    assert ours["hug_mechanisms"]["n"] == 16
    for mechanism in ("emotional_reaction", "interpretation"):
        evaluator = report["epitome_evaluator"][mechanism]
        assert evaluator["test"] > 500 and evaluator["train"] > 2000
        # The evaluator has to beat always guessing the commoner class to be worth reading.
        assert evaluator["accuracy"] > evaluator["majority_accuracy"]
    assert ours["latency_ms"]["p95"] > 0


def test_library_groups_add_up(data_dir: Path) -> None:
    report = composer_benchmarks(data_dir, per_group=4)
    ours = report["systems"]["cyberkind"]
    assert sum(ours[g]["n"] for g, _ in GROUPS) == ours["all"]["n"] == 20
