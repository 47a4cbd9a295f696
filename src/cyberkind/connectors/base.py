"""The one small interface every source implements, like httpx's ``BaseTransport``.

A connector turns a platform (a WordPress export, a Mastodon account...) into
:class:`~cyberkind.models.Item` batches. :meth:`Connector.fetch` takes the
source's stored cursor (``None`` the first time) and yields
:class:`~cyberkind.models.Batch` objects, each with the cursor to store once
that batch is written; :meth:`Connector.publish` posts a reply. The pipeline
writes each batch and its cursor in one transaction, so a connector never
touches the store.

Built-in connectors register through the ``register_connectors`` hook exactly
as third-party ones do (see :func:`connector_registry`).

**Usage**::

    class MyConnector(Connector):
        name = "my-platform"

        def fetch(self, cursor):
            yield Batch(items=(...,), cursor="page-2")

Secrets never pass through here as plain strings: a live connector gets a
:class:`~cyberkind.credentials.Credentials` and asks it for a
:class:`~cyberkind.credentials.Secret` when it authenticates.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Required, TypedDict

from ..errors import AuthError, ConfigError, InputFormatError
from ..models import Account, Batch, Item, Problem, Reply

if TYPE_CHECKING:
    import httpx

    from ..credentials import Credentials, Secret

__all__ = [
    "Connector",
    "ConnectorOptions",
    "FileConnector",
    "FileCursor",
    "LiveConnector",
    "RetryOptions",
    "connector_registry",
    "detect_file_connector",
]


class Connector:
    """Base class of every source. Subclasses override :meth:`fetch` and maybe :meth:`publish`.

    ``source`` names the items' namespace, e.g. ``"wordpress:kind.example"``; it
    is also the key of the source's cursor.
    """

    name: ClassVar[str] = ""
    """The registry name (``--format`` for file connectors), e.g. ``"wxr"``."""

    source: str = ""

    def fetch(self, cursor: str | None) -> Iterator[Batch]:
        """Yield batches of items newer than ``cursor``, each with the cursor after it."""
        raise NotImplementedError(
            f"{type(self).__name__}.fetch() is not implemented; a connector must override "
            "fetch(cursor)."
        )

    def publish(self, reply: Reply) -> str:
        """Post ``reply`` and return the new item's remote id.

        A connector honours ``reply.idempotency_key``: posting the same key twice
        (a retry after a timeout) must not create a second reply.
        """
        raise NotImplementedError(
            f"{type(self).__name__}.publish() is not implemented; this connector cannot "
            "post replies."
        )

    def published(self, reply: Reply) -> str | None:
        """The remote id of ``reply`` if a previous attempt already posted it, else ``None``.

        Sending calls this before retrying a send whose outcome is unknown. The
        base class cannot tell, so it answers ``None``; connectors whose platform
        deduplicates by key themselves (Mastodon's ``Idempotency-Key``) may too.
        """
        return None

    def close(self) -> None:
        """Release connections and files. The base class holds none."""

    def __enter__(self) -> Connector:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class RetryOptions(TypedDict, total=False):
    """How a :class:`LiveConnector` waits out 429, 5xx and dropped connections.

    ``max_retries``: retries after the first try (0: fail at once). ``max_wait``: the longest
    wait in seconds, the longest ``Retry-After`` honoured (default: the connector's
    ``default_max_wait``). ``sleep``: how to wait (tests pass a recorder).
    """

    max_retries: int
    max_wait: float
    sleep: Callable[[float], None]


class ConnectorOptions(RetryOptions, total=False):
    """What every :class:`LiveConnector` takes besides its account (see ``__init__``).

    A platform's connector takes these as ``**options`` and passes them on, setting its
    own default ``batch_size`` first (its page size).
    """

    credentials: Required[Credentials]
    client: httpx.Client | None
    identity: Iterable[str]
    batch_size: int


class LiveConnector(Connector):
    """Base class of connectors for a platform account (WordPress, Mastodon, Bluesky...).

    A live connector is built from an :class:`~cyberkind.models.Account` (where and
    who, from the store) and a :class:`~cyberkind.credentials.Credentials` (the
    secrets, from the keyring or the environment), plus the caller's
    ``httpx.Client`` where the connector speaks HTTP itself. Its items' source is
    the account's (``"mastodon:work"``).

    ``secret_keys`` name the secrets ``cyberkind accounts add`` asks for, e.g.
    ``("access_token",)``; :meth:`secret` fetches one or raises :class:`AuthError`.

    ``max_retries``, ``max_wait`` and ``sleep`` (:class:`RetryOptions`) bound the waits on
    429, 5xx and dropped connections; subclasses take them as ``**retry`` and pass them on.
    """

    secret_keys: ClassVar[tuple[str, ...]] = ()
    """The secrets this platform needs, in the order ``accounts add`` asks for them."""

    private_replies: ClassVar[bool] = False
    """Whether :meth:`publish` can send a private message (``Reply.private``)."""

    default_max_wait: ClassVar[float] = 120.0
    """The longest wait, in seconds, unless ``max_wait`` says otherwise."""

    moderation_actions: ClassVar[tuple[str, ...]] = ()
    """What :meth:`moderate` can do to someone else's item through the platform's API
    (WordPress: ``("hold", "spam", "trash")``); empty where moderation is by hand."""

    moderation_hint: ClassVar[str] = ""
    """Where the platform's own mute and report are, for platforms moderated by hand: the
    web app links to the item and its author with these words."""

    def __init__(
        self,
        account: Account,
        *,
        credentials: Credentials,
        client: httpx.Client | None = None,
        identity: Iterable[str] = (),
        batch_size: int = 200,
        max_retries: int = 3,
        max_wait: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}.")
        if max_retries < 0:
            raise ConfigError(f"max_retries must be 0 or more, got {max_retries}.")
        if max_wait is not None and max_wait < 0:
            raise ConfigError(f"max_wait must be 0 or more seconds, got {max_wait}.")
        if account.platform != self.name:
            raise ConfigError(
                f"account {account.name!r} is a {account.platform} account, not {self.name}. "
                "You can fix this by choosing the connector named by the account's platform."
            )
        self.account = account
        self.source = account.source
        self.credentials = credentials
        self.client = client
        self.identity = {v.strip().lower() for v in (*identity, account.handle or "") if v.strip()}
        self.batch_size = batch_size
        self.max_retries = max_retries
        self.max_wait = self.default_max_wait if max_wait is None else float(max_wait)
        self.sleep = sleep

    def moderate(self, remote_id: str, action: str) -> bool:
        """Apply a :attr:`moderation_actions` ``action`` to the item ``remote_id``; ``True``
        if it changed, ``False`` if it already was so (moderating twice does nothing)."""
        raise NotImplementedError(
            f"{type(self).__name__}.moderate() is not implemented; moderate on the platform itself."
        )

    def secret(self, key: str) -> Secret:
        """The account's secret ``key``; raise :class:`AuthError` naming how to set it."""
        from ..credentials import env_var

        found = self.credentials.get(self.account.name, key)
        if found is None:
            raise AuthError(
                f"no {key} is set for the {self.account.platform} account "
                f"{self.account.name!r}. You can fix this by running `cyberkind accounts add "
                f"{self.account.platform} {self.account.name} ...` again, or by setting the "
                f"environment variable {env_var(self.account.name, key)}."
            )
        return found


@dataclass(frozen=True, slots=True)
class FileCursor:
    """Where an import of one file stands: the file's digest and records consumed.

    ``complete`` marks a finished import; importing the same file again then
    re-reads it from the start (harmless: writes are upserts).
    """

    sha256: str
    position: int
    complete: bool = False

    def dumps(self) -> str:
        return json.dumps(
            {"sha256": self.sha256, "position": self.position, "complete": self.complete},
            sort_keys=True,
        )

    @classmethod
    def loads(cls, text: str | None) -> FileCursor | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(str(data["sha256"]), int(data["position"]), bool(data["complete"]))
        except (ValueError, KeyError, TypeError):
            return None  # a cursor from another connector: start from the beginning


class FileConnector(Connector):
    """A connector that reads a file once. Subclasses implement :meth:`records`.

    ``records()`` yields ``(position, item or problem)`` in file order;
    :meth:`fetch` skips what the cursor says was already stored and groups
    the rest into batches of ``batch_size``.
    """

    extensions: ClassVar[tuple[str, ...]] = ()
    """Lower-case file extensions this format uses, e.g. ``(".xml",)``."""

    def __init__(self, path: Path, *, batch_size: int = 200, **options: Any) -> None:
        # ``options`` lets import_file pass every connector the same keywords (identity,
        # source); each subclass takes the ones it understands.
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}.")
        self.path = Path(path)
        if not self.path.is_file():
            raise InputFormatError(
                f"{self.path} does not exist. You can fix this by checking the path."
            )
        self.batch_size = batch_size
        self.sha256 = _file_digest(self.path)

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        """Whether a file starting with ``head`` looks like this format."""
        return False

    @classmethod
    def estimate_records(cls, path: Path) -> int:
        """About how many records ``path`` holds, for a progress bar: its lines by default.

        Counted a chunk at a time, at about disk speed; never more than one chunk in memory.
        """
        return count_occurrences(path, (b"\n",))

    def records(self) -> Iterator[tuple[int, Item | Problem]]:
        """Every record of the file with its 1-based position (a line, or an item index)."""
        raise NotImplementedError(f"{type(self).__name__}.records() is not implemented.")

    def fetch(self, cursor: str | None) -> Iterator[Batch]:
        """Batches after the cursor's position; the last batch's cursor says ``complete``."""
        start = FileCursor.loads(cursor)
        skip = 0
        if start is not None and start.sha256 == self.sha256 and not start.complete:
            skip = start.position
        items: list[Item] = []
        problems: list[Problem] = []
        position = skip
        pending: Batch | None = None
        for position, record in self.records():
            if position <= skip:
                continue
            if isinstance(record, Problem):
                problems.append(record)
            else:
                items.append(record)
            if len(items) + len(problems) >= self.batch_size:
                # Hold each batch back one step, so the last one can be marked complete.
                if pending is not None:
                    yield pending
                pending = Batch(
                    tuple(items), FileCursor(self.sha256, position).dumps(), tuple(problems)
                )
                items, problems = [], []
        if items or problems:
            if pending is not None:
                yield pending
            pending = Batch(tuple(items), "", tuple(problems))
        final = FileCursor(self.sha256, max(position, skip), complete=True).dumps()
        if pending is None:
            yield Batch((), final)
        else:
            yield Batch(pending.items, final, pending.problems)


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def connector_registry() -> dict[str, type[Connector]]:
    """Every registered connector class by name; two with one name is an error."""
    from ..plugins import get_plugin_manager

    registry: dict[str, type[Connector]] = {}
    for classes in get_plugin_manager().hook.register_connectors():
        for cls in classes:
            if cls.name in registry and registry[cls.name] is not cls:
                raise ConfigError(f"two plugins register the connector {cls.name!r}.")
            registry[cls.name] = cls
    return registry


def _file_connectors() -> dict[str, type[FileConnector]]:
    return {
        name: cls for name, cls in connector_registry().items() if issubclass(cls, FileConnector)
    }


def count_occurrences(path: Path, needles: tuple[bytes, ...]) -> int:
    """Occurrences of ``needles`` in the file, read in 4 MiB chunks (tags may span two)."""
    overlap = max(len(n) for n in needles) - 1
    found, tail = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(4 << 20):
            window = tail + chunk
            found += sum(window.count(n) for n in needles)
            tail = window[-overlap:] if overlap else b""
            found -= sum(tail.count(n) for n in needles)  # counted again with the next chunk
    return found + sum(tail.count(n) for n in needles)


def detect_file_connector(path: Path, declared: str | None = None) -> type[FileConnector]:
    """The file connector for ``path``: ``declared`` (``--format``), the extension, or a sniff."""
    formats = _file_connectors()
    choices = ", ".join(sorted(formats))
    if declared is not None:
        if declared not in formats:
            raise InputFormatError(
                f"unknown import format {declared!r}. You can fix this by passing --format "
                f"with one of: {choices}."
            )
        return formats[declared]
    suffix = path.suffix.lower()
    by_extension = [cls for cls in formats.values() if suffix in cls.extensions]
    head = b""
    if path.is_file():
        with path.open("rb") as handle:
            head = handle.read(4096)
    sniffed = [cls for cls in formats.values() if cls.sniff(head)]
    for cls in _prefer(sniffed, by_extension):
        return cls
    raise InputFormatError(
        f"cannot tell the format of {path.name}. You can fix this by passing --format with "
        f"one of: {choices}."
    )


def _prefer(
    sniffed: Iterable[type[FileConnector]], by_extension: Iterable[type[FileConnector]]
) -> list[type[FileConnector]]:
    # The content wins over the name: a WordPress export saved as .txt is still WXR.
    return [*sniffed, *by_extension]
