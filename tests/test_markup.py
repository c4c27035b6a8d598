"""The markup detector: case file (positives, negatives, known failures), codes and spans,
and its properties (every repair is its own replace finding, a second run finds nothing)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from casefiles import case_id, known_failures, load_cases
from hypothesis import given
from hypothesis import strategies as st

from filters import Pipeline, Settings, restore
from filters.detectors.markup import NAME, find_markup
from filters.document import Document
from filters.findings import Finding
from filters.registry import Context

CASES = load_cases("markup")


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Settings(only=("markup",)))


def detect(text: str) -> list[Finding]:
    return list(find_markup(Document(text), Context(Settings())))


@pytest.mark.parametrize("case", CASES["positives"], ids=case_id)
def test_markup_positive(case: dict[str, str], pipeline: Pipeline) -> None:
    result = pipeline.run(case["input"])
    assert result.cleaned == case["expected"]
    assert result.findings
    for f in result.findings:
        assert f.detector == NAME
        assert f.category == "markup"
        assert f.action == "replace"
        assert f.status == "applied"
        assert f.code.startswith("markup.")
        assert f.replacement is not None
    assert restore(result) == case["input"]


@pytest.mark.parametrize("case", CASES["negatives"], ids=case_id)
def test_markup_negative(case: dict[str, str], pipeline: Pipeline) -> None:
    assert detect(case["input"]) == []
    assert pipeline.run(case["input"]).cleaned == case["input"]


@pytest.mark.parametrize(
    "case",
    known_failures(CASES),
)
def test_markup_known_failure(case: dict[str, str], pipeline: Pipeline) -> None:
    assert pipeline.run(case["input"]).cleaned == case["expected"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Each repair is a finding of its own, with the exact span of the markup.
        (
            "a <em>word</em> b",
            [("<em>", "", "markup.tag"), ("</em>", "", "markup.tag")],
        ),
        ("AT&amp;T", [("&amp;", "&", "markup.entity")]),
        ("x&amp;quot;y", [("&amp;quot;", '"', "markup.entity")]),
        # Adjacent tags on one line are one repair.
        ("end.</p><p>Next", [("</p><p>", " ", "markup.tag")]),
        ("a<br>b", [("<br>", "\n", "markup.tag")]),
        ("a <!-- x --> b", [("<!-- x -->", "", "markup.comment")]),
        ("a<style>p{}</style>b", [("<style>p{}</style>", "", "markup.script")]),
        (
            '[caption id="1"]Text[/caption]',
            [('[caption id="1"]', "", "markup.shortcode"), ("[/caption]", "", "markup.shortcode")],
        ),
    ],
)
def test_markup_finding_spans(text: str, expected: list[tuple[str, str, str]]) -> None:
    findings = detect(text)
    assert [(f.text, f.replacement, f.code) for f in findings] == expected
    for f in findings:
        assert text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    ("text", "score"),
    [("&amp;", 0.95), ("<b>x</b>", 0.9), ("<!-- x -->", 0.9), ("[embed]u[/embed]", 0.85)],
)
def test_markup_scores(text: str, score: float) -> None:
    assert {f.score for f in detect(text)} == {score}


def test_markup_xml_sample_keeps_tags_decodes_entities() -> None:
    text = "<feed>\n<title>Q&amp;A</title>\n</feed>\n<entry/>"
    assert [(f.text, f.replacement) for f in detect(text)] == [("&amp;", "&")]


def test_markup_nbsp_is_the_character() -> None:
    (finding,) = detect("a&nbsp;b")
    assert finding.replacement == "\u00a0"


# --- properties ----------------------------------------------------------------------------------

# fmt: off
MARKUP_PIECES = [
    "<b>", "</b>", "<br>", "<br/>", "<p>", "</p>", '<span style="x">', "</span>", "<path>",
    "</path>", "<<", ">>", "<", ">", "&", "amp;", "&amp;", "&lt;", "&gt;", "&amp;lt;", "&#39;",
    "&#x2019;", "&nbsp;", "&quot;", "lt;", "gt;", "#39;", "b", "p", "/", "word", " ", "\n",
    "\r\n", '[caption id="1"]', "[/caption]", "[embed]", "[/embed]", "[", "]", "=", '"',
    "<!--", "-->", "<script>", "</script>", '<a href="/x">', "</a>", "<DEV>", "<3", "(",
    "<Project>", "</feed>", "&#0;",
]
# fmt: on
markup_text = st.lists(st.sampled_from(MARKUP_PIECES), max_size=20).map("".join)


@given(st.one_of(markup_text, st.text(max_size=40)))
def test_markup_property_idempotent(text: str) -> None:
    pipeline = Pipeline(Settings(only=("markup",)))
    once = pipeline.run(text)
    assert restore(once) == text
    assert pipeline.run(once.cleaned).cleaned == once.cleaned


@given(markup_text)
def test_markup_property_findings_disjoint(text: str) -> None:
    findings = detect(text)
    for a, b in pairwise(findings):
        assert a.end <= b.start
    for f in findings:
        assert f.action == "replace" and f.replacement is not None
        assert text[f.start : f.end] == f.text
