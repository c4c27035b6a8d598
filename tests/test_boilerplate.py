"""The boilerplate detector: case file (positives, negatives, known failures) and the seeds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from casefiles import case_id, known_failures, load_cases

from filters import Settings
from filters.detectors._lines import make_line
from filters.detectors.boilerplate import (
    LINE_PHRASES,
    NAME,
    classify_boilerplate,
    find_boilerplate,
)
from filters.document import Document
from filters.findings import Finding
from filters.registry import Context

CASES = load_cases("boilerplate")


def detect(text: str) -> list[Finding]:
    return list(find_boilerplate(Document(text), Context(Settings())))


@pytest.mark.parametrize("case", CASES["positives"], ids=case_id)
def test_boilerplate_positive(case: dict[str, Any]) -> None:
    findings = detect(case["input"])
    assert [f.text for f in findings] == case["found"]
    assert findings[0].code == case["code"]
    for f in findings:
        assert (f.detector, f.category, f.action) == (NAME, "boilerplate", "remove")
        assert case["input"][f.start : f.end] == f.text
        assert 0.5 <= f.score <= 1.0


@pytest.mark.parametrize("case", CASES["negatives"], ids=case_id)
def test_boilerplate_negative(case: dict[str, Any]) -> None:
    assert detect(case["input"]) == []


@pytest.mark.parametrize(
    "case",
    known_failures(CASES),
)
def test_boilerplate_known_failure(case: dict[str, Any]) -> None:
    assert [f.text for f in detect(case["input"])] == case["found"]


def test_boilerplate_position_prior() -> None:
    story = "The council approved the budget on Monday after a long debate."
    lines = [story] * 12
    middle = list(lines)
    middle[6] = "Read more"
    edge = [*lines, "Read more"]
    (in_middle,) = detect("\n".join(middle))
    (at_edge,) = detect("\n".join(edge))
    assert at_edge.score > in_middle.score >= 0.5


@pytest.mark.parametrize(
    "line",
    [
        "Share",
        "| Share |",
        "» Read more",
        "Related Articles:",
        "ADVERTISEMENT",
        "... more",
        "← Previous Story",
    ],
)
def test_boilerplate_whole_line_normalised(line: str) -> None:
    assert classify_boilerplate(make_line(line)) is not None


def test_boilerplate_phrases_are_data() -> None:
    # The phrase lists live in filters/data/boilerplate.txt, normalised once.
    assert "share on facebook" in LINE_PHRASES
    assert all(phrase == phrase.strip().lower() for phrase in LINE_PHRASES)


@pytest.mark.parametrize(
    "seed",
    [
        "000_7183ab27b20fb729",
        "001_7873f5e771425f2f",
        "002_d1d18d4b5a408889",
        "003_72a3d6b2ed4d73be",
        "004_2aa36577309240e0",
    ],
)
def test_boilerplate_seeds_untouched(seed: str, read_seed: Callable[[str], str]) -> None:
    assert detect(read_seed(seed)) == []
