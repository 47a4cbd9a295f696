"""The span model: which words of a text make it toxic (``cyberkind.spans.v1``).

A token-level logistic regression over hashed features, trained on the SemEval-2021
Toxic Spans train split by :mod:`cyberkind.lab.training.spans` (``cyberkind train --only
spans``). Each word of the text gets a probability of being part of a toxic span from:

- its lower-cased form, its raw shape ("Xxxx", "xxx*x"), 3- and 4-character prefixes and
  suffixes (so unseen inflections and starred spellings share weight with seen ones);
- its neighbours within two words, and the bigrams it forms with them;
- whether it (or its singular) is in the lexicon stored with the model (the guard's insult,
  swear and slur words at training time), alone and next to its word form.

Words at or above the tuned ``threshold`` are positive; runs of positive words merge into
one span, including the spaces and punctuation between them when the gap is short, as the
SemEval annotators marked phrases. Spans never include the surrounding whitespace or
punctuation. Offsets point into the original text.

The weights are a NumPy array (``weights.npy``) and ``config.json``; the runtime needs
NumPy only, not scikit-learn.

An optional second, small logistic regression (the *context* stage,
:meth:`SpanModel.context_spans`) reads each word's probability next to its neighbours'
(two on each side), the post's highest and mean probability, whether the word is the post's
most likely one, the post's length and the lexicon flag (:func:`context_features`). It
explains a text already known to be toxic (``Guard.explain``): it marks the post's most
likely word even when that word alone is only mildly suspect.

**Usage**::

    >>> model = SpanModel.load()
    >>> [text[s:e] for s, e, _ in model.spans(text := "you are a stupid idiot")]
    ['stupid idiot']
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ModelError

__all__ = [
    "CONTEXT_FEATURES",
    "FORMAT_VERSION",
    "IDENTITY",
    "SPAN_MODEL",
    "SpanModel",
    "WordToken",
    "context_features",
    "hash_features",
    "identity_features",
    "merge_tokens",
    "token_features",
    "word_tokens",
]

SPAN_MODEL = "spans-v1"
FORMAT_VERSION = 1

# Words with inner apostrophes, hyphens or stars ("f*ck", "a**hole", "sh*t-head") and
# trailing stars ("f***") stay one token; the gold spans cover whole words like these.
_WORD = re.compile(r"\w+(?:[*'\u2019\-]+\w+)*\**|\*+\w+(?:[*'\u2019\-]+\w+)*\**")
_REPEAT = re.compile(r"(\w)\1{2,}")
_PAD = ("<s2>", "<s1>")
IDENTITY = "<identity>"
"""What an identity word reads as in every feature (see :func:`token_features`)."""
_END = ("</s1>", "</s2>")


@dataclass(frozen=True, slots=True)
class WordToken:
    """A word of the text and its character offsets (``text[start:end] == word``)."""

    start: int
    end: int
    word: str


def word_tokens(text: str) -> list[WordToken]:
    """The words of ``text`` with their offsets; whitespace and punctuation are skipped.

    >>> [t.word for t in word_tokens("You f***ing idiot!")]
    ['You', 'f***ing', 'idiot']
    """
    return [WordToken(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def _norm(word: str) -> str:
    return _REPEAT.sub(r"\1\1", word.lower().replace("\u2019", "'"))


def _shape(word: str) -> str:
    shape = re.sub(r"[A-Z]", "X", word)
    shape = re.sub(r"[a-z]", "x", shape)
    shape = re.sub(r"\d", "d", shape)
    return _REPEAT.sub(r"\1\1", shape)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("es") and word[-3] in "sxh":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def token_features(
    words: Sequence[str], lexicon: frozenset[str], identity: frozenset[str] = frozenset()
) -> list[list[str]]:
    """The feature strings of each word of one text (before hashing).

    Words in ``identity`` (who someone is: "gay", "muslims") all read as :data:`IDENTITY`
    and form no n-grams, so that every feature an identity word lights up is one of
    :func:`identity_features`, whose positive weights training sets to zero.

    >>> token_features(["you", "idiot"], frozenset({"idiot"}))[1][:3]
    ['b', 'w=idiot', 'lw=idiot']
    """
    norm = [_norm(w) for w in words]
    context = [IDENTITY if w in identity or _singular(w) in identity else w for w in norm]
    padded = [*_PAD, *context, *_END]
    out = []
    for i, word in enumerate(words):
        w = norm[i]
        j = i + 2
        p2, p1, n1, n2 = padded[j - 2], padded[j - 1], padded[j + 1], padded[j + 2]
        near = [f"p1={p1}", f"p2={p2}", f"n1={n1}", f"n2={n2}"]
        if context[i] == IDENTITY:
            out.append(["b", f"w={IDENTITY}", f"sh={_shape(word)}", *near])
            continue
        stem = _singular(w)
        in_lexicon = w in lexicon or stem in lexicon or w.replace("*", "") in lexicon
        feats = ["b", f"w={w}"]
        if in_lexicon:
            feats += [f"lw={w}", "lex", f"lex|p1={p1}", f"lex|n1={n1}"]
        feats += [
            f"s={stem}",
            f"sh={_shape(word)}",
            f"p3={w[:3]}",
            f"x3={w[-3:]}",
            f"p4={w[:4]}",
            f"x4={w[-4:]}",
            *near,
        ]
        if p1 != IDENTITY:
            feats.append(f"bp={p1}|{w}")
            if p2 != IDENTITY:
                feats.append(f"tp={p2}|{p1}|{w}")
        if n1 != IDENTITY:
            feats.append(f"bn={w}|{n1}")
            if n2 != IDENTITY:
                feats.append(f"tn={w}|{n1}|{n2}")
        if "*" in w:
            feats.append("star")
        if lexicon and (p1 in lexicon or _singular(p1) in lexicon):
            feats.append("lex_p1")
        if lexicon and (n1 in lexicon or _singular(n1) in lexicon):
            feats.append("lex_n1")
        out.append(feats)
    return out


CONTEXT_FEATURES = (
    "logit", "logit_prev1", "logit_next1", "logit_prev2", "logit_next2", "logit_post_max",
    "is_post_max", "log1p_words", "logit_post_mean", "in_lexicon", "short_word",
    "second_above_half",
)  # fmt: skip
"""The columns of :func:`context_features`, in order (stored with the model)."""


def _logit(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    q = np.clip(p, 1e-4, 1 - 1e-4)
    out: npt.NDArray[np.float64] = np.log(q / (1 - q))
    return out


def context_features(
    words: Sequence[str], proba: npt.NDArray[np.float64], lexicon: frozenset[str]
) -> npt.NDArray[np.float64]:
    """The context stage's features of each word of one post (:data:`CONTEXT_FEATURES`).

    ``proba`` is the word stage's probability of each word.

    >>> context_features(["you", "idiot"], np.array([0.1, 0.9]), frozenset({"idiot"})).shape
    (2, 12)
    """
    n = len(words)
    if n == 0:
        return np.zeros((0, len(CONTEXT_FEATURES)))
    logit = _logit(proba)
    pad = np.concatenate([[-9.0, -9.0], logit, [-9.0, -9.0]])
    top = float(proba.max())
    second = float(np.sort(proba)[-2]) if n > 1 else 0.0
    norm = [_norm(w) for w in words]
    out = np.empty((n, len(CONTEXT_FEATURES)))
    out[:, 0] = logit
    out[:, 1] = pad[1 : n + 1]
    out[:, 2] = pad[3 : n + 3]
    out[:, 3] = pad[0:n]
    out[:, 4] = pad[4 : n + 4]
    out[:, 5] = _logit(np.array(top))
    out[:, 6] = proba == top
    out[:, 7] = np.log1p(n)
    out[:, 8] = _logit(np.array(float(proba.mean())))
    out[:, 9] = [w in lexicon or _singular(w) in lexicon for w in norm]
    out[:, 10] = [len(w) <= 2 for w in norm]
    out[:, 11] = second > 0.5
    return out


def identity_features() -> list[str]:
    """Every feature string an identity word lights up, alone or as a neighbour."""
    return [f"w={IDENTITY}"] + [f"{k}={IDENTITY}" for k in ("p1", "p2", "n1", "n2")]


def hash_features(feats: Iterable[str], n_features: int) -> list[int]:
    """Bucket of each feature string: ``crc32`` (stable across processes) modulo the size."""
    mask = n_features - 1
    return [zlib.crc32(f.encode("utf-8", "surrogatepass")) & mask for f in feats]


class SpanModel:
    """Token-level logistic regression over hashed features; spans by threshold and merge.

    ``__init__`` only stores parameters; :mod:`cyberkind.lab.training.spans` fits the
    weights. ``weights_`` has one float per hashed bucket.

    **Usage**::

        >>> model = SpanModel.load()
        >>> model.spans("what a moron")
        [(7, 12, 0.97...)]
    """

    def __init__(
        self,
        weights: npt.NDArray[np.float32],
        bias: float,
        threshold: float = 0.5,
        max_gap: int = 3,
        lexicon: Iterable[str] = (),
        identity: Iterable[str] = (),
        config: dict[str, Any] | None = None,
        context_weights: Sequence[float] | None = None,
        context_bias: float = 0.0,
        floor: float = 0.0,
        context_threshold: float = 0.5,
        context_gap: int = 1,
    ) -> None:
        n = len(weights)
        if n < 2 or n & (n - 1):
            raise ModelError(f"span model weights must have a power-of-two length, got {n}.")
        self.weights_ = np.asarray(weights, dtype=np.float32)
        self.bias_ = float(bias)
        self.threshold = float(threshold)
        self.max_gap = int(max_gap)
        self.lexicon = frozenset(lexicon)
        self.identity = frozenset(identity)
        self.config: dict[str, Any] = dict(config or {})
        self.context_weights_ = (
            None if context_weights is None else np.asarray(context_weights, dtype=np.float64)
        )
        self.context_bias_ = float(context_bias)
        self.floor = float(floor)
        self.context_threshold = float(context_threshold)
        self.context_gap = int(context_gap)
        if self.context_weights_ is not None and len(self.context_weights_) != len(
            CONTEXT_FEATURES
        ):
            raise ModelError(
                f"span model context weights must have {len(CONTEXT_FEATURES)} values, got "
                f"{len(self.context_weights_)}. You can fix this by rebuilding it with "
                "`cyberkind train --only spans`."
            )

    @property
    def n_features(self) -> int:
        """How many hashed buckets the weights have."""
        return len(self.weights_)

    def context_proba(self, text: str) -> tuple[list[WordToken], npt.NDArray[np.float64]]:
        """The words of ``text`` and each one's probability from the context stage.

        0 for words whose word-stage probability is under ``floor`` and for identity words
        ("gay", "Muslim"). Without a context stage, the word stage's probability
        (:meth:`token_proba`).
        """
        toks, proba = self.token_proba(text)
        if self.context_weights_ is None or not toks:
            return toks, proba
        feats = context_features([t.word for t in toks], proba, self.lexicon)
        logits = feats @ self.context_weights_ + self.context_bias_
        context = 1.0 / (1.0 + np.exp(-np.clip(logits, -40.0, 40.0)))
        # Naming who someone is never marks a word, here as in the word stage.
        keep = (proba >= self.floor) & np.array(
            [(w := _norm(t.word)) not in self.identity and _singular(w) not in self.identity
             for t in toks]
        )  # fmt: skip
        out: npt.NDArray[np.float64] = np.where(keep, context, 0.0)
        return toks, out

    @property
    def has_context(self) -> bool:
        """Whether the model has a context stage (:meth:`context_spans`)."""
        return self.context_weights_ is not None

    def context_spans(self, text: str) -> list[tuple[int, int, float]]:
        """Spans of ``text`` by the context stage, for a text known to be toxic.

        The context stage learned that a toxic post nearly always has a toxic word, so it
        marks a post's most likely word even when the word stage alone would not: right
        for explaining a text a classifier or a reader already found toxic, wrong for
        finding toxic words in any text (kind sentences get their most likely word too).
        :meth:`spans` is the word stage alone. Without a context stage, :meth:`spans`.
        """
        if self.context_weights_ is None:
            return self.spans(text)
        toks, proba = self.context_proba(text)
        return merge_tokens(text, toks, proba, self.context_threshold, self.context_gap)

    def token_proba(self, text: str) -> tuple[list[WordToken], npt.NDArray[np.float64]]:
        """The words of ``text`` and each one's probability of being in a toxic span."""
        toks = word_tokens(text)
        if not toks:
            return [], np.zeros(0)
        feats = token_features([t.word for t in toks], self.lexicon, self.identity)
        lengths = np.fromiter((len(f) for f in feats), dtype=np.int64, count=len(feats))
        buckets = np.asarray(
            hash_features((f for fs in feats for f in fs), self.n_features), dtype=np.int64
        )
        rows = np.repeat(np.arange(len(toks), dtype=np.int64), lengths)
        # A bucket counts once per word, as in training's binary design matrix.
        keys = np.unique(rows * self.n_features + buckets)
        rows, buckets = keys // self.n_features, keys % self.n_features
        logits = np.bincount(rows, weights=self.weights_[buckets], minlength=len(toks)).astype(
            np.float64
        )
        proba: npt.NDArray[np.float64] = 1.0 / (
            1.0 + np.exp(-np.clip(logits + self.bias_, -40.0, 40.0))
        )
        return toks, proba

    def spans(self, text: str, threshold: float | None = None) -> list[tuple[int, int, float]]:
        """``(start, end, score)`` of each toxic span of ``text``; ``score`` is its top word's.

        Positive words closer than ``max_gap`` characters (only spaces and punctuation
        between) form one span, gap included.
        """
        toks, proba = self.token_proba(text)
        cut = self.threshold if threshold is None else threshold
        return merge_tokens(text, toks, proba, cut, self.max_gap)

    # -- persistence ---------------------------------------------------------
    def to_disk(self, path: Path) -> None:
        """Write ``weights.npy`` (float16) and ``config.json`` into the folder ``path``."""
        path.mkdir(parents=True, exist_ok=True)
        # np.save (not savez): a plain .npy has no zip timestamps, so equal weights give
        # equal bytes.
        with (path / "weights.npy").open("wb") as f:
            np.save(f, self.weights_.astype(np.float16))
        config = dict(self.config)
        config.update(
            format_version=FORMAT_VERSION,
            n_features=self.n_features,
            bias=self.bias_,
            threshold=self.threshold,
            max_gap=self.max_gap,
            lexicon=sorted(self.lexicon),
            identity_words=sorted(self.identity),
        )
        if self.context_weights_ is not None:
            config["context"] = {
                "floor": self.floor,
                "threshold": self.context_threshold,
                "max_gap": self.context_gap,
                "features": list(CONTEXT_FEATURES),
                "weights": [round(float(w), 6) for w in self.context_weights_],
                "bias": round(self.context_bias_, 6),
            }
        (path / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")

    @classmethod
    def from_disk(cls, path: Path) -> SpanModel:
        """Load a model folder written by :meth:`to_disk`."""
        config_path, weights_path = path / "config.json", path / "weights.npy"
        for needed in (config_path, weights_path):
            if not needed.is_file():
                raise ModelError(
                    f"span model file {needed} is missing. You can fix this by reinstalling "
                    "cyberkind or rebuilding it with `cyberkind train --only spans`."
                )
        try:
            config = json.loads(config_path.read_text())
            weights = np.load(weights_path, allow_pickle=False).astype(np.float32)
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"{path} is unreadable ({exc}). You can fix this by rebuilding it with "
                "`cyberkind train --only spans`."
            ) from exc
        if config.get("format_version") != FORMAT_VERSION:
            raise ModelError(
                f"{path} has span model format {config.get('format_version')!r}, this "
                f"cyberkind reads format {FORMAT_VERSION}. You can fix this by rebuilding it "
                "with `cyberkind train --only spans`."
            )
        rest = {k: v for k, v in config.items() if k not in _STORED}
        context = config.get("context")
        if context is not None and list(context.get("features", ())) != list(CONTEXT_FEATURES):
            raise ModelError(
                f"{path} has span model context features {context.get('features')!r}, this "
                f"cyberkind reads {list(CONTEXT_FEATURES)!r}. You can fix this by rebuilding "
                "it with `cyberkind train --only spans`."
            )
        return cls(
            weights,
            float(config["bias"]),
            float(config["threshold"]),
            int(config["max_gap"]),
            config.get("lexicon", ()),
            config.get("identity_words", ()),
            rest,
            None if context is None else context["weights"],
            0.0 if context is None else float(context["bias"]),
            0.0 if context is None else float(context.get("floor", 0.0)),
            0.5 if context is None else float(context.get("threshold", 0.5)),
            1 if context is None else int(context.get("max_gap", 1)),
        )

    @classmethod
    def load(cls, model_dir: Path | None = None) -> SpanModel:
        """The span model in ``model_dir`` (a folder holding ``spans-v1``), or the shipped one."""
        if model_dir is None:
            return _shipped()
        return cls.from_disk(model_dir / SPAN_MODEL)


_STORED = (
    "format_version",
    "n_features",
    "bias",
    "threshold",
    "max_gap",
    "lexicon",
    "identity_words",
    "context",
)


@functools.lru_cache(maxsize=1)
def _shipped() -> SpanModel:
    root = Path(str(importlib.resources.files("cyberkind.classifiers") / "data"))
    return SpanModel.from_disk(root / SPAN_MODEL)


def merge_tokens(
    text: str,
    toks: Sequence[WordToken],
    proba: npt.NDArray[np.float64],
    threshold: float,
    max_gap: int,
) -> list[tuple[int, int, float]]:
    """Spans of the words at or above ``threshold``, merging near neighbours.

    Two positive words in a row (no word between them) join when the characters between
    them are at most ``max_gap`` long and contain no line break.
    """
    out: list[tuple[int, int, float]] = []
    last_index = -2
    for i, (tok, p) in enumerate(zip(toks, proba, strict=True)):
        if p < threshold:
            continue
        gap = text[out[-1][1] : tok.start] if out else ""
        if out and last_index == i - 1 and len(gap) <= max_gap and "\n" not in gap:
            start, _, score = out[-1]
            out[-1] = (start, tok.end, max(score, float(p)))
        else:
            out.append((tok.start, tok.end, float(p)))
        last_index = i
    return out
