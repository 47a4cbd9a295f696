"""The kindness inbox: which kind act fits each item, how urgent it is, and what the user did.

Which acts fit which items, and how urgent each is, are the rules of
:mod:`cyberkind.derivation` (re-exported here: :func:`derive_opportunities`,
:func:`derive_thread`, :func:`find_idea`, :func:`opportunity_id`); the inbox stores what
they derive and owns every state change after that: drafted, done with its stars, claim
and release, snooze, dismiss.

Ids are stable hashes of (source, act, item), so re-imports keep the user's
states. A group that was done or dismissed stays so; items that arrive later
start a new group.

**Usage**::

    from cyberkind.inbox import Inbox
    from cyberkind.store import open_store

    inbox = Inbox(open_store("inbox.db"))
    for opp in inbox.opportunities(acts=["thank_commenter"]):
        print(opp.id, opp.person, opp.reason)
    inbox.dismiss(opp.id)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from .derivation import (
    _by_thread,
    _context,
    _existing,
    derive_opportunities,
    derive_thread,
    find_idea,
    opportunity_id,
)
from .errors import ClaimedError, ConfigError
from .models import (
    CLOSED_STATES,
    GROUPED_KINDS,
    Act,
    Item,
    Opportunity,
    Priority,
    StarAward,
    State,
)
from .resources import crisis_resources
from .store.base import Store, StoredItem

__all__ = [
    "DEFAULT_STATES",
    "Inbox",
    "Lane",
    "derive_opportunities",
    "derive_thread",
    "find_idea",
    "lane",
    "opportunity_id",
    "record_draft_stars",
]

DEFAULT_STATES: tuple[State, ...] = (State.OPEN, State.DRAFTED)
"""What ``cyberkind inbox`` lists unless ``--state`` says otherwise."""


class Lane(enum.StrEnum):
    """The inbox as a reply queue: what to answer, what needs care first, what is behind you.

    :func:`lane` puts each opportunity in one; ``cyberkind inbox --lane`` and the web inbox's
    tabs both use it.
    """

    TO_REPLY = "to_reply"
    """Open or drafted: a kind reply waits to be written, approved or sent."""
    NEEDS_CARE = "needs_care"
    """A hostile or trolling comment, or spam: let it be, moderate it, or answer calmly."""
    DONE = "done"
    """Done or dismissed (let be, or moderated)."""


def lane(opportunity: Opportunity) -> Lane:
    """The lane of an opportunity: closed states are done, :attr:`Act.NEEDS_CARE` needs care,
    everything else is to reply.

    **Usage**::

        >>> from cyberkind.models import Opportunity, Priority
        >>> opp = Opportunity("ab12", Act.NEEDS_CARE, "Tr", "blog", ("c1",), "", Priority.MENTION)
        >>> lane(opp).value, lane(replace(opp, state=State.DISMISSED)).value
        ('needs_care', 'done')
    """
    if opportunity.state in CLOSED_STATES:
        return Lane.DONE
    if opportunity.act is Act.NEEDS_CARE:
        return Lane.NEEDS_CARE
    return Lane.TO_REPLY


_lane_of = lane  # for Inbox.opportunities, whose ``lane`` argument hides the function


def record_draft_stars(
    store: Store, opportunity: Opportunity, payload: Mapping[str, Any] | None
) -> int:
    """Record the stars of a saved draft once its opportunity is done; return how many.

    Recording twice (a retried ``done``) adds nothing. :meth:`Inbox.done` calls it; it is
    public for the ledger's own tests and tools.
    """
    if not payload:
        return 0
    count = int(payload.get("stars") or 0)
    if count <= 0:
        return 0
    reason = "idea for a kind act" if opportunity.is_idea else f"kind {opportunity.act.value}"
    added = 0
    for person in payload.get("recipients") or [opportunity.person]:
        award = StarAward(
            person=str(person),
            count=count,
            reason=reason,
            opportunity_id=opportunity.id,
            source=opportunity.source,
            item_id=opportunity.item_ids[0] if opportunity.item_ids else None,
        )
        if store.award_stars(award):
            added += count
    return added


class Inbox:
    """The library API behind ``cyberkind inbox``, ``done``, ``snooze`` and ``dismiss``.

    ``crisis_line`` (the ``crisis_line`` setting) is shown first among the
    safety resources that every crisis opportunity carries.
    """

    def __init__(self, store: Store, *, crisis_line: str | None = None) -> None:
        self.store = store
        self.crisis_line = crisis_line

    def refresh(
        self, source: str, thread_keys: Iterable[str], thresholds: Mapping[str, float]
    ) -> None:
        """Re-derive the opportunities of these threads (inside the caller's transaction).

        A handful of queries for all the threads together, whatever their number.
        """
        keys = sorted(set(thread_keys))
        if not keys:
            return
        with self.store.transaction():
            stored = self.store.items_by(source, "thread_key", keys)
            lookup, answered = _context(self.store, source, stored)
            threads = _by_thread(stored)
            grouped = {
                s.item.thread_key
                for s in stored
                if not s.item.is_own and s.item.kind in GROUPED_KINDS
            }
            existing = _existing(self.store, source, grouped)
            derived = {
                key: derive_opportunities(
                    source,
                    key,
                    threads.get(key, []),
                    lookup,
                    answered,
                    existing.get(key, []),
                    thresholds,
                )
                for key in keys
            }
            self.store.save_derived(source, derived)

    def refresh_items(
        self, source: str, changed: Iterable[Item], thresholds: Mapping[str, float]
    ) -> None:
        """Re-derive what the new or changed items ``changed`` (just stored) affect, and
        nothing else: what the import and sync pipeline calls once per batch.

        An item's opportunities depend on the item, its parent, its thread's root and whether
        the user answered it; a group's on the thread's root and grouped items. So the items
        derived again are the changed ones, those whose parent or root changed, and the
        parents of the user's changed replies; and a thread's groups when one of its grouped
        items or its root changed. Each step is one query for the whole batch, so a thread of
        12,000 comments costs no more per batch than a short one.
        """
        items = list(changed)
        if not items:
            return
        ids = {i.remote_id for i in items}
        with self.store.transaction():
            affected = {
                s.item.remote_id: s
                for s in self.store.items_by(
                    source, "remote_id", ids | {i.parent_remote_id or "" for i in items if i.is_own}
                )
            }
            for column in ("parent_remote_id", "thread_key"):
                affected.update(
                    (s.item.remote_id, s) for s in self.store.items_by(source, column, ids)
                )
            group_threads = {
                s.item.thread_key
                for s in affected.values()
                if not s.item.is_own and s.item.kind in GROUPED_KINDS
            } | (ids & {s.item.thread_key for s in affected.values()})
            group_items = (
                self.store.items_by(
                    source, "thread_key", group_threads, kinds=[k.value for k in GROUPED_KINDS]
                )
                if group_threads
                else []
            )
            singles = [s for s in affected.values() if s.item.kind not in GROUPED_KINDS]
            singles.sort(key=_stored_order)
            chosen = singles + [s for s in group_items if s.item.thread_key in group_threads]
            lookup, answered = _context(self.store, source, chosen)
            existing = _existing(self.store, source, group_threads)
            derived: dict[str, list[Opportunity]] = {}
            scopes: dict[str, set[str]] = {}
            for key, stored in _by_thread(chosen).items():
                scopes[key] = {s.item.remote_id for s in stored}
                derived[key] = derive_opportunities(
                    source, key, stored, lookup, answered, existing.get(key, []), thresholds
                )
            # Every id the scoped items' opportunities can have: one per act for each single
            # item, and the groups stored for the threads whose groups were derived again.
            candidates = {
                opportunity_id(source, act, s.item.remote_id) for s in singles for act in Act
            }
            candidates |= {o.id for opps in existing.values() for o in opps}
            self.store.save_derived(source, derived, scopes, candidates)

    def opportunities(
        self,
        *,
        acts: Iterable[str] | None = None,
        sources: Iterable[str] | None = None,
        states: Iterable[State | str] | None = DEFAULT_STATES,
        ideas_only: bool = False,
        lane: Lane | str | None = None,
        now: datetime | None = None,
    ) -> list[Opportunity]:
        """Opportunities by priority; snoozed ones whose time has come are open again.

        ``states=None`` lists every state. ``lane`` keeps one :class:`Lane` (see :func:`lane`);
        the done lane lists done and dismissed ones unless ``states`` names others.
        """
        chosen_lane = None if lane is None else _lane(lane)
        if chosen_lane is Lane.DONE and states == DEFAULT_STATES:
            states = sorted(CLOSED_STATES)
        self.store.wake_snoozed(now or datetime.now(UTC))
        chosen_acts = None if acts is None else [_act(a).value for a in acts]
        chosen_states = None if states is None else [_state(s) for s in states]
        found = self.store.opportunities(acts=chosen_acts, sources=sources, states=chosen_states)
        if ideas_only:
            found = [o for o in found if o.is_idea]
        if chosen_lane is not None:
            found = [o for o in found if _lane_of(o) is chosen_lane]
        return [self._with_resources(o) for o in found]

    def lane_counts(self, *, now: datetime | None = None) -> dict[Lane, int]:
        """How many opportunities each lane holds (to reply and needs care: open and drafted
        ones; done: done and dismissed ones), in the lanes' order."""
        self.store.wake_snoozed(now or datetime.now(UTC))
        shown = [*DEFAULT_STATES, *sorted(CLOSED_STATES)]
        counts = dict.fromkeys(Lane, 0)
        for opp in self.store.opportunities(states=shown):
            counts[lane(opp)] += 1
        return counts

    def get(self, opportunity_id: str) -> Opportunity:
        """One opportunity by id or unique prefix; raises NotFoundError."""
        return self._with_resources(self.store.get_opportunity(opportunity_id))

    def thread(self, opportunity: Opportunity) -> list[StoredItem]:
        """The stored items of an opportunity's thread (or, without one, its own items)."""
        found = (
            self.store.items(opportunity.source, thread_key=opportunity.thread_key)
            if opportunity.thread_key
            else []
        )
        return found or self.store.items(opportunity.source, remote_ids=opportunity.item_ids)

    def done(self, opportunity_id: str) -> Opportunity:
        """Mark an opportunity done: the kind act happened.

        When a draft of it was saved (``cyberkind draft``), its gold stars go into the
        ledger, once.
        """
        return self.mark_done(opportunity_id)[0]

    def mark_done(
        self, opportunity_id: str, draft: Mapping[str, Any] | None = None
    ) -> tuple[Opportunity, int]:
        """Mark an opportunity done and record its draft's gold stars (once); return the
        opportunity and the stars recorded now.

        ``draft`` (the words just sent) is saved first; without it, the saved draft counts.
        Runs in one transaction (inside the caller's, if any): :func:`cyberkind.sending.send_draft`
        calls it with what it posted.
        """
        with self.store.transaction():
            if draft is not None:
                self.store.save_draft(self.store.get_opportunity(opportunity_id).id, dict(draft))
            opp = self.store.set_state(opportunity_id, State.DONE)
            stars = record_draft_stars(self.store, opp, self.store.saved_draft(opp.id))
        return self._with_resources(opp), stars

    def save_draft(self, opportunity_id: str, draft: Mapping[str, Any]) -> Opportunity:
        """Keep ``draft`` (a draft's JSON) as the opportunity's draft; an open one becomes
        drafted (a reply is waiting for approval). One transaction."""
        with self.store.transaction():
            opp = self.store.get_opportunity(opportunity_id)
            self.store.save_draft(opp.id, dict(draft))
            if opp.state is State.OPEN:
                opp = self.store.set_state(opp.id, State.DRAFTED)
        return self._with_resources(opp)

    def saved_draft(self, opportunity_id: str) -> dict[str, Any] | None:
        """The draft saved for an opportunity (its JSON), or ``None``."""
        found = self.store.saved_draft(opportunity_id)
        return None if found is None else dict(found)

    def dismiss(self, opportunity_id: str) -> Opportunity:
        """Dismiss an opportunity for good: re-imports and re-syncs never bring it back."""
        return self._with_resources(self.store.set_state(opportunity_id, State.DISMISSED))

    def draft(self, opportunity_id: str) -> Opportunity:
        """Mark an opportunity as drafted (a reply is waiting for approval)."""
        return self._with_resources(self.store.set_state(opportunity_id, State.DRAFTED))

    def reopen(self, opportunity_id: str) -> Opportunity:
        """Open an opportunity again, whatever its state."""
        return self._with_resources(self.store.set_state(opportunity_id, State.OPEN))

    def snooze(self, opportunity_id: str, until: datetime) -> Opportunity:
        """Hide an opportunity until ``until`` (naive datetimes are UTC)."""
        if until.tzinfo is None:
            until = until.replace(tzinfo=UTC)
        if until <= datetime.now(UTC):
            example = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
            raise ConfigError(
                f"cannot snooze until {until.isoformat()}, which has passed. You can fix this "
                f"by giving a future date (--until {example}) or a duration (--for 3d)."
            )
        return self._with_resources(self.store.set_state(opportunity_id, State.SNOOZED, until))

    # -- claims: in a team, one member answers each opportunity ---------------------------

    def claims(self) -> dict[str, str]:
        """Every claim: ``{opportunity id: member}``."""
        return dict(self.store.claims())

    def claim_holder(self, opportunity_id: str) -> str | None:
        """Who holds the claim on an opportunity, or ``None``."""
        return self.store.claim_holder(opportunity_id)

    def claim(self, opportunity_id: str, member: str) -> Opportunity:
        """Claim an opportunity for ``member`` ("I'll answer this one"), atomically.

        Of several members claiming at once exactly one gets it; the others get a
        :class:`~cyberkind.errors.ClaimedError` naming the holder. Claiming one's own claim
        again is fine. ``cyberkind claim`` and the web app's claim button both call this.
        """
        opp = self.get(opportunity_id)
        holder = self.store.claim(opp.id, member)
        if holder != member:
            raise ClaimedError(
                f"{opp.id} is already claimed by {holder}. You can fix this by choosing "
                "another with `cyberkind inbox --unclaimed`.",
                opportunity_id=opp.id,
                holder=holder,
            )
        return opp

    def release(self, opportunity_id: str, member: str | None, *, force: bool = False) -> str:
        """Give back ``member``'s claim (``force``: whoever holds it); return the former holder.

        Raises :class:`~cyberkind.errors.ClaimedError` when there is no such claim.
        """
        opp = self.get(opportunity_id)
        holder = self.store.claim_holder(opp.id)
        if holder is None or not self.store.release(opp.id, None if force else member):
            reason = "nobody holds it" if holder is None else f"{holder} holds it, not {member}"
            raise ClaimedError(
                f"{opp.id} has no claim of yours to give back ({reason}). You can fix this "
                "by passing --as with the holder's name, or --force.",
                opportunity_id=opp.id,
                holder=holder,
            )
        return holder

    def check_claim(self, opportunity_id: str, member: str | None, *, take: bool = False) -> None:
        """The rule for answering in a team: refuse an opportunity claimed by anyone but
        ``member`` (:class:`~cyberkind.errors.ClaimedError`); with ``take``, first claim an
        unclaimed one that is still open for ``member`` (atomically), as sending does."""
        opp = self.store.get_opportunity(opportunity_id)
        holder = self.store.claim_holder(opp.id)
        if take and holder is None and member is not None and opp.state not in CLOSED_STATES:
            holder = self.store.claim(opp.id, member)
        if holder is not None and holder != member:
            raise ClaimedError(
                f"the opportunity {opp.id} is claimed by {holder}, who answers it, so it was "
                "not sent. You can fix this by choosing another with `cyberkind inbox "
                f"--unclaimed`, or, if you are {holder}, passing --as {holder}.",
                opportunity_id=opp.id,
                holder=holder,
            )

    def _with_resources(self, opp: Opportunity) -> Opportunity:
        if opp.priority is Priority.CRISIS:
            return replace(opp, resources=crisis_resources(self.crisis_line))
        return opp


def _stored_order(s: StoredItem) -> tuple[bool, str, str]:
    """The store's order of items: by creation time (undated last), then remote id."""
    created = s.item.created_at
    return (created is None, created.isoformat() if created else "", s.item.remote_id)


def _act(value: str | Act) -> Act:
    try:
        return Act(value)
    except ValueError:
        raise ConfigError(
            f"unknown act {value!r}. You can fix this by choosing one of: "
            f"{', '.join(a.value for a in Act)}."
        ) from None


def _lane(value: str | Lane) -> Lane:
    try:
        return Lane(value)
    except ValueError:
        raise ConfigError(
            f"unknown lane {value!r}. You can fix this by choosing one of: "
            f"{', '.join(v.value for v in Lane)}."
        ) from None


def _state(value: str | State) -> State:
    try:
        return State(value)
    except ValueError:
        raise ConfigError(
            f"unknown state {value!r}. You can fix this by choosing one of: "
            f"{', '.join(s.value for s in State)}."
        ) from None
