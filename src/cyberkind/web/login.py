"""The owner's password and the revocable login sessions, as the web app sees them.

The session cookie is signed and lasts 14 days, so signing alone cannot end a login early.
Each login therefore carries a *session generation*, kept in the store's ``web_config``
(``session_generation.owner``, or ``session_generation.member:<name>``), and
:func:`cyberkind.web.context.resolve_viewer` compares the two on every request. Logging
out, and setting a new owner password (``cyberkind web set-password``), bump the
generation: every cookie issued before stops opening anything, on every device.

The rules live in :mod:`cyberkind.members`, which the CLI calls too; this module names them
for the web app.

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

from ..members import OWNER_PASSWORD_KEY as PASSWORD_KEY
from ..members import OWNER_SUBJECT as OWNER
from ..members import end_sessions, member_subject, session_generation
from ..members import set_owner_password as set_password

__all__ = [
    "OWNER",
    "PASSWORD_KEY",
    "end_sessions",
    "member_subject",
    "session_generation",
    "set_password",
]
