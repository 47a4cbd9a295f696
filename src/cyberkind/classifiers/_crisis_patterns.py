"""The wordings of :mod:`cyberkind.classifiers.crisis_rules`: its patterns, as data.

Each pattern is a regular expression over the normalised text (lowercase, apostrophes
deleted; see ``crisis_rules.normalize``), written in ordinary spelling: every letter is
elongated when the patterns are compiled (``crisis_rules._source``), so "killlll" matches
"kill". ``crisis_rules`` compiles them once, on first use, and explains the tiers; the
tests read them through ``crisis_rules`` (``crisis_rules._HIGH_PATTERNS`` and so on).
"""

from __future__ import annotations

import re

# --- patterns ---------------------------------------------------------------------------------
# Written in ordinary spelling, lowercase, apostrophes left out ("dont", "im", "ill" = "i'll").
# Doubled letters are squeezed: "off" and "of" are one word to these patterns.

_ME = r"(?:myself|my self|meself|myslef|me self|myselfe)"
_FIRST = r"\b(?:i|im|ive|id|ill|iam|i am|i have|i was|i will|i would|imma|ima)\b"
_ADV = (
    r"(?: (?:have|had|am|was|will|would|just|really|seriously|been|keep|kept|started|starting|"
    r"am going|also|even|once|twice|already|almost|nearly|actually|literally|always|often|"
    r"constantly|honestly|still|again|currently|now|tried|try|trying|going|gonna|want|wanna|"
    r"to|to be|do|did|might|so|lowkey|kinda|gotta|need|needed|thought|think|thinking|about|of|"
    r"considered|considering|plan|planning|planned|feel|feeling|like|the|urge|urges|never))"
)
_SUICIDE = r"su[i1!]c[i1!]de"
_END_IT = (
    r"\b(?:gonna|going to|will|ill|want to|wanna|ready to|plan to|planning to|decided to|"
    r"about to|time to|need to|have to|gotta|gonna finally|going to finally|finally|makes me want "
    r"to) end (?:it|things|everything|this)\b(?! (?:with|between|off|for (?:him|her|them|us))\b)"
)
_ENDING_IT = (
    r"\b(?:im|i am|am) (?:finally |really |just )?ending (?:it|things|everything)\b"
    r"(?! (?:with|between|off|for (?:him|her|them|us))\b)"
)
_IDIOM_AFTER = r"(?! (?:of|from|laughing|inside|a little|for (?:a|some|this|that|one))\b)"

_HIGH_PATTERNS: tuple[str, ...] = (
    # kill myself / kms
    rf"\bk[i1!]ll(?:s|ing|ed|in)? ?{_ME}\b"
    r"(?! (?:laughing|trying|working|studying|doing|at the gym|at work|by accident|accidentally|"
    r"in (?:the|a|this|that) (?:game|lava|level|tutorial)|"
    r"with (?:my own|a|the|that) (?:grenade|rocket|nade|barrel|bomb|trap|explosive))\b)",
    # "kms" is also kilometres: not after a number, nor before "on", "per", "away"...
    r"\bkms\b(?<![0-9] kms)(?<![0-9]kms)(?<!of kms)(?<!many kms)"
    r"(?! (?:on|per|away|from|of|to|in|an hour|a day|driven|long|north|south|east|west)\b)",
    # end / take my life, end it all, end it tonight
    rf"\b(?:end|ending|ended|take|taking|took|took away) (?:my (?:own )?life|{_ME}|my existence)\b",
    r"\bend(?:ing)? it all\b",
    # "end it" is also ending a relationship or a story: high only when the clause stops there
    # or goes on with a time ("tonight"); otherwise medium (_END_IT in the medium tier).
    rf"{_END_IT}(?= *(?:$|[^a-z0-9 ]|(?:all|tonight|today|now|soon|tomorrow|this week|for good|"
    r"once and for all|already|lol|i|im|and|but)\b))",
    rf"{_ENDING_IT}(?= *(?:$|[^a-z0-9 ]|(?:all|tonight|today|now|soon|tomorrow|this week|"
    r"this weekend|for good|once and for all|already|lol|i|im|and|but|when|after|before|on)\b))",
    r"\b(?:tried|try|trying|attempt|attempted|attempting|attempts) to end (?:it|it all|my life|"
    r"things|everything)\b(?! (?:with|between|off|for (?:him|her|them|us)|in a|on good|"
    r"in good|nicely|politely|amicably|properly)\b)",
    r"\b(?:die|died|dying|death|end it|end my life) by my own hands?\b",
    # other methods, reflexive
    rf"\b(?:unalive|un alive|hang|hanging|shoot|shooting|drown|drowning|poison|poisoning|stab|"
    rf"stabbing|suffocate|suffocating|gas|electrocute|throw|throwing) {_ME}\b"
    r"(?! (?:in the foot|into (?:my|the) work|at (?:the|my|his|her) feet)\b)",
    rf"\b(?:to|gonna|wanna|ill|just|finally|going to|want to) off {_ME}\b",
    r"\bsewer ?slide\b",
    rf"{_FIRST}(?: \w+){{0,3}} (?:jump|jumped|jumping) (?:off|from|of) (?:a|the|my|this|that) "
    r"(?:bridge|building|roof|cliff|balcony|tower|overpass|ledge|parking garage)",
    r"\b(?:step|jump|walk|throw myself|lie down) in front of (?:a|the) (?:train|bus|truck|car)",
    # self-harm
    rf"\b(?:cut|cutting|burn|burning|burned|burnt|harm|harming|scratch|scratching|starve|"
    rf"starving|bruise|bruising|hit|hitting) {_ME}\b"
    r"(?! (?:shaving|on (?!purpose)|while|by accident|accidentally|cooking|chopping|slicing|"
    r"some slack|a break|off|out|short|loose|free|in the kitchen|"
    r"with (?:a|the|my) (?:knife|razor)? ?(?:while|when)|opening|making|doing|trying|"
    r"up about|over it)\b)",
    rf"\b(?:want|wanna|urge|urges|tempted|going|gonna|been|keep|kept|started|start|feel like|"
    rf"thinking about|need|needed) (?:to )?(?:hurt|hurting|harm) {_ME}\b",
    rf"\bhurt(?:ing)? {_ME} (?:again|on purpose|every|deliberately|intentionally)\b",
    rf"{_FIRST}{_ADV}{{0,4}} self ?harm",
    r"\bmy (?:own )?self ?harm\b",
    r"\b(?:want|wanna|urge|urges|tempted|need|needed|feel like|thinking about|thought about) "
    r"(?:to )?self ?harm",
    r"\b(?:i|ive|i have)\b(?: \w+){0,3} history of self ?harm",
    r"\b(?:relapsed|started|starting|been|keep|kept|back to|went back to|im|am)(?: \w+)? "
    r"cutting(?: again\b| myself\b|(?= *(?:$|[^a-z0-9 ])))",
    r"\b(?:relapsed|relapse|relapsing) (?:on |with |into )?(?:sh|cutting|self harm)\b",
    r"\b(?:slit|slice|slicing|slitting|cut|cutting) (?:my |both my |open my |both )?"
    r"(?:wrists?|veins?|throat|arms?|thighs?)\b"
    r"(?! (?:on (?:a|the|some|glass|broken)|while|shaving|by accident)\b)",
    # wanting to die (the wishes worded with a negation are in _HIGH_NEGATIVE_PATTERNS)
    r"\b(?:want|wants|wanting|wanted|wanna|wana|wish|would like|ready|deserve|longing|need|"
    r"going|gonna|about|trying) (?:to )?(?:just )?(?:die|be dead|stop existing|stop living|"
    r"cease to exist)\b" + _IDIOM_AFTER,
    r"\b(?:should|might as well|may as well) just die\b" + _IDIOM_AFTER,
    r"\bhope (?:i|to) (?:just )?(?:die|get hit by)" + _IDIOM_AFTER,
    r"\bwish (?:i|id|that i)(?: (?:could|would|had|just|was|were|already))* "
    r"(?:die|died|dead|be dead|stop existing|cease to exist)\b" + _IDIOM_AFTER,
    r"\b(?:im|id|i am|i would be|ill be|id be|i be|me being)(?: \w+){0,2} better off dead\b",
    r"\b(?:ill|i will|im going to|im gonna) be dead (?:by (?:tomorrow|morning|tonight|the weekend|"
    r"sunday|monday|friday|then)|before (?:morning|tomorrow|sunrise|the weekend)|tonight|soon)\b",
    # suicidal, suicide attempts and plans
    rf"{_FIRST}{_ADV}{{0,5}} (?:commit|committing|attempt|attempted|attempting|tried|try|"
    rf"trying|plan|planning|planned|consider|considered|considering|contemplating|contemplate|"
    rf"contemplated|"
    rf"thinking about|thought about|think about|thinking of|thought of|going to|gonna|want to|"
    rf"wanna|decided on|ready for|close to|survived)(?: (?:to|a|my))?(?: commit)? "
    rf"{_SUICIDE}\b",
    r"\b(?:im|i am|ive been|i have been|i was|been|feeling|feel|felt|i feel|getting|am|"
    r"becoming|become|became|got)(?: \w+){0,2} suicidal\b",
    rf"\b(?:i|im|ive|my|me|i am|i have)\b[^.!?\n]{{0,30}}?(?:suicidal|{_SUICIDE}) "
    r"(?:thoughts?|ideation|feelings?|urges?|attempts?|plans?|notes?|letters?|again)\b",
    rf"{_FIRST}{_ADV}{{0,4}} (?:writing|wrote|write|written|left|leave|drafted|drafting|"
    rf"finished|finishing) (?:a|my) (?:{_SUICIDE}|goodbye) (?:note|letter)",
    r"\bby the time (?:you|anyone|someone|any of you|u) (?:reads?|sees?|finds?|get) this\b",
    rf"{_FIRST}{_ADV}{{0,4}} (?:overdose|overdosed|overdosing)\b",
    rf"{_FIRST}{_ADV}{{0,4}} (?:od|oded|odd|od on)"
    r"(?= *(?:on|again|tonight|today|yesterday|last|twice|once|$|[^a-z0-9 ]))",
    r"\b(?:took|take|taking|had|did|do) (?:a|an) (?:\w+ )?overdose\b",
    r"\b(?:take|took|taking|swallow|swallowed|swallowing) (?:all|every one of|the whole bottle of|"
    r"a bottle of|a handful of|handfuls of)(?: my| the| of my| of the| these| those)? "
    r"(?:pills|meds|medication|tablets|sleeping pills|painkillers|antidepressants|xanax|tylenol)",
    r"\b(?:tied|tie|tying|made|make|making|have|got|bought|buy|ordered) (?:a|the|my) noose\b",
    # Means, then a time that is the end: "pills saved up ... tonight is the night".
    r"\b(?:(?:saved|saving|stashed|stockpiled|stockpiling|hoarded|hoarding|stash of|"
    r"stockpile of)(?: \w+){0,3}? (?:pills|painkillers|tablets|meds)|(?:pills|painkillers|tablets|"
    r"meds)(?: \w+){0,3}? (?:saved|stashed|stockpiled|hoarded))\b[^.!?\n]{0,60}?"
    r"\b(?:tonight is the night|today is the day|this is the night|its time to go|its time now)\b",
)

# High patterns that carry their own negation ("dont want to live", "wish i wouldnt wake up"):
# only a negation before them ("i never said i dont want to live") makes them medium.
_HIGH_NEGATIVE_PATTERNS: tuple[str, ...] = (
    r"\b(?:want|wanna|wana|wish|would like|ready|need|going|gonna|about|trying) "
    r"(?:to )?(?:just )?(?:not exist|not be alive|not be here anymore|not wake up|never wake up)\b",
    r"\bhope (?:i|to) (?:just )?(?:dont wake up|never wake up|dont make it)",
    r"\b(?:sleep|fall asleep|go to sleep|go to bed) and (?:never|not|dont) wake up\b",
    # Fighting an urge is an urge: "trying not to hurt myself" is high, not negated.
    rf"\b(?:trying|try|tried|struggling|fighting)(?: so hard| really hard| hard)? "
    rf"(?:not to|to not) (?:hurt|harm|cut|kill|burn|starve) {_ME}",
    r"\bwish (?:i|id|that i)(?: (?:could|would|had|just|was|were|already))* "
    r"(?:not exist|didnt exist|wasnt alive|werent alive|never wake up|never woke up)\b",
    r"\bwish (?:i|id|that i) (?:just )?(?:wouldnt|didnt|dont|wont|would not|did not|would never|"
    r"could never|never|could just not|could not) (?:wake|woke) up\b",
    r"\b(?:dont|do not|dnt|didnt|dont even|dont really|no longer) (?:want|wanna|wana|wish) "
    r"(?:to )?(?:be alive|exist|wake up|be here (?:anymore|any more|any longer|no more)|"
    r"keep living|go on living|continue living|be around anymore|be on this earth|"
    r"be in this world)(?: anymore| any more| any longer| no more)?\b",
    # "I don't want to live" ends there, or goes on with "anymore", "like this"...; not with
    # "in a van", "out of my car", "a lie".
    r"\b(?:dont|do not|dnt|didnt|dont even|dont really|no longer) (?:want|wanna|wana|wish) "
    r"(?:to )?live(?: anymore| any more| any longer| no more| another (?:day|week|year|minute)|"
    r" this life| like this| in this world| on this earth| to see| past| beyond| much longer|"
    r" long)?(?= *(?:$|[^a-z0-9 ]|(?:anymore|any more|no more|without|if|because|cause|bc|but|"
    r"and|so|lol|tbh|honestly|rn|right now|now|tomorrow|today|please|i|im)\b))",
    r"\bwont be (?:alive|breathing) (?:tomorrow|much longer|by|for|next|anymore|any more)",
)

_MEDIUM_PATTERNS: tuple[str, ...] = (
    rf"\b(?:its|it is|either)\b[^.!?\n]{{0,30}} or {_SUICIDE}\b",
    r"\bno (?:reason|point|purpose|use) (?:to|in|for) (?:live|living|go on|going on|keep going|"
    r"keep living|be alive|being alive|exist|existing|stay alive|staying alive|wake up|"
    r"waking up|carry on|carrying on|me to live|me to be alive|me to stay|life|my life|"
    r"being here)\b",
    r"\bbetter off (?:without me|if i (?:was|were|wasnt|werent|had|never|didnt|died|"
    r"disappeared|just|killed|left this|weren|wasn)\w*)",
    r"\bbetter off dead\b",
    r"\b(?:cant|cannot|can not|cnt|couldnt|could not) (?:go on|keep going|keep living|"
    r"do this anymore|"
    r"do this any more|do it anymore|take it anymore|take this anymore|take it any more|"
    r"take much more|handle (?:it|this|life) anymore|live like this|live with this|"
    r"carry on|cope anymore|be here anymore|face another day|keep doing this|"
    r"keep doing life|do life anymore|stand being alive)\b",
    rf"{_FIRST}(?: \w+){{0,3}} (?:disappear|vanish)(?:ing)? (?:forever|for good|permanently|"
    r"from (?:this world|the world|existence|everyone|the face)|and never come back|"
    r"without a trace)",
    r"\bwish (?:i|id)(?: \w+){0,3} born\b",
    r"\b(?:tired|sick|exhausted|done) (?:of|with) (?:living|being alive|life|existing|my life|"
    r"being here|waking up|it all|this life)\b",
    r"\b(?:hate|hating) (?:being alive|existing|living|to exist|my existence)\b",
    r"\bnothing (?:left )?to live for\b",
    r"\b(?:not|isnt|aint|no longer|never) worth living\b",
    r"\b(?:life|living|my life|existing|existence|being alive)(?: is| just| really| even)*"
    r" (?:isnt|not|aint|no longer) worth (?:it|living)\b",
    r"\b(?:im|i am|i feel like|i feel|feel like|being|i was|ive been|i have been)(?: \w+){0,2} "
    r"(?:a )?burden (?:to|on|for) (?:everyone|everybody|my|you|the people|people|those|"
    r"others|all|them)",
    r"\b(?:im|i am|i was|ive been|being)(?: \w+){0,2} (?:nothing but|just|such|only) a burden\b",
    r"\b(?:care|notice|miss me|happier|better|easier|relieved)(?: \w+)? if i (?:died|was gone|"
    r"were gone|disappeared|wasnt here|werent here|was dead|were dead|wasnt around|left forever)\b",
    r"\b(?:whats|what is) the point (?:of|in) (?:living|being alive|existing|going on|life|"
    r"waking up)\b",
    r"\b(?:cuts|scars|scratches|burns) on my (?:arms?|thighs?|wrists?|legs?|stomach)\b",
    r"\buntil (?:it|they|i) (?:bleed|bleeds|bled|bruise|bruises|bruised)\b",
    _END_IT,
    _ENDING_IT,
    rf"\bhurting {_ME}\b(?! (?:by|when|while|trying|lifting|running|playing|at the gym)\b)",
    r"\b(?:someone|somebody|some1|pls|please|plz)(?: please| pls| plz| just| just please)* "
    r"kill me\b(?![^.!?\n]{0,20}(?:lol|lmao|haha|rofl|xd|\U0001f602|\U0001f923|\U0001f480))",
    r"\bwont be (?:here|around) (?:much longer|tomorrow|for long|anymore|any more|by|next)",
    r"\bthis is (?:my )?(?:final |last )?goodbye\b",
    r"\bgoodbye (?:forever|cruel world|everyone forever)\b",
    r"\bmy (?:last|final) (?:post|message|words|night|tweet|toot|day alive|letter)\b",
    rf"{_FIRST}(?: \w+){{0,3}} (?:think|thinking|thought|thinks|dream|dreaming|fantasize|"
    r"fantasizing|obsess|obsessing) (?:about|of) (?:dying|death|being dead|my death|"
    r"my funeral|not existing|not being here|not waking up|disappearing|ending (?:it|things)|"
    r"killing myself)\b",
    r"\b(?:see|theres|there is|have|find|is) no way out\b",
    r"\b(?:want|wish|need|ready for) (?:it|everything|this|the pain|my life|the suffering)"
    r"(?: all)? to (?:end|stop|be over)\b",
    r"\bend (?:the|my) (?:pain|suffering)\b",
    r"\b(?:want|wanna|just want) to (?:sleep|go to sleep|fall asleep) forever\b",
    r"\bwaste of (?:space|oxygen|air|a life|life)\b",
    r"\b(?:bought|buying|saved|saving|stockpiled|stockpiling|collected|collecting|hoarding|"
    r"counted|counting) (?:up )?(?:enough |all my |my |the )?(?:pills|sleeping pills|"
    r"painkillers|rope|razor blades|blades)\b",
    # Medicine kept back: "saving up my tablets" (not "collecting my meds" from the pharmacy).
    r"\b(?:saved|saving|stockpiled|stockpiling|hoarded|hoarding|stashed|stashing) (?:up )?(?:all "
    r"(?:of )?my |enough |my |the |some )?(?:tablets|meds|medication|medicine|sleeping tablets)\b",
    # Means kept back, in other word orders: "pills saved up", "a stash of painkillers".
    r"\b(?:pills|sleeping pills|painkillers|tablets|meds|razor blades) (?:\w+ ){0,2}?(?:saved up|"
    r"stashed|stockpiled|hoarded)\b",
    r"\b(?:i have|ive got|i keep|ive been keeping|theres) a (?:secret )?(?:stash|stockpile|hoard)"
    r" of (?:pills|sleeping pills|painkillers)\b",
)

# Last resort, medium: "suicide" or "suicidal" in a sentence that also has a first-person word
# and none of the third-person, news or prevention wording of _NOT_CRISIS_PATTERNS ("I weighed
# the pros and cons of suicide" fires; "police say he died by suicide" and "suicide prevention
# month, my friends" do not).
_SENTENCE = re.compile(r"[^.!?\n]+")
_SUICIDE_WORD_PATTERNS = (rf"\b(?:{_SUICIDE}|suicidal)",)
_FIRST_PERSON_PATTERNS = (r"\b(?:i|im|ive|id|my|me|myself)\b",)
_NOT_CRISIS_PATTERNS = (
    r"\b(?:died|dies|die|dying|death|deaths|committed|commits|attempted|attempts|"
    rf"lost \w+ to|lost \w+ \w+ to|lost \w+ \w+ \w+ to) (?:by |of |from )?{_SUICIDE}\b",
    rf"\b{_SUICIDE} (?:prevention|awareness|hotline|helpline|line|crisis line|rates?|squad|"
    r"watch|risk|statistics|bomb|bomber|bombing|mission|pact|doors|is never|is not|isnt|"
    r"by)\b",
    r"\b(?:prevent|preventing|prevention|awareness|hotline|helpline|988|samaritans|"
    r"crisis line|crisis text line|talk about|talking about|reach out|reaching out|"
    r"if you|if youre|if anyone|anyone who|someone who|people who|those who|who is|whos|"
    r"who has|who was|who were|who are|"
    r"kids|teen|teens|veteran|veterans|rates?|study|report|police|according|percent|"
    r"movie|film|song|album|game|episode|book|novel|character|show|series|season|scene|"
    r"plot|portrayal|depiction|he|she|his|her|him|they|"
    r"their|them)\b",
)
# A high match right after one of these, in the same clause, is negated: medium, not high.
_NEGATION_PATTERNS = (
    r"\b(?:never|not|dont|do not|doesnt|wont|wouldnt|didnt|cant|cannot|couldnt|shouldnt|"
    r"isnt|aint|nor|no longer|accidentally|almost|nearly)"
    r"(?: (?:i|want|wanna|to|going|gonna|ever|really|actually|even|think|thinking|about|of|"
    r"try|trying|plan|planning|would|will|could|be|do|just|seriously|intend|like|am|feel|"
    r"feeling|been|have|had|a|at all|anymore|any more|so|that|am not))* *$",
)
# A match right after one of these, in the same clause, is about someone else: no score.
_OTHER_SUBJECT_PATTERNS = (
    r"\b(?:you|u|ya|youre|ur|he|she|hes|shes|they|theyre|we|were|people|someone|somebody|"
    r"everyone|he says|she says|who|whoever|anyone)"
    r"(?: (?:just|really|actually|probably|might|will|would|should|must|ever|even|do|dont|"
    r"wanna|want|to|gonna|going|never|not|all|are|is|was|so|also|still|can|cant))* *$",
)
_CLAUSE_END = re.compile(r"[.!?;,:\n\"()]| but | and | so | because | cause | cuz | bc ")

# Every match of the patterns above starts a word with one of these stems (a test checks it on
# every text it scores): the high tier with one of the first list, the medium tier with one of
# either. crisis_rules._score looks for them first, so that the ~90% of texts with none stop
# after one cheap search, and the costly high tier runs on only ~7% of texts. (In big batches,
# the candidate gate of crisis_rules has sent most texts to 0.0 before that.)
_HIGH_STEMS_TEXT = (
    "kill|k1ll|k!ll|kms|suic|su1c|su!c|myself|my self|meself|myslef|me self|life|exist|die|"
    "dead|dying|death|alive|unalive|un alive|wak|woke|liv|sewer|harm|selfharm|wrist|vein|"
    "throat|arm|thigh|noose|overdos|od|end|jump|front of|pills|meds|medication|tablets|xanax|"
    "tylenol|antidepres|painkil|breathing|by the time|get hit|dont make it|relaps|cutting|"
    "goodbye|be here|be around|this earth|this world"
)
_MEDIUM_STEMS_TEXT = (
    "funeral|born|burden|better off|anymore|any more|any longer|cant|cannot|can not|cnt|"
    "disappear|vanish|worth|way out|no reason|no point|no purpose|no use|forever|waste of|"
    "rope|blade|of it all|with it all|be over|to stop|wont be|couldnt|could not|point of|"
    "point in|scars|cuts|scratches|burns|until|history of|care|notice|miss me|happier|better|"
    "easier|relieved|my last|my final|being here"
)
_HIGH_STEMS = _HIGH_STEMS_TEXT.split("|")
_GATE_STEMS = _HIGH_STEMS + _MEDIUM_STEMS_TEXT.split("|")
