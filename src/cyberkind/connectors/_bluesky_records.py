"""Bluesky records: the lexicon's JSON shapes, rich-text facets, and the SDK calls.

What :class:`~cyberkind.connectors.bluesky.BlueskyConnector` reads and writes, apart from
the connector itself: the post collection and facet types, how a reply's text gains its
``@mentions`` and how mentions and links become facets (UTF-8 byte offsets), the SDK
calls the connector wraps, and small readers of records and response headers.
Re-exported by :mod:`cyberkind.connectors.bluesky`; see its docstring for how they fit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from ..errors import AuthError
from ..models import ItemKind
from ._bluesky_state import parse_time

if TYPE_CHECKING:
    import httpx
    from atproto import Client

__all__ = [
    "LINK_FACET",
    "MAX_POST_CHARS",
    "MENTION_FACET",
    "POST_COLLECTION",
    "facets",
    "with_mentions",
]

POST_COLLECTION = "app.bsky.feed.post"
MENTION_FACET = "app.bsky.richtext.facet#mention"
LINK_FACET = "app.bsky.richtext.facet#link"
# A handle is a domain name; a mention starts after a space or punctuation, not inside an
# e-mail address or a URL.
_MENTION = re.compile(
    r"(?<![\w@./])@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?)"
    r"(?![\w-])",
    re.IGNORECASE,
)
_LINK = re.compile(r"(?<![\w/])https?://[^\s<>\"]+", re.IGNORECASE)
MAX_POST_CHARS = 300
"""Bluesky's limit on a post's text (in graphemes; counted here in characters)."""

_KINDS: Mapping[str, ItemKind] = {
    "like": ItemKind.LIKE,
    "repost": ItemKind.BOOST,
    "follow": ItemKind.FOLLOW,
    "mention": ItemKind.MENTION,
    "reply": ItemKind.REPLY,
    "quote": ItemKind.QUOTE,
}
_GET_POSTS_LIMIT = 25
"""``app.bsky.feed.getPosts`` takes at most 25 URIs."""


def with_mentions(
    text: str, handles: Sequence[str], own: str, resolve: Callable[[str], str | None]
) -> tuple[str, dict[str, str]]:
    """``text`` with ``@handle `` before it for each handle, and the DIDs resolved.

    The user's own handle (``own``) and handles the text already mentions are skipped; a
    handle that ``resolve`` cannot turn into a DID is left out (its owner could not be
    notified).
    """
    wanted = [
        h.lstrip("@")
        for h in dict.fromkeys(handles)
        if h.lstrip("@").lower() != own.lower() and f"@{h.lstrip('@').lower()}" not in text.lower()
    ]
    known: dict[str, str] = {}
    length = len(text)
    for handle in wanted:
        if length + len(handle) + 2 > MAX_POST_CHARS:
            break
        did = resolve(handle)
        if did is not None:
            known[handle.lower()] = did
            length += len(handle) + 2
    return "".join(f"@{handle} " for handle in known) + text, known


def facets(
    text: str, known: Mapping[str, str], resolve: Callable[[str], str | None]
) -> list[dict[str, Any]]:
    """The rich-text facets of ``text``: each ``@handle`` that resolves, each web link.

    Bluesky shows a mention or a link as one only with a facet (UTF-8 byte offsets), so
    without them a link in a draft is plain text and a mention notifies nobody.
    ``known`` maps lower-case handles to DIDs already resolved.
    """
    found: list[dict[str, Any]] = []
    for match in _MENTION.finditer(text):
        handle = match.group(1)
        did = known.get(handle.lower()) or resolve(handle)
        if did is not None:
            feature = {"$type": MENTION_FACET, "did": did}
            found.append(_facet(text, match.start(), match.end(), feature))
    for match in _LINK.finditer(text):
        url = match.group().rstrip(".,;:!?'\"")
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        feature = {"$type": LINK_FACET, "uri": url}
        found.append(_facet(text, match.start(), match.start() + len(url), feature))
    return sorted(found, key=lambda f: int(f["index"]["byteStart"]))


def _list_notifications(sdk: Client, *, params: dict[str, Any]) -> Any:
    return sdk.app.bsky.notification.list_notifications(params)


def _author_feed(sdk: Client, *, params: dict[str, Any]) -> Any:
    return sdk.app.bsky.feed.get_author_feed(params)


def _get_posts(sdk: Client, *, uris: list[str]) -> Any:
    return sdk.app.bsky.feed.get_posts({"uris": uris})


def _caller_request(http: httpx.Client) -> Any:
    """An SDK ``Request`` that sends through the caller's ``httpx.Client`` (and never closes it)."""
    from atproto_client.request import Request, RequestBase

    class CallerRequest(Request):  # type: ignore[misc]
        def __init__(self, client: httpx.Client) -> None:
            RequestBase.__init__(self)
            self._client_kwargs: dict[str, Any] = {}
            self._client = client

        def _new_instance(self) -> CallerRequest:
            return CallerRequest(self._client)

        def close(self) -> None:
            """The caller owns the client."""

    return CallerRequest(http)


def _describe(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    content = getattr(response, "content", None)
    error = getattr(content, "error", None)
    message = getattr(content, "message", None)
    status = getattr(response, "status_code", None)
    parts = [str(p) for p in (status, error, message) if p]
    return " ".join(parts) if parts else type(exc).__name__


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return str(value)
    return None


def _server_time(headers: Mapping[str, Any]) -> datetime | None:
    value = _header(headers, "Date")
    if value is None:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _plain(model: Any) -> dict[str, Any]:
    """An SDK response model as the lexicon's JSON shape (camelCase keys, ``$type``)."""
    if hasattr(model, "model_dump"):
        dumped = model.model_dump(mode="json", by_alias=True, exclude_none=True)
        return dumped if isinstance(dumped, dict) else {}
    if hasattr(model, "to_dict"):
        return dict(model.to_dict())
    return dict(model)


def _session_did(sdk: Client) -> str:
    session = sdk._session  # the SDK keeps the DID only there when no profile was fetched
    if session is None:
        raise AuthError("the Bluesky login returned no session. You can fix this by trying again.")
    return str(session.did)


def _quoted(record: Mapping[str, Any]) -> str | None:
    embed = record.get("embed") or {}
    inner = embed.get("record") or {}
    if "record" in inner and isinstance(inner["record"], Mapping):  # recordWithMedia
        inner = inner["record"]
    uri = inner.get("uri")
    return str(uri) if uri else None


def _created(record: Mapping[str, Any], indexed_at: Any) -> datetime | None:
    for value in (record.get("createdAt"), indexed_at):
        if isinstance(value, str):
            try:
                return parse_time(value)
            except ValueError:
                continue
    return None


def _web_url(uri: str, handle: Any) -> str | None:
    """The bsky.app page of an ``at://did/collection/rkey`` post URI."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3:
        return None
    did, collection, rkey = parts
    who = handle or did
    if collection == POST_COLLECTION:
        return f"https://bsky.app/profile/{who}/post/{rkey}"
    return f"https://bsky.app/profile/{who}"


def _title(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= 60 else words[:59].rstrip() + "\u2026"


def _facet(text: str, start: int, end: int, feature: dict[str, str]) -> dict[str, Any]:
    """A facet for ``text[start:end]`` (character offsets) in UTF-8 byte offsets."""
    at = len(text[:start].encode())
    return {
        "index": {"byteStart": at, "byteEnd": at + len(text[start:end].encode())},
        "features": [feature],
    }
