"""The reading model as engine tiers: ``reading`` and ``reading-cascade``.

- ``reading`` (``cyberkind.reading.v1``): every text goes through the fine-tuned encoder
  (:class:`~cyberkind.classifiers.reading.ReadingModel`). This is the reading for one text or a
  few: the guard, the inbox, the composer, the web's live nudges, the Perspective endpoint.
- ``reading-cascade`` (``cyberkind.reading-cascade.v1``): the fast tier scores every text
  first; only the texts whose fast score for some public label lies near that label's
  threshold go to the encoder. This is bulk scoring's default (``cyberkind score``), where
  the encoder's cost per text matters. "Near" is learned on dev splits (``cyberkind train
  --only cascade``, written to ``cascade.json`` beside the reading model): per label, how
  often the encoder decided differently at each distance from the fast threshold; a text
  goes to the encoder when the chance that it changes some decision is above a cut chosen
  so that 30% of dev texts go (:func:`cascade_risk`). Without that file, or with the
  ``margin`` option set, a text goes when some label lies within ``margin`` logits of its
  fast threshold. For the texts the encoder does not
  read, the fast probabilities are shifted in logit so that each label's fast threshold lands
  on the encoder's: the tier's thresholds hold for every row.

``accurate`` (``cyberkind.accurate.v2``) and ``cascade`` (``cyberkind.cascade.v2``) are the same
two tiers under the names the frozen-embedding tiers had before the reading model replaced
them (those are now ``frozen`` and ``frozen-cascade``), so that ``--tier accurate`` keeps giving
the best reading. Nothing beyond the base install is needed: no PyTorch.

Both give the 16 public labels (the columns :class:`~cyberkind.engine.Scorer` reads) plus the
encoder's extra heads (:data:`EXTRA_HEADS`: ``spam``, the person-vs-idea ``target:*`` heads and
a few emotion heads). :meth:`cyberkind.engine.Scorer.read` returns them beside the public
labels, and the inbox stores them with each item for triage; the web's spam check reads
:meth:`ReadingClassifier.extra`. The cascade gives them only for the texts its encoder read
(NaN in :meth:`ReadingCascade.predict_proba`'s extra columns elsewhere).

**Usage**::

    >>> from cyberkind.engine import Scorer
    >>> Scorer("reading").score(["Grateful for this little corner of the internet."])
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ModelError
from ..hookspecs import hookimpl
from ..labels import label_names
from ..plugins import ClassifierRegistration
from .linear import LinearModel
from .reading import READING_MODEL, ReadingModel
from .shipped import default_model_dir

__all__ = [
    "CASCADE_CONFIG",
    "CASCADE_FILE",
    "EXTRA_HEADS",
    "READING_CONFIG",
    "READING_TIERS",
    "ReadingCascade",
    "ReadingClassifier",
    "RiskTable",
    "cascade_risk",
    "guard_tier",
    "make_reading_cascade",
    "make_reading_classifier",
    "reading_available",
]

EXTRA_HEADS = (
    "spam",
    "target:targeted",
    "target:individual",
    "target:ad_hominem",
    "goemotions:disapproval",
    "goemotions:annoyance",
    "goemotions:admiration",
    "goemotions:sadness",
    "tweeteval:offensive",
)
"""The encoder's heads beyond the public labels that the product reads: ``spam``, the
person-vs-idea ``target:*`` heads, and the emotion heads that triage reads for disagreement
(disapproval, annoyance), backhanded praise (admiration beside them), sadness and offence."""
READING_CONFIG: Mapping[str, Any] = {"folder": READING_MODEL, "threads": None}
CASCADE_CONFIG: Mapping[str, Any] = {
    **READING_CONFIG,
    "fast_folder": "fast-v1",
    "margin": None,
}
"""``margin`` ``None``: the risk table of :data:`CASCADE_FILE` (a 1.0 margin without it); a
number sets one margin for every label instead."""
CASCADE_FILE = "cascade.json"
"""The cascade's risk table and cut, chosen on dev, in the reading model's folder."""
DEFAULT_MARGIN = 1.0


RiskTable = list[dict[str, list[float]]]
"""Per public label, ``{"edges": inner bin edges of the distance, "rates": one per bin}``."""


def cascade_risk(distance: npt.NDArray[np.float64], table: RiskTable) -> npt.NDArray[np.float64]:
    """Each row's chance that the encoder decides some label differently from the fast tier.

    ``distance`` is ``(rows, labels)``: the fast logit's distance from its threshold; label
    ``j``'s disagreement rate is that of the bin its distance falls in, and the labels are
    taken as independent: ``1 - prod(1 - rate)``.
    """
    keep = np.ones(distance.shape[0], dtype=np.float64)
    for j, entry in enumerate(table):
        edges = np.asarray(entry["edges"], dtype=np.float64)
        rates = np.asarray(entry["rates"], dtype=np.float64)
        keep *= 1.0 - rates[np.searchsorted(edges, distance[:, j], side="right")]
    return np.asarray(1.0 - keep)


FloatMatrix = npt.NDArray[np.float32]


def reading_available(model_dir: Path | None = None) -> bool:
    """Whether the reading model's files and its runtime (onnxruntime, tokenizers) are here."""
    import importlib.util

    folder = (model_dir or default_model_dir()) / READING_MODEL
    files = all((folder / n).is_file() for n in ("model.onnx", "tokenizer.json", "config.json"))
    return files and all(importlib.util.find_spec(m) for m in ("onnxruntime", "tokenizers"))


READING_TIERS = ("reading", "reading-cascade", "accurate", "cascade")
"""The tiers that need the reading model and its runtime."""


def guard_tier(wanted: str, model_dir: Path | None = None) -> str:
    """The tier to read with when ``wanted`` (the ``guard_tier`` or ``inbox_tier`` setting)
    names it: the tiers of :data:`READING_TIERS` fall back to ``fast`` where the reading
    model or its runtime is missing; any other tier is kept as it is."""
    if wanted in READING_TIERS and not reading_available(model_dir):
        return "fast"
    return wanted


class ReadingClassifier:
    """The reading model behind the engine's classifier interface.

    ``labels`` are the public labels, then those of :data:`EXTRA_HEADS` the model has.
    """

    def __init__(self, model: ReadingModel) -> None:
        self.model = model
        have = set(model.labels)
        self.extras = tuple(h for h in EXTRA_HEADS if h in have)
        self._labels = (*label_names(), *self.extras)

    @property
    def labels(self) -> tuple[str, ...]:
        return self._labels

    def thresholds(self) -> dict[str, float]:
        tuned = self.model.thresholds
        return {name: float(tuned.get(name, 0.5)) for name in self._labels}

    def predict_proba(self, texts: list[str] | tuple[str, ...]) -> FloatMatrix:
        probs = self.model.predict(list(texts))
        return np.stack([probs[name] for name in self._labels], axis=1).astype(np.float32)

    def extra(self, texts: Sequence[str]) -> dict[str, FloatMatrix]:
        """``{head: probabilities}`` for the extra heads (spam, target) of ``texts``."""
        probs = self.model.predict(list(texts))
        return {name: probs[name] for name in self.extras}

    def spans(self, texts: Sequence[str], threshold: float | None = None) -> list[Any]:
        """Toxic character spans from the encoder's token head."""
        return self.model.spans(texts, threshold)


class ReadingCascade(ReadingClassifier):
    """The fast tier first; the encoder for the texts it is unsure of (see the module doc).

    ``risk`` is a calibrated ``(table, cut)`` (:func:`cascade_risk`); without it, ``margin``
    (logits) around every label's fast threshold decides.
    """

    def __init__(
        self,
        model: ReadingModel,
        fast: LinearModel,
        margin: float = DEFAULT_MARGIN,
        risk: tuple[RiskTable, float] | None = None,
    ) -> None:
        super().__init__(model)
        self.fast = fast
        self.margin = float(margin)
        names = label_names()
        if risk is not None and len(risk[0]) != len(names):
            raise ModelError(
                f"the cascade's risk table has {len(risk[0])} labels, not {len(names)}. You can "
                "fix this by rebuilding it with `cyberkind train --only cascade`."
            )
        self.risk = risk
        fast_labels = list(fast.labels)
        self._fast_columns = [fast_labels.index(n) for n in names]
        tuned = fast.thresholds()
        self._fast_cut = np.asarray([_logit(tuned[n]) for n in names], dtype=np.float64)
        mine = self.thresholds()
        self._reading_cut = np.asarray(
            [_logit(min(max(mine[n], 1e-6), 1 - 1e-6)) for n in names], dtype=np.float64
        )
        self.sent_to_encoder = 0
        self.scored = 0

    def fast_margins(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """``(rows, public labels)``: each fast logit minus its label's fast threshold logit.

        The fast tier says yes where it is at least 0; its absolute value is the distance the
        cascade reads (and :mod:`cyberkind.lab.reading.cascade` calibrates on).
        """
        fast = np.asarray(self.fast.predict_proba(list(texts)), dtype=np.float64)
        z = _logit(np.clip(fast[:, self._fast_columns], 1e-6, 1 - 1e-6))
        return np.asarray(z - self._fast_cut[None, :])

    def predict_proba(self, texts: list[str] | tuple[str, ...]) -> FloatMatrix:
        texts = list(texts)
        names = label_names()
        margins = self.fast_margins(texts)
        out = np.zeros((len(texts), len(self._labels)), dtype=np.float32)
        # The fast tier's thresholds differ from the encoder's: moved in logit onto the
        # encoder's, a fast score crosses the encoder's threshold exactly where it crossed its own.
        out[:, : len(names)] = 1.0 / (1.0 + np.exp(-(margins + self._reading_cut[None, :])))
        # The extra heads exist only where the encoder ran: NaN says "not read" elsewhere.
        out[:, len(names) :] = np.nan
        distance = np.abs(margins)
        if self.risk is not None:
            table, cut = self.risk
            unsure = cascade_risk(distance, table) > cut
        else:
            unsure = np.any(distance <= self.margin, axis=1)
        rows = np.flatnonzero(unsure)
        self.scored += len(texts)
        self.sent_to_encoder += len(rows)
        if len(rows):
            out[rows] = super().predict_proba([texts[i] for i in rows])
        return out


def _logit(p: Any) -> Any:
    return np.log(p / (1 - p))


def _model(model_dir: Path | None, config: Mapping[str, Any]) -> ReadingModel:
    folder = (model_dir or default_model_dir()) / str(config["folder"])
    threads = config.get("threads")
    return ReadingModel.load(folder, int(threads) if threads else None)


def make_reading_classifier(model_dir: Path | None, config: Mapping[str, Any]) -> ReadingClassifier:
    """Load the ``reading`` tier (raises a fix-it ModelError when its files are missing)."""
    return ReadingClassifier(_model(model_dir, config))


def make_reading_cascade(model_dir: Path | None, config: Mapping[str, Any]) -> ReadingCascade:
    """Load the ``reading-cascade`` tier: the fast model and the reading model."""
    root = model_dir or default_model_dir()
    fast = LinearModel.from_disk(root / str(config["fast_folder"]), ["public"])
    margin = config.get("margin")
    calibrated = root / str(config["folder"]) / CASCADE_FILE
    if margin is not None or not calibrated.is_file():
        return ReadingCascade(
            _model(model_dir, config), fast, DEFAULT_MARGIN if margin is None else float(margin)
        )
    try:
        saved = json.loads(calibrated.read_text(encoding="utf-8"))
        bins = saved["bins"]
        table: RiskTable = [
            {
                "edges": list(map(float, bins[n]["edges"])),
                "rates": list(map(float, bins[n]["rates"])),
            }
            for n in label_names()
        ]
        if any(len(t["rates"]) != len(t["edges"]) + 1 for t in table):
            raise ValueError("each label needs one rate more than it has edges")
        cut = float(saved["cut"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelError(
            f"the cascade's calibration {calibrated} is unreadable ({exc}). You can fix this by "
            "rebuilding it with `cyberkind train --only cascade`, or by deleting the file (a "
            "fixed margin then decides)."
        ) from exc
    return ReadingCascade(_model(model_dir, config), fast, risk=(table, cut))


@hookimpl
def register_classifiers() -> list[ClassifierRegistration]:
    return [
        ClassifierRegistration(
            "cyberkind.reading.v1", "reading", make_reading_classifier, READING_CONFIG
        ),
        ClassifierRegistration(
            "cyberkind.reading-cascade.v1", "reading-cascade", make_reading_cascade, CASCADE_CONFIG
        ),
        # The names users knew for the better tiers: ``accurate`` and ``cascade`` were the frozen
        # MiniLM tiers (now ``frozen``, ``frozen-cascade``); the reading model replaced them.
        ClassifierRegistration(
            "cyberkind.accurate.v2", "accurate", make_reading_classifier, READING_CONFIG
        ),
        ClassifierRegistration(
            "cyberkind.cascade.v2", "cascade", make_reading_cascade, CASCADE_CONFIG
        ),
    ]
