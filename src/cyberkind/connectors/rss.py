"""RSS 2.0 and Atom feeds: new posts on blogs the user follows, and comment feeds.

Each followed feed (a :class:`~cyberkind.models.Feed`) is its own source,
``rss:<feed URL>``, with its own cursor. The cursor is JSON holding the
feed's ``ETag`` and ``Last-Modified`` validators and the ids of the entries
already stored, so a sync sends a conditional GET (``If-None-Match``,
``If-Modified-Since``); a ``304 Not Modified`` ends the sync with nothing new
and the cursor unchanged, and an entry seen before is never stored twice.

- A **post feed** (``/feed/``, ``/atom.xml``): each entry becomes a ``post``
  item by the blog's author; the inbox offers ``encourage_post`` for it.
- A **comment feed** of the user's blog (WordPress ``/comments/feed/``,
  followed with ``comments=True``): each entry becomes a ``comment`` item whose
  thread is the post it is on (the entry's link without its ``#comment-N``
  fragment). Atom comment feeds carry ``thr:in-reply-to``; a reply to another
  comment then becomes a ``reply`` with that comment as parent. The post
  itself is stored as the user's own ``post`` (title from "Comment on <title>
  by <name>"), so the inbox's comment rules apply: unanswered comments on the
  user's work become ``thank_commenter``. A comment whose author name or URL
  matches the ``identity`` setting is the user's own, and answers its parent.

Safety: feedparser never resolves external entities (it turns sax's
``external_ges`` feature off), but it does expand internal ones, so the bytes
are first parsed with defusedxml; a feed that declares an entity or refers to
an external one ("billion laughs", XXE) is refused with an error naming the
URL, as is a body that is not well-formed XML or not a feed.

Transient failures (429, 5xx, a refused or dropped connection, a timeout) are
retried a bounded number of times, honouring ``Retry-After``; then a
:class:`~cyberkind.errors.SourceError` names the URL and what to do. A batch
is stored only after the whole body arrived and parsed, so none of these loses
or duplicates anything.

**Usage**::

    import httpx
    from cyberkind.connectors.rss import RSSConnector
    from cyberkind.models import Feed

    with httpx.Client(timeout=20) as client:
        conn = RSSConnector(Feed("https://kind.example/feed/"), client=client)
        for batch in conn.fetch(cursor=None):
            print(len(batch.items), batch.cursor)
"""

from __future__ import annotations

import calendar
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urldefrag, urlsplit
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree as safe_et

from ..errors import ConfigError, SourceError
from ..hookspecs import hookimpl
from ..models import Author, Batch, Feed, Item, ItemKind
from .base import Connector
from .http import send
from .wxr import plain_text

if TYPE_CHECKING:
    # Imported lazily: importing httpx pulls in click and rich (its CLI) when they are
    # installed, and the core must not (tests/test_package.py).
    import httpx

__all__ = ["FeedCursor", "RSSConnector", "register_connectors"]

USER_AGENT = "cyberkind-rss/0.1 (+https://github.com/cyberkind)"
SEEN_LIMIT = 2000
"""How many entry ids a cursor remembers; feeds list far fewer entries than this."""


@dataclass(frozen=True, slots=True)
class FeedCursor:
    """Where a feed stands: its HTTP validators and the entry ids already stored."""

    etag: str | None = None
    last_modified: str | None = None
    seen: tuple[str, ...] = field(default_factory=tuple)

    def dumps(self) -> str:
        return json.dumps(
            {
                "etag": self.etag,
                "last_modified": self.last_modified,
                "seen": list(self.seen[-SEEN_LIMIT:]),
            },
            sort_keys=True,
        )

    @classmethod
    def loads(cls, text: str | None) -> FeedCursor:
        if not text:
            return cls()
        try:
            data = json.loads(text)
            return cls(
                data.get("etag") or None,
                data.get("last_modified") or None,
                tuple(str(s) for s in data.get("seen", ())),
            )
        except (ValueError, AttributeError, TypeError):
            return cls()  # not ours: fetch everything again (upserts keep that harmless)

    def with_seen(self, ids: Iterable[str]) -> FeedCursor:
        return FeedCursor(self.etag, self.last_modified, (*self.seen, *ids))


class RSSConnector(Connector):
    """Fetch one RSS or Atom feed with a conditional GET from the caller's ``httpx.Client``.

    ``identity``: the user's names or URLs (their own comments in a comment
    feed). ``sleep`` and ``max_retries`` bound the waits on 429 and 5xx;
    ``max_wait`` is the longest ``Retry-After`` honoured, in seconds.
    """

    name: ClassVar[str] = "rss"

    def __init__(
        self,
        feed: Feed,
        *,
        client: httpx.Client,
        identity: Iterable[str] = (),
        batch_size: int = 200,
        max_retries: int = 3,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}.")
        self.feed = feed
        self.url = feed.url
        self.source = feed.source
        self.client = client
        self.identity = {value.strip().lower() for value in identity if value.strip()}
        self.batch_size = batch_size
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.sleep = sleep

    # -- HTTP -------------------------------------------------------------------------------

    def _get(self, cursor: FeedCursor) -> httpx.Response | None:
        """The feed's response, or ``None`` for 304; retries transient failures (http.send)."""
        headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT}
        if cursor.etag:
            headers["If-None-Match"] = cursor.etag
        if cursor.last_modified:
            headers["If-Modified-Since"] = cursor.last_modified
        response = send(
            self.client,
            "GET",
            self.url,
            noun="feed",
            max_retries=self.max_retries,
            max_wait=self.max_wait,
            sleep=self.sleep,
            headers=headers,
            follow_redirects=True,
        )
        if response.status_code == 304:
            return None
        if response.status_code < 300:
            return response
        raise SourceError(
            f"{self.url} answered {response.status_code} {response.reason_phrase}. You can fix "
            "this by checking the feed URL (cyberkind feeds list; cyberkind feeds remove URL).",
            url=self.url,
        )

    # -- parsing ----------------------------------------------------------------------------

    def parse(self, body: bytes) -> Any:
        """Parse the feed's bytes safely; raise SourceError naming the URL if refused."""
        import feedparser

        _screen(body, self.url)
        parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
        if not parsed.get("version"):
            raise SourceError(
                f"{self.url} is not an RSS or Atom feed. You can fix this by following the "
                "blog's feed URL instead (often /feed/ or /atom.xml): `cyberkind feeds remove "
                f"{self.url}` then `cyberkind feeds add FEED_URL`.",
                url=self.url,
            )
        return parsed

    def items(self, parsed: Any) -> Iterator[Item]:
        """The feed's entries as items (comment feeds also yield the posts they are on)."""
        feed_info = parsed.get("feed", {})
        blog = str(feed_info.get("title") or urlsplit(self.url).netloc)
        blog_url = str(feed_info.get("link") or self.url)
        for entry in parsed.get("entries", []):
            if self.feed.comments:
                yield from self._comment_items(entry, blog_url)
            else:
                item = self._post_item(entry, blog, blog_url)
                if item is not None:
                    yield item

    def _post_item(self, entry: Mapping[str, Any], blog: str, blog_url: str) -> Item | None:
        link = str(entry.get("link") or "")
        remote_id = str(entry.get("id") or link)
        if not remote_id:
            return None
        title = str(entry.get("title") or "")
        name = str(entry.get("author") or blog)
        return Item(
            source=self.source,
            remote_id=remote_id,
            kind=ItemKind.POST,
            author=Author(blog_url, name, blog_url),
            text="\n\n".join(part for part in (title, _entry_text(entry)) if part),
            url=link or None,
            created_at=_entry_time(entry),
            is_own=self._is_me(name, str(entry.get("href") or "")),
            raw={"title": title, "blog": blog, "feed": self.url},
        )

    def _comment_items(self, entry: Mapping[str, Any], blog_url: str) -> Iterator[Item]:
        link = str(entry.get("link") or "")
        remote_id = link or str(entry.get("id") or "")
        if not remote_id:
            return
        post_url = urldefrag(link)[0] if link else ""
        reply_to = entry.get("thr_in-reply-to") or {}
        parent_url = str(reply_to.get("href") or "") if isinstance(reply_to, Mapping) else ""
        if not post_url:
            post_url = urldefrag(parent_url)[0]
        title = _post_title(str(entry.get("title") or ""))
        if post_url:
            yield Item(
                source=self.source,
                remote_id=post_url,
                kind=ItemKind.POST,
                author=Author(blog_url, "you", blog_url),
                url=post_url,
                is_own=True,
                raw={"title": title, "feed": self.url, "stub": True},
            )
        parent = parent_url or post_url or None
        is_reply = parent is not None and parent != post_url
        name = str(entry.get("author") or "someone")
        author_url = str(entry.get("href") or "")
        yield Item(
            source=self.source,
            remote_id=remote_id,
            kind=ItemKind.REPLY if is_reply else ItemKind.COMMENT,
            author=Author(author_url or f"name:{name}", name, author_url or None),
            text=_entry_text(entry),
            url=link or None,
            parent_remote_id=parent,
            thread_id=post_url or None,
            created_at=_entry_time(entry),
            is_own=self._is_me(name, author_url),
            raw={"post_title": title, "feed": self.url},
        )

    def _is_me(self, *values: str) -> bool:
        return any(value and value.strip().lower() in self.identity for value in values)

    # -- fetch ------------------------------------------------------------------------------

    def fetch(self, cursor: str | None) -> Iterator[Batch]:
        """Batches of entries not seen before; the last one stores the new validators.

        Nothing is yielded on ``304 Not Modified``. Until the last batch the
        cursor keeps the old validators, so a sync killed mid-feed fetches the
        feed again and skips only the entries already stored.
        """
        start = FeedCursor.loads(cursor)
        response = self._get(start)
        if response is None:
            return
        parsed = self.parse(response.content)
        seen = set(start.seen)
        progress = start
        pending: list[Item] = []
        for item in self.items(parsed):
            if item.remote_id in seen:
                continue
            seen.add(item.remote_id)
            pending.append(item)
            if len(pending) >= self.batch_size:
                progress = progress.with_seen(i.remote_id for i in pending)
                yield Batch(tuple(pending), progress.dumps())
                pending = []
        final = FeedCursor(
            response.headers.get("ETag") or None,
            response.headers.get("Last-Modified") or None,
            progress.with_seen(i.remote_id for i in pending).seen,
        )
        yield Batch(tuple(pending), final.dumps())


_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)


def _screen(body: bytes, url: str) -> None:
    """Refuse entity declarations, external references and malformed XML (defusedxml)."""
    fix = (
        "You can fix this by asking the blog's owner to fix the feed, or by removing it "
        f"(`cyberkind feeds remove {url}`)."
    )
    try:
        safe_et.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden as exc:
        raise SourceError(
            f"refused the feed {url}: it declares the XML entity {exc.name!r}, the shape of a "
            f"'billion laughs' attack. Nothing from it was stored. {fix}",
            url=url,
        ) from None
    except defusedxml.ExternalReferenceForbidden as exc:
        raise SourceError(
            f"refused the feed {url}: it refers to an external entity "
            f"({exc.sysid or exc.pubid}), which could read local files or reach the network. "
            f"Nothing from it was stored. {fix}",
            url=url,
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise SourceError(
            f"refused the feed {url}: unsafe XML ({type(exc).__name__}). {fix}", url=url
        ) from None
    except ParseError as exc:
        line, column = exc.position
        raise SourceError(
            f"{url} did not send well-formed XML (line {line}, column {column}), so it is not "
            f"a readable RSS or Atom feed. Nothing from it was stored. {fix}",
            url=url,
        ) from None


def _entry_text(entry: Mapping[str, Any]) -> str:
    content = entry.get("content") or []
    for part in content:
        if isinstance(part, Mapping) and part.get("value"):
            return plain_text(str(part["value"]))
    return plain_text(str(entry.get("summary") or ""))


def _entry_time(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None


def _post_title(comment_title: str) -> str:
    """'Ten tiny kindnesses' from WordPress's 'Comment on Ten tiny kindnesses by Ana'."""
    text = comment_title.strip()
    if text.lower().startswith("comment on "):
        text = text[len("comment on ") :]
        head, sep, _ = text.rpartition(" by ")
        return head if sep else text
    return ""


@hookimpl
def register_connectors() -> list[type[Connector]]:
    """The RSS/Atom feed connector."""
    return [RSSConnector]
