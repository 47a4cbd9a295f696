from __future__ import annotations

import numpy as np
import pytest

from cyberkind.classifiers.featurize import HashingFeaturizer, linear_logits, tokenize


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Sooooo GOOD @bob! http://x.y", ["soo", "good", "_user_", "!", "_url_"]),
        ("don't stop", ["don't", "stop"]),
        ("don\u2019t", ["don't"]),
        ("f*ck this", ["f*ck", "this"]),
        ("wow🎉🎉", ["wow", "🎉", "🎉"]),
        ("", []),
        ("@user URL", ["_user_", "_url_"]),
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


def test_features_match_sparse_transform() -> None:
    texts = ["thank you so much!", "you idiot", "", "   ", "a\x00b", "thank thank you"]
    f = HashingFeaturizer(2**12).fit(texts)
    dense = f.transform(texts).toarray()
    assert dense.shape == (6, 2**12)
    # Rows are L2-normalised; empty texts light only bucket 0.
    np.testing.assert_allclose(np.linalg.norm(dense, axis=1), 1.0, rtol=1e-5)
    assert dense[2, 0] == pytest.approx(1.0)
    assert dense[0, 0] == 0.0
    w = np.random.default_rng(0).normal(size=(2**12, 3)).astype(np.float32)
    b = np.ones(3, dtype=np.float32)
    np.testing.assert_allclose(linear_logits(f.features(texts), w, b), dense @ w + b, rtol=1e-5)


def test_features_do_not_depend_on_batch() -> None:
    texts = ["you are great", "I hate mondays", "what?", "🎉🎉 I graduated!!"]
    f = HashingFeaturizer(2**14).fit(texts)
    batch = f.transform(texts).toarray()
    fresh = HashingFeaturizer(2**14)
    fresh.idf_ = f.idf_
    one_by_one = np.vstack([fresh.transform([t]).toarray() for t in reversed(texts)])[::-1]
    np.testing.assert_allclose(batch, one_by_one, rtol=1e-6)


def test_separator_in_text_does_not_split_rows() -> None:
    f = HashingFeaturizer(2**10)
    assert f.transform(["a\x00b", "c"]).shape[0] == 2


def test_memo_reset_keeps_results(monkeypatch: pytest.MonkeyPatch) -> None:
    import cyberkind.classifiers.featurize as mod

    texts = [f"word{i} other{i}" for i in range(50)]
    expected = HashingFeaturizer(2**12).transform(texts).toarray()
    monkeypatch.setattr(mod, "_MEMO_LIMIT", 10)
    small = HashingFeaturizer(2**12)
    got = np.vstack([small.transform(texts[i : i + 7]).toarray() for i in range(0, 50, 7)])
    np.testing.assert_allclose(got, expected)


@pytest.mark.parametrize("n", [0, 3, 1000])
def test_n_features_must_be_power_of_two(n: int) -> None:
    with pytest.raises(ValueError, match="power of two"):
        HashingFeaturizer(n)


def test_empty_batch() -> None:
    f = HashingFeaturizer(2**8)
    assert f.transform([]).shape == (0, 2**8)
    w = np.zeros((2**8, 2), dtype=np.float32)
    assert linear_logits(f.features([]), w, np.zeros(2, np.float32)).shape == (0, 2)


_URL_CASES = [
    "see https://example.com/a?b=1, ok",
    "xhttps://a.b/www.c.d and www.e.f",
    "it'https://a.b then it' https://c.d",
    "a*https://x.y @https://z a@www.q.r",
    "ab'c'https://x.y/https://z www.www.w",
    "HTTP://LOUD.COM and Www.Mixed.Org!",
    "'https://quoted.org' (www.paren.net)",
    "urls: http://a.b\u2019s http://\u00e9t\u00e9.fr caf\u00e9https://x",
]


def _word_hashes(f: HashingFeaturizer, texts: list[str]) -> list[list[int]]:
    hashes, _ = f._subtokens(texts)
    out: list[list[int]] = [[]]
    for word in hashes[:, 0].tolist():
        if word == -1:  # the separator between texts
            out.append([])
        else:
            out[-1].append(word)
    return out


def test_batch_tokens_match_tokenize_around_urls() -> None:
    """The batch path (URLs read first, then a pattern without a URL branch) reads every text
    as :func:`tokenize` does, including URLs glued to words, handles and apostrophes."""
    import random
    import zlib

    rng = random.Random(0)
    pieces = ["a", "b'", "*", "@", "http://", "https://", "www.", "x.y", " ", "\u2019", "\u00e9"]
    pieces += [".", "!"]
    fuzz = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(400)]
    for texts in (_URL_CASES, fuzz, ["no links here", "nor here"]):
        expected = [[zlib.crc32(t.encode()) for t in tokenize(text)] for text in texts]
        assert _word_hashes(HashingFeaturizer(2**10), list(texts)) == expected
