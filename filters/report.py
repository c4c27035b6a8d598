"""The JSON report (``clean-news/report/1``) and the JSONL ``clean_news`` object.

The report is deterministic: no timestamps, documents in input order, keys in
a fixed order, scores rounded. Its JSON Schema ships as
``filters/schema/report-1.json``.

Large runs stream it: :class:`ReportWriter` writes each document's entry as it
comes (into a temporary file renamed at the end) and the summary, counted by
:class:`Summary` on the way, last. The bytes are those of
``dumps_report(build_report(...))`` over the same documents, so memory does not
grow with the run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

from ._version import __version__
from .findings import CATEGORIES, STATUSES
from .io import atomic_writer
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
        **report_header(settings, detectors),
        "documents": docs,
        "summary": summarize(docs),
    }


def report_header(settings: Settings, detectors: Sequence[str]) -> dict[str, Any]:
    """The report's fields before ``documents``."""
    return {
        "schema": REPORT_SCHEMA,
        "tool": {"name": "clean-news", "version": __version__},
        "settings": settings.to_dict(),
        "detectors": list(detectors),
    }


def summarize(docs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts over the run: documents, failures, review, characters, per category."""
    summary = Summary()
    for doc in docs:
        summary.add(doc)
    return summary.to_dict()


def _category_counts() -> dict[str, int]:
    return {"findings": 0, **{status: 0 for status in STATUSES}, "chars_removed": 0}


@dataclass
class Summary:
    """The report's ``summary``, counted one document at a time; mergeable.

    Worker processes count their share of a run and the parent adds them up
    (:meth:`merge`), so only these few numbers cross between processes.
    """

    documents: int = 0
    ok: int = 0
    review: int = 0
    chars: int = 0
    chars_removed: int = 0
    categories: dict[str, dict[str, int]] = field(
        default_factory=lambda: {cat: _category_counts() for cat in CATEGORIES}
    )

    def add(self, doc: Mapping[str, Any]) -> None:
        """Count one document entry (the report form: ``Result.to_dict()`` or an error)."""
        self.documents += 1
        if doc["status"] != "ok":
            return
        self.ok += 1
        self.review += 1 if doc["review"] else 0
        self.chars += doc["stats"]["chars"]
        self.chars_removed += doc["stats"]["chars_removed"]
        findings = doc["findings"]
        for f in findings:
            entry = self.categories.setdefault(f["category"], _category_counts())
            entry["findings"] += 1
            entry[f["status"]] += 1
        for edit in doc["edits"]:
            if edit["replacement"] == "":
                cat = findings[edit["finding"]]["category"]
                self.categories[cat]["chars_removed"] += len(edit["text"])

    def merge(self, other: Summary) -> None:
        self.documents += other.documents
        self.ok += other.ok
        self.review += other.review
        self.chars += other.chars
        self.chars_removed += other.chars_removed
        for cat, counts in other.categories.items():
            mine = self.categories.setdefault(cat, _category_counts())
            for key, value in counts.items():
                mine[key] += value

    @property
    def failed(self) -> int:
        return self.documents - self.ok

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "ok": self.ok,
            "failed": self.failed,
            "review": self.review,
            "chars": self.chars,
            "chars_removed": self.chars_removed,
            "removed_share": round(self.chars_removed / self.chars, 4) if self.chars else 0.0,
            "categories": {cat: dict(c) for cat, c in self.categories.items()},
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


#: Indentation of a document entry inside the report (``documents`` is two levels down).
_ENTRY_INDENT = "    "


def entry_json(doc: Mapping[str, Any]) -> str:
    """One document entry as it appears in the report's ``documents`` list."""
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return _ENTRY_INDENT + text.replace("\n", "\n" + _ENTRY_INDENT)


class ReportWriter(AbstractContextManager["ReportWriter"]):
    """Writes the report as the run goes: header, entries one by one, summary last.

    The file appears (atomically) only when :meth:`finish` was called and the
    ``with`` block completed; an interrupted run leaves no report behind. The
    output is byte for byte ``dumps_report(build_report(...))`` of the same
    documents (a test checks).
    """

    def __init__(self, path: Path, settings: Settings, detectors: Sequence[str]) -> None:
        self.path = path
        self._cm = atomic_writer(path)
        self._out: IO[str] | None = None
        self._header = json.dumps(report_header(settings, detectors), ensure_ascii=False, indent=2)
        self._count = 0
        self._finished = False

    def __enter__(self) -> ReportWriter:
        self._out = self._cm.__enter__()
        # the header object without its closing brace, then the documents list
        self._out.write(self._header[: self._header.rindex("\n}")] + ',\n  "documents": [')
        return self

    def add(self, entry: str) -> None:
        """Write one entry made by :func:`entry_json`."""
        assert self._out is not None, "use ReportWriter in a with block"
        self._out.write(("\n" if self._count == 0 else ",\n") + entry)
        self._count += 1

    def finish(self, summary: Mapping[str, Any]) -> None:
        assert self._out is not None, "use ReportWriter in a with block"
        text = json.dumps(summary, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        close = "\n  ]" if self._count else "]"
        self._out.write(f'{close},\n  "summary": {text}\n}}\n')
        self._finished = True

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool | None:
        if exc_type is None and not self._finished:
            error = RuntimeError("the report was closed before its summary was written")
            self._cm.__exit__(RuntimeError, error, None)
            raise error
        return self._cm.__exit__(exc_type, exc, tb)


@cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema of the report, as shipped in the package."""
    text = resources.files("filters").joinpath("schema").joinpath("report-1.json")
    return json.loads(text.read_text(encoding="utf-8"))
