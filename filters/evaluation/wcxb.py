"""Part 4: WCXB snippets after trafilatura, before and after cleaning.

trafilatura (the ``eval`` extra, imported only here and only when an
extraction is needed) extracts each WCXB dev page with its defaults except
``include_comments=False`` (comments are never part of either gold). The
default pipeline cleans the extraction. Then, as WCXB's ``evaluate.py``
checks snippets (a lower-cased substring test, no other normalisation):

* ``with`` kept: share of the ``with`` snippets (text a correct extraction
  must contain) present in the text, pooled over snippets;
* ``without`` gone: share of the ``without`` snippets (navigation, ads,
  cookie banners, related links, bylines, dates) absent from the text;
* by cleaning: of the ``without`` snippets present in the extraction, the
  share the cleaning removed; of the ``with`` snippets present, the share it lost.

Also recorded: WCXB's own page averages (``with_rate``, ``without_rate``), the
same shares with white space folded, and WCXB's bag-of-words F1 against
``main_content``. Extractions are cached in ``<out>/cache/`` under the
trafilatura version, keyed by the SHA-256 of each page's HTML.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from . import data
from .metrics import ratio, snippet_in, snippet_in_spaced, word_f1
from .runner import run_texts

OPTIONS = {"include_comments": False}


class ExtractorMissing(RuntimeError):
    """trafilatura is needed and not installed."""


def _trafilatura() -> Any:
    """The trafilatura module, imported on first need (never at import of the package)."""
    return importlib.import_module("trafilatura")


def _trafilatura_version() -> str | None:
    try:
        return str(_trafilatura().__version__)
    except ImportError:
        return None


def _extract(html: bytes) -> str:
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    text: str | None = _trafilatura().extract(html, **OPTIONS)
    return text or ""


def extract_all(
    pages: Sequence[bytes],
    cache_dir: Path,
    jobs: int = 1,
    name: str = "wcxb",
    what: str = "the WCXB pages",
) -> tuple[list[str], dict[str, Any]]:
    """trafilatura's text of every page (raw HTML bytes), from the cache where possible.

    The cache is ``<cache_dir>/<name>-trafilatura-<version>.json``; ``name`` is also
    the part named, with ``what`` it extracts, when trafilatura is missing. Without
    trafilatura, any complete cache of that name will do (the newest version's).
    """
    keys = [hashlib.sha256(p).hexdigest() for p in pages]
    version = _trafilatura_version()
    cached: dict[str, str] = {}
    cache_file = None
    if version is None:
        # Without trafilatura, any complete cache will do; take the newest version's.
        candidates = sorted(cache_dir.glob(f"{name}-trafilatura-*.json"))
        for candidate in reversed(candidates):
            pages_cached = json.loads(candidate.read_text(encoding="utf-8"))["pages"]
            if all(k in pages_cached for k in keys):
                cached, cache_file = pages_cached, candidate
                break
        if cache_file is None:
            raise ExtractorMissing(
                f"missing: trafilatura (part '{name}' extracts {what} with it; "
                "install it with: .venv/bin/pip install -e '.[eval]')"
            )
        version = json.loads(cache_file.read_text(encoding="utf-8"))["trafilatura"]
    else:
        cache_file = cache_dir / f"{name}-trafilatura-{version}.json"
        if cache_file.is_file():
            cached = json.loads(cache_file.read_text(encoding="utf-8"))["pages"]
    todo = [(k, p) for k, p in zip(keys, pages, strict=True) if k not in cached]
    if todo:
        todo_pages = [p for _k, p in todo]
        if jobs > 1 and len(todo) > 50:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                texts = list(pool.map(_extract, todo_pages, chunksize=8))
        else:
            texts = [_extract(p) for p in todo_pages]
        cached.update({k: t for (k, _p), t in zip(todo, texts, strict=True)})
        cache_dir.mkdir(parents=True, exist_ok=True)
        payload = {
            "trafilatura": version,
            "options": OPTIONS,
            "pages": dict(sorted(cached.items())),
        }
        cache_file.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    info = {"trafilatura": version, "options": OPTIONS, "extracted_now": len(todo)}
    return [cached[k] for k in keys], info


def snippet_stats(
    records: Sequence[dict[str, Any]], texts: Sequence[str], match: Callable[[str, str], bool]
) -> dict[str, Any]:
    """Pooled and page-averaged snippet figures for one version of the texts."""
    with_total = with_found = without_total = without_found = 0
    with_rates, without_rates = [], []
    for rec, text in zip(records, texts, strict=True):
        w = [match(s, text) for s in rec.get("with") or []]
        wo = [match(s, text) for s in rec.get("without") or []]
        with_total += len(w)
        with_found += sum(w)
        without_total += len(wo)
        without_found += sum(wo)
        with_rates.append(sum(w) / len(w) if w else 1.0)
        without_rates.append(sum(wo) / len(wo) if wo else 1.0)
    return {
        "with_kept": ratio(with_found, with_total),
        "without_gone": ratio(without_total - without_found, without_total),
        "with_snippets": with_total,
        "without_snippets": without_total,
        "page_with_rate": ratio(sum(with_rates), len(with_rates)),
        "page_without_rate": ratio(sum(without_rates), len(without_rates)),
    }


def cleaning_effect(
    records: Sequence[dict[str, Any]], before: Sequence[str], after: Sequence[str]
) -> dict[str, Any]:
    """Of the snippets present before cleaning: ``without`` removed, ``with`` lost."""
    without_present = without_removed = with_present = with_lost = 0
    for rec, b, a in zip(records, before, after, strict=True):
        for s in rec.get("without") or []:
            if snippet_in(s, b):
                without_present += 1
                without_removed += not snippet_in(s, a)
        for s in rec.get("with") or []:
            if snippet_in(s, b):
                with_present += 1
                with_lost += not snippet_in(s, a)
    return {
        "without_present": without_present,
        "without_removed": without_removed,
        "without_removed_share": ratio(without_removed, without_present),
        "with_present": with_present,
        "with_lost": with_lost,
        "with_lost_share": ratio(with_lost, with_present),
    }


def _mean_f1(records: Sequence[dict[str, Any]], texts: Sequence[str]) -> float | None:
    scores = [
        word_f1(t, rec["main_content"] or "")[2] for rec, t in zip(records, texts, strict=True)
    ]
    return ratio(sum(scores), len(scores))


def evaluate(root: Path, cache_dir: Path, jobs: int = 1) -> dict[str, Any]:
    """Extract, clean, and score the WCXB dev pages."""
    records = data.load_wcxb_articles(root)
    pages = [data.read_wcxb_html(root, rec) for rec in records]
    extracted, info = extract_all(pages, cache_dir, jobs=jobs)
    results = run_texts(extracted, [r["id"] for r in records], jobs=jobs)
    cleaned = [r.cleaned for r in results]
    return {
        "pages": len(records),
        "extraction": info,
        **snippet_figures(records, extracted, cleaned),
        "word_f1_before": _mean_f1(records, extracted),
        "word_f1_after": _mean_f1(records, cleaned),
    }


def snippet_figures(
    records: Sequence[dict[str, Any]], extracted: Sequence[str], cleaned: Sequence[str]
) -> dict[str, Any]:
    """The snippet figures before and after cleaning (as found, and with white space
    folded) and the cleaning effect, under the keys both snippet parts report."""
    return {
        "before": snippet_stats(records, extracted, snippet_in),
        "after": snippet_stats(records, cleaned, snippet_in),
        "before_spaced": snippet_stats(records, extracted, snippet_in_spaced),
        "after_spaced": snippet_stats(records, cleaned, snippet_in_spaced),
        "cleaning": cleaning_effect(records, extracted, cleaned),
    }
