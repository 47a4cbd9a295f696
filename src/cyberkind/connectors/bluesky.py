"""Bluesky through the ``atproto`` SDK: notifications in, replies with correct thread refs out.

An :class:`~cyberkind.models.Account` with ``platform="bluesky"``: ``url`` is the
account's PDS (``https://bsky.social`` for most people), ``handle`` the user's
handle (``ana.bsky.social``), and its one secret is an **app password**
(Settings > Privacy and security > App passwords), never the main password.

**Session reuse.** Logging in (``com.atproto.server.createSession``) is rate
limited hard by Bluesky (30 per 5 minutes, 300 a day), so the connector logs in
once and keeps the session string (``Client.export_session_string()``: handle,
DID, access and refresh JWTs) in a :class:`SessionCache`, by default the OS
keyring under ``<account>:session`` (:class:`KeyringSessions`), never the
database or the logs. The next sync resumes it, checks it with
``com.atproto.server.getSession`` (the SDK refreshes an access token that is
about to expire with ``refreshSession``, and every new token is saved again
through ``on_session_change``), and logs in with the app password only when the
saved session is missing, expired or revoked.

**What is fetched.** ``app.bsky.notification.listNotifications``, mapped onto
:class:`~cyberkind.models.ItemKind`:

====================  =========  ===========================================
reason                kind       parent / thread
====================  =========  ===========================================
``like``              like       the liked post / the liked post
``repost``            boost      the reposted post / the reposted post
``follow``            follow     -
``mention``           mention    its ``reply`` refs, if it is a reply
``reply``             reply      ``reply.parent`` / ``reply.root``
``quote``             quote      the quoted post / the quoted post
====================  =========  ===========================================

Other reasons (starter-pack joins, verifications...) are skipped. The user's own
posts that these point at (liked, reposted, quoted, replied to) are fetched with
``app.bsky.feed.getPosts`` and stored as the user's own items, so the inbox sees
"3 people liked your post '...'" as one group and knows which replies are on the
user's work. The user's own replies since the last sync
(``app.bsky.feed.getAuthorFeed``, ``posts_with_replies``) are stored too, so a
reply or mention the user already answered on Bluesky is not an open
opportunity. Remote ids are ``at://`` URIs. Reading never marks notifications as
seen.

**The cursor.** ``listNotifications`` pages newest-first, and its page cursor
walks backwards in time, so a page cursor alone cannot say "everything after
what I stored". The stored cursor is instead a watermark: the ``indexedAt`` of
the newest notification stored, plus the URIs stored at exactly that instant
(ties). A sync pages from the newest notification back until it reaches the
watermark, then yields what is new **oldest first** in batches, each carrying
the watermark of its last notification. A sync killed after any batch resumes
from that batch's watermark: nothing is fetched twice into the store and
nothing is skipped, and writes are upserts anyway. The first sync reads the
whole history the server keeps. The AppView's ``indexedAt`` is the
notification's sort key (``sortAt``), the very order the pages come in, so
stopping at the watermark never skips a page; a record backdated to before the
watermark is not seen, as Bluesky's own unread count (``sortAt > seenAt``)
ignores it too.

**Replies.** :meth:`BlueskyConnector.publish` creates an ``app.bsky.feed.post``
record whose ``reply.parent`` is the strong ref (URI + CID) of the post answered
and whose ``reply.root`` is that post's own ``reply.root`` when it is itself a
reply, else the post itself, as the lexicon requires. Bluesky notifies the author of the
post answered; everyone else the reply addresses (``Reply.to``: the people a grouped
thank-you thanks) is @mentioned at the start of the text, each with a mention facet (the
DID from ``com.atproto.identity.resolveHandle``, UTF-8 byte offsets), so that they are
notified too; mentions that would take the post past Bluesky's 300 characters are left
out. Every ``@handle`` and web link in the text (a user's own words, a useful link the
composer suggested) gets its facet too: without one, Bluesky shows a link as plain text
and a mention notifies nobody. The record key is a TID
derived from ``reply.idempotency_key``, so a retried send writes the same
record: :meth:`~BlueskyConnector.published` finds a first attempt that got through
with ``com.atproto.repo.getRecord`` before posting, and if a racing attempt takes
the key in between, the PDS refuses the second record (the reference PDS answers
500) and the first one's URI is returned.

**Rate limits and errors.** A 429 waits as long as ``RateLimit-Reset`` (or
``Retry-After``) says, measured against the response's ``Date`` (the server's
clock), up to ``max_wait`` seconds and ``max_retries`` times,
then raises :class:`~cyberkind.errors.SourceError`. A 401 on a call re-logs in
once with the app password; a refused password raises
:class:`~cyberkind.errors.AuthError` saying how to make a new app password.

**Usage**::

    from cyberkind.connectors.bluesky import BlueskyConnector
    from cyberkind.credentials import default_credentials
    from cyberkind.models import Account

    account = Account("me", "bluesky", "https://bsky.social", handle="ana.bsky.social")
    with BlueskyConnector(account, credentials=default_credentials()) as conn:
        for batch in conn.fetch(cursor=None):
            print(len(batch.items), batch.cursor)

The connector's state that outlives a sync (sessions, the cursor, record keys) lives in
:mod:`~cyberkind.connectors._bluesky_state`, and the records' shapes (facets, mentions,
the SDK calls) in :mod:`~cyberkind.connectors._bluesky_records`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, Unpack

from ..credentials import Secret
from ..errors import AuthError, ConfigError, SourceError
from ..hookspecs import hookimpl
from ..models import Account, Author, Batch, Item, ItemKind, Reply
from ._bluesky_records import (
    _GET_POSTS_LIMIT,
    _KINDS,
    LINK_FACET,
    MAX_POST_CHARS,
    MENTION_FACET,
    POST_COLLECTION,
    _author_feed,
    _caller_request,
    _created,
    _describe,
    _get_posts,
    _header,
    _list_notifications,
    _plain,
    _quoted,
    _server_time,
    _session_did,
    _title,
    _web_url,
    facets,
    with_mentions,
)
from ._bluesky_state import (
    KeyringSessions,
    MemorySessions,
    NotificationCursor,
    SessionCache,
    parse_time,
    tid_from_key,
)
from .base import Connector, ConnectorOptions, LiveConnector
from .http import rate_limit_wait

if TYPE_CHECKING:
    from atproto import Client


__all__ = [
    "DEFAULT_SERVICE",
    "LINK_FACET",
    "MAX_POST_CHARS",
    "MENTION_FACET",
    "POST_COLLECTION",
    "BlueskyConnector",
    "KeyringSessions",
    "MemorySessions",
    "NotificationCursor",
    "SessionCache",
    "register_connectors",
    "tid_from_key",
]

DEFAULT_SERVICE = "https://bsky.social"

T = TypeVar("T")


# -- the connector ---------------------------------------------------------------------------


class BlueskyConnector(LiveConnector):
    """Read a Bluesky account's notifications and post replies, through ``atproto``.

    ``client`` (optional): an ``httpx.Client`` the SDK sends every request with;
    by default the SDK makes its own. ``sessions``: where the session string is
    kept (default :class:`KeyringSessions`). ``page_size``: notifications per
    ``listNotifications`` page (at most 100). ``sleep``, ``max_retries`` and
    ``max_wait`` bound the waits on 429.
    """

    name: ClassVar[str] = "bluesky"
    default_max_wait: ClassVar[float] = 300.0
    secret_keys: ClassVar[tuple[str, ...]] = ("app_password",)
    moderation_hint: ClassVar[str] = (
        "On Bluesky, the post's ⋯ menu has Mute thread, Report post and Block account; the "
        "profile's ⋯ menu has Mute account and Report account."
    )

    def __init__(
        self,
        account: Account,
        *,
        sessions: SessionCache | None = None,
        page_size: int = 100,
        **options: Unpack[ConnectorOptions],
    ) -> None:
        options.setdefault("batch_size", 100)
        super().__init__(account, **options)
        if not account.handle:
            raise ConfigError(
                f"the Bluesky account {account.name!r} has no handle. You can fix this by "
                "adding the account again with its handle (e.g. ana.bsky.social)."
            )
        if not 1 <= page_size <= 100:
            raise ConfigError(f"page_size must be between 1 and 100, got {page_size}.")
        self.handle = account.handle.lstrip("@")
        self.service = (account.url or DEFAULT_SERVICE).rstrip("/")
        self.sessions: SessionCache = sessions if sessions is not None else KeyringSessions()
        self.page_size = page_size
        self._client: Client | None = None
        self._did: str | None = None

    # -- session ----------------------------------------------------------------------------

    @property
    def did(self) -> str:
        """The logged-in account's DID (logs in if needed)."""
        self._session_client()
        assert self._did is not None
        return self._did

    def _new_client(self) -> Client:
        try:
            from atproto import Client
        except ImportError:
            raise ConfigError(
                "the Bluesky connector needs the atproto package. You can fix this by running "
                "pip install 'cyberkind[bluesky]'."
            ) from None
        if self.client is None:
            sdk = Client(base_url=self.service)
        else:
            sdk = Client(base_url=self.service, request=_caller_request(self.client))

        def save(event: object, session: object) -> None:
            # Every new or refreshed token: keep the session string for the next sync.
            self.sessions.set(self.account.name, Secret(sdk.export_session_string()))

        sdk.on_session_change(save)
        return sdk

    def _session_client(self) -> Client:
        """A logged-in SDK client: the saved session if it still works, else a new login."""
        if self._client is not None:
            return self._client
        from atproto import exceptions

        saved = self.sessions.get(self.account.name)
        if saved is not None:
            sdk = self._new_client()
            try:
                sdk.login(session_string=saved.reveal(), fetch_bsky_profile=False)
                info = self._with_backoff(sdk.com.atproto.server.get_session)
            except (
                exceptions.UnauthorizedError,
                exceptions.BadRequestError,
                exceptions.LoginRequiredError,
                ValueError,
            ):
                # Expired or revoked (or unreadable): forget it and log in again.
                self.sessions.delete(self.account.name)
            else:
                self._client, self._did = sdk, str(info.did)
                return sdk
        return self._login()

    def _login(self) -> Client:
        from atproto import exceptions

        password = self.secret("app_password")
        sdk = self._new_client()
        try:
            self._with_backoff(
                lambda: sdk.login(self.handle, password.reveal(), fetch_bsky_profile=False)
            )
        except (exceptions.UnauthorizedError, exceptions.BadRequestError) as exc:
            raise AuthError(
                f"{self.service} refused the app password of the Bluesky account "
                f"{self.account.name!r} ({self.handle}): {_describe(exc)}. You can fix this by "
                "creating a new app password (Bluesky: Settings > Privacy and security > App "
                f"passwords) and running `cyberkind accounts add bluesky {self.account.name}` "
                "again, or by checking the account's handle and PDS URL.",
                url=self.service,
            ) from None
        self._client, self._did = sdk, _session_did(sdk)
        return sdk

    def _call(self, fn: Callable[[Client], T], *, not_found_ok: bool = False) -> T:
        """Run ``fn`` with a logged-in client: back off on 429; on 401 log in again, once.

        A 400 becomes a :class:`SourceError`, unless ``not_found_ok`` lets the caller
        handle it (``getRecord`` answers 400 ``RecordNotFound``).
        """
        from atproto import exceptions

        try:
            sdk = self._session_client()
            try:
                return self._with_backoff(lambda: fn(sdk))
            except (exceptions.UnauthorizedError, exceptions.LoginRequiredError):
                self.sessions.delete(self.account.name)
                self._client = None
            sdk = self._login()
            return self._with_backoff(lambda: fn(sdk))
        except exceptions.BadRequestError as exc:
            if not_found_ok:
                raise
            raise SourceError(
                f"{self.service} refused a request: {_describe(exc)}. You can fix this by "
                "checking the account's PDS URL and handle (`cyberkind accounts list`).",
                url=self.service,
            ) from None
        except (exceptions.UnauthorizedError, exceptions.LoginRequiredError) as exc:
            raise AuthError(
                f"{self.service} refused the Bluesky account {self.account.name!r} even after a "
                f"fresh login: {_describe(exc)}. You can fix this by checking that the app "
                "password may do this (a new app password, or one with the needed access), "
                f"then running `cyberkind accounts add bluesky {self.account.name}` again.",
                url=self.service,
            ) from None

    def _with_backoff(self, fn: Callable[[], T]) -> T:
        from atproto import exceptions

        attempt = 0
        while True:
            try:
                return fn()
            except exceptions.RateLimitExceededError as exc:
                headers = exc.response.headers if exc.response is not None else {}
                attempt += 1
                # Measure the reset against the server's own clock (its Date header), so a
                # skewed local clock neither hammers the server nor sleeps for nothing.
                wanted = rate_limit_wait(headers, _server_time(headers))
                wait = float(2 ** (attempt - 1)) if wanted is None else wanted
                if attempt > self.max_retries or wait > self.max_wait:
                    reset = _header(headers, "RateLimit-Reset")
                    hint = f" (RateLimit-Reset: {reset})" if reset else ""
                    raise SourceError(
                        f"{self.service} kept answering 429 Too Many Requests{hint}; nothing "
                        "more was stored. You can fix this by running `cyberkind sync` again "
                        "after the reset.",
                        url=self.service,
                    ) from None
                self.sleep(wait)
            except exceptions.NetworkError as exc:
                if exc.response is None:
                    raise self._unreachable(exc) from None
                raise self._server_error(exc) from None
            except (exceptions.UnauthorizedError, exceptions.BadRequestError):
                raise
            except exceptions.RequestException as exc:
                raise self._server_error(exc) from None

    def _server_error(self, exc: Exception) -> SourceError:
        return SourceError(
            f"{self.service} answered {_describe(exc)}. You can fix this by running "
            "`cyberkind sync` again later.",
            url=self.service,
        )

    def _unreachable(self, exc: Exception) -> SourceError:
        return SourceError(
            f"cannot reach {self.service} ({exc.__cause__ or exc}). You can fix this by checking "
            "the account's PDS URL (`cyberkind accounts list`) and your connection.",
            url=self.service,
        )

    # -- fetching ---------------------------------------------------------------------------

    def fetch(self, cursor: str | None) -> Iterator[Batch]:
        """Notifications newer than the cursor's watermark, oldest first, in batches.

        The first batch also carries the user's own replies since the watermark (or
        since the oldest new notification), so what the user already answered on
        Bluesky is not an open opportunity.
        """
        start = NotificationCursor.loads(cursor)
        fresh = self._new_notifications(start)
        fresh.sort(key=lambda n: (parse_time(n["indexedAt"]), n["uri"]))
        since = [start.indexed_at] if start.indexed_at is not None else []
        since += [parse_time(note["indexedAt"]) for note in fresh[:1]]
        answers = self._own_replies(min(since)) if since else []
        if not fresh:
            if answers:
                yield Batch(tuple(answers), start.dumps())
            return
        progress = start
        for offset in range(0, len(fresh), self.batch_size):
            chunk = fresh[offset : offset + self.batch_size]
            items = (answers if offset == 0 else []) + self._own_posts(chunk)
            items += [item for n in chunk if (item := self.to_item(n)) is not None]
            for note in chunk:
                progress = progress.after(parse_time(note["indexedAt"]), note["uri"])
            yield Batch(tuple(items), progress.dumps())

    def _own_replies(self, since: datetime) -> list[Item]:
        """The user's replies indexed since ``since`` (``getAuthorFeed``, newest first)."""
        found: list[Item] = []
        page: str | None = None
        while True:
            params: dict[str, Any] = {
                "actor": self.did,
                "filter": "posts_with_replies",
                "limit": 100,
            }
            if page:
                params["cursor"] = page
            data = _plain(self._call(partial(_author_feed, params=params)))
            older = False
            for entry in data.get("feed", []):
                post = entry.get("post") or {}
                if entry.get("reason") or (post.get("author") or {}).get("did") != self._did:
                    continue  # a repost, or someone else's post
                if parse_time(post["indexedAt"]) < since:
                    older = True
                elif (post.get("record") or {}).get("reply"):
                    found.append(self.post_item(post, own=True))
            page = data.get("cursor")
            if older or not page or not data.get("feed"):
                return found

    def _new_notifications(self, start: NotificationCursor) -> list[dict[str, Any]]:
        """Page back from the newest notification to the watermark (newest-first pages)."""
        found: dict[str, dict[str, Any]] = {}
        page: str | None = None
        while True:
            params: dict[str, Any] = {"limit": self.page_size}
            if page:
                params["cursor"] = page
            data = _plain(self._call(partial(_list_notifications, params=params)))
            reached = False
            for note in data.get("notifications", []):
                if start.covers(parse_time(note["indexedAt"]), note["uri"]):
                    reached = True
                    continue
                found.setdefault(note["uri"], note)
            page = data.get("cursor")
            if reached or not page or not data.get("notifications"):
                return list(found.values())

    def _own_posts(self, notes: Sequence[Mapping[str, Any]]) -> list[Item]:
        """The user's posts these notifications point at, as the user's own items."""
        prefix = f"at://{self.did}/"
        wanted: list[str] = []
        for note in notes:
            record = note.get("record") or {}
            refs = (
                [note.get("reasonSubject")] if note["reason"] in ("like", "repost", "quote") else []
            )
            reply = record.get("reply") or {}
            refs += [(reply.get("parent") or {}).get("uri"), (reply.get("root") or {}).get("uri")]
            wanted += [u for u in refs if isinstance(u, str) and u.startswith(prefix)]
        items = []
        for post in self._get_posts(list(dict.fromkeys(wanted))):
            items.append(self.post_item(post, own=True))
        return items

    def _get_posts(self, uris: Sequence[str]) -> list[dict[str, Any]]:
        posts: list[dict[str, Any]] = []
        for offset in range(0, len(uris), _GET_POSTS_LIMIT):
            chunk = list(uris[offset : offset + _GET_POSTS_LIMIT])
            posts += _plain(self._call(partial(_get_posts, uris=chunk))).get("posts", [])
        return posts

    def _author(self, profile: Mapping[str, Any]) -> Author:
        handle = str(profile.get("handle") or profile.get("did") or "")
        return Author(
            handle=handle,
            name=str(profile.get("displayName") or ""),
            url=f"https://bsky.app/profile/{handle}",
        )

    def post_item(self, post: Mapping[str, Any], *, own: bool = False) -> Item:
        """An ``app.bsky.feed.defs#postView`` as an item (a post, or a reply in a thread)."""
        record = post.get("record") or {}
        reply = record.get("reply") or {}
        text = str(record.get("text") or "")
        parent = (reply.get("parent") or {}).get("uri")
        root = (reply.get("root") or {}).get("uri")
        return Item(
            source=self.source,
            remote_id=post["uri"],
            kind=ItemKind.REPLY if parent else ItemKind.POST,
            author=self._author(post.get("author") or {}),
            text=text,
            url=_web_url(post["uri"], (post.get("author") or {}).get("handle")),
            parent_remote_id=parent,
            thread_id=root,
            created_at=_created(record, post.get("indexedAt")),
            is_own=own,
            raw={"cid": post.get("cid"), "title": _title(text)},
        )

    def to_item(self, note: Mapping[str, Any]) -> Item | None:
        """One notification as an item, or ``None`` for a reason the inbox does not use."""
        kind = _KINDS.get(str(note.get("reason")))
        if kind is None:
            return None
        record = note.get("record") or {}
        author = note.get("author") or {}
        subject = note.get("reasonSubject")
        reply = record.get("reply") or {}
        parent: str | None = (reply.get("parent") or {}).get("uri")
        thread: str | None = (reply.get("root") or {}).get("uri")
        text = ""
        url = _web_url(note["uri"], author.get("handle"))
        if kind in (ItemKind.LIKE, ItemKind.BOOST):
            parent = thread = subject or (record.get("subject") or {}).get("uri")
            url = _web_url(parent, None) if parent else None
        elif kind is ItemKind.FOLLOW:
            parent = thread = None
            url = f"https://bsky.app/profile/{author.get('handle') or author.get('did')}"
        elif kind is ItemKind.QUOTE:
            text = str(record.get("text") or "")
            parent = thread = subject or _quoted(record)
        else:
            text = str(record.get("text") or "")
        return Item(
            source=self.source,
            remote_id=note["uri"],
            kind=kind,
            author=self._author(author),
            text=text,
            url=url,
            parent_remote_id=parent,
            thread_id=thread,
            created_at=_created(record, note.get("indexedAt")),
            is_own=author.get("did") == self._did,
            raw={
                "cid": note.get("cid"),
                "reason": note.get("reason"),
                "did": author.get("did"),
                "indexed_at": note.get("indexedAt"),
            },
        )

    # -- publishing -------------------------------------------------------------------------

    def publish(self, reply: Reply) -> str:
        """Post ``reply`` under the post ``reply.parent_remote_id`` (an ``at://`` URI).

        With an idempotency key the record key is derived from it: a retry finds
        the first attempt's post and returns its URI instead of posting twice.
        """
        if reply.idempotency_key:
            existing = self.published(reply)
            if existing is not None:
                return existing
        parent_ref, root_ref = self._reply_refs(reply.parent_remote_id)
        text, known = self._mentions(reply.text, reply.to)
        facets = self._facets(text, known)
        record: dict[str, Any] = {
            "$type": POST_COLLECTION,
            "text": text,
            "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "reply": {"root": root_ref, "parent": parent_ref},
        }
        if facets:
            record["facets"] = facets
        data: dict[str, Any] = {"repo": self.did, "collection": POST_COLLECTION, "record": record}
        if reply.idempotency_key:
            data["rkey"] = tid_from_key(reply.idempotency_key)
        try:
            created = self._call(lambda sdk: sdk.com.atproto.repo.create_record(data))
        except SourceError as exc:
            if reply.idempotency_key:
                # The record key is taken (the reference PDS answers 500 for that): a
                # previous attempt got through after all.
                existing = self.published(reply)
                if existing is not None:
                    return existing
            raise SourceError(
                f"could not post the reply to {reply.parent_remote_id}: {exc} If it persists, "
                "check that the post still exists.",
                url=self.service,
            ) from None
        return str(_plain(created)["uri"])

    def _mentions(self, text: str, handles: Sequence[str]) -> tuple[str, dict[str, str]]:
        """``text`` with ``@handle `` before it for each handle, and the DIDs (with_mentions)."""
        return with_mentions(text, handles, self.handle, self._resolve)

    def _facets(self, text: str, known: Mapping[str, str]) -> list[dict[str, Any]]:
        """The rich-text facets of ``text``: its mentions and links (facets)."""
        return facets(text, known, self._resolve)

    def _resolve(self, handle: str) -> str | None:
        """The DID of ``handle``, or ``None`` when the network does not know it (400)."""
        from atproto import exceptions

        try:
            answer = self._call(
                lambda sdk: sdk.com.atproto.identity.resolve_handle({"handle": handle}),
                not_found_ok=True,
            )
        except exceptions.BadRequestError:
            return None
        did = _plain(answer).get("did")
        return str(did) if did else None

    def published(self, reply: Reply) -> str | None:
        """The URI of the post a previous attempt with this idempotency key created, or ``None``."""
        from atproto import exceptions

        if not reply.idempotency_key:
            return None
        params = {
            "repo": self.did,
            "collection": POST_COLLECTION,
            "rkey": tid_from_key(reply.idempotency_key),
        }
        try:
            found = self._call(
                lambda sdk: sdk.com.atproto.repo.get_record(params), not_found_ok=True
            )
        except exceptions.BadRequestError:
            return None  # RecordNotFound
        return str(_plain(found)["uri"])

    def _reply_refs(self, parent_uri: str) -> tuple[dict[str, str], dict[str, str]]:
        """The ``(parent, root)`` strong refs for a reply to the post ``parent_uri``."""
        posts = self._get_posts([parent_uri])
        if not posts:
            raise SourceError(
                f"the post {parent_uri} no longer exists (or is hidden from this account). You "
                "can fix this by dismissing the opportunity (`cyberkind dismiss ID`).",
                url=self.service,
            )
        post = posts[0]
        parent = {"uri": str(post["uri"]), "cid": str(post["cid"])}
        root = ((post.get("record") or {}).get("reply") or {}).get("root")
        if root and root.get("uri") and root.get("cid"):
            return parent, {"uri": str(root["uri"]), "cid": str(root["cid"])}
        return parent, parent

    def close(self) -> None:
        """Forget the SDK client; a caller's ``httpx.Client`` stays open (the caller owns it)."""
        if self._client is not None and self.client is None:
            self._client.request.close()
        self._client = None


@hookimpl
def register_connectors() -> list[type[Connector]]:
    """The built-in Bluesky connector."""
    return [BlueskyConnector]
