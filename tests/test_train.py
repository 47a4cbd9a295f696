"""`cyberkind train` on the real shared data: determinism, artifacts, model card."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from cyberkind.classifiers.linear import LinearModel
from cyberkind.cli import cli
from cyberkind.lab.training.train import train_models

HEADS = ["threat", "celebration"]


@pytest.fixture(scope="module")
def trained_twice(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    outs = []
    for i in range(2):
        out = tmp_path_factory.mktemp(f"train{i}")
        train_models(data_dir, out, seed=7, heads=HEADS)
        outs.append(out / "fast-v1")
    return outs


def test_training_is_deterministic(trained_twice: list[Path]) -> None:
    a, b = (np.load(p / "weights.npz") for p in trained_twice)
    assert sorted(a.files) == sorted(b.files)
    for name in a.files:
        np.testing.assert_array_equal(a[name], b[name])
    ca, cb = (json.loads((p / "config.json").read_text()) for p in trained_twice)
    assert ca == cb


def test_artifacts_and_metrics(trained_twice: list[Path]) -> None:
    folder = trained_twice[0]
    model = LinearModel.from_disk(folder)
    assert model.labels == tuple(HEADS)
    metrics = json.loads((folder / "metrics.json").read_text())
    for head in HEADS:
        report = metrics["heads"][head]
        assert report["test"]["n"] > 0 and 0.0 <= report["test"]["ece"] <= 1.0
        assert report["counts"]["train"]["positives"] > 0
        assert "epitome-empathy-reddit" not in report["sources"]


def test_train_cli_writes_model_card(data_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["train", "-o", str(tmp_path), "--head", "threat", "--setting", "data_dir", str(data_dir)],
    )
    assert result.exit_code == 0, result.output
    card = (tmp_path / "fast-v1" / "MODEL_CARD.md").read_text()
    for section in ("Training data and licences", "Test metrics", "Bias probe", "Known failure"):
        assert section in card
    assert json.loads(result.stdout)["test"]["threat"]["f1"] >= 0.0


def test_train_cli_missing_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["train", "-o", str(tmp_path), "--setting", "data_dir", str(tmp_path / "nope")]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert "is missing" in result.stderr and "data_dir" in result.stderr
