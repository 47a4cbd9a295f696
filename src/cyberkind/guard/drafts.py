"""Read drafts for ``cyberkind check``: raw bytes of one draft, or a file of many.

A file holds one draft per line, or JSON Lines with a ``text`` field (chosen by the
``.jsonl``/``.ndjson`` extension, or when the first non-blank line starts with ``{``).
Blank lines are skipped. Errors name the 1-based line and the fix.

**Usage**::

    >>> read_drafts(b"first draft\\n\\nsecond draft\\n", "drafts.txt")
    [(1, 'first draft'), (3, 'second draft')]
"""

from __future__ import annotations

import json

from ..errors import InputError
from .check import MAX_CHARS

__all__ = ["decode_draft", "read_drafts"]


def decode_draft(data: bytes, where: str = "the input") -> str:
    """One draft from ``data``, which must be UTF-8, non-empty and at most MAX_CHARS long."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where} is not valid UTF-8 (byte {exc.start}). You can fix this by saving it as "
            "UTF-8."
        ) from None
    _check_text(text.strip("\n"), where, None)
    return text.strip("\n")


def read_drafts(data: bytes, name: str) -> list[tuple[int, str]]:
    """``(line number, draft)`` pairs of a drafts file read as ``data``."""
    lines = data.split(b"\n")
    decoded = []
    for number, raw in enumerate(lines, 1):
        try:
            decoded.append(raw.decode("utf-8").rstrip("\r"))
        except UnicodeDecodeError:
            raise InputError(
                f"{name} is not valid UTF-8. You can fix this by saving it as UTF-8.", number
            ) from None
    first = next((line for line in decoded if line.strip()), "")
    jsonl = name.endswith((".jsonl", ".ndjson")) or first.lstrip().startswith("{")
    out = []
    for number, line in enumerate(decoded, 1):
        if not line.strip():
            continue
        text = _json_text(line, number) if jsonl else line
        _check_text(text, name, number)
        out.append((number, text))
    if not out:
        raise InputError(f"{name} holds no drafts. You can fix this by writing one per line.")
    return out


def _json_text(line: str, number: int) -> str:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON ({exc.msg}). You can fix this by writing one JSON object per line",
            number,
        ) from None
    if not isinstance(row, dict) or "text" not in row:
        raise InputError(
            'no field "text". You can fix this by writing {"text": "your draft"} on each line',
            number,
        )
    if not isinstance(row["text"], str):
        raise InputError('field "text" must be a string', number)
    text: str = row["text"]
    return text


def _check_text(text: str, where: str, line: int | None) -> None:
    if not text.strip():
        raise InputError(
            f"{where}: the draft is empty. You can fix this by passing the text to check.", line
        )
    if len(text) > MAX_CHARS:
        raise InputError(
            f"{where}: the draft is {len(text):,} characters long, over the limit of "
            f"{MAX_CHARS:,}. You can fix this by splitting it into shorter drafts.",
            line,
        )
