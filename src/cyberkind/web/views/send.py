"""Approve and send from the web app: edit, see exactly what will be posted, confirm, send once.

The pages (no JavaScript needed):

- ``POST /inbox/{id}/confirm`` (the draft's form, "Approve and send…"): saves the edited
  draft and shows what will be posted, as whom and to whom
  (:func:`cyberkind.sending.prepare_send`), with the guard's verdict. When the guard holds
  the text it shows why and the kinder rewrite instead of a send button.
- ``POST /inbox/{id}/send`` (the confirm page's form: CSRF token, text, key): posts it
  with :func:`cyberkind.sending.send_draft`, which marks the opportunity done and records
  its gold stars, then redirects (303) to the opportunity, which shows it sent. The key is
  the send's idempotency key, so the text sent is the text confirmed; a double-submit
  waits for the first (one send per opportunity at a time) and then finds it sent:
  nothing is ever posted twice.

And their JSON twins: ``POST /api/inbox/{id}/preview`` and ``POST /api/inbox/{id}/send``.

Errors become friendly pages (or cyberkind's JSON error shape), never stack traces:
:class:`~cyberkind.errors.ConfigError` (what must not be sent) 409,
:class:`~cyberkind.errors.InputError` (the guard holds it) 422 with the reasons and the
kinder rewrite, :class:`~cyberkind.errors.SourceError` and
:class:`~cyberkind.errors.AuthError` (posting failed) 502, saying it is safe to retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...accounts import can_send_privately
from ...composer import Composer
from ...errors import AuthError, ClaimedError, ConfigError, InputError, SourceError
from ...inbox import Inbox
from ...sending import (
    PreparedSend,
    SendResult,
    answered_item,
    idempotency_key,
    prepare_send,
    send_draft,
    sends,
)
from ...store import Store
from ..context import WebContext, checked_form, json_object, page, web_context
from ..responses import json_error

__all__ = ["routes"]

MAX_DRAFT_CHARS = 5000
SAFE_TO_RETRY = "Nothing was posted twice: cyberkind remembers this send, so trying again is safe."


def _answered(store: Store, opp_id: str) -> tuple[str | None, str | None, str | None]:
    """The text being answered, its author and their handle (for the guard and the page)."""
    item = answered_item(store, opp_id)
    if item is None:
        return None, None, None
    return item.text or None, item.author.display, item.author.handle or None


def _text_of(form: dict[str, Any]) -> str | None:
    value = form.get("text")
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError("'text' must be a string. You can fix this by sending the words.")
    text = value.strip()
    if not text:
        raise InputError("the reply is empty. You can fix this by writing a reply.")
    if len(text) > MAX_DRAFT_CHARS:
        raise InputError(
            f"the reply is longer than {MAX_DRAFT_CHARS} characters. You can fix this by "
            "shortening it."
        )
    return text


@dataclass(frozen=True, slots=True)
class _Posted:
    """What a send step posted: for which opportunity, its fields and the words."""

    web: WebContext
    opp_id: str
    fields: dict[str, Any]
    text: str | None


async def _posted(request: Request, *, api: bool) -> _Posted | Response:
    """The opportunity and the words a send step posted (a form, or the API's JSON object),
    or the error to answer."""
    web, opp_id = web_context(request), request.path_params["opp_id"]
    if api:
        fields: dict[str, Any] | Response = await json_object(request, '{"text": "Thank you!"}')
    else:
        fields = await checked_form(request)
    if isinstance(fields, Response):
        return fields
    return _Posted(web, opp_id, fields, _text_of(fields))


def _preview(
    web: WebContext,
    store: Store,
    opp_id: str,
    text: str | None,
    save: bool,
    request: Request | None = None,
) -> dict[str, Any]:
    """What will be posted, as whom and to whom, and the guard's verdict on it.

    An opportunity someone else has claimed is refused before its draft is touched.
    """
    inbox = Inbox(store, crisis_line=web.crisis_line)
    opp = inbox.get(opp_id)
    if request is not None and inbox.claim_holder(opp.id) is not None:
        try:
            inbox.check_claim(opp.id, web.acting_member(request, store))
        except ClaimedError as err:
            raise ClaimedError(
                f"{err.holder} is answering this one, so you cannot send it. You can fix this "
                "by choosing another from the unclaimed ones (/inbox?claim=unclaimed).",
                opportunity_id=opp.id,
                holder=err.holder,
            ) from None
    if save and text is not None:
        Composer(store).save_edited(opp, text)
    prepared = prepare_send(
        store, opp.id, text=text, private_ok=can_send_privately(store, opp.source)
    )
    account = store.get_account(prepared.account)
    answered, answered_by, handle = _answered(store, opp.id)
    verdict = None
    if web.guard_check is not None:
        verdict = web.guard_check(prepared.text, answered)
    sent, _ = sends(store, opp.id)
    return {
        "opp": prepared.opportunity,
        "prepared": prepared,
        "account": account,
        "answered": answered,
        "answered_by": answered_by,
        "handle": handle,
        "verdict": verdict,
        "sent_before": sent,
    }


def _preview_json(data: dict[str, Any]) -> dict[str, Any]:
    prepared: PreparedSend = data["prepared"]
    verdict = data["verdict"]
    return {
        "ok": True,
        **prepared.to_json(),
        "as": data["account"].handle or data["account"].name,
        "url": data["account"].url,
        "answering": {
            "author": data["answered_by"],
            "handle": data["handle"],
            "text": data["answered"],
        },
        "guard": verdict.to_dict() if verdict is not None else None,
        "can_send": verdict is None or verdict.verdict == "ok",
    }


async def confirm_page(request: Request) -> Response:
    """The confirm step: the edited draft saved, and exactly what will be posted."""
    posted = await _posted(request, api=False)
    if isinstance(posted, Response):
        return posted
    web, opp_id, text = posted.web, posted.opp_id, posted.text
    try:
        data = await web.with_store(
            lambda s: _preview(web, s, opp_id, text, save=True, request=request)
        )
    except ConfigError as err:
        return _not_sent(request, 409, opp_id, str(err), kind="refused")
    return web.render(request, "confirm.html", **data)


def _send(web: WebContext, request: Request, opp_id: str, text: str | None) -> SendResult:
    """Send under the opportunity's lock, on the worker thread's own store connection.

    On a team store the send claims the opportunity first, as the logged-in member (or, in
    a store without members, the ``user`` setting), and is refused when someone else holds
    it (docs/teams.md).
    """
    with web.send_lock(opp_id), web.open_store() as store:
        member = web.acting_member(request, store)
        return send_draft(
            store, opp_id, text=text, guard=web.guard, credentials=web.credentials, member=member
        )


async def send_page(request: Request) -> Response:
    """Post what the owner confirmed, once; then show the opportunity, done."""
    posted = await _posted(request, api=False)
    if isinstance(posted, Response):
        return posted
    web, opp_id, form, text = posted.web, posted.opp_id, posted.fields, posted.text
    full_id = await web.with_store(lambda s: Inbox(s).get(opp_id).id)
    if text is None or form.get("key") != idempotency_key(full_id, text):
        return _not_sent(
            request,
            409,
            full_id,
            "the words are not the ones you confirmed, so nothing was sent. You can fix this "
            "by confirming them again.",
            kind="refused",
            text=text,
        )
    try:
        result = await run_in_threadpool(_send, web, request, full_id, text)
    except InputError as err:
        return await _held(request, full_id, text, str(err))
    except (SourceError, AuthError) as err:
        return _not_sent(request, 502, full_id, str(err), kind="failed", text=text)
    except ConfigError as err:
        return _not_sent(request, 409, full_id, str(err), kind="refused", text=text)
    state = "again" if result.already_sent else "1"
    return RedirectResponse(f"/inbox/{full_id}?sent={state}", 303)


async def _held(request: Request, opp_id: str, text: str, message: str) -> Response:
    """The guard held the text: its reasons and its kinder rewrite, and a way back."""
    web = web_context(request)

    def verdict(store: Store) -> Any:
        answered, _, _ = _answered(store, opp_id)
        return web.guard_check(text, answered) if web.guard_check else None

    found = await web.with_store(verdict)
    return _not_sent(request, 422, opp_id, message, kind="held", text=text, verdict=found)


def _not_sent(
    request: Request,
    status: int,
    opp_id: str,
    message: str,
    *,
    kind: str,
    text: str | None = None,
    verdict: Any = None,
) -> Response:
    web = web_context(request)
    return web.render(
        request,
        "not_sent.html",
        status=status,
        opp_id=opp_id,
        message=message,
        kind=kind,
        text=text,
        key=idempotency_key(opp_id, text) if text else "",
        verdict=verdict,
        safe_to_retry=SAFE_TO_RETRY,
    )


# -- the JSON API ---------------------------------------------------------------------------


async def api_preview(request: Request) -> Response:
    posted = await _posted(request, api=True)
    if isinstance(posted, Response):
        return posted
    web, opp_id, text = posted.web, posted.opp_id, posted.text
    try:
        data = await web.with_store(
            lambda s: _preview(web, s, opp_id, text, save=False, request=request)
        )
    except ConfigError as err:
        return json_error(409, str(err))
    return JSONResponse(_preview_json(data))


async def api_send(request: Request) -> Response:
    posted = await _posted(request, api=True)
    if isinstance(posted, Response):
        return posted
    web, opp_id, body, text = posted.web, posted.opp_id, posted.fields, posted.text
    key = body.get("key")
    full_id = await web.with_store(lambda s: Inbox(s).get(opp_id).id)
    if key is not None and (text is None or key != idempotency_key(full_id, text)):
        return json_error(
            409,
            "'key' does not match the text, so nothing was sent. You can fix this by sending "
            "the 'text' and 'key' that /preview returned together.",
        )
    try:
        result = await run_in_threadpool(_send, web, request, full_id, text)
    except InputError as err:
        return json_error(422, str(err))
    except (SourceError, AuthError) as err:
        return json_error(502, f"{err} {SAFE_TO_RETRY}")
    except ConfigError as err:
        return json_error(409, str(err))
    return JSONResponse({"ok": True, **result.to_json()})


def routes() -> list[BaseRoute]:
    """Approve-and-send's pages and JSON endpoints (before the inbox's other actions)."""
    return [
        Route("/inbox/{opp_id:str}/confirm", page(confirm_page), methods=["POST"]),
        Route("/inbox/{opp_id:str}/send", page(send_page), methods=["POST"]),
        Route("/api/inbox/{opp_id:str}/preview", page(api_preview), methods=["POST"]),
        Route("/api/inbox/{opp_id:str}/send", page(api_send), methods=["POST"]),
    ]
