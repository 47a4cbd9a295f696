"""The inbox as a reply queue: lanes of cards, an opportunity's page, its actions, moderation.

- ``GET /inbox`` (and ``/api/inbox``): the lanes (to reply, needs care, done, with counts:
  :func:`cyberkind.inbox.lane` is the rule), one card per opportunity: who, their words, the
  suggested act in plain words and the draft inline to edit. A card offers approve-and-send
  only where cyberkind can post (:func:`cyberkind.sending.cannot_send`); elsewhere copy the
  draft and open the item on its platform. Model scores stay behind a "why" disclosure.
- ``GET /inbox/{id}`` (and ``/api/inbox/{id}``): the draft first, then the comment, its
  parent and the post; the rest of the thread folded away.
- ``POST /inbox/{id}/{action}``: save the draft (from a card too), snooze, dismiss ("let it
  be"), mark done, claim and release (shown in team mode only:
  :func:`cyberkind.members.team_mode`).
- ``GET /inbox/{id}/moderate?action=spam``: the confirmation page; ``POST
  /inbox/{id}/moderate`` (form: ``csrf``, ``action``, ``confirm=yes``) and ``POST
  /api/inbox/{id}/moderate`` (JSON ``{"action", "confirm": true}``) moderate through
  :func:`cyberkind.moderation.moderate`, never without that confirmation.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...composer import Composer
from ...errors import AuthError, ClaimedError, ConfigError, InputError, SourceError
from ...inbox import Inbox, Lane, lane
from ...members import team_mode
from ...models import Act, Item, ItemKind, Opportunity, Priority
from ...moderation import (
    ModerationChoices,
    ModerationResult,
    moderate,
    moderation_choices,
    platform_name,
)
from ...resources import regional_resources
from ...sending import cannot_send, sends
from ...store import Store, StoredItem
from ...wall import inbox_idea_on_wall
from ..context import WebContext, checked_form, json_object, page, web_context
from ..responses import json_error

__all__ = ["ACT_WORDS", "excerpt", "routes"]

SNOOZE_CHOICES = {"1d": timedelta(days=1), "3d": timedelta(days=3), "7d": timedelta(days=7)}
MAX_DRAFT_CHARS = 5000
CLAIM_FILTERS = ("", "mine", "unclaimed")
CARDS_PER_LANE = 50
"""Cards drafted and shown per lane; filter by act or source to reach the others."""

LANE_NAMES = {Lane.TO_REPLY: "To reply", Lane.NEEDS_CARE: "Needs care", Lane.DONE: "Done"}

ACT_WORDS = {
    Act.THANK_READER: "Thank them for reading",
    Act.THANK_COMMENTER: "Thank them for their comment",
    Act.THANK_SHARER: "Thank them for sharing your post",
    Act.THANK_FOR_SHARING_WHAT_MATTERS: "Thank them for sharing what matters",
    Act.CELEBRATE: "Celebrate their good news",
    Act.HUG: "Send a warm word: they are having a hard time",
    Act.OFFER_DM: "Reach out privately, with safety resources at hand",
    Act.APPRECIATE_HOST: "Appreciate your host",
    Act.SEND_LINK: "Answer their question with a useful link",
    Act.ENCOURAGE_POST: "Encourage their new post",
    Act.PROMOTE_WORK: "Share or recommend their work",
    Act.DISCUSS: "Reply calmly about the point they raise",
    Act.NEEDS_CARE: "Needs care: let it be, moderate it, or reply calmly",
}
"""Each act in plain words, as the cards say it."""

MODERATION_WORDS = {
    "hold": ("Hold for moderation", "held for moderation: readers no longer see it"),
    "spam": ("Mark as spam", "marked as spam"),
    "trash": ("Move to the trash", "moved to the trash (WordPress keeps it there 30 days)"),
}


def excerpt(text: str, limit: int = 280) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters.

    **Usage**::

        >>> excerpt("Lovely   post!\\nThank you.", 12)
        'Lovely post…'
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


@dataclass(frozen=True, slots=True)
class Card:
    """One opportunity as a card: its words, its draft and what can be done with it."""

    opp: Opportunity
    lane: Lane
    act_words: str
    words: str
    items: tuple[Item, ...]
    draft: str
    saved: bool
    send_blocked: str | None
    platform: str
    url: str | None
    moderation: ModerationChoices | None

    def to_json(self) -> dict[str, Any]:
        return {
            "lane": self.lane.value,
            "words": self.words,
            "can_send": self.send_blocked is None,
            "send_blocked": self.send_blocked,
            "platform": self.platform,
            "moderation": self.moderation.to_json() if self.moderation else None,
        }


def _items(store: Store, opps: Sequence[Opportunity]) -> dict[tuple[str, str], Item]:
    """The items of these opportunities, one query per source."""
    wanted: dict[str, set[str]] = {}
    for opp in opps:
        wanted.setdefault(opp.source, set()).update(opp.item_ids)
    found: dict[tuple[str, str], Item] = {}
    for source, ids in wanted.items():
        for stored in store.items(source, remote_ids=sorted(ids)):
            found[stored.item.key] = stored.item
    return found


def _cards(
    web: WebContext, store: Store, opps: Sequence[Opportunity], *, drafts: bool = True
) -> list[Card]:
    """The cards of ``opps``, with their drafts (saved, else freshly composed: a needs-care
    one gets the composer's calm reply, never a thank-you) unless ``drafts`` is false."""
    inbox = Inbox(store, crisis_line=web.crisis_line)
    items = _items(store, opps)
    composer: Composer | None = None
    cards = []
    for opp in opps:
        own = tuple(items[(opp.source, i)] for i in opp.item_ids if (opp.source, i) in items)
        words = " · ".join(excerpt(i.text) for i in own if i.text.strip())
        where = lane(opp)
        text, saved = "", False
        if drafts and where is not Lane.DONE:
            found = inbox.saved_draft(opp.id)
            if found is not None:
                text, saved = str(found.get("text") or ""), True
            else:
                if composer is None:
                    composer = _composer(web, store)
                text = composer.draft(opp).text
        url = opp.url or next((i.url for i in own if i.url), None)
        cards.append(
            Card(
                opp=opp,
                lane=where,
                act_words=ACT_WORDS.get(opp.act, opp.act.value.replace("_", " ")),
                words=words if len(words) <= 600 else excerpt(words, 600),
                items=own,
                draft=text,
                saved=saved,
                send_blocked=None if where is Lane.DONE else cannot_send(store, opp),
                platform=platform_name(opp.source),
                url=url,
                moderation=moderation_choices(store, opp) if where is Lane.NEEDS_CARE else None,
            )
        )
    return cards


def _region(web: WebContext, store: Store) -> str | None:
    value = web.setting(store, "region", web.region or "")
    return value or None


def _composer(web: WebContext, store: Store) -> Composer:
    return Composer(
        store,
        region=_region(web, store),
        crisis_line=web.crisis_line,
        stars=web.setting(store, "stars", "on") == "on",
    )


# -- the inbox: lanes of cards --------------------------------------------------------------


def _me(web: WebContext, request: Request, store: Store) -> str | None:
    try:
        return web.acting_member(request, store)
    except ConfigError:
        return None


def _inbox_data(
    web: WebContext,
    request: Request,
    store: Store,
    chosen_lane: Lane,
    act: str | None,
    source: str | None,
    claim: str,
    api: bool,
) -> dict[str, Any]:
    inbox = Inbox(store, crisis_line=web.crisis_line)
    everything = inbox.opportunities()
    chosen = inbox.opportunities(
        acts=[act] if act else None, sources=[source] if source else None, lane=chosen_lane
    )
    claims = inbox.claims()
    team = team_mode(store)
    me = _me(web, request, store) if (claim == "mine" or team) else None
    if claim == "mine":
        chosen = [o for o in chosen if me is not None and claims.get(o.id) == me]
    elif claim == "unclaimed":
        chosen = [o for o in chosen if o.id not in claims]
    shown = chosen if api else chosen[:CARDS_PER_LANE]
    return {
        "cards": _cards(web, store, shown, drafts=not api),
        "total": len(chosen),
        "lane": chosen_lane,
        "lanes": [(lane_, LANE_NAMES[lane_], n) for lane_, n in inbox.lane_counts().items()],
        "acts": sorted({o.act.value for o in everything}),
        "sources": sorted({o.source for o in everything}),
        "act": act or "",
        "source": source or "",
        "claim": claim,
        "claims": claims,
        "me": me,
        "team": team,
    }


async def inbox_page(request: Request) -> Response:
    web = web_context(request)
    api = request.url.path.startswith("/api/")
    act = request.query_params.get("act") or None
    source = request.query_params.get("source") or None
    claim = request.query_params.get("claim") or ""
    lane_name = request.query_params.get("lane") or Lane.TO_REPLY.value
    if act is not None and act not in {a.value for a in Act}:
        raise InputError(f"unknown act {act!r}. You can fix this by picking one from the list.")
    if claim not in CLAIM_FILTERS:
        raise InputError(
            f"unknown claim filter {claim!r}. You can fix this by using mine or unclaimed."
        )
    if lane_name not in {v.value for v in Lane}:
        raise InputError(
            f"unknown lane {lane_name!r}. You can fix this by using to_reply, needs_care or done."
        )
    chosen = Lane(lane_name)
    data = await web.with_store(
        lambda s: _inbox_data(web, request, s, chosen, act, source, claim, api)
    )
    if api:
        claims = data["claims"]
        rows = []
        for card in data["cards"]:
            row = {**card.opp.to_json(), **card.to_json()}
            if claims or data["me"] is not None:
                row["claimed_by"] = claims.get(card.opp.id)
            rows.append(row)
        return JSONResponse(rows)
    return web.render(
        request,
        "inbox.html",
        **data,
        crisis=Priority.CRISIS,
        saved=request.query_params.get("saved"),
        moderation_words=MODERATION_WORDS,
        brought=_brought(request.query_params),
    )


def _count(params: Mapping[str, str], name: str) -> int:
    value = params.get(name, "")
    return int(value) if value.isdigit() else 0


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _brought(params: Mapping[str, str]) -> str | None:
    """The note after an import or a sync from this page (:mod:`.imports` redirects here)."""
    what = params.get("brought")
    if what not in ("import", "sync"):
        return None
    counts = (
        f"{_plural(_count(params, 'new'), 'new item', 'new items')}, "
        f"{_plural(_count(params, 'opportunities'), 'new opportunity', 'new opportunities')}"
    )
    if what == "import":
        skipped = _count(params, "skipped")
        rows = f"; {_plural(skipped, 'row', 'rows')} skipped" if skipped else ""
        return f"Imported {params.get('name', 'the file')}: {counts}{rows}."
    note = f"Synced {_plural(_count(params, 'sources'), 'source', 'sources')}: {counts}."
    if params.get("failed"):
        note += f" Could not sync {params['failed']}; `cyberkind sync` says why."
    return note


# -- one opportunity ------------------------------------------------------------------------


def _conversation(
    opp: Opportunity, thread: list[StoredItem]
) -> tuple[list[Item], Item | None, Item | None, list[StoredItem]]:
    """``(the opportunity's items, their parent, the post, the rest of the thread)``."""
    by_id = {s.item.remote_id: s.item for s in thread}
    own = [by_id[i] for i in opp.item_ids if i in by_id]
    post = by_id.get(opp.thread_key) if opp.thread_key else None
    if post is not None and post.kind is not ItemKind.POST:
        post = None if post.remote_id in opp.item_ids else post
    parent_id = own[0].parent_remote_id if own else None
    parent = by_id.get(parent_id) if parent_id else None
    if parent is not None and post is not None and parent.remote_id == post.remote_id:
        parent = None
    shown = {i.remote_id for i in own} | {i.remote_id for i in (parent, post) if i}
    rest = [s for s in thread if s.item.remote_id not in shown]
    return own, parent, post, rest


def _opportunity_data(
    web: WebContext, request: Request, store: Store, opp_id: str
) -> dict[str, Any]:
    inbox = Inbox(store, crisis_line=web.crisis_line)
    opp = inbox.get(opp_id)
    thread = inbox.thread(opp)
    saved = inbox.saved_draft(opp.id)
    if saved is None:
        saved = _composer(web, store).draft(opp).to_json()
        saved["saved"] = False
    else:
        saved = {**saved, "saved": True}
    resources: list[Any] = list(opp.resources)
    emergency = None
    if opp.priority is Priority.CRISIS:
        regional, emergency = regional_resources(_region(web, store), web.crisis_line)
        resources = list(regional)
    # A send the platform refused, or whose answer never came: say so, and that it is safe.
    sent, pending = sends(store, opp.id)
    wall_idea: dict[str, Any] | None = None
    if opp.is_idea:
        wall_idea = inbox_idea_on_wall(store, opp)
    own, parent, post, rest = _conversation(opp, thread)
    [card] = _cards(web, store, [opp], drafts=False)
    team = team_mode(store)
    return {
        "claimed_by": inbox.claim_holder(opp.id),
        "wall_idea": wall_idea,
        "opp": opp,
        "card": card,
        "sent": sent,
        "pending": pending,
        "thread": thread,
        "items": own,
        "parent": parent,
        "post": post,
        "rest": rest,
        "draft": saved,
        "resources": resources,
        "emergency": emergency,
        "team": team,
        "me": _me(web, request, store) if team else None,
    }


def _wall_json(wall_idea: dict[str, Any] | None) -> dict[str, Any] | None:
    if wall_idea is None:
        return None
    idea = wall_idea["idea"]
    return {
        "text": wall_idea["text"],
        "url": wall_idea["url"],
        "idea": {**idea.to_json(), "reason": idea.reason} if idea is not None else None,
    }


def _post_title(post: Item | None) -> str:
    if post is None:
        return ""
    title = str(post.raw.get("title") or post.raw.get("post_title") or "")
    return title or excerpt(post.text, 80)


async def opportunity_page(request: Request) -> Response:
    web = web_context(request)
    opp_id = request.path_params["opp_id"]
    data = await web.with_store(lambda s: _opportunity_data(web, request, s, opp_id))
    if request.url.path.startswith("/api/"):
        opp: Opportunity = data["opp"]
        return JSONResponse(
            {
                "ok": True,
                "opportunity": opp.to_json(),
                **data["card"].to_json(),
                "thread": [
                    {
                        "remote_id": s.item.remote_id,
                        "author": s.item.author.display,
                        "text": s.item.text,
                        "kind": s.item.kind.value,
                        "is_own": s.item.is_own,
                    }
                    for s in data["thread"]
                ],
                "draft": data["draft"],
                "claimed_by": data["claimed_by"],
                "sent": data["sent"].to_json() if data["sent"] else None,
                "pending_send": data["pending"].to_json() if data["pending"] else None,
                "wall": _wall_json(data["wall_idea"]),
            }
        )
    moderated = request.query_params.get("moderated")
    return web.render(
        request,
        "opportunity.html",
        **data,
        crisis=Priority.CRISIS,
        snoozes=list(SNOOZE_CHOICES),
        sent_again=request.query_params.get("sent") == "again",
        wall_outcome=request.query_params.get("wall"),
        post_title=_post_title(data["post"]),
        moderated=MODERATION_WORDS.get(moderated or ""),
        moderated_again=request.query_params.get("again") == "1",
        moderation_words=MODERATION_WORDS,
    )


def _back_to_inbox(form: dict[str, str], opp_id: str) -> str | None:
    """Where a card's form returns: its lane of the inbox, at the card."""
    if form.get("back") != "inbox":
        return None
    where = form.get("lane", "")
    where = where if where in {v.value for v in Lane} else Lane.TO_REPLY.value
    return f"/inbox?lane={where}&saved={opp_id}#opp-{opp_id}"


async def opportunity_action(request: Request) -> Response:
    web = web_context(request)
    opp_id = request.path_params["opp_id"]
    action = request.path_params["action"]
    form = await checked_form(request)
    if isinstance(form, Response):
        return form

    def run(store: Store) -> str:
        inbox = Inbox(store, crisis_line=web.crisis_line)
        opp = inbox.get(opp_id)
        if action in ("claim", "release"):
            return _claim_action(web, request, inbox, opp, action)
        if action == "draft":
            text = form.get("text", "").strip()[:MAX_DRAFT_CHARS]
            if not text:
                raise InputError("the draft is empty. You can fix this by writing a reply.")
            Composer(store).save_edited(opp, text)
            return _back_to_inbox(form, opp.id) or f"/inbox/{opp.id}?saved=1"
        if action == "snooze":
            length = SNOOZE_CHOICES.get(form.get("for", ""))
            if length is None:
                raise InputError("pick how long to snooze: 1d, 3d or 7d.")
            inbox.snooze(opp.id, datetime.now(UTC) + length)
        elif action == "dismiss":
            inbox.dismiss(opp.id)
        elif action == "done":
            inbox.done(opp.id)
        else:
            raise InputError(f"unknown action {action!r}.")
        where = form.get("lane", "")
        return f"/inbox?lane={where}" if where in {v.value for v in Lane} else "/inbox"

    try:
        target = await web.with_store(run)
    except ClaimedError as err:
        return web.error_page(request, 409, str(err))
    return RedirectResponse(target, 303)


def _claim_action(
    web: WebContext, request: Request, inbox: Inbox, opp: Opportunity, action: str
) -> str:
    """ "I'll answer this one" and "release": as the logged-in member (an owner may release
    anyone's claim, like ``cyberkind unclaim --force``). The rule is the inbox's."""
    me = web.acting_member(request, inbox.store)
    if me is None:
        me = getpass.getuser()
    if action == "claim":
        try:
            inbox.claim(opp.id, me)
        except ClaimedError as err:
            raise ClaimedError(
                f"{err.holder} is already answering this one, so it stays theirs. You can fix "
                "this by choosing another from the unclaimed ones (/inbox?claim=unclaimed).",
                opportunity_id=opp.id,
                holder=err.holder,
            ) from None
        return f"/inbox/{opp.id}?claimed=1"
    viewer = web.viewer(request)
    force = viewer is not None and viewer.is_owner and viewer.name is not None
    try:
        inbox.release(opp.id, me, force=force)
    except ClaimedError as err:
        reason = "nobody holds it" if err.holder is None else f"{err.holder} holds it"
        raise ClaimedError(
            f"there is no claim of yours to release on this one ({reason}). You can fix this "
            f"by asking {err.holder or 'an owner'}.",
            opportunity_id=opp.id,
            holder=err.holder,
        ) from None
    return f"/inbox/{opp.id}"


# -- moderation: only after the owner confirms ----------------------------------------------


def _moderation_page_data(store: Store, opp_id: str, action: str) -> dict[str, Any]:
    inbox = Inbox(store)
    opp = inbox.get(opp_id)
    choices = moderation_choices(store, opp)
    if action not in choices.actions:
        raise InputError(
            f"{action!r} is not a moderation cyberkind can do here. You can fix this by "
            f"choosing one the opportunity's page offers, or moderating it on {choices.platform}."
        )
    [item] = [s.item for s in store.items(opp.source, remote_ids=[choices.item_id or ""])]
    return {"opp": opp, "item": item, "action": action, "choices": choices}


async def moderate_confirm_page(request: Request) -> Response:
    """What moderating will do, and a button that does it: nothing happens before."""
    web = web_context(request)
    opp_id = request.path_params["opp_id"]
    action = request.query_params.get("action", "")
    data = await web.with_store(lambda s: _moderation_page_data(s, opp_id, action))
    return web.render(request, "moderate.html", **data, words=MODERATION_WORDS[action])


def _moderate(web: WebContext, opp_id: str, action: str) -> ModerationResult:
    with web.open_store() as store:
        return moderate(store, opp_id, action, confirmed=True, credentials=web.credentials)


async def moderate_action(request: Request) -> Response:
    """Moderate, confirmed: the form's ``confirm=yes`` (or the API's ``"confirm": true``)."""
    web = web_context(request)
    opp_id = request.path_params["opp_id"]
    api = request.url.path.startswith("/api/")
    fields: dict[str, Any] | Response
    if api:
        fields = await json_object(request, '{"action": "spam", "confirm": true}')
    else:
        fields = await checked_form(request)
    if isinstance(fields, Response):
        return fields
    action = str(fields.get("action") or "")
    confirmed = fields.get("confirm") is True if api else fields.get("confirm") == "yes"
    full_id = await web.with_store(lambda s: Inbox(s).get(opp_id).id)
    if not confirmed:
        message = (
            "nothing was moderated: moderation needs your confirmation. You can fix this by "
            + ('sending "confirm": true.' if api else "pressing the confirmation page's button.")
        )
        return json_error(409, message) if api else web.error_page(request, 409, message)
    try:
        result = await run_in_threadpool(_moderate, web, full_id, action)
    except ConfigError as err:
        return json_error(409, str(err)) if api else web.error_page(request, 409, str(err))
    except (SourceError, AuthError) as err:
        return json_error(502, str(err)) if api else web.error_page(request, 502, str(err))
    if api:
        return JSONResponse({"ok": True, **result.to_json()})
    again = "" if result.changed else "&again=1"
    return RedirectResponse(f"/inbox/{full_id}?moderated={action}{again}", 303)


def routes() -> list[BaseRoute]:
    """The inbox's pages and actions (after :mod:`.send`'s and :mod:`.wall`'s
    ``/inbox/{id}/...`` routes, which ``/inbox/{id}/{action}`` would otherwise take)."""
    return [
        Route("/inbox", page(inbox_page), methods=["GET"]),
        Route("/api/inbox", page(inbox_page), methods=["GET"]),
        Route("/inbox/{opp_id:str}", page(opportunity_page), methods=["GET"]),
        Route("/api/inbox/{opp_id:str}", page(opportunity_page), methods=["GET"]),
        Route("/inbox/{opp_id:str}/moderate", page(moderate_confirm_page), methods=["GET"]),
        Route("/inbox/{opp_id:str}/moderate", page(moderate_action), methods=["POST"]),
        Route("/api/inbox/{opp_id:str}/moderate", page(moderate_action), methods=["POST"]),
        Route("/inbox/{opp_id:str}/{action:str}", page(opportunity_action), methods=["POST"]),
    ]
