"""Scoring a file: streaming JSONL and CSV readers, and :func:`score_file`, the one owner.

The readers (:mod:`cyberkind.scoring_io._read`) stream rows lazily with a cap on one
record, and hand back each bad row as a :class:`BadRow` with its 1-based line number rather
than stopping; the caller decides whether to skip it or stop (``--strict``).

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
from ._score import (
    BadRowError,
    Pipe,
    ScoreReport,
    empty_input,
    open_output,
    score_file,
    score_rows,
)

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
    "empty_input",
    "jsonl_records",
    "loads_json",
    "open_output",
    "read_rows",
    "score_file",
    "score_rows",
]
