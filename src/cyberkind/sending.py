"""Sending a draft with consent, exactly once: the library behind ``cyberkind send``.

:func:`send_draft` takes an opportunity's saved draft (``cyberkind draft``), or
composes one, or takes the user's own ``text``; checks it with the guard; and
posts it through the connector of the account the opportunity came from
(``mastodon:social`` -> the account ``social``). The caller asks the user first:
nothing here prompts, and the CLI's ``send`` confirms unless given ``--yes``.

**Exactly once.** The send's idempotency key is derived from the opportunity and
the text. Before posting, the store's outbox records the attempt as ``pending``
(its own transaction); after the platform answers, one transaction marks it
``sent`` with the new item's id, marks the opportunity ``done`` and records the
draft's gold stars in the ledger (once per opportunity). A retry after a timeout
or a crash finds the pending attempt and asks the connector whether it was
posted (:meth:`~cyberkind.connectors.base.Connector.published`) before posting
again with the same key, which the platform deduplicates (Mastodon's
``Idempotency-Key``). A send already ``sent`` is never posted again.

**Who is answered.**

- One comment, reply, mention or quote: a reply to that item.
- A grouped thank-you (likes, boosts, shares of the user's post, several people):
  **one** reply to the user's own post that addresses everyone in the group
  (``Reply.to``: Mastodon and Bluesky @mention each of them), not one reply per person,
  which would flood their notifications. Its stars go to every recipient.
- A follow has no message to answer: refused (thank them in a post of your own).
- A crisis opportunity is sent only as a private message, and only through a
  connector that can send one (``private_replies``); a casual (public) draft saved
  for it is refused. Its safety resources stay with the user.

**Who sends, in a team.** In a shared store one member answers each opportunity:
``member`` names the sender. An opportunity claimed by someone else is refused;
an unclaimed one is claimed for ``member`` first (atomically, in the store), so
two members sending the same opportunity at once never both post.

**Usage**::

    from cyberkind.sending import send_draft
    from cyberkind.store import open_store

    with open_store() as store:
        result = send_draft(store, "6a2c69789097")
    print(result.remote_id, result.stars_recorded)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .accounts import account_connector, account_for_source, can_post, can_send_privately
from .errors import ConfigError, InputError
from .inbox import Inbox
from .models import (
    GROUPED_KINDS,
    Act,
    Item,
    ItemKind,
    Opportunity,
    Priority,
    Reply,
    State,
    json_fields,
)
from .store.base import OutboxEntry, Store

if TYPE_CHECKING:
    from .connectors.base import LiveConnector
    from .credentials import Credentials
    from .guard import Guard

__all__ = [
    "PreparedSend",
    "SendResult",
    "answered_item",
    "cannot_send",
    "idempotency_key",
    "pending_sends",
    "prepare_send",
    "send_draft",
    "sender_name",
    "sends",
]


@dataclass(frozen=True, slots=True)
class PreparedSend:
    """What :func:`send_draft` will post: shown to the user before they confirm."""

    opportunity: Opportunity
    account: str
    reply: Reply
    payload: Mapping[str, Any]

    @property
    def text(self) -> str:
        return self.reply.text

    def to_json(self) -> dict[str, Any]:
        return {
            "opportunity_id": self.opportunity.id,
            "account": self.account,
            "source": self.reply.source,
            "parent_remote_id": self.reply.parent_remote_id,
            "to": list(self.reply.to),
            "private": self.reply.private,
            "text": self.reply.text,
            "stars": int(self.payload.get("stars") or 0),
            "key": self.reply.idempotency_key,
        }


@dataclass(frozen=True, slots=True)
class SendResult:
    """What a send did: the posted item's id, whether it had been sent before, stars recorded."""

    opportunity_id: str
    remote_id: str
    text: str
    already_sent: bool
    stars_recorded: int
    outbox: OutboxEntry
    to: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The JSON that ``cyberkind send --json`` prints."""
        return json_fields(
            self, "opportunity_id remote_id text already_sent stars_recorded to outbox"
        )


def idempotency_key(opportunity_id: str, text: str) -> str:
    """The send's key: the same opportunity and text always give the same key.

    **Usage**::

        >>> key = idempotency_key("6a2c69789097", "Thank you!")
        >>> key == idempotency_key("6a2c69789097", "Thank you!"), len(key)
        (True, 40)
    """
    digest = hashlib.sha256(f"cyberkind-send\x1f{opportunity_id}\x1f{text}".encode()).hexdigest()
    return digest[:40]


def prepare_send(
    store: Store,
    opportunity_id: str,
    *,
    text: str | None = None,
    draft: Mapping[str, Any] | None = None,
    private_ok: bool = True,
) -> PreparedSend:
    """Work out what to post for an opportunity, refusing what must not be sent.

    The text is ``text`` (the user's own words), else ``draft`` (a draft's JSON),
    else the saved draft, else a fresh draft (saved, so that its stars count).
    ``private_ok`` says whether the account's connector can send a private message.
    Raises :class:`~cyberkind.errors.ConfigError` for what cannot be sent.
    """
    opp = store.get_opportunity(opportunity_id)
    _check_sendable(store, opp)
    account = _account_name(store, opp)
    payload: dict[str, Any] = dict(draft or store.saved_draft(opp.id) or {})
    if not payload:
        from .composer import Composer

        payload = Composer(store).draft(opp, save=True).to_json()
    crisis = opp.priority is Priority.CRISIS or opp.act is Act.OFFER_DM
    if crisis and text is None and not payload.get("private"):
        raise ConfigError(
            f"the opportunity {opp.id} is a crisis, and its saved draft is a casual public "
            "reply, which cyberkind never sends. You can fix this by drafting the caring "
            f"private message again (`cyberkind draft {opp.id}`) and sending that."
        )
    private = crisis or bool(payload.get("private"))
    if private and not private_ok:
        raise ConfigError(
            f"the opportunity {opp.id} needs a private message, and its source {opp.source} "
            "cannot send one through cyberkind. You can fix this by sending the draft yourself "
            f"as a direct message, then `cyberkind done {opp.id}`."
        )
    body = (text if text is not None else str(payload.get("text") or "")).strip()
    if not body:
        raise ConfigError(
            f"there is no text to send for {opp.id}. You can fix this by passing --text, or "
            f"drafting a reply with `cyberkind draft {opp.id}`."
        )
    if text is not None:
        payload["text"] = body
    parent, to = _addressed(store, opp)
    reply = Reply(
        source=opp.source,
        parent_remote_id=parent,
        text=body,
        thread_id=opp.thread_key or None,
        idempotency_key=idempotency_key(opp.id, body),
        to=to,
        private=private,
    )
    return PreparedSend(opp, account, reply, payload)


def cannot_send(store: Store, opportunity: Opportunity | str) -> str | None:
    """Why cyberkind cannot post a reply for this opportunity, or ``None`` when it can.

    The checks :func:`prepare_send` and :func:`send_draft` make before posting, without
    composing or posting anything: a dismissed opportunity; a source that is not a connected
    account whose connector can post (an imported file, a followed feed); a follow (nothing to
    answer); a crisis on a platform without private messages. The web app offers
    approve-and-send only where this is ``None``, and copy or open-in-the-platform elsewhere.

    **Usage**::

        reason = cannot_send(store, "6a2c69789097")
        print(reason or "ready to send")
    """
    opp = store.get_opportunity(opportunity) if isinstance(opportunity, str) else opportunity
    try:
        _check_sendable(store, opp)
        _account_name(store, opp)
        _addressed(store, opp)
    except ConfigError as err:
        return str(err)
    crisis = opp.priority is Priority.CRISIS or opp.act is Act.OFFER_DM
    if crisis and not can_send_privately(store, opp.source):
        return (
            f"the opportunity {opp.id} needs a private message, and its source {opp.source} "
            "cannot send one through cyberkind. You can fix this by sending the draft yourself "
            f"as a direct message, then `cyberkind done {opp.id}`."
        )
    return None


def _check_sendable(store: Store, opp: Opportunity) -> None:
    if opp.state is State.DISMISSED:
        raise ConfigError(
            f"the opportunity {opp.id} was dismissed, so cyberkind does not answer it. You can "
            "fix this by choosing an open one from `cyberkind inbox`."
        )


def _account_name(store: Store, opp: Opportunity) -> str:
    platform, _, name = opp.source.partition(":")
    account = account_for_source(store, opp.source)
    if account is not None and can_post(store, opp.source):
        return account.name
    if account is not None:
        raise ConfigError(
            f"the opportunity {opp.id} came from the account {account.name!r}, whose platform "
            f"{account.platform!r} has no installed connector that posts replies, so cyberkind "
            "cannot post there. You can fix this by copying the draft and posting it yourself, "
            f"then `cyberkind done {opp.id}`; or by installing the platform's plug-in."
        )
    raise ConfigError(
        f"the opportunity {opp.id} came from {opp.source}, which is not a connected account "
        f"(platform {platform!r}, name {name!r}), so cyberkind cannot post there. You can fix "
        "this by copying the draft and posting it yourself, then `cyberkind done "
        f"{opp.id}`; or by connecting the account with `cyberkind accounts add`."
    )


def _addressed(store: Store, opp: Opportunity) -> tuple[str, tuple[str, ...]]:
    """The remote id to answer and the handles of everyone else the reply addresses."""
    stored = [s.item for s in store.items(opp.source, remote_ids=opp.item_ids)]
    if not stored:
        raise ConfigError(
            f"the items of {opp.id} are not in the store. You can fix this by running "
            f"`cyberkind sync {opp.source}`."
        )
    if all(i.kind is ItemKind.FOLLOW for i in stored):
        raise ConfigError(
            f"{opp.person} followed you: there is no message to reply to. You can fix this by "
            f"thanking them in a post of your own, then `cyberkind done {opp.id}`."
        )
    grouped = [i for i in stored if i.kind in GROUPED_KINDS]
    if grouped:
        parent = opp.thread_key or grouped[0].parent_remote_id or grouped[0].thread_key
        handles = tuple(dict.fromkeys(i.author.handle for i in grouped))
        return parent, handles
    return stored[0].remote_id, ()


def send_draft(
    store: Store,
    opportunity_id: str,
    *,
    text: str | None = None,
    draft: Mapping[str, Any] | None = None,
    credentials: Credentials | None = None,
    connector: LiveConnector | None = None,
    guard: Guard | None = None,
    confirm: Callable[[PreparedSend], bool] | None = None,
    member: str | None = None,
) -> SendResult:
    """Post an opportunity's draft (or ``text``) through its account, exactly once.

    ``confirm`` is called with what will be posted and must return ``True`` to go on
    (the CLI asks the user there; ``None`` means the caller already has consent).
    ``connector`` overrides the account's registered connector; ``credentials``
    default to the environment, then the OS keyring; ``guard`` defaults to
    :class:`~cyberkind.guard.Guard`. Raises :class:`~cyberkind.errors.InputError`
    when the guard does not pass the text, and
    :class:`~cyberkind.errors.SourceError` when posting fails (the outbox keeps the
    attempt pending: sending again is safe). ``member`` is the sender in a team
    store: see the module docstring; a claim by anyone else refuses the send.
    """
    inbox = Inbox(store)
    opp = store.get_opportunity(opportunity_id)
    inbox.check_claim(opp.id, member, take=True)
    account = store.get_account(_account_name(store, opp))
    own_connector = connector is None
    conn = connector or account_connector(account, credentials=credentials)
    try:
        prepared = prepare_send(
            store, opp.id, text=text, draft=draft, private_ok=type(conn).private_replies
        )
        reply = prepared.reply
        assert reply.idempotency_key is not None
        sent_before = [e for e in store.outbox(opp.id) if e.state == "sent"]
        done = next((e for e in sent_before if e.key == reply.idempotency_key), None)
        if done is None and sent_before and opp.state is State.DONE:
            done = sent_before[-1]  # sent already (with other words): never post twice
        if done is not None:
            return SendResult(opp.id, str(done.remote_id), reply.text, True, 0, done, reply.to)
        _check(guard, reply.text, _answered_text(store, opp))
        if confirm is not None and not confirm(prepared):
            raise ConfigError(
                f"not sent: you did not confirm. You can fix this by running `cyberkind send "
                f"{opp.id}` again and answering yes (or passing --yes)."
            )
        entry = store.outbox_begin(
            reply.idempotency_key, opp.id, opp.source, reply.parent_remote_id
        )
        remote_id = conn.published(reply) if entry.attempts > 1 else None
        if remote_id is None:
            remote_id = conn.publish(reply)
        with store.transaction():
            entry = store.outbox_sent(reply.idempotency_key, remote_id)
            _, stars = inbox.mark_done(opp.id, draft=prepared.payload)
        return SendResult(opp.id, remote_id, reply.text, False, stars, entry, reply.to)
    finally:
        if own_connector:
            conn.close()


def sender_name(store: Store, member: str | None = None, user: str | None = None) -> str | None:
    """Who sends, for claims: ``member`` (``--as``), else ``user`` (the user setting); else,
    on a team store (not a SQLite file), the login name; else ``None`` (one's own inbox)."""
    if member or user:
        return member or user
    from .store.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        return None
    import getpass

    return getpass.getuser()


def answered_item(store: Store, opportunity: Opportunity | str) -> Item | None:
    """The item a send answers (an opportunity's first item), if it is in the store."""
    opp = store.get_opportunity(opportunity) if isinstance(opportunity, str) else opportunity
    stored = store.items(opp.source, remote_ids=opp.item_ids[:1])
    return stored[0].item if stored else None


def _answered_text(store: Store, opp: Opportunity) -> str | None:
    item = answered_item(store, opp)
    return item.text or None if item is not None else None


def sends(store: Store, opportunity_id: str) -> tuple[OutboxEntry | None, OutboxEntry | None]:
    """``(sent, pending)``: an opportunity's last send that went out, and, when none did, its
    last attempt still pending (the platform refused it or never answered: safe to retry)."""
    outbox = store.outbox(opportunity_id)
    sent = [e for e in outbox if e.state == "sent"]
    pending = [e for e in outbox if e.state == "pending"] if not sent else []
    return (sent[-1] if sent else None), (pending[-1] if pending else None)


def pending_sends(store: Store) -> list[OutboxEntry]:
    """Every send that did not finish (``cyberkind send --pending``), oldest first."""
    return [e for e in store.outbox() if e.state == "pending"]


def _check(guard: Guard | None, text: str, reply_to: str | None) -> None:
    if guard is None:
        from .guard import Guard

        guard = Guard()
    verdict = guard.check(text, reply_to=reply_to)
    if verdict.verdict != "ok":
        suggestion = f" A kinder wording: {verdict.rewrite!r}." if verdict.rewrite else ""
        raise InputError(
            f"the guard says {verdict.verdict!r} for this text, so it was not sent."
            f"{suggestion} You can fix this by editing it (--text) and sending again."
        )
