"""Scoring a file: streaming JSONL and CSV readers, and :func:`score_file`, the one owner.

Rows are read lazily, so memory stays flat on a file of any size, and a line is read in
bounded pieces: one longer than ``max_record_bytes`` (the setting of that name) is skipped
without being held. A bad row (invalid JSON, JSON nested too deeply, invalid UTF-8, a
missing or empty text, an oversized record, an unclosed CSV quote) comes back as a
:class:`BadRow` with its 1-based line number instead of stopping the stream; the caller
decides whether to skip it or stop (``--strict``). A binary file is refused as a whole.

:func:`score_file` is what ``cyberkind score`` (the local engine) and every Dask worker
(``cyberkind.distributed``, through :func:`score_rows`) run: read, skip or stop on bad rows,
score in batches, write ``{"id", "scores"}`` JSONL, atomically onto a regular file and
straight through to a device, a FIFO or a symlink's target.

**Usage**::

    >>> for row in read_rows(Path("comments.jsonl"), text_field="text", id_field="id"):
    ...     if isinstance(row, BadRow):
    ...         print(row.line, row.reason)
    >>> report = score_file("comments.jsonl", "scores.jsonl", Scorer(), on_bad_row=print)
"""

from __future__ import annotations

from ._read import (
    FORMATS,
    MAX_RECORD_BYTES,
    BadRow,
    Row,
    csv_records,
    detect_format,
    jsonl_records,
    loads_json,
    read_rows,
)
from ._score import BadRowError, Pipe, ScoreReport, open_output, score_file, score_rows

__all__ = [
    "FORMATS",
    "MAX_RECORD_BYTES",
    "BadRow",
    "BadRowError",
    "Pipe",
    "Row",
    "ScoreReport",
    "csv_records",
    "detect_format",
    "jsonl_records",
    "loads_json",
    "open_output",
    "read_rows",
    "score_file",
    "score_rows",
]
