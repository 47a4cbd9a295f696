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

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["rate_limit_wait", "reset_seconds", "retry_after_seconds"]

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
