"""The measures of ``make eval``, as small pure functions.

* :func:`prf`: precision, recall and F1 from counts; ``None`` where a measure
  is undefined (no prediction: precision; no gold: recall), printed as "n/a".
* :func:`shingle_counts` / :func:`shingle_scores`: the Scrapinghub
  article-extraction-benchmark metric (``evaluate.py`` of
  scrapinghub/article-extraction-benchmark, re-implemented here): tokens are
  ``\\w+`` matches, case kept; a document's shingles are its word 4-grams as a
  multiset, and a document shorter than 4 tokens has one shingle, all its
  tokens (none when it has no token). Per document, true positives are the
  shared shingles (multiset minimum), then precision and recall are computed
  per document (1.0 for both when prediction and gold are identical, 0.0 when
  there is nothing to compare) and averaged over the documents where they are
  defined; F1 is the harmonic mean of the two averages.
* :func:`line_spans`, :func:`removed_share`: Track A's unit is a non-empty
  line of the extractor output, split on ``\\n`` and stripped; a line counts as
  removed when more than half of its characters fall inside removals.
* :func:`covered`, :func:`overlap`: span arithmetic for span-cover matching.
* :func:`replacement_found`: a gold fix ``(start, end, expected)`` is found when
  the replacing findings touching it, applied to the original, give the same
  text as the gold fixes over the same region.
* :func:`snippet_in`: the WCXB snippet rule (lower-cased substring test), and
  :func:`word_f1`, WCXB's bag-of-words measure (``\\w+`` tokens, lower-cased,
  multiset overlap), both re-implemented from ``evaluate.py`` of
  Murrough-Foley/web-content-extraction-benchmark.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from ..pipeline import Result

# A word token of the Scrapinghub metric (and of the WCXB bag-of-words metric).
WORD_RE = re.compile(r"\w+")
# Curly and low quotes, which a fix may legitimately straighten (ftfy's uncurl_quotes).
SINGLE_QUOTES_RE = re.compile("[\u2018\u2019\u201a\u201b]")
DOUBLE_QUOTES_RE = re.compile("[\u201c\u201d\u201e\u201f]")
# Runs of white space, folded to one space for lenient snippet matching.
SPACES_RE = re.compile(r"\s+")

Interval = tuple[int, int]


def ratio(num: float, den: float) -> float | None:
    """``num / den``, or None when ``den`` is 0."""
    return num / den if den else None


def f1_of(precision: float | None, recall: float | None) -> float | None:
    """Harmonic mean; 0.0 when nothing was predicted but gold exists; None without gold."""
    if recall is None:
        return None
    if precision is None:
        return 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    """Precision, recall and F1 from counts, with the counts."""
    precision = ratio(tp, tp + fp)
    recall = ratio(tp, tp + fn)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1_of(precision, recall),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


# --- the Scrapinghub shingle metric -----------------------------------------------------------


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of word ``n``-gram shingles of ``text`` (see the module docstring)."""
    tokens = WORD_RE.findall(text or "")
    grams: Counter[tuple[str, ...]] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        gram = tuple(tokens[i : i + n])
        if gram:
            grams[gram] += 1
    return grams


def shingle_counts(gold: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """Per-document ``(tp, fp, fn)`` over shingle multisets, normalised to sum to 1."""
    true, found = shingles(gold, n), shingles(pred, n)
    tp = sum((true & found).values())
    fp = sum((found - true).values())
    fn = sum((true - found).values())
    total = tp + fp + fn
    if total:
        return tp / total, fp / total, fn / total
    return 0.0, 0.0, 0.0


def _doc_precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _doc_recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def shingle_scores(counts: Sequence[tuple[float, float, float]]) -> dict[str, Any]:
    """Averaged precision, recall and their F1 over per-document ``(tp, fp, fn)``."""
    precisions = [_doc_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_doc_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = sum(precisions) / len(precisions) if precisions else None
    recall = sum(recalls) / len(recalls) if recalls else None
    f1 = None
    if precision is not None and recall is not None:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "documents": len(counts)}


# --- spans --------------------------------------------------------------------------------------


def overlap(a: Interval, b: Interval) -> int:
    """Characters shared by two half-open spans."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def touches(a: Interval, b: Interval) -> bool:
    """True when the spans share a character, or an empty span sits inside the other."""
    if a[0] == a[1]:
        return b[0] <= a[0] <= b[1]
    if b[0] == b[1]:
        return a[0] <= b[0] <= a[1]
    return overlap(a, b) > 0


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint union of the intervals (empty ones dropped)."""
    merged: list[list[int]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def covered(span: Interval, intervals: Sequence[Interval]) -> int:
    """Characters of ``span`` inside the union of ``intervals``."""
    return sum(overlap(span, i) for i in merge(intervals))


def covers(outer: Interval, inner: Interval) -> bool:
    """True when ``outer`` contains ``inner``."""
    return outer[0] <= inner[0] and inner[1] <= outer[1]


# --- what a Result changed ----------------------------------------------------------------------


def applied_spans(result: Result, kind: str) -> list[tuple[int, int, str]]:
    """``(start, end, category)`` of the applied findings that remove (``kind="remove"``)
    or replace (``kind="replace"``) text; finding spans, not the widened edit spans."""
    spans = []
    for f in result.findings:
        if f.status == "applied" and f.action == kind:
            spans.append((f.start, f.end, f.category))
    return spans


def removal_intervals(result: Result) -> list[Interval]:
    """What the result removed from the original: the spans of its removal edits."""
    return [(e.start, e.end) for e in result.edits if e.replacement == ""]


# --- Track A lines ------------------------------------------------------------------------------


def line_spans(text: str) -> list[Interval]:
    """Spans of the non-empty lines of ``text`` split on ``\\n``, stripped (Track A's unit)."""
    spans = []
    pos = 0
    for piece in text.split("\n"):
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            spans.append((pos + lead, pos + lead + len(stripped)))
        pos += len(piece) + 1
    return spans


def removed_share(span: Interval, removed: Sequence[Interval]) -> float:
    """Share of the span's characters that were removed."""
    length = span[1] - span[0]
    return covered(span, removed) / length if length else 0.0


def is_removed(span: Interval, removed: Sequence[Interval]) -> bool:
    """A line counts as removed when more than half of its characters were removed."""
    return removed_share(span, removed) > 0.5


# --- replacements -------------------------------------------------------------------------------


def lenient(text: str) -> str:
    """NFC with curly quotes straightened: the form replacements are compared in."""
    text = unicodedata.normalize("NFC", text)
    return DOUBLE_QUOTES_RE.sub('"', SINGLE_QUOTES_RE.sub("'", text))


def apply_in_region(text: str, lo: int, hi: int, fixes: Sequence[tuple[int, int, str]]) -> str:
    """``text[lo:hi]`` with the fixes applied; a fix overlapping an earlier one is skipped."""
    parts = []
    pos = lo
    for start, end, replacement in sorted(fixes, key=lambda f: (f[0], f[1])):
        if start < pos:
            continue
        parts.append(text[pos:start])
        parts.append(replacement)
        pos = end
    parts.append(text[pos:hi])
    return "".join(parts)


def replacement_found(
    text: str,
    gold: tuple[int, int, str],
    golds: Sequence[tuple[int, int, str]],
    fixes: Sequence[tuple[int, int, str]],
) -> bool:
    """True when the ``fixes`` touching ``gold`` yield the gold text over their region.

    ``golds`` are all gold fixes of the same category in the document (a finding
    may fix several at once, as one missing-space finding over ``a,b,c``), and
    ``fixes`` the replacing findings ``(start, end, replacement)``. The region
    grows until no fix or gold crosses its edge; both sides are compared in
    :func:`lenient` form.
    """
    lo, hi = gold[0], gold[1]
    chosen_fixes: list[tuple[int, int, str]] = []
    chosen_golds: list[tuple[int, int, str]] = [gold]
    changed = True
    while changed:
        changed = False
        for fix in fixes:
            if fix not in chosen_fixes and touches((fix[0], fix[1]), (lo, hi)):
                chosen_fixes.append(fix)
                lo, hi, changed = min(lo, fix[0]), max(hi, fix[1]), True
        for other in golds:
            if other not in chosen_golds and touches((other[0], other[1]), (lo, hi)):
                chosen_golds.append(other)
                lo, hi, changed = min(lo, other[0]), max(hi, other[1]), True
    if not chosen_fixes:
        return False
    got = apply_in_region(text, lo, hi, chosen_fixes)
    want = apply_in_region(text, lo, hi, chosen_golds)
    return lenient(got) == lenient(want)


# --- snippets -----------------------------------------------------------------------------------


def snippet_in(snippet: str, text: str) -> bool:
    """WCXB's rule (``evaluate.py::snippet_check``): the lower-cased snippet is a
    substring of the lower-cased text."""
    return snippet.lower() in text.lower()


def snippet_in_spaced(snippet: str, text: str) -> bool:
    """As :func:`snippet_in`, with runs of white space folded to one space on both sides."""
    fold = SPACES_RE.sub(" ", snippet.lower()).strip()
    return fold in SPACES_RE.sub(" ", text.lower())


def word_f1(pred: str, gold: str) -> tuple[float, float, float]:
    """WCXB's per-page bag-of-words precision, recall and F1 (empty gold and empty
    prediction score 1.0; one empty side scores 0.0)."""
    pred_tokens = WORD_RE.findall(pred.lower())
    gold_tokens = WORD_RE.findall(gold.lower())
    if not gold_tokens:
        return (1.0, 1.0, 1.0) if not pred_tokens else (0.0, 0.0, 0.0)
    if not pred_tokens:
        return (0.0, 0.0, 0.0)
    shared = sum((Counter(pred_tokens) & Counter(gold_tokens)).values())
    precision, recall = shared / len(pred_tokens), shared / len(gold_tokens)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
