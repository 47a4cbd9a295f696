"""The in-process LLM backend: a GGUF file that you supply, run by llama.cpp (``xllamacpp``).

The twin of :class:`~cyberkind.composer.llm.LLMBackend` for people who want the words written
on their own machine without running a server. It is switched on only by the ``llm_gguf``
setting (the path of a ``.gguf`` file you downloaded yourself; cyberkind never downloads one)
and sends the model exactly what the endpoint is sent: the fixed instructions for the act,
then only the message being answered and the voice profile
(:meth:`~cyberkind.composer.llm.BaseLLM.messages`). Its replies pass the same re-check
(:meth:`~cyberkind.composer.llm.BaseLLM.check`: greet as ``[NAME]``, no web address, at most
1,000 characters, the guard's ``ok``); a crisis never reaches it; and any failure (a file
llama.cpp cannot load, an error, an empty reply, the ``llm_timeout``) keeps the template draft
with the reason in the draft's notes.

Set-up mistakes are reported when the backend is built, as for the endpoint's URL: a path that
is not a file, a file that does not start with the GGUF magic bytes, ``xllamacpp`` missing,
``llm_threads`` below 1.

How it runs:

- **Once per process.** The model loads on the first draft (never at import, never when the
  backend is built) and is shared by every :class:`LocalLLM` for the same file and thread
  count; a lock makes the first load happen once when several threads draft at once.
- **One thread by default** (``llm_threads``): on a busy 2-core machine two threads ran ten
  times slower than one (llama.cpp's threads spin while they wait for each other).
- **The timeout is real.** Tokens are streamed to a callback that stops the generation at the
  first token after ``timeout`` seconds (llama.cpp then frees the slot at once). Reading the
  prompt itself is not interrupted (it is a few hundred tokens), nor is the first load.
- **Offline.** llama.cpp is told the model's path only (no URL, no Hugging Face repository)
  and ``offline``. ``xllamacpp`` always opens llama.cpp's HTTP server on 127.0.0.1 at a
  random port as well; cyberkind gives it a random API key that never leaves the process, so
  no other local program can use it, and turns off its ``/slots``, ``/props`` and
  ``/metrics`` pages.

Install: ``pip install 'cyberkind[llm]'`` (``xllamacpp``, a prebuilt llama.cpp wheel, MIT).

**Usage**::

    backend = LocalLLM("~/models/qwen2.5-1.5b-instruct-q4_k_m.gguf")
    text = backend.complete("I just got my PhD!", voice, Act.CELEBRATE)
"""

from __future__ import annotations

import importlib.util
import secrets
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ConfigError, LLMError
from ..models import Act
from .llm import BaseLLM
from .voice import Voice

__all__ = ["INSTALL", "LocalLLM"]

INSTALL = "pip install 'cyberkind[llm]'"
"""What to run when ``xllamacpp`` is missing."""

_MAGIC = b"GGUF"
_N_CTX = 4096
"""Room for the instructions, a long message (about 3,000 words) and the reply."""

_MODELS: dict[tuple[str, int, int], tuple[Any, threading.Lock]] = {}
"""The models loaded in this process, by (file, threads, context): llama.cpp's server, and
the lock that lets one draft at a time wait for it with a timeout."""
_LOAD_LOCK = threading.Lock()


_FIX_PATH = (
    "You can fix this by passing --setting llm_gguf PATH with the path of a GGUF file you "
    "downloaded (for example a small instruct model such as qwen2.5-1.5b-instruct-q4_k_m.gguf); "
    "cyberkind never downloads one."
)


class LocalLLM(BaseLLM):
    """A GGUF model file run in this process by llama.cpp, ``threads`` CPU threads (1).

    ``timeout`` is how many seconds a reply may take (the ``llm_timeout`` setting);
    ``max_tokens`` caps the reply's length; ``seed`` makes sampling reproducible, so the same
    message and voice give the same draft. Building it checks the set-up (see the module's
    docstring) and loads nothing: the model loads, once per process, on the first draft.

    **Usage**::

        backend = LocalLLM(Path("~/models/model.gguf"), threads=1, timeout=20)
        drafter = Drafter(voice, llm=backend)
    """

    def __init__(
        self,
        path: str | Path,
        *,
        threads: int = 1,
        timeout: float = 20.0,
        max_tokens: int = 300,
        seed: int = 0,
    ) -> None:
        path = Path(path).expanduser()
        if not path.is_file():
            why = "is a folder" if path.is_dir() else "does not exist"
            raise ConfigError(f"setting llm_gguf names {str(path)!r}, which {why}. " + _FIX_PATH)
        try:
            with path.open("rb") as f:
                magic = f.read(len(_MAGIC))
        except OSError as exc:
            raise ConfigError(
                f"cannot read the llm_gguf file {str(path)!r} ({exc.strerror}). You can fix this "
                "by making it readable, or by passing another --setting llm_gguf PATH."
            ) from None
        if magic != _MAGIC:
            raise ConfigError(
                f"the llm_gguf file {str(path)!r} is not a GGUF file (it does not start with "
                "'GGUF'). " + _FIX_PATH
            )
        if threads < 1:
            raise ConfigError(
                f"setting llm_threads must be 1 or more, got {threads}. You can fix this by "
                "passing --setting llm_threads 1 (more threads only help on an idle machine)."
            )
        if importlib.util.find_spec("xllamacpp") is None:
            raise ConfigError(
                f"setting llm_gguf needs xllamacpp to run the model. You can fix this by "
                f"installing it: {INSTALL}"
            )
        self.path = path.resolve()
        self.model = path.name
        self.threads = threads
        self.timeout = timeout
        self.max_tokens = max_tokens
        self.seed = seed

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> LocalLLM | None:
        """The backend the settings ask for, or ``None`` when ``llm_gguf`` is not set."""
        path = values.get("llm_gguf")
        if not path:
            return None
        threads = values.get("llm_threads")
        threads = 1 if threads is None else int(threads)
        timeout = float(values.get("llm_timeout") or 20)
        return cls(str(path), threads=threads, timeout=timeout)

    @property
    def _key(self) -> tuple[str, int, int]:
        return (str(self.path), self.threads, _N_CTX)

    def _loaded(self) -> tuple[Any, threading.Lock]:
        """The model and its lock: loaded on first use, once per process and file."""
        key = self._key
        loaded = _MODELS.get(key)
        if loaded is not None:
            return loaded
        with _LOAD_LOCK:
            loaded = _MODELS.get(key)
            if loaded is None:
                loaded = (_load(self.path, self.threads), threading.Lock())
                _MODELS[key] = loaded
        return loaded

    def _server(self) -> Any:
        """llama.cpp's server for this file (see :meth:`_loaded`)."""
        return self._loaded()[0]

    def request_body(self, message: str, voice: Voice, act: Act) -> dict[str, Any]:
        """What llama.cpp is given: the instructions, then only the message and the voice."""
        return {
            "messages": self.messages(message, voice, act),
            "temperature": 0.7,
            "max_tokens": self.max_tokens,
            "seed": self.seed,
            "stream": True,
        }

    def complete(self, message: str, voice: Voice, act: Act) -> str:
        """The model's reply text (with ``[NAME]`` still in it); raise LLMError."""
        server, lock = self._loaded()
        deadline = time.monotonic() + self.timeout
        parts: list[str] = []
        errors: list[str] = []
        late = False

        def on_chunk(chunk: Any) -> bool:
            # True stops llama.cpp's generation: at an error, or the first token past the deadline.
            nonlocal late
            if not isinstance(chunk, dict):
                errors.append(f"an unexpected answer ({type(chunk).__name__})")
                return True
            if "error" in chunk:
                error = chunk["error"]
                text = error.get("message") if isinstance(error, dict) else error
                errors.append(str(text))
                return True
            for choice in chunk.get("choices") or ():
                content = (choice.get("delta") or {}).get("content")
                if isinstance(content, str):
                    parts.append(content)
            if time.monotonic() > deadline:
                late = True
                return True
            return False

        if not lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise self._late()
        try:
            server.handle_chat_completions(self.request_body(message, voice, act), on_chunk)
        except Exception as exc:  # llama.cpp's own errors come as RuntimeError or ValueError
            raise LLMError(
                f"the local model {self.model} failed while writing ({type(exc).__name__}: "
                f"{exc}). You can fix this by trying another GGUF file in llm_gguf."
            ) from None
        finally:
            lock.release()
        if errors:
            raise LLMError(
                f"the local model {self.model} refused the request ({errors[0].rstrip('.')}). "
                "You can fix this by trying another GGUF file in llm_gguf, or by answering a "
                "shorter message."
            )
        if late:
            raise self._late()
        text = "".join(parts).strip()
        if not text:
            raise LLMError(f"the local model {self.model} wrote an empty reply.")
        return text

    def _late(self) -> LLMError:
        return LLMError(
            f"the local model {self.model} did not answer within {self.timeout:g}s. You can fix "
            "this by raising the llm_timeout setting, or using a smaller GGUF file."
        )


def _load(path: Path, threads: int) -> Any:
    """Start llama.cpp on ``path``: offline, ``threads`` threads, its HTTP port locked."""
    try:
        import xllamacpp  # the llm extra; imported here so that `import cyberkind` never pays
    except ImportError:  # pragma: no cover - LocalLLM() checks for it first
        raise LLMError(
            f"the llm_gguf setting needs xllamacpp. You can fix this by installing it: {INSTALL}"
        ) from None
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.offline = True  # never fetch anything: the file is all there is
    params.n_ctx = _N_CTX
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.warmup = False
    params.verbosity = -1
    # xllamacpp also serves llama.cpp's HTTP API on 127.0.0.1 (a random port). A key that
    # never leaves this process keeps other local programs from using the model through it.
    params.api_keys = [secrets.token_urlsafe(32)]
    params.endpoint_slots = False
    params.endpoint_props = False
    params.endpoint_metrics = False
    try:
        return xllamacpp.Server(params)
    except (RuntimeError, ValueError) as exc:
        raise LLMError(
            f"llama.cpp cannot load the llm_gguf file {str(path)!r} ({exc}): it is damaged, "
            "truncated, or a model this llama.cpp does not support. You can fix this by "
            "downloading the file again, or by choosing another GGUF file."
        ) from None
