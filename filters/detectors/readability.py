"""readability: a sentence or paragraph that reads far harder than the rest of its article.

What it catches: legal, technical or boilerplate prose inside a news story, such as an
EU act's sentence (``The Commission shall adopt implementing acts laying down detailed
rules for the application of the procedures referred to in Article 11(2) ...``) in a
war report: long, made of long words, with a Flesch reading ease near zero where the
article reads at 50 to 70. One ``flag`` finding per sentence, or one over a paragraph
when the whole paragraph stands out among the article's paragraphs (its sentences are
then not flagged again).

How, cheapest first (:mod:`filters.textstats`):

1. Every sentence of at least :data:`MIN_WORDS` words gets cheap figures (LIX: words
   per sentence plus the percentage of words of seven letters or more). An article
   needs :data:`MIN_SENTENCES` such sentences (paragraphs: :data:`MIN_PARAGRAPHS` of
   two sentences or more), otherwise there is no "rest" to compare with.
2. A *candidate* is a sentence (paragraph of :data:`MIN_PARAGRAPH_WORDS` words or
   more) whose LIX lies at least :data:`MIN_Z` robust standard deviations above the
   article's median (median absolute deviation), whose share of long words lies
   :data:`MIN_Z_LONG` above theirs (hard words, not only a long sentence), and whose
   LIX is at least :data:`MIN_LIX` (hard prose in absolute terms too).
3. Only candidates get textstat 0.7.8's Flesch reading ease, not rounded
   (:func:`filters.textstats.reading_ease`: textstat's figure, computed without its CMU
   dictionary in memory; over a span's first :data:`MAX_FRE_CHARS` characters when it
   is longer): the candidate's must lie at least :data:`MIN_FRE_GAP` points below the
   median of up to :data:`REFERENCE` other sentences (paragraphs) of the article. The
   reason gives both figures and the LIX comparison. Candidates and confirmations are
   counted as ``readability.candidates`` and ``readability.confirmed``.

What it leaves alone: sentences easier than the rest (short quotes, lists: rarely
junk), short sentences, short articles, and documents in a language textstat's English
syllable counts do not fit (only English documents, or documents of unknown language,
are judged; counted as ``readability.skipped_language``).

False-positive risk: moderate, by design a flag: an article's one genuinely complex
sentence (a long quote from a court ruling) stands out the same way as inserted legal
text. It is a signal for a reviewer and for the off-topic detector, never a removal.

Example: in a twelve-sentence war report with a median LIX of 45, the EU sentence
above (LIX 80, Flesch reading ease -10 against 55 for the rest) -> one ``flag`` finding
over it, code ``readability.hard_sentence``.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import compress
from typing import NamedTuple

import numpy as np

from ..document import Document
from ..findings import Finding, make_finding
from ..language import document_language, primary
from ..registry import Context, register
from ..segment import Span
from ..textstats import RobustScale, reading_ease

NAME = "readability_v1"
#: Per span: words, share of long words, LIX (:meth:`filters.textstats.TextIndex.lix`).
Figures = tuple[np.ndarray, np.ndarray, np.ndarray]

#: Sentences shorter than this (in words) are not judged.
MIN_WORDS = 8
#: An article needs this many judged sentences ...
MIN_SENTENCES = 8
#: ... or this many paragraphs of two sentences or more, for the paragraph check.
MIN_PARAGRAPHS = 5
#: A candidate's LIX lies this many robust standard deviations above the median ...
MIN_Z = 3.0
#: ... its share of long words this many above theirs (hard words, not only a long
#: sentence: news sentences of forty words are common) ...
MIN_Z_LONG = 2.0
#: ... and its LIX is at least this (LIX 55 and above is "very difficult" prose).
MIN_LIX = 55.0
#: Paragraphs shorter than this (in words) are not judged.
MIN_PARAGRAPH_WORDS = 30
#: textstat must agree: the candidate's Flesch reading ease this far below the rest's.
MIN_FRE_GAP = 30.0
#: Other sentences (paragraphs) whose Flesch reading ease makes the reference, at most
#: (evenly spread over the article; Flesch reading ease costs about 10 µs a sentence).
REFERENCE = 6
#: Flesch reading ease is computed over a span's first this many characters at most:
#: enough for a paragraph's figure, and a page's worth of menu run together as one
#: "sentence" (thousands of words without a full stop) does not cost milliseconds.
MAX_FRE_CHARS = 2000
#: Languages judged (textstat's syllable counts are English).
LANGUAGES = frozenset({"en"})


@register(NAME, categories=["readability"])
def find_readability_outliers(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Sentences or paragraphs far harder to read than the rest of the article."""
    lang = document_language(doc)
    if lang is not None and primary(lang) not in LANGUAGES:
        ctx.counters["readability.skipped_language"] += 1
        return
    sentences = doc.sentences
    if not sentences:
        return  # no sentence, no paragraph of two sentences either
    firsts, lasts = zip(*sentences, strict=True)
    paragraphs, counts = _multi_sentence_paragraphs(doc.paragraphs, firsts)
    if len(sentences) < MIN_SENTENCES and not paragraphs:
        return  # not enough of either to judge
    # The figures of both in one call: numpy costs per call far more than per span. A
    # paragraph cuts no run of letters (white space or the text's edge on both sides; a
    # test checks it), so its figures are those of its own text.
    starts, ends = firsts, lasts
    if paragraphs:
        paragraph_starts, paragraph_ends = zip(*paragraphs, strict=True)
        starts, ends = firsts + paragraph_starts, lasts + paragraph_ends
    figures = doc.text_index.lix(starts, ends, [1] * len(sentences) + counts)
    text = doc.text
    flagged: list[Finding] = []
    if paragraphs:
        units = _Units.of(paragraphs, figures, len(sentences), MIN_PARAGRAPH_WORDS)
        if len(units.spans) >= MIN_PARAGRAPHS:
            flagged = _findings(text, units, "paragraph", ctx)
            yield from flagged
    units = _Units.of(sentences, figures, 0, MIN_WORDS)
    if flagged:  # the sentences of flagged paragraphs (those starting inside) are not judged
        units = units.outside(flagged)
    if len(units.spans) >= MIN_SENTENCES:
        yield from _findings(text, units, "sentence", ctx)


class _Units(NamedTuple):
    """The judged spans of one kind (sentences or paragraphs) and their figures."""

    spans: list[Span]
    lix: np.ndarray
    long_word_share: np.ndarray

    @classmethod
    def of(cls, spans: list[Span], figures: Figures, first: int, min_words: int) -> _Units:
        """The ``spans`` of ``min_words`` words or more; their figures (``words``,
        ``long_word_share``, ``lix`` of :meth:`TextIndex.lix`) are those from ``first``
        on."""
        words, long_word_share, lix = (column[first : first + len(spans)] for column in figures)
        judged = words >= min_words
        return cls(list(compress(spans, judged.tolist())), lix[judged], long_word_share[judged])

    def outside(self, findings: list[Finding]) -> _Units:
        """The units that do not start inside a finding's span."""
        starts = np.array([span.start for span in self.spans], dtype=np.int64)
        kept = np.ones(len(starts), dtype=bool)
        for finding in findings:
            kept &= (starts < finding.start) | (starts >= finding.end)
        spans = list(compress(self.spans, kept.tolist()))
        return _Units(spans, self.lix[kept], self.long_word_share[kept])


def _multi_sentence_paragraphs(
    paragraphs: list[Span], firsts: Sequence[int]
) -> tuple[list[Span], list[int]]:
    """The paragraphs of two sentences or more (of the sentences starting at ``firsts``,
    those starting inside them) long enough to hold :data:`MIN_PARAGRAPH_WORDS` words
    (a letter each, a space between), and their numbers of sentences; none when there
    are fewer than :data:`MIN_PARAGRAPHS` of them."""
    spans = [span for span in paragraphs if span.end - span.start >= 2 * MIN_PARAGRAPH_WORDS - 1]
    if len(spans) < MIN_PARAGRAPHS:
        return [], []
    counts = [bisect_left(firsts, span.end) - bisect_left(firsts, span.start) for span in spans]
    multi = [count >= 2 for count in counts]
    if sum(multi) < MIN_PARAGRAPHS:
        return [], []
    return list(compress(spans, multi)), list(compress(counts, multi))


def _findings(text: str, units: _Units, unit: str, ctx: Context) -> list[Finding]:
    """The units that are LIX outliers and that textstat confirms."""
    lix = units.lix
    outliers = lix >= MIN_LIX
    if not outliers.any():  # no candidate, whatever the z-scores: no need for them
        return []
    scale = RobustScale.of(lix)
    outliers &= (lix - scale.median) / scale.spread >= MIN_Z
    if not outliers.any():
        return []
    shares = units.long_word_share
    share_scale = RobustScale.of(shares)
    outliers &= (shares - share_scale.median) / share_scale.spread >= MIN_Z_LONG
    candidates = np.flatnonzero(outliers).tolist()
    if not candidates:
        return []
    ctx.counters["readability.candidates"] += len(candidates)
    spans = units.spans
    others = np.flatnonzero(~outliers).tolist()
    step = max(1, len(others) // REFERENCE)
    reference = statistics.median(_reading_ease(text, spans[i]) for i in others[::step][:REFERENCE])
    out = []
    for i in candidates:
        fre = _reading_ease(text, spans[i])
        if fre <= reference - MIN_FRE_GAP:
            ctx.counters["readability.confirmed"] += 1
            out.append(_finding(text, spans[i], unit, fre, reference, float(lix[i]), scale))
    return out


def _reading_ease(text: str, span: Span) -> float:
    """Flesch reading ease of the span, or of its first :data:`MAX_FRE_CHARS` characters
    (to the last white space within them) when it is longer."""
    start, end = span
    if end - start > MAX_FRE_CHARS:
        cut = text.rfind(" ", start, start + MAX_FRE_CHARS)
        end = cut if cut > start else start + MAX_FRE_CHARS
    return reading_ease(text[start:end])


def _finding(
    text: str, span: Span, unit: str, fre: float, reference: float, lix: float, scale: RobustScale
) -> Finding:
    cut = f" (first {MAX_FRE_CHARS:,} characters)" if span.end - span.start > MAX_FRE_CHARS else ""
    z = scale.z(lix)
    return make_finding(
        text,
        span.start,
        span.end,
        detector=NAME,
        category="readability",
        code=f"readability.hard_{unit}",
        score=min(0.9, 0.6 + 0.05 * (z - MIN_Z)),
        reason=(
            f"{unit} far harder than the rest of the article: Flesch reading ease "
            f"{fre:.1f}{cut} vs {reference:.1f}, LIX {lix:.1f} vs median "
            f"{scale.median:.1f} ({z:.1f} robust SD above)"
        ),
    )
