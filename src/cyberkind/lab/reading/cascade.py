"""Calibrate the ``reading-cascade`` tier on dev splits: which texts the encoder must read.

The cascade scores every text with the fast tier and sends to the encoder only the texts
where the encoder is likely to decide some public label differently. One logit margin
around all sixteen thresholds sent nearly every text, and per-label margins spent the
budget on rows where the tiers agree: the fast tier's disagreements with the encoder lie
far from its thresholds as often as near them. So the cascade estimates, per text, the
chance that the encoder would change a decision, and sends the likeliest. On dev rows only:

1. Take up to ``per_label`` dev rows of every public label (the training corpora's dev
   splits), deduplicated, seeded.
2. Score them with both tiers; mark, per label, the rows where the fast tier's decision
   differs from the encoder's (each at its own dev-chosen threshold).
3. Per label, cut the fast logit's distance from the fast threshold into :data:`BINS`
   quantile bins and keep each bin's disagreement rate (add-half smoothed).
4. A text's risk is ``1 - prod(1 - rate)`` over the labels, each at the bin its distance
   falls in; the cut is the risk above which ``budget`` of the dev rows lie.

Rows below the cut keep the fast tier's probabilities, shifted in logit so each label's fast
threshold lands on the encoder's (see
:class:`~cyberkind.classifiers.reading_tier.ReadingCascade`): one set of thresholds holds for
every row. The result goes to ``cascade.json`` beside the reading model, with the dev share
sent and the dev agreement of each tier with the encoder.

**Usage**::

    cyberkind train --only cascade
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ...classifiers.linear import LinearModel
from ...classifiers.reading import READING_MODEL, ReadingModel
from ...classifiers.reading_tier import CASCADE_FILE, ReadingCascade, cascade_risk
from ...labels import label_names
from ..training.corpora import head_examples

__all__ = ["BINS", "calibrate_cascade", "risk_table"]

BINS = 20
"""Quantile bins of the distance from the threshold, per label."""
DEFAULT_BUDGET = 0.3
"""Share of texts the cascade may send to the encoder on dev."""

Array = npt.NDArray[Any]


def dev_texts(data_dir: Path, per_label: int, seed: int) -> list[str]:
    """Up to ``per_label`` dev texts of every public label, deduplicated, in a seeded order."""
    rng = random.Random(seed)
    chosen: dict[str, None] = {}
    for label in label_names():
        if label == "crisis":
            from ..training.crisis import crisis_examples

            examples = crisis_examples(data_dir)
        else:
            examples = head_examples(label, data_dir, seed)
        dev = sorted({e.text for e in examples if e.split == "dev"})
        rng.shuffle(dev)
        chosen.update(dict.fromkeys(t for t in dev[:per_label] if t.strip()))
    return list(chosen)


def risk_table(distance: Array, disagree: Array, bins: int = BINS) -> list[dict[str, list[float]]]:
    """Per label, the inner bin edges of ``distance`` and each bin's disagreement rate.

    ``distance`` and ``disagree`` are ``(rows, labels)``: the fast logit's distance from its
    threshold, and whether the two tiers decide differently.
    """
    table = []
    for j in range(distance.shape[1]):
        d = distance[:, j]
        edges = np.unique(np.quantile(d, np.linspace(0, 1, bins + 1)[1:-1]))
        which = np.searchsorted(edges, d, side="right")
        rates = [
            (float(disagree[which == b, j].sum()) + 0.5) / (float(np.sum(which == b)) + 1.0)
            for b in range(len(edges) + 1)
        ]
        table.append({"edges": [round(float(e), 5) for e in edges], "rates": rates})
    return table


def calibrate_cascade(
    data_dir: Path,
    model_dir: Path,
    *,
    budget: float = DEFAULT_BUDGET,
    per_label: int = 600,
    seed: int = 0,
    echo: Callable[[str], None] = lambda _line: None,
) -> dict[str, Any]:
    """Choose the cascade's risk table and cut on dev rows, and write ``cascade.json`` into
    the reading model's folder under ``model_dir``; return what was written."""
    if not 0 < budget <= 1:
        raise ValueError(f"budget must be in (0, 1], got {budget}")
    names = list(label_names())
    cascade = ReadingCascade(
        ReadingModel.load(model_dir / READING_MODEL),
        LinearModel.from_disk(model_dir / "fast-v1", ["public"]),
    )
    texts = dev_texts(data_dir, per_label, seed)
    echo(f"cascade: {len(texts)} dev texts, fast tier")
    margins = cascade.fast_margins(texts)
    echo(f"cascade: {len(texts)} dev texts, reading model")
    enc = cascade.model.predict(texts)
    tuned = cascade.thresholds()
    enc_yes = np.stack([enc[n] >= tuned[n] for n in names], axis=1)
    fast_yes = margins >= 0
    disagree = fast_yes != enc_yes
    distance = np.abs(margins)
    table = risk_table(distance, disagree)
    risk = cascade_risk(distance, table)
    cut = float(np.quantile(risk, 1.0 - budget))
    sent = risk > cut
    share = float(np.mean(sent))
    cascade_yes = np.where(sent[:, None], enc_yes, fast_yes)
    result = {
        "budget": budget,
        "cut": cut,
        "bins": {
            n: {"edges": t["edges"], "rates": [round(r, 5) for r in t["rates"]]}
            for n, t in zip(names, table, strict=True)
        },
        "dev_rows": len(texts),
        "dev_share_sent": round(share, 4),
        "dev_agreement_with_encoder": {
            "fast": round(float(np.mean(fast_yes == enc_yes)), 4),
            "cascade": round(float(np.mean(cascade_yes == enc_yes)), 4),
        },
        "dev_texts_with_a_disagreement_sent": round(
            float(np.mean(sent[np.any(disagree, axis=1)])) if disagree.any() else 1.0, 4
        ),
        "seed": seed,
    }
    folder = model_dir / READING_MODEL
    (folder / CASCADE_FILE).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    echo(f"cascade: share sent {share:.3f} -> {folder / CASCADE_FILE}")
    return result
