"""The owner's password and the revocable login sessions.

The session cookie is signed and lasts 14 days, so signing alone cannot end a login early.
Each login therefore carries a *session generation*, kept in the store's ``web_config``
(``session_generation.owner``, or ``session_generation.member:<name>``), and
:func:`cyberkind.web.context.resolve_viewer` compares the two on every request. Logging
out, and setting a new owner password (``cyberkind web set-password``), bump the
generation: every cookie issued before stops opening anything, on every device.

**Usage**::

    >>> from cyberkind.store.sqlite import SQLiteStore
    >>> store = SQLiteStore(":memory:")
    >>> set_password(store, "correct horse battery")
    >>> session_generation(store, OWNER)
    0
    >>> set_password(store, "a new and better one")
    >>> session_generation(store, OWNER)
    1
"""

from __future__ import annotations

from ..errors import InputError
from ..store import Store
from .security import hash_password

__all__ = [
    "OWNER",
    "PASSWORD_KEY",
    "end_sessions",
    "member_subject",
    "session_generation",
    "set_password",
]

PASSWORD_KEY = "password_hash"
"""Where the owner's argon2 password hash lives in the store's ``web_config``."""

OWNER = "owner"
"""The session subject of the single owner of a store without members."""


def member_subject(name: str) -> str:
    """The session subject of a team member."""
    return f"member:{name}"


def _key(subject: str) -> str:
    return f"session_generation.{subject}"


def session_generation(store: Store, subject: str) -> int:
    """The current generation of ``subject``'s sessions (0 before any was ended)."""
    value = store.get_config(_key(subject))
    return int(value) if value is not None and value.isdigit() else 0


def end_sessions(store: Store, subject: str) -> int:
    """End every session of ``subject`` (bump its generation); return the new generation."""
    with store.transaction():
        generation = session_generation(store, subject) + 1
        store.set_config(_key(subject), str(generation))
    return generation


def set_password(store: Store, password: str) -> None:
    """Store the owner's password as an argon2 hash (never the password itself), and end
    the sessions opened with the old one."""
    if len(password) < 8:
        raise InputError(
            "the password is shorter than 8 characters. You can fix this by choosing a longer one."
        )
    with store.transaction():
        replacing = store.get_config(PASSWORD_KEY) is not None
        store.set_config(PASSWORD_KEY, hash_password(password))
        if replacing:  # before the first password, no owner could have logged in
            end_sessions(store, OWNER)
