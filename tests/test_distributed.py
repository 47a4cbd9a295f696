"""Distributed scoring on a real Dask cluster: the output is the local scorer's, byte for byte.

Real parts: a ``dask.distributed.LocalCluster`` of two worker processes (one thread each)
started once for the module, real JSONL, CSV and Parquet files written with the standard
library and pyarrow, the shipped fast model loaded in each worker, and the ``cyberkind score``
command run through click for both engines. The comparison is byte-identical: the local
scorer's output file against the dask partitions concatenated in order.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.distributed import (
    MANIFEST,
    SUCCESS,
    Block,
    find_inputs,
    model_fingerprint,
    plan_blocks,
    score_archive,
)
from cyberkind.distributed._worker import Job, _rows, score_block
from cyberkind.errors import ConfigError, InputError, InputFormatError, ModelError

distributed = pytest.importorskip("distributed")
pq = pytest.importorskip("pyarrow.parquet")
pa = pytest.importorskip("pyarrow")

VOCABULARY = (
    "thank you so much for this congrats on the new job you idiot I lost my dog today why "
    'would anyone do that love it great work café 🎉 "quoted" stupid help please'
)
WORDS = VOCABULARY.split(" ")


def _texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 14))) for _ in range(n)]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


def _local(path: Path, out: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["score", str(path), "-o", str(out), *args])


def _dask(client: Any, path: Path | str, out: Path, *args: str) -> Any:
    address = client.scheduler.address
    return CliRunner().invoke(
        cli,
        ["score", str(path), "--engine", "dask", "--scheduler", address, "-o", str(out), *args],
    )


def _concat(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.glob("part-*.jsonl")))


def _write_jsonl(path: Path, texts: list[str]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i, text in enumerate(texts):
            out.write(json.dumps({"id": f"c{i}", "text": text}, ensure_ascii=False) + "\n")


def _write_csv(path: Path, texts: list[str]) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "body"])
        for i, text in enumerate(texts):
            # Every seventh text spans lines inside quotes, so blocks must not split it.
            writer.writerow([f"c{i}", text.replace(" ", "\n", 1) if i % 7 == 0 else text])


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_output_is_byte_identical_to_local(client: Any, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"c.{fmt}"
    (_write_jsonl if fmt == "jsonl" else _write_csv)(path, _texts(400))
    field = ["--text-field", "body"] if fmt == "csv" else []
    local = _local(path, tmp_path / "local.jsonl", "--id-field", "id", *field)
    assert local.exit_code == 0, local.output
    result = _dask(client, path, tmp_path / "out", "--id-field", "id", "--blocksize", "2kB", *field)
    assert result.exit_code == 0, result.output
    assert result.stderr == local.stderr == "Scored 400 rows, skipped 0.\n"
    parts = sorted((tmp_path / "out").glob("part-*.jsonl"))
    assert len(parts) >= 5
    assert _concat(tmp_path / "out") == (tmp_path / "local.jsonl").read_bytes()
    assert (tmp_path / "out" / SUCCESS).is_file()
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text())
    assert manifest["rows"] == 400
    assert [p["name"] for p in manifest["partitions"]] == [p.name for p in parts]


def test_parquet_matches_local_scoring_of_the_same_rows(client: Any, tmp_path: Path) -> None:
    texts: list[str | None] = list(_texts(300, seed=3))
    texts[5], texts[77], texts[250] = None, "", "   "  # bad rows, as in JSON
    table = pa.table({"id": list(range(100, 400)), "text": texts})
    pq.write_table(table, tmp_path / "c.parquet", row_group_size=40)
    with (tmp_path / "same.jsonl").open("w", encoding="utf-8") as out:
        out.writelines(json.dumps({"text": text}) + "\n" for text in texts)
    # Default ids are line numbers locally and row numbers in Parquet: 1, 2, 3...
    local = _local(tmp_path / "same.jsonl", tmp_path / "local.jsonl")
    assert local.exit_code == 3
    result = _dask(client, tmp_path / "c.parquet", tmp_path / "out", "--blocksize", "1kB")
    assert result.exit_code == 3, result.output
    assert result.stderr == local.stderr
    assert "Warning: line 6: field 'text' is empty or not a string; skipped." in result.stderr
    assert len(list((tmp_path / "out").glob("part-*.jsonl"))) >= 3
    assert _concat(tmp_path / "out") == (tmp_path / "local.jsonl").read_bytes()
    # With an integer id column, ids stay integers.
    result = score_archive(
        tmp_path / "c.parquet", tmp_path / "ids", scheduler=client, id_field="id"
    )
    first = json.loads(_concat(tmp_path / "ids").splitlines()[0])
    assert first["id"] == 100 and result.rows == 297


def test_bad_rows_reported_like_local(client: Any, tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    lines = [json.dumps({"text": t}).encode() for t in _texts(200)]
    lines[10] = b"{oops"
    lines[77] = b'{"text": ""}'
    lines[150] = b'{"text": "caf\xe9"}'
    lines[199] = b'{"body": "no text"}'
    path.write_bytes(b"\n".join(lines) + b"\n")
    local = _local(path, tmp_path / "local.jsonl")
    result = _dask(client, path, tmp_path / "out", "--blocksize", "1kB")
    assert local.exit_code == result.exit_code == 3
    assert result.stderr == local.stderr
    assert "Warning: line 151: invalid UTF-8" in result.stderr
    assert "Scored 196 rows, skipped 4." in result.stderr
    assert _concat(tmp_path / "out") == (tmp_path / "local.jsonl").read_bytes()


def test_strict_reports_the_first_bad_row_and_writes_no_success(
    client: Any, tmp_path: Path
) -> None:
    """Also after a run without --strict scored (and kept) every partition."""
    path = tmp_path / "c.jsonl"
    lines = [json.dumps({"text": t}) for t in _texts(200)]
    lines[120] = "{oops"
    lines[180] = '{"text": 3}'
    path.write_text("\n".join(lines) + "\n")
    local = _local(path, tmp_path / "local.jsonl", "--strict")
    for _ in range(2):
        result = _dask(client, path, tmp_path / "out", "--strict", "--blocksize", "1kB")
        assert local.exit_code == result.exit_code == 1, result.exception
        assert result.stderr == local.stderr, repr(result.exception)
        assert result.stderr.startswith("Error: line 121: invalid JSON")
        assert not (tmp_path / "out" / SUCCESS).exists()
        assert not (tmp_path / "out" / MANIFEST).exists()
        assert _dask(client, path, tmp_path / "out", "--blocksize", "1kB").exit_code == 3


def test_folder_of_partitions_and_glob(client: Any, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    _write_jsonl(archive / "a.jsonl", _texts(50, seed=1))
    _write_csv(archive / "b.csv", _texts(40, seed=2))
    (archive / "b.csv").write_text((archive / "b.csv").read_text().replace("body", "text", 1))
    (archive / "_SUCCESS").write_text("")  # written by an upstream job: skipped
    with (archive / "a.jsonl").open("a") as handle:
        handle.write("{broken\n")
    result = _dask(client, archive, tmp_path / "out", "--id-field", "id", "--blocksize", "1kB")
    assert result.exit_code == 3, result.output
    assert f"Warning: {archive / 'a.jsonl'}: line 51: invalid JSON" in result.stderr
    assert "Scored 90 rows, skipped 1." in result.stderr
    ids = [json.loads(line)["id"] for line in _concat(tmp_path / "out").splitlines()]
    assert ids == [f"c{i}" for i in range(50)] + [f"c{i}" for i in range(40)]
    glob = score_archive(str(tmp_path / "**" / "*.csv"), tmp_path / "glob", scheduler=client)
    assert glob.rows == 40 and glob.single_input


@pytest.mark.parametrize(
    ("name", "content"), [("c.jsonl", ""), ("c.jsonl", "\n\n  \n"), ("c.csv", "text\n")]
)
def test_an_empty_input_is_the_local_engines_error(
    client: Any, tmp_path: Path, name: str, content: str
) -> None:
    """Before: "Scored 0 rows, skipped 0.", exit 0, and a folder marked _SUCCESS."""
    (tmp_path / name).write_text(content)
    out = tmp_path / "out"
    result = _dask(client, tmp_path / name, out)
    local = _local(tmp_path / name, tmp_path / "local.jsonl")
    assert (result.exit_code, local.exit_code) == (1, 1), result.output
    assert result.stderr == local.stderr
    assert result.stderr.startswith(f"Error: {name} holds no rows (it is empty, or holds only")
    assert "You can fix this by" in result.stderr
    assert not out.exists()


def test_a_folder_of_empty_files_is_an_error_and_an_earlier_output_is_cleared(
    client: Any, tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / "in" / name).write_text("\n")
    out = tmp_path / "out"
    _write_jsonl(tmp_path / "c.jsonl", _texts(3))
    assert _dask(client, tmp_path / "c.jsonl", out).exit_code == 0
    result = _dask(client, tmp_path / "in", out)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: none of the 2 files of {tmp_path / 'in'} holds a row")
    assert sorted(p.name for p in out.iterdir()) == []  # no partition, no _SUCCESS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{tmp}/missing.jsonl", "-o", "{tmp}/o"], "input file {tmp}/missing.jsonl does not exist"),
        (["{tmp}/nothing*.jsonl", "-o", "{tmp}/o"], "no file matches"),
        (["{tmp}/c.jsonl"], "--output DIR"),
        (["-", "-o", "{tmp}/o"], "reads files, not stdin"),
        (["{tmp}/c.txt", "-o", "{tmp}/o"], "--format jsonl, csv or parquet"),
        (["{tmp}/c.csv", "-o", "{tmp}/o", "--text-field", "body"], "no column 'body'"),
        (["{tmp}/c.jsonl", "-o", "{tmp}/c.csv"], "is a file"),
        (["{tmp}/c.jsonl", "-o", "{tmp}/o", "--tier", "huge"], "unknown tier 'huge'"),
        (["{tmp}/c.jsonl", "-o", "{tmp}/o", "--blocksize", "lots"], "cannot read --blocksize"),
        (["{tmp}/c.jsonl", "-o", "{tmp}", "--workers", "1"], "did not write"),
        (
            ["{tmp}/c.jsonl", "-o", "{tmp}/o", "--workers", "1", "--scheduler", "tcp://x:1"],
            "only one of them",
        ),
    ],
)
def test_errors(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "c.txt").write_text("hello\n")
    (tmp_path / "c.csv").write_text("text\nhello\n")
    (tmp_path / "c.jsonl").write_text('{"text": "hello"}\n')
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = CliRunner().invoke(cli, ["score", *args, "--engine", "dask"])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ")
    assert message.replace("{tmp}", str(tmp_path)) in result.stderr


def test_unreachable_scheduler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from cyberkind.distributed import _client

    monkeypatch.setattr(_client, "CONNECT_TIMEOUT_S", 1)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    (tmp_path / "c.jsonl").write_text('{"text": "hello"}\n')
    with pytest.raises(ConfigError, match=r"cannot reach the Dask scheduler at tcp://127"):
        score_archive(tmp_path / "c.jsonl", tmp_path / "o", scheduler=f"tcp://127.0.0.1:{port}")


def test_local_engine_rejects_dask_options(tmp_path: Path) -> None:
    (tmp_path / "c.jsonl").write_text('{"text": "hello"}\n')
    result = CliRunner().invoke(cli, ["score", str(tmp_path / "c.jsonl"), "--workers", "2"])
    assert result.exit_code == 1 and "--engine dask" in result.stderr
    result = CliRunner().invoke(cli, ["score", str(tmp_path)])
    assert result.exit_code == 1 and "is a folder" in result.stderr
    result = CliRunner().invoke(cli, ["score", str(tmp_path / "c.jsonl"), "--format", "parquet"])
    assert result.exit_code == 1 and "passing --engine dask to score Parquet" in result.stderr


def test_worker_refuses_a_file_changed_since_planning(tmp_path: Path) -> None:
    (tmp_path / "c.jsonl").write_text('{"text": "hello"}\n')
    (block,) = plan_blocks(find_inputs(tmp_path / "c.jsonl"), 1 << 20)
    (tmp_path / "c.jsonl").write_text('{"text": "hello"}\n{"text": "and more"}\n')
    result = score_block(block, _job(tmp_path / "out"))
    assert result["error_type"] == "InputError"
    assert "changed after the run was planned" in result["error"]


def test_worker_reports_an_unreachable_input(tmp_path: Path) -> None:
    (tmp_path / "c.jsonl").write_text('{"text": "hello"}\n')
    (block,) = plan_blocks(find_inputs(tmp_path / "c.jsonl"), 1 << 20)
    (tmp_path / "c.jsonl").unlink()  # as on a node that does not share the folder
    result = score_block(block, _job(tmp_path / "out"))
    assert result["error_type"] == "ConfigError"
    assert "same path on every node" in result["error"]


def test_resume_keeps_finished_partitions(client: Any, tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    _write_jsonl(path, _texts(120))
    out = tmp_path / "out"
    first = score_archive(path, out, scheduler=client, blocksize=1000)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.jsonl")}
    (out / "part-00001.jsonl").unlink()  # as if the run had died there
    second = score_archive(path, out, scheduler=client, blocksize=1000)
    assert second.rows == first.rows == 120
    after = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.jsonl")}
    assert set(after) == set(stamps)
    assert [n for n in stamps if after[n] != stamps[n]] == ["part-00001.jsonl"]
    # A changed input is scored again, and partitions it no longer has are removed.
    _write_jsonl(path, _texts(30))
    third = score_archive(path, out, scheduler=client, blocksize=1000)
    assert third.rows == 30
    assert len(list(out.glob("part-*.jsonl"))) == len(third.partitions) < len(stamps)
    local = _local(path, tmp_path / "local.jsonl")
    assert _concat(out) == (tmp_path / "local.jsonl").read_bytes(), local.output


def test_version_mismatch_fails_clearly(client: Any, tmp_path: Path) -> None:
    (tmp_path / "c.jsonl").write_text('{"text": "hello"}\n')

    def set_version(value: str) -> None:
        from cyberkind import _version

        _version.__version__ = value

    client.run(set_version, "0.0.0-other")
    try:
        with pytest.raises(
            ModelError, match=r"worker at tcp://127\.0\.0\.1:\d+ has cyberkind 0\.0"
        ):
            score_archive(tmp_path / "c.jsonl", tmp_path / "out", scheduler=client)
    finally:
        client.run(set_version, "0.1.0")
    assert not (tmp_path / "out" / SUCCESS).exists()


def test_worker_refuses_another_model(tmp_path: Path) -> None:
    """The worker's own check, for a worker that joins after the client looked."""
    (tmp_path / "c.jsonl").write_text('{"text": "hello"}\n')
    (block,) = plan_blocks(find_inputs(tmp_path / "c.jsonl"), 1 << 20)
    job = _job(tmp_path / "out", fingerprint="0" * 16)
    result = score_block(block, job)
    assert result["error_type"] == "ModelError"
    assert "installing the same cyberkind version" in result["error"]


def _job(out: Path, fingerprint: str | None = None, **kwargs: Any) -> Job:
    from cyberkind import __version__

    values: dict[str, Any] = {
        "output_dir": str(out),
        "text_field": "text",
        "id_field": None,
        "strict": False,
        "tier": "fast",
        "model_dir": None,
        "options": (),
        "batch_size": 64,
        "version": __version__,
        "fingerprint": fingerprint or model_fingerprint("fast", None),
    }
    values.update(kwargs)
    return Job(**values)


def _read_blocks(blocks: list[Block], job: Job) -> list[Any]:
    return [row for block in blocks for row in _rows(block, job)]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_blocks_of_any_size_read_the_same_rows_as_the_whole_file(tmp_path: Path, fmt: str) -> None:
    """Planning alone, no cluster: every block size gives the whole file's rows and lines."""
    path = tmp_path / f"c.{fmt}"
    if fmt == "jsonl":
        body = '\ufeff{"text": "a"}\n\n{"text": "b\\nc"}\n{oops\n{"text": "d"}\n{"text": "e"}'
    else:
        body = '\ufefftext,n\n"multi\nline ""quoted""",1\nplain,2\n\n"x,y",3\nbad\n"a\n\nb",4\n'
    path.write_text(body, encoding="utf-8")
    job = _job(tmp_path)
    whole = _read_blocks(plan_blocks(find_inputs(path), 1 << 20), job)
    assert len(whole) == 5
    for size in range(1, len(body) + 2):
        blocks = plan_blocks(find_inputs(path), size)
        assert blocks[0].start == 0 and blocks[-1].end == path.stat().st_size
        assert all(a.end == b.start for a, b in itertools.pairwise(blocks))
        assert _read_blocks(blocks, job) == whole, size


def test_plan_checks_fields_like_local(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("body\nhello\n")
    with pytest.raises(InputFormatError, match="no column 'text'"):
        plan_blocks(find_inputs(tmp_path / "c.csv"), 100)
    pq.write_table(pa.table({"body": ["x"]}), tmp_path / "c.parquet")
    with pytest.raises(InputFormatError, match=r"c\.parquet has no column 'text'"):
        plan_blocks(find_inputs(tmp_path / "c.parquet"), 100)
    with pytest.raises(InputError, match=r"no \.jsonl, \.csv or \.parquet files"):
        (tmp_path / "empty").mkdir()
        find_inputs(tmp_path / "empty")


def test_local_cluster_from_workers_option(tmp_path: Path) -> None:
    """--workers starts (and stops) a cluster of its own."""
    path = tmp_path / "c.jsonl"
    _write_jsonl(path, _texts(20))
    result = CliRunner().invoke(
        cli, ["score", str(path), "--engine", "dask", "--workers", "1", "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    assert _local(path, tmp_path / "local.jsonl").exit_code == 0
    assert _concat(tmp_path / "o") == (tmp_path / "local.jsonl").read_bytes()


def test_core_does_not_import_cli(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys, cyberkind.distributed\n"
        "print([m for m in ('click', 'cyberkind.cli', 'distributed') if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ)
    )
    assert out.stdout.strip() == "[]", out.stderr


def test_missing_dask_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)
    from cyberkind.distributed._client import _dask

    with pytest.raises(ConfigError, match=r"pip install 'cyberkind\[distributed\]'"):
        _dask()
