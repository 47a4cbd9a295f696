"""What runs on each Dask worker: score one block into one output partition.

The task function is a module-level function of the installed package, so Dask sends it by
reference (its import path), never the model: each worker process loads its own
:class:`~cyberkind.engine.Scorer` once, from its own installed package (or the ``model_dir``
path, which must exist on every node), and keeps it for every later block. Before scoring,
the worker checks that its cyberkind version and model fingerprint match the client's.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import CyberkindError, InputError, ModelError
from ..scoring_io import MAX_RECORD_BYTES, BadRow, BadRowError, Row, read_rows, score_rows
from ..scoring_io._read import _make_row
from ._plan import Block

__all__ = ["Job", "model_fingerprint", "score_block", "worker_info"]

PARTS_DIR = "_parts"


@dataclass(frozen=True, slots=True)
class Job:
    """Everything a worker needs besides the block; the same for every block of a run."""

    output_dir: str
    text_field: str
    id_field: str | None
    strict: bool
    tier: str
    model_dir: str | None
    options: tuple[tuple[str, Any], ...]
    batch_size: int
    version: str
    fingerprint: str
    max_record_bytes: int = MAX_RECORD_BYTES


def part_name(index: int) -> str:
    """The output partition of block ``index``: ``part-00000.jsonl``."""
    return f"part-{index:05d}.jsonl"


def _version() -> str:
    from .._version import __version__

    return __version__


@functools.lru_cache(maxsize=8)
def model_fingerprint(tier: str, model_dir: str | None) -> str:
    """SHA-256 over the model folder's files (names and bytes), cached per process."""
    from ..classifiers.shipped import default_model_dir

    root = Path(model_dir) if model_dir else default_model_dir()
    digest = hashlib.sha256(tier.encode())
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def worker_info(tier: str, model_dir: str | None) -> dict[str, str]:
    """This process's cyberkind version and model fingerprint (run on every worker)."""
    try:
        fingerprint = model_fingerprint(tier, model_dir)
    except OSError as exc:
        fingerprint = f"unreadable ({exc})"
    return {"version": _version(), "fingerprint": fingerprint}


def load_model(tier: str, model_dir: str | None, options: tuple[tuple[str, Any], ...]) -> None:
    """Load this process's scorer now (run on every worker before the first block).

    Every worker loads at once, and a worker that cannot (the ``accurate`` extra missing on
    one node, say) stops the run before anything is scored, with the engine's own message.
    """
    _scorer(tier, model_dir, options)


# One scorer per worker process and model; the lock lets a worker run several threads
# safely (the fast tier's memo tables are not thread-safe), at the cost of one core each.
_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4)
def _scorer(tier: str, model_dir: str | None, options: tuple[tuple[str, Any], ...]) -> Any:
    from ..engine import Scorer

    return Scorer(tier, Path(model_dir) if model_dir else None, dict(options))


class _Window(io.RawIOBase):
    """Bytes ``start`` to ``end`` of an open file, read lazily."""

    def __init__(self, handle: io.BufferedReader, start: int, end: int) -> None:
        handle.seek(start)
        self._handle = handle
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = min(len(buffer), self._left)
        if size <= 0:
            return 0
        count: int = self._handle.readinto(memoryview(buffer)[:size])
        self._left -= count
        return count


def _rows(block: Block, job: Job) -> Iterator[Row | BadRow]:
    if block.fmt == "parquet":
        yield from _parquet_rows(block, job)
        return
    with open(block.path, "rb") as handle:
        window = io.BufferedReader(_Window(handle, block.start, block.end), 1 << 20)
        yield from read_rows(
            None,
            fmt=block.fmt,
            text_field=job.text_field,
            id_field=job.id_field,
            stream=window,
            first_line=block.first_line,
            header=list(block.header) if block.header is not None else None,
            max_record_bytes=job.max_record_bytes,
        )


def _parquet_rows(block: Block, job: Job) -> Iterator[Row | BadRow]:
    """Parquet rows as JSON records would be read: the row number stands in for the line.

    Only the text and ``--id-field`` columns are read, so without ``--id-field`` the id is
    the row number (an ``id`` column is not taken by default, as a JSONL ``id`` field is).
    """
    import pyarrow.parquet as pq

    columns = [job.text_field] + ([job.id_field] if job.id_field else [])
    number = block.first_line
    with pq.ParquetFile(block.path) as source:  # type: ignore[no-untyped-call]
        batches = source.iter_batches(
            batch_size=max(job.batch_size, 1),
            row_groups=list(range(block.start, block.end)),
            columns=list(dict.fromkeys(columns)),
        )
        for batch in batches:
            values = {name: batch.column(name).to_pylist() for name in set(columns)}
            for i in range(batch.num_rows):
                record = {name: column[i] for name, column in values.items()}
                yield _make_row(number, record, job.text_field, job.id_field)
                number += 1


def score_block(block: Block, job: Job) -> dict[str, Any]:
    """Score ``block`` into ``part-NNNNN.jsonl``; return its row counts and bad rows.

    Returns ``{"rows", "skipped", "first_bad": [line, reason] or None}`` (every bad row is in
    the sidecar, not sent back, so the client's memory does not grow with them), or with
    ``--strict`` ``{"strict": [line, reason]}`` at the first bad row (and no output), or
    ``{"error", "error_type"}`` for a cyberkind error or an unreadable input or unwritable
    output, so the client can raise it with its message intact. A block whose output and
    sidecar already exist for the same job is not scored again.
    """
    try:
        return _score_block(block, job)
    except CyberkindError as exc:
        return {"error": str(exc), "error_type": type(exc).__name__}
    except OSError as exc:
        return {
            "error": f"a worker cannot read {block.path} or write {job.output_dir} ({exc}). "
            "You can fix this by making the input and the output folder reachable at the same "
            "path on every node (a shared filesystem).",
            "error_type": "ConfigError",
        }


def _sidecar_key(block: Block, job: Job) -> dict[str, Any]:
    key = asdict(job)
    del key["output_dir"], key["strict"]
    key["options"] = [list(pair) for pair in job.options]
    return {"block": asdict(block) | {"header": block.header and list(block.header)}, **key}


def _score_block(block: Block, job: Job) -> dict[str, Any]:
    mine = worker_info(job.tier, job.model_dir)
    if mine != {"version": job.version, "fingerprint": job.fingerprint}:
        raise ModelError(
            f"a worker has cyberkind {mine['version']} with model {mine['fingerprint']}, the "
            f"client cyberkind {job.version} with model {job.fingerprint}. You can fix this by "
            "installing the same cyberkind version (and model_dir) on every node."
        )
    out_dir = Path(job.output_dir)
    target = out_dir / part_name(block.index)
    sidecar = out_dir / PARTS_DIR / (part_name(block.index)[: -len(".jsonl")] + ".json")
    key = _sidecar_key(block, job)
    if target.is_file() and sidecar.is_file():
        done: dict[str, Any] = json.loads(sidecar.read_text(encoding="utf-8"))
        if done.get("key") == key:
            return _summary(done["rows"], done["bad"])
    stat = os.stat(block.path)
    if (stat.st_size, stat.st_mtime_ns) != (block.size, block.mtime_ns):
        raise InputError(
            f"{block.path} changed after the run was planned (or this node sees another "
            "file at that path). You can fix this by running the command again once the "
            "file stops changing."
        )
    scorer = _scorer(job.tier, job.model_dir, job.options)
    bad: list[list[Any]] = []
    sidecar.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _LOCK:
            # The loop of the local `cyberkind score` (score_file): rows come out byte-identical.
            report = score_rows(
                _rows(block, job),
                target,
                scorer,
                strict=job.strict,
                batch_size=job.batch_size,
                on_bad_row=lambda row: bad.append([row.line, row.reason]),
            )
    except BadRowError as exc:
        return {"strict": [exc.row.line, exc.row.reason]}
    count = report.rows
    record = {"key": key, "rows": count, "skipped": len(bad), "bad": bad}
    sidecar_partial = sidecar.with_name(sidecar.name + ".partial")
    sidecar_partial.write_text(json.dumps(record), encoding="utf-8")
    os.replace(sidecar_partial, sidecar)
    return _summary(count, bad)


def _summary(rows: int, bad: list[list[Any]]) -> dict[str, Any]:
    return {"rows": rows, "skipped": len(bad), "first_bad": bad[0] if bad else None}
