"""The functional suite (CheckList-style): generation, the split by family, and a smoke run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.lab.bench.functional import (
    FUNCTIONALITIES,
    cases,
    describe,
    evaluate,
    functional_markdown,
)


def test_at_least_25_functionalities_of_about_20_cases_per_half() -> None:
    assert len(FUNCTIONALITIES) >= 25
    for half in ("train", "eval"):
        counts = describe(cases(half))  # type: ignore[arg-type]
        assert set(counts) == {f.name for f in FUNCTIONALITIES}
        assert min(counts.values()) >= 20, counts


def test_both_directions_are_covered() -> None:
    directions = {f.direction for f in FUNCTIONALITIES}
    assert directions == {"attack", "fair"}
    fair = {f.name for f in FUNCTIONALITIES if f.direction == "fair"}
    for needed in (
        "criticism_of_ideas",
        "positive_swearing",
        "identity_self_description",
        "identity_praise",
        "counter_speech_quoting_an_attack",
        "news_of_violence",
        "self_deprecation",
        "grief",
        "life_event_news",
        "gratitude_without_thank",
        "questions",
    ):
        assert needed in fair


def test_halves_split_by_family_and_never_share_a_text() -> None:
    train, held = cases("train"), cases("eval")
    assert {(c.functionality, c.family) for c in train}.isdisjoint(
        {(c.functionality, c.family) for c in held}
    )
    assert {c.text for c in train}.isdisjoint({c.text for c in held})
    assert all(c.half == "train" for c in train) and all(c.half == "eval" for c in held)


def test_generation_is_seeded() -> None:
    assert [c.text for c in cases("eval", seed=0)] == [c.text for c in cases("eval", seed=0)]
    assert [c.text for c in cases("eval", seed=0)] != [c.text for c in cases("eval", seed=1)]


def test_evaluate_scores_directions_and_identity_groups() -> None:
    """A guard that flags everything catches every attack and fails every fair text."""
    flag_all = evaluate(lambda _t: "hold", limit=5)
    assert flag_all["attacks_caught"] == 1.0
    assert flag_all["fair_held"] == 1.0
    assert all(rate == 1.0 for rate in flag_all["identity_fpr"].values())
    pass_all = evaluate(lambda _t: "ok", limit=5)
    assert pass_all["attacks_caught"] == 0.0
    assert pass_all["fair_held"] == pass_all["fair_nudged"] == 0.0
    assert "| attacks caught |" in functional_markdown({"a": flag_all, "b": pass_all})


def test_smoke_the_guard_on_a_subset() -> None:
    """Untimed: the guard on five cases per functionality; the full half runs in the bench."""
    import cyberkind

    report = evaluate(lambda t: cyberkind.check(t).verdict, limit=5)
    assert report["n"] == 5 * len(FUNCTIONALITIES)
    # Fair texts must not be held: this holds today and must keep holding.
    assert report["fair_held"] <= 0.05
    assert report["per_functionality"]["criticism_of_ideas"]["pass_rate"] == 1.0
    assert report["per_functionality"]["insult_with_swearing"]["pass_rate"] == 1.0


def test_bench_only_functional_writes_its_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["bench", "--only", "functional", "--limit", "3", "--output-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "functional_benchmark.json").read_text())
    assert "cyberkind guard (fast)" in report["reports"]
    assert (tmp_path / "functional_benchmark.md").read_text().startswith("## Functional suite")


@pytest.mark.parametrize("half", ["train", "eval"])
def test_every_case_is_a_sentence(half: str) -> None:
    for case in cases(half):  # type: ignore[arg-type]
        assert case.text[:1].isupper() or case.text[:1] in "\"'"
        assert "{" not in case.text and "}" not in case.text
