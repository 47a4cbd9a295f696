"""The words drafts are made of: per act, many variants of each line.

A draft is ``greeting + lead + specific (+ understand, for hugs) + extra + star line +
sign-off``. ``lead`` lines
thank, congratulate or comfort; ``specific`` lines quote the writer's own key phrase
(``{phrase}``) so the draft answers what they said; ``plain`` lines stand in when there is
no phrase (or the guard objected to one); ``extra`` lines are optional and dropped for
users who write short replies. ``{name}`` is the person, ``{title}`` their post's title.
Variants are drawn without replacement per batch (see :mod:`cyberkind.composer.compose`).
"""

from __future__ import annotations

from ..models import Act

__all__ = ["CRISIS", "EMOJI", "LINES", "STAR_LINES", "THEMED_STAR_LINES", "THEMES"]

_THANKS_PROMPT = "It matters to me because [finish this in your own words]."

LINES: dict[Act, dict[str, tuple[str, ...]]] = {
    Act.THANK_COMMENTER: {
        "lead": (
            "Thank you for taking the time to comment!",
            "Thanks so much for your comment.",
            "I really appreciate you stopping by to comment.",
            "Your comment made my day, thank you!",
            "Thank you for reading and for leaving such a thoughtful comment.",
            "It means a lot that you took a moment to write, thank you.",
            "What a kind comment, thank you for it!",
        ),
        "specific": (
            'I especially loved "{phrase}".',
            'Your words "{phrase}" stayed with me.',
            '"{phrase}": yes, exactly that!',
            'I smiled at "{phrase}".',
            'You put it so well: "{phrase}".',
            'Thank you for "{phrase}", it gave me something to think about.',
            '"{phrase}" is such a good point.',
        ),
        "plain": (
            "It is lovely to hear from you.",
            "I am so glad the post spoke to you.",
            "Comments like yours keep me writing.",
        ),
        "extra": (
            "I hope to see you here again soon.",
            "Do drop by again whenever you like.",
            "Conversations like this are why I write.",
            "I hope the rest of your week is a kind one.",
        ),
    },
    Act.THANK_READER: {
        "lead": (
            "Thank you for reading!",
            "Thanks so much for reading and for the like.",
            "It means a lot that you read my post, thank you.",
            "Thank you for following along, it really does mean a lot.",
            "I am so glad you found your way here, thank you for reading.",
        ),
        "specific": ('Thank you for the kind words, "{phrase}".',),
        "plain": (
            "Knowing someone is reading makes writing worth it.",
            "Every reader makes this little corner warmer.",
            "I hope you find something here that makes you smile.",
        ),
        "extra": ("Welcome, and thank you again.", "I hope you enjoy what comes next."),
    },
    Act.THANK_SHARER: {
        "lead": (
            "Thank you so much for sharing my post!",
            "Thanks for passing my post along, that is really kind.",
            "I am so grateful you shared my post.",
            "Thank you for the share, it helps the post find the people who need it.",
            "Sharing my post was such a kind thing to do, thank you.",
        ),
        "specific": ('And thank you for adding "{phrase}".',),
        "plain": (
            "Every share helps a little kindness travel further.",
            "It means a lot to have you spreading the word.",
            "I really appreciate you helping it reach more people.",
        ),
        "extra": ("Thank you again for your generosity.",),
    },
    Act.THANK_FOR_SHARING_WHAT_MATTERS: {
        "lead": (
            "Thank you for sharing this. " + _THANKS_PROMPT,
            "Thank you for putting this into words. " + _THANKS_PROMPT,
            "I am so glad you shared this. " + _THANKS_PROMPT,
            "Thank you for sharing something that matters. " + _THANKS_PROMPT,
            "This is worth sharing, thank you. " + _THANKS_PROMPT,
        ),
        "specific": (
            'I love the idea: "{phrase}".',
            '"{phrase}" is such a kind idea.',
            'Your words "{phrase}" are going on my list.',
            'What a thought: "{phrase}".',
            '"{phrase}": I am going to try this.',
        ),
        "plain": (
            "Ideas like this make the world a little warmer.",
            "Thank you for caring enough to share it.",
        ),
        "extra": (
            "I hope others pick this up too.",
            "I will pass this along.",
            "Thank you for making this corner of the internet kinder.",
        ),
    },
    Act.CELEBRATE: {
        "lead": (
            "Congratulations!",
            "Huge congratulations!",
            "What wonderful news, congratulations!",
            "Congratulations, this is so well deserved!",
            "I am so happy for you, congratulations!",
            "This is brilliant news, congratulations!",
        ),
        "specific": (
            '"{phrase}" is something to celebrate.',
            'Reading "{phrase}" made me smile.',
            'Well done on "{phrase}".',
            'Hooray for "{phrase}"!',
            '"{phrase}": you earned every bit of it.',
            'Cheering you on for "{phrase}".',
        ),
        "plain": (
            "You have worked hard for this.",
            "This is such a lovely milestone.",
            "Enjoy every moment of it.",
        ),
        "extra": (
            "Here's to many more milestones!",
            "I can't wait to see what you do next.",
            "Take a moment to enjoy it.",
            "You deserve a celebration.",
        ),
    },
    Act.HUG: {
        "lead": (
            "I'm sorry you're having a hard time.",
            "I'm so sorry things are hard right now.",
            "I'm sorry you're going through this.",
            "That sounds really hard, and I'm sorry you're dealing with it.",
            "I'm sorry today is so heavy for you.",
        ),
        "specific": (
            'When you wrote "{phrase}", it sounded like a lot to carry.',
            'Reading "{phrase}", I can hear how much you are carrying.',
            '"{phrase}" sounds exhausting, and it makes sense that you feel this way.',
            'It sounds like "{phrase}" has been weighing on you.',
        ),
        "plain": (
            "It makes sense to feel this way.",
            "What you are feeling matters.",
            "You don't have to carry it all at once.",
        ),
        # Understanding, not only sympathy: what EPITOME calls an interpretation.
        "understand": (
            "I know how heavy that kind of thing can feel.",
            "Feeling this way after all that makes so much sense to me.",
            "I know how hard it is when things pile up like that.",
            "I can understand how draining and lonely that must feel.",
            "I understand why this feels like so much right now.",
        ),
        "extra": (
            "Sending you a big virtual hug.",
            "Sending a warm virtual hug your way.",
            "Here's a virtual hug, if you'd like one.",
            "Virtual hug coming your way, and I'm here if you want to talk.",
        ),
    },
    Act.APPRECIATE_HOST: {
        "lead": (
            "Thank you for hosting such a warm conversation.",
            "Thanks for making space for this conversation, and for replying to me.",
            "You are such a generous host, thank you for replying.",
            "I really appreciate you taking the time to answer my comment.",
            "Thank you for the reply, and for hosting such a kind corner of the internet.",
        ),
        "specific": (
            'I especially appreciated "{phrase}".',
            '"{phrase}" was a lovely thing to read.',
            'Thank you for "{phrase}".',
            'You made a great point with "{phrase}".',
        ),
        "plain": ("It is a pleasure to be part of your conversations.",),
        "extra": ("I always enjoy visiting.", "Looking forward to your next post."),
    },
    Act.SEND_LINK: {
        "lead": (
            "Great question!",
            "That's such a good question.",
            "I've wondered about that too.",
            "Thanks for asking this.",
            "What a useful thing to ask.",
        ),
        "specific": (
            'About "{phrase}?": [add a link or a tip that could help].',
            'On "{phrase}?", this might help: [add a link].',
            'For "{phrase}?", I found this useful: [add a link].',
        ),
        "plain": ("Here's something that might help: [add a link].",),
        # With a suggestion from the link library ({title} and {url} of the best match).
        "specific_link": (
            'About "{phrase}?": this might help, {title} ({url}).',
            'On "{phrase}?", I found this useful: {title} ({url}).',
            'For "{phrase}?", have a look at {title}: {url}',
            'You asked "{phrase}?", and this helped me: {title} ({url}).',
        ),
        "plain_link": (
            "Here's something that might help: {title} ({url}).",
            "This might be useful: {title}, {url}",
        ),
        "extra": ("I hope it helps!", "Let me know if it's useful."),
    },
    Act.ENCOURAGE_POST: {
        "lead": (
            "I enjoyed your new post.",
            "Thank you for this post, I really enjoyed it.",
            "What a lovely new post.",
            "Your new post brightened my day.",
            "So glad I caught your new post.",
            "I always look forward to your posts, and this one did not disappoint.",
        ),
        "specific": (
            'I loved "{phrase}".',
            '"{phrase}" really stayed with me.',
            'The part about "{phrase}" was my favourite.',
            '"{phrase}": so well put.',
            'I keep thinking about "{phrase}".',
        ),
        "plain": ("Keep writing, it really matters.", "Your writing always makes me think."),
        "extra": (
            "Keep writing!",
            "Looking forward to the next one.",
            "Please keep sharing your work.",
            "Your voice is one I'm glad to read.",
        ),
    },
    Act.PROMOTE_WORK: {
        "lead": (
            "This deserves to be seen by everyone.",
            "Such good work, I'm sharing it.",
            "I'm passing this along to everyone I know who would love it.",
            "This is wonderful work, and I'm boosting it.",
            "Sharing this, because more people should see it.",
        ),
        "specific": (
            '"{phrase}": people, go and have a look!',
            'Congratulations on "{phrase}".',
            'Very proud to share "{phrase}".',
            '"{phrase}" is worth every reader it gets.',
        ),
        "plain": ("Well done, and thank you for making it.",),
        "extra": ("Go and have a look!", "Well deserved.", "More of this, please."),
    },
}
"""Per act (OFFER_DM goes through :data:`CRISIS` instead), the line pools."""

STAR_LINES: dict[str, tuple[str, ...]] = {
    "1": (
        "A lovely glittering gold star to you!",
        "Here's a shiny gold star for you.",
        "You've earned a gold star today.",
        "One gold star, with my thanks.",
        "Gold star for you, {name}!",
        "Please accept one sparkly gold star.",
        "Consider this a gold star, {name}.",
    ),
    "2": (
        "Two gold stars for that one!",
        "That idea earns two sparkling gold stars.",
        "Double gold stars for this idea!",
        "Two shiny gold stars, well earned.",
    ),
    "3": (
        "Three gold stars, and I'd give more if I had them!",
        "A whole constellation: three gold stars for you.",
        "Three glittering gold stars for this!",
    ),
    "group": (
        "A gold star to each of you!",
        "Gold stars all round!",
        "A shiny gold star for every one of you.",
    ),
}
"""Star lines by count (``"3"`` is used for three or more); ``"group"`` thanks several."""

THEMES: dict[str, tuple[tuple[str, ...], str]] = {
    "bridge": (("bridge",), "a bridge of gold stars"),
    "garden": (("garden", "plant", "flower", "seedling", "tomato", "allotment"),
               "a whole bouquet of gold stars"),
    "baking": (("bake", "baking", "cake", "bread", "cookie", "sourdough", "loaf"),
               "a freshly baked batch of gold stars"),
    "books": (("book", "novel", "library", "chapter"), "a whole shelf of gold stars"),
    "music": (("song", "music", "choir", "guitar", "piano", "concert"),
              "a chorus of gold stars"),
    "sea": (("sea", "beach", "boat", "ocean", "sail", "sailing", "wave"),
            "a boatload of gold stars"),
    "mountain": (("mountain", "hike", "hiking", "climb", "summit", "trail"),
                 "a mountain of gold stars"),
    "knitting": (("knit", "knitting", "quilt", "sew", "sewing", "yarn", "scarf"),
                 "a hand-knitted blanket of gold stars"),
    "birds": (("bird", "robin", "owl", "birdwatching", "nest"), "a whole flock of gold stars"),
    "trees": (("tree", "forest", "woods", "oak"), "a forest of gold stars"),
    "coffee": (("coffee", "tea", "cafe", "latte"), "a steaming mug of gold stars"),
    "running": (("run", "running", "marathon", "race", "runner"), "a finish line of gold stars"),
    "photos": (("photo", "photograph", "camera", "picture"), "a gallery of gold stars"),
    "sky": (("sky", "moon", "planet", "telescope", "galaxy"), "a galaxy of gold stars"),
    "cats": (("cat", "kitten"), "a purring pile of gold stars"),
    "dogs": (("dog", "puppy"), "a wagging tail of gold stars"),
    "cooking": (("recipe", "soup", "cook", "cooking", "dinner", "kitchen"),
                "a full plate of gold stars"),
}  # fmt: skip
"""Themes a gold star can take its wording from: words that mark the theme, and the stars.

``compose.theme_of`` picks the theme that stands out in their words; the star line then comes
from :data:`THEMED_STAR_LINES` ("a bridge of gold stars for someone who wrote about bridges").
"""

THEMED_STAR_LINES: dict[str, tuple[str, ...]] = {
    "1": (
        "{Stars} for you, {name}!",
        "Here's {stars}, just for you.",
        "You've earned {stars} today.",
    ),
    "2": (
        "Two gold stars for that one, built into {stars}!",
        "That idea earns two gold stars: {stars}, really.",
    ),
    "3": (
        "Three gold stars, and {stars} besides!",
        "Three gold stars for this, and {stars} to go with them.",
    ),
}
"""Star lines with a theme (``{stars}``: the theme's stars, ``{Stars}`` capitalised)."""

EMOJI: dict[Act, tuple[str, ...]] = {
    Act.THANK_COMMENTER: ("\U0001f60a", "\U0001f49b", "\U0001f64f"),
    Act.THANK_READER: ("\U0001f60a", "\U0001f49b"),
    Act.THANK_SHARER: ("\U0001f64f", "\U0001f49b"),
    Act.THANK_FOR_SHARING_WHAT_MATTERS: ("\U0001f49b", "\U0001f331"),
    Act.CELEBRATE: ("\U0001f389", "\U0001f973", "\U0001f38a"),
    Act.HUG: ("\U0001f917", "\U0001f49b"),
    Act.APPRECIATE_HOST: ("\U0001f60a", "\U0001f64f"),
    Act.SEND_LINK: ("\U0001f4a1",),
    Act.ENCOURAGE_POST: ("\U0001f4aa", "\u2728"),
    Act.PROMOTE_WORK: ("\U0001f4e3", "\u2728"),
}

CRISIS: dict[str, tuple[str, ...]] = {
    "lead": (
        "I read what you wrote and I wanted to reach out privately, because I care about "
        "how you are doing.",
        "I saw your message and I'm thinking of you. I'm really glad you shared how you feel.",
        "I wanted to message you privately after reading your post. You matter to me, and "
        "I'm glad you said something.",
    ),
    "help": (
        "You don't have to go through this alone. Would you be willing to talk to someone "
        "who can help right now?",
        "Talking to someone trained to listen can really help, and it's free and confidential.",
        "Please consider reaching out to people who are there to listen, any time of day.",
    ),
    "stay": (
        "I'm here if you want to talk, and I'm not going anywhere.",
        "If you want to, you can tell me more. I'm listening.",
        "I'd love to hear from you when you feel up to it.",
    ),
}
"""The crisis message: caring, private, pointing to help. It never quotes their words."""
