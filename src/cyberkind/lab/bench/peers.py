"""Peer tools that ``cyberkind bench`` runs beside our own scorer, on the same rows.

Each peer gets a small adapter with the :class:`Peer` shape: a versioned
``name``, the cyberkind ``labels`` it can stand in for, an honest ``note`` on
what it is and where its scores are contaminated, and a batched ``predict``
that returns one probability-like score in [0, 1] per text and label.

==================== =================================== ===========================
peer                 cyberkind label = peer output         trained on
==================== =================================== ===========================
alt-profanity-check  toxicity, profanity = predict_prob    Davidson 2017 + Jigsaw 2018
hatesonar (>= 0.1)   identity_attack = P(hate_speech);     Davidson 2017
                     toxicity = P(hate) + P(offensive)
vaderSentiment       toxicity = max(0, -compound)          (a lexicon, not trained)
==================== =================================== ===========================

The peer packages are imported lazily, inside the adapters, so importing this
module is cheap; they come with ``pip install 'cyberkind[bench]'``. Warnings the
peers emit while loading or scoring (scikit-learn's InconsistentVersionWarning,
DeprecationWarning...) are silenced here, because our test suite turns warnings
into errors and a peer's housekeeping is not our finding.

**Usage**::

    >>> from cyberkind.lab.bench.peers import load_peers
    >>> peers, missing = load_peers()
    >>> for peer in peers:
    ...     scores = peer.predict(["you absolute idiot", "thank you!"])
    ...     print(peer.name, {label: s.round(2).tolist() for label, s in scores.items()})
    >>> for name, fix in missing.items():
    ...     print(f"skipped {name}: {fix}")
"""

from __future__ import annotations

import importlib
import importlib.metadata
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from cyberkind.errors import ModelError

__all__ = [
    "HateSonarPeer",
    "Peer",
    "ProfanityCheckPeer",
    "VaderPeer",
    "available_peers",
    "load_peers",
    "missing_peers",
]

INSTALL_FIX = "pip install 'cyberkind[bench]'"

Scores = npt.NDArray[np.float64]


class Peer(Protocol):
    """A peer tool, adapted to score texts on some cyberkind labels.

    **Usage**::

        peer: Peer = VaderPeer()
        scores = peer.predict(["what a mess"])   # {"toxicity": array([0.36])}
    """

    name: str
    labels: tuple[str, ...]
    note: str

    def predict(self, texts: Sequence[str]) -> dict[str, Scores]:
        """Return ``{label: scores}`` with one score in [0, 1] per text, for each of ``labels``."""
        ...


@contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "(version unknown)"


def _import(module: str, dist: str) -> ModuleType:
    """Import ``module`` of distribution ``dist``, turning any failure into a ModelError."""
    try:
        with _quiet():
            return importlib.import_module(module)
    except ImportError as exc:
        raise ModelError(
            f"{dist} is not installed ({exc}). You can fix this by running: {INSTALL_FIX}"
        ) from exc
    except Exception as exc:
        # Peers that unpickle scikit-learn models fail this way when the installed
        # scikit-learn is not the one they were pickled with.
        raise ModelError(
            f"{dist} {_version(dist)} is installed but failed to load "
            f"({type(exc).__name__}: {exc}). You can fix this by reinstalling it with "
            "matching dependencies: pip install --force-reinstall 'cyberkind[bench]'"
        ) from exc


def _as_scores(values: Any, n: int, peer: str) -> Scores:
    scores = np.asarray(values, dtype=np.float64).reshape(-1)
    if scores.shape[0] != n:
        raise ModelError(f"{peer} returned {scores.shape[0]} scores for {n} texts")
    return np.clip(scores, 0.0, 1.0) + 0.0  # + 0.0 turns -0.0 into 0.0


def _empty(labels: tuple[str, ...]) -> dict[str, Scores]:
    return {label: np.zeros(0, dtype=np.float64) for label in labels}


class ProfanityCheckPeer:
    """alt-profanity-check: a linear SVM over word n-grams, for ``toxicity`` and ``profanity``.

    Both labels get the same ``predict_prob`` score. The package loads its
    pickles at import time, so constructing this adapter is the slow part.

    **Usage**::

        peer = ProfanityCheckPeer()
        peer.predict(["fuck this", "lovely day"])["profanity"]   # array([1.  , 0.05])
    """

    dist = "alt-profanity-check"

    def __init__(self) -> None:
        module = _import("profanity_check", self.dist)
        self._predict_prob: Callable[[list[str]], Any] = module.predict_prob
        self.name: str = f"{self.dist} {_version(self.dist)}"
        self.labels: tuple[str, ...] = ("toxicity", "profanity")
        self.note: str = (
            "linear SVM on word n-grams, trained on Davidson et al. 2017 tweets and the Jigsaw "
            "2018 toxic comments: its scores on those two data sets are contaminated; one "
            "score serves both labels"
        )

    def predict(self, texts: Sequence[str]) -> dict[str, Scores]:
        """Return the profanity probability of each text, as ``toxicity`` and ``profanity``."""
        if not texts:
            return _empty(self.labels)
        with _quiet():
            raw = self._predict_prob(list(texts))
        scores = _as_scores(raw, len(texts), self.name)
        return {"toxicity": scores, "profanity": scores.copy()}


# hatesonar's ONNX graph builds a dense batch x 28,302-term TF matrix, so big batches
# are slower per text: on 2 cores, 64-256 texts per run gave ~6,300 texts/s, 512 and
# more ~4,600, one at a time (what Sonar.ping does) ~4,200.
_HATESONAR_BATCH = 128

_LOCALE_FIX = (
    "You can fix this by generating that locale; on Debian or Ubuntu, as root: "
    "apt-get install -y locales && "
    "sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen && locale-gen. "
    "Setting LANG or LC_ALL does not help: the locale name is fixed inside the model."
)


def _patch_locale(onnx: ModuleType, model_file: Path, locale: str) -> bytes:
    """Return the model with every StringNormalizer node asking for ``locale``."""
    model = onnx.load(str(model_file))
    for node in model.graph.node:
        if node.op_type == "StringNormalizer":
            kept = [a for a in node.attribute if a.name != "locale"]
            del node.attribute[:]
            node.attribute.extend(kept)
            node.attribute.append(onnx.helper.make_attribute("locale", locale))
    data: bytes = model.SerializeToString()
    return data


def _open_hatesonar(model_file: Path, version: str) -> tuple[Any, bool]:
    """Open hatesonar's ONNX model; return the session and whether the locale was patched.

    The graph lower-cases text with an ONNX StringNormalizer, which onnxruntime
    runs under the ``en_US.UTF-8`` locale and refuses to build without it. Its
    tokenizer then keeps only ``[a-zA-Z0-9_]+`` runs, so lower-casing under
    ``C.UTF-8`` (always present on glibc >= 2.35) scores the same: we fall back
    to that rather than drop the peer.
    """
    ort = _import("onnxruntime", "hatesonar")
    options = ort.SessionOptions()
    options.log_severity_level = 4  # onnxruntime would log the locale failure to stderr too
    providers = ["CPUExecutionProvider"]
    try:
        with _quiet():
            return ort.InferenceSession(str(model_file), options, providers=providers), False
    except Exception as exc:
        if "locale" not in str(exc):
            raise ModelError(
                f"hatesonar {version} cannot load its model {model_file} ({exc}). "
                f"You can fix this by reinstalling it: pip install --force-reinstall hatesonar"
            ) from exc
        first = exc
    try:
        onnx = importlib.import_module("onnx")
        with _quiet():
            patched = _patch_locale(onnx, model_file, "C.UTF-8")
            return ort.InferenceSession(patched, options, providers=providers), True
    except Exception:
        raise ModelError(
            f"hatesonar {version} needs the en_US.UTF-8 locale, which this system lacks "
            f"(onnxruntime: {str(first).strip()}). {_LOCALE_FIX}"
        ) from first


class HateSonarPeer:
    """hatesonar: TF-IDF and logistic regression over three Davidson et al. classes.

    ``identity_attack`` is P(hate_speech) and ``toxicity`` is P(hate_speech) +
    P(offensive_language). Texts are run through the ONNX session in batches of
    128 rather than one by one through ``Sonar.ping``.

    **Usage**::

        peer = HateSonarPeer()
        peer.predict(["you people are vermin"])["identity_attack"]   # array([0.33])
    """

    dist = "hatesonar"

    def __init__(self) -> None:
        version = _version(self.dist)
        api = _import("hatesonar.api", self.dist)
        model_file = getattr(api, "DEFAULT_MODEL_FILE", None)
        if model_file is None:
            raise ModelError(
                f"hatesonar {version} is too old: versions before 0.1 ship scikit-learn 0.19 "
                f"pickles that no longer load. You can fix this by running: "
                f"pip install 'hatesonar>=0.1'"
            )
        self._session, patched = _open_hatesonar(Path(model_file), version)
        self.name: str = f"{self.dist} {version}"
        self.labels: tuple[str, ...] = ("identity_attack", "toxicity")
        self.note: str = (
            "TF-IDF and logistic regression trained on Davidson et al. 2017 tweets (hate_speech / "
            "offensive_language / neither): its Davidson scores are contaminated, and its "
            "'offensive' class is mostly slurs and swearing; ASCII word tokens only"
        )
        if patched:
            self.note += (
                "; loaded with its text normaliser's locale switched from en_US.UTF-8 (not "
                "installed here) to C.UTF-8, which leaves ASCII tokens and so scores unchanged"
            )

    def predict(self, texts: Sequence[str]) -> dict[str, Scores]:
        """Return P(hate) as ``identity_attack`` and P(hate) + P(offensive) as ``toxicity``."""
        n = len(texts)
        if not n:  # the graph rejects an empty batch
            return _empty(self.labels)
        probs = np.empty((n, 3), dtype=np.float64)
        for start in range(0, n, _HATESONAR_BATCH):
            batch = np.array(list(texts[start : start + _HATESONAR_BATCH]), dtype=object)
            with _quiet():
                _, rows = self._session.run(None, {"text": batch})
            # rows is one {class index: probability} dict per text, as Sonar.ping reads
            # it; 0 is hate_speech, 1 offensive_language, 2 neither.
            probs[start : start + len(batch)] = [(row[0], row[1], row[2]) for row in rows]
        hate = _as_scores(probs[:, 0], n, self.name)
        return {"identity_attack": hate, "toxicity": np.clip(probs[:, 0] + probs[:, 1], 0.0, 1.0)}


class VaderPeer:
    """VADER: a sentiment lexicon, used as a negativity proxy for ``toxicity``.

    The score is ``max(0, -compound)``: how strongly negative the text's
    sentiment is, 0 for neutral or positive text. On TweetEval offensive
    *validation* at threshold 0.5 it gave macro-F1 0.648, against 0.552 for
    ``(1 - compound) / 2`` (whose neutral texts, 19% of rows, sit exactly on
    0.5, so the F1 flips to 0.655 with ``>`` instead of ``>=``) and 0.442 for
    ``neg`` (a share of words, at least 0.5 on only 2% of rows). Positive
    sentiment is not gratitude, so VADER stands in for no kindness label.

    **Usage**::

        peer = VaderPeer()
        peer.predict(["I hate this so much"])["toxicity"]   # array([0.5719])
    """

    dist = "vaderSentiment"

    def __init__(self) -> None:
        module = _import("vaderSentiment.vaderSentiment", self.dist)
        with _quiet():
            self._analyzer: Any = module.SentimentIntensityAnalyzer()
        self.name: str = f"{self.dist} {_version(self.dist)}"
        self.labels: tuple[str, ...] = ("toxicity",)
        self.note: str = (
            "a sentiment lexicon (Hutto and Gilbert 2014), not a toxicity model: toxicity = "
            "max(0, -compound), how negative the sentiment is, so it flags sad or angry text "
            "that attacks nobody and misses polite hostility"
        )

    def predict(self, texts: Sequence[str]) -> dict[str, Scores]:
        """Return ``max(0, -compound)`` for each text as ``toxicity``."""
        polarity = self._analyzer.polarity_scores
        with _quiet():
            compound = [polarity(text)["compound"] for text in texts]
        # clipping -compound to [0, 1] is max(0, -compound): compound lies in [-1, 1]
        return {"toxicity": _as_scores(np.negative(compound), len(texts), self.name)}


_PEERS: tuple[tuple[str, Callable[[], Peer]], ...] = (
    ("alt-profanity-check", ProfanityCheckPeer),
    ("hatesonar", HateSonarPeer),
    ("vaderSentiment", VaderPeer),
)


def load_peers() -> tuple[list[Peer], dict[str, str]]:
    """Load every peer once; return those that loaded and ``{name: fix}`` for the rest.

    Never raises: a peer that is missing or broken is reported, not fatal.

    **Usage**::

        peers, missing = load_peers()
        for name, fix in missing.items():
            print(f"Error: {fix}")
    """
    loaded: list[Peer] = []
    missing: dict[str, str] = {}
    for name, factory in _PEERS:
        try:
            loaded.append(factory())
        except ModelError as exc:
            missing[name] = str(exc)
        except Exception as exc:  # a bug in one peer must not take the whole bench down
            missing[name] = (
                f"{name} failed to load ({type(exc).__name__}: {exc}). "
                f"You can fix this by reinstalling it: {INSTALL_FIX}"
            )
    return loaded, missing


def available_peers() -> list[Peer]:
    """Return the peers that load here; never raises for a missing one.

    **Usage**::

        [peer.name for peer in available_peers()]   # ['alt-profanity-check 1.9.1', ...]
    """
    return load_peers()[0]


def missing_peers() -> dict[str, str]:
    """Return ``{peer name: what to run to get it}`` for each peer that does not load.

    **Usage**::

        missing_peers()   # {'hatesonar': "hatesonar is not installed (...). You can fix ..."}
    """
    return load_peers()[1]
