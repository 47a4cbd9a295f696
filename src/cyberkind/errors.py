"""Exceptions raised by cyberkind's library code.

The tree::

    CyberkindError
    ├── DataError          training or benchmark data is missing or malformed
    ├── ModelError         a model artifact is missing, corrupt or incompatible
    ├── InputError         a row of user input cannot be scored
    │   └── InputFormatError   a whole input file has the wrong format
    ├── ConfigError        a setting has a bad value
    │   ├── PolicyError    a guard policy file is malformed (names the file and line)
    │   └── ClaimedError   a team member holds the claim on that opportunity
    ├── SourceError        a live source is unreachable, refuses us, or sends unusable data
    │   ├── AuthError      a live source refuses our credentials, or they are missing
    │   └── LLMError       the optional LLM endpoint times out, refuses or answers badly
    └── StoreError         the inbox store cannot be opened, migrated or queried
        └── NotFoundError      no opportunity (or item) has that id

Only ``cyberkind.cli`` turns these into ``click.ClickException`` and only
``cyberkind.web`` turns them into HTTP statuses. Every message says what is
wrong and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "ClaimedError",
    "ConfigError",
    "CyberkindError",
    "DataError",
    "InputError",
    "InputFormatError",
    "LLMError",
    "ModelError",
    "NotFoundError",
    "PolicyError",
    "SourceError",
    "StoreError",
]


class CyberkindError(Exception):
    """Base class of every error cyberkind raises on purpose."""


class DataError(CyberkindError):
    """Training or benchmark data is missing or malformed.

    **Usage**::

        raise DataError(f"{path} is missing. You can fix this by passing --data-dir")
    """


class ModelError(CyberkindError):
    """A model artifact is missing, corrupt or was built by an incompatible version."""


class InputError(CyberkindError):
    """One row of input cannot be scored; ``line`` is its 1-based line number."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line

    def __str__(self) -> str:
        base = super().__str__()
        return f"line {self.line}: {base}" if self.line is not None else base


class InputFormatError(InputError):
    """A whole input file cannot be read (unknown format, missing header...)."""


class ConfigError(CyberkindError):
    """A setting has a value cyberkind cannot use."""


class PolicyError(ConfigError):
    """A guard policy file is malformed; ``path`` and ``line`` say where.

    **Usage**::

        raise PolicyError("unknown key 'tresholds'. You can fix this by ...", path=p, line=3)
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line

    def __str__(self) -> str:
        base = super().__str__().rstrip(".") + "."
        where = ", ".join(
            part
            for part in (self.path, f"line {self.line}" if self.line is not None else None)
            if part
        )
        return f"{where}: {base}" if where else base


class ClaimedError(ConfigError):
    """Someone else in the team holds the claim on an opportunity, or none is yours to release.

    ``holder`` names who holds it (``None``: nobody); the web app answers 409.

    **Usage**::

        raise ClaimedError("6a2c69789097 is already claimed by ana. You can fix this by ...",
                           opportunity_id="6a2c69789097", holder="ana")
    """

    def __init__(self, message: str, *, opportunity_id: str, holder: str | None) -> None:
        super().__init__(message)
        self.opportunity_id = opportunity_id
        self.holder = holder


class SourceError(CyberkindError):
    """A live source (a feed, an API) cannot be reached, keeps refusing, or sends unusable data.

    ``url`` names what was fetched. Nothing from a failed fetch is stored.

    **Usage**::

        raise SourceError("https://blog.example/feed/ answered 500. You can fix this by ...",
                          url="https://blog.example/feed/")
    """

    def __init__(self, message: str, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class AuthError(SourceError):
    """A live source refuses the account's credentials (401/403), or none are configured.

    The message names the account and how to set its secret; it never contains the secret.
    """


class LLMError(SourceError):
    """The optional LLM endpoint timed out, refused the key, errored or sent no usable reply.

    The composer catches it and keeps the template draft, with the message in its notes.
    """


class StoreError(CyberkindError):
    """The inbox store cannot be opened, migrated or queried."""


class NotFoundError(StoreError):
    """No opportunity (or item) has the id the user gave."""
