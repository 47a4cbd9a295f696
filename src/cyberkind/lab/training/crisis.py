"""Training and evaluation data for the ``crisis`` head, built by a documented, seeded method.

No shared dataset labels suicide or self-harm risk, so the cyberkind developers wrote
one. Everything generated here is the project's own work (licence: Apache-2.0, like the
project); the real texts sampled come from the shared datasets under their own licences.

**Positives (y=1)**: first-person statements only, generated from template *families*
written by us. A template has ``<slot>``s (context, time, reason, people, ending) and
inline ``{a|b|}`` choices; each text then gets seeded casual variants: lowercase, missing
apostrophes or smart quotes, "gonna"/"wanna", a stretched letter ("soooo"), now and then a
swapped-letter typo, an emoji, no final punctuation. Families, by kind:

=================  ==============================  ======================  ======================
kind               train                           dev                     test
=================  ==============================  ======================  ======================
ideation           ideation_want_die,              ideation_not_alive      ideation_suicidal
                   ideation_thoughts
plan / intent      plan_tonight                    plan_method             plan_decided
self-harm          selfharm_cutting                selfharm_urges          selfharm_disclosure
goodbye notes      goodbye_note                    goodbye_last            goodbye_farewell
hopelessness       hopeless_burden                 hopeless_no_reason      hopeless_cant_go_on
attempts / slang   attempt_past                    slang                   attempt_recent
=================  ==============================  ======================  ======================

**Hard negatives (y=0)**, generated the same way: idioms and hyperbole with kill/die/dead
words, first-person idioms the rules must not take literally ("I cut myself shaving"),
third-person news and statistics, people we lost ("my uncle died by suicide"), prevention
and awareness talk, games/films/songs, and attacks on others ("kys", "go kill yourself":
the ``threat``/``personal_attack`` labels, not the writer's crisis).

=================  ==============================  ======================  ======================
kind               train                           dev                     test
=================  ==============================  ======================  ======================
idioms             idiom_kill, idiom_misc,         idiom_die               idiom_self
                   tech_sports
third person       news_reports, third_person_ex   news_stats              third_person_personal
prevention         prevention_hotline              prevention_awareness    prevention_support
media              media_games                     media_films             media_music_books
attacks on others  attack_kys                      attack_go_die           attack_kill_yourself
=================  ==============================  ======================  ======================

Whole families go to one split, so the test split measures how well a model (or the
rules) generalises to phrasings it never saw, not memorised templates.

**Ordinary negatives (y=0)**, sampled with the seed from real texts: dreaddit training
posts (people having a hard time, mostly not in crisis), GoEmotions texts labelled sadness
or grief, and random GoEmotions texts. Before sampling we drop every real text that matches
the explicit-crisis keyword net (:data:`KEYWORD_NET`), that the rules score high, or that we
labelled a positive in :func:`crisis_eval_real`: those may be real crises, not negatives.
Real texts are split by a stable hash of the text (:func:`cyberkind.lab.training.corpora.
hashed_split`: sha1 of the normalised text mod 10; 0 -> test, 1 -> dev, else train).

**Sizes**: 1,500 train / 300 dev / 300 test positives and four negatives per positive in
each split: 40% hard negatives (2,400 / 480 / 480) and 60% real texts, of which 30%
dreaddit, 20% GoEmotions sadness/grief and the rest other GoEmotions texts.
Texts are de-duplicated by :func:`~cyberkind.lab.training.corpora.text_key`, and a train or dev
text that also occurs in a later split is dropped.

**Known limitations**: English only. Template bias: positives are clean, short, explicit
and written by the same developers who wrote :mod:`cyberkind.classifiers.crisis_rules`, so the
rules' recall on them (0.98 at score >= 0.5 on this test split, seed 0) says little about
real posts, where a crisis is often one indirect sentence in a long post;
:func:`crisis_eval_real` is the better yardstick. Real texts the rules score high are never
sampled as negatives, so the rules' precision on the real part is flattering by
construction. No clinical data: the labels are the developers' reading, not a clinician's
risk assessment. Real negatives are weak labels: a sampled dreaddit or GoEmotions text may
still hide a crisis that the keyword net did not catch.

**Usage**::

    >>> from cyberkind.lab.training.crisis import crisis_examples
    >>> examples = crisis_examples(Path("../shared/data"), seed=0)
    >>> sorted({e.split for e in examples})
    ['dev', 'test', 'train']
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ...classifiers.crisis_rules import HIGH_SCORE, explicit_crisis
from . import _readers as rd
from .corpora import Example, Split, hashed_split, text_key
from .templates import SPLITS, Family, TemplateExample, TemplateGrammar

__all__ = [
    "CRISIS_LICENCES",
    "FAMILIES",
    "KEYWORD_NET",
    "TEMPLATE_SOURCE",
    "TemplateExample",
    "crisis_eval_real",
    "crisis_examples",
    "template_examples",
]

TEMPLATE_SOURCE = "crisis-templates"
"""The ``source`` of every generated example."""

CRISIS_LICENCES: dict[str, str] = {
    TEMPLATE_SOURCE: "Apache-2.0 (written by the cyberkind developers)",
}
"""Licence of the generated source, for model cards (the real sources are in corpora)."""

POSITIVES: dict[Split, int] = {"train": 1500, "dev": 300, "test": 300}
NEGATIVES_PER_POSITIVE = 4
HARD_SHARE = 0.4  # of the negatives
REAL_SHARES = (("dreaddit", 0.3), ("goemotions-sadness", 0.2))  # the rest: random goemotions

# -- slots -------------------------------------------------------------------------------------

_SLOTS: dict[str, tuple[str, ...]] = {
    "ctx": (
        "", "", "", "", "honestly", "ngl", "tbh", "idk anymore.", "I'm so tired.",
        "after everything,", "since the breakup", "lately", "at this point", "not gonna lie,",
        "I can't lie,", "it's 3am and", "I'm sorry but", "I just need to say it:",
        "nobody would understand but", "work was hell again and", "mum doesn't know but",
    ),
    "end": (
        "", "", "", ".", ".", "...", " 😞", " 💔", " 😔", ". please help", ", idk what to do",
        ". i mean it", " for real this time", ". nobody would even notice", " tbh", " 🙃",
    ),
    "time": (
        "tonight", "today", "this weekend", "tomorrow", "soon", "after work",
        "when everyone's asleep", "right now", "before my birthday", "this week", "on Friday",
        "tonight after my shift",
    ),
    "recent": (
        "lately", "for weeks", "all month", "since Christmas", "again", "every night",
        "since I lost my job", "since the breakup", "for a while now", "for months",
    ),
    "past": (
        "last night", "last year", "two years ago", "when I was 16", "in March",
        "a few weeks ago", "again yesterday", "twice", "last month", "on my birthday",
    ),
    "reason": (
        "", "", "", "because nothing ever gets better", "since I lost my job",
        "after what he did to me", "since mum died", "because I'm a failure",
        "because everyone hates me", "after the divorce", "because of the debt",
    ),
    "ppl": (
        "everyone", "my family", "my friends", "my kids", "my parents", "the people around me",
        "my mum", "everybody", "my partner",
    ),
    "food": (
        "coffee", "pizza", "nap", "beer", "holiday", "burrito", "day off", "good night's sleep",
    ),
    "thing": (
        "traffic", "commute", "heat", "deadline", "homework", "queue", "week", "wifi",
        "suspense", "humidity", "workload", "group project",
    ),
    "show": (
        "the finale", "season 2", "the new Marvel film", "Breaking Bad", "that anime",
        "the last episode", "the movie",
    ),
    "game": ("Dark Souls", "Elden Ring", "Celeste", "Hollow Knight", "Minecraft", "Cuphead"),
    "rel": ("uncle", "cousin", "best friend", "neighbour", "classmate", "coworker", "dad's friend"),
    "who": ("man", "woman", "teenager", "student", "soldier", "singer", "actor", "teacher"),
    "year": ("2019", "2020", "2021", "2022", "2023"),
    "insult": ("loser", "idiot", "clown", "creep", "nobody likes you", "freak", "moron"),
    "lol": ("", "", "lol", "lmao", "haha", "😂", "💀", "ngl", "tbh", "honestly", "fr"),
    "day": (
        "today", "this morning", "tonight", "this week", "on Monday", "again", "every day",
        "at work", "at school", "in class",
    ),
    "tech": (
        "process", "server", "job", "container", "task", "pod", "worker", "cron job", "daemon",
        "VM", "build", "query",
    ),
    "team": ("we", "the Lakers", "City", "the Leafs", "our team", "the Yankees", "the defence"),
    "ex": ("my ex", "my boyfriend", "my girlfriend", "my husband", "my wife", "my roommate"),
}  # fmt: skip

# -- families: (name, label, split, templates) -------------------------------------------------

_Family = Family

_POSITIVE_FAMILIES: tuple[_Family, ...] = (
    ("ideation_want_die", 1, "train", (
        "<ctx> I {just |really |honestly |}want to die<end>",
        "<ctx> I {really |}{wanna|want to} kill myself<end>",
        "I want to kill myself <reason><end>",
        "<ctx> I wish I was dead<end>",
        "<ctx> I wish I {could|would} just die<end>",
        "I {just |}want to stop existing<end>",
        "<ctx> I want to die and I don't know how to stop feeling this way<end>",
        "every {day|morning|night} I wake up and want to die<end>",
        "I want to kill myself so badly {right now|today|tonight}<end>",
        "part of me {really |}wants to die<end>",
        "I {honestly |}want to die <reason><end>",
    )),
    ("ideation_thoughts", 1, "train", (
        "I keep thinking about killing myself<end>",
        "<ctx> I think about suicide {every day|all the time|constantly|every night}<end>",
        "my suicidal thoughts are back <recent><end>",
        "I can't stop thinking about {killing myself|suicide|ending my life}<end>",
        "I've been having suicidal thoughts <recent><end>",
        "<ctx> I fantasize about {dying|being dead|not waking up} <recent><end>",
        "thoughts of killing myself {won't leave me alone|keep coming back}<end>",
        "I've been thinking about {suicide|killing myself} <recent> <reason><end>",
    )),
    ("ideation_not_alive", 1, "dev", (
        "<ctx> I don't want to be alive anymore<end>",
        "I don't want to live anymore <reason><end>",
        "<ctx> I don't want to exist<end>",
        "I don't want to wake up tomorrow<end>",
        "<ctx> I hope I don't wake up tomorrow<end>",
        "I wish I could go to sleep and never wake up<end>",
        "I don't want to be here anymore, like on this earth<end>",
    )),
    ("ideation_suicidal", 1, "test", (
        "<ctx> I've been feeling {really |so |very |}suicidal <recent><end>",
        "I'm {so |really |}suicidal {right now|tonight|today}<end>",
        "feeling suicidal again<end>",
        "I feel {so |}suicidal <reason><end>",
        "I'm actively suicidal and I don't know who to tell<end>",
        "I've been suicidal for {months|years|weeks} and it's getting worse<end>",
        "<ctx> I'm suicidal again<end>",
    )),
    ("plan_tonight", 1, "train", (
        "I'm going to kill myself <time><end>",
        "<ctx> I'm {going to|gonna} end it <time><end>",
        "I'm ending my life <time><end>",
        "<time> is the night I end it all<end>",
        "I've decided to kill myself <time><end>",
        "I'm finally going to do it. I'm going to end my life <time><end>",
        "I'll be dead by {tomorrow|morning|the weekend}<end>",
        "I'm going to take my own life <time><end>",
        "<ctx> I'm gonna kill myself <time>, I'm done<end>",
    )),
    ("plan_method", 1, "dev", (
        "I've been {saving|stockpiling|hoarding} my pills<end>",
        "I bought a rope. I'm going to hang myself <time><end>",
        "I'm going to jump off the {bridge|roof|building} <time><end>",
        "<ctx> I'm going to overdose <time><end>",
        "I'm going to {walk|step} in front of a train <time><end>",
        "I'm going to slit my wrists <time><end>",
    )),
    ("plan_decided", 1, "test", (
        "I've made up my mind, I'm going to take my own life<end>",
        "I have a plan to kill myself and I'm going through with it<end>",
        "there's no stopping me, I'm ending my life <time><end>",
        "my mind is made up. I'm killing myself <time><end>",
        "I already wrote the note. I'm going to end it <time><end>",
        "it's decided, I'm going to commit suicide <time><end>",
        "I've picked the date. I'm going to kill myself on {Sunday|Friday|my birthday}<end>",
    )),
    ("selfharm_cutting", 1, "train", (
        "I cut myself again <past><end>",
        "<ctx> I've been cutting myself <recent><end>",
        "I relapsed and cut my {arm|arms|thighs|wrist} <past><end>",
        "I relapsed on self harm <past><end>",
        "<ctx> I started cutting again<end>",
        "I {hurt|cut|burned} myself on purpose <past><end>",
        "I keep cutting myself {when I'm alone|at night|after school} <reason><end>",
        "the cuts on my {arms|thighs|wrists} are getting deeper<end>",
    )),
    ("selfharm_urges", 1, "dev", (
        "<ctx> I really want to hurt myself right now<end>",
        "the urge to cut myself is so strong <time><end>",
        "I want to cut myself so bad<end>",
        "I'm trying not to hurt myself tonight<end>",
        "I keep {burning|scratching|hitting} myself when I'm {stressed|upset|alone}<end>",
    )),
    ("selfharm_disclosure", 1, "test", (
        "I've been self harming since I was {13|14|15}<end>",
        "<ctx> my self harm is getting worse<end>",
        "I hit myself until I bruise<end>",
        "I starve myself as punishment <recent><end>",
        "I've started self-harming again<end>",
        "I burn myself with {a lighter|cigarettes} when it gets bad<end>",
        "I scratch my arms until they bleed<end>",
    )),
    ("goodbye_note", 1, "train", (
        "this is my goodbye note. I'm sorry <ppl><end>",
        "by the time you read this I'll be gone<end>",
        "<ctx> I'm writing my suicide note <time><end>",
        "<ppl> will be better off without me. goodbye<end>",
        "I've written letters to <ppl>. I'm going to kill myself <time><end>",
        "this is goodbye. I love you all, I'm sorry<end>",
    )),
    ("goodbye_last", 1, "dev", (
        "this is my last post. I won't be alive tomorrow<end>",
        "goodbye everyone, I'm ending it <time><end>",
        "my last message: I'm sorry, I can't do this anymore<end>",
        "I won't be here {tomorrow|much longer}. thank you for everything<end>",
    )),
    ("goodbye_farewell", 1, "test", (
        "tell my mom I'm sorry. I'm going to kill myself <time><end>",
        "I've given away my {cat|guitar|things}. tonight I end my life<end>",
        "please don't blame yourselves. I just couldn't go on<end>",
        "I love you all. by the time anyone {finds|reads} this I'll be dead<end>",
        "goodbye world, I'm done with life<end>",
    )),
    ("hopeless_burden", 1, "train", (
        "<ppl> would be better off without me<end>",
        "<ctx> I'm just a burden to <ppl><end>",
        "<ppl> would be happier if I was gone<end>",
        "nobody would care if I died<end>",
        "<ctx> I'm such a waste of space<end>",
        "<ctx> <ppl> would be so much better off if I wasn't here<end>",
    )),
    ("hopeless_no_reason", 1, "dev", (
        "<ctx> there's no reason to live anymore<end>",
        "I have nothing to live for <reason><end>",
        "what's the point of living<end>",
        "there's no point in going on <reason><end>",
    )),
    ("hopeless_cant_go_on", 1, "test", (
        "<ctx> I can't go on like this anymore<end>",
        "I can't keep living like this<end>",
        "life isn't worth living <reason><end>",
        "I wish I'd never been born<end>",
        "<ctx> I can't do this anymore, I'm so done<end>",
        "I just want it all to end<end>",
        "there's no way out for me<end>",
    )),
    ("attempt_past", 1, "train", (
        "I tried to kill myself <past><end>",
        "<ctx> I attempted suicide <past><end>",
        "<past> I overdosed on purpose<end>",
        "I survived a suicide attempt <past> and I still think about it<end>",
        "I tried to end my life <past> <reason><end>",
    )),
    ("slang", 1, "dev", (
        "i wanna kms", "kms fr", "gonna kms tonight", "i want to unalive myself",
        "thinking abt sewerslide ngl", "im so done i wanna die fr fr",
        "i cant do this anymore kms", "istg im gonna kms {tonight|today|lol}",
    )),
    ("attempt_recent", 1, "test", (
        "I overdosed last night {on purpose|and nobody knows}<end>",
        "I tried to hang myself <past><end>",
        "I'm in the hospital after trying to take my own life<end>",
        "I tried to end it <past> but I woke up<end>",
        "my suicide attempt failed <past><end>",
    )),
)  # fmt: skip

_NEGATIVE_FAMILIES: tuple[_Family, ...] = (
    ("idiom_kill", 0, "train", (
        "this <thing> is killing me <day> <lol><end>",
        "{ugh|omg|honestly|bruh|}, the <thing> is killing me <lol><end>",
        "{that|this|your} {joke|meme|video|tweet|comment} {killed|is killing} me <lol><end>",
        "{my|this} {hangover|headache|cold|sunburn} is killing me <day><end>",
        "{these shoes|this chair|my new boots} are killing my {feet|back} <lol><end>",
        "I'd {literally |}kill for {a|some} <food> {right now|after this shift|<day>}<end>",
        "my {feet|back|knees|shoulders} are killing me<end>",
        "I'd kill for a <food> right now<end>",
        "that joke killed me 😂",
        "you're killing it{!|, proud of you|, keep going}<end>",
        "{kill|killed} the {process|server|job|container|task} {and restarted it|before "
        "deploying|}",
        "just killing time before {the meeting|my train|class|the game}<end>",
        "the {boss|teacher|coach} is going to kill me if I'm late again lol",
        "my {mum|dad|sister} will kill me when {she|he} sees my {grades|room|car}",
        "{killed|killing} two birds with one stone<end>",
        "the <thing> is absolutely killing me today<end>",
    )),
    ("idiom_misc", 0, "train", (
        "I'm dead tired <day> <lol><end>",
        "{the|my} {battery|phone|laptop|car} is dead {again|<day>} <lol><end>",
        "I'm dead serious, {the|that} <food> was {amazing|awful} <lol><end>",
        "over my dead body will I {watch that|go back there|eat that} again <lol><end>",
        "this <thing> will be the death of me <lol><end>",
        "the {party|bar|game|town} was dead <day> <lol><end>",
        "{the deadline|my deadline} is {tomorrow|friday|at noon} and I'm so behind<end>",
        "{that|this} {look|outfit|song} is to die for <lol><end>",
        "I'm dying {to see|to try|to hear} {the new album|that place|your news|the results} "
        "<lol><end>",
        "I almost died laughing at {that|your|his} {video|joke|face|story} <lol><end>",
        "my {plant|sourdough starter|basil} died {again|<day>} <lol><end>",
    )),
    ("tech_sports", 0, "train", (
        "{kill|killed} the <tech> {and restarted it|before the deploy|that was hanging|}<end>",
        "{just |}kill -9 the <tech>, it's stuck<end>",
        "the <tech> {died|keeps dying|is dead} {again|<day>|after the update}<end>",
        "we need a kill switch for the <tech><end>",
        "{remove|delete} the dead code {in the <tech>|before the review}<end>",
        "<team> got killed {out there|in the second half|tonight|on the road} <lol><end>",
        "<team> died in the {fourth quarter|second half|last ten minutes} <lol><end>",
        "that {dunk|goal|save|hit} {killed|absolutely killed} me <lol><end>",
        "{he|she} was dead on {his|her} feet by the {end|last lap|final set}<end>",
        "the crowd {died down|went dead quiet} after that {goal|call|miss}<end>",
    )),
    ("third_person_ex", 0, "train", (
        "<ex> threatened to kill {himself|herself} if I {left|broke up with him|moved out}<end>",
        "<ex> says {he|she} will kill {himself|herself} if I don't {come back|answer}<end>",
        "my {sister|brother|friend|cousin} tried to kill {herself|himself} <past> and I "
        "{still worry|can't stop worrying|feel guilty}<end>",
        "{he|she} {attempted suicide|took an overdose} <past> and {we|I} found {him|her}<end>",
        "how do I {help|support} a friend who {self harms|is suicidal|wants to die}<end>",
        "my {son|daughter|partner} {has been cutting|self harms} and I don't know what to do<end>",
    )),
    ("idiom_die", 0, "dev", (
        "I could die of embarrassment lol",
        "I'm dying to see {the new movie|my friends|that show|the results}<end>",
        "I nearly died laughing at {that video|his face|the ending}<end>",
        "{this cake|that dress|their pasta} is to die for<end>",
        "I'm dead 💀",
        "my phone {died|is dead} again<end>",
        "I'm dying of {boredom|heat|thirst} here<end>",
        "{the battery|my car} died on the {highway|way home}<end>",
    )),
    ("idiom_self", 0, "test", (
        "I cut myself shaving this morning<end>",
        "I burned myself on the {stove|oven|iron} again<end>",
        "I'm killing myself laughing at this thread<end>",
        "I shot myself in the foot with that {email|tweet|comment}<end>",
        "I hurt myself at the gym<end>",
        "I'm killing myself trying to finish this {thesis|project|report}<end>",
        "kill me now, this meeting won't end<end>",
        "dead inside after that {meeting|lecture|exam} lol",
        "this exam is going to be the death of me<end>",
    )),
    ("news_reports", 0, "train", (
        "Police say the <who> died by suicide<end>",
        "{The singer|The actor|A local teacher} took {his|her} own life, {his|her} family "
        "confirmed<end>",
        "A {teenager|student} killed {himself|herself} after {months of bullying|being "
        "harassed online}, the report says<end>",
        "Coroner rules {the death|his death|her death} a suicide<end>",
        "{He|She} attempted suicide in {prison|jail|<year>}, court documents show<end>",
        "The <who> who jumped from the bridge in <year> has been named<end>",
        "{Police|Officials|The family} {said|confirmed} the <who>'s death {was|was ruled} a "
        "suicide<end>",
        "{Local|National} news: <who> found dead {at home|in a hotel|in a park}, police say<end>",
        "The <who> {died|was killed} in a {crash|fire|shooting} {on Monday|last night|in <year>}"
        "<end>",
        "{A|The} <who> is charged with {murder|manslaughter} after {the|a} {stabbing|shooting} "
        "{downtown|last week}<end>",
        "{Tributes|Flowers} for the <who> who {died|took his own life|took her own life} "
        "{last week|in <year>}<end>",
    )),
    ("news_stats", 0, "dev", (
        "Suicide rates {rose|fell} {3|8|12}% in <year>, according to the CDC<end>",
        "The study looks at self-harm among {teenagers|veterans|students}<end>",
        "{Men|Veterans|Young people} are {more likely|three times as likely} to die by "
        "suicide<end>",
        "New report on suicide in {rural areas|prisons|the army}<end>",
    )),
    ("third_person_personal", 0, "test", (
        "my <rel> {killed himself|took his own life|died by suicide} {last year|when I was ten|"
        "in <year>}<end>",
        "my friend told me she wants to kill herself, what do I do<end>",
        "{He|She} said {he|she} wants to die and I'm scared for {him|her}<end>",
        "I lost my <rel> to suicide {last year|in <year>} and I still miss him<end>",
    )),
    ("prevention_hotline", 0, "train", (
        "If you're thinking about suicide, {call or text|please call} 988<end>",
        "If you or someone you know is struggling with thoughts of self-harm, the "
        "{Samaritans|crisis line} {are|is} open 24/7<end>",
        "{Suicide|Crisis} hotline numbers for {every country|the UK|Canada} in the thread "
        "below<end>",
        "If someone tells you they want to kill themselves, stay with them and call "
        "{988|the emergency number}<end>",
        "{Struggling|Having thoughts of suicide|Feeling like ending it}? {You're not alone.|"
        "Help is available.} {Call|Text} {988|116 123|the Samaritans} <day><end>",
        "{Our|The} {crisis line|helpline|chat service} is {free|confidential|open all night}"
        "{, call us|, text us|} <day><end>",
        "{Reminder|PSA}: {988|the crisis text line|your local helpline} is there if you are "
        "{struggling|thinking about suicide|thinking about self-harm}<end>",
        "{Pinned|Sticky}: {suicide|self-harm} resources for {every country|students|veterans|"
        "parents} <lol><end>",
    )),
    ("prevention_awareness", 0, "dev", (
        "September is suicide prevention month<end>",
        "World Suicide Prevention Day is {on Sunday|this week}<end>",
        "{Talking|Talking openly} about suicide saves lives<end>",
        "Our school hosts a self-harm awareness workshop {next week|on Friday}<end>",
    )),
    ("prevention_support", 0, "test", (
        "check on your {friends|strong friend|quiet friend}, you never know who's "
        "struggling<end>",
        "I volunteer at a crisis line {on weekends|twice a week}<end>",
        "if your friend says they want to die, take it seriously and stay with them<end>",
        "Asking someone directly about suicide does not put the idea in their head<end>",
    )),
    ("media_games", 0, "train", (
        "this boss fight killed me {10|20|37} times<end>",
        "I died so many times in <game><end>",
        "my character keeps dying in the {lava|water|last} level<end>",
        "I killed myself with my own grenade lmao",
        "just rage quit <game> after dying {again|for the 50th time}<end>",
        "we got wiped by the final boss in <game> again<end>",
        "{he|she|my friend} {killed|destroyed} me {so many times|twice|in one hit} in <game> "
        "<lol><end>",
        "{died|I died} to {fall damage|the first boss|a skeleton|lava} in <game> <day> <lol><end>",
        "<game> {speedrun|run|playthrough} {died|is dead} {on the last level|at the final boss} "
        "<lol><end>",
        "{dead|killed} by {a creeper|friendly fire|the final boss|my own trap} <lol><end>",
    )),
    ("media_films", 0, "dev", (
        "the main character {kills himself|dies} in <show> and I'm still not over it<end>",
        "'Suicide Squad' was {better|worse} than I expected<end>",
        "the episode about {suicide|self-harm} was hard to watch but important<end>",
        "<show> handles {suicide|self-harm} badly, in my opinion<end>",
    )),
    ("media_music_books", 0, "test", (
        "this {song|album} about {losing someone|grief} makes me cry every time<end>",
        "the novel deals with {suicide|depression} in a really honest way<end>",
        "Nirvana's 'I Hate Myself and Want to Die' is such an underrated song<end>",
    )),
    ("attack_kys", 0, "train", (
        "kys <insult><end>",
        "<insult>, kys<end>",
        "just kys already<end>",
        "{lol|lmao} kys<end>",
        "{you're|ur} so annoying, kys<end>",
        "{nobody asked|who asked|ratio}, kys <insult><end>",
        "{imagine|can't believe} {posting this|being this dumb|saying that}, kys<end>",
        "{stfu|shut up} and kys <insult><end>",
        "kys {lol|lmao|fr|already|today} <insult><end>",
    )),
    ("attack_go_die", 0, "dev", (
        "go die in a {ditch|hole|fire}<end>",
        "I hope you die<end>",
        "{you|u} should just die, <insult><end>",
        "drop dead, <insult><end>",
    )),
    ("attack_kill_yourself", 0, "test", (
        "go kill yourself, <insult><end>",
        "do everyone a favour and end yourself<end>",
        "jump off a bridge, <insult><end>",
        "{why don't you|you should} kill yourself<end>",
    )),
)  # fmt: skip

FAMILIES: dict[str, tuple[int, Split]] = {
    name: (label, split) for name, label, split, _ in _POSITIVE_FAMILIES + _NEGATIVE_FAMILIES
}
"""Each template family's label and the one split it is assigned to."""

KEYWORD_NET = re.compile(
    r"suicid|\bkms\b|kill(?:s|ed|ing)? ?(?:my|him|her|them) ?sel|end(?:ing)? (?:my|his|her|their) "
    r"(?:own )?life|end it all|take my (?:own )?life|self[- ]?harm|(?:cut|hurt|harm)(?:ting|ing)? "
    r"myself|wan(?:t|ted|na) (?:to )?die|want to be dead|wish i could die|overdos|\bod\b|"
    r"better off (?:dead|without me)|don.?t (?:want|wanna) (?:to )?(?:live|be alive)|"
    r"no reason to live|nothing to live for|not worth living|never wake up|slit|hang myself|"
    r"wish i (?:was|were) dead|unalive",
    re.IGNORECASE,
)
"""The broad net of explicit crisis wording. Real texts it matches are never sampled as
negatives; :func:`crisis_eval_real` holds the developers' labels for the matches they read
(this net plus :data:`_REVIEW_NET`)."""

_REVIEW_NET = re.compile(
    r"kill(?:s|ed|ing)? ?my ?self|hurt(?:ing)? myself|harm(?:ing)? myself|\bkill me\b|"
    r"want(?:ed)? to disappear|no point (?:in )?living|can.?t go on|\bend(?:ing)? it\b|"
    r"never (?:been )?born|\bburden\b|sleep forever|don.?t wake up|jump(?:ed)? off|noose|razor|"
    r"dead inside",
    re.IGNORECASE,
)


# fmt: off
_REAL_LABELS: tuple[tuple[str, int], ...] = (
    # Matches of a first, narrower keyword net, read while the rules were written (114).
    ("27601d44edd4", 0), ("36b4b30f87a4", 0), ("ebe39666101c", 1), ("bb3c8960e65c", 1),
    ("ed8ffb5a3efe", 1), ("8b0f8ba33fa5", 0), ("5591fd0d2e1a", 0), ("acaf2a678b19", 0),
    ("0031c590250b", 1), ("d9b88e95b7db", 0), ("f564f1727c74", 0), ("07802ed4ef6e", 0),
    ("5afb6b0e38bb", 1), ("e4f5bdc80d62", 1), ("a7939f2e9f00", 0), ("a06d09c0615d", 0),
    ("76a9a31984b3", 0), ("b0dbfea25526", 1), ("9350a5540a39", 1), ("c3e8851835b6", 1),
    ("c1ae2d63cf33", 1), ("3cc2140ae666", 1), ("b1d42a8bae0d", 0), ("ba8911344bf4", 1),
    ("f78cc254d683", 0), ("6cd56e88f8f9", 1), ("427fa11cb3b0", 1), ("d6cfb1184403", 1),
    ("683e5c17721e", 0), ("5cc8a477fbb3", 0), ("25337e84ce27", 0), ("60396d427ad9", 0),
    ("464393efa2d9", 0), ("561c8878292e", 0), ("40d16eedacf3", 0), ("9df796683697", 0),
    ("5651704afea3", 1), ("01931f4e9764", 0), ("db2e0ff97b3f", 1), ("66b1ce42d421", 1),
    ("b20eb136e1f5", 1), ("f014cb25b152", 0), ("9f12e2ee222d", 0), ("d7e102efb2e2", 0),
    ("39154d90d479", 0), ("85ebf4ca4f46", 1), ("331ec589a39f", 1), ("c8b66d487641", 0),
    ("46908ebea1fc", 1), ("3a55805b4e96", 1), ("ff42f23d353e", 0), ("20bdd7c9e17d", 0),
    ("5b53be3dd854", 0), ("afff9add740f", 1), ("101fa4a3d9a7", 1), ("f927f6223275", 1),
    ("f99b3829bdc0", 1), ("4b9cd42fdef5", 0), ("85a988c18e36", 1), ("70f08661b09a", 0),
    ("fc30754e78c4", 0), ("e6d1f851ee1a", 1), ("f1f143701154", 1), ("82bdb56816fb", 1),
    ("ab26e8e3744d", 1), ("ebc8d236b8b8", 1), ("557479cab4e2", 1), ("60ed739ca1fd", 1),
    ("e6ec23440a39", 0), ("62cd6793240d", 1), ("cbe9c819b2d5", 0), ("10f50d37493c", 1),
    ("a732e7044279", 1), ("aab5c389f3b0", 1), ("36bdfe3006ed", 0), ("121507fa51ce", 1),
    ("984d889edf85", 1), ("b33176c7eeba", 0), ("bb852d82e744", 0), ("3e3dc91e898f", 1),
    ("2f5bafcd0828", 1), ("f7c555aca9a2", 1), ("c43f78e2db34", 1), ("0fd366b5f48a", 0),
    ("aeb837ae884f", 0), ("b72d6024722b", 0), ("7e69ce64cc09", 0), ("8598c019c20a", 0),
    ("707d04c7d3eb", 0), ("aa18106f781d", 0), ("ec5b0f3c493e", 0), ("ac72073724a6", 1),
    ("bba1a75cb5dd", 0), ("93d0bd40ab75", 0), ("6033b026268d", 0), ("f443e9943f80", 0),
    ("0a3607b59339", 0), ("ba6fb4165b39", 0), ("34456708de3d", 0), ("9ade20a22112", 0),
    ("8654c349a4c7", 0), ("c3c22cd0db39", 0), ("978e89aa3922", 0), ("125cffc6934c", 1),
    ("e5a4485c1ccf", 1), ("abbc2785edad", 0), ("1bdeec14ca99", 1), ("10404e0daaf1", 0),
    ("93d5583a6e14", 1), ("4e828ad364ad", 0), ("f8e8862dc5f4", 1), ("5af9d4927a9a", 1),
    ("b954aa4c9145", 1), ("8bd988327565", 0),
    # The further _REVIEW_NET matches, labelled before the rules were run on them (92).
    ("1471a3ec74af", 0), ("db4ac8c78be5", 1), ("89e3705ae8fe", 0), ("8c8e3db3e1f4", 0),
    ("369782d6cfe2", 1), ("62bc644b418a", 0), ("3c54fc4221bf", 0), ("da383a098fbd", 1),
    ("b1d0bb34957a", 0), ("290619db80ff", 0), ("263ef3319771", 0), ("1f0bddc8de3e", 0),
    ("a0fc4169b10e", 0), ("7fbc5a1db795", 0), ("03f805109537", 0), ("8cf835eb5dc4", 0),
    ("a83a13d81b3c", 0), ("efcf5facd912", 0), ("7276d6ba353d", 1), ("7cb76944f887", 1),
    ("385c7f272526", 0), ("882de4843991", 0), ("ce04e41e35d6", 0), ("ff6a8d665b46", 0),
    ("b58fc46e31a3", 1), ("33f1b7bee894", 0), ("8d051e87c485", 0), ("6b02d30a2236", 0),
    ("6a56d3ae0102", 0), ("7a0e97928c32", 0), ("2e1a4a70063d", 0), ("30d5e7e012f8", 0),
    ("fc6f179add10", 0), ("95e208e5765a", 0), ("4cd59d8a7ef1", 0), ("3657c83e8359", 0),
    ("113515eea402", 0), ("c229e27c2dc4", 0), ("2e9e53a3312f", 0), ("ae3f7a3e88dc", 0),
    ("77ad8187b907", 0), ("bdb4958916b8", 0), ("6cdf0f08e02b", 0), ("a74b380ac624", 0),
    ("f6ae1f0bf146", 0), ("42fcd7566b39", 0), ("02e5b92828fb", 0), ("c77c58cc127e", 0),
    ("825806ce1657", 0), ("79918b3f4d36", 0), ("b7dbf74d03af", 0), ("e913f2f1f34f", 0),
    ("763722f9bffa", 0), ("d7d6c02cde2f", 1), ("947ca183e46a", 0), ("e7bd7b661343", 0),
    ("7cc47f71c496", 0), ("7dff1990bc88", 0), ("4644d36eac2d", 0), ("867266381c8a", 0),
    ("51ecf73ceddb", 0), ("70e3379cb433", 0), ("12b3e5b58ef0", 0), ("dcede37a16c5", 0),
    ("9f0b43c816d9", 0), ("aa472338d2e7", 0), ("1baa87cdede6", 0), ("6f3273f2a246", 0),
    ("9481e1386aa4", 0), ("0b3abd287a77", 0), ("519f9e1bc159", 0), ("13189409cdc5", 0),
    ("e9a9a16d4fc3", 0), ("225b918a21d0", 0), ("29b4017c5980", 0), ("92393c665b50", 0),
    ("8a2645655c7f", 0), ("336c7cd0eb6c", 0), ("96314acaff23", 0), ("7a3fe8f87264", 0),
    ("72eca9aa9f7a", 0), ("7be2eeb61d20", 0), ("97bffde87486", 0), ("6640a568dd2c", 0),
    ("b27a075141ec", 0), ("625a859bc3d0", 0), ("a2ce4bdb16f1", 0), ("b84bbfd04e7d", 0),
    ("c6a3b9a7f7a3", 0), ("2f9971638644", 0), ("964fb725ed88", 0), ("5990029adb57", 0),
    # Matches of the final, slightly wider KEYWORD_NET that the two nets above missed (4).
    ("f619eccefdd1", 0), ("66d51716c520", 0), ("6038c4de23df", 0), ("6c9da3ac8fc8", 0),
)
# fmt: on

# -- generation --------------------------------------------------------------------------------

_GRAMMAR = TemplateGrammar(_SLOTS)


def template_examples(seed: int = 0) -> list[TemplateExample]:
    """The generated positives and hard negatives, with their families.

    The same seed gives the same list. Counts per split follow the module docstring
    (a split gets fewer when its families run out of distinct texts).

    **Usage**::

        >>> examples = template_examples(seed=0)
        >>> {e.family for e in examples if e.split == "test" and e.y == 1} >= {"plan_decided"}
        True
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    hard = {s: round(POSITIVES[s] * NEGATIVES_PER_POSITIVE * HARD_SHARE) for s in SPLITS}
    return _GRAMMAR.generate(_POSITIVE_FAMILIES, POSITIVES, rng, seen) + _GRAMMAR.generate(
        _NEGATIVE_FAMILIES, hard, rng, seen
    )


# -- real texts --------------------------------------------------------------------------------


def _sha(text: str) -> str:
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:12]


def _real_texts(data_dir: Path) -> list[tuple[str, str]]:
    """``(source, text)`` of every dreaddit and GoEmotions text, in file order, de-duplicated.

    ``source`` is ``dreaddit``, ``goemotions-sadness`` (labelled sadness or grief) or
    ``goemotions``.
    """
    sadness = {rd.GOEMOTIONS_LABELS.index("sadness"), rd.GOEMOTIONS_LABELS.index("grief")}
    rows = [("dreaddit", text) for text, _, _ in rd.dreaddit(data_dir)]
    for row in rd.goemotions(data_dir):
        rows.append(("goemotions-sadness" if row.labels & sadness else "goemotions", row.text))
    seen: set[str] = set()
    out = []
    for source, text in rows:
        if text and text not in seen:
            seen.add(text)
            out.append((source, text))
    return out


def _draw(
    texts: Sequence[str], want: dict[Split, int], rng: random.Random, positives: set[str]
) -> dict[Split, list[str]]:
    """Draw up to ``want[split]`` texts per hashed split, in a seeded random order.

    A text is skipped when :data:`KEYWORD_NET` matches it, when the rules score it high or
    when it is a labelled positive of :func:`crisis_eval_real`. Texts are checked lazily, in
    the drawing order, so only about as many as are needed are scored.
    """
    got: dict[Split, list[str]] = {s: [] for s in SPLITS}
    for text in rng.sample(list(texts), len(texts)):
        if all(len(got[s]) >= want[s] for s in SPLITS):
            break
        split = hashed_split(text)
        if len(got[split]) >= want[split]:
            continue
        if KEYWORD_NET.search(text) or _sha(text) in positives:
            continue
        if explicit_crisis([text])[0] >= HIGH_SCORE:
            continue
        got[split].append(text)
    return got


def _real_negatives(data_dir: Path, quota: dict[Split, int], rng: random.Random) -> list[Example]:
    """Seeded samples of real texts with no explicit crisis wording (see the docstring)."""
    by_source: dict[str, list[str]] = {}
    for source, text in _real_texts(data_dir):
        by_source.setdefault(source, []).append(text)
    positives = {sha for sha, y in _REAL_LABELS if y == 1}
    out: list[Example] = []
    left = dict(quota)
    for source, share in (*REAL_SHARES, ("goemotions", 1.0)):
        want = {s: min(left[s], round(quota[s] * share)) for s in SPLITS}
        got = _draw(by_source.get(source, []), want, rng, positives)
        for split in SPLITS:
            left[split] -= len(got[split])
            out += [Example(text, 0, source, split) for text in got[split]]
    return sorted(out, key=lambda e: SPLITS.index(e.split))


def _dedupe(examples: Iterable[Example]) -> list[Example]:
    """Keep the first of each text key per split; drop train/dev texts found in later splits."""
    rank = {"test": 0, "dev": 1, "train": 2}
    owner: dict[str, Split] = {}
    examples = list(examples)
    for e in examples:
        key = text_key(e.text)
        if key not in owner or rank[e.split] < rank[owner[key]]:
            owner[key] = e.split
    out: list[Example] = []
    kept: set[str] = set()
    for e in examples:
        key = text_key(e.text)
        if owner[key] == e.split and key not in kept:
            kept.add(key)
            out.append(e)
    return out


def crisis_examples(data_dir: Path, seed: int = 0) -> list[Example]:
    """The crisis head's train/dev/test examples (see the module docstring for the method).

    Generated examples have ``source`` :data:`TEMPLATE_SOURCE`; real ones ``dreaddit``,
    ``goemotions-sadness`` or ``goemotions``. The same seed gives the same list. Raise
    :class:`~cyberkind.errors.DataError` when a shared data file is missing or malformed.

    **Usage**::

        >>> examples = crisis_examples(Path("../shared/data"), seed=0)
        >>> sum(e.y for e in examples if e.split == "test")
        300
    """
    rng = random.Random(seed)
    generated = template_examples(seed)
    hard = {s: sum(1 for e in generated if e.split == s and e.y == 0) for s in SPLITS}
    positives = {s: sum(1 for e in generated if e.split == s and e.y == 1) for s in SPLITS}
    quota = {s: positives[s] * NEGATIVES_PER_POSITIVE - hard[s] for s in SPLITS}
    real = _real_negatives(Path(data_dir), quota, rng)
    made = [Example(e.text, e.y, TEMPLATE_SOURCE, e.split) for e in generated]
    return _dedupe(made + real)


def crisis_eval_real(data_dir: Path) -> list[tuple[str, int]]:
    """Real texts that mention suicide or self-harm, labelled by the developers by reading them.

    **Method.** Every dreaddit training text and every GoEmotions text (all splits) that
    :data:`KEYWORD_NET` or a broader review net (``kill me``, ``burden``, ``end it``, ``jump
    off``, ``razor``...) matches: 210 texts. One developer read each and gave one label:
    1 when the writer discloses their *own* suicidal thoughts, intent, plan, attempt (past
    ones included) or self-harm; 0 for other people's crises, grief, news, prevention talk,
    hyperbole ("this makes me wanna die" about a TV moment) and unrelated matches ("gaslit",
    "OD" the game hero, "kms" as kilometres). The labels below are keyed by the first 12 hex
    digits of the sha1 of the stripped text, so no text is copied here.

    **Caveat.** The first 114 (matches of a first, narrower keyword net) were read while the
    rules were being written and some rules were fixed after reading them, so the rules'
    numbers on those are optimistic. The next 92 were labelled before the rules were run on
    them; the last 4 (third-person "killed herself") were added when the net was widened.
    Labels are one reader's judgement, and many positives are long posts where the crisis is
    one sentence among five. At the time of writing the rules (score >= 0.5) find 57 of the
    60 positives with precision 0.76; on the 92 labelled blind they found 2 of 7 (precision
    0.29) before the fixes those misses prompted and 6 of 7 (precision 0.55) after.

    **Usage**::

        >>> pairs = crisis_eval_real(Path("../shared/data"))
        >>> len(pairs), sum(y for _, y in pairs)
        (210, 60)
    """
    labels = dict(_REAL_LABELS)
    out: list[tuple[str, int]] = []
    for _, text in _real_texts(Path(data_dir)):
        y = labels.get(_sha(text))
        if y is not None:
            out.append((text, y))
    return out
