"""The reply benchmark: one right reply for each comment (issue 15).

``data/replies.jsonl`` holds 210 comments written by hand for this benchmark (see
``scripts/make_reply_benchmark.py``), 15 in each of 14 categories: thanks, praise of a detail,
news, grief, distress, crisis, a question with a matching link (the file's first line is the
link library) and without one, an idea, a third-party share, a troll, spam, backhanded
criticism and plain disagreement. Each names its **expected act** (today's
:class:`~cyberkind.models.Act` values, plus ``needs_care`` for trolls and spam, which get no
thank-you, star or quote, and ``discuss`` for criticism and disagreement, which get a calm
reply about the issue), its **forbidden moves** and its **required moves**; 26 carry a reply
written by hand (``reference``).

A *system* turns comments into replies (an act, a text, and whether it is private with
resources attached). :func:`template_system` is the product without an LLM: each comment goes
on the blogger's own post into an in-memory store, is read by the engine as the inbox reads it
(:meth:`cyberkind.engine.Scorer.read`: the public labels plus the tier's extra heads), the
inbox's triage derives its one opportunity (:func:`cyberkind.inbox.derive_thread`), and the
composer drafts it by the reply plan (:mod:`cyberkind.composer.plan`), answering questions
from the link library. It runs once per engine tier given (``templates (fast)``,
``templates (reading)``...), so the tiers are compared on the same comments with the same
guard. :func:`baseline_system` is the behaviour before issue 15, side by side in the same
run: every comment gets ``thank_commenter`` and the thank-you template (a thanks line, a
quoted phrase of theirs, a gold star).

Measures per system:

- **act accuracy**: primary act == expected act (and per category);
- **forbidden-move rate**: share of the comments with forbidden moves whose reply makes one
  (moves are read from the text: ``thank``, ``star``, ``quote`` (three or more of their words
  in quotation marks), ``praise``, ``congratulate``, ``praise_comment``);
- **required-move rate**: share of the comments with required moves whose reply makes all
  (``thank``, ``congratulate``, ``sympathy``, ``star``, ``resources`` and ``private`` for a
  crisis, ``two_stars`` for an idea, ``link``: the expected URL, ``thank_third_party``: the
  person named as sharing, outside any quote);
- **link use** where a link exists (the question_link comments);
- **opportunities per comment** (more than one means the blogger answers twice);
- **fluency**: mean per-token log-probability (SmolLM2-135M-Instruct, :mod:`.fluency`) of the
  replies to the comments with a hand-written reply, beside the hand-written replies', and the
  share of replies not more than the calibrated threshold below their hand-written one;
- **distinct-1 / distinct-2** over all replies; **guard pass rate** (``verdict == "ok"``);
- **draft time** p50 and p99 per reply (the composer's ``draft`` with its guard re-checks,
  without an LLM), where a system reports it.

**Usage**::

    >>> report = reply_benchmark([Scorer(), Scorer("reading")], Guard(), fluency=FluencyJudge())
    >>> report["systems"]["templates (reading)"]["act_accuracy"]
"""

from __future__ import annotations

import importlib.resources
import json
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...models import Author, Item, ItemKind, Link
from ...phrases import distinct_n
from ._report import table as _table
from .fluency import DEFAULT_THRESHOLD, FluencyJudge

if TYPE_CHECKING:
    from ...engine import Scorer
    from ...guard import Guard

__all__ = [
    "MORE_SETS",
    "Comment",
    "Reply",
    "ReplySystem",
    "baseline_system",
    "heldout_markdown",
    "load_comments",
    "more_sets",
    "more_sets_markdown",
    "moves",
    "replies_markdown",
    "reply_benchmark",
    "score_replies",
    "template_system",
]

DATA_FILE = "replies.jsonl"
HELDOUT_FILE = "replies_heldout.jsonl"
"""70 more comments (5 per category, the same link library), written by the developers after
the triage rules were last revised on the errors of :data:`DATA_FILE`, and before any system
was run on them. Used for error analysis since 2026-12-07 (see :data:`MORE_SETS`)."""
MORE_SETS: tuple[tuple[str, str, str], ...] = (
    (
        HELDOUT_FILE,
        "Set A: 70 comments, the same link library (error analysis)",
        "Written by the developers before any system ran on them; two crisis misses were "
        "fixed from it, and from 2026-12-07 its errors were read: an error-analysis set now.",
    ),
    (
        "replies_set_b.jsonl",
        "Set B: 84 comments, its own blog and link library (error analysis)",
        "Written by a helper session that never saw cyberkind's rules, data or benchmarks "
        "(6 per category). First measured blind on commit f02eeaa (reading tier: act 0.738, "
        "forbidden 0.167, link use 0.000); then its errors were read.",
    ),
    (
        "replies_set_c.jsonl",
        "Set C: 84 comments, another blog and link library (error analysis)",
        "Written the same way by another helper session. First measured blind on commit "
        "8e429e9 (act 0.762, forbidden 0.146, link use 0.000); from commit a28d2e7 its "
        "question comments were read for the link matcher.",
    ),
    (
        "replies_set_d.jsonl",
        "Set D: 84 comments, a third blog and link library (blind)",
        "Written the same way by a third helper session. Never read by the developers: only "
        "its totals are looked at, so it stays a measure of generalisation. Please keep it so "
        "(measure, do not read). First measured on commit a28d2e7 (act 0.845, forbidden "
        "0.042, link use 0.000).",
    ),
    (
        "replies_set_e.jsonl",
        "Set E: 84 comments, a fourth blog and link library (blind)",
        "Written the same way by a fourth helper session on 2026-12-07, after set D had been "
        "looked at four times. Never read by the developers: only its totals are looked at. "
        "First measured on commit 896abba (reading tier: act 0.809, forbidden 0.188, link "
        "use 0.167).",
    ),
    (
        "replies_set_j.jsonl",
        "Set J: 84 comments, a tenth blog and link library (blind)",
        "Written the same way by a helper session on 2026-12-07, after the meaning act reader "
        "and the link judge landed and sets D and E had been looked at six and three times. "
        "Never read by the developers: only its totals are looked at. First measured on commit "
        "435b075 (reading tier: act 0.952, forbidden 0.000, link use 0.167).",
    ),
    (
        "replies_set_k.jsonl",
        "Set K: 84 comments, an eleventh blog and link library (blind)",
        "Written the same way by a helper session on 2026-12-08, after set J had been looked at "
        "once. Never read by the developers: only its totals are looked at. First measured on "
        "commit eb6c52d (reading tier: act 0.917, forbidden 0.042, link use 0.667).",
    ),
    (
        "replies_set_f.jsonl",
        "Set F: 84 comments, an adult cello learner's blog (error analysis)",
        "Written the same way by a fifth helper session on 2026-12-07. First measured on "
        "commit 896abba (act 0.786, forbidden 0.146, link use 0.167); then its errors were read.",
    ),
    (
        "replies_set_g.jsonl",
        "Set G: 84 comments, a bicycle restorer's blog (error analysis)",
        "Written the same way by a sixth helper session. First measured on commit 896abba (act "
        "0.726, forbidden 0.208, link use 0.500); then its errors were read.",
    ),
    (
        "replies_set_h.jsonl",
        "Set H: 84 comments, a Welsh learner's blog (error analysis)",
        "Written the same way by a seventh helper session, after the act reader learned to read "
        "meaning. First measured with it (act 0.857, forbidden 0.042, link use 0.500); then its "
        "errors were read.",
    ),
    (
        "replies_set_i.jsonl",
        "Set I: 84 comments, a market bookstall's blog (error analysis)",
        "Written the same way by an eighth helper session, a third of the comments under ten "
        "words. First measured with the meaning reader (act 0.929, forbidden 0.021, link use "
        "0.833); then its errors were read.",
    ),
)
"""More comment sets, reported beside :data:`DATA_FILE`: (file, heading, provenance)."""
SOURCE = "bench"


@dataclass(frozen=True, slots=True)
class Comment:
    """One benchmark comment on the blogger's own post, with what a right reply does."""

    id: str
    category: str
    post: str
    author: str
    text: str
    expected_act: str
    forbidden: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    link: str = ""
    third_party: str = ""
    reference: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """A system's reply: its primary ``act`` ('none' when it offers none) and draft ``text``."""

    act: str
    text: str
    opportunities: int = 1
    private: bool = False
    resources: int = 0
    acts: tuple[str, ...] = field(default=())
    ms: float = 0.0
    """Milliseconds the system took to draft this reply (0.0 when it does not say)."""


ReplySystem = Callable[[Sequence[Comment]], list[Reply]]
"""A system: one reply per comment, in order."""


def load_comments(
    path: Path | None = None, data_file: str = DATA_FILE
) -> tuple[list[Comment], list[Link]]:
    """The benchmark's comments and its link library (the file's first line): ``path``, or the
    packaged ``data_file`` (:data:`DATA_FILE`, or :data:`HELDOUT_FILE`).

    **Usage**::

        >>> comments, links = load_comments()
        >>> len(comments)
        210
    """
    if path is None:
        text = (importlib.resources.files(__package__) / "data" / data_file).read_text("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    links = [
        Link(x["url"], x["title"], x.get("description", ""), tuple(x.get("tags", ())))
        for x in lines[0]["links"]
    ]
    comments = [
        Comment(
            id=row["id"],
            category=row["category"],
            post=row["post"],
            author=row["author"],
            text=row["text"],
            expected_act=row["expected_act"],
            forbidden=tuple(row.get("forbidden", ())),
            required=tuple(row.get("required", ())),
            link=row.get("link", ""),
            third_party=row.get("third_party", ""),
            reference=row.get("reference", ""),
        )
        for row in lines[1:]
    ]
    return comments, links


# -- moves -----------------------------------------------------------------------------------

_PATTERNS = {
    "thank": re.compile(r"\b(?:thank|thanks|thankyou|grateful|appreciate)", re.I),
    "star": re.compile(r"\bstars?\b", re.I),
    "praise": re.compile(
        r"made my day|made me smile|so well put|put it so well|\blovely\b|\bloved\b|what a kind"
        r"|such a good point|yes, exactly|stayed with me|smiled at",
        re.I,
    ),
    "congratulate": re.compile(r"congratulat|well done|hooray|well deserved|celebrat", re.I),
    "praise_comment": re.compile(r"your comment made my day|comments like yours", re.I),
    "sympathy": re.compile(r"\bsorry\b|condolence|thinking of you|heart goes out", re.I),
    "two_stars": re.compile(r"\b(?:two|2|double|three|3)\s+(?:\w+\s+){0,2}stars\b", re.I),
}
_QUOTED = re.compile(r"[\"\u201c]([^\"\u201d]+)[\"\u201d]")
_WORDS = re.compile(r"[\w'\u2019]+")


def _quotes_them(reply: str, comment: str) -> bool:
    said = " ".join(w.lower() for w in _WORDS.findall(comment))
    for span in _QUOTED.findall(reply):
        words = [w.lower() for w in _WORDS.findall(span)]
        if len(words) >= 3 and f" {' '.join(words)} " in f" {said} ":
            return True
    return False


def moves(reply: Reply, comment: Comment) -> frozenset[str]:
    """The moves ``reply`` makes, read from its text (see the module docstring).

    **Usage**::

        >>> c = Comment("t", "troll", "p", "X", "you idiot, go away", "needs_care")
        >>> sorted(moves(Reply("thank_commenter", 'Thanks! "you idiot, go away"'), c))
        ['quote', 'thank']
    """
    text = reply.text
    found = {name for name, pattern in _PATTERNS.items() if pattern.search(text)}
    if _quotes_them(text, comment.text):
        found.add("quote")
    if reply.resources:
        found.add("resources")
    if reply.private:
        found.add("private")
    if comment.link and comment.link in text:
        found.add("link")
    # The person named as sharing is thanked in the reply's own words, not in a quote of theirs.
    unquoted = _QUOTED.sub(" ", text)
    if comment.third_party and comment.third_party in unquoted and "thank" in found:
        found.add("thank_third_party")
    return frozenset(found)


# -- the systems -------------------------------------------------------------------------------


def baseline_system(seed: int = 0) -> ReplySystem:
    """Before issue 15: every comment is thanked with the template (thanks, a quoted phrase of
    theirs, a gold star), whatever it says.

    **Usage**::

        >>> baseline_system()(comments[:1])[0].act
        'thank_commenter'
    """
    import random

    from ...composer.templates import LINES, STAR_LINES
    from ...models import Act
    from ...phrases import key_phrase

    lines = LINES[Act.THANK_COMMENTER]

    def run(comments: Sequence[Comment]) -> list[Reply]:
        rng = random.Random(seed)
        out = []
        for c in comments:
            phrase = key_phrase(c.text)
            said = rng.choice(lines["specific"]).format(phrase=phrase) if phrase else ""
            star = rng.choice(STAR_LINES["1"]).format(name=c.author.split()[0])
            parts = [f"Hi {c.author.split()[0]},", rng.choice(lines["lead"]), said, star]
            out.append(Reply(Act.THANK_COMMENTER.value, " ".join(p for p in parts if p)))
        return out

    return run


def template_system(
    scorer: Scorer, guard: Guard, links: Sequence[Link], seed: int = 0
) -> ReplySystem:
    """The inbox's triage and the composer's reply plan as a :data:`ReplySystem` (see the module
    docstring).

    **Usage**::

        >>> system = template_system(Scorer(), Guard(), links)
        >>> system(comments[:1])[0].act
        'thank_commenter'
    """
    from ...composer import Drafter
    from ...inbox import derive_thread
    from ...links import LinkLibrary
    from ...store import open_store
    from ...triage import read_message

    def run(comments: Sequence[Comment]) -> list[Reply]:
        store = open_store(":memory:")
        store.upsert_links(list(links))
        library = LinkLibrary(store)
        thresholds = scorer.thresholds()
        scores = scorer.read([c.text for c in comments])
        drafter = Drafter(seed=seed, guard=guard)
        me = Author("me", "Me", "https://kindblog.example")
        out: list[Reply] = []
        for i, (comment, score) in enumerate(zip(comments, scores, strict=True)):
            post_id = f"post-{i}"
            post = Item(SOURCE, post_id, ItemKind.POST, me, comment.post, is_own=True,
                        raw={"title": comment.post})  # fmt: skip
            item = Item(
                SOURCE,
                f"comment-{i}",
                ItemKind.COMMENT,
                Author(comment.author.lower().replace(" ", "-"), comment.author),
                comment.text,
                parent_remote_id=post_id,
                thread_id=post_id,
            )
            store.upsert_items([post, item], {item.remote_id: score})
            opps = sorted(
                derive_thread(store, SOURCE, post_id, thresholds),
                key=lambda o: (o.priority, o.act.value),
            )
            if not opps:
                out.append(Reply("none", "", 0))
                continue
            primary = opps[0]
            found = []
            if read_message(comment.text, score).question:
                found = library.candidates_for_text(comment.text, limit=5)
            started = time.perf_counter()
            draft = drafter.draft(primary, [item], [score], library=found)
            took = (time.perf_counter() - started) * 1000
            out.append(
                Reply(
                    primary.act.value,
                    draft.text,
                    len(opps),
                    draft.private,
                    len(draft.resources),
                    tuple(o.act.value for o in opps),
                    took,
                )
            )
        store.close()
        return out

    return run


# -- scoring ---------------------------------------------------------------------------------


def _share(values: Sequence[bool]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def score_replies(
    comments: Sequence[Comment],
    replies: Sequence[Reply],
    guard: Guard,
    fluency: FluencyJudge | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> dict[str, Any]:
    """Every measure of the module docstring for one system's ``replies``."""
    if len(comments) != len(replies):
        raise ValueError(f"{len(comments)} comments but {len(replies)} replies")
    made = [moves(r, c) for c, r in zip(comments, replies, strict=True)]
    pairs = list(zip(comments, replies, made, strict=True))
    categories = sorted({c.category for c in comments})
    with_forbidden = [(c, m) for c, _, m in pairs if c.forbidden]
    with_required = [(c, m) for c, _, m in pairs if c.required]
    forbidden_counts: dict[str, int] = {}
    for c, m in with_forbidden:
        for move in set(c.forbidden) & m:
            forbidden_counts[move] = forbidden_counts.get(move, 0) + 1
    texts = [r.text for r in replies if r.text]
    out: dict[str, Any] = {
        "n": len(comments),
        "act_accuracy": _share([r.act == c.expected_act for c, r, _ in pairs]),
        "forbidden_rate": _share([bool(set(c.forbidden) & m) for c, m in with_forbidden]),
        "forbidden_moves": dict(sorted(forbidden_counts.items())),
        "required_rate": _share([set(c.required) <= m for c, m in with_required]),
        "link_use": _share(["link" in m for c, _, m in pairs if c.link]),
        "opportunities_per_comment": round(sum(r.opportunities for r in replies) / len(replies), 3)
        if replies
        else None,
        "answers_twice": _share([r.opportunities > 1 for r in replies]),
        "distinct_1": round(distinct_n(texts, 1), 4),
        "distinct_2": round(distinct_n(texts, 2), 4),
        "guard_pass": _share([guard.check(t).verdict == "ok" for t in texts]),
        "draft_ms_p50": _percentile([r.ms for r in replies if r.ms], 50),
        "draft_ms_p99": _percentile([r.ms for r in replies if r.ms], 99),
        "per_category": {
            cat: {
                "act_accuracy": _share(
                    [r.act == c.expected_act for c, r, _ in pairs if c.category == cat]
                ),
                "forbidden_rate": _share(
                    [
                        bool(set(c.forbidden) & m)
                        for c, _, m in pairs
                        if c.category == cat and c.forbidden
                    ]
                ),
                "required_rate": _share(
                    [set(c.required) <= m for c, _, m in pairs if c.category == cat and c.required]
                ),
                "acts": _counts([r.act for c, r, _ in pairs if c.category == cat]),
            }
            for cat in categories
        },
        "fluency": None,
    }
    if fluency is not None:
        rows = [(c, r) for c, r, _ in pairs if c.reference and r.text]
        ours = fluency.mean([r.text for _, r in rows])
        refs = fluency.mean([c.reference for c, _ in rows])
        ok = [math.isfinite(y) and y - x >= threshold for y, x in zip(ours, refs, strict=True)]
        out["fluency"] = {
            "n_with_reference": len(rows),
            "logprob_replies": _mean(ours),
            "logprob_references": _mean(refs),
            "acceptable_vs_reference": _share(ok),
            "threshold": threshold,
        }
    return out


def _percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (nearest rank) of ``values``; ``None`` when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return round(ordered[rank - 1], 2)


def _mean(values: Sequence[float]) -> float | None:
    finite = [v for v in values if math.isfinite(v)]
    return round(sum(finite) / len(finite), 4) if finite else None


def _counts(values: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


TARGETS = {"act_accuracy": 0.90, "forbidden_rate": 0.0, "link_use": 0.90}
"""The issue's targets for the reply benchmark."""


def reply_benchmark(
    scorers: Scorer | Sequence[Scorer],
    guard: Guard,
    *,
    fluency: FluencyJudge | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    systems: Mapping[str, ReplySystem] | None = None,
    seed: int = 0,
    path: Path | None = None,
    data_file: str = DATA_FILE,
) -> dict[str, Any]:
    """Run every system on the benchmark's comments: the product (``templates (TIER)``) once
    per scorer in ``scorers``, and ``baseline`` (before issue 15) always.

    **Usage**::

        >>> report = reply_benchmark([Scorer("fast"), Scorer("reading")], Guard())
        >>> report["systems"]["templates (fast)"]["forbidden_rate"]
    """
    comments, links = load_comments(path, data_file)
    chosen = [scorers] if not isinstance(scorers, Sequence) else list(scorers)
    every: dict[str, ReplySystem] = {
        f"templates ({s.tier})": template_system(s, guard, links, seed) for s in chosen
    }
    every["baseline"] = baseline_system(seed)
    every.update(systems or {})
    report: dict[str, Any] = {
        "n": len(comments),
        "categories": _counts([c.category for c in comments]),
        "with_reference": sum(bool(c.reference) for c in comments),
        "targets": TARGETS,
        "tiers": [s.tier for s in chosen],
        "systems": {},
        "examples": {},
    }
    for name, system in every.items():
        replies = system(comments)
        report["systems"][name] = score_replies(comments, replies, guard, fluency, threshold)
        # One example per category (the comments were written for this benchmark).
        seen: set[str] = set()
        examples = []
        for c, r in zip(comments, replies, strict=True):
            if c.category not in seen:
                seen.add(c.category)
                examples.append({"id": c.id, "comment": c.text, "act": r.act, "reply": r.text})
        report["examples"][name] = examples
    return report


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def heldout_markdown(
    report: dict[str, Any],
    heading: str = "### Held-out comments",
    note: str = "",
    data_file: str = HELDOUT_FILE,
) -> str:
    """A further comment set's report (:data:`MORE_SETS`) as Markdown: the act and move
    measures side by side, then act accuracy per category."""
    names = list(report["systems"])
    rows = [
        [title, *[_fmt(report["systems"][n][key]) for n in names]]
        for key, title in (
            ("act_accuracy", "Act accuracy (target >= 0.90)"),
            ("forbidden_rate", "Forbidden-move rate (target 0)"),
            ("required_rate", "Required-move rate"),
            ("link_use", "Link use where a link exists (target >= 0.90)"),
        )
    ]
    rows += [
        [f"Act accuracy: {cat}",
         *[_fmt(report["systems"][n]["per_category"][cat]["act_accuracy"]) for n in names]]
        for cat in report["categories"]
    ]  # fmt: skip
    return "\n".join(
        [
            heading,
            "",
            f"{report['n']} comments ({data_file}, {len(report['categories'])} categories). "
            + (note or "Written before any system was run on them."),
            "",
            _table(["Measure", *names], rows),
            "",
        ]
    )


def more_sets(scorers: Sequence[Scorer], guard: Guard, seed: int = 0) -> dict[str, dict[str, Any]]:
    """:func:`reply_benchmark` on every set of :data:`MORE_SETS`, by file name."""
    return {
        data_file: reply_benchmark(scorers, guard, seed=seed, data_file=data_file)
        for data_file, _, _ in MORE_SETS
    }


def more_sets_markdown(reports: dict[str, dict[str, Any]], level: str = "###") -> str:
    """The reports of :func:`more_sets` as Markdown, one section each."""
    return "\n".join(
        heldout_markdown(reports[data_file], f"{level} {heading}", note, data_file)
        for data_file, heading, note in MORE_SETS
        if data_file in reports
    )


def replies_markdown(report: dict[str, Any], heading: str = "# Reply benchmark") -> str:
    """The report as Markdown: the measures side by side, then per category.

    ``heading`` opens it (``"## Replies"`` inside docs/benchmarks.md, whose per-category
    table then sits under a ``###`` heading).
    """
    sub = "#" * (heading.count("#") + 1)
    names = list(report["systems"])
    rows = []
    for key, title in (
        ("act_accuracy", "Act accuracy (target >= 0.90)"),
        ("forbidden_rate", "Forbidden-move rate (target 0)"),
        ("required_rate", "Required-move rate"),
        ("link_use", "Link use where a link exists (target >= 0.90)"),
        ("opportunities_per_comment", "Opportunities per comment"),
        ("answers_twice", "Comments answered more than once"),
        ("distinct_1", "Distinct-1"),
        ("distinct_2", "Distinct-2"),
        ("guard_pass", "Guard pass rate"),
        ("draft_ms_p50", "Draft time p50, ms (the composer's draft, guard re-check included)"),
        ("draft_ms_p99", "Draft time p99, ms (target <= 50 without an LLM)"),
    ):
        rows.append([title, *[_fmt(report["systems"][n][key]) for n in names]])
    for key, title in (
        ("logprob_replies", "Fluency: mean log-prob of replies (rows with a reference)"),
        ("logprob_references", "Fluency: mean log-prob of the hand-written replies"),
        ("acceptable_vs_reference", "Fluency: share not far below the hand-written reply"),
    ):
        rows.append(
            [title, *[_fmt((report["systems"][n]["fluency"] or {}).get(key)) for n in names]]
        )
    lines = [
        heading,
        "",
        f"{report['n']} comments written by hand ({len(report['categories'])} categories, "
        f"{report['with_reference']} with a hand-written reply); see "
        "`src/cyberkind/lab/bench/replies.py` for the measures.",
        "",
        _table(["Measure", *names], rows),
        "",
        f"{sub} Per category",
        "",
    ]
    cat_rows = []
    for cat in report["categories"]:
        for n in names:
            p = report["systems"][n]["per_category"][cat]
            acts = ", ".join(f"{a} {k}" for a, k in p["acts"].items())
            cat_rows.append(
                [cat, n, _fmt(p["act_accuracy"]), _fmt(p["forbidden_rate"]),
                 _fmt(p["required_rate"]), acts]
            )  # fmt: skip
    lines.append(
        _table(["Category", "System", "Act accuracy", "Forbidden", "Required", "Acts"], cat_rows)
    )
    lines.append("")
    return "\n".join(lines)
