"""The words of a reply plan: several variants of each move (see :mod:`.plan`).

A move's variants are interchangeable: the plan draws one per move (seeded, without
replacement per batch). ``{quote}`` is a whole clause of theirs, ``{thing}`` the detail
they praised, ``{name}`` a person they named, ``{title}``/``{url}`` a link, ``{stars}`` the
theme's gold stars. Moves for hostile comments, spam and criticism never thank, praise,
congratulate or give a star; moves for grief and distress never praise, congratulate or give
a star (:data:`cyberkind.composer.plan.CALM_MOVES` lists them; a test reads every variant).
"""

from __future__ import annotations

from ..models import Act
from .templates import LINES

__all__ = ["MOVES"]

_PROMPT = "It matters to me because [finish this in your own words]."

MOVES: dict[str, tuple[str, ...]] = {
    # -- thanks, by what they wrote -------------------------------------------------------
    "thank": (
        "Thank you for your comment.",
        "Thanks so much for writing.",
        "Thank you for reading, and for taking the time to reply.",
        "Thank you for stopping by to comment.",
        "It means a lot that you took a moment to write, thank you.",
        "Thank you for such a thoughtful comment.",
    ),
    "thank_neutral": (
        "Thank you for your comment.",
        "Thanks for taking the time to comment.",
        "Thank you for reading, and for writing.",
    ),
    "thank_news": (
        "Thank you for telling me!",
        "Thanks so much for sharing your news here.",
        "Thank you for letting me know!",
    ),
    "thank_question": (
        "Thanks for the question.",
        "Thank you for asking.",
        "Thanks for reading, and for asking.",
    ),
    "thank_idea": (
        "Thank you for this idea.",
        "Thank you for sharing this.",
        "Thanks so much for passing this on.",
    ),
    "thank_kindness": (
        "Thank you for sharing this. " + _PROMPT,
        "Thank you for putting this into words. " + _PROMPT,
        "I'm so glad you shared this, thank you. " + _PROMPT,
    ),
    # -- respond to what they said ------------------------------------------------------------
    "agree_quote": (
        'You put it so well: "{quote}".',
        '"{quote}": yes, that is exactly what I hoped the post would say.',
        'I keep thinking about "{quote}".',
        '"{quote}" is such a good point, and it is one I want to keep in mind.',
    ),
    "agree_plain": (
        "I'm so glad the post spoke to you.",
        "It means a lot to hear that it was useful.",
        "Knowing it landed with someone keeps me writing.",
    ),
    "praised": (
        "I'm so glad you liked {thing}.",
        "Thank you for noticing {thing}; it was my favourite part to make.",
        "{Thing} was a joy to put together, so that means a lot.",
    ),
    "congratulate_quote": (
        'Congratulations! "{quote}" is wonderful news.',
        'Huge congratulations: "{quote}" made me smile.',
        'Congratulations on that! "{quote}" is worth celebrating.',
    ),
    "congratulate": (
        "Congratulations, that is wonderful news!",
        "Huge congratulations, you must be so proud.",
        "Congratulations! Well done, truly.",
    ),
    "answer_own": (
        "You asked a good one: I wrote about it here, {title} ({url}).",
        "I wrote a post on this, {title}: {url}",
        "This post of mine should help: {title} ({url}).",
    ),
    "answer_link": (
        "This should help: {title} ({url}).",
        "Have a look at {title}, {url}; I found it useful.",
        "I'd start with {title} ({url}).",
    ),
    "answer_missing_quote": (
        "You asked \"{quote}\": I haven't written about that yet and I don't have a link I "
        "trust, so I'll find out and come back to you.",
        'On "{quote}": I don\'t have a post or a good link on it yet. Let me look into it and '
        "write back.",
    ),
    "answer_missing": (
        "I haven't written about that yet and I don't have a link I trust, so I'll find out "
        "and come back to you.",
        "I don't have a post or a good link on that yet. Let me look into it and write back.",
    ),
    "third_party": (
        "And please thank {name} for sharing the post with you!",
        "Thank {name} from me for passing it on, too.",
        "I'm grateful to {name} for sharing it: please tell them thank you from me.",
    ),
    "idea_quote": (
        'What a good idea: "{quote}".',
        '"{quote}": I am going to try this.',
        'I love this: "{quote}".',
    ),
    "idea_plain": (
        "What a good idea.",
        "I am going to try this myself.",
        "This is exactly the kind of idea I hoped people would share.",
    ),
    "wall": (
        "Would you mind if I added it to the ideas wall, with your name on it?",
        "May I put it on the ideas wall, credited to you?",
        "I'd love to add it to the ideas wall with your name, if that's all right.",
    ),
    # -- grief and distress: sympathy, no praise, no star -------------------------------------
    "sympathy_grief": (
        "I'm so sorry for your loss.",
        "I'm so sorry. That is a heavy thing to carry.",
        "I'm so sorry to hear this, and I'm thinking of you.",
    ),
    "sympathy": (
        "I'm sorry you're having such a hard time.",
        "I'm so sorry things are hard right now.",
        "That sounds really hard, and I'm sorry you're dealing with it.",
    ),
    # Understanding, not only sympathy: what EPITOME calls an interpretation.
    "understand": LINES[Act.HUG]["understand"],
    "hug": (
        "Sending you a virtual hug, if you'd like one.",
        "If it would help to talk, my messages are open.",
        "I'm here if you want to talk, privately or here.",
    ),
    # -- criticism and disagreement: calm, about the issue ------------------------------------
    "discuss_open": (
        "It's fair to question this, and I'd rather hear it than not.",
        "That's a fair challenge.",
        "You raise a real point, and it deserves a proper answer.",
    ),
    "discuss_engage": (
        "I see where you're coming from, and I'd like to think it through properly.",
        "It's a point I hadn't weighed enough, and I'll think about it.",
        "I may not have said it clearly in the post, and that's on me.",
    ),
    "discuss_ask": (
        "What would you change in the post?",
        "I'd like to understand your view better: what would you do differently?",
        "Which part would you put differently?",
    ),
    # -- hostile comments and spam: no thanks, no star, no quote ------------------------------
    "care_hostile": (
        "I'm happy to talk about the post itself.",
        "I'd rather talk about the ideas in the post than about each other.",
        "Let's keep this about the post.",
    ),
    "care_hostile_ask": (
        "If there's a part you think is wrong, tell me which and why, and I'll look at it again.",
        "If something in it seems wrong to you, say what, and I'll reply to that.",
    ),
    "care_spam": (
        "This reads like an advert rather than a comment on the post, so the link won't stay up.",
        "Comments here are for talking about the post, so I'm not keeping the link.",
    ),
    # -- posts by people you follow -----------------------------------------------------------
    "encourage": (
        "Please don't give up on writing: your posts matter to the people who read them.",
        "I'm one of the people who reads every post, and I'd miss them.",
        "Feeling this way is so common, and it doesn't mean the writing isn't worth it.",
    ),
    "encourage_more": (
        "Take the time you need, and come back when it feels right.",
        "Even a short post from you is worth reading.",
        "You're not shouting into the void: I'm listening.",
    ),
    "enjoyed": (
        "I enjoyed your new post.",
        "Thank you for this post, I really enjoyed it.",
        "So glad I caught your new post.",
    ),
    "enjoyed_quote": (
        'I loved "{quote}".',
        '"{quote}" really stayed with me.',
        'The part about "{quote}" was my favourite.',
    ),
    "host": (
        "Thank you for hosting this; I know how much work goes into running it.",
        "Thank you for making space for this conversation.",
        "Hosts like you make these communities work, thank you.",
    ),
    "host_join": (
        "I'll do my best to be there.",
        "I hope lots of people join you.",
        "Looking forward to it.",
    ),
    "promote": (
        "This deserves more readers, so I'm sharing it.",
        "I'm passing this along to people who would love it.",
        "Sharing this, because more people should see it.",
    ),
    "promote_offer": (
        "I'd love to share it with my readers, if that's all right with you.",
        "May I share it with my readers too?",
        "I'll happily share it with my readers, if you'd like.",
    ),
    "appreciate_reply": (
        "Thank you for the reply, and for hosting such a kind corner of the internet.",
        "I really appreciate you taking the time to answer my comment.",
        "Thanks for making space for this conversation, and for replying to me.",
    ),
    # -- closings -----------------------------------------------------------------------------
    "close": (
        "I hope to see you here again soon.",
        "Do drop by again whenever you like.",
        "I hope the rest of your week is a kind one.",
    ),
}
"""Per move, its variants."""
