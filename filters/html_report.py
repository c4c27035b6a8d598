"""The HTML report: one self-contained review page for a run.

What the page shows: the tool version, settings, run summary and the report's
id; a category table that is the legend, the per-category counts and the
category filter at once; an index of the documents (findings per category,
share removed, review flag, reviewer progress, error), sortable and
filterable; and one document at a time (``#doc-N``): its text with every
finding highlighted, in three views (diff, original, cleaned), and the list of
its findings with their full evidence, also shown as a tooltip on hover and on
keyboard focus. A toolbar offers a minimum-score filter, keyboard navigation
(``j``/``k``), reviewer decisions (accept or reject each finding, add a
removal by selecting text), kept in ``localStorage`` under the report's id and
exported as a ``clean-news/decisions/1`` file for :mod:`filters.decisions`.

How it is built. Python renders the static frame (run information, legend,
toolbar) with Jinja2 and embeds the documents as JSON (:func:`page_data`):
per document its findings and its text cut into *pieces* by
:func:`split_pieces`, the single place where highlights and the diff are
computed. The page's script draws the index and the open document from that
data with DOM methods. Parsing JSON is far cheaper than parsing the same
content as HTML (a 1,000-document report, 7 MB, opens in about a second), and
only the open document is in the DOM. Without JavaScript the page shows the
run information and says that the documents need the script.

The pieces are an exact inline diff. The text is split at every finding and
edit boundary; each piece covered by findings becomes one
``<mark class="hl" data-finding="I">`` per finding (nested, outermost the
earliest and longest), so a finding's text is the concatenation of its marks.
Text removed by an edit sits in a ``<del>``, the text an edit puts in (only
the part that differs: for ``destroyed,civilians`` -> ``destroyed, civilians``
the inserted space) in an ``<ins>`` outside the marks. So the text minus its
``<ins>`` is the original, and minus its ``<del>`` the cleaned text: the three
views are CSS over this one block. Categories differ by colour and by a second
cue readable without colour: a short label before each finding (``CAP``,
``META``...) and the style of its underline. The first mark of each finding
is focusable and described by its entry in the list of findings.

Why it is safe to open a page built from scraped text: the frame is rendered
by Jinja2 with autoescaping on, and the only value marked safe is the JSON
data block built by :func:`script_json`, which escapes ``<``, ``>``, ``&``,
U+2028 and U+2029 so that nothing in it can close its ``<script>`` element or
open a comment; browsers never run a script of type ``application/json``. The
script puts report text into the page only through ``textContent`` and text
nodes, never as HTML, and builds class names only from known category and
status tokens (anything else becomes ``unknown``). The page loads nothing: a
Content-Security-Policy ``<meta>`` allows no source but the page's own
``<style>`` and ``<script>`` elements, by the SHA-256 of their exact content,
computed here at render time; ``connect-src`` is ``'none'`` (the decisions
export is a ``blob:`` download through ``<a download>``, which is not a
fetch). Text in another writing direction is isolated (``<bdi>``,
``unicode-bidi``) so a right-to-left override in a scraped id cannot reorder
the page around it.

The output is deterministic: no timestamps, documents in report order, HTML
ids built from positions (``doc-3``, ``d3-f0``), never from document ids,
which may repeat.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import decisions
from .findings import ACTIONS, STATUSES
from .pipeline import Edit, apply_edits, restore

__all__ = [
    "CATEGORY_STYLES",
    "FINDING_FIELDS",
    "csp_hash",
    "environment",
    "page_data",
    "render_html",
    "script_json",
    "split_pieces",
]

TEMPLATE = "report.html.j2"


@dataclass(frozen=True)
class CategoryStyle:
    """How a category looks: a label (the colour-free cue), colours, underline style."""

    label: str
    background: str
    border: str
    line: str  # CSS border-style of the underline: the second cue besides the label


#: One entry per category, in the order of :data:`filters.findings.CATEGORIES` (a test
#: checks); a category without an entry is drawn as ``unknown``.
CATEGORY_STYLES: dict[str, CategoryStyle] = {
    "off_topic": CategoryStyle("OFF", "#fecaca", "#b91c1c", "solid"),
    "caption": CategoryStyle("CAP", "#fed7aa", "#c2410c", "dashed"),
    "tag_run": CategoryStyle("TAG", "#fde68a", "#a16207", "dotted"),
    "metadata": CategoryStyle("META", "#d9f99d", "#4d7c0f", "double"),
    "boilerplate": CategoryStyle("BOIL", "#99f6e4", "#0f766e", "solid"),
    "heading": CategoryStyle("HEAD", "#bae6fd", "#0369a1", "dashed"),
    "markup": CategoryStyle("HTML", "#c7d2fe", "#4338ca", "dotted"),
    "duplicate": CategoryStyle("DUP", "#e9d5ff", "#7e22ce", "double"),
    "missing_space": CategoryStyle("SPACE", "#fbcfe8", "#be185d", "solid"),
    "encoding": CategoryStyle("ENC", "#e7e5e4", "#44403c", "dashed"),
    "foreign_language": CategoryStyle("LANG", "#a5f3fc", "#0e7490", "dotted"),
    "readability": CategoryStyle("READ", "#fef9c3", "#854d0e", "double"),
}

STYLED: tuple[str, ...] = tuple(CATEGORY_STYLES)
#: Class token for a category, action or status the page does not know.
UNKNOWN = "unknown"
#: Nesting depth from which marks all get the same underline offset.
MAX_DEPTH = 3
#: A finding's text is quoted in full in its list entry up to this many characters.
QUOTE_LIMIT = 240
#: What JSON must not carry raw inside a <script> element, and its JSON escape.
_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


@dataclass(frozen=True)
class Mark:
    """One highlight element: a piece of text (or a point) inside finding ``finding``."""

    finding: int
    category: str
    action: str
    status: str
    first: bool
    depth: int = 0  # how many marks sit inside this one, capped at MAX_DEPTH


@dataclass(frozen=True)
class Piece:
    """A run of the original text, a zero-width finding, or text an edit inserts.

    ``kind`` is ``text`` (``text`` with its ``marks``, outermost first, and
    ``cut``, the category of the edit removing it, or None), ``point`` (one
    mark on an empty span) or ``ins`` (``text`` inserted by edit ``edit``).
    """

    kind: str
    text: str = ""
    marks: tuple[Mark, ...] = ()
    cut: str | None = None
    edit: int | None = None
    finding: int | None = None  # the finding of edit ``edit``


@dataclass
class DocView:
    """What the page says about one document entry of the report."""

    index: int
    id: str
    source: str | None
    status: str
    error: str | None = None
    review: bool = False
    policy: list[str] = field(default_factory=list)
    language: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    findings: list[list[Any]] = field(default_factory=list)  # see _finding_row
    pieces: list[Piece] | None = None  # None: no original text to show
    cleaned_chars: int | None = None
    unchanged: bool = False  # the cleaned text is the original
    problem: str | None = None  # why a given text is not shown


def render_html(
    report: Mapping[str, Any], texts: Mapping[str, str], *, report_id: str | None = None
) -> str:
    """The review page for ``report`` (from :func:`filters.report.build_report`).

    ``texts`` maps a document id to its original text. A document whose id is
    missing, or whose text does not match the report's offsets, is shown with
    its findings but without the text (the page says which). Documents are
    rendered by position, so repeated ids stay separate entries.

    The page carries the report's id (:func:`filters.decisions.report_id` of
    ``report``), which its decisions export names; pass ``report_id`` when
    ``report`` is only part of the report written to disk.
    """
    rid = report_id or decisions.report_id(report)
    documents = [_document_view(i, doc, texts) for i, doc in enumerate(report["documents"])]
    summary = report.get("summary") or {}
    summary_categories = summary.get("categories") or {}
    present = [cat for cat in STYLED if (summary_categories.get(cat) or {}).get("findings", 0) > 0]
    template = environment().get_template(TEMPLATE)
    return template.render(
        report=report,
        tool=report.get("tool") or {},
        settings=report.get("settings") or {},
        summary=summary,
        summary_categories=summary_categories,
        present=present,
        documents=documents,
        styles=CATEGORY_STYLES,
        report_id=rid,
        data=script_json(page_data(rid, documents)),
        removal_categories=decisions.REMOVAL_CATEGORIES,
    )


def script_json(data: Any) -> Markup:
    """``data`` as JSON that is safe as the content of a ``<script>`` element.

    ``<``, ``>`` and ``&`` (so no ``</script>``, ``<!--`` or ``<script``) and
    the line separators U+2028 and U+2029 appear only inside JSON strings, where
    their ``\\uXXXX`` escapes mean the same, so ``JSON.parse`` gives ``data`` back.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(raw, escaped)
    return Markup(text)


#: The fields of a finding row in the page data, in order (the script names them the same).
FINDING_FIELDS = (
    "start",
    "end",
    "score",
    "action",
    "policy",
    "has_replacement",
    "code",
    "category",  # the class token: a known category or "unknown"
    "category_name",  # as the report says
    "status",  # the class token: a known status or "unknown"
    "detector",
    "reason",
    "text",  # the span, cut in the middle when long (QUOTE_LIMIT)
    "replacement",  # the same for a replacement, else null
)
#: Piece kinds in the page data: [0, text, [finding, ...outermost first], cut finding or -1],
#: [1, finding] (a point), [2, inserted text, finding].
PIECE_TEXT, PIECE_POINT, PIECE_INS = 0, 1, 2


def page_data(rid: str, documents: Sequence[DocView]) -> dict[str, Any]:
    """Everything the script renders: the index and, per document, its text as pieces."""
    return {
        "report_id": rid,
        "decisions_schema": decisions.DECISIONS_SCHEMA,
        "finding_fields": list(FINDING_FIELDS),
        "labels": {cat: style.label for cat, style in CATEGORY_STYLES.items()},
        "documents": [_document_data(d) for d in documents],
    }


def _document_data(d: DocView) -> dict[str, Any]:
    stats = {
        key: d.stats[key]
        for key in ("chars", "chars_removed", "removed_share", "applied", "flagged", "superseded")
        if key in d.stats
    }
    return {
        "id": d.id,
        "source": d.source,
        "ok": d.error is None,
        "error": d.error,
        "review": d.review,
        "policy": d.policy,
        "language": d.language,
        "stats": stats,
        "counts": d.counts,
        "problem": d.problem,
        "unchanged": d.unchanged,
        "cleaned_chars": d.cleaned_chars,
        "findings": d.findings,
        "pieces": None if d.pieces is None else [_piece_data(p) for p in d.pieces],
    }


def _piece_data(p: Piece) -> list[Any]:
    if p.kind == "point":
        return [PIECE_POINT, p.marks[0].finding]
    if p.kind == "ins":
        return [PIECE_INS, p.text, p.finding]
    return [
        PIECE_TEXT,
        p.text,
        [m.finding for m in p.marks],
        -1 if p.finding is None else p.finding,
    ]


def csp_hash(content: str) -> str:
    """The CSP hash (``sha256-...``, used in quotes) of an inline element with exactly ``content``.

    Browsers hash the UTF-8 bytes of the element's text as parsed, so the
    content must not depend on newline normalisation: the template has LF only.
    """
    digest = hashlib.sha256(content.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


@cache
def environment() -> Environment:
    """Jinja2 with autoescaping always on (also for the ``.j2`` name) and strict names."""
    env = Environment(
        loader=PackageLoader("filters", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html", "j2"), default_for_string=True, default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["csp_hash"] = lambda content: csp_hash(str(content))
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    return env


def _num(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _pct(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value * 100:.1f}%"
    return str(value)


def _quote(value: Any) -> str | None:
    """A span for the list of findings: long ones are cut in the middle."""
    if value is None:
        return None
    text = str(value)
    if len(text) <= QUOTE_LIMIT:
        return text
    half = QUOTE_LIMIT // 2
    return f"{text[:half]} … [{len(text) - 2 * half:,} characters] … {text[-half:]}"


def _token(value: Any, known: Sequence[str]) -> str:
    """``value`` if it is one of ``known`` (safe as a class name), else ``unknown``."""
    return value if isinstance(value, str) and value in known else UNKNOWN


def _finding_row(f: Mapping[str, Any]) -> list[Any]:
    """One finding for the page, as :data:`FINDING_FIELDS` lists (JSON-safe values only)."""
    score = f.get("score")
    number = isinstance(score, int | float) and not isinstance(score, bool)
    replacement = f.get("replacement") if f.get("action") == "replace" else None
    return [
        f.get("start") if isinstance(f.get("start"), int) else None,
        f.get("end") if isinstance(f.get("end"), int) else None,
        float(score) if number and score is not None else None,
        str(f.get("action")),
        str(f["policy"]) if f.get("policy") else None,
        f.get("replacement") is not None,
        str(f.get("code")),
        _token(f.get("category"), STYLED),
        str(f.get("category")),
        _token(f.get("status"), STATUSES),
        str(f.get("detector")),
        str(f.get("reason", "")),
        _quote(f.get("text")),
        _quote(replacement),
    ]


def _document_view(index: int, doc: Mapping[str, Any], texts: Mapping[str, str]) -> DocView:
    doc_id = str(doc.get("id", ""))
    source = doc.get("source")
    view = DocView(
        index=index,
        id=doc_id,
        source=None if source is None else str(source),
        status=str(doc.get("status")),
    )
    if doc.get("status") != "ok":
        view.error = str(doc.get("error") or "unknown error")
        return view
    findings: list[Mapping[str, Any]] = list(doc.get("findings") or [])
    edits: list[Mapping[str, Any]] = list(doc.get("edits") or [])
    view.review = bool(doc.get("review"))
    view.policy = [str(p) for p in doc.get("policy") or []]
    language = doc.get("language")
    if isinstance(language, Mapping) and language.get("code"):
        view.language = f"{language['code']} ({language.get('source', 'unknown')})"
    view.stats = dict(doc.get("stats") or {})
    view.findings = [_finding_row(f) for f in findings]
    counts = Counter(row[7] for row in view.findings)
    view.counts = {cat: counts[cat] for cat in (*STYLED, UNKNOWN) if counts[cat]}
    text = texts.get(doc_id)
    if text is None:
        view.problem = "The original text was not given, so only the findings are listed."
        return view
    problem = _mismatch(text, view.stats, findings, edits)
    if problem:
        view.problem = f"The text given does not match this report ({problem}), so it is not shown."
        return view
    edit_objects = [
        Edit(e["start"], e["end"], e["text"], e["replacement"], e["finding"]) for e in edits
    ]
    cleaned = apply_edits(text, edit_objects)
    view.cleaned_chars = len(cleaned)
    view.unchanged = cleaned == text
    view.pieces = split_pieces(text, findings, edits)
    return view


def _mismatch(
    text: str,
    stats: Mapping[str, Any],
    findings: Sequence[Mapping[str, Any]],
    edits: Sequence[Mapping[str, Any]],
) -> str | None:
    """Why ``text`` cannot be the original of this report entry, or None when it can."""
    if "chars" in stats and stats["chars"] != len(text):
        return f"{len(text)} characters, the report says {stats['chars']}"
    for i, f in enumerate(findings):
        start, end = f.get("start"), f.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
            return f"finding {i} has offsets outside the text"
        if "text" in f and text[start:end] != f["text"]:
            return f"finding {i} does not match its span"
    pos = 0
    for k, e in enumerate(edits):
        start, end, finding = e.get("start"), e.get("end"), e.get("finding")
        if not (
            isinstance(start, int) and isinstance(end, int) and pos <= start <= end <= len(text)
        ):
            return f"edit {k} is out of order or outside the text"
        if text[start:end] != e.get("text") or not isinstance(e.get("replacement"), str):
            return f"edit {k} does not match its span"
        if not (isinstance(finding, int) and 0 <= finding < len(findings)):
            return f"edit {k} names no finding"
        pos = end
    edit_objects = [Edit(e["start"], e["end"], e["text"], e["replacement"], 0) for e in edits]
    if restore(apply_edits(text, edit_objects), edit_objects) != text:
        return "its edits do not replay"
    return None


def split_pieces(
    text: str,
    findings: Sequence[Mapping[str, Any]],
    edits: Sequence[Mapping[str, Any]],
) -> list[Piece]:
    """The original text cut at every finding and edit boundary (offsets already checked).

    A replacement edit is shown by its difference only: the common prefix and
    suffix of its old and new text stay plain, the middle is deleted and the
    rest inserted after it. Joining the ``text`` pieces gives ``text`` back;
    joining the ``text`` pieces outside a cut and the ``ins`` pieces gives the
    cleaned text.
    """
    cuts: list[tuple[int, int, str, int, int]] = []  # (start, end, category, edit, finding)
    events: dict[int, list[tuple[int, int, Piece]]] = {}  # position -> (origin, order, piece)
    for k, e in enumerate(edits):
        old, new = e["text"], e["replacement"]
        prefix = _common_prefix(old, new)
        suffix = _common_prefix(old[prefix:][::-1], new[prefix:][::-1])
        start, end = e["start"] + prefix, e["end"] - suffix
        category = _token(findings[e["finding"]].get("category"), STYLED)
        if start < end:
            cuts.append((start, end, category, k, e["finding"]))
        inserted = new[prefix : len(new) - suffix]
        if inserted:
            piece = Piece("ins", inserted, cut=category, edit=k, finding=e["finding"])
            events.setdefault(end, []).append((e["start"], 1, piece))

    boundaries = {0, len(text)}
    for start, end, *_ in cuts:
        boundaries.update((start, end))
    spans: list[tuple[int, int, int]] = []  # non-empty findings: (start, end, index)
    for i, f in enumerate(findings):
        if f["start"] == f["end"]:
            mark = _mark(i, f, first=True)
            events.setdefault(f["start"], []).append((f["start"], 0, Piece("point", marks=(mark,))))
        else:
            spans.append((f["start"], f["end"], i))
            boundaries.update((f["start"], f["end"]))
    # Outermost first: earlier start, then longer span, then report order.
    spans.sort(key=lambda s: (s[0], -s[1], s[2]))

    boundaries.update(events)
    pieces: list[Piece] = []
    seen: set[int] = set()
    active: list[tuple[int, int, int]] = []  # spans covering the current piece, outermost first
    next_span = next_cut = 0
    points = sorted(boundaries)
    for a, b in zip(points, [*points[1:], None], strict=True):
        for _, _, piece in sorted(events.get(a, []), key=lambda ev: ev[:2]):
            pieces.append(piece)
        if b is None:
            break
        active = [s for s in active if s[1] > a]
        while next_span < len(spans) and spans[next_span][0] <= a:
            active.append(spans[next_span])
            next_span += 1
        while next_cut < len(cuts) and cuts[next_cut][1] <= a:
            next_cut += 1
        cut = cuts[next_cut] if next_cut < len(cuts) and cuts[next_cut][0] <= a else None
        marks = []
        for n, (_, _, i) in enumerate(active):
            depth = min(len(active) - 1 - n, MAX_DEPTH)
            marks.append(_mark(i, findings[i], first=i not in seen, depth=depth))
            seen.add(i)
        pieces.append(
            Piece(
                "text",
                text[a:b],
                marks=tuple(marks),
                cut=cut[2] if cut else None,
                edit=cut[3] if cut else None,
                finding=cut[4] if cut else None,
            )
        )
    return pieces


def _mark(i: int, f: Mapping[str, Any], first: bool, depth: int = 0) -> Mark:
    return Mark(
        finding=i,
        category=_token(f.get("category"), STYLED),
        action=_token(f.get("action"), ACTIONS),
        status=_token(f.get("status"), STATUSES),
        first=first,
        depth=depth,
    )


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
