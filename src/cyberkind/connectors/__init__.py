"""Sources of items: a small :class:`Connector` base class and the built-in connectors.

**Usage**::

    >>> from cyberkind.connectors import connector_registry
    >>> sorted(connector_registry())
    ['bluesky', 'csv', 'jsonl', 'mastodon', 'rss', 'wordpress', 'wxr']
"""

from __future__ import annotations

from .base import (
    Connector,
    ConnectorOptions,
    FileConnector,
    FileCursor,
    LiveConnector,
    RetryOptions,
    connector_registry,
    detect_file_connector,
)

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
