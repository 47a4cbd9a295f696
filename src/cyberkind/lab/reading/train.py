"""Train the reading model on CPU: seeded, resumable, on a time budget.

- Data: :func:`cyberkind.lab.reading.tasks.build_corpus`, cached in ``<out>/corpus-<seed>.pkl``.
- Batches: each step draws one task: the benchmark tasks with fixed shares
  (:data:`TASK_SHARE`), the others sharing the rest by ``n ** (1 / temperature) * boost``
  (:data:`TASK_BOOST` lowers the GoEmotions-only heads, whose rows the ``goemotions`` task
  already covers); within a task, rows are shuffled, cut into
  chunks, sorted by length within a chunk (length buckets) and padded per batch (dynamic
  padding). The whole schedule follows from the seed, so a resumed run sees the same batches.
- Loss: mean binary cross-entropy over the labelled heads of each row, cross-entropy for
  the emotion class where present, binary cross-entropy per word-piece for span rows.
- Optimiser: AdamW, linear warm-up then linear decay; the embeddings and the lowest
  ``--freeze-layers`` layers are frozen.
- Checkpoints: ``<out>/checkpoint.pt`` every ``--checkpoint-minutes`` (written beside and
  renamed into place): model, optimiser, scheduler, RNG states, step. Running the same
  command again resumes from it. ``<out>/progress.json`` has the step, speed and ETA.
- ``--budget-minutes``: stop (and save) when the time spent, summed over resumed sessions,
  reaches it. When the measured speed says ``--steps`` will not fit, the linear decay is
  re-aimed (every 50 steps, from the speed of the last 200, never past ``--steps``) at the
  step the budget allows, so the run still ends at a learning rate of zero. The batches
  stay those of the seed; only the number of steps then depends on the machine's speed
  (pass no budget for a run that depends on nothing but the seed).

**Usage**::

    python -m cyberkind.lab.reading train --data-dir ../shared/data --out artifacts/reading \\
        --steps 6000 --budget-minutes 75
"""

from __future__ import annotations

import json
import os
import pickle
import random
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .tasks import SIGMOID_HEADS, Corpus, build_corpus

__all__ = [
    "TASK_BOOST",
    "TASK_SHARE",
    "TrainConfig",
    "encode_corpus",
    "load_corpus",
    "schedule",
    "train",
]

TASK_SHARE: dict[str, float] = {
    "spans": 0.15,
    "goemotions": 0.14,
    "tweeteval-offensive": 0.10,
    "tweeteval-hate": 0.08,
    "tweeteval-emotion": 0.06,
    "target": 0.05,
    "spam": 0.03,
    "plain": 0.07,
}
"""Fixed shares of the batches for the benchmark tasks; the other tasks share the rest."""
TASK_BOOST: dict[str, float] = {
    "admiration": 0.25,
    "compassion": 0.25,
    "curiosity": 0.25,
    "gratitude": 0.25,
}
"""Within the rest: the GoEmotions-only heads are mostly covered by the goemotions task."""
SPAN_TASK = "spans"


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of a run (saved in the checkpoint and in ``config.json``)."""

    seed: int = 0
    steps: int = 6000
    batch_size: int = 32
    span_batch_size: int = 16
    max_length: int = 128
    span_max_length: int = 192
    lr: float = 6e-5
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.05
    temperature: float = 2.0
    freeze_layers: int = 2
    checkpoint_minutes: float = 5.0
    budget_minutes: float = 0.0
    threads: int = 2
    init_from: str = ""
    """A weights file (``final.pt``) to start from instead of all-MiniLM-L6-v2: a second stage."""
    stage: int = 0
    """Set for a second stage so that its batches differ from the first stage's."""


@dataclass
class Encoded:
    """Word-piece ids per row; span rows also carry a label per piece (-1: none)."""

    ids: list[list[int]]
    piece_labels: dict[int, list[int]]


def load_corpus(data_dir: Path, out: Path, seed: int) -> Corpus:
    """The corpus, built once and cached in ``out``."""
    path = out / f"corpus-{seed}.pkl"
    if path.is_file():
        with path.open("rb") as f:
            corpus: Corpus = pickle.load(f)
        return corpus
    corpus = build_corpus(data_dir, seed)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as f:
        pickle.dump(corpus, f)
    partial.replace(path)
    return corpus


def piece_word_labels(
    text: str, offsets: Sequence[tuple[int, int]], gold: Sequence[int]
) -> list[int]:
    """A label per word-piece: its word's (1 if any of the word's characters is gold), -1
    for special tokens."""
    from ...classifiers.spans import word_tokens

    words = word_tokens(text)
    starts = [w.start for w in words]
    marked = set(gold)
    word_y = [int(any(c in marked for c in range(w.start, w.end))) for w in words]
    out = []
    for s, e in offsets:
        if e <= s:
            out.append(-1)
            continue
        k = bisect_right(starts, s) - 1
        if k >= 0 and s < words[k].end:
            out.append(word_y[k])
        else:
            out.append(-1)  # punctuation between words: no label
    return out


def encode_corpus(corpus: Corpus, tokenizer_path: Path, cfg: TrainConfig) -> Encoded:
    """Tokenise every row (sentence rows to ``max_length``, span rows to ``span_max_length``)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_path))
    tok.no_padding()
    span_rows = sorted(corpus.span_gold)
    span_set = set(span_rows)
    plain = [i for i in range(len(corpus.texts)) if i not in span_set]
    ids: list[list[int]] = [[] for _ in corpus.texts]
    tok.enable_truncation(cfg.max_length)
    for i, enc in zip(plain, tok.encode_batch([corpus.texts[i] for i in plain]), strict=True):
        ids[i] = list(enc.ids)
    tok.enable_truncation(cfg.span_max_length)
    labels: dict[int, list[int]] = {}
    for i, enc in zip(
        span_rows, tok.encode_batch([corpus.texts[i] for i in span_rows]), strict=True
    ):
        ids[i] = list(enc.ids)
        labels[i] = piece_word_labels(corpus.texts[i], enc.offsets, corpus.span_gold[i])
    return Encoded(ids, labels)


def task_probabilities(corpus: Corpus, cfg: TrainConfig) -> dict[str, float]:
    """Each task's share of the batches."""
    weights = {}
    for task, rows in corpus.tasks.items():
        n = sum(1 for i in rows if corpus.splits[i] == "train")
        if n and task not in TASK_SHARE:
            weights[task] = n ** (1.0 / cfg.temperature) * TASK_BOOST.get(task, 1.0)
    rest = 1.0 - sum(TASK_SHARE.values())
    total = sum(weights.values())
    out = {t: rest * w / total for t, w in weights.items()}
    out.update(TASK_SHARE)
    return dict(sorted(out.items()))


def schedule(
    corpus: Corpus, lengths: npt.NDArray[np.int64], cfg: TrainConfig
) -> list[tuple[str, npt.NDArray[np.int64]]]:
    """Every step's (task, row indices), from the seed alone."""
    rng = np.random.RandomState([cfg.seed, cfg.stage] if cfg.stage else cfg.seed)
    probs = task_probabilities(corpus, cfg)
    names = sorted(probs)
    p = np.asarray([probs[t] for t in names])
    train_rows = {
        t: np.asarray([i for i in corpus.tasks[t] if corpus.splits[i] == "train"], dtype=np.int64)
        for t in names
    }
    queues: dict[str, list[npt.NDArray[np.int64]]] = {t: [] for t in names}

    def refill(task: str) -> None:
        bs = cfg.span_batch_size if task == SPAN_TASK else cfg.batch_size
        rows = train_rows[task][rng.permutation(len(train_rows[task]))]
        chunk = bs * 50
        batches = []
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            part = part[np.argsort(lengths[part], kind="stable")]
            batches += [part[k : k + bs] for k in range(0, len(part), bs)]
        order = rng.permutation(len(batches))
        queues[task] = [batches[k] for k in order]

    out = []
    for task_id in rng.choice(len(names), size=cfg.steps, p=p):
        task = names[task_id]
        if not queues[task]:
            refill(task)
        out.append((task, queues[task].pop()))
    return out


def _atomic_save(obj: Any, path: Path) -> None:
    import torch

    partial = path.with_name(path.name + ".partial")
    torch.save(obj, partial)
    os.replace(partial, path)


def _write_json(path: Path, obj: Any) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(obj, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)


def train(data_dir: Path, out: Path, cfg: TrainConfig) -> Path:
    """Train (or resume) into ``out``; return the path of the final weights."""
    import torch
    import torch.nn.functional as F

    from ...classifiers.encoder import base_model_dir
    from .model import ReadingNet

    out.mkdir(parents=True, exist_ok=True)
    final = out / "final.pt"
    if final.is_file():
        print(f"train: {final} exists; nothing to do (delete it to train again)", flush=True)
        return final
    torch.set_num_threads(cfg.threads)
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    t0 = time.time()
    corpus = load_corpus(data_dir, out, cfg.seed)
    base = base_model_dir()
    enc = encode_corpus(corpus, base / "tokenizer.json", cfg)
    lengths = np.asarray([len(x) for x in enc.ids], dtype=np.int64)
    plan = schedule(corpus, lengths, cfg)
    probs = task_probabilities(corpus, cfg)
    print(
        f"train: data ready in {time.time() - t0:.0f} s; tasks: "
        + ", ".join(f"{t} {p:.3f}" for t, p in probs.items()),
        flush=True,
    )

    model = ReadingNet(base)
    if cfg.init_from:
        model.load_state_dict(torch.load(cfg.init_from, weights_only=False)["model"])
        print(f"train: starting from {cfg.init_from}", flush=True)
    model.freeze(cfg.freeze_layers)
    heads = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    body = [p for n, p in model.named_parameters() if n.startswith("encoder.") and p.requires_grad]
    optimiser = torch.optim.AdamW(
        [{"params": body, "lr": cfg.lr}, {"params": heads, "lr": cfg.head_lr}],
        weight_decay=cfg.weight_decay,
    )
    warm = max(1, int(cfg.warmup * cfg.steps))
    # The step the decay reaches zero at: --steps, or earlier when the time budget will not
    # allow them all (re-aimed every 50 steps from the measured speed).
    total = [cfg.steps]

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return max(0.0, (total[0] - step) / max(1, total[0] - warm))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, factor)
    ckpt = out / "checkpoint.pt"
    step, spent = 0, 0.0
    if ckpt.is_file():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        optimiser.load_state_dict(state["optimiser"])
        scheduler.load_state_dict(state["scheduler"])
        random.setstate(state["random"])
        np.random.set_state(state["numpy"])
        torch.set_rng_state(state["torch"])
        step, spent = int(state["step"]), float(state["spent"])
        total[0] = min(cfg.steps, int(state.get("total", cfg.steps)))
        print(f"train: resumed at step {step} ({spent / 60:.1f} min spent)", flush=True)
    _write_json(out / "train_config.json", cfg.__dict__)

    y_all = torch.from_numpy(corpus.y.astype(np.float32))
    emo_all = torch.from_numpy(corpus.emotion.astype(np.int64))
    n_sig = len(SIGMOID_HEADS)

    def save(at: int, elapsed: float) -> None:
        _atomic_save(
            {
                "model": model.state_dict(),
                "optimiser": optimiser.state_dict(),
                "scheduler": scheduler.state_dict(),
                "random": random.getstate(),
                "numpy": np.random.get_state(),
                "torch": torch.get_rng_state(),
                "step": at,
                "spent": elapsed,
                "total": total[0],
                "config": cfg.__dict__,
            },
            ckpt,
        )

    model.train()
    session_start = time.time()
    last_save = time.time()
    running: dict[str, list[float]] = {}
    marks: deque[tuple[float, int]] = deque(maxlen=5)
    start_step = step
    while step < total[0]:
        elapsed = spent + time.time() - session_start
        if cfg.budget_minutes and elapsed >= cfg.budget_minutes * 60:
            print(f"train: time budget reached at step {step}", flush=True)
            break
        task, rows = plan[step]
        width = int(lengths[rows].max())
        ids = torch.zeros((len(rows), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        piece_y = torch.full((len(rows), width), -1.0)
        for r, i in enumerate(rows):
            seq = enc.ids[i]
            ids[r, : len(seq)] = torch.tensor(seq)
            mask[r, : len(seq)] = 1
            if i in enc.piece_labels:
                piece_y[r, : len(seq)] = torch.tensor(enc.piece_labels[i], dtype=torch.float32)
        index = torch.from_numpy(rows)
        sentence, tokens = model(ids, mask)
        loss = torch.zeros(())
        y = y_all[index]
        known = y >= 0
        if known.any():
            bce = F.binary_cross_entropy_with_logits(
                sentence[:, :n_sig], y.clamp(min=0), reduction="none"
            )
            loss = loss + (bce * known).sum() / known.sum()
        emo = emo_all[index]
        if (emo >= 0).any():
            loss = loss + F.cross_entropy(sentence[:, n_sig:][emo >= 0], emo[emo >= 0])
        tagged = piece_y >= 0
        if tagged.any():
            tok_loss = F.binary_cross_entropy_with_logits(
                tokens, piece_y.clamp(min=0), reduction="none"
            )
            loss = loss + (tok_loss * tagged).sum() / tagged.sum()
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        scheduler.step()
        optimiser.zero_grad(set_to_none=True)
        running.setdefault(task, []).append(float(loss.item()))
        step += 1
        now = time.time()
        if step % 50 == 0 or step == cfg.steps:
            done = step - start_step
            rate = done / max(now - session_start, 1e-9)
            marks.append((now, step))
            if cfg.budget_minutes and step > warm and done >= 100:
                # The speed of the last ~200 steps: other jobs on the machine come and go.
                t_old, s_old = marks[0]
                recent = (step - s_old) / max(now - t_old, 1e-9)
                left = cfg.budget_minutes * 60 - (spent + now - session_start)
                reachable = step + int(recent * left * 0.97)
                total[0] = min(cfg.steps, max(step + 50, reachable))
            eta = (total[0] - step) / max(rate, 1e-9)
            losses = {t: round(float(np.mean(v[-50:])), 4) for t, v in sorted(running.items())}
            print(
                f"step {step}/{total[0]} ({cfg.steps} planned) {rate:.2f} steps/s elapsed "
                f"{(spent + now - session_start) / 60:.1f} min ETA {eta / 60:.1f} min "
                f"loss {np.mean([v[-1] for v in running.values()]):.3f}",
                flush=True,
            )
            _write_json(
                out / "progress.json",
                {
                    "step": step,
                    "steps": total[0],
                    "planned_steps": cfg.steps,
                    "steps_per_s": round(rate, 3),
                    "elapsed_min": round((spent + now - session_start) / 60, 2),
                    "eta_min": round(eta / 60, 1),
                    "loss_by_task": losses,
                    "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                },
            )
        if now - last_save >= cfg.checkpoint_minutes * 60:
            save(step, spent + now - session_start)
            last_save = now
            print(f"train: checkpoint at step {step}", flush=True)
    elapsed = spent + time.time() - session_start
    save(step, elapsed)
    _atomic_save({"model": model.state_dict(), "step": step, "spent": elapsed}, final)
    print(f"train: done, {step} steps in {elapsed / 60:.1f} min -> {final}", flush=True)
    return final
