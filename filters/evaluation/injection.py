"""Part 5, the scores: precision, recall and F1 per category on injected documents.

Only the **test** half of the split (:mod:`.splits`) is generated and scored:
test hosts with artefacts from test units, so nothing a model trains on (the
train half) is ever scored.

Which findings count: a finding that proposes an edit (remove or replace),
one that the safety policy turned into a flag (it was still detected), and
every finding of a category whose default action is to flag
(``foreign_language``, ``readability``). A finding its detector proposed only
as a note (a subheading flagged as ``heading``) does not count.

* A gold span without a fix is **found** when the counted findings of its
  category cover at least half of it; a gold fix is found when the replacing
  findings of its category over it give the expected text
  (:func:`~filters.evaluation.metrics.replacement_found`).
* A counted finding is a **true positive** when at least half of it lies in
  gold spans of its category (for fixes: when it touches a found gold fix);
  when instead at least half of it lies in an artefact of another category it
  is set aside as a *cross-category* hit (the confusion table); when it lies
  inside one piece of host text and the pipeline makes the same finding (same
  category, same span) on the host alone, it is a *host* finding: an artefact
  the gold body itself carries (a WCXB body keeps its "Last Updated: June 2022"
  line and its "size.It" glue) or a false positive on clean text, either way
  not caused by the injection, and scored by the clean-bodies part; set aside
  too, and reported (``host`` column, ``precision_with_host``); otherwise it is
  a **false positive** (host text, or a must-not-change ftfy negative).
* Host text: characters of the host outside every inserted or changed piece
  that applied findings removed or changed (collateral damage).
* By length (sentence-level categories, :data:`BY_LENGTH`): recall of the gold
  sentences and precision of the counted findings per length bucket
  (:data:`LENGTH_BUCKETS`, in words: white-space tokens, a CJK character counting as
  half a word); a finding falls in the bucket of its own text.
* By code: every counted finding's reason code with its true positives, false
  positives and cross-category hits (precision per code, e.g. the look-alike codes
  of ``encoding`` apart from its mojibake code).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..findings import CATEGORIES, DEFAULT_ACTIONS, Finding
from ..pipeline import Result
from . import pools
from .artefacts import KINDS
from .bodies import context
from .inject import InjectedDoc, generate
from .metrics import applied_spans, covered, f1_of, merge, ratio, replacement_found, touches
from .runner import run_texts

EXAMPLES = 10
#: Length buckets in words (first, last; None: no upper bound).
LENGTH_BUCKETS: tuple[tuple[int, int | None], ...] = ((1, 4), (5, 7), (8, 11), (12, 19), (20, None))
#: Sentence-level categories scored by length.
BY_LENGTH = ("foreign_language", "off_topic")
# A CJK character (Han, kana, Hangul): half a word for the length buckets.
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def length_bucket(text: str) -> str:
    """The length bucket label of a text (``"8-11"``, ``"20+"``)."""
    words = len(text.split()) + len(CJK_RE.findall(text)) // 2
    for low, high in LENGTH_BUCKETS:
        if high is None or words <= high:
            return f"{low}+" if high is None else f"{low}-{high}"
    return "?"


def counts(finding: Finding) -> bool:
    """Whether a finding counts as a detection (see the module docstring)."""
    return (
        finding.action in ("remove", "replace")
        or finding.policy is not None
        or DEFAULT_ACTIONS.get(finding.category) == "flag"
    )


class Tally:
    def __init__(self) -> None:
        self.cat: dict[str, Counter[str]] = {c: Counter() for c in CATEGORIES}
        self.kind: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
        self.confusion: dict[str, Counter[str]] = {}
        self.host: Counter[str] = Counter()
        self.fp_examples: list[dict[str, Any]] = []
        self.missed: list[dict[str, Any]] = []
        self.by_length: dict[str, dict[str, Counter[str]]] = {c: {} for c in BY_LENGTH}
        self.code: dict[str, Counter[str]] = {}


#: A finding on a host alone: category, start, end.
HostFinding = tuple[str, int, int]


def host_findings(result: Result) -> set[HostFinding]:
    """The counted findings of a host run without artefacts, by category and span."""
    return {(f.category, f.start, f.end) for f in result.findings if counts(f)}


def _on_host(doc: InjectedDoc, start: int, end: int, category: str, host: set[HostFinding]) -> bool:
    """True when ``[start, end)`` lies in host text (overlaps no inserted or changed piece
    of ``doc``) and the host run has a finding of ``category`` on the same host span."""
    shift = 0  # host offset minus document offset, after the pieces before the span
    for _host_start, host_end, piece_start, piece_end in doc.pieces:
        if piece_end <= start and piece_start < end:
            shift = host_end - piece_end
        elif piece_start >= end:
            break
        else:
            return False  # the span overlaps a piece
    return (category, start + shift, end + shift) in host


def score_document(
    doc: InjectedDoc, result: Result, tally: Tally, host: set[HostFinding] | None = None
) -> None:
    """Add one injected document's gold spans and findings to the tally (``host``: the
    findings on the host alone, :func:`host_findings`)."""
    text = doc.text
    found_list = [f for f in result.findings if counts(f)]
    spans_by_cat: dict[str, list[tuple[int, int]]] = {}
    fixes_by_cat: dict[str, list[tuple[int, int, str]]] = {}
    for f in found_list:
        spans_by_cat.setdefault(f.category, []).append((f.start, f.end))
        if f.replacement is not None or f.action == "remove":
            fixes_by_cat.setdefault(f.category, []).append((f.start, f.end, f.replacement or ""))
    gold_fixes: dict[str, list[tuple[int, int, str]]] = {}
    for g in doc.gold:
        if g.replacement is not None:
            gold_fixes.setdefault(g.category, []).append((g.start, g.end, g.replacement))

    found: dict[int, bool] = {}
    for i, g in enumerate(doc.gold):
        span = (g.start, g.end)
        if g.replacement is not None:
            hit = replacement_found(
                text,
                (*span, g.replacement),
                gold_fixes[g.category],
                fixes_by_cat.get(g.category, []),
            )
        else:
            hit = covered(span, spans_by_cat.get(g.category, [])) * 2 >= g.end - g.start
        found[i] = hit
        tally.cat[g.category]["gold"] += 1
        tally.cat[g.category]["found"] += hit
        tally.kind[g.kind]["gold"] += 1
        tally.kind[g.kind]["found"] += hit
        if g.category in tally.by_length:
            cell = tally.by_length[g.category].setdefault(length_bucket(g.text), Counter())
            cell["gold"] += 1
            cell["found"] += hit
        if not hit and len(tally.missed) < 200:
            tally.missed.append({"id": doc.id, "kind": g.kind, "text": g.text[:300]})
        for cat, spans in spans_by_cat.items():
            if cat != g.category and covered(span, spans) * 2 >= max(1, g.end - g.start):
                tally.confusion.setdefault(g.category, Counter())[cat] += 1

    artefacts = doc.gold + doc.protected
    for f in found_list:
        span, length = (f.start, f.end), max(1, f.end - f.start)
        same = [(i, g) for i, g in enumerate(doc.gold) if g.category == f.category]
        fix_hits = [
            i for i, g in same if g.replacement is not None and touches(span, (g.start, g.end))
        ]
        if fix_hits:
            tp = any(found[i] for i in fix_hits)
        else:
            inside = covered(span, [(g.start, g.end) for _i, g in same if g.replacement is None])
            tp = inside * 2 >= length and (
                inside > 0 or any(touches(span, (g.start, g.end)) for _i, g in same)
            )
        codes = tally.code.setdefault(f.code, Counter())
        by_length = tally.by_length.get(f.category)
        length_cell = (
            by_length.setdefault(length_bucket(f.text), Counter())
            if by_length is not None
            else None
        )
        if tp:
            tally.cat[f.category]["tp"] += 1
            codes["tp"] += 1
            if length_cell is not None:
                length_cell["tp"] += 1
            continue
        others = [(a.start, a.end) for a in artefacts if a.category != f.category]
        if others and covered(span, others) * 2 >= length:
            tally.cat[f.category]["cross"] += 1
            codes["cross"] += 1
            continue
        if host and _on_host(doc, f.start, f.end, f.category, host):
            tally.cat[f.category]["host"] += 1
            codes["host"] += 1
            continue
        tally.cat[f.category]["fp"] += 1
        codes["fp"] += 1
        if length_cell is not None:
            length_cell["fp"] += 1
        tally.fp_examples.append(
            {
                "id": doc.id,
                "category": f.category,
                "code": f.code,
                "action": f.action,
                "chars": f.end - f.start,
                "context": context(text, f.start, f.end),
            }
        )

    for p in doc.protected:
        tally.host["protected"] += 1
        tally.host["protected_changed"] += any(
            touches((p.start, p.end), (e.start, e.end)) for e in result.edits
        )
    pieces = [(start, end) for _hs, _he, start, end in doc.pieces]
    host_chars = len(text) - sum(e - s for s, e in pieces)
    for kind, key in (("remove", "removed"), ("replace", "changed")):
        union = merge((s, e) for s, e, _c in applied_spans(result, kind))
        total = sum(e - s for s, e in union)
        tally.host[key] += total - sum(covered(p, union) for p in pieces)
    tally.host["chars"] += host_chars


def summarise(tally: Tally) -> dict[str, Any]:
    """Per-category and per-kind figures, every category listed."""
    per_cat = {}
    for cat in CATEGORIES:
        c = tally.cat[cat]
        precision = ratio(c["tp"], c["tp"] + c["fp"])
        recall = ratio(c["found"], c["gold"])
        per_cat[cat] = {
            "gold": c["gold"],
            "found": c["found"],
            "findings": c["tp"] + c["fp"],
            "tp": c["tp"],
            "fp": c["fp"],
            "cross": c["cross"],
            "host": c["host"],
            "precision": precision,
            "recall": recall,
            "f1": f1_of(precision, recall),
            "precision_with_host": ratio(c["tp"], c["tp"] + c["fp"] + c["host"]),
        }
    per_kind = {
        kind: {"gold": c["gold"], "found": c["found"], "recall": ratio(c["found"], c["gold"])}
        for kind, c in tally.kind.items()
    }
    by_length: dict[str, dict[str, Any]] = {}
    for cat, cells in tally.by_length.items():
        rows = {}
        for low, high in LENGTH_BUCKETS:
            label = f"{low}+" if high is None else f"{low}-{high}"
            c = cells.get(label, Counter())
            precision = ratio(c["tp"], c["tp"] + c["fp"])
            recall = ratio(c["found"], c["gold"])
            rows[label] = {
                "gold": c["gold"],
                "found": c["found"],
                "tp": c["tp"],
                "fp": c["fp"],
                "precision": precision,
                "recall": recall,
                "f1": f1_of(precision, recall),
            }
        by_length[cat] = rows
    per_code = {
        code: {
            "tp": c["tp"],
            "fp": c["fp"],
            "cross": c["cross"],
            "host": c["host"],
            "precision": ratio(c["tp"], c["tp"] + c["fp"]),
        }
        for code, c in sorted(tally.code.items())
    }
    host = tally.host
    fps = sorted(tally.fp_examples, key=lambda r: -r["chars"])[:EXAMPLES]
    return {
        "per_category": per_cat,
        "per_kind": per_kind,
        "by_length": by_length,
        "per_code": per_code,
        "confusion": {g: dict(sorted(c.items())) for g, c in sorted(tally.confusion.items())},
        "protected": {
            "negatives": host["protected"],
            "changed": host["protected_changed"],
            "changed_share": ratio(host["protected_changed"], host["protected"]),
        },
        "host_text": {
            "chars": host["chars"],
            "removed": host["removed"],
            "changed": host["changed"],
            "removed_share": ratio(host["removed"], host["chars"]),
            "changed_share": ratio(host["changed"], host["chars"]),
        },
        "fp_examples": fps,
        "missed_examples": tally.missed[:50],
    }


def score(
    docs: Sequence[InjectedDoc],
    results: Sequence[Result],
    hosts: dict[str, set[HostFinding]] | None = None,
) -> dict[str, Any]:
    """Score injected documents (``hosts``: :func:`host_findings` per host key)."""
    tally = Tally()
    for doc, result in zip(docs, results, strict=True):
        score_document(doc, result, tally, (hosts or {}).get(doc.host))
    return summarise(tally)


def evaluate(
    root: Path, seed: int = 0, variants: int = 2, jobs: int = 1, dump: Path | None = None
) -> dict[str, Any]:
    """Generate the test-half injected documents, run the pipeline, score them."""
    hosts = pools.hosts(root, "test")
    source = pools.build_pools(root, hosts, "test")
    docs = generate(hosts, source, seed=seed, variants=variants)
    results = run_texts([d.text for d in docs], [d.id for d in docs], jobs=jobs)
    used = sorted({d.host for d in docs})
    texts = {h.key: h.text for h in hosts}
    alone = run_texts([texts[key] for key in used], used, jobs=jobs)
    host_runs = {key: host_findings(r) for key, r in zip(used, alone, strict=True)}
    if dump is not None:
        dump.parent.mkdir(parents=True, exist_ok=True)
        with open(dump, "w", encoding="utf-8") as handle:
            for d in docs:
                row = {
                    "id": d.id,
                    "text": d.text,
                    "gold": [g.to_dict() for g in d.gold],
                    "protected": [g.to_dict() for g in d.protected],
                }
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    out = {
        "split": "test",
        "seed": seed,
        "variants": variants,
        "hosts": len(hosts),
        "documents": len(docs),
        "pools": {
            "eurlex": len(source.eurlex),
            "eurlex_clauses": len(source.eurlex_clauses),
            "donors": {k: len(v) for k, v in sorted(source.donors.items())},
            "boilerplate": {k: len(v) for k, v in sorted(source.boilerplate.items())},
            "names": len(source.names),
            "foreign": len(source.foreign),
            "mojibake": len(source.mojibake),
            "negatives": len(source.negatives),
        },
    }
    out.update(score(docs, results, host_runs))
    return out
