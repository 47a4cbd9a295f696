"""Mastodon: the account's notifications and own replies, and replies posted with consent.

Built on `Mastodon.py <https://mastodonpy.readthedocs.io>`_ (``pip install
'cyberkind[mastodon]'``). The account (``cyberkind accounts add mastodon NAME --url
https://social.example``) needs one secret, ``access_token``: an application token
from the server's *Preferences > Development* page with the scopes ``read`` and
``write:statuses``.

What becomes an :class:`~cyberkind.models.Item` (source ``mastodon:NAME``):

============== ===================================================================
notification   item
============== ===================================================================
``mention``    the status: a ``reply`` when it answers one of the user's statuses,
               else a ``mention`` (remote id: the status id)
``status``     the status, a ``post`` of someone the user follows closely
``quote``      the quoting status, a ``quote`` whose parent is the quoted status
``update``     the edited status again (same remote id, so it is updated in place)
``reblog``     a ``boost`` (remote id ``notification:ID``) of the user's status
``favourite``  a ``like`` of the user's status
``follow``     a ``follow``
============== ===================================================================

The user's own statuses (``GET /api/v1/accounts/:id/statuses``) are stored too,
``is_own``: a reply of theirs marks the status it answers as answered, so a
mention the user already replied to is not an open opportunity, and the statuses
that were boosted or favourited give the grouped thank-yous their title.

Paging follows the ``Link`` headers oldest first (``min_id``), one page per
:class:`~cyberkind.models.Batch`; the cursor (JSON: the newest notification and
own-status id stored) moves only with a stored batch, so a killed sync resumes and
never duplicates. Rate limits: a 429 is retried after the wait its headers ask
for (``Retry-After``, ``X-RateLimit-Reset``; :func:`~cyberkind.connectors.http.rate_limit_wait`),
at most ``max_retries`` times and never longer than ``max_wait`` seconds, and a
page whose response says the quota is spent pauses before the next request. A
dropped connection or a timeout is retried the same way; nothing from a failed
page is stored. A 401 or 403 raises :class:`~cyberkind.errors.AuthError` that
says how to set a new token.

Replies (:meth:`MastodonConnector.publish`) go out with ``in_reply_to_id``, the
visibility of the status they answer (never wider), an ``@mention`` of each
person addressed, and Mastodon's ``Idempotency-Key`` header set to the reply's
key: the server answers a retried post with the status it already created, so a
retry after a timeout never posts twice. A private reply (a crisis message) is a
``direct`` status.

**Usage**::

    from cyberkind.connectors.mastodon import MastodonConnector
    from cyberkind.credentials import default_credentials
    from cyberkind.models import Account

    account = Account("social", "mastodon", "https://social.example", handle="ana")
    with MastodonConnector(account, credentials=default_credentials()) as conn:
        for batch in conn.fetch(cursor=None):
            print(len(batch.items), batch.cursor)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Unpack
from urllib.parse import urlsplit

from ..errors import AuthError, ConfigError, SourceError
from ..hookspecs import hookimpl
from ..models import Account, Author, Batch, Item, ItemKind, Reply
from .base import Connector, ConnectorOptions, LiveConnector
from .http import budget_error, budget_session, current_budget, rate_limit_wait
from .wxr import plain_text

if TYPE_CHECKING:
    pass

__all__ = ["MastodonConnector", "MastodonCursor", "register_connectors"]

USER_AGENT = "cyberkind-mastodon/0.1 (+https://github.com/cyberkind)"
PAGE_SIZE = 40
"""Mastodon's largest page of notifications and statuses."""

_STATUS_KINDS = frozenset({"mention", "status", "update", "quote"})
_EVENT_KINDS = {"reblog": ItemKind.BOOST, "favourite": ItemKind.LIKE, "follow": ItemKind.FOLLOW}


class MastodonCursor:
    """Where a Mastodon account's sync stands: the newest notification and own status stored."""

    __slots__ = ("notifications", "statuses")

    def __init__(self, notifications: str | None = None, statuses: str | None = None) -> None:
        self.notifications = notifications
        self.statuses = statuses

    def dumps(self) -> str:
        return json.dumps(
            {"notifications": self.notifications, "statuses": self.statuses}, sort_keys=True
        )

    @classmethod
    def loads(cls, text: str | None) -> MastodonCursor:
        if not text:
            return cls()
        try:
            data = json.loads(text)
            return cls(data.get("notifications") or None, data.get("statuses") or None)
        except (ValueError, AttributeError, TypeError):
            return cls()  # not ours: fetch again from the start (upserts keep that harmless)

    def advanced(self, field: str, ids: Iterable[str]) -> MastodonCursor:
        """A copy whose ``field`` is the highest of its value and ``ids`` (numeric order)."""
        values = [v for v in (getattr(self, field), *ids) if v]
        newest = max(values, key=_id_order) if values else None
        other = "statuses" if field == "notifications" else "notifications"
        return MastodonCursor(**{field: newest, other: getattr(self, other)})


def _id_order(value: str) -> tuple[int, str]:
    # Mastodon ids are numeric strings (snowflakes); compare them as numbers.
    return (len(value), value) if value.isdigit() else (0, value)


class MastodonConnector(LiveConnector):
    """The notifications and own statuses of one Mastodon account, through Mastodon.py.

    ``client`` (an ``httpx.Client``) is not used: Mastodon.py speaks HTTP through
    ``requests``, by default on a :func:`~cyberkind.connectors.http.budget_session`, so
    the sync's deadline holds within each request too; ``session`` may pass another
    ``requests.Session``. ``timeout`` bounds each read; ``max_retries``, ``max_wait``
    and ``sleep`` bound the waits on 429, 5xx and dropped connections.
    """

    name: ClassVar[str] = "mastodon"
    default_max_wait: ClassVar[float] = 300.0
    secret_keys: ClassVar[tuple[str, ...]] = ("access_token",)
    private_replies: ClassVar[bool] = True
    moderation_hint: ClassVar[str] = (
        "On Mastodon, the post's ⋯ menu has Mute, Block and Report; so does the profile's."
    )

    def __init__(
        self,
        account: Account,
        *,
        timeout: float = 20.0,
        session: Any = None,
        **options: Unpack[ConnectorOptions],
    ) -> None:
        options["batch_size"] = min(options.get("batch_size", PAGE_SIZE), PAGE_SIZE)
        super().__init__(account, **options)
        parts = urlsplit(account.url if "://" in account.url else f"https://{account.url}")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                f"the Mastodon account {account.name!r} has the URL {account.url!r}, which is "
                "not a server address. You can fix this by running `cyberkind accounts add "
                f"mastodon {account.name} --url https://your.server`."
            )
        self.base_url = f"{parts.scheme}://{parts.netloc}"
        self.host = parts.netloc
        self.timeout = timeout
        self._session = session
        self._api: Any = None
        self._me: Any = None
        self._last_headers: Mapping[str, str] = {}

    # -- the Mastodon.py client ------------------------------------------------------------

    @property
    def api(self) -> Any:
        """The logged-in ``mastodon.Mastodon`` client (created on first use)."""
        if self._api is None:
            try:
                from mastodon import Mastodon
            except ImportError:
                raise ConfigError(
                    "the Mastodon connector needs Mastodon.py. You can fix this by running "
                    "pip install 'cyberkind[mastodon]'."
                ) from None
            # Its requests keep to the sync's deadline, even while a server trickles a body.
            session = self._session or budget_session()
            session.hooks["response"].append(self._remember_headers)
            self._session = session
            self._api = Mastodon(
                access_token=self.secret("access_token").reveal(),
                api_base_url=self.base_url,
                ratelimit_method="throw",  # we wait ourselves, bounded (see _call)
                request_timeout=self.timeout,
                session=session,
                user_agent=USER_AGENT,
                version_check_mode="none",
            )
        return self._api

    def _remember_headers(self, response: Any, *args: Any, **kwargs: Any) -> None:
        self._last_headers = dict(response.headers)

    def _call(self, what: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call Mastodon.py, retrying 429, 5xx and dropped connections within bounds."""
        from mastodon import errors as merr

        attempt = 0
        while True:
            self._last_headers = {}
            try:
                result = method(*args, **kwargs)
            except merr.MastodonUnauthorizedError as exc:
                raise self._auth_error(exc) from None
            except merr.MastodonRatelimitError:
                failure = SourceError(
                    f"{self.base_url} kept answering 429 Too Many Requests while {what} "
                    f"(retried {attempt} times); nothing more was stored. You can fix this by "
                    "running `cyberkind sync` again later.",
                    url=self.base_url,
                )
            except merr.MastodonAPIError as exc:
                status = _status_of(exc)
                if status == 403:
                    raise self._auth_error(exc) from None
                if status == 404:
                    raise SourceError(
                        f"{self.base_url} answered 404 Not Found while {what}: it was deleted, "
                        "or the account's URL is not the server's. You can fix this by checking "
                        "the URL with `cyberkind accounts list`, or dismissing the opportunity.",
                        url=self.base_url,
                    ) from None
                if isinstance(exc, merr.MastodonServerError):
                    failure = SourceError(
                        f"{self.base_url} answered {status or 'a server error'} while {what}, "
                        f"{self.max_retries + 1} times; nothing more was stored. You can fix "
                        "this by running `cyberkind sync` again later.",
                        url=self.base_url,
                    )
                else:
                    raise SourceError(
                        f"{self.base_url} refused the request while {what} ({_reason(exc)}). "
                        "You can fix this by checking the account's URL with `cyberkind "
                        "accounts list`.",
                        url=self.base_url,
                    ) from None
            except merr.MastodonNetworkError as exc:
                over = budget_error(exc)  # the sync's deadline, wrapped by Mastodon.py
                if over is not None:
                    raise over from None
                failure = SourceError(
                    f"cannot reach {self.base_url} while {what} ({_first_line(exc)}); nothing "
                    "more was stored. You can fix this by checking the account's URL and your "
                    "connection, then running `cyberkind sync` again.",
                    url=self.base_url,
                )
            except merr.MastodonError as exc:
                raise SourceError(
                    f"Mastodon.py could not complete a request to {self.base_url} while {what} "
                    f"({_first_line(exc)}). You can fix this by checking the account's URL with "
                    "`cyberkind accounts list`.",
                    url=self.base_url,
                ) from None
            else:
                self._pace()
                return result
            attempt += 1
            wait = rate_limit_wait(self._last_headers)
            if wait is None:
                wait = float(2 ** (attempt - 1))
            if attempt > self.max_retries or wait > self.max_wait:
                raise failure
            budget = current_budget()
            if budget is not None and wait >= budget.left():
                raise budget.expired()  # waiting would only run past the source's deadline
            self.sleep(wait)

    def _pace(self) -> None:
        """After a good response that says the quota is spent, wait for its reset."""
        wait = rate_limit_wait(self._last_headers)
        if wait:
            self.sleep(min(wait, self.max_wait))

    def _auth_error(self, exc: Exception) -> AuthError:
        from ..credentials import env_var

        return AuthError(
            f"{self.base_url} refused the access token of the Mastodon account "
            f"{self.account.name!r} ({_reason(exc)}). You can fix this by creating a new token "
            "(Preferences > Development, scopes read and write:statuses) and running "
            f"`cyberkind accounts add mastodon {self.account.name} --url {self.base_url}`, or "
            f"setting {env_var(self.account.name, 'access_token')}.",
            url=self.base_url,
        )

    @property
    def me(self) -> Any:
        """The account's own profile (``verify_credentials``), fetched once."""
        if self._me is None:
            self._me = self._call("checking the access token", self.api.account_verify_credentials)
        return self._me

    # -- mapping ---------------------------------------------------------------------------

    def _author(self, account: Any) -> Author:
        acct = str(_get(account, "acct") or _get(account, "username") or "")
        handle = acct if "@" in acct else f"{acct}@{self.host}"
        name = str(_get(account, "display_name") or _get(account, "username") or handle)
        url = _get(account, "url")
        return Author(f"@{handle}", name, str(url) if url else None)

    def _is_me(self, account: Any) -> bool:
        return str(_get(account, "id")) == str(_get(self.me, "id"))

    def status_item(self, status: Any) -> Item:
        """A status as an item: own, a reply to the user, a mention, a quote, or a post."""
        status_id = str(_get(status, "id"))
        author = _get(status, "account")
        own = self._is_me(author)
        parent = _get(status, "in_reply_to_id")
        quoted = _quoted_id(status)
        me_id = str(_get(self.me, "id"))
        mentioned = any(str(_get(m, "id")) == me_id for m in _get(status, "mentions") or [])
        if own:
            kind = ItemKind.REPLY if parent else ItemKind.POST
        elif parent is not None and str(_get(status, "in_reply_to_account_id")) == me_id:
            kind = ItemKind.REPLY
        elif quoted is not None and not parent:
            kind = ItemKind.QUOTE
        elif mentioned:
            kind = ItemKind.MENTION
        else:
            kind = ItemKind.POST
        parent_id = str(parent) if parent else (quoted if kind is ItemKind.QUOTE else None)
        text = plain_text(str(_get(status, "content") or ""))
        raw: dict[str, Any] = {"visibility": str(_get(status, "visibility") or "public")}
        if own:
            raw["title"] = _snippet(text)
        return Item(
            source=self.source,
            remote_id=status_id,
            kind=kind,
            author=self._author(author),
            text=text,
            url=_str_or_none(_get(status, "url") or _get(status, "uri")),
            parent_remote_id=parent_id,
            thread_id=parent_id,
            created_at=_when(_get(status, "created_at")),
            is_own=own,
            raw=raw,
        )

    def notification_items(self, notification: Any) -> list[Item]:
        """The items one notification gives (none for types the inbox does not use)."""
        kind = str(_get(notification, "type"))
        status = _get(notification, "status")
        if kind in _STATUS_KINDS and status is not None:
            return [self.status_item(status)]
        if kind not in _EVENT_KINDS:
            return []  # follow_request, poll, admin.*, severed_relationships...
        event_kind = _EVENT_KINDS[kind]
        target = str(_get(status, "id")) if status is not None else None
        items = []
        if status is not None:
            items.append(self.status_item(status))  # the user's own status that was boosted
        items.append(
            Item(
                source=self.source,
                remote_id=f"notification:{_get(notification, 'id')}",
                kind=event_kind,
                author=self._author(_get(notification, "account")),
                url=_str_or_none(_get(status, "url")) if status is not None else None,
                parent_remote_id=target,
                thread_id=target,
                created_at=_when(_get(notification, "created_at")),
                raw={"notification": kind},
            )
        )
        return items

    # -- fetch -----------------------------------------------------------------------------

    def fetch(self, cursor: str | None) -> Iterator[Batch]:
        """The user's own statuses, then notifications, oldest first, one page per batch."""
        state = MastodonCursor.loads(cursor)
        me_id = _get(self.me, "id")
        page = self._call(
            "fetching your statuses",
            self.api.account_statuses,
            me_id,
            min_id=state.statuses or "0",
            limit=self.batch_size,
        )
        while page:
            ordered = sorted(page, key=lambda s: _id_order(str(_get(s, "id"))))
            items = [self.status_item(s) for s in ordered if _get(s, "reblog") is None]
            state = state.advanced("statuses", (str(_get(s, "id")) for s in ordered))
            yield Batch(tuple(items), state.dumps())
            page = self._call("fetching your statuses", self.api.fetch_previous, page)
        page = self._call(
            "fetching notifications",
            self.api.notifications,
            min_id=state.notifications or "0",
            limit=self.batch_size,
        )
        while page:
            ordered = sorted(page, key=lambda n: _id_order(str(_get(n, "id"))))
            items = [item for n in ordered for item in self.notification_items(n)]
            state = state.advanced("notifications", (str(_get(n, "id")) for n in ordered))
            yield Batch(tuple(items), state.dumps())
            page = self._call("fetching notifications", self.api.fetch_previous, page)

    # -- publish ---------------------------------------------------------------------------

    def publish(self, reply: Reply) -> str:
        """Post ``reply`` as a status answering ``reply.parent_remote_id``; return its id.

        The visibility is the parent's (never wider; ``direct`` for a private reply);
        each handle in ``reply.to`` (and the parent's author, unless it is the user) is
        @mentioned at the start unless the text already mentions it.
        """
        parent = self._call("reading the status to answer", self.api.status, reply.parent_remote_id)
        visibility = "direct" if reply.private else str(_get(parent, "visibility") or "public")
        handles = list(reply.to)
        author = _get(parent, "account")
        if not self._is_me(author):
            handles.insert(0, self._author(author).handle)
        text = _with_mentions(reply.text, handles, self.host)
        posted = self._call(
            "posting the reply",
            self.api.status_post,
            text,
            in_reply_to_id=reply.parent_remote_id,
            visibility=visibility,
            idempotency_key=reply.idempotency_key,
        )
        return str(_get(posted, "id"))

    def published(self, reply: Reply) -> str | None:
        """Mastodon deduplicates posts by ``Idempotency-Key`` itself, so a retry is safe."""
        return None

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


def _with_mentions(text: str, handles: Iterable[str], host: str) -> str:
    """``@ana @ben@other.host text``: each handle not yet mentioned in ``text``, in order.

    Accounts on the user's own server (``host``) are mentioned by their bare name.
    """
    lowered = text.lower()
    prefix: list[str] = []
    for handle in dict.fromkeys(h.strip() for h in handles if h.strip()):
        full = handle if handle.startswith("@") else f"@{handle}"
        short = full.removesuffix(f"@{host}")
        if not full.split("@")[1] or full.lower() in lowered:
            continue
        if short != full and re.search(rf"{re.escape(short.lower())}(?![\w@.])", lowered):
            continue
        prefix.append(short)  # a local account is mentioned by its bare name
    return " ".join([*prefix, text]) if prefix else text


def _get(obj: Any, key: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(key)
    return getattr(obj, key, None)


def _quoted_id(status: Any) -> str | None:
    quote = _get(status, "quote")
    quoted = _get(quote, "quoted_status") if quote is not None else None
    if quoted is None and quote is not None and _get(quote, "id") is not None:
        quoted = quote  # older servers put the quoted status itself under "quote"
    if quoted is None:
        return None
    return str(_get(quoted, "id"))


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _str_or_none(value: Any) -> str | None:
    return str(value) if value else None


def _snippet(text: str, size: int = 60) -> str:
    words = " ".join(text.split())
    return words if len(words) <= size else words[: size - 1].rstrip() + "\u2026"


def _status_of(exc: Exception) -> int | None:
    for arg in exc.args:
        if isinstance(arg, int):
            return arg
    return None


def _reason(exc: Exception) -> str:
    parts = [str(a) for a in exc.args[1:] if a] if len(exc.args) > 1 else [str(exc)]
    return " ".join(parts) or type(exc).__name__


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


@hookimpl
def register_connectors() -> list[type[Connector]]:
    """The Mastodon account connector."""
    return [MastodonConnector]
