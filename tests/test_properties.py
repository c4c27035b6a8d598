"""Properties over arbitrary text (hypothesis): offsets, disjoint edits, exact restore, no crash.

Two kinds of input: text, both arbitrary (``st.text()``) and news-like (words, commas,
numbers, URLs, line breaks, NUL, emoji, right-to-left scripts, combining marks), run through
the default pipeline; and synthetic findings over random spans fed to ``Pipeline.decide``,
which exercises the overlap rule, the safety policy and removal widening far harder than
any real detector does. The example counts come from the profile loaded in conftest.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from filters import Pipeline, Settings, restore
from filters.document import Document
from filters.findings import ACTIONS, CATEGORIES, Finding, make_finding
from filters.pipeline import Result, apply_edits
from filters.registry import select
from filters.segment import Span, split_sentences
from filters.settings import allowed_actions

DEFAULT = Pipeline()
REVERSED = Pipeline(detectors=list(reversed(select())))
MISSING_SPACE = Pipeline(Settings(only=("missing_space",)))

# --- strategies --------------------------------------------------------------------------------

# fmt: off
PIECES = [
    # words, titles, initials, abbreviations
    "destroyed", "civilians", "Kursk", "Oblast", "the", "a", "x", "y", "U.S.", "Gov.", "Mr.",
    "J.", "K.", "No.", "Art.", "e.g.", "a.m.", "Inc.",
    # punctuation and glued commas
    ",", ", ", ".", ". ", "...", "…", "?", "!", ";", ":", '"', "“", "”", "'", "’", "(", ")",
    "destroyed,civilians", "a,b", "ab,cd,ef,gh", "x,y", ",,", " ,",
    # numbers, dates, times
    "121,000", "1,2", "3.5", "10:30", "2024", "August 11,2024", "Aug. 11,2024", "2023,the", "5",
    # URLs, e-mail, paths, code, markup
    "https://example.com/a,b?c=1,2", "www.x.org/a,b", "a,b@c.com", "C:\\a,b", "f(a,b)",
    "<p>a,b</p>", "&amp;",
    # white space and line breaks
    " ", "  ", "\t", "\u00a0", "\u3000", "\n", "\n\n", "\r\n", "\r\n\r\n", "\r", "\u2028", "\x85",
    # control characters, emoji, RTL scripts, combining marks, other scripts
    "\x00", "\x0b", "\x1c", "😀", "👍🏽", "👨\u200d👩\u200d👧", "🇺🇦", "\u200f",
    "مرحبا", "بالعالم,مرحبا", "שלום,עולם",
    "e\u0301", "a\u0308,o\u0308", "Москва,Киев", "北京,上海", "\ufeff",
    # long tokens, around the detector's 200-character limit
    "x" * 99, "y" * 100,
]
# fmt: on

news_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=40).map(
    "".join
)
# A word near the missing_space detector's 200-character token limit, glued to what follows.
long_token_text = st.builds(
    lambda n, rest: "w" * n + rest,
    st.integers(170, 215),
    st.lists(st.sampled_from(["ab", ",", "cd", ",ef", " ", "12", ",2024"]), max_size=12).map(
        "".join
    ),
)
any_text = st.one_of(
    st.text(),
    news_text,
    long_token_text,
    st.just(""),
    st.text(alphabet=" \t\n\r\u00a0\u2028\x0b\x0c", max_size=20),  # white space only
)


# --- helpers -----------------------------------------------------------------------------------


def assert_ordered(spans: Sequence[Span], text: str, lo: int = 0, hi: int | None = None) -> None:
    hi = len(text) if hi is None else hi
    pos = lo
    for span in spans:
        assert pos <= span.start <= span.end <= hi, (span, spans)
        pos = span.end


def assert_result_invariants(result: Result, original: str) -> None:
    assert result.original == original
    for f in result.findings:
        assert 0 <= f.start <= f.end <= len(original)
        assert original[f.start : f.end] == f.text
        assert f.action in ACTIONS and f.category in CATEGORIES
        assert f.status in ("applied", "flagged", "superseded")
        assert 0.0 <= f.score <= 1.0
    prev = 0
    for edit in result.edits:
        assert prev <= edit.start <= edit.end <= len(original)
        assert original[edit.start : edit.end] == edit.text
        prev = edit.end
    assert apply_edits(original, result.edits) == result.cleaned
    assert restore(result.cleaned, result.edits) == original
    assert restore(result) == original
    stats = result.stats
    assert stats["chars"] == len(original) and stats["chars_cleaned"] == len(result.cleaned)
    assert stats["findings"] == len(result.findings)
    assert stats["applied"] + stats["flagged"] + stats["superseded"] == len(result.findings)
    assert 0.0 <= stats["removed_share"] <= 1.0


def replaced_regions(result: Result) -> list[tuple[int, int]]:
    """Cleaned-text spans that came from a replacement (not copied from the original)."""
    regions = []
    shift = 0
    for edit in result.edits:
        start = edit.start + shift
        regions.append((start, start + len(edit.replacement)))
        shift += len(edit.replacement) - (edit.end - edit.start)
    return regions


# --- the default pipeline over text --------------------------------------------------------------


@given(any_text)
def test_properties_pipeline_invariants(text: str) -> None:
    assert_result_invariants(DEFAULT.run(text), text)


@given(any_text)
def test_properties_pipeline_deterministic(text: str) -> None:
    first = DEFAULT.run(text)
    again = DEFAULT.run(text)
    backwards = REVERSED.run(text)
    assert first.to_dict() == again.to_dict() == backwards.to_dict()
    assert first.cleaned == again.cleaned == backwards.cleaned


@given(any_text)
def test_properties_missing_space_idempotent(text: str) -> None:
    once = MISSING_SPACE.run(text)
    twice = MISSING_SPACE.run(once.cleaned)
    assert twice.cleaned == once.cleaned
    assert [f for f in twice.findings if f.status == "applied"] == []


@given(any_text)
def test_properties_missing_space_only_inserts_spaces(text: str) -> None:
    result = MISSING_SPACE.run(text)
    for f in result.findings:
        assert f.replacement is not None
        # only spaces are inserted: the same characters once spaces are ignored
        assert f.replacement.replace(" ", "") == f.text.replace(" ", "")
        assert len(f.replacement) > len(f.text)
    assert len(result.cleaned) >= len(text)


@given(any_text)
def test_properties_to_original(text: str) -> None:
    result = DEFAULT.run(text)
    mapped = [result.to_original(i) for i in range(len(result.cleaned) + 1)]
    assert all(0 <= m <= len(text) for m in mapped)
    assert mapped == sorted(mapped)
    assert mapped[-1] == len(text)
    inside = {i for start, end in replaced_regions(result) for i in range(start, end)}
    for i, char in enumerate(result.cleaned):
        if i not in inside:
            assert text[mapped[i]] == char


@given(any_text)
def test_properties_segmentation_in_bounds(text: str) -> None:
    doc = Document(text)
    assert_ordered(doc.lines, text)
    assert doc.lines[0].start == 0 and doc.lines[-1].end == len(text)
    assert_ordered(doc.content_lines, text)
    assert_ordered(doc.paragraphs, text)
    assert_ordered(doc.sentences, text)
    for spans in (doc.content_lines, doc.paragraphs, doc.sentences):
        for span in spans:
            segment = text[span.start : span.end]
            assert segment and segment == segment.strip()
    for line in doc.lines:
        assert "\n" not in text[line.start : line.end] and "\r" not in text[line.start : line.end]
        sentences = split_sentences(text, [line])
        assert_ordered(sentences, text, line.start, line.end)
    # Every sentence and paragraph edge lies inside a content line.
    for span in doc.sentences:
        line = doc.lines[doc.line_index(span.start)]
        assert line.start <= span.start < span.end <= line.end
    for offset in range(len(text) + 1):
        index = doc.line_index(offset)
        assert doc.lines[index].start <= offset
        assert index + 1 == len(doc.lines) or offset < doc.lines[index + 1].start


# --- synthetic findings through Pipeline.decide ------------------------------------------------

WIDENING_ALPHABET = "ab  \t\n\n\r\u00a0."


@st.composite
def findings_case(draw: st.DrawFn) -> tuple[str, list[Finding], Settings, list[int]]:
    text = draw(
        st.one_of(
            st.text(alphabet=WIDENING_ALPHABET, max_size=40),
            st.lists(
                st.sampled_from(["ab", " ", "\n", "\r\n", "\r", "\n\n", "cd ", "\t"]), max_size=20
            ).map("".join),
            st.text(max_size=30),
        )
    )
    findings = []
    for _ in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, len(text)))
        end = draw(
            st.integers(start, min(len(text), start + draw(st.sampled_from([0, 1, 3, 10, 40]))))
        )
        category = draw(st.sampled_from(CATEGORIES))
        action = draw(st.sampled_from(ACTIONS))
        replacement = draw(st.text(alphabet="XY ,", max_size=3)) if action == "replace" else None
        findings.append(
            make_finding(
                text,
                start,
                end,
                detector=draw(st.sampled_from(["aaa_v1", "bbb_v1"])),
                category=category,
                code=f"{category}.{draw(st.sampled_from(['a', 'b']))}",
                score=draw(st.sampled_from([0.0, 0.3, 0.5, 0.7, 1.0])),
                reason="synthetic",
                action=action,
                replacement=replacement,
            )
        )
    overrides = draw(
        st.dictionaries(
            st.sampled_from(CATEGORIES),
            st.sampled_from(["remove", "replace", "flag", "off"]),
            max_size=3,
        )
    )
    actions = {cat: act for cat, act in overrides.items() if act in allowed_actions(cat)}
    settings = Settings(
        actions=actions,
        min_confidence=draw(st.sampled_from([0.0, 0.5, 1.0])),
        max_removed_share=draw(st.sampled_from([0.0, 0.3, 0.5, 1.0])),
    )
    order = draw(st.permutations(range(len(findings))))
    return text, findings, settings, order


RANK = {cat: i for i, cat in enumerate(CATEGORIES)}


def rule_priority(f: Finding) -> tuple[Any, ...]:
    """The overlap rule as pipeline.py's docstring states it, written again independently."""
    return (
        -(f.end - f.start),
        -f.score,
        f.action != "remove",
        f.start,
        RANK[f.category],
        f.detector,
        f.code,
        f.replacement or "",
    )


def overlaps(a: Finding, b: Finding) -> bool:
    if a.start == a.end or b.start == b.end:
        empty, other = (a, b) if a.start == a.end else (b, a)
        return other.start <= empty.start <= other.end
    return a.start < b.end and b.start < a.end


def greedy(findings: list[Finding]) -> list[Finding]:
    chosen: list[Finding] = []
    for f in sorted((f for f in findings if f.action in ("remove", "replace")), key=rule_priority):
        if not any(overlaps(f, g) for g in chosen):
            chosen.append(f)
    return chosen


def expected_applied(text: str, found: list[Finding], settings: Settings) -> list[Finding]:
    """Steps 2-5 of the pipeline's docstring, as an oracle (statuses and policies left unset)."""
    findings = []
    for f in found:
        action = settings.actions.get(f.category, f.action)
        if action == "replace" and f.replacement is None:
            action = f.action
        if action == "off":
            continue
        if action in ("remove", "replace") and f.score < settings.min_confidence:
            action = "flag"
        findings.append(f.evolve(action=action))
    chosen = greedy(findings)
    removed = sum(f.end - f.start for f in chosen if f.action == "remove")
    if text and removed / len(text) > settings.max_removed_share:
        findings = [f.evolve(action="flag") if f.action == "remove" else f for f in findings]
        chosen = greedy(findings)
    return chosen


def content(f: Finding) -> tuple[Any, ...]:
    return (f.start, f.end, f.category, f.detector, f.code, f.action, f.score, f.replacement or "")


@given(findings_case())
def test_properties_decide_synthetic_findings(
    case: tuple[str, list[Finding], Settings, list[int]],
) -> None:
    text, found, settings, order = case
    pipeline = Pipeline(settings, detectors=[])
    result = pipeline.decide(Document(text), found)
    assert_result_invariants(result, text)

    applied = [f for f in result.findings if f.status == "applied"]
    assert sorted(map(content, applied)) == sorted(
        map(content, expected_applied(text, found, settings))
    )
    # Applied findings never overlap; every superseded one lost to an applied one.
    for i, f in enumerate(applied):
        assert all(not overlaps(f, g) for g in applied[i + 1 :])
    for f in result.findings:
        if f.status == "superseded":
            assert f.action in ("remove", "replace")
            assert any(overlaps(f, g) and rule_priority(g) <= rule_priority(f) for g in applied)
        if f.action == "flag":
            assert f.status == "flagged"
        if f.policy == "low_confidence":
            assert f.score < settings.min_confidence
    assert ("max_removed_share" in result.policy) is result.review
    assert ("low_confidence" in result.policy) is any(
        f.policy == "low_confidence" for f in result.findings
    )

    # Each edit is its finding's span, widened by white space only for a removal.
    assert [e.finding for e in result.edits] == sorted(
        (i for i, f in enumerate(result.findings) if f.status == "applied"),
        key=lambda i: result.findings[i].start,
    )
    for edit in result.edits:
        f = result.findings[edit.finding]
        assert edit.start <= f.start <= f.end <= edit.end
        if f.action == "replace":
            assert (edit.start, edit.end, edit.replacement) == (f.start, f.end, f.replacement)
        else:
            assert edit.replacement == ""
            extra = text[edit.start : f.start] + text[f.end : edit.end]
            assert all(c in " \t\f\v\u00a0\r\n" for c in extra), repr(extra)

    # The input order of the findings does not matter.
    again = pipeline.decide(Document(text), [found[i] for i in order])
    assert again.cleaned == result.cleaned
    assert sorted((content(f), f.status) for f in again.findings) == sorted(
        (content(f), f.status) for f in result.findings
    )
