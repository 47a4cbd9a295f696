"""Markdown helpers shared by the benchmark report's sections."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["fmt", "table"]


def fmt(value: Any) -> str:
    """A cell: floats to three decimals, None as "-"."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
