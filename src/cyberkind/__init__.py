"""cyberkind: find the moments for random acts of cyber-kindness.

**Usage**::

    >>> import cyberkind
    >>> cyberkind.score(["Thank you so much for sharing this!"])[0]["gratitude"] > 0.5
    True

The kindness inbox::

    store = cyberkind.open_store()                  # or open_store("inbox.db")
    cyberkind.import_file(store, Path("kindcorner.WordPress.2026-11-20.xml"))
    for opp in cyberkind.Inbox(store).opportunities():
        print(opp.act, opp.person, opp.reason)
"""

from __future__ import annotations

from .composer import Composer, Draft, Ledger, Voice, compose
from .engine import TIERS, Scorer, score
from .errors import (
    ConfigError,
    CyberkindError,
    DataError,
    InputError,
    InputFormatError,
    ModelError,
    NotFoundError,
    PolicyError,
    StoreError,
)
from .guard import Guard, Policy, Verdict, check, load_policy
from .inbox import Inbox
from .labels import LABELS, Label, label_names
from .models import Act, Author, Item, ItemKind, Opportunity, Priority, State
from .pipeline import import_file, sync
from .store import open_store

__all__ = [
    "LABELS",
    "TIERS",
    "Act",
    "Author",
    "Composer",
    "ConfigError",
    "CyberkindError",
    "DataError",
    "Draft",
    "Guard",
    "Inbox",
    "InputError",
    "InputFormatError",
    "Item",
    "ItemKind",
    "Label",
    "Ledger",
    "ModelError",
    "NotFoundError",
    "Opportunity",
    "Policy",
    "PolicyError",
    "Priority",
    "Scorer",
    "State",
    "StoreError",
    "Verdict",
    "Voice",
    "check",
    "compose",
    "import_file",
    "label_names",
    "load_policy",
    "open_store",
    "score",
    "sync",
]

__version__ = "0.1.0"
