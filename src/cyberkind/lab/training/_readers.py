"""Readers for the raw files in cyberkind's shared data folder.

Each reader parses one dataset into plain tuples, checks the format as it goes
and raises :class:`~cyberkind.errors.DataError` naming the file (and 1-based
line) when something is missing or malformed. Readers know nothing about heads:
:mod:`cyberkind.lab.training.corpora` turns their rows into training examples.

Results are cached per data folder, because one training run builds ~50 heads
from the same handful of files.

**Usage**::

    >>> from cyberkind.lab.training._readers import goemotions
    >>> rows = goemotions(Path("../shared/data"))
    >>> rows[0].split
    'train'
"""

from __future__ import annotations

import csv
import functools
import html
import json
import re
import sys
import tarfile
from collections import defaultdict
from pathlib import Path
from typing import Literal, NamedTuple

from ...errors import DataError

__all__ = [
    "FIX",
    "GOEMOTIONS_LABELS",
    "TWEETEVAL_EMOTIONS",
    "AdHominemRow",
    "GoEmotionsRow",
    "LabelledRow",
    "OlidRow",
    "ParadetoxRow",
    "PolitenessRow",
    "Split",
    "ToxicSpansRow",
    "ad_hominem",
    "davidson",
    "dreaddit",
    "goemotions",
    "hope_edi",
    "li2014",
    "missing",
    "olid",
    "paradetox",
    "politeness",
    "require",
    "toxic_spans",
    "tweeteval",
]

Split = Literal["train", "dev", "test"]

FIX = (
    "You can fix this by pointing the data_dir setting (cyberkind --setting data_dir PATH, "
    "or CYBERKIND_DATA_DIR) at a copy of cyberkind's shared data."
)

GOEMOTIONS_LABELS: tuple[str, ...] = (
    "admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion",
    "curiosity", "desire", "disappointment", "disapproval", "disgust", "embarrassment",
    "excitement", "fear", "gratitude", "grief", "joy", "love", "nervousness", "optimism",
    "pride", "realization", "relief", "remorse", "sadness", "surprise", "neutral",
)  # fmt: skip
"""The 28 GoEmotions labels in ``original/labels.txt`` order (ids are indices)."""

TWEETEVAL_EMOTIONS: tuple[str, ...] = ("anger", "joy", "optimism", "sadness")
"""TweetEval emotion classes in ``emotion/mapping.txt`` order."""

# Some CSV fields (long Reddit posts, the toxic-spans comments) exceed csv's 128 KiB default.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class LabelledRow(NamedTuple):
    """One text, its label as written in the file and its official split (``None``: none)."""

    text: str
    label: str
    split: Split | None


class GoEmotionsRow(NamedTuple):
    text: str
    labels: frozenset[int]
    split: Split


class OlidRow(NamedTuple):
    """One OLID tweet; ``b`` and ``c`` are ``"NULL"`` where the level does not apply."""

    text: str
    a: str
    b: str
    c: str
    split: Literal["train", "test"]


class ToxicSpansRow(NamedTuple):
    """One Civil Comments post with per-annotator votes.

    ``not_toxic`` counts annotators whose only verdict was "not toxic" (see
    :func:`toxic_spans`); ``types`` maps a span type to the number of annotators
    who marked at least one span of that type.
    """

    text: str
    annotators: int
    not_toxic: int
    types: dict[str, int]


class ParadetoxRow(NamedTuple):
    toxic: str
    neutral: tuple[str, ...]


class AdHominemRow(NamedTuple):
    text: str
    ad_hominem: bool


class PolitenessRow(NamedTuple):
    text: str
    score: float
    corpus: str


def missing(path: Path) -> DataError:
    """The error for a file or folder that is not there."""
    return DataError(f"{path} is missing. {FIX}")


def malformed(path: Path, line: int, why: str) -> DataError:
    """The error for a row that cannot be parsed; ``line`` is 1-based."""
    return DataError(
        f"{path}, line {line}: {why}. You can fix this by restoring the file from a copy of "
        "cyberkind's shared data."
    )


def require(path: Path) -> Path:
    """Return ``path``; raise :class:`DataError` when it does not exist."""
    if not path.exists():
        raise missing(path)
    return path


def _text(path: Path) -> str:
    return require(path).read_text(encoding="utf-8", errors="replace")


def _lines(path: Path) -> list[str]:
    """Lines split on ``\\n`` only (tweets contain U+2028 and friends), ``\\r`` stripped."""
    lines = _text(path).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def _clean(text: str) -> str:
    return text.strip()


# -- TweetEval -------------------------------------------------------------------------------

_TWEETEVAL_SPLITS: tuple[tuple[str, Split], ...] = (
    ("train", "train"),
    ("val", "dev"),
    ("test", "test"),
)
_TWEETEVAL_CLASSES = {"emotion": 4, "hate": 2, "offensive": 2, "sentiment": 3, "irony": 2}


@functools.cache
def tweeteval(data_dir: Path, task: str) -> tuple[LabelledRow, ...]:
    """All rows of a TweetEval task with official splits; label is the class id as a string.

    The shared copy lacks ``sentiment/train_text.txt``; for that task only val and
    test are read.
    """
    folder = require(data_dir / "tweeteval" / task)
    n_classes = _TWEETEVAL_CLASSES[task]
    rows: list[LabelledRow] = []
    for stem, split in _TWEETEVAL_SPLITS:
        if task == "sentiment" and stem == "train":
            continue
        texts = _lines(folder / f"{stem}_text.txt")
        labels_path = folder / f"{stem}_labels.txt"
        labels = _lines(labels_path)
        if len(labels) != len(texts):
            raise malformed(
                labels_path,
                min(len(labels), len(texts)) + 1,
                f"{len(labels)} labels for {len(texts)} texts",
            )
        for i, (text, label) in enumerate(zip(texts, labels, strict=True), start=1):
            label = label.strip()
            if not (label.isdigit() and int(label) < n_classes):
                raise malformed(
                    labels_path, i, f"expected a class id 0-{n_classes - 1}, got {label!r}"
                )
            rows.append(LabelledRow(_clean(text), label, split))
    return tuple(rows)


# -- OLID ------------------------------------------------------------------------------------

_OLID_VALUES = ({"NOT", "OFF"}, {"TIN", "UNT", "NULL"}, {"IND", "GRP", "OTH", "NULL"})


def _olid_labels(path: Path, values: set[str]) -> dict[str, str]:
    # labels-level{b,c}.csv use old-Mac CR line endings, so splitlines() rather than _lines().
    out: dict[str, str] = {}
    for i, line in enumerate(_text(path).splitlines(), start=1):
        if i == 1 or not line.strip():
            continue
        parts = line.strip().split(",")
        if len(parts) != 2 or parts[1] not in values:
            raise malformed(path, i, f"expected 'id,{'|'.join(sorted(values))}', got {line!r}")
        out[parts[0]] = parts[1]
    return out


@functools.cache
def olid(data_dir: Path) -> tuple[OlidRow, ...]:
    """OLID v1.0: the training file and the official test set with all three levels."""
    folder = require(data_dir / "olid")
    rows: list[OlidRow] = []
    path = folder / "olid-training-v1.0.tsv"
    for i, line in enumerate(_lines(path), start=1):
        if i == 1 or not line:
            continue
        parts = line.split("\t")
        if len(parts) != 5 or any(p not in v for p, v in zip(parts[2:], _OLID_VALUES, strict=True)):
            raise malformed(path, i, "expected 'id<TAB>tweet<TAB>NOT|OFF<TAB>TIN|UNT|NULL<TAB>...'")
        rows.append(OlidRow(_clean(parts[1]), parts[2], parts[3], parts[4], "train"))
    levels = [
        _olid_labels(folder / f"labels-level{x}.csv", v)
        for x, v in zip("abc", _OLID_VALUES, strict=True)
    ]
    path = folder / "testset-levela.tsv"
    for i, line in enumerate(_lines(path), start=1):
        if i == 1 or not line:
            continue
        parts = line.split("\t")
        if len(parts) != 2 or parts[0] not in levels[0]:
            raise malformed(path, i, "expected 'id<TAB>tweet' with an id in labels-levela.csv")
        tid = parts[0]
        b = levels[1].get(tid, "NULL")
        c = levels[2].get(tid, "NULL")
        rows.append(OlidRow(_clean(parts[1]), levels[0][tid], b, c, "test"))
    return tuple(rows)


# -- Davidson ------------------------------------------------------------------------------


@functools.cache
def davidson(data_dir: Path) -> tuple[LabelledRow, ...]:
    """Davidson et al. 2017 tweets; label is ``class`` (0 hate, 1 offensive, 2 neither)."""
    path = require(data_dir / "davidson-hate-offensive" / "labeled_data.csv")
    rows: list[LabelledRow] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None or "class" not in header or "tweet" not in header:
            raise malformed(path, 1, "expected a header with 'class' and 'tweet' columns")
        ci, ti = header.index("class"), header.index("tweet")
        for row in reader:
            if len(row) != len(header) or row[ci] not in ("0", "1", "2"):
                raise malformed(path, reader.line_num, "expected 7 columns with class 0, 1 or 2")
            # The tweets keep HTML entities (&amp;, &#128514;) from the Twitter API.
            rows.append(LabelledRow(_clean(html.unescape(row[ti])), row[ci], None))
    return tuple(rows)


# -- Toxic spans -----------------------------------------------------------------------------

SPAN_TYPES = ("Insult", "Threat", "Identity based Attack", "Profane/Obscene", "Other Toxicity")
# Posts rated by many more than the usual 3-7 workers are the annotator-screening quiz questions.
_QUIZ_ANNOTATORS = 10


def _span_type(raw: str) -> str | None:
    # A few type cells are truncated ("Insu", "Identity based "): match them by prefix.
    raw = raw.strip()
    if not raw:
        return None
    for name in SPAN_TYPES:
        if name.startswith(raw):
            return name
    return None


def _csv_rows(path: Path, header: list[str]) -> list[tuple[int, list[str]]]:
    with require(path).open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f)
        got = next(reader, None)
        if got != header:
            raise malformed(path, 1, f"expected the header {','.join(header)}")
        out = []
        for row in reader:
            if len(row) != len(header):
                raise malformed(path, reader.line_num, f"expected {len(header)} columns")
            out.append((reader.line_num, row))
    return out


@functools.cache
def toxic_spans(data_dir: Path) -> tuple[ToxicSpansRow, ...]:
    """The per-annotator toxic-spans release, one row per post (quiz posts dropped).

    An annotator counts as a "not toxic" vote only when they ticked "not toxic",
    did not tick "all toxic" and highlighted no span: 21k annotations tick both
    boxes (some workers on every post, including plainly toxic ones), which in
    the annotation form hides the span tool rather than judging the post.
    """
    folder = require(data_dir / "toxic-spans" / "per-annotator")
    path = folder / "comments.csv"
    comments = {row[0]: row[1] for _, row in _csv_rows(path, ["comment_id", "comment_text"])}
    path = folder / "spans.csv"
    types: dict[str, set[str]] = defaultdict(set)
    for _line, row in _csv_rows(path, ["annotation", "type", "start", "end"]):
        name = _span_type(row[1])
        if name is not None:
            types[row[0]].add(name)
    path = folder / "annotations.csv"
    header = ["annotation", "comment_id", "worker", "country", "all toxic", "not toxic"]
    per_post: dict[str, list[tuple[bool, set[str]]]] = defaultdict(list)
    for line, row in _csv_rows(path, header):
        if (
            row[1] not in comments
            or row[4] not in ("True", "False")
            or row[5]
            not in (
                "True",
                "False",
            )
        ):
            raise malformed(path, line, "expected a known comment_id and True/False ticks")
        spans = types.get(row[0], set())
        not_toxic = row[5] == "True" and row[4] == "False" and not spans
        per_post[row[1]].append((not_toxic, spans))
    rows: list[ToxicSpansRow] = []
    for cid, text in comments.items():
        votes = per_post.get(cid, [])
        if not votes or len(votes) > _QUIZ_ANNOTATORS:
            continue
        counts: dict[str, int] = dict.fromkeys(SPAN_TYPES, 0)
        for _, spans in votes:
            for name in spans:
                counts[name] += 1
        rows.append(ToxicSpansRow(_clean(text), len(votes), sum(v for v, _ in votes), counts))
    return tuple(rows)


# -- ParaDetox -------------------------------------------------------------------------------


@functools.cache
def paradetox(data_dir: Path) -> tuple[ParadetoxRow, ...]:
    """ParaDetox pairs: each toxic sentence with its 1-3 neutral rewrites."""
    path = require(data_dir / "paradetox" / "paradetox.tsv")
    rows: list[ParadetoxRow] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        if next(reader, None) != ["toxic", "neutral1", "neutral2", "neutral3"]:
            raise malformed(path, 1, "expected the header toxic, neutral1, neutral2, neutral3")
        for row in reader:
            if len(row) != 4:
                raise malformed(path, reader.line_num, "expected 4 tab-separated columns")
            neutral = tuple(_clean(t) for t in row[1:] if t.strip())
            rows.append(ParadetoxRow(_clean(row[0]), neutral))
    return tuple(rows)


# -- Ad hominem (Habernal et al. 2018) -------------------------------------------------------

_AD_HOMINEM_RULE = 2  # CMV rule 2, "don't be rude or hostile": moderator-removed ad hominem
_QUOTE = re.compile(r"^\s*(>|&gt;).*$", re.MULTILINE)
AD_HOMINEM_MAX_CHARS = 1000


@functools.cache
def ad_hominem(data_dir: Path) -> tuple[AdHominemRow, ...]:
    """CMV comments: rule-2 removals (ad hominem) and every comment of the delta threads.

    The archive holds 1,291 ``*_ah_*`` threads ending in a comment removed under
    rule 2 and 1,291 ``*_delta_*`` threads ending in a delta-winning reply. The
    earlier comments of ad-hominem threads are left out: they are the heated
    context that triggered the attack, not clean negatives. Markdown quotes of
    the other person (``> ...`` lines) are removed and bodies cut to 1,000
    characters.
    """
    path = require(
        data_dir / "ad-hominem-cmv-habernal2018" / "sampled-threads-ah-delta-context3.tar.bz2"
    )
    rows: list[AdHominemRow] = []
    try:
        # Read members in archive order ("r|bz2" streams): seeking back in a bz2 stream
        # restarts decompression, which made sorted random access quadratic.
        contents: dict[str, bytes] = {}
        with tarfile.open(path, "r|bz2") as tar:
            for member in tar:
                if member.isfile() and member.name.endswith(".json"):
                    handle = tar.extractfile(member)
                    if handle is not None:
                        contents[member.name] = handle.read()
        for member_name in sorted(contents):
            name = member_name.rsplit("/", 1)[-1]
            is_ah_thread = "_ah_" in name
            lines = contents[member_name].decode("utf-8", errors="replace")
            for i, line in enumerate(lines.split("\n"), start=1):
                if not line.strip():
                    continue
                try:
                    comment = json.loads(line)
                    body = str(comment["body"])
                    rule = int(comment.get("violated_rule") or 0)
                except (ValueError, KeyError, TypeError) as e:
                    raise malformed(path, i, f"{member_name} has a bad JSON comment ({e})") from e
                is_ah = rule == _AD_HOMINEM_RULE
                if is_ah_thread and not is_ah:
                    continue
                text = html.unescape(_QUOTE.sub("", body)).strip()
                if text in ("", "[removed]", "[deleted]"):
                    continue
                rows.append(AdHominemRow(text[:AD_HOMINEM_MAX_CHARS].strip(), is_ah))
    except (tarfile.TarError, EOFError, OSError) as e:
        raise DataError(f"{path} cannot be read as a .tar.bz2 archive ({e}). {FIX}") from e
    return tuple(rows)


# -- GoEmotions ------------------------------------------------------------------------------


def _csv_unquote(text: str) -> str:
    """Undo CSV quoting left in a TSV field: ``"He said ""hi"" "`` -> ``He said "hi"``."""
    if len(text) >= 2 and text[0] == text[-1] == '"' and '"' not in text[1:-1].replace('""', ""):
        return text[1:-1].replace('""', '"')
    return text


@functools.cache
def goemotions(data_dir: Path) -> tuple[GoEmotionsRow, ...]:
    """GoEmotions ``original/`` (28 labels incl. neutral) with official splits."""
    folder = require(data_dir / "goemotions" / "original")
    labels_path = folder / "labels.txt"
    names = tuple(n.strip() for n in _lines(labels_path) if n.strip())
    if names != GOEMOTIONS_LABELS:
        raise malformed(labels_path, 1, f"expected the 28 labels {', '.join(GOEMOTIONS_LABELS)}")
    rows: list[GoEmotionsRow] = []
    for split in ("train", "dev", "test"):
        path = folder / f"{split}.tsv"
        for i, line in enumerate(_lines(path), start=1):
            parts = line.split("\t")
            try:
                if len(parts) != 3:
                    raise ValueError
                ids = frozenset(int(x) for x in parts[1].split(","))
                if not ids or min(ids) < 0 or max(ids) >= len(GOEMOTIONS_LABELS):
                    raise ValueError
            except ValueError:
                raise malformed(
                    path, i, "expected 'text<TAB>label ids 0-27<TAB>comment id'"
                ) from None
            rows.append(GoEmotionsRow(_clean(_csv_unquote(parts[0])), ids, split))
    return tuple(rows)


# -- Stanford politeness ---------------------------------------------------------------------

POLITENESS_FILES = ("wikipedia.annotated.csv", "stack-exchange.annotated.csv")


@functools.cache
def politeness(data_dir: Path) -> tuple[PolitenessRow, ...]:
    """Both Stanford politeness corpora: request text and its Normalized Score."""
    rows: list[PolitenessRow] = []
    for name in POLITENESS_FILES:
        path = require(data_dir / "stanford-politeness" / name)
        with path.open(encoding="utf-8", errors="replace", newline="") as f:
            reader = csv.DictReader(f)
            if not {"Request", "Normalized Score"} <= set(reader.fieldnames or ()):
                raise malformed(path, 1, "expected 'Request' and 'Normalized Score' columns")
            for row in reader:
                try:
                    score = float(row["Normalized Score"])
                except (TypeError, ValueError):
                    raise malformed(
                        path, reader.line_num, "Normalized Score is not a number"
                    ) from None
                rows.append(PolitenessRow(_clean(row["Request"] or ""), score, name))
    return tuple(rows)


# -- HopeEDI ---------------------------------------------------------------------------------


@functools.cache
def hope_edi(data_dir: Path) -> tuple[LabelledRow, ...]:
    """HopeEDI English train and dev (the test file is unlabelled); not-English rows dropped."""
    rows: list[LabelledRow] = []
    splits: tuple[Split, ...] = ("train", "dev")
    for split in splits:
        path = require(data_dir / "hope-edi-english" / f"english_hope_{split}.csv")
        for i, line in enumerate(_lines(path), start=1):
            parts = line.split("\t")
            if len(parts) < 2:
                raise malformed(path, i, "expected 'text<TAB>label<TAB>'")
            label = parts[1].strip()
            if label in ("Hope_speech", "Non_hope_speech"):
                rows.append(LabelledRow(_clean(parts[0]), label, split))
    return tuple(rows)


# -- Dreaddit --------------------------------------------------------------------------------


@functools.cache
def dreaddit(data_dir: Path) -> tuple[tuple[str, str, str], ...]:
    """Dreaddit training file: ``(text, label, post_id)``."""
    path = require(data_dir / "dreaddit" / "dreaddit-train.csv")
    rows: list[tuple[str, str, str]] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.DictReader(f)
        if not {"text", "label", "post_id"} <= set(reader.fieldnames or ()):
            raise malformed(path, 1, "expected 'text', 'label' and 'post_id' columns")
        for row in reader:
            if row["label"] not in ("0", "1"):
                raise malformed(
                    path, reader.line_num, f"expected label 0 or 1, got {row['label']!r}"
                )
            text = _clean(row["text"] or "")
            if text != "#NAME?":  # a spreadsheet formula error in place of the text
                rows.append((text, row["label"], row["post_id"] or ""))
    return tuple(rows)


# -- Li et al. 2014 life events --------------------------------------------------------------


@functools.cache
def li2014(data_dir: Path) -> tuple[str, ...]:
    """Life-event announcement tweets (positives only), in their original untokenized form.

    Lines are ``tokenized<TAB>original``; the one line with a single field is kept as is.
    """
    path = data_dir / "life-events-congrats-condolences-li2014" / "pos.txt"
    out: list[str] = []
    for i, line in enumerate(_lines(path), start=1):
        parts = line.split("\t")
        if len(parts) > 2:
            raise malformed(path, i, "expected 'tokenized tweet<TAB>original tweet'")
        out.append(_clean(parts[-1]))
    return tuple(out)
