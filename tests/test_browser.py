"""The review page in a real browser: headless Chromium driven by Playwright.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``, or the path in
``CLEAN_NEWS_CHROMIUM``), never a Playwright download. Without Playwright or a
browser these tests skip, saying why; with ``CLEAN_NEWS_REQUIRE_BROWSER=1`` (CI)
they fail instead. Every page is opened from a ``file://`` URL and watched:
a dialog, a console error, an uncaught exception, a Content-Security-Policy
violation or any request but the page itself fails the test.

Artefacts (git-ignored): ``out/browser/seeds-index.png`` and
``out/browser/seeds-document.png``, screenshots of the seeds report, and
``out/browser/synthetic-document.png``, every category in one article.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from filters import Pipeline, Settings
from filters.decisions import apply_decisions, decisions_template, report_id
from filters.document import Document
from filters.findings import CATEGORIES, Finding, make_finding
from filters.html_report import render_html
from filters.pipeline import Result
from filters.report import DocumentError, build_report

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
ARTEFACTS = REPO / "out" / "browser"
REQUIRE = os.environ.get("CLEAN_NEWS_REQUIRE_BROWSER") == "1"
#: Flags for a root user on a machine without a network or a GPU (see the README).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Recorded before the page's own script runs: CSP violations the console might not show.
WATCH_SCRIPT = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def find_chromium() -> str | None:
    for candidate in (
        os.environ.get("CLEAN_NEWS_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"{reason}, and CLEAN_NEWS_REQUIRE_BROWSER=1 asks for the browser tests")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[dev]')")
    path = find_chromium()
    if path is None:
        unavailable("no Chromium found (apt-get install chromium, or set CLEAN_NEWS_CHROMIUM)")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        except Error as exc:
            unavailable(f"Chromium at {path} does not start: {str(exc).splitlines()[0]}")
        yield launched
        launched.close()


@dataclass
class Watched:
    """A page and everything it did that a safe page never does."""

    page: Any
    url: str
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    seconds: float = 0.0  # from the navigation to the script's "ready"

    def assert_quiet(self, allow_blob: bool = False) -> None:
        violations = self.page.evaluate("() => window.__violations")
        assert self.dialogs == [], self.dialogs
        assert self.console == [], self.console
        assert self.errors == [], self.errors
        assert violations == [], violations
        others = [u for u in self.requests if u != self.url.split("#")[0]]
        if allow_blob:  # the decisions download: a blob: URL, not the network
            others = [u for u in others if not u.startswith("blob:")]
        assert others == [], others


@pytest.fixture
def open_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    contexts = []

    def opener(html: str, name: str = "report.html", hash: str = "") -> Watched:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        context = browser.new_context(
            viewport={"width": 1200, "height": 900}, accept_downloads=True
        )
        contexts.append(context)
        context.add_init_script(WATCH_SCRIPT)
        page = context.new_page()
        watched = Watched(page, path.as_uri())
        page.on("dialog", lambda d: (watched.dialogs.append(d.message), d.dismiss()))
        page.on(
            "console",
            lambda m: (
                watched.console.append(f"{m.type}: {m.text}")
                if m.type in {"error", "warning"}
                else None
            ),
        )
        page.on("pageerror", lambda e: watched.errors.append(str(e)))
        page.on("request", lambda r: watched.requests.append(r.url))
        started = time.perf_counter()
        page.goto(path.as_uri() + hash)
        page.wait_for_selector("html[data-ready='1']")
        watched.seconds = time.perf_counter() - started
        return watched

    yield opener
    for context in contexts:
        context.close()


# --- reports to look at ---------------------------------------------------------------------------


def seeds_report() -> tuple[dict[str, Any], dict[str, str]]:
    """The seeds report, built with the default pipeline as `make demo` builds it."""
    pipeline = Pipeline()
    texts = {f.stem: f.read_bytes().decode("utf-8") for f in sorted(SEEDS.glob("*.txt"))}
    results = [pipeline.run(t, id=k, source=f"seeds/{k}.txt") for k, t in texts.items()]
    return build_report(results, pipeline.settings, pipeline.detector_names), texts


ARTICLE = """\
Big news from the front
By Jane Doe | Updated 2024-08-14 10:00
A soldier raises a flag in this still image obtained from a social media video
Houses are destroyed,civilians died in the attack on the town.
The Commission is expected to adopt implementing acts referred to in Article 11.
Das ist ein deutscher Satz mitten im Text.
Officials said the damage wasnâ€™t as bad as feared.
Read the <b>full</b> story &amp; more.
Houses are destroyed,civilians died in the attack on the town.
Share this article on Facebook

Residents spent the night in shelters while the shelling went on. This sentence is ordinary \
and stays. Notwithstanding the aforementioned multifaceted considerations, the ramifications \
remain indeterminate.
RussiaMoscowUkraine"""

#: (needle, occurrence, category, action, replacement, score): one finding per category at least.
SYNTHETIC: list[tuple[str, int, str, str | None, str | None, float]] = [
    ("Big news from the front", 0, "heading", None, None, 0.9),
    ("By Jane Doe | Updated 2024-08-14 10:00", 0, "metadata", None, None, 0.85),
    ("A soldier raises a flag in this still image obtained from a social media video", 0,
     "caption", None, None, 0.95),
    ("destroyed,civilians", 0, "missing_space", "replace", "destroyed, civilians", 0.97),
    ("The Commission is expected to adopt implementing acts referred to in Article 11.", 0,
     "off_topic", None, None, 0.45),
    ("Das ist ein deutscher Satz mitten im Text.", 0, "foreign_language", None, None, 0.99),
    ("â€™", 0, "encoding", "replace", "’", 0.9),
    ("<b>", 0, "markup", "replace", "", 0.8),
    ("</b>", 0, "markup", "replace", "", 0.8),
    ("&amp;", 0, "markup", "replace", "&", 0.8),
    ("Houses are destroyed,civilians died in the attack on the town.", 1, "duplicate", None,
     None, 0.7),
    ("destroyed,civilians", 1, "missing_space", "replace", "destroyed, civilians", 0.97),
    ("Share this article on Facebook", 0, "boilerplate", None, None, 0.92),
    ("Notwithstanding the aforementioned multifaceted considerations, the ramifications remain "
     "indeterminate.", 0, "readability", None, None, 0.6),
    ("RussiaMoscowUkraine", 0, "tag_run", None, None, 0.88),
]  # fmt: skip


def synthetic_findings(text: str) -> list[Finding]:
    out = []
    for needle, nth, category, action, replacement, score in SYNTHETIC:
        start = -1
        for _ in range(nth + 1):
            start = text.index(needle, start + 1)
        out.append(
            make_finding(
                text,
                start,
                start + len(needle),
                detector=f"{category}_v1",
                category=category,
                code=f"{category}.synthetic",
                score=score,
                reason=f"synthetic {category} finding with score {score}",
                action=action,
                replacement=replacement,
            )
        )
    return out


def decide(text: str, findings: list[Finding], id: str, **settings: Any) -> Result:
    doc = Document(text, id=id, source=f"in/{id}.txt")
    return Pipeline(Settings(**settings), detectors=[]).decide(doc, findings)


def synthetic_report() -> tuple[dict[str, Any], dict[str, str]]:
    """Every category in one article, a document needing review, and a failed one."""
    article = decide(ARTICLE, synthetic_findings(ARTICLE), "article")
    short = "Subscribe now!\nA short text."
    review = decide(short, [make_finding(
        short, 0, 14, detector="boilerplate_v1", category="boilerplate",
        code="boilerplate.subscribe", score=0.9, reason="a subscribe line",
    )], "short", max_removed_share=0.3)  # fmt: skip
    failed = DocumentError(id="broken", source="in/broken.txt", error="in/broken.txt: not UTF-8")
    report = build_report([article, review, failed], Settings(), ["synthetic_v1"])
    return json.loads(json.dumps(report)), {"article": ARTICLE, "short": short}


def first_marks_by_category(w: Watched, doc: int) -> dict[str, int]:
    return Counter(
        w.page.evaluate(
            """n => Array.from(document.querySelectorAll(`#doc-${n} .text mark.first`))
                 .map(m => Array.from(m.classList).find(c => c.startsWith("c-")).slice(2))""",
            doc,
        )
    )


def block_text(w: Watched, doc: int) -> str:
    return w.page.evaluate(f"() => document.querySelector('#doc-{doc} .text.original').innerText")


# --- rendering ------------------------------------------------------------------------------------


def test_browser_seeds_report_renders(open_page: Any) -> None:
    report, texts = seeds_report()
    w = open_page(render_html(report, texts))
    page = w.page
    assert page.title().startswith("clean-news report: 5 documents")
    assert page.locator("#doc-table tbody tr:not([hidden])").count() == 5
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "seeds-index.png"), full_page=True)
    for n, doc in enumerate(report["documents"]):
        page.goto(w.url + f"#doc-{n}")
        assert page.locator(f"#doc-{n}").is_visible()
        assert page.locator("section.doc:visible").count() == 1
        expected = Counter(f["category"] for f in doc["findings"])
        assert first_marks_by_category(w, n) == expected
        page.check("#view-original")
        assert block_text(w, n) == texts[doc["id"]]
        page.check("#view-diff")
    busiest = max(range(5), key=lambda n: len(report["documents"][n]["findings"]))
    page.goto(w.url + f"#doc-{busiest}")
    page.keyboard.press("j")
    page.screenshot(path=str(ARTEFACTS / "seeds-document.png"))
    w.assert_quiet()


def test_browser_every_category_highlighted(open_page: Any) -> None:
    report, texts = synthetic_report()
    w = open_page(render_html(report, texts), hash="#doc-0")
    expected = Counter(f["category"] for f in report["documents"][0]["findings"])
    assert set(expected) == set(CATEGORIES)
    assert first_marks_by_category(w, 0) == expected
    # The legend: each category's label is its second cue, besides colour and underline style.
    labels = w.page.evaluate(
        """() => Array.from(document.querySelectorAll('#doc-0 .text mark.first')).map(m =>
             [getComputedStyle(m, '::before').content, getComputedStyle(m).borderBottomStyle])"""
    )
    assert all(content not in {"none", "normal", ""} for content, _ in labels)
    assert {style for _, style in labels} >= {"solid", "dashed", "dotted", "double"}
    w.page.keyboard.press("j")
    w.page.keyboard.press("j")
    w.page.keyboard.press("r")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    w.page.screenshot(path=str(ARTEFACTS / "synthetic-document.png"))
    w.assert_quiet()


def test_browser_views_switch(open_page: Any) -> None:
    report, texts = synthetic_report()
    article = report["documents"][0]
    cleaned, _ = apply_decisions(report, decisions_template(report), texts)
    w = open_page(render_html(report, texts), hash="#doc-0")
    page = w.page
    page.check("#view-original")
    assert block_text(w, 0) == ARTICLE
    page.check("#view-cleaned")
    assert block_text(w, 0) == cleaned["article"]
    assert article["stats"]["chars_cleaned"] == len(cleaned["article"])
    page.check("#view-diff")
    assert "struck" not in block_text(w, 0)
    assert page.locator("#doc-0 del.cut").first.is_visible()
    assert page.locator("#doc-0 ins").first.is_visible()
    w.assert_quiet()


def test_browser_category_and_score_filters(open_page: Any) -> None:
    report, texts = synthetic_report()
    w = open_page(render_html(report, texts), hash="#doc-0")
    page = w.page
    caption = page.locator("#doc-0 .text mark.c-caption").first
    item = page.locator("#doc-0 li.c-caption")
    assert caption.evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.uncheck("input[data-category=caption]")
    assert caption.evaluate("m => getComputedStyle(m).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert not item.is_visible()
    page.check("input[data-category=caption]")
    assert item.is_visible()
    # Minimum score 0.8: the off_topic (0.45), readability (0.6) and duplicate (0.7) go.
    page.locator("#min-score").fill("0.8")
    assert page.locator("#min-score-value").text_content() == "0.80"
    hidden = page.evaluate(
        """() => Array.from(document.querySelectorAll('#doc-0 li.finding'))
             .filter(li => getComputedStyle(li).display === 'none')
             .map(li => li.dataset.category)"""
    )
    assert sorted(hidden) == ["duplicate", "off_topic", "readability"]
    w.assert_quiet()


def test_browser_index_sorts_and_filters(open_page: Any) -> None:
    report, texts = synthetic_report()
    w = open_page(render_html(report, texts))
    page = w.page

    def shown() -> list[str]:
        return page.evaluate(
            """() => Array.from(document.querySelectorAll('#doc-table tbody tr'))
                 .filter(r => !r.hidden).map(r => r.querySelector('td.id').textContent)"""
        )

    assert shown() == ["article", "short", "broken"]
    page.click("th[data-sort=findings] button")
    assert shown() == ["broken", "short", "article"]
    page.click("th[data-sort=findings] button")
    assert shown() == ["article", "short", "broken"]
    assert page.get_attribute("th[data-sort=findings]", "aria-sort") == "descending"
    page.check("#review-only")
    assert shown() == ["short"]
    page.uncheck("#review-only")
    page.select_option("#cat-filter", "caption")
    assert shown() == ["article"]
    page.select_option("#cat-filter", "")
    page.fill("#q", "BROK")
    assert shown() == ["broken"]
    assert page.locator("#index-count").text_content() == (
        "Showing 1 of 1 matching documents (3 in the report)."
    )
    w.assert_quiet()


# --- keyboard, tooltips, decisions ----------------------------------------------------------------


def focused(w: Watched) -> str | None:
    return w.page.evaluate("() => document.activeElement && document.activeElement.id")


def test_browser_keyboard_moves_between_findings(open_page: Any) -> None:
    report, texts = synthetic_report()
    w = open_page(render_html(report, texts), hash="#doc-0")
    page = w.page
    order = page.evaluate(
        "() => Array.from(document.querySelectorAll('#doc-0 .text mark.first')).map(m => m.id)"
    )
    assert len(order) == len(SYNTHETIC)
    page.keyboard.press("j")
    assert focused(w) == order[0]
    tip = page.locator("#tip")
    assert tip.is_visible()
    finding = report["documents"][0]["findings"][int(order[0].split("-h")[1])]
    for value in (
        finding["detector"],
        finding["reason"],
        finding["action"],
        f"{finding['score']:.3f}",
    ):
        assert value in tip.text_content()
    page.keyboard.press("n")
    assert focused(w) == order[1]
    page.keyboard.press("k")
    assert focused(w) == order[0]
    # Hidden categories are skipped.
    second = page.get_attribute(f"#{order[1]}", "class") or ""
    category = next(c[2:] for c in second.split() if c.startswith("c-"))
    page.uncheck(f"input[data-category={category}]")
    # Unchecking moved the pointer into the page; when the next step scrolls, Chromium
    # sends a mouseover for whatever lands under it, which may be a highlight and would
    # reopen the tooltip after Escape. Park the pointer in the page's left margin instead.
    page.mouse.move(2, 2)
    page.focus(f"#{order[0]}")
    page.keyboard.press("j")
    assert focused(w) == order[2]
    assert page.evaluate("() => !document.elementFromPoint(2, 2).closest('[data-finding]')")
    page.keyboard.press("Escape")
    assert not tip.is_visible()
    # Tab reaches a highlight too, and the tooltip follows focus.
    page.focus(f"#{order[0]}")
    page.keyboard.press("Tab")
    assert tip.is_visible()
    w.assert_quiet()


def test_browser_tooltip_on_hover(open_page: Any) -> None:
    report, texts = synthetic_report()
    w = open_page(render_html(report, texts), hash="#doc-0")
    page = w.page
    page.hover("#doc-0 .text mark.c-caption")
    tip = page.locator("#tip")
    assert tip.is_visible()
    assert "caption_v1" in tip.text_content() and "synthetic caption finding" in tip.text_content()
    page.mouse.move(5, 5)
    assert not tip.is_visible()
    w.assert_quiet()


def select_text(w: Watched, doc: int, phrase: str) -> None:
    """Select ``phrase`` in a document's text block, as a mouse drag would."""
    w.page.evaluate(
        """([n, phrase]) => {
          const block = document.querySelector(`#doc-${n} .text.original`);
          const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
          let t;
          while ((t = walker.nextNode())) {
            const at = t.data.indexOf(phrase);
            if (at >= 0) {
              const r = document.createRange();
              r.setStart(t, at); r.setEnd(t, at + phrase.length);
              const sel = getSelection(); sel.removeAllRanges(); sel.addRange(r);
              return;
            }
          }
          throw new Error("phrase not found");
        }""",
        [doc, phrase],
    )


def decision_entry(report: dict[str, Any], category: str, decision: str) -> dict[str, Any]:
    doc = report["documents"][0]
    (i,) = [i for i, f in enumerate(doc["findings"]) if f["category"] == category]
    f = doc["findings"][i]
    return {
        "finding": i,
        "decision": decision,
        "start": f["start"],
        "end": f["end"],
        "code": f["code"],
    }


def test_browser_decisions_export_and_apply(open_page: Any, tmp_path: Path) -> None:
    report, texts = synthetic_report()
    html = render_html(report, texts)
    w = open_page(html, hash="#doc-0")
    page = w.page
    findings = report["documents"][0]["findings"]
    caption = next(i for i, f in enumerate(findings) if f["category"] == "caption")
    off_topic = next(i for i, f in enumerate(findings) if f["category"] == "off_topic")
    # Reject the caption by keyboard, accept the low-confidence off_topic flag by button.
    page.focus(f"#d0-h{caption}")
    page.keyboard.press("r")
    assert "dec-reject" in (page.get_attribute(f"#d0-f{caption}", "class") or "")
    page.click(f"#d0-f{off_topic} button[data-decide=accept]")
    assert (
        page.get_attribute(f"#d0-f{off_topic} button[data-decide=accept]", "aria-pressed") == "true"
    )
    # Add a removal by selecting text.
    phrase = "This sentence is ordinary and stays. "
    select_text(w, 0, phrase)
    assert page.is_enabled("#remove-selection")
    page.select_option("#removal-category", "off_topic")
    page.click("#remove-selection")
    assert phrase.strip() in page.locator("#doc-0 .removals").text_content()
    # The decisions survive a reload (localStorage, keyed by the report's id).
    page.reload()
    page.wait_for_selector("html[data-ready='1']")
    assert "dec-reject" in (page.get_attribute(f"#d0-f{caption}", "class") or "")
    assert "1 removals added" in page.locator("#progress").text_content()
    with page.expect_download() as info:
        page.click("#export")
    download = info.value
    assert download.suggested_filename == f"decisions-{report_id(report)[7:19]}.json"
    saved = tmp_path / "decisions.json"
    download.save_as(saved)
    exported = json.loads(saved.read_text(encoding="utf-8"))

    start = ARTICLE.index(phrase)
    expected = decisions_template(report)
    expected["documents"].append({
        "index": 0, "id": "article",
        "findings": [decision_entry(report, "caption", "reject"),
                     decision_entry(report, "off_topic", "accept")],
        "removals": [{"start": start, "end": start + len(phrase), "text": phrase,
                      "category": "off_topic"}],
    })  # fmt: skip
    expected["documents"][0]["findings"].sort(key=lambda d: d["finding"])
    assert exported == expected
    cleaned, updated = apply_decisions(report, exported, texts)
    assert "still image obtained" in cleaned["article"]  # rejected: kept
    assert "Commission" not in cleaned["article"]  # accepted over the low-confidence policy
    assert phrase not in cleaned["article"] and "Residents spent the night" in cleaned["article"]
    reviewer = [f for f in updated["documents"][0]["findings"] if f["decided_by"] == "reviewer"]
    assert len(reviewer) == 3
    w.assert_quiet(allow_blob=True)


def test_browser_survives_bad_stored_decisions(open_page: Any) -> None:
    report, texts = synthetic_report()
    w = open_page(render_html(report, texts))
    key = "clean-news:decisions:" + report_id(report)
    evil = {"docs": {"0": {"f": {"0": "<img src=x onerror=alert(1)>"},
                           "rm": [{"s": 0, "e": 3, "t": "<img src=x onerror=alert(2)>",
                                   "c": "<b>x</b>"}]}}}  # fmt: skip
    for value in ["{not json", json.dumps(evil), json.dumps({"docs": 3})]:
        w.page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, value])
        w.page.goto(w.url + "#doc-0")
        w.page.reload()
        w.page.wait_for_selector("html[data-ready='1']")
        assert w.page.locator("#doc-0").is_visible()
    assert w.page.locator("#doc-0 .removals img").count() == 0
    w.assert_quiet()


# --- hostile text ---------------------------------------------------------------------------------

XSS = [
    "<script>alert('script')</script>",
    "</script><script>alert('close')</script>",
    "<img src=x onerror=alert('img')>",
    "<a href=\"javascript:alert('href')\">click</a> javascript:alert('bare')",
    "<svg onload=alert('svg')><script>alert('svg2')</script></svg>",
    "<svg><animate onbegin=alert('anim') attributeName=x dur=1s>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\">",
    "<iframe src=\"https://example.invalid/\"></iframe>",
    "<object data=\"https://example.invalid/x.swf\"></object><embed src=//example.invalid/e>",
    "<!-- <script>alert('comment')</script> -->",
    "\u2028\u2029</script>\u2028<script>alert('sep')</script>",
    "</style><style>body{display:none;background:url(https://example.invalid/css)}</style>",
    "<div style=\"background:url(//example.invalid/inline)\">x</div>",
    "\" onmouseover=\"alert('attr')\" x=\"",
    "' onfocus='alert(1)' autofocus='",
    "<link rel=stylesheet href=https://example.invalid/l.css><meta http-equiv=refresh content=0;url=https://example.invalid/>",
    "<base href=\"https://example.invalid/\"><form action=https://example.invalid><button>go</button></form>",
    "<math><mi xlink:href=\"javascript:alert('math')\">x</mi></math>",
    "{{ 7*7 }} ${alert('tpl')} <%= 7 %>",
    "&lt;script&gt;alert('entity')&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;",
    "\u202e<bdo dir=rtl>gnp.exe</bdo>",
    "data:text/html,<script>alert('data')</script>",
]  # fmt: skip


def hostile_report() -> tuple[dict[str, Any], dict[str, str]]:
    outcomes: list[Result | DocumentError] = []
    texts: dict[str, str] = {}
    for n, payload in enumerate(XSS):
        text = f"Before {payload} after.\nA second line,glued with {payload}.\n"
        findings = [
            make_finding(
                text, text.index(payload), text.index(payload) + len(payload),
                detector="markup_v1", category="markup", code="markup.tag",
                score=0.9, reason=f"markup {payload}", action="replace", replacement=payload + "!",
            ),
            make_finding(
                text, text.index("line,glued"), text.index("line,glued") + 10,
                detector="missing_space_v1", category="missing_space", code="missing_space.comma",
                score=0.95, reason=payload, action="replace", replacement="line, glued",
            ),
            make_finding(
                text, text.rindex(payload), text.rindex(payload) + len(payload),
                detector="boilerplate_v1", category="boilerplate", code="boilerplate.x",
                score=0.3, reason=payload,
            ),
        ]  # fmt: skip
        doc_id = f"{payload}#{n}"
        result = decide(text, findings, id=doc_id)
        result.source = payload
        outcomes.append(result)
        texts[doc_id] = text
    outcomes.append(DocumentError(id=XSS[2], source=XSS[0], error=XSS[1]))
    return build_report(outcomes, Settings(), ["markup_v1"]), texts


def test_browser_hostile_text_stays_inert(open_page: Any, tmp_path: Path) -> None:
    report, texts = hostile_report()
    w = open_page(render_html(report, texts))
    page = w.page
    page.fill("#q", XSS[0])
    page.fill("#q", "")
    page.click("th[data-sort=id] button")
    for n in range(len(XSS)):
        page.goto(w.url + f"#doc-{n}")
        page.hover(f"#doc-{n} .text mark.c-markup")
        for key in ["j", "j", "j", "a", "k", "r", "Tab"]:
            page.keyboard.press(key)
        for view in ("cleaned", "diff", "original"):
            page.check(f"#view-{view}")
        assert block_text(w, n) == texts[report["documents"][n]["id"]]
    select_text(w, len(XSS) - 1, "after.")
    page.keyboard.press("x")
    with page.expect_download() as info:
        page.click("#export")
    info.value.save_as(tmp_path / "d.json")
    exported = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in exported["documents"]] == [d["id"] for d in report["documents"][:-1]]
    counts = page.evaluate(
        """() => ({scripts: document.scripts.length, styles: document.styleSheets.length,
                   bad: document.querySelectorAll('img, iframe, svg, object, embed, link, '
                                                  + 'base, form, math, body style').length})"""
    )
    assert counts == {"scripts": 2, "bad": 0, "styles": 1}
    w.assert_quiet(allow_blob=True)


# --- performance ----------------------------------------------------------------------------------

WORDS = """the minister said on monday that troops had crossed the border near the town while
officials in the capital denied reports of heavy losses among civilians and soldiers prices of
grain rose sharply as ships waited outside the port for a third week talks between the two
delegations resumed in geneva under pressure from allies""".split()  # noqa: SIM905
JUNK = [
    ("caption", "A man walks past a building in this still image obtained from a video"),
    ("boilerplate", "Share this article on Facebook"),
    ("metadata", "Updated 2024-08-14 10:00 GMT"),
    ("heading", "Live updates from the region"),
    ("tag_run", "RussiaMoscowUkraine"),
    ("duplicate", None),
]


def large_report(documents: int, seed: int = 7) -> tuple[dict[str, Any], dict[str, str]]:
    """``documents`` varied articles of 2-9 KB (about 5 KB) with about eight findings each."""
    rng = random.Random(seed)
    results = []
    texts = {}
    for n in range(documents):
        paragraphs = []
        for _ in range(rng.randint(5, 14)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(40, 120))]
            if rng.random() < 0.6:
                words[rng.randint(1, len(words) - 2)] += ",glued"
            paragraphs.append(" ".join(words).capitalize() + ".")
        for _, line in rng.sample(JUNK, rng.randint(1, 4)):
            at = rng.randint(0, len(paragraphs))
            paragraphs.insert(at, line if line else paragraphs[max(0, at - 1)])
        text = "\n\n".join(paragraphs)
        findings = []
        for category, line in JUNK:
            needle = line or None
            if needle and needle in text:
                start = text.index(needle)
                findings.append((start, start + len(needle), category, None, None))
        start = text.find(",glued")
        while start >= 0:
            findings.append((start, start + 6, "missing_space", "replace", ", glued"))
            start = text.find(",glued", start + 1)
        made = [
            make_finding(
                text, s, e, detector=f"{c}_v1", category=c, code=f"{c}.bench",
                score=rng.choice([0.3, 0.6, 0.9, 0.97]), reason=f"a {c} finding for the benchmark",
                action=a, replacement=r,
            )
            for s, e, c, a, r in findings
        ]  # fmt: skip
        doc_id = f"bench/{n:04d}"
        results.append(decide(text, made, doc_id))
        texts[doc_id] = text
    return build_report(results, Settings(), ["bench_v1"]), texts


@pytest.mark.slow
def test_browser_1000_documents_open_and_filter_fast(open_page: Any, tmp_path: Path) -> None:
    report, texts = large_report(1000)
    html = render_html(report, texts)
    size = len(html.encode("utf-8"))
    findings = sum(len(d["findings"]) for d in report["documents"])
    chars = sum(len(t) for t in texts.values())
    next_frame = "() => new Promise(r => requestAnimationFrame(() => r()))"
    opens, clicks, views = [], [], []
    open_page(html, name="warm-up.html")  # the browser's first page pays for its own start
    for attempt in range(3):
        w = open_page(html, name=f"large-{attempt}.html")
        page = w.page
        page.evaluate(next_frame)  # the first frame is painted
        opens.append(w.seconds)
        started = time.perf_counter()
        page.uncheck("input[data-category=missing_space]")  # the category filter
        page.select_option("#cat-filter", "caption")  # an index filter
        page.click("th[data-sort=findings] button")  # a sort
        page.evaluate(next_frame)
        clicks.append(time.perf_counter() - started)
        started = time.perf_counter()
        page.click("#doc-table tbody tr:first-child td.id a")  # a document view
        page.evaluate(next_frame)
        views.append(time.perf_counter() - started)
        assert page.locator("section.doc .text.original").is_visible()
        w.assert_quiet()
    open_s, click_s = statistics.median(opens), statistics.median(clicks)

    def runs(values: list[float]) -> str:
        return ", ".join(f"{v:.2f}" for v in values)

    print(
        f"\n1,000 documents ({chars / 1000:,.0f} characters, {findings / 1000:.1f} findings each): "
        f"page {size / 1e6:.1f} MB, {size / 1000 / 1024:.1f} KiB per document; median of 3: "
        f"open {open_s:.2f} s ({runs(opens)}), two filters and a sort {click_s:.2f} s "
        f"({runs(clicks)}), open a document {statistics.median(views):.2f} s ({runs(views)})"
    )
    assert open_s < 2.0 and click_s < 2.0


def test_browser_watch_catches_an_unsafe_page(open_page: Any) -> None:
    """The harness itself: markup that escaped escaping is blocked by the CSP, and seen."""
    report, texts = synthetic_report()
    html = render_html(report, texts).replace(
        "<main>", "<main><img src=x onerror=alert(1)><script>alert(2)</script>", 1
    )
    w = open_page(html)
    assert w.dialogs == []  # the policy held...
    violations = w.page.evaluate("() => window.__violations")
    assert any("script-src" in v for v in violations) and any("img-src" in v for v in violations)
    with pytest.raises(AssertionError):  # ...and the test would have failed
        w.assert_quiet()


def test_browser_selection_offsets_count_code_points(open_page: Any, tmp_path: Path) -> None:
    """JavaScript counts UTF-16 units, the report code points: a removal after emoji still fits."""
    text = "Flags 🇺🇦 and 😀 first,then the part to remove.\nLast line 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 stays."
    start = text.index(",then")
    glued = make_finding(
        text, start, start + 5, detector="missing_space_v1", category="missing_space",
        code="missing_space.comma", score=0.9, reason="glued", action="replace",
        replacement=", then",
    )  # fmt: skip
    report = build_report([decide(text, [glued], "emoji")], Settings(), ["missing_space_v1"])
    report = json.loads(json.dumps(report))
    w = open_page(render_html(report, {"emoji": text}), hash="#doc-0")
    select_text(w, 0, "the part to remove.")
    w.page.keyboard.press("x")
    with w.page.expect_download() as info:
        w.page.click("#export")
    info.value.save_as(tmp_path / "d.json")
    exported = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    (removal,) = exported["documents"][0]["removals"]
    assert removal["start"] == text.index("the part") and removal["text"] == "the part to remove."
    cleaned, _ = apply_decisions(report, exported, {"emoji": text})
    assert cleaned["emoji"] == "Flags 🇺🇦 and 😀 first, then\nLast line 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 stays."
    w.assert_quiet(allow_blob=True)


@pytest.mark.parametrize("require", [False, True])
def test_browser_missing_browser_skips_or_fails(
    require: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a browser: a skip that says why, or a failure when CI asks for the browser."""
    monkeypatch.setattr(sys.modules[__name__], "REQUIRE", require)
    outcome = pytest.fail.Exception if require else pytest.skip.Exception
    with pytest.raises(outcome, match="no Chromium found"):
        unavailable("no Chromium found (apt-get install chromium, or set CLEAN_NEWS_CHROMIUM)")
