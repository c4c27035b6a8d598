"""Segmentation of plain text into lines, paragraphs and sentences, with exact offsets.

Every span is a ``(start, end)`` pair of code-point offsets into the text it
was cut from, with surrounding white space left out, so ``text[start:end]`` is
the segment itself.

Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r``. Paragraphs are runs of
non-blank lines separated by blank lines. Sentences never cross a line break:
scraped text breaks lines between blocks, so a line break is a hard boundary.

The sentence splitter is rule based and tuned for English news: a boundary is a
terminator (``.``, ``!``, ``?``, an ellipsis), optional closing quotes or
brackets, white space, and a next token that can open a sentence (a capital, a
digit, or an opening quote before one). A period is no boundary after a title
or other abbreviation (``Gov.``, ``No. 5``), after a single initial (``J. K.``),
or after a dotted abbreviation such as ``U.S.`` unless the next word is a usual
sentence opener ("... in the U.S. The ..."). Decimals (``3.5``), thousands
separators and times never contain white space after the period, so they are
never candidates.
"""

from __future__ import annotations

import re
from functools import partial
from itertools import chain
from operator import itemgetter
from typing import NamedTuple

from .resources import sectioned_list, word_list


class Span(NamedTuple):
    """A segment of a text: ``text[start:end]``."""

    start: int
    end: int


# A Span from a (start, end) pair (``Span._make`` without its checks): segmenting makes
# one or more per line, a million for a text of a million lines.
_span = partial(tuple.__new__, Span)

# A line terminator: CRLF, a lone CR or LF.
LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
# A non-blank line without its edge white space (white space never includes a break).
CONTENT_LINE_RE = re.compile(r"\S(?:[^\r\n]*\S)?")
# A paragraph: a content line, then more content lines each after a single line break.
PARAGRAPH_RE = re.compile(
    r"\S(?:[^\r\n]*\S)?(?:[^\S\r\n]*(?:\r\n|\r|\n)[^\S\r\n]*\S(?:[^\r\n]*\S)?)*"
)
# A candidate sentence end: terminator, closing quotes/brackets, then white space.
# One character class first, so the regex engine skips ahead fast; an ellipsis
# ("...", "…") is a terminator other than ".", like "?" and "!".
# The look-behind starts a match only at the first terminator of a run and the
# possessive quantifiers never give characters back, so a long run of dots without
# white space after it is scanned once, not once per dot (linear, not quadratic).
BOUNDARY_RE = re.compile(r"(?<![.!?…])([.!?…]++)([\"'”’»)\]]*+)[ \t\f\v\u00a0\u2000-\u200a\u3000]+")
# The word right before a period: letters, digits and inner periods ("U.S", "a.m"),
# searched in the (short) text before the period. It is tried from the start of a run of
# letters, digits and periods only (the look-behind), so a long run is scanned once.
WORD_BEFORE_RE = re.compile(r"(?<![\w.])[\w.]*\w$")
# The first word of the next sentence, after opening quotes or brackets (anchored).
NEXT_WORD_RE = re.compile(r"^[\"'“‘«(\[]*+(\w+)")
# Dotted abbreviations such as "U.S", "a.m", "U.K" (the final period is the candidate).
DOTTED_RE = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
# A single capital initial such as the "J" of "J. K. Rowling".
INITIAL_RE = re.compile(r"[^\W\d_]")

_ABBREV = sectioned_list("abbreviations.txt")
NEVER_END = _ABBREV["never_end"]
BEFORE_NUMBER = _ABBREV["before_number"]
MAY_END = _ABBREV["may_end"]
STARTERS = word_list("sentence_starters.txt")


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Line spans of ``text[start:end]`` without their terminators (blank lines included)."""
    end = len(text) if end is None else end
    breaks = list(map(re.Match.span, LINE_BREAK_RE.finditer(text, start, end)))
    starts = chain((start,), map(itemgetter(1), breaks))
    ends = chain(map(itemgetter(0), breaks), (end,))
    return list(map(_span, zip(starts, ends, strict=True)))


def strip_span(text: str, start: int, end: int) -> Span:
    """The span with white space at both edges left out (empty spans stay at ``start``)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def split_paragraphs(text: str) -> list[Span]:
    """Paragraph spans: runs of non-blank lines, stripped of edge white space."""
    return list(map(_span, map(re.Match.span, PARAGRAPH_RE.finditer(text))))


def split_content_lines(text: str) -> list[Span]:
    """Non-blank lines, stripped of edge white space, in one pass over the text."""
    return list(map(_span, map(re.Match.span, CONTENT_LINE_RE.finditer(text))))


def split_sentences(text: str, content_lines: list[Span] | None = None) -> list[Span]:
    """Sentence spans of the whole text, line by line.

    ``content_lines`` are the stripped non-blank lines (as from
    :func:`split_content_lines`); candidates are found in one pass over the
    whole text, since none crosses a line break.
    """
    lines = split_content_lines(text) if content_lines is None else content_lines
    return _split(text, lines, list(BOUNDARY_RE.finditer(text)))


def sentences_in(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans inside ``text[start:end]`` (one line), stripped of white space."""
    line = strip_span(text, start, end)
    if line.start == line.end:
        return []
    return _split(text, [line], list(BOUNDARY_RE.finditer(text, line.start, line.end)))


def _split(text: str, lines: list[Span], candidates: list[re.Match[str]]) -> list[Span]:
    spans: list[Span] = []
    n = len(candidates)
    ci = 0
    for line_start, line_end in lines:
        while ci < n and candidates[ci].start() < line_start:
            ci += 1
        sent_start = line_start
        while ci < n and candidates[ci].end() < line_end:
            match = candidates[ci]
            ci += 1
            if _is_boundary(text, match, sent_start, line_end):
                spans.append(_span((sent_start, match.end(2))))
                sent_start = match.end()
        spans.append(_span((sent_start, line_end)))
    return spans


def _is_boundary(text: str, match: re.Match[str], sent_start: int, line_end: int) -> bool:
    term = match.group(1)
    before = match.start() - 1
    if (
        term == "."
        and before >= sent_start
        and text[before].isupper()
        and (before == sent_start or not (text[before - 1].isalnum() or text[before - 1] in "._"))
        and text[before] not in BEFORE_NUMBER
    ):
        # A single capital, an initial ("J. K. Rowling"): what the rules below say.
        # Checked first, before the text after it is read: cheap, and a run of initials
        # ("A. A. A. ...") is all candidates.
        return False
    nxt = text[match.end() : min(line_end, match.end() + 40)]
    if not _opens_sentence(nxt):
        return False
    if term != ".":
        return True
    word_match = WORD_BEFORE_RE.search(text[max(sent_start, match.start() - 30) : match.start()])
    if word_match is None:
        return True
    word = word_match.group()
    if word in NEVER_END:
        return False
    if word in BEFORE_NUMBER:
        return not nxt[0].isdigit()
    if INITIAL_RE.fullmatch(word) and word.isupper():
        return False
    if word in MAY_END or DOTTED_RE.fullmatch(word):
        next_word = NEXT_WORD_RE.match(nxt)
        return next_word is not None and next_word.group(1) in STARTERS
    return True


def _opens_sentence(nxt: str) -> bool:
    """True when the text after a terminator can open a sentence."""
    for char in nxt:
        if char in "\"'“‘«([":
            continue
        if char.isdigit():
            return True
        if char.isalpha():
            return not char.islower()
        return False
    return False
