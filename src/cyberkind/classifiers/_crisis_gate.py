r"""The candidate gate of :mod:`cyberkind.classifiers.crisis_rules`, derived from its patterns.

Split out of ``crisis_rules`` to keep that module readable; only ``crisis_rules`` imports
it, lazily, the first time a large batch is scored.

explicit_crisis first looks for candidates in a whole batch at once, with one search of a
"view" of the batch: the normalised texts with every character other than a-z, 0-9 and space
read as a space, each after a space, joined by "\x00". The strings that search looks for are
derived from the patterns themselves (_GateBuilder, below) so that any text that a pattern
matches contains one of them: the gate never hides a match, by construction, and the ~95% of
texts with none cost no Python work of their own.

A gate string is a sequence of tokens, each a character or a small set of characters (kept as
one private-use character), and each token matches a *run* of its characters, as every letter
of every pattern does after _elongate. Most gate strings start a word (the gate looks for
" " + the string); those marked _ANYWHERE may start anywhere. _WORD_END, last in a gate string,
says that the next character is not a letter or digit. While the strings are being built,
_AT_B stands for a \b and _AFTER_GAP says that the character before is not a letter or digit.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from ._text import ALNUM, SQUEEZE

__all__ = ["gate_sources"]

_AT_B, _AFTER_GAP, _WORD_END, _ANYWHERE = "\x01", "\x02", "\x03", "\x04"
_MARKS = _AT_B + _AFTER_GAP
_NO_MARKS = {ord(_AT_B): None, ord(_AFTER_GAP): None}
_GATE_LIMIT = 512  # the most strings an exact set may hold before the analysis moves on
_GATE_LENGTH = 16  # gate strings are cut to this many tokens: longer ones rarely gate better
_KEEP, _GAP_END, _OPEN = 0, 1, 2  # what a node leaves for the next one: see _Info
# A rough model of how often a word starts with a gate string, to choose rare requirements: the
# commonest words (squeezed, as the patterns read them) are frequent, other words rarer the longer.
_COMMON_WORDS_TEXT = (
    "a about after again all also always am an and any anymore are as at away back be because "
    "been being better but by can cant come could day did do does done dont even ever every "
    "feel for from get go going gonna got had has have he her here him his how i id if ill "
    "im in into is it its just know like lol love make me more much my need never no not "
    "nothing now of off on one only or other out over people really right said say see she "
    "should so some still such take tell than that thats the their them then there they "
    "thing things think this time to today too up us very want wanna was way we well were "
    "what when which who why will with would you your"
)
_COMMON_WORDS = frozenset(SQUEEZE.sub(r"\1", word) for word in _COMMON_WORDS_TEXT.split())
# Letters by how often a word starts with them: the gate tries them in this order.
_LETTER_FREQ = {c: k - 26 for k, c in enumerate("tasiwobmhcfdpnlrgeyuvjkqzx")}
_COMMON_PREFIXES = frozenset(word[:k] for word in _COMMON_WORDS for k in range(1, len(word) + 1))


class _Info(NamedTuple):
    """What a node of a parsed pattern tells about the texts it matches.

    ``exact``: every match reads, token by token, as one of these strings (markers included),
    or None. ``need``: every match contains one of these gate strings, or None (nothing known).
    ``tail``: _GAP_END if every match is non-empty and ends with a character other than a
    letter or digit, _KEEP if every match is empty or does, else _OPEN.
    """

    exact: frozenset[str] | None
    need: frozenset[str] | None
    tail: int


class _GateBuilder:
    """Derives gate strings from the parse trees of the patterns (by :mod:`re`'s own parser).

    Each pattern is read as _elongate compiles it: every character, class and space matches a
    run of itself. Each rule below only ever loses information, so the strings are sound: a
    lookaround or anchor matches the empty string, a class of more than 8 characters or any
    construct not listed matches anything, and a repeat of more than one character is expanded
    to at most 4 copies.
    """

    def __init__(self) -> None:
        self.sets: dict[frozenset[str], str] = {}
        self.chars: dict[str, frozenset[str]] = {}
        self.costs: dict[str, float] = {}
        self.gates: dict[str, str | None] = {}

    # tokens

    def token(self, chars: set[str]) -> str | None:
        view = frozenset(c if c in ALNUM else " " for c in chars)
        if len(view) == 1:
            return next(iter(view))
        if len(view) > 8:
            return None
        if view not in self.sets:
            ch = chr(0xE000 + len(self.sets))  # a private-use character
            self.sets[view], self.chars[ch] = ch, view
        return self.sets[view]

    def members(self, token: str) -> frozenset[str]:
        return self.chars.get(token) or frozenset(token)

    def single(self, op: Any, av: Any) -> str | None:
        """The token of a node that matches one character of a small set, else None."""
        name = op.name
        if name == "LITERAL":
            c = chr(av)
            return c if c in ALNUM else " "
        if name != "IN":
            return None
        chars: set[str] = set()
        for item_op, item in av:
            if item_op.name == "LITERAL":
                chars.add(chr(item))
            elif item_op.name == "RANGE" and item[1] - item[0] < 16:
                chars.update(map(chr, range(item[0], item[1] + 1)))
            else:  # NEGATE, CATEGORY, a wide range
                return None
        return self.token(chars)

    # exact sets

    @staticmethod
    def product(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
        """Each of ``a`` then each of ``b``; a run then a run of the same token is one run."""
        return frozenset(
            x + y[1:] if x and y and x[-1] == y[0] and y[0] not in _MARKS else x + y
            for x in a
            for y in b
        )

    @staticmethod
    def exact_tail(strings: frozenset[str]) -> int:
        empty = False
        for s in strings:
            real = s.rstrip(_MARKS)
            if not real:
                empty = True
            elif real[-1] != " ":
                return _OPEN
        return _KEEP if empty else _GAP_END

    def gate_string(self, s: str) -> str | None:
        """The rarest window of ``s`` that starts a word, or of all of it (_ANYWHERE)."""
        if s in self.gates:
            return self.gates[s]
        real: list[str] = []
        starts: list[int] = []  # where in ``real`` a word starts
        marks = ""
        for tok in s:
            if tok in _MARKS:
                marks += tok
                continue
            if (
                _AFTER_GAP in marks
                or (real and real[-1] == " ")
                or (_AT_B in marks and self.members(tok) <= ALNUM)
            ):
                starts.append(len(real))
            real.append(tok)
            marks = ""
        text = "".join(real)
        word_end = _AT_B in marks and bool(real) and self.members(real[-1]) <= ALNUM

        def window(p: int) -> str:
            if len(text) - p > _GATE_LENGTH:
                return text[p : p + _GATE_LENGTH]
            return text[p:] + _WORD_END if word_end else text[p:]

        found = [window(p) for p in starts]
        if text:  # anywhere: " x..." is "x..." at a word start
            whole = window(0)
            found.append(whole[1:] if whole[0] == " " and whole[1:] else _ANYWHERE + whole)
        gate = self.gates[s] = min(found, key=self.string_cost, default=None)
        return gate

    def need_of(self, strings: frozenset[str]) -> frozenset[str] | None:
        out: set[str] = set()
        for s in strings:
            g = self.gate_string(s)
            if g is None:
                return None
            out.add(g)
        return frozenset(out)

    def cost(self, need: frozenset[str] | None) -> float:
        """About the share of word starts in a text where one of ``need`` would match."""
        if need is None:
            return float("inf")
        return sum(self.string_cost(g) for g in need)

    def string_cost(self, g: str) -> float:
        p = self.costs.get(g)
        if p is None:
            p = 5.0 if g.startswith(_ANYWHERE) else 1.0  # five times as many places to start
            words = g.lstrip(_ANYWHERE).split(" ")
            for k, word in enumerate(words):
                last = k == len(words) - 1
                if word.endswith(_WORD_END) or not last:
                    p *= self.word_cost(word.rstrip(_WORD_END), k > 0 or p == 1.0)
                elif word:
                    p *= self.word_cost(word, False)
            self.costs[g] = p
        return p

    @staticmethod
    def word_cost(word: str, whole: bool) -> float:
        """How often a word is ``word`` (``whole``), or starts with it."""
        if whole and word in _COMMON_WORDS:
            return 0.03
        if not whole and word in _COMMON_PREFIXES:
            return 0.05
        return float(10 ** -(1.2 + 0.35 * len(word))) * (1 if whole else 3)

    # nodes

    def seq(self, items: Any, gap: bool) -> _Info:
        """A sequence of nodes; ``gap``: the character before is not a letter or digit."""
        cur = frozenset({_AFTER_GAP if gap else ""})
        cands: list[frozenset[str] | None] = []
        exact, tail = True, _KEEP
        for op, av in items:
            info = self.node(op, av, gap)
            if info.exact is not None:
                if len(cur) * len(info.exact) > _GATE_LIMIT:
                    # Too many: keep the last word of each string only, or start afresh.
                    exact = False
                    cands.append(self.need_of(cur))
                    cur = frozenset(
                        _AFTER_GAP + x[x.rindex(" ") + 1 :] if " " in x else x for x in cur
                    )
                    if len(cur) * len(info.exact) > _GATE_LIMIT:
                        cur = frozenset({_AFTER_GAP if gap else ""})
                cur = self.product(cur, info.exact)
                node_tail = self.exact_tail(info.exact)
            else:
                exact = False
                cands += [self.need_of(cur), info.need]
                node_tail = info.tail
            if node_tail != _KEEP:
                tail, gap = node_tail, node_tail == _GAP_END
            if info.exact is None:
                cur = frozenset({_AFTER_GAP if gap else ""})
        if exact:
            return _Info(cur, None, tail)
        cands.append(self.need_of(cur))
        best = min(cands, key=self.cost)
        return _Info(None, best if self.cost(best) < float("inf") else None, tail)

    def node(self, op: Any, av: Any, gap: bool) -> _Info:
        tok = self.single(op, av)
        if tok is not None:
            return _Info(frozenset({tok}), None, _GAP_END if tok == " " else _OPEN)
        name = op.name
        if name == "AT":
            return _Info(frozenset({_AT_B if av.name == "AT_BOUNDARY" else ""}), None, _KEEP)
        if name in ("ASSERT", "ASSERT_NOT"):
            return _Info(frozenset({""}), None, _KEEP)
        if name == "SUBPATTERN":
            return self.seq(av[3], gap)
        if name == "ATOMIC_GROUP":
            return self.seq(av, gap)
        if name == "BRANCH":
            return self.branch([self.seq(alt, gap) for alt in av[1]])
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            return self.repeat(av[0], av[1], list(av[2]), gap)
        return _Info(None, None, _OPEN)  # one character of a wide class, or unknown

    def branch(self, infos: list[_Info]) -> _Info:
        tails = {i.tail for i in infos}
        tail = _OPEN if _OPEN in tails else _GAP_END if tails == {_GAP_END} else _KEEP
        if all(i.exact is not None for i in infos):
            union = frozenset().union(*(i.exact or () for i in infos))
            if len(union) <= _GATE_LIMIT:
                return _Info(union, None, tail)
        needs = [self.need_of(i.exact) if i.exact is not None else i.need for i in infos]
        if any(n is None for n in needs):
            return _Info(None, None, tail)
        return _Info(None, frozenset().union(*(n or () for n in needs)), tail)

    def repeat(self, lo: int, hi: int, items: list[Any], gap: bool) -> _Info:
        if len(items) == 1 and (tok := self.single(*items[0])) is not None:
            # A run of runs of a token is a run of it.
            if lo:
                return _Info(frozenset({tok}), None, _GAP_END if tok == " " else _OPEN)
            return _Info(frozenset({"", tok}), None, _KEEP if tok == " " else _OPEN)
        inner = self.seq(items, gap and hi == 1)  # only a first copy follows what came before
        tail = inner.tail if lo or inner.tail != _GAP_END else _KEEP
        if inner.exact is not None and hi <= 4:
            found: set[str] = {""} if lo == 0 else set()
            layer = frozenset({""})
            for k in range(1, hi + 1):
                if len(layer) * len(inner.exact) > _GATE_LIMIT:
                    break
                layer = self.product(layer, inner.exact)
                if k >= lo:
                    found |= layer
            else:
                if len(found) <= _GATE_LIMIT:
                    return _Info(frozenset(found), None, tail)
        if lo == 0:
            return _Info(None, None, tail)
        need = self.need_of(inner.exact) if inner.exact is not None else inner.need
        return _Info(None, need, tail)

    def requirement(self, pattern: str) -> frozenset[str] | None:
        """Gate strings, one of which every match of ``pattern`` (elongated) contains."""
        parser: Any = importlib.import_module("re._parser")
        # _elongate squeezes doubled letters, then makes each letter, space and class match a
        # run of itself, which is how this reads every character: parse the squeezed pattern.
        info = self.seq(parser.parse(SQUEEZE.sub(r"\1", pattern)), False)
        return self.need_of(info.exact) if info.exact is not None else info.need

    # the gate regex

    def render(self, strings: set[str]) -> tuple[str, ...]:
        """Regexes for the view: " " then one of ``strings``; one of those marked _ANYWHERE."""

        order = {
            tok: (sum(_LETTER_FREQ.get(c, 0) for c in self.members(tok)), tok)
            for tok in set().union(*strings)
        }

        def emit(node: dict[str, Any], run: bool) -> str:
            if "" in node:  # a shorter string already matches everything below
                return ""
            alts = []
            for tok in sorted(node, key=order.__getitem__):
                if tok == _WORD_END:
                    alts.append("(?![a-z0-9])")
                    continue
                chars = sorted(self.members(tok))
                one = re.escape(chars[0]) if len(chars) == 1 else "[" + "".join(chars) + "]"
                # A literal first lets the engine skip an alternative at once.
                one = (one + one + "*" if len(node) > 1 else one + "+") if run else one
                alts.append(one + emit(node[tok], True))
            return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

        def trie(words: list[str], run: bool) -> str:
            root: dict[str, Any] = {}
            for word in words:
                node = root
                for tok in word:
                    node = node.setdefault(tok, {})
                node[""] = {}
            return emit(root, run)

        anchored = " " + trie([s for s in strings if not s.startswith(_ANYWHERE)], True)
        # Anywhere, a run may as well start at its last character: then the regex starts with
        # two literals, which the engine looks for in C.
        anywhere = [s[1:] for s in strings if s.startswith(_ANYWHERE)]
        return (anchored, trie(anywhere, False)) if anywhere else (anchored,)


def gate_sources(pattern_groups: Sequence[Sequence[str]]) -> tuple[str, ...] | None:
    """The gate regexes: a text that any of the patterns matches passes one of them.

    None if some pattern has no requirement the builder can derive (then every text must go
    through the per-text rules).
    """
    builder = _GateBuilder()
    strings: set[str] = set()
    for patterns in pattern_groups:
        for pattern in patterns:
            need = builder.requirement(pattern)
            if need is None:
                return None
            strings |= need
    return builder.render(strings)
