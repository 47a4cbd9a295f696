"""Versioned schema migrations for the SQLite store.

Each migration is a named function that takes a connection; :data:`MIGRATIONS`
lists them in order and the ``schema_version`` table records which ran. Running
:func:`migrate` twice is a no-op. A released migration never changes: a new
schema change is a new function appended to the list (as in sqlite-utils'
``Migrations``).

**Usage**::

    >>> import sqlite3
    >>> from cyberkind.store.migrations import migrate, SCHEMA_VERSION
    >>> conn = sqlite3.connect(":memory:")
    >>> migrate(conn) == SCHEMA_VERSION
    True
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from ..errors import StoreError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate"]


def _execute_script(conn: sqlite3.Connection, script: str) -> None:
    # Not conn.executescript(): it COMMITs first, which would split a migration from its
    # schema_version row. The schema has no ';' inside strings, so splitting is safe.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def m001_items_cursors_opportunities(conn: sqlite3.Connection) -> None:
    """Items with a stable (source, remote_id), per-source cursors, opportunities."""
    _execute_script(
        conn,
        """
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            remote_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            author_handle TEXT NOT NULL,
            author_name TEXT NOT NULL,
            author_url TEXT,
            text TEXT NOT NULL DEFAULT '',
            url TEXT,
            parent_remote_id TEXT,
            thread_key TEXT NOT NULL,
            thread_id TEXT,
            created_at TEXT,
            is_own INTEGER NOT NULL CHECK (is_own IN (0, 1)),
            raw TEXT NOT NULL DEFAULT '{}',
            content_hash TEXT NOT NULL,
            scores TEXT,
            UNIQUE (source, remote_id)
        );
        CREATE INDEX items_thread ON items (source, thread_key);
        CREATE INDEX items_parent ON items (source, parent_remote_id);

        CREATE TABLE cursors (
            source TEXT PRIMARY KEY,
            cursor TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE opportunities (
            id TEXT PRIMARY KEY,
            act TEXT NOT NULL,
            person TEXT NOT NULL,
            source TEXT NOT NULL,
            thread_key TEXT NOT NULL,
            item_ids TEXT NOT NULL,
            reason TEXT NOT NULL,
            priority INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'open'
                CHECK (state IN ('open', 'drafted', 'done', 'snoozed', 'dismissed')),
            snooze_until TEXT,
            is_idea INTEGER NOT NULL DEFAULT 0 CHECK (is_idea IN (0, 1)),
            url TEXT,
            created_at TEXT,
            CHECK ((state = 'snoozed') = (snooze_until IS NOT NULL))
        );
        CREATE INDEX opportunities_thread ON opportunities (source, thread_key);
        CREATE INDEX opportunities_state ON opportunities (state, priority);

        CREATE TABLE opportunity_items (
            opportunity_id TEXT NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
            item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
            PRIMARY KEY (opportunity_id, item_id)
        );
        """,
    )


def m002_feeds(conn: sqlite3.Connection) -> None:
    """The RSS/Atom feeds the user follows (URLs only: feeds need no credentials)."""
    _execute_script(
        conn,
        """
        CREATE TABLE feeds (
            url TEXT PRIMARY KEY,
            comments INTEGER NOT NULL DEFAULT 0 CHECK (comments IN (0, 1)),
            added_at TEXT NOT NULL
        );
        """,
    )


def m003_drafts_and_stars(conn: sqlite3.Connection) -> None:
    """The last draft of each opportunity, and the gold-star ledger (who, how many, why, when).

    A star row that comes from a draft names its opportunity; the partial unique index
    makes recording a draft's stars twice (a retried ``done``) a no-op.
    """
    _execute_script(
        conn,
        """
        CREATE TABLE drafts (
            opportunity_id TEXT PRIMARY KEY,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        CREATE TABLE stars (
            id INTEGER PRIMARY KEY,
            person TEXT NOT NULL,
            handle TEXT,
            count INTEGER NOT NULL CHECK (count > 0),
            reason TEXT NOT NULL DEFAULT '',
            opportunity_id TEXT,
            source TEXT,
            item_id TEXT,
            awarded_at TEXT NOT NULL
        );
        CREATE INDEX stars_person ON stars (person);
        CREATE UNIQUE INDEX stars_once_per_draft ON stars (opportunity_id, person)
            WHERE opportunity_id IS NOT NULL
        """,
    )


def m004_accounts(conn: sqlite3.Connection) -> None:
    """Live platform accounts: where and who (never a secret; those live in the keyring)."""
    _execute_script(
        conn,
        """
        CREATE TABLE accounts (
            name TEXT PRIMARY KEY,
            platform TEXT NOT NULL,
            url TEXT NOT NULL,
            handle TEXT,
            options TEXT NOT NULL DEFAULT '{}',
            added_at TEXT NOT NULL
        );
        """,
    )


def m005_links(conn: sqlite3.Connection) -> None:
    """The useful-link library and its FTS5 index, kept in step by triggers.

    ``links_fts`` is an external-content FTS5 table over ``links`` (title, description,
    tags; porter stemming); the three triggers update it in the same transaction as
    every insert, update and delete, so the index never drifts from the table.
    """
    _execute_script(
        conn,
        """
        CREATE TABLE links (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '',
            origin TEXT NOT NULL CHECK (origin IN ('post', 'bookmarks', 'csv')),
            added_at TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE links_fts USING fts5(
            title, description, tags,
            content='links', content_rowid='id', tokenize='porter unicode61'
        )
        """,
    )
    # Trigger bodies hold ';', so each runs as one statement rather than through the splitter.
    conn.execute(
        "CREATE TRIGGER links_ai AFTER INSERT ON links BEGIN "
        "INSERT INTO links_fts (rowid, title, description, tags) "
        "VALUES (new.id, new.title, new.description, new.tags); END"
    )
    conn.execute(
        "CREATE TRIGGER links_ad AFTER DELETE ON links BEGIN "
        "INSERT INTO links_fts (links_fts, rowid, title, description, tags) "
        "VALUES ('delete', old.id, old.title, old.description, old.tags); END"
    )
    conn.execute(
        "CREATE TRIGGER links_au AFTER UPDATE ON links BEGIN "
        "INSERT INTO links_fts (links_fts, rowid, title, description, tags) "
        "VALUES ('delete', old.id, old.title, old.description, old.tags); "
        "INSERT INTO links_fts (rowid, title, description, tags) "
        "VALUES (new.id, new.title, new.description, new.tags); END"
    )


def m007_outbox(conn: sqlite3.Connection) -> None:
    """The outbox: each send is recorded (pending) before it is posted, then marked sent.

    ``key`` is the idempotency key (from the opportunity and the text), so a retry
    after a timeout or a crash finds the attempt and never posts twice.
    """
    _execute_script(
        conn,
        """
        CREATE TABLE outbox (
            key TEXT PRIMARY KEY,
            opportunity_id TEXT NOT NULL,
            source TEXT NOT NULL,
            parent_remote_id TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'sent')),
            remote_id TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX outbox_opportunity ON outbox (opportunity_id);
        """,
    )


def m006_ideas_wall(conn: sqlite3.Connection) -> None:
    """The public ideas wall: ideas, every submission (one row each), visitor stars, config.

    An idea merges near-duplicate submissions: each submission keeps its own row (its author,
    words and client), so every accepted submission is stored exactly once and every author
    is credited. ``nonce`` makes a retried form post a no-op. ``voter`` and ``client`` are
    salted hashes, never raw addresses. ``web_config`` holds the owner's password *hash* and
    the web settings (never a plain password).
    """
    _execute_script(
        conn,
        """
        CREATE TABLE ideas (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'published'
                CHECK (status IN ('published', 'pending', 'rejected')),
            reason TEXT NOT NULL DEFAULT '',
            thanks TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX ideas_status ON ideas (status, id);

        CREATE TABLE idea_submissions (
            id INTEGER PRIMARY KEY,
            idea_id INTEGER NOT NULL REFERENCES ideas (id) ON DELETE CASCADE,
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            client TEXT NOT NULL DEFAULT '',
            nonce TEXT UNIQUE,
            submitted_at TEXT NOT NULL
        );
        CREATE INDEX idea_submissions_idea ON idea_submissions (idea_id);
        CREATE INDEX idea_submissions_client ON idea_submissions (client, submitted_at);

        CREATE TABLE idea_stars (
            idea_id INTEGER NOT NULL REFERENCES ideas (id) ON DELETE CASCADE,
            voter TEXT NOT NULL,
            starred_at TEXT NOT NULL,
            PRIMARY KEY (idea_id, voter)
        );

        CREATE TABLE web_config (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """,
    )


def m008_team(conn: sqlite3.Connection) -> None:
    """Team mode: who answers which opportunity (claims), and settings the team shares.

    ``claims`` has one row per claimed opportunity (its primary key), so two members
    claiming at once cannot both win. ``team_settings`` holds shared values such as
    the team's guard policy (key ``policy``, the TOML text).
    """
    _execute_script(
        conn,
        """
        CREATE TABLE claims (
            opportunity_id TEXT PRIMARY KEY REFERENCES opportunities (id) ON DELETE CASCADE,
            member TEXT NOT NULL,
            claimed_at TEXT NOT NULL
        );
        CREATE INDEX claims_member ON claims (member);

        CREATE TABLE team_settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_by TEXT,
            updated_at TEXT NOT NULL
        );
        """,
    )


def m009_idea_submission_urls(conn: sqlite3.Connection) -> None:
    """A link back to where an idea came from (an inbox item's public URL), per submission.

    Ideas the owner puts on the wall from the inbox credit their author with a link to the
    source comment when it is public; visitors' submissions leave it empty.
    """
    conn.execute("ALTER TABLE idea_submissions ADD COLUMN url TEXT")


def m010_team_members(conn: sqlite3.Connection) -> None:
    """Team members with their own web logins: name, display name, role, password hash.

    ``role`` is ``owner`` or ``member``; ``password_hash`` is an argon2id hash (never the
    password) or NULL for a member without a web login; ``disabled`` is 0/1. While the
    table is empty, the single owner password in ``web_config`` keeps working.
    """
    _execute_script(
        conn,
        """
        CREATE TABLE members (
            name TEXT PRIMARY KEY,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
            password_hash TEXT,
            created_at TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
        );
        """,
    )


# Positional: a migration's version is its place in this tuple.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    m001_items_cursors_opportunities,
    m002_feeds,
    m003_drafts_and_stars,
    m004_accounts,
    m005_links,
    m006_ideas_wall,
    m007_outbox,
    m008_team,
    m009_idea_submission_urls,
    m010_team_members,
)
SCHEMA_VERSION = len(MIGRATIONS)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# Both backends record their migrations in this table (helpers shared with pg_migrations).
_SCHEMA_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


def _refuse_newer(current: int, known: int) -> None:
    """Refuse a database written by a newer cyberkind rather than guessing."""
    if current > known:
        raise StoreError(
            f"the store has schema version {current}, newer than this cyberkind knows "
            f"({known}). You can fix this by upgrading cyberkind "
            "(pip install -U cyberkind)."
        )


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every migration not yet recorded, each in its own transaction; return the version.

    Refuses a database written by a newer cyberkind rather than guessing.
    """
    conn.execute(_SCHEMA_VERSION_TABLE)
    row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
    current = int(row[0])
    _refuse_newer(current, SCHEMA_VERSION)
    for version, migration in enumerate(MIGRATIONS, start=1):
        if version <= current:
            continue
        # A migration and its version row commit together, or not at all.
        conn.execute("BEGIN IMMEDIATE")
        # Another connection may have migrated while we waited for the write lock (two
        # processes opening a new store at once): read the version again under the lock.
        row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
        if int(row[0]) >= version:
            conn.execute("COMMIT")
            continue
        try:
            migration(conn)
            conn.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (version, migration.__name__, _now()),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return SCHEMA_VERSION
