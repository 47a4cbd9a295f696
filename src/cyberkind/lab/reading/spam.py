"""Spam data: the YouTube Spam Collection split by video, plus generated blog-comment spam.

**YouTube** (Alberto et al. 2015, CC BY 4.0): 1,956 comments on five music videos. Split
*by video*, so the held-out score measures spam from videos the model never saw:

- train: ``01`` (Psy), ``04`` (Katy Perry), ``07`` (LMFAO);
- dev (thresholds): ``08`` (Eminem);
- test (reported once): ``09`` (Shakira).

**Generated blog-comment spam** (written by the cyberkind developers, Apache-2.0): YouTube
spam of 2013-2015 is "check out my channel"; comment spam on blogs and the fediverse is SEO
link drops, follower selling, crypto and "nice post, visit my site". :func:`blog_spam`
fills templates of :data:`SPAM_FAMILIES` with seeded fillers (sites, products, coins,
numbers, casing and punctuation noise). Hard negatives (:data:`HAM_FAMILIES`) are genuine
comments that carry a link or talk about money, followers or SEO without selling anything.
Whole families go to one split (``F_SPLIT``), so dev and test measure new phrasings.

**Usage**::

    >>> rows = blog_spam(seed=0)
    >>> sorted({r.split for r in rows})
    ['dev', 'test', 'train']
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path
from typing import NamedTuple

from ...errors import DataError
from ..training.corpora import Split

__all__ = [
    "HAM_FAMILIES",
    "SPAM_FAMILIES",
    "VIDEO_SPLITS",
    "SpamRow",
    "blog_spam",
    "youtube_spam",
]


class SpamRow(NamedTuple):
    """One spam-labelled text: ``y`` is 1 for spam; ``source`` names the video or family."""

    text: str
    y: int
    source: str
    split: Split


VIDEO_SPLITS: dict[str, Split] = {
    "01-9bZkp7q19f0": "train",
    "04-CevxZvSJLk8": "train",
    "07-KQ6zr6kCPj8": "train",
    "08-uelHwf8o7_U": "dev",
    "09-pRpeEdMmmQ0": "test",
}


def youtube_spam(data_dir: Path) -> list[SpamRow]:
    """Every YouTube Spam Collection comment, split by video (:data:`VIDEO_SPLITS`)."""
    rows: list[SpamRow] = []
    for stem, split in VIDEO_SPLITS.items():
        path = data_dir / "youtube-spam-collection" / f"{stem}.csv"
        if not path.is_file():
            raise DataError(
                f"{path} is missing. You can fix this by pointing --data-dir at the shared "
                "data folder (../shared/data)."
            )
        with path.open(encoding="utf-8", errors="replace", newline="") as f:
            for row in csv.DictReader(f):
                text = row["CONTENT"].replace("\ufeff", "").strip()
                if text:
                    rows.append(SpamRow(text, int(row["CLASS"]), f"youtube-{stem}", split))
    return rows


_FILL: dict[str, tuple[str, ...]] = {
    "site": (
        "bestdealz.shop",
        "seo-rankfast.net",
        "cheap-pills24.com",
        "my-blog-hub.info",
        "topcasino-bonus.xyz",
        "getrich-now.biz",
        "followerfarm.io",
        "cryptoyield.app",
        "linkjuice.pro",
        "essaywriter-pro.org",
        "replica-watches.store",
        "loans4u.cc",
    ),
    "anchor": (
        "cheap essay writing",
        "best online casino",
        "buy instagram followers",
        "payday loans",
        "replica watches",
        "weight loss pills",
        "seo services",
        "web design agency",
        "crypto signals",
        "forex robot",
    ),
    "platform": ("Instagram", "TikTok", "Twitter", "YouTube", "Facebook", "Spotify", "Twitch"),
    "thing": ("followers", "likes", "views", "subscribers", "plays", "retweets"),
    "num": ("1000", "5k", "10,000", "500", "2500", "50k", "100k"),
    "price": ("$5", "$9.99", "$19", "only $3", "$49", "a few bucks"),
    "coin": ("BTC", "Bitcoin", "ETH", "USDT", "Solana", "DOGE", "a new token"),
    "gain": ("10x", "300%", "$5,000 a week", "$800 a day", "double", "passive income"),
    "topic": ("this post", "your article", "this write-up", "the blog", "this content"),
    "praise": (
        "Nice post",
        "Great article",
        "Very informative",
        "Awesome blog",
        "Thanks for sharing",
        "Really helpful content",
        "Good job admin",
    ),
    "contact": (
        "WhatsApp +1 555 0134",
        "telegram @profitguru",
        "DM me",
        "email me at deals@mail.ru",
        "check my bio",
        "message me on WhatsApp",
    ),
    "name": ("Mr. Adams", "Dr. Kelvin", "Mrs. Helen", "Coach Marcus", "Ms. Jane"),
    "url_path": ("", "/?ref=blog", "/promo", "/index.php?id=77", "/go/offer", "/free"),
}

SPAM_FAMILIES: dict[str, tuple[str, ...]] = {
    "seo_praise_link": (
        "{praise}! I learned a lot. Visit my site http://{site}{url_path}",
        "{praise}, keep it up. Also check out my page on {anchor} at {site}",
        "{praise} about {topic}. For {anchor} visit https://{site}{url_path}",
        "very nice {topic} i bookmarked it. my website: www.{site}",
    ),
    "link_drop": (
        "http://{site}{url_path}",
        "{anchor} {anchor} http://{site}{url_path}",
        '<a href="http://{site}">{anchor}</a>',
        "[url=http://{site}{url_path}]{anchor}[/url]",
        "{anchor} >>> https://{site}{url_path}",
    ),
    "follower_selling": (
        "Buy {num} real {platform} {thing} for {price}! Fast delivery at {site}",
        "Want more {thing}? Get {num} {platform} {thing} instantly at {site}",
        "Grow your {platform} today: {num} {thing} for {price}. {contact}",
        "need {platform} {thing}?? we sell {num} for {price} no password needed {contact}",
    ),
    "crypto": (
        "I made {gain} with {coin} thanks to {name}, {contact}",
        "Invest in {coin} now and get {gain} guaranteed! Join us: https://{site}",
        "{coin} airdrop is live, claim your free tokens at {site}{url_path}",
        "Stop working 9-5. I earn {gain} trading {coin} with {name}. {contact}",
    ),
    "money_scheme": (
        "Work from home and earn {gain}! No experience needed. Apply at {site}",
        "My aunt makes {gain} online from her laptop. Find out how: {site}",
        "Get a loan today with no credit check, {contact}",
    ),
    "sub4sub": (
        "sub4sub? I subscribe back to everyone! {contact}",
        "Please subscribe to my {platform} channel, I will follow you back!!",
        "follow me on {platform} and I follow back, {num} {thing} goal",
    ),
    "pharma_casino": (
        "Best {anchor} online, {price} only, order at {site}{url_path}",
        "Win big at the {anchor}! Free spins for new players: https://{site}",
        "Cheap meds without prescription, discreet shipping, {site}",
    ),
    "spell_caster": (
        "I want to thank {name} who brought my ex back in 3 days, {contact}",
        "My husband came back thanks to {name}, the great spell caster. {contact}",
    ),
}
"""Blog-comment spam templates, by family."""

HAM_FAMILIES: dict[str, tuple[str, ...]] = {
    "source_link": (
        "Here is the paper they cite: https://arxiv.org/abs/2101.{num}",
        "Source for the numbers: https://en.wikipedia.org/wiki/Minimum_wage",
        "The docs explain it better than I can: https://docs.python.org/3/library/re.html",
        "The full report is here https://www.who.int/publications if anyone wants to check",
    ),
    "own_work_in_context": (
        "I wrote about the same bug last year, in case it helps: https://myblog.dev/fix",
        "We hit this too; our workaround is in the PR https://github.com/org/repo/pull/12",
        "Shameless plug, but my notes on {topic} might help someone: https://notes.example.org",
    ),
    "genuine_praise": (
        "{praise}, the part about caching finally made it click for me.",
        "{praise}! I tried the recipe and my kids loved it.",
        "Really enjoyed {topic}, especially the second half.",
    ),
    "talk_about_spam": (
        "Is it just me or is {platform} full of bots selling {thing} lately?",
        "My post got {num} {thing} overnight and I'm pretty sure they are bots.",
        "I lost money on {coin} last year, so be careful with anyone promising {gain}.",
        "How do you all deal with SEO spam in your comments?",
    ),
    "question_with_link": (
        "Does this also work on Windows? I followed https://{site_ok} and got an error.",
        "Is this the same dataset as https://github.com/{user}/data ?",
    ),
}
"""Genuine comments (hard negatives) that carry links or spam vocabulary."""

_HAM_FILL = {
    "site_ok": ("example.com/setup", "docs.rs/tokio", "readthedocs.io/en/latest", "nodejs.org"),
    "user": ("alice", "cardiffnlp", "google-research", "someone"),
}

F_SPLIT: dict[str, Split] = {
    "seo_praise_link": "train",
    "link_drop": "train",
    "follower_selling": "train",
    "crypto": "train",
    "money_scheme": "dev",
    "sub4sub": "train",
    "pharma_casino": "test",
    "spell_caster": "test",
    "source_link": "train",
    "own_work_in_context": "dev",
    "genuine_praise": "train",
    "talk_about_spam": "train",
    "question_with_link": "test",
}
"""The split of each family: whole families are held out."""

_SLOT = re.compile(r"\{(\w+)\}")


def _fill(template: str, rng: random.Random) -> str:
    def pick(m: re.Match[str]) -> str:
        options = _FILL.get(m.group(1)) or _HAM_FILL[m.group(1)]
        return rng.choice(options)

    text = _SLOT.sub(pick, template)
    # Casual noise: case, missing final punctuation, an emoji, doubled exclamation marks.
    roll = rng.random()
    if roll < 0.15:
        text = text.lower()
    elif roll < 0.22:
        text = text.upper()
    if rng.random() < 0.2:
        text = text.rstrip(".!")
    if rng.random() < 0.15:
        text += rng.choice((" 🔥", " 👍", " 💰", " :)", " !!!"))
    return text


def blog_spam(seed: int = 0, per_template: int = 12) -> list[SpamRow]:
    """Generated blog-comment spam (y=1) and hard negatives (y=0), one split per family."""
    rng = random.Random(seed)
    rows: list[SpamRow] = []
    seen: set[str] = set()
    for y, families in ((1, SPAM_FAMILIES), (0, HAM_FAMILIES)):
        for family, templates in families.items():
            for template in templates:
                for _ in range(per_template):
                    text = _fill(template, rng)
                    if text not in seen:
                        seen.add(text)
                        rows.append(SpamRow(text, y, f"blog-{family}", F_SPLIT[family]))
    return rows
