"""Plain-language training rows: attacks with no swear word, and fair texts that share words.

Two sources, both training-only (no row goes to dev or test, so the dev-chosen thresholds
still come from the public data sets alone):

- ``data/plain.json``: template groups written by the developers for this model (CC0), each
  with the public heads it labels (an attack group sets its hostile heads to 1; a fair group
  sets the hostile heads to 0 and, where it fits, a kind head such as ``gratitude`` to 1).
  Every template is filled from the file's pools, up to :data:`PER_TEMPLATE` distinct texts;
  a template with an identity slot (``{adj}``, ``{one}``, ``{many}``, ``{many_cap}``) is filled
  for every identity group of the bias probe, so each group appears in attacks and in fair
  texts alike and the group's name alone predicts nothing.
- ``data/plain_written.json``: templates written whole by three writers (helper sessions of
  the developers that never saw cyberkind's data, rules or benchmarks; CC0), each moderating a
  different kind of place (parenting, food and local news blogs; Mastodon, Bluesky and tech
  forums; news comments, community groups and a workplace chat), for 21 of the groups above,
  which give their labels. A written template is used once as written, or, with an identity
  slot, once per identity group; it gets no varied address.
- the functional suite's **training half** (:func:`cyberkind.lab.bench.functional.training_cases`),
  labelled by :data:`FUNCTIONAL_LABELS`. Its evaluation half never feeds training:
  :func:`evaluation_keys` lists those texts so that the corpus drops any row equal to one.

Heads a group does not name stay missing (-1) and add no loss.
"""

from __future__ import annotations

import importlib.resources
import json
import random
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..bench.functional import cases, training_cases
from ..bench.probes import GROUPS

__all__ = [
    "FUNCTIONAL_LABELS",
    "PER_TEMPLATE",
    "PlainRow",
    "evaluation_keys",
    "functional_rows",
    "load_written",
    "plain_rows",
]

PER_TEMPLATE = 6
"""Distinct texts drawn from one template without an identity slot."""

_HOSTILE = ("toxicity", "insult", "personal_attack", "identity_attack", "threat")
_FAIR: dict[str, int] = dict.fromkeys(_HOSTILE, 0)


def _attack(*heads: str) -> dict[str, int]:
    return dict.fromkeys(heads, 1)


FUNCTIONAL_LABELS: dict[str, dict[str, int]] = {
    "threat_without_threat_word": _attack("threat", "toxicity", "personal_attack"),
    "identity_attack_without_slur": _attack("identity_attack", "toxicity"),
    "dehumanising_comparison": _attack("identity_attack", "toxicity", "insult"),
    "wish_of_harm": _attack("threat", "toxicity", "personal_attack"),
    "sarcasm_and_backhanded_praise": _attack("insult", "personal_attack", "toxicity"),
    "insult_without_swearing": _attack("insult", "personal_attack", "toxicity"),
    "insult_with_swearing": _attack("insult", "personal_attack", "toxicity", "profanity"),
    "telling_to_leave": _attack("personal_attack", "toxicity"),
    "mocking_appearance_or_ability": _attack("insult", "personal_attack", "toxicity"),
    "condescension": _attack("insult", "personal_attack"),
    "doxxing_and_harassment": _attack("threat", "personal_attack", "toxicity"),
    "identity_stereotype": _attack("identity_attack", "toxicity"),
    "attack_on_author_through_work": _attack("insult", "personal_attack", "toxicity"),
}
"""The public heads an attack functionality sets to 1; every fair functionality sets the
hostile heads (toxicity, insult, personal_attack, identity_attack, threat) to 0."""

_IDENTITY_SLOTS = frozenset({"adj", "one", "many", "many_cap"})
_PREFIXES = ("", "{name}, ", "Seriously, ", "Ok so ", "To be honest, ", "{name}: ")


@dataclass(frozen=True)
class PlainRow:
    """One training text with the heads it labels."""

    text: str
    labels: Mapping[str, int]
    source: str


def _slots(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _load() -> dict[str, Any]:
    data = importlib.resources.files(__package__).joinpath("data", "plain.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(data)
    return loaded


def _identity_values(group: str) -> dict[str, str]:
    adj, one, many = GROUPS[group]
    return {"adj": adj, "one": one, "many": many, "many_cap": many[:1].upper() + many[1:]}


def _expand(
    template: str, pools: Mapping[str, list[str]], rng: random.Random, per_template: int = 0
) -> Iterator[str]:
    slots = _slots(template)
    groups: list[str | None] = (
        list(sorted(GROUPS))
        if _IDENTITY_SLOTS & set(slots)
        else [None] * (per_template or PER_TEMPLATE)
    )
    seen: set[str] = set()
    for k, group in enumerate(groups):
        values = _identity_values(group) if group else {}
        for slot in slots:
            if slot not in values:
                values[slot] = rng.choice(pools[slot])
        text = template.format(**values)
        if group is None and k and text in seen:
            # Few fillers (or none): vary the address instead, which must not change a label.
            body = text if text.startswith(("I ", "I'")) else text[:1].lower() + text[1:]
            text = _PREFIXES[k % len(_PREFIXES)].format(name=rng.choice(pools["name"])) + body
        text = text[:1].upper() + text[1:]
        if text not in seen:
            seen.add(text)
            yield text


def load_written() -> dict[str, Any]:
    """The parsed ``data/plain_written.json``."""
    raw = importlib.resources.files(__package__).joinpath("data", "plain_written.json")
    loaded: dict[str, Any] = json.loads(raw.read_text("utf-8"))
    return loaded


def plain_rows(seed: int = 0, *, written: bool = True) -> list[PlainRow]:
    """Every row generated from ``data/plain.json`` (seeded: the same rows every time), then
    from ``data/plain_written.json`` (``written=False`` leaves those out)."""
    data = _load()
    pools: dict[str, list[str]] = data["pools"]
    labels_of = {
        g["name"]: {str(k): int(v) for k, v in g["labels"].items()} for g in data["groups"]
    }
    out: list[PlainRow] = []
    for group in data["groups"]:
        rng = random.Random(f"{seed}|{group['name']}")
        for template in group["templates"]:
            out.extend(
                PlainRow(text, labels_of[group["name"]], f"plain:{group['name']}")
                for text in _expand(template, pools, rng)
            )
    if not written:
        return out
    seen = {row.text for row in out}
    # A written text may come close to an evaluation case by chance (the writers never saw
    # them): such a row is dropped, as the corpus drops rows equal to one.
    evaluation = [_words(text) for text in evaluation_keys(seed)]
    for writer, spec in sorted(load_written()["writers"].items()):
        for group in spec["groups"]:
            rng = random.Random(f"{seed}|{writer}|{group['name']}")
            source = f"written:{writer}:{group['name']}"
            for template in group["templates"]:
                for text in _expand(template, pools, rng, per_template=1):
                    words = _words(text)
                    if text in seen or any(_jaccard(words, e) > NEAR for e in evaluation):
                        continue
                    seen.add(text)
                    out.append(PlainRow(text, labels_of[group["name"]], source))
    return out


NEAR = 0.5
"""The word-set Jaccard above which a written row counts as a near copy of an evaluation case."""
_WORD = re.compile(r"[a-z]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def functional_rows(seed: int = 0) -> list[PlainRow]:
    """The functional suite's training half, labelled by :data:`FUNCTIONAL_LABELS`."""
    out: list[PlainRow] = []
    for case in training_cases(seed):
        labels = FUNCTIONAL_LABELS[case.functionality] if case.direction == "attack" else _FAIR
        out.append(PlainRow(case.text, labels, f"functional:{case.functionality}"))
    return out


def evaluation_keys(seed: int = 0) -> list[str]:
    """The functional suite's evaluation-half texts: no training row may equal one."""
    return [c.text for c in cases("eval", seed)]
