"""Part 2: Track A, what clean-news removes from real extractor outputs.

For each Scrapinghub page and extractor, the default pipeline runs on the
extractor's text. Each Track A line (a non-empty ``\\n`` line, stripped) is
*removed* when more than half of its characters fall inside removal edits, and
is compared with its Track A label (``boilerplate`` = not part of the gold
article body, which also covers headlines and deks that extractors keep):

* by line: a removed boilerplate line is a true positive, a removed content
  line a false positive, a kept boilerplate line a false negative;
* by characters: the same with each line's characters (removed characters of
  the line, whether or not the line as a whole counts as removed).

The C4 line filter is the trivial baseline: a line is removed when
:func:`c4_drop` says so. End to end, the Scrapinghub shingle metric
(:func:`~filters.evaluation.metrics.shingle_scores`) compares the extractor
output, before and after cleaning, with the gold body.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import data
from .metrics import (
    applied_spans,
    covered,
    is_removed,
    line_spans,
    prf,
    removal_intervals,
    shingle_counts,
    shingle_scores,
)
from .runner import run_texts

# --- the C4 baseline ----------------------------------------------------------------------------
# Copied from ../shared/corpora/tools/textlines.py (c4_drop), the corpora's own
# re-implementation of C4's line-level rules; kept here so the package never
# imports from ../shared.

#: Phrases that make C4 drop a line (terms/privacy/cookie notices).
C4_POLICY = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
#: Endings C4 accepts as terminal punctuation.
C4_END = (".", "?", "!", '"', "'", "\u201d", "\u2019")


def c4_drop(line: str) -> bool:
    """True if a C4-style line filter would drop the line (line-level rules only)."""
    s = line.strip()
    low = s.lower()
    if not s.endswith(C4_END) and not s.endswith("..."):
        return True
    if len(s.split()) < 3:
        return True
    if "javascript" in low:
        return True
    if any(p in low for p in C4_POLICY):
        return True
    return any(len(w) > 1000 for w in s.split())


# --- counting -----------------------------------------------------------------------------------


class Tally:
    """Line and character counts of one method over a group of documents."""

    def __init__(self) -> None:
        self.lines: Counter[str] = Counter()
        self.chars: Counter[str] = Counter()
        self.by_category: dict[str, Counter[str]] = {}

    def add_line(self, label: str, length: int, removed_chars: int, removed: bool) -> None:
        boiler = label == "boilerplate"
        if removed:
            self.lines["tp" if boiler else "fp"] += 1
        elif boiler:
            self.lines["fn"] += 1
        if boiler:
            self.chars["tp"] += removed_chars
            self.chars["fn"] += length - removed_chars
        else:
            self.chars["fp"] += removed_chars
        self.lines["boilerplate" if boiler else "content"] += 1

    def add_category(self, category: str, label: str) -> None:
        counts = self.by_category.setdefault(category, Counter())
        counts["tp" if label == "boilerplate" else "fp"] += 1

    def merge(self, other: Tally) -> None:
        self.lines.update(other.lines)
        self.chars.update(other.chars)
        for cat, counts in other.by_category.items():
            self.by_category.setdefault(cat, Counter()).update(counts)

    def summary(self) -> dict[str, Any]:
        return {
            "line": prf(self.lines["tp"], self.lines["fp"], self.lines["fn"]),
            "char": prf(self.chars["tp"], self.chars["fp"], self.chars["fn"]),
            "lines": self.lines["boilerplate"] + self.lines["content"],
            "boilerplate_lines": self.lines["boilerplate"],
            "removed_lines": self.lines["tp"] + self.lines["fp"],
            "removed_by_category": {k: dict(v) for k, v in sorted(self.by_category.items())},
        }


def score_document(
    text: str, labels: Sequence[dict[str, Any]], result: Any, ours: Tally, c4: Tally
) -> None:
    """Add one extractor output's lines to the clean-news and C4 tallies."""
    spans = line_spans(text)
    removed = removal_intervals(result)
    by_category = applied_spans(result, "remove")
    for span, line in zip(spans, labels, strict=True):
        length = span[1] - span[0]
        removed_chars = covered(span, removed)
        gone = is_removed(span, removed)
        ours.add_line(line["label"], length, removed_chars, gone)
        if gone:
            best = max(by_category, key=lambda s: covered(span, [(s[0], s[1])]), default=None)
            ours.add_category(best[2] if best else "unknown", line["label"])
        dropped = c4_drop(line["text"])
        c4.add_line(line["label"], length, length if dropped else 0, dropped)


def evaluate(root: Path, extractors: Sequence[str], jobs: int = 1) -> dict[str, Any]:
    """Track A and the shingle metric for each extractor, and pooled over the main four
    and over all the given extractors."""
    gold = data.load_ground_truth(root)
    outputs = {
        (r["id"], r["extractor"]): r["text"] for r in data.iter_extractor_outputs(root, extractors)
    }
    records = [r for r in data.iter_track_a(root, extractors) if r["id"] in gold]
    texts = [outputs[(r["id"], r["extractor"])] for r in records]
    ids = [f"{r['extractor']}/{r['id']}" for r in records]
    results = run_texts(texts, ids, jobs=jobs)

    ours: dict[str, Tally] = {e: Tally() for e in extractors}
    c4: dict[str, Tally] = {e: Tally() for e in extractors}
    before: dict[str, list[tuple[float, float, float]]] = {e: [] for e in extractors}
    after: dict[str, list[tuple[float, float, float]]] = {e: [] for e in extractors}
    mismatched = 0
    for rec, text, result in zip(records, texts, results, strict=True):
        ext = rec["extractor"]
        if len(line_spans(text)) != len(rec["lines"]):
            mismatched += 1
            continue
        score_document(text, rec["lines"], result, ours[ext], c4[ext])
        body = gold[rec["id"]]["body"] or ""
        before[ext].append(shingle_counts(body, text))
        after[ext].append(shingle_counts(body, result.cleaned))

    groups: dict[str, Sequence[str]] = {e: [e] for e in extractors}
    main = [e for e in data.MAIN_EXTRACTORS if e in extractors]
    groups["pooled main 4"] = main
    if len(extractors) > len(main):
        groups[f"pooled all {len(extractors)}"] = list(extractors)
    table = {}
    for name, members in groups.items():
        ours_t, c4_t = Tally(), Tally()
        b: list[tuple[float, float, float]] = []
        a: list[tuple[float, float, float]] = []
        for e in members:
            ours_t.merge(ours[e])
            c4_t.merge(c4[e])
            b += before[e]
            a += after[e]
        table[name] = {
            "documents": len(b),
            "clean_news": ours_t.summary(),
            "c4": c4_t.summary(),
            "shingles_before": shingle_scores(b),
            "shingles_after": shingle_scores(a),
        }
    return {
        "extractors": list(extractors),
        "main": main,
        "groups": table,
        "mismatched_documents": mismatched,
    }
