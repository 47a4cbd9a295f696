"""The kindness engine: calibrated probabilities for every public label.

**Usage**::

    >>> import cyberkind
    >>> cyberkind.score(["thank you so much for sharing this"])[0]["gratitude"] > 0.5
    True
    >>> scorer = cyberkind.Scorer()          # loads once
    >>> for scores in scorer.pipe(texts, batch_size=1024):
    ...     ...
    >>> cyberkind.Scorer("reading").read(["Buy followers at cheap-likes.example"])[0]["spam"] > 0.5
    True

``score`` gives the public labels only (the contract of docs/labels.md and the Perspective
API). ``read`` gives them plus the tier's extra heads where it has them (the reading tier's
``spam``, ``target:*`` and a few emotion heads, :data:`Scorer.extras`): what the inbox stores
for each item, so that triage can tell spam, attacks on a person and disagreement apart.

Models load from inside the package (``importlib.resources``) or from the folder
passed as ``model_dir`` (on the command line: the ``model_dir`` setting); nothing is
downloaded.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .classifiers.crisis_rules import crisis_floor
from .classifiers.shipped import default_model_dir
from .errors import ConfigError
from .labels import label_names

__all__ = ["TIERS", "Scorer", "available_tiers", "default_model_dir", "score", "shared_scorer"]

TIERS = ("fast", "reading", "reading-cascade", "accurate", "cascade", "frozen", "frozen-cascade")
"""The tiers that ship with cyberkind; plugins may add more (see :func:`available_tiers`).

``fast`` is a linear model over words and characters. ``reading`` is the fine-tuned encoder
(ONNX, inside the package) and ``reading-cascade`` sends it only the texts the fast tier is
unsure about; ``accurate`` and ``cascade`` are the same two under their older names. All four
need nothing beyond the base install. ``frozen`` and ``frozen-cascade``, the fast heads blended
with heads over frozen all-MiniLM-L6-v2 embeddings, are kept as a benchmark peer and need
``pip install 'cyberkind[lab]'`` (which pulls in PyTorch).
"""


def available_tiers() -> tuple[str, ...]:
    """Every tier a registered classifier provides, built-in or plugin."""
    from .plugins import tier_registry

    return tuple(sorted(tier_registry()))


class Scorer:
    """Load a model once and score batches of texts.

    ``tier`` picks the model ("fast" is the default; see :data:`TIERS`);
    ``model_dir`` points at a folder written by ``cyberkind train``; ``options`` override
    keys of the classifier's default config (e.g. ``{"encoder_dir": ...}`` for the
    accurate tier).
    """

    def __init__(
        self,
        tier: str = "fast",
        model_dir: Path | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        from .plugins import tier_registry

        tiers = tier_registry()
        if tier not in tiers:
            raise ConfigError(
                f"unknown tier {tier!r}. You can fix this by choosing one of: {', '.join(tiers)}."
            )
        registration = tiers[tier]
        self.tier = tier
        self.classifier_name = registration.name
        self.model_dir = model_dir or default_model_dir()
        config = dict(registration.default_config)
        unknown = set(options or {}) - set(config)
        if unknown:
            raise ConfigError(
                f"tier {tier!r} has no option(s) {', '.join(sorted(unknown))}. You can fix this "
                f"by choosing from: {', '.join(sorted(config)) or 'none'}."
            )
        config.update(options or {})
        self.model = registration.factory(self.model_dir, config)
        missing = set(label_names()) - set(self.model.labels)
        if missing:
            raise ConfigError(
                f"the model in {self.model_dir} lacks labels {sorted(missing)}. You can fix this "
                "by rebuilding it with `cyberkind train`."
            )
        self._order = [self.model.labels.index(name) for name in label_names()]
        self._crisis = label_names().index("crisis")
        extras = tuple(getattr(self.model, "extras", ()))
        self.extras: tuple[str, ...] = tuple(n for n in extras if n in self.model.labels)
        """The tier's heads beyond the public labels that :meth:`read` adds (``()`` for most)."""
        self._extra_columns = [self.model.labels.index(name) for name in self.extras]

    @property
    def labels(self) -> tuple[str, ...]:
        """The public labels, in contract order (the columns of :meth:`predict_proba`)."""
        return label_names()

    def thresholds(self) -> dict[str, float]:
        """The default decision threshold of each label, tuned on dev splits."""
        tuned = self.model.thresholds()
        return {name: tuned[name] for name in self.labels}

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Probabilities, shape ``(len(texts), len(labels))``. Does not mutate ``texts``."""
        return self._public(self.model.predict_proba(list(texts)), texts)

    def _public(
        self, full: npt.NDArray[np.float32], texts: Sequence[str]
    ) -> npt.NDArray[np.float32]:
        proba = np.asarray(full[:, self._order], dtype=np.float32)
        # Explicit crisis statements are never missed, whatever the model says.
        proba[:, self._crisis] = crisis_floor(proba[:, self._crisis], texts)
        return proba

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """One ``{label: probability}`` dict per text."""
        proba = self.predict_proba(texts)
        labels = self.labels
        # float64 holds each rounded float32 exactly; tolist() makes the Python floats in C.
        rows: list[list[float]] = proba.round(6).astype(np.float64).tolist()
        return [dict(zip(labels, row, strict=True)) for row in rows]

    def read(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """One dict per text: the public labels, then the tier's :attr:`extras` that it read.

        On the ``reading`` tier every text carries every extra head; on ``reading-cascade``
        only the texts the encoder read (the fast tier has no extra heads, so a text it was
        sure of carries the public labels alone); on the other tiers ``read`` is ``score``.
        One model pass gives both, so reading costs no more than scoring.

        **Usage**::

            >>> Scorer("reading").read(["you clown, delete your blog"])[0]["target:ad_hominem"]
            0.96...
        """
        if not self.extras:
            return self.score(texts)
        full = self.model.predict_proba(list(texts))
        public = self._public(full, texts).round(6)
        extra = np.asarray(full[:, self._extra_columns], dtype=np.float64).round(6)
        labels, extras = self.labels, self.extras
        out = []
        for row, more in zip(public, extra, strict=True):
            scores = dict(zip(labels, map(float, row), strict=True))
            # NaN marks a head the tier did not run for this text (the cascade's sure rows).
            scores.update((k, float(v)) for k, v in zip(extras, more, strict=True) if v == v)
            out.append(scores)
        return out

    def pipe(self, texts: Iterable[str], batch_size: int = 1024) -> Iterator[dict[str, float]]:
        """Score a stream lazily, ``batch_size`` texts at a time."""
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}.")
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from self.score(batch)
                batch = []
        if batch:
            yield from self.score(batch)


@functools.lru_cache(maxsize=4)
def _default_scorer(tier: str) -> Scorer:
    return Scorer(tier)


def shared_scorer(tier: str = "fast") -> Scorer:
    """The shipped model of ``tier``, loaded once per process and shared by its callers
    (:func:`score`, the inbox's imports and syncs)."""
    return _default_scorer(tier)


def score(texts: Sequence[str] | str, tier: str = "fast") -> list[dict[str, float]]:
    """Score ``texts`` with the shipped model; a single string is treated as one text."""
    if isinstance(texts, str):
        texts = [texts]
    return _default_scorer(tier).score(texts)
