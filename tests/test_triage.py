"""The reading of one message (cyberkind.triage), on examples written for these tests."""

from __future__ import annotations

import pytest

from cyberkind.triage import find_idea, read_message


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("You're a clueless fool and everyone can see it.", "hostile"),
        ("Nobody cares about your little stickers, get a life.", "hostile"),
        ("This is the dumbest post on the internet.", "hostile"),
        ("My grandad died on Tuesday; reading this helped a little.", "distress"),
        ("I got made redundant this morning.", "distress"),
        ("It's been such a hard month, I'm completely overwhelmed.", "distress"),
        ("I'm not sure I agree: a smile won't pay anyone's rent.", "criticism"),
        ("Surprisingly readable for once.", "criticism"),
        ("We just bought our first flat!", "news"),
        ("I passed my driving theory test this morning!!", "news"),
        ("Is there a printable checklist for the garden day?", "question"),
        ("Could you share the recipe for the lemon cake?", "question"),
        ("Something I do is tape a coin to the parking meter for the next driver.", "idea"),
        ("Every Friday I bring biscuits for the cleaners at work.", "idea"),
        ("My sister Ines forwarded me your post.", "third_party"),
        ("The sketch of the old mill is gorgeous.", "praised"),
    ],
)
def test_what_a_message_is(text: str, field: str) -> None:
    assert getattr(read_message(text), field)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("How did you know I needed this today?", "question"),
        ("I always read your posts on the bus.", "idea"),
        ("She cried happy tears when she read the note.", "distress"),
        ("I lost my job last week.", "news"),
        ("Thanks so much, what a gentle read.", "hostile"),
        ("Thanks so much, what a gentle read.", "criticism"),
        ("Where can I find the printable version?", "praised"),
    ],
)
def test_what_a_message_is_not(text: str, field: str) -> None:
    assert not getattr(read_message(text), field)


def test_target_heads_tell_an_attack_on_the_person_from_criticism_of_an_idea() -> None:
    scores = {"insult": 0.9, "toxicity": 0.95, "personal_attack": 0.8}
    on_idea = {**scores, "target:individual": 0.1, "target:ad_hominem": 0.05}
    on_person = {**scores, "target:individual": 0.9, "target:ad_hominem": 0.7}
    text = "That plan is going to waste everyone's Saturday."
    assert read_message(text, on_person).hostile == "an attack on the person"
    assert read_message(text, on_idea).hostile == ""
    assert read_message(text, scores).hostile  # without the heads, the labels decide


def test_a_noisy_low_label_needs_the_words() -> None:
    # The fast tier fires distress at 0.3 on plain thanks; alone that is not a hard time.
    assert read_message("My friend shared this with me.", {"distress": 0.4}).distress == ""
    assert read_message("Rough few days.", {"distress": 0.4}).distress == "distress"
    assert read_message("x", {"distress": 0.95}).distress == "distress"


def test_posts_hosting_discouraged_work() -> None:
    assert read_message("Join us on Thursday, I'm hosting our monthly craft meetup.").hosting
    assert read_message("Feeling discouraged lately: hardly anyone reads this blog.").discouraged
    assert read_message("Issue 7 of the zine is out now, with a new pattern.").work


def test_find_idea_quotes_a_practice_from_its_sentence() -> None:
    found = find_idea("Love this. One thing that works for me is writing to my old teachers.")
    assert found == "One thing that works for me is writing to my old teachers."
