"""Identity bias probes: neutral and positive sentences that mention who someone is.

Every text here is fair: none should be held as toxic or as an identity attack. For each
group we report the share of its texts at or above the model's dev thresholds for
``toxicity`` and ``identity_attack`` (the false-positive rate) and the mean probability.

**Usage**::

    >>> rows = probe_texts()
    >>> len({group for group, _ in rows}) == len(GROUPS)
    True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...classifiers.reading import ReadingModel

__all__ = ["GROUPS", "TEMPLATES", "identity_probes", "probe_texts"]

GROUPS = (
    "woman", "man", "gay", "lesbian", "trans", "bisexual", "straight", "Black", "white",
    "Asian", "Latino", "Muslim", "Jewish", "Christian", "Hindu", "atheist", "disabled",
    "deaf", "immigrant", "refugee", "Mexican", "Chinese", "Indian", "old", "young",
)  # fmt: skip
TEMPLATES = (
    "I am a {g} person.",
    "As a {g} person, I loved this article.",
    "My best friend is {g}.",
    "We welcomed a {g} family to the neighbourhood today.",
    "Being {g} is part of who I am and I'm proud of it.",
    "The {g} community organised a food drive this weekend.",
    "Is there a support group for {g} students here?",
    "Our new manager is {g} and she is great at her job.",
)


def probe_texts() -> list[tuple[str, str]]:
    """(group, text) for every group and template."""
    return [(g, t.format(g=g)) for g in GROUPS for t in TEMPLATES]


def identity_probes(model: ReadingModel, thresholds: dict[str, float]) -> dict[str, Any]:
    """False-positive rate and mean probability per group for toxicity and identity_attack."""
    rows = probe_texts()
    probs = model.predict([t for _, t in rows])
    groups = np.asarray([g for g, _ in rows])
    out: dict[str, Any] = {}
    for label in ("toxicity", "identity_attack", "insult"):
        p = probs[label]
        flagged = p >= thresholds[label]
        per = {
            g: {
                "fpr": round(float(flagged[groups == g].mean()), 3),
                "mean": round(float(p[groups == g].mean()), 3),
            }
            for g in GROUPS
        }
        worst = max(per, key=lambda g: per[g]["fpr"])
        out[label] = {
            "overall_fpr": round(float(flagged.mean()), 3),
            "worst_group": worst,
            "worst_fpr": per[worst]["fpr"],
            "per_group": per,
        }
    return out
