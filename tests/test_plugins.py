from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cyberkind.engine import Scorer, available_tiers
from cyberkind.hookspecs import hookimpl
from cyberkind.labels import label_names
from cyberkind.plugins import ClassifierRegistration, classifier_registry, get_plugin_manager

SNAPSHOT = Path(__file__).parent / "classifier_registrations.json"


def test_registrations_never_disappear() -> None:
    """A released classifier name keeps existing with the same meaning (spaCy's rule)."""
    snapshot = json.loads(SNAPSHOT.read_text())
    registry = classifier_registry()
    for name, expected in snapshot.items():
        assert name in registry, f"{name} was removed; add a new version instead"
        reg = registry[name]
        assert reg.tier == expected["tier"]
        assert json.loads(json.dumps(dict(reg.default_config))) == expected["default_config"]


class _ConstantClassifier:
    labels = label_names()

    def thresholds(self) -> dict[str, float]:
        return dict.fromkeys(self.labels, 0.5)

    def predict_proba(self, texts: Any) -> Any:
        return np.full((len(texts), len(self.labels)), 0.25, dtype=np.float32)


class _Plugin:
    @staticmethod
    @hookimpl
    def register_classifiers() -> list[ClassifierRegistration]:
        return [
            ClassifierRegistration(
                "tests.constant.v1", "constant", lambda _d, _c: _ConstantClassifier()
            )
        ]


@pytest.fixture
def constant_plugin() -> Any:
    pm = get_plugin_manager()
    plugin = _Plugin()
    pm.register(plugin, name="tests-constant")
    yield plugin
    pm.unregister(name="tests-constant")


def test_third_party_tier_plugs_in_like_builtins(constant_plugin: Any) -> None:
    assert "constant" in available_tiers()
    scorer = Scorer("constant")
    row = scorer.score(["I want to kill myself"])[0]
    assert row["toxicity"] == 0.25
    # The crisis rule layer applies to every tier.
    assert row["crisis"] >= 0.9
    assert scorer.classifier_name == "tests.constant.v1"
