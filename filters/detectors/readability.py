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
from collections.abc import Iterator, Sequence
from itertools import chain

import numpy as np

from ..document import Document
from ..findings import Finding, make_finding
from ..language import document_language, primary
from ..registry import Context, register
from ..segment import Span
from ..textstats import SpanFigures, TextIndex, reading_ease, robust_z

NAME = "readability_v1"

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
#: Candidates confirmed per unit and article, at most (the highest LIX first).
MAX_CANDIDATES = 5
#: Languages judged (textstat's syllable counts are English).
LANGUAGES = frozenset({"en"})


@register(NAME, categories=["readability"])
def find_readability_outliers(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Sentences or paragraphs far harder to read than the rest of the article."""
    lang = document_language(doc)
    if lang is not None and primary(lang) not in LANGUAGES:
        ctx.counters["readability.skipped_language"] += 1
        return
    text = doc.text
    index = doc.text_index  # one pass over the text serves paragraphs and sentences
    sentences = _spans(doc.sentences)
    paragraphs = _spans(doc.paragraphs)
    firsts = sentences[:, 0]
    in_flagged = np.zeros(len(sentences), dtype=bool)  # sentences of flagged paragraphs
    long_paragraphs = _judged_paragraphs(index, paragraphs, firsts)
    if long_paragraphs is not None:
        spans, figures = long_paragraphs
        for i, fre, reference in _confirmed(text, spans, figures, ctx):
            start, end = spans[i].tolist()
            in_flagged = in_flagged | ((firsts >= start) & (firsts < end))
            yield _finding(text, Span(start, end), figures, i, fre, reference, "paragraph")
    # Sentences outside the flagged paragraphs, less those too short to hold MIN_WORDS
    # words (a letter each, a space between), which are never judged.
    shortest = 2 * MIN_WORDS - 1
    sentences = sentences[(sentences[:, 1] - sentences[:, 0] >= shortest) & ~in_flagged]
    figures = index.figures(sentences[:, 0], sentences[:, 1])
    judged = figures.words >= MIN_WORDS
    if np.count_nonzero(judged) < MIN_SENTENCES:
        return
    sentences, figures = sentences[judged], figures.select(judged)
    for i, fre, reference in _confirmed(text, sentences, figures, ctx):
        start, end = sentences[i].tolist()
        yield _finding(text, Span(start, end), figures, i, fre, reference, "sentence")


def _judged_paragraphs(
    index: TextIndex, paragraphs: np.ndarray, firsts: np.ndarray
) -> tuple[np.ndarray, SpanFigures] | None:
    """The paragraphs of two sentences or more (sentences starting inside them) and of
    :data:`MIN_PARAGRAPH_WORDS` words or more, with their figures; None when there are
    fewer than :data:`MIN_PARAGRAPHS` of them."""
    counts = firsts.searchsorted(paragraphs[:, 1]) - firsts.searchsorted(paragraphs[:, 0])
    multi = counts >= 2
    if np.count_nonzero(multi) < MIN_PARAGRAPHS:
        return None
    paragraphs = paragraphs[multi]
    figures = index.figures(paragraphs[:, 0], paragraphs[:, 1], counts[multi], exact=True)
    long_enough = figures.words >= MIN_PARAGRAPH_WORDS
    if np.count_nonzero(long_enough) < MIN_PARAGRAPHS:
        return None
    return paragraphs[long_enough], figures.select(long_enough)


def _spans(spans: Sequence[Span]) -> np.ndarray:
    """``(start, end)`` spans as an ``n x 2`` int64 array."""
    flat = np.fromiter(chain.from_iterable(spans), dtype=np.int64, count=2 * len(spans))
    return flat.reshape(-1, 2)


def _confirmed(
    text: str, spans: np.ndarray, figures: SpanFigures, ctx: Context
) -> list[tuple[int, float, float]]:
    """``(index, Flesch reading ease, the rest's median)`` of the spans that are LIX
    outliers and that textstat confirms."""
    z = robust_z(figures.lix)
    z_long = robust_z(figures.long_word_share)
    outliers = (z >= MIN_Z) & (z_long >= MIN_Z_LONG) & (figures.lix >= MIN_LIX)
    candidates = np.flatnonzero(outliers).tolist()
    if not candidates:
        return []
    ctx.counters["readability.candidates"] += len(candidates)
    others = np.flatnonzero(~outliers).tolist()
    step = max(1, len(others) // REFERENCE)
    reference = statistics.median(_reading_ease(text, spans[i]) for i in others[::step][:REFERENCE])
    out = []
    for i in candidates:
        fre = _reading_ease(text, spans[i])
        if fre <= reference - MIN_FRE_GAP:
            ctx.counters["readability.confirmed"] += 1
            out.append((i, fre, reference))
    return out


def _reading_ease(text: str, span: np.ndarray) -> float:
    """Flesch reading ease of the span, or of its first :data:`MAX_FRE_CHARS` characters
    (to the last white space within them) when it is longer."""
    start, end = span.tolist()
    if end - start > MAX_FRE_CHARS:
        cut = text.rfind(" ", start, start + MAX_FRE_CHARS)
        end = cut if cut > start else start + MAX_FRE_CHARS
    return reading_ease(text[start:end])


def _finding(
    text: str,
    span: Span,
    figures: SpanFigures,
    i: int,
    fre: float,
    reference: float,
    unit: str,
) -> Finding:
    cut = f" (first {MAX_FRE_CHARS:,} characters)" if span.end - span.start > MAX_FRE_CHARS else ""
    lix = figures.lix.tolist()
    median_lix = statistics.median(lix)
    z = float(robust_z(figures.lix)[i])
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
            f"{fre:.1f}{cut} vs {reference:.1f}, LIX {lix[i]:.1f} vs median "
            f"{median_lix:.1f} ({z:.1f} robust SD above)"
        ),
    )
