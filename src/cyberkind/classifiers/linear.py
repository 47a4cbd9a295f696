"""The fast tier: one hashed TF-IDF featurizer shared by many calibrated linear heads.

A head is a binary logistic regression whose logit is Platt-scaled on a
held-out split at training time; the scaling is folded into the weights, so a
probability costs one sigmoid. Heads are stored in groups: ``public`` (the
label contract, loaded by :class:`~cyberkind.Scorer`) and ``aux`` (GoEmotions
and TweetEval emotion classes, loaded only by the benchmark).

On disk a model is a folder::

    config.json    format version, featurizer size, heads, thresholds, metrics
    weights.npz    idf (float16), W_<group> (float16, features x heads), b_<group>

**Usage**::

    >>> model = LinearModel.from_disk(path)
    >>> model.predict_proba(["thank you!"]).shape
    (1, 16)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ModelError
from .featurize import HashingFeaturizer, linear_logits

__all__ = ["FORMAT_VERSION", "HeadGroup", "LinearModel", "read_model_config", "sigmoid"]

FORMAT_VERSION = 1
FloatMatrix = npt.NDArray[np.float32]


def read_model_config(path: Path, version: int, *arrays: str) -> dict[str, Any]:
    """Read ``path/config.json`` after checking ``arrays`` exist; refuse other format versions."""
    config_path = path / "config.json"
    for needed in (config_path, *(path / a for a in arrays)):
        if not needed.is_file():
            raise ModelError(
                f"model file {needed} is missing. You can fix this by reinstalling "
                "cyberkind or rebuilding the models with `cyberkind train`."
            )
    try:
        config: dict[str, Any] = json.loads(config_path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"{config_path} is not valid JSON ({exc}).") from exc
    if config.get("format_version") != version:
        raise ModelError(
            f"{path} has model format {config.get('format_version')!r}, this cyberkind "
            f"reads format {version}. You can fix this by upgrading cyberkind or "
            "rebuilding the models with `cyberkind train`."
        )
    return config


class HeadGroup:
    """Weights, biases and names of a group of heads sharing one featurizer."""

    def __init__(self, names: Sequence[str], weights: FloatMatrix, bias: FloatMatrix) -> None:
        if weights.shape[1] != len(names) or bias.shape != (len(names),):
            raise ModelError(
                f"head group shape mismatch: {len(names)} names, weights {weights.shape}, "
                f"bias {bias.shape}. You can fix this by re-running `cyberkind train`."
            )
        self.names = tuple(names)
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)


def sigmoid(z: FloatMatrix) -> FloatMatrix:
    """The logistic function, clipped so that large logits do not overflow."""
    out: FloatMatrix = (1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))).astype(np.float32)
    return out


class LinearModel:
    """A featurizer plus groups of calibrated linear heads.

    ``config`` holds everything besides the arrays: thresholds per head, the
    training data summary and metrics (written by ``cyberkind train``).
    """

    def __init__(
        self,
        featurizer: HashingFeaturizer,
        groups: dict[str, HeadGroup],
        config: dict[str, Any] | None = None,
    ) -> None:
        self.featurizer = featurizer
        self.groups = groups
        self.config: dict[str, Any] = dict(config or {})

    @property
    def labels(self) -> tuple[str, ...]:
        """Names of the ``public`` heads, in column order."""
        return self.groups["public"].names

    def thresholds(self) -> dict[str, float]:
        """Default decision threshold of every head (0.5 where none was tuned)."""
        tuned: dict[str, float] = self.config.get("thresholds", {})
        return {name: float(tuned.get(name, 0.5)) for g in self.groups.values() for name in g.names}

    def logits(self, texts: Sequence[str], group: str = "public") -> FloatMatrix:
        """Calibrated logits, shape ``(len(texts), n_heads)``."""
        head_group = self._group(group)
        features = self.featurizer.features(texts)
        return linear_logits(features, head_group.weights, head_group.bias)

    def predict_proba(self, texts: Sequence[str], group: str = "public") -> FloatMatrix:
        """Calibrated probabilities, shape ``(len(texts), n_heads)``. Does not mutate ``texts``."""
        return sigmoid(self.logits(texts, group))

    def logits_groups(self, texts: Sequence[str]) -> dict[str, FloatMatrix]:
        """Calibrated logits of every head group, featurizing ``texts`` once."""
        features = self.featurizer.features(texts)
        return {name: linear_logits(features, g.weights, g.bias) for name, g in self.groups.items()}

    def predict_proba_groups(self, texts: Sequence[str]) -> dict[str, FloatMatrix]:
        """Probabilities of every head group, featurizing ``texts`` once."""
        return {name: sigmoid(z) for name, z in self.logits_groups(texts).items()}

    def _group(self, group: str) -> HeadGroup:
        try:
            return self.groups[group]
        except KeyError:
            raise ModelError(
                f"this model has no head group {group!r} (it has {', '.join(self.groups)})."
            ) from None

    # -- persistence ---------------------------------------------------------
    def to_disk(self, path: Path) -> None:
        """Write ``config.json`` and ``weights.npz`` into the folder ``path``."""
        if self.featurizer.idf_ is None:
            raise ModelError("cannot save a model whose featurizer was never fitted.")
        path.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, npt.NDArray[Any]] = {"idf": self.featurizer.idf_.astype(np.float16)}
        for name, g in self.groups.items():
            arrays[f"W_{name}"] = g.weights.astype(np.float16)
            arrays[f"b_{name}"] = g.bias.astype(np.float32)
        np.savez_compressed(path / "weights.npz", **arrays)  # type: ignore[arg-type]
        config = dict(self.config)
        config.update(
            format_version=FORMAT_VERSION,
            n_features=self.featurizer.n_features,
            groups={name: list(g.names) for name, g in self.groups.items()},
        )
        (path / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")

    @classmethod
    def from_disk(cls, path: Path, groups: Sequence[str] | None = None) -> LinearModel:
        """Load a model folder; ``groups`` limits which head groups are read."""
        weights_path = path / "weights.npz"
        config = read_model_config(path, FORMAT_VERSION, "weights.npz")
        wanted = list(groups) if groups is not None else list(config["groups"])
        try:
            with np.load(weights_path) as data:
                featurizer = HashingFeaturizer(int(config["n_features"]))
                featurizer.idf_ = data["idf"].astype(np.float32)
                loaded = {
                    name: HeadGroup(
                        config["groups"][name],
                        data[f"W_{name}"].astype(np.float32),
                        data[f"b_{name}"],
                    )
                    for name in wanted
                }
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(
                f"{weights_path} is unreadable or incomplete ({exc}). You can fix this by "
                "rebuilding the models with `cyberkind train`."
            ) from exc
        return cls(featurizer, loaded, config)
