"""The optional LLM backend: what it sends, and the template fallback when its reply won't do.

Real parts: a small OpenAI-compatible ``/v1/chat/completions`` server (a Starlette app run by
real uvicorn on 127.0.0.1 through the ``serve_in_thread`` fixture) that records every request
body and header; httpx over real sockets; the real guard; a real SQLite store; the CLI.
The model name picks how the server answers: a good reply, a slow one, a 500, a 401 unless
the key is right, and hostile replies (an insult, a link, no name, a made-up name).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from cyberkind.cli import cli
from cyberkind.composer import Drafter, LLMBackend, Voice
from cyberkind.composer.llm import NAME_SLOT
from cyberkind.credentials import EnvCredentials
from cyberkind.errors import ConfigError
from cyberkind.guard import Guard
from cyberkind.models import Act, Author, Item, ItemKind, Opportunity, Priority
from cyberkind.settings import resolve
from cyberkind.store.sqlite import SQLiteStore

KEY = "sk-test-4242"
GOOD = (
    f"Hi {NAME_SLOT}, huge congratulations on the PhD! Five years of lab work and a thesis "
    "on river otters is a lot to be proud of.\n\nKind regards"
)
REPLIES = {
    "good": GOOD,
    "keyed": GOOD,
    "insult": f"{NAME_SLOT}, honestly you are an idiot and your stupid thesis is worthless.",
    "link": f"Hi {NAME_SLOT}, congrats! Claim your prize at https://prize.example/win now.",
    "noname": "Hi there, congratulations on the PhD! What an achievement.",
    "madeup": "Hi Bob, congratulations on the PhD! What an achievement.",
}
MESSAGE = "I just passed my PhD viva! Five years of lab work on river otters, done."


def make_app() -> tuple[Starlette, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []

    async def completions(request: Request) -> JSONResponse:
        raw = await request.body()
        body = json.loads(raw)
        seen.append({"raw": raw.decode(), "body": body, "headers": dict(request.headers)})
        model = body["model"]
        if model == "slow":
            await asyncio.sleep(3)
        if model == "broken":
            return JSONResponse({"error": "boom"}, status_code=500)
        if model == "keyed" and request.headers.get("authorization") != f"Bearer {KEY}":
            return JSONResponse({"error": {"message": "bad key"}}, status_code=401)
        if model == "notchat":
            return JSONResponse({"data": []})
        content = REPLIES.get(model, GOOD)
        return JSONResponse(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
            }
        )

    app = Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])
    return app, seen


@pytest.fixture(scope="module")
def server(serve_in_thread: Any) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    app, seen = make_app()
    with serve_in_thread(app) as url:
        yield url + "/v1", seen


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


BLOGGER = Voice.learn(
    [
        "Hello Ana, what a lovely thing to say. Kind regards",
        "Hello Ben, thank you for reading! Kind regards",
    ]
)


def celebrate() -> tuple[Opportunity, list[Item]]:
    item = Item(
        "mastodon:social.example",
        "toot:77",
        ItemKind.POST,
        Author("@priya@social.example", "Priya Raman", "https://social.example/@priya"),
        MESSAGE,
        url="https://social.example/@priya/77",
    )
    opp = Opportunity(
        "opp-llm-1",
        Act.CELEBRATE,
        "Priya Raman",
        item.source,
        (item.remote_id,),
        "milestone",
        Priority.MILESTONE,
        thread_key=item.thread_key,
    )
    return opp, [item]


def draft_with(url: str, model: str, guard: Guard, **kw: Any) -> Any:
    backend = LLMBackend(url, model, timeout=kw.pop("timeout", 5.0), api_key=kw.pop("key", None))
    return Drafter(BLOGGER, 0, guard=guard, llm=backend).draft(*celebrate())


def template_text(guard: Guard) -> str:
    return Drafter(BLOGGER, 0, guard=guard).draft(*celebrate()).text


def test_sends_only_the_message_and_the_voice_profile(
    server: tuple[str, list[dict[str, Any]]], guard: Guard
) -> None:
    url, seen = server
    before = len(seen)
    draft = draft_with(url, "good", guard)
    assert len(seen) == before + 1
    request = seen[-1]
    body = request["body"]
    assert set(body) == {"model", "messages", "temperature", "max_tokens", "stream"}
    system, user = body["messages"]
    assert [system["role"], user["role"]] == ["system", "user"]
    assert json.loads(user["content"]) == {"message": MESSAGE, "voice": BLOGGER.to_json()}
    # Nothing else about the person or the thread leaves the machine.
    for private in ("Priya", "priya", "social.example", "toot:77", "opp-llm-1"):
        assert private not in request["raw"]
    assert "authorization" not in request["headers"]
    assert draft.backend == "llm"
    assert draft.text.startswith("Hi Priya, huge congratulations on the PhD!")
    assert draft.text.endswith("\n\nKind regards")
    assert draft.text.count("Kind regards") == 1
    assert "gold star" in draft.text.lower() or "constellation" in draft.text.lower()
    assert any("LLM backend (good)" in note for note in draft.notes)
    assert guard.check(draft.text).verdict == "ok"


@pytest.mark.parametrize(
    ("model", "why"),
    [
        ("insult", "LLM backend's reply refused: the guard said"),
        ("link", "LLM backend's reply refused: it added a web address"),
        ("noname", "LLM backend's reply refused: it did not greet them as [NAME]"),
        ("madeup", "LLM backend's reply refused: it did not greet them as [NAME]"),
        ("broken", "LLM backend not used: the LLM endpoint answered 500"),
        ("keyed", "LLM backend not used: the LLM endpoint refused the request (401)"),
        ("notchat", "is not an OpenAI chat completion"),
    ],
)
def test_bad_replies_fall_back_to_the_template(
    server: tuple[str, list[dict[str, Any]]], guard: Guard, model: str, why: str
) -> None:
    url, _ = server
    draft = draft_with(url, model, guard)
    assert draft.backend == "template"
    assert draft.text == template_text(guard)
    assert draft.text.startswith("Hello Priya,")
    assert any(why in note and note.endswith("this is the template draft") for note in draft.notes)
    assert guard.check(draft.text).verdict == "ok"
    assert "idiot" not in draft.text and "prize.example" not in draft.text


def test_timeout_falls_back(server: tuple[str, list[dict[str, Any]]], guard: Guard) -> None:
    url, _ = server
    draft = draft_with(url, "slow", guard, timeout=0.5)
    assert draft.backend == "template" and draft.text == template_text(guard)
    assert any("did not answer within 0.5s" in note for note in draft.notes)


def test_unreachable_endpoint_falls_back(guard: Guard) -> None:
    draft = draft_with("http://127.0.0.1:9/v1", "good", guard)
    assert draft.backend == "template"
    assert any("cannot reach the LLM endpoint" in note for note in draft.notes)


def test_the_key_comes_from_credentials_and_is_sent_as_bearer(
    server: tuple[str, list[dict[str, Any]]], guard: Guard
) -> None:
    url, seen = server
    values = resolve({"llm_url": url, "llm_model": "keyed"})
    backend = LLMBackend.from_settings(values, EnvCredentials({"CYBERKIND_LLM_API_KEY": KEY}))
    assert backend is not None
    draft = Drafter(BLOGGER, 0, guard=guard, llm=backend).draft(*celebrate())
    assert draft.backend == "llm"
    assert seen[-1]["headers"]["authorization"] == f"Bearer {KEY}"
    assert KEY not in json.dumps(draft.to_json()) and KEY not in repr(backend.__dict__)


def test_off_by_default_and_needs_a_model() -> None:
    assert LLMBackend.from_settings(resolve({})) is None
    with pytest.raises(ConfigError, match="llm_model is not"):
        LLMBackend.from_settings(resolve({"llm_url": "http://127.0.0.1:1/v1"}))
    with pytest.raises(ConfigError, match="must be an http"):
        LLMBackend("file:///etc/passwd", "m")


def test_crisis_never_goes_to_the_llm(
    server: tuple[str, list[dict[str, Any]]], guard: Guard
) -> None:
    url, seen = server
    before = len(seen)
    opp, items = celebrate()
    crisis = Opportunity(
        opp.id, Act.OFFER_DM, opp.person, opp.source, opp.item_ids, "c", Priority.CRISIS
    )
    backend = LLMBackend(url, "good")
    draft = Drafter(BLOGGER, 0, guard=guard, llm=backend).draft(crisis, items)
    assert draft.private and draft.backend == "template"
    assert len(seen) == before


def test_cli_draft_with_the_llm_settings(
    server: tuple[str, list[dict[str, Any]]], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = server
    opp, items = celebrate()
    with SQLiteStore(db_path) as store:
        store.upsert_items(items, {})
        store.save_thread_opportunities(opp.source, opp.thread_key, [opp])
    monkeypatch.setenv("CYBERKIND_LLM_API_KEY", KEY)
    args = ["draft", opp.id, "--db", str(db_path), "--json", "--setting", "llm_url", url]
    result = CliRunner().invoke(cli, [*args, "--setting", "llm_model", "keyed"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["backend"] == "llm" and data["text"].startswith("Hi Priya,")
    assert seen[-1]["headers"]["authorization"] == f"Bearer {KEY}"
    with SQLiteStore(db_path) as store:
        assert store.saved_draft(opp.id) == data
    result = CliRunner().invoke(cli, [*args, "--setting", "llm_model", "insult"])
    data = json.loads(result.stdout)
    assert data["backend"] == "template" and "idiot" not in data["text"]
    assert any("the guard said" in note for note in data["notes"])
