"""Secrets come from the environment or the keyring, and never print themselves."""

from __future__ import annotations

import pickle
import sys
from typing import Any

import pytest

from cyberkind.credentials import (
    ChainCredentials,
    EnvCredentials,
    KeyringCredentials,
    Secret,
    default_credentials,
    env_var,
)
from cyberkind.errors import ConfigError


def test_a_secret_hides_its_value() -> None:
    secret = Secret("hunter2")
    for shown in (repr(secret), str(secret), f"{secret}", f"{secret!r}", f"{[secret]}"):
        assert "hunter2" not in shown
    assert secret.reveal() == "hunter2"
    assert secret == Secret("hunter2") and secret != Secret("other")
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(secret)


@pytest.mark.parametrize(
    ("account", "key", "name"),
    [
        ("kindcorner", "password", "CYBERKIND_KINDCORNER_PASSWORD"),
        ("@me@social.example", "token", "CYBERKIND_ME_SOCIAL_EXAMPLE_TOKEN"),
        ("blog.example", "app-password", "CYBERKIND_BLOG_EXAMPLE_APP_PASSWORD"),
    ],
)
def test_env_var_names(account: str, key: str, name: str) -> None:
    assert env_var(account, key) == name


def test_chain_prefers_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    class Fixed:
        def get(self, account: str, key: str) -> Secret | None:
            return Secret("from-keyring") if key == "password" else None

    chain = ChainCredentials(EnvCredentials({"CYBERKIND_BLOG_PASSWORD": "from-env"}), Fixed())
    assert chain.require("blog", "password").reveal() == "from-env"
    assert chain.require("other", "password").reveal() == "from-keyring"
    with pytest.raises(ConfigError, match=r"no token for the account 'blog'.*CYBERKIND_BLOG_TOKEN"):
        chain.require("blog", "token")


def test_without_keyring_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring -> ImportError
    assert KeyringCredentials().get("blog", "password") is None
    with pytest.raises(ConfigError, match="pip install keyring"):
        KeyringCredentials().set("blog", "password", Secret("x"))
    monkeypatch.setenv("CYBERKIND_BLOG_PASSWORD", "env")
    assert default_credentials().require("blog", "password").reveal() == "env"


def test_a_plaintext_keyring_backend_is_recognised() -> None:
    from keyring.backends.chainer import ChainerBackend
    from keyring.backends.fail import Keyring as NoKeyring
    from keyrings.alt.file import PlaintextKeyring

    from cyberkind.credentials import plaintext_keyring

    assert plaintext_keyring(PlaintextKeyring()) == "keyrings.alt.file.PlaintextKeyring"
    assert plaintext_keyring(NoKeyring()) is None

    class Chain(ChainerBackend):  # type: ignore[misc]
        backends = (NoKeyring(), PlaintextKeyring())

    assert plaintext_keyring(Chain()) == "keyrings.alt.file.PlaintextKeyring"


def test_a_plaintext_keyring_warns_once_on_stderr(tmp_path: Any) -> None:
    """A real process, with keyrings.alt's plain-text backend chosen as keyring would pick it
    on a machine without an OS keyring: two writes and a read, one warning on stderr."""
    import os
    import subprocess

    code = (
        "from cyberkind.credentials import KeyringCredentials, Secret\n"
        "k = KeyringCredentials()\n"
        "k.set('social', 'access_token', Secret('s3cret'))\n"
        "k.set('work', 'access_token', Secret('other'))\n"
        "assert k.get('social', 'access_token') == Secret('s3cret')\n"
    )
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(tmp_path),
        "HOME": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("Warning: the keyring backend") == 1, done.stderr
    assert "keyrings.alt.file.PlaintextKeyring stores secrets in plain text" in done.stderr
    assert str(tmp_path) in done.stderr  # the file that holds them
    assert "pip uninstall keyrings.alt" in done.stderr
    assert "s3cret" not in done.stderr


def test_no_user_extra_installs_the_plaintext_keyring() -> None:
    """keyrings.alt makes its plain-text backend the default wherever there is no OS keyring,
    so only the dev extra (the tests) may pull it in."""
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    pulls = {
        name
        for name, deps in {
            "(core)": project["dependencies"],
            **project["optional-dependencies"],
        }.items()
        if any(dep.lower().replace("_", ".").startswith("keyrings.alt") for dep in deps)
    }
    assert pulls == {"dev"}
    assert not any(
        "[dev" in dep or "dev]" in dep
        for deps in project["optional-dependencies"].values()
        for dep in deps
    )
