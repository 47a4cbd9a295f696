"""The ParaDetox substitution lexicon: split, learning rules, determinism, held-out isolation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.engine import default_model_dir
from cyberkind.errors import DataError
from cyberkind.lab.training.corpora import hashed_split
from cyberkind.lab.training.detox import (
    DETOX_MODEL,
    detox_pairs,
    detox_split,
    learn_substitutions,
    tokenize_words,
    train_detox,
)


def _sentences(n: int) -> list[str]:
    return [f"row {i} of the synthetic set" for i in range(n)]


def test_split_is_deterministic_and_about_ten_percent() -> None:
    texts = _sentences(4000)
    first = [detox_split(t) for t in texts]
    assert first == [detox_split(t) for t in texts]
    share = first.count("heldout") / len(first)
    assert 0.08 < share < 0.12


def test_split_ignores_case_spacing_and_punctuation() -> None:
    assert detox_split("You are a FUCKING idiot!") == detox_split("you are a fucking idiot .")


def test_seed_zero_matches_the_fast_tier_test_bucket() -> None:
    for text in _sentences(500):
        assert (detox_split(text) == "heldout") == (hashed_split(text) == "test")


def test_other_seeds_draw_another_split() -> None:
    texts = _sentences(2000)
    a = {t for t in texts if detox_split(t, seed=0) == "heldout"}
    b = {t for t in texts if detox_split(t, seed=1) == "heldout"}
    assert a != b
    assert 0.08 < len(b) / len(texts) < 0.12


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Don't be a F*cking idiot!", ["don", "'t", "be", "a", "f", "*", "cking", "idiot", "!"]),
        ("don 't", ["don", "'t"]),
        ("it\u2019s", ["it", "'s"]),
    ],
)
def test_tokenize_words(text: str, tokens: list[str]) -> None:
    assert tokenize_words(text) == tokens


def test_learns_deletions_and_replacements_with_counts() -> None:
    pairs = [("you fucking idiot", ["you idiot"])] * 3
    pairs += [("i don't give a shit about it", ["i don't care about it"])] * 3
    rules = learn_substitutions(pairs)
    assert rules["fucking"] == {"changed": 3, "occurrences": 3, "support": 3, "to": ""}
    assert rules["give a shit"]["to"] == "care"
    assert "idiot" not in rules  # kept by every rewrite


def test_needs_support_and_consistency() -> None:
    assert learn_substitutions([("you fucking idiot", ["you idiot"])] * 2) == {}
    # Deleted in 3 of 10 pairs: annotators usually keep it.
    pairs = [("that was a damn shame", ["that was a shame"])] * 3
    pairs += [("that was a damn shame", ["that was a damn shame"])] * 7
    assert "damn" not in learn_substitutions(pairs)


@pytest.mark.parametrize(
    ("toxic", "neutral"),
    [
        ("you are not a fucking idiot", "you are an idiot"),  # drops "not fucking"
        ("that is never gonna work", "that is gonna work"),  # drops a negation
        ("he owes me 20 fucking bucks", "he owes me bucks"),  # drops a number
        ("give me five fucking minutes", "give me minutes"),  # a number word
        ("muslims are idiots here", "people are idiots here"),  # an identity word
    ],
)
def test_protected_rules_are_dropped(toxic: str, neutral: str) -> None:
    rules = learn_substitutions([(toxic, [neutral])] * 5)
    for phrase, rule in rules.items():
        assert not {"not", "never", "20", "five", "muslims"} & set(phrase.split()), phrase
        assert "not" not in rule["to"].split()


def test_named_entities_are_protected() -> None:
    # The rewrites capitalise "trump" mid-sentence: a name, never rewritten.
    pairs = [(f"case {i} of dumb trump policy", [f"case {i} of Policy by Trump"]) for i in range(5)]
    pairs += [(f"this dumb trump plan {i}", [f"this plan {i} is by Trump"]) for i in range(5)]
    rules = learn_substitutions(pairs)
    assert not any("trump" in phrase.split() for phrase in rules)


def test_spelling_fixes_are_not_rules() -> None:
    pairs = [("u said it was fucking great", ["you said it was great"])] * 5
    assert learn_substitutions(pairs).keys() == {"fucking"}


def _write_paradetox(folder: Path, rows: list[tuple[str, str]]) -> Path:
    (folder / "paradetox").mkdir(parents=True)
    lines = ["toxic\tneutral1\tneutral2\tneutral3"] + [f"{t}\t{n}\t\t" for t, n in rows]
    (folder / "paradetox" / "paradetox.tsv").write_text("\n".join(lines) + "\n")
    return folder


def test_heldout_rows_never_reach_the_lexicon(tmp_path: Path) -> None:
    """A word deleted only in held-out rows must not become a rule; one in train rows must."""
    rows: list[tuple[str, str]] = []
    wanted = {"heldout": "blorp", "train": "glorp"}
    for i in range(10_000):
        base = f"sentence number {i} about the weather"
        for split, word in wanted.items():
            toxic = f"{base} {word}"
            if detox_split(toxic) == split and sum(word in t for t, _ in rows) < 12:
                rows.append((toxic, base))
        if len(rows) == 24:
            break
    rows.sort(key=lambda r: "glorp" in r[0])
    data = _write_paradetox(tmp_path / "data", rows)
    summary = train_detox(data, tmp_path / "out", seed=0)
    rules = json.loads((tmp_path / "out" / DETOX_MODEL / "substitutions.json").read_text())
    assert "glorp" in rules["substitutions"]
    assert "blorp" not in rules["substitutions"]
    assert summary["heldout_sentences"] == 12 and summary["train_sentences"] == 12
    assert [t for t, _ in detox_pairs(data, "heldout")] == [t for t, _ in rows[:12]]


def test_missing_data_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="missing"):
        train_detox(tmp_path, tmp_path / "out")


@pytest.mark.data
def test_real_split_is_disjoint_and_complete(data_dir: Path) -> None:
    train = detox_pairs(data_dir, "train")
    heldout = detox_pairs(data_dir, "heldout")
    assert 1000 < len(heldout) < 1400 and len(train) > 9 * len(heldout) - 1000
    assert not {t for t, _ in train} & {t for t, _ in heldout}
    assert all(refs for _, refs in heldout)


@pytest.mark.data
def test_training_is_deterministic_and_the_shipped_lexicon_is_current(
    data_dir: Path, tmp_path: Path
) -> None:
    a = train_detox(data_dir, tmp_path / "a", seed=0)
    train_detox(data_dir, tmp_path / "b", seed=0)
    files = ("substitutions.json", "MODEL_CARD.md")
    for name in files:
        assert (tmp_path / "a" / DETOX_MODEL / name).read_bytes() == (
            tmp_path / "b" / DETOX_MODEL / name
        ).read_bytes()
        shipped = default_model_dir() / DETOX_MODEL / name
        assert shipped.read_bytes() == (tmp_path / "a" / DETOX_MODEL / name).read_bytes(), (
            f"{shipped} is stale: run `cyberkind train --only detox`"
        )
    assert a["rules"] > 100 and a["deletions"] > 0 and a["replacements"] > 0


def test_shipped_lexicon_has_the_obvious_rules_and_no_negations() -> None:
    path = default_model_dir() / DETOX_MODEL / "substitutions.json"
    rules = json.loads(path.read_text())["substitutions"]
    assert rules["fucking"]["to"] == ""
    assert rules["give a shit"]["to"] == "care"
    from cyberkind.guard.substitutions import NEGATIONS

    for phrase, rule in rules.items():
        assert not NEGATIONS & set(tokenize_words(phrase)), phrase
        assert not NEGATIONS & set(tokenize_words(rule["to"])), phrase
        assert rule["support"] >= 3


@pytest.mark.data
def test_train_cli_only_detox(data_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["train", "--only", "detox", "-o", str(tmp_path), "--setting", "data_dir", str(data_dir)],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"detox"}
    assert out["detox"]["rules"] > 100
    assert (tmp_path / DETOX_MODEL / "MODEL_CARD.md").is_file()
    assert not (tmp_path / "fast-v1").exists()
    card = (tmp_path / DETOX_MODEL / "MODEL_CARD.md").read_text()
    for section in ("Training data and licence", "CC0", "Method", "Known failure modes"):
        assert section in card
