"""The public label contract of the kindness engine.

Every text gets a calibrated probability in [0, 1] for each label in
:data:`LABELS`. The names are a stable public API: a label is never renamed or
removed, only added.

**Usage**::

    >>> from cyberkind.labels import LABELS, label_names
    >>> label_names()[:3]
    ('toxicity', 'insult', 'personal_attack')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["LABELS", "Label", "LabelGroup", "get_label", "label_names"]

LabelGroup = Literal["negativity", "kindness", "moment"]


@dataclass(frozen=True, slots=True)
class Label:
    """One public label: its name, group, one-line definition and examples."""

    name: str
    group: LabelGroup
    definition: str
    positive_examples: tuple[str, ...]
    negative_examples: tuple[str, ...]


LABELS: tuple[Label, ...] = (
    Label(
        "toxicity",
        "negativity",
        "Rude, disrespectful or hostile language likely to make someone leave a conversation.",
        ("Shut up, nobody wants your garbage opinions here.",),
        ("I disagree with this plan because it ignores the budget.",),
    ),
    Label(
        "insult",
        "negativity",
        "Demeaning or name-calling language about someone.",
        ("What a pathetic loser.",),
        ("That was a clumsy paragraph, but the idea is good.",),
    ),
    Label(
        "personal_attack",
        "negativity",
        "An insult or attack aimed at a person in the conversation rather than at their idea.",
        ("You are an idiot and everyone knows it.",),
        ("Your argument ignores the cost of the change.",),
    ),
    Label(
        "identity_attack",
        "negativity",
        "Hostility aimed at a group, or at a person for who they are (religion, race, gender...).",
        ("People of that religion are all criminals.",),
        ("I am a proud Muslim woman.",),
    ),
    Label(
        "threat",
        "negativity",
        "A statement of intent to hurt, harm or punish someone.",
        ("I will find you and hurt you.",),
        ("This deadline is going to hurt.",),
    ),
    Label(
        "profanity",
        "negativity",
        "Swearing, obscene or vulgar language.",
        ("This is fucking ridiculous.",),
        ("This is utterly ridiculous.",),
    ),
    Label(
        "gratitude",
        "kindness",
        "Thanks or appreciation for something someone did.",
        ("Thank you so much for sharing this!",),
        ("I read your post yesterday.",),
    ),
    Label(
        "admiration",
        "kindness",
        "Praise or esteem for someone or their work.",
        ("This is a brilliant, beautifully written piece.",),
        ("The piece is 900 words long.",),
    ),
    Label(
        "compassion",
        "kindness",
        "Care, support or condolence for someone.",
        ("I'm so sorry for your loss, sending you strength.",),
        ("The meeting moved to Tuesday.",),
    ),
    Label(
        "respect",
        "kindness",
        "Politeness, and acknowledging the other person and their point.",
        ("Thanks for your patience, would you mind checking the link again?",),
        ("Fix the link. Now.",),
    ),
    Label(
        "curiosity",
        "kindness",
        "Asking in order to understand the other person or their idea.",
        ("How did you come up with this idea? I'd love to know more.",),
        ("I already know how this works.",),
    ),
    Label(
        "encouragement",
        "kindness",
        "Hope, or support for someone's effort.",
        ("Keep going, you are so close and it will be worth it!",),
        ("It will never work.",),
    ),
    Label(
        "distress",
        "moment",
        "The writer is having a hard time: sadness, grief, stress or loneliness.",
        ("I've been so lonely since my dad died, I can't sleep.",),
        ("Had a lovely walk with my dad today.",),
    ),
    Label(
        "crisis",
        "moment",
        "Risk of self-harm or suicide. Recall matters most: explicit statements are never missed.",
        ("I don't want to be alive anymore.",),
        ("This commute is killing me lol.",),
    ),
    Label(
        "celebration",
        "moment",
        "A milestone, award, achievement or good news worth celebrating.",
        ("I just graduated from university!!",),
        ("I have an exam tomorrow.",),
    ),
    Label(
        "question",
        "moment",
        "Asks for information or help.",
        ("Does anyone know how to export my blog to WordPress?",),
        ("I exported my blog to WordPress.",),
    ),
)

_BY_NAME = {label.name: label for label in LABELS}


def label_names() -> tuple[str, ...]:
    """The public label names, in contract order."""
    return tuple(label.name for label in LABELS)


def get_label(name: str) -> Label:
    """Return the :class:`Label` called ``name``; raise ``KeyError`` naming the valid ones."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown label {name!r}; valid labels: {', '.join(_BY_NAME)}") from None
