"""The pipeline: run detectors, decide actions, resolve overlaps, apply edits.

Steps, for one document:

1. Every selected detector returns findings over the original text; each is
   checked (offsets in bounds, ``text`` equal to the span).
2. The run's settings decide each finding's action: a category set to ``off``
   drops its findings, an override replaces the detector's proposal.
3. Safety policy, first rule: a removal or replacement scored below
   ``min_confidence`` becomes a flag (``policy = "low_confidence"``).
4. Overlap rule (deterministic, independent of detector order): among the
   findings that edit, the longest span wins; ties go to the higher score,
   then to a removal over a replacement, then to the earlier start, then by
   category, detector and code names. A finding that overlaps one already
   chosen is ``superseded`` (reported, not applied). Flags never compete.
   Two spans overlap when they share a character; an empty span (an
   insertion) overlaps any span that touches its position.
5. Safety policy, second rule: when the chosen removals cover more than
   ``max_removed_share`` of the document's characters, every removal becomes a
   flag (``policy = "max_removed_share"``), the document is marked for review,
   and step 4 runs again without them.
6. Edits are applied. A removal also takes the white space that would be left
   dangling: a whole line goes with its line break (and the blank line after
   it, when it was a paragraph of its own); a span inside a line goes with the
   spaces after it (or before it, at the end of a line). The edit log records
   the exact original text of every edit, so :func:`restore` rebuilds the
   original from the cleaned text alone.
"""

from __future__ import annotations

import bisect
import gc
import logging
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .document import Document
from .findings import ACTIONS, CATEGORIES, Finding
from .limits import Deadline, check_size
from .registry import Context, DetectorSpec, select
from .settings import Settings

log = logging.getLogger(__name__)

_CATEGORY_RANK = {cat: i for i, cat in enumerate(CATEGORIES)}
_EDITING = ("remove", "replace")
_HSPACE = " \t\f\v\u00a0"


#: A document of this many characters or more is cleaned with Python's cyclic garbage
#: collector paused (see :class:`_CollectorPause`).
GC_PAUSE_CHARS = 100_000


class _CollectorPause:
    """Pauses Python's cyclic garbage collector while long documents are cleaned.

    Why: a long document's segments, line records and findings (named tuples and
    dataclasses, one or more per line or finding) stay alive until it is done, and the
    collector never untracks them (it untracks plain tuples only), so every full
    collection walks all of them again: a third of the time of a million one-word lines
    (5 of 16 s), a sixth of a megabyte of 200,000 look-alike words. Cleaning makes no
    reference cycles (none were left to collect after runs over thousands of documents),
    so nothing waits for the collector meanwhile; reference counting frees everything
    as usual.

    How: runs from several threads share one pause; the collector is enabled again when
    the last of them ends, and only if it was enabled when the first began.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs = 0
        self._was_enabled = False

    @contextmanager
    def paused(self, pause: bool = True) -> Iterator[None]:
        if not pause:
            yield
            return
        with self._lock:
            if self._runs == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._runs += 1
        try:
            yield
        finally:
            with self._lock:
                self._runs -= 1
                if self._runs == 0 and self._was_enabled:
                    gc.enable()


_COLLECTOR = _CollectorPause()


class DetectorError(RuntimeError):
    """A detector raised or returned a malformed finding."""


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to the original: ``original[start:end]`` became ``replacement``.

    ``text`` is the original text of the span (it may be wider than the
    finding's span: a removal takes dangling white space with it), ``finding``
    the index of the finding in :attr:`Result.findings`.
    """

    start: int
    end: int
    text: str
    replacement: str
    finding: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Edit:
        """An edit from its report form (``edits`` of a document in the JSON report)."""
        return cls(data["start"], data["end"], data["text"], data["replacement"], data["finding"])


@dataclass
class Result:
    """What the pipeline returns for one document."""

    id: str
    source: str | None
    original: str
    cleaned: str
    findings: list[Finding]
    edits: list[Edit]
    stats: dict[str, Any]
    language: dict[str, Any] | None = None
    review: bool = False
    policy: list[str] = field(default_factory=list)

    def to_original(self, offset: int) -> int:
        """Map an offset in the cleaned text to the original text.

        An offset inside a replacement maps to the start of the replaced span.
        """
        if not 0 <= offset <= len(self.cleaned):
            raise IndexError(f"offset {offset} outside cleaned text of length {len(self.cleaned)}")
        shift = 0
        for edit in self.edits:
            clean_start = edit.start + shift
            if offset < clean_start:
                break
            if offset < clean_start + len(edit.replacement):
                return edit.start
            shift += len(edit.replacement) - (edit.end - edit.start)
        return offset - shift

    def to_dict(self) -> dict[str, Any]:
        """The per-document part of the report (no texts beyond the spans)."""
        return {
            "id": self.id,
            "source": self.source,
            "status": "ok",
            "language": self.language,
            "review": self.review,
            "policy": list(self.policy),
            "stats": self.stats,
            "findings": [f.to_dict() for f in self.findings],
            "edits": [e.to_dict() for e in self.edits],
        }


def restore(cleaned: str | Result, edits: Sequence[Edit] | None = None) -> str:
    """Rebuild the original text from the cleaned text and the edit log.

    ``restore(result)`` uses the result's own cleaned text and edits (never its
    stored original); ``restore(cleaned, edits)`` works from a report.
    """
    if isinstance(cleaned, Result):
        text, edits = cleaned.cleaned, cleaned.edits
    else:
        text = cleaned
    if edits is None:
        raise TypeError("restore(cleaned, edits) needs the edits")
    parts = []
    pos = 0  # position in the cleaned text
    shift = 0  # cleaned offset minus original offset, before the current edit
    for edit in sorted(edits, key=lambda e: e.start):
        clean_start = edit.start + shift
        parts.append(text[pos:clean_start])
        parts.append(edit.text)
        pos = clean_start + len(edit.replacement)
        shift += len(edit.replacement) - len(edit.text)
    parts.append(text[pos:])
    return "".join(parts)


class Pipeline:
    """Detectors plus settings; reusable across documents and threads."""

    def __init__(
        self, settings: Settings | None = None, detectors: Sequence[DetectorSpec] | None = None
    ) -> None:
        self.settings = settings or Settings()
        if detectors is None:
            detectors = select(self.settings.only, self.settings.skip)
        self.detectors = sorted(detectors, key=lambda d: d.name)

    @property
    def detector_names(self) -> list[str]:
        return [d.name for d in self.detectors]

    def run(
        self,
        text: str | Document,
        id: str = "",
        source: str | None = None,
        context: Context | None = None,
    ) -> Result:
        """Clean one document.

        Raises :class:`~filters.limits.LimitExceeded` when the document is longer
        than ``settings.max_chars`` or takes longer than ``settings.time_budget``.
        """
        doc = text if isinstance(text, Document) else self.document(text, id=id, source=source)
        check_size(len(doc.text), self.settings.max_chars)
        ctx = replace(context or Context(self.settings), counters=Counter())
        found: list[Finding] = []
        long = len(doc.text) >= GC_PAUSE_CHARS
        with _COLLECTOR.paused(long), Deadline(self.settings.time_budget) as deadline:
            for detector in self.detectors:
                deadline.check(detector.name)
                found.extend(_checked(detector, doc, ctx))
            deadline.check("deciding the edits")
            return self.decide(doc, found, ctx.counters)

    @property
    def needs_batch(self) -> bool:
        """True when a selected detector has a batch hook (``prepare``)."""
        return any(d.prepare is not None for d in self.detectors)

    def prepare(self, docs: Sequence[Document]) -> Context:
        """A context holding every batch hook's state for these documents."""
        ctx = Context(self.settings)
        for detector in self.detectors:
            if detector.prepare is not None:
                ctx.batch[detector.name] = detector.prepare(docs)
        return ctx

    def document(self, text: str, id: str = "", source: str | None = None) -> Document:
        """A :class:`Document` carrying the run's declared language."""
        return Document(text, id=id, source=source, lang=self.settings.lang)

    def run_many(self, texts: Iterable[str | Document], window: int = 1000) -> Iterator[Result]:
        """Clean many documents in order; batch hooks see windows of ``window`` documents.

        Plain strings get their position in ``texts`` as id.
        """
        if window < 1:
            raise ValueError(f"window must be at least 1, not {window}")
        batch: list[Document] = []
        for i, text in enumerate(texts):
            batch.append(text if isinstance(text, Document) else self.document(text, id=str(i)))
            if len(batch) == window:
                yield from self._run_window(batch)
                batch = []
        if batch:
            yield from self._run_window(batch)

    def _run_window(self, docs: list[Document]) -> Iterator[Result]:
        ctx = self.prepare(docs) if self.needs_batch else Context(self.settings)
        for doc in docs:
            yield self.run(doc, context=ctx)

    def decide(
        self, doc: Document, found: Iterable[Finding], counters: Mapping[str, int] | None = None
    ) -> Result:
        """Steps 2-6 for a document's raw findings (public for tests and replays).

        ``counters`` are the detectors' counts for this document (``Context.counters``),
        reported as ``stats["counters"]`` when there are any.
        """
        settings = self.settings
        findings: list[Finding] = []
        for finding in sorted(found, key=Finding.sort_key):
            action = settings.action_for(finding.category, finding.action)
            if action == "replace" and finding.replacement is None:
                action = finding.action  # an override cannot invent a fix; the proposal stands
            if action == "off":
                continue
            policy = None
            if action in _EDITING and finding.score < settings.min_confidence:
                action, policy = "flag", "low_confidence"
            if action != finding.action or policy != finding.policy:
                finding = finding.evolve(action=action, policy=policy)
            findings.append(finding)

        chosen, superseded = resolve_overlaps(findings)
        removed = sum(
            findings[i].end - findings[i].start for i in chosen if _is_removal(findings[i])
        )
        policy_fired: list[str] = []
        review = False
        if doc.text and removed / len(doc.text) > settings.max_removed_share:
            review = True
            policy_fired.append("max_removed_share")
            findings = [
                f.evolve(action="flag", policy="max_removed_share") if _is_removal(f) else f
                for f in findings
            ]
            chosen, superseded = resolve_overlaps(findings)
        if any(f.policy == "low_confidence" for f in findings):
            policy_fired.insert(0, "low_confidence")

        findings = [
            f.evolve(
                status="applied" if i in chosen else "superseded" if i in superseded else "flagged"
            )
            for i, f in enumerate(findings)
        ]
        edits = _make_edits(doc.text, findings, sorted(chosen, key=lambda i: findings[i].start))
        cleaned = apply_edits(doc.text, edits)
        return Result(
            id=doc.id,
            source=doc.source,
            original=doc.text,
            cleaned=cleaned,
            findings=findings,
            edits=edits,
            stats=_stats(doc, cleaned, findings, edits, counters),
            language=doc.language,
            review=review,
            policy=policy_fired,
        )


def resolve_overlaps(findings: Sequence[Finding]) -> tuple[set[int], set[int]]:
    """Indices of the editing findings that are applied, and of those superseded."""
    candidates = [i for i, f in enumerate(findings) if f.action in _EDITING]
    candidates.sort(key=lambda i: _priority(findings[i]))
    chosen: set[int] = set()
    superseded: set[int] = set()
    # The chosen spans never overlap, so sorted by start they are sorted by end too:
    # a candidate need only be checked against the few chosen spans from the first
    # one that ends at or after its start (bisect on their ends, kept beside them),
    # which keeps this O(n log n).
    spans: list[tuple[int, int]] = []
    ends: list[int] = []
    for i in candidates:
        f = findings[i]
        at = bisect.bisect_left(ends, f.start)
        clash = False
        while at < len(spans) and spans[at][0] <= f.end:
            if _spans_overlap(f.start, f.end, *spans[at]):
                clash = True
                break
            at += 1
        if clash:
            superseded.add(i)
        else:
            chosen.add(i)
            at = bisect.bisect_right(spans, (f.start, f.end))
            spans.insert(at, (f.start, f.end))
            ends.insert(at, f.end)
    return chosen, superseded


def _spans_overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    if a_start == a_end:
        return b_start <= a_start <= b_end
    if b_start == b_end:
        return a_start <= b_start <= a_end
    return a_start < b_end and b_start < a_end


def _priority(f: Finding) -> tuple[Any, ...]:
    return (
        -(f.end - f.start),
        -f.score,
        0 if f.action == "remove" else 1,
        f.start,
        _CATEGORY_RANK.get(f.category, len(_CATEGORY_RANK)),
        f.detector,
        f.code,
        f.replacement or "",
    )


def _is_removal(f: Finding) -> bool:
    return f.action == "remove"


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """The text with the (disjoint, sorted) edits applied."""
    parts = []
    pos = 0
    for edit in edits:
        parts.append(text[pos : edit.start])
        parts.append(edit.replacement)
        pos = edit.end
    parts.append(text[pos:])
    return "".join(parts)


def _make_edits(text: str, findings: Sequence[Finding], order: Sequence[int]) -> list[Edit]:
    edits: list[Edit] = []
    for n, i in enumerate(order):
        f = findings[i]
        start, end = f.start, f.end
        if f.action == "remove" and end > start:
            lower = edits[-1].end if edits else 0
            upper = findings[order[n + 1]].start if n + 1 < len(order) else len(text)
            start, end = _widen_removal(text, start, end, lower, upper)
            replacement = ""
        elif f.action == "remove":
            replacement = ""
        else:
            replacement = f.replacement or ""
        edits.append(Edit(start, end, text[start:end], replacement, i))
    return edits


def _widen_removal(text: str, start: int, end: int, lower: int, upper: int) -> tuple[int, int]:
    """Take the white space a removal would leave dangling, within ``[lower, upper]``."""
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    pre = start
    while pre > line_start and text[pre - 1] in _HSPACE:
        pre -= 1
    post = end
    while post < len(text) and text[post] in _HSPACE:
        post += 1
    at_line_end = post == len(text) or text[post] in "\r\n"
    if pre == line_start and at_line_end:
        # A whole line: take it with its line break, and with the blank line
        # after it when it stood alone as a paragraph.
        new_start, new_end = pre, _after_break(text, post)
        if new_end == post and pre > 0:  # last line: take the break before it
            new_start = _before_break(text, pre)
        elif _is_blank_before(text, pre):
            after_blank = _skip_blank_line(text, new_end)
            if after_blank != new_end:
                new_end = after_blank
    elif at_line_end:
        new_start, new_end = pre, post
    else:
        new_start, new_end = start, post
    return max(new_start, lower), min(new_end, upper)


def _after_break(text: str, pos: int) -> int:
    if text.startswith("\r\n", pos):
        return pos + 2
    if pos < len(text) and text[pos] in "\r\n":
        return pos + 1
    return pos


def _before_break(text: str, pos: int) -> int:
    if text[pos - 2 : pos] == "\r\n":
        return pos - 2
    if pos > 0 and text[pos - 1] in "\r\n":
        return pos - 1
    return pos


def _is_blank_before(text: str, line_start: int) -> bool:
    """True at the start of the text or when the previous line is blank."""
    if line_start == 0:
        return True
    prev_end = _before_break(text, line_start)
    prev_start = max(text.rfind("\n", 0, prev_end), text.rfind("\r", 0, prev_end)) + 1
    return not text[prev_start:prev_end].strip()


def _skip_blank_line(text: str, pos: int) -> int:
    """Past the blank line starting at ``pos``, if there is one."""
    end = pos
    while end < len(text) and text[end] in _HSPACE:
        end += 1
    after = _after_break(text, end)
    return after if after != end else pos


def _checked(detector: DetectorSpec, doc: Document, ctx: Context) -> list[Finding]:
    try:
        findings = list(detector(doc, ctx))
    except Exception as exc:  # a detector bug must name the detector
        raise DetectorError(f"detector {detector.name} failed: {exc!r}") from exc
    text = doc.text
    for f in findings:
        if not isinstance(f, Finding):
            raise DetectorError(f"detector {detector.name} returned {f!r}, not a Finding")
        if not (0 <= f.start <= f.end <= len(text)) or text[f.start : f.end] != f.text:
            raise DetectorError(
                f"detector {detector.name} returned a finding whose span ({f.start}, {f.end}) "
                f"does not match its text {f.text[:40]!r}"
            )
        if f.category not in detector.categories:
            raise DetectorError(
                f"detector {detector.name} returned category {f.category!r}, "
                f"not one of its own {detector.categories}"
            )
        no_fix = f.action == "replace" and not isinstance(f.replacement, str)
        if f.action not in ACTIONS or no_fix:
            raise DetectorError(
                f"detector {detector.name} returned action {f.action!r} with replacement "
                f"{f.replacement!r}; valid: {', '.join(ACTIONS)}, and replace needs a replacement"
            )
        if not 0.0 <= f.score <= 1.0:
            raise DetectorError(f"detector {detector.name} returned score {f.score!r} outside 0..1")
    return findings


def _stats(
    doc: Document,
    cleaned: str,
    findings: Sequence[Finding],
    edits: Sequence[Edit],
    counters: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    by_category: dict[str, Counter[str]] = {}
    for f in findings:
        by_category.setdefault(f.category, Counter())[f.status or "flagged"] += 1
    removed = sum(len(e.text) for e in edits if not e.replacement)
    chars = len(doc.text)
    stats: dict[str, Any] = {
        "chars": chars,
        "chars_cleaned": len(cleaned),
        "chars_removed": removed,
        "removed_share": round(removed / chars, 4) if chars else 0.0,
        "lines": len(doc.content_lines),
        "sentences": len(doc.sentences),
        "findings": len(findings),
        "applied": sum(1 for f in findings if f.status == "applied"),
        "flagged": sum(1 for f in findings if f.status == "flagged"),
        "superseded": sum(1 for f in findings if f.status == "superseded"),
        "by_category": {cat: dict(sorted(c.items())) for cat, c in sorted(by_category.items())},
    }
    if counters:
        stats["counters"] = dict(sorted(counters.items()))
    return stats
