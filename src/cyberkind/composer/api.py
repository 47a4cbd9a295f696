"""The library API behind ``cyberkind draft``: draft replies for opportunities in a store.

**Usage**::

    from cyberkind.composer import Composer
    from cyberkind.store import open_store

    composer = Composer(open_store("inbox.db"), region="uk")
    draft = composer.draft("6a2c69789097")
    print(draft.text)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..models import Act, Opportunity, State
from ..store.base import Store
from .compose import Draft, Drafter
from .voice import Voice

if TYPE_CHECKING:
    from ..guard import Guard
    from ..links import LinkLibrary
    from .llm import LLMBackend

__all__ = ["Composer"]


class Composer:
    """Drafts replies for a store's opportunities in the voice learned from its own items.

    ``save`` keeps each draft in the store and marks its opportunity drafted, so that
    marking it done later records the draft's gold stars. A ``send_link`` draft uses the
    best suggestion of ``links`` (default: the store's link library, ranked by FTS5).
    ``llm`` is the optional LLM backend (:class:`~cyberkind.composer.llm.LLMBackend`).
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
        llm: LLMBackend | None = None,
    ) -> None:
        self.store = store
        if links is None:
            from ..links import LinkLibrary

            links = LinkLibrary(store)
        self.links = links
        self.voice = Voice.learn(s.item.text for s in store.items() if s.item.is_own)
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
        """Draft a reply for an opportunity (or its id or unique id prefix)."""
        opp = opportunity
        if isinstance(opp, str):
            opp = self.store.get_opportunity(opp)
        stored = self.store.items(opp.source, remote_ids=opp.item_ids)
        order = {remote_id: i for i, remote_id in enumerate(opp.item_ids)}
        stored.sort(key=lambda s: order.get(s.item.remote_id, len(order)))
        items = [s.item for s in stored]
        link = None
        if opp.act is Act.SEND_LINK:
            found = self.links.suggest_for_text(" ".join(i.text for i in items), 1)
            link = found[0] if found else None
        draft = self.drafter.draft(opp, items, [dict(s.scores or {}) for s in stored], link=link)
        if save:
            with self.store.transaction():
                self.store.save_draft(opp.id, draft.to_json())
                if opp.state is State.OPEN:
                    self.store.set_state(opp.id, State.DRAFTED)
        return draft

    def drafts(self, opportunities: Iterable[Opportunity]) -> list[Draft]:
        """Draft a batch: no two drafts alike, variants drawn without replacement."""
        return [self.draft(opp) for opp in opportunities]
