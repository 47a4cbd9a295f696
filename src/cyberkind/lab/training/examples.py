"""One labelled example, and the stable hash splits that decide where it goes.

Below :mod:`.corpora`, :mod:`.templates` and :mod:`.threats`, which all need them.

**Usage**::

    >>> from cyberkind.lab.training.examples import Example, hashed_split
    >>> hashed_split("hello") == hashed_split("  HELLO ")
    True
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from dataclasses import dataclass

from ._readers import Split

__all__ = ["Example", "hashed_split", "split_for_key", "text_key"]


@dataclass(frozen=True, slots=True)
class Example:
    """One binary training example for a head.

    **Usage**::

        >>> Example("thank you!", 1, "goemotions", "train").y
        1
    """

    text: str
    y: int
    source: str
    split: Split


_KEY_DROP = re.compile(r"https?://\S+|www\.\S+|\burl\b|@user\b")
_NON_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=1 << 20)
def text_key(text: str) -> str:
    """The normalised text used for hashing and de-duplication.

    **Usage**::

        >>> text_key("@USER You're  GREAT! URL")
        'youregreat'
    """
    low = html.unescape(text).lower()
    key = _NON_WORD.sub("", _KEY_DROP.sub(" ", low))
    # Texts of only emoji or punctuation have no letters: fall back to their spacing-free form.
    return key or "".join(low.split())


def _bucket(key: str) -> int:
    return int.from_bytes(hashlib.sha1(key.encode("utf-8")).digest()[:8], "big") % 10


def _split_of_bucket(bucket: int) -> Split:
    return "test" if bucket == 0 else "dev" if bucket == 1 else "train"


@functools.lru_cache(maxsize=1 << 20)
def split_for_key(key: str) -> Split:
    """The hash split of an already normalised key (e.g. ``"dreaddit:<post id>"``)."""
    return _split_of_bucket(_bucket(key))


def hashed_split(text: str) -> Split:
    """The split of a text from a dataset without an official one: a stable hash bucket.

    **Usage**::

        >>> hashed_split("hello") == hashed_split("  HELLO ")
        True
    """
    return split_for_key(text_key(text))


def _carve_dev(text: str) -> Split:
    """Split of an official-train row when the dataset has no dev split: bucket 1 -> dev."""
    return "dev" if _bucket(text_key(text)) == 1 else "train"
