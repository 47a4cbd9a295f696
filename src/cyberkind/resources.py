"""Safety resources shown with every crisis opportunity, never a canned line.

When the engine's ``crisis`` signal fires, the inbox suggests reaching out
privately and always shows these: the user's own local line first (the
``crisis_line`` setting), then international directories that find a line in
the reader's country. Each entry names its source, the organisation's own site.
Numbers change: review this list with each release.

**Usage**::

    >>> from cyberkind.resources import crisis_resources
    >>> crisis_resources()[0].name
    'Find A Helpline'
"""

from __future__ import annotations

from .models import Resource

__all__ = ["CRISIS_RESOURCES", "crisis_resources"]

CRISIS_RESOURCES: tuple[Resource, ...] = (
    Resource(
        "Find A Helpline",
        "free, confidential crisis lines searchable by country and topic",
        "https://findahelpline.com",
        "international (run by ThroughLine)",
    ),
    Resource(
        "Befrienders Worldwide",
        "directory of emotional support helplines",
        "https://befrienders.org",
        "international",
    ),
    Resource(
        "988 Suicide & Crisis Lifeline",
        "call or text 988",
        "https://988lifeline.org",
        "United States",
    ),
    Resource(
        "Samaritans",
        "call 116 123 (free, any time)",
        "https://www.samaritans.org",
        "United Kingdom and Ireland",
    ),
    Resource(
        "Emergency services",
        "if someone is in immediate danger: 112 (EU), 911 (US, Canada), 999 (UK), 000 (Australia)",
        None,
        "local",
    ),
)


def crisis_resources(local_line: str | None = None) -> tuple[Resource, ...]:
    """The resources to show, with the user's configured local line first when set."""
    if not local_line:
        return CRISIS_RESOURCES
    return (Resource("Your local crisis line", local_line, None, "configured"), *CRISIS_RESOURCES)
