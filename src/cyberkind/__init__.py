"""cyberkind: find the moments for random acts of cyber-kindness.

**Usage**::

    >>> import cyberkind
    >>> cyberkind.score(["Thank you so much for sharing this!"])[0]["gratitude"] > 0.5
    True
"""

from __future__ import annotations

from .engine import TIERS, Scorer, score
from .errors import (
    ConfigError,
    CyberkindError,
    DataError,
    InputError,
    InputFormatError,
    ModelError,
    PolicyError,
)
from .guard import Guard, Policy, Verdict, check, load_policy
from .labels import LABELS, Label, label_names

__all__ = [
    "LABELS",
    "TIERS",
    "ConfigError",
    "CyberkindError",
    "DataError",
    "Guard",
    "InputError",
    "InputFormatError",
    "Label",
    "ModelError",
    "Policy",
    "PolicyError",
    "Scorer",
    "Verdict",
    "check",
    "label_names",
    "load_policy",
    "score",
]

__version__ = "0.1.0"
