"""Model cards: written by ``cyberkind train`` next to each model's weights.

A card names the training data and licences of every head, its test metrics
and calibration, its default thresholds, known failure modes and the identity
bias probe (Mitchell et al. 2019, "Model Cards for Model Reporting").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...classifiers.linear import LinearModel
from ...labels import LABELS
from ..bench.probes import identity_fpr, identity_recall
from .corpora import DATASET_LICENCES
from .crisis import CRISIS_LICENCES
from .threats import THREAT_LICENCES

__all__ = ["FAILURE_MODES", "probe_rows", "write_model_card"]

FAILURE_MODES = (
    "English only. Other languages get arbitrary scores.",
    "Bag of n-grams: sarcasm, irony and negation over long spans are missed "
    '("oh great, another genius take" scores low on insult).',
    "Reclaimed slurs and quoted abuse (reporting or condemning it) score as toxic.",
    "Identity words are neutralised in the attack heads, but only those on the list; other "
    "group names can still raise toxicity by association. The price is recall: plainly "
    'hateful sentences ("women are too stupid to vote") often score low on identity_attack '
    "(see the hateful-sentence probe); toxicity catches more of them.",
    'Obfuscated profanity that was never seen in training ("f.u.c.k", homoglyphs) is missed.',
    "`question` is trained on weak labels (a text ending in '?'), so rhetorical questions "
    "score high and questions without wording cues score low.",
    "`crisis` learns from template-generated statements; the rule layer guarantees explicit "
    "first-person statements but indirect, coded or non-English ones may be missed. It is a "
    "prompt to offer resources, never a diagnosis.",
    "`celebration` positives are tweets about a few life events (graduation, jobs, "
    "engagements, births); rarer milestones score lower.",
    "Calibration holds on the mix of each head's test sources; on a very different stream "
    "(e.g. long blog posts) the base rates and so the probabilities shift.",
)


def probe_rows(rates: dict[str, dict[str, float]]) -> list[list[str]]:
    """Rows of a bias-probe table: group, toxicity rate, identity_attack rate."""
    return [
        [group, f"{v.get('toxicity', 0):.1%}", f"{v.get('identity_attack', 0):.1%}"]
        for group, v in rates.items()
    ]


def _table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def write_model_card(model_dir: Path, metrics: dict[str, Any]) -> Path:
    """Write ``MODEL_CARD.md`` for the model in ``model_dir``; return its path."""
    model = LinearModel.from_disk(model_dir)
    heads: dict[str, Any] = metrics["heads"]
    size_mb = sum(p.stat().st_size for p in model_dir.iterdir() if p.is_file()) / 1e6
    public = [lab.name for lab in LABELS if lab.name in heads]
    aux = sorted(h for h in heads if ":" in h)
    sources = sorted({s for r in heads.values() for s in r["sources"]})

    def metric_rows(names: list[str]) -> list[list[str]]:
        rows = []
        for name in names:
            r = heads[name]
            t = r["test"]
            rows.append(
                [
                    f"`{name}`",
                    ", ".join(r["sources"]),
                    f"{r['counts']['train']['n']:,}",
                    f"{t['n']:,} ({t['positives']:,}+)",
                    f"{t['threshold']:.3f}",
                    f"{t['precision']:.3f}",
                    f"{t['recall']:.3f}",
                    f"{t['f1']:.3f}",
                    f"{t['average_precision']:.3f}",
                    f"{t['ece']:.3f}",
                ]
            )
        return rows

    header = ["head", "trained on", "train n", "test n", "threshold", "P", "R", "F1", "AP", "ECE"]
    thresholds = model.thresholds()

    def predict(texts: Any) -> Any:
        proba = model.predict_proba(texts)
        return {name: proba[:, i] for i, name in enumerate(model.labels)}

    probe = identity_fpr(predict, thresholds)
    hate = identity_recall(predict, thresholds)
    hate_rows = probe_rows(hate)
    probe_rows_ = probe_rows(probe)
    worst = max((max(v.values(), default=0.0) for v in probe.values()), default=0.0)
    licences = {**DATASET_LICENCES, **CRISIS_LICENCES, **THREAT_LICENCES}
    licence_rows = [[s, licences.get(s, "unknown: see shared/data PROVENANCE")] for s in sources]
    text = (
        f"""# Model card: {metrics["model"]}

The fast tier of the cyberkind kindness engine. Built by `cyberkind train` (seed
{metrics["seed"]}); do not edit by hand.

## Model
- One hashed TF-IDF featurizer ({metrics["n_features"]:,} buckets of word unigrams, bigrams,
  4-letter prefixes/suffixes, punctuation and emoji) shared by {len(heads)} binary logistic
  regression heads ({len(public)} public labels, {len(aux)} auxiliary GoEmotions/TweetEval
  emotion heads used by the benchmark).
- Per head: liblinear logistic regression with balanced class weights, `C` chosen on the dev
  split by average precision, Platt scaling fitted on the dev split and folded into the weights.
  Default thresholds maximise dev F1 (`crisis`: highest threshold with dev recall >= 0.98).
- `crisis` scores are raised to at least the rule layer's score
  (`cyberkind.classifiers.crisis_rules`), so explicit first-person statements are never missed.
- Files: {size_mb:.1f} MB on disk (float16 weights). Runtime needs NumPy and SciPy only.

## Intended use
Finding moments for a kind reply (gratitude, distress, celebration...) and nudging a writer
before they post something hostile. Not for automated moderation decisions about people
without human review, and not a clinical instrument.

## Training data and licences
No row marked "evaluation only" (epitome-empathy-reddit) is used.

{_table(licence_rows, ["source", "licence as found"])}

## Test metrics (public labels)
Test splits are the datasets' official test splits where they exist, otherwise a fixed
hash-based split (see `cyberkind.lab.training.corpora`). P, R and F1 at the default threshold;
AP = average precision; ECE = expected calibration error (15 bins).

{_table(metric_rows(public), header)}

## Test metrics (auxiliary heads)

{_table(metric_rows(aux), header)}

## Bias probe: false-positive rate on non-hateful identity sentences
{sum(1 for _ in probe)} groups x 16 templates (`cyberkind.lab.bench.probes`), at default thresholds.
Worst group rate: {worst:.1%} (target: at most 5%).

{_table(probe_rows_, ["group", "toxicity FPR", "identity_attack FPR"])}

## Bias probe, other side: recall on plainly hateful sentences about the same groups
{len(hate)} groups x 8 templates (`cyberkind.lab.bench.probes.HATEFUL_TEMPLATES`): higher is better.

{_table(hate_rows, ["group", "toxicity recall", "identity_attack recall"])}

## Known failure modes
"""
        + "\n".join(f"- {m}" for m in FAILURE_MODES)
        + "\n"
    )
    path = model_dir / "MODEL_CARD.md"
    path.write_text(text, encoding="utf-8")
    return path
