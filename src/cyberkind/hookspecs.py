"""Plugin hook specifications (pluggy). Built-ins implement them exactly as plugins do."""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("cyberkind")
hookimpl = pluggy.HookimplMarker("cyberkind")


@hookspec
def register_classifiers() -> list[Any]:  # type: ignore[empty-body]
    """Return classifier registrations (:class:`cyberkind.plugins.ClassifierRegistration`)."""


@hookspec
def register_connectors() -> list[Any]:  # type: ignore[empty-body]
    """Return connector classes (subclasses of :class:`cyberkind.connectors.base.Connector`)."""


@hookspec
def register_commands(cli: Any) -> None:
    """Add commands to the ``cyberkind`` click group ``cli``."""
