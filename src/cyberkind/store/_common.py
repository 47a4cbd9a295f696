"""What the SQLite and PostgreSQL stores share: one implementation, small dialect hooks.

:class:`~cyberkind.store._sql.SQLTables` holds transaction nesting and the hooks a backend
fills in; :class:`StoreTables` holds the logic of the :class:`~cyberkind.store.base.Store`
protocol on top of them, one mixin per noun: items and cursors (:mod:`._items`),
opportunities, drafts, stars, the outbox and claims (:mod:`._opportunities`), the link
library (:mod:`._links`); followed feeds and accounts are here. The ideas wall
(:mod:`cyberkind.store._wall`) and team members (:mod:`cyberkind.store._members`) are
mixins on the same hooks.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ..errors import NotFoundError, StoreError
from ..models import (
    Account,
    Feed,
)
from ._items import ItemTables
from ._links import LinkTables
from ._opportunities import OpportunityTables
from ._sql import Row, SQLTables, content_hash, from_iso, to_iso

# Re-exported: the stores and the other mixins imported these from here before the split.
__all__ = ["Row", "SQLTables", "StoreTables", "content_hash", "from_iso", "to_iso"]


class StoreTables(ItemTables, OpportunityTables, LinkTables):
    """The :class:`~cyberkind.store.base.Store` protocol's logic, once for both backends.

    Each noun is a mixin of its own module; followed feeds, accounts and the schema
    version are here.
    """

    # -- followed feeds and accounts --------------------------------------------------------

    def add_feed(self, url: str, *, comments: bool = False) -> bool:
        """Follow a feed (or change its ``comments`` flag); ``True`` if it was new."""
        with self.transaction():
            known = self._one("SELECT 1 AS one FROM feeds WHERE url = ?", (url,))
            self._write(
                "INSERT INTO feeds (url, comments, added_at) VALUES (?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET comments = excluded.comments",
                (url, int(comments), to_iso(datetime.now(UTC))),
            )
        return known is None

    def remove_feed(self, url: str) -> bool:
        """Stop following a feed; ``True`` if it was followed. Its items stay."""
        return self._write("DELETE FROM feeds WHERE url = ?", (url,)) > 0

    def feeds(self) -> list[Feed]:
        """The followed feeds, by URL."""
        rows = self._rows(f"SELECT url, comments FROM feeds ORDER BY url{self._COLLATE}")
        return [Feed(row["url"], bool(row["comments"])) for row in rows]

    def add_account(self, account: Account) -> bool:
        """Connect an account (or update its url, handle and options); ``True`` if new."""
        with self.transaction():
            known = self._one(
                f"SELECT platform FROM accounts WHERE name = ?{self._FOR_UPDATE}", (account.name,)
            )
            if known is not None and known["platform"] != account.platform:
                raise StoreError(
                    f"the account {account.name!r} is already a {known['platform']} account. "
                    "You can fix this by choosing another name, or removing it first with "
                    f"`cyberkind accounts remove {account.name}`."
                )
            self._write(
                "INSERT INTO accounts (name, platform, url, handle, options, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                "url = excluded.url, handle = excluded.handle, options = excluded.options",
                (
                    account.name,
                    account.platform,
                    account.url,
                    account.handle,
                    json.dumps(dict(account.options), sort_keys=True),
                    to_iso(datetime.now(UTC)),
                ),
            )
        return known is None

    def remove_account(self, name: str) -> bool:
        """Forget an account; ``True`` if it existed. Its items and cursor stay."""
        return self._write("DELETE FROM accounts WHERE name = ?", (name,)) > 0

    def accounts(self) -> list[Account]:
        """The connected accounts, by name."""
        rows = self._rows(
            "SELECT name, platform, url, handle, options FROM accounts "
            f"ORDER BY name{self._COLLATE}"
        )
        return [_account(row) for row in rows]

    def get_account(self, name: str) -> Account:
        """The account called ``name``; raise NotFoundError."""
        row = self._one(
            "SELECT name, platform, url, handle, options FROM accounts WHERE name = ?", (name,)
        )
        if row is None:
            raise NotFoundError(
                f"no account is called {name!r}. You can fix this by choosing one from "
                "`cyberkind accounts list`."
            )
        return _account(row)

    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        row = self._one("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version")
        return int(row["v"]) if row else 0


def _account(row: Row) -> Account:
    options = json.loads(row["options"] or "{}")
    return Account(
        name=row["name"],
        platform=row["platform"],
        url=row["url"],
        handle=row["handle"],
        options={str(k): str(v) for k, v in options.items()},
    )
