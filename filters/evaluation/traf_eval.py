"""Part 4b: trafilatura-eval segments after trafilatura, before and after cleaning.

trafilatura (imported only when an extraction is needed) extracts each of the
464 pages of trafilatura's own evaluation set (mostly German, also English,
French, Polish, Spanish, ...) with the options of the ``wcxb`` part. The
default pipeline cleans the extraction. The gold is not a body but two lists
of segments per page, checked as the ``wcxb`` part checks its snippets (a
lower-cased substring test; the same functions):

* ``with`` kept: share of the ``with`` segments (decisive words of the main
  text, often its first and last ones) present in the text, pooled;
* ``without`` gone: share of the ``without`` segments ("Impressum", dates,
  bylines, share lines, menus, footers, comment widgets) absent from the text;
* by cleaning: of the ``without`` segments present in the extraction, the
  share the cleaning removed; of the ``with`` segments present, the share it lost.

Also recorded: the page averages, the same shares with white space folded, the
same figures per upstream ``region`` (the regions with fewer than
:data:`MIN_REGION_PAGES` pages pooled as ``other``), and each ``with`` segment
the cleaning lost with the detectors whose applied findings overlap it. There
is no word F1 (no full gold body). Extractions are cached in ``<out>/cache/``
as ``traf_eval-trafilatura-<version>.json``, keyed by the SHA-256 of each page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..pipeline import Result
from . import data
from .metrics import snippet_in
from .runner import run_texts
from .wcxb import cleaning_effect, extract_all, snippet_figures, snippet_stats

#: Regions with fewer pages are pooled as ``other`` in the per-region figures.
MIN_REGION_PAGES = 10


def region_of(record: dict[str, Any]) -> str:
    """The page's upstream ``region`` (upper case), ``unknown`` when absent or empty."""
    region = str(record.get("region") or "").strip().upper()
    return region or "unknown"


def per_region(
    records: Sequence[dict[str, Any]], before: Sequence[str], after: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Per region (small ones pooled as ``other``): pages, the after-cleaning snippet
    figures and the cleaning effect; largest region first."""
    groups: dict[str, list[int]] = {}
    for i, rec in enumerate(records):
        groups.setdefault(region_of(rec), []).append(i)
    pooled: dict[str, list[int]] = {}
    for region, idx in groups.items():
        key = region if len(idx) >= MIN_REGION_PAGES else "other"
        pooled.setdefault(key, []).extend(idx)
    out = {}
    for region, idx in sorted(pooled.items(), key=lambda kv: (kv[0] == "other", -len(kv[1]))):
        idx.sort()
        recs = [records[i] for i in idx]
        a = [after[i] for i in idx]
        out[region] = {
            "pages": len(idx),
            "after": snippet_stats(recs, a, snippet_in),
            "cleaning": cleaning_effect(recs, [before[i] for i in idx], a),
        }
    return out


def lost_segments(
    records: Sequence[dict[str, Any]], results: Sequence[Result]
) -> list[dict[str, Any]]:
    """Each ``with`` segment present in the extraction and absent after cleaning, with
    the codes of the applied findings overlapping its first occurrence."""
    lost = []
    for rec, res in zip(records, results, strict=True):
        before, after = res.original, res.cleaned
        for seg in rec["with"]:
            if not snippet_in(seg, before) or snippet_in(seg, after):
                continue
            start = before.lower().find(seg.lower())
            end = start + len(seg)
            by = sorted(
                {
                    f.code
                    for f in res.findings
                    if f.status == "applied" and f.start < end and f.end > start
                }
            )
            lost.append({"url": rec["url"], "segment": seg, "by": by})
    return lost


def evaluate(root: Path, cache_dir: Path, jobs: int = 1) -> dict[str, Any]:
    """Extract, clean, and score the trafilatura-eval dev pages."""
    records = data.load_traf_eval(root)
    pages = [data.read_traf_eval_html(root, rec) for rec in records]
    extracted, info = extract_all(
        pages, cache_dir, jobs=jobs, name="traf_eval", what="the trafilatura-eval pages"
    )
    results = run_texts(extracted, [r["url"] for r in records], jobs=jobs)
    cleaned = [r.cleaned for r in results]
    return {
        "pages": len(records),
        "extraction": info,
        **snippet_figures(records, extracted, cleaned),
        "regions": per_region(records, extracted, cleaned),
        "with_lost": lost_segments(records, results),
    }
