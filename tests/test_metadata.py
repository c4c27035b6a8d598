"""The metadata detector: case file (positives, negatives, known failures) and the seeds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from casefiles import case_id, known_failures, load_cases

from filters import Pipeline, Settings
from filters.detectors._lines import make_line
from filters.detectors.metadata import NAME, classify_metadata, find_metadata, metadata_prefix
from filters.document import Document
from filters.findings import Finding
from filters.registry import Context

# The line detectors, run together as in the default pipeline (they read each other's verdicts).
LINE_DETECTORS = ("boilerplate", "caption", "heading", "metadata", "tag_run")

CASES = load_cases("metadata")


def detect(text: str) -> list[Finding]:
    return list(find_metadata(Document(text), Context(Settings())))


@pytest.mark.parametrize("case", CASES["positives"], ids=case_id)
def test_metadata_positive(case: dict[str, Any]) -> None:
    findings = detect(case["input"])
    assert [f.text for f in findings] == case["found"]
    assert findings[0].code == case["code"]
    assert findings[0].action == case.get("action", "remove")
    for f in findings:
        assert (f.detector, f.category) == (NAME, "metadata")
        assert case["input"][f.start : f.end] == f.text
        assert 0.5 <= f.score <= 1.0


@pytest.mark.parametrize("case", CASES["negatives"], ids=case_id)
def test_metadata_negative(case: dict[str, Any]) -> None:
    assert detect(case["input"]) == []


@pytest.mark.parametrize(
    "case",
    known_failures(CASES),
)
def test_metadata_known_failure(case: dict[str, Any]) -> None:
    assert [f.text for f in detect(case["input"])] == case["found"]


@pytest.mark.parametrize(
    ("line", "near_edge", "expected"),
    [
        ("May 20, 2025", True, "metadata.date_line"),
        ("May 20, 2025", False, None),  # a bare date counts near the edges only
        ("Updated May 20, 2025", False, "metadata.date_line"),
        ("Associated Press", True, "metadata.byline"),
        ("Associated Press", False, None),
    ],
)
def test_metadata_position(line: str, near_edge: bool, expected: str | None) -> None:
    verdict = classify_metadata(make_line(line), near_edge)
    assert (verdict[0] if verdict else None) == expected


@pytest.mark.parametrize(
    ("line", "prefix"),
    [
        ("date 2024-08-14 There it is.", "date 2024-08-14"),
        ("Published: 3 March 2021 The shop reopened.", "Published: 3 March 2021"),
        ("2024-08-14 The shop reopened.", "2024-08-14"),
        ("LONDON (Reuters) - Shares fell.", "LONDON (Reuters) -"),
    ],
)
def test_metadata_prefix_span(line: str, prefix: str) -> None:
    found = metadata_prefix(make_line(line))
    assert found is not None
    assert line[: found[0]] == prefix


def test_metadata_dateline_removed_on_request() -> None:
    text = "LONDON (Reuters) - Shares fell on Monday.\nThey recovered later."
    pipeline = Pipeline(Settings(only=("metadata",), actions={"metadata": "remove"}))
    assert pipeline.run(text).cleaned == "Shares fell on Monday.\nThey recovered later."
    default = Pipeline(Settings(only=("metadata",))).run(text)
    assert default.cleaned == text
    assert [f.status for f in default.findings] == ["flagged"]


# --- the seeds ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", ["002_d1d18d4b5a408889"])
def test_metadata_seed_002_date_prefix(seed: str, read_seed: Callable[[str], str]) -> None:
    text = read_seed(seed)
    result = Pipeline(Settings(only=LINE_DETECTORS)).run(text)
    (finding,) = [f for f in result.findings if f.category == "metadata"]
    assert finding.text == "date 2024-08-14"
    assert finding.status == "applied"
    assert result.cleaned.lstrip().startswith("There Russia’s Belgorod region")


@pytest.mark.parametrize(
    "seed",
    [
        "000_7183ab27b20fb729",
        "001_7873f5e771425f2f",
        "003_72a3d6b2ed4d73be",
        "004_2aa36577309240e0",
    ],
)
def test_metadata_seeds_without_metadata(seed: str, read_seed: Callable[[str], str]) -> None:
    assert detect(read_seed(seed)) == []
