"""The plugin manager: built-in plugins plus installed ones from the ``cyberkind`` entry points.

A classifier registers under a versioned, namespaced name with a default
config, e.g. ``"cyberkind.fast.v1"``; a released name never changes meaning
(a new version gets ``.v2``). Tiers map a short name ("fast") to a registered
classifier.

**Usage**::

    >>> from cyberkind.plugins import classifier_registry
    >>> sorted(classifier_registry())
    ['cyberkind.fast.v1']

A third-party package adds one with an entry point::

    [project.entry-points.cyberkind]
    my_model = "my_package.cyberkind_plugin"

where the module defines ``@hookimpl def register_classifiers(): return [...]`` (or
``register_connectors`` for a source, see :mod:`cyberkind.connectors.base`).
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pluggy

from . import hookspecs
from .errors import ConfigError

__all__ = [
    "DEFAULT_PLUGINS",
    "ClassifierRegistration",
    "TextClassifier",
    "classifier_registry",
    "get_plugin_manager",
]

DEFAULT_PLUGINS: tuple[str, ...] = (
    "cyberkind.classifiers.fast",
    "cyberkind.classifiers.accurate",
    "cyberkind.classifiers.reading_tier",
    "cyberkind.connectors.wxr",
    "cyberkind.connectors.tabular",
    "cyberkind.connectors.rss",
    "cyberkind.connectors.wordpress",
    "cyberkind.connectors.mastodon",
    "cyberkind.connectors.bluesky",
)


class TextClassifier(Protocol):
    """What a tier's classifier provides to :class:`cyberkind.Scorer`."""

    @property
    def labels(self) -> tuple[str, ...]: ...

    def thresholds(self) -> dict[str, float]: ...

    def predict_proba(self, texts: list[str] | tuple[str, ...]) -> npt.NDArray[np.float32]: ...


@dataclass(frozen=True)
class ClassifierRegistration:
    """A classifier factory under a versioned name, its tier and default config."""

    name: str
    tier: str
    factory: Callable[[Path | None, Mapping[str, Any]], TextClassifier]
    default_config: Mapping[str, Any] = field(default_factory=dict)


@functools.lru_cache(maxsize=1)
def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, with built-ins and (outside tests) entry points."""
    pm = pluggy.PluginManager("cyberkind")
    pm.add_hookspecs(hookspecs)
    # Tests load their own plugins; skip whatever else happens to be installed (as datasette
    # does), but keep cyberkind's own entry points (the lab's commands).
    _load_entry_points(pm, own_only=getattr(sys, "_called_from_test", False))
    for module in DEFAULT_PLUGINS:
        mod = importlib.import_module(module)
        if not pm.is_registered(mod):
            pm.register(mod, name=module)
    return pm


def _load_entry_points(pm: pluggy.PluginManager, own_only: bool) -> None:
    """Register the modules named by the ``cyberkind`` entry points (ours only if asked)."""
    for ep in importlib.metadata.entry_points(group="cyberkind"):
        dist = getattr(ep, "dist", None)
        if own_only and (dist is None or dist.name != "cyberkind"):
            continue
        if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
            continue
        pm.register(ep.load(), name=ep.name)


def classifier_registry() -> dict[str, ClassifierRegistration]:
    """Every registered classifier by name; a clash of names is an error."""
    registry: dict[str, ClassifierRegistration] = {}
    for registrations in get_plugin_manager().hook.register_classifiers():
        for reg in registrations:
            if reg.name in registry:
                raise ConfigError(f"two plugins register the classifier {reg.name!r}.")
            registry[reg.name] = reg
    return registry


def _version_key(name: str) -> tuple[str, int]:
    """("cyberkind.fast", 10) for "cyberkind.fast.v10", so that v10 sorts after v9."""
    stem, _, last = name.rpartition(".")
    if last.startswith("v") and last[1:].isdigit():
        return stem, int(last[1:])
    return name, 0


def tier_registry() -> dict[str, ClassifierRegistration]:
    """The newest registered classifier of each tier (highest ``.vN``)."""
    registry = classifier_registry()
    tiers: dict[str, ClassifierRegistration] = {}
    for name in sorted(registry, key=_version_key):
        tiers[registry[name].tier] = registry[name]
    return tiers
