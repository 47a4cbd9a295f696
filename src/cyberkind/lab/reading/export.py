"""Export trained weights to ONNX, fp32 and int8 (dynamic quantisation), for the runtime.

Writes ``<out>/onnx/fp32/`` and ``<out>/onnx/int8/``, each a folder the runtime
:class:`cyberkind.classifiers.reading.ReadingModel` loads: ``model.onnx``, ``tokenizer.json``
(all-MiniLM-L6-v2's, unchanged) and a ``config.json`` without thresholds (the evaluation
chooses them on dev). The graph takes ``input_ids`` and ``attention_mask`` (int64, batch x
tokens) and returns ``sentence`` (batch x heads: sigmoid heads, then the emotion softmax
logits) and ``tokens`` (batch x tokens: the toxic-span logit of each word-piece).

**Usage**::

    python -m cyberkind.lab.reading export --out artifacts/reading
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path
from typing import Any

from .tasks import EMOTION_CLASSES, SIGMOID_HEADS

__all__ = ["MODEL_NAME", "base_config", "export_all", "export_onnx", "quantize"]

MODEL_NAME = "cyberkind.reading.v1"
SENTENCE_MAX_LENGTH = 128
SPAN_MAX_LENGTH = 256


def base_config() -> dict[str, Any]:
    """The parts of ``config.json`` that do not depend on evaluation."""
    return {
        "name": MODEL_NAME,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0)",
        "sigmoid_heads": list(SIGMOID_HEADS),
        "emotion_classes": list(EMOTION_CLASSES),
        "max_length": SENTENCE_MAX_LENGTH,
        "span_max_length": SPAN_MAX_LENGTH,
        "inputs": ["input_ids", "attention_mask"],
        "outputs": ["sentence", "tokens"],
    }


def _load_net(weights: Path) -> Any:
    import torch

    from ...classifiers.encoder import base_model_dir
    from .model import ReadingNet

    net = ReadingNet(base_model_dir())
    state = torch.load(weights, weights_only=False, map_location="cpu")
    net.load_state_dict(state["model"])
    return net.eval()


def export_onnx(weights: Path, target: Path) -> Path:
    """Export the weights file ``weights`` (``final.pt`` or ``checkpoint.pt``) to ``target``."""
    import torch

    net = _load_net(weights)
    example = torch.ones((2, 8), dtype=torch.int64)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".{os.getpid()}.partial")
    axes = {
        "input_ids": {0: "batch", 1: "tokens"},
        "attention_mask": {0: "batch", 1: "tokens"},
        "sentence": {0: "batch"},
        "tokens": {0: "batch", 1: "tokens"},
    }
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            net,
            (example, torch.ones_like(example)),
            str(partial),
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence", "tokens"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    partial.replace(target)
    return target


def quantize(source: Path, target: Path) -> Path:
    """Dynamic int8 quantisation of ``source``: weights int8 with one scale per output channel,
    activations quantised on the fly.

    Per channel, because one scale per weight matrix cost the model retrained with 9,000
    stage-2 steps 0.61 points of dev summary (over the half point the int8 model may lose);
    per channel cost it 0.22, at the same size (23 MB) and speed.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    partial = target.with_name(target.name + f".{os.getpid()}.partial")
    quantize_dynamic(str(source), str(partial), weight_type=QuantType.QInt8, per_channel=True)
    partial.replace(target)
    return target


def export_all(out: Path, weights: Path | None = None) -> dict[str, Path]:
    """Export ``weights`` (default ``<out>/final.pt``) to ``<out>/onnx/{fp32,int8}``."""
    from ...classifiers.encoder import base_model_dir

    source = weights or out / "final.pt"
    folders = {"fp32": out / "onnx" / "fp32", "int8": out / "onnx" / "int8"}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(base_model_dir() / "tokenizer.json", folder / "tokenizer.json")
        config = base_config() | {"quantized": folder.name == "int8"}
        (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    fp32 = export_onnx(source, folders["fp32"] / "model.onnx")
    quantize(fp32, folders["int8"] / "model.onnx")
    for name, folder in folders.items():
        size = (folder / "model.onnx").stat().st_size / 1e6
        print(f"export: {name} {folder / 'model.onnx'} {size:.1f} MB", flush=True)
    return folders
