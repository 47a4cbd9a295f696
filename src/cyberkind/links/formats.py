"""Reading link files: Netscape bookmark HTML (every browser's export) and CSV.

:func:`read_bookmarks` parses the Netscape bookmark format with the standard library's
forgiving :class:`html.parser.HTMLParser` (browsers write unclosed ``<DT>`` and ``<p>``
tags, so an XML parser would refuse them); each folder the bookmark sits in becomes a
tag, except the browsers' own top folders ("Bookmarks bar", "Bookmarks Menu"...).
:func:`read_links_csv` reads ``url,title,description,tags`` (only ``url`` is required;
tags are separated by commas, semicolons or ``|``). Both return the links and a
:class:`~cyberkind.models.Problem` per record they skipped, with its line number.

**Usage**::

    >>> links, problems = read_bookmarks(
    ...     '<DL><p><DT><H3>Sleep</H3><DL><p>'
    ...     '<DT><A HREF="https://sleep.example/tips">Sleep tips</A></DL></DL>'
    ... )
    >>> links[0].url, links[0].tags
    ('https://sleep.example/tips', ('sleep',))
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

from ..errors import InputFormatError
from ..models import Link, Problem
from ..scoring_io import csv_records

__all__ = [
    "BROWSER_FOLDERS",
    "LinkFormat",
    "detect_link_format",
    "normalise_tag",
    "read_bookmarks",
    "read_link_file",
    "read_links_csv",
]

LinkFormat = Literal["bookmarks", "csv"]

BROWSER_FOLDERS = frozenset(
    {
        "bookmarks",
        "bookmarks bar",
        "bookmarks toolbar",
        "bookmarks menu",
        "other bookmarks",
        "mobile bookmarks",
        "favorites",
        "favorites bar",
        "favourites",
        "favourites bar",
        "unsorted bookmarks",
    }
)
"""Top folders every browser adds: they say where a bookmark sits, not what it is about."""

_SCHEMES = ("http://", "https://")
_MAX_DESCRIPTION = 1000


def normalise_tag(tag: str) -> str:
    """A tag as stored: lower case, words joined by ``-`` ("Mental Health" -> "mental-health")."""
    return "-".join(re.findall(r"[^\W_]+", tag.lower()))


def _tags(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in (normalise_tag(v) for v in values) if t))


class _BookmarkParser(HTMLParser):
    """Walks ``<DL>`` folders, ``<H3>`` folder names, ``<A>`` links and ``<DD>`` notes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.folders: list[str | None] = []
        self.pending_folder: str | None = None
        self.capture: str | None = None  # "folder", "link" or "note"
        self.text: list[str] = []
        self.current: dict[str, str] = {}
        self.current_line = 0
        self.links: dict[str, Link] = {}
        self.problems: list[Problem] = []
        self.saw_bookmarks = False
        self.last_url: str | None = None

    def _flush(self) -> None:
        """Finish the text being captured (a folder name, a link title or a note)."""
        text = " ".join("".join(self.text).split())
        if self.capture == "folder":
            self.pending_folder = text
        elif self.capture == "link":
            self._add_link(text)
        elif self.capture == "note" and self.last_url in self.links and text:
            link = self.links[self.last_url]
            self.links[self.last_url] = Link(
                link.url,
                link.title,
                text[:_MAX_DESCRIPTION],
                link.tags,
                link.origin,
                link.added_at,
            )
        self.capture = None
        self.text = []

    def _add_link(self, title: str) -> None:
        href = self.current.get("href", "").strip()
        self.last_url = None
        if not href:
            self.problems.append(Problem(self.current_line, "a bookmark without an address"))
            return
        if not href.lower().startswith(_SCHEMES):
            scheme = href.split(":", 1)[0]
            self.problems.append(
                Problem(self.current_line, f"skipped a {scheme}: bookmark (only http and https)")
            )
            return
        folders = [f for f in self.folders if f and f.strip().lower() not in BROWSER_FOLDERS]
        # Firefox and Pinboard exports carry their own tags beside the folders.
        own = re.split(r"[,;]", self.current.get("tags", ""))
        added: datetime | None = None
        stamp = self.current.get("add_date", "")
        if stamp.isdigit():
            try:
                added = datetime.fromtimestamp(int(stamp), UTC)
            except (OverflowError, OSError, ValueError):
                added = None
        self.links[href] = Link(
            href, title or href, "", _tags([*folders, *own]), "bookmarks", added
        )
        self.last_url = href

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in ("dt", "dl", "h3", "a", "dd") and self.capture:
            self._flush()
        if tag == "dl":
            self.saw_bookmarks = True
            self.folders.append(self.pending_folder)
            self.pending_folder = None
        elif tag == "h3":
            self.capture = "folder"
        elif tag == "a":
            self.saw_bookmarks = True
            self.current = {k.lower(): v or "" for k, v in attrs}
            self.current_line = self.getpos()[0]
            self.capture = "link"
        elif tag == "dd":
            self.capture = "note"

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in ("a", "h3", "dl") and self.capture:
            self._flush()
        if tag == "dl" and self.folders:
            self.folders.pop()

    def handle_data(self, data: str) -> None:
        if self.capture:
            self.text.append(data)

    def close(self) -> None:
        super().close()
        if self.capture:
            self._flush()


def read_bookmarks(html: str) -> tuple[list[Link], list[Problem]]:
    """Links from Netscape bookmark HTML, folders as tags; problems name their line.

    The last bookmark of a URL wins. Raises :class:`InputFormatError` when the text holds
    no bookmark list at all.
    """
    parser = _BookmarkParser()
    parser.feed(html)
    parser.close()
    if not parser.saw_bookmarks:
        raise InputFormatError(
            "this is not a bookmarks file (no <DL> list or <A> link in it). You can fix this "
            "by exporting your bookmarks as HTML from your browser, or by passing "
            "--format csv for a CSV file."
        )
    return list(parser.links.values()), parser.problems


def read_links_csv(data: bytes) -> tuple[list[Link], list[Problem]]:
    """Links from CSV with a header naming ``url`` and optionally ``title``,
    ``description`` and ``tags``; each bad row is a problem with its line number."""
    records = csv_records(io.BytesIO(data))
    first = next(records, None)
    if first is None:
        raise InputFormatError(
            "the CSV file is empty. You can fix this by adding a header line "
            "url,title,description,tags and one line per link."
        )
    header = [str(h).strip().lower() for h in first[1]]
    if "url" not in header:
        raise InputFormatError(
            "line 1: the CSV header has no url column. You can fix this by starting the file "
            "with the header url,title,description,tags."
        )
    column = {
        name: header.index(name)
        for name in ("url", "title", "description", "tags")
        if name in header
    }
    links: dict[str, Link] = {}
    problems: list[Problem] = []
    for line, values in records:
        if isinstance(values, str):
            problems.append(Problem(line, values))
            continue

        def cell(name: str, row: list[str] = values) -> str:
            return row[column[name]].strip() if name in column else ""

        url = cell("url")
        if not url:
            problems.append(Problem(line, "the url is empty"))
            continue
        if not url.lower().startswith(_SCHEMES) or " " in url:
            problems.append(Problem(line, f"{url!r} is not an http(s) address"))
            continue
        links[url] = Link(
            url,
            cell("title") or url,
            cell("description")[:_MAX_DESCRIPTION],
            _tags(re.split(r"[,;|]", cell("tags"))),
            "csv",
        )
    return list(links.values()), problems


def detect_link_format(path: Path, declared: str | None = None) -> LinkFormat:
    """``declared`` if given, else from the extension (.html/.htm: bookmarks, .csv: csv)."""
    if declared in ("bookmarks", "csv"):
        return "bookmarks" if declared == "bookmarks" else "csv"
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return "bookmarks"
    if suffix == ".csv":
        return "csv"
    raise InputFormatError(
        f"cannot tell the format of {path.name}. You can fix this by passing "
        "--format bookmarks (browser bookmark HTML) or --format csv."
    )


def read_link_file(path: Path, fmt: str | None = None) -> tuple[list[Link], list[Problem]]:
    """Read a bookmarks or CSV file (format from ``fmt`` or the extension)."""
    kind = detect_link_format(path, fmt)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFormatError(
            f"cannot read {path} ({exc.strerror}). You can fix this by checking the path."
        ) from exc
    if kind == "csv":
        return read_links_csv(data)
    return read_bookmarks(data.decode("utf-8", "replace"))
