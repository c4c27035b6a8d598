"""The JSON report (``clean-news/report/1``) and the JSONL ``clean_news`` object.

The report is deterministic: no timestamps, documents in input order, keys in
a fixed order, scores rounded. Its JSON Schema ships as
``filters/schema/report-1.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ._version import __version__
from .findings import CATEGORIES, STATUSES
from .pipeline import Result
from .settings import Settings

REPORT_SCHEMA = "clean-news/report/1"


@dataclass(frozen=True)
class DocumentError:
    """A document that could not be cleaned, and why (one line)."""

    id: str
    source: str | None
    error: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "status": "error", "error": self.error}


Outcome = Result | DocumentError


def build_report(
    outcomes: Iterable[Outcome], settings: Settings, detectors: Sequence[str]
) -> dict[str, Any]:
    """The whole-run report: tool, settings, per-document entries and a summary."""
    docs = [o.to_dict() for o in outcomes]
    return {
        "schema": REPORT_SCHEMA,
        "tool": {"name": "clean-news", "version": __version__},
        "settings": settings.to_dict(),
        "detectors": list(detectors),
        "documents": docs,
        "summary": summarize(docs),
    }


def summarize(docs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Counts over the run: documents, failures, review, characters, per category."""
    ok = [d for d in docs if d["status"] == "ok"]
    categories: dict[str, dict[str, int]] = {
        cat: {"findings": 0, **{status: 0 for status in STATUSES}, "chars_removed": 0}
        for cat in CATEGORIES
    }
    for doc in ok:
        for f in doc["findings"]:
            entry = categories[f["category"]]
            entry["findings"] += 1
            entry[f["status"]] += 1
        for edit in doc["edits"]:
            if edit["replacement"] == "":
                cat = doc["findings"][edit["finding"]]["category"]
                categories[cat]["chars_removed"] += len(edit["text"])
    chars = sum(d["stats"]["chars"] for d in ok)
    removed = sum(d["stats"]["chars_removed"] for d in ok)
    return {
        "documents": len(docs),
        "ok": len(ok),
        "failed": len(docs) - len(ok),
        "review": sum(1 for d in ok if d["review"]),
        "chars": chars,
        "chars_removed": removed,
        "removed_share": round(removed / chars, 4) if chars else 0.0,
        "categories": categories,
    }


def jsonl_record(outcome: Outcome) -> dict[str, Any]:
    """The ``clean_news`` object added to each output line in JSONL mode."""
    if isinstance(outcome, DocumentError):
        return {"version": __version__, "id": outcome.id, "error": outcome.error}
    data = outcome.to_dict()
    return {
        "version": __version__,
        "id": data["id"],
        "language": data["language"],
        "review": data["review"],
        "policy": data["policy"],
        "stats": data["stats"],
        "findings": data["findings"],
        "edits": data["edits"],
    }


def dumps_report(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


@cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema of the report, as shipped in the package."""
    text = resources.files("filters").joinpath("schema").joinpath("report-1.json")
    return json.loads(text.read_text(encoding="utf-8"))
