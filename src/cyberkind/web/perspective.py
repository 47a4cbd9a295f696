"""A Perspective-API-compatible ``comments:analyze``: request checks, scores, spans, errors.

Perspective (``commentanalyzer.googleapis.com/v1alpha1/comments:analyze``) takes a comment
and a map of requested attributes and answers one probability per attribute, optionally
with scores per span. Clients written for it work against cyberkind by changing only the
base URL. This module is plain Python: :mod:`cyberkind.web.app` puts it on HTTP.

Attributes: every Perspective attribute that maps onto cyberkind's labels, by the table in
``perspective_attributes.json`` (data, documented in docs/api.md): ``TOXICITY``, ``INSULT``,
``ATTACK_ON_AUTHOR`` (personal_attack), ``OBSCENE`` (profanity), ``COMPASSION_EXPERIMENTAL``...
plus every cyberkind label upper-cased (``PERSONAL_ATTACK``, ``GRATITUDE``, ``CRISIS``...). A
few are formulas: ``SEVERE_TOXICITY`` is ``toxicity x max(threat, identity_attack, insult,
profanity)``, high only when a text is both toxic and carries a strong attack (not
calibrated). Perspective attributes that cyberkind cannot score (``FLIRTATION``,
``SEXUALLY_EXPLICIT``...) are left out of the answer, or refused, by ``unscorable``; a name
Perspective does not have is always refused.

**Usage**::

    >>> request = parse_request({"comment": {"text": "you idiot"},
    ...                          "requestedAttributes": {"INSULT": {}, "FLIRTATION": {}}})
    >>> request.omitted
    ('FLIRTATION',)
    >>> analyze(request, lambda text: scorer.score([text])[0])  # doctest: +SKIP

Errors use Google's error envelope, as Perspective does::

    {"error": {"code": 400, "message": "...", "status": "INVALID_ARGUMENT",
               "details": [{"@type": "...", "errorType": "COMMENT_TOO_LONG"}]}}
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from ..errors import ConfigError
from ..labels import label_names

__all__ = [
    "ATTRIBUTES",
    "KNOWN_ATTRIBUTES",
    "MAX_TEXT_BYTES",
    "SUPPORTED_LANGUAGES",
    "UNSCORABLE_CHOICES",
    "AnalyzeRequest",
    "PerspectiveError",
    "analyze",
    "attribute_labels",
    "check_unscorable",
    "parse_request",
    "scorable_attributes",
]

MAX_TEXT_BYTES = 20_480
"""Perspective's documented limit on ``comment.text``: 20 KB of UTF-8."""
SUPPORTED_LANGUAGES = ("en",)
UNSCORABLE_CHOICES = ("omit", "error")
"""The ``perspective_unscorable`` setting: leave unscorable attributes out, or refuse them."""

# A formula is a label name, or {"max": [formula, ...]} / {"product": [formula, ...]}.
Formula = str | dict[str, list[Any]]
_OPERATIONS: dict[str, Callable[[list[float]], float]] = {"max": max, "product": math.prod}


def _formula_labels(formula: Formula) -> frozenset[str]:
    if isinstance(formula, str):
        return frozenset({formula})
    ((op, args),) = formula.items()
    if op not in _OPERATIONS or not args:
        raise ValueError(f"bad formula {formula!r}: use a label, max or product")
    return frozenset().union(*(_formula_labels(a) for a in args))


def _load_table() -> dict[str, Formula | None]:
    raw = json.loads(
        files("cyberkind.web").joinpath("perspective_attributes.json").read_text("utf-8")
    )
    table: dict[str, Formula | None] = {n.upper(): n for n in label_names()}
    table.update(raw["attributes"])
    for formula in table.values():
        if formula is not None:
            _formula_labels(formula)  # fail at import on a malformed table
    return table


_TABLE = _load_table()
KNOWN_ATTRIBUTES: tuple[str, ...] = tuple(sorted(_TABLE))
"""Every attribute name the endpoint accepts: Perspective's, and cyberkind's labels."""


def attribute_labels(name: str) -> frozenset[str] | None:
    """The cyberkind labels an attribute is computed from; None where it has no formula."""
    formula = _TABLE.get(name)
    return None if formula is None else _formula_labels(formula)


def scorable_attributes(labels: Collection[str]) -> tuple[str, ...]:
    """The attributes a scorer with these labels answers (``spam`` needs a ``spam`` label)."""
    have = set(labels)
    return tuple(
        name for name in KNOWN_ATTRIBUTES if (needs := attribute_labels(name)) and needs <= have
    )


ATTRIBUTES: tuple[str, ...] = scorable_attributes(label_names())
"""Every attribute name this endpoint answers with the shipped label contract."""


def check_unscorable(value: str) -> str:
    """The ``perspective_unscorable`` setting's value, checked; raises :class:`ConfigError`."""
    if value not in UNSCORABLE_CHOICES:
        raise ConfigError(
            f"setting perspective_unscorable must be omit or error, got {value!r}. You can fix "
            "this by setting CYBERKIND_PERSPECTIVE_UNSCORABLE=omit (or error)."
        )
    return value


def _evaluate(formula: Formula, scores: Mapping[str, float]) -> float:
    if isinstance(formula, str):
        return scores[formula]
    ((op, args),) = formula.items()
    return _OPERATIONS[op]([_evaluate(a, scores) for a in args])


_ERROR_TYPE_URL = "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"

# A span annotator gets the text and the requested labels and returns, per label,
# (begin, end, score) triples in code-point offsets.
SpanAnnotator = Callable[[str, Sequence[str]], Mapping[str, Sequence[tuple[int, int, float]]]]


class PerspectiveError(Exception):
    """A request Perspective would refuse: carries the HTTP status and Google's error body."""

    def __init__(
        self,
        message: str,
        error_type: str,
        *,
        code: int = 400,
        status: str = "INVALID_ARGUMENT",
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type
        self.code = code
        self.status = status
        self.extra = dict(extra or {})

    def body(self) -> dict[str, Any]:
        detail: dict[str, Any] = {"@type": _ERROR_TYPE_URL, "errorType": self.error_type}
        detail.update(self.extra)
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "status": self.status,
                "details": [detail],
            }
        }


@dataclass(frozen=True)
class AnalyzeRequest:
    """A checked ``comments:analyze`` request."""

    text: str
    attributes: dict[str, float | None]
    """Requested attribute -> its ``scoreThreshold`` (None: return whatever the score)."""
    span_annotations: bool = False
    languages: tuple[str, ...] = ()
    do_not_store: bool = False
    client_token: str | None = None
    drop_unsupported: bool = False
    omitted: tuple[str, ...] = ()
    """Requested Perspective attributes left out because cyberkind cannot score them."""


def _bad(message: str, error_type: str = "INVALID_REQUEST") -> PerspectiveError:
    return PerspectiveError(message, error_type)


def _language(code: str) -> str:
    """Primary subtag of an ISO or BCP-47 code, lower-cased ("en-US" -> "en")."""
    return code.replace("_", "-").split("-")[0].lower()


def detect_language(text: str) -> str | None:
    """ "en" for text written in Latin script (or only emoji, digits and symbols), else None.

    The models are English-only; this check keeps clearly non-Latin text (Cyrillic, Arabic,
    CJK...) from getting confident but meaningless scores. Latin-script languages other than
    English are not told apart: send ``languages`` to be explicit.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return "en" if latin / len(letters) >= 0.5 else None


def parse_request(
    body: Any, *, labels: Collection[str] | None = None, unscorable: str = "omit"
) -> AnalyzeRequest:
    """Check a decoded JSON body; raise :class:`PerspectiveError` as Perspective would.

    ``labels`` are the scorer's (default: the label contract). A Perspective attribute it
    cannot score is left out (``unscorable="omit"``, listed in ``omitted``) or refused
    (``"error"``); a name Perspective does not have is always refused.
    """
    answerable = ATTRIBUTES if labels is None else scorable_attributes(labels)
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object.")
    comment = body.get("comment")
    if not isinstance(comment, dict) or "text" not in comment:
        raise _bad("comment.text is required.", "COMMENT_EMPTY")
    text = comment["text"]
    if not isinstance(text, str):
        raise _bad("comment.text must be a string.")
    if not text.strip():
        raise _bad("Comment must be non-empty.", "COMMENT_EMPTY")
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_TEXT_BYTES:
        raise _bad(
            f"Comment text too long: {size} bytes; the limit is {MAX_TEXT_BYTES} bytes.",
            "COMMENT_TOO_LONG",
        )
    kind = comment.get("type", "PLAIN_TEXT")
    if kind not in ("PLAIN_TEXT", "HTML"):
        raise _bad(f"Unsupported comment.type {kind!r}: use PLAIN_TEXT.")
    requested = body.get("requestedAttributes")
    if not isinstance(requested, dict) or not requested:
        raise _bad("requestedAttributes must name at least one attribute.")
    attributes: dict[str, float | None] = {}
    omitted: list[str] = []
    for name, params in requested.items():
        if name not in answerable and (name not in KNOWN_ATTRIBUTES or unscorable == "error"):
            why = (
                " cyberkind cannot score this Perspective attribute; the server setting "
                "perspective_unscorable=omit leaves such attributes out instead."
                if name in KNOWN_ATTRIBUTES
                else ""
            )
            raise _bad(
                f"Unknown attribute: {name}.{why} Supported attributes: {', '.join(answerable)}.",
                "ATTRIBUTE_NOT_SUPPORTED",
            )
        params = params or {}
        if not isinstance(params, dict):
            raise _bad(f"requestedAttributes.{name} must be an object.")
        score_type = params.get("scoreType", "PROBABILITY")
        if score_type != "PROBABILITY":
            raise _bad(
                f"Unsupported scoreType {score_type!r} for {name}: only PROBABILITY is available.",
                "SCORE_TYPE_NOT_SUPPORTED",
            )
        threshold = params.get("scoreThreshold")
        if threshold is not None and (
            isinstance(threshold, bool)
            or not isinstance(threshold, int | float)
            or not 0 <= threshold <= 1
        ):
            raise _bad(f"requestedAttributes.{name}.scoreThreshold must be between 0 and 1.")
        if name in answerable:
            attributes[name] = None if threshold is None else float(threshold)
        else:
            omitted.append(name)
    flags = {}
    for key in ("spanAnnotations", "doNotStore", "dropUnsupportedAttributes"):
        value = body.get(key, False)
        if not isinstance(value, bool):
            raise _bad(f"{key} must be true or false, not {value!r}.")
        flags[key] = value
    languages = body.get("languages") or []
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        raise _bad("languages must be a list of language codes.")
    token = body.get("clientToken")
    return AnalyzeRequest(
        text=text,
        attributes=attributes,
        span_annotations=flags["spanAnnotations"],
        languages=tuple(languages),
        do_not_store=flags["doNotStore"],
        client_token=token if isinstance(token, str) else None,
        drop_unsupported=flags["dropUnsupportedAttributes"],
        omitted=tuple(omitted),
    )


def _languages(request: AnalyzeRequest) -> tuple[list[str], dict[str, float | None]]:
    """The languages to report and the attributes left to score (or an error)."""
    if request.languages:
        languages = list(request.languages)
        unsupported = [x for x in languages if _language(x) not in SUPPORTED_LANGUAGES]
    else:
        detected = detect_language(request.text)
        if detected is None:
            raise PerspectiveError(
                "Unable to detect a supported language for the comment. Supported: en. "
                "You can send languages to be explicit.",
                "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
                extra={"languageNotSupportedByAttributeError": {"detectedLanguages": ["und"]}},
            )
        languages, unsupported = [detected], []
    attributes = dict(request.attributes)
    if unsupported:
        if not request.drop_unsupported:
            first = next(iter([*attributes, *request.omitted]))
            raise PerspectiveError(
                f"Attribute {first} does not support request languages: {','.join(unsupported)}",
                "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
                extra={
                    "languageNotSupportedByAttributeError": {
                        "detectedLanguages": unsupported,
                        "attribute": first,
                    }
                },
            )
        attributes = {}
    return languages, attributes


def analyze(
    request: AnalyzeRequest,
    score: Callable[[str], Mapping[str, float]],
    spans: SpanAnnotator | None = None,
) -> dict[str, Any]:
    """Answer a checked request: ``{"attributeScores", "languages", "detectedLanguages"}``.

    ``score`` maps a text to ``{label: probability}`` (a :class:`cyberkind.Scorer`'s single
    row); ``spans`` gives per-label spans when the request asks for ``spanAnnotations``.
    """
    languages, attributes = _languages(request)
    out: dict[str, Any] = {"attributeScores": {}, "languages": languages}
    if attributes:
        scores = score(request.text)
        # An attribute read from one label gets that label's spans; a formula gets none
        # here, so one span over the whole text.
        single = {name: _TABLE[name] for name in attributes if isinstance(_TABLE[name], str)}
        labels = list(dict.fromkeys(str(label) for label in single.values()))
        annotated = spans(request.text, labels) if spans and request.span_annotations else {}
        for name, threshold in attributes.items():
            formula = _TABLE[name]
            assert formula is not None  # parse_request keeps only scorable attributes
            value = round(float(_evaluate(formula, scores)), 6)
            if threshold is not None and value < threshold:
                continue
            entry: dict[str, Any] = {"summaryScore": {"value": value, "type": "PROBABILITY"}}
            if request.span_annotations:
                label = single.get(name)
                found = annotated.get(str(label)) if label is not None else None
                triples = found if found else [(0, len(request.text), value)]
                entry["spanScores"] = [
                    {
                        "begin": begin,
                        "end": end,
                        "score": {"value": round(float(v), 6), "type": "PROBABILITY"},
                    }
                    for begin, end, v in triples
                ]
            out["attributeScores"][name] = entry
    out["detectedLanguages"] = languages
    if request.client_token is not None:
        out["clientToken"] = request.client_token
    return out
