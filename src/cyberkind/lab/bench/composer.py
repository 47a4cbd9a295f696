"""The composer's benchmark: our drafts beside a fixed-template baseline, on real messages.

A fixed, seeded sample of real messages from ``../shared/data`` is drafted by
:class:`~cyberkind.composer.Drafter` (default voice, one batch) and by a fixed-template
baseline (one canned reply per act, as canned-compliment packages do):

- **gratitude** and **admiration**: GoEmotions *test* comments with that label, answered as
  a comment on your post (``thank_commenter``);
- **distress**: Dreaddit posts labelled stress, and GoEmotions *test* comments labelled
  sadness, answered with a virtual hug (``hug``);
- **announcements**: life-event tweets of Li et al. (2014), answered with congratulations
  (``celebrate``).

Measures, per system and per group:

- **specificity**: the share of drafts that mention a content word of the message which is
  not part of the system's own stock vocabulary (the words of all its template lines, and the
  greeted name), so a template's "congratulations" never counts as answering "congratulations!";
- **distinct-1 / distinct-2** across all drafts (:func:`~cyberkind.composer.distinct_n`);
- **guard pass rate**: ``Guard().check(draft).verdict == "ok"`` (must be 100%);
- for hug drafts, **emotional reaction** and **interpretation** rates: EPITOME's first two
  mechanisms (Sharma et al. 2020), judged by an evaluator trained here, at bench time, on
  ``epitome-empathy-reddit`` (level 1 or 2 = present). That data is evaluation only: the
  evaluator is never saved or shipped. Its own held-out accuracy (an 80/20 split grouped by
  seeker post) is reported beside it;
- **latency** per draft (the composer's includes its guard checks; the baseline's is one
  format and one guard check).

GoEmotions hides names as ``[NAME]``; such placeholders are replaced by "Sam" before drafting.

**Usage**::

    >>> report = composer_benchmarks(Path("../shared/data"), quick=True)
    >>> report["systems"]["cyberkind"]["all"]["specificity"]
"""

from __future__ import annotations

import hashlib
import random
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ...composer.templates import LINES, STAR_LINES
from ...models import Act, Author, Item, ItemKind, Opportunity, Priority
from ...phrases import content_words, distinct_n
from ..training._readers import GOEMOTIONS_LABELS, dreaddit, goemotions, li2014, require
from ._report import table as _table

if TYPE_CHECKING:
    from ...guard import Guard

__all__ = [
    "BASELINE",
    "GROUPS",
    "EpitomeEvaluator",
    "baseline_draft",
    "composer_benchmarks",
    "composer_markdown",
    "composer_target_rows",
    "sample_messages",
    "specific",
]

GROUPS: tuple[tuple[str, Act], ...] = (
    ("gratitude", Act.THANK_COMMENTER),
    ("admiration", Act.THANK_COMMENTER),
    ("distress_dreaddit", Act.HUG),
    ("sadness_goemotions", Act.HUG),
    ("announcement_li2014", Act.CELEBRATE),
)
"""The sampled groups and the act each is answered with."""

BASELINE: dict[Act, str] = {
    Act.THANK_COMMENTER: "Hi {name}, thank you for your comment!",
    Act.HUG: "Hi {name}, I'm sorry you're having a hard time. Sending you a hug.",
    Act.CELEBRATE: "Hi {name}, congratulations!",
}
"""The fixed-template baseline: one canned reply per act."""

NAMES = (
    "Ana Lima",
    "Ben Okafor",
    "Chloé Martin",
    "Dev Patel",
    "Emma Novak",
    "Farid Haddad",
    "Grace Kim",
    "Hugo Silva",
    "Iris Chen",
    "Jonas Berg",
)
PER_GROUP = 100
QUICK_PER_GROUP = 20
_MIN_WORDS, _MAX_WORDS = 3, 80
_PLACEHOLDER = re.compile(r"\[[A-Z]+\]")


@dataclass(frozen=True, slots=True)
class Message:
    group: str
    act: Act
    text: str
    person: str


def _usable(text: str) -> bool:
    n = len(text.split())
    return _MIN_WORDS <= n <= _MAX_WORDS


def sample_messages(data_dir: Path, per_group: int, seed: int = 0) -> list[Message]:
    """The fixed sample: ``per_group`` messages per group, seeded, names cycled."""
    rng = random.Random(seed)
    test = [r for r in goemotions(data_dir) if r.split == "test"]

    def with_label(name: str) -> list[str]:
        index = GOEMOTIONS_LABELS.index(name)
        return [r.text for r in test if index in r.labels]

    pools = {
        "gratitude": with_label("gratitude"),
        "admiration": with_label("admiration"),
        "distress_dreaddit": [t for t, label, _ in dreaddit(data_dir) if label == "1"],
        "sadness_goemotions": with_label("sadness"),
        "announcement_li2014": list(li2014(data_dir)),
    }
    out: list[Message] = []
    for group, act in GROUPS:
        texts = sorted({_PLACEHOLDER.sub("Sam", t).strip() for t in pools[group]})
        texts = [t for t in texts if _usable(t)]
        chosen = rng.sample(texts, min(per_group, len(texts)))
        for text in chosen:
            out.append(Message(group, act, text, NAMES[len(out) % len(NAMES)]))
    return out


def baseline_draft(message: Message) -> str:
    """The fixed template for the message's act, with the first name."""
    return BASELINE[message.act].format(name=message.person.split()[0])


def _stock(texts: Sequence[str]) -> frozenset[str]:
    return frozenset(w for t in texts for w in content_words(t.replace("{", " ").replace("}", " ")))


_OUR_STOCK = _stock(
    [line for pools in LINES.values() for lines in pools.values() for line in lines]
    + [line for lines in STAR_LINES.values() for line in lines]
)
_BASELINE_STOCK = _stock(list(BASELINE.values()))


def specific(message: str, draft: str, stock: frozenset[str], person: str) -> bool:
    """Whether ``draft`` mentions a content word of ``message`` beyond the system's stock."""
    names = {w.lower() for w in person.split()}
    words = set(content_words(message)) - stock - names
    return bool(words & set(content_words(draft)))


class EpitomeEvaluator:
    """Two bag-of-n-grams classifiers (emotional reaction, interpretation) fitted on EPITOME's
    Reddit responses at bench time. Evaluation only: never saved, never shipped."""

    MECHANISMS: ClassVar[dict[str, str]] = {
        "emotional_reaction": "emotional-reactions",
        "interpretation": "interpretations",
    }

    def __init__(self, data_dir: Path, seed: int = 0) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import accuracy_score, f1_score
        from sklearn.pipeline import make_pipeline

        from ..training._readers import FIX

        self.models: dict[str, Any] = {}
        self.report: dict[str, Any] = {}
        folder = data_dir / "epitome-empathy-reddit"
        for mechanism, stem in self.MECHANISMS.items():
            path = require(folder / f"{stem}-reddit.csv")
            rows = _epitome_rows(path, FIX)
            train = [(t, y) for t, y, post in rows if _held_out(post, seed) is False]
            test = [(t, y) for t, y, post in rows if _held_out(post, seed)]
            model = make_pipeline(
                TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced"),
            )
            model.fit([t for t, _ in train], [y for _, y in train])
            predicted = model.predict([t for t, _ in test])
            truth = [y for _, y in test]
            majority = max(np.mean(truth), 1 - np.mean(truth))
            self.models[mechanism] = model
            self.report[mechanism] = {
                "train": len(train),
                "test": len(test),
                "test_positive_share": round(float(np.mean(truth)), 3),
                "accuracy": round(float(accuracy_score(truth, predicted)), 3),
                "macro_f1": round(float(f1_score(truth, predicted, average="macro")), 3),
                "majority_accuracy": round(float(majority), 3),
            }

    def rates(self, drafts: Sequence[str]) -> dict[str, float]:
        """The share of ``drafts`` in which each mechanism is judged present."""
        if not drafts:
            return dict.fromkeys(self.models, 0.0)
        return {
            name: round(float(np.mean(model.predict(list(drafts)))), 3)
            for name, model in self.models.items()
        }


def _held_out(post_id: str, seed: int) -> bool:
    digest = hashlib.sha256(f"{seed}:{post_id}".encode()).digest()
    return digest[0] < 256 * 0.2


def _epitome_rows(path: Path, fix: str) -> list[tuple[str, int, str]]:
    import csv

    from ...errors import DataError

    rows: list[tuple[str, int, str]] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.DictReader(f)
        if not {"sp_id", "response_post", "level"} <= set(reader.fieldnames or ()):
            raise DataError(f"{path}: expected sp_id, response_post and level columns. {fix}")
        for row in reader:
            level = (row["level"] or "").strip()
            if level not in ("0", "1", "2"):
                raise DataError(f"{path}, line {reader.line_num}: level {level!r}. {fix}")
            rows.append((row["response_post"] or "", int(level >= "1"), row["sp_id"]))
    return rows


def _summary(
    messages: Sequence[Message], drafts: Sequence[str], stock: frozenset[str], guard: Guard
) -> dict[str, Any]:
    hits = [specific(m.text, d, stock, m.person) for m, d in zip(messages, drafts, strict=True)]
    passed = [guard.check(d).verdict == "ok" for d in drafts]
    return {
        "n": len(drafts),
        "specificity": round(float(np.mean(hits)), 3) if hits else 0.0,
        "distinct_1": round(distinct_n(drafts, 1), 3),
        "distinct_2": round(distinct_n(drafts, 2), 3),
        "guard_pass": round(float(np.mean(passed)), 3) if passed else 0.0,
        "unique": len(set(drafts)),
    }


def _timed(make: Callable[[], str]) -> tuple[str, float]:
    start = time.perf_counter()
    text = make()
    return text, (time.perf_counter() - start) * 1000


def composer_benchmarks(
    data_dir: Path,
    *,
    quick: bool = False,
    per_group: int | None = None,
    seed: int = 0,
    model_dir: Path | None = None,
    guard: Guard | None = None,
    echo: Callable[[str], None] = lambda _line: None,
) -> dict[str, Any]:
    """Run the benchmark of the module docstring; return JSON-able results.

    ``per_group`` messages per group (default 100, or 20 with ``quick``); the guard runs on
    the fast tier of ``model_dir`` (default: the shipped model) unless ``guard`` is given.
    """
    from ...composer import Drafter
    from ...engine import Scorer
    from ...guard import Guard

    started = time.perf_counter()
    guard = guard or Guard(Scorer("fast", model_dir))
    n = per_group or (QUICK_PER_GROUP if quick else PER_GROUP)
    echo("bench: composer sample")
    messages = sample_messages(data_dir, n, seed)
    guard.check("warm up the guard")  # its first call loads the model; time drafts, not that
    drafter = Drafter(seed=seed, guard=guard)
    ours: list[str] = []
    theirs: list[str] = []
    our_ms: list[float] = []
    their_ms: list[float] = []
    echo(f"bench: drafting {len(messages)} messages")
    for i, message in enumerate(messages):
        item = Item(
            "bench",
            f"m{i}",
            ItemKind.COMMENT,
            Author(message.person.lower(), message.person),
            message.text,
        )
        opp = Opportunity(
            f"bench{i:05d}",
            message.act,
            message.person,
            "bench",
            (item.remote_id,),
            message.group,
            Priority.UNANSWERED,
        )

        def ours_draft(o: Opportunity = opp, it: Item = item) -> str:
            return drafter.draft(o, [it]).text

        text, ms = _timed(ours_draft)
        ours.append(text)
        our_ms.append(ms)

        def canned(m: Message = message) -> str:
            text = baseline_draft(m)
            guard.check(text)
            return text

        text, ms = _timed(canned)
        theirs.append(text)
        their_ms.append(ms)
    echo("bench: EPITOME evaluator")
    evaluator = EpitomeEvaluator(data_dir, seed)
    systems: dict[str, Any] = {}
    for name, drafts, stock, times in (
        ("cyberkind", ours, _OUR_STOCK, our_ms),
        ("baseline", theirs, _BASELINE_STOCK, their_ms),
    ):
        result: dict[str, Any] = {"all": _summary(messages, drafts, stock, guard)}
        for group, _ in GROUPS:
            idx = [i for i, m in enumerate(messages) if m.group == group]
            result[group] = _summary(
                [messages[i] for i in idx], [drafts[i] for i in idx], stock, guard
            )
        hugs = [d for d, m in zip(drafts, messages, strict=True) if m.act is Act.HUG]
        result["hug_mechanisms"] = {"n": len(hugs), **evaluator.rates(hugs)}
        result["latency_ms"] = {
            "mean": round(statistics.fmean(times), 3),
            "p50": round(float(np.percentile(times, 50)), 3),
            "p95": round(float(np.percentile(times, 95)), 3),
        }
        systems[name] = result
    examples = [
        {"group": m.group, "message": m.text, "cyberkind": ours[i], "baseline": theirs[i]}
        for i, m in enumerate(messages)
        if i % max(1, n) == 0
    ]
    return {
        "per_group": n,
        "seed": seed,
        "groups": {g: act.value for g, act in GROUPS},
        "systems": systems,
        "epitome_evaluator": evaluator.report,
        "examples": examples,
        "seconds": round(time.perf_counter() - started, 1),
    }


def composer_markdown(report: dict[str, Any]) -> str:
    """The composer section of benchmarks.md."""
    ours, base = report["systems"]["cyberkind"], report["systems"]["baseline"]
    rows = []
    for key, label in (
        ("specificity", "specificity (mentions a content word of the message)"),
        ("distinct_1", "distinct-1 across drafts"),
        ("distinct_2", "distinct-2 across drafts"),
        ("guard_pass", "guard pass rate"),
    ):
        rows.append([label, ours["all"][key], base["all"][key]])
    for key, label in (
        ("emotional_reaction", "hug drafts with an emotional reaction (EPITOME)"),
        ("interpretation", "hug drafts with an interpretation (EPITOME)"),
    ):
        rows.append([label, ours["hug_mechanisms"][key], base["hug_mechanisms"][key]])
    for key in ("mean", "p95"):
        rows.append(
            [f"latency per draft, {key} ms", ours["latency_ms"][key], base["latency_ms"][key]]
        )
    rows.append(
        [
            "unique drafts",
            f"{ours['all']['unique']}/{ours['all']['n']}",
            f"{base['all']['unique']}/{base['all']['n']}",
        ]
    )
    group_rows = [
        [
            group,
            act,
            ours[group]["n"],
            ours[group]["specificity"],
            base[group]["specificity"],
            ours[group]["distinct_2"],
            base[group]["distinct_2"],
            ours[group]["guard_pass"],
        ]
        for group, act in report["groups"].items()
    ]
    ev = report["epitome_evaluator"]
    ev_rows = [
        [name, r["train"], r["test"], r["accuracy"], r["macro_f1"], r["majority_accuracy"]]
        for name, r in ev.items()
    ]
    example_rows = [
        [
            e["group"],
            " ".join(e["message"].split())[:100].replace("|", "/"),
            " ".join(e["cyberkind"].split()).replace("|", "/"),
            e["baseline"],
        ]
        for e in report["examples"]
    ]
    return f"""## Composer: drafts beside a fixed-template baseline

{report["per_group"]} real messages per group (seed {report["seed"]}; GoEmotions test
comments, Dreaddit stress posts, Li et al. 2014 life-event tweets), drafted by the composer
(default voice, one batch) and by one canned reply per act. {report["seconds"]} s.
`cyberkind bench --only composer`; method in `cyberkind.lab.bench.composer`.

{_table(["measure", "cyberkind", "fixed templates"], rows)}

### Per group

{
        _table(
            [
                "group",
                "act",
                "n",
                "specificity (ours)",
                "specificity (baseline)",
                "distinct-2 (ours)",
                "distinct-2 (baseline)",
                "guard pass (ours)",
            ],
            group_rows,
        )
    }

### The EPITOME evaluator (evaluation only, trained at bench time, never shipped)

TF-IDF word 1-2-grams and a balanced logistic regression per mechanism, on EPITOME's Reddit
responses (level 1 or 2 = present), held out 20% by seeker post:

{_table(["mechanism", "train", "held-out", "accuracy", "macro-F1", "majority accuracy"], ev_rows)}

### Examples

{_table(["group", "message", "cyberkind", "fixed templates"], example_rows)}
"""


def composer_target_rows(report: dict[str, Any]) -> list[list[Any]]:
    """Rows for the targets table: the guard pass rate (must be 1.0), and beating the
    baseline on specificity, distinct-2 and interpretations in hug drafts."""
    ours, base = report["systems"]["cyberkind"], report["systems"]["baseline"]
    rows: list[list[Any]] = []
    passed = ours["all"]["guard_pass"]
    rows.append(["Composer guard pass rate", passed, "-", "= 1.00",
                 "met" if passed == 1.0 else "NOT met"])  # fmt: skip
    for title, mine, theirs in (
        ("Composer specificity", ours["all"]["specificity"], base["all"]["specificity"]),
        ("Composer distinct-2", ours["all"]["distinct_2"], base["all"]["distinct_2"]),
        (
            "Composer hug interpretations (EPITOME)",
            ours["hug_mechanisms"]["interpretation"],
            base["hug_mechanisms"]["interpretation"],
        ),
    ):
        rows.append([title, mine, "-", f"> fixed templates ({theirs:.3f})",
                     "met" if mine > theirs else "NOT met"])  # fmt: skip
    return rows
