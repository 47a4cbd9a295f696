"""Apply the learned substitution lexicon: swap or drop toxic words, keep everything else.

The lexicon (``classifiers/data/detox-v1/substitutions.json``) maps a lower-cased word or short
phrase to a neutral replacement or to ``""`` (delete). It is learned from ParaDetox by
:mod:`cyberkind.lab.training.detox` (``cyberkind train --only detox``).

:func:`apply_substitutions` replaces whole words and phrases only ("ass" never touches
"class" or "assume"), longest phrase first, case-preservingly (a capitalised or upper-case
match gets a capitalised or upper-case replacement). Given ``spans``, it only rewrites matches
that overlap one of those character ranges. Deletions are tidied: no double spaces, no comma
left before a full stop, no punctuation left at the start ("you , idiot ." -> "you."), and a
sentence whose first word was deleted starts with a capital. Negations are never touched: a
rule whose phrase or replacement holds one is ignored, even in a hand-made lexicon.

**Usage**::

    >>> from cyberkind.guard.substitutions import apply_substitutions, load_substitutions
    >>> subs = load_substitutions()
    >>> apply_substitutions("Fucking hell, I don't give a shit about it.", subs)
    "I don't care about it."
    >>> apply_substitutions("this shit is not fucking funny", {"fucking": ""}, spans=[(16, 30)])
    'this shit is not funny'
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from ..errors import ModelError

__all__ = [
    "DETOX_MODEL",
    "NEGATIONS",
    "apply_edits",
    "apply_substitutions",
    "delete_spans",
    "find_substitutions",
    "load_substitutions",
]

DETOX_MODEL = "detox-v1"
"""The folder of the shipped lexicon inside ``classifiers/data`` (or a ``model_dir``)."""

# Tokens that carry a negation. "'t" is the tail of every split contraction ("don 't"); the
# stems ("don", "can", "won") are listed too so that no rule ever cuts a contraction in half.
NEGATIONS = frozenset((
    "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "nowhere", "cannot",
    "without", "hardly", "barely", "'nt", "'t", "t", "dont", "cant", "wont", "isnt", "arent",
    "doesnt", "didnt", "wasnt", "werent", "shouldnt", "wouldnt", "couldnt", "aint", "havent",
    "hasnt", "hadnt", "mustnt", "neednt", "don", "can", "won", "isn", "aren", "doesn", "didn",
    "wasn", "weren", "shouldn", "wouldn", "couldn", "ain", "haven", "hasn", "hadn", "mustn",
    "needn", "nah", "naw", "nope", "idk", "idc", "dunno",
))  # fmt: skip

Span = tuple[int, int]

_TOKEN = re.compile(r"'?\w+|[^\s\w]")
_DELETED = "\x00"  # a deletion
_DELETED_CAP = "\x01"  # a deletion of a capitalised word: the next word may need a capital
_CAPITALISE = "\x02"
_SPACE = "\x03"  # a space the tidying puts back; runs of them and real spaces become one
# Deletions separated only by spaces or commas are one gap: the commas were theirs.
_RUN = re.compile(r"[\x00\x01](?:[ \t,;:]*[\x00\x01])*")
_SITE = re.compile(r"(?P<lp>[ \t]*[,;:]+)?[ \t]*(?P<s>[\x00\x01])[ \t]*(?P<rp>[,;:.!?]+)?[ \t]*")
_SPACES = re.compile(r"[ \t]*\x03[ \t\x03]*")
_CAP_NEXT = re.compile(r"\x02([^\w]*)(\w)?")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))


@functools.cache
def _load(path: str) -> Mapping[str, str]:
    file = Path(path)
    try:
        artifact = json.loads(file.read_text(encoding="utf-8"))
        rules = {str(k): str(v["to"]) for k, v in artifact["substitutions"].items()}
    except FileNotFoundError as exc:
        raise ModelError(
            f"{file} is missing. You can fix this by running `cyberkind train --only detox`."
        ) from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelError(
            f"{file} is not a substitution lexicon ({exc}). You can fix this by running "
            "`cyberkind train --only detox`."
        ) from exc
    return MappingProxyType(rules)


def load_substitutions(model_dir: Path | None = None) -> Mapping[str, str]:
    """The lexicon ``{phrase: replacement}`` ("" deletes), read once and cached.

    ``model_dir`` is a folder written by ``cyberkind train`` (holding ``detox-v1/``); the
    default is the lexicon shipped in the package. Raise
    :class:`~cyberkind.errors.ModelError` when it is missing or malformed.

    **Usage**::

        >>> load_substitutions()["fucking"]
        ''
    """
    if model_dir is None:
        base = importlib.resources.files("cyberkind.classifiers") / "data"
        path = Path(str(base / DETOX_MODEL / "substitutions.json"))
    else:
        path = Path(model_dir).expanduser() / DETOX_MODEL / "substitutions.json"
    return _load(str(path.resolve()))


def _phrase_pattern(phrase: str) -> str:
    tokens = _tokens(phrase)
    out = r"(?<![\w'\u2019])" if tokens[0][0] != "'" else r"(?<=\w)"
    for i, tok in enumerate(tokens):
        if i:
            out += r"[ \t]*" if not tok[0].isalnum() and tok[0] != "_" else r"[ \t]+"
        out += re.escape(tok).replace("'", "['\u2019]")
    return out + r"(?!\w)(?!['\u2019]\w)"


@functools.lru_cache(maxsize=8)
def _compiled(rules: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    usable: dict[str, str] = {}
    for phrase, to in rules:
        key = " ".join(_tokens(phrase))
        if (
            not key
            or NEGATIONS.intersection(_tokens(phrase))
            or NEGATIONS.intersection(_tokens(to))
        ):
            continue  # never touch a negation, whatever the lexicon says
        usable[key] = to
    if not usable:
        return None, usable
    # Longest phrase first, so "the fuck" wins over "fuck" at the same position.
    order = sorted(usable, key=lambda k: (-len(k.split()), -len(k), k))
    pattern = "|".join(_phrase_pattern(k) for k in order)
    return re.compile(pattern, re.IGNORECASE), usable


def _match_case(matched: str, replacement: str) -> str:
    letters = [c for c in matched if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    if letters and matched.lstrip("'\u2019")[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _sentinel(removed: str) -> str:
    first = next((c for c in removed if c.isalpha()), "")
    return _DELETED_CAP if first.isupper() else _DELETED


def _tidy(text: str) -> str:
    """Close up the gaps that deletions (marked by sentinels) left behind."""
    if _DELETED not in text and _DELETED_CAP not in text:
        return text
    text = _RUN.sub(lambda m: _DELETED_CAP if _DELETED_CAP in m.group() else _DELETED, text)

    def close(m: re.Match[str]) -> str:
        before = text[: m.start()].strip(" \t\x00\x01")
        after = text[m.end() :].strip(" \t\x00\x01")
        lp, rp = m.group("lp"), m.group("rp") or ""
        stop = re.search(r"[.!?]", rp)
        if stop:
            out = rp[stop.start() :] if before else ""
        elif (lp or rp) and before and after:
            out = ","
        else:
            out = ""
        at_start = not before or before[-1] in ".!?" or (stop is not None and not out)
        if after:
            out += _SPACE if out or before else ""
        if m.group("s") == _DELETED_CAP and at_start:
            out += _CAPITALISE
        return out

    text = _SITE.sub(close, text)
    text = _SPACES.sub(" ", text)
    text = _CAP_NEXT.sub(lambda m: m.group(1) + (m.group(2) or "").upper(), text)
    return text.replace(_CAPITALISE, "").strip(" \t")


def _overlaps(start: int, end: int, spans: Sequence[Span]) -> bool:
    return any(s < end and start < e for s, e in spans)


def apply_substitutions(
    text: str, substitutions: Mapping[str, str], spans: Iterable[Span] | None = None
) -> str:
    """Rewrite ``text`` with ``substitutions`` (``{phrase: replacement}``, "" deletes).

    Only whole words and phrases match, case-insensitively, longest first; the replacement
    takes the match's capitalisation. With ``spans`` (``(start, end)`` character offsets into
    ``text``), only matches overlapping a span are rewritten. Negations are never touched.

    **Usage**::

        >>> apply_substitutions("You , IDIOT .", {"idiot": ""})
        'You.'
        >>> apply_substitutions("Damn, give a shit!", {"damn": "", "give a shit": "care"})
        'Care!'
    """
    pattern, rules = _compiled(tuple(sorted(substitutions.items())))
    if pattern is None:
        return text
    wanted = None if spans is None else list(spans)
    changed = False

    def replace(m: re.Match[str]) -> str:
        nonlocal changed
        if wanted is not None and not _overlaps(m.start(), m.end(), wanted):
            return m.group()
        to = rules.get(" ".join(_tokens(m.group())))
        if to is None:  # case folding that lower() does not mirror ("\u0130"): leave it
            return m.group()
        changed = True
        return _match_case(m.group(), to) if to else _sentinel(m.group())

    out = pattern.sub(replace, text)
    return _tidy(out) if changed else text


def find_substitutions(
    text: str, substitutions: Mapping[str, str], spans: Iterable[Span] | None = None
) -> list[tuple[int, int, str]]:
    """Where :func:`apply_substitutions` would rewrite ``text``: ``(start, end, replacement)``.

    The same matching (whole words, longest first, negations never touched, only matches
    overlapping ``spans`` when given), without changing anything: callers use it to look at
    the words around a deletion before making it.

    **Usage**::

        >>> find_substitutions("you are a fucking idiot", {"fucking": "", "idiot": ""})
        [(10, 17, ''), (18, 23, '')]
    """
    pattern, rules = _compiled(tuple(sorted(substitutions.items())))
    if pattern is None:
        return []
    wanted = None if spans is None else list(spans)
    windows = [(0, len(text))] if wanted is None else _windows(text, wanted, rules)
    out = []
    for lo, hi in windows:
        for m in pattern.finditer(text, lo, hi):
            if wanted is not None and not _overlaps(m.start(), m.end(), wanted):
                continue
            to = rules.get(" ".join(_tokens(m.group())))
            if to is not None:
                out.append((m.start(), m.end(), to))
    return out


_CHUNK = re.compile(r"\S+")


def _windows(text: str, spans: Sequence[Span], rules: Mapping[str, str]) -> list[Span]:
    """The stretches of ``text`` worth scanning for phrases overlapping ``spans``.

    A phrase of ``k`` tokens covers at most ``k`` whitespace-separated chunks, so a match
    overlapping a span lies within ``k`` chunks of it; the window reaches twice that far, so
    that a match the whole-text scan would have taken first (and which would have hidden a
    later one) is seen too. Windows start and end at chunk edges, where the pattern's word
    boundaries read the same as in the whole text. The alternation of a few hundred phrases
    costs about 3 microseconds a character, and spans are short: scanning only around them
    cut a long draft's rewrite by a fifth.
    """
    chunks = [(m.start(), m.end()) for m in _CHUNK.finditer(text)]
    if not chunks or not spans:
        return []
    reach = 2 * max((len(key.split()) for key in rules), default=1)
    windows: list[Span] = []
    for start, end in sorted(spans):
        first = next((i for i, (_, e) in enumerate(chunks) if e > start), len(chunks) - 1)
        last = max((i for i, (s, _) in enumerate(chunks) if s < end), default=first)
        lo = chunks[max(0, first - reach)][0]
        hi = chunks[min(len(chunks) - 1, max(first, last) + reach)][1]
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        else:
            windows.append((lo, hi))
    return windows


def apply_edits(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """Replace each ``(start, end, replacement)`` of ``text`` ("" deletes) and tidy the gaps.

    Edits must not overlap. Replacements take the capitalisation of the words they replace;
    deletions are tidied as in :func:`apply_substitutions`.

    **Usage**::

        >>> apply_edits("Damn, give a shit!", [(0, 4, ""), (6, 17, "care")])
        'Care!'
    """
    out, pos = [], 0
    changed = False
    for start, end, to in sorted(edits):
        if start < pos or start >= end:
            continue  # overlapping or empty: keep the first
        replaced = text[start:end]
        out += [text[pos:start], _match_case(replaced, to) if to else _sentinel(replaced)]
        pos = end
        changed = True
    if not changed:
        return text
    out.append(text[pos:])
    return _tidy("".join(out))


def delete_spans(text: str, spans: Iterable[Span]) -> str:
    """Delete the characters of ``spans`` from ``text`` and tidy the gaps, as deletions do above.

    **Usage**::

        >>> delete_spans("you , idiot .", [(6, 11)])
        'you.'
    """
    merged: list[list[int]] = []
    for s, e in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if s >= e:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    if not merged:
        return text
    out, pos = [], 0
    for s, e in merged:
        out += [text[pos:s], _sentinel(text[s:e])]
        pos = e
    out.append(text[pos:])
    return _tidy("".join(out))
