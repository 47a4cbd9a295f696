"""The multi-task corpus: every head's examples merged into one table of texts.

**Heads.** :data:`SIGMOID_HEADS` are independent binary heads (a sigmoid each):

- the 16 public labels (:func:`cyberkind.labels.label_names`), each built by
  :func:`cyberkind.lab.training.corpora.head_examples` (``crisis`` by
  :func:`cyberkind.lab.training.crisis.crisis_examples`) with the recipes documented there;
- ``goemotions:<name>`` for GoEmotions' 28 labels (official splits);
- ``tweeteval:offensive`` and ``tweeteval:hate``: the TweetEval tasks, official splits;
- ``spam``: :mod:`cyberkind.lab.reading.spam` (YouTube by video, generated blog spam),
  plus GoEmotions training texts as weak negatives (curated Reddit comments);
- the person-vs-idea heads, each only defined where its condition holds:
  ``target:targeted`` (OLID level B: an offensive tweet aimed at someone, TIN=1, or not,
  UNT=0), ``target:individual`` (OLID level C: a targeted insult aimed at one person, IND=1,
  or at a group or other, GRP/OTH=0) and ``target:ad_hominem`` (CMV comments removed as ad
  hominem=1, delta-thread comments=0; hashed split). OLID's dev split is carved from train
  by the same hash as the public heads; its official test sets of levels B and C are test.

:data:`EMOTION_CLASSES` is one softmax head: TweetEval emotion (anger, joy, optimism,
sadness), official splits. The token head tags Toxic Spans (SemEval-2021: train to train,
trial as dev, test as test); a word-piece takes its word's label (a word is toxic when any
of its characters is in the gold offsets).

**Merging.** Rows of every head are merged by exact (stripped) text and split, so one
GoEmotions comment carries all the labels it has in any head; a head a row does not
belong to is *missing* (-1) and adds no loss. A text in any test split (any head, plus the
benchmark tests: TweetEval offensive, hate and emotion, GoEmotions, Toxic Spans test, OLID
levels B/C test) never appears in train or dev; a dev text never appears in train.
Texts are compared by :func:`cyberkind.lab.training.corpora.text_key`.

**Tasks.** Sampling is per task (:data:`TASKS`): one task per public head and one for each
other source group; a task's rows are those that came from it. Batches are drawn from one
task at a time with probability proportional to ``n_task ** (1 / temperature)``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ...labels import label_names
from ..training import _readers as rd
from ..training.corpora import (
    GOEMOTIONS_LABELS,
    TWEETEVAL_EMOTIONS,
    Example,
    Split,
    hashed_split,
    head_examples,
    text_key,
)
from .plain import evaluation_keys, functional_rows, plain_rows
from .spam import blog_spam, youtube_spam

__all__ = [
    "EMOTION_CLASSES",
    "PUBLIC_HEADS",
    "SIGMOID_HEADS",
    "TARGET_HEADS",
    "Corpus",
    "build_corpus",
    "read_spans_split",
]

PUBLIC_HEADS: tuple[str, ...] = label_names()
TARGET_HEADS = ("target:targeted", "target:individual", "target:ad_hominem")
SIGMOID_HEADS: tuple[str, ...] = (
    PUBLIC_HEADS
    + tuple(f"goemotions:{n}" for n in GOEMOTIONS_LABELS)
    + ("tweeteval:offensive", "tweeteval:hate", "spam")
    + TARGET_HEADS
)
EMOTION_CLASSES: tuple[str, ...] = tuple(TWEETEVAL_EMOTIONS)
SPLITS: tuple[Split, ...] = ("train", "dev", "test")


@dataclass
class Corpus:
    """Merged rows: ``y[i, j]`` is head j's label of row i (-1 missing), ``emotion[i]`` the
    TweetEval emotion class (-1 missing); span rows carry word-piece gold in ``spans``."""

    texts: list[str] = field(default_factory=list)
    splits: list[Split] = field(default_factory=list)
    y: npt.NDArray[np.int8] = field(default_factory=lambda: np.zeros((0, 0), np.int8))
    emotion: npt.NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, np.int8))
    tasks: dict[str, list[int]] = field(default_factory=dict)
    """Task name -> row indices (all splits) of the rows that came from it."""
    span_gold: dict[int, list[int]] = field(default_factory=dict)
    """Row index -> gold character offsets, for Toxic Spans rows."""

    def rows(self, task: str, split: Split) -> list[int]:
        """The rows of ``task`` in ``split``."""
        return [i for i in self.tasks[task] if self.splits[i] == split]


def read_spans_split(data_dir: Path, split: str) -> tuple[list[str], list[list[int]]]:
    """Texts and gold character offsets of a SemEval-2021 Toxic Spans split."""
    path = data_dir / "toxic-spans" / "SemEval2021" / f"tsd_{split}.csv"
    rd.require(path)
    texts, gold = [], []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts.append(row["text"])
            gold.append(sorted(json.loads(row["spans"])))
    return texts, gold


class _Builder:
    def __init__(self) -> None:
        # (task, head or None, label, text, split); head None + label = emotion class.
        self.items: list[tuple[str, str | None, int, str, Split]] = []
        self.spans: list[tuple[str, list[int], Split]] = []

    def add(self, task: str, head: str | None, rows: Iterable[tuple[str, int, Split]]) -> None:
        for text, y, split in rows:
            text = text.strip()
            if text:
                self.items.append((task, head, y, text, split))


_OLID_SPLIT: dict[str, Split] = {}


def _olid_splits(data_dir: Path) -> None:
    """OLID's training tweets are TweetEval offensive's train and val: use TweetEval's split.

    The public heads carve OLID's dev by hash; TweetEval offensive splits the same tweets
    differently, so without this a tenth of its training tweets would be dropped as dev.
    """
    for r in rd.tweeteval(data_dir, "offensive"):
        if r.split in ("train", "dev"):
            _OLID_SPLIT[text_key(r.text)] = r.split


def _examples(rows: Sequence[Example]) -> list[tuple[str, int, Split]]:
    out: list[tuple[str, int, Split]] = []
    for e in rows:
        split = e.split
        if e.source == "olid" and split != "test":
            split = _OLID_SPLIT.get(text_key(e.text), split)
        out.append((e.text, e.y, split))
    return out


def _olid_split(r: rd.OlidRow) -> Split:
    if r.split == "test":
        return "test"
    return _OLID_SPLIT.get(text_key(r.text), hashed_split(r.text))


def _benchmark_keys(data_dir: Path) -> set[str]:
    keys: set[str] = set()
    for task in ("offensive", "hate", "emotion"):
        keys |= {text_key(r.text) for r in rd.tweeteval(data_dir, task) if r.split == "test"}
    keys |= {text_key(r.text) for r in rd.goemotions(data_dir) if r.split == "test"}
    keys |= {text_key(r.text) for r in rd.olid(data_dir) if r.split == "test"}
    keys |= {text_key(t) for t in read_spans_split(data_dir, "test")[0]}
    keys |= {text_key(t) for t in evaluation_keys()}
    return keys


def build_corpus(data_dir: Path, seed: int = 0, log: bool = True) -> Corpus:
    """Assemble every head's rows from ``data_dir`` (see the module docstring)."""
    from ..training.crisis import crisis_examples

    b = _Builder()
    _olid_splits(data_dir)
    for head in PUBLIC_HEADS:
        if head == "crisis":
            rows = crisis_examples(data_dir, seed)
        else:
            rows = head_examples(head, data_dir, seed)
        b.add(head, head, _examples(rows))
        if log:
            print(f"data: {head}: {len(rows)} rows", flush=True)
    for name in GOEMOTIONS_LABELS:
        b.add(
            "goemotions",
            f"goemotions:{name}",
            _examples(head_examples(f"goemotions:{name}", data_dir, seed)),
        )
    for k, name in enumerate(EMOTION_CLASSES):
        rows = head_examples(f"tweeteval-emotion:{name}", data_dir, seed)
        b.add("tweeteval-emotion", None, [(e.text, k, e.split) for e in rows if e.y == 1])
    for task in ("offensive", "hate"):
        b.add(
            f"tweeteval-{task}",
            f"tweeteval:{task}",
            [
                (r.text, int(r.label == "1"), r.split or "train")
                for r in rd.tweeteval(data_dir, task)
            ],
        )
    spam = youtube_spam(data_dir) + blog_spam(seed=0)
    b.add("spam", "spam", [(r.text, r.y, r.split) for r in spam])
    b.add(
        "goemotions",
        "spam",
        [(r.text, 0, r.split) for r in rd.goemotions(data_dir) if r.split == "train"],
    )
    olid = rd.olid(data_dir)
    b.add(
        "target",
        "target:targeted",
        [(r.text, int(r.b == "TIN"), _olid_split(r)) for r in olid if r.b in ("TIN", "UNT")],
    )
    b.add(
        "target",
        "target:individual",
        [(r.text, int(r.c == "IND"), _olid_split(r)) for r in olid if r.c in ("IND", "GRP", "OTH")],
    )
    b.add(
        "target",
        "target:ad_hominem",
        [(r.text, int(r.ad_hominem), hashed_split(r.text)) for r in rd.ad_hominem(data_dir)],
    )
    for row in plain_rows(seed) + functional_rows(seed):
        for head, y in row.labels.items():
            b.add("plain", head, [(row.text, y, "train")])
    for split_name, split in (("train", "train"), ("trial", "dev"), ("test", "test")):
        texts, gold = read_spans_split(data_dir, split_name)
        b.spans += [(t, g, split) for t, g in zip(texts, gold, strict=True)]  # type: ignore[misc]
    return _merge(b, _benchmark_keys(data_dir))


def _merge(b: _Builder, benchmark_keys: set[str]) -> Corpus:
    test_keys = set(benchmark_keys)
    dev_keys: set[str] = set()
    for _task, _head, _y, text, split in b.items:
        if split == "test":
            test_keys.add(text_key(text))
        elif split == "dev":
            dev_keys.add(text_key(text))

    def allowed(text: str, split: Split) -> bool:
        key = text_key(text)
        if split == "test":
            return True
        if key in test_keys:
            return False
        return split == "dev" or key not in dev_keys

    head_index = {h: j for j, h in enumerate(SIGMOID_HEADS)}
    index: dict[tuple[str, Split], int] = {}
    corpus = Corpus()
    labels: list[dict[int, int]] = []
    emotion: list[int] = []
    tasks: dict[str, set[int]] = {}
    dropped = 0
    for task, head, y, text, split in b.items:
        if not allowed(text, split):
            dropped += 1
            continue
        i = index.get((text, split))
        if i is None:
            i = index[(text, split)] = len(corpus.texts)
            corpus.texts.append(text)
            corpus.splits.append(split)
            labels.append({})
            emotion.append(-1)
        if head is None:
            emotion[i] = y
        else:
            labels[i].setdefault(head_index[head], y)
        tasks.setdefault(task, set()).add(i)
    for text, gold, split in b.spans:
        if split != "test" and text_key(text) in benchmark_keys:
            dropped += 1
            continue
        # Span rows are their own rows: the token head's texts keep full length.
        i = len(corpus.texts)
        corpus.texts.append(text)
        corpus.splits.append(split)
        labels.append({})
        emotion.append(-1)
        corpus.span_gold[i] = gold
        tasks.setdefault("spans", set()).add(i)
    matrix = np.full((len(corpus.texts), len(SIGMOID_HEADS)), -1, dtype=np.int8)
    for i, row in enumerate(labels):
        for j, v in row.items():
            matrix[i, j] = v
    corpus.y = matrix
    corpus.emotion = np.asarray(emotion, dtype=np.int8)
    corpus.tasks = {t: sorted(rows) for t, rows in sorted(tasks.items())}
    print(f"data: {len(corpus.texts)} rows, {dropped} dropped as leaks into dev/test", flush=True)
    return corpus
