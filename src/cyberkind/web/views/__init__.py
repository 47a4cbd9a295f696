"""The web app's route modules, one per noun, each exporting ``routes()``.

:func:`cyberkind.web.app.create_app` mounts them in the order of :data:`VIEWS`: a module's
specific paths come before the ones a later module matches with a pattern (the wall's and
sending's ``/inbox/{id}/wall`` and ``/inbox/{id}/send`` before the inbox's
``/inbox/{id}/{action}``).

| module | routes |
|---|---|
| :mod:`.api` | ``/``, ``/openapi.json``, ``/v1alpha1/comments:analyze``, ``/v1/check`` |
| :mod:`.wall` | the ideas wall, its feed, stars, moderation, an inbox idea to the wall |
| :mod:`.send` | approve and send (confirm, send, preview) |
| :mod:`.accounts` | the settings page's accounts and feeds |
| :mod:`.members` | the team's members |
| :mod:`.imports` | sync now and import a file, into the inbox |
| :mod:`.inbox` | the inbox's lanes and cards, an opportunity, its actions, moderation |
| :mod:`.pages` | login, compose, gold stars, settings |
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import accounts, api, imports, inbox, members, pages, send, wall

__all__ = ["VIEWS", "routes"]

VIEWS = (api, wall, send, accounts, members, imports, inbox, pages)
"""The route modules, in the order their routes are tried."""


def routes() -> list[BaseRoute]:
    """Every view's routes, in :data:`VIEWS` order."""
    return [route for view in VIEWS for route in view.routes()]
