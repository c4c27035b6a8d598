"""Fuzzing the whole pipeline: generated documents, the invariants every run must keep.

* every finding's offsets are valid and its ``text`` is its span of the original;
* the edits are sorted and disjoint, and the original is rebuilt exactly;
* no exception, whatever the text (control characters, lone surrogates' neighbours,
  huge runs of one character, mixed scripts, markup, line-break soup);
* the fixes are idempotent: cleaning a cleaned text with the fixing detectors
  (markup, missing_space, encoding) changes nothing more;
* the output is deterministic: the same across runs and across ``jobs=1`` / ``jobs=2``.

Counts: the profile's ``max_examples`` times :data:`SCALE` per property (``ci``: 1,000 x 5
for the invariants, so with the other properties well over 10,000 generated documents a
CI run). ``make fuzz`` runs this module and tests/test_properties.py with the ``fuzz``
profile (20,000 examples per property, a fresh random seed each run).
"""

from __future__ import annotations

import pytest
from conftest import FUZZ_COUNTS
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from filters import Pipeline, Settings, restore
from filters.parallel import clean_many
from filters.pipeline import Result

PIPELINE = Pipeline()
FIXING = ("markup", "missing_space", "mojibake", "lookalike")
FIXERS = Pipeline(Settings(only=FIXING))
EACH_FIXER = [Pipeline(Settings(only=(name,))) for name in FIXING]
SCALE = 5
PROFILE_EXAMPLES = hsettings.default.max_examples

# Pieces that have hurt text tools: runs, glued punctuation, markup, mojibake, scripts.
NASTY = [
    ",", ".", "...", "…", "!", "?", ";", ":", '"', "'", "“", "”", "(", ")", "[", "]",
    "<", ">", "</", "<p>", "<br/>", "<script>", "&amp;", "&#x27;", "&", "&#", "@", "#", "/",
    "http://", "https://x.org/a,b", "www.", "a@b.co", "-", "—", "_", "*", "|", "=",
    "A", "AB", "Ab", "aB", "U.S.", "Mr.", "No.", "1", "12", "1,000", "3.5", "2024-08-14",
    " ", "  ", "\t", "\n", "\n\n", "\r\n", "\r", "\u00a0", "\u2028", "\x85", "\x0b", "\x0c",
    "\x00", "\x07", "\x1b[0m", "\u200b", "\u200d", "\ufeff", "\u202e", "\ufffd",
    "Ã©", "â€™", "Ð¿", "Кyiv", "аb", "😀", "👨\u200d👩\u200d👧", "🇺🇦", "e\u0301",
    "مرحبا", "שלום", "北京", "Москва", "नमस्ते",
    "Photo: Reuters", "Share this article", "Subscribe to our newsletter", "Updated",
    "By Jane Doe", "Read more", "RussiaMoscowUkraine", "Article 11 (2)",
    "The council met on Tuesday", "destroyed,civilians",
]  # fmt: skip

pieces = st.one_of(st.sampled_from(NASTY), st.text(max_size=6))
documents = st.one_of(
    st.lists(pieces, max_size=60).map("".join),
    # a run of one nasty piece, then ordinary text
    st.builds(
        lambda piece, n, rest: piece * n + rest,
        st.sampled_from(NASTY),
        st.integers(1, 300),
        st.lists(pieces, max_size=10).map("".join),
    ),
    # news-like lines
    st.lists(st.lists(pieces, min_size=1, max_size=12).map(" ".join), max_size=12).map("\n".join),
    st.text(),
)


def count(name: str, n: int = 1) -> None:
    FUZZ_COUNTS[name] = FUZZ_COUNTS.get(name, 0) + n


def check(result: Result, text: str) -> None:
    assert result.original == text
    for f in result.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert text[f.start : f.end] == f.text
    previous = 0
    for edit in result.edits:
        assert previous <= edit.start <= edit.end <= len(text)
        assert text[edit.start : edit.end] == edit.text
        previous = edit.end
    assert restore(result) == text


@hsettings(max_examples=PROFILE_EXAMPLES * SCALE, deadline=None)
@given(documents)
def test_fuzz_pipeline_invariants(text: str) -> None:
    count("invariants")
    check(PIPELINE.run(text), text)


# Each fixing detector is idempotent on its own. Together they are not always: mojibake_v1
# widens a repair to the whole white-space token, so another fix inside that token
# (a control character, a tag glued to it) is superseded in the first pass and applied
# in the second. The known failure below keeps that visible until mojibake_v1 narrows it.
@hsettings(max_examples=PROFILE_EXAMPLES * 2, deadline=None)
@given(documents)
def test_fuzz_fixes_are_idempotent(text: str) -> None:
    count("idempotent", 2 * len(EACH_FIXER))
    for fixer in EACH_FIXER:
        once = fixer.run(text)
        check(once, text)
        twice = fixer.run(once.cleaned)
        applied = [f for f in twice.findings if f.status == "applied"]
        assert applied == [], (fixer.detector_names, once.cleaned, applied)


@pytest.mark.parametrize(
    "text",
    ["\x1b\x80", "<p>Ã©", "<b>cafÃ©</b>&amp;Ã©", "x\x00Ã©", "[caption]SÃ£o[/caption]"],
)
def test_fuzz_fixes_together_next_to_mojibake(text: str) -> None:
    """A mojibake repair stops at markup, control characters and punctuation next to the
    word (once it took the whole white-space token, and the markup or control character
    in it came back on a second run)."""
    once = FIXERS.run(text)
    assert FIXERS.run(once.cleaned).findings == []


@hsettings(
    max_examples=max(2, PROFILE_EXAMPLES // 300),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(documents, min_size=40, max_size=80))
def test_fuzz_deterministic_across_runs_and_jobs(texts: list[str]) -> None:
    count("jobs 1 vs 2", 3 * len(texts))

    def outcome(jobs: int) -> list[tuple[str, list[tuple[object, ...]]]]:
        return [
            (r.cleaned, [(f.detector, f.start, f.end, f.action, f.score) for f in r.findings])
            for r in clean_many(texts, jobs=jobs, window=16, chunk_size=4)
        ]

    first = outcome(1)
    assert outcome(1) == first
    assert outcome(2) == first
