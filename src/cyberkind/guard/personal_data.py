"""Personal data in a draft: phone numbers, e-mail addresses and street addresses.

Posting someone's contact details is doxxing, so a policy can hold a draft that
contains them. The patterns prefer precision: a number needs the shape of a
phone number (9 to 15 digits in groups, or a leading "+"), and dates, times,
version numbers and IP addresses are left alone.

**Usage**::

    >>> [s.label for s in find_personal_data("mail me: ana@example.org")]
    ['email_address']
"""

from __future__ import annotations

import re

from .models import Span

__all__ = ["find_personal_data"]

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{1,5}(?:[\s.-]\d{2,5}){1,5}(?![\w-])"
    r"|(?<![\w+])\+\d{9,15}(?!\w)|(?<![\w+])0\d{9,10}(?!\w)"
)
_DATE_LIKE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_IP_LIKE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_STREET_TYPES = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way"
    r"|Terrace|Close|Crescent|Square|Sq|Highway|Hwy|Parkway|Pkwy|Circle|Row|Gardens|Mews"
)
_STREET = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'\u2019-]+\.?\s+){{1,3}}(?:{_STREET_TYPES})\b\.?"
    r"(?:,?\s+(?:Apt|Apartment|Suite|Unit|Flat)\.?\s*#?\s*\w+)?",
)


def find_personal_data(text: str) -> list[Span]:
    """Spans of phone numbers, e-mail addresses and street addresses in ``text``."""
    spans = [
        Span(m.start(), m.end(), "email_address", 1.0, m.group()) for m in _EMAIL.finditer(text)
    ]
    taken = [(s.start, s.end) for s in spans]
    for m in _PHONE.finditer(text):
        number = m.group().strip()
        digits = sum(c.isdigit() for c in number)
        if not 9 <= digits <= 15 or _DATE_LIKE.fullmatch(number) or _IP_LIKE.fullmatch(number):
            continue
        if re.fullmatch(r"\d+(?:\.\d+)+", number) and not number.startswith("+"):
            continue  # 1.2.345.6789 is more likely a version or a figure than a phone
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        spans.append(Span(m.start(), m.start() + len(number), "phone_number", 1.0, number))
    for m in _STREET.finditer(text):
        spans.append(Span(m.start(), m.end(), "street_address", 1.0, m.group()))
    return sorted(spans, key=lambda s: s.start)
