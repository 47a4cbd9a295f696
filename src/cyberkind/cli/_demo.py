"""``demo``: what cyberkind finds in a sample conversation and a sample inbox."""

from __future__ import annotations

import json

import click

from ._base import (
    cli,
)
from ._inbox import format_opportunities

DEMO_DRAFT = "You're an idiot who ignores the budget numbers."


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def demo(as_json: bool) -> None:
    """Show what cyberkind finds in a sample conversation, a sample inbox and a draft.

    The inbox part imports a small bundled WordPress export into a temporary
    store (your own inbox is not touched), lists its kindness opportunities and
    drafts two replies; then the guard checks a sample draft and offers a
    kinder rewrite.
    --json prints only the findings in the conversation.

    Example:

        cyberkind demo
    """
    from dataclasses import asdict

    from ..demo import demo_findings, demo_inbox_and_drafts

    findings = demo_findings()
    if as_json:
        click.echo(json.dumps([asdict(f) for f in findings], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="What cyberkind finds in a sample conversation", show_lines=True)
    table.add_column("who / where", style="bold")
    table.add_column("message")
    table.add_column("signals")
    table.add_column("kind act", style="green")
    for f in findings:
        signals = "\n".join(f"{k} {v:.2f}" for k, v in f.signals.items()) or "-"
        act = f.act or "-"
        if "crisis" in f.signals:
            act = "[bold red]" + act + "[/]"
        table.add_row(f"{f.author}\n[dim]{f.where}[/]", f.text, signals, act)
    console = Console()
    console.print(table)
    console.print("\n[bold]Your kindness inbox[/] (from a sample WordPress export)\n")
    opportunities, drafts = demo_inbox_and_drafts()
    click.echo(format_opportunities(opportunities))
    click.echo("Try it on your own blog: cyberkind import <your WordPress export>.xml")
    console.print("\n[bold]Drafts for you to edit and send[/] (in your voice; nothing is posted)\n")
    for draft in drafts:
        click.echo(f"  to {draft.person} ({draft.act}):")
        click.echo("    " + draft.text.replace("\n", "\n    "))
        click.echo("")
    click.echo("Draft one yourself: cyberkind draft <ID from cyberkind inbox>")
    console.print("\n[bold]Before you post[/] (the negativity guard on a sample draft)\n")
    from ..guard import check

    verdict = check(DEMO_DRAFT)
    words = ", ".join(sorted({f"'{s.text}'" for s in verdict.spans})) or "-"
    click.echo(f"  draft:   {DEMO_DRAFT}")
    click.echo(f"  verdict: {verdict.verdict} (goes after a {verdict.target}; words: {words})")
    click.echo(f"  kinder:  {verdict.rewrite or verdict.rewrite_note}")
    click.echo('Check your own: cyberkind check "your draft"')
