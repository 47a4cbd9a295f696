"""The negativity guard: check a draft before posting it.

**Usage**::

    >>> import cyberkind
    >>> v = cyberkind.check("you're an idiot who ignores the budget")
    >>> v.verdict, v.target, v.rewrite
    ('hold', 'person', 'your argument ignores the budget')
    >>> cyberkind.check("you are not an idiot").verdict
    'ok'

See docs/guard.md for how verdicts, spans, targets, rewrites and policies work.
"""

from __future__ import annotations

from .check import MAX_CHARS, Guard, check
from .metrics import span_f1
from .models import NEGATIVITY_LABELS, Reason, Span, Verdict
from .policy import STARTER_POLICY, Policy, Thresholds, load_policy, parse_policy
from .rewrite import Rewrite, rewrite

__all__ = [
    "MAX_CHARS",
    "NEGATIVITY_LABELS",
    "STARTER_POLICY",
    "Guard",
    "Policy",
    "Reason",
    "Rewrite",
    "Span",
    "Thresholds",
    "Verdict",
    "check",
    "load_policy",
    "parse_policy",
    "rewrite",
    "span_f1",
]
