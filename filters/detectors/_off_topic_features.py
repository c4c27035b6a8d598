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

The stacked classifiers that read the features live in the detector module.
Tried and left out for their cost per document (about half the budget) with no
measurable gain on held-out folds: LSA topic vectors (``TruncatedSVD``, 48
dimensions) and the share of names found nowhere else in the text.

Features of a sentence (``FEATURES``), relative to its document wherever that
makes sense, since an EU act quoted in an EU policy story is no intruder:

* register: the legal log-odds of the sentence, the median of the
  document's sentences (a few inserted legal sentences do not move it), the
  difference, the mean of its two neighbours;
* cohesion (TF-IDF): cosine with the rest of the document (leave-one-out
  centroid), the same as a z-score and as a rank among the document's
  sentences, the best cosine with a neighbour, the mean cosine with the
  sentences up to two away, and the document's mean cohesion;
* novelty: idf-weighted share of content words found in no other sentence,
  their number, the share of words outside the vocabulary;
* readability-like figures against the document: mean word length and
  long-word share minus the document's, length (log words) minus the
  document's mean, legal-term ratio of the sentence and of the document;
* position and form: relative position, first or last sentence, a quotation
  mark anywhere, quoted speech (a quotation mark opening or closing the
  sentence), a word of attribution (``said``, ``told``, ``according``), the
  number of sentences (log).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, count, repeat
from typing import Any

import numpy as np

from ..segment import Span

# A word: a run of two letters or more (digits and underscores split words). It is also the
# TfidfVectorizer token_pattern of the training side, so both sides tokenise alike.
WORD_PATTERN = r"[^\W\d_]{2,}"
WORD_RE = re.compile(WORD_PATTERN)
# The same in lower-cased ASCII text, where it is only a-z (and faster to scan).
ASCII_WORD_RE = re.compile(r"[a-z]{2,}")
# The term that stands for the end of a sentence (see document_features).
BREAK = "\n"
# A quotation mark: a double quote, or a single one at the edge of a word, that is without a
# letter or digit ([^\W_], what str.isalnum() accepts) on one side at least (see
# _quote_marks). Quoted speech is the story's own voice, the usual false alarm. The pattern
# opens with one class of all the marks, which the regex engine scans for quickly; the
# lookarounds then check what was a double quote, or what is before or after a single one.
QUOTE_MARK_RE = re.compile(r"[\"“”«»„'‘’](?:(?<=[\"“”«»„])|(?<![^\W_].)|(?![^\W_]))")
# The end of a candidate sentence: a terminator, then closing quotes or brackets.
SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*\Z")
TERMINATORS = ".!?…"
CLOSERS = "\"'”’»)]"

#: Words that attribute speech or a source: the story's own voice, seldom in legal text.
ATTRIBUTION = frozenset(
    "said says say told tells added adds according explained stated wrote asked argued "  # noqa: SIM905
    "noted claimed warned insisted announced confirmed reported spokesman spokeswoman".split()
)  # fmt: skip
#: Characters that open or close quoted speech when they start or end a sentence.
SPEECH_EDGES = frozenset("\"“”«»„'‘’")

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

FEATURES: tuple[str, ...] = (
    "register",
    "register_context",
    "register_relative",
    "register_neighbours",
    "cohesion_document",
    "cohesion_z",
    "cohesion_rank",
    "cohesion_neighbour",
    "cohesion_window",
    "document_cohesion",
    "novel_content_share",
    "novel_content_words",
    "oov_share",
    "word_length_relative",
    "long_word_relative",
    "length_relative",
    "legal_term_ratio",
    "legal_term_context",
    "position",
    "first_or_last",
    "quote",
    "quoted_speech",
    "attribution",
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
        return cls(
            index={t: i for i, t in enumerate(terms)},
            idf=idf,
            idf_oov=float(model["idf_oov"]),
            register_idf=register_idf,
            register_coef=register_coef,
            register_intercept=float(model["register_intercept"]),
            legal=legal,
            table=np.vstack((table, unknown)),
        )


@dataclass
class DocumentFeatures:
    """The candidate sentences of a document (indices into its sentence list) and their rows."""

    candidates: list[int]
    matrix: np.ndarray  # shape (len(candidates), len(FEATURES))
    register: np.ndarray  # legal log-odds of every sentence
    cohesion: np.ndarray  # leave-one-out TF-IDF cosine of every sentence


def _sentence_words(text: str, sentences: Sequence[Span]) -> list[list[str]]:
    """The words of each sentence, lower-cased (:data:`WORD_RE`).

    A sentence of ASCII text is scanned with :data:`ASCII_WORD_RE`, which finds the
    same words there (in lower-cased ASCII, "a letter but not a digit or an underscore"
    is ``a-z``) about 1.6 times as fast as the Unicode class.
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        parts = [lowered[s.start : s.end] for s in sentences]
    else:  # lower-casing changed the length (a few Unicode letters do): sentence by sentence
        parts = [text[s.start : s.end].lower() for s in sentences]
    ascii_words, words = ASCII_WORD_RE.findall, WORD_RE.findall
    return [ascii_words(part) if part.isascii() else words(part) for part in parts]


def _term_ids(words: Sequence[Sequence[str]]) -> dict[str, int]:
    """Term ids in order of first appearance, :data:`BREAK` (the end of a sentence) being
    the term first seen after the first sentence's words: the numbering of the words of
    the sentences joined by line breaks, on which the model was trained. BREAK never
    counts as a word, but it has a (zero) column in every per-term array, so that sums
    over terms add up in the same order, to the same last bit."""
    return dict(zip(dict.fromkeys(chain(words[0], [BREAK], *words[1:])), count()))


def _quote_marks(text: str) -> list[int]:
    """Offsets of quotation marks: double quotes, and single quotes not inside a word
    (``don't`` and ``Kyiv’s`` hold apostrophes, not quotes)."""
    return [match.start() for match in QUOTE_MARK_RE.finditer(text)]


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
    words = _sentence_words(text, sentences)
    local = _term_ids(words)
    n_terms = len(local)
    tokens = list(chain.from_iterable(words))
    term_of_token = np.fromiter(map(local.__getitem__, tokens), dtype=np.int64, count=len(tokens))
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=n)
    sent_of_token = np.repeat(np.arange(n, dtype=np.int64), lengths)
    candidates = [
        i
        for i in np.flatnonzero(lengths >= MIN_WORDS).tolist()
        if _ends_sentence(text, sentences[i].start, sentences[i].end)
    ]
    if not candidates:
        return None
    global_id = np.fromiter(map(vocab.index.get, local, repeat(-1)), dtype=np.int64, count=n_terms)
    known = global_id >= 0
    word_len = np.fromiter(map(len, local), dtype=np.float64, count=n_terms)

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

    quotes = np.asarray(_quote_marks(text), dtype=np.int64)
    starts = np.asarray([sentences[i].start for i in candidates], dtype=np.int64)
    ends = np.asarray([sentences[i].end for i in candidates], dtype=np.int64)
    quote = (np.searchsorted(quotes, ends) > np.searchsorted(quotes, starts)).astype(np.float64)
    # Quoted speech: the sentence opens with a quotation mark or ends with one (after the
    # terminator or before it); EU drafting quotes defined terms inside the sentence only.
    speech = np.fromiter(
        (
            text[sentences[i].start] in SPEECH_EDGES
            or text[sentences[i].end - 1] in SPEECH_EDGES
            or text[sentences[i].end - 2] in SPEECH_EDGES
            for i in candidates
        ),
        dtype=np.float64,
        count=len(candidates),
    )
    attributed = np.fromiter(map(ATTRIBUTION.__contains__, local), dtype=bool, count=n_terms)
    attribution = np.bincount(s_idx, attributed[t_idx].astype(np.float64), minlength=n) > 0

    k = len(cand)
    matrix = _columns(
        reg_c,
        reg_ctx,
        reg_c - reg_ctx,
        reg_nb,
        coh_c,
        coh_z,
        coh_rank,
        neighbour[cand],
        window[cand],
        coh_mean,
        novel_share[cand],
        np.log1p(novel_count[cand]),
        oov[cand] / safe_len[cand],
        mean_len[cand] - doc_mean_len,
        long_share[cand] - doc_long,
        log_len[cand] - doc_log_len,
        legal_ratio[cand],
        doc_legal,
        cand / max(n - 1, 1),
        (cand == 0) | (cand == n - 1),
        quote,
        speech,
        attribution[cand],
        math.log(n),
        rows=k,
    )
    return DocumentFeatures(candidates, matrix, register, cohesion)
