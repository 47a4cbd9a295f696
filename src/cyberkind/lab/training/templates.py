"""Seeded generation of labelled texts from template families (crisis, threat sets).

Where no public dataset covers a label well, we write template *families* by
hand: ``<slot>`` placeholders filled from a table and ``{a|b}`` choices. A whole
family is assigned to one split, so a test split measures generalisation to
phrasings never seen in training, not memorised templates. Casual variants
(lower case, dropped apostrophes, "gonna", a stretched letter, a typo, emoji)
are applied alike to both classes, so they carry no label signal.

**Usage**::

    >>> grammar = TemplateGrammar({"who": ("you", "your friend")})
    >>> families = [("threat_direct", 1, "train", ("I will hurt <who>",))]
    >>> rows = grammar.generate(families, {"train": 2, "dev": 0, "test": 0}, random.Random(0))
    >>> rows[0].family
    'threat_direct'
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ._readers import Split
from .examples import text_key

__all__ = ["SPLITS", "Family", "TemplateExample", "TemplateGrammar"]

SPLITS: tuple[Split, ...] = ("train", "dev", "test")
Family = tuple[str, int, Split, tuple[str, ...]]
"""(name, label, split, templates)."""

_SLOT = re.compile(r"<(\w+)>")
_CHOICE = re.compile(r"\{([^{}]*)\}")
_DEFAULT_EMOJI = (" 😭", " 😞", " 💔", " 🥀", " 😔", " 🙃", " 😶", " 🖤")


@dataclass(frozen=True, slots=True)
class TemplateExample:
    """One generated text with its family.

    **Usage**::

        >>> TemplateExample("I want to die", 1, "ideation_want_die", "train").family
        'ideation_want_die'
    """

    text: str
    y: int
    family: str
    split: Split


class TemplateGrammar:
    """Slots and emoji for expanding templates; see the module docstring."""

    def __init__(
        self, slots: Mapping[str, Sequence[str]], emoji: Sequence[str] = _DEFAULT_EMOJI
    ) -> None:
        self.slots = slots
        self.emoji = tuple(emoji)

    def expand(self, template: str, rng: random.Random) -> str:
        """Fill ``<slot>``s and ``{a|b}`` choices of ``template``, then tidy the spacing."""
        text = template
        for _ in range(3):  # slots may hold slots or choices
            text = _SLOT.sub(lambda m: rng.choice(self.slots[m.group(1)]), text)
            text = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), text)
        text = re.sub(r"\s+([,.!?])", r"\1", " ".join(text.split()))
        text = re.sub(r"([,.:])\1*(?=[,.])", "", text).strip(" ,")
        return text[:1].upper() + text[1:]

    def casual(self, text: str, rng: random.Random) -> str:
        """Seeded casual spelling: the variants people type, applied to both classes alike."""
        if rng.random() < 0.35:
            text = text.replace("going to", "gonna").replace("want to", "wanna")
        roll = rng.random()
        if roll < 0.4:
            text = text.replace("'", "")
        elif roll < 0.55:
            text = text.replace("'", "\u2019")
        if rng.random() < 0.45:
            text = text.lower()
        words = text.split(" ")
        if rng.random() < 0.1:  # a stretched letter: "soooo", "killlll"
            i = rng.randrange(len(words))
            w = words[i]
            if w[-1:].isalpha():
                words[i] = w + w[-1] * rng.randint(2, 4)
        if rng.random() < 0.05:  # a typo: two letters swapped inside a word
            i = rng.randrange(len(words))
            w = words[i]
            if len(w) >= 4 and w.isalpha():
                j = rng.randrange(1, len(w) - 2)
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        text = " ".join(words)
        if rng.random() < 0.3:
            text = text.rstrip(".!")
        if rng.random() < 0.2 and self.emoji:
            text += rng.choice(self.emoji)
        return text

    def generate(
        self,
        families: Sequence[Family],
        quota: Mapping[Split, int],
        rng: random.Random,
        seen: set[str] | None = None,
    ) -> list[TemplateExample]:
        """Up to ``quota[split]`` unique texts per split, drawn round-robin from its families."""
        seen = set() if seen is None else seen
        out: list[TemplateExample] = []
        for split in SPLITS:
            pool = [f for f in families if f[2] == split]
            made = 0
            misses = {f[0]: 0 for f in pool}
            while made < quota[split] and any(m < 200 for m in misses.values()):
                for name, label, _, templates in pool:
                    if made >= quota[split] or misses[name] >= 200:
                        continue  # a family that keeps repeating itself is exhausted
                    text = self.casual(self.expand(rng.choice(templates), rng), rng)
                    key = text_key(text)
                    if key in seen:
                        misses[name] += 1
                        continue
                    seen.add(key)
                    out.append(TemplateExample(text, label, name, split))
                    made += 1
        return out
