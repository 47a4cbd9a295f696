"""Reading a platform's rate-limit headers, and bounding a source's time and bytes.

Platforms say when to come back in different ways:

- ``Retry-After``: seconds or an HTTP date (RFC 9110; any server, on 429 or 503);
- ``X-RateLimit-Reset`` with ``X-RateLimit-Remaining``: Mastodon sends an ISO-8601 time;
- ``RateLimit-Reset`` with ``RateLimit-Remaining``: Bluesky's PDS sends Unix epoch seconds,
  the IETF draft sends seconds from now.

:func:`rate_limit_wait` turns any of them into seconds to wait, so a connector
backs off on a 429 and pauses before the next request when the quota is spent.

A source's **budget** (:func:`source_budget`, which ``cyberkind sync`` opens around
each source) bounds what one source may take: an overall deadline, and optionally
a cap on the bytes of one response body (feeds). A per-read timeout alone cannot:
a server that sends a byte every few seconds never trips it. While a budget is
open, every request sent through the client (whichever connector sends it: feeds,
WordPress, Bluesky's SDK) gets its timeouts cut to the time left, its body is
read in chunks that are counted and timed, and no request starts, nor a retry
waits, past the deadline. :func:`budget_session` does the same for ``requests``
(Mastodon.py), each socket read waiting at most the time left. Then a
:class:`~cyberkind.errors.SourceError` names the source and the limit; what the
source committed before stays, the rest of it (its cursor included) waits for the
next sync.

**Usage**::

    >>> rate_limit_wait({"Retry-After": "3"})
    3.0
    >>> rate_limit_wait({"RateLimit-Remaining": "5", "RateLimit-Reset": "30"}) is None
    True
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from ..errors import SourceError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "TRANSIENT_STATUS",
    "SourceBudget",
    "budget_error",
    "budget_session",
    "check_budget",
    "current_budget",
    "rate_limit_wait",
    "reset_seconds",
    "retry_after_seconds",
    "send",
    "source_budget",
]

TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
"""Statuses worth retrying: rate limited, or the server had a passing problem."""

_EPOCH_FLOOR = 1_000_000_000.0
"""Reset values above this are Unix times (2001 onwards), below it seconds from now."""


def retry_after_seconds(value: str, now: datetime | None = None) -> float | None:
    """``Retry-After`` in seconds: a number, or an HTTP date; ``None`` if unreadable.

    **Usage**::

        >>> retry_after_seconds("3")
        3.0
    """
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def reset_seconds(value: str, now: datetime | None = None) -> float | None:
    """A rate-limit reset as seconds from ``now``: epoch seconds, a delta, or ISO-8601.

    **Usage**::

        >>> reset_seconds("2026-01-01T00:00:30Z", now=datetime(2026, 1, 1, tzinfo=UTC))
        30.0
    """
    value = value.strip()
    now = now or datetime.now(UTC)
    try:
        number = float(value)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return max(0.0, (moment - now).total_seconds())
    if number < 0:
        return None
    if number >= _EPOCH_FLOOR:
        return max(0.0, number - now.timestamp())
    return number


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def rate_limit_wait(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds to wait before the next request, or ``None`` when the headers allow it now.

    ``Retry-After`` wins; otherwise a spent quota (``remaining`` 0) waits for the reset.
    """
    after = _header(headers, "Retry-After")
    if after is not None:
        wait = retry_after_seconds(after, now)
        if wait is not None:
            return wait
    for prefix in ("X-RateLimit-", "RateLimit-"):
        remaining = _header(headers, prefix + "Remaining")
        reset = _header(headers, prefix + "Reset")
        if remaining is None or reset is None:
            continue
        try:
            spent = int(float(remaining)) <= 0
        except ValueError:
            continue
        if spent:
            return reset_seconds(reset, now)
    return None


def send(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    what: str | None = None,
    noun: str = "answer",
    again: str = "running `cyberkind sync` again",
    idempotent: bool = True,
    max_retries: int = 3,
    max_wait: float = 120.0,
    sleep: Callable[[float], None] = time.sleep,
    **kwargs: Any,
) -> httpx.Response:
    """Send a request, retrying what is transient; return the first other answer.

    429 and 5xx answers wait :func:`rate_limit_wait` (``Retry-After``, the
    platform's reset) or 1, 2, 4... seconds, at most ``max_wait`` each; a
    refused connection or a timeout are retried the same way. A connection
    dropped mid-answer (or a timeout) is retried only when ``idempotent`` (a
    GET): a POST that went out may have happened, so the caller decides. After
    ``max_retries`` retries a :class:`~cyberkind.errors.SourceError` names
    ``what`` (default: the URL) and the ``noun`` that did not arrive, says
    nothing was stored, and suggests ``again``. The whole body is read before
    this returns, so a dropped connection never hands the caller half a page.
    ``kwargs`` go to ``client.request``.

    **Usage**::

        response = send(client, "GET", url, what="the WordPress site https://kind.example")
    """
    import httpx

    what = what or url
    attempt = 0
    while True:
        response: httpx.Response | None = None
        retry_ok = True
        try:
            response = client.request(method, url, **kwargs)
        except httpx.ConnectError as exc:
            failure = SourceError(
                f"cannot reach {what} ({exc}). You can fix this by checking the URL and your "
                f"connection, then {again}.",
                url=url,
            )
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            retry_ok = idempotent
            failure = SourceError(
                f"the connection to {what} dropped before the whole {noun} arrived ({exc}); "
                f"nothing from it was stored. You can fix this by {again} later.",
                url=url,
            )
        except httpx.TimeoutException:
            retry_ok = idempotent
            failure = SourceError(
                f"{what} did not answer in time; nothing from it was stored. You can fix this by "
                f"{again} later.",
                url=url,
            )
        except httpx.HTTPError as exc:
            raise SourceError(
                f"cannot fetch {url} ({exc}). You can fix this by checking the URL.", url=url
            ) from exc
        else:
            if response.status_code not in TRANSIENT_STATUS:
                return response
            failure = _status_failure(response, what, url, again, max_retries)
        attempt += 1
        wait = _wait(attempt, response, max_wait)
        if not retry_ok or attempt > max_retries or wait is None:
            raise failure
        budget = _BUDGET.get()
        if budget is not None and wait >= budget.left():
            raise budget.expired()  # waiting would only run past the source's deadline
        sleep(wait)


def _status_failure(
    response: httpx.Response, what: str, url: str, again: str, max_retries: int
) -> SourceError:
    if response.status_code == 429:
        after = response.headers.get("Retry-After")
        hint = f" (Retry-After: {after})" if after else ""
        return SourceError(
            f"{what} kept answering 429 Too Many Requests{hint} after {max_retries} retries; "
            f"nothing from it was stored. You can fix this by {again} later.",
            url=url,
        )
    return SourceError(
        f"{what} answered {response.status_code} {response.reason_phrase} {max_retries + 1} "
        "times; nothing from it was stored. The server has a problem: you can fix this by "
        f"{again} later.",
        url=url,
    )


def _wait(attempt: int, response: httpx.Response | None, max_wait: float) -> float | None:
    """Seconds before the next try: what the server asks for, else 1, 2, 4...

    ``None`` when the server asks for longer than ``max_wait``.
    """
    default = float(2 ** (attempt - 1))
    wanted = rate_limit_wait(response.headers) if response is not None else None
    if wanted is None:
        return min(default, max_wait)
    return wanted if wanted <= max_wait else None


class _OverBudget(SourceError):
    """A source past its deadline or body cap (:func:`budget_error` finds it when wrapped)."""


@dataclass(frozen=True, slots=True)
class SourceBudget:
    """What one source may take: ``seconds`` in all, until ``deadline`` (``time.monotonic``),
    and at most ``max_bytes`` per response body (``None``: no cap)."""

    what: str
    seconds: float
    deadline: float
    max_bytes: int | None = None

    def left(self) -> float:
        """Seconds left before the deadline (negative once past it)."""
        return self.deadline - time.monotonic()

    def expired(self) -> SourceError:
        return _OverBudget(
            f"{self.what} took longer than its {self.seconds:g} s deadline; nothing from it "
            "after its last committed batch was stored, and its cursor stays where it was. "
            "You can fix this by running `cyberkind sync` again later, or allowing it more time "
            f"(--setting sync_deadline {max(int(self.seconds) * 2, 1)}).",
            url=self.what,
        )

    def too_big(self, size: int) -> SourceError:
        return _OverBudget(
            f"{self.what} sent more than {self.max_bytes:,} bytes ({size:,} so far), more "
            "than a feed should; nothing from it was stored and its cursor stays where it "
            "was. You can fix this by following a smaller feed, or allowing more "
            f"(--setting feed_max_bytes {(self.max_bytes or 0) * 2}).",
            url=self.what,
        )


_BUDGET: ContextVar[SourceBudget | None] = ContextVar("cyberkind_source_budget", default=None)


@contextmanager
def source_budget(
    client: httpx.Client, what: str, seconds: float, *, max_bytes: int | None = None
) -> Iterator[SourceBudget]:
    """Bound every request ``client`` sends inside the block by one deadline (and body cap).

    ``what`` names the source in the error. The client gets two event hooks for the
    block (removed after it); they act only while a budget is open in this context.

    **Usage**::

        with source_budget(client, "rss:https://kind.example/feed/", 300, max_bytes=10 << 20):
            report = sync(store, connector, scorer)
    """
    budget = SourceBudget(what, seconds, time.monotonic() + seconds, max_bytes)
    hooks = client.event_hooks
    added = [
        (name, hook)
        for name, hook in (("request", _cut_timeouts), ("response", _count_body))
        if hook not in hooks[name]
    ]
    for name, hook in added:
        hooks[name].append(hook)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)
        for name, hook in added:
            hooks[name].remove(hook)


def check_budget() -> None:
    """Raise the open budget's error if its deadline has passed (nothing when none is open).

    The pipeline calls it after each committed batch, so a source that pages slowly stops at
    a batch boundary even when its HTTP goes through neither the budgeted client nor
    :func:`budget_session` (a third-party connector with its own HTTP library).
    """
    budget = _BUDGET.get()
    if budget is not None and budget.left() <= 0:
        raise budget.expired()


def current_budget() -> SourceBudget | None:
    """The budget open in this context (:func:`source_budget`), or ``None``."""
    return _BUDGET.get()


def budget_error(exc: BaseException) -> SourceError | None:
    """The budget's own error behind ``exc``, when a library wrapped it in its own (as
    Mastodon.py wraps whatever its session raises in a ``MastodonNetworkError``)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, _OverBudget):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def budget_session() -> Any:
    """A ``requests.Session`` whose requests keep to the open :func:`source_budget`.

    Outside a budget it is a plain session. Inside one, no request starts past the
    deadline; the connect and read timeouts are cut to the time left; and the body is
    read as it arrives, each socket read waiting at most the time left, counted against
    the body cap, so a server that trickles a byte every few seconds cannot hold a
    request past the deadline. Past it, :meth:`SourceBudget.expired` is raised (a
    library may wrap it: :func:`budget_error` finds it).

    **Usage**::

        session = budget_session()
        with source_budget(client, "mastodon:social", 300):
            session.get("https://social.example/api/v1/notifications", timeout=20)
    """
    import requests

    # Defined here: requests is an optional dependency (the mastodon extra).
    class BudgetSession(requests.Session):
        def send(self, request: Any, **kwargs: Any) -> Any:
            budget = _BUDGET.get()
            if budget is None:
                return super().send(request, **kwargs)
            left = budget.left()
            if left <= 0:
                raise budget.expired()
            kwargs["timeout"] = _cut(kwargs.get("timeout"), left)
            stream = kwargs.pop("stream", False)
            try:
                response = super().send(request, stream=True, **kwargs)
            except requests.Timeout:
                if budget.left() <= 0:
                    raise budget.expired() from None
                raise
            if not stream:
                _read_within(response, budget)
            return response

    return BudgetSession()


def _cut(timeout: Any, left: float) -> tuple[float, float]:
    """``requests``' timeout (a number or a (connect, read) pair) cut to ``left`` seconds."""
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    return (
        left if connect is None else min(float(connect), left),
        left if read is None else min(float(read), left),
    )


def _read_within(response: Any, budget: SourceBudget) -> None:
    """Read a ``requests`` response's body now, as it arrives, within the budget."""
    import requests

    raw = response.raw
    read = getattr(raw, "read1", None) or raw.read  # read1: whatever has arrived
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            left = budget.left()
            if left <= 0:
                raise budget.expired()
            if sock is not None:
                sock.settimeout(left)  # this read waits at most the time left
            try:
                chunk = read(65536, decode_content=True)
            except Exception as exc:  # urllib3's timeouts and protocol errors
                if budget.left() <= 0:
                    raise budget.expired() from None
                raise requests.ConnectionError(exc) from exc
            if not chunk:
                break
            size += len(chunk)
            if budget.max_bytes is not None and size > budget.max_bytes:
                raise budget.too_big(size)
            chunks.append(chunk)
    except BaseException:
        response.close()
        raise
    response._content = b"".join(chunks)
    response._content_consumed = True
    release = getattr(raw, "release_conn", None)
    if release is not None:
        release()  # the connection goes back to the pool: the body is read


def _cut_timeouts(request: httpx.Request) -> None:
    """Refuse to start past the deadline; else wait at most the time left for any step."""
    budget = _BUDGET.get()
    if budget is None:
        return
    left = budget.left()
    if left <= 0:
        raise budget.expired()
    timeouts = dict(request.extensions.get("timeout") or {})
    for step in ("connect", "read", "write", "pool"):
        given = timeouts.get(step)
        timeouts[step] = left if given is None else min(float(given), left)
    request.extensions["timeout"] = timeouts


def _count_body(response: httpx.Response) -> None:
    """Read the body (once the headers are in) through a stream that counts and times it."""
    budget = _BUDGET.get()
    if budget is None:
        return
    declared = response.headers.get("Content-Length", "")
    if budget.max_bytes is not None and declared.isdigit() and int(declared) > budget.max_bytes:
        raise budget.too_big(int(declared))
    import httpx

    # Defined here: httpx is imported lazily (see connectors/rss.py).
    class BudgetStream(httpx.SyncByteStream):
        def __init__(self, inner: httpx.SyncByteStream, budget: SourceBudget) -> None:
            self.inner = inner
            self.budget = budget

        def __iter__(self) -> Iterator[bytes]:
            size = 0
            for chunk in self.inner:
                size += len(chunk)
                if self.budget.max_bytes is not None and size > self.budget.max_bytes:
                    raise self.budget.too_big(size)
                if self.budget.left() <= 0:
                    raise self.budget.expired()
                yield chunk

        def close(self) -> None:
            self.inner.close()

    if isinstance(response.stream, httpx.SyncByteStream):
        response.stream = BudgetStream(response.stream, budget)
