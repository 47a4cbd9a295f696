"""The ``cyberkind`` command line: parse, call the library, format.

The group and the options shared by every command live here; the commands live in one
module per noun (``_engine``, ``_guard``, ``_inbox``, ``_sync``, ``_accounts``, ``_compose``,
``_links``, ``_send``, ``_moderate``, ``_serve`` (``serve`` and ``web``), ``_demo``, ``_team``,
``_db``, ``_wall``) and register themselves on :data:`cli` when imported. Plugins add theirs through
the ``register_commands`` hook (the lab's ``train`` and ``bench`` among them).

Exit codes (every command but ``check``):

- 0: success;
- 1: an error, printed as ``Error: <what>. <how to fix>``;
- 2: a usage error (unknown option, missing argument);
- 3: ``score`` or ``import`` finished but skipped bad rows (each reported on stderr).

``check`` exits with its verdict (0 ok, 1 reconsider, 2 hold; for a file, the
worst), so it reports every error and usage error with exit 4 instead.
"""

from __future__ import annotations

from ..plugins import get_plugin_manager

# Importing the command modules registers their commands on ``cli``.
from . import (  # noqa: F401
    _accounts,
    _compose,
    _db,
    _demo,
    _engine,
    _guard,
    _inbox,
    _links,
    _moderate,
    _send,
    _serve,
    _sync,
    _team,
    _wall,
)
from ._base import EXIT_CHECK_ERROR, EXIT_SKIPPED_ROWS, cli, setting_option
from ._engine import labels_markdown
from ._inbox import _import_progress, format_opportunities, wake_time  # noqa: F401
from ._serve import serve

# Plugins add commands here: the lab's ``train`` and ``bench`` arrive this way, so that the
# product never imports the lab.
get_plugin_manager().hook.register_commands(cli=cli)

__all__ = [
    "EXIT_CHECK_ERROR",
    "EXIT_SKIPPED_ROWS",
    "cli",
    "format_opportunities",
    "labels_markdown",
    "serve",
    "setting_option",
    "wake_time",
]
