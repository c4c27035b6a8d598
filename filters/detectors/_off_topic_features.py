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

Words are found with numpy on the text's code points (:func:`_words`: a letter
table, runs of two letters or more inside a sentence, one 64-bit hash per word)
rather than one string per word: the vocabulary is looked up by hash
(``Vocabulary.hashes``), and a document's terms are its distinct hashes.

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
    #: Per term, then one row for unknown words: idf, register idf, register coefficient,
    #: legal term (1/0); one gather serves a document's terms.
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
        table = np.column_stack((idf, register_idf, register_coef, legal))
        unknown = np.asarray([[float(model["idf_oov"]), 0.0, 0.0, 0.0]])
        hashes = _term_hashes(terms)
        order = np.argsort(hashes, kind="stable")
        if len(hashes) and (np.diff(hashes[order]) == 0).any():
            raise ValueError("off_topic model terms have colliding hashes")
        return cls(
            index={t: i for i, t in enumerate(terms)},
            idf=idf,
            idf_oov=float(model["idf_oov"]),
            register_idf=register_idf,
            register_coef=register_coef,
            register_intercept=float(model["register_intercept"]),
            legal=legal,
            table=np.vstack((table, unknown)),
            hashes=hashes[order],
            hash_terms=order,
        )


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


#: See :func:`_letter_table` (built once, about 30 ms).
LETTER = _letter_table()
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
    offsets = np.cumsum(lengths) - lengths
    total = int(offsets[-1] + lengths[-1])
    position = np.arange(total) - np.repeat(offsets, lengths)
    chars = code.take(np.repeat(starts, lengths) + position).astype(np.uint64)
    weighted = chars * _HASH_WEIGHTS.take(np.minimum(position, _HASH_POSITIONS - 1))
    return np.add.reduceat(weighted, offsets) ^ (lengths.astype(np.uint64) * _HASH_LENGTH)


def _term_hashes(terms: Sequence[str]) -> np.ndarray:
    """:func:`_word_hashes` of a list of words."""
    if not terms:
        return np.zeros(0, dtype=np.uint64)
    code = np.frombuffer("".join(terms).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    return _word_hashes(code, np.cumsum(lengths) - lengths, lengths)


@dataclass
class Words:
    """The words of a document's sentences, in text order: sentence, hash, length."""

    sentence: np.ndarray
    hashes: np.ndarray
    lengths: np.ndarray


def _words(text: str, sentences: Sequence[Span]) -> Words:
    """The lower-cased words (:data:`WORD_RE`) of each sentence, as hashes.

    Read from the code points of the lower-cased text with numpy (a letter table, runs of
    two letters or more inside a sentence): no string per word, about twice as fast as
    scanning each sentence with the regular expression, which is the fallback when
    lower-casing changes the text's length or a character lies beyond the Basic
    Multilingual Plane. Both give the same words in the same order."""
    lowered = text.lower()
    code = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if len(lowered) != len(text) or (len(code) and int(code.max()) > 0xFFFF):
        return _words_by_regex(text, sentences)
    n = len(code)
    starts = np.fromiter((s.start for s in sentences), dtype=np.int64, count=len(sentences))
    ends = np.fromiter((s.end for s in sentences), dtype=np.int64, count=len(sentences))
    # Letters inside a sentence; a sentence's first and last characters bound its words.
    depth = np.bincount(starts, minlength=n + 1) - np.bincount(ends, minlength=n + 1)
    letter = np.zeros(n + 2, dtype=bool)
    letter[1 : n + 1] = LETTER.take(code) & (np.cumsum(depth[:n]) > 0)
    first = letter[1:-1] & ~letter[:-2]
    last = letter[1:-1] & ~letter[2:]
    inner = starts[(starts < ends) & (starts < n)]
    first[inner] = letter[inner + 1]
    inner = ends[(starts < ends) & (ends > 0)] - 1
    last[inner] = letter[inner + 1]
    word_starts = np.flatnonzero(first)
    lengths = np.flatnonzero(last) + 1 - word_starts
    keep = lengths >= 2
    word_starts, lengths = word_starts[keep], lengths[keep]
    return Words(
        np.searchsorted(ends, word_starts, side="right"),
        _word_hashes(code, word_starts, lengths),
        lengths,
    )


def _words_by_regex(text: str, sentences: Sequence[Span]) -> Words:
    """:func:`_words` with :data:`WORD_RE`, sentence by sentence (any text). The text is
    lower-cased as a whole when that keeps its length (as :func:`_words` does: a capital
    sigma becomes final or not by what follows it), else sentence by sentence."""
    lowered = text.lower()
    if len(lowered) == len(text):
        parts = [lowered[s.start : s.end] for s in sentences]
    else:
        parts = [text[s.start : s.end].lower() for s in sentences]
    words = [WORD_RE.findall(part) for part in parts]
    flat = list(chain.from_iterable(words))
    counts = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    return Words(
        np.repeat(np.arange(len(words), dtype=np.int64), counts),
        _term_hashes(flat),
        np.fromiter(map(len, flat), dtype=np.int64, count=len(flat)),
    )


def _capitalised(text: str) -> np.ndarray:
    """Offsets of capitalised words: an ASCII capital, then an ASCII small letter, after
    neither an ASCII letter nor a character beyond ASCII (so not inside a word). Read from
    the text's code points with numpy: a regular expression with a look-behind costs about
    ten times as much on a news article."""
    if len(text) < 2:
        return np.zeros(0, dtype=np.int64)
    code = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    upper = (code >= 65) & (code <= 90)
    lower = (code >= 97) & (code <= 122)
    word = upper | lower | (code > 127)
    head = upper[:-1] & lower[1:]
    head[1:] &= ~word[:-2]
    return np.flatnonzero(head)


def _columns(*columns: np.ndarray | float, rows: int | None = None) -> np.ndarray:
    """``np.column_stack`` of float64 columns (a number fills its column), written into one
    preallocated array: the same array, without stacking's copies and checks."""
    if rows is None:
        rows = len(columns[0])  # type: ignore[arg-type]
    out = np.empty((rows, len(columns)))
    for j, column in enumerate(columns):
        out[:, j] = column
    return out


def _unique_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_counts=True)`` of a 1-d integer array, without its
    generic wrapper."""
    if not len(values):
        return np.unique(values, return_counts=True)
    ordered = np.sort(values)
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return ordered[starts], np.diff(starts, append=len(ordered))


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
    """Per-sentence sums of ``values`` (one row per pair, ``rows`` sorted): shape (n, columns)."""
    out = np.zeros((n, values.shape[1]))
    if len(rows):
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        out[rows[starts]] = np.add.reduceat(values, starts, axis=0)
    return out


def _median(values: np.ndarray) -> float:
    """The median (the upper one for an even count; 0 for none), without np.median's overhead."""
    return float(np.sort(values)[len(values) // 2]) if len(values) else 0.0


def _quantile(values: np.ndarray, q: float) -> float:
    """The value at rank ``floor(q * (count - 1))`` of the sorted values (0 for none)."""
    return float(np.sort(values)[int(q * (len(values) - 1))]) if len(values) else 0.0


def _window_mean(pair: list[np.ndarray], n: int) -> np.ndarray:
    """Mean similarity with the sentences up to ``len(pair)`` away; ``pair[d - 1][i]`` is the
    similarity of sentence ``i`` with sentence ``i + d``."""
    total = np.zeros(n)
    seen = np.zeros(n)
    for d, sims in enumerate(pair, start=1):
        if n <= d:
            break
        total[:-d] += sims[: n - d]
        total[d:] += sims[: n - d]
        seen[:-d] += 1
        seen[d:] += 1
    return np.divide(total, seen, out=np.zeros(n), where=seen > 0)


def document_features(
    text: str, sentences: Sequence[Span], vocab: Vocabulary
) -> DocumentFeatures | None:
    """Features of the candidate sentences of ``text``, or None when there is none."""
    n = len(sentences)
    if n == 0:
        return None
    found = _words(text, sentences)
    # Terms: the distinct words (ordered by hash), and each word's term.
    term_hashes, first_of_term, term_of_token = np.unique(
        found.hashes, return_index=True, return_inverse=True
    )
    n_terms = len(term_hashes)
    sent_of_token = found.sentence
    lengths = np.bincount(sent_of_token, minlength=n)
    candidates = [
        i
        for i in np.flatnonzero(lengths >= MIN_WORDS).tolist()
        if _ends_sentence(text, sentences[i].start, sentences[i].end)
    ]
    if not candidates:
        return None
    at = np.minimum(np.searchsorted(vocab.hashes, term_hashes), max(len(vocab.hashes) - 1, 0))
    known = vocab.hashes[at] == term_hashes if len(vocab.hashes) else np.zeros(n_terms, bool)
    global_id = np.where(known, vocab.hash_terms[at] if len(vocab.hashes) else 0, -1)
    word_len = found.lengths[first_of_term].astype(np.float64)

    # Sentence x term counts, sorted by sentence then term, and each pair's term figures.
    keys, counts = _unique_counts(sent_of_token * n_terms + term_of_token)
    s_idx, t_idx = keys // n_terms, keys % n_terms
    tf = 1.0 + np.log(counts)
    term = vocab.table[np.where(known, global_id, len(vocab.table) - 1)[t_idx]]
    idf, reg_idf, reg_coef, legal = term[:, 0], term[:, 1], term[:, 2], term[:, 3]
    df = np.bincount(t_idx, minlength=n_terms)
    content = idf >= CONTENT_IDF
    novel = content & (df[t_idx] == 1)
    lens = word_len[t_idx]
    rw = tf * reg_idf
    w = tf * idf
    fcounts = counts.astype(np.float64)
    # Every per-sentence sum in one pass: the pairs are sorted by sentence.
    sums = _sentence_sums(
        s_idx,
        n,
        _columns(
            rw * rw,
            rw * reg_coef,
            w * w,
            np.where(novel, idf, 0.0),
            np.where(content, idf, 0.0),
            novel,
            (~known[t_idx]) * fcounts,
            fcounts * lens,
            fcounts * (lens >= LONG_WORD),
            fcounts * legal,
        ),
    )

    # Register: sublinear TF-IDF, l2-normalised, dot the coefficients.
    rnorm = np.sqrt(sums[:, 0])
    register = np.clip(
        np.divide(sums[:, 1], rnorm, out=np.zeros(n), where=rnorm > 0) + vocab.register_intercept,
        -CLIP,
        CLIP,
    )

    # Cohesion: TF-IDF cosine with the leave-one-out centroid and with nearby sentences.
    norm = np.sqrt(sums[:, 2])
    has_words = norm > 0
    wn = w / np.maximum(norm[s_idx], 1e-12)
    centroid = np.bincount(t_idx, wn, minlength=n_terms)
    s_dot_c = np.bincount(s_idx, wn * centroid[t_idx], minlength=n)
    own = has_words.astype(np.float64)
    rest = np.sqrt(np.maximum(float(centroid @ centroid) - 2.0 * s_dot_c + own, 0.0))
    cohesion = np.divide(s_dot_c - own, rest, out=np.zeros(n), where=rest > 1e-9)
    order = np.lexsort((s_idx, t_idx))
    ts, ss, ws = t_idx[order], s_idx[order], wn[order]
    pair = [np.zeros(n) for _ in range(WINDOW)]
    for shift in range(1, WINDOW + 1):
        if len(ts) <= shift:
            break
        gap = ss[shift:] - ss[:-shift]
        same = ts[shift:] == ts[:-shift]
        for d in range(1, WINDOW + 1):
            sel = same & (gap == d)
            if sel.any():
                pair[d - 1] += np.bincount(
                    ss[:-shift][sel], ws[:-shift][sel] * ws[shift:][sel], minlength=n
                )
    with_prev = np.concatenate(([0.0], pair[0][:-1]))
    neighbour = np.maximum(pair[0], with_prev)
    window = _window_mean(pair, n)

    # Novelty: content words found in no other sentence.
    novel_share = np.divide(sums[:, 3], sums[:, 4], out=np.zeros(n), where=sums[:, 4] > 0)
    novel_count = sums[:, 5]
    oov = sums[:, 6]

    # Readability-like figures per sentence (over tokens).
    safe_len = np.maximum(lengths, 1)
    mean_len = sums[:, 7] / safe_len
    long_share = sums[:, 8] / safe_len
    legal_ratio = sums[:, 9] / safe_len
    log_len = np.log1p(lengths)

    # Document context, over the sentences with words.
    cand = np.asarray(candidates, dtype=np.int64)
    reg_c = register[cand]
    # The median, not the mean: a few inserted legal sentences do not make a document legal.
    reg_ctx = np.full(len(cand), _median(register[has_words]))
    # Against the document's high register too: a how-to page or a policy story has many
    # sentences of a formal register, a news report only the inserted one.
    reg_high = _quantile(register[has_words], HIGH_QUANTILE)
    has_prev, has_next = cand > 0, cand < n - 1
    reg_nb = (
        np.where(has_prev, register[np.maximum(cand - 1, 0)], 0.0)
        + np.where(has_next, register[np.minimum(cand + 1, n - 1)], 0.0)
    ) / np.maximum(has_prev.astype(np.int64) + has_next, 1)
    coh = cohesion[has_words]
    coh_mean = float(coh.mean()) if len(coh) else 0.0
    coh_std = float(coh.std()) if len(coh) > 1 else 0.0
    coh_c = cohesion[cand]
    coh_z = (coh_c - coh_mean) / (coh_std + 0.05)
    coh_rank = np.searchsorted(np.sort(coh), coh_c, side="left") / max(len(coh) - 1, 1)
    doc_mean_len = float(mean_len[has_words].mean()) if has_words.any() else 0.0
    doc_long = float(long_share[has_words].mean()) if has_words.any() else 0.0
    doc_log_len = float(log_len[has_words].mean()) if has_words.any() else 0.0
    doc_legal = float(legal_ratio[has_words].mean()) if has_words.any() else 0.0

    starts = np.asarray([sentences[i].start for i in candidates], dtype=np.int64)
    ends = np.asarray([sentences[i].end for i in candidates], dtype=np.int64)
    # Names: capitalised words after the first character of the sentence, per word. News
    # is full of people and places; EU summaries and how-to text seldom name anyone.
    capitals = _capitalised(text)
    names = np.searchsorted(capitals, ends) - np.searchsorted(capitals, starts + 1)

    k = len(cand)
    matrix = _columns(
        reg_c,
        reg_ctx,
        reg_c - reg_ctx,
        reg_nb,
        reg_c - reg_high,
        coh_c,
        coh_z,
        coh_rank,
        neighbour[cand],
        window[cand],
        coh_mean,
        novel_share[cand],
        np.log1p(novel_count[cand]),
        oov[cand] / safe_len[cand],
        names / safe_len[cand],
        mean_len[cand] - doc_mean_len,
        long_share[cand] - doc_long,
        log_len[cand] - doc_log_len,
        legal_ratio[cand],
        doc_legal,
        cand / max(n - 1, 1),
        math.log(n),
        rows=k,
    )
    return DocumentFeatures(candidates, matrix, register, cohesion)
