"""The substitution applier: whole words, case, spans, tidy deletions, negations untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cyberkind.errors import ModelError
from cyberkind.guard.substitutions import (
    DETOX_MODEL,
    apply_edits,
    apply_substitutions,
    delete_spans,
    find_substitutions,
    load_substitutions,
)

SUBS = {
    "fucking": "",
    "fucking hell": "",
    "the fuck": "",
    "fuck": "",
    "damn": "",
    "idiot": "",
    "shit": "",
    "give a shit": "care",
    "clowns": "people",
    "shit's": "is",
    "ass": "",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("you , idiot .", "you."),
        ("this is fucking great!", "this is great!"),
        ("great, fucking great.", "great, great."),
        ("what the fuck is this?", "what is this?"),
        ("What the fuck?", "What?"),
        ("i don't give a shit about it", "i don't care about it"),
        ("Fucking hell, I don't give a shit about it.", "I don't care about it."),
        ("Fuck, that hurts", "That hurts"),
        ("Damn, give a shit!", "Care!"),
        ("Shit. That was bad. Fucking bad.", "That was bad. Bad."),
        ("these clowns run the show", "these people run the show"),
        ("that shit's crazy", "that is crazy"),
        ("that shit\u2019s crazy", "that is crazy"),
        ("you smell like shit , ass , mesh", "you smell like, mesh"),
        ("shit", ""),
        ("idiot , fuck , damn", ""),
        ("NTA.   Dump his ass. Fine", "NTA.   Dump his. Fine"),
        ("nothing to change here", "nothing to change here"),
    ],
)
def test_apply(text: str, expected: str) -> None:
    assert apply_substitutions(text, SUBS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("These CLOWNS again", "These PEOPLE again"),
        ("Clowns, all of them", "People, all of them"),
        ("GIVE A SHIT for once", "CARE for once"),
        ("DAMN it is FUCKING cold", "It is cold"),
    ],
)
def test_case_is_preserved(text: str, expected: str) -> None:
    assert apply_substitutions(text, SUBS) == expected


@pytest.mark.parametrize(
    "text", ["a class act", "assume nothing", "shitake mushrooms", "the idiotic idea", "Damnation"]
)
def test_only_whole_words_match(text: str) -> None:
    assert apply_substitutions(text, SUBS) == text


def test_negations_are_never_touched() -> None:
    hostile = {"not": "", "don't": "do", "never": "always", "bad": "not good", "fucking": ""}
    text = "this is not fucking bad and i don't care, never"
    assert apply_substitutions(text, hostile) == "this is not bad and i don't care, never"
    assert apply_substitutions("you are not an idiot", SUBS) == "you are not an"


def test_spans_restrict_the_rewrite() -> None:
    text = "this shit is not fucking funny"
    start = text.index("fucking")
    assert apply_substitutions(text, SUBS, spans=[(start, start + 7)]) == "this shit is not funny"
    assert apply_substitutions(text, SUBS, spans=[]) == text
    # A phrase that overlaps a span is rewritten whole.
    text = "i don't give a shit"
    assert apply_substitutions(text, SUBS, spans=[(15, 19)]) == "i don't care"


def test_unusual_case_folding_is_left_alone() -> None:
    # re.IGNORECASE matches "\u0130" to "i" but "\u0130".lower() is "i\u0307".
    assert apply_substitutions("\u0130diot here", {"idiot": ""}) == "\u0130diot here"


def test_empty_lexicon_changes_nothing() -> None:
    assert apply_substitutions("you fucking idiot", {}) == "you fucking idiot"


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("you , idiot .", [(6, 11)], "you."),
        ("you are a fucking idiot .", [(10, 17), (18, 23)], "you are a."),
        ("Idiots, all of them", [(0, 6)], "All of them"),
        ("keep it", [], "keep it"),
        ("overlap", [(0, 3), (2, 5), (20, 30)], "ap"),
    ],
)
def test_delete_spans(text: str, spans: list[tuple[int, int]], expected: str) -> None:
    assert delete_spans(text, spans) == expected


def test_load_shipped_lexicon_is_cached_and_read_only() -> None:
    subs = load_substitutions()
    assert subs is load_substitutions()
    assert subs["fucking"] == ""
    with pytest.raises(TypeError):
        subs["new"] = "x"  # type: ignore[index]


def test_load_from_a_model_dir(tmp_path: Path) -> None:
    folder = tmp_path / DETOX_MODEL
    folder.mkdir()
    (folder / "substitutions.json").write_text(
        json.dumps({"substitutions": {"heck": {"to": "", "support": 3}}})
    )
    assert dict(load_substitutions(tmp_path)) == {"heck": ""}


def test_missing_or_bad_lexicon_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cyberkind train --only detox"):
        load_substitutions(tmp_path / "nowhere")
    folder = tmp_path / "bad" / DETOX_MODEL
    folder.mkdir(parents=True)
    (folder / "substitutions.json").write_text("[1, 2]")
    with pytest.raises(ModelError, match="not a substitution lexicon"):
        load_substitutions(tmp_path / "bad")


def test_shipped_lexicon_on_a_draft() -> None:
    subs = load_substitutions()
    out = apply_substitutions("Holy shit, I don't give a fuck what you think.", subs)
    assert out == "I don't care what you think."


def test_find_substitutions_says_where_without_changing() -> None:
    text = "you are a fucking idiot, give a shit"
    found = find_substitutions(text, SUBS)
    assert found == [(10, 17, ""), (18, 23, ""), (25, 36, "care")]
    assert [text[s:e] for s, e, _ in found] == ["fucking", "idiot", "give a shit"]
    assert find_substitutions(text, SUBS, spans=[(20, 22)]) == [(18, 23, "")]
    assert find_substitutions("not now", {"not": ""}) == []  # negations are never touched
    assert find_substitutions("anything", {}) == []


@pytest.mark.parametrize(
    ("text", "edits", "expected"),
    [
        ("Damn, give a shit!", [(0, 4, ""), (6, 17, "care")], "Care!"),
        ("you , idiot .", [(6, 11, "")], "you."),
        ("these clowns run it", [(6, 12, "people")], "these people run it"),
        ("THESE CLOWNS", [(6, 12, "people")], "THESE PEOPLE"),
        ("unchanged", [], "unchanged"),
        ("overlap here", [(0, 7, "x"), (3, 9, "y")], "x here"),
    ],
)
def test_apply_edits(text: str, edits: list[tuple[int, int, str]], expected: str) -> None:
    assert apply_edits(text, edits) == expected
