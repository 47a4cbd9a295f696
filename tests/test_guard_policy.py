"""Guard policies: the starter policy, loading, applying, and every malformed-policy error."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cyberkind.errors import ConfigError, PolicyError
from cyberkind.guard import STARTER_POLICY, Guard, Policy, load_policy, parse_policy
from cyberkind.guard.policy import DEFAULT_MESSAGES, DEFAULT_THRESHOLDS


def test_starter_policy_is_valid_and_commented() -> None:
    policy = parse_policy(STARTER_POLICY)
    assert policy.name == "anti-cyber-bullying starter"
    assert policy.personal_data["phone_number"] == "hold"
    assert STARTER_POLICY.count("#") > 10
    tomllib.loads(STARTER_POLICY)


def test_starter_thresholds_match_the_defaults() -> None:
    """The starter policy documents the defaults; keep them equal."""
    assert dict(parse_policy(STARTER_POLICY).thresholds) == DEFAULT_THRESHOLDS


def test_empty_policy_is_the_default() -> None:
    policy = parse_policy("")
    assert policy.thresholds == DEFAULT_THRESHOLDS
    assert policy.messages == DEFAULT_MESSAGES
    assert policy.allowed_terms == () and policy.blocked_terms == ()


def test_load_and_apply(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        'name = "team"\n'
        "[thresholds.profanity]\nreconsider = 1.0\nhold = 1.0\n"
        '[terms]\nallowed = ["dyke"]\nblocked = ["snowflake"]\nblocked_level = "reconsider"\n'
        '[personal_data]\nemail_address = "hold"\n'
        '[messages]\nblocked_term = "We do not say that here."\n'
    )
    policy = load_policy(path)
    assert policy.source == str(path)
    guard = Guard(policy=policy)
    assert guard.check("As a proud dyke, I loved this post.").verdict == "ok"
    verdict = guard.check("ok snowflake")
    assert verdict.verdict == "reconsider"
    assert verdict.reasons[0].message == "We do not say that here."
    assert guard.check("write to ana@example.org").verdict == "hold"
    assert guard.check("write to ana@example.org", policy=Policy()).verdict == "reconsider"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("name = \n", 1, "invalid TOML"),
        ('name = "x"\n[thresholds\n', 2, "invalid TOML"),
        ('name = "x"\ntresholds = 1\n', 2, "unknown key 'tresholds' in the top level"),
        ("[thresholds]\ninsult = { reconsider = 0.5, hodl = 0.9 }\n", 2, "unknown key 'hodl'"),
        ("[thresholds.insult]\nreconsider = 0.5\nhold = 1.5\n", 3, "outside [0, 1]"),
        ("[thresholds]\ninsult.hold = -0.1\n", 2, "outside [0, 1]"),
        ("[thresholds]\ninsult = { hold = 0.2 }\n", 2, "reconsider (0.9) is above hold"),
        ('[thresholds]\ninsult = { hold = "high" }\n', 2, "must be a number"),
        ("[thresholds]\nrudeness = { hold = 0.9 }\n", 2, "unknown label 'rudeness'"),
        ('\n\n[terms]\nallowed = "queer"\n', 4, "must be a list of quoted strings"),
        ("[terms]\nblocked = [1, 2]\n", 2, "must be a list of quoted strings"),
        ('[terms]\nblocked_level = "block"\n', 2, "blocked_level is 'block'"),
        ('[personal_data]\nphone_number = "yes"\n', 2, "personal_data.phone_number is 'yes'"),
        ('[personal_data]\npostcode = "hold"\n', 2, "unknown key 'postcode'"),
        ('[messages]\nrudeness = "x"\n', 2, "unknown key 'rudeness'"),
        ("[messages]\ninsult = 3\n", 2, "must be a quoted string"),
        ("version = 2\n", 1, "unsupported policy version"),
        ("name = true\n", 1, "name must be a quoted string"),
        ('thresholds = "low"\n', 1, "must be a table"),
    ],
)
def test_malformed_policy_names_file_line_and_fix(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    error = caught.value
    assert isinstance(error, ConfigError)
    assert error.line == line
    assert str(error).startswith(f"{path}, line {line}: ")
    assert message in str(error)
    assert "You can fix this by" in str(error)


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"does not exist.*policy init"):
        load_policy(tmp_path / "nope.toml")


def test_policy_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(PolicyError, match="UTF-8"):
        load_policy(path)


def test_docs_show_the_starter_policy() -> None:
    """docs/guard.md quotes the starter policy verbatim; update it with the policy."""
    docs = (Path(__file__).resolve().parents[1] / "docs" / "guard.md").read_text()
    assert STARTER_POLICY.rstrip() in docs
