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

__all__ = [
    "CRISIS_RESOURCES",
    "EMERGENCY_NUMBERS",
    "INTERNATIONAL",
    "REGIONAL_RESOURCES",
    "REGIONS",
    "crisis_resources",
    "regional_resources",
]

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
        "if someone is in immediate danger: 911 (US, Canada), 999 (UK), 112 or 999 (Ireland), "
        "000 (Australia), 111 (New Zealand), 112 (most of Europe)",
        None,
        "local",
    ),
)


INTERNATIONAL: tuple[Resource, ...] = CRISIS_RESOURCES[:2]
"""The fallback for any region: directories that find a line in the reader's country."""

# Per region, the national lines, each named by the organisation that runs it (its own site
# is the source). Last checked 2026-11-24 against each service's published numbers (988
# Lifeline, Crisis Text Line, Samaritans UK/Ireland, Shout, Text 50808, Pieta, Lifeline
# Australia, Beyond Blue, 9-8-8 Canada, Kids Help Phone, 1737, Lifeline Aotearoa); the
# general emergency line now names New Zealand's 111. Numbers change: review each release.
REGIONAL_RESOURCES: dict[str, tuple[Resource, ...]] = {
    "us": (
        Resource(
            "988 Suicide & Crisis Lifeline",
            "call or text 988, or chat online",
            "https://988lifeline.org",
            "United States",
        ),
        Resource("Crisis Text Line", "text HOME to 741741", "https://www.crisistextline.org", "US"),
    ),
    "uk": (
        Resource("Samaritans", "call 116 123 (free, any time)", "https://www.samaritans.org", "UK"),
        Resource("Shout", "text SHOUT to 85258", "https://giveusashout.org", "United Kingdom"),
    ),
    "ie": (
        Resource(
            "Samaritans Ireland",
            "call 116 123 (free, any time)",
            "https://www.samaritans.org/ireland",
            "Ireland",
        ),
        Resource("Text 50808", "text HELLO to 50808", "https://text50808.ie", "Ireland"),
        Resource("Pieta", "call 1800 247 247 or text HELP to 51444", "https://www.pieta.ie", "IE"),
    ),
    "au": (
        Resource(
            "Lifeline Australia",
            "call 13 11 14 or text 0477 13 11 14",
            "https://www.lifeline.org.au",
            "Australia",
        ),
        Resource("Beyond Blue", "call 1300 22 4636", "https://www.beyondblue.org.au", "Australia"),
    ),
    "ca": (
        Resource("9-8-8 Suicide Crisis Helpline", "call or text 988", "https://988.ca", "Canada"),
        Resource(
            "Kids Help Phone",
            "call 1-800-668-6868 or text CONNECT to 686868",
            "https://kidshelpphone.ca",
            "Canada",
        ),
    ),
    "nz": (
        Resource(
            "Need to talk? 1737",
            "call or text 1737 (free, any time)",
            "https://1737.org.nz",
            "New Zealand",
        ),
        Resource(
            "Lifeline Aotearoa",
            "call 0800 543 354 or text 4357",
            "https://www.lifeline.org.nz",
            "New Zealand",
        ),
    ),
}

EMERGENCY_NUMBERS: dict[str, str] = {
    "us": "911",
    "uk": "999",
    "ie": "112 or 999",
    "au": "000",
    "ca": "911",
    "nz": "111",
}

_ALIASES = {
    "usa": "us",
    "united states": "us",
    "gb": "uk",
    "united kingdom": "uk",
    "ireland": "ie",
    "australia": "au",
    "canada": "ca",
    "new zealand": "nz",
    "aotearoa": "nz",
    "international": "",
    "": "",
}

REGIONS: tuple[str, ...] = (*REGIONAL_RESOURCES, "international")
"""The values the ``region`` setting takes (a few country names are accepted too)."""


def regional_resources(
    region: str | None, local_line: str | None = None
) -> tuple[tuple[Resource, ...], str | None]:
    """The resources and emergency number for ``region`` (a code in :data:`REGIONS`).

    The user's ``local_line`` comes first, then the region's national lines, then the
    international directories (always, so an unknown or unset region still gets help).
    The emergency number is ``None`` when the region is unknown.

    **Usage**::

        >>> found, emergency = regional_resources("nz")
        >>> found[0].name, emergency
        ('Need to talk? 1737', '111')
        >>> regional_resources(None)[0][0].name
        'Find A Helpline'
    """
    code = (region or "").strip().lower()
    code = _ALIASES.get(code, code)
    national = REGIONAL_RESOURCES.get(code, ())
    local = (
        (Resource("Your local crisis line", local_line, None, "configured"),) if local_line else ()
    )
    found = (*local, *national, *INTERNATIONAL)
    return found, EMERGENCY_NUMBERS.get(code)


def crisis_resources(local_line: str | None = None) -> tuple[Resource, ...]:
    """The resources to show, with the user's configured local line first when set."""
    if not local_line:
        return CRISIS_RESOURCES
    return (Resource("Your local crisis line", local_line, None, "configured"), *CRISIS_RESOURCES)
