"""Sentence features of the off_topic detector, shared by training and inference.

:func:`document_features` turns a document's sentences into a feature matrix
(one row per *candidate* sentence) with numpy only, so the detector needs no
scikit-learn at run time and training (``models/off_topic``) computes exactly
what inference computes.

The model file (``models/off_topic/model.json``) holds plain arrays:

* ``terms``: the vocabulary (single lower-cased words, no sentences);
* ``idf``: document-frequency weights of the terms in news bodies, for the
  lexical cohesion of a sentence with its document (a word outside the
  vocabulary gets ``idf_oov``, the weight of a word seen in one body only, so
  the names and rare words of a story still bind its sentences together);
* ``register_idf``, ``register_coef``, ``register_intercept``: a TF-IDF +
  logistic-regression register classifier (news body sentence vs EU legal
  sentence) exported from scikit-learn's ``Pipeline(TfidfVectorizer,
  LogisticRegression)`` and recomputed here term by term;
* ``legal_terms``: the indices of the words of
  ``filters/data/off_topic_legal_terms.txt``, for a legal-term ratio.

Words are found with numpy on the text's code points (:func:`_words`: a
lower-case table, a letter table, runs of two letters or more inside a
sentence, one 64-bit hash per word) rather than one string per word: the
vocabulary is looked up by hash (``Vocabulary.hashes``), and a document's terms
are its distinct hashes, numbered in hash order. One stable sort of the words by
hash gives the terms and the (sentence, term) pairs (:func:`_pairs`). Per-op
overhead, not arithmetic, dominates a news article's cost: figures are computed
for whole arrays at once (a table of term figures gathered per pair, one row per
per-sentence sum, one row per feature of every sentence) and the candidates'
rows are taken at the end. Floating-point sums keep the order they were trained
with (``np.add.reduceat`` per sentence, ``np.bincount``), so the features are
the same to the last bit.

The stacked classifiers that read the features live in the detector module.
Tried and left out for their cost per document (about half the budget) with no
measurable gain on held-out folds: LSA topic vectors (``TruncatedSVD``, 48
dimensions) and the share of names found nowhere else in the text. Left out in
version 2 because the trees never split on them: first or last sentence, a
quotation mark, quoted speech at the sentence's edges, a word of attribution.

Features of a sentence (``FEATURES``), relative to its document wherever that
makes sense, since an EU act quoted in an EU policy story is no intruder:

* register: the legal log-odds of the sentence, the median of the
  document's sentences (a few inserted legal sentences do not move it), the
  difference, the mean of its two neighbours, and the difference with the
  document's high register (its 90th percentile: a how-to page or a policy
  story has many formal sentences, a news report only the inserted one);
* cohesion (TF-IDF): cosine with the rest of the document (leave-one-out
  centroid), the same as a z-score and as a rank among the document's
  sentences, the best cosine with a neighbour, the mean cosine with the
  sentences up to two away, and the document's mean cohesion;
* novelty: idf-weighted share of content words found in no other sentence,
  their number, the share of words outside the vocabulary;
* names: capitalised words after the sentence's first character, per word
  (news names people and places; EU summaries and how-to text seldom do);
* readability-like figures against the document: mean word length and
  long-word share minus the document's, length (log words) minus the
  document's mean, legal-term ratio of the sentence and of the document;
* position: relative position, the number of sentences (log).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np

from ..segment import Span

# A word: a run of two letters or more (digits and underscores split words). It is also the
# TfidfVectorizer token_pattern of the training side, so both sides tokenise alike.
WORD_PATTERN = r"[^\W\d_]{2,}"
WORD_RE = re.compile(WORD_PATTERN)
# The end of a candidate sentence: a terminator, then closing quotes or brackets.
SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*\Z")
TERMINATORS = ".!?…"
CLOSERS = "\"'”’»)]"

#: Sentences shorter than this (in words) are never candidates: headings, list
#: items, datelines and asides of a few words are out of this detector's scope.
MIN_WORDS = 6
#: A word this long (letters) counts as a long word.
LONG_WORD = 9
#: Content words: idf at least this (rarer than about one body in twenty).
CONTENT_IDF = 3.0
#: Register log-odds are clipped to this, so one extreme sentence cannot dominate a mean.
CLIP = 8.0
#: Neighbourhood of the window features: sentences up to this far away.
WINDOW = 2
#: The "high" register of a document: this quantile of its sentences' register.
HIGH_QUANTILE = 0.9

FEATURES: tuple[str, ...] = (
    "register",
    "register_context",
    "register_relative",
    "register_neighbours",
    "register_above_high",
    "cohesion_document",
    "cohesion_z",
    "cohesion_rank",
    "cohesion_neighbour",
    "cohesion_window",
    "document_cohesion",
    "novel_content_share",
    "novel_content_words",
    "oov_share",
    "name_share",
    "word_length_relative",
    "long_word_relative",
    "length_relative",
    "legal_term_ratio",
    "legal_term_context",
    "position",
    "sentences",
)


#: The columns of :attr:`Vocabulary.table`: "content_idf" is the idf of a content word
#: (:data:`CONTENT_IDF`), else 0; "unknown" is 1 for words outside the vocabulary.
TABLE_COLUMNS = ("register_idf", "register_coef", "idf", "content_idf", "unknown", "legal")


@dataclass(frozen=True)
class Vocabulary:
    """The arrays of the model file that feature extraction reads."""

    index: dict[str, int]
    idf: np.ndarray
    idf_oov: float
    register_idf: np.ndarray
    register_coef: np.ndarray
    register_intercept: float
    legal: np.ndarray
    #: One row per term, then one for unknown words; one column per figure of
    #: :data:`TABLE_COLUMNS`: one gather serves a document's terms.
    table: np.ndarray
    #: The terms' hashes (:func:`_word_hashes`), sorted, and the term index of each.
    hashes: np.ndarray
    hash_terms: np.ndarray

    @classmethod
    def from_model(cls, model: dict[str, Any]) -> Vocabulary:
        terms = model["terms"]
        legal = np.zeros(len(terms), dtype=np.float64)
        legal[np.asarray(model["legal_terms"], dtype=np.int64)] = 1.0
        idf = np.asarray(model["idf"], dtype=np.float64)
        register_idf = np.asarray(model["register_idf"], dtype=np.float64)
        register_coef = np.asarray(model["register_coef"], dtype=np.float64)
        idf_oov = float(model["idf_oov"])
        columns = np.zeros((len(TABLE_COLUMNS), len(terms) + 1))  # the last: unknown words
        column = {name: i for i, name in enumerate(TABLE_COLUMNS)}
        columns[column["register_idf"], :-1] = register_idf
        columns[column["register_coef"], :-1] = register_coef
        columns[column["idf"], :-1] = idf
        columns[column["idf"], -1] = idf_oov
        every_idf = columns[column["idf"]]
        columns[column["content_idf"]] = np.where(every_idf >= CONTENT_IDF, every_idf, 0.0)
        columns[column["unknown"], -1] = 1.0
        columns[column["legal"], :-1] = legal
        hashes = _term_hashes(terms)
        order = np.argsort(hashes, kind="stable")
        if len(hashes) and (np.diff(hashes[order]) == 0).any():
            raise ValueError("off_topic model terms have colliding hashes")
        return cls(
            index={t: i for i, t in enumerate(terms)},
            idf=idf,
            idf_oov=idf_oov,
            register_idf=register_idf,
            register_coef=register_coef,
            register_intercept=float(model["register_intercept"]),
            legal=legal,
            table=np.ascontiguousarray(columns.T),  # a term's figures side by side
            hashes=hashes[order],
            hash_terms=order,
        )

    def rows(self, hashes: np.ndarray) -> np.ndarray:
        """The row of :attr:`table` of each word hash: its term's, or the last for a word
        outside the vocabulary."""
        unknown = len(self.hashes)
        if not unknown:
            return np.zeros(len(hashes), dtype=np.int64)
        at = self.hashes.searchsorted(hashes)
        np.minimum(at, unknown - 1, out=at)
        return np.where(self.hashes[at] == hashes, self.hash_terms[at], unknown)


@dataclass
class DocumentFeatures:
    """The candidate sentences of a document (indices into its sentence list) and their rows."""

    candidates: list[int]
    matrix: np.ndarray  # shape (len(candidates), len(FEATURES))
    register: np.ndarray  # legal log-odds of every sentence
    cohesion: np.ndarray  # leave-one-out TF-IDF cosine of every sentence


def _letter_table() -> np.ndarray:
    """Per code point of the Basic Multilingual Plane: True for a letter of
    :data:`WORD_PATTERN` (a word character, not a digit or an underscore)."""
    chars = "".join(chr(i) if not 0xD800 <= i < 0xE000 else " " for i in range(0x10000))
    table = np.zeros(0x10000, dtype=bool)
    table[[m.start() for m in re.finditer(r"[^\W\d_]", chars)]] = True
    return table


def _lower_table() -> np.ndarray:
    """Per code point of the Basic Multilingual Plane: the code point of its lower case
    (``str.lower`` of the character alone), or itself for U+0130 (capital I with a dot),
    the only character that lower-cases to two."""
    return np.fromiter(
        (ord(c.lower()) if len(c.lower()) == 1 else ord(c) for c in map(chr, range(0x10000))),
        dtype=np.uint32,
        count=0x10000,
    )


#: See :func:`_letter_table` (built once, about 30 ms).
LETTER = _letter_table()
#: See :func:`_lower_table` (built once, about 20 ms).
LOWER = _lower_table()
#: A capital sigma lower-cases by its context (final or not): ``str.lower`` of the text.
_CONTEXTUAL_LOWER = "\u03a3"
#: Lower-cases to two characters: the text is read by :func:`_words_by_regex`.
_LONGER_LOWER = "\u0130"
#: Random odd 64-bit multipliers, one per position in a word, for :func:`_word_hashes`
#: (the letters of a word beyond the last position share its multiplier).
_HASH_POSITIONS = 64
_HASH_WEIGHTS = np.random.default_rng(20240806).integers(
    1, 2**63, size=_HASH_POSITIONS, dtype=np.uint64
) | np.uint64(1)
_HASH_LENGTH = np.uint64(0x9E3779B97F4A7C15)


def _word_hashes(code: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each word ``code[start : start + length]`` (code points): the sum of
    its code points times a random multiplier per position, modulo 2**64, mixed with its
    length. Two different words of a document and the vocabulary share a hash with a
    chance of about one in 10**12 per document; the vocabulary's own hashes are checked
    to be distinct when the model loads."""
    if not len(lengths):
        return np.zeros(0, dtype=np.uint64)
    offsets = lengths.cumsum() - lengths
    position = np.arange(int(offsets[-1] + lengths[-1]))  # of each letter in its word
    position -= offsets.repeat(lengths)
    index = starts.repeat(lengths)  # of each letter in the text
    index += position
    np.minimum(position, _HASH_POSITIONS - 1, out=position)
    weighted = _HASH_WEIGHTS.take(position)
    weighted *= code.take(index)
    return np.add.reduceat(weighted, offsets) ^ (lengths.astype(np.uint64) * _HASH_LENGTH)


def _term_hashes(terms: Sequence[str]) -> np.ndarray:
    """:func:`_word_hashes` of a list of words."""
    if not terms:
        return np.zeros(0, dtype=np.uint64)
    code = np.frombuffer("".join(terms).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    return _word_hashes(code, np.cumsum(lengths) - lengths, lengths)


def _bounds(sentences: Sequence[Span]) -> tuple[np.ndarray, np.ndarray]:
    """The start and end offsets of the sentences, as two arrays."""
    flat = np.fromiter(chain.from_iterable(sentences), dtype=np.int64, count=2 * len(sentences))
    return flat[0::2].copy(), flat[1::2].copy()


@dataclass
class Words:
    """The words of a document's sentences, in text order: sentence, hash, length."""

    sentence: np.ndarray
    hashes: np.ndarray
    lengths: np.ndarray


def _code_points(text: str) -> np.ndarray:
    """The code points of a text (a lone surrogate as itself)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _words(text: str, code: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> Words:
    """The lower-cased words (:data:`WORD_RE`) of each sentence ``text[start:end]``, as
    hashes; ``code``: the text's code points; the sentences sorted, none overlapping the next.

    Read from the code points with numpy (a lower-case table, a letter table, runs of two
    letters or more inside a sentence): no string per word, about twice as fast as
    scanning each sentence with the regular expression, which is the fallback when
    lower-casing changes the text's length or a character lies beyond the Basic
    Multilingual Plane. Both give the same words in the same order."""
    if _LONGER_LOWER in text or (len(code) and int(code.max()) > 0xFFFF):
        return _words_by_regex(text, starts, ends)
    lowered = _code_points(text.lower()) if _CONTEXTUAL_LOWER in text else LOWER.take(code)
    n = len(lowered)
    # Letters inside a sentence (the text alternates runs outside and inside sentences),
    # with one character outside at either end: runs of letters begin and end alternately.
    edges = np.empty(2 * len(starts) + 2, dtype=np.int64)
    edges[0], edges[-1] = 0, n
    edges[1:-1:2], edges[2:-1:2] = starts, ends
    inside = np.zeros(len(edges) - 1, dtype=bool)
    inside[1::2] = True
    letter = np.zeros(n + 2, dtype=bool)
    letter[1:-1] = LETTER.take(lowered)
    letter[1:-1] &= inside.repeat(edges[1:] - edges[:-1])
    changes = (letter[1:] != letter[:-1]).nonzero()[0]
    word_starts, word_ends = changes[0::2], changes[1::2]
    # A sentence that begins right where the previous one ends, inside a run of letters,
    # splits it in two words.
    begins = starts[starts < ends]
    split = begins[letter[begins] & letter[begins + 1]]
    if len(split):
        word_starts = np.sort(np.concatenate((word_starts, split)))
        word_ends = np.sort(np.concatenate((word_ends, split)))
    lengths = word_ends - word_starts
    keep = lengths >= 2
    word_starts, lengths = word_starts[keep], lengths[keep]
    return Words(
        ends.searchsorted(word_starts, side="right"),
        _word_hashes(lowered, word_starts, lengths),
        lengths,
    )


def _words_by_regex(text: str, starts: np.ndarray, ends: np.ndarray) -> Words:
    """:func:`_words` with :data:`WORD_RE`, sentence by sentence (any text). The text is
    lower-cased as a whole when that keeps its length (as :func:`_words` does: a capital
    sigma becomes final or not by what follows it), else sentence by sentence."""
    lowered = text.lower()
    spans = list(zip(starts.tolist(), ends.tolist(), strict=True))
    if len(lowered) == len(text):
        parts = [lowered[a:b] for a, b in spans]
    else:
        parts = [text[a:b].lower() for a, b in spans]
    words = [WORD_RE.findall(part) for part in parts]
    flat = list(chain.from_iterable(words))
    counts = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    return Words(
        np.repeat(np.arange(len(words), dtype=np.int64), counts),
        _term_hashes(flat),
        np.fromiter(map(len, flat), dtype=np.int64, count=len(flat)),
    )


def _run_starts(sorted_values: np.ndarray) -> np.ndarray:
    """True where a run of equal items begins in a sorted array, False elsewhere."""
    first = np.empty(len(sorted_values), dtype=bool)
    first[:1] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=first[1:])
    return first


def _stable_order(values: np.ndarray, bound: int) -> np.ndarray:
    """``np.argsort(values, kind="stable")`` of integers from 0 to ``bound`` (excluded):
    numpy sorts 16-bit integers by radix, several times faster than 64-bit ones."""
    if bound <= 2**16:
        values = values.astype(np.uint16)
    return values.argsort(kind="stable")


@dataclass
class Pairs:
    """A document's terms (its distinct words, numbered in the order of their hashes) and its
    (sentence, term) pairs, sorted by sentence then term, with the number of occurrences of
    each; ``by_term`` lists the pairs sorted by term then sentence (indices into them)."""

    term_hashes: np.ndarray
    term_lengths: np.ndarray
    sentence: np.ndarray
    term: np.ndarray
    count: np.ndarray
    by_term: np.ndarray


def _pairs(words: Words, n: int) -> Pairs:
    """The terms and pairs of the words of ``n`` sentences, from one stable sort of the words
    by hash: a run of equal hashes is a term's occurrences in text order, so sentence by
    sentence."""
    order = words.hashes.argsort(kind="stable")
    hashes, sentence = words.hashes[order], words.sentence[order]
    new_term = _run_starts(hashes)
    new_pair = _run_starts(sentence)
    new_pair |= new_term
    term_first = new_term.nonzero()[0]
    pair_first = new_pair.nonzero()[0]
    # The pairs as found (by term, then sentence), then reordered by sentence then term.
    term = new_term[pair_first].cumsum() - 1
    sentence = sentence[pair_first]
    count = np.empty_like(pair_first)
    count[:-1] = pair_first[1:] - pair_first[:-1]
    count[-1:] = len(hashes) - pair_first[-1:]
    by_sentence = _stable_order(sentence, n)
    by_term = np.empty_like(by_sentence)
    by_term[by_sentence] = np.arange(len(by_sentence))
    return Pairs(
        term_hashes=hashes[term_first],
        term_lengths=words.lengths[order[term_first]],
        sentence=sentence[by_sentence],
        term=term[by_sentence],
        count=count[by_sentence],
        by_term=by_term,
    )


#: The kind of each ASCII character for :func:`_capitalised`, and 128 for any character
#: beyond ASCII: other (0), capital (1), small letter (2), beyond ASCII (3).
_ASCII_KIND = np.zeros(129, dtype=np.uint8)
_ASCII_KIND[ord("A") : ord("Z") + 1] = 1
_ASCII_KIND[ord("a") : ord("z") + 1] = 2
_ASCII_KIND[128] = 3


def _capitalised(code: np.ndarray) -> np.ndarray:
    """Offsets of capitalised words in a text (its code points): an ASCII capital, then an
    ASCII small letter, after neither an ASCII letter nor a character beyond ASCII (so not
    inside a word). Read with numpy: a regular expression with a look-behind costs about
    ten times as much on a news article."""
    if len(code) < 2:
        return np.zeros(0, dtype=np.int64)
    kind = _ASCII_KIND.take(np.minimum(code, 128))
    head = (kind[:-1] == 1) & (kind[1:] == 2)
    head[1:] &= kind[:-2] == 0
    return head.nonzero()[0]


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """``SENTENCE_END_RE.search(text, start, end)``: a terminator, then only closing quotes
    or brackets, at the end of ``text[start:end]`` (read from the end, not scanned)."""
    if end <= start:
        return False
    last = text[end - 1]
    if last in TERMINATORS:
        return True
    if last not in CLOSERS:
        return False
    kept = text[start:end].rstrip(CLOSERS)
    return bool(kept) and kept[-1] in TERMINATORS


def _sentence_sums(rows: np.ndarray, n: int, values: np.ndarray) -> np.ndarray:
    """Per-sentence sums of ``values`` (one column per pair, ``rows`` its sentence, sorted):
    shape (len(values), n)."""
    out = np.zeros((len(values), n))
    if len(rows):
        starts = _run_starts(rows).nonzero()[0]
        out[:, rows[starts]] = np.add.reduceat(values, starts, axis=1)
    return out


def _mean(values: np.ndarray) -> float:
    """``values.mean()`` (0 for none): the same sum, without np.mean's overhead."""
    return float(values.sum()) / len(values) if len(values) else 0.0


def _std(values: np.ndarray, mean: float) -> float:
    """``values.std()`` given ``mean``, its :func:`_mean` (0 for fewer than two values)."""
    if len(values) < 2:
        return 0.0
    deviation = values - mean
    return math.sqrt(float((deviation * deviation).sum()) / len(values))


def _median(ranked: np.ndarray) -> float:
    """The median of sorted values (the upper one for an even count; 0 for none)."""
    return float(ranked[len(ranked) // 2]) if len(ranked) else 0.0


def _quantile(ranked: np.ndarray, q: float) -> float:
    """The value at rank ``floor(q * (count - 1))`` of sorted values (0 for none)."""
    return float(ranked[int(q * (len(ranked) - 1))]) if len(ranked) else 0.0


def _neighbour_mean(values: np.ndarray, out: np.ndarray) -> None:
    """Write into ``out`` (zeros) the mean of each item's previous and next items (of the
    one there is at an edge; 0 for a lone item)."""
    out[1:] += values[:-1]
    out[:-1] += values[1:]
    neighbours = np.full(len(values), 2.0)
    neighbours[0] = neighbours[-1] = 1.0
    out /= neighbours


def _window_mean(pair: list[np.ndarray], out: np.ndarray) -> None:
    """Write into ``out`` (zeros) the mean similarity with the sentences up to ``len(pair)``
    away; ``pair[d - 1][i]`` is the similarity of sentence ``i`` with sentence ``i + d``."""
    n = len(out)
    total = np.zeros(n)
    seen = np.zeros(n)
    for d, sims in enumerate(pair, start=1):
        if n <= d:
            break
        total[:-d] += sims[: n - d]
        total[d:] += sims[: n - d]
        seen[:-d] += 1
        seen[d:] += 1
    np.divide(total, seen, out=out, where=seen > 0)


#: Per code point of the Basic Multilingual Plane, as the last character of a sentence:
#: a terminator (1), a closing quote or bracket (2), other (0). See :func:`_candidates`.
_SENTENCE_END = np.zeros(0x10000, dtype=np.uint8)
_SENTENCE_END[[ord(c) for c in TERMINATORS]] = 1
_SENTENCE_END[[ord(c) for c in CLOSERS]] = 2


def _candidates(
    text: str, code: np.ndarray, starts: np.ndarray, ends: np.ndarray, lengths: np.ndarray
) -> np.ndarray:
    """The indices of the sentences of :data:`MIN_WORDS` words or more (``lengths``) that end
    a sentence (:func:`_ends_sentence`): by their last character (``code``: the text's code
    points), read again from the text when that is a closing quote or bracket."""
    long_enough = (lengths >= MIN_WORDS).nonzero()[0]
    last = _SENTENCE_END.take(np.minimum(code[ends[long_enough] - 1], 0xFFFF))
    ends_sentence = last == 1
    closed = (last == 2).nonzero()[0]
    for j, start, end in zip(
        closed.tolist(),
        starts[long_enough[closed]].tolist(),
        ends[long_enough[closed]].tolist(),
        strict=True,
    ):
        ends_sentence[j] = _ends_sentence(text, start, end)
    return long_enough[ends_sentence]


def document_features(
    text: str, sentences: Sequence[Span], vocab: Vocabulary
) -> DocumentFeatures | None:
    """Features of the candidate sentences of ``text``, or None when there is none.
    ``sentences``: sorted, none overlapping the next (as ``Document.sentences``)."""
    n = len(sentences)
    if n == 0:
        return None
    starts, ends = _bounds(sentences)
    code = _code_points(text)
    found = _words(text, code, starts, ends)
    lengths = np.bincount(found.sentence, minlength=n)
    cand = _candidates(text, code, starts, ends, lengths)
    if not len(cand):
        return None

    # Sentence x term pairs, sorted by sentence then term.
    pairs = _pairs(found, n)
    s_idx, t_idx, counts = pairs.sentence, pairs.term, pairs.count
    n_terms = len(pairs.term_hashes)
    # Each term's figures, one row each: the vocabulary's (TABLE_COLUMNS), then its letters,
    # whether it is a long word, and, for a novel word (a content word found in no other
    # sentence; content_idf is 0 for the others), its idf and 1.
    terms = np.empty((len(TABLE_COLUMNS) + 4, n_terms))
    terms[: len(TABLE_COLUMNS)] = vocab.table.take(vocab.rows(pairs.term_hashes), axis=0).T
    *_, term_content_idf, _, _, term_letters, term_long, term_novel_idf, term_novel = terms
    term_letters[:] = pairs.term_lengths
    np.greater_equal(pairs.term_lengths, LONG_WORD, out=term_long)
    single = np.bincount(t_idx, minlength=n_terms) == 1
    term_novel_idf[:] = np.where(single, term_content_idf, 0.0)
    np.logical_and(term_content_idf >= CONTENT_IDF, single, out=term_novel)
    # The same rows per pair, made in place each pair's share of every per-sentence sum:
    # sublinear TF-IDF weights for the register (squared, times the coefficient) and for
    # cohesion (squared), occurrences for the counts.
    shares = terms.take(t_idx, axis=1)
    tf = 1.0 + np.log(counts)
    rw = tf * shares[0]
    w = tf * shares[2]
    np.multiply(rw, rw, out=shares[0])
    np.multiply(rw, shares[1], out=shares[1])
    np.multiply(w, w, out=shares[2])
    shares[4:8] *= counts.astype(np.float64)  # unknown, legal, letters, long
    # Every per-sentence sum in one pass (the pairs are sorted by sentence).
    (
        reg_square,
        reg_dot,
        square,
        content_idf,
        oov,
        legal_words,
        letters,
        long_words,
        novel_idf,
        novel_count,
    ) = _sentence_sums(s_idx, n, shares)

    # The features of every sentence, one row each (FEATURES); the candidates' are the
    # matrix. Rows computed in place start from zeros.
    table = np.zeros((len(FEATURES), n))
    (
        register,
        register_context,
        register_relative,
        register_neighbours,
        register_above_high,
        cohesion,
        cohesion_z,
        cohesion_rank,
        cohesion_neighbour,
        cohesion_window,
        document_cohesion,
        novel_content_share,
        novel_content_words,
        oov_share,
        name_share,
        word_length_relative,
        long_word_relative,
        length_relative,
        legal_term_ratio,
        legal_term_context,
        position,
        sentence_count,
    ) = table

    # Register: sublinear TF-IDF, l2-normalised, dot the coefficients.
    rnorm = np.sqrt(reg_square)
    np.divide(reg_dot, rnorm, out=register, where=rnorm > 0)
    register += vocab.register_intercept
    register.clip(-CLIP, CLIP, out=register)

    # Cohesion: TF-IDF cosine with the leave-one-out centroid and with nearby sentences.
    norm = np.sqrt(square)
    has_words = norm > 0
    wn = w / np.maximum(norm[s_idx], 1e-12)
    centroid = np.bincount(t_idx, wn, minlength=n_terms)
    s_dot_c = np.bincount(s_idx, wn * centroid[t_idx], minlength=n)
    own = has_words.astype(np.float64)
    rest = np.sqrt(np.maximum(float(centroid @ centroid) - 2.0 * s_dot_c + own, 0.0))
    np.divide(s_dot_c - own, rest, out=cohesion, where=rest > 1e-9)
    order = pairs.by_term
    ts, ss, ws = t_idx[order], s_idx[order], wn[order]
    # pair[d - 1][i]: the cosine of sentences i and i + d. In term order, a term both share
    # comes again ``shift`` pairs further on, for a shift of at most d (a term's sentences
    # ascend); the other pairs weigh 0, which changes no sum (no product is negative).
    pair = [np.zeros(n) for _ in range(WINDOW)]
    for shift in range(1, WINDOW + 1):
        if len(ts) <= shift:
            break
        gap = ss[shift:] - ss[:-shift]
        same = ts[shift:] == ts[:-shift]
        product = ws[:-shift] * ws[shift:]
        for d in range(shift, WINDOW + 1):
            weight = np.where(same & (gap == d), product, 0.0)
            pair[d - 1] += np.bincount(ss[:-shift], weight, minlength=n)
    with_prev = np.concatenate(([0.0], pair[0][:-1]))
    np.maximum(pair[0], with_prev, out=cohesion_neighbour)
    _window_mean(pair, cohesion_window)

    # Novelty: content words found in no other sentence.
    np.divide(novel_idf, content_idf, out=novel_content_share, where=content_idf > 0)
    np.log1p(novel_count, out=novel_content_words)

    # Readability-like figures per sentence (over tokens).
    safe_len = np.maximum(lengths, 1)
    np.divide(oov, safe_len, out=oov_share)
    mean_len = letters / safe_len
    long_share = long_words / safe_len
    np.divide(legal_words, safe_len, out=legal_term_ratio)
    log_len = np.log1p(lengths)

    # Names: capitalised words after the first character of the sentence, per word. News
    # is full of people and places; EU summaries and how-to text seldom name anyone.
    capitals = _capitalised(code)
    names = capitals.searchsorted(ends) - capitals.searchsorted(starts + 1)
    np.divide(names, safe_len, out=name_share)

    # Document context, over the sentences with words.
    with_words = has_words.nonzero()[0]
    reg_ranked = register.take(with_words)
    reg_ranked.sort()
    # The median, not the mean: a few inserted legal sentences do not make a document legal.
    register_context[:] = reg_median = _median(reg_ranked)
    np.subtract(register, reg_median, out=register_relative)
    _neighbour_mean(register, register_neighbours)
    # Against the document's high register too: a how-to page or a policy story has many
    # sentences of a formal register, a news report only the inserted one.
    np.subtract(register, _quantile(reg_ranked, HIGH_QUANTILE), out=register_above_high)
    coh = cohesion.take(with_words)
    document_cohesion[:] = coh_mean = _mean(coh)
    np.subtract(cohesion, coh_mean, out=cohesion_z)
    cohesion_z /= _std(coh, coh_mean) + 0.05
    np.divide(np.sort(coh).searchsorted(cohesion), max(len(coh) - 1, 1), out=cohesion_rank)
    np.subtract(mean_len, _mean(mean_len.take(with_words)), out=word_length_relative)
    np.subtract(long_share, _mean(long_share.take(with_words)), out=long_word_relative)
    np.subtract(log_len, _mean(log_len.take(with_words)), out=length_relative)
    legal_term_context[:] = _mean(legal_term_ratio.take(with_words))
    np.divide(np.arange(n), max(n - 1, 1), out=position)
    sentence_count[:] = math.log(n)

    matrix = np.ascontiguousarray(table.take(cand, axis=1).T)
    return DocumentFeatures(cand.tolist(), matrix, register, cohesion)
