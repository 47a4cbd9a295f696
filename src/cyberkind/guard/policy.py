"""Team policies for the guard: thresholds, blocked and allowed terms, personal data, messages.

A policy is a TOML file (read with the standard library's ``tomllib``);
``cyberkind policy init`` writes :data:`STARTER_POLICY`, a commented
anti-cyber-bullying starting point. Every key is optional: what a policy leaves
out keeps its default. A malformed policy raises :class:`~cyberkind.errors.PolicyError`
naming the file, the line and the fix.

**Usage**::

    >>> policy = load_policy(Path("guard-policy.toml"))
    >>> cyberkind.check("call me on 555-123-4567", policy=policy).verdict
    'hold'
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from ..errors import PolicyError
from .models import NEGATIVITY_LABELS, VerdictLevel

__all__ = [
    "DEFAULT_MESSAGES",
    "DEFAULT_THRESHOLDS",
    "PERSONAL_DATA_KINDS",
    "STARTER_POLICY",
    "Policy",
    "Thresholds",
    "load_policy",
    "parse_policy",
]

RuleLevel = Literal["off", "reconsider", "hold"]
PERSONAL_DATA_KINDS: tuple[str, ...] = ("phone_number", "email_address", "street_address")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """A label's two thresholds: ``reconsider`` (a nudge) and ``hold`` (strong).

    A ``hold`` also needs a rule or lexicon word backing it, except at 1.0, which means never.
    """

    reconsider: float
    hold: float


# Chosen on TweetEval offensive *validation* texts, the identity probe and Toxic Spans train
# (docs/guard.md): the model alone rarely earns more than a nudge; a hold needs rule evidence.
DEFAULT_THRESHOLDS: dict[str, Thresholds] = {
    "toxicity": Thresholds(0.9, 0.995),
    "insult": Thresholds(0.9, 0.98),
    "personal_attack": Thresholds(0.95, 0.98),
    "identity_attack": Thresholds(0.7, 0.85),
    "threat": Thresholds(0.7, 0.9),
    "profanity": Thresholds(0.7, 1.0),
}

DEFAULT_MESSAGES: dict[str, str] = {
    "toxicity": "This reads as hostile; discuss the issue, not the person.",
    "insult": "Name-calling: the words below demean someone.",
    "personal_attack": "This attacks a person rather than their idea.",
    "identity_attack": "This attacks people for who they are.",
    "threat": "This reads as a threat to hurt someone.",
    "profanity": "Swearing: it may hurt more than it helps.",
    "personal_data": "This shares personal data (phone, e-mail or street address).",
    "blocked_term": "This uses a term your policy blocks.",
}


@dataclass(frozen=True)
class Policy:
    """What a team asks of the guard. ``Policy()`` is the default policy.

    **Usage**::

        >>> Policy(allowed_terms=("queer",)).thresholds["insult"].hold
        0.98
    """

    name: str = "default"
    thresholds: Mapping[str, Thresholds] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    blocked_terms: tuple[str, ...] = ()
    blocked_level: VerdictLevel = "hold"
    allowed_terms: tuple[str, ...] = ()
    personal_data: Mapping[str, RuleLevel] = field(
        default_factory=lambda: dict.fromkeys(PERSONAL_DATA_KINDS, "reconsider")
    )
    messages: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_MESSAGES))
    source: str | None = None

    def __post_init__(self) -> None:
        # What a caller leaves out keeps its default: Policy(messages={"insult": "..."}) works.
        defaults: dict[str, Mapping[str, Any]] = {
            "thresholds": DEFAULT_THRESHOLDS,
            "personal_data": dict.fromkeys(PERSONAL_DATA_KINDS, "reconsider"),
            "messages": DEFAULT_MESSAGES,
        }
        for name, default in defaults.items():
            object.__setattr__(self, name, {**default, **getattr(self, name)})


STARTER_POLICY = """\
# cyberkind guard policy: a starting point against cyber-bullying.
# Used by `cyberkind check --policy THIS_FILE` and `cyberkind.check(text, policy=...)`.
# Every key is optional; what you leave out keeps its default (docs/guard.md).
version = 1
name = "anti-cyber-bullying starter"

# Two thresholds per label, on the engine's calibrated probability (0 to 1):
# at `reconsider` the writer gets a nudge; at `hold` the draft is held, but only
# when a rule or a lexicon word backs the label too (1.0 means never hold;
# reconsider = 1.0 switches the label off, rules included).
[thresholds]
toxicity = { reconsider = 0.9, hold = 0.995 }
insult = { reconsider = 0.9, hold = 0.98 }
personal_attack = { reconsider = 0.95, hold = 0.98 }
identity_attack = { reconsider = 0.7, hold = 0.85 }
threat = { reconsider = 0.7, hold = 0.9 }
profanity = { reconsider = 0.7, hold = 1.0 }

[terms]
# Words that are never acceptable in this community (whole words, any case).
blocked = []
# "hold" or "reconsider" when a blocked term appears.
blocked_level = "hold"
# Words the guard must not count against the writer: reclaimed terms, names
# that look like slurs or swear words, technical jargon.
allowed = []

# Sharing someone's phone number, e-mail or street address can be doxxing.
# Each kind: "hold", "reconsider" or "off".
[personal_data]
phone_number = "hold"
email_address = "reconsider"
street_address = "hold"

# What the writer reads for each reason (labels above, plus personal_data
# and blocked_term).
[messages]
personal_attack = "Discuss the issue, not the person."
personal_data = "Posting someone's contact details can put them at risk."
"""

_TOP_KEYS = {"version", "name", "thresholds", "terms", "personal_data", "messages"}
_TERM_KEYS = {"blocked", "blocked_level", "allowed"}
_LEVEL_FIXES = '"hold" or "reconsider"'


def load_policy(path: Path | str) -> Policy:
    """Read and validate the policy file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(
            "the policy file does not exist. You can fix this by checking the path, or by "
            "writing a starter policy with `cyberkind policy init`",
            path=str(path),
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(
            f"the policy file cannot be read as UTF-8 text ({exc}). You can fix this by "
            "saving it as UTF-8",
            path=str(path),
        ) from exc
    return parse_policy(text, source=str(path))


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    """Validate the TOML ``text`` of a policy; errors name ``source`` and the line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        what = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise PolicyError(
            f"invalid TOML: {what}. You can fix this by correcting the syntax on that line "
            "(strings need quotes, lists square brackets)",
            path=source,
            line=int(found.group(1)) if found else None,
        ) from exc
    return _Validator(text, source).policy(data)


class _Validator:
    def __init__(self, text: str, source: str) -> None:
        self.lines = text.splitlines()
        self.source = source

    def fail(self, keys: tuple[str, ...], what: str, fix: str) -> PolicyError:
        return PolicyError(
            f"{what}. You can fix this by {fix}", path=self.source, line=self.line_of(keys)
        )

    def line_of(self, keys: tuple[str, ...]) -> int | None:
        """The line defining ``keys`` (a table path): a header, a dotted or an inline key."""
        table: tuple[str, ...] = ()
        fallback = None
        for number, raw in enumerate(self.lines, 1):
            line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith('"') else raw
            header = re.fullmatch(r"\[\[?\s*([^\]]+?)\s*\]\]?", line)
            if header:
                table = _split_key(header.group(1))
                if table == keys:
                    return number
                if keys[: len(table)] == table and table:
                    fallback = fallback or number
                continue
            assign = re.match(r"\s*([A-Za-z0-9_.\"'\- ]+?)\s*=", line)
            if not assign:
                continue
            full = table + _split_key(assign.group(1))
            if full == keys[: len(full)]:
                if full == keys or (
                    len(keys) == len(full) + 1
                    and re.search(rf"[{{,]\s*{re.escape(keys[-1])}\s*=", line)
                ):
                    return number
                fallback = number
        return fallback

    def policy(self, data: dict[str, Any]) -> Policy:
        self.unknown((), data, _TOP_KEYS)
        version = data.get("version", 1)
        if version != 1 or isinstance(version, bool):
            raise self.fail(
                ("version",), f"unsupported policy version {version!r}", "setting version = 1"
            )
        name = self.typed(("name",), data.get("name", "custom"), str, "a quoted string")
        thresholds = dict(DEFAULT_THRESHOLDS)
        for label, value in self.table(("thresholds",), data).items():
            thresholds[label] = self.thresholds(label, value)
        terms = self.table(("terms",), data)
        self.unknown(("terms",), terms, _TERM_KEYS)
        level = terms.get("blocked_level", "hold")
        if level not in ("hold", "reconsider"):
            raise self.fail(
                ("terms", "blocked_level"),
                f"blocked_level is {level!r}",
                f"setting it to {_LEVEL_FIXES}",
            )
        personal: dict[str, RuleLevel] = dict.fromkeys(PERSONAL_DATA_KINDS, "reconsider")
        pd_table = self.table(("personal_data",), data)
        self.unknown(("personal_data",), pd_table, set(PERSONAL_DATA_KINDS))
        for kind, value in pd_table.items():
            if value not in ("off", "reconsider", "hold"):
                raise self.fail(
                    ("personal_data", kind),
                    f"personal_data.{kind} is {value!r}",
                    f'setting it to "off", {_LEVEL_FIXES}',
                )
            personal[kind] = value
        messages = dict(DEFAULT_MESSAGES)
        msg_table = self.table(("messages",), data)
        self.unknown(("messages",), msg_table, set(DEFAULT_MESSAGES))
        for label, value in msg_table.items():
            messages[label] = self.typed(("messages", label), value, str, "a quoted string")
        return Policy(
            name=name,
            thresholds=thresholds,
            blocked_terms=self.terms(("terms", "blocked"), terms.get("blocked", [])),
            blocked_level=level,
            allowed_terms=self.terms(("terms", "allowed"), terms.get("allowed", [])),
            personal_data=personal,
            messages=messages,
            source=self.source,
        )

    def unknown(self, where: tuple[str, ...], table: dict[str, Any], known: set[str]) -> None:
        for key in table:
            if key not in known:
                place = ".".join(where) or "the top level"
                raise self.fail(
                    (*where, key),
                    f"unknown key {key!r} in {place}",
                    f"removing it or using one of: {', '.join(sorted(known))}",
                )

    def table(self, keys: tuple[str, ...], data: dict[str, Any]) -> dict[str, Any]:
        value = data.get(keys[-1], {})
        return cast(dict[str, Any], self.typed(keys, value, dict, f"a table like [{keys[-1]}]"))

    def typed(self, keys: tuple[str, ...], value: Any, kind: type, fix: str) -> Any:
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.fail(
                keys, f"{'.'.join(keys)} must be {fix}, not {value!r}", f"writing it as {fix}"
            )
        return value

    def terms(self, keys: tuple[str, ...], value: Any) -> tuple[str, ...]:
        fix = 'a list of quoted strings, e.g. ["word", "other word"]'
        self.typed(keys, value, list, fix)
        for item in value:
            self.typed(keys, item, str, fix)
        return tuple(item for item in value if item.strip())

    def thresholds(self, label: str, value: Any) -> Thresholds:
        keys = ("thresholds", label)
        if label not in NEGATIVITY_LABELS:
            raise self.fail(
                keys,
                f"unknown label {label!r} in thresholds",
                f"using one of: {', '.join(NEGATIVITY_LABELS)}",
            )
        table = self.typed(keys, value, dict, "a table like { reconsider = 0.5, hold = 0.9 }")
        self.unknown(keys, table, {"reconsider", "hold"})
        default = DEFAULT_THRESHOLDS[label]
        out = {"reconsider": default.reconsider, "hold": default.hold}
        for key, number in table.items():
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise self.fail(
                    (*keys, key),
                    f"thresholds.{label}.{key} must be a number, not {number!r}",
                    "writing a number between 0 and 1, e.g. 0.9",
                )
            if not 0.0 <= number <= 1.0:
                raise self.fail(
                    (*keys, key),
                    f"thresholds.{label}.{key} is {number}, outside [0, 1]",
                    "choosing a probability between 0 and 1",
                )
            out[key] = float(number)
        if out["reconsider"] > out["hold"]:
            raise self.fail(
                keys,
                f"thresholds.{label}: reconsider ({out['reconsider']}) is above "
                f"hold ({out['hold']})",
                "making reconsider at most hold",
            )
        return Thresholds(out["reconsider"], out["hold"])


def _split_key(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in key.split("."))
