"""`cyberkind import`, `inbox`, `done`, `snooze` and `dismiss`, end to end on real files."""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from cyberkind.cli import cli, wake_time

WXR = Path(__file__).parent / "data" / "kindcorner.wxr.xml"
BEN = "b7dde8bd699b"  # thank_commenter for comment:102
LINKS = "6a2c69789097"  # the grouped thank_sharer


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def imported(db_path: Path) -> Path:
    result = run("import", str(WXR), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    return db_path


def test_import_prints_a_summary(db_path: Path) -> None:
    result = run("import", str(WXR), "--db", str(db_path))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "source": "wordpress:kindcorner.example",
        "read": 14,
        "new": 14,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "open_opportunities": 5,  # the idea comment is one opportunity (issue 15)
    }
    assert result.stderr == ""


def test_inbox_text(imported: Path) -> None:
    result = run(
        "inbox", "--db", str(imported), "--act", "thank_commenter", "--act", "thank_sharer"
    )
    assert result.exit_code == 0
    post = "https://kindcorner.example/2026/10/ten-tiny-kindnesses/"
    # The act reader's confidence moves with the shipped models: compare it as a number.
    listed = re.sub(r"kind words [01]\.\d\d ", "kind words 0.NN ", result.stdout)
    assert listed == (
        # Chloé's idea (103) is one thank_for_sharing_what_matters opportunity (issue 15).
        "4 opportunities, most urgent first:\n"
        "\n"
        f"{BEN}  thank_commenter: Ben Okafor (wordpress:kindcorner.example)\n"
        # The act reader (issue 15) says why: its reading of the comment and its confidence.
        "    reads as thanks or kind words 0.NN in a comment on your post 'Ten tiny kindnesses':"
        " thank them\n"
        f"    {post}#comment-102\n"
        "\n"
        "142284157b9c  thank_commenter: Ana Lima (wordpress:kindcorner.example)\n"
        "    unanswered reply to you on your post 'Ten tiny kindnesses'\n"
        f"    {post}#comment-105\n"
        "\n"
        "623e9620e1df  thank_commenter: Emma Novak (wordpress:kindcorner.example)\n"
        "    reads as thanks or kind words 0.NN in a reply on your post 'Ten tiny kindnesses':"
        " thank them\n"
        f"    {post}#comment-106\n"
        "\n"
        f"{LINKS}  thank_sharer: Ben's Blog \u00bb A kindness roundup, Gentle Links Weekly #12 "
        "and Small Acts Journal (wordpress:kindcorner.example)\n"
        "    3 sites linked to your post 'Ten tiny kindnesses': thank them together?\n"
        f"    {post}\n"
    )


def test_done_dismiss_snooze(imported: Path) -> None:
    db = str(imported)
    assert run("done", BEN, "--db", db).stdout == f"Done: {BEN} (thank_commenter, Ben Okafor).\n"
    dismissed = run("dismiss", LINKS[:6], "--db", db)
    assert dismissed.stdout.startswith(f"Dismissed: {LINKS} (thank_sharer, Ben's Blog")
    snoozed = run("snooze", "623e", "--until", "2099-12-01", "--db", db)
    assert snoozed.exit_code == 0
    assert snoozed.stdout == (
        "Snoozed: 623e9620e1df (thank_commenter, Emma Novak) until 2099-12-01T00:00:00+00:00.\n"
    )
    listed = json.loads(run("inbox", "--db", db, "--json").stdout)
    # Chloé's idea comment (103) is one opportunity: the idea (issue 15).
    assert [o["item_ids"] for o in listed] == [["comment:103"], ["comment:105"]]
    states = {
        o["id"]: o["state"]
        for o in json.loads(run("inbox", "--state", "all", "--json", "--db", db).stdout)
    }
    assert (states[BEN], states[LINKS], states["623e9620e1df"]) == ("done", "dismissed", "snoozed")
    only = json.loads(run("inbox", "--state", "dismissed", "--json", "--db", db).stdout)
    assert [o["id"] for o in only] == [LINKS]
    ideas = json.loads(run("inbox", "--ideas", "--json", "--db", db).stdout)
    assert [o["item_ids"] for o in ideas] == [["comment:103"]]


def test_snooze_for_a_duration(imported: Path) -> None:
    result = run("snooze", BEN, "--for", "3d", "--db", str(imported))
    assert result.exit_code == 0
    until = datetime.fromisoformat(result.stdout.rsplit(" until ", 1)[1].rstrip(".\n"))
    assert timedelta(days=2.99) < until - datetime.now(UTC) < timedelta(days=3.01)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["done", "ffffffff"], 1, "Error: no opportunity has the id 'ffffffff'. You can fix this"),
        (["snooze", BEN], 2, "give exactly one of --until DATE and --for DURATION"),
        (["snooze", BEN, "--for", "3x"], 2, "'3x' is not a duration. You can fix this by"),
        (["snooze", BEN, "--until", "soon"], 2, "'soon' is not a date. You can fix this by"),
        (["snooze", BEN, "--until", "2020-01-01"], 1, "Error: cannot snooze until 2020-01-01"),
        (["inbox", "--act", "thank"], 2, "Invalid value for '--act'"),
    ],
)
def test_errors(imported: Path, args: list[str], code: int, message: str) -> None:
    result = run(*args, "--db", str(imported))
    assert result.exit_code == code
    assert message in result.output


def test_import_errors_name_the_file(tmp_path: Path, db_path: Path) -> None:
    hostile = tmp_path / "export.xml"
    hostile.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss>&a;</rss>')
    result = run("import", str(hostile), "--db", str(db_path))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: refused {hostile}: it declares a document type")
    missing = run("import", str(tmp_path / "nope.xml"), "--db", str(db_path))
    assert missing.exit_code == 1
    assert "Error: input file" in missing.output and "does not exist" in missing.output


def test_bad_rows_are_reported_with_line_numbers(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "mentions.jsonl"
    path.write_text(
        '{"id": "1", "kind": "mention", "author": "Ana", "text": "hi"}\n'
        '{"id": "2", "kind": "wave", "author": "Ben"}\n'
        "oops\n"
    )
    result = run("import", str(path), "--db", str(db_path), "--source", "mastodon:@me@x.example")
    assert result.exit_code == 3
    assert result.stderr == (
        "Warning: line 2: kind 'wave' is not one of: post, comment, reply, mention, quote, "
        "boost, like, pingback, trackback, follow, share; skipped.\n"
        "Warning: line 3: invalid JSON (Expecting value at column 1); skipped.\n"
    )
    summary = json.loads(result.stdout)
    assert (summary["source"], summary["new"], summary["skipped"]) == (
        "mastodon:@me@x.example",
        1,
        2,
    )


def test_db_comes_from_the_environment_and_settings(tmp_path: Path) -> None:
    env_db, setting_db = tmp_path / "env.db", tmp_path / "setting.db"
    assert run("import", str(WXR), env={"CYBERKIND_DB": str(env_db)}).exit_code == 0
    assert env_db.is_file()
    assert run("import", str(WXR), "--setting", "db", str(setting_db)).exit_code == 0
    assert setting_db.is_file()
    listed = run("inbox", "--json", env={"CYBERKIND_DB": str(env_db)})
    assert len(json.loads(listed.stdout)) == 5  # one opportunity per item (issue 15)


def test_default_db_lives_in_the_user_data_folder(tmp_path: Path) -> None:
    # conftest points XDG_DATA_HOME at a temporary folder, so this never touches real data.
    assert run("import", str(WXR)).exit_code == 0
    from cyberkind.store import default_db_path

    assert default_db_path().is_file()


def test_crisis_shows_resources_in_text(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text(
        '{"id": "1", "kind": "mention", "author": "Sad", "text": "I want to kill myself tonight"}\n'
    )
    assert run("import", str(path), "--db", str(db_path)).exit_code == 0
    result = run("inbox", "--db", str(db_path), "--setting", "crisis_line", "Call 0800 111 0 111")
    lines = result.stdout.splitlines()
    assert "offer_dm: Sad (import:m)" in lines[2]
    assert lines[4] == "    Safety resources (share them privately, in your own words):"
    assert lines[5] == "      - Your local crisis line (configured): Call 0800 111 0 111"
    assert "findahelpline.com" in lines[6]
    data = json.loads(run("inbox", "--db", str(db_path), "--json").stdout)
    assert data[0]["resources"][0]["url"] == "https://findahelpline.com"


def test_empty_inbox(db_path: Path) -> None:
    assert run("inbox", "--db", str(db_path)).stdout == (
        "Nothing in the inbox: no open opportunities.\n"
    )
    assert run("inbox", "--db", str(db_path), "--json").stdout == "[]\n"


@pytest.mark.parametrize(
    ("until", "duration", "expected"),
    [
        ("2026-12-01", None, datetime(2026, 12, 1, tzinfo=UTC)),
        ("2026-12-01T09:30+01:00", None, datetime(2026, 12, 1, 8, 30, tzinfo=UTC)),
        (None, "30m", datetime(2026, 1, 1, 0, 30, tzinfo=UTC)),
        (None, "4h", datetime(2026, 1, 1, 4, tzinfo=UTC)),
        (None, "3d", datetime(2026, 1, 4, tzinfo=UTC)),
        (None, "2W", datetime(2026, 1, 15, tzinfo=UTC)),
    ],
)
def test_wake_time(until: str | None, duration: str | None, expected: Any) -> None:
    assert wake_time(until, duration, now=datetime(2026, 1, 1, tzinfo=UTC)) == expected


@pytest.mark.parametrize("duration", ["0d", "d", "3", "-1d", "1y"])
def test_bad_durations(duration: str) -> None:
    with pytest.raises(click.BadParameter):
        wake_time(None, duration)


def test_every_new_command_has_an_example_and_option_help() -> None:
    for name in ("import", "inbox", "done", "snooze", "dismiss", "demo"):
        command = cli.commands[name]
        assert "Example:" in (command.help or ""), name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.name}"


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from cyberkind.cli import _import_progress

    with _import_progress() as progress:
        assert progress is None  # pytest captures stderr: not a terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with _import_progress() as progress:
        assert progress is not None
        progress(200, 0)


def test_demo_ends_with_the_sample_inbox() -> None:
    result = CliRunner().invoke(cli, ["demo"], terminal_width=160)
    assert result.exit_code == 0, result.output
    inbox = result.stdout.split("Your kindness inbox", 1)[1]
    # One opportunity per comment (issue 15): Jules's news and Tom's question are one each.
    assert "5 opportunities, most urgent first:" in inbox
    assert "celebrate: Jules" in inbox and "send_link: Tom" in inbox
    drafts = result.stdout.split("Drafts for you", 1)[1]
    assert "ongratulat" in drafts
    # Tom asks on the calendar post itself: never answered with the post he is reading.
    assert "https://kindcorner.example/2026/11/kindness-calendar/" not in drafts
    assert "I don't have a post or a good link on it yet" in drafts
    assert "hug: Priya (wordpress:kindcorner.example)" in inbox
    assert "thank_for_sharing_what_matters (idea): Lena" in inbox
    assert "2 sites linked to your post 'A kindness calendar for November'" in inbox
    assert "Maya" not in inbox  # answered by the author


def test_inbox_source_filter(imported: Path) -> None:
    db = str(imported)
    assert run("inbox", "--source", "elsewhere", "--json", "--db", db).stdout == "[]\n"
    found = run("inbox", "--source", "wordpress:kindcorner.example", "--json", "--db", db)
    assert len(json.loads(found.stdout)) == 5  # one opportunity per item (issue 15)


# -- issue 14: hostile import files, progress, Ctrl+C, ambiguous ids, relative dates ---------

MENTION = '{"id": "%s", "kind": "mention", "author": "Ana", "text": "hi there"}\n'


def test_import_skips_deeply_nested_json_with_its_line(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text(MENTION % 1 + "[" * 100_000 + "]" * 100_000 + "\n" + MENTION % 3)
    result = run("import", str(path), "--db", str(db_path))
    assert result.exit_code == 3, result.output
    assert "Warning: line 2: invalid JSON (nested too deeply" in result.stderr
    assert json.loads(result.stdout)["new"] == 2
    assert "Traceback" not in result.output


def test_import_skips_a_record_over_max_record_bytes(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(f"id,kind,author,text\n1,mention,Ana,hi\n2,mention,Ben,{'x' * 5000}\n")
    result = run("import", str(path), "--db", str(db_path), "--setting", "max_record_bytes", "1000")
    assert result.exit_code == 3, result.output
    assert "Warning: line 3: the record is over 1,000 bytes" in result.stderr
    assert json.loads(result.stdout)["new"] == 1


def test_import_binary_file_is_one_error(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_bytes(b"{" + bytes(range(256)) * 40 + b"\n" * 88)
    result = run("import", str(path), "--db", str(db_path))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: m.jsonl looks like a binary file")
    assert "Warning" not in result.stderr


@pytest.mark.parametrize("content", ["", "\n\n"])
def test_import_empty_file_is_an_error(tmp_path: Path, db_path: Path, content: str) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text(content)
    result = run("import", str(path), "--db", str(db_path))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: {path} holds no records")


def test_import_ctrl_c_says_how_to_resume(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: Any, **kw: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr("cyberkind.pipeline.import_file", interrupted)
    result = run("import", str(WXR), "--db", str(db_path))
    assert result.exit_code == 130
    assert "Aborted!" not in result.output
    assert "Interrupted. Every batch committed so far is stored." in result.stderr
    assert f"cyberkind import {WXR} --db {db_path}" in result.stderr


def test_import_progress_shows_the_total_and_time_left(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from rich.progress import Progress, TimeRemainingColumn

    from cyberkind.cli._inbox import _import_progress

    seen: list[tuple[Progress, dict[str, Any]]] = []
    update = Progress.update

    def spy(self: Progress, task: Any, **kw: Any) -> None:
        seen.append((self, kw))
        update(self, task, **kw)

    monkeypatch.setattr(Progress, "update", spy)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with _import_progress(lambda: 500) as progress:
        assert progress is not None
        progress(200, 0)
    bar, kw = seen[-1]
    assert kw == {"completed": 200, "total": 500}
    assert any(isinstance(column, TimeRemainingColumn) for column in bar.columns)


def test_file_connectors_estimate_their_records(tmp_path: Path) -> None:
    from cyberkind.connectors import detect_file_connector

    # 14 records are read; the estimate counts every <item> and <wp:comment> tag (16).
    assert 14 <= detect_file_connector(WXR).estimate_records(WXR) <= 16
    path = tmp_path / "m.jsonl"
    path.write_text(MENTION % 1 + MENTION % 2)
    assert detect_file_connector(path).estimate_records(path) == 2


def test_an_ambiguous_id_prefix_lists_the_matches(imported: Path) -> None:
    listed = json.loads(run("inbox", "--state", "all", "--json", "--db", str(imported)).stdout)
    ids = sorted(o["id"] for o in listed)
    prefix = next(a[0] for a, b in itertools.pairwise(ids) if a[0] == b[0])
    matching = [i for i in ids if i.startswith(prefix)]
    result = run("done", prefix, "--db", str(imported))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: the id {prefix!r} is ambiguous: {len(matching)} opportunities start with it:"
    )
    assert all(i in result.stderr for i in matching)
    assert "no opportunity has the id" not in result.stderr


def test_snooze_help_and_fix_its_use_no_past_dates(imported: Path) -> None:
    import re

    today = datetime.now(UTC).date().isoformat()
    helptext = run("snooze", "--help").output
    assert not re.search(r"\d{4}-\d{2}-\d{2}", helptext), helptext
    for args in (["--until", "soon"], ["--until", "2020-01-01"]):
        result = run("snooze", BEN, *args, "--db", str(imported))
        dates = re.findall(r"\d{4}-\d{2}-\d{2}", result.output.replace("2020-01-01", ""))
        assert dates and all(d > today for d in dates), result.output
