"""Team members with their own accounts: the rules on top of the store's ``members`` table.

A store without members works as before: claims and sends are made under any name
(``--as``, the ``user`` setting or the login name) and the web app has one owner
password. Once a store has members (``cyberkind team add-member``):

- ``claim``/``send --as NAME`` must name a known, enabled member (:func:`check_member`);
- each member logs in to the web app with their own name and password
  (:func:`authenticate`), and the single owner password no longer opens it;
- owners can do everything; members cannot reach settings, moderation or members.

Passwords are stored only as argon2id hashes. The last enabled owner cannot be removed,
disabled or made a member, so a team always has someone who can manage it.

**Usage**::

    from cyberkind.members import add_member, authenticate

    add_member(store, "ana", password="correct horse battery", role="owner")
    authenticate(store, "ana", "correct horse battery")    # Member(name='ana', ...)
"""

from __future__ import annotations

import hashlib
import re

from .errors import InputError, NotFoundError, StoreError
from .store.base import MEMBER_ROLES, Member, Store
from .store.sqlite import SQLiteStore

__all__ = [
    "MIN_PASSWORD_CHARS",
    "OWNER_PASSWORD_KEY",
    "OWNER_SUBJECT",
    "add_member",
    "authenticate",
    "check_member",
    "check_owner_password",
    "end_sessions",
    "hash_password",
    "login_mode",
    "member_subject",
    "owner_password_set",
    "password_fingerprint",
    "remove_member",
    "session_generation",
    "set_member_disabled",
    "set_member_password",
    "set_owner_password",
    "set_team_policy",
    "team_mode",
    "team_policy",
    "verify_password",
]

OWNER_PASSWORD_KEY = "password_hash"
"""Where the owner's argon2 password hash lives in the store's ``web_config``."""

TEAM_POLICY = "policy"
"""The team setting that holds the team's guard policy (TOML)."""

MIN_PASSWORD_CHARS = 8
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
_DUMMY_HASH: list[str] = []


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (the only form in which it is stored)."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches the argon2 hash (``False`` when there is none)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    if not stored_hash:
        return False
    try:
        return PasswordHasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_fingerprint(member: Member) -> str:
    """A short digest of the member's hash: a web session holds it, so a new password
    (or none) ends the sessions logged in with the old one."""
    return hashlib.sha256((member.password_hash or "").encode()).hexdigest()[:16]


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InputError(
            f"the password is shorter than {MIN_PASSWORD_CHARS} characters. You can fix this "
            "by choosing a longer one."
        )


def _known(store: Store, name: str) -> Member:
    member = store.get_member(name)
    if member is None:
        raise NotFoundError(
            f"there is no member called {name!r}. You can fix this by listing them with "
            "`cyberkind team members`."
        )
    return member


def _enabled_owners(store: Store) -> list[str]:
    return [m.name for m in store.members() if m.is_owner and not m.disabled]


def add_member(
    store: Store,
    name: str,
    password: str | None = None,
    role: str = "member",
    display_name: str | None = None,
) -> Member:
    """Add a member; ``password`` (hashed here) gives them a web login.

    The first member of a store must be an owner, so the team is never locked out of
    its settings when the single owner password stops working.
    """
    if not NAME_RE.match(name):
        raise InputError(
            f"{name!r} is not a member name. You can fix this by using 1 to 63 lowercase "
            "letters, digits, '.', '_' or '-', starting with a letter or digit."
        )
    if role not in MEMBER_ROLES:
        raise InputError(
            f"unknown role {role!r}. You can fix this by using one of: {', '.join(MEMBER_ROLES)}."
        )
    if password is not None:
        _check_password(password)
    with store.transaction():
        if role != "owner" and not _enabled_owners(store):
            raise InputError(
                "the team has no owner yet, and the first member must be one (owners manage "
                f"settings and members). You can fix this by adding {name} with --role owner, "
                "or adding an owner first."
            )
        return store.add_member(
            Member(
                name=name,
                display_name=(display_name or name).strip() or name,
                role=role,
                password_hash=hash_password(password) if password is not None else None,
            )
        )


def set_member_password(store: Store, name: str, password: str) -> Member:
    """Give a member a new password (their web sessions end)."""
    _check_password(password)
    _known(store, name)
    return store.update_member(name, password_hash=hash_password(password))


def _keep_an_owner(store: Store, name: str, what: str) -> None:
    member = _known(store, name)
    if member.is_owner and not member.disabled and _enabled_owners(store) == [name]:
        others = [m.name for m in store.members() if m.name != name]
        if others:
            raise InputError(
                f"{name} is the team's last owner, so they cannot be {what}. You can fix this "
                "by making another member an owner first (cyberkind team add-member NAME "
                "--role owner)."
            )


def remove_member(store: Store, name: str) -> None:
    """Remove a member (their claims stay; `cyberkind unclaim --force` drops them)."""
    with store.transaction():
        _keep_an_owner(store, name, "removed")
        store.remove_member(name)


def set_member_disabled(store: Store, name: str, disabled: bool) -> Member:
    """Disable a member (no logins, claims or sends under their name) or enable them."""
    with store.transaction():
        if disabled:
            _keep_an_owner(store, name, "disabled")
        return store.update_member(name, disabled=disabled)


def check_member(store: Store, name: str) -> str:
    """``name`` when the store has no members or it names an enabled one; else an error
    listing the members (``claim``/``send --as``)."""
    members = store.members()
    if not members:
        return name
    enabled = [m.name for m in members if not m.disabled]
    found = next((m for m in members if m.name == name), None)
    if found is not None and not found.disabled:
        return name
    why = "is disabled" if found is not None else "is not a member of this team"
    raise StoreError(
        f"{name!r} {why}. You can fix this by passing --as with one of: "
        f"{', '.join(enabled) or '(no enabled members)'} (or setting CYBERKIND_USER)."
    )


def authenticate(store: Store, name: str, password: str) -> Member | None:
    """The enabled member ``name`` if ``password`` is theirs, else ``None``.

    An unknown name still costs one argon2 verification, so timing does not tell
    which names exist.
    """
    member = store.get_member(name.strip().lower())
    if member is None or member.disabled or member.password_hash is None:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(hash_password("not a password of anyone"))
        verify_password(_DUMMY_HASH[0], password)
        return None
    return member if verify_password(member.password_hash, password) else None


def team_mode(store: Store) -> bool:
    """Whether the store is shared by a team, so claims ("I'll answer this one") matter: it
    has members, or claims, or it is a team database (PostgreSQL) rather than one's own
    SQLite file. The web app shows claim and release only then.

    **Usage**::

        team_mode(open_store("inbox.db"))   # False for one's own inbox
    """
    if store.members() or store.claims():
        return True
    return not isinstance(store, SQLiteStore)


def team_policy(store: Store) -> str | None:
    """The team's guard policy (TOML text), or ``None``: ``cyberkind check`` applies it."""
    return store.team_setting(TEAM_POLICY)


def set_team_policy(store: Store, text: str | None, member: str | None = None) -> None:
    """Store the team's guard policy (``None`` removes it); ``member`` is who changed it.
    Validate the text first (:func:`cyberkind.guard.load_policy`)."""
    store.set_team_setting(TEAM_POLICY, text, member)


def set_owner_password(store: Store, password: str) -> None:
    """Store the owner's password (``cyberkind web set-password``) as an argon2 hash, never
    the password itself."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InputError(
            f"the password is shorter than {MIN_PASSWORD_CHARS} characters. You can fix this by "
            "choosing a longer one."
        )
    with store.transaction():
        replacing = store.get_config(OWNER_PASSWORD_KEY) is not None
        store.set_config(OWNER_PASSWORD_KEY, hash_password(password))
        if replacing:  # before the first password, no owner could have logged in
            end_sessions(store, OWNER_SUBJECT)


OWNER_SUBJECT = "owner"
"""The login subject of the single owner of a store without members."""


def member_subject(name: str) -> str:
    """The login subject of a team member."""
    return f"member:{name}"


def _generation_key(subject: str) -> str:
    return f"session_generation.{subject}"


def session_generation(store: Store, subject: str) -> int:
    """The current generation of ``subject``'s login sessions (0 before any was ended).

    A web login carries the generation it was issued under; a newer one in the store means
    the login was ended (logout, a new owner password), whatever its cookie says.
    """
    value = store.get_config(_generation_key(subject))
    return int(value) if value is not None and value.isdigit() else 0


def end_sessions(store: Store, subject: str) -> int:
    """End every login session of ``subject`` (bump its generation); return the new one."""
    with store.transaction():
        generation = session_generation(store, subject) + 1
        store.set_config(_generation_key(subject), str(generation))
    return generation


def owner_password_set(store: Store) -> bool:
    """Whether the owner has a password (``cyberkind serve --public`` needs one)."""
    return store.get_config(OWNER_PASSWORD_KEY) is not None


def check_owner_password(store: Store, password: str) -> bool:
    """Whether ``password`` is the owner's."""
    return verify_password(store.get_config(OWNER_PASSWORD_KEY), password)


def login_mode(store: Store) -> tuple[bool, bool]:
    """``(configured, team)``: whether anyone can log in to the web app, and whether members
    do (by name and password) rather than the owner (by the owner's password)."""
    members = store.members()
    if members:
        return any(not m.disabled and m.password_hash for m in members), True
    return owner_password_set(store), False
