"""Secrets come from the environment or the keyring, and never print themselves."""

from __future__ import annotations

import pickle
import sys

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
