"""Bluesky connector state that outlives a sync: sessions, the notification cursor, record keys.

Re-exported by :mod:`cyberkind.connectors.bluesky`; see its docstring for how they fit.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from ..credentials import Secret

__all__ = [
    "SESSION_KEY",
    "KeyringSessions",
    "MemorySessions",
    "NotificationCursor",
    "SessionCache",
    "parse_time",
    "tid_from_key",
]

SESSION_KEY = "session"
"""The credentials key under which the session string is kept (``<account>:session``)."""
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_TID_EPOCH_US = 1_704_067_200_000_000
"""2024-01-01T00:00:00Z in microseconds: derived record keys fall after it."""


# -- sessions --------------------------------------------------------------------------------


class SessionCache(Protocol):
    """Where a Bluesky session string lives between syncs: never the database or logs."""

    def get(self, account: str) -> Secret | None: ...

    def set(self, account: str, session: Secret) -> None: ...

    def delete(self, account: str) -> None: ...


class MemorySessions:
    """Sessions kept in this process only (tests, or a machine without a keyring)."""

    def __init__(self) -> None:
        self._sessions: dict[str, Secret] = {}

    def get(self, account: str) -> Secret | None:
        return self._sessions.get(account)

    def set(self, account: str, session: Secret) -> None:
        self._sessions[account] = session

    def delete(self, account: str) -> None:
        self._sessions.pop(account, None)


class KeyringSessions:
    """Sessions in the OS keyring (service ``cyberkind``, user ``<account>:session``).

    Without a usable keyring (no ``keyring`` package, or no backend) the session is
    kept in memory for this process, and the next process logs in again.
    """

    def __init__(self) -> None:
        self._memory = MemorySessions()

    def get(self, account: str) -> Secret | None:
        from ..credentials import KeyringCredentials

        found = self._memory.get(account)
        if found is not None:
            return found
        # Any keyring backend failure means "no saved session": log in instead.
        with contextlib.suppress(Exception):
            return KeyringCredentials().get(account, SESSION_KEY)
        return None

    def set(self, account: str, session: Secret) -> None:
        from ..credentials import KeyringCredentials

        self._memory.set(account, session)
        with contextlib.suppress(Exception):  # no keyring: keep it in memory only
            KeyringCredentials().set(account, SESSION_KEY, session)

    def delete(self, account: str) -> None:
        from ..credentials import SERVICE

        self._memory.delete(account)
        with contextlib.suppress(Exception):  # nothing saved, or no keyring
            import keyring

            keyring.delete_password(SERVICE, f"{account}:{SESSION_KEY}")


# -- the cursor ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NotificationCursor:
    """The newest ``indexedAt`` stored and the notification URIs stored at that instant."""

    indexed_at: datetime | None = None
    seen: tuple[str, ...] = field(default_factory=tuple)

    def dumps(self) -> str:
        return json.dumps(
            {
                "indexed_at": self.indexed_at.isoformat() if self.indexed_at else None,
                "seen": sorted(self.seen),
            },
            sort_keys=True,
        )

    @classmethod
    def loads(cls, text: str | None) -> NotificationCursor:
        if not text:
            return cls()
        try:
            data = json.loads(text)
            moment = parse_time(data["indexed_at"]) if data.get("indexed_at") else None
            return cls(moment, tuple(str(u) for u in data.get("seen", ())))
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls()  # not ours: read everything again (upserts keep that harmless)

    def covers(self, indexed_at: datetime, uri: str) -> bool:
        """Whether a notification indexed at ``indexed_at`` was stored already."""
        if self.indexed_at is None:
            return False
        return indexed_at < self.indexed_at or (indexed_at == self.indexed_at and uri in self.seen)

    def after(self, indexed_at: datetime, uri: str) -> NotificationCursor:
        """The cursor once the notification ``uri`` (the newest so far) is stored."""
        if self.indexed_at is not None and indexed_at == self.indexed_at:
            return NotificationCursor(indexed_at, (*self.seen, uri))
        return NotificationCursor(indexed_at, (uri,))


def parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- record keys -----------------------------------------------------------------------------


def tid_from_key(key: str) -> str:
    """A valid atproto TID (13 base32-sortable characters) derived from ``key``.

    A TID is 64 bits: a zero top bit, 53 bits of microseconds since 1970 and a
    10-bit clock id. Here the time falls within ~8.9 years after 2024-01-01 and
    both parts come from SHA-256 of ``key``, so the same key always names the
    same record.

    **Usage**::

        >>> tid_from_key("opp-1:draft-1") == tid_from_key("opp-1:draft-1")
        True
        >>> len(tid_from_key("x"))
        13
    """
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    micros = _TID_EPOCH_US + ((digest >> 10) % (1 << 48))
    value = (micros << 10) | (digest & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 0x1F])
        value >>= 5
    return "".join(reversed(chars))
