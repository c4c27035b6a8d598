"""The heading detector: case file (positives, negatives, known failures) and the seeds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from casefiles import case_id, known_failures, load_cases

from filters import Pipeline, Settings
from filters.detectors._lines import lines_of, make_line
from filters.detectors.heading import NAME, claimed_lines, find_headings
from filters.document import Document
from filters.findings import Finding
from filters.registry import Context

# The line detectors, run together as in the default pipeline (they read each other's verdicts).
LINE_DETECTORS = ("boilerplate", "caption", "heading", "metadata", "tag_run")

CASES = load_cases("heading")


def detect(text: str) -> list[Finding]:
    return list(find_headings(Document(text), Context(Settings())))


@pytest.mark.parametrize("case", CASES["positives"], ids=case_id)
def test_heading_positive(case: dict[str, Any]) -> None:
    findings = detect(case["input"])
    assert [f.text for f in findings] == case["found"]
    assert [f.code for f in findings] == case["codes"]
    assert [f.action for f in findings] == case["actions"]
    for f in findings:
        assert (f.detector, f.category) == (NAME, "heading")
        assert case["input"][f.start : f.end] == f.text


@pytest.mark.parametrize("case", CASES["negatives"], ids=case_id)
def test_heading_negative(case: dict[str, Any]) -> None:
    assert detect(case["input"]) == []


@pytest.mark.parametrize(
    "case",
    known_failures(CASES),
)
def test_heading_known_failure(case: dict[str, Any]) -> None:
    assert [f.text for f in detect(case["input"])] == case["found"]


@pytest.mark.parametrize("action", ["flag", "off"])
def test_heading_headline_action_setting(action: str) -> None:
    text = (
        "Russia evacuates neighboring Kursk region\n"
        "The surprising Ukrainian advance into Kursk caught the Russian military off guard.\n"
        "Thousands have left their homes since the weekend, officials said."
    )
    result = Pipeline(Settings(only=("heading",), actions={"heading": action})).run(text)
    assert result.cleaned == text
    assert all(f.status == "flagged" for f in result.findings)


def test_heading_subheading_never_removed() -> None:
    text = (
        "Ukrainian troops crossed the border into the Russian region of Kursk last week.\n"
        "Shifting the war onto Russian territory\n"
        "The situation on the ground remains unclear, but reports suggest reinforcements."
    )
    result = Pipeline(Settings(only=("heading",))).run(text)
    assert result.cleaned == text
    assert [(f.code, f.status) for f in result.findings] == [("heading.subheading", "flagged")]


# --- the seeds ---------------------------------------------------------------------------------

# Gold headings (../shared/seeds/gold.json): headline (removed), subheadings (flagged).
SEED_HEADINGS = {
    "002_d1d18d4b5a408889": [
        ("Biden: “Kiev’s Incursion into Kursk Real Dilemma for Putin”", "flagged"),
        ("Kiev: “No interest in occupation of Russia’s Kursk region”", "flagged"),
        (
            "Zelensky: “We are advancing in the Kursk region, 74 communities under our control”",
            "flagged",
        ),
    ],
    "004_2aa36577309240e0": [
        ("Russia evacuates neighboring Kursk region", "applied"),
        ("Shifting the war onto Russian territory", "flagged"),
    ],
}


@pytest.mark.parametrize(("seed", "expected"), sorted(SEED_HEADINGS.items()))
def test_heading_seeds(
    seed: str, expected: list[tuple[str, str]], read_seed: Callable[[str], str]
) -> None:
    result = Pipeline(Settings(only=LINE_DETECTORS)).run(read_seed(seed))
    found = [(f.text, f.status) for f in result.findings if f.category == "heading"]
    assert found == expected


@pytest.mark.parametrize("seed", ["000_7183ab27b20fb729", "003_72a3d6b2ed4d73be"])
def test_heading_clean_seeds_untouched(seed: str, read_seed: Callable[[str], str]) -> None:
    assert detect(read_seed(seed)) == []


# --- the line view shared by the line detectors -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "words", "terminal", "first"),
    [
        ("Photo: Jane Doe, AP", 4, False, "photo"),
        ("“Every 4-5 hours,” the US president said.", 7, True, "every"),
        ("© 2019 Example News.", 3, True, "©"),
        ("[Related: City approves plan]", 4, False, "related"),
        ("—", 0, False, ""),
    ],
)
def test_heading_line_view(text: str, words: int, terminal: bool, first: str) -> None:
    line = make_line(text, 3, 10)
    assert (line.number, line.start, line.end) == (3, 10, 10 + len(text))
    assert (line.words, line.terminal, line.first) == (words, terminal, first)


def test_heading_line_view_cached_once_per_document() -> None:
    doc = Document("Russia evacuates neighboring Kursk region\nThe advance surprised Moscow.")
    assert lines_of(doc) is lines_of(doc)
    assert claimed_lines(doc) == [False, False]
    assert lines_of(Document(doc.text)) is not lines_of(doc)
