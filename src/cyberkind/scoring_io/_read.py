"""Streaming JSONL and CSV readers, one row at a time, with a cap on one record.

Rows are read lazily, so memory stays flat on a file of any size, and a line is read in
bounded pieces: one longer than ``max_record_bytes`` (the setting of that name) is skipped
without being held. A bad row (invalid JSON, JSON nested too deeply, invalid UTF-8, a
missing or empty text, an oversized record, an unclosed CSV quote) comes back as a
:class:`BadRow` with its 1-based line number instead of stopping the stream; the caller
decides whether to skip it or stop (``--strict``). A binary file is refused as a whole.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from ..errors import InputError, InputFormatError

__all__ = [
    "FORMATS",
    "MAX_RECORD_BYTES",
    "BadRow",
    "Row",
    "csv_records",
    "detect_format",
    "jsonl_records",
    "loads_json",
    "read_rows",
]

MAX_RECORD_BYTES = 16 << 20
"""Default cap on one JSONL line or CSV record, in bytes (the ``max_record_bytes`` setting)."""
_DRAIN = 1 << 20  # bytes read at a time while skipping the rest of an oversized line
_SNIFF = 8192  # bytes looked at to tell a binary file from text

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


class _Oversized:
    """Marks a physical line longer than the cap; ``quotes`` counts its ``"`` bytes."""

    __slots__ = ("quotes",)

    def __init__(self, quotes: int) -> None:
        self.quotes = quotes


def _too_long(max_bytes: int) -> str:
    return (
        f"the record is over {max_bytes:,} bytes, the max_record_bytes setting; split it, or "
        "raise the setting (--setting max_record_bytes N)"
    )


def _physical_lines(
    stream: IO[bytes], first_line: int, max_bytes: int
) -> Iterator[tuple[int, bytes | _Oversized]]:
    """(line number, raw bytes) per line, never holding more than ``max_bytes`` + 1 of one."""
    number = first_line - 1
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            quotes = raw.count(b'"')
            while True:  # skip the rest of the line, a bounded piece at a time
                rest = stream.readline(_DRAIN)
                quotes += rest.count(b'"')
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, _Oversized(quotes)
            continue
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        yield number, raw


def _decode(raw: bytes) -> tuple[str, str | None]:
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        problem = f"invalid UTF-8 at byte {exc.start} of the line; re-encode the file as UTF-8"
        return raw.decode("utf-8", "replace"), problem


def _refuse_binary(stream: IO[bytes], first_line: int, name: str) -> None:
    """One error for a binary file (an image, a zip, UTF-16...), not a warning per line."""
    if first_line != 1:
        return
    head = b""
    peek = getattr(stream, "peek", None)
    if peek is not None:
        head = peek(_SNIFF)[:_SNIFF]
    elif stream.seekable():
        where = stream.tell()
        head = stream.read(_SNIFF)
        stream.seek(where)
    controls = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f") + head.count(b"\x7f")
    if b"\0" in head or (head and controls > len(head) // 10):
        raise InputFormatError(
            f"{name} looks like a binary file, not UTF-8 text (JSONL or CSV). You can fix this "
            "by exporting it as UTF-8 JSONL or CSV (a UTF-16 file: re-encode it as UTF-8)."
        )


def loads_json(text: str) -> tuple[Any, str | None]:
    """``(value, None)``, or ``(None, problem)`` for invalid or too deeply nested JSON.

    Deep nesting (``[[[[...]]]]``, 100,000 levels) raises :class:`RecursionError` inside
    :func:`json.loads`; here it is a problem like any other, so one hostile row is skipped
    with its line number instead of ending the run with a traceback.
    """
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        # "Unterminated string starting at" already ends in "at".
        at = "" if exc.msg.endswith(" at") else " at"
        return None, f"invalid JSON ({exc.msg}{at} column {exc.colno})"
    except RecursionError:
        return None, "invalid JSON (nested too deeply to read; flatten the record)"


def _text_of(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    return None


def jsonl_records(
    stream: IO[bytes],
    first_line: int = 1,
    *,
    max_record_bytes: int = MAX_RECORD_BYTES,
    name: str = "the input",
) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Each non-blank line's JSON object by its line number, or a message saying what is wrong.

    ``first_line`` numbers the stream's first line (a block of a bigger file starts later).
    A line over ``max_record_bytes`` is skipped unread; a binary stream raises
    :class:`InputFormatError` (naming ``name``) before any line is yielded.
    Shared by ``cyberkind score``, its distributed engine and the JSONL import connector.
    """
    _refuse_binary(stream, first_line, name)
    for number, raw in _physical_lines(stream, first_line, max_record_bytes):
        if isinstance(raw, _Oversized):
            yield number, _too_long(max_record_bytes)
            continue
        line, problem = _decode(raw)
        if problem:
            yield number, problem
            continue
        if not line.strip():
            continue
        record, problem = loads_json(line)
        if problem:
            yield number, problem
            continue
        if not isinstance(record, dict):
            yield number, f"expected a JSON object, got {type(record).__name__}"
            continue
        yield number, record


class _RecordTooLong(Exception):
    """Raised inside the CSV reader's line feed: the current record passed the cap."""


def csv_records(
    stream: IO[bytes],
    first_line: int = 1,
    header: list[str] | None = None,
    *,
    max_record_bytes: int = MAX_RECORD_BYTES,
    name: str = "the input",
) -> Iterator[tuple[int, list[str] | str]]:
    """``(1, header)`` first, then each row as ``(line, values)`` or ``(line, problem)``.

    A row is numbered by the line it starts on (quoted fields may span lines); blank rows are
    skipped. Nothing is yielded for an empty file; an unreadable header raises
    :class:`InputFormatError`. A block from the middle of a file passes the file's ``header``
    (yielded first as ``(1, header)``, not read from the stream) and its ``first_line``.
    A quote that never closes and a record over ``max_record_bytes`` are problems with the
    line the record starts on; after an oversized record, reading resumes at the first line
    end outside quotes. Shared by ``cyberkind score``, its distributed engine and the CSV
    import connector.
    """
    _refuse_binary(stream, first_line, name)
    problems: dict[int, str] = {}
    numbers: list[int] = [first_line - 1]
    size = [0, 0]  # bytes and quote marks of the record being read
    physical = _physical_lines(stream, first_line, max_record_bytes)

    def lines() -> Iterator[str]:
        for number, raw in physical:
            numbers[0] = number
            if isinstance(raw, _Oversized):
                size[0] += max_record_bytes + 1
                size[1] += raw.quotes
                text = ""
            else:
                size[0] += len(raw)
                size[1] += raw.count(b'"')
                text, problem = _decode(raw)
                if problem:
                    problems[number] = problem
            if size[0] > max_record_bytes:
                # Skip to the end of the record by quote parity (as the Dask planner splits),
                # never holding it.
                odd = bool(size[1] & 1)
                while odd:
                    following = next(physical, None)
                    if following is None:
                        break
                    numbers[0], raw = following
                    count = raw.quotes if isinstance(raw, _Oversized) else raw.count(b'"')
                    odd ^= bool(count & 1)
                raise _RecordTooLong
            yield text

    reader = csv.reader(lines(), strict=True)
    if header is None:
        try:
            header = next(reader)
        except StopIteration:
            return
        except (csv.Error, _RecordTooLong) as exc:
            raise InputFormatError(
                f"line 1: cannot read the CSV header ({exc or _too_long(max_record_bytes)})",
                line=None,
            ) from exc
    yield 1, header
    start = numbers[0] + 1
    while True:
        size[:] = [0, 0]
        try:
            values = next(reader)
        except StopIteration:
            return
        except _RecordTooLong:
            yield start, _too_long(max_record_bytes)
            reader = csv.reader(lines(), strict=True)
            start = numbers[0] + 1
            continue
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                problem = (
                    f"unclosed quote: the quoted field that opens on line {start} never "
                    'closes; close it, or double the quote inside the field ("")'
                )
                yield start, problem
            else:
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


@dataclass(frozen=True, slots=True)
class _Source:
    """How to read one input: where it starts, its CSV header, the record cap, its name."""

    first_line: int = 1
    header: list[str] | None = None
    max_record_bytes: int = MAX_RECORD_BYTES
    name: str = "the input"


def _read_jsonl(
    stream: IO[bytes], text_field: str, id_field: str | None, src: _Source
) -> Iterator[Row | BadRow]:
    records = jsonl_records(
        stream, src.first_line, max_record_bytes=src.max_record_bytes, name=src.name
    )
    for number, record in records:
        if isinstance(record, str):
            yield BadRow(number, record)
        else:
            yield _make_row(number, record, text_field, id_field)


def _make_row(
    number: int, record: dict[str, object], text_field: str, id_field: str | None
) -> Row | BadRow:
    """A row of ``record``; without ``id_field``, its ``id`` field if it has one, else the line."""
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
    raw_id = record.get(id_field or "id")
    if id_field is not None and (raw_id is None or raw_id == ""):
        return BadRow(number, f"field {id_field!r} is missing or empty")
    if raw_id is not None and raw_id != "":
        row_id = raw_id if isinstance(raw_id, str | int) else str(raw_id)
    return Row(number, row_id, text)


def _read_csv(
    stream: IO[bytes], text_field: str, id_field: str | None, src: _Source
) -> Iterator[Row | BadRow]:
    # The record cap bounds memory; the csv module's own field limit must not undercut it.
    csv.field_size_limit(2**31 - 1)
    records = csv_records(
        stream,
        src.first_line,
        src.header,
        max_record_bytes=src.max_record_bytes,
        name=src.name,
    )
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
    stream: IO[bytes] | None = None,
    first_line: int = 1,
    header: list[str] | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> Iterator[Row | BadRow]:
    """Stream rows of a JSONL or CSV file (or ``stream``, e.g. stdin, with ``fmt``).

    ``first_line`` and ``header`` let a worker read one block of a bigger file: the stream
    starts at that file's line ``first_line``, and a CSV block takes the file's header.
    Without ``id_field``, a row's id is its ``id`` field when it has one, else its line.
    """
    if max_record_bytes < 1:
        raise InputError(f"max_record_bytes must be at least 1, got {max_record_bytes}.")
    if stream is None:
        if path is None:
            raise InputFormatError("no input given. You can fix this by passing a file or -.")
        fmt_ = detect_format(path, fmt)
        src = _Source(first_line, header, max_record_bytes, path.name)
        with path.open("rb") as handle:
            yield from _reader(fmt_)(handle, text_field, id_field, src)
    else:
        fmt_ = detect_format(Path("stdin"), fmt or "jsonl")
        src = _Source(first_line, header, max_record_bytes, "stdin")
        yield from _reader(fmt_)(stream, text_field, id_field, src)


def _reader(
    fmt: Format,
) -> Callable[[IO[bytes], str, str | None, _Source], Iterator[Row | BadRow]]:
    return _read_csv if fmt == "csv" else _read_jsonl
