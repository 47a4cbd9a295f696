"""Sending drafts exactly once (cyberkind.sending and ``cyberkind send``) through Mastodon.

Real parts: mastodon-mock (Mastodon's client API on FastAPI) under real uvicorn on
127.0.0.1, driven by real Mastodon.py; a real reverse proxy on 127.0.0.1 that lets the
server process a post and then drops the connection before the answer arrives (a
timeout after the fact); a real store on each backend (a SQLite file, and a database on a
real PostgreSQL server, tests/postgres_server.py); the real composer, guard and
gold-star ledger. Items reach the store through the real connector and pipeline (the
engine is the conftest stub scorer, so "#crisis" marks a crisis).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from _mastodon_support import FaultyProxy, client, reset, start_mock, statuses_of
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.connectors.mastodon import MastodonConnector
from cyberkind.credentials import EnvCredentials
from cyberkind.errors import ConfigError, InputError, SourceError
from cyberkind.guard import Guard
from cyberkind.models import Account, Act, Opportunity, State
from cyberkind.pipeline import sync
from cyberkind.sending import idempotency_key, prepare_send, send_draft
from cyberkind.store import open_store

CREDS = EnvCredentials({"CYBERKIND_SOCIAL_ACCESS_TOKEN": "alice_token"})


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    mock = start_mock()
    yield mock
    mock.stop()


@pytest.fixture(scope="module")
def guard(scorer: Any) -> Guard:
    return Guard(scorer=scorer)


@pytest.fixture
def base_url(server: Any) -> str:
    reset(server.base_url)
    return str(server.base_url)


@pytest.fixture
def store(db_url: str, base_url: str) -> Iterator[Any]:
    with open_store(db_url) as s:
        s.add_account(Account("social", "mastodon", base_url, handle="alice"))
        yield s


def conn_for(url: str, **kwargs: Any) -> MastodonConnector:
    return MastodonConnector(
        Account("social", "mastodon", url, handle="alice"), credentials=CREDS, **kwargs
    )


def synced(store: Any, url: str, stub_scorer: Any) -> None:
    with conn_for(url) as conn:
        sync(store, conn, stub_scorer)


def opportunity(store: Any, act: Act, person: str) -> Opportunity:
    [found] = [o for o in store.opportunities(acts=[act.value]) if o.person == person]
    return found


def replies_by_alice(url: str) -> list[Any]:
    return [s for s in statuses_of(url, "alice") if s.in_reply_to_id is not None]


def test_send_posts_the_saved_draft_marks_done_and_records_stars(
    base_url: str, store: Any, stub_scorer: Any, guard: Guard
) -> None:
    post = client(base_url, "alice").status_post("Ten tiny kindnesses")
    comment = client(base_url, "carol").status_post(
        "@alice Lovely post, thank you!", in_reply_to_id=post.id
    )
    synced(store, base_url, stub_scorer)
    opp = opportunity(store, Act.THANK_COMMENTER, "Carol")
    from cyberkind.composer import Composer

    draft = Composer(store, guard=guard).draft(opp, save=True)
    shown: list[str] = []
    result = send_draft(
        store,
        opp.id,
        credentials=CREDS,
        guard=guard,
        confirm=lambda p: shown.append(p.text) or True,
    )
    assert shown == [draft.text]
    [posted] = replies_by_alice(base_url)
    assert str(posted.id) == result.remote_id
    assert str(posted.in_reply_to_id) == str(comment.id)
    assert posted.content.startswith("<p>@carol")  # addressed to Carol
    assert store.get_opportunity(opp.id).state is State.DONE
    assert result.stars_recorded == draft.stars > 0
    assert [a.person for a in store.star_awards()] == ["Carol"]
    [entry] = store.outbox(opp.id)
    assert (entry.state, entry.remote_id, entry.attempts) == ("sent", result.remote_id, 1)
    assert entry.key == idempotency_key(opp.id, draft.text)

    again = send_draft(store, opp.id, credentials=CREDS, guard=guard)
    assert again.already_sent and again.remote_id == result.remote_id
    assert len(replies_by_alice(base_url)) == 1
    assert len(store.star_awards()) == 1


def test_a_retry_after_a_timeout_never_double_posts(
    base_url: str, store: Any, db_url: str, stub_scorer: Any, guard: Guard
) -> None:
    post = client(base_url, "alice").status_post("Ten tiny kindnesses")
    client(base_url, "bob").status_post("@alice This helped me today", in_reply_to_id=post.id)
    synced(store, base_url, stub_scorer)
    opp = opportunity(store, Act.THANK_COMMENTER, "Bob")
    proxy = FaultyProxy(base_url)
    proxy.plan = [("POST", "/api/v1/statuses", "drop")]
    account = Account("social", "mastodon", proxy.url, handle="alice")
    with proxy.running():
        flaky = MastodonConnector(account, credentials=CREDS, max_retries=0)
        with pytest.raises(SourceError, match="cannot reach"):
            send_draft(store, opp.id, connector=flaky, guard=guard)
        # The server did post it; we never heard back. The outbox knows it is pending.
        assert len(replies_by_alice(base_url)) == 1
        [entry] = store.outbox(opp.id)
        assert (entry.state, entry.attempts) == ("pending", 1)
        assert store.get_opportunity(opp.id).state is not State.DONE
        assert store.star_awards() == []

        # `cyberkind send --pending` lists it, and says running it again is safe.
        listed = CliRunner().invoke(cli, ["send", "--pending", "--db", db_url])
        assert listed.exit_code == 0, listed.output
        assert listed.stdout.startswith(f"{opp.id}  mastodon:social  1 try, last ")
        assert "nothing is posted twice" in listed.stdout
        as_json = CliRunner().invoke(cli, ["send", "--pending", "--json", "--db", db_url])
        assert [e["opportunity_id"] for e in json.loads(as_json.stdout)] == [opp.id]
        retry = MastodonConnector(account, credentials=CREDS, max_retries=0)
        result = send_draft(store, opp.id, connector=retry, guard=guard)
    after = CliRunner().invoke(cli, ["send", "--pending", "--db", db_url])
    assert after.stdout == "No unfinished sends.\n"
    usage = CliRunner().invoke(cli, ["send", "--db", db_url])
    assert usage.exit_code == 2 and "or --pending" in usage.stderr
    mixed = CliRunner().invoke(cli, ["send", opp.id, "--pending", "--db", db_url])
    assert mixed.exit_code == 2 and "give it no ID" in mixed.stderr
    [posted] = replies_by_alice(base_url)
    assert str(posted.id) == result.remote_id
    [entry] = store.outbox(opp.id)
    assert (entry.state, entry.attempts) == ("sent", 2)
    assert store.get_opportunity(opp.id).state is State.DONE
    assert len(store.star_awards()) == 1
    assert [a for _, _, a in proxy.seen] == ["drop"]


def test_a_dropped_answer_is_retried_within_one_send_with_the_same_key(
    base_url: str, store: Any, stub_scorer: Any, guard: Guard
) -> None:
    post = client(base_url, "alice").status_post("Ten tiny kindnesses")
    client(base_url, "bob").status_post("@alice So good", in_reply_to_id=post.id)
    synced(store, base_url, stub_scorer)
    opp = opportunity(store, Act.THANK_COMMENTER, "Bob")
    proxy = FaultyProxy(base_url)
    proxy.plan = [("POST", "/api/v1/statuses", "drop")]
    waits: list[float] = []
    with proxy.running():
        conn = conn_for(proxy.url, sleep=waits.append)
        result = send_draft(store, opp.id, connector=conn, guard=guard, text="Thank you, Bob!")
    assert waits == [1.0]
    [posted] = replies_by_alice(base_url)
    assert str(posted.id) == result.remote_id and "Thank you, Bob!" in posted.content


def test_a_grouped_thank_you_is_one_reply_addressing_everyone(
    base_url: str, store: Any, stub_scorer: Any, guard: Guard
) -> None:
    post = client(base_url, "alice").status_post("Ten tiny kindnesses")
    for user in ("bob", "carol", "dan"):
        client(base_url, user).status_favourite(post.id)
    synced(store, base_url, stub_scorer)
    [group] = store.opportunities(acts=["thank_reader"])
    assert len(group.item_ids) == 3
    prepared = prepare_send(store, group.id, text="Thank you all for reading!")
    host = base_url.split("//")[1]
    assert prepared.reply.parent_remote_id == str(post.id)
    assert prepared.reply.to == tuple(f"@{u}@{host}" for u in ("bob", "carol", "dan"))
    result = send_draft(
        store, group.id, credentials=CREDS, guard=guard, text="Thank you all for reading!"
    )
    [posted] = replies_by_alice(base_url)
    assert str(posted.in_reply_to_id) == str(post.id)
    assert {m.acct for m in posted.mentions} == {"bob", "carol", "dan"}
    assert result.to == prepared.reply.to
    assert store.get_opportunity(group.id).state is State.DONE


def test_a_crisis_is_sent_only_as_a_private_message(
    base_url: str, store: Any, stub_scorer: Any, guard: Guard
) -> None:
    client(base_url, "dan").status_post("@alice I can't do this any more #crisis")
    synced(store, base_url, stub_scorer)
    opp = opportunity(store, Act.OFFER_DM, "Dan")
    store.save_draft(opp.id, {"text": "Congrats, Dan!", "private": False, "stars": 1})
    with pytest.raises(ConfigError, match="casual public reply, which cyberkind never sends"):
        send_draft(store, opp.id, credentials=CREDS, guard=guard)
    assert statuses_of(base_url, "alice") == []
    from cyberkind.composer import Composer

    draft = Composer(store, guard=guard).draft(opp, save=True)
    assert draft.private
    send_draft(store, opp.id, credentials=CREDS, guard=guard)
    [posted] = statuses_of(base_url, "alice")
    assert posted.visibility == "direct"
    assert store.star_awards() == []  # crisis messages carry no stars


def test_the_guard_holds_a_hostile_text_and_nothing_is_posted(
    base_url: str, store: Any, stub_scorer: Any, guard: Guard
) -> None:
    client(base_url, "bob").status_post("@alice what do you think?")
    synced(store, base_url, stub_scorer)
    opp = opportunity(store, Act.THANK_COMMENTER, "Bob")
    with pytest.raises(InputError, match="the guard says"):
        send_draft(store, opp.id, credentials=CREDS, guard=guard, text="You are a pathetic idiot.")
    assert statuses_of(base_url, "alice") == []
    assert store.outbox() == []


def test_refusals_name_the_fix(base_url: str, store: Any, stub_scorer: Any, guard: Guard) -> None:
    client(base_url, "bob").account_follow(client(base_url, "alice").me().id)
    synced(store, base_url, stub_scorer)
    follow = opportunity(store, Act.THANK_READER, "Bob")
    with pytest.raises(ConfigError, match="no message to reply to"):
        prepare_send(store, follow.id, text="Thanks!")
    declined = pytest.raises(ConfigError, match="you did not confirm")
    client(base_url, "carol").status_post("@alice hello")
    synced(store, base_url, stub_scorer)
    mention = opportunity(store, Act.THANK_COMMENTER, "Carol")
    with declined:
        send_draft(
            store, mention.id, credentials=CREDS, guard=guard, text="Hi!", confirm=lambda p: False
        )
    assert store.outbox() == [] and statuses_of(base_url, "alice") == []
    store.remove_account("social")
    with pytest.raises(ConfigError, match="not a connected account"):
        prepare_send(store, mention.id, text="Hi!")


def test_cli_send_asks_first_and_posts_once(
    base_url: str, store: Any, db_url: str, stub_scorer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client(base_url, "bob").status_post("@alice your post made my week")
    synced(store, base_url, stub_scorer)
    opp = opportunity(store, Act.THANK_COMMENTER, "Bob")
    monkeypatch.setenv("CYBERKIND_SOCIAL_ACCESS_TOKEN", "alice_token")
    db = ["--db", db_url]
    text = ["--text", "Thank you, Bob! That means a lot."]
    no = CliRunner().invoke(cli, ["send", opp.id, *text, *db], input="n\n")
    assert no.exit_code == 1
    assert "Thank you, Bob! That means a lot." in no.stderr and "Post it?" in no.stderr
    assert "you did not confirm" in no.stderr
    assert statuses_of(base_url, "alice") == []
    yes = CliRunner().invoke(cli, ["send", opp.id[:6], *text, "--yes", "--json", *db])
    assert yes.exit_code == 0, yes.output
    payload = json.loads(yes.stdout)
    assert payload["already_sent"] is False and payload["outbox"]["state"] == "sent"
    again = CliRunner().invoke(cli, ["send", opp.id, *text, "--yes", *db])
    assert again.exit_code == 0
    assert again.stdout == f"Already sent as {payload['remote_id']}; nothing was posted again.\n"
    assert len(statuses_of(base_url, "alice")) == 1
    assert "alice_token" not in no.output + yes.output + again.output


def test_a_deleted_status_is_reported_and_nothing_is_posted(
    base_url: str, store: Any, stub_scorer: Any, guard: Guard
) -> None:
    bob = client(base_url, "bob")
    gone = bob.status_post("@alice a thought I will take back")
    synced(store, base_url, stub_scorer)
    opp = opportunity(store, Act.THANK_COMMENTER, "Bob")
    bob.status_delete(gone.id)
    with pytest.raises(SourceError, match="404 Not Found while reading the status to answer"):
        send_draft(store, opp.id, credentials=CREDS, guard=guard, text="Thanks, Bob!")
    assert statuses_of(base_url, "alice") == []
    assert store.get_opportunity(opp.id).state is not State.DONE


def test_two_members_sending_at_once_post_one_reply(
    base_url: str, store: Any, db_url: str, stub_scorer: Any, guard: Guard
) -> None:
    """Team mode: two members send the same opportunity at the same moment, each through
    their own connection; the store's claim lets exactly one post, the other is refused."""
    import threading

    client(base_url, "carol").status_post("@alice thank you for the recipe!")
    synced(store, base_url, stub_scorer)
    opp = opportunity(store, Act.THANK_COMMENTER, "Carol")
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def send_as(member: str) -> None:
        with open_store(db_url) as own:
            barrier.wait()
            try:
                result = send_draft(
                    own,
                    opp.id,
                    text=f"Thank you, Carol! ({member})",
                    credentials=CREDS,
                    guard=guard,
                    member=member,
                )
                outcomes[member] = result.remote_id
            except ConfigError as exc:
                outcomes[member] = exc

    threads = [threading.Thread(target=send_as, args=(m,)) for m in ("ana", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = {m: o for m, o in outcomes.items() if isinstance(o, str)}
    refused = {m: o for m, o in outcomes.items() if isinstance(o, ConfigError)}
    assert len(sent) == 1 and len(refused) == 1, outcomes
    [(winner, remote_id)] = sent.items()
    assert f"is claimed by {winner}, who answers it" in str(next(iter(refused.values())))
    [posted] = replies_by_alice(base_url)
    assert str(posted.id) == remote_id and f"({winner})" in posted.content
    assert store.claim_holder(opp.id) == winner
    assert store.get_opportunity(opp.id).state is State.DONE
