"""Google's discovery document for the Perspective API, pointing at this server.

Clients generated from it (Google's own Python sample calls
``googleapiclient.discovery.build("commentanalyzer", "v1alpha1", discoveryServiceUrl=...)``)
first ``GET /$discovery/rest?version=v1alpha1``, then send every call to the document's
``rootUrl``. The document is data, ``perspective_discovery.json`` beside this module; only
``rootUrl`` and ``baseUrl`` are filled in per request, from the request's own base URL (the
scheme, host and port the client used), so a client reaches the server it asked.

**Usage**::

    >>> doc = discovery_document("http://127.0.0.1:8000/")
    >>> doc["rootUrl"], doc["resources"]["comments"]["methods"]["analyze"]["path"]
    ('http://127.0.0.1:8000/', 'v1alpha1/comments:analyze')
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .perspective import PerspectiveError

__all__ = ["DISCOVERY_PATH", "VERSION", "discovery_document", "discovery_endpoint"]

DISCOVERY_PATH = "/$discovery/rest"
VERSION = "v1alpha1"


@functools.cache
def _template() -> str:
    return files("cyberkind.web").joinpath("perspective_discovery.json").read_text("utf-8")


def discovery_document(root_url: str) -> dict[str, Any]:
    """The discovery document (a fresh dict each call) with ``rootUrl`` set to ``root_url``."""
    root = root_url if root_url.endswith("/") else root_url + "/"
    doc: dict[str, Any] = json.loads(_template())
    doc["rootUrl"] = doc["baseUrl"] = root
    return doc


async def discovery_endpoint(request: Request) -> Response:
    """``GET /$discovery/rest?version=v1alpha1``: the document; another version is a 404."""
    version = request.query_params.get("version", VERSION)
    if version != VERSION:
        err = PerspectiveError(
            f"No discovery document for commentanalyzer {version}: this server has {VERSION}.",
            "INVALID_REQUEST",
            code=404,
            status="NOT_FOUND",
        )
        return JSONResponse(err.body(), status_code=404)
    return JSONResponse(discovery_document(str(request.base_url)))
