"""The crisis rule layer (cyberkind.classifiers.crisis_rules) and its data (training.crisis)."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from cyberkind.classifiers import crisis_rules
from cyberkind.classifiers.crisis_rules import (
    HIGH_SCORE,
    MEDIUM_SCORE,
    explicit_crisis,
    explicit_crisis_spans,
    normalize,
)
from cyberkind.lab.training.corpora import Example

# -- (a) explicit first-person statements: never missed --------------------------------------

EXPLICIT = [
    "I want to kill myself",
    "i dont want to be alive anymore",
    "I'm going to end it tonight",
    "I've been cutting myself again",
    "honestly i just wanna die",
    "Im gonna kill myself after the exam results come out",
    "I KEEP THINKING ABOUT KILLING MYSELF",
    "I have a plan to end my life on Sunday",
    "I tried to kill myself in 2019 and the thoughts are back",
    "i\u2019m suicidal and scared",
    "I want to die so bad rn",
    "I'm going to take my own life",
    "I've been self-harming for three years",
    "i cut my wrists last night",
    "by the time anyone sees this I'll be gone",
    "I wish I were dead",
    "i wanna kms",
    "kms. i mean it this time",
    "I'm going to jump off the bridge near my flat",
    "Ive started hurting myself again",
    "I want to hurt myself so badly",
    "I am going to commit suicide",
    "i think about suicide every single day",
    "I don't want to live anymore.",
    "I'm ready to die",
    "I hope I die in my sleep tonight",
    "i burned myself with a lighter again",
    "I took an overdose on purpose yesterday",
    "I'm writing my suicide note",
    "wanna die wanna die wanna die",
    "I want to end my life",
    "i want to killllll myself",
    "I wish I could just die",
    "I relapsed and cut myself",
    "I'd be better off dead",
    "i am gonna end it all",
    "I want to stop existing",
    "I've been suicidal for weeks",
    "I keep scratching myself until I bleed",
    "I have been feeling really suicidal lately",
    "I\u2019m going to hang myself",
    "imma kill myself fr",
    "I want to unalive myself",
    "I attempted suicide last spring",
    "I don't wanna wake up tomorrow",
    "i dont want to exist anymore \U0001f62d",
    "Part of me wants to die",
    "I'm trying so hard not to cut myself tonight",
    # means kept back, then the time (a miss of the fast tier in the reply benchmark)
    "Ive been saving my sleeping pills, tonight is the night",
    "Got a stash of painkillers and today is the day.",
]


@pytest.mark.parametrize("text", EXPLICIT)
def test_explicit_statements_score_high(text: str) -> None:
    assert explicit_crisis([text]) == [HIGH_SCORE]


# -- (b) idioms, hyperbole, third person, news, prevention, attacks: low --------------------

NOT_CRISIS = [
    "this traffic is killing me",
    "I could die of embarrassment lol",
    "kill the process",
    "that joke killed me",
    "I'd kill for a coffee",
    "kys",
    "kys loser",
    "go kill yourself",
    "you should kill yourself",
    "do you want to die?",
    "police say the man died by suicide",
    "The senator's aide took his own life, police confirmed",
    "Suicide rates among teens rose last year",
    "If you're having thoughts of suicide, please call 988",
    "September is Suicide Prevention Awareness Month",
    "We're raising money for a suicide prevention charity",
    "this boss fight killed me 10 times",
    "I died like 50 times on that level",
    "my phone is dead",
    "I'm dying to see the new Dune",
    "that dress is to die for",
    "I'm dead \U0001f480\U0001f480",
    "my feet are killing me",
    "the suspense is killing me",
    "kill -9 the stuck worker",
    "he threatened to kill himself if I left",
    "My cousin died by suicide two years ago",
    "I cut myself shaving",
    "I'm killing myself laughing at these memes",
    "I shot myself in the foot with that tweet",
    "I burned myself on the oven",
    "we got killed in the second half",
    "I'm so dead tired",
    "My friend says she wants to die, how can I help her?",
    "I'd rather die than wear crocs",
    "kill me now lol this meeting",
    "the basil plant died again",
    "delete the dead code",
    "we drove 100 kms from here",
    "I'm going to end it with him tonight",
    "I took my pills and tonight is the night of the big match",
    "I put my vitamin tablets aside for the trip",
    "Tonight is the night we finally bake the cake!",
    "collecting my meds from the pharmacy after work",
    "counting my tablets to check the pharmacy got it right",
]


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_idioms_news_prevention_and_attacks_score_low(text: str) -> None:
    assert explicit_crisis([text])[0] < 0.5


@pytest.mark.parametrize(
    "text",
    [
        "there's no reason to live",
        "everyone would be better off without me",
        "I can't go on",
        "I want to disappear forever",
        "I wish I was never born",
        "I have nothing to live for",
        "my painkillers are stashed away where nobody looks",
        "I keep a secret stash of pills",
        "ive been saving up my tablets",
        "stockpiling my meds again",
    ],
)
def test_strong_indirect_statements_score_medium(text: str) -> None:
    assert explicit_crisis([text]) == [MEDIUM_SCORE]


@pytest.mark.parametrize(
    "text",
    [
        "I would never kill myself",
        "I'm not suicidal",
        "I don't want to die",
        "I've never self harmed",
    ],
)
def test_negated_statements_are_medium_not_high(text: str) -> None:
    # A documented choice: we prefer recall, so a negated statement still scores medium.
    assert explicit_crisis([text]) == [MEDIUM_SCORE]


@pytest.mark.parametrize("text", ["kys", "KYS lmao", "just kill yourself", "k y s"])
def test_kys_is_an_attack_not_the_writers_crisis(text: str) -> None:
    assert explicit_crisis([text]) == [0.0]


def test_explicit_crisis_keeps_its_input_and_order() -> None:
    texts = ["I want to die", "nice weather", "no reason to live"]
    copy = list(texts)
    assert explicit_crisis(texts) == [HIGH_SCORE, 0.0, MEDIUM_SCORE]
    assert texts == copy
    assert explicit_crisis([]) == []


def test_normalize_reads_casual_spelling() -> None:
    assert normalize("I\u2019m NOT-gonna") == "im not gonna"
    assert normalize("Don't") == "dont"
    assert explicit_crisis(["i dont want to be alive anymore"]) == explicit_crisis(
        ["I don\u2019t want to be alive any more"]
    )


# -- (c) spans --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("honestly i dont want to be alive anymore", ["dont want to be alive anymore"]),
        ("Lately I've been cutting myself again", ["been cutting myself"]),
        ("I\u2019m going to kill myself tonight", ["kill myself"]),
        ("ugh i wanna dieeee \U0001f62d", ["wanna dieeee"]),
        ("there's no reason to live.", ["no reason to live"]),
        ("I want to die. I want to kill myself.", ["want to die", "kill myself"]),
        ("what a lovely day", []),
        ("kys", []),
    ],
)
def test_spans_point_at_the_words(text: str, expected: list[str]) -> None:
    spans = explicit_crisis_spans(text)
    assert [text[a:b] for a, b in spans] == expected
    assert bool(spans) == (explicit_crisis([text])[0] > 0)


def test_spans_map_back_through_deleted_apostrophes() -> None:
    text = "It's late and I\u2019ve decided I\u2019m going to end my life"
    (a, b), *_ = explicit_crisis_spans(text)
    assert text[a:b] == "end my life"


# -- rule internals: the gate never hides a match; import and speed ---------------------------


def _assert_gate_hides_nothing(texts: list[str]) -> None:
    gated = explicit_crisis(texts)
    ungated = [crisis_rules._matches(normalize(t))[0] for t in texts]
    assert gated == ungated


def test_gate_never_hides_a_match() -> None:
    from cyberkind.lab.training.crisis import template_examples

    _assert_gate_hides_nothing(EXPLICIT + NOT_CRISIS + [e.text for e in template_examples(0)])


@pytest.mark.data
def test_gate_never_hides_a_match_on_real_texts(data_dir: Path) -> None:
    from cyberkind.lab.training.crisis import crisis_eval_real

    _assert_gate_hides_nothing([t for t, _ in crisis_eval_real(data_dir)])


def test_import_compiles_nothing() -> None:
    """The regexes compile on first use, not at import (cold start); timing lives in bench."""
    code = "import cyberkind.classifiers.crisis_rules as r\nprint(r._rx.cache_info().currsize)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_many_texts_score_like_few() -> None:
    texts = [f"had a lovely walk with my dog number {i} today" for i in range(20_000)]
    texts[::50] = ["i dont want to be alive anymore"] * len(texts[::50])
    scores = explicit_crisis(texts)
    assert scores.count(HIGH_SCORE) == len(texts[::50])
    assert scores.count(0.0) == len(texts) - len(texts[::50])


# -- (d) the generated data set ----------------------------------------------------------------


@pytest.fixture(scope="module")
def examples(data_dir: Path) -> list[Example]:
    from cyberkind.lab.training.crisis import crisis_examples

    return crisis_examples(data_dir, seed=0)


@pytest.mark.data
def test_crisis_examples_are_deterministic(data_dir: Path, examples: list[Example]) -> None:
    from cyberkind.lab.training.crisis import crisis_examples, template_examples

    assert crisis_examples(data_dir, seed=0) == examples
    assert template_examples(1) != template_examples(0)


def test_families_are_split_disjoint() -> None:
    from cyberkind.lab.training.crisis import FAMILIES, template_examples

    generated = template_examples(0)
    splits_of: dict[str, set[str]] = {}
    for e in generated:
        splits_of.setdefault(e.family, set()).add(e.split)
        assert FAMILIES[e.family] == (e.y, e.split)
    assert all(len(s) == 1 for s in splits_of.values())
    for split in ("train", "dev", "test"):
        for y in (0, 1):
            assert any(f == (y, split) for f in FAMILIES.values())


@pytest.mark.data
def test_counts_ratio_and_both_classes_per_split(examples: list[Example]) -> None:
    from cyberkind.lab.training.corpora import text_key
    from cyberkind.lab.training.crisis import TEMPLATE_SOURCE

    counts = Counter((e.split, e.y) for e in examples)
    assert counts["train", 1] == 1500
    assert counts["dev", 1] == counts["test", 1] == 300
    for split in ("train", "dev", "test"):
        pos, neg = counts[split, 1], counts[split, 0]
        assert pos > 0 and neg > 0
        assert 3.9 <= neg / pos <= 4.0
        hard = sum(
            1 for e in examples if e.split == split and e.y == 0 and e.source == "crisis-templates"
        )
        assert hard >= neg / 3
    assert {e.source for e in examples} == {
        TEMPLATE_SOURCE,
        "dreaddit",
        "goemotions",
        "goemotions-sadness",
    }
    assert all(e.source == TEMPLATE_SOURCE for e in examples if e.y == 1)
    keys: dict[str, str] = {}
    for e in examples:  # no text in two splits
        assert keys.setdefault(text_key(e.text), e.split) == e.split


@pytest.mark.data
def test_real_negatives_carry_no_explicit_wording(examples: list[Example]) -> None:
    from cyberkind.lab.training.crisis import KEYWORD_NET

    real = [e.text for e in examples if e.source != "crisis-templates"]
    assert not any(KEYWORD_NET.search(t) for t in real)
    assert max(explicit_crisis(real)) < HIGH_SCORE


# -- (e) the rules on the generated test split and on real texts -------------------------------


def _recall_precision(y: list[int], scores: list[float], threshold: float) -> tuple[float, float]:
    tp = sum(1 for t, s in zip(y, scores, strict=True) if t and s >= threshold)
    fp = sum(1 for t, s in zip(y, scores, strict=True) if not t and s >= threshold)
    return tp / max(1, sum(y)), tp / max(1, tp + fp)


@pytest.mark.data
def test_rules_recall_on_the_generated_test_split(examples: list[Example]) -> None:
    test = [e for e in examples if e.split == "test"]
    y = [e.y for e in test]
    scores = explicit_crisis([e.text for e in test])
    recall, precision = _recall_precision(y, scores, 0.5)
    recall_high, precision_high = _recall_precision(y, scores, 0.9)
    print(
        f"\ncrisis rules, generated test split: recall {recall:.3f} precision {precision:.3f} "
        f"(>= 0.5); recall {recall_high:.3f} precision {precision_high:.3f} (>= 0.9)"
    )
    assert recall >= 0.95
    assert precision >= 0.9


@pytest.mark.data
def test_crisis_eval_real(data_dir: Path) -> None:
    from cyberkind.lab.training import crisis

    pairs = crisis.crisis_eval_real(data_dir)
    assert len(pairs) == len(crisis._REAL_LABELS) == 210
    assert sum(y for _, y in pairs) == 60
    labelled = {crisis._sha(t) for t, _ in pairs}
    netted = [
        t
        for _, t in crisis._real_texts(data_dir)
        if crisis.KEYWORD_NET.search(t) or crisis._REVIEW_NET.search(t)
    ]
    assert all(crisis._sha(t) in labelled for t in netted)  # widen a net: label the new matches
    source = Path(crisis.__file__).read_text(encoding="utf-8")
    assert not any(text[:40] in source for text, _ in pairs if len(text) >= 40)
    y = [label for _, label in pairs]
    recall, precision = _recall_precision(y, explicit_crisis([t for t, _ in pairs]), 0.5)
    print(f"\ncrisis rules, crisis_eval_real: recall {recall:.3f} precision {precision:.3f}")
    assert recall >= 0.85


# -- the candidate gate of big batches ---------------------------------------------------------


def _mangled(texts: list[str]) -> list[str]:
    """Casual and hostile spellings of ``texts``: elongated, shouted, full-width, split by
    hyphens, smart quotes, zero-width or NUL characters, glued to emoji and punctuation."""
    out: list[str] = []
    for i, t in enumerate(texts):
        out += [
            "".join(c * (1 + (i + k) % 3) if c.isalpha() else c for k, c in enumerate(t)),
            t.upper(),
            "".join(chr(ord(c) + 0xFEE0) if "a" <= c <= "z" else c for c in t),
            t.replace(" ", "-"),
            t.replace("'", "\u2019").replace("i", "I\u0307"),
            t.replace(" ", "\u200b "),
            f"\U0001f62d{t}\U0001f62d",
            f"{t}\x00{t}",
            f"...{t}!!",
        ]
    return out


def _batch_texts() -> list[str]:
    from cyberkind.lab.training.crisis import template_examples

    texts = EXPLICIT + NOT_CRISIS + [e.text for e in template_examples(0)][::3]
    return texts + _mangled(EXPLICIT + NOT_CRISIS) + ["", " ", "\x00", "I want to die\x00"]


def test_the_gate_is_derived_from_every_pattern() -> None:
    from cyberkind.classifiers._crisis_gate import gate_sources

    sources = gate_sources(
        (
            crisis_rules._HIGH_PATTERNS,
            crisis_rules._HIGH_NEGATIVE_PATTERNS,
            crisis_rules._MEDIUM_PATTERNS,
            crisis_rules._SUICIDE_WORD_PATTERNS,
        )
    )
    assert sources is not None  # each pattern gave a requirement
    assert crisis_rules._gates() is not None


def test_batch_gate_passes_every_text_with_a_match() -> None:
    texts = _batch_texts()
    candidates = set(crisis_rules._candidates(texts))
    matched = {i for i, t in enumerate(texts) if crisis_rules._matches(normalize(t))[0] > 0}
    assert matched <= candidates
    assert len(candidates) < len(texts)
    # One text at a time, and texts holding the NUL that separates a batch, agree.
    assert all(crisis_rules._candidates([t]) == [0] for t in (texts[i] for i in matched))


def test_big_batches_score_as_one_text_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _batch_texts()
    one_by_one = [crisis_rules._score(t) for t in texts]
    monkeypatch.setattr(crisis_rules, "_scored", crisis_rules._GATE_AFTER)  # the gate is on
    assert explicit_crisis(texts) == one_by_one
    assert explicit_crisis(texts[::-1]) == one_by_one[::-1]
    assert [explicit_crisis([t])[0] for t in texts[:200]] == one_by_one[:200]
    assert explicit_crisis([]) == []
    assert sum(s > 0 for s in one_by_one) > len(texts) // 3


def test_gated_batch_scores_like_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crisis_rules, "_scored", crisis_rules._GATE_AFTER)
    texts = [f"had a lovely walk with my dog number {i} today" for i in range(5_000)]
    texts[::50] = ["i dont want to be alive anymore"] * len(texts[::50])
    scores = explicit_crisis(texts)
    assert scores.count(HIGH_SCORE) == len(texts[::50])


def test_fast_score_agrees_with_full_matching() -> None:
    """`_score` is an early-exit copy of `_matches`'s tier order; they must never drift."""
    texts = _batch_texts()
    for text in texts:
        assert crisis_rules._score(text) == crisis_rules._matches(normalize(text))[0], text
