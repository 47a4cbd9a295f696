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

import importlib as _importlib
import typing as _typing

from ._version import __version__ as __version__
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
from .labels import LABELS, Label, label_names

if _typing.TYPE_CHECKING:
    from .composer import Composer, Draft, Ledger, Voice
    from .guard import Guard, Policy, Verdict, load_policy
    from .inbox import Inbox
    from .models import Act, Author, Item, ItemKind, Opportunity, Priority, State
    from .pipeline import import_file, sync
    from .store import open_store

# The guard and the inbox load on first use, so that `import cyberkind` for scoring stays
# fast (the guard compiles its rules when imported): PEP 562 module __getattr__.
_LAZY = {
    "Composer": "composer",
    "Draft": "composer",
    "Ledger": "composer",
    "Voice": "composer",
    "Guard": "guard",
    "Policy": "guard",
    "Verdict": "guard",
    "load_policy": "guard",
    "Inbox": "inbox",
    "Act": "models",
    "Author": "models",
    "Item": "models",
    "ItemKind": "models",
    "Opportunity": "models",
    "Priority": "models",
    "State": "models",
    "import_file": "pipeline",
    "sync": "pipeline",
    "open_store": "store",
}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cyberkind' has no attribute {name!r}")
    value = getattr(_importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def check(text: str, reply_to: str | None = None, policy: Policy | None = None) -> Verdict:
    """Check a draft before posting it (see :func:`cyberkind.guard.check`)."""
    from .guard import check as guard_check

    return guard_check(text, reply_to=reply_to, policy=policy)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
    "import_file",
    "label_names",
    "load_policy",
    "open_store",
    "score",
    "sync",
]
