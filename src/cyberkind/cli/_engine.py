"""``labels`` and ``score``: the engine's commands (``train`` and ``bench`` are the lab's)."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import click

from ._base import (
    EXIT_SKIPPED_ROWS,
    _settings,
    _tier_options,
    cli,
    setting_option,
)


@cli.command()
@click.option("--markdown", is_flag=True, help="Print the Markdown of docs/labels.md instead.")
def labels(markdown: bool) -> None:
    """List the engine's labels with definitions and default thresholds, as JSON.

    Example:

        cyberkind labels
    """
    from ..engine import Scorer
    from ..labels import LABELS

    thresholds = Scorer().thresholds()
    if markdown:
        click.echo(labels_markdown(thresholds), nl=False)
        return
    rows = [
        {
            "name": lab.name,
            "group": lab.group,
            "definition": lab.definition,
            "threshold": thresholds[lab.name],
            "examples": {"positive": lab.positive_examples, "negative": lab.negative_examples},
        }
        for lab in LABELS
    ]
    click.echo(json.dumps(rows, indent=2))


def labels_markdown(thresholds: dict[str, float]) -> str:
    """The Markdown of ``docs/labels.md`` (a test keeps the file equal to this)."""
    from ..labels import LABELS

    out = [
        "# Labels",
        "",
        "The kindness engine gives every text a calibrated probability in [0, 1] for each label",
        "below. The names are a stable public contract. The default threshold of each label",
        "maximises F1 on its dev split (`crisis`: the highest threshold that keeps dev recall at",
        "0.98 or more, and explicit first-person statements always score at least 0.9). Generated",
        "by `cyberkind labels --markdown`.",
        "",
    ]
    titles = {
        "negativity": "Negativity",
        "kindness": "Kindness signals",
        "moment": "Moments that call for a kind act",
    }
    for group, title in titles.items():
        out += [
            f"## {title}",
            "",
            "| label | definition | default threshold | e.g. high | e.g. low |",
        ]
        out += ["|---|---|---|---|---|"]
        for lab in LABELS:
            if lab.group == group:
                out.append(
                    f"| `{lab.name}` | {lab.definition} | {thresholds[lab.name]:.3f} | "
                    f"{lab.positive_examples[0]} | {lab.negative_examples[0]} |"
                )
        out.append("")
    return "\n".join(out)


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet"]),
    help="Input format (parquet needs --engine dask).",
)
@click.option("--text-field", default="text", show_default=True, help="Field holding the text.")
@click.option(
    "--id-field",
    default=None,
    help="Field holding the id (default: the field id when a row has one, else the line number).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="Write JSONL here (default: stdout, where scores are rounded to 4 decimals on a "
    "terminal); with --engine dask, a folder of partitions.",
)
@click.option("--strict", is_flag=True, help="Stop at the first bad row (exit 1).")
@click.option(
    "--tier",
    default=None,
    help="Model tier: reading-cascade (the fast tier, and the fine-tuned encoder for the texts "
    "it is unsure of), reading, fast (raw speed); accurate and cascade are older names of "
    "reading and reading-cascade; frozen or frozen-cascade (legacy, need cyberkind[lab]). "
    "Default: the score_tier setting, reading-cascade (fast where the reading model or "
    "onnxruntime is missing).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: this process. dask: a Dask cluster scores a file, a glob or a folder of "
    "JSONL, CSV or Parquet partitions into the --output folder (needs "
    "cyberkind[distributed]; see docs/distributed.md).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="With --engine dask: the scheduler of a running cluster, e.g. tcp://10.0.0.1:8786.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="With --engine dask and no --scheduler: local worker processes (default: one per core).",
)
@click.option(
    "--blocksize",
    default="16MiB",
    show_default=True,
    help="With --engine dask: input bytes per partition (Parquet: whole row groups).",
)
@setting_option
def score(
    input_path: str,
    fmt: str | None,
    text_field: str,
    id_field: str | None,
    output: str | None,
    strict: bool,
    tier: str | None,
    engine: str,
    scheduler: str | None,
    workers: int | None,
    blocksize: str,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Score every row of a JSONL or CSV file (or archive); write {"id", "scores"} JSONL.

    The format comes from the extension (.jsonl, .ndjson, .json, .csv, and
    .parquet with --engine dask) or --format. Bad rows (invalid or too deeply
    nested JSON, an unclosed CSV quote, a record over the max_record_bytes
    setting...) are reported on stderr with their line number and skipped
    (exit status 3 at the end), or stop the run with --strict. An input with
    no rows at all, or a binary file, is an error (exit status 1).

    --output replaces a regular file atomically when the run succeeds; a
    device, a FIFO or a symlink is written through.

    With --engine dask, INPUT may be a file, a glob or a folder, and --output
    is a folder: one part-NNNNN.jsonl per input block (concatenated in order,
    the same bytes the local engine writes), then _manifest.json and _SUCCESS.

    Example:

        cyberkind score comments.csv --text-field body --id-field id -o scores.jsonl

        cyberkind score 'archive/*.parquet' --engine dask --workers 2 -o scores/
    """
    values = _settings(settings)
    if tier is None:
        from ..classifiers.reading_tier import guard_tier

        tier = guard_tier(str(values["score_tier"]), values["model_dir"])
    if engine == "dask":
        _score_dask(
            input_path,
            output,
            values,
            fmt=fmt,
            text_field=text_field,
            id_field=id_field,
            strict=strict,
            tier=tier,
            scheduler=scheduler,
            workers=workers,
            blocksize=blocksize,
        )
        return
    if scheduler is not None or workers is not None:
        raise click.ClickException(
            "--scheduler and --workers work with the dask engine only. You can fix this by "
            "passing --engine dask."
        )
    if fmt == "parquet":
        raise click.ClickException(
            "the local engine reads JSONL and CSV. You can fix this by passing --engine dask "
            "to score Parquet (pip install 'cyberkind[distributed]')."
        )
    from ..engine import Scorer
    from ..scoring_io import BadRow, score_file

    scorer = Scorer(tier, values["model_dir"], _tier_options(tier, values))

    def warn(row: BadRow) -> None:
        click.echo(f"Warning: line {row.line}: {row.reason}; skipped.", err=True)

    source: Path | BinaryIO = sys.stdin.buffer if input_path == "-" else Path(input_path)
    size = source.stat().st_size if isinstance(source, Path) and source.is_file() else 0
    with _progress(size, enabled=bool(size and output and sys.stderr.isatty())) as progress:
        report = score_file(
            source,
            Path(output) if output is not None else sys.stdout,
            scorer,
            fmt=fmt,
            text_field=text_field,
            id_field=id_field,
            strict=strict,
            batch_size=int(values["batch_size"]),
            max_record_bytes=int(values["max_record_bytes"]),
            # People read a terminal: 4 decimals there, every digit in files and pipes.
            digits=4 if output is None and sys.stdout.isatty() else None,
            on_bad_row=warn,
            progress=progress,
        )
    click.echo(_scored(report.rows, report.skipped), err=True)
    if report.skipped:
        sys.exit(EXIT_SKIPPED_ROWS)


def _scored(rows: int, skipped: int) -> str:
    """``Scored 1 row, skipped 0.``"""
    return f"Scored {rows} {'row' if rows == 1 else 'rows'}, skipped {skipped}."


def _score_dask(
    input_path: str,
    output: str | None,
    values: dict[str, Any],
    *,
    fmt: str | None,
    text_field: str,
    id_field: str | None,
    strict: bool,
    tier: str,
    scheduler: str | None,
    workers: int | None,
    blocksize: str,
) -> None:
    if input_path == "-":
        raise click.ClickException(
            "the dask engine reads files, not stdin. You can fix this by passing a file, a "
            "glob or a folder."
        )
    if output is None:
        raise click.ClickException(
            "the dask engine writes a folder of partitions. You can fix this by passing "
            "--output DIR."
        )
    if scheduler is not None and workers is not None:
        raise click.ClickException(
            "--workers starts a local cluster, --scheduler joins a running one. You can fix "
            "this by passing only one of them."
        )
    from ..distributed import score_archive

    try:
        from dask.utils import parse_bytes

        size = parse_bytes(blocksize)
    except ImportError:
        size = 0  # score_archive says what to install
    except (ValueError, TypeError):
        raise click.ClickException(
            f"cannot read --blocksize {blocksize!r}. You can fix this by passing a size such "
            "as 16MiB or 64MB."
        ) from None
    with _partition_progress(enabled=sys.stderr.isatty()) as progress:
        result = score_archive(
            input_path,
            output,
            scheduler=scheduler,
            workers=workers,
            fmt=fmt,
            text_field=text_field,
            id_field=id_field,
            strict=strict,
            tier=tier,
            model_dir=values["model_dir"],
            options=_tier_options(tier, values),
            batch_size=int(values["batch_size"]),
            blocksize=size or 1,
            progress=progress,
            max_record_bytes=int(values["max_record_bytes"]),
        )
    for source, line, reason in result.bad_rows():
        where = f"line {line}" if result.single_input else f"{source}: line {line}"
        click.echo(f"Warning: {where}: {reason}; skipped.", err=True)
    click.echo(_scored(result.rows, result.skipped), err=True)
    if result.skipped:
        sys.exit(EXIT_SKIPPED_ROWS)


@contextlib.contextmanager
def _partition_progress(enabled: bool) -> Iterator[Callable[[int, int], None]]:
    from rich.progress import Progress

    with Progress(transient=True, disable=not enabled) as bar:
        task = bar.add_task("scoring partitions", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield progress


@contextlib.contextmanager
def _progress(size: int, enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A Rich bar over the input's bytes on stderr, with the time left; None when disabled."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("scoring", total=size)
        yield lambda done: bar.update(task, completed=done)
