"""Team members (migration 10) on both backends: mixins of the two stores.

:class:`MemberTables` works on SQLite's ``self._conn``; :class:`PgMemberTables` is its
PostgreSQL twin, through the store's ``_rows``/``_one``/``_write`` helpers. The rules
(valid names, roles, keeping an owner, hashing passwords) live in :mod:`cyberkind.members`;
here are only the rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from ..errors import NotFoundError, StoreError
from .base import MEMBER_ROLES, Member

__all__ = ["MemberTables", "PgMemberTables"]

COLUMNS = "name, display_name, role, password_hash, created_at, disabled"


def _member(row: Mapping[str, Any] | sqlite3.Row) -> Member:
    created = row["created_at"]
    return Member(
        name=row["name"],
        display_name=row["display_name"],
        role=row["role"],
        password_hash=row["password_hash"],
        created_at=datetime.fromisoformat(created) if created else None,
        disabled=bool(row["disabled"]),
    )


def _values(member: Member) -> tuple[Any, ...]:
    if member.role not in MEMBER_ROLES:
        raise StoreError(
            f"unknown role {member.role!r}. You can fix this by using one of: "
            f"{', '.join(MEMBER_ROLES)}."
        )
    created = (member.created_at or datetime.now(UTC)).astimezone(UTC)
    return (
        member.name,
        member.display_name,
        member.role,
        member.password_hash,
        created.isoformat(timespec="seconds"),
        int(member.disabled),
    )


def _taken(name: str) -> StoreError:
    return StoreError(
        f"there is already a member called {name!r}. You can fix this by choosing another "
        "name, or changing theirs with `cyberkind team set-password`."
    )


def _unknown(name: str) -> NotFoundError:
    return NotFoundError(
        f"there is no member called {name!r}. You can fix this by listing them with "
        "`cyberkind team members`."
    )


def _changes(
    password_hash: str | None, role: str | None, disabled: bool | None
) -> tuple[list[str], list[Any]]:
    sets: list[str] = []
    params: list[Any] = []
    if password_hash is not None:
        sets.append("password_hash")
        params.append(password_hash)
    if role is not None:
        if role not in MEMBER_ROLES:
            raise StoreError(
                f"unknown role {role!r}. You can fix this by using one of: "
                f"{', '.join(MEMBER_ROLES)}."
            )
        sets.append("role")
        params.append(role)
    if disabled is not None:
        sets.append("disabled")
        params.append(int(disabled))
    return sets, params


class MemberTables:
    """The ``members`` table on SQLite (``self._conn``)."""

    _conn: sqlite3.Connection

    def transaction(self) -> AbstractContextManager[None]:  # pragma: no cover - see the store
        raise NotImplementedError("transaction")

    def members(self) -> list[Member]:
        """Every team member, by name (disabled ones included)."""
        rows = self._conn.execute(f"SELECT {COLUMNS} FROM members ORDER BY name")
        return [_member(r) for r in rows]

    def get_member(self, name: str) -> Member | None:
        """The member called ``name``, or ``None``."""
        row = self._conn.execute(
            f"SELECT {COLUMNS} FROM members WHERE name = ?", (name,)
        ).fetchone()
        return None if row is None else _member(row)

    def add_member(self, member: Member) -> Member:
        """Add a member; a :class:`~cyberkind.errors.StoreError` if the name is taken."""
        values = _values(member)
        with self.transaction():
            cursor = self._conn.execute(
                f"INSERT INTO members ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO NOTHING",
                values,
            )
            if cursor.rowcount == 0:
                raise _taken(member.name)
        added = self.get_member(member.name)
        assert added is not None
        return added

    def update_member(
        self,
        name: str,
        *,
        password_hash: str | None = None,
        role: str | None = None,
        disabled: bool | None = None,
    ) -> Member:
        """Change a member's password hash, role or disabled flag; return it updated."""
        sets, params = _changes(password_hash, role, disabled)
        with self.transaction():
            if sets:
                assignments = ", ".join(f"{column} = ?" for column in sets)
                self._conn.execute(
                    f"UPDATE members SET {assignments} WHERE name = ?", (*params, name)
                )
            member = self.get_member(name)
        if member is None:
            raise _unknown(name)
        return member

    def remove_member(self, name: str) -> bool:
        """Remove a member (their claims stay); ``True`` if there was one."""
        with self.transaction():
            cursor = self._conn.execute("DELETE FROM members WHERE name = ?", (name,))
        return cursor.rowcount > 0


class PgMemberTables:
    """The ``members`` table on PostgreSQL, through the store's helpers."""

    def transaction(self) -> AbstractContextManager[None]:  # pragma: no cover - see the store
        raise NotImplementedError("transaction")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        raise NotImplementedError("_rows")  # pragma: no cover - see the store

    def _one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        raise NotImplementedError("_one")  # pragma: no cover - see the store

    def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        raise NotImplementedError("_write")  # pragma: no cover - see the store

    def members(self) -> list[Member]:
        """Every team member, by name (disabled ones included)."""
        rows = self._rows(f'SELECT {COLUMNS} FROM members ORDER BY name COLLATE "C"')
        return [_member(r) for r in rows]

    def get_member(self, name: str) -> Member | None:
        """The member called ``name``, or ``None``."""
        row = self._one(f"SELECT {COLUMNS} FROM members WHERE name = %s", (name,))
        return None if row is None else _member(row)

    def add_member(self, member: Member) -> Member:
        """Add a member; a :class:`~cyberkind.errors.StoreError` if the name is taken."""
        values = _values(member)
        inserted = self._write(
            f"INSERT INTO members ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (name) DO NOTHING",
            values,
        )
        if inserted == 0:
            raise _taken(member.name)
        added = self.get_member(member.name)
        assert added is not None
        return added

    def update_member(
        self,
        name: str,
        *,
        password_hash: str | None = None,
        role: str | None = None,
        disabled: bool | None = None,
    ) -> Member:
        """Change a member's password hash, role or disabled flag; return it updated."""
        sets, params = _changes(password_hash, role, disabled)
        with self.transaction():
            if sets:
                assignments = ", ".join(f"{column} = %s" for column in sets)
                self._write(f"UPDATE members SET {assignments} WHERE name = %s", (*params, name))
            member = self.get_member(name)
        if member is None:
            raise _unknown(name)
        return member

    def remove_member(self, name: str) -> bool:
        """Remove a member (their claims stay); ``True`` if there was one."""
        return self._write("DELETE FROM members WHERE name = %s", (name,)) > 0
