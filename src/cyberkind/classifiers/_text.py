"""Text helpers shared by the crisis rules and their candidate gate.

They sit below both modules so that neither imports the other's private names.
"""

from __future__ import annotations

import re

__all__ = ["ALNUM", "SQUEEZE"]

SQUEEZE = re.compile(r"(?<!\\)([a-z])\1+")
"""A run of one plain letter in a pattern (``ll`` in ``killl``); ``\\1`` squeezes it."""

ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
"""The characters of a word in the crisis rules' lowercased ASCII view of a text."""
