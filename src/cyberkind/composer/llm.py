"""An optional LLM backend for drafts: any OpenAI-compatible ``/v1/chat/completions`` endpoint.

Off by default. It is switched on only by the ``llm_url`` and ``llm_model`` settings (Ollama,
a llama.cpp server, vLLM or OpenAI itself); the in-process twin, a GGUF file run by llama.cpp
(the ``llm_gguf`` setting), is :class:`~cyberkind.composer.local_llm.LocalLLM`. Both share
:class:`BaseLLM`: the same instructions, and the same re-check of every reply. The API key,
when the endpoint needs one, comes only from :mod:`cyberkind.credentials`
(``CYBERKIND_LLM_API_KEY`` or the OS keyring, account ``llm``, key ``api_key``), never from a
setting or the store.

What is sent is deliberately small: fixed instructions for the kind of reply (the act), then
**only** the message being answered and the user's voice profile (:meth:`Voice.to_json`).
Not the person's name or handle, not the thread, not other items. The model is asked to write
``[NAME]`` where the greeting goes; cyberkind puts the first name back in locally, so the name
never leaves the machine and a reply that does not greet the person is refused.

The reply is then checked like any draft (:meth:`BaseLLM.check`): it must greet them by
name, add no web address, stay short, and pass the guard. If it fails any check, times out,
or the endpoint errors, the composer keeps the template draft and says why in its notes.

We call the endpoint with httpx, already a dependency, rather than the ``openai`` package:
it is one POST whose timeout we set exactly, with no silent retries (the ``openai`` client
retries twice by default, which would triple a slow request), and no new dependency.

**Usage**::

    backend = LLMBackend("http://127.0.0.1:11434/v1", "llama3.2")
    text = backend.complete("I just got my PhD!", voice, Act.CELEBRATE)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..credentials import Credentials, Secret, default_credentials
from ..errors import ConfigError, LLMError
from ..models import Act
from .voice import Voice

if TYPE_CHECKING:
    import httpx

    from ..guard import Guard

__all__ = ["NAME_SLOT", "SYSTEM_PROMPT", "BaseLLM", "LLMBackend"]

NAME_SLOT = "[NAME]"
"""Where the model writes the person's name; replaced locally by their first name."""

CREDENTIAL_ACCOUNT = "llm"
_MAX_CHARS = 1000
_URL = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|org|net|io|ly|xyz|ru|info)\b", re.I)

_ACTS = {
    Act.THANK_COMMENTER: "thank them for their comment on the user's post",
    Act.THANK_READER: "thank them for reading the user's post",
    Act.THANK_SHARER: "thank them for sharing the user's post",
    Act.THANK_FOR_SHARING_WHAT_MATTERS: "thank them for sharing an idea that matters",
    Act.CELEBRATE: "congratulate them on their good news",
    Act.HUG: "comfort them: name what they feel and why it makes sense, and offer a virtual hug",
    Act.APPRECIATE_HOST: "thank them for hosting the conversation and replying",
    Act.SEND_LINK: "answer their question warmly (do not include any link)",
    Act.ENCOURAGE_POST: "encourage them about their new post",
    Act.PROMOTE_WORK: "say why their work deserves to be seen",
}

SYSTEM_PROMPT = (
    "You help a person write a short, kind reply in their own voice. The user message is JSON "
    'with "message" (what someone wrote) and "voice" (how the person writes: greeting, '
    "opening, sign_off, emoji_rate, exclamation_rate, typical_words). Write only the reply: "
    "{task}. Respond to something specific they said, in plain words. Address them as "
    f"{NAME_SLOT} (write it exactly so; never invent a name). Use the voice's greeting and "
    "sign-off when it has them, and about typical_words words. No links, no hashtags, no "
    "quotes around the reply."
)


class BaseLLM:
    """What the composer asks of an LLM backend: a ``model`` name for the notes, the reply
    text for a message (:meth:`complete`), and the re-check every reply passes (:meth:`check`).

    Subclasses write :meth:`complete` (raising :class:`~cyberkind.errors.LLMError` on any
    failure, which the composer turns into the template draft) and build their request from
    :meth:`messages`, so that every backend sends the same instructions and the same two
    fields, and nothing else.

    **Usage**::

        class Echo(BaseLLM):
            model = "echo"

            def complete(self, message: str, voice: Voice, act: Act) -> str:
                return f"Hi {NAME_SLOT}, thank you!"
    """

    model: str

    def complete(self, message: str, voice: Voice, act: Act) -> str:
        """The model's reply text (with :data:`NAME_SLOT` still in it); raise LLMError."""
        raise NotImplementedError(f"{type(self).__name__}.complete() is not implemented")

    @staticmethod
    def messages(message: str, voice: Voice, act: Act) -> list[dict[str, str]]:
        """The chat messages: the instructions for ``act``, then only the message and voice."""
        task = _ACTS.get(act, "reply kindly")
        user = json.dumps({"message": message, "voice": voice.to_json()}, ensure_ascii=False)
        return [
            {"role": "system", "content": SYSTEM_PROMPT.format(task=task)},
            {"role": "user", "content": user},
        ]

    @staticmethod
    def check(text: str, first_name: str, guard: Guard) -> tuple[str, str | None]:
        """``(reply with the name put back, None)``, or ``(text, why it was refused)``."""
        text = text.strip().strip('"').strip()
        if NAME_SLOT not in text:
            return text, f"it did not greet them as {NAME_SLOT}"
        if _URL.search(text):
            return text, "it added a web address"
        if len(text) > _MAX_CHARS:
            return text, f"it was longer than {_MAX_CHARS} characters"
        filled = text.replace(NAME_SLOT, first_name)
        verdict = guard.check(filled).verdict
        if verdict != "ok":
            return filled, f"the guard said {verdict}"
        return filled, None


class LLMBackend(BaseLLM):
    """One OpenAI-compatible chat endpoint: ``base_url`` ending in ``/v1`` (or the full
    ``.../chat/completions`` URL), a ``model`` name, an optional ``api_key``.

    ``client`` lets tests and callers pass their own :class:`httpx.Client`.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: Secret | None = None,
        timeout: float = 20.0,
        client: httpx.Client | None = None,
    ) -> None:
        url = base_url.rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise ConfigError(
                f"setting llm_url must be an http(s) URL, got {base_url!r}. You can fix this by "
                "passing e.g. --setting llm_url http://127.0.0.1:11434/v1."
            )
        self.url = url if url.endswith("/chat/completions") else url + "/chat/completions"
        self.model = model
        self.timeout = timeout
        self._api_key = api_key
        self._client = client

    @classmethod
    def from_settings(
        cls, values: Mapping[str, Any], credentials: Credentials | None = None
    ) -> LLMBackend | None:
        """The backend the settings ask for, or ``None`` when ``llm_url`` is not set."""
        url = values.get("llm_url")
        if not url:
            return None
        model = values.get("llm_model")
        if not model:
            raise ConfigError(
                "setting llm_url is set but llm_model is not. You can fix this by passing "
                "--setting llm_model NAME (e.g. llama3.2 for Ollama)."
            )
        creds = credentials or default_credentials()
        key = creds.get(CREDENTIAL_ACCOUNT, "api_key")
        timeout = float(values.get("llm_timeout") or 20)
        return cls(str(url), str(model), api_key=key, timeout=timeout)

    def request_body(self, message: str, voice: Voice, act: Act) -> dict[str, Any]:
        """The whole JSON body sent: instructions, then only the message and the voice."""
        return {
            "model": self.model,
            "messages": self.messages(message, voice, act),
            "temperature": 0.7,
            "max_tokens": 300,
            "stream": False,
        }

    def complete(self, message: str, voice: Voice, act: Act) -> str:
        """The model's reply text (with :data:`NAME_SLOT` still in it); raise LLMError."""
        headers = {"Content-Type": "application/json"}
        if self._api_key is not None:
            headers["Authorization"] = f"Bearer {self._api_key.reveal()}"
        # httpx loads on first use: importing it pulls in click when httpx's CLI is installed.
        import httpx

        body = self.request_body(message, voice, act)
        client = self._client or httpx.Client()
        try:
            response = client.post(self.url, json=body, headers=headers, timeout=self.timeout)
        except httpx.TimeoutException:
            raise LLMError(
                f"the LLM endpoint did not answer within {self.timeout:g}s. You can fix this by "
                "raising the llm_timeout setting, or using a smaller model.",
                url=self.url,
            ) from None
        except httpx.HTTPError as exc:
            raise LLMError(
                f"cannot reach the LLM endpoint {self.url} ({type(exc).__name__}). You can fix "
                "this by starting the server or correcting the llm_url setting.",
                url=self.url,
            ) from None
        finally:
            if self._client is None:
                client.close()
        if response.status_code in (401, 403):
            raise LLMError(
                f"the LLM endpoint refused the request ({response.status_code}). You can fix "
                "this by setting the key in CYBERKIND_LLM_API_KEY or the OS keyring "
                "(service 'cyberkind', user 'llm:api_key').",
                url=self.url,
            )
        if response.status_code != 200:
            raise LLMError(
                f"the LLM endpoint answered {response.status_code}. You can fix this by "
                "checking the server's log and the llm_model setting.",
                url=self.url,
            )
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise LLMError(
                "the LLM endpoint's answer is not an OpenAI chat completion. You can fix this "
                "by pointing llm_url at an OpenAI-compatible /v1 endpoint.",
                url=self.url,
            ) from None
        if not isinstance(content, str) or not content.strip():
            raise LLMError("the LLM endpoint sent an empty reply.", url=self.url)
        return content.strip()
