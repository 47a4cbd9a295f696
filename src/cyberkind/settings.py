"""cyberkind's settings: one table of name, default and help.

A value comes from, in order: ``--setting name value`` on the command line,
the environment variable ``CYBERKIND_<NAME>``, then the default below.

**Usage**::

    >>> from cyberkind.settings import resolve
    >>> resolve({})["batch_size"]
    1024
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["SETTINGS", "Setting", "resolve", "tier_options"]


@dataclass(frozen=True, slots=True)
class Setting:
    """A named setting with its default value and a one-line help."""

    name: str
    default: Any
    help: str

    @property
    def env_var(self) -> str:
        return f"CYBERKIND_{self.name.upper()}"


def _default_data_dir() -> Path:
    # ../shared/data beside a source checkout, else beside the working directory.
    checkout = Path(__file__).resolve().parents[3] / "shared" / "data"
    return checkout if checkout.is_dir() else Path("../shared/data")


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", _default_data_dir(), "Folder of labelled datasets for train and bench"),
    Setting("model_dir", None, "Folder of models written by `cyberkind train` (default: shipped)"),
    Setting(
        "encoder_dir",
        None,
        "Folder for the frozen tier's exported ONNX encoder (default: the user cache folder)",
    ),
    Setting("batch_size", 1024, "Texts scored per batch"),
    Setting(
        "max_record_bytes",
        16 << 20,
        "Largest JSONL line or CSV record that score and import read, in bytes (16 MiB); a "
        "longer one is skipped with its line number, without being held in memory",
    ),
    Setting("seed", 0, "Random seed for training and benchmark sampling"),
    Setting(
        "guard_tier",
        "reading",
        "The engine tier the guard, `check` and `serve` read with: reading (the fine-tuned "
        "encoder; falls back to fast where its model or runtime is missing) or fast (word "
        "n-grams: quicker, but it misses attacks without swear words, docs/benchmarks.md)",
    ),
    Setting(
        "score_tier",
        "reading-cascade",
        "The engine tier `score` reads with: reading-cascade (the fast tier first, the "
        "fine-tuned encoder for the texts it is unsure of; fast where the reading model or "
        "onnxruntime is missing), reading (the encoder for every text), or fast (raw speed; "
        "docs/benchmarks.md)",
    ),
    Setting(
        "inbox_tier",
        "reading",
        "The engine tier that import, sync and the demo read comments with: reading (the "
        "fine-tuned encoder, with its spam and person-vs-idea heads for triage; fast where "
        "its model or onnxruntime is missing), reading-cascade (the fast tier first, the "
        "encoder for the texts it is unsure of), or fast (raw speed; docs/inbox.md)",
    ),
    Setting(
        "db",
        None,
        "The inbox store: a SQLite file, or a postgresql:// URL for a team (default: inbox.db "
        "in the user data folder)",
    ),
    Setting("user", None, "Your name in a team store, for claims (default: your login name)"),
    Setting("identity", None, "Your emails, logins, handles or URLs, comma-separated"),
    Setting("crisis_line", None, "Your local crisis line, shown first with crisis opportunities"),
    Setting(
        "region",
        None,
        "Your country for crisis resources in drafts: us, uk, ie, au, ca, nz (default: "
        "international directories)",
    ),
    Setting(
        "links_rank",
        "fts",
        "How link suggestions are ranked: fts (the store's full-text rank: SQLite FTS5 bm25, "
        "PostgreSQL ts_rank) or embeddings (full-text, then cosine re-ranking by "
        "multilingual-e5-small; Linux on x86-64)",
    ),
    Setting(
        "llm_url",
        None,
        "Base URL of an OpenAI-compatible chat endpoint for drafts, e.g. "
        "http://127.0.0.1:11434/v1 (default: off; key: CYBERKIND_LLM_API_KEY or the keyring)",
    ),
    Setting("llm_model", None, "The model name to ask the llm_url endpoint for"),
    Setting(
        "llm_timeout",
        20,
        "Seconds to wait for the LLM (the endpoint or the llm_gguf model) before the template "
        "draft",
    ),
    Setting(
        "llm_gguf",
        None,
        "Path of a GGUF model file that you supply, run in-process by llama.cpp for drafts "
        "instead of an endpoint (default: off; never downloaded; needs cyberkind[llm])",
    ),
    Setting(
        "llm_threads",
        1,
        "CPU threads for the llm_gguf model (1: more are slower on a busy machine)",
    ),
    Setting(
        "perspective_unscorable",
        "omit",
        "What `serve`'s Perspective endpoint does with a Perspective attribute cyberkind cannot "
        "score (FLIRTATION, SEXUALLY_EXPLICIT...): omit (leave it out of attributeScores) or "
        "error (answer 400 ATTRIBUTE_NOT_SUPPORTED); other names are always refused",
    ),
    Setting(
        "sync_deadline",
        300,
        "Seconds one source may take in `cyberkind sync`; a slower one is reported as timed out "
        "and the others still sync",
    ),
    Setting("feed_max_bytes", 10485760, "The most bytes `cyberkind sync` reads of one feed"),
    Setting(
        "public_url",
        None,
        "The web app's public address, e.g. https://kind.example, for the wall feed's absolute "
        "links (default: this server's loopback address; with --public, links relative to "
        "the feed, never the request's Host header)",
    ),
    Setting(
        "trusted_proxies",
        None,
        "Addresses of the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto serve "
        "believes, comma-separated, e.g. 127.0.0.1 (default: none; rate limits count the "
        "connecting address)",
    ),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, raw: Any) -> Any:
    if raw is None or not isinstance(raw, str):
        return raw
    if setting.name == "db" and "://" in raw:
        return raw  # a database URL: Path() would fold its "//"
    if setting.name in ("data_dir", "model_dir", "encoder_dir", "db", "llm_gguf"):
        return Path(raw).expanduser()
    if isinstance(setting.default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(
                f"setting {setting.name} must be an integer, got {raw!r}. You can fix this by "
                f"passing a number, e.g. --setting {setting.name} {setting.default}."
            ) from None
    return raw


def resolve(
    overrides: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Return every setting's value, from ``overrides``, the environment, or the default."""
    env = os.environ if environ is None else environ
    unknown = set(overrides) - set(_BY_NAME)
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {', '.join(sorted(unknown))}. Valid settings: "
            f"{', '.join(_BY_NAME)}."
        )
    values: dict[str, Any] = {}
    for s in SETTINGS:
        if s.name in overrides:
            values[s.name] = _coerce(s, overrides[s.name])
        elif s.env_var in env:
            values[s.name] = _coerce(s, env[s.env_var])
        else:
            values[s.name] = s.default
    return values


def tier_options(tier: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The settings a built-in tier takes as options: ``encoder_dir`` for the frozen tiers.

    **Usage**::

        >>> tier_options("frozen-cascade", {"encoder_dir": "/models/enc"})
        {'encoder_dir': '/models/enc'}
        >>> tier_options("reading", resolve({}))
        {}
    """
    if tier in ("frozen", "frozen-cascade") and values.get("encoder_dir"):
        return {"encoder_dir": values["encoder_dir"]}
    return {}
