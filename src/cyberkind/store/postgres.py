"""The team store: the :class:`~cyberkind.store.base.Store` protocol on PostgreSQL.

Selected by a database URL (``--db postgresql://team@db.example/cyberkind``, the
``db`` setting or ``CYBERKIND_DB``); needs ``pip install 'cyberkind[postgres]'``
(psycopg 3). Opening a store runs any pending :mod:`migrations
<cyberkind.store.pg_migrations>`, which have the SQLite list's versions and names.

The connection is in autocommit mode: a method that writes several rows opens a
transaction, and ``with store.transaction():`` joins every write inside it into
one (nested transactions join the outer one, as in the SQLite store). Passwords
never go in the URL: libpq reads ``PGPASSWORD`` or ``~/.pgpass`` (docs/teams.md).

Differences from the SQLite store, by design:

- Link search ranks with ``ts_rank`` over a weighted ``tsvector`` (title, tags,
  description) instead of FTS5's bm25, so scores and the order of near-ties can
  differ; what matches (English stemming of any of the words) is the same.
- Text is ordered with the ``"C"`` collation (code points), as SQLite orders it.

Alike by design: U+0000, which PostgreSQL refuses in text, becomes U+FFFD on
both stores (:mod:`cyberkind.store._text`).

**Usage**::

    from cyberkind.store.postgres import PostgresStore

    with PostgresStore("postgresql://team@127.0.0.1/cyberkind") as store:
        print(store.cursors())
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from ..errors import ConfigError, StoreError
from ._members import MemberTables
from ._text import NulFreeTables, rows_without_nul, without_nul
from ._wall import WallTables
from .pg_migrations import migrate

__all__ = ["PostgresStore", "is_postgres_url", "redact_url"]

_URL = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)
# ts_headline marks each matched word between these, as FTS5's highlight() does.
_HEADLINE = "StartSel=\x02, StopSel=\x03, HighlightAll=true"
# ts_rank weights {D, C, B, A}: title (A) 1.0, tags (B) 0.6, description (C) 0.2.
_WEIGHTS = "{0.1, 0.2, 0.6, 1.0}"


def is_postgres_url(db: object) -> bool:
    """Whether ``db`` names a PostgreSQL database (``postgresql://`` or ``postgres://``)."""
    return bool(_URL.match(str(db)))


def redact_url(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    return re.sub(r"^(postgres(?:ql)?://[^:/@]*):[^@/]*@", r"\1:***@", url, flags=re.IGNORECASE)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise ConfigError(
            "a PostgreSQL store needs psycopg. You can fix this by installing the extra: "
            "pip install 'cyberkind[postgres]'."
        ) from None
    return psycopg


class PostgresStore(NulFreeTables, WallTables, MemberTables):
    """The :class:`~cyberkind.store.base.Store` protocol on a PostgreSQL database.

    The logic is :class:`~cyberkind.store._common.StoreTables` (shared with the SQLite
    store), the ideas wall's :class:`~cyberkind.store._wall.WallTables` and the team's
    :class:`~cyberkind.store._members.MemberTables`; here are PostgreSQL's hooks.
    """

    _COLLATE = ' COLLATE "C"'
    _FOR_UPDATE = " FOR UPDATE"
    _INSERT_IGNORE = "INSERT"
    _IGNORE_CONFLICT = " ON CONFLICT DO NOTHING"
    _IN_CHUNK = None
    _OPPORTUNITY_CONFLICT = (
        " ON CONFLICT (id) DO UPDATE SET act = excluded.act, "
        "person = excluded.person, item_ids = excluded.item_ids, "
        "reason = excluded.reason, priority = excluded.priority, "
        "is_idea = excluded.is_idea, url = excluded.url, "
        "created_at = excluded.created_at "
        "WHERE opportunities.state NOT IN ('done', 'dismissed')"
    )

    def __init__(self, url: str) -> None:
        psycopg = _psycopg()
        self.url = url
        self._errors = psycopg.Error
        try:
            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=15)
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to the PostgreSQL store {redact_url(url)} "
                f"({str(exc).strip()}). You can fix this by checking that the server is "
                "running and the URL, user and database are right (the password comes from "
                "PGPASSWORD or ~/.pgpass)."
            ) from exc
        try:
            migrate(self._conn)
        except BaseException:
            self._conn.close()
            raise
        self._depth = 0

    def __enter__(self) -> PostgresStore:
        return self

    def close(self) -> None:
        """Close the connection (uncommitted work is rolled back)."""
        self._conn.close()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run raw SQL (``%s`` placeholders) and return every row as a dict (tests, debugging).

        NUL in text parameters becomes U+FFFD (:mod:`cyberkind.store._text`).
        """
        from psycopg.rows import dict_row

        with self._conn.cursor(row_factory=dict_row) as cur:
            cur.execute(sql, without_nul(params) or None)
            return list(cur.fetchall()) if cur.description else []

    # -- PostgreSQL's hooks (the shared SQL's ``?`` placeholders become ``%s``) -------------

    def _outer_transaction(self) -> AbstractContextManager[None]:
        transaction: AbstractContextManager[None] = self._conn.transaction()
        return transaction

    @contextmanager
    def _snapshot_transaction(self) -> Iterator[None]:
        # REPEATABLE READ: every statement inside sees the snapshot of the first one
        # (READ COMMITTED, the default, takes a new one per statement).
        with self._conn.transaction():
            self._conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return self.execute(sql.replace("?", "%s"), params)

    def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._conn.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), without_nul(params) or None)
            return int(cur.rowcount)

    def _write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._conn.cursor() as cur:
            cur.executemany(sql.replace("?", "%s"), rows_without_nul(rows))

    def _insert_id(self, sql: str, params: Sequence[Any]) -> int:
        row = self._one(sql + " RETURNING id", params)
        assert row is not None
        return int(row["id"])

    def _in(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return f"{column} = ANY(?)", [list(values)]

    def _search_rows(self, words: Sequence[str], limit: int) -> list[dict[str, Any]]:
        """Rank with ``ts_rank`` over the weighted ``tsvector`` (title, then tags, weigh most).

        Each word goes through ``plainto_tsquery`` as a parameter, so query syntax in a
        message (``&``, ``|``, ``!``, quotes) stays text; the words are OR'ed.
        """
        query = " || ".join(["plainto_tsquery('english', %s)"] * len(words))
        return self.execute(
            f"WITH q AS (SELECT {query} AS query) "
            "SELECT links.*, ts_rank(%s, links.search, q.query, 1) AS rank, "
            "ts_headline('english', links.title, q.query, %s) AS h0, "
            "ts_headline('english', links.description, q.query, %s) AS h1, "
            "ts_headline('english', links.tags, q.query, %s) AS h2 "
            "FROM links, q WHERE links.search @@ q.query "
            "ORDER BY rank DESC, links.id LIMIT %s",
            (*words, _WEIGHTS, _HEADLINE, _HEADLINE, _HEADLINE, limit),
        )

    # -- copying between stores (cyberkind db copy) -----------------------------------------

    def dump_rows(self, table: str, columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """Every row of ``table`` (``columns`` in order), for :mod:`cyberkind.store.transfer`."""
        # A server-side (named) cursor streams; it needs a transaction around it.
        with self.transaction(), self._conn.cursor(name=f"dump_{table}") as cur:
            cur.itersize = 1000
            cur.execute(f"SELECT {', '.join(columns)} FROM {table}")
            yield from (tuple(row) for row in cur)

    def load_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Insert rows as they are (ids included), then move the table's id sequence past them.

        NUL in text becomes U+FFFD (:mod:`cyberkind.store._text`): a SQLite store written
        before that rule may still hold some, and PostgreSQL refuses them.
        """
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        with self.transaction():
            with self._conn.cursor() as cur:
                batch: list[Sequence[Any]] = []
                for row in rows_without_nul(rows):
                    batch.append(row)
                    if len(batch) >= 1000:
                        cur.executemany(sql, batch)
                        batch = []
                if batch:
                    cur.executemany(sql, batch)
            sequence = (
                self._one("SELECT pg_get_serial_sequence(%s, 'id') AS s", (table,))
                if "id" in columns
                else None
            )
            if sequence and sequence["s"]:
                self._conn.execute(
                    f"SELECT setval('{sequence['s']}', "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )

    def describe(self) -> str:
        """Where the store is, for messages (the URL without its password)."""
        return redact_url(self.url)
