"""The caption detector: case file (positives, negatives, known failures) and the seeds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from casefiles import case_id, known_failures, load_cases

from filters import Pipeline, Settings
from filters.detectors._lines import make_line
from filters.detectors.caption import NAME, classify_caption, find_captions
from filters.document import Document
from filters.findings import Finding
from filters.registry import Context

# The line detectors, run together as in the default pipeline (they read each other's verdicts).
LINE_DETECTORS = ("boilerplate", "caption", "heading", "metadata", "tag_run")

CASES = load_cases("caption")


def detect(text: str) -> list[Finding]:
    return list(find_captions(Document(text), Context(Settings())))


@pytest.mark.parametrize("case", CASES["positives"], ids=case_id)
def test_caption_positive(case: dict[str, Any]) -> None:
    findings = detect(case["input"])
    assert [f.text for f in findings] == case["found"]
    assert findings[0].code == case["code"]
    for f in findings:
        assert (f.detector, f.category, f.action) == (NAME, "caption", "remove")
        assert case["input"][f.start : f.end] == f.text
        assert 0.5 <= f.score <= 1.0
        assert f.reason


@pytest.mark.parametrize("case", CASES["negatives"], ids=case_id)
def test_caption_negative(case: dict[str, Any]) -> None:
    assert detect(case["input"]) == []


@pytest.mark.parametrize(
    "case",
    known_failures(CASES),
)
def test_caption_known_failure(case: dict[str, Any]) -> None:
    assert [f.text for f in detect(case["input"])] == case["found"]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("Photo: Jane Doe, AP", "caption.credit_line"),
        ("(Photo by Jane Doe/Getty Images)", "caption.credit_line"),
        ("Guests at the gala. (AP Photo/Jane Doe)", "caption.agency_credit"),
        ("A man is seen in this handout picture released by the army", "caption.caption_phrase"),
        ("Fans pose for a photo outside the stadium in Madrid", "caption.caption_shape"),
    ],
)
def test_caption_classify_line(line: str, code: str) -> None:
    verdict = classify_caption(make_line(line))
    assert verdict is not None
    assert verdict[0] == code


@pytest.mark.parametrize("words", [81, 120])
def test_caption_long_line_is_a_paragraph(words: int) -> None:
    line = " ".join(["word"] * (words - 2)) + " (AP Photo/Jane)"
    assert classify_caption(make_line(line)) is None


# --- the seeds ---------------------------------------------------------------------------------

# Seed 001's caption (../shared/seeds/gold.json, category caption): the finding must cover it.
SEED_001_CAPTION = (
    "A Ukrainian soldier raises a Ukrainian flag in Guevo,Kursk Oblast,Russia released "
    "August 11,2024 in this still image obtained from a social media video"
)


@pytest.mark.parametrize("seed", ["001_7873f5e771425f2f"])
def test_caption_seed_001(seed: str, read_seed: Callable[[str], str]) -> None:
    text = read_seed(seed)
    start = text.index(SEED_001_CAPTION)
    result = Pipeline(Settings(only=(*LINE_DETECTORS, "missing_space"))).run(text)
    (finding,) = [f for f in result.findings if f.category == "caption"]
    assert (finding.start, finding.end) == (start, start + len(SEED_001_CAPTION))
    assert finding.status == "applied"
    assert SEED_001_CAPTION not in result.cleaned
    # The glued commas inside the caption lose to the longer caption removal.
    inside = [
        f for f in result.findings if f.category == "missing_space" and start <= f.start < f.end
    ]
    assert all(f.status == "superseded" for f in inside if f.end <= finding.end)


@pytest.mark.parametrize(
    "seed",
    [
        "000_7183ab27b20fb729",
        "002_d1d18d4b5a408889",
        "003_72a3d6b2ed4d73be",
        "004_2aa36577309240e0",
    ],
)
def test_caption_seeds_without_captions(seed: str, read_seed: Callable[[str], str]) -> None:
    assert detect(read_seed(seed)) == []
