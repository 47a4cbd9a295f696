"""The ideas wall's tables: a mixin of both stores, on their dialect hooks.

Kept apart from the stores so that each module stays one noun. The methods are those of
the :class:`~cyberkind.store.base.Store` protocol's wall section; the wall's logic (merging
near-duplicates, moderation) lives in :mod:`cyberkind.wall`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from ..errors import NotFoundError, StoreError
from ..models import IDEA_STATUSES, Idea, IdeaSubmission
from ._sql import Row, SQLTables

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


class WallTables(SQLTables):
    """Ideas, their submissions, visitor stars and the web config, on the dialect hooks."""

    def ideas(self, statuses: Iterable[str] | None = ("published",)) -> list[Idea]:
        """Ideas with these statuses (``None``: all), newest first."""
        sql = "SELECT * FROM ideas"
        params: list[str] = []
        if statuses is not None:
            chosen = [_status(s) for s in statuses]
            if not chosen:
                return []
            condition, params = self._in("status", chosen)
            sql += f" WHERE {condition}"
        return self._ideas(self._rows(sql + " ORDER BY id DESC", params))

    def idea_texts(
        self,
        statuses: Iterable[str] = ("published", "pending"),
        *,
        after: int = 0,
        ids: Iterable[int] | None = None,
    ) -> list[tuple[int, str]]:
        """``(id, text)`` of the ideas with these statuses, oldest first: those with ids over
        ``after`` (an index read, not a scan), and among ``ids`` when given. What
        near-duplicate search reads."""
        chosen = [_status(s) for s in statuses]
        if not chosen:
            return []
        condition, params = self._in("status", chosen)
        sql = f"SELECT id, text FROM ideas WHERE {condition} AND id > ? AND {{}} ORDER BY id"
        if ids is None:
            rows = self._rows(sql.format("1 = 1"), (*params, after))
        else:
            rows = self._select_in(sql, (*params, after), "id", ids)
        return [(int(r["id"]), str(r["text"])) for r in rows]

    def get_idea(self, idea_id: int) -> Idea:
        """One idea by id; raise :class:`NotFoundError`."""
        rows = self._rows("SELECT * FROM ideas WHERE id = ?", (idea_id,))
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
            idea_id = self._insert_id(
                "INSERT INTO ideas (text, status, reason, thanks, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (text, _status(status), reason, thanks, stamp, stamp),
            )
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
            self._write("UPDATE ideas SET updated_at = ? WHERE id = ?", (stamp, idea_id))
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
        submission_id = self._insert_id(
            "INSERT INTO idea_submissions (idea_id, author, text, client, nonce, submitted_at, "
            "url) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (idea_id, author, text, client, nonce, stamp, url),
        )
        return IdeaSubmission(submission_id, idea_id, author, text, datetime.fromisoformat(stamp))

    def submission_by_nonce(self, nonce: str) -> IdeaSubmission | None:
        """The submission a form post with this nonce made, if any (retries are no-ops)."""
        row = self._one("SELECT * FROM idea_submissions WHERE nonce = ?", (nonce,))
        return None if row is None else _submission(row)

    def idea_submissions(self, idea_id: int | None = None) -> list[IdeaSubmission]:
        """Every stored submission (of one idea), oldest first."""
        if idea_id is None:
            rows = self._rows("SELECT * FROM idea_submissions ORDER BY id")
        else:
            rows = self._rows(
                "SELECT * FROM idea_submissions WHERE idea_id = ? ORDER BY id", (idea_id,)
            )
        return [_submission(r) for r in rows]

    def count_submissions(self, client: str, since: datetime) -> int:
        """How many submissions this client made since ``since`` (flood detection)."""
        row = self._one(
            "SELECT COUNT(*) AS n FROM idea_submissions WHERE client = ? AND submitted_at >= ?",
            (client, _iso(since)),
        )
        return int(row["n"]) if row else 0

    def set_idea_status(self, idea_id: int, status: str, reason: str | None = None) -> Idea:
        """Publish, hold or reject an idea; return it updated."""
        with self.transaction():
            self.get_idea(idea_id)
            self._write(
                "UPDATE ideas SET status = ?, reason = COALESCE(?, reason), updated_at = ? "
                "WHERE id = ?",
                (_status(status), reason, _iso(None), idea_id),
            )
            return self.get_idea(idea_id)

    def star_idea(self, idea_id: int, voter: str) -> bool:
        """Add a visitor's star; ``False`` when this visitor already starred the idea."""
        with self.transaction():
            self.get_idea(idea_id)
            added = self._write(
                f"{self._INSERT_IGNORE} INTO idea_stars (idea_id, voter, starred_at) "
                "VALUES (?, ?, ?)" + self._IGNORE_CONFLICT,
                (idea_id, voter, _iso(None)),
            )
            return added == 1

    def get_config(self, key: str) -> str | None:
        """A web setting (or the owner's password hash), or ``None``."""
        row = self._one("SELECT value FROM web_config WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def set_config(self, key: str, value: str | None) -> None:
        """Set (or, with ``None``, remove) a web setting."""
        if value is None:
            self._write("DELETE FROM web_config WHERE key = ?", (key,))
        else:
            self._write(
                "INSERT INTO web_config (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def _ideas(self, rows: list[Row]) -> list[Idea]:
        if not rows:
            return []
        ids = [int(r["id"]) for r in rows]
        authors: dict[int, list[str]] = {i: [] for i in ids}
        links: dict[int, dict[str, str]] = {i: {} for i in ids}
        votes: dict[int, int] = dict.fromkeys(ids, 0)
        for row in self._select_in(
            "SELECT idea_id, author, url FROM idea_submissions WHERE {} ORDER BY id",
            (),
            "idea_id",
            ids,
        ):
            names = authors[int(row["idea_id"])]
            if row["author"] not in names:
                names.append(row["author"])
            if row["url"]:
                links[int(row["idea_id"])].setdefault(row["author"], row["url"])
        for row in self._select_in(
            "SELECT idea_id, COUNT(*) AS n FROM idea_stars WHERE {} GROUP BY idea_id",
            (),
            "idea_id",
            ids,
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


def _submission(row: Row) -> IdeaSubmission:
    return IdeaSubmission(
        id=int(row["id"]),
        idea_id=int(row["idea_id"]),
        author=row["author"],
        text=row["text"],
        submitted_at=datetime.fromisoformat(row["submitted_at"]),
    )
