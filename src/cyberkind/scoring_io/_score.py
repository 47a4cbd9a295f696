"""Scoring a file: :func:`score_file`, the one owner, and its loop :func:`score_rows`."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, TextIO

from ..errors import InputError
from ._read import MAX_RECORD_BYTES, BadRow, Row, _reader, _Source, detect_format

__all__ = ["BadRowError", "Pipe", "ScoreReport", "open_output", "score_file", "score_rows"]


class Pipe(Protocol):
    """What :func:`score_file` needs of a scorer: :meth:`cyberkind.engine.Scorer.pipe`."""

    def pipe(self, texts: Iterable[str], batch_size: int = ...) -> Iterator[dict[str, float]]:
        """Score a stream lazily, ``batch_size`` texts at a time."""
        ...


@dataclass(frozen=True, slots=True)
class ScoreReport:
    """What :func:`score_file` did: rows written and bad rows skipped (the first one too)."""

    rows: int
    skipped: int
    first_bad: BadRow | None = None


class BadRowError(InputError):
    """With ``strict``, the first bad row stops :func:`score_file`; ``row`` is that row."""

    def __init__(self, row: BadRow) -> None:
        super().__init__(f"{row.reason}. Fix the row, or drop --strict to skip bad rows.", row.line)
        self.row = row


@contextlib.contextmanager
def open_output(target: Path) -> Iterator[TextIO]:
    """Write ``target`` as UTF-8 text: atomically where it is (or will be) a regular file.

    A new path or a regular file is written beside it as ``<name>.partial`` and renamed
    over it only when the block succeeds (with the old file's permissions); on an error
    the partial file is removed and ``target`` is untouched. Anything else (a symlink, a
    character device such as ``/dev/null``, a FIFO) is opened and written through: a rename
    would replace the device or the link itself.

    **Usage**::

        >>> with open_output(Path("scores.jsonl")) as out:
        ...     out.write("{}\n")
    """
    try:
        mode: int | None = os.lstat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise InputError(
            f"the output {target} is a folder. You can fix this by passing a file name to "
            "--output, or --engine dask to write a folder of partitions."
        )
    if mode is not None and not stat.S_ISREG(mode):
        with target.open("w", encoding="utf-8") as through:
            yield through
        return
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as out:
            yield out
        if mode is not None:
            os.chmod(partial, stat.S_IMODE(mode))
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def score_file(
    source: str | Path | IO[bytes],
    output: str | Path | TextIO,
    scorer: Pipe,
    *,
    fmt: str | None = None,
    text_field: str = "text",
    id_field: str | None = None,
    strict: bool = False,
    batch_size: int = 1024,
    max_record_bytes: int = MAX_RECORD_BYTES,
    digits: int | None = None,
    on_bad_row: Callable[[BadRow], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ScoreReport:
    """Score every row of a JSONL or CSV file into ``output`` as ``{"id", "scores"}`` JSONL.

    ``source`` is a path (format from ``fmt`` or the extension) or an open binary stream
    such as stdin (``fmt`` default ``jsonl``). ``output`` is a path, written with
    :func:`open_output` (atomically onto regular files, through devices, FIFOs and
    symlinks), or an open text stream. ``scorer`` is a :class:`~cyberkind.engine.Scorer`
    (anything with its ``pipe``). Bad rows go to ``on_bad_row`` and are skipped, or with
    ``strict`` raise :class:`BadRowError`; then, as for an input without a single row
    (:class:`InputError`) or a binary one (:class:`InputFormatError`), nothing is left at an
    ``output`` path. ``digits`` rounds the scores for people reading them; ``progress``
    gets the bytes read so far, every thousand rows.

    **Usage**::

        >>> from cyberkind.engine import Scorer
        >>> report = score_file("comments.csv", "scores.jsonl", Scorer(), text_field="body",
        ...                     on_bad_row=print)
        >>> report.rows, report.skipped
        (1000, 2)

    ``cyberkind score`` calls it; each Dask worker runs its :func:`score_rows` loop on its
    block, so the outputs are byte for byte the same.
    """
    if max_record_bytes < 1:
        raise InputError(f"max_record_bytes must be at least 1, got {max_record_bytes}.")
    with contextlib.ExitStack() as stack:
        if isinstance(source, str | Path):
            path = Path(source)
            if path.is_dir():
                raise InputError(
                    f"{path} is a folder. You can fix this by passing a file, or --engine dask "
                    "to score a folder of partitions."
                )
            if not path.exists():
                raise InputError(
                    f"input file {path} does not exist. You can fix this by checking the path."
                )
            fmt_, name = detect_format(path, fmt), path.name
            stream: IO[bytes] = stack.enter_context(path.open("rb"))
        else:
            fmt_, name, stream = detect_format(Path("stdin"), fmt or "jsonl"), "stdin", source
        src = _Source(max_record_bytes=max_record_bytes, name=name)
        rows = _reader(fmt_)(stream, text_field, id_field, src)
        if isinstance(output, str | Path):
            output = stack.enter_context(open_output(Path(output)))

        def tick(_: int) -> None:
            if progress is not None:
                with contextlib.suppress(OSError, ValueError):  # a pipe cannot tell
                    progress(stream.tell())

        report = score_rows(
            rows,
            output,
            scorer,
            strict=strict,
            batch_size=batch_size,
            digits=digits,
            on_bad_row=on_bad_row,
            tick=tick if progress is not None else None,
        )
        if not (report.rows or report.skipped):
            raise empty_input(name)
    return report


def empty_input(name: str, files: int = 1) -> InputError:
    """The error for an input with no rows at all, for both engines of ``cyberkind score``;
    ``files`` counts the input's files (a glob or a folder has several)."""
    if files == 1:
        return InputError(
            f"{name} holds no rows (it is empty, or holds only blank lines or a CSV "
            "header). You can fix this by checking that the file was written completely."
        )
    return InputError(
        f"none of the {files} files of {name} holds a row (each is empty, or holds only blank "
        "lines or a CSV header). You can fix this by checking that the files were written "
        "completely."
    )


def score_rows(
    rows: Iterable[Row | BadRow],
    output: Path | TextIO,
    scorer: Pipe,
    *,
    strict: bool = False,
    batch_size: int = 1024,
    digits: int | None = None,
    on_bad_row: Callable[[BadRow], None] | None = None,
    tick: Callable[[int], None] | None = None,
) -> ScoreReport:
    """The scoring loop of :func:`score_file`, over rows already read (a Dask block's).

    Writes one ``{"id", "scores"}`` line per good row, in order, to ``output`` (a path goes
    through :func:`open_output`); bad rows go to ``on_bad_row``, or raise
    :class:`BadRowError` with ``strict``. ``tick`` gets the count of rows read, every
    thousand rows.
    """
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open_output(output)) if isinstance(output, Path) else output
        return _score_loop(rows, out, scorer, strict, batch_size, digits, on_bad_row, tick)


def _score_loop(
    rows: Iterable[Row | BadRow],
    output: TextIO,
    scorer: Pipe,
    strict: bool,
    batch_size: int,
    digits: int | None,
    on_bad_row: Callable[[BadRow], None] | None,
    tick: Callable[[int], None] | None,
) -> ScoreReport:
    skipped = 0
    first_bad: BadRow | None = None

    def good() -> Iterator[Row]:
        nonlocal skipped, first_bad
        for i, row in enumerate(rows):
            if tick is not None and i % 1000 == 0:
                tick(i)
            if isinstance(row, BadRow):
                if strict:
                    raise BadRowError(row)
                skipped += 1
                first_bad = first_bad or row
                if on_bad_row is not None:
                    on_bad_row(row)
                continue
            yield row

    count = 0
    found, texts = itertools.tee(good())
    scored = scorer.pipe((r.text for r in texts), batch_size=batch_size)
    for row, scores in zip(found, scored, strict=True):
        if digits is not None:
            scores = {k: round(v, digits) for k, v in scores.items()}
        output.write(json.dumps({"id": row.id, "scores": scores}) + "\n")
        count += 1
    return ScoreReport(count, skipped, first_bad)
