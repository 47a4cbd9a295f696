"""Rewrite benchmark: metrics on hand-computed cases, loaders on the real data, the runner."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyberkind.classifiers.featurize import HashingFeaturizer
from cyberkind.cli import cli
from cyberkind.errors import DataError
from cyberkind.guard.substitutions import load_substitutions
from cyberkind.lab.bench.rewrite import (
    FastTierGuard,
    appdia_test,
    bleu,
    chrf,
    delete_baseline,
    joint_score,
    lexicon_rewriter,
    paradetox_heldout,
    rewrite_metrics,
    run_rewrite_benchmark,
    sentence_chrf,
    tfidf_cosine,
)


def _all_ok(texts: Sequence[str]) -> list[bool]:
    return [True] * len(texts)


def _no_swearing(texts: Sequence[str]) -> list[bool]:
    return ["fuck" not in t for t in texts]


def test_identical_strings_score_100() -> None:
    hyps = ["the cat sat on the mat", "a kind reply to you"]
    refs = [[h] for h in hyps]
    assert chrf(hyps, refs) == pytest.approx(100.0)
    assert bleu(hyps, refs) == pytest.approx(100.0)
    assert sentence_chrf(hyps[0], [hyps[0]]) == pytest.approx(100.0)


def test_disjoint_strings_score_0() -> None:
    assert chrf(["abc"], [["xyz"]]) == pytest.approx(0.0)
    assert bleu(["the cat sat on the mat"], [["quiet dogs rarely bark at night"]]) == 0.0
    assert sentence_chrf("", ["something"]) == 0.0


def test_best_of_several_references_counts() -> None:
    refs = [["a dog barked", "the cat sat on the mat", "x"]]
    assert bleu(["the cat sat on the mat"], refs) == pytest.approx(100.0)
    assert chrf(["the cat sat on the mat"], refs) == pytest.approx(100.0)


def test_variable_reference_counts_are_padded() -> None:
    hyps = ["the cat sat on the mat", "hello there friend"]
    refs = [["the cat sat on the mat", "a cat on a mat"], ["hello there friend"]]
    assert bleu(hyps, refs) == pytest.approx(100.0)
    with pytest.raises(ValueError, match="at least one reference"):
        chrf(["x"], [[]])


def test_sentence_chrf_is_between_0_and_100() -> None:
    score = sentence_chrf("you are wrong", ["you are a fucking idiot"])
    assert 0.0 < score < 100.0


def test_joint_score_by_hand() -> None:
    # (1 * 0.8 * 1 + 0 * 0.9 * 1 + 1 * 0.5 * 0) / 3
    assert joint_score([True, False, True], [0.8, 0.9, 0.5], ["kind", "rude", ""]) == (
        pytest.approx(0.8 / 3)
    )
    assert joint_score([], [], []) == 0.0


def test_tfidf_cosine() -> None:
    featurizer = HashingFeaturizer(2**12).fit(["the cat sat", "dogs bark loudly", "a b c"])
    cos = tfidf_cosine(["the cat sat", "the cat sat"], ["the cat sat", "dogs bark"], featurizer)
    assert cos[0] == pytest.approx(1.0, abs=1e-6)
    assert 0.0 <= cos[1] < 0.2
    assert tfidf_cosine([], [], featurizer).shape == (0,)
    with pytest.raises(ValueError):
        tfidf_cosine(["a"], [], featurizer)


def test_rewrite_metrics_by_hand() -> None:
    sources = ["you fucking idiot", "fuck this", "nice work"]
    rewrites = ["you idiot", "fuck this", "nice work"]
    refs = [["you are wrong"], ["not this"], ["nice work"]]
    m = rewrite_metrics(sources, rewrites, refs, _no_swearing)
    assert m["n"] == 3
    assert m["style_accuracy"] == pytest.approx(2 / 3)
    assert m["changed"] == pytest.approx(1 / 3)
    assert m["empty"] == 0.0
    sim0 = sentence_chrf("you idiot", ["you fucking idiot"]) / 100
    assert m["j"] == pytest.approx((sim0 + 0 + 1.0) / 3)
    assert m["content_cosine"] is None and m["j_cosine"] is None
    assert 0.0 < m["ref_chrf"] < 100.0 and 0.0 <= m["ref_bleu"] <= 100.0
    no_refs = rewrite_metrics(sources, rewrites, None, _all_ok)
    assert no_refs["ref_chrf"] is None and no_refs["ref_bleu"] is None
    identity = rewrite_metrics(sources, sources, [[s] for s in sources], _all_ok)
    assert identity["content_chrf"] == pytest.approx(100.0) and identity["j"] == pytest.approx(1)
    with pytest.raises(ValueError):
        rewrite_metrics(sources, rewrites[:2], refs, _all_ok)


def test_delete_baseline() -> None:
    text = "you are a fucking idiot ."
    assert delete_baseline(text, [(10, 17), (18, 23)]) == "you are a."
    assert delete_baseline(text, []) == text


def test_lexicon_rewriter_deletes_what_is_still_flagged() -> None:
    def flag_moron(texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        return [[(t.find("moron"), t.find("moron") + 5)] if "moron" in t else [] for t in texts]

    subs = {"give a shit": "care", "fucking": ""}
    rewrite = lexicon_rewriter(subs, flag_moron)
    assert rewrite(["give a shit, you fucking moron", "fine"]) == ["care, you", "fine"]
    within = lexicon_rewriter(subs, flag_moron, within_spans=True)
    assert within(["give a shit, you moron"]) == ["give a shit, you"]


def test_core_layer_imports_no_cli() -> None:
    code = (
        "import sys, cyberkind.lab.bench.rewrite, cyberkind.guard.substitutions\n"
        "import cyberkind.lab.training.detox\n"
        "print(','.join(m for m in ('click', 'rich', 'cyberkind.cli') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_appdia_missing_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="missing"):
        appdia_test(tmp_path)


@pytest.mark.data
def test_loaders_on_the_real_data(data_dir: Path) -> None:
    appdia = appdia_test(data_dir)
    assert len(appdia) == 199
    assert all(len(refs) == 1 and src for src, refs in appdia)
    heldout = paradetox_heldout(data_dir)
    assert 1000 < len(heldout) < 1400
    assert all(1 <= len(refs) <= 3 for _, refs in heldout)
    assert paradetox_heldout(data_dir, seed=3) != heldout


def test_fast_tier_guard(scorer) -> None:  # type: ignore[no-untyped-def]
    guard = FastTierGuard(scorer)
    assert guard.is_ok(["thanks for the fix", "you fucking idiot"]) == [True, False]
    text = "thanks for the fix, you idiot"
    (spans,) = guard.spans([text])
    assert spans and "idiot" in [text[s:e] for s, e in spans]
    assert guard.spans(["thanks for the fix", ""]) == [[], []]
    assert guard.is_ok([]) == []


@pytest.mark.data
def test_runner_on_a_small_limit(data_dir: Path, scorer) -> None:  # type: ignore[no-untyped-def]
    guard = FastTierGuard(scorer)
    lexicon = load_substitutions()
    report = run_rewrite_benchmark(
        lexicon_rewriter(lexicon, guard.spans),
        guard.is_ok,
        guard.spans,
        data_dir,
        limit=25,
        featurizer=guard.featurizer,
        extra={"in_spans": lexicon_rewriter(lexicon, guard.spans, within_spans=True)},
        examples=3,
    )
    assert set(report["sets"]) == {"paradetox_heldout", "appdia_test"}
    for result in report["sets"].values():
        assert result["n"] == 25
        systems = result["systems"]
        assert set(systems) == {"identity", "delete_flagged", "rewriter", "in_spans", "human"}
        assert systems["identity"]["content_chrf"] == pytest.approx(100.0)
        assert systems["identity"]["changed"] == 0.0
        assert systems["human"]["ref_bleu"] is None
        for name in ("delete_flagged", "rewriter", "in_spans"):
            m = systems[name]
            assert m["style_accuracy"] > systems["identity"]["style_accuracy"]
            assert 0.0 <= m["j"] <= 1.0 and 0.0 < m["content_cosine"] <= 1.0
            assert 0.0 < m["ref_chrf"] <= 100.0 and 0.0 <= m["ref_bleu"] <= 100.0
        assert len(result["examples"]) == 3
        assert set(result["examples"][0]) == {"source", "delete_flagged", "rewriter", "in_spans"}
    assert "j" in report["definitions"]


@pytest.mark.data
def test_bench_cli_only_rewrite(data_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            *("bench", "--only", "rewrite", "--limit", "10", "--output-dir", str(tmp_path)),
            *("--setting", "data_dir", str(data_dir)),
        ],
    )
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "rewrite_benchmark.json").read_text())
    assert written == json.loads(result.stdout)
    assert written["sets"]["appdia_test"]["n"] == 10
    assert "lexicon_in_spans" in written["sets"]["appdia_test"]["systems"]
    assert written["sets"]["appdia_test"]["examples"] == []  # no APPDIA text in reports
