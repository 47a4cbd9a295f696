"""Training corpora: turn the shared datasets into binary examples per head.

A *head* is one binary classifier: each public label except ``crisis`` (built by
:mod:`cyberkind.lab.training.crisis`), plus auxiliary heads ``goemotions:<name>``
(28 GoEmotions labels incl. neutral) and ``tweeteval-emotion:<name>`` (the 4
TweetEval emotion classes, one-vs-rest) used by the benchmark.

**Recipes** (source ids in brackets; "hashed" = the hash split below):

- toxicity: [tweeteval-offensive] offensive=1, official splits; [davidson] hate or offensive=1,
  neither=0, hashed; [toxic-spans] every post=1 unless most annotators voted "not toxic",
  hashed; [paradetox] toxic side=1, neutral1=0, split by the toxic side; [ad-hominem-cmv]
  ad hominem=1, civil delta-thread comments=0; [goemotions-benign] 12,000/1,500/1,500
  GoEmotions texts with no hostile emotion and no swear word=0; identity mentions=0 (below).
  OLID is not used:
  TweetEval offensive *is* OLID level A, so it would add nothing but duplicates.
- insult: [toxic-spans] Insult spans from >= 2 annotators (a majority if fewer) =1 else 0;
  [olid] level B TIN=1, UNT and NOT=0, official test, dev carved from train;
  [goemotions-kind-you] 1,500 kind or civil second-person GoEmotions texts per split=0.
- personal_attack: [olid] level C IND=1, GRP/OTH and level A NOT=0 (UNT dropped);
  [ad-hominem-cmv] CMV comments removed as ad hominem (rule 2)=1, comments of the
  delta-winning threads=0, quotes of the other person removed, cut to 1,000 characters, hashed;
  [goemotions-kind-you] GoEmotions texts that address "you" with a kind emotion (caring,
  gratitude, admiration, approval, optimism, love) or a civil one (disapproval, confusion,
  curiosity), no anger, annoyance or disgust and no swear word=0, up to 2,500 per split,
  because OLID's positives teach a model that "you" itself is an attack.
- identity_attack: [tweeteval-hate] official splits; [davidson] hate=1, others=0;
  [hope-edi] hope speech with an identity word=0 and [goemotions-identity] GoEmotions texts
  with an identity word, no hostile emotion and no swear word=0 (also toxicity negatives);
  [toxic-spans] "Identity based Attack" spans, same vote rule as insult.
- threat: [toxic-spans] Threat spans, same vote rule; [paradetox] neutral rewrites=0,
  sampled per split to at most 3x that split's positives; [threat-templates] generated threats
  and harmless uses of violent verbs (cyberkind.lab.training.threats), one split per family.
- profanity: [toxic-spans] "Profane/Obscene" spans, same vote rule; [olid] UNT (untargeted
  profanity)=1, NOT=0, TIN dropped.
- gratitude, admiration, curiosity: [goemotions] has that emotion=1 else 0, official splits.
- compassion: [goemotions] caring=1 else 0.
- respect: [stanford-politeness] Normalized Score in the file's top quartile=1, bottom
  quartile=0, middle dropped (the paper's binary task), hashed; [goemotions-approval]
  approval without a hostile emotion=1; [goemotions-neutral] neutral-only texts=0
  (12,000/1,500/1,500); [paradetox] toxic sides=0 (2,400/300/300).
- encouragement: [hope-edi] Hope_speech=1, Non_hope_speech=0 (the test file is unlabelled, so
  dev is the test split and dev is carved from train); [goemotions] optimism=1 else 0.
- distress: [dreaddit] stress label, hashed by post id so a post's segments stay together;
  [goemotions] sadness, grief or nervousness=1 else 0.
- celebration: [li2014-life-events] life-event tweets=1 (original untokenized column), hashed,
  condolence events (a death, a funeral) dropped; negatives=0 sampled per split to 6x that
  split's positives: 1x [dreaddit] first-person posts about a hard time, 2x
  [goemotions-first-person] everyday first-person comments, then 3x, half
  [tweeteval-sentiment] negative/neutral tweets, half [goemotions] texts with none of joy,
  pride, excitement, relief (thanks and praise are negatives: they are not news).
- question (WEAK labels): [goemotions], [stanford-politeness], [tweeteval-sentiment] texts; 1 if
  a sentence ends in '?', 0 if there is no '?' at all, others dropped; each source capped at
  20,000 rows (seeded sample); a seeded half of the train/dev positives lose their question
  marks so the head learns question wording, not only punctuation.
- goemotions:<name>: [goemotions] official splits, has that label=1 else 0.
- tweeteval-emotion:<name>: [tweeteval-emotion] official splits, one-vs-rest.

**Splits.** Official train/dev(val)/test splits where a dataset has them (a dev split is
carved from train by hash when there is none). Otherwise a stable hash: bucket =
sha1(normalised text) mod 10; 0 -> test, 1 -> dev, 2-9 -> train, so a text always lands in
the same split whatever the seed. The normalised text is lowercased with HTML entities
decoded, URLs and the ``@user``/``URL`` placeholders removed and only letters and digits kept
(so OLID's ``@USER ... URL`` and TweetEval's ``@user ...`` copies of a tweet match).
TweetEval sentiment's training texts are missing from the shared copy, so its val and test
texts are pooled and hash-split (their sentiment labels are never evaluated here).

**Clean-up per head.** Texts are stripped and empty ones dropped. Rows sharing a normalised
text within a split collapse to the first row with the majority label (ties are dropped).
Train and dev rows whose text is in the test split, and train rows whose text is in the
dev split, are dropped. So are train and dev rows of *any* head whose text is in a benchmark
test set (TweetEval offensive = OLID test, TweetEval emotion test, GoEmotions test).
``seed`` only drives sampling (``random.Random(seed)``): the same seed gives the same list.

**Usage**::

    >>> from cyberkind.lab.training.corpora import head_examples
    >>> examples = head_examples("gratitude", Path("../shared/data"))
    >>> sorted({e.split for e in examples})
    ['dev', 'test', 'train']
"""

from __future__ import annotations

import functools
import gc
import random
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ...labels import label_names
from . import _readers as rd
from ._readers import GOEMOTIONS_LABELS, TWEETEVAL_EMOTIONS, Split
from .examples import Example, hashed_split, split_for_key, text_key
from .recipes import _GO, _RECIPES, _TS, _finalise, question_label

__all__ = [
    "DATASET_LICENCES",
    "GOEMOTIONS_LABELS",
    "HEADS",
    "SOURCES_BY_HEAD",
    "TWEETEVAL_EMOTIONS",
    "Example",
    "Split",
    "emotion_benchmark",
    "goemotions_test",
    "hashed_split",
    "head_examples",
    "question_label",
    "sources_for",
    "split_for_key",
    "text_key",
]


PUBLIC_HEADS: tuple[str, ...] = tuple(n for n in label_names() if n != "crisis")
HEADS: tuple[str, ...] = (
    PUBLIC_HEADS
    + tuple(f"goemotions:{n}" for n in GOEMOTIONS_LABELS)
    + tuple(f"tweeteval-emotion:{n}" for n in TWEETEVAL_EMOTIONS)
)
"""Every head :func:`head_examples` can build, public labels first."""

DATASET_LICENCES: dict[str, str] = {
    "tweeteval-offensive": "TweetEval: released 'without any restrictions'; the underlying OLID "
    "data states no licence; Twitter terms apply",
    "tweeteval-hate": "TweetEval: released 'without any restrictions'; underlying HatEval "
    "(SemEval-2019 Task 5) licence and Twitter terms apply",
    "tweeteval-emotion": "TweetEval: released 'without any restrictions'; underlying SemEval-2018 "
    "Task 1 licence and Twitter terms apply",
    "tweeteval-sentiment": "TweetEval: released 'without any restrictions'; underlying "
    "SemEval-2017 Task 4 licence and Twitter terms apply",
    "olid": "unknown (no licence statement; cite Zampieri et al. 2019)",
    "davidson": "MIT (repository licence; no separate data licence)",
    "toxic-spans": "CC0-1.0 (posts from Civil Comments)",
    "paradetox": "CC0-1.0",
    "ad-hominem-cmv": "Apache-2.0 (repository licence; Reddit user text)",
    "goemotions": "Apache-2.0 (repository licence; data licence not confirmed by the authors)",
    "goemotions-kind-you": "Apache-2.0 (GoEmotions, as above)",
    "goemotions-benign": "Apache-2.0 (GoEmotions, as above)",
    "goemotions-identity": "Apache-2.0 (GoEmotions, as above)",
    "goemotions-approval": "Apache-2.0 (GoEmotions, as above)",
    "goemotions-neutral": "Apache-2.0 (GoEmotions, as above)",
    "goemotions-first-person": "Apache-2.0 (GoEmotions, as above)",
    "threat-templates": "Apache-2.0 (written by the cyberkind developers)",
    "stanford-politeness": "unknown (no licence seen for the corpus)",
    "hope-edi": "unknown ('openly available' via the LT-EDI 2021 shared task)",
    "dreaddit": "unknown (no licence seen)",
    "li2014-life-events": "unknown (no licence file or statement)",
}
"""Each source id's licence as found in its ``PROVENANCE.md``, for model cards."""

SOURCES_BY_HEAD: dict[str, tuple[str, ...]] = {
    "toxicity": (
        "tweeteval-offensive",
        "davidson",
        _TS,
        "paradetox",
        "ad-hominem-cmv",
        "goemotions-benign",
        "hope-edi",
        "goemotions-identity",
    ),
    "insult": (_TS, "olid", "goemotions-kind-you"),
    "personal_attack": ("olid", "ad-hominem-cmv", "goemotions-kind-you"),
    "identity_attack": ("tweeteval-hate", "davidson", _TS, "hope-edi", "goemotions-identity"),
    "threat": (_TS, "paradetox", "threat-templates"),
    "profanity": (_TS, "olid"),
    "gratitude": (_GO,),
    "admiration": (_GO,),
    "compassion": (_GO,),
    "respect": (
        "stanford-politeness",
        "goemotions-approval",
        "goemotions-neutral",
        "paradetox",
    ),
    "curiosity": (_GO,),
    "encouragement": ("hope-edi", _GO),
    "distress": ("dreaddit", _GO),
    "celebration": (
        "li2014-life-events",
        "dreaddit",
        "goemotions-first-person",
        "tweeteval-sentiment",
        _GO,
    ),
    "question": (_GO, "stanford-politeness", "tweeteval-sentiment"),
    **{f"goemotions:{n}": (_GO,) for n in GOEMOTIONS_LABELS},
    **{f"tweeteval-emotion:{n}": ("tweeteval-emotion",) for n in TWEETEVAL_EMOTIONS},
}
"""The source ids each head is built from (every id is a key of :data:`DATASET_LICENCES`)."""


def sources_for(head: str) -> tuple[str, ...]:
    """The source ids ``head`` is built from; raise ``KeyError`` naming the valid heads."""
    _check_head(head)
    return SOURCES_BY_HEAD[head]


# -- splitting -------------------------------------------------------------------------------

# -- shared pieces ---------------------------------------------------------------------------

# -- assembly --------------------------------------------------------------------------------


@functools.cache
def _benchmark_test_keys(data_dir: Path) -> frozenset[str]:
    """Texts of the public benchmark test sets, which no head may train or tune on.

    TweetEval offensive test is the OLID test set; with TweetEval emotion test and
    GoEmotions test these are the sets the benchmark reports. A handful of short
    texts ("@USER fuck" / "Fuck") also occur in other corpora.
    """
    keys = {text_key(r.text) for r in rd.tweeteval(data_dir, "offensive") if r.split == "test"}
    keys |= {text_key(r.text) for r in rd.tweeteval(data_dir, "emotion") if r.split == "test"}
    keys |= {text_key(r.text) for r in rd.goemotions(data_dir) if r.split == "test"}
    return frozenset(keys)


def _check_head(head: str) -> None:
    if head not in _RECIPES:
        raise KeyError(f"unknown head {head!r}; valid heads: {', '.join(HEADS)}")


def _data_root(data_dir: Path | str) -> Path:
    path = Path(data_dir).expanduser().resolve()
    if not path.is_dir():
        raise rd.missing(path)
    return path


def head_examples(head: str, data_dir: Path, seed: int = 0) -> list[Example]:
    """All train/dev/test examples of ``head`` (see the module docstring for the recipes).

    Raise ``KeyError`` for an unknown head and :class:`~cyberkind.errors.DataError`
    when a file is missing or malformed.

    **Usage**::

        >>> examples = head_examples("insult", Path("../shared/data"), seed=0)
        >>> {e.source for e in examples}
        {'olid', 'toxic-spans'}
    """
    _check_head(head)
    root = _data_root(data_dir)
    # Building ~100k small objects per head sets off repeated full garbage collections over
    # the cached corpora (half the run time); nothing here creates reference cycles.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        examples = _RECIPES[head](root, random.Random(seed))
        return _finalise(examples, _benchmark_test_keys(root))
    finally:
        if was_enabled:
            gc.enable()


def emotion_benchmark(data_dir: Path) -> tuple[list[str], list[int], list[str]]:
    """TweetEval emotion test set: texts, class ids and class names (in id order).

    **Usage**::

        >>> texts, labels, names = emotion_benchmark(Path("../shared/data"))
        >>> names
        ['anger', 'joy', 'optimism', 'sadness']
    """
    rows = [r for r in rd.tweeteval(_data_root(data_dir), "emotion") if r.split == "test"]
    return [r.text for r in rows], [int(r.label) for r in rows], list(TWEETEVAL_EMOTIONS)


def goemotions_test(data_dir: Path) -> tuple[list[str], npt.NDArray[np.int64], list[str]]:
    """GoEmotions official test set: texts, a multi-hot (n, 28) matrix (incl. neutral), names.

    **Usage**::

        >>> texts, y, names = goemotions_test(Path("../shared/data"))
        >>> y.shape
        (5427, 28)
    """
    rows = [r for r in rd.goemotions(_data_root(data_dir)) if r.split == "test"]
    y = np.zeros((len(rows), len(GOEMOTIONS_LABELS)), dtype=np.int64)
    for i, r in enumerate(rows):
        y[i, sorted(r.labels)] = 1
    return [r.text for r in rows], y, list(GOEMOTIONS_LABELS)
