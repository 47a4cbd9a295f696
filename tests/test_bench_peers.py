"""Adapters around peer tools (cyberkind.lab.bench.peers): shapes, ranges, missing peers."""

from __future__ import annotations

import subprocess
import sys
import warnings
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from cyberkind.errors import ModelError
from cyberkind.lab.bench import peers

TEXTS = [
    "you absolute idiot",
    "Thank you so much for sharing this!",
    "",
    "I hate this so much",
    "ça va très bien 🙂 \u212a",
]

# (module to import, adapter class, distribution name, modules to hide to simulate a missing peer)
PEERS = [
    ("profanity_check", "ProfanityCheckPeer", "alt-profanity-check", ("profanity_check",)),
    ("hatesonar", "HateSonarPeer", "hatesonar", ("hatesonar", "hatesonar.api")),
    (
        "vaderSentiment",
        "VaderPeer",
        "vaderSentiment",
        ("vaderSentiment", "vaderSentiment.vaderSentiment"),
    ),
]


def _importorskip(module: str) -> ModuleType:
    # Peers may warn while importing (e.g. an unpickled scikit-learn model) and our
    # filterwarnings=error would turn that into a test error rather than a skip.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        imported: ModuleType = pytest.importorskip(module)
    return imported


def _hide(monkeypatch: pytest.MonkeyPatch, modules: tuple[str, ...]) -> None:
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)  # `import module` now raises ImportError


@pytest.mark.parametrize(("module", "cls", "dist", "hidden"), PEERS)
def test_peer_scores_one_value_in_unit_range_per_text(
    module: str, cls: str, dist: str, hidden: tuple[str, ...]
) -> None:
    _importorskip(module)
    peer = getattr(peers, cls)()
    assert peer.name.startswith(f"{dist} ")
    assert peer.note
    scores = peer.predict(TEXTS)
    assert tuple(scores) == peer.labels
    for label, values in scores.items():
        assert values.shape == (len(TEXTS),), label
        assert values.dtype == np.float64, label
        assert np.all((values >= 0.0) & (values <= 1.0)), (label, values)


@pytest.mark.parametrize(("module", "cls", "dist", "hidden"), PEERS)
def test_peer_scores_empty_batch(module: str, cls: str, dist: str, hidden: tuple[str, ...]) -> None:
    _importorskip(module)
    peer = getattr(peers, cls)()
    scores = peer.predict([])
    assert {label: values.shape for label, values in scores.items()} == {
        label: (0,) for label in peer.labels
    }


@pytest.mark.parametrize(("module", "cls", "dist", "hidden"), PEERS)
def test_peer_does_not_mutate_its_input(
    module: str, cls: str, dist: str, hidden: tuple[str, ...]
) -> None:
    _importorskip(module)
    texts = list(TEXTS)
    getattr(peers, cls)().predict(texts)
    assert texts == TEXTS


def test_profanity_check_ranks_swearing_above_small_talk() -> None:
    _importorskip("profanity_check")
    scores = peers.ProfanityCheckPeer().predict(["fuck this shit", "lovely day for a walk"])
    assert scores["profanity"][0] > 0.5 > scores["profanity"][1]
    np.testing.assert_array_equal(scores["toxicity"], scores["profanity"])


def test_hatesonar_toxicity_includes_hate() -> None:
    _importorskip("hatesonar")
    texts = TEXTS * 60  # more than one internal batch
    scores = peers.HateSonarPeer().predict(texts)
    assert np.all(scores["toxicity"] >= scores["identity_attack"] - 1e-9)
    # batching must not change a text's score
    np.testing.assert_allclose(scores["toxicity"][: len(TEXTS)], scores["toxicity"][-len(TEXTS) :])


def test_vader_scores_only_negative_sentiment() -> None:
    _importorskip("vaderSentiment")
    scores = peers.VaderPeer().predict(["I hate this, it is awful", "thank you!", "the bus"])
    assert scores["toxicity"][0] > 0.5
    assert scores["toxicity"][1:].tolist() == [0.0, 0.0]


@pytest.mark.parametrize(("module", "cls", "dist", "hidden"), PEERS)
def test_missing_peer_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, module: str, cls: str, dist: str, hidden: tuple[str, ...]
) -> None:
    _hide(monkeypatch, hidden)
    with pytest.raises(ModelError, match=r"pip install 'cyberkind\[bench\]'"):
        getattr(peers, cls)()
    missing = peers.missing_peers()
    assert missing[dist].startswith(f"{dist} is not installed")
    assert missing[dist].endswith("You can fix this by running: pip install 'cyberkind[bench]'")
    assert all(not peer.name.startswith(f"{dist} ") for peer in peers.available_peers())


def test_available_peers_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> peers.Peer:
        raise RuntimeError("boom")

    monkeypatch.setattr(peers, "_PEERS", (("broken-peer", broken), *peers._PEERS))
    loaded, missing = peers.load_peers()
    assert "broken-peer" not in {peer.name for peer in loaded}
    assert missing["broken-peer"].startswith("broken-peer failed to load (RuntimeError: boom)")
    for *_, hidden in PEERS:
        _hide(monkeypatch, hidden)
    assert peers.available_peers() == []
    assert set(peers.missing_peers()) == {
        "broken-peer",
        "alt-profanity-check",
        "hatesonar",
        "vaderSentiment",
    }


def test_every_peer_is_either_loaded_or_missing() -> None:
    loaded, missing = peers.load_peers()
    names = [peer.name.split(" ")[0] for peer in loaded]
    assert sorted(names + list(missing)) == ["alt-profanity-check", "hatesonar", "vaderSentiment"]


def _fail_on_en_us(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make onnxruntime fail as it does on a system without the en_US.UTF-8 locale."""
    ort = _importorskip("onnxruntime")
    real = ort.InferenceSession

    def session(model: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(model, str):  # the model file as shipped, asking for en_US.UTF-8
            raise RuntimeError(
                "Failed to construct locale with name:en_US.UTF-8:locale::facet::"
                "_S_create_c_locale name not valid:Please, install necessary language-pack-XX"
            )
        return real(model, *args, **kwargs)

    monkeypatch.setattr(ort, "InferenceSession", session)


def test_hatesonar_without_en_us_locale_falls_back_to_c_utf8(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _importorskip("hatesonar")
    _importorskip("onnx")
    expected = peers.HateSonarPeer().predict(TEXTS)
    _fail_on_en_us(monkeypatch)
    peer = peers.HateSonarPeer()
    assert "C.UTF-8" in peer.note
    for label, values in peer.predict(TEXTS).items():
        np.testing.assert_array_equal(values, expected[label])


def test_hatesonar_without_any_locale_says_how_to_generate_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _importorskip("hatesonar")
    _fail_on_en_us(monkeypatch)
    monkeypatch.setitem(sys.modules, "onnx", None)  # so the C.UTF-8 fallback cannot run
    message = peers.missing_peers()["hatesonar"]
    assert "needs the en_US.UTF-8 locale" in message
    assert "locale-gen" in message


def test_hatesonar_before_0_1_is_reported_too_old(monkeypatch: pytest.MonkeyPatch) -> None:
    api = _importorskip("hatesonar.api")
    monkeypatch.delattr(api, "DEFAULT_MODEL_FILE")
    assert "pip install 'hatesonar>=0.1'" in peers.missing_peers()["hatesonar"]


def test_importing_peers_does_not_import_the_peer_packages() -> None:
    code = (
        "import sys, cyberkind.lab.bench.peers\n"
        "heavy = ('profanity_check', 'hatesonar', 'onnxruntime', 'vaderSentiment')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
