"""Template-generated threats and hard negatives, to back the thin public threat data.

Public threat data is scarce: toxic-spans marks a Threat span in a few hundred
Civil Comments posts, and OLID folds threats into "targeted insult". A guard
that misses "I will hurt you" is useless, so we add threats written from
template families (see :mod:`cyberkind.lab.training.templates`), each family in one
split. They are added to the *train* and *dev* splits of the ``threat`` head
only; the test split stays the public one (toxic-spans), so the model card's
threat metrics measure real text, and the generated test families are reported
separately by the benchmark.

Positives: direct threats of violence, threats with a plan or place ("I know
where you live"), veiled threats ("watch your back"), wishing or inciting harm on
the reader ("someone should shoot you"), threats to a group.

Hard negatives: the same verbs in harmless senses (games, sport, cooking, work:
"I'll kill this presentation", "we will crush you at quiz night"), threats to
objects or tasks ("I'm going to kill this bug"), reports of threats ("he said he
would hurt me, I called the police"), warnings made in care ("you'll hurt
yourself lifting that"), and the user's own crisis wording, which belongs to the
crisis label, not threat.

Written by the cyberkind developers; Apache-2.0. English only.

**Usage**::

    >>> examples = threat_examples(seed=0)
    >>> {e.split for e in examples}
    {'train', 'dev', 'test'}
"""

from __future__ import annotations

import random

from ._readers import Split
from .examples import Example
from .templates import Family, TemplateExample, TemplateGrammar

__all__ = ["THREAT_LICENCES", "THREAT_SOURCE", "threat_examples", "threat_templates"]

THREAT_SOURCE = "threat-templates"
THREAT_LICENCES = {THREAT_SOURCE: "Apache-2.0 (written by the cyberkind developers)"}
POSITIVES: dict[Split, int] = {"train": 900, "dev": 200, "test": 200}
NEGATIVES_PER_POSITIVE = 2

_SLOTS: dict[str, tuple[str, ...]] = {
    "you": ("you", "you", "u", "you and your family", "you and your little friends"),
    "harm": (
        "hurt",
        "kill",
        "beat",
        "stab",
        "shoot",
        "destroy",
        "break",
        "smash",
        "strangle",
        "punch",
        "end",
    ),
    "harmed": (
        "hurt",
        "killed",
        "beaten",
        "stabbed",
        "shot",
        "strangled",
        "punched",
        "beaten up",
    ),
    "when": (
        "",
        "",
        "tonight",
        "tomorrow",
        "soon",
        "when you least expect it",
        "one day",
        "after school",
        "next time I see you",
        "if you post that again",
    ),
    "bodypart": ("face", "teeth", "legs", "neck", "skull", "arms"),
    "place": ("house", "work", "school", "address", "car", "kids' school", "gym"),
    "group": ("all of you", "people like you", "every one of you", "your whole kind"),
    "end": ("", "", ".", "!", "!!", ". I mean it", ". count on it", ". watch", " 😡", " 🔪"),
    "task": (
        "this presentation",
        "this exam",
        "the interview",
        "this bug",
        "the leaderboard",
        "this workout",
        "the weeds in my garden",
        "this spreadsheet",
        "the quiz",
    ),
    "game": ("chess", "Mario Kart", "quiz night", "the pub quiz", "ping pong", "Scrabble"),
}

_POSITIVE_FAMILIES: tuple[Family, ...] = (
    (
        "direct_will",
        1,
        "train",
        (
            "I will <harm> <you> <when><end>",
            "I'm going to <harm> <you> <when><end>",
            "I'll <harm> <you> <when><end>",
            "I am gonna <harm> <you> <when><end>",
        ),
    ),
    (
        "direct_body",
        1,
        "train",
        (
            "I'll break your <bodypart> <when><end>",
            "I'm going to smash your <bodypart> in<end>",
            "I will punch your <bodypart> <when><end>",
            "keep talking and I'll break your <bodypart><end>",
        ),
    ),
    (
        "place",
        1,
        "train",
        (
            "I know where you live<end>",
            "I know where your <place> is<end>",
            "I'll be waiting outside your <place> <when><end>",
            "see you at your <place> <when><end>",
            "I found your <place>. you're next<end>",
        ),
    ),
    (
        "incite",
        1,
        "train",
        (
            "someone should <harm> <you><end>",
            "somebody needs to <harm> <you><end>",
            "I hope someone <harmed_verb> you<end>",
            "you deserve to be <harmed><end>",
            "people like you should be <harmed><end>",
        ),
    ),
    (
        "group",
        1,
        "train",
        (
            "I'm going to <harm> <group><end>",
            "we will <harm> <group> <when><end>",
            "<group> will be <harmed> <when><end>",
        ),
    ),
    (
        "veiled",
        1,
        "dev",
        (
            "you'd better watch your back<end>",
            "sleep with one eye open<end>",
            "you won't see it coming<end>",
            "this is your last warning<end>",
            "you have no idea what I'm capable of<end>",
            "accidents happen to people like you<end>",
        ),
    ),
    (
        "conditional",
        1,
        "dev",
        (
            "if you post that again I will <harm> <you><end>",
            "say that again and I'll <harm> <you><end>",
            "one more word and you're dead<end>",
            "do it again and I'll make you pay<end>",
        ),
    ),
    (
        "death_wish",
        1,
        "test",
        (
            "you're dead<end>",
            "you're a dead man<end>",
            "you won't live to see <when><end>",
            "I'll make sure you never walk again<end>",
            "I'll bury you<end>",
            "your days are numbered<end>",
        ),
    ),
    (
        "revenge",
        1,
        "test",
        (
            "I'm going to make you pay for this<end>",
            "you'll regret this, I promise you<end>",
            "I'll come after you and your family<end>",
            "I'm coming for you <when><end>",
        ),
    ),
)

_NEGATIVE_FAMILIES: tuple[Family, ...] = (
    (
        "tasks",
        0,
        "train",
        (
            "I'm going to kill <task> <when><end>",
            "I'll destroy <task><end>",
            "we're gonna smash <task><end>",
            "I will crush <task> <when><end>",
        ),
    ),
    (
        "games",
        0,
        "train",
        (
            "I will beat you at <game> <when><end>",
            "I'm going to destroy you at <game><end>",
            "we'll crush you at <game><end>",
            "watch out, I'll beat you at <game> next time<end>",
        ),
    ),
    (
        "reports",
        0,
        "train",
        (
            "he said he would <harm> me, so I called the police<end>",
            "someone threatened to <harm> my friend and I reported it<end>",
            "the villain says 'I will <harm> you' and it's so cheesy<end>",
        ),
    ),
    (
        "care",
        0,
        "train",
        (
            "you'll hurt yourself lifting that<end>",
            "be careful, that knife will cut you<end>",
            "don't stay up so late, it will break you<end>",
            "watch your back on the climb, it's steep<end>",
        ),
    ),
    (
        "objects",
        0,
        "dev",
        (
            "I'm going to kill this spider<end>",
            "I'll smash the old printer <when><end>",
            "I will break in these new boots <when><end>",
            "going to kill the process and restart",
        ),
    ),
    (
        "idioms",
        0,
        "dev",
        (
            "you're killing it<end>",
            "that joke killed me<end>",
            "break a leg <when><end>",
            "I'd kill for a coffee right now<end>",
        ),
    ),
    (
        "fiction",
        0,
        "test",
        (
            "in the film the hero swears 'I'll find you'<end>",
            "my character threatens the dragon in chapter three<end>",
            "the song goes 'I'm coming for you'<end>",
        ),
    ),
    (
        "sport",
        0,
        "test",
        (
            "we're going to destroy them in the final<end>",
            "our team will crush it <when><end>",
            "I'll find you a better link <when><end>",
            "I'll find you after the talk to say hi<end>",
        ),
    ),
)

_SLOTS["harmed_verb"] = ("hurts", "kills", "beats", "stabs", "shoots")
_GRAMMAR = TemplateGrammar(_SLOTS, emoji=(" 😡", " 🤬", " 😤", " 🙂", " 😂"))


def threat_templates(seed: int = 0) -> list[TemplateExample]:
    """The generated threats and hard negatives with their families; same seed, same list."""
    rng = random.Random(seed)
    seen: set[str] = set()
    negatives = {s: n * NEGATIVES_PER_POSITIVE for s, n in POSITIVES.items()}
    return _GRAMMAR.generate(_POSITIVE_FAMILIES, POSITIVES, rng, seen) + _GRAMMAR.generate(
        _NEGATIVE_FAMILIES, negatives, rng, seen
    )


def threat_examples(seed: int = 0) -> list[Example]:
    """:func:`threat_templates` as training examples with source ``threat-templates``."""
    return [Example(e.text, e.y, THREAT_SOURCE, e.split) for e in threat_templates(seed)]
