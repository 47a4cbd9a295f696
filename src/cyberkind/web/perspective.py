"""A Perspective-API-compatible ``comments:analyze``: request checks, scores, spans, errors.

Perspective (``commentanalyzer.googleapis.com/v1alpha1/comments:analyze``) takes a comment
and a map of requested attributes and answers one probability per attribute, optionally
with scores per span. Clients written for it work against cyberkind by changing only the
base URL. This module is plain Python: :mod:`cyberkind.web.app` puts it on HTTP.

Attributes: Perspective's ``TOXICITY``, ``SEVERE_TOXICITY``, ``INSULT``, ``IDENTITY_ATTACK``,
``THREAT`` and ``PROFANITY``, plus every cyberkind label upper-cased (``PERSONAL_ATTACK``,
``GRATITUDE``, ``DISTRESS``, ``CRISIS``...). ``SEVERE_TOXICITY`` has no model of its own; it
is ``toxicity x max(threat, identity_attack, insult, profanity)``, high only when a text is
both toxic and carries a strong attack (documented in docs/api.md, not calibrated).

Errors use Google's error envelope, as Perspective does::

    {"error": {"code": 400, "message": "...", "status": "INVALID_ARGUMENT",
               "details": [{"@type": "...", "errorType": "COMMENT_TOO_LONG"}]}}
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..labels import label_names

__all__ = [
    "ATTRIBUTES",
    "MAX_TEXT_BYTES",
    "SUPPORTED_LANGUAGES",
    "AnalyzeRequest",
    "PerspectiveError",
    "analyze",
    "parse_request",
]

MAX_TEXT_BYTES = 20_480
"""Perspective's documented limit on ``comment.text``: 20 KB of UTF-8."""
SUPPORTED_LANGUAGES = ("en",)
PERSPECTIVE_ATTRIBUTES = ("TOXICITY", "INSULT", "IDENTITY_ATTACK", "THREAT", "PROFANITY")
ATTRIBUTES: tuple[str, ...] = tuple(
    sorted({*PERSPECTIVE_ATTRIBUTES, "SEVERE_TOXICITY", *(n.upper() for n in label_names())})
)
"""Every attribute name this endpoint answers."""
SEVERE_PARTS = ("threat", "identity_attack", "insult", "profanity")
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


def parse_request(body: Any) -> AnalyzeRequest:
    """Check a decoded JSON body; raise :class:`PerspectiveError` as Perspective would."""
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
    for name, params in requested.items():
        if name not in ATTRIBUTES:
            raise _bad(
                f"Unknown attribute: {name}. Supported attributes: {', '.join(ATTRIBUTES)}.",
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
        attributes[name] = None if threshold is None else float(threshold)
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
            first = next(iter(attributes))
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
        scores = dict(score(request.text))
        scores["severe_toxicity"] = scores["toxicity"] * max(scores[p] for p in SEVERE_PARTS)
        labels = [a.lower() for a in attributes]
        annotated = spans(request.text, labels) if spans and request.span_annotations else {}
        for name, threshold in attributes.items():
            value = round(float(scores[name.lower()]), 6)
            if threshold is not None and value < threshold:
                continue
            entry: dict[str, Any] = {"summaryScore": {"value": value, "type": "PROBABILITY"}}
            if request.span_annotations:
                found = annotated.get(name.lower())
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
