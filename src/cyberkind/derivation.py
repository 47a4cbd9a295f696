"""Deriving opportunities: which kind act fits each item, and how urgent it is.

Pure rules over items fetched once per batch; :class:`cyberkind.inbox.Inbox` stores what
they derive and owns every state change after that.

**Triage: one opportunity per item**, with one primary act; what else the reply does
(thanks, congratulations, an answer with a link, credit for an idea) is planned by the
composer in the same reply (:mod:`cyberkind.composer.plan`), never a second opportunity.
The item is read by :func:`cyberkind.triage.read_message` (the engine's scores backed by
text rules; see there), and the first rule that fits wins, per item not written by the user:

- ``crisis`` fires: :attr:`Act.OFFER_DM`, priority CRISIS, always shown with safety
  resources (:mod:`cyberkind.resources`).
- A follow: :attr:`Act.THANK_READER`.
- A comment, reply or quote on the user's work, or a mention, that the user has not
  answered (no own reply with it as parent), in this order:

  - spam (:mod:`cyberkind.spam`) or a hostile or trolling message: :attr:`Act.NEEDS_CARE`
    (never a thank-you, a star or a quote; let it be, moderate it, or answer calmly);
  - grief or distress: :attr:`Act.HUG`, priority DISTRESS;
  - the host of someone else's post answering the user's comment: :attr:`Act.APPRECIATE_HOST`;
  - criticism or disagreement: :attr:`Act.DISCUSS` (a calm reply about the issue);
  - an idea for a kind act (also a practice: "something I do is..."):
    :attr:`Act.THANK_FOR_SHARING_WHAT_MATTERS` with ``is_idea``;
  - good news of theirs: :attr:`Act.CELEBRATE` (congratulations inside the thank-you);
  - a question: :attr:`Act.SEND_LINK` (the answer, with a link, inside the thank-you);
  - a mention or quote with ``compassion`` or ``encouragement``:
    THANK_FOR_SHARING_WHAT_MATTERS;
  - otherwise :attr:`Act.THANK_COMMENTER`.

  Priority UNANSWERED on the user's work, MENTION for mentions elsewhere.
- An answered comment yields only its idea (``is_idea``), for the ideas wall.
- Someone else's thread: grief or distress, HUG; a question (``question`` fires), SEND_LINK;
  good news, CELEBRATE; an idea, THANK_FOR_SHARING_WHAT_MATTERS. Hostility there is not the
  user's to answer.
- A post from someone the user follows, one opportunity per post: grief, HUG; a discouraged
  author, :attr:`Act.ENCOURAGE_POST` (encouragement); distress, HUG; a chat or event they
  host, :attr:`Act.APPRECIATE_HOST`; news, :attr:`Act.CELEBRATE` (with an offer to share it
  in the same reply); an idea, THANK_FOR_SHARING_WHAT_MATTERS; work worth sharing,
  :attr:`Act.PROMOTE_WORK`; otherwise ENCOURAGE_POST.
- Likes, boosts, shares, pingbacks and trackbacks of the user's post are
  grouped into one THANK_READER (likes) or THANK_SHARER opportunity per post:
  "3 sites linked to your post 'X': thank them together?".

Each reason says why: the engine's signal (``"question 0.99 >= 0.55"``), the rule
(``"spam (a link drop)"``) or the event (``"unanswered comment on your post 'Ten tiny
kindnesses'"``).

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
from .triage import (
    ACT_CONFIDENT,
    ACT_CRISIS,
    ACT_STRONG,
    ACT_SURE,
    CONFIDENT_NEWS,
    SCORED_HOSTILITY,
    ActGuess,
    crisis_reason,
    find_idea,
    read_act,
    read_message,
)

__all__ = ["derive_opportunities", "derive_thread", "find_idea", "opportunity_id"]

_TALK = frozenset({ItemKind.COMMENT, ItemKind.REPLY, ItemKind.MENTION, ItemKind.QUOTE})
_NEGATIVITY = ("personal_attack", "insult", "identity_attack", "threat", "toxicity")
_GROUP_WORDS = {
    ItemKind.LIKE: ("person liked", "people liked"),
    ItemKind.BOOST: ("person boosted", "people boosted"),
    ItemKind.SHARE: ("person shared", "people shared"),
    ItemKind.PINGBACK: ("site linked to", "sites linked to"),
    ItemKind.TRACKBACK: ("site linked to", "sites linked to"),
}


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


def _where(root: Item | None) -> str:
    return _title(root) if root is not None and root.is_own else "your comment"


def _negativity(scores: Mapping[str, float], thresholds: Mapping[str, float]) -> str:
    """The negativity labels that fired, as a signal for a reason ('' when none)."""
    fired = [
        label
        for label in _NEGATIVITY
        if label in thresholds and scores.get(label, 0.0) >= thresholds[label]
    ]
    return ", ".join(_signal(label, scores, thresholds) for label in fired[:2])


_READS_AS = {
    Act.CELEBRATE: ("good news", "congratulate them in your thank-you"),
    Act.DISCUSS: ("disagreement or criticism", "a calm reply about the issue"),
    Act.HUG: ("distress", "they are having a hard time"),
    Act.NEEDS_CARE: ("trolling or spam", "let it be, moderate it, or answer calmly"),
    Act.OFFER_DM: ("a crisis", "reach out privately; safety resources attached"),
    Act.SEND_LINK: ("a question", "answer it, with a link if one fits"),
    Act.THANK_COMMENTER: ("thanks or kind words", "thank them"),
    Act.THANK_FOR_SHARING_WHAT_MATTERS: ("an idea for a kind act", "credit it"),
}


_ASKS = re.compile(
    r"\?|\b(?:tell|let) me (?:which|what|how|who|when|where|if|whether|know)\b"
    r"|\bI'?d love to (?:know|hear)\b",
    re.IGNORECASE,
)


def _asks(text: str) -> bool:
    """Whether the user's own comment asks the reader something (a question mark, "tell me
    which...", "let me know...")."""
    return bool(_ASKS.search(text))


def _from_guess(
    guess: ActGuess, idea: str, what: str, priority: Priority
) -> tuple[Act, Priority, str] | None:
    """The act reader's choice for an unanswered comment on the user's work, or ``None``
    where the rules decide: below :data:`~cyberkind.triage.ACT_CONFIDENT`, a crisis reading
    below :data:`~cyberkind.triage.ACT_CRISIS` or a needs-care one below
    :data:`~cyberkind.triage.ACT_STRONG`."""
    act = Act(guess.act)
    if act is Act.THANK_FOR_SHARING_WHAT_MATTERS and not idea:
        return None  # an idea is credited by its words (quoted, offered for the wall)
    bar = {Act.OFFER_DM: ACT_CRISIS, Act.NEEDS_CARE: ACT_STRONG}.get(act, ACT_CONFIDENT)
    if guess.probability < bar:
        return None
    words, advice = _READS_AS[act]
    reason = f"reads as {words} {guess.probability:.2f} in a {what}: {advice}"
    if act is Act.THANK_FOR_SHARING_WHAT_MATTERS and idea:
        reason = f"reads as {words} {guess.probability:.2f}: '{idea}'"
    if act is Act.OFFER_DM:
        return act, Priority.CRISIS, reason
    if act is Act.HUG:
        return act, Priority.DISTRESS, reason
    return act, priority, reason


def _talk_opportunity(ctx: _Context, item: Item, scores: Mapping[str, float]) -> Opportunity | None:
    """The one opportunity of a comment, reply, mention or quote (see the module docstring)."""
    fired = {k for k, v in scores.items() if k in ctx.thresholds and v >= ctx.thresholds[k]}
    reading = read_message(item.text, scores, ctx.thresholds)
    parent = ctx.lookup.get(item.parent_remote_id or "")
    root = ctx.lookup.get(item.thread_id or "")
    to_me = parent is not None and parent.is_own
    on_my_work = to_me or (root is not None and root.is_own)
    addressed = on_my_work or item.kind is ItemKind.MENTION
    unanswered = item.remote_id not in ctx.answered

    def one(act: Act, priority: Priority, reason: str, idea: bool = False) -> Opportunity:
        return replace(_single(ctx, item, act, priority, reason), is_idea=idea)

    def because(label: str) -> str:
        return f" ({_signal(label, scores, ctx.thresholds)})" if label in fired else ""

    idea_reason = f"shares an idea for a kind act: '{reading.idea}'"
    if not unanswered:
        # An answered comment needs no reply; its idea can still go on the wall.
        return (
            one(Act.THANK_FOR_SHARING_WHAT_MATTERS, Priority.IDEA, idea_reason, True)
            if (reading.idea)
            else None
        )
    if not addressed:
        # Someone else's thread: only the moments that call for a kind act.
        if reading.distress:
            return one(
                Act.HUG,
                Priority.DISTRESS,
                f"{reading.distress}{because('distress')}: they are having a hard time",
            )
        if reading.question and "question" in fired:
            return one(
                Act.SEND_LINK,
                Priority.QUESTION,
                f"{_signal('question', scores, ctx.thresholds)}: a useful link could help",
            )
        if reading.news:
            return one(
                Act.CELEBRATE,
                Priority.MILESTONE,
                f"good news{because('celebration')}: good news to celebrate",
            )
        if reading.idea:
            return one(Act.THANK_FOR_SHARING_WHAT_MATTERS, Priority.IDEA, idea_reason, True)
        return None
    if item.kind is ItemKind.MENTION and not on_my_work:
        what, priority = "mention", Priority.MENTION
    else:
        what = {ItemKind.REPLY: "reply to you" if to_me else "reply"}.get(
            item.kind, item.kind.value
        )
        what, priority = f"{what} on {_where(root)}", Priority.UNANSWERED
    if reading.spam:
        return one(
            Act.NEEDS_CARE,
            priority,
            f"spam ({', '.join(reading.spam)}) in a {what}: let it be, or moderate it",
        )
    guess = read_act(item.text, scores)
    calm = guess.probability if guess is not None and guess.act == Act.DISCUSS.value else 0.0
    if reading.hostile in SCORED_HOSTILITY and calm >= ACT_STRONG:
        # The scores alone read an attack; the act reader, trained to tell an attack on the
        # person from criticism of the work, is sure it is criticism: a calm reply about the
        # issue (no thanks, star or quote either way).
        return one(
            Act.DISCUSS,
            priority,
            f"reads as criticism {calm:.2f} in a {what}: a calm reply about the issue",
        )
    sad = Act.HUG.value, Act.OFFER_DM.value
    if reading.hostile in SCORED_HOSTILITY and guess is not None and guess.act in sad:
        # The scores alone read an attack in someone's hard time ("even the simple sentences
        # feel impossible now and I don't know what to do with myself"); where the act reader
        # is sure it is distress or a crisis, it is answered as one.
        chosen = _from_guess(guess, "", what, priority) if guess.probability >= ACT_SURE else None
        if chosen is not None:
            return one(*chosen)
    asking = guess.probability if guess is not None and guess.act == Act.SEND_LINK.value else 0.0
    if reading.hostile in SCORED_HOSTILITY and reading.question and asking >= ACT_SURE:
        # The scores alone read an attack; the words ask a question and the act reader is
        # sure it is one: answer it (see ACT_SURE).
        return one(
            Act.SEND_LINK,
            priority,
            f"reads as a question {asking:.2f} in a {what}: answer it, with a link if one fits",
        )
    if reading.hostile:
        signals = _negativity(scores, ctx.thresholds)
        return one(
            Act.NEEDS_CARE,
            priority,
            f"{reading.hostile}{f' ({signals})' if signals else ''} in a {what}: let it "
            "be, moderate it, or answer calmly about the issue",
        )
    if reading.distress:
        return one(
            Act.HUG,
            Priority.DISTRESS,
            f"{reading.distress}{because('distress')}: they are having a hard time",
        )
    if to_me and root is not None and not root.is_own and item.author.handle == root.author.handle:
        asks = f"; asks a question{because('question')}" if reading.question else ""
        return one(
            Act.APPRECIATE_HOST,
            Priority.MENTION,
            f"the host of '{root.raw.get('title') or root.remote_id}' answered your comment{asks}",
        )
    if (
        guess is not None
        and reading.question
        and guess.act in (Act.THANK_COMMENTER.value, Act.THANK_FOR_SHARING_WHAT_MATTERS.value)
        and guess.probability < ACT_STRONG
    ):
        # A question the rules read is answered unless the reader is sure it is something
        # else: an unanswered question is the failure a commenter sees.
        guess = None
    if (
        guess is not None
        and guess.act == Act.CELEBRATE.value
        and not reading.news
        and to_me
        and parent is not None
        and _asks(parent.text)
    ):
        # An answer to the user's own question ("Tell me which note they liked best." "The
        # one on the coffee machine won."): news only where its words say so.
        guess = None
    if guess is not None:
        idea = reading.idea
        if not idea and guess.probability >= ACT_STRONG:
            # The reader is sure of an idea the rules' kind words missed ("tie a spare
            # umbrella to the bus shelter"): its frame of proposing or practice still counts.
            idea = find_idea(item.text, loose=True) or ""
            if idea and guess.act == Act.THANK_FOR_SHARING_WHAT_MATTERS.value:
                idea_reason = f"shares an idea for a kind act: '{idea}'"
        chosen = _from_guess(guess, idea, what, priority)
        if chosen is not None:
            act, prio, reason = chosen
            return one(act, prio, reason, act is Act.THANK_FOR_SHARING_WHAT_MATTERS)
    if reading.criticism:
        return one(
            Act.DISCUSS,
            priority,
            f"criticism or disagreement in a {what}: a calm reply about the issue",
        )
    if reading.idea:
        return one(Act.THANK_FOR_SHARING_WHAT_MATTERS, priority, idea_reason, True)
    if reading.news:
        return one(
            Act.CELEBRATE,
            priority,
            f"good news{because('celebration')} in an unanswered "
            f"{what}: congratulate them in your thank-you",
        )
    if reading.question:
        return one(
            Act.SEND_LINK,
            priority,
            f"an unanswered {what} asks a question"
            f"{because('question')}: answer it, with a link if one fits",
        )
    cares = sorted(fired & {"compassion", "encouragement"})
    if cares and item.kind in (ItemKind.MENTION, ItemKind.QUOTE):
        return one(
            Act.THANK_FOR_SHARING_WHAT_MATTERS,
            priority,
            "; ".join(_signal(label, scores, ctx.thresholds) for label in cares),
        )
    if priority is Priority.MENTION:
        return one(Act.THANK_COMMENTER, priority, "mentions you and you have not answered")
    return one(Act.THANK_COMMENTER, priority, f"unanswered {what}")


def _post_opportunity(ctx: _Context, item: Item, scores: Mapping[str, float]) -> Opportunity:
    """The one opportunity of a post by someone the user follows."""
    reading = read_message(item.text, scores, ctx.thresholds)

    def one(act: Act, priority: Priority, reason: str, idea: bool = False) -> Opportunity:
        return replace(_single(ctx, item, act, priority, reason), is_idea=idea)

    if reading.distress == "grief":
        return one(Act.HUG, Priority.DISTRESS, "grief: they are having a hard time")
    if reading.discouraged:
        return one(
            Act.ENCOURAGE_POST, Priority.FOLLOWED, "they sound discouraged: a word of encouragement"
        )
    if reading.distress:
        return one(Act.HUG, Priority.DISTRESS, "distress: they are having a hard time")
    if reading.hosting:
        return one(
            Act.APPRECIATE_HOST,
            Priority.FOLLOWED,
            "they host a chat or an event: appreciate the host",
        )
    # Congratulations need news: a news phrase, or a confident model. The celebration label's
    # own threshold is tuned for F1 on scarce data (0.34 on the reading tier), and a post
    # about a kind act ("I left kind notes on the bus") is not news to congratulate; comments
    # hold the same bar (read_message).
    confident = scores.get("celebration", 0.0) >= max(
        ctx.thresholds.get("celebration", 0.5), CONFIDENT_NEWS
    )
    if reading.news or confident:
        signal = f" ({_signal('celebration', scores, ctx.thresholds)})" if confident else ""
        return one(
            Act.CELEBRATE,
            Priority.MILESTONE,
            f"good news{signal}: congratulate them, and offer to share it",
        )
    if reading.idea:
        return one(
            Act.THANK_FOR_SHARING_WHAT_MATTERS,
            Priority.IDEA,
            f"shares an idea for a kind act: '{reading.idea}'",
            True,
        )
    if reading.work:
        return one(Act.PROMOTE_WORK, Priority.FOLLOWED, "their work is worth sharing")
    return one(Act.ENCOURAGE_POST, Priority.FOLLOWED, "a new post from someone you follow")


def _item_opportunities(ctx: _Context, stored: StoredItem) -> list[Opportunity]:
    """Triage: at most one opportunity per item, crisis first."""
    item, scores = stored.item, stored.scores or {}
    # Crisis statements in words the label can miss ("better off without me"), and the label
    # itself where the rules read the message no other way (see triage.CRISIS_SURE).
    crisis = crisis_reason(item.text, scores, ctx.thresholds, rules=item.kind in _TALK)
    if crisis:
        reason = f"{crisis}: reach out privately; safety resources attached"
        return [_single(ctx, item, Act.OFFER_DM, Priority.CRISIS, reason)]
    if item.kind is ItemKind.FOLLOW:
        return [_single(ctx, item, Act.THANK_READER, Priority.SHARES, "followed you")]
    if item.kind is ItemKind.POST:
        return [_post_opportunity(ctx, item, scores)]
    if item.kind in _TALK:
        found = _talk_opportunity(ctx, item, scores)
        return [found] if found is not None else []
    return []


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
