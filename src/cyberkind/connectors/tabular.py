"""Generic JSONL and CSV imports, for any platform without a connector of its own.

One record per line (JSONL) or row (CSV, with a header). Fields:

==================  =========  ===================================================
field               required   meaning
==================  =========  ===================================================
``id``              yes        the item's id on its platform, unique in the source
``kind``            yes        post, comment, reply, mention, quote, boost, like,
                               pingback, trackback, follow or share
``author``          yes*       display name (*not needed when ``is_own`` is true)
``author_handle``   no         stable handle, e.g. ``@ana@social.example``
                               (default: the ``author`` name)
``author_url``      no         the author's page
``text``            no         the words (empty for likes, boosts and follows)
``url``             no         a link to the item
``parent_id``       no         the id of the item this one answers
``thread_id``       no         the id of the thread's first item (the post)
``created_at``      no         ISO 8601, e.g. ``2026-11-20T09:30:00Z``
``is_own``          no         true when you wrote it (true/false, 1/0, yes/no);
                               also true when the author matches ``identity``
==================  =========  ===================================================

Other fields are kept as metadata. Every item goes to one source, named by
``--source`` (default ``import:<file name without extension>``). A bad record
comes back as a :class:`~cyberkind.models.Problem` with its line number and
the import goes on.

**Usage**::

    from cyberkind.connectors.tabular import JSONLConnector

    with JSONLConnector(Path("mentions.jsonl"), source="mastodon:@me@social.example") as c:
        batches = list(c.fetch(None))
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from ..hookspecs import hookimpl
from ..models import Author, Item, ItemKind, Problem
from ..scoring_io import MAX_RECORD_BYTES, csv_records, jsonl_records
from .base import Connector, FileConnector

__all__ = ["FIELDS", "CSVConnector", "JSONLConnector", "register_connectors"]

FIELDS = (
    "id",
    "kind",
    "author",
    "author_handle",
    "author_url",
    "text",
    "url",
    "parent_id",
    "thread_id",
    "created_at",
    "is_own",
)
_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n", ""}
_KINDS = ", ".join(k.value for k in ItemKind)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    lowered = _text(value).lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def _datetime(value: str) -> datetime | None:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def record_to_item(
    line: int, record: Mapping[str, Any], source: str, identity: frozenset[str] = frozenset()
) -> Item | Problem:
    """One JSONL/CSV record as an :class:`Item`, or the :class:`Problem` that stops it.

    A record whose author handle, name or URL is in ``identity`` is the user's own.
    """
    remote_id = _text(record.get("id"))
    if not remote_id:
        return Problem(line, "no 'id' (every record needs the item's id on its platform)")
    try:
        kind = ItemKind(_text(record.get("kind")).lower())
    except ValueError:
        return Problem(line, f"kind {record.get('kind')!r} is not one of: {_KINDS}")
    is_own = _bool(record.get("is_own"))
    if is_own is None:
        return Problem(line, f"is_own {record.get('is_own')!r} is not true or false")
    name, handle = _text(record.get("author")), _text(record.get("author_handle"))
    if not (name or handle or is_own):
        return Problem(line, "no 'author' (needed unless is_own is true)")
    author_url = _text(record.get("author_url"))
    if identity and {handle.lower(), name.lower(), author_url.lower()} & identity:
        is_own = True
    created = _text(record.get("created_at"))
    try:
        created_at = _datetime(created) if created else None
    except ValueError:
        return Problem(line, f"created_at {created!r} is not an ISO 8601 date and time")
    extra = {k: v for k, v in record.items() if k not in FIELDS and v not in (None, "")}
    return Item(
        source=source,
        remote_id=remote_id,
        kind=kind,
        author=Author(handle or name or "me", name or handle or "me", author_url or None),
        text=_text(record.get("text")),
        url=_text(record.get("url")) or None,
        parent_remote_id=_text(record.get("parent_id")) or None,
        thread_id=_text(record.get("thread_id")) or None,
        created_at=created_at,
        is_own=is_own,
        raw=extra,
    )


class _TabularConnector(FileConnector):
    def __init__(
        self,
        path: Path,
        *,
        source: str | None = None,
        identity: Iterable[str] = (),
        batch_size: int = 200,
        max_record_bytes: int | None = None,
        **options: Any,
    ) -> None:
        super().__init__(path, batch_size=batch_size)
        self.source = source or f"import:{self.path.stem}"
        self.identity = frozenset(v.strip().lower() for v in identity if v.strip())
        # A longer line or record is a Problem with its line number, never read whole.
        self.max_record_bytes = max_record_bytes or MAX_RECORD_BYTES


class JSONLConnector(_TabularConnector):
    """One JSON object per line; see the module docstring for the fields."""

    name: ClassVar[str] = "jsonl"
    extensions: ClassVar[tuple[str, ...]] = (".jsonl", ".ndjson", ".json")

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        """A JSONL file starts with ``{``."""
        return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")

    def records(self) -> Iterator[tuple[int, Item | Problem]]:
        """Each non-blank line, by its line number."""
        with self.path.open("rb") as handle:
            records = jsonl_records(
                handle, max_record_bytes=self.max_record_bytes, name=self.path.name
            )
            for number, record in records:
                if isinstance(record, str):
                    yield number, Problem(number, record)
                else:
                    yield number, record_to_item(number, record, self.source, self.identity)


class CSVConnector(_TabularConnector):
    """A CSV file with a header row; see the module docstring for the columns."""

    name: ClassVar[str] = "csv"
    extensions: ClassVar[tuple[str, ...]] = (".csv",)

    def records(self) -> Iterator[tuple[int, Item | Problem]]:
        """Each row, by the line it starts on."""
        with self.path.open("rb") as handle:
            records = csv_records(
                handle, max_record_bytes=self.max_record_bytes, name=self.path.name
            )
            first = next(records, None)
            header = [h.strip() for h in first[1]] if first and isinstance(first[1], list) else []
            if "id" not in header or "kind" not in header:
                yield (
                    1,
                    Problem(
                        1, f"the header needs the columns id and kind (found: {', '.join(header)})"
                    ),
                )
                return
            for line, record in records:
                if isinstance(record, str):
                    yield line, Problem(line, record)
                else:
                    row = dict(zip(header, record, strict=True))
                    yield line, record_to_item(line, row, self.source, self.identity)


@hookimpl
def register_connectors() -> list[type[Connector]]:
    """The generic JSONL and CSV import connectors."""
    return [JSONLConnector, CSVConnector]
