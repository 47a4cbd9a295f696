"""Measure the guard on the shared data: Toxic Spans char F1 and false-alarm hold rates.

Run it from a checkout (reads ``../shared/data``, or ``--data-dir``)::

    python -m cyberkind.lab.guard_evaluate --split trial

It prints JSON: the span F1 of the guard's spans on the SemEval-2021 Toxic Spans
split, and the share of ``hold`` verdicts on TweetEval offensive's non-offensive
test texts, on the identity probe (kind sentences mentioning identities) and on
its hateful counterpart.
Thresholds are tuned on the train and trial splits only, never on test.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from ..errors import DataError
from ..guard.check import Guard
from ..guard.metrics import char_offsets, span_f1
from .training.spans import read_split as read_toxic_spans

__all__ = [
    "explain_offsets",
    "guard_offsets",
    "hold_rate",
    "read_toxic_spans",
    "read_tweeteval_offensive",
]


def read_tweeteval_offensive(data_dir: Path, split: str = "test") -> tuple[list[str], list[int]]:
    """Texts and labels (1 = offensive) of TweetEval offensive."""
    folder = data_dir / "tweeteval" / "offensive"
    text_path, label_path = folder / f"{split}_text.txt", folder / f"{split}_labels.txt"
    if not text_path.is_file() or not label_path.is_file():
        raise DataError(f"{folder} lacks {split} files. You can fix this by passing --data-dir.")
    texts = text_path.read_text(encoding="utf-8").splitlines()
    labels = [int(x) for x in label_path.read_text().split()]
    return texts, labels


def guard_offsets(guard: Guard, texts: Sequence[str]) -> list[list[int]]:
    """The character offsets of every span of every reason the guard gives each text."""
    out = []
    for text in texts:
        verdict = guard.check(text, suggest=False) if text.strip() else None
        spans = verdict.spans if verdict else ()
        out.append(char_offsets((s.start, s.end) for s in spans))
    return out


def explain_offsets(guard: Guard, texts: Sequence[str]) -> list[list[int]]:
    """The character offsets of :meth:`Guard.explain` for each text, whatever the verdict."""
    return [
        char_offsets((s.start, s.end) for s in guard.explain(t)) if t.strip() else [] for t in texts
    ]


def hold_rate(guard: Guard, texts: Sequence[str]) -> float:
    """Share of ``texts`` the guard holds."""
    held = sum(guard.check(t, suggest=False).verdict == "hold" for t in texts if t.strip())
    return held / max(1, len(texts))


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    """Print and return the measurements as JSON."""
    from .bench.probes import hateful_sentences, probe_sentences

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="Shared data folder.")
    parser.add_argument("--split", default="trial", help="Toxic Spans split (train, trial).")
    parser.add_argument("--limit", type=int, default=None, help="Use the first N texts only.")
    args = parser.parse_args(argv)
    if args.data_dir is None:
        from ..settings import resolve

        args.data_dir = Path(resolve({})["data_dir"])
    guard = Guard()
    texts, gold = read_toxic_spans(args.data_dir, args.split)
    texts, gold = texts[: args.limit], gold[: args.limit]
    tweets, labels = read_tweeteval_offensive(args.data_dir, "test")
    kind_tweets = [t for t, y in zip(tweets, labels, strict=True) if y == 0]
    probes = [s for group in probe_sentences().values() for s in group]
    hateful = [s for group in hateful_sentences().values() for s in group]
    result = {
        f"toxic_spans_{args.split}_f1": round(span_f1(guard_offsets(guard, texts), gold), 4),
        f"toxic_spans_{args.split}_f1_explain": round(
            span_f1(explain_offsets(guard, texts), gold), 4
        ),
        "tweeteval_offensive_test_nonoffensive_hold_rate": round(hold_rate(guard, kind_tweets), 4),
        "identity_probe_hold_rate": round(hold_rate(guard, probes), 4),
        "hateful_probe_hold_rate": round(hold_rate(guard, hateful), 4),
        "n_spans_texts": len(texts),
        "n_tweets": len(kind_tweets),
        "n_probes": len(probes),
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
