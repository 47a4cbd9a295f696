"""Drafts of kind replies in the user's own voice, with gold stars (docs/composer.md).

- :func:`compose` / :class:`Drafter`: a specific, varied, guarded draft per opportunity;
- :class:`Voice`: openings, sign-offs, emoji and length learned from the user's replies;
- :class:`Composer`: the same on a store (``cyberkind draft``);
- :class:`Ledger`: the gold-star ledger and the kindest people (``cyberkind stars``);
- :func:`key_phrase` and :func:`distinct_n`: what a draft responds to, and batch variety;
- :class:`LLMBackend`: the optional OpenAI-compatible endpoint that can write the words;
  :class:`LocalLLM`: a GGUF file run in-process instead; :func:`llm_from_settings` picks one.

**Usage**::

    from cyberkind.composer import Composer
    from cyberkind.store import open_store

    print(Composer(open_store("inbox.db")).draft("6a2c69789097").text)
"""

from __future__ import annotations

from ..phrases import content_words, distinct_n, key_phrase
from .api import Composer
from .backends import llm_from_settings
from .compose import CRISIS_THRESHOLD, Draft, Drafter, compose, star_count
from .llm import BaseLLM, LLMBackend
from .local_llm import LocalLLM
from .stars import KindPerson, Ledger, record_draft_stars
from .voice import DEFAULT_VOICE, Voice

__all__ = [
    "CRISIS_THRESHOLD",
    "DEFAULT_VOICE",
    "BaseLLM",
    "Composer",
    "Draft",
    "Drafter",
    "KindPerson",
    "LLMBackend",
    "Ledger",
    "LocalLLM",
    "Voice",
    "compose",
    "content_words",
    "distinct_n",
    "key_phrase",
    "llm_from_settings",
    "record_draft_stars",
    "star_count",
]
