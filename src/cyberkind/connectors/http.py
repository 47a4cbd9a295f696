"""Reading a platform's rate-limit headers, shared by every HTTP connector.

Platforms say when to come back in different ways:

- ``Retry-After``: seconds or an HTTP date (RFC 9110; any server, on 429 or 503);
- ``X-RateLimit-Reset`` with ``X-RateLimit-Remaining``: Mastodon sends an ISO-8601 time;
- ``RateLimit-Reset`` with ``RateLimit-Remaining``: Bluesky's PDS sends Unix epoch seconds,
  the IETF draft sends seconds from now.

:func:`rate_limit_wait` turns any of them into seconds to wait, so a connector
backs off on a 429 and pauses before the next request when the quota is spent.

**Usage**::

    >>> rate_limit_wait({"Retry-After": "3"})
    3.0
    >>> rate_limit_wait({"RateLimit-Remaining": "5", "RateLimit-Reset": "30"}) is None
    True
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from ..errors import SourceError

if TYPE_CHECKING:
    import httpx

__all__ = ["TRANSIENT_STATUS", "rate_limit_wait", "reset_seconds", "retry_after_seconds", "send"]

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
