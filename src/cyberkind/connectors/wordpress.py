"""A WordPress site, live, through its REST API: comments, replies, pingbacks; posting replies.

The account (:class:`~cyberkind.models.Account`, platform ``"wordpress"``) holds
the site URL and the user's WordPress login; the secret is an **Application
Password** (WordPress 5.6+, *Users > Profile > Application Passwords*), sent with
HTTP Basic auth through the caller's ``httpx.Client`` and read only from
:mod:`cyberkind.credentials` (``secret_keys = ("app_password",)``).

What :meth:`WordPressConnector.fetch` reads, oldest first:

- ``/wp/v2/users/me?context=edit``: who the user is (id, email), once per run;
- ``/wp/v2/comments?context=edit&type=all&status=all&orderby=date_gmt&order=asc``:
  every comment, reply, pingback and trackback, approved or awaiting moderation
  (spam and trash are never listed), ``per_page`` at a time, paged with
  ``X-WP-TotalPages``;
- ``/wp/v2/posts`` then ``/wp/v2/pages`` (``include=`` the ids those comments are
  on, ``_embed=author``): the posts themselves, so threads have a root.

Items have exactly the shapes :mod:`cyberkind.connectors.wxr` gives an export of
the same site (``post:<id>``, ``comment:<id>``, ``reply`` when ``parent`` names a
comment, author handles ``user:<id>`` or an email digest, the same ``raw``
keys), so the inbox treats a live sync and an import alike. A comment is the
user's own when its author is the account's user (``/users/me``), its email is
theirs, its email or URL is in ``identity``, or it is a pingback from the site
itself. A post is the user's when they wrote it.

**Cursor**: JSON ``{"date_gmt", "id"}`` of the last comment stored. Comments
come ordered by ``(date_gmt, id)``; a run asks for those ``after`` the cursor's
time less two hours (WordPress compares ``after`` with the local
``comment_date``, which a daylight-saving change can shift by an hour) and
skips every comment at or before the cursor. Each page is one batch whose
cursor is its last comment, so a sync killed after any batch resumes after it
and never stores a comment twice. A comment added later with an older date
(an import into WordPress) is not seen; ``cyberkind import`` of a fresh
export catches those up.

**Replies**: :meth:`~WordPressConnector.publish` POSTs ``/wp/v2/comments`` with
``post``, ``parent`` and ``content``. WordPress itself refuses a second comment
by the same user with the same parent and content (``409 comment_duplicate``);
:meth:`~WordPressConnector.published` finds that earlier comment (the user's
comments with that post and parent whose text matches), so a retried send
returns the first reply's id instead of posting twice. A comment readers cannot
see (awaiting moderation, spam, trash) is not answered: WordPress would publish
the reply under a hidden parent, so :meth:`~WordPressConnector.publish` raises
:class:`~cyberkind.errors.ConfigError` asking to approve the comment first.

**Errors**: 401/403 become :class:`~cyberkind.errors.AuthError` naming the fix
(an Application Password; HTTPS or ``WP_ENVIRONMENT_TYPE`` ``local`` for plain
HTTP); a site whose ``/wp-json/`` and ``?rest_route=`` both answer 404 a
:class:`~cyberkind.errors.SourceError` saying the REST API is off; 429 and 5xx
wait as :func:`~cyberkind.connectors.http.send` says (``Retry-After``); a
connection dropped mid-page fails that page before anything of it is stored.

**Usage**::

    import httpx
    from cyberkind.connectors.wordpress import WordPressConnector
    from cyberkind.credentials import default_credentials
    from cyberkind.models import Account

    account = Account("kindcorner", "wordpress", "https://kind.example", handle="ana")
    with httpx.Client(timeout=20) as client:
        conn = WordPressConnector(account, credentials=default_credentials(), client=client)
        for batch in conn.fetch(cursor=None):
            print(len(batch.items), batch.cursor)
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Unpack
from urllib.parse import urlsplit

from ..errors import AuthError, ConfigError, SourceError
from ..hookspecs import hookimpl
from ..models import Account, Author, Batch, Item, ItemKind, Reply
from .base import Connector, ConnectorOptions, LiveConnector
from .http import send
from .wxr import _COMMENT_KINDS, _commenter_handle, plain_text

if TYPE_CHECKING:
    import httpx


__all__ = ["CommentCursor", "WordPressConnector", "register_connectors"]

MAX_PER_PAGE = 100
"""WordPress's largest ``per_page``."""

_AFTER_MARGIN = timedelta(hours=2)
_APP_PASSWORD_FIX = (
    "You can fix this by creating an Application Password in WordPress (Users > Profile > "
    "Application Passwords) and storing it with `cyberkind accounts add wordpress {name} ...` "
    "or in the environment variable {env}. WordPress accepts Application Passwords only over "
    "HTTPS, or over plain HTTP on a site that sets define('WP_ENVIRONMENT_TYPE', 'local') in "
    "wp-config.php."
)


@dataclass(frozen=True, slots=True)
class CommentCursor:
    """The last comment stored: its ``date_gmt`` (``YYYY-MM-DDTHH:MM:SS``) and id."""

    date_gmt: str
    id: int

    def dumps(self) -> str:
        return json.dumps({"date_gmt": self.date_gmt, "id": self.id}, sort_keys=True)

    @classmethod
    def loads(cls, text: str | None) -> CommentCursor | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            cursor = cls(str(data["date_gmt"]), int(data["id"]))
            _gmt(cursor.date_gmt)
        except (ValueError, KeyError, TypeError):
            return None  # not ours: read everything again (upserts keep that harmless)
        return cursor

    def key(self) -> tuple[str, int]:
        return (self.date_gmt, self.id)


def _gmt(value: str) -> datetime:
    """WordPress's ``date_gmt`` (no zone, UTC) as an aware datetime."""
    return datetime.fromisoformat(value[:19]).replace(tzinfo=UTC)


def _normal(text: str) -> str:
    """Text as WordPress may hand it back: tags and entities gone, blanks squeezed."""
    return " ".join(plain_text(text).split())


class WordPressConnector(LiveConnector):
    """One WordPress site through its REST API, as the account's user.

    ``batch_size`` is the page size (at most 100, WordPress's limit).
    ``max_retries``, ``max_wait`` and ``sleep`` bound the waits on 429 and 5xx.
    Without a ``client`` the connector opens (and closes) its own.
    """

    name: ClassVar[str] = "wordpress"
    secret_keys: ClassVar[tuple[str, ...]] = ("app_password",)
    moderation_actions: ClassVar[tuple[str, ...]] = ("hold", "spam", "trash")

    def __init__(self, account: Account, **options: Unpack[ConnectorOptions]) -> None:
        options.setdefault("batch_size", MAX_PER_PAGE)
        super().__init__(account, **options)
        if not account.handle:
            raise ConfigError(
                f"the WordPress account {account.name!r} has no user name. You can fix this by "
                f"adding it again (`cyberkind accounts add wordpress {account.name} ...`) with "
                "your WordPress login as its handle."
            )
        split = urlsplit(account.url)
        if split.scheme not in ("http", "https") or not split.netloc:
            raise ConfigError(
                f"{account.url!r} is not a web address. You can fix this by giving the site's "
                "address, e.g. https://kind.example."
            )
        self.site = account.url.rstrip("/")
        self.per_page = min(self.batch_size, MAX_PER_PAGE)
        self._own_client = self.client is None
        self._pretty = True  # /wp-json/...; False: ?rest_route=... (sites without permalinks)
        self._me: Mapping[str, Any] | None = None
        self._post_cache: dict[int, Item | None] = {}

    # -- HTTP -------------------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        if self.client is None:
            import httpx

            self.client = httpx.Client(timeout=20.0)
        return self.client

    def close(self) -> None:
        """Close the HTTP client if this connector opened it."""
        if self._own_client and self.client is not None:
            self.client.close()
            self.client = None

    def _url(self, route: str, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        query = {k: v for k, v in params.items() if v is not None}
        if self._pretty:
            return f"{self.site}/wp-json{route}", query
        return f"{self.site}/", {"rest_route": route, **query}

    def _call(
        self,
        method: str,
        route: str,
        params: Mapping[str, Any] | None = None,
        *,
        body: Mapping[str, Any] | None = None,
        doing: str = "read comments",
    ) -> httpx.Response:
        import httpx

        url, query = self._url(route, params or {})
        password = self.secret("app_password")
        response = send(
            self._client(),
            method,
            url,
            what=f"the WordPress site {self.site}",
            noun="page" if method == "GET" else "answer",
            again="running `cyberkind sync` again" if method == "GET" else "sending it again",
            idempotent=method == "GET",
            max_retries=self.max_retries,
            max_wait=self.max_wait,
            sleep=self.sleep,
            params=query,
            json=body,
            auth=httpx.BasicAuth(self.account.handle or "", password.reveal()),
            headers={"Accept": "application/json"},
        )
        if response.status_code in (401, 403):
            raise self._auth_error(response, doing)
        return response

    def _auth_error(self, response: httpx.Response, doing: str) -> AuthError:
        from ..credentials import env_var

        code, message = _wp_error(response)
        said = f" ({code}: {message})" if code else ""
        if response.status_code == 403 and code not in ("incorrect_password", "invalid_username"):
            return AuthError(
                f"the WordPress site {self.site} does not let {self.account.handle!r} {doing}"
                f"{said}. You can fix this by connecting an account with the Editor or "
                "Administrator role, or asking the site's owner for it.",
                url=str(response.url),
            )
        fix = _APP_PASSWORD_FIX.format(
            name=self.account.name, env=env_var(self.account.name, "app_password")
        )
        return AuthError(
            f"the WordPress site {self.site} refused the Application Password of "
            f"{self.account.handle!r} (account {self.account.name!r}){said}. {fix}",
            url=str(response.url),
        )

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise SourceError(
                f"{response.url} did not answer with JSON, so {self.site} does not look like a "
                "WordPress site with its REST API on. You can fix this by checking the account's "
                "URL (`cyberkind accounts list`).",
                url=str(response.url),
            ) from None

    def _get(self, route: str, params: Mapping[str, Any]) -> httpx.Response:
        response = self._call("GET", route, params)
        if response.status_code >= 300:
            code, message = _wp_error(response)
            raise SourceError(
                f"the WordPress site {self.site} answered {response.status_code} to {route}"
                f"{f' ({code}: {message})' if code else ''}. You can fix this by checking the "
                "site in a browser, then syncing again.",
                url=str(response.url),
            )
        return response

    def whoami(self) -> Mapping[str, Any]:
        """The account's WordPress user (``/wp/v2/users/me``); finds the API's address first."""
        if self._me is not None:
            return self._me
        route, params = "/wp/v2/users/me", {"context": "edit"}
        response = self._call("GET", route, params, doing="sign in")
        if response.status_code == 404 and _wp_error(response)[0] != "rest_no_route":
            # No /wp-json/ (plain permalinks, or a server without rewrites): ?rest_route= is
            # the address every WordPress answers on.
            self._pretty = False
            response = self._call("GET", route, params, doing="sign in")
        if response.status_code == 404:
            raise SourceError(
                f"{self.site} has no WordPress REST API (/wp-json/ and ?rest_route= both "
                "answered 404): it is switched off, or this is not a WordPress site. You can fix "
                "this by checking the account's URL, or by enabling the REST API (a security "
                "plug-in may have turned it off).",
                url=self.site,
            )
        if response.status_code >= 300:
            raise SourceError(
                f"{self.site} answered {response.status_code} {response.reason_phrase} when "
                "asked who the user is. You can fix this by checking the site in a browser.",
                url=self.site,
            )
        me = self._json(response)
        if not isinstance(me, Mapping) or "id" not in me:
            raise SourceError(
                f"{self.site} did not say who the user is. You can fix this by checking that "
                "the account's URL is the WordPress site's address.",
                url=self.site,
            )
        self._me = me
        return me

    # -- fetch ------------------------------------------------------------------------------

    def fetch(self, cursor: str | None) -> Iterator[Batch]:
        """One batch per page of comments after ``cursor``, oldest first, with their posts."""
        start = CommentCursor.loads(cursor)
        me = self.whoami()
        after = None
        if start is not None:
            since = _gmt(start.date_gmt) - _AFTER_MARGIN
            after = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        last = start
        page = 1
        while True:
            response = self._get(
                "/wp/v2/comments",
                {
                    "context": "edit",
                    "type": "all",
                    "status": "all",
                    "orderby": "date_gmt",
                    "order": "asc",
                    "per_page": self.per_page,
                    "page": page,
                    "after": after,
                },
            )
            comments = self._json(response)
            if not isinstance(comments, list):
                raise SourceError(
                    f"{response.url} did not list comments. You can fix this by checking the "
                    "site in a browser.",
                    url=str(response.url),
                )
            fresh = [
                c
                for c in comments
                if last is None or (str(c.get("date_gmt", ""))[:19], int(c["id"])) > last.key()
            ]
            if fresh:
                items = self._batch_items(fresh, me)
                final = fresh[-1]
                last = CommentCursor(str(final["date_gmt"])[:19], int(final["id"]))
                yield Batch(tuple(items), last.dumps())
            # X-WP-TotalPages decides: a page may hold fewer than per_page comments when
            # WordPress hides some from this user. Without the header (a proxy dropped it),
            # a full page suggests another.
            full = page + 1 if len(comments) >= self.per_page else page
            if page >= _int(response.headers.get("X-WP-TotalPages"), full):
                return
            page += 1

    def _batch_items(self, comments: list[Mapping[str, Any]], me: Mapping[str, Any]) -> list[Item]:
        posts = self._posts({int(c["post"]) for c in comments if c.get("post")}, me)
        items = [p for p in posts.values() if p is not None]
        for comment in comments:
            item = self._comment_item(comment, posts.get(int(comment.get("post") or 0)), me)
            if item is not None:
                items.append(item)
        return items

    def _posts(self, ids: set[int], me: Mapping[str, Any]) -> dict[int, Item | None]:
        """The posts (or pages) with these ids, each read once per run."""
        missing = sorted(i for i in ids if i not in self._post_cache)
        for route in ("/wp/v2/posts", "/wp/v2/pages"):
            if not missing:
                break
            response = self._get(
                route,
                {
                    "include": ",".join(map(str, missing)),
                    "context": "edit",
                    "status": "any",
                    "per_page": MAX_PER_PAGE,
                    "_embed": "author",
                },
            )
            for post in self._json(response):
                self._post_cache[int(post["id"])] = self._post_item(post, me)
            missing = [i for i in missing if i not in self._post_cache]
        for post_id in missing:
            self._post_cache[post_id] = None  # an attachment or a private type: no root item
        return {i: self._post_cache[i] for i in ids}

    def _post_item(self, post: Mapping[str, Any], me: Mapping[str, Any]) -> Item:
        title = _rendered(post.get("title"))
        author_id = int(post.get("author") or 0)
        embedded = (post.get("_embedded") or {}).get("author") or [{}]
        author = embedded[0] if isinstance(embedded[0], Mapping) else {}
        name = str(author.get("name") or (me.get("name") if author_id == me["id"] else "") or "")
        slug = str(author.get("slug") or "")
        return Item(
            source=self.source,
            remote_id=f"post:{post['id']}",
            kind=ItemKind.POST,
            author=Author(f"user:{author_id}", name or f"user {author_id}", self.site),
            text="\n\n".join(
                part for part in (title, plain_text(_rendered(post.get("content")))) if part
            ),
            url=str(post.get("link") or "") or None,
            created_at=_date(post.get("date_gmt")),
            is_own=author_id == int(me["id"]) or self._is_me(slug, name),
            raw={
                "title": title,
                "post_type": str(post.get("type") or "post"),
                "status": str(post.get("status") or ""),
            },
        )

    def _comment_item(
        self, comment: Mapping[str, Any], post: Item | None, me: Mapping[str, Any]
    ) -> Item | None:
        comment_type = str(comment.get("type") or "comment").lower()
        if comment_type not in _COMMENT_KINDS:
            return None  # a plug-in's private note (e.g. WooCommerce order_note)
        kind = _COMMENT_KINDS[comment_type]
        parent = int(comment.get("parent") or 0)
        if kind is ItemKind.COMMENT and parent:
            kind = ItemKind.REPLY
        user_id = int(comment.get("author") or 0)
        email = str(comment.get("author_email") or "").lower()
        name = html.unescape(str(comment.get("author_name") or ""))
        url = str(comment.get("author_url") or "")
        handle = _commenter_handle(str(user_id), email, url, name)
        own = (
            (user_id != 0 and user_id == int(me["id"]))
            or (bool(email) and email == str(me.get("email") or "").lower())
            or self._is_me(email, url)
            or (kind in (ItemKind.PINGBACK, ItemKind.TRACKBACK) and self._same_site(url))
        )
        post_key = f"post:{comment['post']}"
        return Item(
            source=self.source,
            remote_id=f"comment:{comment['id']}",
            kind=kind,
            author=Author(handle, name, url or None),
            text=plain_text(_rendered(comment.get("content"))),
            url=str(comment.get("link") or "") or None,
            parent_remote_id=f"comment:{parent}" if parent else post_key,
            thread_id=post_key,
            created_at=_date(comment.get("date_gmt")),
            is_own=own,
            raw={
                "post_title": str(post.raw.get("title", "")) if post is not None else "",
                "approved": "1" if comment.get("status") == "approved" else "0",
                "comment_type": comment_type,
            },
        )

    def _is_me(self, *values: str) -> bool:
        return any(value and value.strip().lower() in self.identity for value in values)

    def _same_site(self, url: str) -> bool:
        theirs = urlsplit(url).netloc.lower()
        return bool(theirs) and theirs == urlsplit(self.site).netloc.lower()

    # -- replies ----------------------------------------------------------------------------

    def _target(self, reply: Reply) -> tuple[int, int]:
        """``(post id, parent comment id or 0)`` of what ``reply`` answers."""
        kind, _, number = reply.parent_remote_id.partition(":")
        if kind not in ("post", "comment") or not number.isdigit():
            raise ConfigError(
                f"{reply.parent_remote_id!r} is not a WordPress post or comment of "
                f"{self.source}. You can fix this by replying to an item of this account."
            )
        if kind == "post":
            return int(number), 0
        thread = (reply.thread_id or "").partition(":")
        if thread[0] == "post" and thread[2].isdigit():
            return int(thread[2]), int(number)
        return int(self._comment(int(number))["post"]), int(number)

    def _comment(self, number: int) -> Mapping[str, Any]:
        """The comment ``number`` as its moderator sees it (``context=edit``: any status)."""
        found = self._json(self._get(f"/wp/v2/comments/{number}", {"context": "edit"}))
        if not isinstance(found, Mapping) or "post" not in found:
            raise SourceError(
                f"{self.site} did not answer with the comment {number}. You can fix this by "
                "checking the site in a browser.",
                url=self.site,
            )
        return found

    def _check_answerable(self, reply: Reply, parent: int) -> None:
        """Refuse to answer a comment that readers cannot see (held, spam or trash).

        WordPress would publish the reply at once (the user moderates) under a parent that
        stays hidden; its own "Approve and Reply" approves the comment first, which is the
        user's call to make, not cyberkind's.
        """
        status = str(self._comment(parent).get("status") or "")
        if status in ("approved", "1"):
            return
        said = _HIDDEN.get(status, f"has the status {status!r}")
        raise ConfigError(
            f"the comment {reply.parent_remote_id} on {self.site} {said}, so a reply would be "
            "published under a comment nobody can see; nothing was posted. You can fix this by "
            "approving the comment in WordPress (Comments) and sending again, or by dismissing "
            "the opportunity (`cyberkind dismiss ID`)."
        )

    def publish(self, reply: Reply) -> str:
        """Post ``reply`` as a comment with ``post`` and ``parent``; return ``comment:<id>``.

        If WordPress says the same reply is already there (a retry), return that one. A
        comment awaiting moderation (or spam, or in the trash) is not answered:
        :class:`~cyberkind.errors.ConfigError` says to approve it first.
        """
        post_id, parent = self._target(reply)
        if parent:
            self._check_answerable(reply, parent)
        response = self._call(
            "POST",
            "/wp/v2/comments",
            body={"post": post_id, "parent": parent, "content": reply.text},
            doing="post comments",
        )
        if response.status_code == 409 and _wp_error(response)[0] == "comment_duplicate":
            existing = self.published(reply)
            if existing is not None:
                return existing
        if response.status_code != 201:
            code, message = _wp_error(response)
            raise SourceError(
                f"the WordPress site {self.site} did not post the reply to "
                f"{reply.parent_remote_id}: {response.status_code} {code} {message}. You can "
                "fix this by checking that the post still takes comments, then sending again.",
                url=str(response.url),
            )
        return f"comment:{self._json(response)['id']}"

    def published(self, reply: Reply) -> str | None:
        """The user's comment with this reply's post, parent and text, if one exists."""
        post_id, parent = self._target(reply)
        me = self.whoami()
        response = self._get(
            "/wp/v2/comments",
            {
                "context": "edit",
                "post": post_id,
                "parent": parent,
                "author": me["id"],
                "status": "all",
                "type": "comment",
                "per_page": MAX_PER_PAGE,
                "orderby": "date_gmt",
                "order": "desc",
            },
        )
        wanted = _normal(reply.text)
        for comment in self._json(response):
            if _normal(_rendered(comment.get("content"))) == wanted:
                return f"comment:{comment['id']}"
        return None

    # -- moderation -------------------------------------------------------------------------

    def moderate(self, remote_id: str, action: str) -> bool:
        """Hold a comment for moderation, mark it as spam, or move it to the trash.

        ``POST /wp/v2/comments/<id>`` with ``status`` ``hold`` or ``spam``; ``DELETE
        /wp/v2/comments/<id>`` (without ``force``: to the trash, where WordPress keeps it for
        30 days). The comment's status is read first (``context=edit``), so moderating it
        again changes nothing and answers ``False``; a trash that WordPress says is already
        done (``410 rest_already_trashed``) too.
        """
        if action not in self.moderation_actions:
            raise ConfigError(
                f"{action!r} is not a WordPress moderation. You can fix this by choosing one "
                f"of: {', '.join(self.moderation_actions)}."
            )
        kind, _, number = remote_id.partition(":")
        if kind not in ("comment",) or not number.isdigit():
            raise ConfigError(
                f"{remote_id!r} is not a WordPress comment of {self.source}, so it cannot be "
                "moderated. You can fix this by moderating it in WordPress (Comments)."
            )
        status = str(self._comment(int(number)).get("status") or "")
        if _MODERATED.get(status) == action:
            return False
        route = f"/wp/v2/comments/{number}"
        if action == "trash":
            response = self._call("DELETE", route, doing="moderate comments")
            if response.status_code == 410 and _wp_error(response)[0] == "rest_already_trashed":
                return False
        else:
            response = self._call("POST", route, body={"status": action}, doing="moderate comments")
        if response.status_code != 200:
            code, message = _wp_error(response)
            raise SourceError(
                f"the WordPress site {self.site} did not {action} the comment {remote_id}: "
                f"{response.status_code} {code} {message}. You can fix this by moderating it "
                "in WordPress (Comments), or trying again.",
                url=str(response.url),
            )
        return True


_MODERATED = {"hold": "hold", "0": "hold", "unapproved": "hold", "spam": "spam", "trash": "trash"}
"""The moderation a comment's ``status`` (``context=edit``) already has, if any."""

_HIDDEN = {
    "hold": "is awaiting moderation",
    "0": "is awaiting moderation",
    "unapproved": "is awaiting moderation",
    "spam": "is marked as spam",
    "trash": "is in the trash",
}
"""What a comment's ``status`` (``context=edit``) means, for one readers cannot see."""


def _rendered(field: Any) -> str:
    """``raw`` (the words as written, with ``context=edit``) or else ``rendered``."""
    if isinstance(field, Mapping):
        return str(field.get("raw") if field.get("raw") is not None else field.get("rendered", ""))
    return str(field or "")


def _date(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return _gmt(str(value))
    except ValueError:
        return None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _wp_error(response: httpx.Response) -> tuple[str, str]:
    """WordPress's error ``code`` and ``message``, or empty strings."""
    try:
        data = response.json()
    except ValueError:
        return "", ""
    if not isinstance(data, Mapping):
        return "", ""
    return str(data.get("code") or ""), plain_text(str(data.get("message") or ""))


@hookimpl
def register_connectors() -> list[type[Connector]]:
    """The live WordPress REST connector."""
    return [WordPressConnector]
