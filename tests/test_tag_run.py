"""The tag_run detector: case file (positives, negatives, known failures) and the seeds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from casefiles import case_id, known_failures, load_cases

from filters import Pipeline, Settings
from filters.detectors.tag_run import NAME, find_tag_runs
from filters.document import Document
from filters.findings import Finding
from filters.registry import Context

# The line detectors, run together as in the default pipeline (they read each other's verdicts).
LINE_DETECTORS = ("boilerplate", "caption", "heading", "metadata", "tag_run")

CASES = load_cases("tag_run")


def detect(text: str) -> list[Finding]:
    return list(find_tag_runs(Document(text), Context(Settings())))


@pytest.mark.parametrize("case", CASES["positives"], ids=case_id)
def test_tag_run_positive(case: dict[str, Any]) -> None:
    findings = detect(case["input"])
    assert [f.text for f in findings] == case["found"]
    assert findings[0].code == case["code"]
    for f in findings:
        assert (f.detector, f.category, f.action) == (NAME, "tag_run", "remove")
        assert case["input"][f.start : f.end] == f.text
        assert 0.5 <= f.score <= 1.0


@pytest.mark.parametrize("case", CASES["negatives"], ids=case_id)
def test_tag_run_negative(case: dict[str, Any]) -> None:
    assert detect(case["input"]) == []


@pytest.mark.parametrize(
    "case",
    known_failures(CASES),
)
def test_tag_run_known_failure(case: dict[str, Any]) -> None:
    assert [f.text for f in detect(case["input"])] == case["found"]


STORY = "The war goes on, and tens of thousands of people have fled the border region."


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        (f"{STORY}\nRussiaMoscowUkraine", STORY),
        (f"{STORY}RussiaMoscowUkraine", STORY),
        (f"RussiaMoscowUkraine{STORY}\nIt is cold.", f"{STORY}\nIt is cold."),
    ],
)
def test_tag_run_cleaned(text: str, cleaned: str) -> None:
    assert Pipeline(Settings(only=("tag_run",))).run(text).cleaned == cleaned


# --- the seeds ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", ["001_7873f5e771425f2f"])
def test_tag_run_seed_001(seed: str, read_seed: Callable[[str], str]) -> None:
    text = read_seed(seed)
    result = Pipeline(Settings(only=LINE_DETECTORS)).run(text)
    (finding,) = [f for f in result.findings if f.category == "tag_run"]
    assert finding.text == "RussiaMoscowUkraine"
    assert finding.status == "applied"
    assert "RussiaMoscowUkraine" not in result.cleaned


@pytest.mark.parametrize(
    "seed",
    [
        "000_7183ab27b20fb729",
        "002_d1d18d4b5a408889",
        "003_72a3d6b2ed4d73be",
        "004_2aa36577309240e0",
    ],
)
def test_tag_run_seeds_without_tags(seed: str, read_seed: Callable[[str], str]) -> None:
    assert detect(read_seed(seed)) == []
