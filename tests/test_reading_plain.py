"""The reading model's plain-language training rows stay apart from the evaluation half."""

from __future__ import annotations

import re

from cyberkind.lab.bench.functional import FUNCTIONALITIES, cases
from cyberkind.lab.reading.plain import (
    FUNCTIONAL_LABELS,
    evaluation_keys,
    functional_rows,
    plain_rows,
)
from cyberkind.lab.reading.tasks import SIGMOID_HEADS


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def test_plain_rows_label_known_heads_with_both_directions() -> None:
    rows = plain_rows()
    assert len(rows) > 1000
    assert len({r.text for r in rows}) == len(rows)
    for row in rows:
        assert set(row.labels) <= set(SIGMOID_HEADS), row
        assert set(row.labels.values()) <= {0, 1}, row
    hostile = [r for r in rows if r.labels.get("toxicity") == 1 or r.labels.get("threat") == 1]
    fair = [r for r in rows if r.labels.get("personal_attack") == 0]
    assert len(hostile) > 300 and len(fair) > 300


def test_plain_rows_are_seeded() -> None:
    assert [r.text for r in plain_rows(0)] == [r.text for r in plain_rows(0)]


def test_no_plain_row_is_close_to_an_evaluation_case() -> None:
    """Near copies of the evaluation half (most words shared) would leak it into training."""
    evaluation = [_words(t) for t in evaluation_keys()]
    for row in plain_rows():
        words = _words(row.text)
        for other in evaluation:
            overlap = len(words & other) / len(words | other)
            assert overlap <= 0.5, row.text


def test_functional_rows_come_from_the_training_half_only() -> None:
    rows = functional_rows()
    train = {c.text for c in cases("train")}
    assert rows and {r.text for r in rows} <= train
    assert not {r.text for r in rows} & set(evaluation_keys())
    attacks = {f.name for f in FUNCTIONALITIES if f.direction == "attack"}
    assert attacks == set(FUNCTIONAL_LABELS)
    for row in rows:
        assert set(row.labels) <= set(SIGMOID_HEADS)


def test_written_templates_label_by_their_groups_and_fill_every_identity_group() -> None:
    from cyberkind.lab.bench.probes import GROUPS
    from cyberkind.lab.reading.plain import load_written

    written = load_written()
    assert written["licence"] == "CC0-1.0" and set(written["writers"]) == {"p1", "p2", "p3"}
    rows = plain_rows()
    by_source: dict[str, list[str]] = {}
    for row in rows:
        by_source.setdefault(row.source, []).append(row.text)
    templated = {r.source.split(":", 1)[1]: r.labels for r in rows if r.source.startswith("plain:")}
    for row in rows:
        if row.source.startswith("written:"):
            assert row.labels == templated[row.source.split(":")[2]]
    # An identity template is filled for every group: its attack and fair groups alike.
    stereotypes = by_source["written:p1:stereotype_more"]
    assert len(stereotypes) >= len(GROUPS)
    assert len(plain_rows(written=False)) < len(rows)
