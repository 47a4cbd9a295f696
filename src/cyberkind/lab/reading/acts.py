"""Training comments for the act reader: which kind act a comment on the user's post calls for.

``data/acts.json`` holds template families written by the developers for this (CC0-1.0), one
list per category (thanks, praise of a detail, a third-party share, news, grief, distress,
crisis, a question, an idea, a troll, spam, backhanded criticism, plain disagreement), each
with the act it should get. :func:`act_rows` fills every template from the file's pools (names,
topics, details, news, losses, deeds...) up to :data:`PER_TEMPLATE` distinct texts, adds an
opener or a closer to some, and puts typos, lower case or a missing full stop into a share of
them, all seeded. A row's ``family`` is its template, so a dev split by family measures
phrasings the classifier has never seen, not new fillers of a known sentence.

``data/acts_written.jsonl`` holds 1,829 whole comments (CC0-1.0), about 168 from each of eleven
writers (``batch`` w1-w11), each given a different blog (a parent raising kind kids; a developer
on Mastodon and Bluesky; a retired nurse who volunteers in care homes; a food bank and running
club; a primary-school teacher; a disability advocate with a chronic illness; a gardening
creator on YouTube and Instagram; a charity shop and faith newsletter; a woodworker's shop
diary; a young nurse on night shifts; a small sheep farm), the categories and acts, and asked
for hard cases (thanks that mention a sad detail, crisis without the word, polite trolls,
friendly spam, disagreement that opens with praise). Writers w9-w11 were asked for harder
cases still: crisis told only by its warning signs (things given away, goodbyes, letters left,
a plan, saved-up means), distress told as facts, polite condescension, ideas in many forms,
and crisis look-alikes among the other categories (giving things away when moving, a goodbye
when leaving a job, "last" said innocently). Comments within a word-set Jaccard of 0.5 of any
reply-benchmark comment or of an earlier written one were dropped (17 of 504).
The writers were helper sessions of the developers that never saw cyberkind's rules, data or
benchmarks; their words are not filled from templates, so they bring phrasings the template
families lack (two were dropped: a near copy of a benchmark comment, a repeat). Each
writer's comments of one category are one family.

The reply benchmark (``lab/bench/data/replies.jsonl``) is never read here: it measures the
product, and ``tests/test_acts_data.py`` checks that no generated text is a near copy of one of
its comments (word-set Jaccard above 0.5).

**Usage**::

    >>> rows = act_rows()
    >>> sorted({r.act for r in rows})[:3]
    ['celebrate', 'discuss', 'hug']
"""

from __future__ import annotations

import importlib.resources
import json
import random
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["PER_TEMPLATE", "ActRow", "act_rows", "load_templates", "written_rows"]

PER_TEMPLATE = 8
"""Distinct texts drawn from one template (fewer where its slots allow fewer)."""
_TRIES = 40
_SOLEMN = frozenset({"crisis", "grief", "distress", "troll"})
"""Categories that get no cheerful closer (a smiley after a crisis statement is no one's)."""
_NOISE = 0.3
"""The share of texts given one kind of noise: a typo, lower case, or no final stop."""


@dataclass(frozen=True, slots=True)
class ActRow:
    """One training comment: its ``text``, the ``act`` it calls for, its ``category`` and the
    ``family`` (template) it was filled from."""

    text: str
    act: str
    category: str
    family: str


def load_templates() -> dict[str, Any]:
    """The parsed ``data/acts.json``."""
    raw = importlib.resources.files(__package__).joinpath("data", "acts.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(raw)
    return loaded


def _slots(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _fill(template: str, pools: Mapping[str, Sequence[str]], rng: random.Random) -> str:
    values = {slot: rng.choice(pools[slot]) for slot in _slots(template)}
    text = template.format(**values)
    return text[:1].upper() + text[1:]


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    k = rng.randrange(1, len(w) - 2)
    if rng.random() < 0.5:
        words[i] = w[:k] + w[k + 1] + w[k] + w[k + 2 :]  # two letters swapped
    else:
        words[i] = w[:k] + w[k + 1 :]  # a letter dropped
    return " ".join(words)


def _noise(text: str, rng: random.Random) -> str:
    if rng.random() >= _NOISE:
        return text
    kind = rng.randrange(3)
    if kind == 0:
        return _typo(text, rng)
    if kind == 1:
        return text.lower()
    return text.rstrip(".")


def _decorate(text: str, category: str, data: Mapping[str, Any], rng: random.Random) -> str:
    pools = data["pools"]
    opener = _fill(rng.choice(data["openers"]), pools, rng) if rng.random() < 0.35 else ""
    if opener and not text.startswith("I ") and not text.startswith("I'"):
        text = text[:1].lower() + text[1:]
    closer = ""
    if category not in _SOLEMN and rng.random() < 0.3:
        closer = rng.choice(data["closers"]).format(**{s: rng.choice(pools[s]) for s in ("name",)})
    return f"{opener}{text}{closer}".strip()


def written_rows() -> list[ActRow]:
    """The whole comments of ``data/acts_written.jsonl``; a question with or without a fitting
    link is one category, ``question``, as in the templates."""
    raw = importlib.resources.files(__package__).joinpath("data", "acts_written.jsonl")
    out = []
    for line in raw.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        category = str(row["category"])
        if category.startswith("question_"):
            category = "question"
        family = f"written:{row['batch']}:{category}"
        out.append(ActRow(str(row["text"]), str(row["act"]), category, family))
    return out


def act_rows(
    seed: int = 0, per_template: int = PER_TEMPLATE, *, written: bool = True
) -> list[ActRow]:
    """Every row generated from ``data/acts.json`` (the same rows for the same ``seed``), then
    the written comments of :func:`written_rows` (``written=False`` leaves them out)."""
    data = load_templates()
    pools: dict[str, list[str]] = data["pools"]
    out: list[ActRow] = []
    for category, spec in data["categories"].items():
        for k, template in enumerate(spec["templates"]):
            family = f"{category}:{k:02d}"
            rng = random.Random(f"{seed}|{family}")
            seen: set[str] = set()
            for _ in range(_TRIES):
                if len(seen) >= per_template:
                    break
                text = _noise(_decorate(_fill(template, pools, rng), category, data, rng), rng)
                if text not in seen:
                    seen.add(text)
                    out.append(ActRow(text, str(spec["act"]), category, family))
    if written:
        out.extend(written_rows())
    return out
