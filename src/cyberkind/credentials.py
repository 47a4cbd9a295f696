"""Where live connectors get their secrets: the OS keyring or the environment, never the store.

File imports need no credentials. The live connectors of the next increment
(WordPress Application Passwords, Mastodon and Bluesky tokens) ask a
:class:`Credentials` object for a :class:`Secret` when they authenticate.
A :class:`Secret` never prints its value (``repr``, ``str`` and f-strings show
``Secret('********')``), so it cannot leak into logs, tracebacks or the
database by accident; only :meth:`Secret.reveal` returns it, at the moment a
request needs it. The store keeps an account's *name* and non-secret settings
(site URL, handle), never its password or token.

Lookup order: the environment variable ``CYBERKIND_<ACCOUNT>_<KEY>`` (for CI and
containers; account and key upper-cased, non-alphanumerics as ``_``), then the
OS keyring under the service ``cyberkind`` and the user name ``<account>:<key>``
(needs ``pip install keyring``).

A keyring is only as safe as its backend. ``keyrings.alt``'s ``PlaintextKeyring``
writes secrets to a file as they are, and it makes itself the default backend
wherever no OS keyring is found, silently; cyberkind's ``dev`` extra installs it for
the tests, and no user-facing extra does. So the first time this process reads or
writes the keyring, :func:`plaintext_keyring` checks the active backend, and if it
stores secrets in plain text a warning (logger ``cyberkind.credentials``; on stderr
unless logging is configured) says so, once, with how to fix it.

**Usage**::

    >>> creds = EnvCredentials({"CYBERKIND_KINDCORNER_PASSWORD": "abcd efgh"})
    >>> secret = creds.get("kindcorner", "password")
    >>> secret
    Secret('********')
    >>> secret.reveal()
    'abcd efgh'
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from typing import Any, Protocol

from .errors import ConfigError

__all__ = [
    "ChainCredentials",
    "Credentials",
    "EnvCredentials",
    "KeyringCredentials",
    "Secret",
    "default_credentials",
    "env_var",
    "plaintext_keyring",
    "plaintext_warning",
]

SERVICE = "cyberkind"
log = logging.getLogger(__name__)
_checked_backend = False


class Secret:
    """A credential that hides its value from ``repr``, ``str`` and formatting."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The value itself: call this only where a request needs it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> tuple[object, ...]:
        # Refuse pickling, so a secret cannot be serialised into a cache or a queue by accident.
        raise TypeError("a Secret cannot be pickled")


class Credentials(Protocol):
    """Anything that finds an account's secret by key, or returns ``None``."""

    def get(self, account: str, key: str) -> Secret | None: ...


def env_var(account: str, key: str) -> str:
    """``CYBERKIND_<ACCOUNT>_<KEY>``: the environment variable for one secret."""
    return "CYBERKIND_" + re.sub(r"[^A-Za-z0-9]+", "_", f"{account}_{key}").upper().strip("_")


class EnvCredentials:
    """Secrets from environment variables (``environ`` defaults to ``os.environ``)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def get(self, account: str, key: str) -> Secret | None:
        value = self.environ.get(env_var(account, key))
        return Secret(value) if value else None


class KeyringCredentials:
    """Secrets from the OS keyring (macOS Keychain, Windows Credential Locker, Secret Service)."""

    def get(self, account: str, key: str) -> Secret | None:
        """The secret, or ``None`` when it is not there or no keyring backend can be reached."""
        try:
            import keyring
            import keyring.errors
        except ImportError:
            return None
        _warn_if_plaintext(keyring)
        try:
            value = keyring.get_password(SERVICE, f"{account}:{key}")
        except keyring.errors.KeyringError:
            return None  # no backend (a headless machine), or a locked one: try elsewhere
        return Secret(value) if value else None

    def set(self, account: str, key: str, secret: Secret) -> None:
        """Store a secret in the keyring (for ``cyberkind accounts add``)."""
        try:
            import keyring
        except ImportError:
            raise ConfigError(
                "the OS keyring is not available. You can fix this by running "
                "pip install keyring, or by setting the secret in the environment variable "
                f"{env_var(account, key)}."
            ) from None
        _warn_if_plaintext(keyring)
        keyring.set_password(SERVICE, f"{account}:{key}", secret.reveal())

    def delete(self, account: str, key: str) -> bool:
        """Delete a secret from the keyring (``accounts remove``); ``True`` if it was there."""
        try:
            import keyring
            import keyring.errors
        except ImportError:
            return False
        try:
            keyring.delete_password(SERVICE, f"{account}:{key}")
        except keyring.errors.PasswordDeleteError:
            return False
        return True


class ChainCredentials:
    """The first secret any of ``sources`` knows."""

    def __init__(self, *sources: Credentials) -> None:
        self.sources = sources

    def get(self, account: str, key: str) -> Secret | None:
        for source in self.sources:
            found = source.get(account, key)
            if found is not None:
                return found
        return None

    def require(self, account: str, key: str) -> Secret:
        """The secret, or a ConfigError that says where to put it."""
        found = self.get(account, key)
        if found is None:
            raise ConfigError(
                f"no {key} for the account {account!r}. You can fix this by setting "
                f"{env_var(account, key)}, or storing it in the OS keyring (service "
                f"{SERVICE!r}, user '{account}:{key}')."
            )
        return found


def plaintext_keyring(backend: Any = None) -> str | None:
    """The active keyring backend's name when it stores secrets in plain text, else ``None``.

    ``backend`` defaults to ``keyring.get_keyring()``; a chain of backends counts when any of
    them does. ``None`` too when the keyring package is not installed.

    **Usage**::

        if (name := plaintext_keyring()) is not None:
            print(f"{name} keeps secrets in plain text")
    """
    if backend is None:
        try:
            import keyring
        except ImportError:
            return None
        backend = keyring.get_keyring()
    chain = getattr(backend, "backends", None)
    for one in chain if isinstance(chain, list | tuple) else [backend]:
        cls = type(one)
        if "plaintext" in cls.__name__.lower():
            return f"{cls.__module__}.{cls.__qualname__}"
    return None


def plaintext_warning(backend: Any = None) -> str | None:
    """The warning to show when the active keyring backend keeps secrets in plain text (its
    name, its file, and how to fix it), else ``None``.

    ``cyberkind accounts list`` prints it on stderr and the web settings page shows it.
    Otherwise the first keyring read or write of a process logs it; once shown here, it is
    not logged again.

    **Usage**::

        if (warning := plaintext_warning()) is not None:
            print(warning, file=sys.stderr)
    """
    global _checked_backend
    if backend is None:
        try:
            import keyring
        except ImportError:
            return None
        backend = keyring.get_keyring()
    name = plaintext_keyring(backend)
    if name is None:
        return None
    _checked_backend = True
    where = getattr(backend, "file_path", None)
    return (
        f"Warning: the keyring backend {name} stores secrets in plain text"
        f"{f' ({where})' if where else ''}, readable by anything that runs as you. You can fix "
        "this by using your OS keyring (Secret Service, KWallet, macOS Keychain or Windows "
        "Credential Locker; pick it with PYTHON_KEYRING_BACKEND), or uninstalling keyrings.alt "
        "(pip uninstall keyrings.alt; no cyberkind extra for users installs it), or keeping "
        "secrets in environment variables (CYBERKIND_<ACCOUNT>_<KEY>) with `cyberkind accounts "
        "add --no-keyring`."
    )


def _warn_if_plaintext(keyring: Any) -> None:
    """Warn once per process when the active backend keeps secrets in plain text."""
    global _checked_backend
    if _checked_backend:
        return
    _checked_backend = True
    warning = plaintext_warning(keyring.get_keyring())
    if warning is not None:
        log.warning("%s", warning)


def default_credentials() -> ChainCredentials:
    """The environment first, then the OS keyring."""
    return ChainCredentials(EnvCredentials(), KeyringCredentials())
