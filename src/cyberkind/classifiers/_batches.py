"""Tokenised texts in padded batches, as both ONNX encoders feed them to their sessions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["padded_batches"]

Batch = tuple[npt.NDArray[np.intp], npt.NDArray[np.int64], npt.NDArray[np.int64]]


def padded_batches(encodings: Sequence[Any], batch_size: int) -> Iterator[Batch]:
    """``(rows, input_ids, attention_mask)`` for batches of ``batch_size`` encodings.

    ``encodings`` are ``tokenizers`` encodings (anything with ``.ids``). Batches go
    shortest first, so that each pads to a width close to its texts' own; ``rows`` are the
    encodings' places in ``encodings``, for putting the outputs back in input order.
    """
    lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
    order = np.argsort(lengths, kind="stable")
    for start in range(0, len(encodings), batch_size):
        rows = order[start : start + batch_size]
        width = int(lengths[rows].max())
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, row in enumerate(rows):
            seq = encodings[row].ids
            ids[i, : len(seq)] = seq
            mask[i, : len(seq)] = 1
        yield rows, ids, mask
