from __future__ import annotations

from collections import Counter

from cyberkind.lab.training.threats import threat_examples, threat_templates


def test_threat_templates_are_deterministic_and_family_split() -> None:
    a, b = threat_templates(seed=3), threat_templates(seed=3)
    assert a == b
    split_of: dict[str, set[str]] = {}
    for e in a:
        split_of.setdefault(e.family, set()).add(e.split)
    assert all(len(splits) == 1 for splits in split_of.values())
    counts = Counter((e.split, e.y) for e in a)
    for split in ("train", "dev", "test"):
        assert counts[split, 1] > 50 and counts[split, 0] > 50


def test_threat_examples_are_unique_texts() -> None:
    texts = [e.text.lower() for e in threat_examples()]
    assert len(texts) == len(set(texts))
    assert {e.source for e in threat_examples()} == {"threat-templates"}
