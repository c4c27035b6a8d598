"""heading: the headline at the top of the text (removed) and subheadings inside it (flagged).

What it catches:

* the headline: the first line when it reads as a title and more text follows:
  four to 24 words, one sentence, no final period, colon or comma, not in
  capitals only, not cut off (``... Tuesday after``); in sentence case also at
  most 16 words, no question and no "I", "you" or "we" (such a line opens the
  story). The same line repeated further down goes too (scrapers print it twice);
* a section label over the headline (``Review``, ``Deals``): one word in title
  case on the first line, when the second is a headline of six words or more, no
  question and few numbers (``heading.section_label``, removed with the headline);
* the dek (standfirst) right under a headline: a line of six to 40 words in
  sentence case without final punctuation;
* subheadings inside the body: a short line (at most 12 words) without a final
  period next to running text, and quote-heads (``Biden: “Kiev’s Incursion into
  Kursk Real Dilemma for Putin”``). These are only flagged: the Scrapinghub and
  WCXB golds keep subheadings, so removing them would cut real content.

What it leaves alone: lines the caption, metadata, tag_run or boilerplate
detectors claim (a byline at the top is metadata, not a headline); a first line
that is a sentence or a label of up to three words (``Key Takeaways``, ``At a
glance``) unless a headline as above follows a one-word label (a body opening
with ``Introduction``, then ``What Is Video Production?``, keeps both); list
items (``- item``, ``1. item``); lines in scripts without capitals; a short line
next to other short lines (a list).

False-positive risk: moderate for the headline rule, which removes a first line
that looks like a title: a body that opens with a subheading of four words or
more (``Understanding unapproved versions of these drugs``) loses it. Its score
is below the caption and metadata rules. Subheadings are flags, never edits.

Example: ``Russia evacuates neighboring Kursk region`` as the first line, then
text -> one ``remove`` finding over it, code ``heading.headline``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..document import Document
from ..findings import Finding, make_finding
from ..registry import Context, register
from ..segment import sentences_in
from ._lines import CLOSERS, Line, digit_token_share, is_prose, lines_of
from .boilerplate import boilerplate_verdicts
from .caption import caption_verdicts
from .metadata import metadata_verdicts
from .tag_run import tag_verdicts

NAME = "heading_v1"

# A list item: "- item", "• item", "1. item", "2) item", "a) item".
LIST_ITEM_RE = re.compile(r"^(?:[-–—•*·▪►✓✔]|\d{1,3}[.)]|[a-z][.)])\s")
# A line ending like a sentence or a clause: period, colon, semicolon, comma.
CLAUSE_END_RE = re.compile(r"[.,;:][\"'”’)\]]*$")
# A quote-head: a speaker, a colon, a quotation: "Biden: “Kiev’s Incursion ...”".
QUOTE_HEAD_RE = re.compile(
    r"^[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,3}:\s*[“\"‘'«„].{3,}[”\"’'»“]$"
)
# The last character of a quote-head (a line has no line break to end with): a cheap test
# before the regex, which most lines fail.
QUOTE_HEAD_CLOSERS = "”\"’'»“"

# A label and a number, as in a fact box: "Typical Range: $876 - $1,042".
LABEL_VALUE_RE = re.compile(r"^[\w ]{1,30}:\s*[$€£¥]?\d")
# The reader or the writer addressed in sentence case: "you", "I'm", "we".
PERSON_RE = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|me|my|you|your|you're|you’re|we|our|us)\b")
# A line ending in a word that cannot end a title: a cut-off sentence ("... Tuesday after").
CUT_OFF_RE = re.compile(
    r"\b(?:a|an|the|and|or|but|of|to|in|on|at|by|for|with|from|after|before|that|which|who|"
    r"as|than|is|are|was|were|be|has|have|had|will|would|could|should|its|their|his|her)$",
    re.IGNORECASE,
)

#: Words of a headline; a headline in sentence case (few capitals) is at most
#: MAX_SENTENCE_CASE_WORDS long.
MIN_HEADLINE_WORDS = 4
MAX_HEADLINE_WORDS = 24
MAX_SENTENCE_CASE_WORDS = 16
#: Words of a headline under a one-word section label ("Review", "Deals").
MIN_LABELLED_WORDS = 6
#: Words of a dek under the headline.
MIN_DEK_WORDS = 6
MAX_DEK_WORDS = 40
#: Words of a subheading, and of a quote-head.
MAX_SUBHEADING_WORDS = 12
MAX_QUOTE_HEAD_WORDS = 25


@register(NAME, categories=["heading"])
def find_headings(doc: Document, ctx: Context) -> Iterator[Finding]:
    """The headline at the top (remove) and subheadings in the body (flag)."""
    text = doc.text
    lines = lines_of(doc)
    if len(lines) < 2:
        return
    claimed = claimed_lines(doc)
    headline: Line | None = None
    first = lines[0]
    top = 0
    if (
        len(lines) > 2
        and not (claimed[0] or claimed[1])
        and _section_label(first)
        and _labelled(lines[1])
    ):
        top = 1
        yield _finding(text, first, "heading.section_label", 0.7, "remove", "a section label")
        first = lines[1]
    if not claimed[top] and _is_headline(first):
        headline = first
        yield _finding(text, first, "heading.headline", 0.8, "remove", "a title line at the top")
        second = lines[top + 1]
        if not claimed[top + 1] and len(lines) > top + 2 and _is_dek(second):
            yield _finding(text, second, "heading.dek", 0.6, "remove", "a standfirst under it")
            claimed[top + 1] = True
    if headline is not None:
        claimed[headline.number] = True  # not a repeat of itself
    for line in lines[1:]:
        if claimed[line.number]:
            continue
        if headline is not None and line.text == headline.text:
            yield _finding(
                text, line, "heading.headline_repeat", 0.8, "remove", "the headline repeated"
            )
        elif (
            line.words <= MAX_QUOTE_HEAD_WORDS
            and line.text[-1] in QUOTE_HEAD_CLOSERS
            and QUOTE_HEAD_RE.match(line.text)
        ):
            yield _finding(text, line, "heading.quote_head", 0.8, "flag", "a quote-head")
        elif _is_subheading(lines, line.number):
            yield _finding(text, line, "heading.subheading", 0.6, "flag", "a subheading")


def _finding(text: str, line: Line, code: str, score: float, action: str, why: str) -> Finding:
    return make_finding(
        text,
        line.start,
        line.end,
        detector=NAME,
        category="heading",
        code=code,
        score=score,
        action=action,
        reason=f"{why}: {line.words} words, no final period",
    )


def claimed_lines(doc: Document) -> list[bool]:
    """For every line: True when the caption, metadata, tag_run or boilerplate rules take it
    (or a prefix of it)."""
    return [
        caption is not None or metadata is not None or tag is not None or boilerplate is not None
        for caption, metadata, tag, boilerplate in zip(
            caption_verdicts(doc),
            metadata_verdicts(doc),
            tag_verdicts(doc),
            boilerplate_verdicts(doc),
            strict=True,
        )
    ]


def _title_like(line: Line) -> bool:
    t = line.text
    return not (
        line.uncased
        or line.link
        or CLAUSE_END_RE.search(t)
        or LIST_ITEM_RE.match(t)
        or t[0].islower()
    )


def _is_headline(line: Line) -> bool:
    t = line.text
    if not (MIN_HEADLINE_WORDS <= line.words <= MAX_HEADLINE_WORDS and _title_like(line)):
        return False
    if not (t[0].isalnum() or t[0] in "\"'“‘") or t.isupper():
        return False  # "@handle ...", "<tag> ...", "CLICK FOR FULL RESULTS"
    if LABEL_VALUE_RE.match(t) or CUT_OFF_RE.search(t) or len(sentences_in(t, 0, len(t))) > 1:
        return False  # cut off, or two sentences (abbreviations such as "U.S." are no boundary)
    if line.capitalised < 0.5:  # sentence case: short, not addressing anyone, no question
        return (
            (line.words <= MAX_SENTENCE_CASE_WORDS or (line.words <= 20 and "," not in t))
            and not t.endswith("?")
            and not PERSON_RE.search(t)
        )
    return True


def _section_label(line: Line) -> bool:
    """A section label over the headline: one word in title case ("Review", "Deals")."""
    t = line.text
    return line.words == 1 and t[:1].isupper() and t[1:].islower() and t.isalpha()


def _labelled(line: Line) -> bool:
    """A headline under a section label: a headline of MIN_LABELLED_WORDS or more, no
    question (a body may open with "Introduction", then "What Is Video Production?"), few
    numbers (nor "Schedule", then "September 10 12pm- 1pm ...")."""
    if line.words < MIN_LABELLED_WORDS or line.text.rstrip(CLOSERS).endswith("?"):
        return False
    return digit_token_share(line.text) < 0.2 and _is_headline(line)


def _is_dek(line: Line) -> bool:
    return (
        MIN_DEK_WORDS <= line.words <= MAX_DEK_WORDS
        and not line.terminal
        and line.capitalised < 0.6
        and _title_like(line)
    )


def _is_subheading(lines: Sequence[Line], i: int) -> bool:
    line = lines[i]
    if not 1 <= line.words <= MAX_SUBHEADING_WORDS or i + 1 >= len(lines):
        return False
    before, after = lines[i - 1], lines[i + 1]
    if not (is_prose(after) and (is_prose(before) or before.words > MAX_SUBHEADING_WORDS)):
        return False  # (checked before the line's own regexes: most lines fail here)
    return not line.text.endswith("!") and _title_like(line)
