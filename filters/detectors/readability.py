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
   dictionary in memory): the candidate's must lie at least :data:`MIN_FRE_GAP` points
   below the median of up to :data:`REFERENCE` other sentences (paragraphs) of the
   article. The reason gives both figures and the LIX comparison. Candidates and
   confirmations are counted as ``readability.candidates`` and ``readability.confirmed``.

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

from ..document import Document
from ..findings import Finding, make_finding
from ..language import document_language, primary
from ..registry import Context, register
from ..segment import Span
from ..textstats import (
    Features,
    long_word_starts,
    passage_features,
    reading_ease,
    robust_z,
    span_features,
)

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
    long_starts = long_word_starts(text)  # one regex pass serves paragraphs and sentences
    starts = [s.start for s in doc.sentences]
    multi, counts = [], []  # paragraphs of two sentences or more, and their sentences
    for p in doc.paragraphs:
        n = bisect_left(starts, p.end) - bisect_left(starts, p.start)
        if n >= 2:
            multi.append(p)
            counts.append(n)
    paragraphs, figures = [], []
    for p, f in zip(
        multi, passage_features(text, multi, counts, long_starts=long_starts), strict=True
    ):
        if f.words >= MIN_PARAGRAPH_WORDS:
            paragraphs.append(p)
            figures.append(f)
    flagged: list[Span] = []
    if len(paragraphs) >= MIN_PARAGRAPHS:
        for i, fre, reference in _confirmed(text, paragraphs, figures, ctx):
            flagged.append(paragraphs[i])
            yield _finding(text, paragraphs[i], figures, i, fre, reference, "paragraph")
    # Sentences outside the flagged paragraphs, less those too short to hold MIN_WORDS
    # words (a letter each, a space between), which are never judged.
    shortest = 2 * MIN_WORDS - 1
    sentences = [
        s
        for s in doc.sentences
        if s.end - s.start >= shortest and not any(p.start <= s.start < p.end for p in flagged)
    ]
    all_figures = span_features(text, sentences, long_starts=long_starts)
    judged = [i for i, f in enumerate(all_figures) if f.words >= MIN_WORDS]
    if len(judged) < MIN_SENTENCES:
        return
    spans = [sentences[i] for i in judged]
    figures = [all_figures[i] for i in judged]
    for i, fre, reference in _confirmed(text, spans, figures, ctx):
        yield _finding(text, spans[i], figures, i, fre, reference, "sentence")


def _confirmed(
    text: str, spans: Sequence[Span], figures: Sequence[Features], ctx: Context
) -> list[tuple[int, float, float]]:
    """``(index, Flesch reading ease, the rest's median)`` of the spans that are LIX
    outliers and that textstat confirms."""
    lix = [f.lix for f in figures]
    z = robust_z(lix)
    z_long = robust_z([f.long_word_share for f in figures])
    candidates = [
        i for i, v in enumerate(z) if v >= MIN_Z and z_long[i] >= MIN_Z_LONG and lix[i] >= MIN_LIX
    ]
    if not candidates:
        return []
    ctx.counters["readability.candidates"] += len(candidates)
    others = [i for i in range(len(spans)) if i not in candidates]
    step = max(1, len(others) // REFERENCE)
    reference = statistics.median(_reading_ease(text, spans[i]) for i in others[::step][:REFERENCE])
    out = []
    for i in candidates:
        fre = _reading_ease(text, spans[i])
        if fre <= reference - MIN_FRE_GAP:
            ctx.counters["readability.confirmed"] += 1
            out.append((i, fre, reference))
    return out


def _reading_ease(text: str, span: Span) -> float:
    return reading_ease(text[span.start : span.end])


def _finding(
    text: str,
    span: Span,
    figures: Sequence[Features],
    i: int,
    fre: float,
    reference: float,
    unit: str,
) -> Finding:
    median_lix = statistics.median(f.lix for f in figures)
    z = robust_z([f.lix for f in figures])[i]
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
            f"{fre:.1f} vs {reference:.1f}, LIX {figures[i].lix:.1f} vs median "
            f"{median_lix:.1f} ({z:.1f} robust SD above)"
        ),
    )
