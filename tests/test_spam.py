"""The spam rules that work on any tier (cyberkind.spam), on examples written for these tests."""

from __future__ import annotations

import pytest

from cyberkind.spam import is_spam, link_count, spam_signs


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Wonderful blog. We offer cheap SEO services, 100 backlinks for $20.",
         "sells SEO or backlinks"),
        ("Buy 5000 real followers today at instantfans.example", "sells followers or likes"),
        ("My cousin doubled his bitcoin in a week, ask me how", "crypto or trading scheme"),
        ("Free spins at the best online casino", "casino or betting"),
        ("I make $400 a day working part time", "easy money"),
        ("Nice words. Check out my profile for more!", "self-promotion"),
        ("https://a.example https://b.example https://c.example", "many links"),
        ("see https://deals.example", "a link with little text"),
        ("Informative article, thank you. More here: https://x.example/page about gardening "
         "tools and seeds for all seasons", "a link drop"),
    ],
)  # fmt: skip
def test_each_rule_names_its_reason(text: str, why: str) -> None:
    assert why in spam_signs(text)
    assert is_spam(text)


@pytest.mark.parametrize(
    "text",
    [
        "Thank you, this list made my week.",
        "I wrote about our street's community fridge here: https://mine.example/fridge and the "
        "council's answer surprised me a lot.",
        "How do you grow followers without feeling fake about it?",
        "We have a few time slots left for volunteers on Saturday.",
        "",
    ],
)
def test_ordinary_comments_are_not_spam(text: str) -> None:
    assert spam_signs(text) == ()
    assert not is_spam(text)


def test_a_spam_score_counts_where_the_scores_carry_one_and_the_text_backs_it() -> None:
    selling = "My channel has the best recipes, subscribe for more"
    assert is_spam(selling, {"spam": 0.91})
    assert not is_spam(selling, {"spam": 0.2})
    assert is_spam(selling, {"spam": 0.3}, threshold=0.25)
    # The head alone, on words with nothing of a sale in them, is not enough.
    assert not is_spam("Hello there", {"spam": 0.91})
    assert not is_spam("My cousin Ruth passed this on to me, she reads you too.", {"spam": 0.95})


@pytest.mark.parametrize(
    "text",
    [
        "Want to grow your savings? Text me on WhatsApp +4470000000 for the plan",
        "For a quick loan reach us on Telegram @fastcash_help",
    ],
)
def test_contact_for_a_sale(text: str) -> None:
    assert "contact for a sale" in spam_signs(text)


def test_link_count() -> None:
    assert link_count("see https://a.example/x and www.b.example, or cc.org") == 3
    assert link_count("no links, e.g. none") == 0
