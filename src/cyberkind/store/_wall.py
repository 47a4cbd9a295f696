"""The ideas wall's tables on SQLite (a mixin of :class:`~cyberkind.store.sqlite.SQLiteStore`).

Kept apart from ``sqlite.py`` so that each module stays one noun. The methods are those of
the :class:`~cyberkind.store.base.Store` protocol's wall section; the wall's logic (merging
near-duplicates, moderation) lives in :mod:`cyberkind.wall`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from ..errors import NotFoundError, StoreError
from ..models import IDEA_STATUSES, Idea, IdeaSubmission

__all__ = ["WallTables"]


def _iso(moment: datetime | None) -> str:
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _status(status: str) -> str:
    if status not in IDEA_STATUSES:
        raise StoreError(
            f"unknown idea status {status!r}. You can fix this by using one of: "
            f"{', '.join(IDEA_STATUSES)}."
        )
    return status


class WallTables:
    """Ideas, their submissions, visitor stars and the web config, on ``self._conn``."""

    _conn: sqlite3.Connection

    def transaction(self) -> AbstractContextManager[None]:  # pragma: no cover - see SQLiteStore
        raise NotImplementedError("transaction")

    def ideas(self, statuses: Iterable[str] | None = ("published",)) -> list[Idea]:
        """Ideas with these statuses (``None``: all), newest first."""
        sql = "SELECT * FROM ideas"
        params: list[str] = []
        if statuses is not None:
            chosen = [_status(s) for s in statuses]
            if not chosen:
                return []
            sql += f" WHERE status IN ({', '.join('?' for _ in chosen)})"
            params.extend(chosen)
        rows = list(self._conn.execute(sql + " ORDER BY id DESC", params))
        return self._ideas(rows)

    def idea_texts(
        self, statuses: Iterable[str] = ("published", "pending")
    ) -> list[tuple[int, str]]:
        """``(id, text)`` of the ideas with these statuses: what near-duplicate search reads."""
        chosen = [_status(s) for s in statuses]
        if not chosen:
            return []
        rows = self._conn.execute(
            f"SELECT id, text FROM ideas WHERE status IN ({', '.join('?' for _ in chosen)}) "
            "ORDER BY id",
            chosen,
        )
        return [(int(r["id"]), str(r["text"])) for r in rows]

    def get_idea(self, idea_id: int) -> Idea:
        """One idea by id; raise :class:`NotFoundError`."""
        rows = list(self._conn.execute("SELECT * FROM ideas WHERE id = ?", (idea_id,)))
        if not rows:
            raise NotFoundError(
                f"no idea has id {idea_id}. You can fix this by picking an id from /api/ideas."
            )
        return self._ideas(rows)[0]

    def add_idea(
        self,
        text: str,
        author: str,
        *,
        status: str = "published",
        reason: str = "",
        thanks: str = "",
        client: str = "",
        nonce: str | None = None,
        when: datetime | None = None,
        url: str | None = None,
    ) -> IdeaSubmission:
        """Store a new idea and its first submission (one transaction)."""
        stamp = _iso(when)
        with self.transaction():
            cursor = self._conn.execute(
                "INSERT INTO ideas (text, status, reason, thanks, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (text, _status(status), reason, thanks, stamp, stamp),
            )
            idea_id = int(cursor.lastrowid or 0)
            return self._add_submission(idea_id, author, text, client, nonce, stamp, url)

    def add_idea_submission(
        self,
        idea_id: int,
        author: str,
        text: str,
        *,
        client: str = "",
        nonce: str | None = None,
        when: datetime | None = None,
        url: str | None = None,
    ) -> IdeaSubmission:
        """Record a submission merged into an existing idea (its author is credited)."""
        with self.transaction():
            self.get_idea(idea_id)
            stamp = _iso(when)
            self._conn.execute("UPDATE ideas SET updated_at = ? WHERE id = ?", (stamp, idea_id))
            return self._add_submission(idea_id, author, text, client, nonce, stamp, url)

    def _add_submission(
        self,
        idea_id: int,
        author: str,
        text: str,
        client: str,
        nonce: str | None,
        stamp: str,
        url: str | None = None,
    ) -> IdeaSubmission:
        cursor = self._conn.execute(
            "INSERT INTO idea_submissions (idea_id, author, text, client, nonce, submitted_at, "
            "url) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (idea_id, author, text, client, nonce, stamp, url),
        )
        return IdeaSubmission(
            int(cursor.lastrowid or 0), idea_id, author, text, datetime.fromisoformat(stamp)
        )

    def submission_by_nonce(self, nonce: str) -> IdeaSubmission | None:
        """The submission a form post with this nonce made, if any (retries are no-ops)."""
        row = self._conn.execute(
            "SELECT * FROM idea_submissions WHERE nonce = ?", (nonce,)
        ).fetchone()
        return None if row is None else _submission(row)

    def idea_submissions(self, idea_id: int | None = None) -> list[IdeaSubmission]:
        """Every stored submission (of one idea), oldest first."""
        if idea_id is None:
            rows = self._conn.execute("SELECT * FROM idea_submissions ORDER BY id")
        else:
            rows = self._conn.execute(
                "SELECT * FROM idea_submissions WHERE idea_id = ? ORDER BY id", (idea_id,)
            )
        return [_submission(r) for r in rows]

    def count_submissions(self, client: str, since: datetime) -> int:
        """How many submissions this client made since ``since`` (flood detection)."""
        row = self._conn.execute(
            "SELECT COUNT(*) FROM idea_submissions WHERE client = ? AND submitted_at >= ?",
            (client, _iso(since)),
        ).fetchone()
        return int(row[0])

    def set_idea_status(self, idea_id: int, status: str, reason: str | None = None) -> Idea:
        """Publish, hold or reject an idea; return it updated."""
        with self.transaction():
            self.get_idea(idea_id)
            self._conn.execute(
                "UPDATE ideas SET status = ?, reason = COALESCE(?, reason), updated_at = ? "
                "WHERE id = ?",
                (_status(status), reason, _iso(None), idea_id),
            )
            return self.get_idea(idea_id)

    def star_idea(self, idea_id: int, voter: str) -> bool:
        """Add a visitor's star; ``False`` when this visitor already starred the idea."""
        with self.transaction():
            self.get_idea(idea_id)
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO idea_stars (idea_id, voter, starred_at) VALUES (?, ?, ?)",
                (idea_id, voter, _iso(None)),
            )
            return cursor.rowcount == 1

    def get_config(self, key: str) -> str | None:
        """A web setting (or the owner's password hash), or ``None``."""
        row = self._conn.execute("SELECT value FROM web_config WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_config(self, key: str, value: str | None) -> None:
        """Set (or, with ``None``, remove) a web setting."""
        with self.transaction():
            if value is None:
                self._conn.execute("DELETE FROM web_config WHERE key = ?", (key,))
            else:
                self._conn.execute(
                    "INSERT INTO web_config (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def _ideas(self, rows: list[sqlite3.Row]) -> list[Idea]:
        if not rows:
            return []
        ids = [int(r["id"]) for r in rows]
        authors: dict[int, list[str]] = {i: [] for i in ids}
        links: dict[int, dict[str, str]] = {i: {} for i in ids}
        votes: dict[int, int] = dict.fromkeys(ids, 0)
        for chunk in _chunks(ids):
            marks = ", ".join("?" for _ in chunk)
            for row in self._conn.execute(
                f"SELECT idea_id, author, url FROM idea_submissions WHERE idea_id IN ({marks}) "
                "ORDER BY id",
                chunk,
            ):
                names = authors[int(row["idea_id"])]
                if row["author"] not in names:
                    names.append(row["author"])
                if row["url"]:
                    links[int(row["idea_id"])].setdefault(row["author"], row["url"])
            for row in self._conn.execute(
                f"SELECT idea_id, COUNT(*) AS n FROM idea_stars WHERE idea_id IN ({marks}) "
                "GROUP BY idea_id",
                chunk,
            ):
                votes[int(row["idea_id"])] = int(row["n"])
        return [
            Idea(
                id=int(r["id"]),
                text=r["text"],
                status=r["status"],
                authors=tuple(authors[int(r["id"])]),
                author_urls=tuple(
                    links[int(r["id"])].get(name, "") for name in authors[int(r["id"])]
                ),
                votes=votes[int(r["id"])],
                reason=r["reason"],
                thanks=r["thanks"],
                created_at=datetime.fromisoformat(r["created_at"]),
            )
            for r in rows
        ]


def _submission(row: sqlite3.Row) -> IdeaSubmission:
    return IdeaSubmission(
        id=int(row["id"]),
        idea_id=int(row["idea_id"]),
        author=row["author"],
        text=row["text"],
        submitted_at=datetime.fromisoformat(row["submitted_at"]),
    )


def _chunks(values: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
