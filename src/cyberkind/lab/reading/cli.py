"""Argument parsing for ``python -m cyberkind.lab.reading``; each command calls one function,
so a ``cyberkind train`` subcommand can call the same ones."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from pathlib import Path

from .train import TrainConfig

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cyberkind.lab.reading")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train or resume the reading model")
    for command in (
        train,
        sub.add_parser("export", help="export ONNX (fp32 and int8)"),
        sub.add_parser("evaluate", help="thresholds on dev, metrics on test"),
    ):
        command.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
        command.add_argument("--out", type=Path, default=Path("artifacts/reading"))
        command.add_argument("--seed", type=int, default=0)
    for f in dataclasses.fields(TrainConfig):
        if f.name == "seed":
            continue
        default = f.default
        train.add_argument(
            "--" + f.name.replace("_", "-"),
            type=type(default),
            default=default,
            help=f"default {default}",
        )
    evaluate = sub.choices["evaluate"]
    evaluate.add_argument(
        "--ship",
        type=Path,
        default=None,
        help="copy the chosen model and its files into this folder",
    )
    evaluate.add_argument(
        "--checkpoint",
        type=Path,
        default=None,
        help="evaluate this weights file instead of <out>/final.pt",
    )
    evaluate.add_argument(
        "--limit",
        type=int,
        default=0,
        help="only this many rows per set: a quick check, not a measurement",
    )
    evaluate.add_argument(
        "--per-task",
        type=int,
        default=1500,
        help="corpus rows per task scored on dev and test (0: all)",
    )
    sub.choices["export"].add_argument("--checkpoint", type=Path, default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Parse ``argv`` and run the command."""
    args = _parser().parse_args(argv)
    if args.command == "train":
        from .train import train

        values = {f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)}
        train(args.data_dir, args.out, TrainConfig(**values))
    elif args.command == "export":
        from .export import export_all

        export_all(args.out, args.checkpoint)
    else:
        from .evaluate import evaluate

        evaluate(
            args.data_dir,
            args.out,
            args.seed,
            args.checkpoint,
            args.ship,
            args.limit,
            args.per_task,
        )
