"""Batch scoring of big archives on a Dask cluster, with the local scorer's output contract.

:func:`score_archive` cuts JSONL, CSV or Parquet files into blocks, scores each block on a
Dask worker with that worker's own :class:`~cyberkind.engine.Scorer`, and writes one
``part-NNNNN.jsonl`` per block, then ``_manifest.json`` and ``_SUCCESS``. Concatenated in
order, the partitions are byte for byte what ``cyberkind score`` writes for the same input.
Needs ``pip install 'cyberkind[distributed]'``; see docs/distributed.md.

**Usage**::

    >>> from cyberkind.distributed import score_archive
    >>> result = score_archive("comments/*.jsonl", "scores/", scheduler="tcp://10.0.0.1:8786")
    >>> for source, line, reason in result.bad_rows():
    ...     print(source, line, reason)
"""

from __future__ import annotations

from ._client import DEFAULT_BLOCKSIZE, MANIFEST, SUCCESS, ArchiveResult, score_archive
from ._plan import ARCHIVE_FORMATS, Block, find_inputs, plan_blocks
from ._worker import model_fingerprint, part_name

__all__ = [
    "ARCHIVE_FORMATS",
    "DEFAULT_BLOCKSIZE",
    "MANIFEST",
    "SUCCESS",
    "ArchiveResult",
    "Block",
    "find_inputs",
    "model_fingerprint",
    "part_name",
    "plan_blocks",
    "score_archive",
]
