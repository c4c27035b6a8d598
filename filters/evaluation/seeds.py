"""Part 1: the five seed articles against ``../shared/seeds/gold.json``.

For each seed file the default pipeline runs on the exact file text, then:

* ``must_find``: the gold text is located in the file (first occurrence). It is
  found when a reported finding (any status or action: a flagged subheading is
  reported) of the gold category covers the gold span; for a gold fix (with a
  ``replacement``) the replacing findings over it must give the expected text
  (:func:`~filters.evaluation.metrics.replacement_found`).
* ``must_keep``: the string is still in the cleaned text.
* every applied edit is sorted into ``credited`` (it covers a must_find of its
  category), ``other category`` (it covers or sits inside a must_find of another
  category), ``inside`` (inside a must_find or may_flag span) or ``false`` (any
  other change: a false edit). may_flag spans never count as false positives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..findings import CATEGORIES, REPLACEABLE
from ..pipeline import Result
from .metrics import covers, ratio, replacement_found
from .runner import run_texts


def _locate(text: str, needle: str) -> tuple[int, int] | None:
    pos = text.find(needle)
    return (pos, pos + len(needle)) if pos >= 0 else None


def score_document(text: str, gold: dict[str, Any], result: Result) -> dict[str, Any]:
    """Score one seed's result against its gold entry."""
    fixes_by_cat: dict[str, list[tuple[int, int, str]]] = {}
    for f in result.findings:
        if f.replacement is not None:
            fixes_by_cat.setdefault(f.category, []).append((f.start, f.end, f.replacement))
    must = []
    for item in gold.get("must_find", []):
        must.append({**item, "span": _locate(text, item["text"])})
    gold_fixes: dict[str, list[tuple[int, int, str]]] = {}
    for item in must:
        if item["span"] and item.get("replacement") is not None:
            fix = (*item["span"], item["replacement"])
            gold_fixes.setdefault(item["category"], []).append(fix)

    found_rows = []
    for item in must:
        span, cat = item["span"], item["category"]
        found = False
        if span is not None:
            if item.get("replacement") is not None and cat in REPLACEABLE:
                fix = (*span, item["replacement"])
                found = replacement_found(
                    text, fix, gold_fixes.get(cat, []), fixes_by_cat.get(cat, [])
                )
            else:
                found = any(
                    f.category == cat and covers((f.start, f.end), span) for f in result.findings
                )
        found_rows.append(
            {
                "category": cat,
                "text": item["text"],
                "found": found,
                "in_text": span is not None,
            }
        )

    keep_rows = [
        {"text": s, "kept": s in result.cleaned, "in_text": s in text}
        for s in gold.get("must_keep", [])
    ]
    may_spans = [s for s in (_locate(text, t) for t in gold.get("may_flag", [])) if s]
    must_spans = [(item["span"], item["category"]) for item in must if item["span"]]

    edits = []
    for edit in result.edits:
        f = result.findings[edit.finding]
        span = (f.start, f.end)
        kind = "false"
        if any(covers(span, s) and c == f.category for s, c in must_spans):
            kind = "credited"
        elif any(covers(span, s) or covers(s, span) for s, _c in must_spans):
            kind = "other category"
        elif any(covers(s, span) for s in may_spans):
            kind = "inside"
        edits.append(
            {
                "kind": kind,
                "category": f.category,
                "code": f.code,
                "action": f.action,
                "text": f.text,
                "replacement": f.replacement,
            }
        )
    return {"must_find": found_rows, "must_keep": keep_rows, "edits": edits}


def evaluate(seed_dir: Path, gold: dict[str, Any]) -> dict[str, Any]:
    """Run the pipeline on every seed named in ``gold`` and score it."""
    names = sorted(gold.get("documents", {}))
    texts = []
    missing = []
    for name in names:
        path = seed_dir / name
        if path.is_file():
            texts.append(path.read_bytes().decode("utf-8"))
        else:
            missing.append(name)
            texts.append("")
    results = run_texts(texts, names)
    docs = {}
    for name, text, result in zip(names, texts, results, strict=True):
        docs[name] = score_document(text, gold["documents"][name], result)
    return summarise(docs, missing)


def summarise(docs: dict[str, dict[str, Any]], missing: list[str]) -> dict[str, Any]:
    """Totals over the documents, per category and per document."""
    per_cat: dict[str, dict[str, Any]] = {cat: {"gold": 0, "found": 0} for cat in CATEGORIES}
    found = total = kept = keeps = false_edits = 0
    rows = []
    for name, doc in docs.items():
        n_found = sum(r["found"] for r in doc["must_find"])
        n_kept = sum(r["kept"] for r in doc["must_keep"])
        n_false = sum(e["kind"] == "false" for e in doc["edits"])
        for r in doc["must_find"]:
            cat = per_cat.setdefault(r["category"], {"gold": 0, "found": 0})
            cat["gold"] += 1
            cat["found"] += r["found"]
        found += n_found
        total += len(doc["must_find"])
        kept += n_kept
        keeps += len(doc["must_keep"])
        false_edits += n_false
        rows.append(
            {
                "document": name,
                "must_find": len(doc["must_find"]),
                "found": n_found,
                "must_keep": len(doc["must_keep"]),
                "kept": n_kept,
                "edits": len(doc["edits"]),
                "false_edits": n_false,
            }
        )
    for cat in per_cat.values():
        cat["recall"] = ratio(cat["found"], cat["gold"])
    return {
        "must_find": {"gold": total, "found": found, "recall": ratio(found, total)},
        "must_keep": {"gold": keeps, "kept": kept, "share": ratio(kept, keeps)},
        "false_edits": false_edits,
        "per_category": per_cat,
        "per_document": rows,
        "missing_files": missing,
        "documents": docs,
    }
