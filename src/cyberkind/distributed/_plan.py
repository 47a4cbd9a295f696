"""Find an archive's files and cut them into blocks that workers score independently.

A JSONL block is a byte range that starts at a line start; a CSV block starts at a line
start outside any quoted field (tracked by quote parity), and every CSV block but the first
carries the file's header; a Parquet block is a run of row groups. Each block knows the line
(or row) number of its first line, so bad rows are reported with the same line numbers as
the local scorer. Planning reads each text file once, in large chunks, counting newlines
(and quotes for CSV) at about disk speed; it never holds more than one chunk.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import InputError, InputFormatError
from ..scoring_io import csv_records
from ..scoring_io._read import _EXTENSIONS

__all__ = ["ARCHIVE_FORMATS", "Block", "find_inputs", "plan_blocks"]

ArchiveFormat = Literal["jsonl", "csv", "parquet"]
ARCHIVE_FORMATS: tuple[ArchiveFormat, ...] = ("jsonl", "csv", "parquet")
_CHUNK = 4 << 20


@dataclass(frozen=True, slots=True)
class Block:
    """One partition of the archive: ``path`` from ``start`` to ``end``.

    For text formats ``start``/``end`` are byte offsets and ``first_line`` the file's line
    number at ``start``; for Parquet they are row-group indexes and ``first_line`` the row
    number (1-based) of the first row. ``size`` and ``mtime_ns`` identify the file's version,
    so that a resumed run never reuses output scored from an older file.
    """

    index: int
    path: str
    fmt: ArchiveFormat
    start: int
    end: int
    first_line: int
    header: tuple[str, ...] | None
    size: int
    mtime_ns: int


def _format_of(path: Path, declared: str | None) -> ArchiveFormat:
    if declared is not None:
        if declared not in ARCHIVE_FORMATS:
            raise InputFormatError(
                f"unknown format {declared!r}. You can fix this by passing --format jsonl, "
                "csv or parquet."
            )
        return "csv" if declared == "csv" else "parquet" if declared == "parquet" else "jsonl"
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return "parquet"
    if suffix in _EXTENSIONS:
        return "csv" if _EXTENSIONS[suffix] == "csv" else "jsonl"
    raise InputFormatError(
        f"cannot tell the format of {path.name} from its extension. You can fix this by "
        "passing --format jsonl, csv or parquet."
    )


def find_inputs(
    spec: str | Path | Sequence[str | Path], fmt: str | None = None
) -> list[tuple[Path, ArchiveFormat]]:
    """The archive's files, in order, each with its format.

    ``spec`` is a file, a glob (``"comments/*.jsonl"``), a folder (every file in it with a
    known extension, or every file when ``fmt`` is given; names starting with ``_`` or ``.``
    are skipped, as Spark and Dask do) or a list of those. ``**`` in a glob matches folders
    at any depth.
    """
    specs = [spec] if isinstance(spec, str | Path) else list(spec)
    found: list[Path] = []
    for item in specs:
        path = Path(item)
        if path.is_dir():
            children = sorted(
                p for p in path.iterdir() if p.is_file() and not p.name.startswith(("_", "."))
            )
            known = [p for p in children if fmt or p.suffix.lower() in (*_EXTENSIONS, ".parquet")]
            if not known:
                raise InputError(
                    f"the folder {path} holds no .jsonl, .csv or .parquet files. You can fix "
                    "this by pointing at the folder of partitions, or passing --format."
                )
            found += known
        elif glob.has_magic(str(item)):
            matches = sorted(
                Path(p) for p in glob.glob(str(item), recursive=True) if Path(p).is_file()
            )
            if not matches:
                raise InputError(
                    f"no file matches {item}. You can fix this by checking the pattern."
                )
            found += matches
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(
                f"input file {path} does not exist. You can fix this by checking the path."
            )
    return [(p.resolve(), _format_of(p, fmt)) for p in found]


def plan_blocks(
    inputs: Sequence[tuple[Path, ArchiveFormat]],
    blocksize: int,
    *,
    text_field: str = "text",
    id_field: str | None = None,
) -> list[Block]:
    """Cut every input into blocks of about ``blocksize`` bytes, numbered in input order.

    Raises :class:`InputFormatError` as the local scorer would when a CSV header or a Parquet
    schema lacks ``text_field`` or ``id_field``.
    """
    if blocksize < 1:
        raise InputError(f"blocksize must be at least 1 byte, got {blocksize}.")
    blocks: list[Block] = []
    for path, fmt in inputs:
        stat = path.stat()
        if fmt == "parquet":
            ranges = _parquet_ranges(path, blocksize, text_field, id_field)
            header = None
        else:
            header = _csv_header(path, text_field, id_field) if fmt == "csv" else None
            ranges = _text_ranges(path, blocksize, quotes=fmt == "csv")
        for start, end, first_line in ranges:
            blocks.append(
                Block(
                    index=len(blocks),
                    path=str(path),
                    fmt=fmt,
                    start=start,
                    end=end,
                    first_line=first_line,
                    header=header if start > 0 and fmt == "csv" else None,
                    size=stat.st_size,
                    mtime_ns=stat.st_mtime_ns,
                )
            )
    return blocks


def _csv_header(path: Path, text_field: str, id_field: str | None) -> tuple[str, ...] | None:
    with path.open("rb") as handle:
        first = next(csv_records(handle), None)
    if first is None:
        return None
    header = first[1]
    assert isinstance(header, list)
    for field, option in ((text_field, "--text-field"), (id_field, "--id-field")):
        if field is not None and field not in header:
            raise InputFormatError(
                f"the CSV header of {path.name} has no column {field!r} (columns: "
                f"{', '.join(header)}). You can fix this by passing {option} with one of "
                "those names."
            )
    return tuple(header)


def _text_ranges(path: Path, blocksize: int, *, quotes: bool) -> Iterator[tuple[int, int, int]]:
    """(start, end, first line) of each block: splits fall on line starts outside quotes."""
    start, first_line = 0, 1
    target = blocksize
    offset = 0  # file offset of ``chunk``
    newlines = 0  # newlines before ``offset``
    odd = False  # quote parity before ``offset``
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            scanned = 0  # position in chunk up to which newlines and parity are counted
            while target <= offset + len(chunk):
                i = chunk.find(b"\n", max(target - 1 - offset, scanned))
                if i < 0:
                    break
                segment = chunk[scanned : i + 1]
                newlines += segment.count(b"\n")
                if quotes:
                    odd ^= bool(segment.count(b'"') & 1)
                scanned = i + 1
                split = offset + i + 1
                if odd:  # inside a quoted field: try the next line start
                    target = split + 1
                    continue
                yield start, split, first_line
                start, first_line = split, newlines + 1
                target = split + blocksize
            rest = chunk[scanned:]
            newlines += rest.count(b"\n")
            if quotes:
                odd ^= bool(rest.count(b'"') & 1)
            offset += len(chunk)
    if start < offset or start == 0:
        yield start, offset, first_line


def _parquet_ranges(
    path: Path, blocksize: int, text_field: str, id_field: str | None
) -> Iterator[tuple[int, int, int]]:
    """(first row group, end row group, first row number) of each block."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata  # type: ignore[no-untyped-call]
    columns = set(meta.schema.names)
    for field, option in ((text_field, "--text-field"), (id_field, "--id-field")):
        if field is not None and field not in columns:
            raise InputFormatError(
                f"the Parquet file {path.name} has no column {field!r} (columns: "
                f"{', '.join(meta.schema.names)}). You can fix this by passing {option} with "
                "one of those names."
            )
    start, size, row, first_row = 0, 0, 0, 1
    for group in range(meta.num_row_groups):
        if group > start and size + meta.row_group(group).total_byte_size > blocksize:
            yield start, group, first_row
            start, size, first_row = group, 0, row + 1
        size += meta.row_group(group).total_byte_size
        row += meta.row_group(group).num_rows
    if meta.num_row_groups == 0 or start < meta.num_row_groups:
        yield start, meta.num_row_groups, first_row
