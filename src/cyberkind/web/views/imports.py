"""Bring comments into the inbox from the web: sync the live sources, or import a file.

- ``POST /inbox/sync`` (form: ``csrf``, ``source``) and ``POST /api/inbox/sync`` (JSON
  ``{"source"?}``): every followed feed and connected account from its cursor, or one
  (:func:`cyberkind.pipeline.sync_sources`, behind ``cyberkind sync``);
- ``POST /inbox/import`` (a ``multipart/form-data`` form: ``csrf``, ``file``, ``format``,
  ``source``) and ``POST /api/inbox/import`` (JSON ``{"filename", "text", "format"?,
  "source"?}``): a WordPress export, JSONL or CSV file
  (:func:`cyberkind.pipeline.import_file`, behind ``cyberkind import``).

Both read with the scorer the CLI reads with (:meth:`~.context.WebContext.inbox_scorer`:
:func:`cyberkind.pipeline.configured_inbox_scorer`, the ``inbox_tier`` setting, ``reading``
by default), so the extra heads (spam, ``target:*``) reach the store and an item brought in
from the web gets the opportunity ``cyberkind import`` would give it. Imports and syncs take
turns (:attr:`~.context.WebContext.imports`). A form answers with a 303 to the inbox and a
note of what came in; the JSON twins answer with the CLI's JSON summary.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...errors import InputError
from ...pipeline import ImportReport, SyncReport, import_file, sync_sources
from ..context import WebContext, json_object, page, web_context

__all__ = ["FORMATS", "IMPORT_PATHS", "MAX_IMPORT_BYTES", "routes"]

MAX_IMPORT_BYTES = 16 * 1024 * 1024
"""An uploaded file's limit; ``cyberkind import FILE`` reads larger ones."""

IMPORT_PATHS = ("/inbox/import", "/api/inbox/import")
"""The paths that take a file (their own body limit, :data:`MAX_IMPORT_BYTES`)."""

FORMATS = ("wxr", "jsonl", "csv")
SYNC_TIMEOUT = 20.0
"""Seconds to wait for a source to connect or send its next bytes (as ``cyberkind sync``)."""


def _identity(web: WebContext) -> list[str]:
    return [v for v in str(web.settings.get("identity") or "").split(",") if v.strip()]


def _file_name(name: str | None) -> str:
    """A safe file name for the upload: its base name, in letters, digits, ``.``, ``-``, ``_``
    (``import:<its stem>`` names the source of JSONL and CSV rows, as on the command line)."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(name or "").name).strip(".-")
    return base[:100] or "upload"


def _format(value: str | None) -> str | None:
    if not value:
        return None
    if value not in FORMATS:
        raise InputError(
            f"unknown format {value!r}. You can fix this by choosing wxr, jsonl or csv."
        )
    return value


def _import(
    web: WebContext, name: str, data: bytes, fmt: str | None, source: str | None
) -> ImportReport:
    """Import ``data`` as the file ``name``, as ``cyberkind import`` would."""
    with tempfile.TemporaryDirectory(prefix="cyberkind-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        with web.imports:
            store = web.open_store()
            try:
                report = import_file(
                    store,
                    path,
                    fmt=fmt,
                    scorer=web.inbox_scorer(),
                    identity=_identity(web),
                    source=source or None,
                    max_record_bytes=int(web.settings["max_record_bytes"]),
                )
            finally:
                store.close()
    if not report.read:
        raise InputError(
            f"{name} holds no records (it is empty, or holds only blank lines). You can fix "
            "this by checking that the file was exported completely."
        )
    return report


def _import_json(report: ImportReport) -> dict[str, Any]:
    return {
        "ok": True,
        **report.to_json(),
        "new_opportunities": report.opportunities_new,
        "problems": [{"line": p.line, "reason": p.reason} for p in report.problems],
    }


async def import_upload(request: Request) -> Response:
    web = web_context(request)
    if request.url.path.startswith("/api/"):
        body = await json_object(request, '{"filename": "comments.jsonl", "text": "..."}')
        if isinstance(body, Response):
            return body
        fields = {k: body.get(k) for k in ("filename", "text", "format", "source")}
        if not all(v is None or isinstance(v, str) for v in fields.values()):
            raise InputError("'filename', 'text', 'format' and 'source' must be strings.")
        if not fields["text"]:
            raise InputError(
                "'text' is missing. You can fix this by sending the file's content as a string."
            )
        name, data = _file_name(fields["filename"]), str(fields["text"]).encode("utf-8")
        fmt, source = _format(fields["format"]), fields["source"]
        report = await run_in_threadpool(_import, web, name, data, fmt, source)
        return JSONResponse(_import_json(report))
    async with request.form(max_files=1, max_fields=10) as form:
        if not web.csrf_ok(request, form.get("csrf")):
            return web.error_page(request, 403, "This form has expired. Please reload the page.")
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InputError(
                "no file was chosen. You can fix this by choosing a WordPress export, JSONL or "
                "CSV file to import."
            )
        name, data = _file_name(upload.filename), await upload.read()
        raw_format, raw_source = form.get("format"), form.get("source")
    fmt = _format(raw_format if isinstance(raw_format, str) else None)
    source = raw_source.strip() if isinstance(raw_source, str) else None
    report = await run_in_threadpool(_import, web, name, data, fmt, source)
    note = {
        "brought": "import",
        "name": name,
        "new": report.new,
        "opportunities": report.opportunities_new,
        "skipped": len(report.problems),
    }
    return RedirectResponse(f"/inbox?{urlencode(note)}", 303)


def _sync(web: WebContext, only: str | None) -> SyncReport:
    """Sync the live sources (or ``only``), as ``cyberkind sync`` would."""
    import httpx

    with web.imports, httpx.Client(timeout=SYNC_TIMEOUT) as client:
        store = web.open_store()
        try:
            return sync_sources(
                store,
                client,
                only=only or None,
                scorer=web.inbox_scorer(),
                identity=_identity(web),
                credentials=web.credentials,
                deadline=float(web.settings["sync_deadline"]),
                feed_max_bytes=int(web.settings["feed_max_bytes"]),
            )
        finally:
            store.close()


async def sync_now(request: Request) -> Response:
    web = web_context(request)
    if request.url.path.startswith("/api/"):
        body = await json_object(request, '{"source": "social"}')
        if isinstance(body, Response):
            return body
        only = body.get("source")
        if only is not None and not isinstance(only, str):
            raise InputError("'source' must be a string: a feed URL, an account or source name.")
        report = await run_in_threadpool(_sync, web, only)
        return JSONResponse({"ok": not report.errors, **report.to_json()})
    async with request.form(max_files=0, max_fields=10) as form:
        if not web.csrf_ok(request, form.get("csrf")):
            return web.error_page(request, 403, "This form has expired. Please reload the page.")
        raw = form.get("source")
    report = await run_in_threadpool(_sync, web, raw.strip() if isinstance(raw, str) else None)
    note: dict[str, Any] = {
        "brought": "sync",
        "sources": len(report.sources) - len(report.errors),
        "new": report.new,
        "opportunities": report.opportunities_new,
    }
    if report.errors:
        note["failed"] = ",".join(r.source for r in report.errors)
    return RedirectResponse(f"/inbox?{urlencode(note)}", 303)


def routes() -> list[BaseRoute]:
    """The import and sync routes (before the inbox's ``/inbox/{id}`` patterns)."""
    return [
        Route("/inbox/sync", page(sync_now), methods=["POST"]),
        Route("/api/inbox/sync", page(sync_now), methods=["POST"]),
        Route("/inbox/import", page(import_upload), methods=["POST"]),
        Route("/api/inbox/import", page(import_upload), methods=["POST"]),
    ]
