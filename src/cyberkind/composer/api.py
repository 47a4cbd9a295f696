"""The library API behind ``cyberkind draft``: draft replies for opportunities in a store.

**Usage**::

    from cyberkind.composer import Composer
    from cyberkind.store import open_store

    composer = Composer(open_store("inbox.db"), region="uk")
    draft = composer.draft("6a2c69789097")
    print(draft.text)
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..inbox import Inbox
from ..models import Item, Link, Opportunity
from ..store.base import Store
from ..triage import read_message
from .compose import Draft, Drafter
from .voice import Voice

if TYPE_CHECKING:
    from ..guard import Guard
    from ..links import LinkLibrary
    from .llm import BaseLLM

__all__ = ["Composer", "learned_voice", "own_links"]

_VOICES: dict[str, tuple[tuple[Any, ...], Voice]] = {}
_VOICES_LOCK = threading.Lock()
_OWN_LINKS: dict[str, tuple[tuple[Any, ...], tuple[Link, ...]]] = {}


def _store_key(store: Store) -> str:
    describe = getattr(store, "describe", None)
    where = describe() if callable(describe) else ""
    if not where or ":memory:" in where:
        where = f"object:{id(store)}"  # in-memory stores are distinct however they are named
    return f"{type(store).__qualname__}:{where}"


def learned_voice(store: Store) -> Voice:
    """The voice learned from the store's own items, learned once and cached per store.

    The cache is keyed by :meth:`~cyberkind.store.Store.own_items_fingerprint` (one cheap
    query), so a new or changed reply of the user's is learned at the next call. Web
    requests and sends build a :class:`Composer` each; they share this.

    **Usage**::

        voice = learned_voice(store)
        print(voice.opening, voice.sign_off)
    """
    key, fingerprint = _store_key(store), store.own_items_fingerprint()
    with _VOICES_LOCK:
        cached = _VOICES.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    voice = Voice.learn(s.item.text for s in store.items() if s.item.is_own)
    with _VOICES_LOCK:
        _VOICES[key] = (fingerprint, voice)
    return voice


def own_links(store: Store) -> tuple[Link, ...]:
    """Links to the user's own published posts in the store, cached like :func:`learned_voice`.

    A question on the user's post is answered from these first (the user's own posts), then
    from the link library.
    """
    from ..links import own_post_links

    key, fingerprint = _store_key(store), store.own_items_fingerprint()
    with _VOICES_LOCK:
        cached = _OWN_LINKS.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    found = tuple(own_post_links([s.item for s in store.items() if s.item.is_own]))
    with _VOICES_LOCK:
        _OWN_LINKS[key] = (fingerprint, found)
    return found


def _url_key(url: str) -> str:
    """A URL compared loosely: no scheme, no trailing slash or fragment, lower-case host."""
    bare = url.split("#", 1)[0].rstrip("/")
    for scheme in ("https://", "http://"):
        if bare.lower().startswith(scheme):
            bare = bare[len(scheme) :]
    host, _, path = bare.partition("/")
    return f"{host.lower()}/{path}"


class Composer:
    """Drafts replies for a store's opportunities in the voice learned from its own items.

    ``save`` keeps each draft in the store and marks its opportunity drafted, so that
    marking it done later records the draft's gold stars. A question is answered from the
    user's own posts first, then the suggestions of ``links`` (default: the store's link
    library, ranked by FTS5), and only with a link that covers it (:func:`.plan.find_answer`).
    ``llm`` is the optional LLM backend (:func:`~cyberkind.composer.llm_from_settings`).
    """

    def __init__(
        self,
        store: Store,
        *,
        seed: int = 0,
        stars: bool = True,
        region: str | None = None,
        crisis_line: str | None = None,
        guard: Guard | None = None,
        links: LinkLibrary | None = None,
        llm: BaseLLM | None = None,
    ) -> None:
        self.store = store
        if links is None:
            from ..links import LinkLibrary

            links = LinkLibrary(store)
        self.links = links
        self.voice = learned_voice(store)
        self.drafter = Drafter(
            self.voice,
            seed,
            stars=stars,
            guard=guard,
            region=region,
            crisis_line=crisis_line,
            llm=llm,
        )

    def draft(self, opportunity: Opportunity | str, *, save: bool = False) -> Draft:
        """Draft a reply for an opportunity (or its id or unique id prefix).

        ``save`` keeps it as the opportunity's draft through the inbox
        (:meth:`cyberkind.Inbox.save_draft`), which marks an open opportunity drafted.
        """
        opp = opportunity
        if isinstance(opp, str):
            opp = self.store.get_opportunity(opp)
        stored = self.store.items(opp.source, remote_ids=opp.item_ids)
        order = {remote_id: i for i, remote_id in enumerate(opp.item_ids)}
        stored.sort(key=lambda s: order.get(s.item.remote_id, len(order)))
        items = [s.item for s in stored]
        scores = [dict(s.scores or {}) for s in stored]
        library: list[Link] = []
        own: tuple[Link, ...] = ()
        if len(items) == 1 and read_message(items[0].text, scores[0]).question:
            # Never answer a question with the very post it was asked on.
            here = self._thread_urls(opp.source, items[0])
            library = [
                link
                for link in self.links.candidates_for_text(items[0].text, 5)
                if _url_key(link.url) not in here
            ]
            own = tuple(link for link in own_links(self.store) if _url_key(link.url) not in here)
        draft = self.drafter.draft(opp, items, scores, own_links=own, library=library)
        if save:
            Inbox(self.store).save_draft(opp.id, draft.to_json())
        return draft

    def _thread_urls(self, source: str, item: Item) -> set[str]:
        """The addresses of the posts ``item`` sits under (its thread's root and its parent)."""
        ids = [i for i in (item.thread_id, item.parent_remote_id) if i]
        found = self.store.items(source, remote_ids=ids) if ids else []
        return {_url_key(s.item.url) for s in found if s.item.url}

    def save_edited(self, opportunity: Opportunity | str, text: str) -> dict[str, Any]:
        """Keep the user's own words as the opportunity's draft and return its JSON.

        The saved draft (or a fresh one) keeps its stars and recipients, with ``text``
        replaced and ``edited`` set; an open opportunity becomes drafted (the inbox does it).
        """
        inbox = Inbox(self.store)
        opp = inbox.get(opportunity) if isinstance(opportunity, str) else opportunity
        current = inbox.saved_draft(opp.id) or self.draft(opp).to_json()
        payload = {**current, "text": text, "edited": True}
        inbox.save_draft(opp.id, payload)
        return payload

    def drafts(self, opportunities: Iterable[Opportunity]) -> list[Draft]:
        """Draft a batch: no two drafts alike, variants drawn without replacement."""
        return [self.draft(opp) for opp in opportunities]
