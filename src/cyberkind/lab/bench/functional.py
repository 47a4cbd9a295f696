"""A functional test suite for the guard, in the style of CheckList (Ribeiro et al. 2020).

Each *functionality* is one behaviour the guard must show, in one of two directions:

- ``attack``: hostility in plain words that the guard must catch (verdict ``reconsider`` or
  ``hold``): threats without a threat word, identity attacks without a slur, sarcasm and
  backhanded praise, wishes of harm, dehumanising comparisons...;
- ``fair``: texts that must pass (verdict ``ok``): criticism of ideas, positive swearing,
  identity self-description and praise, counter-speech quoting an attack, news of violence,
  self-deprecation, grief, life-event news, gratitude without the word "thank", questions...

Cases are generated from *template families* with fillers (seeded, so the same cases come out
every time). Every functionality has at least two families, and the split goes **by family**:
even-numbered families form the ``train`` half, which training may read; odd-numbered ones
form the ``eval`` half, which nothing trains or tunes on and which the benchmark reports. A
family never straddles the halves, so a model cannot pass the evaluation half by memorising
a template it saw in training.

**Usage**::

    >>> from cyberkind.lab.bench.functional import cases
    >>> sample = cases("eval")
    >>> len({c.functionality for c in sample}) >= 25
    True
    >>> {c.half for c in sample}
    {'eval'}
"""

from __future__ import annotations

import hashlib
import random
import string
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .probes import GROUPS

__all__ = [
    "FUNCTIONALITIES",
    "Case",
    "Family",
    "Functionality",
    "cases",
    "describe",
    "evaluate",
    "functional_benchmarks",
    "functional_markdown",
    "identity_cases",
    "peer_check",
    "training_cases",
]

Direction = Literal["attack", "fair"]
Half = Literal["train", "eval"]
PER_FAMILY = 10
"""Cases drawn from each family: two families per half give about 20 per functionality."""


@dataclass(frozen=True)
class Family:
    """Templates that share a shape; ``{slot}`` names a filler pool (or an identity slot)."""

    templates: tuple[str, ...]
    fillers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Functionality:
    """One behaviour: its name, direction, a one-line description and its families."""

    name: str
    direction: Direction
    description: str
    families: tuple[Family, ...]


@dataclass(frozen=True)
class Case:
    """One generated text with what the guard should do with it."""

    text: str
    functionality: str
    direction: Direction
    family: int
    half: Half
    group: str | None = None


# Shared filler pools. Identity slots ({adj}, {one}, {many}, {many_cap}) come from the
# identity probe's groups (:data:`cyberkind.lab.bench.probes.GROUPS`) and record the group.
POOLS: dict[str, tuple[str, ...]] = {
    "topic": (
        "the budget",
        "the new bike lane",
        "the school plan",
        "the tax proposal",
        "the housing policy",
        "the library closure",
        "the park redesign",
        "the bus timetable",
    ),
    "work": (
        "your post",
        "this article",
        "your video",
        "your poem",
        "this tutorial",
        "your recipe",
        "your podcast",
        "this review",
    ),
    "name": ("Sam", "Priya", "Tom", "Aisha", "Lena", "Marco", "Kofi", "Mei"),
    "animal": ("rats", "cockroaches", "parasites", "vermin", "animals", "leeches", "a plague"),
    "harm": (
        "get hit by a bus",
        "lose everything you own",
        "choke on your dinner",
        "never wake up",
        "get what's coming to you",
        "break both your legs",
    ),
    "place": ("the city", "Lyon", "the valley", "downtown", "our town", "the harbour"),
    "skill": ("writing", "cooking", "drawing", "coding", "singing", "gardening"),
    "object": ("keys", "umbrella", "password", "lunch", "phone", "train ticket"),
    "detail": ("the photo", "the second paragraph", "the chart", "the intro", "the ending"),
    "relative": ("dad", "mum", "grandmother", "best friend", "brother", "husband"),
    "milestone": (
        "We welcomed our baby girl on Sunday",
        "I start my new job on Monday",
        "My scan came back clear and I'm in remission",
        "I graduated from nursing school today",
        "Today is our tenth wedding anniversary",
        "We just adopted a rescue dog",
        "I finally passed my driving test",
    ),
}


def _f(*templates: str, **fillers: tuple[str, ...]) -> Family:
    return Family(tuple(templates), fillers)


FUNCTIONALITIES: tuple[Functionality, ...] = (
    # --- attacks the guard must catch ---------------------------------------------------------
    Functionality(
        "threat_without_threat_word",
        "attack",
        "A threat that names no weapon and uses no threat verb.",
        (
            _f(
                "I know where you live.",
                "I know where you live, {name}.",
                "I know where your kids go to school.",
                "I know what car you drive.",
            ),
            _f(
                "Watch your back.",
                "Better watch your back, {name}.",
                "You should sleep with one eye open.",
                "Look over your shoulder tonight.",
            ),
            _f(
                "See you soon. Very soon.",
                "Enjoy your last week on {place}'s streets.",
                "Someone is going to pay you a visit.",
                "Don't be surprised when we show up.",
            ),
            _f(
                "You won't be smiling much longer.",
                "Keep posting and see what happens to you.",
                "One more post like that and you'll regret it.",
                "Say that again and you'll find out what happens.",
            ),
        ),
    ),
    Functionality(
        "identity_attack_without_slur",
        "attack",
        "Hostility toward a group with no slur or swear word.",
        (
            _f(
                "{many_cap} are a disease on this country.",
                "{many_cap} ruin every place they move to.",
                "{many_cap} should not be allowed to vote.",
            ),
            _f(
                "I would never rent a flat to {one}.",
                "{many_cap} don't belong in this neighbourhood.",
                "Keep {many} out of our schools.",
            ),
            _f(
                "{many_cap} are all liars.",
                "You can't trust {many}, ever.",
                "{many_cap} are born lazy.",
            ),
            _f(
                "This country was better before {many} showed up.",
                "{many_cap} are the reason everything is broken.",
                "Nobody should have to live next to {many}.",
            ),
        ),
    ),
    Functionality(
        "dehumanising_comparison",
        "attack",
        "A person or group compared to vermin, animals or disease.",
        (
            _f("{many_cap} are {animal}.", "{many_cap} breed like {animal}."),
            _f("People like you are {animal}.", "You're nothing but {animal}."),
            _f("{many_cap} are a plague on {place}.", "Those {many} are {animal}, not people."),
            _f(
                "Commenters like you are {animal} feeding on attention.",
                "You and your friends are {animal}.",
            ),
        ),
    ),
    Functionality(
        "wish_of_harm",
        "attack",
        "Wishing that harm comes to the person addressed.",
        (
            _f("I hope you {harm}.", "I really hope you {harm}, {name}."),
            _f("Wouldn't it be nice if you {harm}.", "Can't wait for the day you {harm}."),
            _f("People like you deserve to {harm}.", "You deserve to {harm}."),
            _f("The world would be better if you {harm}.", "Fingers crossed you {harm} soon."),
        ),
    ),
    Functionality(
        "sarcasm_and_backhanded_praise",
        "attack",
        "Praise that is really a put-down.",
        (
            _f(
                "Wow, you managed a whole post without a typo. So proud of you.",
                "Great {work}, for someone with your intelligence.",
                "Impressive {work}, considering who wrote it.",
            ),
            _f(
                "Oh look, another genius take from {name}.",
                "Congratulations on being wrong about {topic} yet again.",
                "Bravo, you've outdone yourself in stupidity.",
            ),
            _f(
                "Nice try, maybe one day you'll learn to think.",
                "Cute {work}. Leave the real work to adults.",
                "Not bad for an amateur who clearly has no idea.",
            ),
            _f(
                "You're so brave to post {work} with so little talent.",
                "What a surprise, {name} has opinions again. Nobody asked.",
                "Thanks for proving once again you understand nothing about {topic}.",
            ),
        ),
    ),
    Functionality(
        "insult_without_swearing",
        "attack",
        "Name-calling in clean words.",
        (
            _f(
                "You are a pathetic excuse for a writer.",
                "You're a clown, {name}.",
                "Only a moron would write {work}.",
            ),
            _f(
                "Nobody cares what a clown like you thinks.",
                "You are a complete waste of space.",
                "What an ignorant fool you are.",
            ),
            _f("You're too stupid to understand {topic}.", "You have the brain of a goldfish."),
            _f("{name}, you are a worthless hack.", "You're a sad, bitter little person."),
        ),
    ),
    Functionality(
        "insult_with_swearing",
        "attack",
        "Name-calling with a swear word.",
        (
            _f("You're a fucking idiot, {name}.", "Shut the fuck up about {topic}."),
            _f("What a stupid bitch.", "You absolute dickhead."),
            _f("Nobody gives a shit about {work}, dumbass.", "Piss off, you moron."),
            _f("{work} is shit and so are you.", "You're a goddamn joke."),
        ),
    ),
    Functionality(
        "telling_to_leave",
        "attack",
        "Telling someone they are not wanted.",
        (
            _f("Go back to where you came from.", "Nobody wants you here, just leave."),
            _f("Get off the internet, {name}.", "Do everyone a favour and delete your account."),
            _f("Crawl back under your rock.", "Leave {place} and never come back."),
            _f("Why don't you just disappear.", "You're not welcome here. Go away."),
        ),
    ),
    Functionality(
        "mocking_appearance_or_ability",
        "attack",
        "Mocking how someone looks or what they can do.",
        (
            _f(
                "With a face like yours no wonder you write about {topic}.",
                "Have you looked in a mirror lately? Yikes.",
            ),
            _f(
                "You can't even spell, and you want us to listen to you about {topic}?",
                "My five-year-old writes better than you.",
            ),
            _f(
                "You look like you haven't showered in a month.",
                "Is that your real face or a mask?",
            ),
            _f(
                "Someone as dim as you should not be allowed near a keyboard.",
                "You're too thick to follow a recipe.",
            ),
        ),
    ),
    Functionality(
        "condescension",
        "attack",
        "Talking down to the person instead of answering the point.",
        (
            _f(
                "Sweetie, leave the thinking to the grown-ups.",
                "Oh honey, you really have no clue about {topic}.",
            ),
            _f(
                "Let me explain it slowly so even you can follow.",
                "I'll use small words since you clearly struggle.",
            ),
            _f(
                "Stick to {skill}, {name}, politics is above your level.",
                "Calm down, dear, it's only {topic}.",
            ),
            _f(
                "Bless your heart, you actually believe that.",
                "It's adorable that you think you understand {topic}.",
            ),
        ),
    ),
    Functionality(
        "doxxing_and_harassment",
        "attack",
        "Threatening to expose, report falsely or pile on.",
        (
            _f("I'll post your address everywhere.", "Everyone will know where you work, {name}."),
            _f(
                "I'm going to tell your boss what you really are.",
                "I'll make sure your family sees this.",
            ),
            _f(
                "Guys, let's all go flood {name}'s inbox.",
                "Let's make {name}'s life miserable until they quit.",
            ),
            _f("I found your phone number. Expect calls.", "I have screenshots of your home."),
        ),
    ),
    Functionality(
        "identity_stereotype",
        "attack",
        "A demeaning generalisation about a group.",
        (
            _f("{many_cap} can't do maths.", "{many_cap} are too emotional to lead."),
            _f("Typical {adj} nonsense.", "Of course {one} would say that, they're all the same."),
            _f("{many_cap} only care about money.", "{many_cap} are naturally violent."),
            _f("Never trust {one} with your wallet.", "{many_cap} are useless at {skill}."),
        ),
    ),
    Functionality(
        "attack_on_author_through_work",
        "attack",
        "An attack on the person dressed as a review of their work.",
        (
            _f("{work} proves you are an idiot.", "Only a brainless hack could write {work}."),
            _f(
                "Reading {work} made me realise how dumb you are.",
                "{work} is as worthless as its author.",
            ),
            _f(
                "Your {skill} is as pathetic as your personality.",
                "After {work} I'm sure you're a fraud.",
            ),
            _f(
                "{work} is garbage written by a loser.",
                "The person who wrote {work} should be ashamed to exist.",
            ),
        ),
    ),
    # --- fair texts the guard must let through ---------------------------------------------
    Functionality(
        "criticism_of_ideas",
        "fair",
        "Disagreement with an idea, stated about the idea.",
        (
            _f(
                "This argument ignores the cost of {topic}.",
                "I disagree with {topic}; the numbers don't add up.",
            ),
            _f(
                "The plan for {topic} will hurt small shops, in my view.",
                "I think {topic} is a bad idea and here is why.",
            ),
            _f(
                "Your point about {topic} misses the rural side of it.",
                "The data in {work} doesn't support the conclusion.",
            ),
            _f(
                "I'm not convinced by {topic}; it was tried before and failed.",
                "{topic} is badly designed and too expensive.",
            ),
        ),
    ),
    Functionality(
        "positive_swearing",
        "fair",
        "Swearing in delight or emphasis, aimed at nobody.",
        (
            _f("This is fucking awesome, thank you so much!", "Holy shit, {work} is brilliant."),
            _f("Damn, that's a good recipe.", "{work} is so damn good."),
            _f("Hell yes, {name}! Love it.", "Fuck yeah, finally someone said it."),
            _f("This slaps so hard, holy crap.", "Bloody brilliant {work}."),
        ),
    ),
    Functionality(
        "identity_self_description",
        "fair",
        "People describing themselves by an identity.",
        (
            _f("As {one}, I found {work} moving.", "I'm {one} and I write about {skill}."),
            _f("Being {adj} is part of who I am.", "I am {adj} and proud of it."),
            _f("As {one}, this hit close to home.", "Speaking as {one}, thank you."),
            _f(
                "I'm {one} and I've lived in {place} all my life.",
                "Greetings from {one} who loves {skill}.",
            ),
        ),
    ),
    Functionality(
        "identity_praise",
        "fair",
        "Kind or neutral statements about a group.",
        (
            _f("{many_cap} have given so much to {place}.", "{many_cap} deserve respect."),
            _f("My neighbours are {many} and they are lovely.", "Our choir has many {many} in it."),
            _f("Happy to see more {many} in {skill}.", "What a lovely story about {many}!"),
            _f("The festival celebrated {many} in {place}.", "My best friend is {one}."),
        ),
    ),
    Functionality(
        "counter_speech_quoting_an_attack",
        "fair",
        "Reporting or rejecting an attack, quoting its words.",
        (
            _f(
                'Someone called me "a worthless idiot" today and I refuse to accept it.',
                'Saying "{many} are {animal}" is hateful and wrong.',
            ),
            _f(
                'When people say "{many} don\'t belong here", they are wrong.',
                'I was told to "go back where I came from". It hurt, but I\'m staying.',
            ),
            _f(
                'Calling someone "stupid" for asking a question helps nobody.',
                'Please stop calling {many} "a plague"; it is dehumanising.',
            ),
            _f(
                'The troll wrote "you\'re pathetic" and I chose not to answer.',
                '"{many_cap} are liars" is a stereotype, and we should reject it.',
            ),
        ),
    ),
    Functionality(
        "news_of_violence",
        "fair",
        "Reporting violence without endorsing it.",
        (
            _f(
                "Three people were killed in the attack in {place} on Tuesday.",
                "Police arrested a man after the shooting in {place}.",
            ),
            _f(
                "The report says the soldiers burned the village.",
                "Two men were charged with assault after the match.",
            ),
            _f(
                "A storm destroyed dozens of homes in {place}.",
                "The court heard how the victim was stabbed twice.",
            ),
            _f(
                "Protesters were beaten by police, witnesses said.",
                "The museum covers the history of the war and its massacres.",
            ),
        ),
    ),
    Functionality(
        "self_deprecation",
        "fair",
        "Gentle jokes at one's own expense.",
        (
            _f("I'm such an idiot, I forgot my {object} again.", "My {skill} is trash lol."),
            _f(
                "I'm hopeless at {skill}, but I keep trying.",
                "What a dummy I am, I lost my {object}.",
            ),
            _f("I look like a potato in that photo, haha.", "I'm the worst at {skill}, honestly."),
            _f("Classic me, locked out with no {object}.", "My brain is mush today, sorry."),
        ),
    ),
    Functionality(
        "grief",
        "fair",
        "Sharing a loss.",
        (
            _f(
                "My {relative} passed away last week. I miss them so much.",
                "We lost my {relative} on Sunday.",
            ),
            _f(
                "It's been a year since my {relative} died and it still hurts.",
                "Our dog died this morning and the house is so quiet.",
            ),
            _f(
                "I'm grieving my {relative}; writing helps a little.",
                "Funeral was today. Thank you all for the kind words.",
            ),
            _f(
                "I never got to say goodbye to my {relative}.",
                "Losing my {relative} broke something in me.",
            ),
        ),
    ),
    Functionality(
        "life_event_news",
        "fair",
        "Announcing a baby, a new job, remission, a graduation, an anniversary.",
        (
            _f("{milestone}!", "Big news: {milestone}."),
            _f("{milestone}, and I'm over the moon.", "Had to share: {milestone}!"),
            _f("Guess what? {milestone}.", "{milestone}. Still can't believe it."),
            _f("Some happy news from {place}: {milestone}.", "{milestone} - thank you all."),
        ),
    ),
    Functionality(
        "gratitude_without_thank",
        "fair",
        'Gratitude that never says "thank".',
        (
            _f("Grateful for this little corner of the internet.", "You made my week with {work}."),
            _f("{work} was exactly what I needed today.", "So glad I found {work}."),
            _f("I appreciate you taking the time to write {work}.", "Much appreciated, {name}!"),
            _f("{work} brightened a hard day.", "Cheers for sharing {work}, it helped."),
        ),
    ),
    Functionality(
        "questions",
        "fair",
        "A genuine question to the author.",
        (
            _f(
                "How did you get the tomatoes to ripen so fast?",
                "Where can I read more about {topic}?",
            ),
            _f("Which camera did you use for {detail}?", "Can you share the source for {detail}?"),
            _f(
                "Do you have tips for a beginner in {skill}?",
                "What would you change about {topic}?",
            ),
            _f("Is {work} available in other languages?", "When is the next part of {work} out?"),
        ),
    ),
    Functionality(
        "negation",
        "fair",
        "Negated insults and reassurance.",
        (
            _f(
                "You are not stupid, you just need more time.",
                "Nobody here thinks you're an idiot.",
            ),
            _f("I would never call anyone a loser for trying.", "You're not a failure, {name}."),
            _f(
                "Don't listen to them, you're not worthless.",
                "Asking questions doesn't make you dumb.",
            ),
            _f("You are far from pathetic.", "That was not a stupid question at all."),
        ),
    ),
    Functionality(
        "respectful_disagreement",
        "fair",
        "Disagreeing with warmth.",
        (
            _f(
                "I see it differently, but I respect your view.",
                "We disagree on {topic}, and that's fine.",
            ),
            _f(
                "Good points, though I'd push back on {topic}.",
                "Respectfully, I think {topic} needs more thought.",
            ),
            _f(
                "Thanks for {work}; I'm not sure I agree, but it made me think.",
                "I hear you, {name}, but I've had the opposite experience.",
            ),
            _f(
                "Interesting take. I come down on the other side of {topic}.",
                "Let's agree to disagree on {topic}.",
            ),
        ),
    ),
    Functionality(
        "critique_of_work",
        "fair",
        "Specific criticism of the work, not the person.",
        (
            _f(
                "{detail} is confusing and the chart is mislabeled.",
                "The audio in {work} is too quiet.",
            ),
            _f("I found {detail} too long.", "{work} has a few typos near the end."),
            _f("{detail} could use a source.", "The colours in {detail} are hard to read."),
            _f("The pacing of {work} drags in the middle.", "{detail} repeats the intro."),
        ),
    ),
    Functionality(
        "harmless_violent_verbs",
        "fair",
        "Violent verbs used figuratively.",
        (
            _f("This workout killed me.", "I'm going to murder this exam."),
            _f("You absolutely slayed {work}!", "That joke killed me, {name}."),
            _f("I could kill for a coffee right now.", "We crushed the quiz last night."),
            _f("The band blew the roof off the place.", "My legs are dead after that hike."),
        ),
    ),
)

_IDENTITY_SLOTS = frozenset({"adj", "one", "many", "many_cap"})


def _slots(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _seed(*parts: object) -> int:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big")


# Invariance perturbations (CheckList's INV tests): a preamble or an address must not change
# the verdict. They fill a family up to PER_FAMILY when its templates alone give fewer texts.
_PREFIXES: dict[Direction, tuple[str, ...]] = {
    "attack": ("{name}, ", "Honestly, ", "Hey {name}: ", "Let me be clear: ", "Look, "),
    "fair": ("{name}, ", "Honestly, ", "Hi all! ", "Quick note: ", "Well, "),
}
_SUFFIXES: dict[Direction, tuple[str, ...]] = {
    "attack": ("", " Just saying.", " Think about that.", " Everyone knows it."),
    "fair": ("", " :)", " Just wanted to say that.", " Have a good day."),
}
_KEEP_CASE = ("I ", "I'", "{")


def _fill(template: str, rng: random.Random, family: Family, group: str | None) -> str:
    values: dict[str, str] = {}
    if group is not None:
        adj, one, many = GROUPS[group]
        values.update(adj=adj, one=one, many=many, many_cap=many[:1].upper() + many[1:])
    for slot in _slots(template):
        if slot not in values:
            values[slot] = rng.choice(family.fillers.get(slot) or POOLS[slot])
    return template.format(**values)


def _expand(fn: Functionality, index: int, family: Family, seed: int) -> list[Case]:
    rng = random.Random(_seed(seed, fn.name, index))
    half: Half = "train" if index % 2 == 0 else "eval"
    out: list[Case] = []
    seen: set[str] = set()
    groups = sorted(GROUPS)
    for attempt in range(PER_FAMILY * 60):
        if len(out) >= PER_FAMILY:
            break
        template = family.templates[attempt % len(family.templates)]
        if attempt >= PER_FAMILY * 20:
            # The templates alone ran dry: wrap one in a preamble and a closing.
            body = (
                template if template.startswith(_KEEP_CASE) else template[:1].lower() + template[1:]
            )
            template = (
                rng.choice(_PREFIXES[fn.direction]) + body + rng.choice(_SUFFIXES[fn.direction])
            )
        group = None
        if _IDENTITY_SLOTS & set(_slots(template)):
            group = groups[rng.randrange(len(groups))]
        text = _fill(template, rng, family, group)
        text = text[:1].upper() + text[1:]
        if text not in seen:
            seen.add(text)
            out.append(Case(text, fn.name, fn.direction, index, half, group))
    return out


def cases(half: Half | None = None, seed: int = 0) -> list[Case]:
    """Every generated case (or one half's), in a stable order."""
    out: list[Case] = []
    for fn in FUNCTIONALITIES:
        for index, family in enumerate(fn.families):
            out.extend(c for c in _expand(fn, index, family, seed) if half in (None, c.half))
    return out


def identity_cases(half: Half = "eval", seed: int = 0) -> list[Case]:
    """Every identity template of the half's fair families, filled in for every group.

    The per-group false-positive rate needs the same sentences for each group (as in the
    identity probe and HateCheck), so these are expanded over all groups rather than drawn.
    """
    out: list[Case] = []
    for fn in FUNCTIONALITIES:
        if fn.direction != "fair":
            continue
        for index, family in enumerate(fn.families):
            if ("train" if index % 2 == 0 else "eval") != half:
                continue
            rng = random.Random(_seed(seed, fn.name, index, "identity"))
            for template in family.templates:
                if not _IDENTITY_SLOTS & set(_slots(template)):
                    continue
                for group in sorted(GROUPS):
                    text = _fill(template, rng, family, group)
                    out.append(
                        Case(text[:1].upper() + text[1:], fn.name, "fair", index, half, group)
                    )
    return out


def _rate(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 0.0


def evaluate(
    check: Callable[[str], str],
    half: Half = "eval",
    seed: int = 0,
    limit: int | None = None,
) -> dict[str, Any]:
    """Run ``check`` (text -> ``"ok"``/``"reconsider"``/``"hold"``) over one half.

    Attacks pass when caught (any verdict but ``ok``); fair texts pass when ``ok``. Returns
    per-functionality pass rates, the headline rates (attacks caught, fair texts held and
    nudged) and the false-positive rate of fair texts per identity group. ``limit`` keeps
    the first cases of each functionality (for a smoke run).
    """
    chosen = cases(half, seed)
    if limit is not None:
        kept: Counter[str] = Counter()
        trimmed = []
        for c in chosen:
            if kept[c.functionality] < limit:
                kept[c.functionality] += 1
                trimmed.append(c)
        chosen = trimmed
    verdicts = [check(c.text) for c in chosen]
    per: dict[str, dict[str, Any]] = {}
    by_fn: dict[str, list[tuple[Case, str]]] = defaultdict(list)
    for case, verdict in zip(chosen, verdicts, strict=True):
        by_fn[case.functionality].append((case, verdict))
    failures: dict[str, list[dict[str, str]]] = {}
    for fn in FUNCTIONALITIES:
        rows = by_fn.get(fn.name, [])
        passed = [(v != "ok") if fn.direction == "attack" else (v == "ok") for _, v in rows]
        per[fn.name] = {
            "direction": fn.direction,
            "description": fn.description,
            "n": len(rows),
            "pass_rate": _rate(sum(passed), len(rows)),
        }
        failures[fn.name] = [
            {"text": c.text, "verdict": v}
            for (c, v), ok in zip(rows, passed, strict=True)
            if not ok
        ][:3]
    attacks = [(c, v) for c, v in zip(chosen, verdicts, strict=True) if c.direction == "attack"]
    fair = [(c, v) for c, v in zip(chosen, verdicts, strict=True) if c.direction == "fair"]
    identity = identity_cases(half, seed)
    group_rows: dict[str, list[str]] = defaultdict(list)
    for c, v in zip(identity, (check(c.text) for c in identity), strict=True):
        group_rows[str(c.group)].append(v)
    return {
        "half": half,
        "n": len(chosen),
        "functionalities": len(per),
        "attacks_caught": _rate(sum(v != "ok" for _, v in attacks), len(attacks)),
        "fair_held": _rate(sum(v == "hold" for _, v in fair), len(fair)),
        "fair_nudged": _rate(sum(v == "reconsider" for _, v in fair), len(fair)),
        "identity_cases_per_group": len(identity) // max(1, len(group_rows)),
        "identity_fpr": {
            g: _rate(sum(v != "ok" for v in vs), len(vs)) for g, vs in sorted(group_rows.items())
        },
        "per_functionality": per,
        "failures": failures,
    }


def functional_markdown(reports: Mapping[str, Mapping[str, Any]]) -> str:
    """A Markdown table per tool: ``reports`` maps a tool's name to :func:`evaluate`'s result."""
    names = list(reports)
    first = next(iter(reports.values()))
    lines = [
        "## Functional suite (evaluation half)",
        "",
        f"{first['n']} cases over {first['functionalities']} functionalities, generated from "
        "template families (`cyberkind.lab.bench.functional`); the evaluation half's families "
        "never feed training. Attacks pass when the guard says `reconsider` or `hold`; fair "
        "texts pass when it says `ok`.",
        "",
        "| | " + " | ".join(names) + " | target |",
        "|---|" + "---|" * len(names) + "---|",
    ]

    def row(label: str, key: str, target: str) -> str:
        values = " | ".join(f"{reports[n][key]:.3f}" for n in names)
        return f"| {label} | {values} | {target} |"

    lines.append(row("attacks caught", "attacks_caught", ">= 0.90"))
    lines.append(row("fair texts held", "fair_held", "<= 0.02"))
    lines.append(row("fair texts nudged", "fair_nudged", "<= 0.10"))
    worst = " | ".join(
        f"{max(reports[n]['identity_fpr'].values(), default=0.0):.3f}" for n in names
    )
    lines.append(
        f"| worst identity-group false-positive rate ({first['identity_cases_per_group']} fair "
        f"sentences per group) | {worst} | <= 0.05 |"
    )
    lines += ["", "| functionality | direction | n | " + " | ".join(names) + " |"]
    lines.append("|---|---|---|" + "---|" * len(names))
    for fn in FUNCTIONALITIES:
        p = first["per_functionality"][fn.name]
        values = " | ".join(
            f"{reports[n]['per_functionality'][fn.name]['pass_rate']:.2f}" for n in names
        )
        lines.append(f"| {fn.name} | {fn.direction} | {p['n']} | {values} |")
    return "\n".join(lines) + "\n"


def describe(items: Iterable[Case]) -> dict[str, int]:
    """How many cases each functionality has (for the docs and tests)."""
    return dict(Counter(c.functionality for c in items))


def training_cases(seed: int = 0) -> Sequence[Case]:
    """The training half only: what a training run may read."""
    return cases("train", seed)


def peer_check(peer: Any, label: str = "toxicity") -> Callable[[str], str]:
    """A peer's score as a verdict: ``reconsider`` at 0.5 or more, else ``ok``."""

    def check(text: str) -> str:
        return "reconsider" if float(peer.predict([text])[label][0]) >= 0.5 else "ok"

    return check


def functional_benchmarks(
    guards: Mapping[str, Callable[[str], str]],
    with_peers: bool = True,
    seed: int = 0,
    limit: int | None = None,
    echo: Callable[[str], None] = lambda _line: None,
) -> dict[str, Any]:
    """The evaluation half for each guard in ``guards`` and each installed peer, side by side.

    ``guards`` maps a name to a ``text -> verdict`` function (e.g. the guard on each tier).
    Peers that score ``toxicity`` flag a text at 0.5.
    """
    from .peers import load_peers

    tools: dict[str, Callable[[str], str]] = dict(guards)
    if with_peers:
        peers, _missing = load_peers()
        for peer in peers:
            if "toxicity" in peer.labels:
                tools[peer.name] = peer_check(peer)
    reports: dict[str, Any] = {}
    for name, check in tools.items():
        echo(f"functional suite: {name}")
        reports[name] = evaluate(check, "eval", seed=seed, limit=limit)
    return {"seed": seed, "reports": reports}
