"""The HTML report: inert with hostile text, CSP hashes that match, every finding highlighted.

Pages are parsed with :mod:`html.parser` (what a browser's parser sees, minus
the error recovery we never rely on) and checked element by element.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import defaultdict
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from filters import Pipeline, Settings
from filters.decisions import report_id
from filters.document import Document
from filters.findings import CATEGORIES, Finding, make_finding
from filters.html_report import (
    CATEGORY_STYLES,
    PIECE_INS,
    PIECE_POINT,
    QUOTE_LIMIT,
    environment,
    render_html,
    script_json,
    split_pieces,
)
from filters.pipeline import Result
from filters.report import DocumentError, build_report

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

#: Every element the page may contain; anything else came from the data.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "script", "body", "header", "main", "section",
    "h1", "h2", "h3", "p", "div", "span", "code", "dl", "dt", "dd", "table", "caption", "thead",
    "tbody", "tr", "th", "td", "label", "input", "a", "bdi", "mark", "del", "ins", "details",
    "summary", "ol", "li", "q", "nav", "fieldset", "legend", "output", "select", "option",
    "button", "kbd", "b",
}  # fmt: skip
VOID = {"meta", "input", "br", "hr", "img", "link", "wbr", "source", "area", "base", "col"}
#: Attributes that load or run something; the page needs none of them.
ACTIVE_ATTRIBUTES = {"src", "srcdoc", "srcset", "action", "formaction", "style", "background"}

PAYLOADS = [
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a> javascript:alert(1)',
    "<svg onload=alert(1)>",
    '<iframe src="https://example.invalid/"></iframe>',
    "<!-- a comment --> <!--",
    "line\u2028separator\u2029paragraph",
    "</style><style>*{display:none}</style>",
    '" onmouseover="alert(1)" x=\'',
    "&lt;script&gt; &amp; &#60;b&#62;",
    "\u202egnp.exe <bdo dir=rtl>x</bdo>",
    "{{ 7*7 }} {% raw %}",
]


class Page(HTMLParser):
    """The facts a test needs about a rendered page.

    The markup is parsed with :mod:`html.parser` and checked element by
    element; the documents, which the page's script draws from its JSON data
    block, are rebuilt here from that data the way the script does it
    (``tests/test_browser.py`` checks the drawn page itself).
    """

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.script_attrs: list[dict[str, str | None]] = []
        self.comments: list[str] = []
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()
        assert not self.stack or [t for t, _ in self.stack] == ["html"], self.stack
        # Per document with a text: the text without insertions and without deletions.
        self.original: dict[int, str] = {}
        self.cleaned: dict[int, str] = {}
        # Per document and finding: its marks (first, depth) and the text inside them.
        self.marks: dict[int, dict[int, list[dict[str, Any]]]] = {}
        self.mark_text: dict[int, dict[int, str]] = {}
        # Each finding's list entry, by its HTML id (d{doc}-f{i}): field -> value.
        self.items: dict[str, dict[str, Any]] = {}
        fields = self.data["finding_fields"]
        for n, doc in enumerate(self.data["documents"]):
            for i, row in enumerate(doc["findings"]):
                self.items[f"d{n}-f{i}"] = dict(zip(fields, row, strict=True))
            if doc["pieces"] is not None:
                self._rebuild(n, doc["pieces"])

    def _rebuild(self, n: int, pieces: list[list[Any]]) -> None:
        original = cleaned = ""
        marks: dict[int, list[dict[str, Any]]] = defaultdict(list)
        mark_text: dict[int, str] = defaultdict(str)
        for piece in pieces:
            kind = piece[0]
            if kind == PIECE_POINT:
                marks[piece[1]].append({"first": not marks[piece[1]], "depth": 0, "point": True})
            elif kind == PIECE_INS:
                cleaned += piece[1]
            else:
                _, text, inside, cut = piece
                original += text
                cleaned += "" if cut >= 0 else text
                for k, i in enumerate(inside):
                    depth = min(len(inside) - 1 - k, 3)
                    marks[i].append({"first": not marks[i], "depth": depth, "point": False})
                    mark_text[i] += text
        self.original[n], self.cleaned[n] = original, cleaned
        self.marks[n], self.mark_text[n] = dict(marks), dict(mark_text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "style":
            self.styles.append("")
        if tag == "script":
            self.scripts.append("")
            self.script_attrs.append(a)
        if tag not in VOID:
            self.stack.append((tag, a))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                assert i == len(self.stack) - 1, f"</{tag}> closes {self.stack[i:]}"
                del self.stack[i:]
                return
        raise AssertionError(f"</{tag}> without an open element")

    def handle_data(self, data: str) -> None:
        tag = self.stack[-1][0] if self.stack else ""
        if tag == "style":
            self.styles[-1] += data
        elif tag == "script":
            self.scripts[-1] += data

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag]

    @property
    def script(self) -> str:
        """The one script that runs."""
        (code,) = [c for c, a in zip(self.scripts, self.script_attrs, strict=True) if not a]
        return code

    @property
    def data(self) -> Any:
        """The JSON data block the script reads."""
        (text,) = [
            c
            for c, a in zip(self.scripts, self.script_attrs, strict=True)
            if a.get("type") == "application/json"
        ]
        return json.loads(text)

    def item_text(self, id_: str) -> str:
        """Everything a finding's list entry (and so its tooltip) says, as one string."""
        item = self.items[id_]
        return " ".join(str(v) for k, v in item.items() if k != "score") + (
            f" score {item['score']:.3f}" if isinstance(item["score"], float) else ""
        )


def assert_inert(page: Page) -> None:
    """Only the page's own elements, one style, one script and its data, nothing that loads."""
    tags = {tag for tag, _ in page.elements}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    assert len(page.styles) == 1
    assert page.script_attrs == [{"type": "application/json", "id": "report-data"}, {}]
    data_block = page.scripts[0]
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in data_block, raw
    assert page.data["report_id"].startswith("sha256:")
    assert page.comments == []
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ACTIVE_ATTRIBUTES, (tag, name)
            assert "javascript:" not in (value or "").replace(" ", "").lower() or name in {
                "title",
                "data-category",
            }, (tag, name, value)
        if tag == "a":
            assert (attrs.get("href") or "").startswith("#"), attrs
    ids = [a["id"] for _, a in page.elements if "id" in a]
    assert len(ids) == len(set(ids)), "duplicate HTML ids"
    assert not any(t == "mark" and "data-finding" in a for t, a in page.elements)


def css_hashes(page: Page) -> dict[str, str]:
    metas = [a for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    directives = {}
    for part in (metas[0].get("content") or "").split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value.strip()
    return directives


def sha256_source(content: str) -> str:
    digest = hashlib.sha256(content.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def decide(text: str, findings: list[Finding], id: str = "doc", **settings: Any) -> Result:
    return Pipeline(Settings(**settings), detectors=[]).decide(Document(text, id=id), findings)


def report_of(*outcomes: Result | DocumentError) -> dict[str, Any]:
    return build_report(outcomes, Settings(), ["fake_v1"])


def fake(
    text: str,
    start: int,
    end: int,
    category: str = "boilerplate",
    action: str | None = None,
    replacement: str | None = None,
    score: float = 0.9,
    reason: str = "test finding",
    detector: str = "fake_v1",
    code: str | None = None,
) -> Finding:
    return make_finding(
        text,
        start,
        end,
        detector=detector,
        category=category,
        code=code or f"{category}.test",
        score=score,
        reason=reason,
        action=action,
        replacement=replacement,
    )


def assert_highlights(page: Page, doc: int, result: Result) -> None:
    """Every finding has marks whose text is its own; the pieces are an exact inline diff."""
    assert page.original[doc] == result.original
    assert page.cleaned[doc] == result.cleaned
    for i, f in enumerate(result.findings):
        marks = page.marks[doc][i]
        assert len(marks) >= 1, f"finding {i} has no highlight"
        assert page.mark_text[doc].get(i, "") == f.text, i
        assert sum(m["first"] for m in marks) == 1  # one focusable mark per finding
        item = page.items[f"d{doc}-f{i}"]
        assert (item["start"], item["end"]) == (f.start, f.end)
        assert (item["category"], item["status"]) == (f.category, f.status)
        # The list entry says everything; the script shows it on hover and on focus.
        said = page.item_text(f"d{doc}-f{i}")
        for value in (f.category, f.code, f.detector, f.action, f.status, f.reason):
            assert value in said, (value, said)
        assert f"score {f.score:.3f}" in said
    assert set(page.marks[doc]) <= set(range(len(result.findings)))


# --- safety --------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("where", ["text", "id", "source", "reason", "code", "error"])
def test_render_html_payload_stays_text(payload: str, where: str) -> None:
    text = f"Before {payload} after.\n\nA second paragraph."
    doc_id = payload if where == "id" else "doc"
    start = text.index(payload) if where == "text" else 0
    finding = fake(
        text,
        start,
        start + len(payload) if where == "text" else 6,
        category="markup",
        action="replace",
        replacement=payload + "!",
        reason=payload if where == "reason" else "a reason",
        code=f"markup.{payload}" if where == "code" else None,
    )
    result = decide(text, [finding], id=doc_id)
    result.source = payload if where == "source" else "in.txt"
    outcomes: list[Result | DocumentError] = [result]
    if where == "error":
        outcomes.append(DocumentError(id=payload, source=payload, error=payload))
    html = render_html(report_of(*outcomes), {doc_id: text})
    page = Page(html)
    assert_inert(page)
    if "<" in payload:
        assert payload not in html
    assert payload not in page.styles[0] and payload not in page.script
    assert_highlights(page, 0, result)
    said = page.item_text("d0-f0")  # the list entry keeps the payload as text
    assert where not in {"reason", "code"} or payload in said
    ids = [d["id"] for d in page.data["documents"]]  # the JSON block gives it back intact
    assert ids[0] == doc_id and (where != "error" or ids[1] == payload)
    assert where != "source" or page.data["documents"][0]["source"] == payload
    assert where != "error" or page.data["documents"][1]["error"] == payload


def test_render_html_unknown_category_and_status_are_not_class_names() -> None:
    text = "Some text here."
    report = report_of(decide(text, [fake(text, 0, 4)]))
    finding = report["documents"][0]["findings"][0]
    finding["category"] = 'x" onclick="alert(1)'
    finding["status"] = "<b>"
    page = Page(render_html(report, {"doc": text}))
    assert_inert(page)
    item = page.items["d0-f0"]  # the script builds class names from these tokens only
    assert (item["category"], item["status"]) == ("unknown", "unknown")
    assert item["category_name"] == 'x" onclick="alert(1)'
    assert page.data["documents"][0]["counts"] == {"unknown": 1}


def test_render_html_csp_hashes_match_inline_content() -> None:
    text = "Houses are destroyed,civilians died."
    finding = fake(text, 11, 30, "missing_space", replacement="destroyed, civilians")
    page = Page(render_html(report_of(decide(text, [finding])), {"doc": text}))
    csp = css_hashes(page)
    assert csp["default-src"] == "'none'"
    assert csp["style-src"] == sha256_source(page.styles[0])
    assert csp["script-src"] == sha256_source(page.script)
    for name in ("img-src", "font-src", "connect-src", "form-action", "base-uri", "object-src"):
        assert csp[name] == "'none'"
    assert "unsafe" not in " ".join(csp.values())
    order = [t for t, a in page.elements if t in {"style", "script"} or "http-equiv" in a]
    assert order == ["meta", "style", "script", "script"], "the policy must come first"
    assert "\r" not in page.styles[0] + page.script


def test_render_html_script_never_writes_html() -> None:
    page = Page(render_html(report_of(), {}))
    script = page.script
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "DOMParser",
        "createContextualFragment",
        "srcdoc",
        'setAttribute("style',
        'setAttribute("on',
        'setAttribute("href',
    ):
        assert sink not in script
    assert "Function(" not in script and "setTimeout(" not in script


def test_render_html_template_autoescapes() -> None:
    env = environment()
    assert callable(env.autoescape) and env.autoescape("report.html.j2") is True
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_category_styles_cover_every_category() -> None:
    assert tuple(CATEGORY_STYLES) == CATEGORIES
    labels = [style.label for style in CATEGORY_STYLES.values()]
    assert len(set(labels)) == len(labels)
    cues = [(style.background, style.line) for style in CATEGORY_STYLES.values()]
    assert len(set(cues)) == len(cues)


def test_render_html_template_ships_with_package() -> None:
    template = resources.files("filters").joinpath("templates").joinpath("report.html.j2")
    assert template.is_file()
    source = template.read_text(encoding="utf-8").replace(" ", "")
    assert "|safe" not in source and "Markup(" not in source


# --- highlights -----------------------------------------------------------------------------------

TEXT = "Alpha beta gamma delta.\nEpsilon zeta eta theta.\n\nIota kappa,lambda mu."
COMMA = TEXT.index(",lambda") + 1  # where a missing space goes
ETA = TEXT.index(" eta ") + 1
END = len(TEXT)
SPANS: dict[str, list[tuple[Any, ...]]] = {
    # (needle or (start, end), category, action, replacement)
    "single removal": [("beta", "caption", None, None)],
    "nested": [
        ("Alpha beta gamma delta.", "off_topic", "flag", None),
        ("gamma", "metadata", None, None),
    ],
    "partial overlap": [
        ("beta gamma", "foreign_language", None, None),
        ("gamma delta", "readability", None, None),
    ],
    "identical spans": [
        ("Epsilon zeta", "foreign_language", None, None),
        ("Epsilon zeta", "readability", None, None),
    ],
    "competing edits": [
        ("Alpha beta", "caption", None, None),
        ("beta gamma delta", "boilerplate", None, None),
    ],
    "three deep": [
        ("Epsilon zeta eta theta.", "duplicate", "flag", None),
        ("zeta eta theta", "readability", None, None),
        ((ETA, ETA + 3), "foreign_language", None, None),
    ],
    "adjacent": [("Alpha", "heading", None, None), (" beta", "caption", None, None)],
    "insertion": [((COMMA, COMMA), "missing_space", "replace", " ")],
    "insertion and flag at one point": [
        ((COMMA, COMMA), "missing_space", "replace", " "),
        ((COMMA, COMMA), "missing_space", "flag", None),
    ],
    "replacement by difference": [("kappa,lambda", "missing_space", "replace", "kappa, lambda")],
    "whole line removal": [("Epsilon zeta eta theta.", "duplicate", None, None)],
    "whole text": [((0, END), "off_topic", "flag", None)],
    "replacement inside removal": [
        ("Iota kappa,lambda mu.", "boilerplate", None, None),
        ("kappa,lambda", "missing_space", "replace", "kappa, lambda"),
    ],
    "at the end": [("mu.", "tag_run", None, None), ((END, END), "markup", "flag", None)],
}  # fmt: skip


def findings_for(text: str, spans: list[tuple[Any, ...]]) -> list[Finding]:
    out = []
    for where, category, action, replacement in spans:
        start, end = where if isinstance(where, tuple) else (text.index(where), 0)
        if not isinstance(where, tuple):
            end = start + len(where)
        out.append(fake(text, start, end, category, action, replacement))
    return out


@pytest.mark.parametrize("case", list(SPANS))
def test_render_html_highlights_every_finding(case: str) -> None:
    result = decide(TEXT, findings_for(TEXT, SPANS[case]))
    page = Page(render_html(report_of(result), {"doc": TEXT}))
    assert_inert(page)
    assert_highlights(page, 0, result)


def test_render_html_overlap_nests_marks_with_depth() -> None:
    result = decide(TEXT, findings_for(TEXT, SPANS["three deep"]))
    page = Page(render_html(report_of(result), {"doc": TEXT}))
    # The innermost finding "eta" sits inside two others: one piece, three nested marks.
    assert len(page.marks[0][2]) == 1
    assert any(m["depth"] == 2 for m in page.marks[0][0])


def test_render_html_policy_and_review() -> None:
    text = "Keep this. Drop all of this long sentence please."
    result = decide(text, [fake(text, 11, len(text))], max_removed_share=0.3)
    assert result.review
    html = render_html(report_of(result), {"doc": text})
    page = Page(html)
    assert_highlights(page, 0, result)
    doc = page.data["documents"][0]
    assert doc["review"] is True and doc["policy"] == ["max_removed_share"]
    assert page.items["d0-f0"]["policy"] == "max_removed_share"
    assert page.cleaned[0] == text


@given(
    st.text(st.sampled_from("ab ,\n\u00e9\u2028<&"), max_size=40),
    st.lists(
        st.tuples(
            st.integers(0, 40),
            st.integers(0, 12),
            st.sampled_from(["remove", "replace", "flag"]),
            st.text(st.sampled_from("xy "), max_size=3),
        ),
        max_size=6,
    ),
)
def test_split_pieces_rebuild_original_and_cleaned(text: str, raw: list[Any]) -> None:
    findings = []
    for start, length, action, replacement in raw:
        start = min(start, len(text))
        end = min(start + length, len(text))
        category = "markup" if action == "replace" else "caption"
        fix = replacement if action == "replace" else None
        findings.append(fake(text, start, end, category, action, fix))
    result = decide(text, findings)
    report = report_of(result)["documents"][0]
    pieces = split_pieces(text, report["findings"], report["edits"])
    assert "".join(p.text for p in pieces if p.kind == "text") == text
    kept = "".join(p.text for p in pieces if p.kind == "ins" or (p.kind == "text" and not p.cut))
    assert kept == result.cleaned
    for i, f in enumerate(result.findings):
        mine = [p for p in pieces if any(m.finding == i for m in p.marks)]
        assert "".join(p.text for p in mine) == f.text and mine
        assert sum(m.first for p in mine for m in p.marks if m.finding == i) == 1


# --- documents ------------------------------------------------------------------------------------


def test_render_html_error_document() -> None:
    text = "Fine text."
    ok = decide(text, [fake(text, 0, 4)], id="good")
    bad = DocumentError(id="bad", source="in/bad.bin", error="cannot decode <bytes> as UTF-8")
    html = render_html(report_of(bad, ok), {"good": text, "bad": "ignored"})
    page = Page(html)
    assert_inert(page)
    assert "<bytes>" not in html
    assert page.data["documents"][0]["error"] == "cannot decode <bytes> as UTF-8"
    assert page.data["documents"][0]["ok"] is False
    assert 0 not in page.original and 0 not in page.marks
    assert_highlights(page, 1, ok)


def test_render_html_empty_report() -> None:
    html = render_html(report_of(), {})
    page = Page(html)
    assert_inert(page)
    assert "The report holds no documents." in html
    assert page.data["documents"] == []
    assert page.all("tbody")[-1] == {"id": "doc-rows"}  # the script still finds its table


def test_render_html_document_missing_from_texts() -> None:
    text = "A caption here. Body."
    result = decide(text, [fake(text, 0, 15, "caption")], id="absent")
    html = render_html(report_of(result), {"other": "unrelated"})
    page = Page(html)
    assert_inert(page)
    assert "original text was not given" in page.data["documents"][0]["problem"]
    assert not page.marks and not page.original
    item = page.items["d0-f0"]
    assert (item["start"], item["end"], item["text"]) == (0, 15, "A caption here.")


@pytest.mark.parametrize(
    "given_text",
    ["A caption here. Body!", "Short.", "A caption here. Body. And more."],
    ids=["same length", "shorter", "longer"],
)
def test_render_html_text_not_matching_report(given_text: str) -> None:
    text = "A caption here. Body."
    result = decide(text, [fake(text, 0, 15, "caption"), fake(text, 16, 21, "heading")])
    html = render_html(report_of(result), {"doc": given_text})
    page = Page(html)
    assert "does not match this report" in page.data["documents"][0]["problem"]
    assert not page.marks and not page.original


def test_render_html_repeated_ids_render_separately() -> None:
    text = "Same id, same text."
    first = decide(text, [fake(text, 0, 4)], id="dup")
    second = decide(text, [fake(text, 5, 7, "heading")], id="dup")
    page = Page(render_html(report_of(first, second), {"dup": text}))
    assert_inert(page)  # includes: no HTML id used twice
    assert_highlights(page, 0, first)
    assert_highlights(page, 1, second)


def test_render_html_is_deterministic() -> None:
    text = "Houses are destroyed,civilians died."
    report = report_of(decide(text, [fake(text, 11, 30, "missing_space", "flag")]))
    assert render_html(report, {"doc": text}) == render_html(report, {"doc": text})


def test_render_html_seeds() -> None:
    pipeline = Pipeline()
    files = sorted(SEEDS.glob("*.txt"))
    assert len(files) == 5
    texts = {f.stem: f.read_bytes().decode("utf-8") for f in files}
    results = [pipeline.run(t, id=k, source=f"seeds/{k}.txt") for k, t in texts.items()]
    report = build_report(results, pipeline.settings, pipeline.detector_names)
    html = render_html(report, texts)
    page = Page(html)
    assert_inert(page)
    for n, result in enumerate(results):
        assert_highlights(page, n, result)
    assert len(html.encode("utf-8")) < 40 * sum(len(t) for t in texts.values())


# --- the data block and the review tools ---------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [*PAYLOADS, "</script>", "</SCRIPT >", "<!--<script>", "a\u2028b\u2029c", "&amp;", "]]>", "\\"],
)
def test_script_json_cannot_leave_its_element(value: str) -> None:
    data = {"id": value, "list": [value, {"k": value}], value: 1}
    text = str(script_json(data))
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert json.loads(text) == data


def test_render_html_embeds_report_id() -> None:
    text = "Houses are destroyed,civilians died."
    report = report_of(decide(text, [fake(text, 11, 30, "missing_space", "flag")]))
    page = Page(render_html(report, {"doc": text}))
    assert page.data["report_id"] == report_id(report)
    assert page.data["decisions_schema"] == "clean-news/decisions/1"
    given = Page(render_html(report, {"doc": text}, report_id="sha256:" + "0" * 64))
    assert given.data["report_id"] == "sha256:" + "0" * 64
    # The id does not depend on how the report was serialised.
    assert report_id(json.loads(json.dumps(report, indent=2))) == report_id(report)


def test_render_html_index_data() -> None:
    text = "Keep this. Drop all of this long sentence please."
    result = decide(text, [fake(text, 11, len(text)), fake(text, 0, 4, "heading", "flag")])
    bad = DocumentError(id="bad", source="in/bad.txt", error="broken")
    page = Page(render_html(report_of(result, bad), {"doc": text}))
    first, second = page.data["documents"]
    assert first["counts"] == {"boilerplate": 1, "heading": 1}
    assert first["review"] is True  # more than half would go
    assert first["stats"]["removed_share"] == result.stats["removed_share"]
    assert (second["ok"], second["error"], second["findings"]) == (False, "broken", [])
    sorts = [a["data-sort"] for a in page.all("th") if "data-sort" in a]
    assert sorts == ["n", "id", "source", "findings", "removed", "review", "decided"]


def test_render_html_long_quotes_are_cut() -> None:
    text = "word " * 200
    result = decide(text, [fake(text, 0, len(text) - 1, "off_topic", "flag")])
    page = Page(render_html(report_of(result), {"doc": text}))
    quoted = page.items["d0-f0"]["text"]
    assert "characters] …" in quoted and len(quoted) < QUOTE_LIMIT + 40
    assert page.mark_text[0][0] == text[:-1]  # the highlight itself is whole
