"""Rewrite benchmark: how kind, how faithful and how human-like are the guard's rewrites?

Sets (read in place from the ``data_dir``; nothing is learned from either):

- ``paradetox_heldout``: the ParaDetox rows of :func:`~cyberkind.lab.training.detox.detox_split`'s
  held-out 10% (the lexicon never saw them; with seed 0 neither did the fast tier), each toxic
  sentence with its 1-3 human rewrites;
- ``appdia_test``: APPDIA's test split (``original-annotated-data/original-test.tsv``: an
  offensive Reddit comment and one rewrite by a sociolinguist). Licence unknown: evaluation only.

Metrics for ``n`` sources ``x``, rewrites ``y`` and human references ``R``:

- **style accuracy** (STA): the share of ``y`` that the judge calls ok;
- **content preservation**: corpus chrF of ``y`` against ``x`` (sacrebleu, chrF2 on character
  6-grams), and the mean cosine of ``x`` and ``y`` in the fast tier's hashed TF-IDF space;
- **closeness to the human rewrites**: corpus chrF and BLEU (sacrebleu 13a) of ``y`` against all
  of ``R`` (variable references per row);
- **J** (no fluency model): ``mean_i STA_i * SIM_i * NE_i`` with ``STA_i`` in {0, 1} from the
  judge, ``SIM_i`` = sentence chrF(y_i, x_i) / 100 and ``NE_i`` = 1 if ``y_i`` has a word
  character (an empty rewrite keeps nothing). ParaDetox's J (Logacheva et al. 2022, after
  Krishna et al. 2020) is ``mean_i STA_i * SIM_i * FL_i`` with ``SIM`` the cosine of Wieting et
  al.'s paraphrase embeddings and ``FL`` a RoBERTa CoLA acceptability classifier. Neither model
  ships here and nothing is downloaded, so this J has no fluency term and a character-level
  similarity: it is comparable between systems in this table, not with published J numbers.
  ``j_cosine`` swaps the TF-IDF cosine in for chrF.
- **J with fluency** (``j_fluency``, when a fluency judge is passed): ``mean_i STA_i * SIM_i *
  FL_i`` with ``FL_i`` in {0, 1} from :func:`~cyberkind.lab.bench.fluency.acceptability`: the
  rewrite's mean per-token log-probability under SmolLM2-135M-Instruct is not more than a
  threshold below its source's. The threshold is calibrated in the same run on ParaDetox
  **training** rows (:func:`calibrate_fluency`: the 5th percentile over human rewrites), never on
  the sets scored here. ``fluency`` is the share of rewrites with ``FL_i = 1``, ``logprob`` their
  mean log-probability per token.

Systems: ``identity`` (no change), ``delete_flagged`` (:func:`delete_baseline`: delete the
flagged words), ``rewriter`` (whatever is passed in) and ``human`` (the first human rewrite,
scored for style and content only; it shows how often the judge accepts a human's rewrite).

**Usage**::

    >>> guard = FastTierGuard()
    >>> rewriter = lexicon_rewriter(load_substitutions(), guard.spans)
    >>> report = run_rewrite_benchmark(rewriter, guard.is_ok, guard.spans, Path("../shared/data"))
    >>> report["sets"]["appdia_test"]["systems"]["rewriter"]["style_accuracy"]
    ...
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ...errors import ConfigError
from ...guard.substitutions import Span, apply_substitutions, delete_spans
from .fluency import FluencyJudge, acceptability, calibrate_threshold

if TYPE_CHECKING:
    from ...classifiers.featurize import HashingFeaturizer
    from ...engine import Scorer

__all__ = [
    "NEGATIVITY",
    "FastTierGuard",
    "Judge",
    "Rewriter",
    "SpansFn",
    "appdia_test",
    "bleu",
    "calibrate_fluency",
    "chrf",
    "delete_baseline",
    "joint_score",
    "lexicon_rewriter",
    "paradetox_heldout",
    "rewrite_metrics",
    "run_rewrite_benchmark",
    "sentence_chrf",
    "tfidf_cosine",
]

NEGATIVITY = ("toxicity", "insult", "personal_attack", "identity_attack", "threat", "profanity")

Item = tuple[str, tuple[str, ...]]
Judge = Callable[[Sequence[str]], Sequence[bool]]
"""Batch judge: ``judge(texts)[i]`` is True when text ``i`` is acceptable (no negativity)."""
SpansFn = Callable[[Sequence[str]], Sequence[Sequence[Span]]]
"""Batch flagger: the character spans ``(start, end)`` that make each text negative."""
Rewriter = Callable[[Sequence[str]], Sequence[str]]
"""Batch rewriter: one rewrite per text."""

_INSTALL = "You can fix this by installing the benchmark extra: pip install 'cyberkind[bench]'."
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
APPDIA_TEST = Path("appdia") / "original-annotated-data" / "original-test.tsv"
APPDIA_HEADER = ["offensive-text", "style-transferred-text"]


# -- data ------------------------------------------------------------------------------------


def paradetox_heldout(data_dir: Path, seed: int = 0) -> list[Item]:
    """ParaDetox's held-out 10% as ``(toxic source, human rewrites)``; never trained on.

    **Usage**::

        >>> rows = paradetox_heldout(Path("../shared/data"))
        >>> source, references = rows[0]
    """
    from ..training.detox import detox_pairs

    return detox_pairs(data_dir, "heldout", seed)


def appdia_test(data_dir: Path) -> list[Item]:
    """APPDIA's test split as ``(offensive source, (expert rewrite,))``. Evaluation only.

    Raise :class:`~cyberkind.errors.DataError` when the file is missing or malformed.

    **Usage**::

        >>> rows = appdia_test(Path("../shared/data"))
        >>> len(rows)
        199
    """
    from ..training._readers import malformed, require

    path = require(Path(data_dir).expanduser().resolve() / APPDIA_TEST)
    rows: list[Item] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        if next(reader, None) != APPDIA_HEADER:
            raise malformed(path, 1, f"expected the header {', '.join(APPDIA_HEADER)}")
        for row in reader:
            if len(row) != 2:
                raise malformed(path, reader.line_num, "expected 2 tab-separated columns")
            source, reference = row[0].strip(), row[1].strip()
            if source:
                rows.append((source, (reference,) if reference else ()))
    return rows


# -- metrics ---------------------------------------------------------------------------------


def _sacrebleu() -> Any:
    try:
        import sacrebleu
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError(f"the rewrite metrics need sacrebleu. {_INSTALL}") from exc
    return sacrebleu


def _streams(references: Sequence[Sequence[str]]) -> list[list[str | None]]:
    """Per-row reference lists -> sacrebleu's reference streams, padded with None."""
    width = max((len(r) for r in references), default=0)
    if width == 0 or any(len(r) == 0 for r in references):
        raise ValueError("every row needs at least one reference")
    return [[r[k] if k < len(r) else None for r in references] for k in range(width)]


def chrf(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> float:
    """Corpus chrF (0-100; sacrebleu's chrF2) of ``hypotheses`` against per-row references.

    **Usage**::

        >>> chrf(["a kind reply"], [["a kind reply", "a nice reply"]])
        100.0
    """
    score = _sacrebleu().corpus_chrf(list(hypotheses), _streams(references)).score
    return float(score)


def bleu(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> float:
    """Corpus BLEU (0-100; sacrebleu, 13a tokenisation) against per-row references.

    **Usage**::

        >>> bleu(["the cat sat on the mat"], [["the cat sat on the mat"]])
        100.0
    """
    # ParaDetox sources are tokenised ("word ."); 13a tokenises hypotheses and references
    # alike, so sacrebleu's warning about it does not apply.
    score = _sacrebleu().corpus_bleu(list(hypotheses), _streams(references), force=True).score
    return float(score)


def sentence_chrf(hypothesis: str, references: Sequence[str]) -> float:
    """Sentence chrF (0-100) of one hypothesis against its references.

    **Usage**::

        >>> sentence_chrf("same words", ["same words"])
        100.0
    """
    return float(_sacrebleu().sentence_chrf(hypothesis, list(references)).score)


def tfidf_cosine(
    a: Sequence[str], b: Sequence[str], featurizer: HashingFeaturizer
) -> npt.NDArray[np.float64]:
    """Row-wise cosine of ``a[i]`` and ``b[i]`` in the fast tier's hashed TF-IDF space.

    The featurizer's rows are L2-normalised, so the dot product is the cosine.

    **Usage**::

        >>> tfidf_cosine(["you idiot"], ["you idiot"], Scorer().model.featurizer)
        array([1.])
    """
    if len(a) != len(b):
        raise ValueError(f"{len(a)} texts against {len(b)}")
    if not a:
        return np.zeros(0, dtype=np.float64)
    x, y = featurizer.transform(list(a)), featurizer.transform(list(b))
    dots = np.asarray(x.multiply(y).sum(axis=1), dtype=np.float64).ravel()
    out: npt.NDArray[np.float64] = np.clip(dots, 0.0, 1.0)
    return out


def joint_score(
    style_ok: Sequence[bool],
    similarity: Sequence[float],
    rewrites: Sequence[str],
    fluency: Sequence[float] | None = None,
) -> float:
    """J: ``mean(style_ok * similarity * non_empty * fluency)`` (similarity and fluency 0-1).

    Without ``fluency`` every row counts as fluent (the J of earlier reports).

    **Usage**::

        >>> joint_score([True, False, True], [0.8, 0.9, 0.5], ["kind", "rude", ""])
        0.26666666666666666
        >>> joint_score([True, True], [0.8, 0.6], ["kind", "this is a."], [1.0, 0.0])
        0.4
    """
    if not rewrites:
        return 0.0
    fl = list(fluency) if fluency is not None else [1.0] * len(rewrites)
    terms = [
        float(ok) * sim * float(bool(_WORD.search(y))) * f
        for ok, sim, y, f in zip(style_ok, similarity, rewrites, fl, strict=True)
    ]
    return sum(terms) / len(terms)


def rewrite_metrics(
    sources: Sequence[str],
    rewrites: Sequence[str],
    references: Sequence[Sequence[str]] | None,
    is_ok: Judge,
    featurizer: HashingFeaturizer | None = None,
    fluency: FluencyJudge | None = None,
    threshold: float | None = None,
) -> dict[str, Any]:
    """Every metric of the module docstring for one system; ``None`` where not computed.

    ``references=None`` skips the closeness metrics; ``featurizer=None`` skips the cosine;
    ``fluency=None`` (or no ``threshold``) skips ``j_fluency``.

    **Usage**::

        >>> rewrite_metrics(["you idiot"], ["you"], [["you"]], lambda ts: [True] * len(ts))
        {'n': 1, 'style_accuracy': 1.0, ...}
    """
    if len(sources) != len(rewrites):
        raise ValueError(f"{len(sources)} sources but {len(rewrites)} rewrites")
    n = len(sources)
    ok = [bool(v) for v in is_ok(list(rewrites))]
    sim = [sentence_chrf(y, [x]) / 100.0 for x, y in zip(sources, rewrites, strict=True)]
    out: dict[str, Any] = {
        "n": n,
        "style_accuracy": sum(ok) / n if n else 0.0,
        "content_chrf": chrf(rewrites, [[x] for x in sources]) if n else 0.0,
        "content_cosine": None,
        "ref_chrf": None,
        "ref_bleu": None,
        "j": joint_score(ok, sim, rewrites),
        "j_cosine": None,
        "changed": sum(x != y for x, y in zip(sources, rewrites, strict=True)) / n if n else 0.0,
        "empty": sum(not _WORD.search(y) for y in rewrites) / n if n else 0.0,
        "fluency": None,
        "logprob": None,
        "j_fluency": None,
    }
    if fluency is not None and threshold is not None and n:
        # Only rows that J can count need a score (style ok, a word left): the rest are 0.
        need = [i for i in range(n) if ok[i] and _WORD.search(rewrites[i])]
        ys = fluency.mean([rewrites[i] for i in need])
        xs = fluency.mean([sources[i] for i in need])
        fl = [0.0] * n
        for i, f in zip(need, acceptability(ys, xs, threshold), strict=True):
            fl[i] = f
        finite = [y for y in ys if np.isfinite(y)]
        out["fluency"] = sum(fl[i] for i in need) / len(need) if need else 0.0
        out["logprob"] = float(np.mean(finite)) if finite else None
        out["j_fluency"] = joint_score(ok, sim, rewrites, fl)
    if featurizer is not None and n:
        cos = tfidf_cosine(sources, rewrites, featurizer)
        out["content_cosine"] = float(cos.mean())
        out["j_cosine"] = joint_score(ok, [float(c) for c in cos], rewrites)
    if references is not None and n:
        out["ref_chrf"] = chrf(rewrites, references)
        out["ref_bleu"] = bleu(rewrites, references)
    return out


# -- systems ---------------------------------------------------------------------------------


def delete_baseline(text: str, spans: Sequence[Span]) -> str:
    """The baseline rewrite: delete the flagged spans and tidy the gaps.

    **Usage**::

        >>> delete_baseline("you are a fucking idiot .", [(10, 17), (18, 23)])
        'you are a.'
    """
    return delete_spans(text, spans)


def lexicon_rewriter(
    substitutions: Mapping[str, str], spans_fn: SpansFn, within_spans: bool = False
) -> Rewriter:
    """The lexicon rewriter: apply ``substitutions``, then delete what ``spans_fn`` still flags.

    By default the lexicon rewrites the whole text; with ``within_spans`` only the phrases
    that overlap a span ``spans_fn`` flags in the source (so words the judge does not mind,
    like "lol", stay).

    **Usage**::

        >>> rewrite = lexicon_rewriter(load_substitutions(), FastTierGuard().spans)
        >>> rewrite(["give a shit, you fucking moron"])
        ['care, you']
    """

    def rewrite(texts: Sequence[str]) -> list[str]:
        where: Sequence[Sequence[Span] | None] = (
            spans_fn(texts) if within_spans else [None] * len(texts)
        )
        step = [apply_substitutions(t, substitutions, w) for t, w in zip(texts, where, strict=True)]
        flagged = spans_fn(step)
        return [delete_spans(t, s) for t, s in zip(step, flagged, strict=True)]

    return rewrite


class FastTierGuard:
    """Judge and flagger built on the fast tier, for the benchmark until the guard lands.

    - :meth:`is_ok`: every negativity label (:data:`NEGATIVITY`) is below its default threshold.
    - :meth:`spans`: greedy occlusion. While the text is not ok, try deleting each remaining
      word and keep the one whose removal lowers the *negativity margin* (the largest
      ``probability - threshold`` over the negativity labels) the most; stop when the text is
      ok, after ``max_words`` words, or when no word lowers the margin by ``min_drop``.

    **Usage**::

        >>> guard = FastTierGuard()
        >>> guard.is_ok(["thanks for the fix", "you fucking idiot"])
        [True, False]
        >>> guard.spans(["thanks for the fix, you idiot"])
        [[(24, 29)]]
    """

    def __init__(
        self, scorer: Scorer | None = None, max_words: int = 4, min_drop: float = 0.02
    ) -> None:
        from ...engine import Scorer

        self.scorer = scorer or Scorer()
        self.max_words = max_words
        self.min_drop = min_drop
        thresholds = self.scorer.thresholds()
        self._columns = [self.scorer.labels.index(name) for name in NEGATIVITY]
        self._thresholds = np.asarray([thresholds[n] for n in NEGATIVITY], dtype=np.float32)

    @property
    def featurizer(self) -> HashingFeaturizer:
        """The fast tier's featurizer (for :func:`tfidf_cosine`)."""
        from ...classifiers.featurize import HashingFeaturizer

        featurizer = getattr(self.scorer.model, "featurizer", None)
        if not isinstance(featurizer, HashingFeaturizer):
            raise ConfigError(
                f"the {self.scorer.tier!r} tier has no hashed TF-IDF featurizer. You can fix "
                "this by using the fast tier for the rewrite benchmark."
            )
        return featurizer

    def margins(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Largest ``probability - threshold`` over the negativity labels; < 0 means ok."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        proba = self.scorer.predict_proba(list(texts))[:, self._columns]
        out: npt.NDArray[np.float32] = (proba - self._thresholds).max(axis=1)
        return out

    def is_ok(self, texts: Sequence[str]) -> list[bool]:
        """True for each text the judge accepts."""
        return [bool(m < 0) for m in self.margins(texts)]

    def spans(self, texts: Sequence[str]) -> list[list[Span]]:
        """The words to delete, by greedy occlusion (see the class docstring), sorted."""
        words = [[(m.start(), m.end()) for m in _WORD.finditer(t)] for t in texts]
        chosen: list[list[Span]] = [[] for _ in texts]
        margin = self.margins(texts)
        active = [i for i in range(len(texts)) if margin[i] >= 0 and words[i]]
        for _ in range(self.max_words):
            if not active:
                break
            variants: list[str] = []
            owners: list[tuple[int, Span]] = []
            for i in active:
                for w in words[i]:
                    if w not in chosen[i]:
                        variants.append(_cut(texts[i], [*chosen[i], w]))
                        owners.append((i, w))
            scores = self.margins(variants)
            best: dict[int, tuple[float, Span]] = {}
            for (i, w), s in zip(owners, scores, strict=True):
                if i not in best or float(s) < best[i][0]:
                    best[i] = (float(s), w)
            still: list[int] = []
            for i in active:
                if i not in best or margin[i] - best[i][0] < self.min_drop:
                    continue
                score, w = best[i]
                chosen[i].append(w)
                margin[i] = score
                if score >= 0 and len(chosen[i]) < len(words[i]):
                    still.append(i)
            active = still
        return [sorted(c) for c in chosen]


def _cut(text: str, spans: Sequence[Span]) -> str:
    out, pos = [], 0
    for s, e in sorted(spans):
        out.append(text[pos:s])
        pos = e
    out.append(text[pos:])
    return " ".join("".join(out).split())


# -- fluency calibration ---------------------------------------------------------------------


def calibrate_fluency(
    judge: FluencyJudge,
    spans_fn: SpansFn,
    data_dir: Path,
    rows: int = 200,
    seed: int = 0,
    quantile: float = 0.05,
) -> dict[str, Any]:
    """Calibrate the fluency threshold on ParaDetox **training** rows, and validate it.

    Takes the first ``rows`` training rows whose source the flagger marks; scores each source,
    its first human rewrite and the delete baseline's output. The threshold is the
    ``quantile`` of (human - source) mean log-prob deltas; the report also gives how often
    each kind of output passes and the AUC of the delta, human rewrite against deletion.

    **Usage**::

        >>> calibrate_fluency(FluencyJudge(), FastTierGuard().spans, Path("../shared/data"))
        {'threshold': -0.9..., 'n': 200, ...}
    """
    from ..training.detox import detox_pairs

    items = detox_pairs(data_dir, "train", seed)
    sources = [s for s, _ in items[: rows * 3]]
    flagged = spans_fn(sources)
    picked = [(s, r[0], f) for (s, r), f in zip(items, flagged, strict=False) if f][:rows]
    src = judge.mean([s for s, _, _ in picked])
    human = judge.mean([h for _, h, _ in picked])
    deleted_text = [delete_baseline(s, f) for s, _, f in picked]
    deleted = judge.mean(deleted_text)
    d_human = [h - x for h, x in zip(human, src, strict=True)]
    d_deleted = [d - x for d, x in zip(deleted, src, strict=True)]
    threshold = calibrate_threshold(d_human, quantile)

    def finite_mean(values: Sequence[float]) -> float:
        kept = [v for v in values if np.isfinite(v)]
        return round(float(np.mean(kept)), 4) if kept else float("nan")

    def pass_rate(outputs: Sequence[float]) -> float:
        return round(float(np.mean(acceptability(outputs, src, threshold))), 4)

    return {
        "split": "paradetox train (never the held-out rows)",
        "n": len(picked),
        "quantile": quantile,
        "threshold": round(threshold, 4),
        "mean_logprob": {
            "source": finite_mean(src),
            "human": finite_mean(human),
            "delete_flagged": finite_mean(deleted),
        },
        "pass_rate": {
            "source": 1.0,
            "human": pass_rate(human),
            "delete_flagged": pass_rate(deleted),
        },
        "auc_delta_human_vs_delete": round(_auc(d_human, d_deleted), 4),
    }


def _auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """P(a positive scores above a negative), ties counting half; -inf is lowest."""
    pos = [p if np.isfinite(p) else -1e9 for p in positives]
    neg = [q if np.isfinite(q) else -1e9 for q in negatives]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
    return float(wins) / (len(pos) * len(neg))


# -- runner ----------------------------------------------------------------------------------


def run_rewrite_benchmark(
    rewriter: Rewriter,
    judge: Judge,
    spans_fn: SpansFn,
    data_dir: Path,
    limit: int | None = None,
    seed: int = 0,
    featurizer: HashingFeaturizer | None = None,
    extra: Mapping[str, Rewriter] | None = None,
    examples: int = 0,
    fluency: FluencyJudge | None = None,
    calibration_rows: int = 200,
    fluency_systems: Sequence[str] = ("identity", "delete_flagged", "rewriter", "guard"),
    fluency_calibration: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Score ``rewriter`` beside the identity and delete-the-flagged-words baselines.

    Runs on ParaDetox's held-out 10% and APPDIA's test split (the first ``limit`` rows of each
    when given); ``extra`` adds more named rewriters to compare; ``examples`` sets how many
    rows to show with every system's rewrite (none by default: APPDIA's licence is unknown,
    so its texts must not be copied into a report that gets committed). With ``fluency``, the
    threshold is first calibrated on ``calibration_rows`` ParaDetox training rows
    (:func:`calibrate_fluency`, reported as ``fluency_calibration``) and every system gets
    ``j_fluency`` (a ``fluency_calibration`` from an earlier :func:`calibrate_fluency` is
    reused as it is; those named in ``fluency_systems``: each text costs a model pass, about
    25 ms a token on one core). Returns ``{"sets": {set: {"n", "systems": {system: metrics},
    "examples"}}, "definitions"}``, with metrics as in :func:`rewrite_metrics`.

    **Usage**::

        >>> guard = FastTierGuard()
        >>> rewriter = lexicon_rewriter(load_substitutions(), guard.spans)
        >>> run_rewrite_benchmark(rewriter, guard.is_ok, guard.spans, data_dir, limit=50)
    """
    sets = {
        "paradetox_heldout": paradetox_heldout(data_dir, seed),
        "appdia_test": appdia_test(data_dir),
    }
    report: dict[str, Any] = {"sets": {}, "definitions": _DEFINITIONS}
    threshold: float | None = None
    if fluency is not None:
        calibration = fluency_calibration or calibrate_fluency(
            fluency, spans_fn, data_dir, calibration_rows, seed
        )
        threshold = calibration["threshold"]
        report["fluency_calibration"] = dict(calibration)
    for name, items in sets.items():
        rows = items[:limit] if limit is not None else items
        sources = [s for s, _ in rows]
        references = [list(r) for _, r in rows]
        flagged = spans_fn(sources)
        systems = {
            "identity": list(sources),
            "delete_flagged": [
                delete_baseline(s, f) for s, f in zip(sources, flagged, strict=True)
            ],
            "rewriter": list(rewriter(sources)),
            **{k: list(f(sources)) for k, f in (extra or {}).items()},
        }
        results = {
            system: rewrite_metrics(
                sources,
                out,
                references,
                judge,
                featurizer,
                fluency if system in fluency_systems else None,
                threshold,
            )
            for system, out in systems.items()
        }
        results["human"] = rewrite_metrics(
            sources,
            [r[0] for r in references],
            None,
            judge,
            featurizer,
            fluency if "human" in fluency_systems else None,
            threshold,
        )
        report["sets"][name] = {
            "n": len(rows),
            "systems": results,
            "examples": [
                {"source": s, **{k: v[i] for k, v in systems.items() if k != "identity"}}
                for i, s in enumerate(sources[:examples])
            ],
        }
    return report


_DEFINITIONS = {
    "style_accuracy": "share of rewrites the judge accepts",
    "content_chrf": "corpus chrF (sacrebleu chrF2) of rewrites against their sources",
    "content_cosine": "mean cosine of source and rewrite in the fast tier's TF-IDF space",
    "ref_chrf": "corpus chrF against all human rewrites",
    "ref_bleu": "corpus BLEU (sacrebleu 13a) against all human rewrites",
    "j": "mean of style_ok * sentence chrF(rewrite, source)/100 * non-empty; no fluency term",
    "j_cosine": "as j, with the TF-IDF cosine as the similarity",
    "changed": "share of rewrites that differ from the source",
    "empty": "share of rewrites left without a word",
    "fluency": "share of the rewrites J counts (style ok, a word left) whose mean log-prob under "
    "SmolLM2-135M-Instruct is at least the calibrated threshold above their source's",
    "logprob": "mean per-token log-prob (SmolLM2-135M-Instruct) of the rewrites J counts",
    "j_fluency": "mean of style_ok * sentence chrF(rewrite, source)/100 * non-empty * fluent",
}
