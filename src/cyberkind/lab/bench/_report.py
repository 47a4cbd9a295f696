"""Markdown helpers shared by the benchmark report's sections."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
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


def load_report(output_dir: Path | None, filename: str) -> dict[str, Any] | None:
    """A benchmark's last JSON report in ``output_dir`` (``--only NAME``), if there is one."""
    path = output_dir / filename if output_dir is not None else None
    if path is None or not path.is_file():
        return None
    report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return report
