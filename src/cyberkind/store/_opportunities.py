"""Opportunities and what hangs on them (drafts, gold stars, the outbox, claims and the
team's shared settings): a mixin of both stores, on their dialect hooks."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from ..errors import NotFoundError, StoreError
from ..models import (
    CLOSED_STATES,
    Act,
    Opportunity,
    Priority,
    StarAward,
    State,
)
from ._sql import Row, SQLTables, from_row, to_iso
from .base import OutboxEntry

__all__ = ["OpportunityTables"]

_MIN_PREFIX = 4


class OpportunityTables(SQLTables):
    """Opportunities, their drafts, the gold-star ledger, the outbox, claims and team settings."""

    # A new opportunity's INSERT ends with this (PostgreSQL: an upsert that keeps closed rows).
    _OPPORTUNITY_CONFLICT = ""

    # -- opportunities ----------------------------------------------------------------------

    def save_thread_opportunities(
        self, source: str, thread_key: str, opportunities: Sequence[Opportunity]
    ) -> None:
        """Replace one thread's derived opportunities, keeping what the user decided.

        New ones open; existing ones get fresh reasons and items unless done or
        dismissed. One that no longer applies (say, the user answered the
        comment) disappears while still open, and counts as done if the user
        had drafted or snoozed it. On PostgreSQL the thread's rows are locked
        (``FOR UPDATE``) so that two members syncing the same source at once apply
        their derivations one after the other.
        """
        self.save_derived(source, {thread_key: opportunities})

    def save_derived(
        self,
        source: str,
        derived: Mapping[str, Sequence[Opportunity]],
        scopes: Mapping[str, Collection[str]] | None = None,
        candidates: Iterable[str] = (),
    ) -> None:
        """:meth:`save_thread_opportunities` for many threads at once (one read for all).

        ``scopes[thread_key]``, when given, names the items whose opportunities were derived
        again: only the thread's existing opportunities whose items all lie in it are
        replaced, the others stay as they are. Then only the rows with the derived ids or the
        ``candidates`` ids (every id the scoped items' opportunities can have) are read, not
        the whole thread. Rows whose values did not change are not written again.
        """
        if not derived:
            return
        with self.transaction():
            if scopes is None:
                by, wanted = "thread_key", sorted(derived)
            else:  # only the rows these items' opportunities can have: theirs and the derived
                derived_ids = {o.id for opps in derived.values() for o in opps}
                by, wanted = "id", sorted(set(candidates) | derived_ids)
            rows = self._select_in(
                "SELECT id, thread_key, state, item_ids, act, person, reason, priority, "
                "is_idea, url, created_at FROM opportunities WHERE source = ? AND {}"
                + self._FOR_UPDATE,
                (source,),
                by,
                wanted,
            )
            if scopes is not None:
                rows = [r for r in rows if r["thread_key"] in derived]
            stored = {r["id"]: r for r in rows}
            for thread_key, opp in ((k, o) for k, opps in derived.items() for o in opps):
                row = stored.get(opp.id)
                state = None if row is None else State(row["state"])
                if state in CLOSED_STATES:
                    continue
                values = (
                    opp.act.value,
                    opp.person,
                    json.dumps(list(opp.item_ids)),
                    opp.reason,
                    int(opp.priority),
                    int(opp.is_idea),
                    opp.url,
                    to_iso(opp.created_at),
                )
                if row is None:
                    self._write(
                        "INSERT INTO opportunities (act, person, item_ids, reason, priority, "
                        "is_idea, url, created_at, id, source, thread_key) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + self._OPPORTUNITY_CONFLICT,
                        (*values, opp.id, source, thread_key),
                    )
                    self._link_items(opp)
                    continue
                before = (
                    row["act"],
                    row["person"],
                    row["item_ids"],
                    row["reason"],
                    int(row["priority"]),
                    int(row["is_idea"]),
                    row["url"],
                    row["created_at"],
                )
                if before != values:
                    self._write(
                        "UPDATE opportunities SET act = ?, person = ?, item_ids = ?, reason = ?, "
                        "priority = ?, is_idea = ?, url = ?, created_at = ? WHERE id = ?",
                        (*values, opp.id),
                    )
                if tuple(json.loads(row["item_ids"])) != opp.item_ids:
                    self._link_items(opp)
            kept = {opp.id for opps in derived.values() for opp in opps}
            for opp_id, row in stored.items():
                state = State(row["state"])
                if opp_id in kept or state in CLOSED_STATES:
                    continue
                scope = None if scopes is None else scopes.get(row["thread_key"])
                if scope is not None and not set(json.loads(row["item_ids"])) <= set(scope):
                    continue  # not derived again: it stays as it is
                if state is State.OPEN:
                    self._write("DELETE FROM opportunities WHERE id = ?", (opp_id,))
                else:
                    self._write(
                        "UPDATE opportunities SET state = 'done', snooze_until = NULL WHERE id = ?",
                        (opp_id,),
                    )

    def _link_items(self, opp: Opportunity) -> None:
        self._write("DELETE FROM opportunity_items WHERE opportunity_id = ?", (opp.id,))
        self._select_in(
            "INSERT INTO opportunity_items (opportunity_id, item_id) SELECT ?, id FROM items "
            "WHERE source = ? AND {}" + self._IGNORE_CONFLICT,
            (opp.id, opp.source),
            "remote_id",
            opp.item_ids,
        )

    def opportunities(
        self,
        *,
        acts: Iterable[str] | None = None,
        sources: Iterable[str] | None = None,
        states: Iterable[State] | None = None,
        thread_key: str | None = None,
    ) -> list[Opportunity]:
        """Stored opportunities, most urgent first, then oldest first."""
        where: list[str] = []
        params: list[Any] = []
        for column, values in (("act", acts), ("source", sources), ("state", states)):
            if values is not None:
                condition, extra = self._in(column, [str(v) for v in values])
                where.append(condition)
                params.extend(extra)
        if thread_key is not None:
            where.append("thread_key = ?")
            params.append(thread_key)
        sql = "SELECT * FROM opportunities"
        if where:
            sql += " WHERE " + " AND ".join(where)
        # Undated items keep the order they were imported in (their first item's row id).
        c = self._COLLATE
        sql += (
            f" ORDER BY priority, created_at IS NULL, created_at{c}, (SELECT MIN(item_id) FROM "
            f"opportunity_items WHERE opportunity_id = opportunities.id), id{c}"
        )
        return [_opportunity(row) for row in self._rows(sql, params)]

    def thread_opportunities(
        self, source: str, thread_keys: Iterable[str], *, acts: Iterable[str] | None = None
    ) -> list[Opportunity]:
        """The stored opportunities of these threads of ``source`` (of ``acts``, if given),
        in one query, by id."""
        sql = "SELECT * FROM opportunities WHERE source = ? AND "
        params: list[Any] = [source]
        if acts is not None:
            condition, extra = self._in("act", [str(a) for a in acts])
            sql += condition + " AND "
            params.extend(extra)
        rows = self._select_in(sql + "{}", params, "thread_key", thread_keys)
        return sorted((_opportunity(row) for row in rows), key=lambda o: o.id)

    def get_opportunity(self, id_or_prefix: str) -> Opportunity:
        """The opportunity with this id, or with this unique prefix (4 characters or more)."""
        wanted = id_or_prefix.strip().lower()
        rows = self._rows("SELECT * FROM opportunities WHERE id = ?", (wanted,))
        if not rows and wanted.isalnum():
            rows = self._rows(
                "SELECT * FROM opportunities WHERE id LIKE ? ORDER BY id LIMIT 11",
                (wanted + "%",),
            )
            if len(rows) == 1 and len(wanted) < _MIN_PREFIX:
                rows = []  # a unique prefix needs 4 characters, so that typos do not match
        if len(rows) > 1:
            listed = ", ".join(str(r["id"]) for r in rows[:10])
            more = ", ..." if len(rows) > 10 else ""
            raise NotFoundError(
                f"more than one opportunity has an id starting with {wanted!r} "
                f"({listed}{more}). You can fix this by giving more of the id, as listed by "
                "`cyberkind inbox`."
            )
        if not rows:
            raise NotFoundError(
                f"no opportunity has the id {id_or_prefix!r}. You can fix this by copying an "
                "id from `cyberkind inbox --state all`."
            )
        return _opportunity(rows[0])

    def set_state(
        self, opportunity_id: str, state: State, snooze_until: datetime | None = None
    ) -> Opportunity:
        """Move an opportunity to ``state`` (``snooze_until`` only with ``snoozed``)."""
        if (state is State.SNOOZED) != (snooze_until is not None):
            raise StoreError(
                "a snoozed opportunity needs a time to wake, and only a snoozed one. "
                "You can fix this by passing --until or --for with snooze."
            )
        opp = self.get_opportunity(opportunity_id)
        self._write(
            "UPDATE opportunities SET state = ?, snooze_until = ? WHERE id = ?",
            (state.value, to_iso(snooze_until), opp.id),
        )
        return self.get_opportunity(opp.id)

    def wake_snoozed(self, now: datetime) -> int:
        """Reopen snoozed opportunities whose time has come; return how many."""
        return self._write(
            "UPDATE opportunities SET state = 'open', snooze_until = NULL "
            "WHERE state = 'snoozed' AND snooze_until <= ?",
            (to_iso(now),),
        )

    # -- drafts and the gold-star ledger ----------------------------------------------------

    def save_draft(self, opportunity_id: str, payload: Mapping[str, Any]) -> None:
        """Keep the latest draft of an opportunity (a JSON-serialisable mapping)."""
        self._write(
            "INSERT INTO drafts (opportunity_id, payload, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (opportunity_id) DO UPDATE SET payload = excluded.payload, "
            "created_at = excluded.created_at",
            (opportunity_id, json.dumps(dict(payload)), to_iso(datetime.now(UTC))),
        )

    def saved_draft(self, opportunity_id: str) -> dict[str, Any] | None:
        """The latest saved draft of an opportunity, or ``None``."""
        row = self._one("SELECT payload FROM drafts WHERE opportunity_id = ?", (opportunity_id,))
        if row is None:
            return None
        payload: dict[str, Any] = json.loads(row["payload"])
        return payload

    def award_stars(self, award: StarAward) -> bool:
        """Add a line to the gold-star ledger; ``False`` when a draft's stars were already in."""
        touched = self._write(
            f"{self._INSERT_IGNORE} INTO stars (person, handle, count, reason, opportunity_id, "
            "source, item_id, awarded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)" + self._IGNORE_CONFLICT,
            (
                award.person,
                award.handle,
                award.count,
                award.reason,
                award.opportunity_id,
                award.source,
                award.item_id,
                to_iso(award.awarded_at or datetime.now(UTC)),
            ),
        )
        return touched > 0

    def star_awards(self, person: str | None = None) -> list[StarAward]:
        """The ledger, oldest first, optionally for one person."""
        rows = self._select_where("stars", "person", person, f"awarded_at{self._COLLATE}, id")
        columns = "person count reason handle opportunity_id source item_id"
        return [from_row(StarAward, row, columns, "awarded_at") for row in rows]

    # -- the outbox -------------------------------------------------------------------------

    def outbox_begin(
        self, key: str, opportunity_id: str, source: str, parent_remote_id: str
    ) -> OutboxEntry:
        """Record an attempt to post ``key`` (``pending`` if new; counts the attempt); return it."""
        now = to_iso(datetime.now(UTC))
        with self.transaction():
            self._write(
                "INSERT INTO outbox (key, opportunity_id, source, parent_remote_id, state, "
                "attempts, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) "
                "ON CONFLICT (key) DO NOTHING",
                (key, opportunity_id, source, parent_remote_id, now, now),
            )
            self._write(
                "UPDATE outbox SET attempts = attempts + 1, updated_at = ? "
                "WHERE key = ? AND state = 'pending'",
                (now, key),
            )
        return self._outbox_entry(key)

    def outbox_sent(self, key: str, remote_id: str) -> OutboxEntry:
        """Mark the send ``key`` as posted, with the platform's id of the new item."""
        touched = self._write(
            "UPDATE outbox SET state = 'sent', remote_id = ?, updated_at = ? WHERE key = ?",
            (remote_id, to_iso(datetime.now(UTC)), key),
        )
        if touched == 0:
            raise NotFoundError(
                f"no send with the key {key!r} is in the outbox. You can fix this by "
                "recording it with outbox_begin() before posting."
            )
        return self._outbox_entry(key)

    def outbox(self, opportunity_id: str | None = None) -> list[OutboxEntry]:
        """The outbox, oldest first, optionally for one opportunity."""
        c = self._COLLATE
        rows = self._select_where(
            "outbox", "opportunity_id", opportunity_id, f"created_at{c}, key{c}"
        )
        return [_outbox_entry(row) for row in rows]

    def _outbox_entry(self, key: str) -> OutboxEntry:
        return _outbox_entry(self._one("SELECT * FROM outbox WHERE key = ?", (key,)))

    # -- team mode: claims and shared settings ----------------------------------------------

    def claim(self, opportunity_id: str, member: str) -> str:
        """Claim an opportunity for ``member`` unless someone holds it; return the holder.

        The claim is the table's primary key, and a concurrent insert waits for the
        first one to commit (SQLite's ``BEGIN IMMEDIATE`` serialises writers; on
        PostgreSQL ``INSERT ... ON CONFLICT DO NOTHING`` waits, then inserts nothing),
        so of several members claiming at once exactly one wins.
        """
        with self.transaction():
            opp = self.get_opportunity(opportunity_id)
            _check_claimable(opp, member)
            self._write(
                "INSERT INTO claims (opportunity_id, member, claimed_at) VALUES (?, ?, ?) "
                "ON CONFLICT (opportunity_id) DO NOTHING",
                (opp.id, member, to_iso(datetime.now(UTC))),
            )
            holder = self.claim_holder(opp.id)
        if holder is None:  # the opportunity went away between the two statements
            raise NotFoundError(
                f"the opportunity {opp.id} is no longer in the inbox. You can fix this by "
                "choosing another from `cyberkind inbox --unclaimed`."
            )
        return holder

    def release(self, opportunity_id: str, member: str | None = None) -> bool:
        """Drop the claim on an opportunity (only ``member``'s, if given); ``True`` if dropped."""
        opp = self.get_opportunity(opportunity_id)
        sql, params = "DELETE FROM claims WHERE opportunity_id = ?", [opp.id]
        if member is not None:
            sql += " AND member = ?"
            params.append(member)
        return self._write(sql, params) > 0

    def claim_holder(self, opportunity_id: str) -> str | None:
        """Who holds the claim on an opportunity, or ``None``."""
        row = self._one("SELECT member FROM claims WHERE opportunity_id = ?", (opportunity_id,))
        return None if row is None else str(row["member"])

    def claims(self) -> dict[str, str]:
        """Every claim: ``{opportunity_id: member}``."""
        rows = self._rows(
            f"SELECT opportunity_id, member FROM claims ORDER BY opportunity_id{self._COLLATE}"
        )
        return {r["opportunity_id"]: r["member"] for r in rows}

    def team_setting(self, key: str) -> str | None:
        """A value the team shares (e.g. ``policy``), or ``None``."""
        row = self._one("SELECT value FROM team_settings WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def set_team_setting(self, key: str, value: str | None, member: str | None = None) -> None:
        """Set (or, with ``None``, remove) a value the team shares."""
        if value is None:
            self._write("DELETE FROM team_settings WHERE key = ?", (key,))
            return
        self._write(
            "INSERT INTO team_settings (key, value, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (key, value, member, to_iso(datetime.now(UTC))),
        )


def _check_claimable(opp: Opportunity, member: str) -> None:
    """Refuse an empty member name, and claims on opportunities that are closed."""
    if not member.strip():
        raise StoreError(
            "a claim needs the member's name. You can fix this by passing --as NAME, or "
            "setting CYBERKIND_USER."
        )
    if opp.state in CLOSED_STATES:
        raise StoreError(
            f"the opportunity {opp.id} is {opp.state.value}, so there is nothing to claim. "
            "You can fix this by choosing an open one from `cyberkind inbox --unclaimed`."
        )


def _opportunity(row: Row) -> Opportunity:
    return from_row(
        Opportunity,
        row,
        "id person source reason thread_key url",
        "snooze_until created_at",
        act=Act(row["act"]),
        item_ids=tuple(json.loads(row["item_ids"])),
        priority=Priority(row["priority"]),
        state=State(row["state"]),
        is_idea=bool(row["is_idea"]),
    )


def _outbox_entry(row: Row) -> OutboxEntry:
    columns = "key opportunity_id source parent_remote_id state remote_id attempts"
    return from_row(OutboxEntry, row, columns, "created_at updated_at")
