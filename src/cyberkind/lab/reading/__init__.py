"""Multi-task fine-tuning of all-MiniLM-L6-v2: the ``cyberkind.reading.v1`` encoder tier.

One shared encoder reads a text once; linear heads give every public label, the
benchmark heads (TweetEval offensive, hate and emotion; GoEmotions' 28 labels), ``spam``,
the person-vs-idea ``target`` heads and a token head for toxic spans. Training runs on
CPU, is seeded and resumable; the result is exported to ONNX for
:mod:`cyberkind.classifiers.reading`, which needs neither PyTorch nor ``transformers``.

**Usage** (from the project root)::

    python -m cyberkind.lab.reading train --data-dir ../shared/data --out artifacts/reading
    python -m cyberkind.lab.reading export --out artifacts/reading
    python -m cyberkind.lab.reading evaluate --data-dir ../shared/data --out artifacts/reading
"""
