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


# -- issue 14: the output path, hostile and odd inputs, messages ---------------------------

GOOD = '{"text": "thank you so much!"}\n'


def test_score_output_writes_through_a_device_node(tmp_path: Path) -> None:
    """-o onto a character device writes to it; it stays a device (never the real /dev/null)."""
    import os
    import stat

    node = tmp_path / "null"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a private /dev/null
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here ({exc})")
    source = tmp_path / "c.jsonl"
    source.write_text(GOOD)
    result = _invoke(["score", str(source), "-o", str(node)])
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert os.major(os.lstat(node).st_rdev) == 1 and os.minor(os.lstat(node).st_rdev) == 3
    assert not (tmp_path / "null.partial").exists()


def test_score_output_writes_through_a_fifo(tmp_path: Path) -> None:
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    # A daemon: if the FIFO were replaced, its reader would block for good.
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    source = tmp_path / "c.jsonl"
    source.write_text(GOOD)
    result = _invoke(["score", str(source), "-o", str(fifo)])
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received, "nothing came through the FIFO"
    assert json.loads(received[0])["id"] == 1


def test_score_output_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    source = tmp_path / "c.jsonl"
    source.write_text(GOOD)
    result = _invoke(["score", str(source), "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.readlink() == real
    assert json.loads(real.read_text())["id"] == 1


def test_score_output_replaces_a_regular_file_keeping_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    out.chmod(0o640)
    source = tmp_path / "c.jsonl"
    source.write_text(GOOD)
    result = _invoke(["score", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["id"] == 1
    assert out.stat().st_mode & 0o777 == 0o640


def test_score_output_folder_is_an_error(tmp_path: Path) -> None:
    source = tmp_path / "c.jsonl"
    source.write_text(GOOD)
    result = _invoke(["score", str(source), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: the output {tmp_path} is a folder.")


def test_score_skips_deeply_nested_json_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(GOOD + '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n" + GOOD)
    result = _invoke(["score", str(path)])
    assert result.exit_code == 3, result.output
    assert "Warning: line 2: invalid JSON (nested too deeply" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [1, 3]
    assert "Traceback" not in result.output


def test_score_skips_a_record_over_max_record_bytes(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(GOOD + '{"text": "' + "x" * 5000 + '"}\n' + GOOD)
    result = _invoke(["score", str(path), "--setting", "max_record_bytes", "1000"])
    assert result.exit_code == 3, result.output
    assert "Warning: line 2: the record is over 1,000 bytes, the max_record_bytes setting" in (
        result.stderr
    )
    assert "Scored 2 rows, skipped 1." in result.stderr


def test_score_binary_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(bytes(range(256)) * 40 + b"\n" * 88)
    result = _invoke(["score", str(path)])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: c.jsonl looks like a binary file")
    assert "Warning" not in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("name", "content"), [("c.jsonl", ""), ("c.jsonl", "\n\n  \n"), ("c.csv", "text\n")]
)
def test_score_empty_input_is_an_error(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    out = tmp_path / "out.jsonl"
    result = _invoke(["score", str(path), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: {name} holds no rows")
    assert not out.exists() and not (tmp_path / "out.jsonl.partial").exists()


def test_score_reports_an_unclosed_csv_quote(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text('id,text\n1,hello\n2,"never closed\n3,bye\n')
    result = _invoke(["score", str(path)])
    assert result.exit_code == 3, result.output
    assert "Warning: line 3: unclosed quote: the quoted field that opens on line 3" in (
        result.stderr
    )
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["1"]


def test_score_keeps_the_id_field_by_default(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a7", "text": "hi"}\n{"text": "no id"}\n{"id": 42, "text": "yo"}\n')
    result = _invoke(["score", str(path)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a7", 2, 42]


def test_score_json_errors_read_once(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(GOOD + '{"text": "unterminated')  # the last line, without its newline
    result = _invoke(["score", str(path)])
    assert "at at column" not in result.stderr
    assert "invalid JSON (Unterminated string starting at column 10)" in result.stderr
    assert "Scored 1 row, skipped 1." in result.stderr


def test_score_rounds_scores_for_people(tmp_path: Path) -> None:
    import io

    from cyberkind.engine import Scorer
    from cyberkind.scoring_io import score_file

    path = tmp_path / "c.jsonl"
    path.write_text(GOOD)
    out = io.StringIO()
    score_file(path, out, Scorer(), digits=4)
    scores = json.loads(out.getvalue())["scores"]
    assert all(len(repr(v).split(".")[-1]) <= 4 for v in scores.values())


def test_score_rounds_on_a_terminal_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from cyberkind.cli import _engine

    path = tmp_path / "c.jsonl"
    path.write_text(GOOD)
    seen: dict[str, object] = {}

    def spy(*args: object, **kw: object) -> object:
        seen.update(kw)
        raise SystemExit(0)

    monkeypatch.setattr("cyberkind.scoring_io.score_file", spy)
    terminal = io.StringIO()
    terminal.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdout", terminal)
    with pytest.raises(SystemExit):
        _engine.score.main([str(path)], standalone_mode=False)
    assert seen["digits"] == 4
    with pytest.raises(SystemExit):
        _engine.score.main([str(path), "-o", str(tmp_path / "o.jsonl")], standalone_mode=False)
    assert seen["digits"] is None


def test_cli_and_dask_blocks_share_one_scoring_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13: score_file/score_rows own scoring a file; the CLI and each Dask block call it."""
    from cyberkind.distributed import _worker
    from cyberkind.distributed._plan import plan_blocks
    from cyberkind.scoring_io import _score

    calls: list[str] = []
    real = _score.score_rows

    def counting(*args: object, **kw: object) -> object:
        calls.append("score_rows")
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(_score, "score_rows", counting)
    monkeypatch.setattr(_worker, "score_rows", counting)
    path = tmp_path / "c.jsonl"
    path.write_text(GOOD * 3)
    result = _invoke(["score", str(path)])
    assert result.exit_code == 0 and calls == ["score_rows"]
    (block,) = plan_blocks([(path, "jsonl")], 1 << 20)
    job = _worker.Job(
        output_dir=str(tmp_path / "out"),
        text_field="text",
        id_field=None,
        strict=False,
        tier="fast",
        model_dir=None,
        options=(),
        batch_size=1024,
        version=_worker._version(),
        fingerprint=_worker.model_fingerprint("fast", None),
    )
    (tmp_path / "out").mkdir()
    assert _worker.score_block(block, job)["rows"] == 3
    assert calls == ["score_rows", "score_rows"]
    assert (tmp_path / "out" / "part-00000.jsonl").read_text() == result.stdout
