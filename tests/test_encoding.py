"""The encoding category: mojibake_v1 (ftfy) and lookalike_v1, from the case file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from filters import Pipeline, Settings
from filters.detectors.mojibake import FTFY_CONFIG, SUSPECT_RE, changed_tokens
from filters.document import Document
from filters.registry import Context

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "cases" / "encoding.json").read_text(encoding="utf-8")
)
DETECTORS = ("mojibake", "lookalike")


def case_id(case: dict[str, str]) -> str:
    return case["note"]


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Settings(only=DETECTORS))


@pytest.mark.parametrize("case", CASES["positives"], ids=case_id)
def test_encoding_positive(case: dict[str, str], pipeline: Pipeline) -> None:
    text = case["input"]
    result = pipeline.run(text)
    assert result.cleaned == case["expected"]
    assert result.findings
    for f in result.findings:
        assert (f.category, f.code, f.action, f.status) == (
            "encoding",
            case["code"],
            "replace",
            "applied",
        )
        assert text[f.start : f.end] == f.text and f.replacement is not None
        assert f.reason
    # A second run finds nothing more: the repairs are idempotent.
    assert pipeline.run(result.cleaned).findings == []


@pytest.mark.parametrize("case", CASES["negatives"], ids=case_id)
def test_encoding_negative(case: dict[str, str], pipeline: Pipeline) -> None:
    result = pipeline.run(case["input"])
    assert result.findings == []
    assert result.cleaned == case["input"]


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.xfail(strict=True)) for c in CASES["known_failures"]],
    ids=case_id,
)
def test_encoding_known_failure(case: dict[str, str], pipeline: Pipeline) -> None:
    assert pipeline.run(case["input"]).cleaned == case["expected"]


def test_encoding_mojibake_reason_has_ftfy_plan(pipeline: Pipeline) -> None:
    (finding,) = pipeline.run("Then youâ€™re fine.").findings
    assert finding.text == "youâ€™re" and finding.replacement == "you’re"
    assert "ftfy: " in finding.reason and "decode" in finding.reason


def test_encoding_mojibake_findings_are_per_word(pipeline: Pipeline) -> None:
    """One finding per changed word; punctuation and markup next to it stay out."""
    text = "A long line " + "with clean words " * 40 + "and cafÃ© here " + "more " * 40
    text += "<i>SÃ£o</i>."
    result = pipeline.run(text)
    assert [(f.text, f.replacement) for f in result.findings] == [
        ("cafÃ©", "café"),
        ("SÃ£o", "São"),
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("youâ€™re fine", "you’re fine"),
        ("â€œaâ€\x9d b cafÃ©", "“a” b café"),
        ("x", "y"),
        ("same", "same"),
        ("a Â\xa0b", "a \xa0b"),
    ],
)
def test_encoding_changed_tokens_rebuild_the_new_text(old: str, new: str) -> None:
    parts, pos = [], 0
    for a0, a1, b0, b1 in changed_tokens(old, new):
        assert old[a0:a1] != new[b0:b1] or a0 == a1
        parts += [old[pos:a0], new[b0:b1]]
        pos = a1
    parts.append(old[pos:])
    assert "".join(parts) == new


def test_encoding_ftfy_config_is_conservative() -> None:
    assert FTFY_CONFIG.normalization is None
    assert not FTFY_CONFIG.uncurl_quotes and not FTFY_CONFIG.fix_character_width
    assert not FTFY_CONFIG.fix_latin_ligatures and not FTFY_CONFIG.fix_line_breaks
    assert not FTFY_CONFIG.unescape_html and FTFY_CONFIG.fix_encoding


@pytest.mark.parametrize("text", ["plain ASCII text, nothing to see", "“quotes” — and… ’”"])
def test_encoding_gate_skips_clean_text(text: str) -> None:
    assert SUSPECT_RE.search(text) is None


def test_encoding_counts_fixed_windows() -> None:
    from filters.detectors.mojibake import find_mojibake

    ctx = Context(Settings())
    list(find_mojibake(Document("cafÃ©\n\nSÃ£o"), ctx))
    assert ctx.counters["mojibake.windows_fixed"] == 2


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
def test_encoding_nothing_in_seeds(
    seed: str, pipeline: Pipeline, read_seed: Callable[[str], str]
) -> None:
    assert pipeline.run(read_seed(seed)).findings == []
