"""Which LLM backend the settings select: none (the default), an endpoint, or a GGUF file.

- ``llm_url`` (with ``llm_model``): :class:`~cyberkind.composer.llm.LLMBackend`, any
  OpenAI-compatible ``/v1/chat/completions`` endpoint;
- ``llm_gguf`` (with ``llm_threads``): :class:`~cyberkind.composer.local_llm.LocalLLM`, the
  file run in this process by llama.cpp.

Both keep ``llm_timeout``; setting both is a mistake, reported with how to fix it.

**Usage**::

    from cyberkind.composer import Composer, llm_from_settings
    from cyberkind.settings import resolve

    composer = Composer(store, llm=llm_from_settings(resolve({"llm_gguf": "model.gguf"})))
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..credentials import Credentials
from ..errors import ConfigError
from .llm import BaseLLM, LLMBackend
from .local_llm import LocalLLM

__all__ = ["llm_from_settings"]


def llm_from_settings(
    values: Mapping[str, Any], credentials: Credentials | None = None
) -> BaseLLM | None:
    """The LLM backend the settings ask for, or ``None`` (drafts from the templates only).

    Raises :class:`~cyberkind.errors.ConfigError` for a set-up mistake, with how to fix it.
    """
    if values.get("llm_url") and values.get("llm_gguf"):
        raise ConfigError(
            "settings llm_url and llm_gguf are both set, and drafts use one LLM. You can fix "
            "this by unsetting one: llm_url for an endpoint, llm_gguf for a local GGUF file."
        )
    local = LocalLLM.from_settings(values)
    if local is not None:
        return local
    return LLMBackend.from_settings(values, credentials)
