"""``check`` and ``policy``: the negativity guard's commands (docs/guard.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import CyberkindError
from ._base import (
    EXIT_CHECK_ERROR,
    _Group,
    cli,
)


class _CheckError(click.ClickException):
    """An error of ``check``: exit 4, never a verdict code."""

    exit_code = EXIT_CHECK_ERROR


class _VerdictCommand(click.Command):
    """A command whose exit codes 0-2 are verdicts: usage errors exit 4 instead of 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            exc.exit_code = EXIT_CHECK_ERROR  # type: ignore[misc]
            raise


def _team_policy(db: str | None) -> Any:
    """The team's guard policy from the store named by ``db`` or the db setting, if any."""
    from ..guard.policy import parse_policy
    from ..members import team_policy
    from ..settings import resolve
    from ..store import open_store

    db = db or resolve({})["db"]
    if not db:
        return None
    with open_store(db) as store:
        text = team_policy(store)
    return None if text is None else parse_policy(text, source="the team policy")


@cli.command(cls=_VerdictCommand)
@click.argument("text", required=False)
@click.option(
    "--file",
    "file_path",
    type=click.Path(dir_okay=False),
    help="Check every draft in this file: one per line, or JSONL with a text field.",
)
@click.option("--reply-to", default=None, help="The message the draft answers.")
@click.option(
    "--policy",
    "policy_path",
    type=click.Path(dir_okay=False),
    help="A guard policy file (TOML), e.g. from `cyberkind policy init` (default: the "
    "team's policy when a store is given, see --db).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (JSONL with --file).")
@click.option(
    "--db",
    "db",
    default=None,
    help="A store whose team policy applies when no --policy is given (default: the db "
    "setting or CYBERKIND_DB, if set; no store is opened otherwise).",
)
@click.option(
    "--tier",
    default=None,
    help="The engine tier the guard reads with (default: the guard_tier setting, reading: the "
    "fine-tuned encoder, which reads intent rather than words); fast is for raw speed.",
)
def check(
    text: str | None,
    file_path: str | None,
    reply_to: str | None,
    policy_path: str | None,
    as_json: bool,
    db: str | None,
    tier: str | None,
) -> None:
    """Check a draft before posting it: verdict, reasons, words, target, kinder rewrite.

    TEXT is the draft (or - to read it from stdin). Exits 0 for ok, 1 for
    reconsider and 2 for hold (with --file: the worst draft), and 4 on any
    error, so it can gate a pre-commit hook or a CI job.

    Example:

        cyberkind check "you're an idiot who ignores the budget"

        cyberkind check --file drafts.txt --policy guard-policy.toml --json

        cyberkind check --tier reading "I know where you live."
    """
    from ..guard import Guard, load_policy
    from ..guard.drafts import decode_draft, read_drafts
    from ..guard.models import LEVELS, worst

    try:
        if (text is None) == (file_path is None):
            raise _CheckError(
                "pass one draft as TEXT (or - for stdin), or a file of drafts with --file. "
                'You can fix this by running e.g. cyberkind check "thanks for this!"'
            )
        policy = load_policy(policy_path) if policy_path else _team_policy(db)
        if file_path is not None:
            path = Path(file_path)
            if not path.is_file():
                raise _CheckError(
                    f"drafts file {path} does not exist. You can fix this by checking the path."
                )
            drafts = read_drafts(path.read_bytes(), path.name)
        elif text == "-":
            drafts = [(1, decode_draft(sys.stdin.buffer.read(), "stdin"))]
        else:
            drafts = [(1, decode_draft(str(text).encode("utf-8", "surrogateescape"), "TEXT"))]
        if tier is not None:
            from ..engine import Scorer

            guard = Guard(Scorer(tier), policy=policy)
        else:
            guard = Guard(policy=policy)
        verdicts = [(line, guard.check(draft, reply_to=reply_to)) for line, draft in drafts]
    except CyberkindError as exc:
        raise _CheckError(str(exc)) from exc
    except RecursionError:
        # json.loads on [[[[...]]]] 100,000 levels deep: an error (4), never a verdict.
        line = _too_deep(Path(file_path)) if file_path is not None else None
        where = f"line {line}: " if line is not None else ""
        raise _CheckError(
            f"{where}a draft's JSON is nested too deeply to read. You can fix this by writing "
            'one flat {"text": "your draft"} object per line.'
        ) from None
    many = file_path is not None
    for line, verdict in verdicts:
        if as_json:
            row = ({"line": line} if many else {}) | verdict.to_dict()
            click.echo(json.dumps(row) if many else json.dumps(row, indent=2))
        else:
            _print_verdict(verdict, f"line {line}: " if many else "")
    sys.exit(LEVELS.index(worst([v.verdict for _, v in verdicts])))


def _too_deep(path: Path) -> int | None:
    """The first line of ``path`` whose JSON is nested too deeply to read."""
    from ..scoring_io import loads_json

    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            _, problem = loads_json(raw.decode("utf-8", "replace"))
            if problem and "nested too deeply" in problem:
                return number
    return None


def _print_verdict(verdict: Any, prefix: str) -> None:
    """Human output: the verdict, each reason with its words highlighted, target, rewrite."""
    from rich.console import Console
    from rich.markup import escape
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    colour = {"ok": "green", "reconsider": "yellow", "hold": "bold red"}[verdict.verdict]
    console.print(
        f"{escape(prefix)}[{colour}]{verdict.verdict.upper()}[/] target: {verdict.target}"
    )
    draft = Text(verdict.text)
    for span in verdict.spans:
        draft.stylize("bold red underline", span.start, span.end)
    console.print(Text("  draft: ").append(draft))
    for reason in verdict.reasons:
        words = ", ".join(repr(s.text) for s in reason.spans) or "-"
        console.print(
            f"  - {reason.label} ({reason.level}, {reason.score:.2f} >= {reason.threshold:.2f}): "
            f"{escape(reason.message)} Words: {escape(words)}"
        )
    if verdict.verdict != "ok":
        if verdict.rewrite is not None:
            console.print(f"  rewrite: [green]{escape(verdict.rewrite)}[/]")
        else:
            console.print(f"  no rewrite: {escape(verdict.rewrite_note)}")


@cli.group(cls=_Group)
def policy() -> None:
    """Write and validate guard policies (TOML) for `cyberkind check --policy`.

    Example:

        cyberkind policy init guard-policy.toml
    """


@policy.command("init")
@click.argument("path", default="guard-policy.toml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
def policy_init(path: str, force: bool) -> None:
    """Write a commented starter anti-cyber-bullying policy to PATH.

    Example:

        cyberkind policy init guard-policy.toml
    """
    from ..guard import STARTER_POLICY

    target = Path(path)
    if target.exists() and not force:
        raise click.ClickException(
            f"{target} already exists. You can fix this by choosing another path or passing "
            "--force to overwrite it."
        )
    target.write_text(STARTER_POLICY, encoding="utf-8")
    click.echo(json.dumps({"written": str(target)}))


@policy.command("check")
@click.argument("path", type=click.Path(dir_okay=False))
def policy_check(path: str) -> None:
    """Validate a policy file and print the policy it sets, as JSON.

    Example:

        cyberkind policy check guard-policy.toml
    """
    from dataclasses import asdict

    from ..guard import load_policy

    loaded = load_policy(path)
    click.echo(json.dumps(asdict(loaded), indent=2))
