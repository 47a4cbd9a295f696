"""Team members (migration 10) on both backends: a mixin of the two stores.

:class:`MemberTables` works through the stores' dialect hooks
(:class:`~cyberkind.store._sql.SQLTables`). The rules
(valid names, roles, keeping an owner, hashing passwords) live in :mod:`cyberkind.members`;
here are only the rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..errors import NotFoundError, StoreError
from ._sql import Row, SQLTables
from .base import MEMBER_ROLES, Member

__all__ = ["MemberTables"]

COLUMNS = "name, display_name, role, password_hash, created_at, disabled"


def _member(row: Row) -> Member:
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


class MemberTables(SQLTables):
    """The ``members`` table, through the store's dialect hooks."""

    def members(self) -> list[Member]:
        """Every team member, by name (disabled ones included)."""
        rows = self._rows(f"SELECT {COLUMNS} FROM members ORDER BY name{self._COLLATE}")
        return [_member(r) for r in rows]

    def get_member(self, name: str) -> Member | None:
        """The member called ``name``, or ``None``."""
        row = self._one(f"SELECT {COLUMNS} FROM members WHERE name = ?", (name,))
        return None if row is None else _member(row)

    def add_member(self, member: Member) -> Member:
        """Add a member; a :class:`~cyberkind.errors.StoreError` if the name is taken."""
        values = _values(member)
        inserted = self._write(
            f"INSERT INTO members ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "
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
                assignments = ", ".join(f"{column} = ?" for column in sets)
                self._write(f"UPDATE members SET {assignments} WHERE name = ?", (*params, name))
            member = self.get_member(name)
        if member is None:
            raise _unknown(name)
        return member

    def remove_member(self, name: str) -> bool:
        """Remove a member (their claims stay); ``True`` if there was one."""
        return self._write("DELETE FROM members WHERE name = ?", (name,)) > 0
