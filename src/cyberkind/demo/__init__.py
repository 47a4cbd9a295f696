"""The sample conversation behind ``cyberkind demo``, written for the project.

**Usage**::

    >>> from cyberkind.demo import demo_findings
    >>> findings = demo_findings()
    >>> findings[0].author
    'Maya'
    >>> [o.act.value for o in demo_inbox()][:3]
    ['hug', 'celebrate', 'send_link']
"""

from __future__ import annotations

import importlib.resources
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine import Scorer
from ..models import Opportunity

if TYPE_CHECKING:
    from ..composer import Draft

__all__ = [
    "MOMENTS",
    "Finding",
    "demo_findings",
    "demo_inbox",
    "demo_inbox_and_drafts",
    "load_conversation",
]

# Which kind act each signal suggests, in priority order: crisis first.
MOMENTS: tuple[tuple[str, str], ...] = (
    ("crisis", "show safety resources and reach out privately"),
    ("distress", "send a virtual hug and offer a private message"),
    ("personal_attack", "don't feed it: discuss the issue, not the person"),
    ("toxicity", "don't feed it: discuss the issue, not the person"),
    ("celebration", "celebrate with them"),
    ("question", "answer, or send a useful link"),
    ("gratitude", "thank them back, with a gold star"),
    ("admiration", "thank them back, with a gold star"),
    ("encouragement", "thank them for the encouragement"),
    ("compassion", "appreciate their kindness to others"),
    ("curiosity", "answer their question warmly"),
)


@dataclass(frozen=True, slots=True)
class Finding:
    """What cyberkind found in one message: its strongest signals and the suggested act."""

    id: str
    author: str
    where: str
    text: str
    signals: dict[str, float]
    act: str | None


def load_conversation() -> list[dict[str, str]]:
    """The sample conversation: one dict per message (id, author, where, text)."""
    raw = (importlib.resources.files("cyberkind.demo") / "conversation.jsonl").read_text("utf-8")
    return [json.loads(line) for line in raw.splitlines() if line.strip()]


def demo_findings(scorer: Scorer | None = None) -> list[Finding]:
    """Score the sample conversation and pick the kind act for each message."""
    scorer = scorer or Scorer()
    messages = load_conversation()
    thresholds = scorer.thresholds()
    findings = []
    for message, scores in zip(messages, scorer.score([m["text"] for m in messages]), strict=True):
        fired = {k: v for k, v in scores.items() if v >= thresholds[k]}
        act = next((act for label, act in MOMENTS if label in fired), None)
        top = dict(sorted(fired.items(), key=lambda kv: -kv[1])[:4])
        findings.append(
            Finding(message["id"], message["author"], message["where"], message["text"], top, act)
        )
    return findings


def demo_inbox(scorer: Scorer | None = None) -> list[Opportunity]:
    """Import the bundled WordPress export into a throwaway store and list its inbox.

    Nothing touches the user's own store: the database lives in a temporary folder.
    """
    return demo_inbox_and_drafts(scorer, drafts=0)[0]


def demo_inbox_and_drafts(
    scorer: Scorer | None = None, drafts: int = 2
) -> tuple[list[Opportunity], list[Draft]]:
    """The sample inbox, and drafts for its first ``drafts`` replies to comments.

    The export is read with ``scorer``, else the inbox's own
    (:func:`cyberkind.pipeline.inbox_scorer`: the ``inbox_tier`` setting).

    Each comment is one opportunity (issue 15): Jules's good news is congratulated inside the
    thank-you, and Tom's question is answered with the user's own post that fits it.
    """
    from ..composer import Composer
    from ..inbox import Inbox
    from ..models import Act
    from ..pipeline import import_file, inbox_scorer
    from ..store.sqlite import SQLiteStore

    sample = importlib.resources.files("cyberkind.demo") / "kindcorner.xml"
    with tempfile.TemporaryDirectory(prefix="cyberkind-demo-") as folder:
        export = Path(folder) / "kindcorner.xml"
        export.write_bytes(sample.read_bytes())
        with SQLiteStore(Path(folder) / "demo.db") as store:
            import_file(store, export, scorer=scorer or inbox_scorer())
            found = Inbox(store).opportunities()
            replies = (Act.THANK_COMMENTER, Act.CELEBRATE, Act.SEND_LINK)
            thanks = [o for o in found if o.act in replies][:drafts]
            return found, Composer(store).drafts(thanks) if thanks else []
