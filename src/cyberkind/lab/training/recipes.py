"""The recipes: how each head's binary examples are drawn from the shared datasets.

One function per public head (and one factory per auxiliary-head family) in
:data:`_RECIPES`; :mod:`cyberkind.lab.training.corpora` documents each recipe, lists the
heads, their sources and licences, and assembles a head's examples
(:func:`~cyberkind.lab.training.corpora.head_examples`), cleaned by :func:`_finalise`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from . import _readers as rd
from ._readers import GOEMOTIONS_LABELS, TWEETEVAL_EMOTIONS, Split
from .examples import Example, _carve_dev, hashed_split, split_for_key, text_key

__all__ = ["SPLITS", "question_label"]

_GO = "goemotions"
_TS = "toxic-spans"

SPLITS: tuple[Split, ...] = ("train", "dev", "test")


def _need(annotators: int) -> int:
    """Votes needed for a toxic-spans type: 2, or a majority when fewer than 3 annotated."""
    return min(2, annotators // 2 + 1)


def _toxic_spans_type(data_dir: Path, span_type: str) -> list[Example]:
    return [
        Example(r.text, int(r.types[span_type] >= _need(r.annotators)), _TS, hashed_split(r.text))
        for r in rd.toxic_spans(data_dir)
    ]


def _tweeteval_binary(data_dir: Path, task: str, positive: str) -> list[Example]:
    source = f"tweeteval-{task}"
    return [
        Example(r.text, int(r.label == positive), source, r.split or "train")
        for r in rd.tweeteval(data_dir, task)
    ]


def _goemotions_binary(data_dir: Path, *names: str) -> list[Example]:
    ids = {GOEMOTIONS_LABELS.index(n) for n in names}
    return [
        Example(r.text, 0 if r.labels.isdisjoint(ids) else 1, _GO, r.split)
        for r in rd.goemotions(data_dir)
    ]


def _olid(data_dir: Path, label: Callable[[rd.OlidRow], int | None]) -> list[Example]:
    out = []
    for r in rd.olid(data_dir):
        y = label(r)
        if y is not None:
            split: Split = "test" if r.split == "test" else _carve_dev(r.text)
            out.append(Example(r.text, y, "olid", split))
    return out


def _davidson(data_dir: Path, positive: set[str]) -> list[Example]:
    return [
        Example(r.text, int(r.label in positive), "davidson", hashed_split(r.text))
        for r in rd.davidson(data_dir)
    ]


def _sentiment_tweets(data_dir: Path) -> list[tuple[str, str, Split]]:
    """TweetEval sentiment val+test texts, pooled and hash-split (train texts are missing)."""
    return [(r.text, r.label, hashed_split(r.text)) for r in rd.tweeteval(data_dir, "sentiment")]


def _sample(rng: random.Random, items: Sequence[Example], n: int) -> list[Example]:
    """A seeded sample of at most ``n`` items, kept in their original order."""
    if n >= len(items):
        return list(items)
    return [items[i] for i in sorted(rng.sample(range(len(items)), n))]


def _by_split(examples: Iterable[Example]) -> dict[Split, list[Example]]:
    out: dict[Split, list[Example]] = {s: [] for s in SPLITS}
    for e in examples:
        out[e.split].append(e)
    return out


# -- recipes ---------------------------------------------------------------------------------

Recipe = Callable[[Path, random.Random], list[Example]]


def _toxicity(data_dir: Path, rng: random.Random) -> list[Example]:
    out = _tweeteval_binary(data_dir, "offensive", "1")
    out += _davidson(data_dir, {"0", "1"})
    out += [
        Example(r.text, int(2 * r.not_toxic <= r.annotators), _TS, hashed_split(r.text))
        for r in rd.toxic_spans(data_dir)
    ]
    for pair in rd.paradetox(data_dir):
        split = hashed_split(pair.toxic)
        out.append(Example(pair.toxic, 1, "paradetox", split))
        if pair.neutral:
            out.append(Example(pair.neutral[0], 0, "paradetox", split))
    # Civil disagreement ("your argument ignores...") is not toxic; attacks on the arguer are.
    out += [
        Example(r.text, int(r.ad_hominem), "ad-hominem-cmv", hashed_split(r.text))
        for r in rd.ad_hominem(data_dir)
    ]
    out += _identity_benign(data_dir, rng)
    return out + _benign(data_dir, rng, BENIGN_PER_SPLIT)


BENIGN_PER_SPLIT: dict[Split, int] = {"train": 12_000, "dev": 1_500, "test": 1_500}
_PROFANE = re.compile(r"f+u+c+k|sh[i1]t|b[i1]tch|cunt|dick|asshole|bastard|damn", re.IGNORECASE)


def _benign(data_dir: Path, rng: random.Random, per_split: dict[Split, int]) -> list[Example]:
    """Everyday comments as negatives: GoEmotions texts with no hostile emotion or swearing.

    Most toxicity sources are mostly positive (every toxic-spans post, two thirds of
    Davidson), which teaches a model that any short text is probably toxic.
    """
    hostile = {GOEMOTIONS_LABELS.index(n) for n in HOSTILE_EMOTIONS}
    pool = _by_split(
        Example(r.text, 0, "goemotions-benign", r.split)
        for r in rd.goemotions(data_dir)
        if not r.labels & hostile and not _PROFANE.search(r.text)
    )
    return [e for split in SPLITS for e in _sample(rng, pool[split], per_split[split])]


# Identity words, for finding real texts that mention identities without attacking anyone.
_IDENTITY = re.compile(
    r"\b(?:gay|lesbian|trans|transgender|bisexual|queer|lgbt\w*|muslims?|islam\w*|jews?|jewish|"
    r"christians?|hindus?|sikhs?|black|white|asian|latin[oax]s?|hispanic|african|immigrants?|"
    r"refugees?|disabled|disability|deaf|blind|autistic|women|woman|girls?|feminis\w*|"
    r"elderly|old people)\b",
    re.IGNORECASE,
)


def _identity_benign(data_dir: Path, rng: random.Random) -> list[Example]:
    """Real texts that mention identities kindly or neutrally: negatives for attacks.

    Hope speech (HopeEDI: supportive comments on LGBTQ+ and equality videos) and
    GoEmotions comments with an identity word and no hostile emotion or swear word.
    Without them a linear model learns identity words themselves as hate (Dixon et al.
    2018). The identity probe in cyberkind.lab.bench.probes is written separately and never
    trained on.
    """
    out = [
        Example(r.text, 0, "hope-edi", "test" if r.split == "dev" else _carve_dev(r.text))
        for r in rd.hope_edi(data_dir)
        if r.label == "Hope_speech" and _IDENTITY.search(r.text)
    ]
    hostile = {GOEMOTIONS_LABELS.index(n) for n in HOSTILE_EMOTIONS}
    out += [
        Example(r.text, 0, "goemotions-identity", r.split)
        for r in rd.goemotions(data_dir)
        if _IDENTITY.search(r.text) and not r.labels & hostile and not _PROFANE.search(r.text)
    ]
    return out


KIND_EMOTIONS = ("caring", "gratitude", "admiration", "approval", "optimism", "love")
HOSTILE_EMOTIONS = ("anger", "annoyance", "disapproval", "disgust")
# Disagreeing or asking, without anger: "discuss the issue, not the person".
CIVIL_EMOTIONS = ("disapproval", "confusion", "curiosity")
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|youre|u|ur|yourself)\b", re.IGNORECASE)


def _kind_second_person(data_dir: Path, rng: random.Random, n_per_split: int) -> list[Example]:
    """Hard negatives for attacks: kind words aimed at "you" ("you're doing great").

    OLID's targeted-at-an-individual positives are nearly all in the second person, so a
    model learns "you" itself as an attack. These GoEmotions texts address someone, carry a
    kind emotion and no hostile one.
    """
    kind = {GOEMOTIONS_LABELS.index(n) for n in (*KIND_EMOTIONS, *CIVIL_EMOTIONS)}
    hostile = {GOEMOTIONS_LABELS.index(n) for n in ("anger", "annoyance", "disgust")}
    pool = _by_split(
        Example(r.text, 0, "goemotions-kind-you", r.split)
        for r in rd.goemotions(data_dir)
        if r.labels & kind
        and not r.labels & hostile
        and _SECOND_PERSON.search(r.text)
        and not _PROFANE.search(r.text)
    )
    return [e for split in SPLITS for e in _sample(rng, pool[split], n_per_split)]


def _insult(data_dir: Path, rng: random.Random) -> list[Example]:
    out = _toxic_spans_type(data_dir, "Insult") + _olid(data_dir, lambda r: int(r.b == "TIN"))
    return out + _kind_second_person(data_dir, rng, 2500)


def _personal_attack_label(r: rd.OlidRow) -> int | None:
    if r.a == "NOT":
        return 0
    if r.c in ("IND", "GRP", "OTH"):
        return int(r.c == "IND")
    return None


def _personal_attack(data_dir: Path, rng: random.Random) -> list[Example]:
    out = _olid(data_dir, _personal_attack_label)
    out += [
        Example(r.text, int(r.ad_hominem), "ad-hominem-cmv", hashed_split(r.text))
        for r in rd.ad_hominem(data_dir)
    ]
    return out + _kind_second_person(data_dir, rng, 2500)


def _identity_attack(data_dir: Path, rng: random.Random) -> list[Example]:
    out = _tweeteval_binary(data_dir, "hate", "1")
    out += _davidson(data_dir, {"0"})
    out += _identity_benign(data_dir, rng)
    return out + _toxic_spans_type(data_dir, "Identity based Attack")


def _threat(data_dir: Path, rng: random.Random) -> list[Example]:
    # De-duplicate first so the cap counts the positives that survive clean-up.
    out = _finalise(_toxic_spans_type(data_dir, "Threat"), frozenset())
    positives = {s: sum(e.y for e in rows) for s, rows in _by_split(out).items()}
    pool = [
        Example(text, 0, "paradetox", hashed_split(pair.toxic))
        for pair in rd.paradetox(data_dir)
        for text in pair.neutral
    ]
    for split, rows in _by_split(pool).items():
        out += _sample(rng, rows, 3 * positives[split])
    # Public threat data is thin (about 150 posts): generated template families back it,
    # each family in one split (see cyberkind.lab.training.threats).
    from .threats import threat_examples

    # A fixed generation seed: the generated set is data, like a file, whatever the head seed.
    return out + threat_examples(seed=0)


def _profanity_label(r: rd.OlidRow) -> int | None:
    return 1 if r.b == "UNT" else 0 if r.a == "NOT" else None


def _profanity(data_dir: Path, rng: random.Random) -> list[Example]:
    return _toxic_spans_type(data_dir, "Profane/Obscene") + _olid(data_dir, _profanity_label)


def _respect(data_dir: Path, rng: random.Random) -> list[Example]:
    rows = rd.politeness(data_dir)
    out = []
    for corpus in rd.POLITENESS_FILES:
        scores = np.array([r.score for r in rows if r.corpus == corpus], dtype=np.float64)
        q1, q3 = (float(q) for q in np.percentile(scores, [25, 75]))
        for r in rows:
            if r.corpus == corpus and (r.score >= q3 or r.score <= q1):
                out.append(
                    Example(r.text, int(r.score >= q3), "stanford-politeness", hashed_split(r.text))
                )
    # Outside requests: agreeing with or acknowledging someone is respect; plain statements
    # and hostile texts carry none.
    approval = GOEMOTIONS_LABELS.index("approval")
    hostile = {GOEMOTIONS_LABELS.index(n) for n in HOSTILE_EMOTIONS}
    acknowledging = [
        Example(r.text, 1, "goemotions-approval", r.split)
        for r in rd.goemotions(data_dir)
        if approval in r.labels and not r.labels & hostile
    ]
    out += acknowledging
    out += _benign_neutral(data_dir, rng, BENIGN_PER_SPLIT)
    toxic = _by_split(
        Example(p.toxic, 0, "paradetox", hashed_split(p.toxic)) for p in rd.paradetox(data_dir)
    )
    out += [
        e for split in SPLITS for e in _sample(rng, toxic[split], 300 if split != "train" else 2400)
    ]
    return out


def _benign_neutral(
    data_dir: Path, rng: random.Random, per_split: dict[Split, int]
) -> list[Example]:
    """GoEmotions texts labelled neutral only: statements with no emotion towards anyone."""
    neutral = {GOEMOTIONS_LABELS.index("neutral")}
    pool = _by_split(
        Example(r.text, 0, "goemotions-neutral", r.split)
        for r in rd.goemotions(data_dir)
        if r.labels == neutral
    )
    return [e for split in SPLITS for e in _sample(rng, pool[split], per_split[split])]


def _encouragement(data_dir: Path, rng: random.Random) -> list[Example]:
    out = []
    for r in rd.hope_edi(data_dir):
        # The labelled dev file stands in for the unlabelled test file.
        split: Split = "test" if r.split == "dev" else _carve_dev(r.text)
        out.append(Example(r.text, int(r.label == "Hope_speech"), "hope-edi", split))
    return out + _goemotions_binary(data_dir, "optimism")


def _distress(data_dir: Path, rng: random.Random) -> list[Example]:
    out = [
        Example(text, int(label == "1"), "dreaddit", split_for_key(f"dreaddit:{pid}"))
        for text, label, pid in rd.dreaddit(data_dir)
    ]
    return out + _goemotions_binary(data_dir, "sadness", "grief", "nervousness")


CELEBRATION_EXCLUDED = ("joy", "pride", "excitement", "relief")
CELEBRATION_NEGATIVES_PER_POSITIVE = 6
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|my|me)\b", re.IGNORECASE)
# li2014 holds condolence events too (a death in the family): not a moment to celebrate.
_CONDOLENCE = re.compile(
    r"\b(?:passed away|died|dies|death|funeral|rip|r\.i\.p|rest in peace|condolences|lost my)\b",
    re.IGNORECASE,
)


def _celebration(data_dir: Path, rng: random.Random) -> list[Example]:
    out = _finalise(
        [
            Example(t, 1, "li2014-life-events", hashed_split(t))
            for t in rd.li2014(data_dir)
            if not _CONDOLENCE.search(t)
        ],
        frozenset(),
    )
    # First-person stories of a hard time are the negatives a celebration head most
    # needs: "my" and "I" are no sign of good news.
    hard_times = _by_split(
        Example(text, 0, "dreaddit", split_for_key(f"dreaddit:{pid}"))
        for text, _label, pid in rd.dreaddit(data_dir)
    )
    tweets = _by_split(
        Example(text, 0, "tweeteval-sentiment", split)
        for text, label, split in _sentiment_tweets(data_dir)
        if label in ("0", "1")
    )
    excluded = {GOEMOTIONS_LABELS.index(n) for n in CELEBRATION_EXCLUDED}
    reddit = _by_split(
        Example(r.text, 0, _GO, r.split) for r in rd.goemotions(data_dir) if not r.labels & excluded
    )
    excluded_ids = {GOEMOTIONS_LABELS.index(n) for n in CELEBRATION_EXCLUDED}
    everyday = _by_split(
        Example(r.text, 0, "goemotions-first-person", r.split)
        for r in rd.goemotions(data_dir)
        if not r.labels & excluded_ids and _FIRST_PERSON.search(r.text)
    )
    for split, positives in _by_split(out).items():
        out += _sample(rng, hard_times[split], len(positives))
        out += _sample(rng, everyday[split], 2 * len(positives))
        n = (CELEBRATION_NEGATIVES_PER_POSITIVE - 3) * len(positives)
        n_tweets = min(len(tweets[split]), n // 2)
        out += _sample(rng, tweets[split], n_tweets)
        out += _sample(rng, reddit[split], n - n_tweets)
    return out


_QUESTION_END = re.compile(r"\?[?!.]*[\"'\u201d\u2019)\]]*(?:\s|$)")
# Sentence-final question marks only, so that URLs ("page.php?id=3") keep their text.
_QUESTION_MARKS = re.compile(r"\?+(?=[!.]*[\"'\u201d\u2019)\]]*(?:\s|$))")
QUESTION_CAP = 20_000


def question_label(text: str) -> int | None:
    """Weak ``question`` label: 1 if a sentence ends in '?', 0 if no '?' at all, else None.

    **Usage**::

        >>> [question_label(t) for t in ("Any tips? I'm stuck", "I'm stuck", "a?b")]
        [1, 0, None]
    """
    if "?" not in text:
        return 0
    return 1 if _QUESTION_END.search(text) else None


def _question(data_dir: Path, rng: random.Random) -> list[Example]:
    sources: list[list[Example]] = [
        [Example(r.text, 0, _GO, r.split) for r in rd.goemotions(data_dir)],
        [
            Example(r.text, 0, "stanford-politeness", hashed_split(r.text))
            for r in rd.politeness(data_dir)
        ],
        [Example(t, 0, "tweeteval-sentiment", s) for t, _, s in _sentiment_tweets(data_dir)],
    ]
    out: list[Example] = []
    for rows in sources:
        labelled = []
        for e in rows:
            y = question_label(e.text)
            if y is not None:
                labelled.append(replace(e, y=y))
        out += _sample(rng, labelled, QUESTION_CAP)
    positives = [i for i, e in enumerate(out) if e.y == 1 and e.split != "test"]
    for i in sorted(rng.sample(positives, len(positives) // 2)):
        out[i] = replace(out[i], text=" ".join(_QUESTION_MARKS.sub(" ", out[i].text).split()))
    return out


def _goemotions_head(name: str) -> Recipe:
    return lambda data_dir, rng: _goemotions_binary(data_dir, name)


def _tweeteval_emotion_head(name: str) -> Recipe:
    label = str(TWEETEVAL_EMOTIONS.index(name))
    return lambda data_dir, rng: _tweeteval_binary(data_dir, "emotion", label)


_RECIPES: dict[str, Recipe] = {
    "toxicity": _toxicity,
    "insult": _insult,
    "personal_attack": _personal_attack,
    "identity_attack": _identity_attack,
    "threat": _threat,
    "profanity": _profanity,
    "gratitude": _goemotions_head("gratitude"),
    "admiration": _goemotions_head("admiration"),
    "compassion": _goemotions_head("caring"),
    "respect": _respect,
    "curiosity": _goemotions_head("curiosity"),
    "encouragement": _encouragement,
    "distress": _distress,
    "celebration": _celebration,
    "question": _question,
    **{f"goemotions:{n}": _goemotions_head(n) for n in GOEMOTIONS_LABELS},
    **{f"tweeteval-emotion:{n}": _tweeteval_emotion_head(n) for n in TWEETEVAL_EMOTIONS},
}


# -- clean-up -------------------------------------------------------------------------------


def _finalise(examples: Sequence[Example], held_out: frozenset[str]) -> list[Example]:
    """Strip, de-duplicate within splits and drop train/dev rows that leak into later splits.

    ``held_out`` holds normalised texts that may only appear in the test split.
    """
    rows: list[Example] = []
    first: dict[tuple[str, Split], int] = {}  # (normalised text, split) -> its first row
    repeats: dict[tuple[str, Split], list[int]] = {}  # only groups with several rows
    for e in examples:
        text = e.text.strip()
        if not text:
            continue
        if text != e.text:
            e = replace(e, text=text)
        group = (text_key(text), e.split)
        i = first.setdefault(group, len(rows))
        if i != len(rows):
            repeats.setdefault(group, [i]).append(len(rows))
        rows.append(e)
    test = {key for key, split in first if split == "test"}
    dev = {key for key, split in first if split == "dev"}
    kept: list[int] = []
    for group, i in first.items():
        key, split = group
        if split != "test" and (key in test or key in held_out):
            continue
        if split == "train" and key in dev:
            continue
        if group in repeats:
            idx = repeats[group]
            votes = sum(1 if rows[j].y else -1 for j in idx)
            if votes == 0:
                continue  # conflicting labels without a majority
            i = next(j for j in idx if rows[j].y == (votes > 0))
        kept.append(i)
    kept.sort()
    return [rows[i] for i in kept]
