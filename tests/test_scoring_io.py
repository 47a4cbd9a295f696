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


# -- issue 14 #4: a cap on one record, read in bounded pieces --------------------------------


def test_a_long_line_is_skipped_without_being_held(tmp_path: Path) -> None:
    import tracemalloc

    path = tmp_path / "big.jsonl"
    with path.open("wb") as out:
        out.write(b'{"text": "before"}\n{"text": "')
        for _ in range(64):
            out.write(b"x" * (1 << 20))  # a 64 MiB line
        out.write(b'"}\n{"text": "after"}\n')
    tracemalloc.start()
    try:
        rows = _rows(path, max_record_bytes=1 << 20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rows[0] == Row(1, 1, "before") and rows[2] == Row(3, 3, "after")
    assert isinstance(rows[1], BadRow) and rows[1].line == 2
    assert "over 1,048,576 bytes, the max_record_bytes setting" in rows[1].reason
    assert peak < 8 << 20, peak  # a few pieces of 1 MiB, never the 64 MiB line


def test_csv_record_over_the_cap_is_skipped_and_reading_resumes(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    long_field = "\n".join(["y" * 50] * 40)  # 40 short lines in one quoted field
    path.write_text(f'id,text\n1,ok\n2,"{long_field}"\n3,fine\n4,"a ""quoted"" word"\n')
    rows = _rows(path, id_field="id", max_record_bytes=500)
    assert rows[0] == Row(2, "1", "ok")
    assert (
        isinstance(rows[1], BadRow) and rows[1].line == 3 and "max_record_bytes" in rows[1].reason
    )
    assert rows[2:] == [Row(43, "3", "fine"), Row(44, "4", 'a "quoted" word')]


def test_csv_unclosed_quote_is_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('text\nhello\n"open\nmore\n')
    rows = _rows(path)
    assert rows[0] == Row(2, 2, "hello")
    assert isinstance(rows[1], BadRow) and rows[1].line == 3
    assert rows[1].reason.startswith("unclosed quote: the quoted field that opens on line 3")


def test_binary_input_is_refused_as_a_whole() -> None:
    stream = io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\xff" * 100)
    with pytest.raises(InputFormatError, match="stdin looks like a binary file"):
        list(read_rows(None, stream=stream))


def test_deeply_nested_json_is_a_bad_row() -> None:
    stream = io.BytesIO(b"[" * 100_000 + b"]" * 100_000 + b'\n{"text": "ok"}\n')
    rows = list(read_rows(None, stream=stream))
    assert isinstance(rows[0], BadRow) and "nested too deeply" in rows[0].reason
    assert rows[1] == Row(2, 2, "ok")
