"""fetch -> classify -> store: the library entry behind ``cyberkind import`` (and ``sync`` later).

For each :class:`~cyberkind.models.Batch` a connector yields, :func:`sync`

1. scores the texts of new or changed items written by others (unchanged
   items keep their scores, so a re-import costs no model time). The scores stored are the
   public labels plus the tier's extra heads where it has them
   (:meth:`cyberkind.engine.Scorer.read`: the reading tier's ``spam``, ``target:*`` and
   emotion heads), which triage reads;
2. in **one transaction**: upserts the items, re-derives the opportunities that
   the new or changed items affect (:meth:`~cyberkind.inbox.Inbox.refresh_items`:
   one query per step for the whole batch, however long the thread), and stores the
   connector's new cursor.

A process killed at any point leaves the store as it was after the last
committed batch, cursor included; the next run resumes from there and ends
with exactly the rows an uninterrupted run would have written.

**Usage**::

    from cyberkind.pipeline import import_file
    from cyberkind.store import open_store

    with open_store("inbox.db") as store:
        report = import_file(store, Path("kindcorner.xml"))
    print(report.new, report.opportunities_open)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from .accounts import account_connector
from .connectors.base import Connector, detect_file_connector
from .connectors.http import check_budget, source_budget
from .errors import ConfigError
from .inbox import Inbox
from .models import Item, Problem, State, json_fields
from .settings import SETTINGS
from .store.base import Store
from .store.sqlite import content_hash

if TYPE_CHECKING:
    import httpx

    from .credentials import Credentials
    from .engine import Scorer

__all__ = [
    "ImportReport",
    "ReaderLike",
    "ScorerLike",
    "SyncReport",
    "configured_inbox_scorer",
    "import_file",
    "inbox_scorer",
    "sync",
    "sync_sources",
]

Progress = Callable[[int, int], None]
"""``progress(records_done, records_total_or_0)`` after each committed batch."""


class ScorerLike(Protocol):
    """What the pipeline needs from :class:`cyberkind.Scorer` (tests pass a stub)."""

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]: ...

    def thresholds(self) -> dict[str, float]: ...


@runtime_checkable
class ReaderLike(ScorerLike, Protocol):
    """A scorer that also reads extra heads (:meth:`cyberkind.Scorer.read`); the pipeline
    stores what ``read`` returns where a scorer has it, else what ``score`` returns."""

    def read(self, texts: Sequence[str]) -> list[dict[str, float]]: ...


def _scores(scorer: ScorerLike, texts: Sequence[str]) -> list[dict[str, float]]:
    """What is stored for ``texts``: the public labels, and the extra heads where read."""
    return scorer.read(texts) if isinstance(scorer, ReaderLike) else scorer.score(texts)


@dataclass(slots=True)
class ImportReport:
    """What a sync or import did."""

    source: str
    batches: int = 0
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    opportunities_open: int = 0
    opportunities_new: int = 0
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        """The JSON that ``cyberkind import`` prints."""
        return {
            **json_fields(self, "source read new updated unchanged"),
            "skipped": len(self.problems),
            "open_opportunities": self.opportunities_open,
        }


def inbox_scorer(
    tier: str | None = None,
    model_dir: Path | None = None,
    options: Mapping[str, object] | None = None,
) -> Scorer:
    """The scorer the inbox reads comments with: ``tier``, else the ``inbox_tier`` setting
    (``reading`` by default). ``reading`` and ``reading-cascade`` fall back to ``fast`` where
    the reading model or its runtime is missing
    (:func:`~cyberkind.classifiers.reading_tier.guard_tier`). The shipped models are loaded
    once per process; with ``model_dir`` or ``options`` (``encoder_dir`` for the accurate
    tiers) a new one is loaded.

    **Usage**::

        >>> inbox_scorer().tier                  # doctest: +SKIP
        'reading'
        >>> inbox_scorer("fast").extras
        ()
    """
    from .classifiers.reading_tier import guard_tier
    from .engine import Scorer, shared_scorer
    from .settings import resolve

    chosen = guard_tier(tier or str(resolve({})["inbox_tier"]), model_dir)
    if model_dir is None and not options:
        return shared_scorer(chosen)
    return Scorer(chosen, model_dir, options)


def configured_inbox_scorer(values: Mapping[str, object], tier: str | None = None) -> Scorer:
    """The scorer the inbox reads with under resolved settings ``values``
    (:func:`cyberkind.settings.resolve`): ``tier``, else their ``inbox_tier``, with the tier's
    settings (``model_dir``; ``encoder_dir`` for the accurate tiers). ``cyberkind import``,
    ``cyberkind sync`` and the web app's imports and syncs all read with it.

    **Usage**::

        >>> configured_inbox_scorer(resolve({}), "fast").tier      # doctest: +SKIP
        'fast'
    """
    from .settings import tier_options

    wanted = tier or str(values["inbox_tier"])
    model_dir = values.get("model_dir")
    return inbox_scorer(
        wanted,
        Path(str(model_dir)) if model_dir else None,
        tier_options(wanted, values) or None,
    )


def _changed(store: Store, items: Sequence[Item]) -> list[Item]:
    """The items that are new or changed since the last import (one query)."""
    if not items:
        return []
    known = store.item_hashes(items[0].source, [i.remote_id for i in items])
    return [i for i in items if known.get(i.remote_id) != content_hash(i)]


def sync(
    store: Store,
    connector: Connector,
    scorer: ScorerLike,
    *,
    progress: Progress | None = None,
    total: int = 0,
) -> ImportReport:
    """Fetch everything new since the source's cursor and store it, one transaction per batch."""
    report = ImportReport(connector.source)
    before = len(store.opportunities(sources=[connector.source], states=None))
    thresholds = scorer.thresholds()
    inbox = Inbox(store)
    for batch in connector.fetch(store.get_cursor(connector.source)):
        items = _dedupe(batch.items)
        changed = _changed(store, items)
        # Only new or changed texts by others are scored; unchanged rows cost no model time.
        texts = [i for i in changed if i.text and not i.is_own]
        scored = _scores(scorer, [i.text for i in texts]) if texts else []
        scores: Mapping[str, Mapping[str, float]] = {
            item.remote_id: {k: round(v, 4) for k, v in s.items()}
            for item, s in zip(texts, scored, strict=True)
        }
        with store.transaction():
            counts = store.upsert_items(items, scores)
            # Only what the new or changed items affect is derived again (one query a step).
            inbox.refresh_items(connector.source, changed, thresholds)
            store.set_cursor(connector.source, batch.cursor)
        report.batches += 1
        report.read += len(items) + len(batch.problems)
        report.new += counts.new
        report.updated += counts.updated
        report.unchanged += counts.unchanged
        report.problems.extend(batch.problems)
        if progress is not None:
            progress(report.read, total)
        check_budget()  # past the source's sync deadline: stop after this committed batch
    report.opportunities_open = len(
        store.opportunities(sources=[connector.source], states=[State.OPEN])
    )
    report.opportunities_new = (
        len(store.opportunities(sources=[connector.source], states=None)) - before
    )
    return report


def _dedupe(items: Iterable[Item]) -> list[Item]:
    # The same id twice in one batch (a re-exported row): the last one wins, as an upsert would.
    by_key = {item.key: item for item in items}
    return list(by_key.values())


def import_file(
    store: Store,
    path: Path,
    *,
    fmt: str | None = None,
    scorer: ScorerLike | None = None,
    identity: Iterable[str] = (),
    source: str | None = None,
    batch_size: int = 200,
    progress: Progress | None = None,
    max_record_bytes: int | None = None,
) -> ImportReport:
    """Import a WXR, JSONL or CSV file (format from ``fmt``, the content, or the extension).

    Importing the same file again changes nothing; an import that was killed
    resumes after its last committed batch. ``scorer`` defaults to :func:`inbox_scorer` (the
    ``inbox_tier`` setting). A JSONL line or CSV record over
    ``max_record_bytes`` (default: the setting's default) is a problem with its line number.
    """
    cls = detect_file_connector(Path(path), fmt)
    if scorer is None:
        scorer = inbox_scorer()
    with cls(
        Path(path),
        identity=tuple(identity),
        source=source,
        batch_size=batch_size,
        max_record_bytes=max_record_bytes,
    ) as conn:
        return sync(store, conn, scorer, progress=progress)


@dataclass(slots=True)
class SyncReport:
    """What ``cyberkind sync`` did: one :class:`ImportReport` per source, errors included."""

    sources: list[ImportReport] = field(default_factory=list)

    @property
    def new(self) -> int:
        return sum(r.new for r in self.sources)

    @property
    def opportunities_new(self) -> int:
        return sum(r.opportunities_new for r in self.sources)

    @property
    def errors(self) -> list[ImportReport]:
        return [r for r in self.sources if r.error is not None]

    def to_json(self) -> dict[str, object]:
        """The JSON that ``cyberkind sync --json`` prints."""
        return {
            "new_items": self.new,
            "new_opportunities": self.opportunities_new,
            "sources": [
                {
                    "source": r.source,
                    "new_items": r.new,
                    "unchanged": r.unchanged,
                    "new_opportunities": r.opportunities_new,
                    "open_opportunities": r.opportunities_open,
                    "error": r.error,
                }
                for r in self.sources
            ],
        }


def sync_sources(
    store: Store,
    client: httpx.Client,
    *,
    only: str | None = None,
    scorer: ScorerLike | None = None,
    identity: Iterable[str] = (),
    batch_size: int = 200,
    progress: Callable[[int, int, str], None] | None = None,
    sleep: Callable[[float], None] | None = None,
    credentials: Credentials | None = None,
    deadline: float | None = None,
    feed_max_bytes: int | None = None,
) -> SyncReport:
    """Sync every live source from its cursor: the followed feeds, then the connected accounts.

    ``only`` picks one source by its name (``rss:URL``, ``mastodon:social``), a
    feed URL, or an account name. Accounts sync through the connector their
    platform names in :func:`~cyberkind.connectors.base.connector_registry`, with
    secrets from ``credentials`` (default: the environment, then the OS keyring).
    A source that fails (unreachable, refused credentials, refused XML...) is
    reported with its error and the others still sync; its cursor and the items of
    its committed batches stay. ``progress`` is called as
    ``progress(sources_done, sources_total, next_source)`` before each source and
    with ``(total, total, "")`` at the end.

    Each source has ``deadline`` seconds in all, and a feed's body at most
    ``feed_max_bytes`` (defaults: the ``sync_deadline`` and ``feed_max_bytes``
    settings; :func:`~cyberkind.connectors.http.source_budget`), so a source that
    trickles bytes cannot hold up the rest: it is reported as timed out, and its
    cursor stays after its last committed batch.

    **Usage**::

        with open_store() as store, httpx.Client(timeout=20) as client:
            report = sync_sources(store, client)
        print(report.new, report.opportunities_new)
    """
    from .connectors.rss import RSSConnector
    from .errors import SourceError

    feeds = store.feeds()
    accounts = store.accounts()
    if only is not None:
        feeds = [f for f in feeds if only in (f.url, f.source)]
        accounts = [a for a in accounts if only in (a.name, a.source)]
        if not feeds and not accounts:
            raise ConfigError(
                f"no followed source or connected account is called {only!r}. You can fix this "
                "by choosing one from `cyberkind feeds list` or `cyberkind accounts list`, or "
                "adding it with `cyberkind feeds add URL` or `cyberkind accounts add`."
            )
    if scorer is None:
        scorer = inbox_scorer()
    defaults = {s.name: s.default for s in SETTINGS}
    seconds = float(defaults["sync_deadline"] if deadline is None else deadline)
    max_bytes = int(defaults["feed_max_bytes"] if feed_max_bytes is None else feed_max_bytes)
    report = SyncReport()
    total = len(feeds) + len(accounts)
    for done, feed in enumerate(feeds):
        if progress is not None:
            progress(done, total, feed.source)
        conn: Connector = RSSConnector(
            feed,
            client=client,
            identity=tuple(identity),
            batch_size=batch_size,
            sleep=sleep or time.sleep,
        )
        try:
            with source_budget(client, feed.url, seconds, max_bytes=max_bytes):
                report.sources.append(sync(store, conn, scorer))
        except SourceError as exc:
            report.sources.append(ImportReport(feed.source, error=str(exc)))
    for done, account in enumerate(accounts, start=len(feeds)):
        if progress is not None:
            progress(done, total, account.source)
        try:
            with (
                source_budget(client, account.source, seconds),
                account_connector(
                    account,
                    credentials=credentials,
                    client=client,
                    identity=identity,
                    batch_size=batch_size,
                ) as live,
            ):
                report.sources.append(sync(store, live, scorer))
        except (SourceError, ConfigError) as exc:
            report.sources.append(ImportReport(account.source, error=str(exc)))
    if progress is not None:
        progress(total, total, "")
    return report
