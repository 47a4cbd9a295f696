"""The reading of one message (cyberkind.triage), on examples written for these tests."""

from __future__ import annotations

import pytest

from cyberkind.triage import crisis_reason, find_idea, read_message


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


# -- round 2: readings written for these tests, in words of their own -------------------------


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Honestly? I don't see the point of going on any more.", "crisis"),
        ("My family would be happier without me, I think.", "crisis"),
        ("I've been giving away my books and wrote some goodbye letters.", "crisis"),
        ("I keep wishing I could just stop existing.", "crisis"),
        ("I'm barely holding it together since the layoff.", "distress"),
        ("Everything feels grey lately and the days blur.", "distress"),
        ("Work has been crushing me and I have too much on my plate.", "distress"),
        ("It's our first Christmas without her.", "distress"),
        ("We scattered his ashes by the lake on Sunday.", "distress"),
        ("My worry is that notes on cars feel intrusive to some drivers.", "criticism"),
        ("This glosses over people who can't afford to give anything.", "criticism"),
        ("Nice in theory, but landlords won't care about a smile.", "criticism"),
        ("Not your worst post, I'll admit.", "criticism"),
        ("Almost insightful this time.", "criticism"),
        ("Cute list if you have that much spare time.", "criticism"),
        ("What if readers each left one kind review for a tiny local shop?", "idea"),
        ("Have you thought about leaving thank-you cards for the bin crew?", "idea"),
        ("At our school, we take turns writing notes for the dinner ladies.", "idea"),
        ("She said yes! We're engaged after ten years.", "news"),
        ("We just moved into our first house with a garden!", "news"),
        ("Three years smoke-free as of today.", "news"),
    ],
)
def test_round_two_readings(text: str, field: str) -> None:
    assert getattr(read_message(text), field)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("I don't see the point of this paragraph, but the rest is great.", "crisis"),
        ("Thanks for the list, I tried number three with my neighbour.", "criticism"),
        ("Who took that gorgeous photo of the harbour?", "question"),
        ("Thank you, this cheered up a grey afternoon.", "distress"),
        ("Any tips for visiting lonely neighbours over the winter?", "distress"),
        ("Do you have a post on starting a little free library?", "idea"),
    ],
)
def test_round_two_non_readings(text: str, field: str) -> None:
    assert not getattr(read_message(text), field)


def test_reading_heads_for_disagreement_and_backhanded_praise() -> None:
    plain = "The list was fine."
    assert not read_message(plain).criticism  # the fast tier: no heads, no reading
    disapproves = {"goemotions:disapproval": 0.45, "goemotions:annoyance": 0.1}
    assert read_message(plain, disapproves).criticism
    # Warm praise of a detail, read by the real reading tier's numbers, is not criticism.
    warm = {"goemotions:disapproval": 0.0, "goemotions:annoyance": 0.01,
            "goemotions:admiration": 0.35, "target:ad_hominem": 0.39}  # fmt: skip
    assert not read_message("Lovely list. Number seven made me laugh out loud.", warm).criticism
    grateful = {**disapproves, "gratitude": 0.9}
    assert not read_message(plain, grateful).criticism


def test_the_ad_hominem_head_and_grief_words() -> None:
    attack = {"target:ad_hominem": 0.9, "target:individual": 0.9, "toxicity": 0.5,
              "personal_attack": 0.3}  # fmt: skip
    assert read_message("That writer should stick to knitting.", attack).hostile
    # Naming a person is not attacking one: the individual head alone is not enough.
    named = {**attack, "target:ad_hominem": 0.2}
    assert not read_message("That writer should stick to knitting.", named).hostile
    # Negativity in a message about a loss reads the pain, not an attack.
    grief = {**attack, "threat": 0.8}
    assert not read_message("My brother died last week, hit by a van.", grief).hostile
    # Criticism of the work needs a stronger attack to be one.
    assert not read_message("Not your worst post, I'll admit.", attack).hostile


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("How about a swap shelf for outgrown school shoes?", "idea"),
        ("What if the library lent out board games to lonely neighbours?", "idea"),
        ("Something that works for us is a shared lunch with the new starters.", "idea"),
        ("One thing I started doing is learning the names of the bus drivers.", "idea"),
        ("Your idea with the coloured ribbons is genius.", "praised"),
        ("I've been clean for two years this week.", "news"),
        ("Our choir raised 1,200 pounds for the food bank!", "news"),
        ("Our street won the town's best-kept garden award!", "news"),
        ("Burnt out, and honestly ashamed of it.", "distress"),
        ("The landlord is evicting us in January.", "distress"),
        ("I think Tuesday is the wrong day for the meetup.", "criticism"),
        ("Handing out cakes could be seen as a bit pushy.", "criticism"),
        ("Real bakers would never use a mix.", "criticism"),
        ("Lovely route if you enjoy getting lost.", "criticism"),
        ("Surprise parcels can easily frighten older neighbours.", "criticism"),
        ("Funny how a blog this small gets any comments at all.", "criticism"),
        ("Typical do-gooder stuff.", "hostile"),
        ("What an awful person you must be.", "hostile"),
    ],
)
def test_round_three_readings(text: str, field: str) -> None:
    assert getattr(read_message(text), field)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("What if the server crashes during the chat?", "idea"),
        ("How about the old bridge, is it open again?", "idea"),
        ("How about a swap shelf for outgrown school shoes?", "question"),
        ("One thing I started doing is learning the names of the bus drivers.", "news"),
        ("I'm a terrible person for forgetting your birthday!", "hostile"),
        ("I always forget my keys.", "idea"),
        ("Amazing how this little post gets so many people helping each other!", "criticism"),
        ("The fireworks may scare the dogs, so we'll walk them early.", "criticism"),
    ],
)
def test_round_three_non_readings(text: str, field: str) -> None:
    assert not getattr(read_message(text), field)


@pytest.mark.parametrize(
    "text",
    [
        "I stood on the bridge last night and thought about jumping.",
        "I'm saying goodbye to everyone here. Thank you for everything.",
        "Suicide feels like the only way out.",
        "I don't think I want to be alive anymore.",
        "I've left letters for my kids in case I don't make it through the weekend.",
    ],
)
def test_crisis_statements_in_words(text: str) -> None:
    assert crisis_reason(text, {}, {}) == "an indirect crisis statement"


@pytest.mark.parametrize(
    "text",
    [
        "I'm saying goodbye to everyone here: I'm moving to my new blog, find me there!",
        "Take the map in case I don't make it to the station on time.",
        "The bridge walk was lovely, we stood on the bridge for ages.",
    ],
)
def test_not_crisis_statements(text: str) -> None:
    assert crisis_reason(text, {}, {}) == ""


def test_a_moderate_crisis_label_needs_no_other_reading() -> None:
    th = {"crisis": 0.44}
    # The label alone, with nothing else read: a crisis.
    assert crisis_reason("Everything is grey.", {"crisis": 0.6}, th) == "crisis 0.60 >= 0.44"
    # News, spam and trolling explain a moderate score; distress never does.
    assert crisis_reason("I've been sober for one year today.", {"crisis": 0.7}, th) == ""
    assert crisis_reason("Lose 20 pounds fast http://slim.example", {"crisis": 0.6}, th) == ""
    assert crisis_reason("Shut up, nobody asked.", {"crisis": 0.5}, th) == ""
    lonely = "I've been so lonely since moving here."
    assert crisis_reason(lonely, {"crisis": 0.6}, th) == "crisis 0.60 >= 0.44"
    # A sure label decides alone; below the threshold nothing fires.
    assert crisis_reason("I've been sober for a year.", {"crisis": 0.95}, th).startswith("crisis")
    assert crisis_reason("Everything is grey.", {"crisis": 0.3}, th) == ""


def test_warm_words_need_the_offence_head_for_an_attack() -> None:
    text = "Idea: leave a note in a library book for the next reader."
    scores = {"target:ad_hominem": 0.99, "personal_attack": 0.98, "insult": 0.75,
              "toxicity": 0.94, "tweeteval:offensive": 0.3}  # fmt: skip
    assert read_message(text, scores).hostile == ""
    assert read_message(text, {**scores, "tweeteval:offensive": 0.8}).hostile
    # Without warm words the same scores read as an attack.
    assert read_message("Leave and never come back.", scores).hostile


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        # two ordinary signs together are a crisis statement; one alone is not
        (
            "I won't be around much after this month. I've given my books away already.",
            "crisis",
            True,
        ),
        ("I won't be around for the next meeting, I'm travelling.", "crisis", False),
        ("We gave our old sofa away to the neighbours.", "crisis", False),
        ("I've written the sort of letter people leave behind.", "crisis", True),
        # hardship words about others or as a topic are not the writer's hardship
        ("Could you recommend books about feeling lonely?", "distress", False),
        ("A rota keeps the helpers from burning out.", "distress", False),
        ("Our neighbour is home after knee surgery, how do we help?", "distress", False),
        ("Bit of a rough patch lately, panic attacks are back.", "distress", True),
        ("Grandpa was diagnosed with dementia last spring.", "news", False),
        ("Two years in remission from cancer this week!", "distress", False),
        ("He died a year ago today, my dad.", "distress", True),
        # a death is grief whoever died; passing on a skill is not
        ("Kids learn fast when skills get passed on.", "distress", False),
        ("We had to put our old collie Biscuit down on Monday.", "distress", True),
        ("Where do I put my name down for Thursdays?", "distress", False),
        ("I put her down for a nap and read your post.", "distress", False),
        # trolling and criticism in more words
        ("You're such a hypocrite.", "hostile", True),
        ("Congrats on a year of talking to yourself.", "hostile", True),
        ("Fresh paint might not be safe for toddlers to touch.", "criticism", True),
        ("Nice to see you finally admit the route was too long.", "criticism", True),
        ("Kind intention, but unsigned cards can confuse residents.", "criticism", True),
    ],
)
def test_round_four_readings(text: str, field: str, expected: bool) -> None:
    assert bool(getattr(read_message(text), field)) is expected


@pytest.mark.parametrize(
    ("text", "distress"),
    [
        ("Grandpa was diagnosed with dementia last spring.", "grief"),  # their own people's
        ("Mum rang last night. Her cancer is back.", "grief"),
        ("I'm living with cancer and your blog cheers me up.", "grief"),
        ("My husband Ned was diagnosed with cancer last month.", "grief"),
        ("I'm in recovery myself, and my mum was just diagnosed with cancer.", "grief"),
        ("Since he left I've been so lonely.", "distress"),
        ("For a month I've been completely overwhelmed.", "distress"),
        ("Residents with dementia love the choir.", ""),
        ("We put our little boy down for his nap and read this.", ""),
        ("I put my lab coat down and read this.", ""),
        ("A tenner is all I can manage this month but I'm glad to give.", ""),
    ],
)
def test_whose_hardship(text: str, distress: str) -> None:
    """Hardship words about the writer or their own people count; as a topic, or someone
    else's, they do not (found by the session's review)."""
    assert read_message(text).distress == distress


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Pat yourself on the back, this was a wonderful project!", "hostile"),
        ("lol I was so sad when the little cafe closed, thank you for this post", "hostile"),
        (
            "I felt like I was talking to an empty room when I started, so this means a lot.",
            "hostile",
        ),
        ("Imagine having to spend Christmas alone. That's why we run the lunch.", "hostile"),
        ("I love writing little notes to leave behind in library books.", "crisis"),
        ("I won't be around next Sunday, I'm moving house, so I said my goodbyes.", "crisis"),
        ("We stood on the bridge to watch the fireworks. I won't be here next time.", "crisis"),
        ("I've got my meds laid out for the week, off to the coast tomorrow!", "crisis"),
        ("It's funny how a simple note has so much power.", "criticism"),
        ("So glad to see you finally back after your break!", "criticism"),
        ("After years of trying I finally learned to knit hats for the shelter.", "criticism"),
        ("The meetup clashes with my shift, sadly, but I love the idea.", "criticism"),
    ],
)
def test_kind_comments_the_new_patterns_must_not_misread(text: str, field: str) -> None:
    assert not getattr(read_message(text), field)


@pytest.mark.parametrize(
    "text",
    [
        "I've got the pills counted out on the table. I just wanted someone to know.",
        "Been quietly saying goodbye to people. Your post was the last nice thing.",
        "I don't think I'll be around much longer. I've made my peace with it.",
        "Put the guitar up for free on the village page. Won't be needing it after Sunday. "
        "Thanks for the company, everyone.",
        "Gave away my fishing gear today. Won't need any of it where I'm going.",
        "Wrote letters to my brother and my best friend and left them in the drawer. Strangely "
        "calm tonight.",
        "I've been saving up my tablets since the funeral. Sorry to put this here.",
    ],
)
def test_paired_signs_read_as_a_crisis(text: str) -> None:
    assert read_message(text).crisis


@pytest.mark.parametrize(
    "text",
    [
        "Put my old pram up for free on the group. Thank you for everything, the baby is here!",
        "Giving away my old bike, I won't be needing it now I drive.",
        "Decluttering at last: gave away my records. Won't need them in the flat.",
        "Moving to Leeds, so I'm giving away my tools. Thanks for the company over the years!",
        "Where I'm going on holiday has no wifi, so thank you for everything until August.",
        "Moving abroad: wrote notes to my neighbours and feel calmer than I've been in months.",
        "Wrote thank-you letters to my grandparents today, the kids drew on them.",
        "Picked up my meds on the way home and I feel calmer than I've been in weeks.",
    ],
)
def test_the_same_signs_with_an_ordinary_reason_are_not_a_crisis(text: str) -> None:
    assert not read_message(text).crisis


def test_a_loose_idea_needs_a_frame_but_not_kind_words() -> None:
    text = "Here's an idea: freeze soup in single portions labelled by day."
    assert find_idea(text) is None
    assert find_idea(text, loose=True) == text
    assert find_idea("The soup was lovely.", loose=True) is None


def test_an_admiring_question_is_not_an_attack_and_a_sneering_one_is() -> None:
    """The retrained reading model read 'How do you find the time...' at ad hominem 0.80 and
    toxicity 0.52; admiration needs the offence head before the scores call it an attack."""
    scores = {"target:ad_hominem": 0.8, "toxicity": 0.52, "insult": 0.46,
              "tweeteval:offensive": 0.19}  # fmt: skip
    assert not read_message("How do you find the time to write these every week?", scores).hostile
    assert read_message("What makes you think anyone wants your opinion?").hostile


@pytest.mark.parametrize(
    ("text", "idea"),
    [
        ("You could team up with the care home and drop off a crate of large-print books.",
         "You could team up"),
        ("We leave paperbacks at bus stops now. Try it!", "We leave paperbacks"),
        ("Ever thought about a story corner by the stall on Saturdays?", "Ever thought about"),
    ],
)  # fmt: skip
def test_looser_frames_of_an_idea_count_only_when_the_reader_is_sure(text: str, idea: str) -> None:
    found = find_idea(text, loose=True)
    assert found is not None and found.startswith(idea)
    assert find_idea(text) is None
    assert find_idea("Thanks so much, I love it now.", loose=True) is None


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("My partner and I split up last month; we did it together every evening.", "distress",
         "distress"),
        ("Partner moved out last week and took half the garage with her.", "distress", "distress"),
        ("Eighteen months clear of cancer as of last week's scan!", "distress", None),
        ("We did it! Passed the driving test at last.", "news", "We did it!"),
    ],
)  # fmt: skip
def test_breakups_are_hardship_and_remission_is_not(text: str, field: str, value: str) -> None:
    got = getattr(read_message(text), field)
    assert (got == value) if value is not None else not got
    assert not read_message("My partner and I split up; we did it together every evening.").news
    assert not read_message("How should I split up the weeks before the exam?").distress
    assert not read_message("I'd love him to grow up hearing some Welsh.").hostile
    assert read_message("Oh grow up. Nobody cares about your notes.").hostile
