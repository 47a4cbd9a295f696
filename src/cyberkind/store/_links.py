"""The useful-link library and its search: a mixin of both stores, on their dialect hooks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from ..models import (
    Link,
)
from ._sql import Row, SQLTables, from_row, to_iso
from .base import LinkMatch, UpsertCounts

__all__ = ["LinkTables"]

# Both backends' search marks each matched word between these.
_HIGHLIGHT = re.compile("\x02(.*?)\x03", re.DOTALL)


class LinkTables(SQLTables):
    """Links, upserted by URL, and their full-text search (the backend's ``_search_rows``)."""

    def _search_rows(self, words: Sequence[str], limit: int) -> list[Row]:  # pragma: no cover
        """Rows of ``links`` matching any of ``words``, best first, with ``rank`` (higher is
        better) and ``h0``..``h2``: title, description and tags with matches marked."""
        raise NotImplementedError("_search_rows")

    # -- the link library -------------------------------------------------------------------

    def upsert_links(self, links: Sequence[Link]) -> UpsertCounts:
        """Insert or update links by URL; the search index follows by itself."""
        new = updated = unchanged = 0
        now = to_iso(datetime.now(UTC))
        with self.transaction():
            for link in links:
                values = (link.title, link.description, " ".join(link.tags), link.origin)
                row = self._one(
                    f"SELECT title, description, tags, origin FROM links WHERE url = ?"
                    f"{self._FOR_UPDATE}",
                    (link.url,),
                )
                if row is None:
                    new += 1
                    self._write(
                        "INSERT INTO links (title, description, tags, origin, url, added_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (*values, link.url, to_iso(link.added_at) or now),
                    )
                elif (row["title"], row["description"], row["tags"], row["origin"]) == values:
                    unchanged += 1
                else:
                    updated += 1
                    self._write(
                        "UPDATE links SET title = ?, description = ?, tags = ?, origin = ? "
                        "WHERE url = ?",
                        (*values, link.url),
                    )
        return UpsertCounts(new, updated, unchanged)

    def links(self, origin: str | None = None) -> list[Link]:
        """The link library (optionally one origin), by title then URL."""
        c = self._COLLATE
        rows = self._select_where("links", "origin", origin, f"lower(title){c}, url{c}")
        return [_link(row) for row in rows]

    def remove_link(self, url: str) -> bool:
        """Remove a link (its index entry goes with it); ``True`` if it was there."""
        return self._write("DELETE FROM links WHERE url = ?", (url,)) > 0

    def search_links(self, terms: Sequence[str], limit: int = 10) -> list[LinkMatch]:
        """Links matching any of ``terms``, best first (title weighs most, then tags)."""
        words = [w for w in dict.fromkeys(t.strip().lower() for t in terms) if w]
        if not words or limit <= 0:
            return []
        found: list[LinkMatch] = []
        for row in self._search_rows(words, limit):
            hits = [h for col in ("h0", "h1", "h2") for h in _HIGHLIGHT.findall(row[col] or "")]
            # One word per stem: "routine" and "routines" matched the same query word.
            stems: dict[str, str] = {}
            for hit in hits:
                stems.setdefault(_stem(hit.lower()), hit.lower())
            # A tag such as "mental-health" is indexed as two words; name the whole tag.
            in_tags = {h.lower() for h in _HIGHLIGHT.findall(row["h2"] or "")}
            link = _link(row)
            tags = tuple(t for t in link.tags if in_tags & set(re.split(r"[\W_]+", t.lower())))
            found.append(LinkMatch(link, float(row["rank"]), tuple(stems.values()), tags))
        return found


def _stem(word: str) -> str:
    """A rough stem, only to name each matched word once (the search did the matching)."""
    for suffix in ("ing", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _link(row: Row) -> Link:
    tags = tuple(row["tags"].split())
    return from_row(Link, row, "url title description origin", "added_at", tags=tags)
