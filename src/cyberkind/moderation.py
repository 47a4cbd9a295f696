"""The needs-care lane's choices: let it be, moderate it, or answer calmly.

A hostile or trolling comment, or spam (:attr:`~cyberkind.models.Act.NEEDS_CARE`), never
gets a thank-you. The user picks one of three, and ``cyberkind`` (``dismiss``,
``moderate``, ``draft``/``send``) and the web inbox call the same functions here:

- **let it be**: :func:`let_it_be` dismisses the opportunity for good (nothing is posted);
- **moderate**: :func:`moderation_choices` says what the platform allows, and
  :func:`moderate` does it, only with ``confirmed=True`` (the CLI asks, or ``--yes``; the web
  app shows a confirmation page). A WordPress comment is held, marked as spam or trashed
  through the REST API (:meth:`~cyberkind.connectors.wordpress.WordPressConnector.moderate`);
  moderating it again changes nothing. Mastodon and Bluesky have no moderation by a post's
  author through their APIs that fits, so the choices are links to the post and its author,
  where the platform's own Mute and Report are (no API call);
- **a calm reply**: the opportunity's draft, sent or copied like any other.

A moderated opportunity is closed (dismissed): it moves to the done lane and re-syncs never
bring it back.

**Usage**::

    from cyberkind.moderation import moderate, moderation_choices
    from cyberkind.store import open_store

    with open_store() as store:
        choices = moderation_choices(store, "6a2c69789097")
        if "spam" in choices.actions:
            result = moderate(store, "6a2c69789097", "spam", confirmed=True)
            print(result.changed)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .accounts import account_connector, account_for_source
from .connectors.base import LiveConnector, connector_registry
from .errors import ConfigError
from .inbox import Inbox
from .models import ItemKind, Opportunity, json_fields
from .store.base import Store

if TYPE_CHECKING:
    from .credentials import Credentials

__all__ = [
    "ModerationChoices",
    "ModerationLink",
    "ModerationResult",
    "let_it_be",
    "moderate",
    "moderation_choices",
    "platform_name",
]

PLATFORM_NAMES = {"wordpress": "WordPress", "mastodon": "Mastodon", "bluesky": "Bluesky"}


@dataclass(frozen=True, slots=True)
class ModerationLink:
    """A page of the platform where the user moderates by hand (the post, its author)."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class ModerationChoices:
    """What moderating an opportunity's item can be.

    ``actions``: what cyberkind can do through the platform's API (WordPress: ``hold``,
    ``spam``, ``trash``), for a connected account only; ``links``: where to do it by hand;
    ``hint``: where on those pages the platform keeps mute and report.
    """

    platform: str
    item_id: str | None
    actions: tuple[str, ...] = ()
    links: tuple[ModerationLink, ...] = ()
    hint: str = ""

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (``/api/inbox/{id}``'s ``moderation``)."""
        return {
            **json_fields(self, "platform item_id actions hint"),
            "links": [json_fields(link, "label url") for link in self.links],
        }


@dataclass(frozen=True, slots=True)
class ModerationResult:
    """What :func:`moderate` did: the action, and whether the item changed (``False``: it
    already was so, and nothing was sent to the platform a second time)."""

    opportunity_id: str
    item_id: str
    action: str
    changed: bool

    def to_json(self) -> dict[str, Any]:
        """The JSON that ``cyberkind moderate --json`` prints."""
        return json_fields(self, "opportunity_id item_id action changed")


def _platform(source: str) -> str:
    return source.partition(":")[0]


def platform_name(source: str) -> str:
    """The platform of a source as people call it: "WordPress", "Mastodon", "Bluesky", "the
    blog" (a followed feed), else "the original site" (an imported file).

    **Usage**::

        >>> platform_name("wordpress:kindcorner"), platform_name("import:comments.csv")
        ('WordPress', 'the original site')
    """
    platform = _platform(source)
    if platform == "rss":
        return "the blog"
    return PLATFORM_NAMES.get(platform, "the original site")


def moderation_choices(store: Store, opportunity: Opportunity | str) -> ModerationChoices:
    """How the item of ``opportunity`` can be moderated (see :class:`ModerationChoices`).

    **Usage**::

        moderation_choices(store, "6a2c").actions   # ('hold', 'spam', 'trash') on WordPress
    """
    inbox = Inbox(store)
    opp = inbox.get(opportunity) if isinstance(opportunity, str) else opportunity
    platform = _platform(opp.source)
    name = platform_name(opp.source)
    stored = store.items(opp.source, remote_ids=opp.item_ids[:1])
    item = stored[0].item if stored else None
    if item is None or item.is_own:
        return ModerationChoices(name, None)
    cls = connector_registry().get(platform)
    live = cls if cls is not None and issubclass(cls, LiveConnector) else None
    account = account_for_source(store, opp.source)
    actions: tuple[str, ...] = ()
    if account is not None and live is not None and item.kind is not ItemKind.POST:
        actions = live.moderation_actions
    links = []
    if item.url:
        links.append(ModerationLink(f"Open it in {name}", item.url))
    if item.author.url and live is not None and live.moderation_hint:
        links.append(ModerationLink(f"{item.author.display} in {name}", item.author.url))
    hint = live.moderation_hint if live is not None else ""
    return ModerationChoices(name, item.remote_id, actions, tuple(links), hint)


def moderate(
    store: Store,
    opportunity_id: str,
    action: str,
    *,
    confirmed: bool,
    credentials: Credentials | None = None,
    connector: LiveConnector | None = None,
) -> ModerationResult:
    """Moderate the opportunity's item on its platform, then close the opportunity.

    Runs only with ``confirmed=True`` (the user said yes to exactly this action): otherwise a
    :class:`~cyberkind.errors.ConfigError`, and nothing is sent. Idempotent: an item already
    so moderated is left alone (``changed`` is ``False``), and the opportunity is closed
    either way. ``connector`` overrides the account's connector (tests); ``credentials``
    default to the environment, then the OS keyring. A platform error is a
    :class:`~cyberkind.errors.SourceError` or :class:`~cyberkind.errors.AuthError`, and the
    opportunity stays open.
    """
    inbox = Inbox(store)
    opp = inbox.get(opportunity_id)
    choices = moderation_choices(store, opp)
    if action not in choices.actions:
        allowed = ", ".join(choices.actions)
        by_hand = (
            f"cyberkind can {allowed} it" if allowed else "cyberkind cannot moderate it itself"
        )
        raise ConfigError(
            f"{action!r} is not a moderation cyberkind can do to the item of {opp.id} "
            f"(from {opp.source}): {by_hand}. You can fix this by moderating it on "
            f"{choices.platform}, or letting it be (`cyberkind dismiss {opp.id}`)."
        )
    if not confirmed:
        raise ConfigError(
            f"not moderated: you did not confirm. You can fix this by running `cyberkind "
            f"moderate {opp.id} --action {action}` again and answering yes (or passing --yes)."
        )
    assert choices.item_id is not None  # actions are offered only for a stored item
    own = connector is None
    if connector is None:
        account = account_for_source(store, opp.source)
        assert account is not None  # actions are offered only for a connected account
        connector = account_connector(account, credentials=credentials)
    try:
        changed = connector.moderate(choices.item_id, action)
    finally:
        if own:
            connector.close()
    inbox.dismiss(opp.id)
    return ModerationResult(opp.id, choices.item_id, action, changed)


def let_it_be(store: Store, opportunity_id: str) -> Opportunity:
    """Let a comment be: dismiss its opportunity for good, posting and moderating nothing."""
    return Inbox(store).dismiss(opportunity_id)
