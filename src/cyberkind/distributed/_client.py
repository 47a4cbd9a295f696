"""The client side of distributed scoring: plan, check the workers, submit, collect."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import errors
from ..errors import ConfigError, CyberkindError, InputError, ModelError
from ..scoring_io import MAX_RECORD_BYTES, empty_input
from ._plan import Block, find_inputs, plan_blocks
from ._worker import (
    PARTS_DIR,
    Job,
    load_model,
    model_fingerprint,
    part_name,
    score_block,
    worker_info,
)

__all__ = ["DEFAULT_BLOCKSIZE", "MANIFEST", "SUCCESS", "ArchiveResult", "score_archive"]

DEFAULT_BLOCKSIZE = 16 << 20
"""Bytes of input per block (and so per output partition); Parquet blocks are row groups."""

CONNECT_TIMEOUT_S = 30
"""Seconds to wait for the scheduler at ``--scheduler`` to answer."""

MANIFEST = "_manifest.json"
SUCCESS = "_SUCCESS"
_OURS = (MANIFEST, SUCCESS, PARTS_DIR)


@dataclass(frozen=True, slots=True)
class ArchiveResult:
    """What :func:`score_archive` wrote: counts, partitions, and where bad rows were."""

    output_dir: Path
    rows: int
    skipped: int
    partitions: tuple[dict[str, Any], ...]
    single_input: bool

    def bad_rows(self) -> Iterator[tuple[str, int, str]]:
        """``(source file, line, reason)`` of every skipped row, in input order."""
        for part in self.partitions:
            if part["skipped"]:
                sidecar = self.output_dir / PARTS_DIR / (part["name"][: -len(".jsonl")] + ".json")
                record = json.loads(sidecar.read_text(encoding="utf-8"))
                for line, reason in record["bad"]:
                    yield part["source"], line, reason


def _dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise ConfigError(
            "the distributed engine needs Dask. You can fix this by running "
            "pip install 'cyberkind[distributed]'."
        ) from None
    return distributed


def _prepare_output(output_dir: Path) -> None:
    if output_dir.exists() and not output_dir.is_dir():
        raise ConfigError(
            f"the output {output_dir} is a file. You can fix this by passing a folder to "
            "--output (the distributed engine writes one file per partition)."
        )
    if output_dir.is_dir():
        foreign = [
            p.name
            for p in output_dir.iterdir()
            if not p.name.startswith(("part-", "_manifest")) and p.name not in _OURS
        ]
        if foreign:
            raise ConfigError(
                f"the output folder {output_dir} holds files cyberkind did not write "
                f"({', '.join(sorted(foreign)[:3])}). You can fix this by choosing a new or "
                "empty folder."
            )
    (output_dir / PARTS_DIR).mkdir(parents=True, exist_ok=True)
    # A run that fails must not leave the marker of an earlier success behind.
    for name in (SUCCESS, MANIFEST):
        (output_dir / name).unlink(missing_ok=True)


def _connect(distributed: Any, address: str) -> Any:
    try:
        return distributed.Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"cannot reach the Dask scheduler at {address} ({exc}). You can fix this by "
            "starting `dask scheduler` on that node, or by checking the address and port."
        ) from None


def _check_workers(client: Any, job: Job) -> None:
    try:
        client.wait_for_workers(1, timeout=60)
    except TimeoutError:
        raise ConfigError(
            f"no Dask worker joined the scheduler {client.scheduler.address} within 60 s. You "
            f"can fix this by running `dask worker {client.scheduler.address}` on each node."
        ) from None
    found = client.run(worker_info, job.tier, job.model_dir)
    wanted = {"version": job.version, "fingerprint": job.fingerprint}
    for address, info in sorted(found.items()):
        if info != wanted:
            raise ModelError(
                f"the worker at {address} has cyberkind {info['version']} with model "
                f"{info['fingerprint']}, but this client has cyberkind {job.version} with model "
                f"{job.fingerprint}. You can fix this by installing the same cyberkind version "
                "(and the same model_dir, if you set one) on every node."
            )
    client.run(load_model, job.tier, job.model_dir, job.options)


def score_archive(
    inputs: str | Path | Sequence[str | Path],
    output_dir: str | Path,
    *,
    scheduler: Any = None,
    workers: int | None = None,
    fmt: str | None = None,
    text_field: str = "text",
    id_field: str | None = None,
    strict: bool = False,
    tier: str = "fast",
    model_dir: Path | None = None,
    options: Mapping[str, Any] | None = None,
    batch_size: int = 1024,
    blocksize: int = DEFAULT_BLOCKSIZE,
    progress: Callable[[int, int], None] | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> ArchiveResult:
    """Score a JSONL, CSV or Parquet archive on a Dask cluster into a folder of partitions.

    ``scheduler`` is a ``distributed.Client``, a scheduler address (``"tcp://host:8786"``)
    or None, which starts a local cluster of ``workers`` processes (one thread each; default:
    one per core). Each block of input becomes ``part-NNNNN.jsonl`` in ``output_dir`` with the
    same ``{"id", "scores"}`` lines as ``cyberkind score``; ``_manifest.json`` and an empty
    ``_SUCCESS`` are written last. Blocks already scored by an earlier run of the same job are
    kept, so a failed run can be resumed by running it again. A JSONL line or CSV record over
    ``max_record_bytes`` is a bad row, as in ``cyberkind score``.

    **Usage**::

        >>> result = score_archive("comments/", "scores/", workers=2, id_field="id")
        >>> result.rows, result.skipped
        (1000000, 12)

    Raises :class:`InputError` (with ``strict``, for the first bad row in input order),
    :class:`InputFormatError`, :class:`ModelError` (a worker with another cyberkind version
    or model) and :class:`ConfigError` (Dask missing, no workers, a foreign output folder).
    """
    if batch_size < 1:
        raise ConfigError(f"batch_size must be at least 1, got {batch_size}.")
    from ..plugins import tier_registry

    if tier not in tier_registry():
        raise ConfigError(
            f"unknown tier {tier!r}. You can fix this by choosing one of: "
            f"{', '.join(tier_registry())}."
        )
    distributed = _dask()
    files = find_inputs(inputs, fmt)
    blocks = plan_blocks(files, blocksize, text_field=text_field, id_field=id_field)
    out = Path(output_dir)
    existed = out.exists()
    _prepare_output(out)
    model = str(model_dir) if model_dir is not None else None
    job = Job(
        output_dir=str(out.resolve()),
        text_field=text_field,
        id_field=id_field,
        strict=strict,
        tier=tier,
        model_dir=model,
        options=tuple(sorted((options or {}).items())),
        batch_size=batch_size,
        version=_version(),
        fingerprint=model_fingerprint(tier, model),
        max_record_bytes=max_record_bytes,
    )
    owned: list[Any] = []
    try:
        if scheduler is None:
            cluster = distributed.LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                # A free port on 127.0.0.1: None would still try 8787 for the health page.
                dashboard_address="127.0.0.1:0",
            )
            owned.append(cluster)
            client = distributed.Client(cluster)
            owned.append(client)
        elif isinstance(scheduler, str):
            client = _connect(distributed, scheduler)
            owned.append(client)
        else:
            client = scheduler
        _check_workers(client, job)
        results = _run(distributed, client, blocks, job, progress, single_input=len(files) == 1)
    finally:
        for thing in reversed(owned):
            thing.close()
    if not any(r["rows"] or r["skipped"] for r in results.values()):
        # As the local engine: an input without a single row is an error, and leaves no output.
        _discard(out, created=not existed)
        name = files[0][0].name if len(files) == 1 else str(inputs)
        raise empty_input(name, len(files))
    return _finish(out, blocks, results, job, single_input=len(files) == 1)


def _discard(out: Path, created: bool) -> None:
    """Remove what this run wrote (:func:`_prepare_output` checked nothing else is there)."""
    for path in out.glob("part-*"):
        path.unlink()
    shutil.rmtree(out / PARTS_DIR, ignore_errors=True)
    if created:
        shutil.rmtree(out, ignore_errors=True)


def _version() -> str:
    from .._version import __version__

    return __version__


def _run(
    distributed: Any,
    client: Any,
    blocks: list[Block],
    job: Job,
    progress: Callable[[int, int], None] | None,
    single_input: bool,
) -> dict[int, dict[str, Any]]:
    futures = {
        client.submit(score_block, block, job, pure=False, retries=1): block.index
        for block in blocks
    }
    results: dict[int, dict[str, Any]] = {}
    first_failure: int | None = None
    for done in distributed.as_completed(list(futures)):
        index = futures[done]
        if done.cancelled():  # a block after a --strict failure
            continue
        result = done.result()
        results[index] = result
        failed = "error" in result or "strict" in result or (job.strict and result["first_bad"])
        if failed and (first_failure is None or index < first_failure):
            first_failure = index
            # Later blocks cannot change which error comes first: stop them.
            client.cancel([f for f, i in futures.items() if i > index and i not in results])
        if progress is not None:
            progress(len(results), len(blocks))
        if first_failure is not None and all(i in results for i in range(first_failure + 1)):
            break
    if first_failure is not None:
        _raise(blocks[first_failure], results[first_failure], single_input)
    return results


def _raise(block: Block, result: dict[str, Any], single_input: bool) -> None:
    if "error" in result:
        error_type = getattr(errors, result["error_type"], CyberkindError)
        raise error_type(result["error"])
    line, reason = result.get("strict") or result["first_bad"]
    where = "" if single_input else f" (in {block.path})"
    raise InputError(f"{reason}{where}. Fix the row, or drop --strict to skip bad rows.", line)


def _finish(
    out: Path,
    blocks: list[Block],
    results: dict[int, dict[str, Any]],
    job: Job,
    single_input: bool,
) -> ArchiveResult:
    partitions = tuple(
        {
            "name": part_name(block.index),
            "source": block.path,
            "start": block.start,
            "end": block.end,
            "first_line": block.first_line,
            "rows": results[block.index]["rows"],
            "skipped": results[block.index]["skipped"],
        }
        for block in blocks
    )
    # Partitions left over from an earlier run with more blocks are not part of this output.
    wanted = {p["name"] for p in partitions}
    for path in out.glob("part-*"):
        if path.name not in wanted:
            path.unlink()
    for path in (out / PARTS_DIR).glob("part-*"):
        if path.name.replace(".json", ".jsonl") not in wanted:
            path.unlink()
    manifest = {
        "format": "cyberkind.scores.v1",
        "cyberkind": job.version,
        "tier": job.tier,
        "model_fingerprint": job.fingerprint,
        "text_field": job.text_field,
        "id_field": job.id_field,
        "rows": sum(p["rows"] for p in partitions),
        "skipped": sum(p["skipped"] for p in partitions),
        "partitions": list(partitions),
    }
    text = json.dumps(manifest, indent=2) + "\n"
    (out / (MANIFEST + ".partial")).write_text(text, encoding="utf-8")
    os.replace(out / (MANIFEST + ".partial"), out / MANIFEST)
    (out / SUCCESS).touch()
    return ArchiveResult(
        output_dir=out,
        rows=manifest["rows"],
        skipped=manifest["skipped"],
        partitions=partitions,
        single_input=single_input,
    )
