"""The reply benchmark: its hand-written comments, the moves it reads, today's templates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.engine import Scorer
from cyberkind.guard import Guard
from cyberkind.lab.bench.replies import (
    DATA_FILE,
    HELDOUT_FILE,
    MORE_SETS,
    Comment,
    Reply,
    load_comments,
    moves,
    replies_markdown,
    reply_benchmark,
)

CATEGORIES = {
    "thanks", "praise_detail", "news", "grief", "distress", "crisis", "question_link",
    "question_nolink", "idea", "third_party_share", "troll", "spam", "backhanded",
    "disagreement",
}  # fmt: skip


@pytest.mark.parametrize(
    ("data_file", "least"),
    [(DATA_FILE, 200), (HELDOUT_FILE, 70)] + [(f, 84) for f, _, _ in MORE_SETS[1:]],
)
def test_the_data_has_its_comments_across_every_category(data_file: str, least: int) -> None:
    comments, links = load_comments(data_file=data_file)
    assert len(comments) >= least
    assert {c.category for c in comments} == CATEGORIES
    assert len({c.id for c in comments}) == len(comments)
    assert len({c.text for c in comments}) == len(comments)
    urls = {link.url for link in links}
    for c in comments:
        assert c.expected_act and c.text.strip()
        if c.category in ("troll", "spam"):
            assert {"thank", "star", "quote"} <= set(c.forbidden)
            assert c.expected_act == "needs_care"
        if c.category == "grief":
            assert "star" in c.forbidden
        if c.category == "crisis":
            assert {"resources", "private"} <= set(c.required)
        if c.category == "question_link":
            assert c.link in urls
        if c.category == "third_party_share":
            assert c.third_party and c.third_party in c.text
    if data_file == DATA_FILE:
        assert sum(bool(c.reference) for c in comments) >= 20


def test_the_further_sets_are_new() -> None:
    seen_texts: set[str] = set()
    seen_ids: set[str] = set()
    for data_file in [DATA_FILE, *(f for f, _, _ in MORE_SETS)]:
        comments, _ = load_comments(data_file=data_file)
        texts, ids = {c.text for c in comments}, {c.id for c in comments}
        assert not texts & seen_texts and not ids & seen_ids, data_file
        seen_texts |= texts
        seen_ids |= ids


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ('Thanks! You put it so well: "You clearly know nothing about plants". A gold star!',
         {"thank", "praise", "quote", "star"}),
        ("I'm so sorry about your mum.", {"sympathy"}),
        ("Congratulations, well deserved!", {"congratulate"}),
        ("Two gold stars for that one!", {"star", "two_stars"}),
        ("Thank you, and thank Maria for sharing it.", {"thank", "thank_third_party"}),
        ('Thank you for "My friend Maria shared this".', {"thank"}),
    ],
)  # fmt: skip
def test_moves_are_read_from_the_text(reply: str, expected: set[str]) -> None:
    comment = Comment(
        "x", "troll", "p", "A", "You clearly know nothing about plants, idiot.", "needs_care",
        third_party="Maria",
    )  # fmt: skip
    assert moves(Reply("thank_commenter", reply), comment) == expected


def test_links_and_crisis_moves() -> None:
    comment = Comment(
        "q", "question_link", "p", "A", "How?", "send_link", link="https://x.example/a"
    )
    assert "link" in moves(Reply("send_link", "See https://x.example/a"), comment)
    crisis = Comment("c", "crisis", "p", "A", "I want to die.", "offer_dm")
    assert {"private", "resources"} <= moves(
        Reply("offer_dm", "Hi", private=True, resources=2), crisis
    )


def test_triage_and_plan_beside_the_old_thank_everyone_baseline() -> None:
    scorer = Scorer("fast")
    report = reply_benchmark(scorer, Guard(scorer))
    t, b = report["systems"]["templates (fast)"], report["systems"]["baseline"]
    assert report["tiers"] == ["fast"]
    assert report["n"] >= 200
    # Before issue 15 every comment on your post was thanked: trolls and spam included.
    assert b["per_category"]["spam"]["forbidden_rate"] == 1.0
    assert b["per_category"]["troll"]["forbidden_rate"] == 1.0
    assert b["link_use"] == 0.0
    assert b["per_category"]["thanks"]["act_accuracy"] == 1.0
    # The product path (triage, then the reply plan) answers each comment once, thanks plain
    # thanks as before, and makes fewer forbidden moves than the baseline.
    assert t["opportunities_per_comment"] == 1.0
    assert t["per_category"]["thanks"]["act_accuracy"] == 1.0
    assert t["act_accuracy"] > b["act_accuracy"]
    assert t["forbidden_rate"] < b["forbidden_rate"]
    assert t["link_use"] > b["link_use"]
    assert t["guard_pass"] == 1.0
    assert t["fluency"] is None
    text = replies_markdown(report)
    assert "| Act accuracy (target >= 0.90) |" in text
    assert "| Measure | templates (fast) | baseline |" in text


def test_bench_cli_only_replies(tmp_path: Path) -> None:
    args = ["bench", "--only", "replies", "--output-dir", str(tmp_path)]
    result = CliRunner().invoke(cli, [*args, "--tier", "fast", "--tier", "reading-cascade"])
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "replies_benchmark.json").read_text())
    assert written["tiers"] == ["fast", "reading-cascade"]
    assert set(written["systems"]) == {
        "templates (fast)",
        "templates (reading-cascade)",
        "baseline",
    }
    assert (
        "| Measure | templates (fast) | templates (reading-cascade) | baseline |"
        in (tmp_path / "replies_benchmark.md").read_text()
    )
    assert written["n"] >= 200 and written["systems"]["templates (fast)"]["fluency"] is None
    assert (tmp_path / "replies_benchmark.md").read_text().startswith("# Reply benchmark")
    sets = written["sets"]
    assert [sets[f]["n"] for f, _, _ in MORE_SETS] == [70, *[84] * 10]
    assert all(set(r["systems"]) == set(written["systems"]) for r in sets.values())
    text = (tmp_path / "replies_benchmark.md").read_text()
    assert "## Set D: 84 comments" in text and "## Set E: 84 comments" in text
    assert "(blind)" in text
