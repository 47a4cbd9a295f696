"""Spam rules that work on any tier: link drops, selling, and links with little to say.

The reading tier has a ``spam`` head; the fast and accurate tiers do not. These rules read
the text alone, so every tier's inbox keeps spam out of the thank-you queue. Each rule that
matches gives one short reason, which the inbox shows ("spam: sells followers"):

- **selling**: SEO and backlinks, followers or likes for sale, crypto and trading schemes,
  casinos and betting, pills, loans, "earn $300 a day", "work from home";
- **self-promotion**: "check my profile", "visit my site", "DM me for", "click here";
- **many links**: three or more links in one comment;
- **a link with little text**: a link and fewer than eight words around it;
- **a link drop**: a stock compliment ("great post", "nice article") and a link;
- **contact for a sale**: a WhatsApp, Telegram or WeChat contact, or a phone number.

The reading tier's ``spam`` head counts where something in the text backs it (a link, contact
details, or words of selling: :func:`spam_backed`), so a question that asks for a link or a
comment naming who shared the post is not spam on the head's word alone.

A comment that shares one link inside a real thought ("I wrote about our street's
community fridge here: ... and the council's answer surprised me") is none of these.

**Usage**::

    >>> spam_signs("Great article! Visit https://cheap-likes.example for real followers")
    ('sells followers or likes', 'a link with little text', 'a link drop')
    >>> spam_signs("Thanks, this list made my week.")
    ()
    >>> is_spam("Half price today only, order at my shop", {"spam": 0.93})
    True
    >>> is_spam("Is there a printable version of the list?", {"spam": 0.93})
    False
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["SPAM_THRESHOLD", "is_spam", "link_count", "spam_backed", "spam_signs"]

SPAM_THRESHOLD = 0.5
"""The ``spam`` score (the reading tier's extra head) from which a text is spam."""

_LINK = re.compile(
    r"https?://\S+|\bwww\.\S+|\b[a-z0-9][a-z0-9-]{1,62}\.(?:com|net|org|io|xyz|biz|info|ru|top"
    r"|shop|store|site|online|club|ly|me|co|example)(?:/\S*)?\b",
    re.IGNORECASE,
)
_SELLING: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (why, re.compile(pattern, re.IGNORECASE))
    for why, pattern in (
        ("sells SEO or backlinks",
         r"\b(?:seo (?:services?|experts?|agency|package|company)|backlinks?|link[- ]?building"
         r"|guest[- ]post(?:ing)? (?:services?|offers?|opportunit\w+)|domain authority"
         r"|boost your (?:seo|ranking|traffic)|rank (?:#?1|first|on (?:the )?first page))\b"),
        ("sells followers or likes",
         r"\b(?:buy|cheap|real|instant|organic)\s+(?:\d+[k+]*\s+)?(?:real\s+)?"
         r"(?:followers|likes|subscribers|views|fans)\b"),
        ("crypto or trading scheme",
         r"\b(?:crypto\w*|bitcoin|btc|ethereum|forex|nft|trading signals?|binary options"
         r"|investment (?:opportunity|plan)|passive income|double your (?:money|investment))\b"),
        ("casino or betting",
         r"\b(?:casino|betting|bet365|poker|jackpot|roulette|sportsbook|free spins)\b"),
        ("pills or loans",
         r"\b(?:viagra|cialis|pharmacy|weight[- ]loss pills?|payday loans?|instant loans?"
         r"|credit repair)\b"),
        ("easy money",
         r"(?:[$\u00a3\u20ac]\s?\d[\d,]*\s*(?:\+\s*)?(?:a|per|every)\s+(?:day|week|hour|month)"
         r"|\b(?:work|earn) from home\b|\bmake money (?:online|fast)\b|\bget rich\b)"),
        ("sells services",
         r"\b(?:essay writing|assignment help|our (?:company|services|agency)|we (?:offer|provide)"
         r" (?:the best|cheap|affordable|professional|top)|web design services|marketing services"
         r"|hire (?:a|an|our) (?:hacker|writer|expert)|recover (?:lost|stolen) (?:funds|crypto)"
         r"|spell caster|love spell|replica \w+|rolex|keto|hot singles|dating site|webcam"
         r"|(?:buy|order|shop) now|best prices?|\d+% off|free gift|financial freedom)\b"),
        ("contact for a sale",
         r"\b(?:whats ?app|telegram|wechat|signal|kik|viber)\b[^.!?]{0,30}(?:\+?\d[\d ()-]{6,}"
         r"|@\w+|\bme\b|\bus\b)|(?:message|contact|text|call|reach|add) (?:me|us) (?:on|via|at)"
         r" (?:whats ?app|telegram|wechat|signal|kik|viber|\+?\d)|\+\d{7,}"),
        ("self-promotion",
         r"\b(?:check (?:out )?my (?:profile|page|channel|site|website|store|shop|bio|onlyfans)"
         r"|visit my (?:profile|page|channel|site|website|store|shop)"
         r"|(?:dm|message|whatsapp|telegram) me (?:for|to|now)|click (?:here|the link|my link)"
         r"|link in (?:my )?bio|use (?:my )?(?:promo|discount|coupon) code"
         r"|limited[- ]time offer|(?:visit|check out|see) mine|follow (?:me|back)|sub4sub|f4f"
         r"|subscribe to my|check out my (?:new )?(?:video|song|channel|page|blog|store|shop|site)"
         r"|(?:grow|boost) your (?:blog|business|audience|traffic|instagram|following|sales))\b"),
    )
)  # fmt: skip
_STOCK_COMPLIMENT = re.compile(
    r"\b(?:great|nice|good|awesome|excellent|informative|useful|helpful|amazing|wonderful)"
    r"\s+(?:post|article|blog|content|read|write-?up|site|information|info|share)\b"
    r"|\bthanks? (?:you )?for (?:sharing|the (?:info|information|post|article))\b",
    re.IGNORECASE,
)
_BACKING = re.compile(
    r"\b(?:buy|sell\w*|sale|order|price\w*|cheap\w*|discount\w*|promo\w*|coupon|deal\w*"
    r"|offer\w*|income|profit\w*|earn\w*|cash|money|invest\w*|click|subscribe\w*|followers"
    r"|customers?|clients?|business|agency|services?|product\w*|brand|marketing|traffic|guaranteed"
    r"|per (?:day|week|month|hour)|dm|inbox me|my (?:channel|page|site|website|shop|store|profile"
    r"|course|ebook|app))\b|[$\u00a3\u20ac]\s?\d|\d+\s?%",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_MANY_LINKS = 3
_LITTLE_TEXT = 8


def link_count(text: str) -> int:
    """How many links ``text`` holds (``https://...``, ``www....`` or a bare domain)."""
    return len(_LINK.findall(text or ""))


def spam_signs(text: str) -> tuple[str, ...]:
    """The reasons ``text`` reads as spam, in a fixed order; ``()`` when none does."""
    text = text or ""
    found = [why for why, pattern in _SELLING if pattern.search(text)]
    links = link_count(text)
    if links >= _MANY_LINKS:
        found.append("many links")
    if links:
        words = _WORD.findall(_LINK.sub(" ", text))
        if len(words) < _LITTLE_TEXT:
            found.append("a link with little text")
        if _STOCK_COMPLIMENT.search(text):
            found.append("a link drop")
    return tuple(dict.fromkeys(found))


def spam_backed(text: str) -> bool:
    """Whether something in ``text`` backs a ``spam`` score: a link, contact details or words
    of selling ("discount", "earn", "my channel", "$9")."""
    return bool(link_count(text) or _BACKING.search(text or "") or spam_signs(text))


def is_spam(
    text: str, scores: Mapping[str, float] | None = None, threshold: float = SPAM_THRESHOLD
) -> bool:
    """Whether ``text`` is spam: a ``spam`` score at ``threshold`` or above (when ``scores``
    carry one, as the reading tier's do) backed by the text (:func:`spam_backed`), or any of
    the rules of :func:`spam_signs`."""
    if scores is not None and scores.get("spam", 0.0) >= threshold and spam_backed(text):
        return True
    return bool(spam_signs(text))
