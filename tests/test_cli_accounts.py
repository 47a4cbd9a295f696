"""``cyberkind accounts add|list|remove``: accounts in the store, secrets in a real keyring.

Real parts: the ``keyring`` library with the keyrings.alt plain-text file backend (a
real keyring backend that works headless, writing a file under the test's temporary
folder; selected the way ``PYTHON_KEYRING_BACKEND`` would), keyring's "fail" backend
(no keyring available), a real SQLite store file whose bytes (with its WAL) are searched
for the secret, and for the end-to-end check a real mastodon-mock server on 127.0.0.1
that ``cyberkind sync`` reaches with the token read back from the keyring.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _mastodon_support import client, start_mock
from click.testing import CliRunner, Result

from cyberkind.cli import cli
from cyberkind.store.sqlite import SQLiteStore

SECRET = "s3cr3t-token-value-never-shown"


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[Any]:
    """A real file-backed keyring in this test's folder, set as keyring's backend."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring" / "keyring_pass.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def run(db_path: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, [*args, "--db", str(db_path)], input=input)


def store_bytes(db_path: Path) -> bytes:
    with SQLiteStore(db_path):
        pass  # close: checkpoint the WAL into the file
    return b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))


def test_add_from_env_stores_the_secret_in_the_keyring_only(
    db_path: Path, file_keyring: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYBERKIND_SOCIAL_ACCESS_TOKEN", SECRET)
    added = run(
        db_path,
        "accounts",
        "add",
        "mastodon",
        "social",
        "--url",
        "https://social.example",
        "--handle",
        "ana",
        "--option",
        "visibility=unlisted",
        "--secret-from-env",
    )
    assert added.exit_code == 0, added.output
    assert added.output == (
        "Connected mastodon:social (https://social.example).\n"
        "Stored access_token in the OS keyring.\n"
    )
    assert file_keyring.get_password("cyberkind", "social:access_token") == SECRET
    monkeypatch.delenv("CYBERKIND_SOCIAL_ACCESS_TOKEN")
    listed = run(db_path, "accounts", "list", "--json")
    assert listed.exit_code == 0
    [row] = json.loads(listed.stdout)
    assert row["source"] == "mastodon:social" and row["handle"] == "ana"
    assert row["options"] == {"visibility": "unlisted"}
    assert row["secrets"] == {
        "access_token": {
            "found": True,
            "where": "keyring",
            "env": "CYBERKIND_SOCIAL_ACCESS_TOKEN",
        }
    }
    text = run(db_path, "accounts", "list")
    assert text.stdout == (
        "mastodon:social  https://social.example as ana  access_token found in keyring\n"
    )
    assert SECRET not in added.output + listed.output + text.output
    assert SECRET.encode() not in store_bytes(db_path)


def test_add_asks_with_a_hidden_prompt(db_path: Path, file_keyring: Any) -> None:
    added = run(
        db_path,
        "accounts",
        "add",
        "mastodon",
        "work",
        "--url",
        "https://social.example",
        input=SECRET + "\n",
    )
    assert added.exit_code == 0, added.output
    assert added.output.startswith("mastodon access_token for work: \n")  # nothing echoed
    assert SECRET not in added.output
    assert file_keyring.get_password("cyberkind", "work:access_token") == SECRET
    assert SECRET.encode() not in store_bytes(db_path)


def test_remove_deletes_the_account_and_its_keyring_secret(
    db_path: Path, file_keyring: Any
) -> None:
    run(db_path, "accounts", "add", "mastodon", "social", "--url", "https://s.example", input="t\n")
    removed = run(db_path, "accounts", "remove", "social")
    assert removed.exit_code == 0
    assert removed.output == "Removed mastodon:social. Deleted access_token from the OS keyring.\n"
    assert file_keyring.get_password("cyberkind", "social:access_token") is None
    assert run(db_path, "accounts", "list").stdout.startswith("No accounts connected.")
    again = run(db_path, "accounts", "remove", "social")
    assert again.exit_code == 1
    assert "Error: no account is called 'social'" in again.output


def test_without_a_keyring_the_user_is_told_which_variable_to_set(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        failed = run(
            db_path,
            "accounts",
            "add",
            "mastodon",
            "social",
            "--url",
            "https://s.example",
            input=SECRET + "\n",
        )
        assert failed.exit_code == 1
        assert "--no-keyring" in failed.output and "CYBERKIND_SOCIAL_ACCESS_TOKEN" in failed.output
        assert SECRET not in failed.output
        assert run(db_path, "accounts", "list", "--json").stdout.strip() == "[]"
        plain = run(
            db_path,
            "accounts",
            "add",
            "mastodon",
            "social",
            "--url",
            "https://s.example",
            "--no-keyring",
        )
        assert plain.exit_code == 0
        assert plain.output.endswith(
            "No secret stored: set CYBERKIND_SOCIAL_ACCESS_TOKEN in the environment to sync "
            "and send.\n"
        )
        [row] = json.loads(run(db_path, "accounts", "list", "--json").stdout)
        assert row["secrets"]["access_token"]["found"] is False
        monkeypatch.setenv("CYBERKIND_SOCIAL_ACCESS_TOKEN", SECRET)
        [row] = json.loads(run(db_path, "accounts", "list", "--json").stdout)
        assert row["secrets"]["access_token"]["where"] == "environment"
    finally:
        keyring.set_keyring(previous)


def test_without_a_keyring_backend_a_missing_secret_is_an_auth_error() -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    from cyberkind.connectors.mastodon import MastodonConnector
    from cyberkind.credentials import default_credentials
    from cyberkind.errors import AuthError
    from cyberkind.models import Account

    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        account = Account("social", "mastodon", "https://social.example")
        conn = MastodonConnector(account, credentials=default_credentials())
        with pytest.raises(AuthError, match="CYBERKIND_SOCIAL_ACCESS_TOKEN"):
            conn.secret("access_token")
    finally:
        keyring.set_keyring(previous)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["myspace", "x", "--url", "https://m.example"], "'myspace' is not a live platform"),
        (["rss", "x", "--url", "https://m.example"], "'rss' is not a live platform"),
        (["mastodon", "x", "--url", "social.example"], "is not an http(s) URL"),
        (["mastodon", "x", "--url", "https://m.example", "--option", "novalue"], "KEY=VALUE"),
    ],
)
def test_add_refuses_what_it_cannot_use(db_path: Path, args: list[str], message: str) -> None:
    result = run(db_path, "accounts", "add", *args, "--no-keyring")
    assert result.exit_code == 2
    assert message in result.output


def test_an_account_added_on_the_cli_syncs_with_its_keyring_token(
    db_path: Path, file_keyring: Any
) -> None:
    server = start_mock()
    try:
        bob = client(server.base_url, "bob")
        bob.status_post("@alice thank you for the kindness wall!")
        added = run(
            db_path,
            "accounts",
            "add",
            "mastodon",
            "social",
            "--url",
            server.base_url,
            "--handle",
            "alice",
            input="alice_token\n",
        )
        assert added.exit_code == 0, added.output
        synced = run(db_path, "sync", "--json")
    finally:
        server.stop()
    assert synced.exit_code == 0, synced.output
    [source] = json.loads(synced.output)["sources"]
    assert (source["source"], source["new_items"], source["error"]) == ("mastodon:social", 1, None)
    assert b"alice_token" not in store_bytes(db_path)


@pytest.mark.parametrize(
    "option", ["access_token", "password", "client_secret", "api-key", "apiKey", "app_pass"]
)
def test_add_refuses_a_secret_passed_as_an_option(db_path: Path, option: str) -> None:
    """Issue 14 #7: a secret given as --option used to be stored in plain text and echoed."""
    added = run(
        db_path,
        "accounts",
        "add",
        "mastodon",
        "social",
        "--url",
        "https://social.example",
        "--option",
        f"{option}={SECRET}",
        "--no-keyring",
    )
    assert added.exit_code == 2, added.output
    assert f"the option {option!r} looks like a secret" in added.output
    assert "keyring" in added.output and "CYBERKIND_SOCIAL_ACCESS_TOKEN" in added.output
    assert SECRET not in added.output
    assert run(db_path, "accounts", "list", "--json").stdout.strip() == "[]"
    assert SECRET.encode() not in store_bytes(db_path)


def test_list_never_shows_a_secret_option_stored_before(db_path: Path) -> None:
    """An older version stored ``--option access_token=...``: it is never echoed again."""
    from cyberkind.models import Account

    with SQLiteStore(db_path) as store:
        options = {"visibility": "unlisted", "access_token": SECRET}
        store.add_account(Account("social", "mastodon", "https://s.example", options=options))
    listed = run(db_path, "accounts", "list", "--json")
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.stdout)
    assert row["options"] == {"visibility": "unlisted"}
    assert SECRET not in listed.output + run(db_path, "accounts", "list").stdout


def test_secret_like_names() -> None:
    from cyberkind.accounts import is_secret_name

    secret = ["token", "access_token", "Password", "client_secret", "api_key", "passphrase"]
    plain = ["visibility", "language", "author", "max_posts", "passage"]
    assert [n for n in secret if not is_secret_name(n)] == []
    assert [n for n in plain if is_secret_name(n)] == []


@pytest.mark.parametrize("as_json", [False, True])
def test_list_names_a_plain_text_keyring_on_stderr(
    db_path: Path, file_keyring: Any, monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    """Before: the warning was logged on the first keyring read alone, never in the list."""
    monkeypatch.setenv("CYBERKIND_SOCIAL_ACCESS_TOKEN", SECRET)
    added = run(
        db_path,
        "accounts",
        "add",
        "mastodon",
        "social",
        "--url",
        "https://m.example",
        "--secret-from-env",
    )
    assert added.exit_code == 0, added.output
    listed = run(db_path, "accounts", "list", *(["--json"] if as_json else []))
    assert listed.exit_code == 0, listed.output
    assert listed.stderr.count("Warning: the keyring backend") == 1, listed.stderr
    assert "keyrings.alt.file.PlaintextKeyring stores secrets in plain text" in listed.stderr
    assert file_keyring.file_path in listed.stderr and "pip uninstall keyrings.alt" in listed.stderr
    assert "Warning" not in listed.stdout and SECRET not in listed.stdout + listed.stderr
    if as_json:
        assert [row["name"] for row in json.loads(listed.stdout)] == ["social"]
    else:
        assert listed.stdout.startswith("mastodon:social  https://m.example")


def test_list_says_nothing_of_an_os_keyring(db_path: Path) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        listed = run(db_path, "accounts", "list")
    finally:
        keyring.set_keyring(previous)
    assert listed.exit_code == 0 and listed.stderr == ""
