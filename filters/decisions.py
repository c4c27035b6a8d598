"""Reviewer decisions: re-apply what an editor decided on the HTML page to the original texts.

The review page (:mod:`filters.html_report`) lets a reviewer accept or reject
each finding and add removals by selecting text; it exports the decisions as
JSON (``clean-news/decisions/1``) carrying the id of the report it was made
from (:func:`report_id`). :func:`apply_decisions` replays them:

- an *accepted* finding is applied as its action. A flag that the safety
  policy made out of an edit (``policy`` set) gets its proposed edit back: the
  replacement when it has one, else a removal; the reviewer is the person the
  policy asked. A plain flag stays a flag (the reviewer confirmed it).
- a *rejected* finding never edits: it stays in the report as a flag with
  ``"decision": "reject"``.
- a finding without a decision keeps what the pipeline decided (its action and
  policy), so a file with no decisions gives back the run's cleaned text.
- a reviewer's removal becomes a new finding of detector ``reviewer_v1``
  (code ``reviewer.removal``, score 1.0).

All of them then go through the pipeline's own steps, :meth:`Pipeline.decide`:
the overlap rule (a rejected edit frees the span for a superseded one) and the
widening of removals over dangling white space. The safety thresholds are not
applied a second time (``min_confidence`` 0, ``max_removed_share`` 1): findings
still flagged by the policy were carried over as flags, and a reviewer's word
overrides the policy. Every finding of the updated report says who decided it:
``"decided_by": "reviewer"`` (with ``"decision": "accept"`` or ``"reject"``) or
``"decided_by": "pipeline"``; both fields are optional additions to
``clean-news/report/1``.

Decisions file::

    {"schema": "clean-news/decisions/1", "report_id": "sha256:...",
     "documents": [{"index": 0, "id": "001",
                    "findings": [{"finding": 3, "decision": "reject",
                                  "start": 10, "end": 29, "code": "missing_space.comma"}],
                    "removals": [{"start": 40, "end": 75, "text": "...",
                                  "category": "boilerplate"}]}]}

``index`` is the document's position in the report (ids may repeat); ``id``,
and each finding's ``start``/``end``/``code``, are checked against the report
so that decisions never land on the wrong span.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from .document import Document
from .findings import CATEGORIES, DEFAULT_ACTIONS, Finding, make_finding
from .pipeline import Pipeline
from .report import summarize
from .settings import Settings

__all__ = [
    "DECISIONS_SCHEMA",
    "REVIEWER_DETECTOR",
    "DecisionsError",
    "apply_decisions",
    "check_original",
    "report_id",
]

DECISIONS_SCHEMA = "clean-news/decisions/1"
REVIEWER_DETECTOR = "reviewer_v1"
REVIEWER_CODE = "reviewer.removal"
DECISIONS = ("accept", "reject")
#: Categories a reviewer's removal may be filed under: those whose default action is removal.
REMOVAL_CATEGORIES: tuple[str, ...] = tuple(c for c in CATEGORIES if DEFAULT_ACTIONS[c] == "remove")

#: Settings for the replay: no category override (findings carry their actions already)
#: and no second pass of the safety thresholds (see the module docstring).
_REPLAY = Settings(min_confidence=0.0, max_removed_share=1.0)


class DecisionsError(ValueError):
    """Decisions that do not fit the report or the texts (the message is one line)."""


def report_id(report: Mapping[str, Any]) -> str:
    """The id of a report: SHA-256 of its canonical JSON (sorted keys, no spaces).

    The same for the report dict the HTML page was rendered from and for that
    report read back from its file, whatever the indentation.
    """
    canonical = json.dumps(report, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_original(text: str, doc: Mapping[str, Any]) -> str | None:
    """Why ``text`` cannot be the original of report entry ``doc``, or None when it can."""
    stats = doc.get("stats") or {}
    if "chars" in stats and stats["chars"] != len(text):
        return f"{len(text)} characters, the report says {stats['chars']}"
    for i, f in enumerate(doc.get("findings") or []):
        start, end = f.get("start"), f.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
            return f"finding {i} has offsets outside the text"
        if text[start:end] != f.get("text"):
            return f"finding {i} ({f.get('code')}) does not match characters {start}-{end}"
    for k, e in enumerate(doc.get("edits") or []):
        start, end = e.get("start"), e.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
            return f"edit {k} has offsets outside the text"
        if text[start:end] != e.get("text"):
            return f"edit {k} does not match characters {start}-{end}"
    return None


def apply_decisions(
    report: Mapping[str, Any], decisions: Mapping[str, Any], texts: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, Any]]:
    """The final cleaned text per document id, and the updated report.

    ``texts`` maps each document id to its original text (every document that
    was cleaned must be there). Raises :class:`DecisionsError` when the
    decisions belong to another report, name findings or spans the report
    does not have, or a text does not match the report.
    """
    _check_header(report, decisions)
    by_index = _decisions_by_document(report, decisions)
    documents: list[dict[str, Any]] = []
    cleaned: dict[str, str] = {}
    for index, doc in enumerate(report["documents"]):
        if doc.get("status") != "ok":
            documents.append(dict(doc))
            continue
        doc_id = doc["id"]
        if doc_id in cleaned:
            raise DecisionsError(f"document id {doc_id!r} appears twice in the report")
        text = texts.get(doc_id)
        if text is None:
            raise DecisionsError(f"no original text for document {doc_id!r}")
        problem = check_original(text, doc)
        if problem:
            raise DecisionsError(f"the original of {doc_id!r} does not match the report: {problem}")
        entry, final = _replay(doc, text, by_index.get(index, {}))
        documents.append(entry)
        cleaned[doc_id] = final
    updated = dict(report)
    updated["documents"] = documents
    if any(f["detector"] == REVIEWER_DETECTOR for d in documents for f in d.get("findings", [])):
        detectors = list(report.get("detectors") or [])
        if REVIEWER_DETECTOR not in detectors:
            updated["detectors"] = [*detectors, REVIEWER_DETECTOR]
    updated["summary"] = summarize(documents)
    return cleaned, updated


def _check_header(report: Mapping[str, Any], decisions: Mapping[str, Any]) -> None:
    if not isinstance(decisions, Mapping) or decisions.get("schema") != DECISIONS_SCHEMA:
        raise DecisionsError(f"not a decisions file (expected schema {DECISIONS_SCHEMA!r})")
    expected = report_id(report)
    if decisions.get("report_id") != expected:
        raise DecisionsError(
            f"the decisions were made on report {decisions.get('report_id')!r}, "
            f"not on this one ({expected})"
        )
    if not isinstance(decisions.get("documents"), list):
        raise DecisionsError("decisions: 'documents' must be a list")


def _decisions_by_document(
    report: Mapping[str, Any], decisions: Mapping[str, Any]
) -> dict[int, dict[str, Any]]:
    """Checked decisions per document position: ``{"findings": {i: d}, "removals": [...]}``."""
    docs = report["documents"]
    out: dict[int, dict[str, Any]] = {}
    for entry in decisions["documents"]:
        index = entry.get("index") if isinstance(entry, Mapping) else None
        if not (isinstance(index, int) and 0 <= index < len(docs)) or index in out:
            raise DecisionsError(f"decisions: bad or repeated document index {index!r}")
        doc = docs[index]
        where = f"decisions for document {index} ({doc.get('id')!r})"
        if entry.get("id") != doc.get("id") or doc.get("status") != "ok":
            raise DecisionsError(f"{where}: the report has id {doc.get('id')!r} there")
        findings = doc.get("findings") or []
        chosen: dict[int, str] = {}
        for item in entry.get("findings") or []:
            i = item.get("finding") if isinstance(item, Mapping) else None
            if not (isinstance(i, int) and 0 <= i < len(findings)) or i in chosen:
                raise DecisionsError(f"{where}: bad or repeated finding {i!r}")
            f = findings[i]
            if (item.get("start"), item.get("end"), item.get("code")) != (
                f["start"],
                f["end"],
                f["code"],
            ):
                raise DecisionsError(f"{where}: finding {i} is not the one the reviewer saw")
            if item.get("decision") not in DECISIONS:
                raise DecisionsError(
                    f"{where}: decision {item.get('decision')!r} for finding {i}; "
                    f"valid: {', '.join(DECISIONS)}"
                )
            chosen[i] = item["decision"]
        removals = []
        for r in entry.get("removals") or []:
            start, end = (r.get("start"), r.get("end")) if isinstance(r, Mapping) else (None, None)
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
                raise DecisionsError(f"{where}: a removal needs 0 <= start < end, got {r!r}")
            category = r.get("category", "boilerplate")
            if category not in REMOVAL_CATEGORIES:
                raise DecisionsError(
                    f"{where}: removal category {category!r}; "
                    f"valid: {', '.join(REMOVAL_CATEGORIES)}"
                )
            removals.append(
                {"start": start, "end": end, "text": r.get("text"), "category": category}
            )
        out[index] = {"findings": chosen, "removals": removals}
    return out


def _proposal(f: Mapping[str, Any]) -> str:
    """The edit a finding stands for: its action, or the edit the safety policy held back."""
    if f["action"] == "flag" and f.get("policy"):
        return "replace" if f.get("replacement") is not None else "remove"
    return str(f["action"])


def _replay(
    doc: Mapping[str, Any], text: str, chosen: Mapping[str, Any]
) -> tuple[dict[str, Any], str]:
    """Decide one document again with the reviewer's decisions; its entry and cleaned text."""
    decided: Mapping[int, str] = chosen.get("findings", {})
    found: list[tuple[Finding, dict[str, Any]]] = []
    for i, raw in enumerate(doc["findings"]):
        finding = Finding.from_dict(raw)
        decision = decided.get(i)
        if decision is None:
            found.append((finding, {"decided_by": "pipeline", "policy": raw.get("policy")}))
            continue
        action = _proposal(raw) if decision == "accept" else "flag"
        found.append(
            (finding.evolve(action=action), {"decided_by": "reviewer", "decision": decision})
        )
    for r in chosen.get("removals", []):
        if r["end"] > len(text) or (
            r["text"] is not None and text[r["start"] : r["end"]] != r["text"]
        ):
            raise DecisionsError(
                f"a reviewer's removal at {r['start']}-{r['end']} does not match the text "
                f"of {doc['id']!r}"
            )
        finding = make_finding(
            text,
            r["start"],
            r["end"],
            detector=REVIEWER_DETECTOR,
            category=r["category"],
            code=REVIEWER_CODE,
            score=1.0,
            reason="removed by a reviewer on the review page",
            action="remove",
        )
        found.append((finding, {"decided_by": "reviewer", "decision": "accept"}))

    # Pipeline.decide orders findings by Finding.sort_key (a stable sort) and, with no
    # category set to "off", keeps them all: sorting the same way first lines them up.
    found.sort(key=lambda pair: pair[0].sort_key())
    document = Document(text, id=doc["id"], source=doc.get("source"))
    # The language was identified in the run; keep it rather than detecting it again.
    document.__dict__["language"] = doc.get("language")
    result = Pipeline(_REPLAY, detectors=[]).decide(document, [f for f, _ in found])
    assert len(result.findings) == len(found)
    findings = []
    for f, (_, who) in zip(result.findings, found, strict=True):
        entry = f.to_dict()
        if who["decided_by"] == "pipeline" and who["policy"] and f.action == "flag":
            entry["policy"] = who["policy"]  # still held back by the run's safety policy
        entry["decided_by"] = who["decided_by"]
        if "decision" in who:
            entry["decision"] = who["decision"]
        findings.append(entry)

    updated = result.to_dict()
    updated["findings"] = findings
    updated["language"] = doc.get("language")
    policies = {f["policy"] for f in findings if f["policy"]}
    updated["policy"] = [p for p in ("low_confidence", "max_removed_share") if p in policies]
    updated["review"] = "max_removed_share" in policies
    counters = (doc.get("stats") or {}).get("counters")
    if counters:
        updated["stats"]["counters"] = counters
    return updated, result.cleaned


def decisions_template(report: Mapping[str, Any]) -> dict[str, Any]:
    """An empty decisions file for ``report`` (what the page exports before any click)."""
    return {"schema": DECISIONS_SCHEMA, "report_id": report_id(report), "documents": []}


def decide_all(
    report: Mapping[str, Any], decision: str, indices: Sequence[int] | None = None
) -> dict[str, Any]:
    """A decisions file deciding every finding of the given documents alike (tests, scripts)."""
    out = decisions_template(report)
    for index, doc in enumerate(report["documents"]):
        if doc.get("status") != "ok" or (indices is not None and index not in indices):
            continue
        items = [
            {
                "finding": i,
                "decision": decision,
                "start": f["start"],
                "end": f["end"],
                "code": f["code"],
            }
            for i, f in enumerate(doc["findings"])
        ]
        out["documents"].append(
            {"index": index, "id": doc["id"], "findings": items, "removals": []}
        )
    return out
