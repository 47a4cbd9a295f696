"""The toxic span model (spans-v1): offsets, clear cases, kind sentences, determinism."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from cyberkind.classifiers.spans import (
    CONTEXT_FEATURES,
    IDENTITY,
    SPAN_MODEL,
    SpanModel,
    context_features,
    hash_features,
    identity_features,
    token_features,
    word_tokens,
)
from cyberkind.errors import ModelError
from cyberkind.guard import Guard
from cyberkind.lab.bench.probes import hateful_sentences, probe_sentences

KIND = [s for group in probe_sentences().values() for s in group]
TEXTS = [
    "you are a stupid idiot",
    "What a f***ing moron!!  Go away, loser.",
    "Shut up, you pathetic\nclown... seriously",
    "  leading spaces, 'quoted idiots' and émojis 🙂 stay put ",
    "Trump is an a**hole and his voters are morons.",
]


@pytest.fixture(scope="module")
def model() -> SpanModel:
    return SpanModel.load()


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


@pytest.mark.parametrize("text", TEXTS)
def test_word_offsets_point_into_the_text(text: str) -> None:
    for tok in word_tokens(text):
        assert text[tok.start : tok.end] == tok.word


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("You f***ing idiot!", ["You", "f***ing", "idiot"]),
        ("sh*t-head, f***", ["sh*t-head", "f***"]),
        ("don't   go", ["don't", "go"]),
    ],
)
def test_word_tokens(text: str, words: list[str]) -> None:
    assert [t.word for t in word_tokens(text)] == words


@pytest.mark.parametrize("text", TEXTS)
def test_spans_are_trimmed_and_inside_the_text(model: SpanModel, text: str) -> None:
    for start, end, score in model.spans(text, threshold=0.05):
        piece = text[start:end]
        assert 0 <= start < end <= len(text)
        assert piece == piece.strip()
        assert piece[0].isalnum() or piece[0] == "*"
        assert piece[-1].isalnum() or piece[-1] == "*"
        assert 0.05 <= score <= 1.0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("you are a stupid idiot", {"stupid", "idiot"}),
        ("What a moron", {"moron"}),
        ("shut up you pathetic loser", {"pathetic", "loser"}),
        ("this is fucking bullshit", {"fucking", "bullshit"}),
    ],
)
def test_clear_cases(model: SpanModel, text: str, words: set[str]) -> None:
    marked = {t.word for t in word_tokens(text) if _covered(model.spans(text), t.start)}
    assert words <= marked
    assert not marked & {"you", "are", "a", "is", "this", "What"}


def _covered(spans: list[tuple[int, int, float]], offset: int) -> bool:
    return any(start <= offset < end for start, end, _ in spans)


def test_stupid_idiot_through_the_guard(guard: Guard) -> None:
    verdict = guard.check("you are a stupid idiot")
    for reason in verdict.reasons:
        assert [s.text for s in reason.spans] == ["stupid idiot"]
    assert [s.text for s in guard.explain("you are a stupid idiot")] == ["stupid idiot"]


@pytest.mark.parametrize(
    "text",
    [
        "Thank you so much for your help today!",
        "Great point, I had not thought of that.",
        "I respectfully disagree with the budget figures.",
    ],
)
def test_kind_sentences_have_no_spans(model: SpanModel, guard: Guard, text: str) -> None:
    assert model.spans(text) == []
    assert guard.check(text).spans == ()


def test_identity_probe_has_no_spans(model: SpanModel, guard: Guard) -> None:
    """Kind sentences about who someone is ("I am a gay man") never get a span."""
    assert [s for s in KIND if model.spans(s)] == []
    assert [s for s in KIND if guard.check(s, suggest=False).spans] == []
    hateful = [s for group in hateful_sentences().values() for s in group]
    assert sum(bool(model.spans(s)) for s in hateful) > len(hateful) // 2


def test_identity_words_cannot_raise_a_span(model: SpanModel) -> None:
    buckets = hash_features(identity_features(), model.n_features)
    assert (model.weights_[buckets] <= 0).all()
    feats = token_features(["stupid", "gay", "people"], frozenset(), frozenset({"gay"}))
    assert feats[1] == [
        "b",
        f"w={IDENTITY}",
        "sh=xx",
        "p1=stupid",
        "p2=<s1>",
        "n1=people",
        "n2=</s1>",
    ]
    assert not [f for f in feats[0] + feats[2] if "gay" in f]


def test_negated_words_are_not_check_spans(guard: Guard) -> None:
    verdict = guard.check("you are not an idiot but your plan is stupid")
    assert "idiot" not in {s.text for s in verdict.spans}


def test_runtime_needs_numpy_only() -> None:
    code = (
        "import sys\n"
        "from cyberkind.classifiers.spans import SpanModel\n"
        "print(SpanModel.load().spans('you are a stupid idiot'))\n"
        "print([m for m in ('sklearn', 'scipy', 'torch', 'httpx') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "[]"


def test_shipped_model_is_small() -> None:
    from cyberkind.engine import default_model_dir

    root = default_model_dir()
    spans = sum(p.stat().st_size for p in (root / SPAN_MODEL).iterdir())
    reading = root / "reading-v1"  # the encoder has its own budget (tests/test_engine.py)
    total = sum(
        p.stat().st_size for p in root.rglob("*") if p.is_file() and reading not in p.parents
    )
    assert spans < 4e6
    assert total < 30e6
    for name in ("MODEL_CARD.md", "metrics.json", "config.json", "weights.npy"):
        assert (root / SPAN_MODEL / name).is_file()


def test_round_trip(tmp_path: Path) -> None:
    weights = np.zeros(2**8, dtype=np.float32)
    weights[hash_features(["w=bad"], 2**8)] = 5.0
    model = SpanModel(weights, -2.0, 0.5, 1, ["bad"], ["gay"], {"name": "tiny"})
    model.to_disk(tmp_path / "m")
    again = SpanModel.from_disk(tmp_path / "m")
    assert again.spans("so bad bad. ok") == model.spans("so bad bad. ok")
    assert [(s, e) for s, e, _ in again.spans("so bad bad. ok")] == [(3, 10)]
    assert again.lexicon == {"bad"} and again.identity == {"gay"}
    assert again.config == {"name": "tiny"}


def test_context_stage_round_trip_and_top_word(tmp_path: Path) -> None:
    """The context stage marks a post's most likely word, never an identity word."""
    weights = np.zeros(2**8, dtype=np.float32)
    weights[hash_features(["w=bad"], 2**8)] = 1.0
    weights[hash_features(["w=gay"], 2**8)] = 3.0  # as if identity weights leaked
    context = [0.0] * len(CONTEXT_FEATURES)
    context[CONTEXT_FEATURES.index("is_post_max")] = 4.0
    model = SpanModel(weights, -2.0, 0.5, 1, ["bad"], ["gay"], {}, context, -2.0, 0.1, 0.5, 1)
    assert model.has_context
    assert model.spans("so bad") == []  # the word stage alone: 0.27 < 0.5
    assert [(s, e) for s, e, _ in model.context_spans("so bad")] == [(3, 6)]
    marked = [(s, e) for s, e, _ in model.context_spans("gay")]
    assert marked == []  # the top word, but an identity word
    model.to_disk(tmp_path / "m")
    again = SpanModel.from_disk(tmp_path / "m")
    assert again.context_spans("so bad") == model.context_spans("so bad")
    assert (again.floor, again.context_threshold, again.context_gap) == (0.1, 0.5, 1)
    assert context_features(["so", "bad"], np.array([0.1, 0.3]), frozenset()).shape == (
        2,
        len(CONTEXT_FEATURES),
    )
    with pytest.raises(ModelError, match="context weights"):
        SpanModel(weights, 0.0, context_weights=[1.0])


def test_missing_or_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"is missing.*--only spans"):
        SpanModel.from_disk(tmp_path)
    with pytest.raises(ModelError, match="power-of-two"):
        SpanModel(np.zeros(3, dtype=np.float32), 0.0)
    SpanModel(np.zeros(4, dtype=np.float32), 0.0).to_disk(tmp_path)
    (tmp_path / "config.json").write_text('{"format_version": 99}')
    with pytest.raises(ModelError, match="format 99"):
        SpanModel.from_disk(tmp_path)
    config = '{"format_version": 1, "bias": 0, "threshold": 0.5, "max_gap": 1, '
    (tmp_path / "config.json").write_text(config + '"context": {"features": ["x"]}}')
    with pytest.raises(ModelError, match="context features"):
        SpanModel.from_disk(tmp_path)


def test_train_help_lists_spans() -> None:
    from cyberkind.cli import cli

    result = CliRunner().invoke(cli, ["train", "--help"])
    assert result.exit_code == 0
    assert "spans" in result.output


@pytest.mark.data
def test_training_is_deterministic(data_dir: Path, tmp_path: Path) -> None:
    from cyberkind.lab.training.spans import train_spans

    folders = []
    for name in ("a", "b"):
        train_spans(data_dir, tmp_path / name, seed=3, limit=300, n_features=2**16, c_grid=(0.1,))
        folders.append(tmp_path / name / SPAN_MODEL)
    files = sorted(p.name for p in folders[0].iterdir())
    assert files == ["MODEL_CARD.md", "config.json", "metrics.json", "weights.npy"]
    for name in files:
        assert (folders[0] / name).read_bytes() == (folders[1] / name).read_bytes(), name
    model = SpanModel.from_disk(folders[0])
    assert model.n_features == 2**16 and model.config["seed"] == 3
    assert "Bias probe" in (folders[0] / "MODEL_CARD.md").read_text()


@pytest.mark.data
def test_span_model_on_trial(data_dir: Path, model: SpanModel, guard: Guard) -> None:
    """The shipped model and the guard's explain beat the occlusion spans (0.594).

    The context stage, which ``explain`` uses, beats the word stage alone on trial.
    """
    from cyberkind.guard.metrics import char_offsets, span_f1
    from cyberkind.lab.guard_evaluate import explain_offsets, read_toxic_spans

    texts, gold = read_toxic_spans(data_dir, "trial")
    alone = [char_offsets((s, e) for s, e, _ in model.spans(t)) for t in texts]
    assert span_f1(alone, gold) > 0.62
    context = [char_offsets((s, e) for s, e, _ in model.context_spans(t)) for t in texts]
    assert span_f1(context, gold) > span_f1(alone, gold) + 0.03
    assert span_f1(explain_offsets(guard, texts), gold) > 0.67


@pytest.mark.parametrize(
    ("pred", "gold"),
    [([], []), ([1], []), ([], [1]), ([1, 2, 3], [2, 3, 4, 5]), ([1, 1, 2], [2, 9]), ([4], [5])],
)
def test_span_f1_is_the_official_scorer(pred: list[int], gold: list[int]) -> None:
    """SemEval-2021 Task 5's scorer: per post 2|P & G| / (|P| + |G|), both empty = 1."""
    from cyberkind.guard.metrics import text_f1

    p, g = set(pred), set(gold)
    official = (
        (1.0 if not p else 0.0) if not g else (2 * len(p & g) / (len(p) + len(g)) if p else 0.0)
    )
    assert text_f1(pred, gold) == pytest.approx(official)
