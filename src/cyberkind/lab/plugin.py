"""The lab as a cyberkind plugin: it adds ``cyberkind train`` and ``cyberkind bench``.

The ``cyberkind`` entry point ``lab`` names this module. It stays light: the plugin manager
loads it whenever plugins are looked up (to score a text, say), and the commands with their
click and training imports load only when the CLI asks for them.
"""

from __future__ import annotations

from typing import Any

from ..hookspecs import hookimpl

__all__ = ["register_commands"]


@hookimpl
def register_commands(cli: Any) -> None:
    """Add ``train`` and ``bench`` to the ``cyberkind`` group."""
    from .commands import bench, train

    cli.add_command(train)
    cli.add_command(bench)
