from __future__ import annotations

import io
from pathlib import Path

import pytest

from cyberkind.errors import InputFormatError
from cyberkind.scoring_io import BadRow, Row, detect_format, read_rows


def _rows(path: Path, **kw: object) -> list[Row | BadRow]:
    return list(read_rows(path, **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.jsonl", "jsonl"), ("a.ndjson", "jsonl"), ("a.JSON", "jsonl"), ("a.csv", "csv")],
)
def test_detect_format(name: str, fmt: str) -> None:
    assert detect_format(Path(name)) == fmt


def test_detect_format_unknown() -> None:
    with pytest.raises(InputFormatError, match="--format jsonl or --format csv"):
        detect_format(Path("comments.txt"))
    with pytest.raises(InputFormatError, match="unknown format 'xml'"):
        detect_format(Path("a.jsonl"), "xml")


def test_jsonl_good_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "hello"}\n'
        b"{not json}\n"
        b"\n"
        b'{"id": "c", "text": ""}\n'
        b'{"id": "d"}\n'
        b'{"id": "e", "text": "caf\xe9"}\n'
        b"[1, 2]\n"
        b'{"text": "no id"}\n'
        b'{"id": 7, "text": "fine"}\n'
    )
    rows = _rows(path, id_field="id")
    assert rows[0] == Row(1, "a", "hello")
    assert isinstance(rows[1], BadRow) and rows[1].line == 2 and "invalid JSON" in rows[1].reason
    assert rows[2] == BadRow(4, "field 'text' is empty or not a string")
    assert isinstance(rows[3], BadRow) and rows[3].line == 5 and "--text-field" in rows[3].reason
    assert isinstance(rows[4], BadRow) and rows[4].line == 6 and "UTF-8" in rows[4].reason
    assert isinstance(rows[5], BadRow) and "JSON object" in rows[5].reason
    assert rows[6] == BadRow(8, "field 'id' is missing or empty")
    assert rows[7] == Row(9, 7, "fine")


def test_jsonl_default_id_is_line_number(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"body": "x"}\n\n{"body": "y"}\n')
    assert _rows(path, text_field="body") == [Row(1, 1, "x"), Row(3, 3, "y")]


def test_csv_multiline_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(
        b'\xef\xbb\xbfid,body\n1,"first\nstill first"\n2,\n3,ok,extra\n4,caf\xe9\n5,last\n'
    )
    rows = _rows(path, text_field="body", id_field="id")
    assert rows[0] == Row(2, "1", "first\nstill first")
    assert rows[1] == BadRow(4, "field 'body' is empty or not a string")
    assert rows[2] == BadRow(5, "expected 2 columns, found 3")
    assert isinstance(rows[3], BadRow) and rows[3].line == 6 and "UTF-8" in rows[3].reason
    assert rows[4] == Row(7, "5", "last")


def test_csv_missing_column_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,body\n1,x\n")
    with pytest.raises(InputFormatError, match=r"no column 'text' \(columns: id, body\)"):
        _rows(path)
    with pytest.raises(InputFormatError, match="--id-field"):
        _rows(path, text_field="body", id_field="nope")


def test_stream_input() -> None:
    stream = io.BytesIO(b'{"text": "hi"}\n')
    assert list(read_rows(None, stream=stream)) == [Row(1, 1, "hi")]


def test_streaming_is_lazy(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text('{"text": "x"}\n' * 10 + "{broken\n")
    rows = read_rows(path)
    assert next(rows) == Row(1, 1, "x")  # the broken last line has not been read yet
