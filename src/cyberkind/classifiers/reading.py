"""The reading model (``cyberkind.reading.v1``): fine-tuned all-MiniLM-L6-v2 in onnxruntime.

One encoder pass gives a probability for every public label, the benchmark heads
(``tweeteval:offensive``, ``tweeteval:hate``, ``tweeteval-emotion:<class>``,
``goemotions:<name>``), ``spam``, the person-vs-idea heads (``target:targeted``,
``target:individual``, ``target:ad_hominem``) and, per word-piece, a toxic-span score.
It is trained by ``python -m cyberkind.lab.reading`` and shipped in
``cyberkind/classifiers/data/reading-v1/`` (``model.onnx``, ``tokenizer.json``,
``config.json``; see its ``MODEL_CARD.md``).

Only onnxruntime, ``tokenizers`` and NumPy are imported: no PyTorch and no
``transformers``. onnxruntime is imported with its telemetry switched off (no device id
or event database under ``~/.cache/Microsoft``). Nothing is loaded until the first
prediction (or :meth:`ReadingModel.load`).

**Usage**::

    >>> model = ReadingModel.load()
    >>> probs = model.predict(["thanks so much, this made my day"])
    >>> float(probs["gratitude"][0]) > 0.5
    True
    >>> model.spans(["you are a complete idiot"])[0]  # (start, end, score)
    [(17, 24, 0.93)]
"""

from __future__ import annotations

import importlib.resources
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ModelError
from ._batches import padded_batches
from .onnx import new_session
from .spans import WordToken, merge_tokens, word_tokens

__all__ = ["READING_MODEL", "ReadingModel", "shipped_dir"]

READING_MODEL = "reading-v1"
"""The folder under ``cyberkind/classifiers/data`` that holds the shipped model."""
INSTALL_HINT = "pip install --force-reinstall cyberkind"
_FILES = ("model.onnx", "tokenizer.json", "config.json")
_Run = tuple[npt.NDArray[np.float32], list[Any], list[npt.NDArray[np.float32]]]
"""What one encoder pass gives: sentence logits, encodings, word-piece logits."""


def shipped_dir() -> Path:
    """The folder of the model shipped inside the package."""
    return Path(str(importlib.resources.files("cyberkind.classifiers") / "data" / READING_MODEL))


def _fix(model_dir: Path) -> str:
    return (
        f"You can fix this by reinstalling cyberkind (pip install --force-reinstall cyberkind), "
        f"or by rebuilding the model with `python -m cyberkind.lab.reading train` and "
        f"`... evaluate --ship {model_dir}`."
    )


class ReadingModel:
    """The fine-tuned encoder with its heads, run by onnxruntime; loads lazily.

    ``model_dir`` is a folder with ``model.onnx``, ``tokenizer.json`` and ``config.json``
    (default: the shipped model). ``threads`` is onnxruntime's intra-op thread count.
    """

    RECENT = 64
    """Single texts whose encoder outputs are kept (see :meth:`_run`)."""

    def __init__(self, model_dir: Path | None = None, threads: int | None = None) -> None:
        self.model_dir = model_dir
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._config: dict[str, Any] | None = None
        self._recent: OrderedDict[tuple[str, int], _Run] = OrderedDict()
        self._recent_lock = threading.Lock()

    @classmethod
    def load(cls, model_dir: Path | None = None, threads: int | None = None) -> ReadingModel:
        """Create the model and load it now, so a missing or broken file fails here."""
        model = cls(model_dir, threads)
        model._ensure()
        return model

    # -- loading -----------------------------------------------------------------------------

    def _ensure(self) -> None:
        if self._session is not None:
            return
        folder = self.model_dir or shipped_dir()
        for name in _FILES:
            if not (folder / name).is_file():
                raise ModelError(
                    f"the reading model file {folder / name} is missing. {_fix(folder)}"
                )
        try:
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            heads = list(config["sigmoid_heads"]) + list(config["emotion_classes"])
            int(config["max_length"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(
                f"the reading model config {folder / 'config.json'} is unreadable ({exc}). "
                f"{_fix(folder)}"
            ) from exc
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelError(
                f"the reading model needs onnxruntime and tokenizers ({exc}). You can fix this "
                f"by running `{INSTALL_HINT}`."
            ) from exc
        fix = _fix(folder)
        session = new_session(
            folder / "model.onnx",
            self.threads,
            what="the reading model (the file is probably corrupt)",
            fix=fix[len("You can fix this by ") :].rstrip("."),
        )
        try:
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except Exception as exc:  # tokenizers raises its own untyped errors
            raise ModelError(
                f"the reading model's tokenizer in {folder} cannot be loaded, the file is "
                f"probably corrupt ({type(exc).__name__}: {str(exc)[:200]}). {fix}"
            ) from exc
        width = session.get_outputs()[0].shape[-1]
        if isinstance(width, int) and width != len(heads):
            raise ModelError(
                f"the reading model {folder / 'model.onnx'} has {width} outputs but its "
                f"config names {len(heads)}. {_fix(folder)}"
            )
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        self._config = config
        self._session = session

    @property
    def config(self) -> dict[str, Any]:
        """The model's ``config.json`` (heads, lengths, thresholds)."""
        self._ensure()
        assert self._config is not None
        return self._config

    @property
    def labels(self) -> tuple[str, ...]:
        """Every key :meth:`predict` returns, sigmoid heads first, then the emotion classes."""
        config = self.config
        emotions = tuple(f"tweeteval-emotion:{c}" for c in config["emotion_classes"])
        return tuple(config["sigmoid_heads"]) + emotions

    @property
    def thresholds(self) -> dict[str, float]:
        """Per-label decision thresholds chosen on dev (empty before evaluation)."""
        return {k: float(v) for k, v in self.config.get("thresholds", {}).items()}

    # -- running -----------------------------------------------------------------------------

    def _run(self, texts: Sequence[str], max_length: int, batch_size: int) -> _Run:
        """Sentence logits, the encodings and each text's word-piece logits, in input order.

        One text at a time (the guard, the wall, the web app) is remembered for the next
        few calls: the encoder reads it once, and every head (scores, spam, spans) is read
        from that one pass.
        """
        self._ensure()
        if len(texts) == 1:
            key = (texts[0], max_length)
            with self._recent_lock:
                known = self._recent.get(key) or self._untruncated(texts[0], max_length)
                if known is not None:
                    self._recent[key] = known
                    self._recent.move_to_end(key)
                    return known
            known = self._run_all(texts, max_length, batch_size)
            for array in (known[0], *known[2]):
                array.setflags(write=False)  # shared by every later reader
            with self._recent_lock:
                self._recent[key] = known
                while len(self._recent) > self.RECENT:
                    self._recent.popitem(last=False)
            return known
        return self._run_all(texts, max_length, batch_size)

    def _untruncated(self, text: str, max_length: int) -> _Run | None:
        """A remembered pass of ``text`` at another length limit that reads the same word
        pieces as one at ``max_length`` would: neither limit cut the text.

        The sentence heads read at most ``max_length`` pieces and the span head at most
        ``span_max_length``; a draft shorter than both (nearly every draft) is read once.
        Call with ``_recent_lock`` held.
        """
        for limit in (int(self.config["max_length"]), int(self.config["span_max_length"])):
            if limit == max_length:
                continue
            known = self._recent.get((text, limit))
            if known is None or not known[1]:
                continue
            pieces = len(known[1][0].ids)
            if pieces < limit and pieces <= max_length:
                return known
        return None

    def _run_all(self, texts: Sequence[str], max_length: int, batch_size: int) -> _Run:
        n_out = len(self.labels)
        sentence = np.zeros((len(texts), n_out), dtype=np.float32)
        tokens: list[npt.NDArray[np.float32]] = [np.zeros(0, np.float32)] * len(texts)
        if not texts:
            return sentence, [], tokens
        self._tokenizer.enable_truncation(max_length)
        encodings = self._tokenizer.encode_batch(list(texts))
        for rows, ids, mask in padded_batches(encodings, batch_size):
            out = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
            sentence[rows] = out[0]
            for i, row in enumerate(rows):
                tokens[row] = np.asarray(out[1][i, : len(encodings[row].ids)], dtype=np.float32)
        return sentence, encodings, tokens

    def predict(
        self, texts: Sequence[str], batch_size: int = 1
    ) -> dict[str, npt.NDArray[np.float32]]:
        """Probabilities for every label in :attr:`labels`, one array of ``len(texts)`` each.

        Sigmoid heads are independent; the ``tweeteval-emotion:*`` classes sum to one.
        ``texts`` is not modified.

        Each text is read in a pass of its own by default (``batch_size`` 1): the int8
        model quantises activations with one scale per batch, so texts read together move
        each other's scores (by up to 0.16, and 1.6% of decisions, measured on 64 Civil
        Comments rows), while one text alone always gets the score the guard gives it. On
        two cores single passes cost no more than batches (578 against 567 texts/s for
        batches of 32, measured on 600 mixed test texts).
        """
        config = self.config
        logits, _, _ = self._run(texts, int(config["max_length"]), batch_size)
        n_sig = len(config["sigmoid_heads"])
        sig = 1.0 / (1.0 + np.exp(-logits[:, :n_sig]))
        emo = logits[:, n_sig:]
        emo = np.exp(emo - emo.max(axis=1, keepdims=True)) if len(texts) else emo
        emo = emo / np.maximum(emo.sum(axis=1, keepdims=True), 1e-12)
        labels = self.labels
        out = {name: sig[:, j].astype(np.float32) for j, name in enumerate(labels[:n_sig])}
        out.update({name: emo[:, k].astype(np.float32) for k, name in enumerate(labels[n_sig:])})
        return out

    def word_proba(
        self, texts: Sequence[str], batch_size: int = 1
    ) -> list[tuple[list[WordToken], npt.NDArray[np.float64]]]:
        """Each text's words and their toxic-span probability (mean over the word's pieces;
        0 for words past the length limit)."""
        _, encodings, logits = self._run(texts, int(self.config["span_max_length"]), batch_size)
        out = []
        for text, enc, z in zip(texts, encodings, logits, strict=True):
            words = word_tokens(text)
            total = np.zeros(len(words))
            count = np.zeros(len(words))
            starts = np.asarray([w.start for w in words], dtype=np.int64)
            p = 1.0 / (1.0 + np.exp(-z.astype(np.float64)))
            for piece, (s, e) in enumerate(enc.offsets):
                if e <= s or not len(words):
                    continue
                k = int(np.searchsorted(starts, s, side="right")) - 1
                if k >= 0 and s < words[k].end:
                    total[k] += p[piece]
                    count[k] += 1
            out.append((words, np.where(count > 0, total / np.maximum(count, 1), 0.0)))
        return out

    def spans(
        self,
        texts: Sequence[str],
        threshold: float | None = None,
        max_gap: int | None = None,
    ) -> list[list[tuple[int, int, float]]]:
        """Toxic character spans ``(start, end, score)`` of each text, from the token head.

        Words at or above ``threshold`` (default: chosen on Toxic Spans trial) become spans;
        neighbours at most ``max_gap`` characters apart merge.
        """
        th = float(self.config.get("span_threshold", 0.5)) if threshold is None else threshold
        gap = int(self.config.get("span_max_gap", 1)) if max_gap is None else max_gap
        return [
            [(s, e, round(score, 4)) for s, e, score in merge_tokens(text, words, p, th, gap)]
            for text, (words, p) in zip(texts, self.word_proba(texts), strict=True)
        ]
