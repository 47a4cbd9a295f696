"""The web app's answers when something is wrong, and the one JSON body reader.

- :func:`json_error`: cyberkind's one JSON error shape, ``{"ok": false, "error", "errors",
  "status"}``, for every route but the Perspective ones (which answer in Google's shape,
  :meth:`cyberkind.web.perspective.PerspectiveError.body`);
- :func:`parse_json`: request bodies decoded once, the same way everywhere: strict UTF-8,
  at most :data:`MAX_JSON_DEPTH` levels of nesting, and no lone surrogates (``"\\ud800"``
  decodes in Python but is not text: it cannot be stored, scored or encoded again).
  Anything else raises :class:`BadJSON`, which each route answers as a 400 in its own shape.

**Usage**::

    >>> json_error(404, "No such idea.").status_code
    404
    >>> parse_json(b'{"text": "Thank you!"}')
    {'text': 'Thank you!'}
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

__all__ = [
    "MAX_JSON_DEPTH",
    "BadJSON",
    "json_error",
    "parse_json",
    "rate_limited",
    "read_json",
    "wants_json",
]

MAX_JSON_DEPTH = 64
"""The deepest nesting a request body may have: every documented body is two or three deep."""


def json_error(
    status: int,
    message: str,
    errors: Sequence[str] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """cyberkind's one JSON error shape (``errors`` lists every problem; by default the one)."""
    return JSONResponse(
        {"ok": False, "error": message, "errors": list(errors) or [message], "status": status},
        status_code=status,
        headers=dict(headers or {}),
    )


def rate_limited(retry_after: float) -> Response:
    """429 with ``Retry-After``, in the JSON error shape."""
    wait = int(retry_after) + 1
    return json_error(
        429,
        f"Too many requests; please wait {wait} seconds and try again.",
        headers={"retry-after": str(wait)},
    )


def wants_json(request: Request) -> bool:
    """Whether to answer ``request`` in JSON rather than with a page."""
    path = request.url.path
    if path.startswith(("/api/", "/v1")) or path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


class BadJSON(ValueError):
    """A request body that is not the JSON we read (the message says what to fix).

    ``malformed`` is true when it is not JSON at all (bad UTF-8 or syntax), false when it
    is JSON we refuse (too deep, lone surrogates).
    """

    def __init__(self, message: str, *, malformed: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.malformed = malformed


def parse_json(raw: bytes) -> Any:
    """Decode a request body: strict UTF-8, bounded nesting, no lone surrogates."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadJSON(
            f"The request body is not valid UTF-8 (byte {exc.start}).", malformed=True
        ) from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadJSON(
            f"Invalid JSON payload: {exc.msg} at line {exc.lineno} column {exc.colno}.",
            malformed=True,
        ) from None
    except RecursionError:  # the C decoder stops at the interpreter's recursion limit
        raise BadJSON(_too_deep()) from None
    _check_tree(value)
    return value


def _too_deep() -> str:
    return (
        f"The JSON nests deeper than {MAX_JSON_DEPTH} levels. You can fix this by sending "
        "the flat object the API documents."
    )


def _check_tree(value: Any) -> None:
    """Walk the decoded value without recursion: depth and lone surrogates."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            _check_text(node)
        elif isinstance(node, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise BadJSON(_too_deep())
            if isinstance(node, dict):
                for key, child in node.items():
                    _check_text(key)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in node)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadJSON(
            f"The JSON has a lone surrogate ({text[exc.start]!a}) in a string, which is not "
            "text. You can fix this by sending the character as UTF-8, or as a complete "
            "\\uD83D\\uDE00-style pair."
        ) from None


async def read_json(request: Request) -> Any:
    """The request's body, decoded by :func:`parse_json` (raises :class:`BadJSON`)."""
    return parse_json(await request.body())
