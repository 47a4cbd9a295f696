"""Text at the store boundary: U+0000 (NUL) becomes U+FFFD on every store.

PostgreSQL refuses NUL in ``text`` ("PostgreSQL text fields cannot contain NUL
(0x00) bytes"), while SQLite keeps it, so one such row used to fail an import, a
sync or a ``db copy`` on PostgreSQL alone. Both stores therefore replace NUL with
U+FFFD, the Unicode replacement character, in every text parameter they send:
what is written and what is looked up (so ``items(remote_ids=["a\\x00b"])`` finds
the row written as ``"a\\ufffdb"``). U+FFFD rather than nothing keeps the text's
length, so offsets into it (spans) stay right, and it shows where something was.
JSON columns need nothing: JSON text escapes NUL as ``\\u0000``.

:class:`NulFreeTables` is the one place where a stored value is matched back to the
caller's: :meth:`~NulFreeTables.item_hashes` answers under the ids it was asked
for, so an item whose id holds a NUL is recognised as known (and unchanged) when it
comes again. Content hashes are taken from the item as it came, before the
replacement, so they stay stable too.

**Usage**::

    >>> without_nul(("a\\x00b", 1, None))
    ('a\\ufffdb', 1, None)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ._common import StoreTables

__all__ = [
    "NUL",
    "REPLACEMENT",
    "NulFreeTables",
    "rows_without_nul",
    "text_without_nul",
    "without_nul",
]

NUL = "\x00"
REPLACEMENT = "\ufffd"


def text_without_nul(value: Any) -> Any:
    """``value`` with NUL replaced when it is text (lists of text too); anything else as is."""
    if isinstance(value, str):
        return value.replace(NUL, REPLACEMENT) if NUL in value else value
    if isinstance(value, list):  # PostgreSQL's ``= ANY(?)`` takes a list
        return [text_without_nul(v) for v in value]
    return value


def without_nul(params: Sequence[Any]) -> Sequence[Any]:
    """One statement's parameters with NUL replaced in their text (a sequence, as the stores
    pass them; anything else is returned as it is)."""
    if not isinstance(params, list | tuple) or not any(isinstance(v, str | list) for v in params):
        return params
    return tuple(text_without_nul(v) for v in params)


def rows_without_nul(rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """Many statements' parameters (``executemany``), lazily, with NUL replaced."""
    return (without_nul(row) for row in rows)


class NulFreeTables(StoreTables):
    """:class:`~cyberkind.store._common.StoreTables` whose answers keyed by the caller's ids
    use those ids as given, NUL included (both stores build on this)."""

    def item_hashes(self, source: str, remote_ids: Iterable[str]) -> dict[str, str]:
        """``{remote_id: content_hash}`` of the given items that are already stored."""
        ids = list(remote_ids)
        stored = super().item_hashes(source, ids)
        if not any(NUL in rid for rid in ids):
            return stored
        return {rid: stored[key] for rid in ids if (key := text_without_nul(rid)) in stored}
