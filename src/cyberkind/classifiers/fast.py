"""The built-in fast tier, registered as ``cyberkind.fast.v1`` like any plugin would."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..hookspecs import hookimpl
from ..plugins import ClassifierRegistration
from .linear import LinearModel

DEFAULT_CONFIG: Mapping[str, Any] = {"folder": "fast-v1", "groups": ("public",)}


def make_fast_classifier(model_dir: Path | None, config: Mapping[str, Any]) -> LinearModel:
    """Load the fast-tier model from ``model_dir`` (default: shipped inside the package)."""
    from .shipped import default_model_dir

    folder = (model_dir or default_model_dir()) / str(config["folder"])
    return LinearModel.from_disk(folder, list(config["groups"]))


@hookimpl
def register_classifiers() -> list[ClassifierRegistration]:
    return [
        ClassifierRegistration("cyberkind.fast.v1", "fast", make_fast_classifier, DEFAULT_CONFIG)
    ]
