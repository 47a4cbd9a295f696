"""The ``cyberkind`` click group and the options and helpers its commands share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..errors import CyberkindError
from ..settings import SETTINGS, resolve, tier_options

F = TypeVar("F", bound=Callable[..., Any])

EXIT_SKIPPED_ROWS = 3
EXIT_CHECK_ERROR = 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl+C


def setting_option(func: F) -> F:
    """Shared ``--setting NAME VALUE`` option (repeatable)."""
    names = ", ".join(s.name for s in SETTINGS)
    return click.option(
        "--setting",
        "settings",
        type=(str, str),
        multiple=True,
        metavar="NAME VALUE",
        help=f"Set a setting ({names}); repeatable. Env: CYBERKIND_<NAME>.",
    )(func)


def _settings(pairs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    try:
        return resolve(dict(pairs))
    except CyberkindError as exc:
        raise click.ClickException(str(exc)) from exc


_tier_options = tier_options
"""Settings that a built-in tier takes as options (:func:`cyberkind.settings.tier_options`)."""


class _Group(click.Group):
    """Turns library errors into ``Error: ...`` with exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CyberkindError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group)
@click.version_option(package_name="cyberkind")
def cli() -> None:
    """cyberkind: find the moments for random acts of cyber-kindness.

    Example:

        cyberkind demo
    """
