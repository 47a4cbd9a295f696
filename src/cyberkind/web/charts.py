"""Server-rendered SVG charts for the gold-stars page: readable without JavaScript.

The charts are plain SVG with presentation attributes (no inline style or script, so the
Content-Security-Policy stays strict), a ``<title>`` and ``role="img"`` for screen
readers, and every label escaped.

**Usage**::

    >>> "<svg" in bar_chart([("Ana", 3), ("Ben", 1)])
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from markupsafe import Markup, escape

from ..models import StarAward

__all__ = ["bar_chart", "stars_over_time", "weekly_totals"]

GOLD = "#d4a017"
INK = "#333333"


def bar_chart(rows: Sequence[tuple[str, int]], title: str = "The kindest people") -> Markup:
    """A horizontal bar chart of ``(label, value)`` rows."""
    if not rows:
        return Markup("")
    row_h, label_w, bar_w = 26, 160, 280
    height = row_h * len(rows) + 10
    top = max(value for _, value in rows) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {label_w + bar_w + 60} {height}" width="{label_w + bar_w + 60}" '
        f'height="{height}"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(rows):
        y = 5 + i * row_h
        width = max(2, round(bar_w * value / top))
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" fill="{INK}" '
            f'font-size="14">{escape(label[:24])}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{width}" height="{row_h - 8}" '
            f'fill="{GOLD}" rx="3"><title>{escape(label)}: {value}</title></rect>'
            f'<text x="{label_w + width + 6}" y="{y + 17}" fill="{INK}" font-size="13">'
            f"{value}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def weekly_totals(
    entries: Sequence[StarAward], weeks: int = 12, today: date | None = None
) -> list[tuple[date, int]]:
    """Stars awarded per week (weeks start on Monday), the last ``weeks`` weeks, oldest first."""
    end = today or datetime.now(UTC).date()
    start = end - timedelta(days=end.weekday()) - timedelta(weeks=weeks - 1)
    totals = {start + timedelta(weeks=i): 0 for i in range(weeks)}
    for entry in entries:
        if entry.awarded_at is None:
            continue
        day = entry.awarded_at.astimezone(UTC).date()
        monday = day - timedelta(days=day.weekday())
        if monday in totals:
            totals[monday] += entry.count
    return sorted(totals.items())


def stars_over_time(entries: Sequence[StarAward], weeks: int = 12) -> Markup:
    """Kindness over time: a column chart of gold stars per week."""
    totals = weekly_totals(entries, weeks)
    col_w, height, base = 40, 180, 150
    top = max((n for _, n in totals), default=0) or 1
    width = col_w * len(totals) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        "<title>Gold stars per week, the last 12 weeks</title>"
        f'<line x1="10" y1="{base}" x2="{width - 10}" y2="{base}" stroke="{INK}" />'
    ]
    for i, (monday, count) in enumerate(totals):
        x = 10 + i * col_w
        bar = round(120 * count / top)
        parts.append(
            f'<rect x="{x + 6}" y="{base - bar}" width="{col_w - 12}" height="{bar}" '
            f'fill="{GOLD}" rx="2"><title>week of {monday.isoformat()}: {count}</title></rect>'
            f'<text x="{x + col_w / 2}" y="{base - bar - 4}" text-anchor="middle" '
            f'font-size="11" fill="{INK}">{count if count else ""}</text>'
            f'<text x="{x + col_w / 2}" y="{base + 16}" text-anchor="middle" font-size="10" '
            f'fill="{INK}">{monday.strftime("%d %b")}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
