"""The OpenAPI 3.1 description of cyberkind's HTTP API, served at ``/openapi.json``.

The document is data: ``openapi.json`` in this package, shipped as package data and
edited by hand next to the routes it describes. Tests validate it with
``openapi-spec-validator``, check that every route and method of the app appears in it,
and that the Perspective limits it states are the code's.

**Usage**::

    >>> openapi_spec()["openapi"]
    '3.1.0'
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

__all__ = ["openapi_spec"]


@lru_cache(maxsize=1)
def _document() -> str:
    return files("cyberkind.web").joinpath("openapi.json").read_text(encoding="utf-8")


def openapi_spec() -> dict[str, Any]:
    """The OpenAPI document (a fresh dict each call): the API, and the web app's routes."""
    spec: dict[str, Any] = json.loads(_document())
    return spec
