"""The engine with the shipped fast-tier model: contract, smoke cases, determinism, offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cyberkind
from cyberkind.engine import Scorer, default_model_dir
from cyberkind.errors import ConfigError, ModelError
from cyberkind.labels import LABELS, label_names

# Unmistakable cases: (text, label that must be high).
SMOKE_HIGH = [
    ("thank you so much for sharing this", "gratitude"),
    ("Thanks a lot, I really appreciate your help!", "gratitude"),
    ("This is a brilliant and beautifully written post, amazing work", "admiration"),
    ("I will hurt you", "threat"),
    ("I'm going to kill you and your whole family", "threat"),
    ("you are a fucking idiot", "insult"),
    ("you are a stupid moron", "personal_attack"),
    ("this is fucking bullshit", "profanity"),
    ("shut up you worthless piece of garbage", "toxicity"),
    ("I'm so sorry for your loss, sending love and hugs", "compassion"),
    ("I just graduated from college!!! so happy", "celebration"),
    ("I got the job!!! first day on Monday", "celebration"),
    ("I want to kill myself", "crisis"),
    ("i dont want to be alive anymore", "crisis"),
    ("I've been feeling so sad and lonely since my dad died", "distress"),
    ("Does anyone know how to export my blog to WordPress?", "question"),
    ("How does this work? I'd love to understand more", "curiosity"),
    ("Keep going, you can do it, never give up!", "encouragement"),
    ("Could you please take a look at this when you have a moment? Thanks!", "respect"),
]
SMOKE_LOW = [
    ("The meeting moved to Tuesday at 3pm.", "toxicity"),
    ("The meeting moved to Tuesday at 3pm.", "crisis"),
    ("This traffic is killing me lol", "crisis"),
    ("I disagree with your argument about the budget.", "personal_attack"),
    ("I made pasta for dinner.", "celebration"),
    ("I made pasta for dinner.", "distress"),
]


def test_labels_contract() -> None:
    names = label_names()
    assert names == (
        "toxicity", "insult", "personal_attack", "identity_attack", "threat", "profanity",
        "gratitude", "admiration", "compassion", "respect", "curiosity", "encouragement",
        "distress", "crisis", "celebration", "question",
    )  # fmt: skip
    for label in LABELS:
        assert label.definition and label.positive_examples and label.negative_examples


def test_score_shape_and_range(scorer: Scorer) -> None:
    out = scorer.score(["hello", "", "🎉"])
    assert len(out) == 3
    for row in out:
        assert list(row) == list(label_names())
        assert all(0.0 <= v <= 1.0 for v in row.values())


def test_module_level_score() -> None:
    assert cyberkind.score("thank you!")[0]["gratitude"] > 0.5
    assert cyberkind.score([]) == []


@pytest.mark.parametrize(("text", "label"), SMOKE_HIGH)
def test_smoke_high(scorer: Scorer, text: str, label: str) -> None:
    scores = scorer.score([text])[0]
    assert scores[label] >= scorer.thresholds()[label], (label, scores)


@pytest.mark.parametrize(("text", "label"), SMOKE_LOW)
def test_smoke_low(scorer: Scorer, text: str, label: str) -> None:
    assert scorer.score([text])[0][label] < scorer.thresholds()[label]


def test_predict_does_not_mutate_input(scorer: Scorer) -> None:
    texts = ["a", "b"]
    before = list(texts)
    scorer.predict_proba(texts)
    assert texts == before


def test_batch_independence(scorer: Scorer) -> None:
    texts = ["you idiot", "thank you", "I got the job!", "help?"] * 3
    batch = scorer.predict_proba(texts)
    single = np.vstack([scorer.predict_proba([t]) for t in texts])
    np.testing.assert_allclose(batch, single, atol=1e-6)


def test_pipe_matches_score(scorer: Scorer) -> None:
    texts = [f"text {i} thank you" for i in range(25)]
    assert list(scorer.pipe(iter(texts), batch_size=7)) == scorer.score(texts)
    with pytest.raises(ConfigError, match="batch_size"):
        list(scorer.pipe(texts, batch_size=0))


def test_thresholds_documented_range(scorer: Scorer) -> None:
    t = scorer.thresholds()
    assert set(t) == set(label_names())
    assert all(0.0 < v < 1.0 for v in t.values())


def test_unknown_tier() -> None:
    with pytest.raises(ConfigError, match="unknown tier 'huge'"):
        Scorer("huge")


def test_missing_model_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"config\.json is missing"):
        Scorer(model_dir=tmp_path)


def test_corrupt_model(tmp_path: Path) -> None:
    folder = tmp_path / "fast-v1"
    folder.mkdir()
    (folder / "config.json").write_text("{not json")
    (folder / "weights.npz").write_bytes(b"nope")
    with pytest.raises(ModelError, match="not valid JSON"):
        Scorer(model_dir=tmp_path)
    (folder / "config.json").write_text(json.dumps({"format_version": 99}))
    with pytest.raises(ModelError, match="format 99"):
        Scorer(model_dir=tmp_path)
    source = json.loads((default_model_dir() / "fast-v1" / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps(source))
    with pytest.raises(ModelError, match="unreadable or incomplete"):
        Scorer(model_dir=tmp_path)


def test_loads_without_network() -> None:
    """Scoring in a child process where every socket call raises."""
    code = (
        "import socket\n"
        "def deny(*a, **k): raise RuntimeError('network used')\n"
        "socket.socket.connect = deny\n"
        "socket.create_connection = deny\n"
        "socket.getaddrinfo = deny\n"
        "import cyberkind\n"
        "print(cyberkind.score(['thank you'])[0]['gratitude'] > 0.5)\n"
    )
    env = {"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"


def test_model_files_are_small() -> None:
    """The word-level models stay under 30 MiB; the reading model (int8 ONNX) under 25 MiB."""
    root = default_model_dir()
    reading = root / "reading-v1"
    files = [p for p in root.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files if reading not in p.parents)
    assert total < 30 * 1024 * 1024
    assert sum(p.stat().st_size for p in files if reading in p.parents) < 25 * 1024 * 1024
