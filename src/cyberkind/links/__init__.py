"""Useful links: the user's own posts, bookmarks and CSV, searchable with FTS5 (docs/links.md).

- :class:`LinkLibrary`: import, list, search and suggest links for an opportunity;
- :class:`Suggestion`: a link with why it matches;
- :func:`read_bookmarks` / :func:`read_links_csv`: the file formats.

**Usage**::

    from cyberkind.links import LinkLibrary
    from cyberkind.store import open_store

    for s in LinkLibrary(open_store("inbox.db")).search("sleep routine"):
        print(s.link.title, s.why)
"""

from __future__ import annotations

from .formats import normalise_tag, read_bookmarks, read_link_file, read_links_csv
from .library import RANKS, LinkLibrary, Suggestion, load_encoder, own_post_links

__all__ = [
    "RANKS",
    "LinkLibrary",
    "Suggestion",
    "load_encoder",
    "normalise_tag",
    "own_post_links",
    "read_bookmarks",
    "read_link_file",
    "read_links_csv",
]
