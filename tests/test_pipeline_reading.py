"""The reading tier's extra heads reach the store, and triage reads them (SQLite and PostgreSQL).

Real parts only: the shipped reading model, the real stores (the PostgreSQL one through the
``store`` fixture's real server), the real pipeline and triage. Examples written for these
tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cyberkind.classifiers.reading_tier import EXTRA_HEADS, reading_available
from cyberkind.engine import Scorer
from cyberkind.labels import label_names
from cyberkind.models import Act
from cyberkind.pipeline import import_file

needs_reading = pytest.mark.skipif(
    not reading_available(), reason="the reading model or onnxruntime/tokenizers is missing"
)

SPAM = "Grow your channel fast: 10k real subscribers for $9 at subsboost.example, DM me now"
KIND = "Your note about the bus driver made me call my gran tonight. Thank you for it."


@pytest.fixture(scope="module")
def reading() -> Scorer:
    return Scorer("reading")


def _rows(tmp_path: Path) -> Path:
    rows = [
        {"id": "p1", "kind": "post", "is_own": True, "text": "Ten tiny kindnesses",
         "title": "Ten tiny kindnesses"},
        {"id": "c1", "kind": "comment", "author": "Promo Bot", "text": SPAM,
         "parent_id": "p1", "thread_id": "p1"},
        {"id": "c2", "kind": "comment", "author": "Ines", "text": KIND,
         "parent_id": "p1", "thread_id": "p1"},
    ]  # fmt: skip
    path = tmp_path / "comments.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_fast_tier_reads_what_it_scores() -> None:
    fast = Scorer("fast")
    assert fast.extras == ()
    assert fast.read([KIND]) == fast.score([KIND])


@needs_reading
def test_read_adds_the_extra_heads_and_score_keeps_the_public_labels(reading: Scorer) -> None:
    scored, read = reading.score([SPAM, KIND]), reading.read([SPAM, KIND])
    assert reading.extras == EXTRA_HEADS
    assert [set(s) for s in scored] == [set(label_names())] * 2
    assert [set(r) for r in read] == [set(label_names()) | set(EXTRA_HEADS)] * 2
    # The public part of read is score, to the digit.
    assert [{k: r[k] for k in label_names()} for r in read] == scored
    assert read[0]["spam"] >= 0.5 > read[1]["spam"]


@needs_reading
def test_the_cascade_reads_extra_heads_only_where_its_encoder_ran() -> None:
    cascade = Scorer("reading-cascade")
    read = cascade.read([SPAM, "thank you so much!!", KIND])
    model: Any = cascade.model
    encoded = [set(EXTRA_HEADS) <= set(r) for r in read]
    assert sum(encoded) == model.sent_to_encoder
    for row, has in zip(read, encoded, strict=True):
        assert set(row) == set(label_names()) | (set(EXTRA_HEADS) if has else set())


@needs_reading
def test_stored_scores_carry_the_extra_heads_and_triage_uses_them(
    store: Any, reading: Scorer, tmp_path: Path
) -> None:
    import_file(store, _rows(tmp_path), scorer=reading, source="import:t")
    stored = {s.item.remote_id: s.scores for s in store.items("import:t")}
    assert stored["p1"] is None  # the user's own post is not scored
    for remote_id in ("c1", "c2"):
        assert set(EXTRA_HEADS) <= set(stored[remote_id] or {})
    assert (stored["c1"] or {})["spam"] >= 0.5
    acts = {o.item_ids[0]: o for o in store.opportunities(sources=["import:t"], states=None)}
    assert acts["c1"].act is Act.NEEDS_CARE
    assert "spam score" in acts["c1"].reason
    assert acts["c2"].act is Act.THANK_COMMENTER


def test_a_scorer_without_read_stores_its_public_scores(
    fresh_db: Any, stub_scorer: Any, tmp_path: Path
) -> None:
    import_file(fresh_db, _rows(tmp_path), scorer=stub_scorer, source="import:t")
    stored = {s.item.remote_id: s.scores for s in fresh_db.items("import:t")}
    assert set(stored["c2"] or {}) <= set(label_names())


# -- the inbox reads with the encoder by default ----------------------------------------------


@needs_reading
def test_the_inbox_reads_with_the_reading_tier_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from cyberkind.pipeline import inbox_scorer

    assert inbox_scorer().tier == "reading"
    assert inbox_scorer() is inbox_scorer()  # loaded once per process
    assert inbox_scorer("fast").tier == "fast"
    monkeypatch.setenv("CYBERKIND_INBOX_TIER", "reading-cascade")
    assert inbox_scorer().tier == "reading-cascade"


@pytest.mark.parametrize("wanted", ["reading", "reading-cascade", "accurate", "cascade"])
def test_the_reading_tiers_fall_back_to_fast_without_the_model(tmp_path: Path, wanted: str) -> None:
    from cyberkind.classifiers.reading_tier import guard_tier

    assert guard_tier(wanted, tmp_path) == "fast"  # no reading-v1 folder there
    assert guard_tier("frozen", tmp_path) == "frozen"


@needs_reading
@pytest.mark.parametrize(("old", "new"), [("accurate", "reading"), ("cascade", "reading-cascade")])
def test_the_older_tier_names_give_the_reading_tiers(old: str, new: str) -> None:
    """``--tier accurate`` and ``cascade`` were the frozen-MiniLM tiers (which needed PyTorch
    to install); they now read with the reading model, the same numbers as its own names."""
    from cyberkind.engine import Scorer
    from cyberkind.plugins import tier_registry

    assert tier_registry()[old].factory is tier_registry()[new].factory
    texts = ["Congrats on the 100th post!", "Nobody asked for your opinion, clown."]
    assert Scorer(old).score(texts) == Scorer(new).score(texts)


@needs_reading
@pytest.mark.parametrize(("args", "extras"), [((), True), (("--tier", "fast"), False)])
def test_cli_import_stores_extra_heads_unless_tier_fast(
    tmp_path: Path, args: tuple[str, ...], extras: bool
) -> None:
    from click.testing import CliRunner

    from cyberkind.cli import cli
    from cyberkind.store import open_store

    db = tmp_path / "inbox.db"
    path = _rows(tmp_path)
    result = CliRunner().invoke(cli, ["import", str(path), "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    with open_store(str(db)) as store:
        stored = {s.item.remote_id: s.scores or {} for s in store.items()}
    assert ("spam" in stored["c1"]) is extras
    assert set(label_names()) <= set(stored["c1"])
