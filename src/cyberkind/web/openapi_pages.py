"""The OpenAPI description of the web app's routes: the wall's JSON API, the owner's JSON
API, and the HTML pages (``text/html``) with their form posts. Merged into
:func:`cyberkind.web.openapi.openapi_spec`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["page_paths", "page_schemas"]

_ERR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_HTML = {"description": "An HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}
_SEE_OTHER = {"description": "Done; redirects (303) to the next page"}
_FORBIDDEN = {"description": "The form's CSRF token is missing or wrong", **_ERR}
_LOGIN = {"description": "Public server: log in first (JSON), or a 303 to /login (pages)", **_ERR}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _id(name: str, kind: str = "integer") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def _form(fields: dict[str, str], required: list[str]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        k: {"type": "string", "description": v} for k, v in fields.items()
                    },
                    "required": required,
                }
            }
        },
    }


def _page(summary: str, op: str, **extra: Any) -> dict[str, Any]:
    return {"operationId": op, "summary": summary, "responses": {"200": _HTML}, **extra}


def _post_form(summary: str, op: str, fields: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "operationId": op,
        "summary": summary,
        "requestBody": _form(fields, list(fields)),
        "responses": {"303": _SEE_OTHER, "403": _FORBIDDEN},
        **extra,
    }


_CSRF = {"csrf": "The page's CSRF token"}
_IDEAS = _json({"type": "array", "items": _ref("Idea")}, "The published ideas, newest first")


def page_paths() -> dict[str, Any]:
    """The web app's paths."""
    limited = {"description": "Rate-limited: too many from this client", **_ERR}
    return {
        "/wall": {
            "get": _page("The ideas wall (public; the one page other sites may frame)", "wallPage"),
            "post": {
                "operationId": "wallSubmitForm",
                "summary": "Submit an idea from the wall's form",
                "requestBody": _form(
                    {
                        "text": "The idea",
                        "author": "Your name",
                        "token": "The wall form token",
                        "nonce": "A one-time id: a retried post is stored once",
                    },
                    ["text", "author", "token"],
                ),
                "responses": {
                    "201": _HTML,
                    "202": _HTML,
                    "400": _HTML,
                    "403": _FORBIDDEN,
                    "413": {"description": "Too large", **_ERR},
                    "429": limited,
                },
            },
        },
        "/wall.json": {
            "get": {
                "operationId": "wallJson",
                "summary": "The wall as JSON (same as /api/ideas)",
                "responses": {"200": _IDEAS},
            }
        },
        "/wall/feed.json": {
            "get": {
                "operationId": "wallFeed",
                "summary": "The wall as a JSON Feed 1.1",
                "responses": {
                    "200": {
                        "description": "JSON Feed",
                        "content": {"application/feed+json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/wall/{idea_id}/star": {
            "post": {
                **_post_form(
                    "Star an idea from the wall (once per visitor)",
                    "wallStarForm",
                    {"token": "The wall form token"},
                ),
                "parameters": [_id("idea_id")],
            }
        },
        "/api/ideas": {
            "get": {
                "operationId": "listIdeas",
                "summary": "The published ideas: text, author, stars",
                "responses": {"200": _IDEAS},
            },
            "post": {
                "operationId": "submitIdea",
                "summary": "Submit an idea (published, merged into a near-duplicate, or held)",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("IdeaSubmission")}},
                },
                "responses": {
                    "201": _json(_ref("SubmitResult"), "Published or merged"),
                    "202": _json(_ref("SubmitResult"), "Held for moderation"),
                    "400": {"description": "Bad input", **_ERR},
                    "415": {"description": "Not JSON", **_ERR},
                    "429": limited,
                },
            },
        },
        "/api/ideas/{idea_id}/star": {
            "post": {
                "operationId": "starIdea",
                "summary": "Add a visitor's star to an idea (once per visitor)",
                "parameters": [_id("idea_id")],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "ok": {"const": True},
                                "added": {"type": "boolean"},
                                "idea": _ref("Idea"),
                            },
                        }
                    ),
                    "404": {"description": "No such published idea", **_ERR},
                    "429": limited,
                },
            }
        },
        "/moderation": {"get": _page("The moderation queue (owner)", "moderationPage")},
        "/moderation/{idea_id}/{action}": {
            "post": {
                **_post_form("Approve or reject a held idea (owner)", "moderateForm", _CSRF),
                "parameters": [
                    _id("idea_id"),
                    {
                        "name": "action",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": ["approve", "reject"]},
                    },
                ],
            }
        },
        "/api/moderation": {
            "get": {
                "operationId": "listModeration",
                "summary": "Held ideas with the reason (owner)",
                "responses": {
                    "200": _json({"type": "array", "items": _ref("Idea")}),
                    "401": _LOGIN,
                },
            }
        },
        "/api/moderation/{idea_id}/{action}": {
            "post": {
                "operationId": "moderate",
                "summary": "Approve or reject a held idea (owner; JSON)",
                "parameters": [
                    _id("idea_id"),
                    {
                        "name": "action",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": ["approve", "reject"]},
                    },
                ],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {"ok": {"const": True}, "idea": _ref("Idea")},
                        }
                    ),
                    "401": _LOGIN,
                    "404": {"description": "No such idea", **_ERR},
                },
            }
        },
        "/login": {
            "get": _page("The owner's login page", "loginPage"),
            "post": _post_form(
                "Log in (rate-limited)",
                "login",
                {**_CSRF, "password": "The owner's password", "next": "Where to go after"},
            ),
        },
        "/logout": {"post": _post_form("Log out", "logout", _CSRF)},
        "/compose": {
            "get": _page("Compose with the live guard", "composePage"),
            "post": {
                **_page("Check a draft without JavaScript", "composeForm"),
                "requestBody": _form(
                    {
                        **_CSRF,
                        "text": "The draft",
                        "accepted": "1 when the kinder version was taken",
                    },
                    ["csrf", "text"],
                ),
            },
        },
        "/inbox": {
            "get": _page(
                "Opportunities by priority, filtered by act and source",
                "inboxPage",
                parameters=[
                    {"name": "act", "in": "query", "schema": {"type": "string"}},
                    {"name": "source", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "claim",
                        "in": "query",
                        "description": "mine, or unclaimed (each row then has claimed_by)",
                        "schema": {"enum": ["mine", "unclaimed"]},
                    },
                ],
            )
        },
        "/api/inbox": {
            "get": {
                "operationId": "listInbox",
                "summary": "Opportunities as JSON (cyberkind inbox --json)",
                "parameters": [
                    {"name": "act", "in": "query", "schema": {"type": "string"}},
                    {"name": "source", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": _json({"type": "array", "items": {"type": "object"}}),
                    "401": _LOGIN,
                },
            }
        },
        "/inbox/{opp_id}": {
            "get": {
                **_page("An opportunity: thread, draft, actions", "opportunityPage"),
                "parameters": [_id("opp_id", "string")],
            }
        },
        "/api/inbox/{opp_id}": {
            "get": {
                "operationId": "getOpportunity",
                "summary": (
                    "An opportunity, its thread, its draft, its send (sent) and an unfinished "
                    "one (pending_send: refused, or no answer came; sending again is safe)"
                ),
                "parameters": [_id("opp_id", "string")],
                "responses": {
                    "200": _json({"type": "object"}),
                    "401": _LOGIN,
                    "404": {"description": "No such opportunity", **_ERR},
                },
            }
        },
        "/inbox/{opp_id}/{action}": {
            "post": {
                **_post_form(
                    "Save the draft, snooze, dismiss, mark done, claim (\"I'll answer this "
                    'one", 409 naming the holder when someone has it) or release a claim',
                    "opportunityAction",
                    _CSRF,
                ),
                "parameters": [
                    _id("opp_id", "string"),
                    {
                        "name": "action",
                        "in": "path",
                        "required": True,
                        "schema": {
                            "enum": ["draft", "snooze", "dismiss", "done", "claim", "release"]
                        },
                    },
                ],
            }
        },
        "/inbox/{opp_id}/confirm": {
            "post": {
                "operationId": "confirmSendForm",
                "summary": "Approve and send, step 1: save the edited draft and show exactly "
                "what will be posted, as whom and to whom, with the guard's verdict",
                "parameters": [_id("opp_id", "string")],
                "requestBody": _form({**_CSRF, "text": "The reply, as edited"}, ["csrf", "text"]),
                "responses": {
                    "200": _HTML,
                    "403": _FORBIDDEN,
                    "409": {**_HTML, "description": "It must not be sent (e.g. no account): why"},
                },
            }
        },
        "/inbox/{opp_id}/send": {
            "post": {
                "operationId": "sendForm",
                "summary": "Approve and send, step 2: post the confirmed text once, mark the "
                "opportunity done and record its gold stars",
                "parameters": [_id("opp_id", "string")],
                "requestBody": _form(
                    {
                        **_CSRF,
                        "text": "The confirmed text",
                        "key": "The send's idempotency key, from the confirm page",
                    },
                    ["csrf", "text", "key"],
                ),
                "responses": {
                    "303": {"description": "Sent (or sent before): to /inbox/{id}?sent=1|again"},
                    "403": _FORBIDDEN,
                    "409": {
                        **_HTML,
                        "description": "Refused, or the text is not the one confirmed",
                    },
                    "422": {**_HTML, "description": "The guard holds it: reasons and rewrite"},
                    "502": {**_HTML, "description": "Posting failed; safe to retry"},
                },
            }
        },
        "/api/inbox/{opp_id}/preview": {
            "post": {
                "operationId": "previewSend",
                "summary": "What a send would post, as whom and to whom, and the guard's "
                "verdict (posts nothing)",
                "parameters": [_id("opp_id", "string")],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("SendRequest")}},
                },
                "responses": {
                    "200": _json(_ref("SendPreview")),
                    "401": _LOGIN,
                    "404": {"description": "No such opportunity", **_ERR},
                    "409": {"description": "It must not be sent: why", **_ERR},
                    "415": {"description": "Not JSON", **_ERR},
                },
            }
        },
        "/api/inbox/{opp_id}/send": {
            "post": {
                "operationId": "sendReply",
                "summary": "Post the draft (or 'text') once through its account, mark the "
                "opportunity done and record its gold stars; idempotent",
                "parameters": [_id("opp_id", "string")],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("SendRequest")}},
                },
                "responses": {
                    "200": _json(_ref("SendResult"), "Sent, or already sent (already_sent)"),
                    "401": _LOGIN,
                    "404": {"description": "No such opportunity", **_ERR},
                    "409": {"description": "Refused, or 'key' does not match 'text'", **_ERR},
                    "415": {"description": "Not JSON", **_ERR},
                    "422": {"description": "The guard holds the text", **_ERR},
                    "502": {"description": "Posting failed; sending again is safe", **_ERR},
                },
            }
        },
        "/inbox/{opp_id}/wall": {
            "post": {
                **_post_form(
                    "Put an inbox idea on the ideas wall, credited to its author (owner)",
                    "inboxIdeaToWallForm",
                    {**_CSRF, "text": "The idea's words (default: the comment's)"},
                ),
                "parameters": [_id("opp_id", "string")],
            }
        },
        "/api/inbox/{opp_id}/wall": {
            "post": {
                "operationId": "inboxIdeaToWall",
                "summary": "Put an inbox idea on the ideas wall, credited to its author, through "
                "the wall's merge and guard (not its flood limit); mark the opportunity done "
                "with the author's gold star; idempotent",
                "parameters": [_id("opp_id", "string")],
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"text": {"type": "string", "maxLength": 500}},
                            }
                        }
                    },
                },
                "responses": {
                    "201": _json(_ref("SubmitResult"), "On the wall (published or merged)"),
                    "202": _json(_ref("SubmitResult"), "Held for moderation (the guard)"),
                    "200": _json(_ref("SubmitResult"), "Already on the wall (repeat)"),
                    "400": {"description": "Not an idea, or bad words", **_ERR},
                    "401": _LOGIN,
                    "404": {"description": "No such opportunity", **_ERR},
                    "415": {"description": "Not JSON", **_ERR},
                },
            }
        },
        "/settings/accounts": {
            "post": _post_form(
                "Connect an account; secrets go to the OS keyring (owner)",
                "addAccountForm",
                {
                    **_CSRF,
                    "platform": "A live connector: mastodon, wordpress, bluesky...",
                    "name": "Your label for the account",
                    "url": "The server or site",
                    "handle": "Your handle there",
                    "secret.<key>": "Each secret the platform needs (e.g. secret.access_token)",
                },
            )
        },
        "/settings/accounts/{name}/remove": {
            "post": {
                **_post_form("Disconnect an account (owner)", "removeAccountForm", _CSRF),
                "parameters": [_id("name", "string")],
            }
        },
        "/settings/feeds": {
            "post": _post_form(
                "Follow a feed (owner)",
                "followFeedForm",
                {**_CSRF, "url": "The feed's URL", "comments": "'on' for your blog's comments"},
            )
        },
        "/settings/feeds/remove": {
            "post": _post_form("Unfollow a feed (owner)", "unfollowFeedForm", {**_CSRF, "url": ""})
        },
        "/api/accounts": {
            "get": {
                "operationId": "listAccounts",
                "summary": "Connected accounts and where each secret is found (never its value)",
                "responses": {
                    "200": _json({"type": "array", "items": _ref("Account")}),
                    "401": _LOGIN,
                },
            },
            "post": {
                "operationId": "addAccount",
                "summary": "Connect (or update) an account; secrets go to the OS keyring",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("AccountRequest")}},
                },
                "responses": {
                    "201": _json({"type": "object"}, "Connected"),
                    "200": _json({"type": "object"}, "Updated"),
                    "400": {"description": "Bad value, or no keyring (names the env var)", **_ERR},
                    "401": _LOGIN,
                    "415": {"description": "Not JSON", **_ERR},
                },
            },
        },
        "/api/accounts/{name}": {
            "delete": {
                "operationId": "removeAccount",
                "summary": "Disconnect an account and delete its secrets from the keyring",
                "parameters": [_id("name", "string")],
                "responses": {
                    "200": _json({"type": "object"}),
                    "401": _LOGIN,
                    "404": {"description": "No such account", **_ERR},
                },
            }
        },
        "/api/feeds": {
            "get": {
                "operationId": "listFeeds",
                "summary": "The feeds you follow",
                "responses": {
                    "200": _json({"type": "array", "items": _ref("Feed")}),
                    "401": _LOGIN,
                },
            },
            "post": {
                "operationId": "followFeed",
                "summary": "Follow a feed",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("Feed")}},
                },
                "responses": {
                    "201": _json({"type": "object"}, "Followed"),
                    "200": _json({"type": "object"}, "Already followed (comments updated)"),
                    "400": {"description": "Not an http(s) URL", **_ERR},
                    "401": _LOGIN,
                },
            },
        },
        "/api/feeds/remove": {
            "post": {
                "operationId": "unfollowFeed",
                "summary": "Stop following a feed (its items stay)",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("Feed")}},
                },
                "responses": {
                    "200": _json({"type": "object"}),
                    "401": _LOGIN,
                    "404": {"description": "Not followed", **_ERR},
                },
            }
        },
        "/stars": {
            "get": _page(
                "The gold-star ledger, the kindest people, kindness over time (SVG)", "starsPage"
            )
        },
        "/api/stars": {
            "get": {
                "operationId": "getStars",
                "summary": "The ledger and the kindest people",
                "responses": {"200": _json({"type": "object"}), "401": _LOGIN},
            }
        },
        "/members": {
            "get": _page("Team members (owner)", "membersPage"),
            "post": _post_form(
                "Add a team member (owner)",
                "addMemberForm",
                {
                    **_CSRF,
                    "name": "Lowercase name",
                    "display_name": "",
                    "role": "owner or member",
                    "password": "8 characters or more (stored as an argon2id hash)",
                },
            ),
        },
        "/members/{name}/{action}": {
            "post": {
                **_post_form("Disable, enable or remove a member (owner)", "memberAction", _CSRF),
                "parameters": [
                    _id("name", "string"),
                    {
                        "name": "action",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": ["disable", "enable", "remove"]},
                    },
                ],
            }
        },
        "/api/members": {
            "get": {
                "operationId": "listMembers",
                "summary": "Team members: name, display name, role, has_password, disabled (no "
                "hashes; owner)",
                "responses": {"200": _json({"type": "object"}), "401": _LOGIN},
            }
        },
        "/settings": {
            "get": _page("Settings: region, gold-star wording, voice preview", "settingsPage"),
            "post": {
                **_page("Save settings", "settingsForm"),
                "requestBody": _form(
                    {**_CSRF, "region": "A region code", "stars": "on or off"}, ["csrf"]
                ),
            },
        },
        "/api/settings": {
            "get": {
                "operationId": "getSettings",
                "summary": "The web settings",
                "responses": {"200": _json(_ref("Settings")), "401": _LOGIN},
            },
            "post": {
                "operationId": "setSettings",
                "summary": "Save the web settings",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("Settings")}},
                },
                "responses": {
                    "200": _json(_ref("Settings")),
                    "400": {"description": "Bad value", **_ERR},
                    "401": _LOGIN,
                },
            },
        },
    }


def page_schemas() -> dict[str, Any]:
    """The web app's schemas."""
    return {
        "Idea": {
            "type": "object",
            "required": ["id", "text", "author", "stars"],
            "properties": {
                "id": {"type": "integer"},
                "text": {"type": "string"},
                "author": {"type": "string", "description": "Every author, as one credit line"},
                "authors": {"type": "array", "items": {"type": "string"}},
                "credits": {
                    "type": "array",
                    "description": "Each author with a link back to their source item, if public",
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "url": {"type": ["string", "null"]},
                        },
                    },
                },
                "stars": {
                    "type": "integer",
                    "description": "One per author plus one per visitor's star",
                },
                "votes": {"type": "integer"},
                "thanks": {"type": "string"},
                "status": {"enum": ["published", "pending", "rejected"]},
                "created_at": {"type": ["string", "null"]},
            },
        },
        "IdeaSubmission": {
            "type": "object",
            "required": ["text", "author"],
            "properties": {
                "text": {"type": "string", "maxLength": 500},
                "author": {"type": "string", "maxLength": 60},
                "nonce": {"type": "string", "maxLength": 100},
            },
        },
        "SubmitResult": {
            "type": "object",
            "properties": {
                "ok": {"const": True},
                "status": {"enum": ["published", "merged", "pending", "rejected"]},
                "message": {"type": "string"},
                "repeat": {"type": "boolean"},
                "idea": {"oneOf": [_ref("Idea"), {"type": "null"}]},
            },
        },
        "SendRequest": {
            "type": "object",
            "properties": {
                "text": {
                    "type": "string",
                    "maxLength": 5000,
                    "description": "The words to post (default: the saved draft)",
                },
                "key": {
                    "type": "string",
                    "description": "The preview's key: the send goes ahead only for its text",
                },
            },
        },
        "SendPreview": {
            "type": "object",
            "properties": {
                "ok": {"const": True},
                "opportunity_id": {"type": "string"},
                "account": {"type": "string"},
                "as": {"type": "string", "description": "The account's handle"},
                "url": {"type": "string"},
                "source": {"type": "string"},
                "parent_remote_id": {"type": "string"},
                "to": {"type": "array", "items": {"type": "string"}},
                "private": {"type": "boolean"},
                "text": {"type": "string"},
                "stars": {"type": "integer"},
                "key": {"type": "string", "description": "The send's idempotency key"},
                "answering": {"type": "object"},
                "guard": {"type": ["object", "null"], "description": "POST /v1/check's verdict"},
                "can_send": {"type": "boolean"},
            },
        },
        "SendResult": {
            "type": "object",
            "properties": {
                "ok": {"const": True},
                "opportunity_id": {"type": "string"},
                "remote_id": {"type": "string"},
                "text": {"type": "string"},
                "already_sent": {"type": "boolean"},
                "stars_recorded": {"type": "integer"},
                "to": {"type": "array", "items": {"type": "string"}},
                "outbox": {"type": "object"},
            },
        },
        "Account": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "platform": {"type": "string"},
                "source": {"type": "string"},
                "url": {"type": "string"},
                "handle": {"type": ["string", "null"]},
                "secrets": {
                    "type": "object",
                    "description": "Per secret: found, where (environment or keyring), env",
                },
                "connector": {"type": "boolean"},
            },
        },
        "AccountRequest": {
            "type": "object",
            "required": ["platform", "name", "url"],
            "properties": {
                "platform": {"type": "string"},
                "name": {"type": "string", "maxLength": 40},
                "url": {"type": "string"},
                "handle": {"type": "string"},
                "secrets": {
                    "type": "object",
                    "additionalProperties": {"type": "string", "writeOnly": True},
                },
            },
        },
        "Feed": {
            "type": "object",
            "required": ["url"],
            "properties": {"url": {"type": "string"}, "comments": {"type": "boolean"}},
        },
        "Settings": {
            "type": "object",
            "properties": {
                "region": {"type": "string"},
                "stars": {"enum": ["on", "off"]},
                "voice": {"type": "string", "readOnly": True},
            },
        },
    }
