"""Could an n-gram language model be J's missing fluency term? A measurement.

ParaDetox's J multiplies in a fluency score (a RoBERTa CoLA classifier), which is what marks
the delete baseline's broken output ("this is a.") down. No such model ships offline, so
this script tries the cheapest stand-in: an interpolated Kneser-Ney trigram model (Chen and
Goodman 1998, discount 0.75) of GoEmotions' training comments (43,410 Reddit comments,
Apache-2.0), scoring each output's mean log10 probability per token *relative to its
source* (so that rare swear words in the source do not decide it).

It samples ParaDetox *training* rows (never the held-out 10% the benchmark uses) and prints,
for the human rewrite, the guard's rewrite and the delete-the-flagged-words baseline, the
mean and 5th percentile of that relative score, and its mean on the rows the guard declines.
A usable fluency term would score the baseline's output on those rows clearly below the
human rewrites. It does not: deleting a rare word raises the mean log probability even
when it leaves "the whole system is and." behind.

Run from the project root (about 20 seconds)::

    .venv/bin/python scripts/fluency_ngram_experiment.py --rows 300
"""

from __future__ import annotations

import argparse
import math
import random
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cyberkind.lab.bench.guard import GuardRunner
from cyberkind.lab.bench.rewrite import delete_baseline
from cyberkind.guard.check import Guard
from cyberkind.lab.training import _readers
from cyberkind.lab.training.detox import detox_pairs

_TOKEN = re.compile(r"[a-z0-9']+|[^\sa-z0-9']")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


class KneserNey3:
    """Interpolated Kneser-Ney trigram probabilities from token lists."""

    def __init__(self, sentences: Sequence[Sequence[str]], discount: float = 0.75) -> None:
        self.d = discount
        self.tri: Counter[tuple[str, str, str]] = Counter()
        for s in sentences:
            w = ["<s>", "<s>", *s, "</s>"]
            for i in range(2, len(w)):
                self.tri[(w[i - 2], w[i - 1], w[i])] += 1
        self.ctx2: Counter[tuple[str, str]] = Counter()
        self.ctx2_types: Counter[tuple[str, str]] = Counter()
        self.cont2: Counter[tuple[str, str]] = Counter()
        for (u, v, w), c in self.tri.items():
            self.ctx2[(u, v)] += c
            self.ctx2_types[(u, v)] += 1
            self.cont2[(v, w)] += 1
        self.ctx1: Counter[str] = Counter()
        self.ctx1_types: Counter[str] = Counter()
        self.cont1: Counter[str] = Counter()
        for (v, w), c in self.cont2.items():
            self.ctx1[v] += c
            self.ctx1_types[v] += 1
            self.cont1[w] += 1
        self.bigram_types = len(self.cont2)
        self.vocab = len(self.cont1) + 1

    def p1(self, w: str) -> float:
        return (self.cont1[w] + 0.5) / (self.bigram_types + 0.5 * self.vocab)

    def p2(self, v: str, w: str) -> float:
        c = self.ctx1[v]
        if not c:
            return self.p1(w)
        seen = max(self.cont2[(v, w)] - self.d, 0) / c
        return seen + self.d * self.ctx1_types[v] / c * self.p1(w)

    def p3(self, u: str, v: str, w: str) -> float:
        c = self.ctx2[(u, v)]
        if not c:
            return self.p2(v, w)
        seen = max(self.tri[(u, v, w)] - self.d, 0) / c
        return seen + self.d * self.ctx2_types[(u, v)] / c * self.p2(v, w)

    def mean_log10(self, sentence: Sequence[str]) -> float:
        w = ["<s>", "<s>", *sentence, "</s>"]
        logs = [math.log10(self.p3(w[i - 2], w[i - 1], w[i])) for i in range(2, len(w))]
        return sum(logs) / len(logs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    corpus = [r.text for r in _readers.goemotions(args.data_dir) if r.split == "train"]
    lm = KneserNey3([tokens(t) for t in corpus])
    pairs = random.Random(args.seed).sample(detox_pairs(args.data_dir, "train"), args.rows)
    runner = GuardRunner(Guard())
    sources = [toxic for toxic, _ in pairs]
    outputs = {
        "human": [refs[0] for _, refs in pairs],
        "guard": runner.rewrite(sources),
        "delete_flagged": [
            delete_baseline(s, sp) for s, sp in zip(sources, runner.spans(sources), strict=True)
        ],
    }
    base = np.array([lm.mean_log10(tokens(s)) for s in sources])
    declined = np.array(
        [out == src and not ok for out, src, ok in
         zip(outputs["guard"], sources, runner.is_ok(sources), strict=True)]
    )  # fmt: skip
    print(f"{len(corpus):,} comments in the model; {args.rows} ParaDetox training rows, "
          f"{int(declined.sum())} declined by the guard")  # fmt: skip
    print("system          mean    q05     mean on declined rows")
    for name, texts in outputs.items():
        rel = np.array([lm.mean_log10(tokens(t)) for t in texts]) - base
        on_declined = f"{rel[declined].mean():+.3f}" if declined.any() else "-"
        print(f"{name:15} {rel.mean():+.3f}  {np.quantile(rel, 0.05):+.3f}  {on_declined}")


if __name__ == "__main__":
    main()
