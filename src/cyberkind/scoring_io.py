"""Streaming readers for ``cyberkind score``: JSONL and CSV, one row at a time.

Rows are read lazily, so memory stays flat on a file of any size. A bad row
(invalid JSON, invalid UTF-8, a missing or empty text) comes back as a
:class:`BadRow` with its 1-based line number instead of stopping the stream;
the caller decides whether to skip it or stop (``--strict``).

**Usage**::

    >>> for row in read_rows(Path("comments.jsonl"), text_field="text", id_field="id"):
    ...     if isinstance(row, BadRow):
    ...         print(row.line, row.reason)
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal

from .errors import InputFormatError

__all__ = [
    "FORMATS",
    "BadRow",
    "Row",
    "csv_records",
    "detect_format",
    "jsonl_records",
    "read_rows",
]

FORMATS = ("jsonl", "csv")
Format = Literal["jsonl", "csv"]
_EXTENSIONS: dict[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
}


@dataclass(frozen=True, slots=True)
class Row:
    """A scoreable row: its line number, id and text."""

    line: int
    id: str | int | None
    text: str


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row that cannot be scored, and why."""

    line: int
    reason: str


def detect_format(path: Path, declared: str | None = None) -> Format:
    """The input format, from ``declared`` (``--format``) or the file extension."""
    if declared is not None:
        if declared not in FORMATS:
            raise InputFormatError(
                f"unknown format {declared!r}. You can fix this by passing --format jsonl or "
                "--format csv."
            )
        return "csv" if declared == "csv" else "jsonl"
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in (".gz",)]
    if suffixes and suffixes[-1] in _EXTENSIONS:
        return _EXTENSIONS[suffixes[-1]]
    raise InputFormatError(
        f"cannot tell the format of {path.name} from its extension. You can fix this by "
        "passing --format jsonl or --format csv."
    )


def _decoded_lines(stream: BinaryIO, first_line: int = 1) -> Iterator[tuple[int, str, str | None]]:
    """(line number, text, decoding problem or None) for each physical line."""
    for number, raw in enumerate(stream, start=first_line):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield number, raw.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            problem = f"invalid UTF-8 at byte {exc.start} of the line; re-encode the file as UTF-8"
            yield number, raw.decode("utf-8", "replace"), problem


def _text_of(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    return None


def jsonl_records(
    stream: BinaryIO, first_line: int = 1
) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Each non-blank line's JSON object by its line number, or a message saying what is wrong.

    ``first_line`` numbers the stream's first line (a block of a bigger file starts later).
    Shared by ``cyberkind score``, its distributed engine and the JSONL import connector.
    """
    for number, line, problem in _decoded_lines(stream, first_line):
        if problem:
            yield number, problem
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"invalid JSON ({exc.msg} at column {exc.colno})"
            continue
        if not isinstance(record, dict):
            yield number, f"expected a JSON object, got {type(record).__name__}"
            continue
        yield number, record


def csv_records(
    stream: BinaryIO, first_line: int = 1, header: list[str] | None = None
) -> Iterator[tuple[int, list[str] | str]]:
    """``(1, header)`` first, then each row as ``(line, values)`` or ``(line, problem)``.

    A row is numbered by the line it starts on (quoted fields may span lines); blank rows are
    skipped. Nothing is yielded for an empty file; an unreadable header raises
    :class:`InputFormatError`. A block from the middle of a file passes the file's ``header``
    (yielded first as ``(1, header)``, not read from the stream) and its ``first_line``.
    Shared by ``cyberkind score``, its distributed engine and the CSV import connector.
    """
    problems: dict[int, str] = {}
    numbers: list[int] = [first_line - 1]

    def lines() -> Iterator[str]:
        for number, line, problem in _decoded_lines(stream, first_line):
            numbers[0] = number
            if problem:
                problems[number] = problem
            yield line

    reader = csv.reader(lines())
    if header is None:
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputFormatError(
                f"line 1: cannot read the CSV header ({exc})", line=None
            ) from exc
    yield 1, header
    start = numbers[0] + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, f"malformed CSV ({exc})"
            start = numbers[0] + 1
            continue
        end = numbers[0]
        bad = next((problems[n] for n in range(start, end + 1) if n in problems), None)
        line = start
        start = end + 1
        if bad:
            yield line, bad
        elif not values:
            continue
        elif len(values) != len(header):
            yield line, f"expected {len(header)} columns, found {len(values)}"
        else:
            yield line, values


def _read_jsonl(
    stream: BinaryIO,
    text_field: str,
    id_field: str | None,
    first_line: int = 1,
    header: list[str] | None = None,
) -> Iterator[Row | BadRow]:
    for number, record in jsonl_records(stream, first_line):
        if isinstance(record, str):
            yield BadRow(number, record)
        else:
            yield _make_row(number, record, text_field, id_field)


def _make_row(
    number: int, record: dict[str, object], text_field: str, id_field: str | None
) -> Row | BadRow:
    if text_field not in record:
        fields = ", ".join(list(record)[:8])
        return BadRow(
            number,
            f"no field {text_field!r} (fields: {fields}); pass --text-field to pick another",
        )
    text = _text_of(record[text_field])
    if text is None:
        return BadRow(number, f"field {text_field!r} is empty or not a string")
    row_id: str | int | None = number
    if id_field is not None:
        raw_id = record.get(id_field)
        if raw_id is None or raw_id == "":
            return BadRow(number, f"field {id_field!r} is missing or empty")
        row_id = raw_id if isinstance(raw_id, str | int) else str(raw_id)
    return Row(number, row_id, text)


def _read_csv(
    stream: BinaryIO,
    text_field: str,
    id_field: str | None,
    first_line: int = 1,
    header: list[str] | None = None,
) -> Iterator[Row | BadRow]:
    csv.field_size_limit(2**31 - 1)
    records = csv_records(stream, first_line, header)
    first = next(records, None)
    if first is None:
        return
    columns = first[1]
    assert isinstance(columns, list)
    if text_field not in columns:
        raise InputFormatError(
            f"the CSV header has no column {text_field!r} (columns: {', '.join(columns)}). "
            "You can fix this by passing --text-field with one of those names."
        )
    if id_field is not None and id_field not in columns:
        raise InputFormatError(
            f"the CSV header has no column {id_field!r} (columns: {', '.join(columns)}). "
            "You can fix this by passing --id-field with one of those names."
        )
    for line, record in records:
        if isinstance(record, str):
            yield BadRow(line, record)
        else:
            yield _make_row(line, dict(zip(columns, record, strict=True)), text_field, id_field)


def read_rows(
    path: Path | None,
    *,
    fmt: str | None = None,
    text_field: str = "text",
    id_field: str | None = None,
    stream: BinaryIO | None = None,
    first_line: int = 1,
    header: list[str] | None = None,
) -> Iterator[Row | BadRow]:
    """Stream rows of a JSONL or CSV file (or ``stream``, e.g. stdin, with ``fmt``).

    ``first_line`` and ``header`` let a worker read one block of a bigger file: the stream
    starts at that file's line ``first_line``, and a CSV block takes the file's header.
    """
    if stream is None:
        if path is None:
            raise InputFormatError("no input given. You can fix this by passing a file or -.")
        fmt_ = detect_format(path, fmt)
        with path.open("rb") as handle:
            yield from _reader(fmt_)(handle, text_field, id_field, first_line, header)
    else:
        fmt_ = detect_format(Path("stdin"), fmt or "jsonl")
        yield from _reader(fmt_)(stream, text_field, id_field, first_line, header)


def _reader(
    fmt: Format,
) -> Callable[[BinaryIO, str, str | None, int, list[str] | None], Iterator[Row | BadRow]]:
    return _read_csv if fmt == "csv" else _read_jsonl
