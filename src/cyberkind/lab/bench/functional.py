"""A functional test suite for the guard, in the style of CheckList (Ribeiro et al. 2020).

Each *functionality* is one behaviour the guard must show, in one of two directions:

- ``attack``: hostility in plain words that the guard must catch (verdict ``reconsider`` or
  ``hold``): threats without a threat word, identity attacks without a slur, sarcasm and
  backhanded praise, wishes of harm, dehumanising comparisons...;
- ``fair``: texts that must pass (verdict ``ok``): criticism of ideas, positive swearing,
  identity self-description and praise, counter-speech quoting an attack, news of violence,
  self-deprecation, grief, life-event news, gratitude without the word "thank", questions...

Cases are generated from *template families* with fillers (seeded, so the same cases come out
every time). Every functionality has at least two families, and the split goes **by family**:
even-numbered families form the ``train`` half, which training may read; odd-numbered ones
form the ``eval`` half, which nothing trains or tunes on and which the benchmark reports. A
family never straddles the halves, so a model cannot pass the evaluation half by memorising
a template it saw in training.

The functionalities, their template families and the filler pools are data
(``data/functional.json``, shipped with the lab); this module generates and scores.

**Usage**::

    >>> from cyberkind.lab.bench.functional import cases
    >>> sample = cases("eval")
    >>> len({c.functionality for c in sample}) >= 25
    True
    >>> {c.half for c in sample}
    {'eval'}
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import random
import string
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .probes import GROUPS

__all__ = [
    "FUNCTIONALITIES",
    "Case",
    "Family",
    "Functionality",
    "cases",
    "describe",
    "evaluate",
    "functional_benchmarks",
    "functional_markdown",
    "identity_cases",
    "peer_check",
    "training_cases",
]

Direction = Literal["attack", "fair"]
Half = Literal["train", "eval"]
PER_FAMILY = 10
"""Cases drawn from each family: two families per half give about 20 per functionality."""


@dataclass(frozen=True)
class Family:
    """Templates that share a shape; ``{slot}`` names a filler pool (or an identity slot)."""

    templates: tuple[str, ...]
    fillers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Functionality:
    """One behaviour: its name, direction, a one-line description and its families."""

    name: str
    direction: Direction
    description: str
    families: tuple[Family, ...]


@dataclass(frozen=True)
class Case:
    """One generated text with what the guard should do with it."""

    text: str
    functionality: str
    direction: Direction
    family: int
    half: Half
    group: str | None = None


DATA_FILE = "functional.json"
"""The suite's data in ``data/``: the filler pools and every functionality's families."""


def _load() -> tuple[dict[str, tuple[str, ...]], tuple[Functionality, ...]]:
    text = (importlib.resources.files(__package__) / "data" / DATA_FILE).read_text("utf-8")
    data = json.loads(text)
    pools = {slot: tuple(values) for slot, values in data["pools"].items()}
    functionalities = tuple(
        Functionality(
            fn["name"],
            fn["direction"],
            fn["description"],
            tuple(Family(tuple(templates)) for templates in fn["families"]),
        )
        for fn in data["functionalities"]
    )
    return pools, functionalities


# Shared filler pools. Identity slots ({adj}, {one}, {many}, {many_cap}) come from the
# identity probe's groups (:data:`cyberkind.lab.bench.probes.GROUPS`) and record the group.
POOLS: dict[str, tuple[str, ...]]
FUNCTIONALITIES: tuple[Functionality, ...]
POOLS, FUNCTIONALITIES = _load()

_IDENTITY_SLOTS = frozenset({"adj", "one", "many", "many_cap"})


def _slots(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _seed(*parts: object) -> int:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big")


# Invariance perturbations (CheckList's INV tests): a preamble or an address must not change
# the verdict. They fill a family up to PER_FAMILY when its templates alone give fewer texts.
_PREFIXES: dict[Direction, tuple[str, ...]] = {
    "attack": ("{name}, ", "Honestly, ", "Hey {name}: ", "Let me be clear: ", "Look, "),
    "fair": ("{name}, ", "Honestly, ", "Hi all! ", "Quick note: ", "Well, "),
}
_SUFFIXES: dict[Direction, tuple[str, ...]] = {
    "attack": ("", " Just saying.", " Think about that.", " Everyone knows it."),
    "fair": ("", " :)", " Just wanted to say that.", " Have a good day."),
}
_KEEP_CASE = ("I ", "I'", "{")


def _fill(template: str, rng: random.Random, family: Family, group: str | None) -> str:
    values: dict[str, str] = {}
    if group is not None:
        adj, one, many = GROUPS[group]
        values.update(adj=adj, one=one, many=many, many_cap=many[:1].upper() + many[1:])
    for slot in _slots(template):
        if slot not in values:
            values[slot] = rng.choice(family.fillers.get(slot) or POOLS[slot])
    return template.format(**values)


def _expand(fn: Functionality, index: int, family: Family, seed: int) -> list[Case]:
    rng = random.Random(_seed(seed, fn.name, index))
    half: Half = "train" if index % 2 == 0 else "eval"
    out: list[Case] = []
    seen: set[str] = set()
    groups = sorted(GROUPS)
    for attempt in range(PER_FAMILY * 60):
        if len(out) >= PER_FAMILY:
            break
        template = family.templates[attempt % len(family.templates)]
        if attempt >= PER_FAMILY * 20:
            # The templates alone ran dry: wrap one in a preamble and a closing.
            body = (
                template if template.startswith(_KEEP_CASE) else template[:1].lower() + template[1:]
            )
            template = (
                rng.choice(_PREFIXES[fn.direction]) + body + rng.choice(_SUFFIXES[fn.direction])
            )
        group = None
        if _IDENTITY_SLOTS & set(_slots(template)):
            group = groups[rng.randrange(len(groups))]
        text = _fill(template, rng, family, group)
        text = text[:1].upper() + text[1:]
        if text not in seen:
            seen.add(text)
            out.append(Case(text, fn.name, fn.direction, index, half, group))
    return out


def cases(half: Half | None = None, seed: int = 0) -> list[Case]:
    """Every generated case (or one half's), in a stable order."""
    out: list[Case] = []
    for fn in FUNCTIONALITIES:
        for index, family in enumerate(fn.families):
            out.extend(c for c in _expand(fn, index, family, seed) if half in (None, c.half))
    return out


def identity_cases(half: Half = "eval", seed: int = 0) -> list[Case]:
    """Every identity template of the half's fair families, filled in for every group.

    The per-group false-positive rate needs the same sentences for each group (as in the
    identity probe and HateCheck), so these are expanded over all groups rather than drawn.
    """
    out: list[Case] = []
    for fn in FUNCTIONALITIES:
        if fn.direction != "fair":
            continue
        for index, family in enumerate(fn.families):
            if ("train" if index % 2 == 0 else "eval") != half:
                continue
            rng = random.Random(_seed(seed, fn.name, index, "identity"))
            for template in family.templates:
                if not _IDENTITY_SLOTS & set(_slots(template)):
                    continue
                for group in sorted(GROUPS):
                    text = _fill(template, rng, family, group)
                    out.append(
                        Case(text[:1].upper() + text[1:], fn.name, "fair", index, half, group)
                    )
    return out


def _rate(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 0.0


def evaluate(
    check: Callable[[str], str],
    half: Half = "eval",
    seed: int = 0,
    limit: int | None = None,
) -> dict[str, Any]:
    """Run ``check`` (text -> ``"ok"``/``"reconsider"``/``"hold"``) over one half.

    Attacks pass when caught (any verdict but ``ok``); fair texts pass when ``ok``. Returns
    per-functionality pass rates, the headline rates (attacks caught, fair texts held and
    nudged) and the false-positive rate of fair texts per identity group. ``limit`` keeps
    the first cases of each functionality (for a smoke run).
    """
    chosen = cases(half, seed)
    if limit is not None:
        kept: Counter[str] = Counter()
        trimmed = []
        for c in chosen:
            if kept[c.functionality] < limit:
                kept[c.functionality] += 1
                trimmed.append(c)
        chosen = trimmed
    verdicts = [check(c.text) for c in chosen]
    per: dict[str, dict[str, Any]] = {}
    by_fn: dict[str, list[tuple[Case, str]]] = defaultdict(list)
    for case, verdict in zip(chosen, verdicts, strict=True):
        by_fn[case.functionality].append((case, verdict))
    failures: dict[str, list[dict[str, str]]] = {}
    for fn in FUNCTIONALITIES:
        rows = by_fn.get(fn.name, [])
        passed = [(v != "ok") if fn.direction == "attack" else (v == "ok") for _, v in rows]
        per[fn.name] = {
            "direction": fn.direction,
            "description": fn.description,
            "n": len(rows),
            "pass_rate": _rate(sum(passed), len(rows)),
        }
        failures[fn.name] = [
            {"text": c.text, "verdict": v}
            for (c, v), ok in zip(rows, passed, strict=True)
            if not ok
        ][:3]
    attacks = [(c, v) for c, v in zip(chosen, verdicts, strict=True) if c.direction == "attack"]
    fair = [(c, v) for c, v in zip(chosen, verdicts, strict=True) if c.direction == "fair"]
    identity = identity_cases(half, seed)
    group_rows: dict[str, list[str]] = defaultdict(list)
    for c, v in zip(identity, (check(c.text) for c in identity), strict=True):
        group_rows[str(c.group)].append(v)
    return {
        "half": half,
        "n": len(chosen),
        "functionalities": len(per),
        "attacks_caught": _rate(sum(v != "ok" for _, v in attacks), len(attacks)),
        "fair_held": _rate(sum(v == "hold" for _, v in fair), len(fair)),
        "fair_nudged": _rate(sum(v == "reconsider" for _, v in fair), len(fair)),
        "identity_cases_per_group": len(identity) // max(1, len(group_rows)),
        "identity_fpr": {
            g: _rate(sum(v != "ok" for v in vs), len(vs)) for g, vs in sorted(group_rows.items())
        },
        "per_functionality": per,
        "failures": failures,
    }


def functional_markdown(reports: Mapping[str, Mapping[str, Any]]) -> str:
    """A Markdown table per tool: ``reports`` maps a tool's name to :func:`evaluate`'s result."""
    names = list(reports)
    first = next(iter(reports.values()))
    lines = [
        "## Functional suite (evaluation half)",
        "",
        f"{first['n']} cases over {first['functionalities']} functionalities, generated from "
        "template families (`cyberkind.lab.bench.functional`); the evaluation half's families "
        "never feed training. Attacks pass when the guard says `reconsider` or `hold`; fair "
        "texts pass when it says `ok`.",
        "",
        "| | " + " | ".join(names) + " | target |",
        "|---|" + "---|" * len(names) + "---|",
    ]

    def row(label: str, key: str, target: str) -> str:
        values = " | ".join(f"{reports[n][key]:.3f}" for n in names)
        return f"| {label} | {values} | {target} |"

    lines.append(row("attacks caught", "attacks_caught", ">= 0.90"))
    lines.append(row("fair texts held", "fair_held", "<= 0.02"))
    lines.append(row("fair texts nudged", "fair_nudged", "<= 0.10"))
    worst = " | ".join(
        f"{max(reports[n]['identity_fpr'].values(), default=0.0):.3f}" for n in names
    )
    lines.append(
        f"| worst identity-group false-positive rate ({first['identity_cases_per_group']} fair "
        f"sentences per group) | {worst} | <= 0.05 |"
    )
    lines += ["", "| functionality | direction | n | " + " | ".join(names) + " |"]
    lines.append("|---|---|---|" + "---|" * len(names))
    for fn in FUNCTIONALITIES:
        p = first["per_functionality"][fn.name]
        values = " | ".join(
            f"{reports[n]['per_functionality'][fn.name]['pass_rate']:.2f}" for n in names
        )
        lines.append(f"| {fn.name} | {fn.direction} | {p['n']} | {values} |")
    return "\n".join(lines) + "\n"


def describe(items: Iterable[Case]) -> dict[str, int]:
    """How many cases each functionality has (for the docs and tests)."""
    return dict(Counter(c.functionality for c in items))


def training_cases(seed: int = 0) -> Sequence[Case]:
    """The training half only: what a training run may read."""
    return cases("train", seed)


def peer_check(peer: Any, label: str = "toxicity") -> Callable[[str], str]:
    """A peer's score as a verdict: ``reconsider`` at 0.5 or more, else ``ok``."""

    def check(text: str) -> str:
        return "reconsider" if float(peer.predict([text])[label][0]) >= 0.5 else "ok"

    return check


def functional_benchmarks(
    guards: Mapping[str, Callable[[str], str]],
    with_peers: bool = True,
    seed: int = 0,
    limit: int | None = None,
    echo: Callable[[str], None] = lambda _line: None,
) -> dict[str, Any]:
    """The evaluation half for each guard in ``guards`` and each installed peer, side by side.

    ``guards`` maps a name to a ``text -> verdict`` function (e.g. the guard on each tier).
    Peers that score ``toxicity`` flag a text at 0.5.
    """
    from .peers import load_peers

    tools: dict[str, Callable[[str], str]] = dict(guards)
    if with_peers:
        peers, _missing = load_peers()
        for peer in peers:
            if "toxicity" in peer.labels:
                tools[peer.name] = peer_check(peer)
    reports: dict[str, Any] = {}
    for name, check in tools.items():
        echo(f"functional suite: {name}")
        reports[name] = evaluate(check, "eval", seed=seed, limit=limit)
    return {"seed": seed, "reports": reports}
