"""The gold-star ledger and "the kindest people in my community".

Stars land in the ledger (the store's ``stars`` table) when a draft that gives them is
marked done (:meth:`cyberkind.Inbox.done`, which owns :func:`record_draft_stars`), or by
hand (:meth:`Ledger.award`). :meth:`Ledger.kindest` ranks people by the stars they got
plus the kindness they showed the user: each of their items where gratitude,
compassion, encouragement or admiration fired counts one.

**Usage**::

    from cyberkind.composer import Ledger
    from cyberkind.store import open_store

    ledger = Ledger(open_store("inbox.db"))
    ledger.award("Ana Lima", reason="organised the kindness wall")
    for person in ledger.kindest():
        print(person.person, person.stars, person.kindness)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..errors import ConfigError
from ..inbox import record_draft_stars
from ..models import StarAward, json_fields
from ..store.base import Store

__all__ = ["KINDNESS_LABELS", "KindPerson", "Ledger", "record_draft_stars"]

KINDNESS_LABELS = ("gratitude", "compassion", "encouragement", "admiration")
"""The engine's labels that count as kindness shown to the user."""


@dataclass(frozen=True, slots=True)
class KindPerson:
    """One row of the ranking: stars received, kind messages sent, and their sum."""

    person: str
    stars: int
    kindness: int

    @property
    def score(self) -> int:
        """Stars plus kindness shown: what the ranking sorts by."""
        return self.stars + self.kindness

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (``cyberkind stars --json``)."""
        return json_fields(self, "person stars kindness score")


class Ledger:
    """The library API behind ``cyberkind stars``."""

    def __init__(self, store: Store, thresholds: Mapping[str, float] | None = None) -> None:
        self.store = store
        self.thresholds = dict(thresholds or {})

    def award(
        self, person: str, count: int = 1, reason: str = "", when: datetime | None = None
    ) -> StarAward:
        """Award stars by hand; return the ledger line."""
        if count < 1:
            raise ConfigError(
                f"cannot award {count} stars. You can fix this by passing --count 1 or more."
            )
        if not person.strip():
            raise ConfigError("no person named. You can fix this by naming who gets the star.")
        award = StarAward(
            person=person.strip(),
            count=count,
            reason=reason,
            awarded_at=when or datetime.now(UTC),
        )
        self.store.award_stars(award)
        return award

    def entries(self, person: str | None = None) -> list[StarAward]:
        """The ledger lines, oldest first."""
        return self.store.star_awards(person)

    def kindest(self, limit: int | None = None) -> list[KindPerson]:
        """People ranked by stars received plus kindness shown, highest first."""
        stars: dict[str, int] = {}
        for award in self.store.star_awards():
            stars[award.person] = stars.get(award.person, 0) + award.count
        kindness: dict[str, int] = {}
        for stored in self.store.items():
            if stored.item.is_own or not stored.scores:
                continue
            shown = any(
                stored.scores.get(label, 0.0) >= self.thresholds.get(label, 0.5)
                for label in KINDNESS_LABELS
            )
            if shown:
                name = stored.item.author.display
                kindness[name] = kindness.get(name, 0) + 1
        people = [
            KindPerson(name, stars.get(name, 0), kindness.get(name, 0))
            for name in set(stars) | set(kindness)
        ]
        people.sort(key=lambda p: (-p.score, -p.stars, p.person.lower()))
        return people[:limit] if limit else people

    @staticmethod
    def to_csv(people: list[KindPerson]) -> str:
        """The ranking as CSV: person, stars, kindness, score."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["person", "stars", "kindness", "score"])
        for p in people:
            writer.writerow([p.person, p.stars, p.kindness, p.score])
        return out.getvalue()
