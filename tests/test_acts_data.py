"""The act reader's training data: written for it, never a near copy of the reply benchmark."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from cyberkind.lab.bench.replies import load_comments
from cyberkind.lab.reading.acts import act_rows, load_templates, written_rows

_WORD = re.compile(r"[a-z0-9']+")
MAX_JACCARD = 0.5


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower().replace("\u2019", "'")))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def test_no_training_text_is_a_near_copy_of_a_benchmark_comment() -> None:
    comments, _ = load_comments()
    bench = [(c.id, _words(c.text)) for c in comments]
    texts = {r.text for r in act_rows()} | {
        t for spec in load_templates()["categories"].values() for t in spec["templates"]
    }
    near = []
    for text in sorted(texts):
        words = _words(text)
        for bench_id, other in bench:
            if _jaccard(words, other) > MAX_JACCARD:
                # Only the benchmark's id is named: its words stay out of sight of whoever
                # edits the training data.
                near.append(f"{text!r} ~ benchmark {bench_id}")
    assert not near, "\n".join(near)


def test_jaccard_catches_a_near_copy() -> None:
    a = _words("Thank you so much for this lovely post!")
    assert _jaccard(a, _words("thank you so much for this lovely post")) == 1.0
    assert _jaccard(a, _words("I disagree with every word of it")) < MAX_JACCARD


def test_every_benchmark_category_is_covered_with_its_act() -> None:
    comments, _ = load_comments()
    expected = {c.category.replace("question_link", "question").replace("question_nolink",
                "question"): c.expected_act for c in comments}  # fmt: skip
    rows = act_rows()
    have = {r.category: r.act for r in rows}
    assert have == expected
    counts = Counter(r.category for r in rows)
    assert min(counts.values()) >= 100


def test_rows_are_seeded_and_distinct() -> None:
    first, again = act_rows(seed=3), act_rows(seed=3)
    assert first == again
    assert act_rows(seed=4) != first
    assert len({r.text for r in first}) == len(first)
    templated = [r for r in first if not r.family.startswith("written:")]
    assert len({r.family for r in templated}) == sum(
        len(spec["templates"]) for spec in load_templates()["categories"].values()
    )


def test_the_data_says_its_licence() -> None:
    data = load_templates()
    assert data["licence"] == "CC0-1.0"
    assert "never read" in data["about"]


def test_written_comments_are_whole_distinct_and_labelled() -> None:
    rows = written_rows()
    assert len(rows) == 2162 and len({r.text for r in rows}) == 2162
    assert {r.family.split(":")[1] for r in rows} == {f"w{i}" for i in range(1, 14)}
    templated = act_rows(written=False)
    assert {r.category: r.act for r in rows} == {r.category: r.act for r in templated}
    assert act_rows()[-len(rows) :] == rows


@pytest.mark.parametrize(
    "blind_file",
    ["replies_set_d.jsonl", "replies_set_e.jsonl", "replies_set_j.jsonl", "replies_set_k.jsonl"],
)
def test_no_written_comment_is_a_near_copy_of_a_blind_set(blind_file: str) -> None:
    """Sets D, E, J and K (the blind reply sets) came after the templates, one of whose stock
    thank-yous is close to one of D's; the written comments must not be close to any."""
    blind, _ = load_comments(data_file=blind_file)
    near = [
        f"{row.text!r} ~ {blind_file} {c.id}"
        for row in written_rows()
        for c in blind
        if _jaccard(_words(row.text), _words(c.text)) > MAX_JACCARD
    ]
    assert not near, "\n".join(near)
