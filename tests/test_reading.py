"""The reading model runtime (cyberkind.classifiers.reading): loading, errors, telemetry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from cyberkind.classifiers.reading import ReadingModel, shipped_dir
from cyberkind.errors import ModelError

SHIPPED = (shipped_dir() / "model.onnx").is_file()
needs_model = pytest.mark.skipif(not SHIPPED, reason="reading-v1/model.onnx is not shipped yet")
SRC = Path(__file__).resolve().parents[1] / "src"


def _run(code: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with ``home`` as HOME and no ORT override."""
    environ = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    environ |= {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), **env}
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_constructing_loads_nothing(tmp_path: Path) -> None:
    result = _run(
        """
        import sys
        from cyberkind.classifiers.reading import ReadingModel
        ReadingModel()
        assert "onnxruntime" not in sys.modules, "onnxruntime imported before first use"
        assert "torch" not in sys.modules
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr


@needs_model
def test_loads_from_package_with_fresh_home_offline_and_no_telemetry(tmp_path: Path) -> None:
    result = _run(
        """
        import socket, sys

        def refuse(*args, **kwargs):
            raise AssertionError("the reading model tried to use the network")

        socket.socket.connect = refuse
        socket.create_connection = refuse
        from cyberkind.classifiers.reading import ReadingModel

        model = ReadingModel.load()
        probs = model.predict(["you are a worthless idiot", "thank you so much for your help"])
        print(float(probs["insult"][0]), float(probs["insult"][1]))
        for banned in ("torch", "transformers", "sentence_transformers"):
            assert banned not in sys.modules, banned
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    insult_attack, insult_thanks = map(float, result.stdout.split())
    assert insult_attack > insult_thanks
    written = [p for p in (tmp_path / ".cache").rglob("*") if p.is_file()]
    assert not [p for p in written if "Microsoft" in p.parts], written


def test_missing_model_file_gives_fix_it_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"model\.onnx is missing\. You can fix this"):
        ReadingModel.load(tmp_path)


def test_lazy_model_fails_on_first_use_not_construction(tmp_path: Path) -> None:
    model = ReadingModel(tmp_path)
    with pytest.raises(ModelError, match="You can fix this"):
        model.predict(["hello"])


def _fake_folder(tmp_path: Path, config: str, model: bytes) -> Path:
    (tmp_path / "config.json").write_text(config, encoding="utf-8")
    (tmp_path / "tokenizer.json").write_text("{}", encoding="utf-8")
    (tmp_path / "model.onnx").write_bytes(model)
    return tmp_path


def test_corrupt_model_file_gives_fix_it_error(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    config = json.dumps({"sigmoid_heads": ["toxicity"], "emotion_classes": [], "max_length": 8})
    folder = _fake_folder(tmp_path, config, b"\x00not an onnx graph" * 64)
    with pytest.raises(ModelError, match=r"corrupt.*You can fix this"):
        ReadingModel.load(folder)


def test_corrupt_config_gives_fix_it_error(tmp_path: Path) -> None:
    folder = _fake_folder(tmp_path, "{not json", b"")
    with pytest.raises(ModelError, match=r"config\.json is unreadable.*You can fix this"):
        ReadingModel.load(folder)


@needs_model
def test_truncated_shipped_model_gives_fix_it_error(tmp_path: Path) -> None:
    for name in ("config.json", "tokenizer.json"):
        (tmp_path / name).write_bytes((shipped_dir() / name).read_bytes())
    (tmp_path / "model.onnx").write_bytes((shipped_dir() / "model.onnx").read_bytes()[:100_000])
    with pytest.raises(ModelError, match="You can fix this"):
        ReadingModel.load(tmp_path)


@pytest.fixture(scope="module")
def model() -> ReadingModel:
    if not SHIPPED:
        pytest.skip("reading-v1/model.onnx is not shipped yet")
    return ReadingModel.load(threads=1)


@needs_model
def test_predict_gives_a_probability_per_label(model: ReadingModel) -> None:
    texts = ["Congrats on the new job!", "Why does this fail?", ""]
    before = list(texts)
    probs = model.predict(texts)
    assert texts == before
    assert set(probs) == set(model.labels)
    assert {"spam", "target:individual", "goemotions:gratitude", "crisis"} <= set(probs)
    for values in probs.values():
        assert values.shape == (3,)
        assert np.all((values >= 0) & (values <= 1))
    emotions = sum(probs[k] for k in model.labels if k.startswith("tweeteval-emotion:"))
    np.testing.assert_allclose(emotions, 1.0, atol=1e-4)
    assert set(model.thresholds) >= {"toxicity", "spam", "tweeteval:offensive"}


@needs_model
def test_predict_order_does_not_depend_on_batching(model: ReadingModel) -> None:
    """A text scores the same alone and among others: each text is read in its own pass
    (int8 dynamic quantisation would let a batch's texts move each other's scores, by 0.054
    here for "short" beside a longer text)."""
    texts = ["short", "a much longer text about the weather and the trains today", "ok then"]
    together = model.predict(texts)["toxicity"]
    alone = np.array([model.predict([t])["toxicity"][0] for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-6)
    batched = model.predict(texts, batch_size=3)["toxicity"]  # still possible, for speed
    assert int(np.argmin(np.abs(alone - batched[1]))) == 1


@needs_model
def test_a_single_text_is_read_once_for_every_head(model: ReadingModel) -> None:
    """The guard's scores, the wall's spam head and the spans of one text: one encoder pass
    each per text (the wall ran two per submission before)."""
    text = "Buy cheap followers now at my site, best deal!"
    fresh = ReadingModel.load(threads=1)
    runs: list[int] = []
    session = fresh._session

    class Counting:
        def run(self, *args: object, **kwargs: object) -> object:
            runs.append(1)
            return session.run(*args, **kwargs)

    fresh._session = Counting()
    first = fresh.predict([text])
    again = fresh.predict([text])
    assert len(runs) == 1
    for name in fresh.labels:
        np.testing.assert_array_equal(first[name], again[name])
        np.testing.assert_allclose(first[name], model.predict([text])[name], atol=1e-6)
    first["spam"][0] = 0.0  # the caller's arrays are its own
    assert fresh.predict([text])["spam"][0] == again["spam"][0]
    fresh.predict([text, "another"])  # a list is read as it comes, one text per pass
    assert len(runs) == 3
    # The span head reads up to 256 pieces, the sentence heads 128: a text shorter than both
    # is the same input to both, so its spans come from the pass its scores came from.
    fresh.spans([text])
    assert len(runs) == 3
    long_text = " ".join(["word"] * 200)
    fresh.predict([long_text])
    fresh.spans([long_text])  # cut at 128 for the scores, not for the spans: read again
    assert len(runs) == 5


@needs_model
def test_empty_input(model: ReadingModel) -> None:
    probs = model.predict([])
    assert all(v.shape == (0,) for v in probs.values())
    assert model.spans([]) == []


@needs_model
@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Shut up, you pathetic idiot.", "idiot"),
        ("Only a moron would believe this garbage.", "moron"),
    ],
)
def test_spans_mark_the_insult(model: ReadingModel, text: str, word: str) -> None:
    spans = model.spans([text])[0]
    start = text.index(word)
    assert any(s <= start < e for s, e, _ in spans), spans
    for s, e, score in spans:
        assert 0 <= s < e <= len(text) and 0.0 <= score <= 1.0


@needs_model
def test_spans_leave_a_kind_text_alone(model: ReadingModel) -> None:
    assert model.spans(["Thank you for the lovely afternoon, see you soon!"]) == [[]]


@needs_model
def test_spam_head_separates_a_link_drop_from_a_question(model: ReadingModel) -> None:
    probs = model.predict(
        [
            "Buy 5000 real Instagram followers for $9 at cheapfollowers.shop, fast delivery!!",
            "Does anyone know whether the library opens on Sunday?",
        ]
    )["spam"]
    assert probs[0] > model.thresholds["spam"] > probs[1]
