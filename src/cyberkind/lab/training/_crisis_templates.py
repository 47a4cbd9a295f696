"""The crisis templates of :mod:`cyberkind.lab.training.crisis`: slots and families, as data.

Each family is ``(name, label, split, templates)``: the label (1: an explicit first-person
crisis; 0: a hard negative that shares its words), the one split all its texts go to, and
templates whose ``<slot>``s and ``{a|b}`` choices :class:`~cyberkind.lab.training.templates.
TemplateGrammar` expands. ``crisis`` generates the examples from them and explains the
counts; written by the cyberkind developers (Apache-2.0).
"""

from __future__ import annotations

from .templates import Family

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
