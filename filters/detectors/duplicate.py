"""duplicate: lines and paragraphs repeated within a document, or shared by many documents
of a run (site boilerplate).

What it catches:

* ``duplicate.repeated_line``, ``duplicate.repeated_paragraph``: a line, or a paragraph of
  several lines, that repeats an earlier one of the same document verbatim (white space
  and invisible characters aside); the first stays, every later copy is removed. Only prose
  counts: at least 8 words of two letters or more, a sentence end (``.``, ``!``, ``?``, an
  ellipsis, then closing quotes or brackets) or a colon that opens a list, no lower-case
  start (a hard-wrapped line), less than a quarter numbers (recipes, specifications), no
  list marker or symbol at the start, no table cells, no code.
* ``duplicate.adjacent_line``: a line of 4 words or more, of any shape but the above
  exclusions, that repeats the line right before it (a caption printed twice).
* ``duplicate.shared_line``: a line that recurs in many documents of the same window of a
  run (``Pipeline.run_many``), as CCNet and trafilatura drop boilerplate shared across
  pages: 4 words or more, in at least 5 documents and at least 1 % of the window's
  documents, in a window of 10 documents or more. Every occurrence is reported, with the
  number of documents that share the line. The batch hook counts, per window, an 8-byte
  hash of each line once per document and keeps only the hashes over the threshold:
  memory is bounded by the window's distinct lines, no text is kept, and the result does
  not depend on the order of the documents, only on which documents share the window.

What it leaves alone: short repeated lines (``Advertisement``, ``Photo: AP``: the
boilerplate and caption detectors' business), separators (``* * *``, ``---``), subheadings
a review repeats on purpose (``Pros``, ``Cons``, ``Is it worth the added cost?``), labels,
repeated list items, table rows, recipe lines and blocks of list lines (recipes and
specification lists repeat on purpose), code. Across documents: lines of fewer than 4
words (``Conclusion``, ``Frequently Asked Questions``, which many sites share), lines
shared by fewer than 5 documents or by less than 1 % of the window, every line when the
window has fewer than 10 documents (five reports on one story share quotes, not
boilerplate), and long prose lines (15 words or more with a sentence end: syndicated wire
copy, a quote every outlet prints), which are only flagged (score 0.45, below the
default ``min_confidence``).

False-positive risk: low within a document (a prose paragraph printed twice is an
extraction artefact; the gold bodies repeat mostly list items and subheadings); an essay
quoted and then discussed, a product blurb or a pull quote printed twice are removed.
Across documents: a run of many copies of one story (syndication) loses its shared short
lines; the safety policy turns removals into flags when a document would lose more than
``max_removed_share``.

Example: ``"The army said it repelled the attack overnight, officials said."`` appearing
again later in the same document -> one ``remove`` finding over the second copy, code
``duplicate.repeated_line``, reason ``'line of 10 words repeats line 1'``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from hashlib import blake2b
from typing import Any

from ..document import Document
from ..findings import Finding, make_finding
from ..registry import Context, register
from ..segment import Span
from ._spans import SpanSet

NAME = "duplicate_v1"

# A sentence end at the end of a line: terminators, then closing quotes or brackets; or a
# colon that opens a list ("Here are three things to know:").
SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*\Z|:\Z")
# A list item or a quote marker at the start of a line: "- ", "* ", "• ", "1. ", "2) ", "> ".
LIST_MARKER_RE = re.compile(r"[-*•·–—>#]|\d{1,3}[.)]\s|[a-zA-Z][.)]\s")
# A token and a number token, for the share of numbers in a line.
TOKEN_RE = re.compile(r"\w+")
NUMBER_RE = re.compile(r"\d[\d.,:/-]*")
# Table cells and code: " | ", braces, ";" at the end, "=>".
STRUCTURE_RE = re.compile(r"\s\|\s|\|\s*\Z|\A\s*\||[{}]|;\s*\Z|=>|\w\(\)")
ASCII_FOLDED = ("  ", "\t", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")
UNICODE_FOLDED = tuple(c for c in map(chr, range(0x80, 0x3001)) if c.isspace()) + tuple(
    "\u200b\u200c\u200d\u2060\ufeff\u00ad"
)
# A letter.
LETTER_RE = re.compile(r"[^\W\d_]")
# A word: two letters or more ("1", "x" and "tsp." in "1 tsp." count once, as "tsp").
WORD_RE = re.compile(r"[^\W\d_]{2,}")
# Invisible characters a copy may lose or gain: zero-width spaces and joiners, BOM, soft
# hyphen.
INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

PROSE_WORDS = 8
NUMBER_SHARE = 0.25
ADJACENT_WORDS = 4
SHARED_WORDS = 4
SHARED_MIN_DOCS = 5
SHARED_MIN_SHARE = 0.01
SHARED_MIN_WINDOW = 10
SHARED_PROSE_WORDS = 15


def line_key(text: str) -> str:
    """The text a copy must repeat: white space collapsed, invisible characters dropped,
    nothing else changed."""
    return " ".join(INVISIBLE_RE.sub("", text).split())


def line_hash(key: str) -> int:
    """A stable 8-byte hash of a line key (the same in every process, unlike ``hash``)."""
    return int.from_bytes(blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


def line_keys(doc: Document) -> list[tuple[Span, str]]:
    """Every content line of the document with its key; lines are only normalised when
    the document has white space or invisible characters to fold."""
    text = doc.text
    lines = doc.content_lines
    if not _needs_folding(text):
        return [(span, text[span.start : span.end]) for span in lines]
    if text.isascii() or not INVISIBLE_RE.search(text):  # white space only: a cheaper fold
        return [(span, " ".join(text[span.start : span.end].split())) for span in lines]
    return [(span, line_key(text[span.start : span.end])) for span in lines]


def _needs_folding(text: str) -> bool:
    """True when the text has white space other than single spaces and line breaks, or
    invisible characters (substring tests: far faster than a regex scan)."""
    folded = ASCII_FOLDED if text.isascii() else ASCII_FOLDED + UNICODE_FOLDED
    return any(c in text for c in folded)


def _shareable(key: str) -> bool:
    """Four white-space tokens or more and a letter: worth counting across documents."""
    return key.count(" ") >= SHARED_WORDS - 1 and bool(LETTER_RE.search(key))


def prepare_shared_lines(docs: Sequence[Document]) -> dict[str, Any]:
    """Batch hook: the lines of 4 words or more that many documents of the window share.

    Returns ``{"documents": n, "min_documents": k, "shared": {hash: count}}`` with only the
    hashes of lines found in ``k`` documents or more (``k`` = 5 or 1 % of the window,
    whichever is larger); ``shared`` is empty for a window of fewer than 10 documents.
    """
    n = len(docs)
    min_docs = max(SHARED_MIN_DOCS, math.ceil(SHARED_MIN_SHARE * n))
    state: dict[str, Any] = {"documents": n, "min_documents": min_docs, "shared": {}}
    if n < SHARED_MIN_WINDOW:
        return state
    counts: Counter[int] = Counter()
    for doc in docs:
        counts.update({line_hash(key) for _span, key in line_keys(doc) if _shareable(key)})
    state["shared"] = {h: c for h, c in sorted(counts.items()) if c >= min_docs}
    return state


@register(NAME, categories=["duplicate"], prepare=prepare_shared_lines)
def find_duplicates(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Paragraphs and lines repeated in a document, and lines shared by many documents."""
    state: dict[str, Any] = ctx.batch.get(NAME) or {}
    shared: dict[int, int] = state.get("shared", {})
    findings: list[Finding] = []
    done = SpanSet()  # spans already reported
    keys = line_keys(doc)
    if not shared and len({key for _span, key in keys}) == len(keys):
        return  # no line repeats, so no paragraph does either
    if shared:
        findings += _shared(doc, keys, shared, state["documents"], done)
    findings += _repeated_paragraphs(doc, keys, done)
    findings += _repeated_lines(doc, keys, done)
    findings.sort(key=Finding.sort_key)
    yield from findings


def _shared(
    doc: Document,
    keys: list[tuple[Span, str]],
    shared: dict[int, int],
    documents: int,
    done: SpanSet,
) -> list[Finding]:
    text = doc.text
    out = []
    for span, key in keys:
        if not _shareable(key):
            continue
        count = shared.get(line_hash(key))
        if count is None:
            continue
        words = len(WORD_RE.findall(key))
        share = count / documents
        score = 0.7 + 0.2 * min(1.0, share / 0.05)
        if words >= SHARED_PROSE_WORDS and SENTENCE_END_RE.search(key):
            score = 0.45  # syndicated prose or a quote every outlet prints: flag only
        reason = (
            f"line shared by {count} of {documents} documents in this window ({share:.1%}):"
            " site boilerplate"
        )
        out.append(_make(text, span, "shared_line", score, reason))
        done.add(span.start, span.end)
    return out


def _repeated_paragraphs(
    doc: Document, keys: list[tuple[Span, str]], done: SpanSet
) -> list[Finding]:
    text = doc.text
    line_key_at = {span.start: key for span, key in keys}
    # Earlier paragraphs of several lines by the key of their first line: a paragraph can
    # only repeat one whose first line it repeats, so most need no key of their own. The
    # first paragraph with a first line waits unkeyed; once another comes with the same
    # first line, both are keyed, and each key maps to its first paragraph (one lookup per
    # paragraph, not a comparison with every earlier one).
    unkeyed: dict[str, Span] = {}
    earlier: dict[str, dict[str, Span]] = {}
    paragraph_keys: dict[int, str] = {}

    def key_of(span: Span) -> str:
        if span.start not in paragraph_keys:
            paragraph_keys[span.start] = line_key(text[span.start : span.end])
        return paragraph_keys[span.start]

    out = []
    for span in doc.paragraphs:
        first_line = line_key_at.get(span.start)
        raw = text[span.start : span.end]
        if first_line is None or ("\n" not in raw and "\r" not in raw):
            continue  # one line: the line rule's
        keyed = earlier.get(first_line)
        if keyed is None:
            first = unkeyed.get(first_line)
            if first is None:
                unkeyed[first_line] = span
                continue
            keyed = earlier[first_line] = {key_of(first): first}
        original = keyed.setdefault(key_of(span), span)
        if original == span or done.contains(span.start, span.end):
            continue
        key = key_of(span)
        words = len(WORD_RE.findall(key))
        lines = len(raw.splitlines())
        if _prose(key, words):
            line = doc.line_index(original.start) + 1
            reason = f"paragraph of {lines} lines, {words} words repeats the one at line {line}"
            out.append(_make(text, span, "repeated_paragraph", 0.9, reason))
            done.add(span.start, span.end)
    return out


def _repeated_lines(doc: Document, keys: list[tuple[Span, str]], done: SpanSet) -> list[Finding]:
    text = doc.text
    seen: dict[str, int] = {}
    words_of: dict[str, int] = {}  # words of each repeated key, counted once
    out = []
    previous: str | None = None
    for span, key in keys:
        first = seen.setdefault(key, span.start)
        adjacent = key == previous
        previous = key
        if first == span.start:
            continue
        words = words_of.get(key)
        if words is None:
            words = words_of[key] = len(WORD_RE.findall(key))
        if words < PROSE_WORDS and not (adjacent and words >= ADJACENT_WORDS):
            continue  # too short for either rule (a repeated one-word line, say)
        if done.contains(span.start, span.end):
            continue
        if _prose(key, words):
            reason = f"line of {words} words repeats line {doc.line_index(first) + 1}"
            out.append(_make(text, span, "repeated_line", 0.9, reason))
        elif adjacent and words >= ADJACENT_WORDS and _plain(key):
            line = doc.line_index(first) + 1
            reason = f"line of {words} words repeats the line right before it (line {line})"
            out.append(_make(text, span, "adjacent_line", 0.8, reason))
        else:
            continue
        done.add(span.start, span.end)
    return out


def _prose(key: str, words: int) -> bool:
    """A sentence or more: 8 words, a sentence end, not mostly numbers, no list marker,
    table or code."""
    return (
        words >= PROSE_WORDS
        and not key[0].islower()  # a wrapped line that starts mid-sentence
        and bool(SENTENCE_END_RE.search(key))
        and not _data_like(key)
        and _plain(key)
    )


def _data_like(key: str) -> bool:
    """A quarter of the tokens or more are numbers: "Portion Fix Containers: 1 Green, 1 Red,
    1 Yellow, 1 Orange, 1 tsp.", a specification or a table row, not prose."""
    tokens = len(TOKEN_RE.findall(key))
    return tokens > 0 and len(NUMBER_RE.findall(key)) >= NUMBER_SHARE * tokens


def _plain(key: str) -> bool:
    """No list marker or symbol at the start ("- ", "1. ", "🚆"), no table cells or code."""
    first = key[:1]
    if not (first.isalnum() or first in "\"'“‘«(["):
        return False
    return not LIST_MARKER_RE.match(key) and not STRUCTURE_RE.search(key)


def _make(text: str, span: Span, kind: str, score: float, reason: str) -> Finding:
    return make_finding(
        text,
        span.start,
        span.end,
        detector=NAME,
        category="duplicate",
        code="duplicate." + kind,
        score=score,
        reason=reason,
    )
