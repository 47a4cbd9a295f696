"""WordPress export files (WXR 1.2, also 1.0 and 1.1): posts, comments, replies, pingbacks.

WordPress writes these with *Tools > Export*. Each ``<item>`` is a post or page
with its ``<wp:comment>`` elements inside. This connector maps them to items
of the source ``wordpress:<blog host and path>`` (the same source the live
WordPress connector will use, so an import and a later sync share identities):

- a post or page becomes ``post:<wp:post_id>``, written by the user;
- a comment becomes ``comment:<wp:comment_id>``: a ``comment`` on the post, a
  ``reply`` when ``wp:comment_parent`` names another comment, a ``pingback`` or
  ``trackback`` by ``wp:comment_type``. Spam and trashed comments are skipped.
- A comment is the user's own when ``wp:comment_user_id`` is the post author's
  user id, when its email is the post author's, or when its email, URL or
  login matches the ``identity`` setting. A pingback from the blog itself
  (a link between your own posts) is yours too.

The XML is parsed with defusedxml only: a file with a DOCTYPE, entity
declarations (the "billion laughs" attack) or external entities is refused
with an error naming the file. Commenters' emails and IP addresses are never stored;
an email survives only as a SHA-256 digest prefix in the author handle.

**Usage**::

    from cyberkind.connectors.wxr import WXRConnector

    with WXRConnector(Path("kindcorner.WordPress.2026-11-20.xml")) as wxr:
        for batch in wxr.fetch(cursor=None):
            print(len(batch.items), batch.cursor)
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as safe_et

from ..errors import InputFormatError
from ..hookspecs import hookimpl
from ..models import Author, Item, ItemKind, Problem
from .base import Connector, FileConnector, count_occurrences

__all__ = ["WXRConnector", "register_connectors"]

_WP_NS = "http://wordpress.org/export/"
_CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}"
_DC_NS = "{http://purl.org/dc/elements/1.1/}"
_COMMENT_KINDS = {
    "": ItemKind.COMMENT,
    "comment": ItemKind.COMMENT,
    "review": ItemKind.COMMENT,
    "pingback": ItemKind.PINGBACK,
    "trackback": ItemKind.TRACKBACK,
    "webmention": ItemKind.PINGBACK,
}
_SKIPPED_APPROVAL = {"spam", "trash", "post-trashed"}
_POST_TYPES = {"post", "page"}
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t]+")


def plain_text(markup: str) -> str:
    """HTML to plain text: tags dropped, entities decoded, blank runs squeezed."""
    text = html.unescape(_TAG.sub(" ", markup.replace("<br", "\n<br").replace("</p>", "\n")))
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _local(tag: str) -> tuple[str, str]:
    """('wp', 'comment_id') for '{http://wordpress.org/export/1.2/}comment_id'."""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        if namespace.startswith(_WP_NS) and "excerpt" not in namespace:
            return "wp", name
        return namespace, name
    return "", tag


def _child_text(element: Element, kind: str, name: str) -> str:
    for child in element:
        if _local(child.tag) == (kind, name):
            return (child.text or "").strip()
    return ""


def _gmt(value: str) -> datetime | None:
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _email_handle(email: str) -> str:
    # A digest, not the address: the store never keeps commenters' emails.
    return "email:" + hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:16]


def _commenter_handle(user_id: str, email: str, url: str, name: str) -> str:
    """A commenter's handle (both WordPress readers): ``user:<id>`` for a site user (``""``
    and ``"0"`` are none), else a digest of the email, else the URL, else ``name:<name>``."""
    if user_id not in ("", "0"):
        return f"user:{user_id}"
    if email:
        return _email_handle(email)
    return url or f"name:{name}"


@dataclass(frozen=True, slots=True)
class _SiteAuthor:
    user_id: str
    login: str
    email: str
    name: str


class WXRConnector(FileConnector):
    """Read a WordPress export file. ``identity``: your emails, logins or URLs."""

    name: ClassVar[str] = "wxr"
    extensions: ClassVar[tuple[str, ...]] = (".xml", ".wxr")

    def __init__(
        self, path: Path, *, identity: Iterable[str] = (), batch_size: int = 200, **_: Any
    ) -> None:
        super().__init__(path, batch_size=batch_size)
        self.identity = {value.strip().lower() for value in identity if value.strip()}
        self.blog_url = ""
        self.authors: dict[str, _SiteAuthor] = {}
        self._read_header()
        split = urlsplit(self.blog_url)
        self.source = "wordpress:" + (split.netloc + split.path.rstrip("/")).lower()

    @classmethod
    def estimate_records(cls, path: Path) -> int:
        """Posts and comments: the ``<item>`` and ``<wp:comment>`` tags."""
        return count_occurrences(path, (b"<item>", b"<wp:comment>"))

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        """A WXR file is RSS with the WordPress export namespace."""
        return b"<rss" in head and _WP_NS.encode() in head

    # -- parsing ----------------------------------------------------------------------------

    def _events(self, events: tuple[str, ...]) -> Iterator[tuple[str, Element]]:
        """defusedxml's iterparse, turning its refusals into errors that name the file."""
        try:
            # forbid_dtd: WordPress never writes a DOCTYPE, and every entity attack needs one.
            yield from safe_et.iterparse(
                str(self.path),
                events=events,
                forbid_dtd=True,
                forbid_entities=True,
                forbid_external=True,
            )
        except defusedxml.DTDForbidden as exc:
            external = f" SYSTEM {exc.sysid!r}" if exc.sysid else ""
            raise InputFormatError(
                f"refused {self.path}: it declares a document type (<!DOCTYPE {exc.name}"
                f"{external}>), which is how 'billion laughs' and external-entity attacks "
                "begin, and WordPress exports never have one. You can fix this by exporting the "
                "file again from WordPress (Tools > Export)."
            ) from None
        except defusedxml.EntitiesForbidden as exc:
            raise InputFormatError(
                f"refused {self.path}: it declares the XML entity {exc.name!r}, the shape of a "
                "'billion laughs' attack, and WordPress exports never declare entities. You can "
                "fix this by exporting the file again from WordPress (Tools > Export)."
            ) from None
        except defusedxml.ExternalReferenceForbidden as exc:
            raise InputFormatError(
                f"refused {self.path}: it refers to an external entity "
                f"({exc.sysid or exc.pubid}), which could read local files or reach the network. "
                "You can fix this by exporting the file again from WordPress (Tools > Export)."
            ) from None
        except defusedxml.DefusedXmlException as exc:
            raise InputFormatError(
                f"refused {self.path}: unsafe XML ({type(exc).__name__}). You can fix this by "
                "exporting the file again from WordPress (Tools > Export)."
            ) from None
        except ParseError as exc:
            line, column = exc.position
            raise InputFormatError(
                f"{self.path} is not well-formed XML (line {line}, column {column}). You can "
                "fix this by exporting the file again from WordPress (Tools > Export)."
            ) from None

    def _read_header(self) -> None:
        """The channel's blog URL and authors: everything before the first ``<item>``."""
        is_rss = False
        for event, element in self._events(("start", "end")):
            kind, name = _local(element.tag)
            if event == "start":
                if (kind, name) == ("", "rss"):
                    is_rss = True
                elif (kind, name) == ("", "item"):
                    break
                continue
            # <wp:base_blog_url> names the blog; the channel <link> is the fallback.
            blog_url = (kind, name) == ("wp", "base_blog_url")
            if blog_url or ((kind, name) == ("", "link") and not self.blog_url):
                self.blog_url = (element.text or "").strip()
            elif (kind, name) == ("wp", "author"):
                author = _SiteAuthor(
                    _child_text(element, "wp", "author_id"),
                    _child_text(element, "wp", "author_login"),
                    _child_text(element, "wp", "author_email").lower(),
                    _child_text(element, "wp", "author_display_name"),
                )
                self.authors[author.login] = author
        if not is_rss or not self.blog_url:
            raise InputFormatError(
                f"{self.path} is not a WordPress export (no <rss> channel with a blog URL). "
                "You can fix this by exporting from WordPress (Tools > Export), or by passing "
                "--format jsonl or --format csv for other files."
            )

    def records(self) -> Iterator[tuple[int, Item | Problem]]:
        """Posts and their comments in file order; position counts them from 1."""
        position = 0
        own_logins = self._own_authors()
        for _event, element in self._events(("end",)):
            if _local(element.tag) != ("", "item"):
                continue
            for record in self._item_records(element, own_logins):
                position += 1
                if isinstance(record, Problem):
                    record = Problem(position, record.reason)
                yield position, record
            element.clear()  # keep memory flat on big exports

    def _is_me(self, *values: str) -> bool:
        return any(value and value.strip().lower() in self.identity for value in values)

    def _own_authors(self) -> set[str] | None:
        """Logins whose posts are the user's: those matching identity; ``None`` means all."""
        matched = {
            login for login, a in self.authors.items() if self._is_me(a.login, a.email, a.name)
        }
        return matched or None

    def _item_records(
        self, element: Element, own_logins: set[str] | None
    ) -> Iterator[Item | Problem]:
        post_id = _child_text(element, "wp", "post_id")
        post_type = _child_text(element, "wp", "post_type") or "post"
        comments = [c for c in element if _local(c.tag) == ("wp", "comment")]
        if not post_id or (post_type not in _POST_TYPES and not comments):
            return
        title = _child_text(element, "", "title")
        link = _child_text(element, "", "link")
        login = _child_text(element, _DC_NS[1:-1], "creator")
        author = self.authors.get(login, _SiteAuthor("", login, "", login))
        post_key = f"post:{post_id}"
        content = ""
        for child in element:
            if child.tag == _CONTENT_NS + "encoded":
                content = child.text or ""
        yield Item(
            source=self.source,
            remote_id=post_key,
            kind=ItemKind.POST,
            author=Author(
                f"user:{author.user_id}" if author.user_id else f"login:{login}",
                author.name or login,
                self.blog_url,
            ),
            text="\n\n".join(part for part in (title, plain_text(content)) if part),
            url=link or None,
            created_at=_gmt(_child_text(element, "wp", "post_date_gmt")),
            is_own=own_logins is None or login in own_logins,
            raw={
                "title": title,
                "post_type": post_type,
                "status": _child_text(element, "wp", "status"),
            },
        )
        for comment in comments:
            record = self._comment(comment, post_key, title, link, author)
            if record is not None:
                yield record

    def _comment(
        self, comment: Element, post_key: str, title: str, link: str, post_author: _SiteAuthor
    ) -> Item | Problem | None:
        def field(name: str) -> str:
            return _child_text(comment, "wp", name)

        comment_id = field("comment_id")
        if not comment_id:
            return Problem(0, f"a comment on {post_key} has no wp:comment_id; skipped")
        approved = field("comment_approved")
        comment_type = field("comment_type").lower()
        if approved in _SKIPPED_APPROVAL or comment_type not in _COMMENT_KINDS:
            return None  # spam, trash, or a plugin's private note (e.g. WooCommerce order_note)
        parent = field("comment_parent")
        kind = _COMMENT_KINDS[comment_type]
        if kind is ItemKind.COMMENT and parent not in ("", "0"):
            kind = ItemKind.REPLY
        user_id, email = field("comment_user_id"), field("comment_author_email").lower()
        name, url = html.unescape(field("comment_author")), field("comment_author_url")
        handle = _commenter_handle(user_id, email, url, name)
        own = (
            (user_id not in ("", "0") and user_id == post_author.user_id)
            or (bool(email) and email == post_author.email)
            or self._is_me(email, url)
            or any(
                a.user_id == user_id and self._is_me(a.login, a.email)
                for a in self.authors.values()
                if user_id not in ("", "0")
            )
            or (kind in (ItemKind.PINGBACK, ItemKind.TRACKBACK) and self._same_site(url))
        )
        return Item(
            source=self.source,
            remote_id=f"comment:{comment_id}",
            kind=kind,
            author=Author(handle, name, url or None),
            text=plain_text(field("comment_content")),
            url=f"{link}#comment-{comment_id}" if link else None,
            parent_remote_id=f"comment:{parent}" if parent not in ("", "0") else post_key,
            thread_id=post_key,
            created_at=_gmt(field("comment_date_gmt")),
            is_own=own,
            raw={
                "post_title": title,
                "approved": approved,
                "comment_type": comment_type or "comment",
            },
        )

    def _same_site(self, url: str) -> bool:
        ours, theirs = urlsplit(self.blog_url), urlsplit(url)
        return bool(theirs.netloc) and theirs.netloc.lower() == ours.netloc.lower()


@hookimpl
def register_connectors() -> list[type[Connector]]:
    """The WordPress export connector."""
    return [WXRConnector]
