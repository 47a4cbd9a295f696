"""`cyberkind check` and `cyberkind policy`: exit codes, output shapes, files, stdin, errors."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.guard import MAX_CHARS, STARTER_POLICY


def _invoke(args: list[str], stdin: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, args, input=stdin, terminal_width=200)


@pytest.mark.parametrize(
    ("text", "code", "word"),
    [
        ("Thanks, this helped a lot", 0, "OK"),
        ("that plan is dumb", 1, "RECONSIDER"),
        ("you're an idiot who ignores the budget", 2, "HOLD"),
    ],
)
def test_check_exit_code_is_the_verdict(text: str, code: int, word: str) -> None:
    result = _invoke(["check", text])
    assert result.exit_code == code, result.output
    assert result.stdout.startswith(word)


def test_check_human_output_shows_reasons_words_target_rewrite() -> None:
    result = _invoke(["check", "you're an idiot who ignores the budget"])
    out = result.stdout
    assert "HOLD target: person" in out
    assert "draft: you're an idiot who ignores the budget" in out
    assert "- personal_attack (hold" in out
    assert "Words: 'idiot'" in out
    assert "rewrite: your argument ignores the budget" in out


def test_check_human_output_without_rewrite() -> None:
    result = _invoke(["check", "I will kill you"])
    assert result.exit_code == 2
    assert "no rewrite: A threat" in result.stdout


def test_check_json_shape() -> None:
    result = _invoke(["check", "--json", "you are a moron, the data says Y"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert list(data) == [
        "text", "verdict", "target", "reasons", "rewrite", "rewrite_note", "scores",
    ]  # fmt: skip
    assert data["verdict"] == "hold" and data["target"] == "person"
    assert data["rewrite"] == "the data says Y"
    span = data["reasons"][0]["spans"][0]
    assert data["text"][span["start"] : span["end"]] == span["text"]


def test_check_stdin() -> None:
    result = _invoke(["check", "-", "--json"], stdin="you are not an idiot\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["text"] == "you are not an idiot"


def test_check_reply_to() -> None:
    args = ["check", "--json", "Maria is clueless", "--reply-to", "New rules!\n-- Maria"]
    result = _invoke(args)
    assert result.exit_code == 2
    assert json.loads(result.stdout)["target"] == "person"


@pytest.mark.parametrize(
    ("name", "content", "code", "lines"),
    [
        ("d.txt", "thanks!\n\nthat plan is dumb\n", 1, [1, 3]),
        ("d.txt", "thanks!\nI will kill you\nthat plan is dumb\n", 2, [1, 2, 3]),
        ("d.jsonl", '{"text": "thanks!"}\n{"text": "lovely post", "id": 7}\n', 0, [1, 2]),
        ("d.log", '{"text": "you are a clown"}\n', 2, [1]),
    ],
)
def test_check_file_exits_with_the_worst(
    tmp_path: Path, name: str, content: str, code: int, lines: list[int]
) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = _invoke(["check", "--file", str(path), "--json"])
    assert result.exit_code == code, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in rows] == lines
    human = _invoke(["check", "--file", str(path)])
    assert human.exit_code == code
    assert human.stdout.startswith(f"line {lines[0]}: ")


def test_check_with_policy(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(STARTER_POLICY)
    args = ["check", "--json", "call me on 555-123-4567"]
    assert _invoke(args).exit_code == 1
    result = _invoke([*args, "--policy", str(path)])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["reasons"][0]["label"] == "personal_data"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["check", ""], None, "the draft is empty"),
        (["check", "-"], "  \n", "the draft is empty"),
        (["check", "-"], b"caf\xe9 au lait", "stdin is not valid UTF-8"),
        (["check", "x" * (MAX_CHARS + 1)], None, "over the limit of 10,000"),
        (["check", "caf\udce9"], None, "TEXT is not valid UTF-8"),
        (["check"], None, "pass one draft as TEXT"),
        (["check", "hi", "--file", "{tmp}/d.txt"], None, "pass one draft as TEXT"),
        (["check", "--file", "{tmp}/missing.txt"], None, "does not exist"),
        (["check", "--file", "{tmp}/bad.txt"], None, "line 2: bad.txt is not valid UTF-8"),
        (["check", "--file", "{tmp}/bad.jsonl"], None, "line 2: invalid JSON"),
        (["check", "--file", "{tmp}/nofield.jsonl"], None, 'line 1: no field "text"'),
        (["check", "--file", "{tmp}/blank.txt"], None, "holds no drafts"),
        (["check", "hi", "--policy", "{tmp}/bad.toml"], None, "bad.toml, line 2: unknown key"),
        (["check", "hi", "--policy", "{tmp}/none.toml"], None, "the policy file does not exist"),
    ],
)
def test_check_errors_exit_4(
    tmp_path: Path, args: list[str], stdin: str | bytes | None, message: str
) -> None:
    (tmp_path / "d.txt").write_text("hello\n")
    (tmp_path / "bad.txt").write_bytes(b"fine\ncaf\xe9\n")
    (tmp_path / "bad.jsonl").write_text('{"text": "ok"}\n{oops\n')
    (tmp_path / "nofield.jsonl").write_text('{"body": "ok"}\n')
    (tmp_path / "blank.txt").write_text("\n\n")
    (tmp_path / "bad.toml").write_text('name = "x"\nthreshold = 1\n')
    result = _invoke([a.replace("{tmp}", str(tmp_path)) for a in args], stdin=stdin)
    assert result.exit_code == 4, result.output
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr


def test_check_usage_error_exits_4_not_2() -> None:
    result = _invoke(["check", "--bogus"])
    assert result.exit_code == 4
    assert "No such option" in result.stderr


def test_policy_init_writes_the_starter(tmp_path: Path) -> None:
    path = tmp_path / "guard-policy.toml"
    result = _invoke(["policy", "init", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"written": str(path)}
    assert path.read_text() == STARTER_POLICY
    again = _invoke(["policy", "init", str(path)])
    assert again.exit_code == 1
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert _invoke(["policy", "init", str(path), "--force"]).exit_code == 0


def test_policy_init_default_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _invoke(["policy", "init"]).exit_code == 0
    assert (tmp_path / "guard-policy.toml").is_file()


def test_policy_check(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(STARTER_POLICY)
    result = _invoke(["policy", "check", str(good)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["thresholds"]["insult"] == {"reconsider": 0.9, "hold": 0.98}
    bad = tmp_path / "bad.toml"
    bad.write_text("[thresholds.insult]\n\nhold = 2\n")
    result = _invoke(["policy", "check", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}, line 3: thresholds.insult.hold is 2")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        out.append((prefix + name, command))
        if isinstance(command, click.Group):
            out += _commands(command, prefix + name + " ")
    return out


@pytest.mark.parametrize(("name", "command"), _commands(cli))
def test_every_command_has_an_example_and_option_help(name: str, command: click.Command) -> None:
    assert "Example:" in (command.help or ""), name
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts}"


def test_docs_cli_lists_the_guard_commands() -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text()
    for name in ("check", "policy init", "policy check"):
        assert f"### cyberkind {name}\n" in text


def test_check_file_with_deeply_nested_json_is_an_error_not_a_verdict(tmp_path: Path) -> None:
    # Issue 14 #3: a RecursionError read as exit 1 ("reconsider") by a CI gate.
    path = tmp_path / "drafts.jsonl"
    path.write_text('{"text": "thanks!"}\n' + "[" * 100_000 + "]" * 100_000 + "\n")
    result = _invoke(["check", "--file", str(path)])
    assert result.exit_code == 4, result.output
    assert result.stderr.startswith("Error: line 2: a draft's JSON is nested too deeply to read.")
    assert "Traceback" not in result.output
