"""Live accounts: connect, disconnect, where each secret is, and the connector for an account.

The one owner of this use case: ``cyberkind accounts add|list|remove`` and the settings
page (``/settings/accounts``, ``/api/accounts``) both call these functions.

- :func:`connect` checks the platform, name, URL and options, puts each given secret in
  the OS keyring (:class:`~cyberkind.credentials.KeyringCredentials`), then stores the
  account. If the keyring refuses a secret, nothing is stored, and the
  :class:`~cyberkind.errors.ConfigError` names the environment variables to set instead.
- :func:`disconnect` forgets an account and deletes its secrets from the keyring.
- :func:`accounts_status` lists the accounts with where each secret is found (the
  environment, the keyring, or nowhere), never a value.
- :func:`account_connector` gives the registered live connector for an account.
- :func:`follow_feed` and :func:`unfollow_feed`: the feeds that ``sync`` reads beside the
  accounts (``cyberkind feeds add|remove`` and ``/settings/feeds`` call them).

A secret never reaches the store: an option whose name looks like a secret (``token``,
``password``, ``secret``, ``key``...) is refused with a fix-it that points to the keyring
or the environment, and one stored by an older version is never shown.

**Usage**::

    from cyberkind.accounts import accounts_status, connect
    from cyberkind.store import open_store

    with open_store() as store:
        connect(store, "mastodon", "social", "https://social.example", "ana",
                {"access_token": "..."})
        for row in accounts_status(store):
            print(row["source"], row["secrets"])
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .connectors.base import LiveConnector, connector_registry
from .credentials import EnvCredentials, KeyringCredentials, Secret, env_var
from .errors import ConfigError, InputError, NotFoundError
from .models import Account
from .store.base import Store

if TYPE_CHECKING:
    import httpx

    from .credentials import Credentials

__all__ = [
    "Connected",
    "Disconnected",
    "account_connector",
    "account_for_source",
    "accounts_status",
    "can_post",
    "can_send_privately",
    "check_account",
    "check_feed_url",
    "check_options",
    "connect",
    "disconnect",
    "follow_feed",
    "is_secret_name",
    "live_platforms",
    "secret_status",
    "unfollow_feed",
]

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")

# Words that make an option name look like a secret: "access_token", "app-password", "apiKey".
_SECRET_WORDS = re.compile(
    r"token|passw|secret|key|credential|auth(?!or)|bearer|cookie|pwd|passphrase"
    r"|(?:^|[_\-.])pass(?:$|[_\-.])",
    re.IGNORECASE,
)


def live_platforms() -> dict[str, tuple[str, ...]]:
    """Each live connector's name and the secrets it needs (from the connector registry).

    **Usage**::

        >>> live_platforms()["mastodon"]
        ('access_token',)
    """
    return {
        name: tuple(getattr(cls, "secret_keys", ()))
        for name, cls in sorted(connector_registry().items())
        if issubclass(cls, LiveConnector)
    }


def is_secret_name(name: str) -> bool:
    """Whether an option name looks like a secret (token, password, secret, key...).

    **Usage**::

        >>> is_secret_name("access_token"), is_secret_name("visibility")
        (True, False)
    """
    return bool(_SECRET_WORDS.search(name))


def check_options(name: str, platform: str, options: Mapping[str, str]) -> dict[str, str]:
    """The account's options, cleaned; a secret-like option name is refused (InputError).

    The error never contains the value, and says where the secret goes instead.
    """
    clean: dict[str, str] = {}
    for key, value in options.items():
        key = str(key).strip()
        if not key:
            raise InputError("an option has no name. You can fix this by writing KEY=VALUE.")
        if is_secret_name(key):
            secrets = live_platforms().get(platform, ())
            how = (
                f"`cyberkind accounts add {platform} {name} --url URL` (a hidden prompt puts "
                f"{', '.join(secrets)} in the OS keyring), or by setting "
                f"{', '.join(env_var(name, k) for k in secrets)} in the environment"
                if secrets
                else f"setting {env_var(name, key)} in the environment"
            )
            raise InputError(
                f"the option {key!r} looks like a secret, and cyberkind never stores a secret "
                f"with the account (it was not saved). You can fix this by leaving it out and "
                f"giving the secret through {how}."
            )
        clean[key] = str(value).strip()
    return clean


def _public_options(options: Mapping[str, str]) -> dict[str, str]:
    """Options safe to show: a secret-like one (stored by an older version) never is."""
    return {k: v for k, v in options.items() if not is_secret_name(k)}


def secret_status(account: Account, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Where each secret of ``account`` is found: ``environment``, ``keyring`` or ``None``."""
    env, keyring = EnvCredentials(), KeyringCredentials()
    found: dict[str, dict[str, Any]] = {}
    for key in keys:
        where = None
        if env.get(account.name, key) is not None:
            where = "environment"
        else:
            try:
                where = "keyring" if keyring.get(account.name, key) is not None else None
            except Exception:  # a keyring backend that cannot be reached
                where = None
        found[key] = {"found": where is not None, "where": where, "env": env_var(account.name, key)}
    return found


def accounts_status(store: Store) -> list[dict[str, Any]]:
    """The connected accounts as JSON, with where each secret is found (never its value).

    This is what ``cyberkind accounts list --json`` prints and ``GET /api/accounts`` answers.
    """
    platforms = live_platforms()
    rows = []
    for account in store.accounts():
        row = account.to_json()
        row["options"] = _public_options(account.options)
        row["secrets"] = secret_status(account, platforms.get(account.platform, ()))
        row["connector"] = account.platform in platforms
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Connected:
    """What connecting an account did: ``stored`` secrets went to the keyring; ``missing``
    names the environment variables to set for the secrets found nowhere."""

    account: Account
    new: bool
    stored: tuple[str, ...]
    missing: tuple[str, ...]
    secret_keys: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The answer of ``POST /api/accounts``."""
        account = self.account.to_json()
        account["options"] = _public_options(self.account.options)
        return {
            "ok": True,
            "account": account,
            "new": self.new,
            "stored": list(self.stored),
            "set_env": list(self.missing),
        }


def check_account(
    platform: str,
    name: str,
    url: str,
    handle: str | None = None,
    options: Mapping[str, str] | None = None,
) -> Account:
    """The account to store, or an :class:`~cyberkind.errors.InputError` saying what to fix."""
    platforms = live_platforms()
    if platform not in platforms:
        raise InputError(
            f"{platform!r} is not a live platform. You can fix this by choosing one of: "
            f"{', '.join(platforms) or 'none installed'}."
        )
    name, url = name.strip(), url.strip()
    if not _NAME.match(name):
        raise InputError(
            "the account name must be 1 to 40 letters, digits, '.', '_' or '-'. You can fix "
            "this by choosing a short label such as 'social'."
        )
    if not url.startswith(("http://", "https://")):
        raise InputError(
            f"{url!r} is not an http(s) URL. You can fix this by giving the full address, "
            "e.g. https://social.example."
        )
    return Account(
        name,
        platform,
        url,
        handle=(handle or "").strip() or None,
        options=check_options(name, platform, options or {}),
    )


def connect(
    store: Store,
    platform: str,
    name: str,
    url: str,
    handle: str | None,
    secrets: Mapping[str, str | Secret],
    *,
    options: Mapping[str, str] | None = None,
) -> Connected:
    """Connect (or update) an account: secrets to the OS keyring, the rest to the store.

    An empty secret keeps what is there (so an update does not wipe a stored token). If
    the keyring refuses a secret, nothing is stored and the
    :class:`~cyberkind.errors.ConfigError` names the environment variables to set instead.
    """
    account = check_account(platform, name, url, handle, options)
    name = account.name
    keys = live_platforms()[platform]
    given: dict[str, Secret] = {}
    for key in keys:
        value = secrets.get(key)
        text = value.reveal() if isinstance(value, Secret) else (value or "")
        if text.strip():
            given[key] = Secret(text.strip())
    keyring = KeyringCredentials()
    stored: list[str] = []
    try:
        for key, secret in given.items():
            keyring.set(name, key, secret)
            stored.append(key)
    except ConfigError:
        raise
    except Exception as exc:  # keyring backends raise their own errors (no D-Bus, locked...)
        variables = ", ".join(env_var(name, k) for k in keys)
        logger.warning("the OS keyring refused a secret for account %s", name)
        raise ConfigError(
            f"the OS keyring refused the secret ({type(exc).__name__}). You can fix this by "
            f"giving no secret (`cyberkind accounts add --no-keyring`, or an empty secret field "
            f"on the settings page) and setting {variables} in the environment."
        ) from None
    new = store.add_account(account)
    env = EnvCredentials()

    def found(key: str) -> bool:
        try:
            return env.get(name, key) is not None or keyring.get(name, key) is not None
        except Exception:  # a keyring backend that cannot be reached
            return False

    missing = tuple(env_var(name, k) for k in keys if k not in stored and not found(k))
    return Connected(account, new, tuple(stored), missing, keys)


@dataclass(frozen=True)
class Disconnected:
    """What disconnecting did: the ``deleted`` secrets, and those the keyring did not answer
    for (``unreachable``)."""

    account: Account
    deleted: tuple[str, ...]
    unreachable: tuple[str, ...]


def disconnect(store: Store, name: str) -> Disconnected:
    """Forget an account and delete its secrets from the keyring (its items stay).

    Raises :class:`~cyberkind.errors.NotFoundError` for an unknown account.
    """
    account = store.get_account(name)
    store.remove_account(name)
    deleted: list[str] = []
    unreachable: list[str] = []
    keyring = KeyringCredentials()
    for key in live_platforms().get(account.platform, ()):
        try:
            if keyring.delete(name, key):
                deleted.append(key)
        except Exception:  # a keyring backend that cannot be reached
            logger.warning("could not reach the OS keyring to delete a secret of %s", name)
            unreachable.append(key)
    return Disconnected(account, tuple(deleted), tuple(unreachable))


def account_connector(
    account: Account,
    *,
    credentials: Credentials | None = None,
    client: httpx.Client | None = None,
    identity: Iterable[str] = (),
    batch_size: int = 200,
) -> LiveConnector:
    """The registered live connector for ``account`` (its ``platform``), ready to fetch or post.

    ``credentials`` default to the environment, then the OS keyring.

    **Usage**::

        with account_connector(store.get_account("social")) as conn:
            conn.publish(reply)
    """
    cls = connector_registry().get(account.platform)
    if cls is None or not issubclass(cls, LiveConnector):
        live = sorted(n for n, c in connector_registry().items() if issubclass(c, LiveConnector))
        raise ConfigError(
            f"the account {account.name!r} is on the platform {account.platform!r}, which no "
            f"installed connector serves. You can fix this by installing its plug-in, or "
            f"removing the account (`cyberkind accounts remove {account.name}`). Live "
            f"platforms: {', '.join(live) or 'none'}."
        )
    if credentials is None:
        from .credentials import default_credentials

        credentials = default_credentials()
    return cls(
        account,
        credentials=credentials,
        client=client,
        identity=tuple(identity),
        batch_size=batch_size,
    )


def account_for_source(store: Store, source: str) -> Account | None:
    """The connected account whose source is ``source`` (``mastodon:social``), if any."""
    return next((a for a in store.accounts() if a.source == source), None)


def can_post(store: Store, source: str) -> bool:
    """Whether cyberkind can post replies to ``source``: it is a connected account whose
    platform's connector is installed and implements :meth:`~cyberkind.connectors.base.
    Connector.publish`. Imported files and followed feeds cannot.

    **Usage**::

        can_post(store, "mastodon:social")   # True once `cyberkind accounts add` connected it
    """
    account = account_for_source(store, source)
    if account is None:
        return False
    cls = connector_registry().get(account.platform)
    return (
        cls is not None
        and issubclass(cls, LiveConnector)
        and cls.publish is not LiveConnector.publish
    )


def can_send_privately(store: Store, source: str) -> bool:
    """Whether the connector of the account behind ``source`` can send a private message.

    With no account, ``True``: :func:`cyberkind.sending.prepare_send` says what is wrong.
    """
    account = account_for_source(store, source)
    if account is None:
        return True
    cls = connector_registry().get(account.platform)
    return bool(getattr(cls, "private_replies", False))


def check_feed_url(url: str) -> str:
    """The feed's URL, stripped; an :class:`~cyberkind.errors.InputError` unless http(s)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"{url!r} is not an http(s) URL. You can fix this by giving the feed's full address, "
            "e.g. https://ana.example/feed/."
        )
    return url.strip()


def follow_feed(store: Store, url: str, *, comments: bool = False) -> bool:
    """Follow a feed (``comments``: a comment feed); ``True`` if it is new, ``False`` if its
    ``comments`` flag was updated. Feeds are URLs, never credentials, so they live in the store.
    """
    return store.add_feed(check_feed_url(url), comments=comments)


def unfollow_feed(store: Store, url: str) -> None:
    """Stop following a feed (its items stay); :class:`~cyberkind.errors.NotFoundError` if it
    is not followed."""
    if not store.remove_feed(url.strip()):
        raise NotFoundError(
            f"you do not follow {url.strip()}. You can fix this by choosing a URL from "
            "`cyberkind feeds list` (or the settings page)."
        )
