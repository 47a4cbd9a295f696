"""Deriving opportunities: which kind act fits each item, and how urgent it is.

Pure rules over items fetched once per batch; :class:`cyberkind.inbox.Inbox` stores what
they derive and owns every state change after that.

Each item yields zero or more :class:`~cyberkind.models.Opportunity` objects, each
with an :class:`~cyberkind.models.Act` and a reason: the engine's signal
(``"question 0.99 >= 0.55"``) or the event (``"unanswered comment on your post
'Ten tiny kindnesses'"``). The rules, per item not written by the user:

- ``crisis`` fires: :attr:`Act.OFFER_DM`, priority CRISIS, always shown with
  safety resources (:mod:`cyberkind.resources`). Nothing else is suggested.
- ``distress`` fires: :attr:`Act.HUG`, priority DISTRESS. Nothing else.
- A comment or reply on the user's work (its parent or its post is the
  user's) that the user has not answered (no own reply with it as parent):
  :attr:`Act.THANK_COMMENTER`, priority UNANSWERED; when its author is the
  host of someone else's post the user commented on, :attr:`Act.APPRECIATE_HOST`.
  A mention the user has not answered: THANK_COMMENTER, priority MENTION.
- ``question`` fires outside the user's own threads: :attr:`Act.SEND_LINK`.
- ``celebration`` fires: :attr:`Act.CELEBRATE`, priority MILESTONE.
- Someone else's post: :attr:`Act.ENCOURAGE_POST`, and :attr:`Act.PROMOTE_WORK`
  when it celebrates; a post, mention or quote with ``compassion`` or
  ``encouragement``: :attr:`Act.THANK_FOR_SHARING_WHAT_MATTERS`.
- Likes, boosts, shares, pingbacks and trackbacks of the user's post are
  grouped into one THANK_READER (likes) or THANK_SHARER opportunity per post:
  "3 sites linked to your post 'X': thank them together?".
- A comment that proposes a kind act ("Idea: ...", "what if we all ...", "a
  random act of kindness could be ...") also yields a THANK_FOR_SHARING_WHAT_MATTERS
  opportunity with ``is_idea`` set, whether or not the user answered it.

Ids are stable hashes of (source, act, item), so re-imports keep the user's
states. A group that was done or dismissed stays so; items that arrive later
start a new group.

**Usage**::

    from cyberkind.derivation import derive_thread

    for opp in derive_thread(store, "mastodon:me", thread_key, {"question": 0.55}):
        print(opp.act, opp.reason)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .models import (
    CLOSED_STATES,
    GROUPED_KINDS,
    Act,
    Item,
    ItemKind,
    Opportunity,
    Priority,
)
from .store.base import Store, StoredItem

__all__ = ["derive_opportunities", "derive_thread", "find_idea", "opportunity_id"]

_TALK = frozenset({ItemKind.COMMENT, ItemKind.REPLY, ItemKind.MENTION, ItemKind.QUOTE})
_GROUP_WORDS = {
    ItemKind.LIKE: ("person liked", "people liked"),
    ItemKind.BOOST: ("person boosted", "people boosted"),
    ItemKind.SHARE: ("person shared", "people shared"),
    ItemKind.PINGBACK: ("site linked to", "sites linked to"),
    ItemKind.TRACKBACK: ("site linked to", "sites linked to"),
}

# Phrases that propose a kind act. The generic ones also need a word about kindness nearby,
# so "Idea: use a database" is not an idea for the wall.
_IDEA_EXPLICIT = re.compile(
    r"\b(?:an?|one|another|my) (?:random )?acts? of (?:cyber[- ]?)?kindness "
    r"(?:could|would|might|can) be\b|\bkindness idea\b",
    re.IGNORECASE,
)
_IDEA_GENERIC = re.compile(
    r"(?:^|[\s(])idea\s*[:\-\u2013]|\bwhat if we (?:all|each|every)\w*\b|\bhow about we all\b"
    r"|\bwe (?:could|should) all\b|\blet'?s all\b",
    re.IGNORECASE,
)
_KIND_WORDS = re.compile(
    r"\b(?:kind\w*|thank\w*|compliment\w*|gift\w*|donat\w*|volunteer\w*|smile\w*|help\w*"
    r"|neighbou?r\w*|stranger\w*|note\w*|card\w*|review\w*|support\w*|encourag\w*|coffee"
    r"|share\w*|care\w*|welcome\w*|check in|reach out)\b",
    re.IGNORECASE,
)


def find_idea(text: str, limit: int = 80) -> str | None:
    """The words that make ``text`` an idea for a kind act (up to ``limit`` characters), or
    ``None``.

    **Usage**::

        >>> find_idea("Idea: what if we all left a kind note for a neighbour?")
        'Idea: what if we all left a kind note for a neighbour?'
        >>> find_idea("Idea: use a bigger font") is None
        True
    """
    match = _IDEA_EXPLICIT.search(text)
    if match is None:
        match = _IDEA_GENERIC.search(text)
        if match is None or not _KIND_WORDS.search(text):
            return None
    start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip(" (")))
    snippet = " ".join(text[start:].split())
    return snippet if len(snippet) <= limit else snippet[: limit - 1].rstrip() + "\u2026"


def opportunity_id(source: str, act: Act, key: str) -> str:
    """A stable 12-hex-digit id for ``act`` on ``key`` (a remote id, or a group key)."""
    digest = hashlib.sha256(f"{source}\x1f{act.value}\x1f{key}".encode()).hexdigest()
    return digest[:12]


def _signal(label: str, scores: Mapping[str, float], thresholds: Mapping[str, float]) -> str:
    return f"{label} {scores[label]:.2f} >= {thresholds[label]:.2f}"


def _title(item: Item | None) -> str:
    if item is None:
        return "your post"
    title = str(item.raw.get("title") or item.raw.get("post_title") or "")
    return f"your post '{title}'" if title else "your post"


def _people(names: list[str]) -> str:
    unique = list(dict.fromkeys(names))
    if len(unique) <= 3:
        return unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " and " + unique[-1]
    return ", ".join(unique[:3]) + f" and {len(unique) - 3} more"


@dataclass(frozen=True, slots=True)
class _Context:
    source: str
    thread_key: str
    lookup: Mapping[str, Item]
    answered: frozenset[str]
    thresholds: Mapping[str, float]


def _single(ctx: _Context, item: Item, act: Act, priority: Priority, reason: str) -> Opportunity:
    return Opportunity(
        id=opportunity_id(ctx.source, act, item.remote_id),
        act=act,
        person=item.author.display,
        source=ctx.source,
        item_ids=(item.remote_id,),
        reason=reason,
        priority=priority,
        thread_key=ctx.thread_key,
        url=item.url,
        created_at=item.created_at,
        is_idea=False,
    )


def _item_opportunities(ctx: _Context, stored: StoredItem) -> list[Opportunity]:
    item, scores = stored.item, stored.scores or {}
    fired = {k for k, v in scores.items() if k in ctx.thresholds and v >= ctx.thresholds[k]}

    def because(label: str) -> str:
        return _signal(label, scores, ctx.thresholds)

    if "crisis" in fired:
        return [
            _single(
                ctx,
                item,
                Act.OFFER_DM,
                Priority.CRISIS,
                f"{because('crisis')}: reach out privately; safety resources attached",
            )
        ]
    if "distress" in fired:
        return [
            _single(
                ctx,
                item,
                Act.HUG,
                Priority.DISTRESS,
                f"{because('distress')}: they are having a hard time",
            )
        ]
    out: list[Opportunity] = []
    parent = ctx.lookup.get(item.parent_remote_id or "")
    root = ctx.lookup.get(item.thread_id or "")
    to_me = parent is not None and parent.is_own
    on_my_work = to_me or (root is not None and root.is_own)
    unanswered = item.remote_id not in ctx.answered
    if item.kind in _TALK and unanswered and (on_my_work or item.kind is ItemKind.MENTION):
        asks = f"; asks a question ({because('question')})" if "question" in fired else ""
        if (
            to_me
            and root is not None
            and not root.is_own
            and (item.author.handle == root.author.handle)
        ):
            out.append(
                _single(
                    ctx,
                    item,
                    Act.APPRECIATE_HOST,
                    Priority.MENTION,
                    f"the host of '{root.raw.get('title') or root.remote_id}' "
                    f"answered your comment{asks}",
                )
            )
        elif on_my_work:
            what = {ItemKind.REPLY: "reply to you" if to_me else "reply"}.get(
                item.kind, item.kind.value
            )
            where = _title(root) if root is not None and root.is_own else "your comment"
            out.append(
                _single(
                    ctx,
                    item,
                    Act.THANK_COMMENTER,
                    Priority.UNANSWERED,
                    f"unanswered {what} on {where}{asks}",
                )
            )
        else:
            out.append(
                _single(
                    ctx,
                    item,
                    Act.THANK_COMMENTER,
                    Priority.MENTION,
                    f"mentions you and you have not answered{asks}",
                )
            )
    if "question" in fired and not on_my_work and unanswered and item.kind is not ItemKind.MENTION:
        out.append(
            _single(
                ctx,
                item,
                Act.SEND_LINK,
                Priority.QUESTION,
                f"{because('question')}: a useful link could help",
            )
        )
    if "celebration" in fired:
        out.append(
            _single(
                ctx,
                item,
                Act.CELEBRATE,
                Priority.MILESTONE,
                f"{because('celebration')}: good news to celebrate",
            )
        )
    if item.kind is ItemKind.POST:
        out.append(
            _single(
                ctx,
                item,
                Act.ENCOURAGE_POST,
                Priority.FOLLOWED,
                "a new post from someone you follow",
            )
        )
        if "celebration" in fired:
            out.append(
                _single(
                    ctx,
                    item,
                    Act.PROMOTE_WORK,
                    Priority.FOLLOWED,
                    f"{because('celebration')}: their work is worth sharing",
                )
            )
    cares = sorted(fired & {"compassion", "encouragement"})
    idea = find_idea(item.text) if item.text else None
    if idea or (cares and item.kind in (ItemKind.POST, ItemKind.MENTION, ItemKind.QUOTE)):
        reasons = [f"shares an idea for a kind act: '{idea}'"] if idea else []
        reasons += [because(label) for label in cares]
        out.append(
            replace(
                _single(
                    ctx,
                    item,
                    Act.THANK_FOR_SHARING_WHAT_MATTERS,
                    Priority.IDEA if idea else Priority.MENTION,
                    "; ".join(reasons),
                ),
                is_idea=idea is not None,
            )
        )
    if item.kind is ItemKind.FOLLOW:
        out.append(_single(ctx, item, Act.THANK_READER, Priority.SHARES, "followed you"))
    return out


def _group_opportunities(
    ctx: _Context, items: list[Item], existing: list[Opportunity]
) -> list[Opportunity]:
    """One opportunity per act for the likes, boosts, shares and links to one post."""
    root = ctx.lookup.get(ctx.thread_key)
    if root is not None and not root.is_own:
        return []  # likes of someone else's post are not for the user to thank
    by_act: dict[Act, list[Item]] = {}
    for item in items:
        act = Act.THANK_READER if item.kind is ItemKind.LIKE else Act.THANK_SHARER
        by_act.setdefault(act, []).append(item)
    out = []
    for act, members in by_act.items():
        closed = [o for o in existing if o.act is act and o.state in CLOSED_STATES]
        covered = {remote_id for o in closed for remote_id in o.item_ids}
        fresh = [i for i in members if i.remote_id not in covered]
        if not fresh:
            continue
        # The generation counts closed groups: new items after a dismissal form a new group,
        # while an open group keeps its id as items join it.
        key = f"group:{ctx.thread_key}:{len(closed)}"
        count = len(fresh)
        # Pingbacks and trackbacks are both links from another site.
        kinds = {ItemKind.PINGBACK if i.kind is ItemKind.TRACKBACK else i.kind for i in fresh}
        kind = next(iter(kinds)) if len(kinds) == 1 else ItemKind.SHARE
        singular, plural = _GROUP_WORDS.get(kind, ("person shared", "people shared"))
        what = singular if count == 1 else plural
        lead = fresh[0].author.display if count == 1 else str(count)
        if count == 1:
            what = what.split(" ", 1)[1]
        question = "thank them together?" if count > 1 else "thank them?"
        out.append(
            Opportunity(
                id=opportunity_id(ctx.source, act, key),
                act=act,
                person=_people([i.author.display for i in fresh]),
                source=ctx.source,
                item_ids=tuple(i.remote_id for i in fresh),
                reason=f"{lead} {what} {_title(root)}: {question}",
                priority=Priority.SHARES,
                thread_key=ctx.thread_key,
                url=root.url if root is not None else fresh[0].url,
                created_at=min((i.created_at for i in fresh if i.created_at), default=None),
            )
        )
    return out


def derive_opportunities(
    source: str,
    thread_key: str,
    stored: Iterable[StoredItem],
    lookup: Mapping[str, Item],
    answered: Iterable[str],
    existing: Iterable[Opportunity],
    thresholds: Mapping[str, float],
) -> list[Opportunity]:
    """The rules alone: the opportunities that ``stored`` (items of one thread) offer.

    ``lookup`` maps remote ids to the items their parents and roots are looked up in,
    ``answered`` names the items the user replied to, and ``existing`` holds the thread's
    stored opportunities (its closed groups start new ones). No store is touched, so the
    inbox fetches all of this once per batch, for every thread the batch touches.
    """
    ctx = _Context(source, thread_key, lookup, frozenset(answered), thresholds)
    out: list[Opportunity] = []
    grouped: list[Item] = []
    for s in stored:
        if s.item.is_own:
            continue
        if s.item.kind in GROUPED_KINDS:
            grouped.append(s.item)
        else:
            out.extend(_item_opportunities(ctx, s))
    if grouped:
        out.extend(_group_opportunities(ctx, grouped, list(existing)))
    return out


def _context(
    store: Store, source: str, stored: list[StoredItem]
) -> tuple[dict[str, Item], set[str]]:
    """The parents and roots of ``stored`` (one query for those not among them) and which
    of them the user answered (one query)."""
    lookup = {s.item.remote_id: s.item for s in stored}
    wanted = {i for s in stored for i in (s.item.parent_remote_id, s.item.thread_id) if i}
    missing = wanted - lookup.keys()
    if missing:
        lookup.update(
            {s.item.remote_id: s.item for s in store.items_by(source, "remote_id", missing)}
        )
    others = [s.item.remote_id for s in stored if not s.item.is_own]
    return lookup, store.answered(source, others) if others else set()


def _by_thread(stored: Iterable[StoredItem]) -> dict[str, list[StoredItem]]:
    found: dict[str, list[StoredItem]] = {}
    for s in stored:
        found.setdefault(s.item.thread_key, []).append(s)
    return found


_GROUP_ACTS = (Act.THANK_READER.value, Act.THANK_SHARER.value)


def _existing(store: Store, source: str, threads: Iterable[str]) -> dict[str, list[Opportunity]]:
    """The stored opportunities of these threads that groups can be (their acts only)."""
    chosen = sorted(set(threads))
    found: dict[str, list[Opportunity]] = {}
    for opp in store.thread_opportunities(source, chosen, acts=_GROUP_ACTS) if chosen else []:
        found.setdefault(opp.thread_key, []).append(opp)
    return found


def derive_thread(
    store: Store, source: str, thread_key: str, thresholds: Mapping[str, float]
) -> list[Opportunity]:
    """Every opportunity one thread offers now, from its stored items and past states."""
    stored = store.items(source, thread_key=thread_key)
    lookup, answered = _context(store, source, stored)
    grouped = any(not s.item.is_own and s.item.kind in GROUPED_KINDS for s in stored)
    existing = _existing(store, source, [thread_key] if grouped else [])
    return derive_opportunities(
        source, thread_key, stored, lookup, answered, existing.get(thread_key, []), thresholds
    )
