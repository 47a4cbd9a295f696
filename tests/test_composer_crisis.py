"""The crisis rule: no casual draft, a caring private message and the region's resources."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyberkind.composer import Composer, compose
from cyberkind.guard import Guard
from cyberkind.inbox import Inbox
from cyberkind.models import Act, Author, Item, ItemKind, Opportunity, Priority, State
from cyberkind.resources import (
    CRISIS_RESOURCES,
    EMERGENCY_NUMBERS,
    REGIONAL_RESOURCES,
    regional_resources,
)
from cyberkind.store.sqlite import SQLiteStore

TEXT = "Honestly I don't see the point anymore. I want to end my life."


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


def crisis_opp(act: Act = Act.OFFER_DM, priority: Priority = Priority.CRISIS) -> Opportunity:
    return Opportunity("crisis1", act, "Robin Gray", "test", ("c8",), "crisis", priority)


ITEM = Item("test", "c8", ItemKind.COMMENT, Author("robin", "Robin Gray"), TEXT)


def assert_caring_private(draft: object, guard: Guard) -> None:
    from cyberkind.composer import Draft

    assert isinstance(draft, Draft)
    assert draft.private is True
    assert draft.stars == 0 and draft.recipients == ()
    assert draft.specific == ""
    assert draft.text.startswith("Hi Robin,")
    # Their words are never quoted, and nothing casual or celebratory slips in.
    assert "end my life" not in draft.text and '"' not in draft.text
    for casual in ("gold star", "congratulations", "!"):
        assert casual not in draft.text.lower()
    assert "in danger right now" in draft.text
    assert any("privately" in note for note in draft.notes)
    assert draft.resources
    assert guard.check(draft.text).verdict == "ok"


@pytest.mark.parametrize(
    ("region", "name", "emergency"),
    [
        ("us", "988 Suicide & Crisis Lifeline", "911"),
        ("uk", "Samaritans", "999"),
        ("ie", "Samaritans Ireland", "112 or 999"),
        ("au", "Lifeline Australia", "000"),
        ("ca", "9-8-8 Suicide Crisis Helpline", "911"),
        ("nz", "Need to talk? 1737", "111"),
        ("New Zealand", "Need to talk? 1737", "111"),
    ],
)
def test_crisis_draft_names_the_regions_line(
    region: str, name: str, emergency: str, guard: Guard
) -> None:
    draft = compose(crisis_opp(), [ITEM], region=region, guard=guard)
    assert_caring_private(draft, guard)
    assert draft.resources[0].name == name
    assert f"You can reach {name}" in draft.text
    assert f"please call {emergency}." in draft.text
    assert {r.name for r in draft.resources} >= {"Find A Helpline", "Befrienders Worldwide"}


@pytest.mark.parametrize("region", [None, "", "international", "atlantis"])
def test_crisis_draft_falls_back_to_international(region: str | None, guard: Guard) -> None:
    draft = compose(crisis_opp(), [ITEM], region=region, guard=guard)
    assert_caring_private(draft, guard)
    assert draft.resources[0].name == "Find A Helpline"
    assert "your local emergency number" in draft.text


def test_configured_crisis_line_comes_first(guard: Guard) -> None:
    draft = compose(crisis_opp(), [ITEM], region="uk", crisis_line="call 0800 000 000", guard=guard)
    assert draft.resources[0].name == "Your local crisis line"
    assert draft.resources[0].contact == "call 0800 000 000"
    # The guard reads a bare number as personal data: the draft names the line instead.
    assert "You can reach your local crisis line" in draft.text
    assert guard.check(draft.text).verdict == "ok"


@pytest.mark.parametrize("act", [Act.CELEBRATE, Act.THANK_COMMENTER, Act.PROMOTE_WORK, Act.HUG])
def test_a_crisis_score_overrides_a_casual_act(act: Act, guard: Guard) -> None:
    opp = crisis_opp(act, Priority.UNANSWERED)
    draft = compose(opp, [ITEM], scores=[{"crisis": 0.8}], guard=guard)
    assert_caring_private(draft, guard)
    assert draft.act is act


def test_crisis_priority_alone_is_enough(guard: Guard) -> None:
    draft = compose(crisis_opp(Act.HUG, Priority.CRISIS), [ITEM], guard=guard)
    assert_caring_private(draft, guard)


def test_below_threshold_stays_an_ordinary_draft(guard: Guard) -> None:
    opp = crisis_opp(Act.THANK_COMMENTER, Priority.UNANSWERED)
    item = Item("test", "c8", ItemKind.COMMENT, Author("robin", "Robin Gray"), "Lovely post!")
    draft = compose(opp, [item], scores=[{"crisis": 0.1}], guard=guard)
    assert draft.private is False and draft.resources == ()


def test_every_region_has_named_sources() -> None:
    assert set(REGIONAL_RESOURCES) >= {"us", "uk", "ie", "au", "ca", "nz"}
    assert set(EMERGENCY_NUMBERS) == set(REGIONAL_RESOURCES)
    for lines in REGIONAL_RESOURCES.values():
        assert all(r.name and r.contact and (r.url or "").startswith("https://") for r in lines)
    found, emergency = regional_resources("nz")
    assert found[-1].name == "Befrienders Worldwide" and emergency == "111"


# The national lines as published by each service, checked 2026-11-24 (docs/composer.md).
VERIFIED = {
    "us": ("988", "741741"),
    "uk": ("116 123", "85258"),
    "ie": ("116 123", "50808", "1800 247 247"),
    "au": ("13 11 14", "1300 22 4636"),
    "ca": ("988", "1-800-668-6868"),
    "nz": ("1737", "0800 543 354"),
}


@pytest.mark.parametrize("region", sorted(VERIFIED))
def test_regional_numbers_are_the_verified_ones(region: str) -> None:
    contacts = " ".join(r.contact for r in REGIONAL_RESOURCES[region])
    for number in VERIFIED[region]:
        assert number in contacts, (region, number)


def test_the_general_emergency_line_names_every_regions_number() -> None:
    (general,) = [r for r in CRISIS_RESOURCES if r.name == "Emergency services"]
    for number in EMERGENCY_NUMBERS.values():
        for part in number.split(" or "):
            assert part in general.contact, number
    assert "111 (New Zealand)" in general.contact


def test_composer_on_a_store_makes_the_crisis_draft(tmp_path: Path, guard: Guard) -> None:
    store = SQLiteStore(tmp_path / "inbox.db")
    post = Item("test", "p1", ItemKind.POST, Author("me", "Me"), "A post", is_own=True)
    comment = Item(
        "test", "c8", ItemKind.COMMENT, Author("robin", "Robin Gray"), TEXT,
        parent_remote_id="p1", thread_id="p1",
    )  # fmt: skip
    with store.transaction():
        store.upsert_items([post, comment], scores={"c8": {"crisis": 0.95}, "p1": {}})
    Inbox(store).refresh("test", ["p1"], {"crisis": 0.5})
    [opp] = Inbox(store).opportunities()
    assert opp.act is Act.OFFER_DM
    draft = Composer(store, region="au", guard=guard).draft(opp.id, save=True)
    assert_caring_private(draft, guard)
    assert draft.resources[0].name == "Lifeline Australia"
    assert store.get_opportunity(opp.id).state is State.DRAFTED
    store.close()
