"""`cyberkind score` end to end on real files, with the shipped model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.labels import label_names


def _invoke(args: list[str], stdin: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, args, input=stdin)


def test_score_jsonl_to_stdout(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a", "text": "thank you so much!"}\n{"id": "b", "text": "you idiot"}\n')
    result = _invoke(["score", str(path), "--id-field", "id"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert set(lines[0]["scores"]) == set(label_names())
    assert lines[0]["scores"]["gratitude"] > lines[1]["scores"]["gratitude"]
    assert lines[1]["scores"]["insult"] > lines[0]["scores"]["insult"]
    assert "Scored 2 rows, skipped 0." in result.stderr


def test_score_csv_to_output_file(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text('id,body\n1,"congrats on the new job!!"\n2,hello\n')
    out = tmp_path / "out.jsonl"
    result = _invoke(
        ["score", str(path), "--text-field", "body", "--id-field", "id", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["1", "2"]
    assert not (tmp_path / "out.jsonl.partial").exists()


def test_score_bad_rows_are_skipped_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{oops\n{"text": ""}\n{"text": "caf\xe9"}\n{"x": 1}\n')
    result = _invoke(["score", str(path)])
    assert result.exit_code == 3
    assert len(result.stdout.splitlines()) == 1
    assert "Warning: line 2: invalid JSON" in result.stderr
    assert "Warning: line 3: field 'text' is empty" in result.stderr
    assert "Warning: line 4: invalid UTF-8" in result.stderr
    assert "Warning: line 5: no field 'text'" in result.stderr
    assert "Scored 1 row, skipped 4." in result.stderr  # issue 14 #15: not "1 rows"


def test_score_strict_stops_at_first_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "ok"}\n{oops\n{"text": "never read"}\n')
    out = tmp_path / "out.jsonl"
    result = _invoke(["score", str(path), "--strict", "-o", str(out)])
    assert result.exit_code == 1
    assert "Error: line 2: invalid JSON" in result.stderr
    assert "drop --strict" in result.stderr
    assert not out.exists()  # no half-written output pretends to be complete


def test_score_stdin() -> None:
    result = _invoke(["score", "-"], stdin='{"text": "I just graduated!!"}\n')
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == 1


def test_score_stdin_csv() -> None:
    result = _invoke(["score", "-", "--format", "csv"], stdin="text\nhello there\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "missing.jsonl"], "input file missing.jsonl does not exist"),
        (["score", "{tmp}/c.txt"], "--format jsonl or --format csv"),
        (["score", "{tmp}/c.csv", "--text-field", "body"], "no column 'body'"),
        (["score", "{tmp}/c.csv", "--tier", "huge"], "unknown tier 'huge'"),
        (["score", "{tmp}/c.csv", "--setting", "batch_size", "x"], "must be an integer"),
        (["score", "{tmp}/c.csv", "--setting", "nope", "1"], "unknown setting(s) nope"),
    ],
)
def test_score_errors(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "c.txt").write_text("hello\n")
    (tmp_path / "c.csv").write_text("text\nhello\n")
    result = _invoke([a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr


def test_score_memory_is_streaming(tmp_path: Path) -> None:
    """A generated file is scored batch by batch: rows come out while input is still unread."""
    from cyberkind.engine import Scorer

    scorer = Scorer()
    seen: list[int] = []

    def texts():  # type: ignore[no-untyped-def]
        for i in range(5000):
            seen.append(i)
            yield f"comment number {i}"

    stream = scorer.pipe(texts(), batch_size=100)
    next(stream)
    assert len(seen) == 100
