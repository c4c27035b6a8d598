"""The duplicate detector: case file (repeats within a document), codes and reasons, and the
batch hook (lines shared across the documents of a window) through Pipeline.run_many."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from casefiles import case_id, known_failures, load_cases

from filters import Pipeline, Settings, restore
from filters.detectors.duplicate import (
    NAME,
    find_duplicates,
    line_hash,
    line_key,
    prepare_shared_lines,
)
from filters.document import Document
from filters.findings import Finding
from filters.pipeline import Result
from filters.registry import Context

CASES = load_cases("duplicate")


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Settings(only=("duplicate",)))


def detect(text: str, batch: dict[str, Any] | None = None) -> list[Finding]:
    ctx = Context(Settings(), batch={NAME: batch} if batch is not None else {})
    return list(find_duplicates(Document(text), ctx))


@pytest.mark.parametrize("case", CASES["positives"], ids=case_id)
def test_duplicate_positive(case: dict[str, str], pipeline: Pipeline) -> None:
    result = pipeline.run(case["input"])
    assert result.cleaned == case["expected"]
    assert result.findings
    for f in result.findings:
        assert f.detector == NAME
        assert f.category == "duplicate"
        assert f.action == "remove"
        assert f.status == "applied"
        assert f.code.startswith("duplicate.")
        # A copy: its key is that of an earlier line or paragraph of the document.
        assert line_key(f.text) in line_key(case["input"][: f.start])
    assert restore(result) == case["input"]


@pytest.mark.parametrize("case", CASES["negatives"], ids=case_id)
def test_duplicate_negative(case: dict[str, str], pipeline: Pipeline) -> None:
    assert detect(case["input"]) == []
    assert pipeline.run(case["input"]).cleaned == case["input"]


@pytest.mark.parametrize(
    "case",
    known_failures(CASES),
)
def test_duplicate_known_failure(case: dict[str, str], pipeline: Pipeline) -> None:
    assert pipeline.run(case["input"]).cleaned == case["expected"]


PROSE = "The army said it had repelled the attack on the border town overnight."


@pytest.mark.parametrize(
    ("text", "code", "score", "reason"),
    [
        (
            f"{PROSE}\nOther.\n{PROSE}",
            "duplicate.repeated_line",
            0.9,
            "line of 13 words repeats line 1",
        ),
        (
            "Soldiers ride an armoured vehicle\nSoldiers ride an armoured vehicle",
            "duplicate.adjacent_line",
            0.8,
            "line of 5 words repeats the line right before it (line 1)",
        ),
        (
            f"{PROSE}\n{PROSE}\n\nOther.\n\n{PROSE}\n{PROSE}",
            "duplicate.repeated_paragraph",
            0.9,
            "paragraph of 2 lines, 26 words repeats the one at line 1",
        ),
    ],
)
def test_duplicate_codes_scores_reasons(text: str, code: str, score: float, reason: str) -> None:
    findings = detect(text)
    assert [(f.code, f.score, f.reason) for f in findings[-1:]] == [(code, score, reason)]


def test_duplicate_keeps_the_first() -> None:
    text = f"{PROSE}\n\nOther.\n\n{PROSE}"
    (finding,) = detect(text)
    assert finding.start == text.rindex(PROSE)


# --- the batch hook -------------------------------------------------------------------------------

SHARED = "Sign up for our daily newsletter to get the news"


def make_docs(n: int, sharing: int, seed: int = 0) -> list[str]:
    """``n`` documents of their own sentences; the first ``sharing`` end with SHARED."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        words = " ".join(rng.choice(["alpha", "beta", "gamma", "delta"]) for _ in range(6))
        body = f"Story {i} begins here with {words}.\nIt goes on for story {i} and ends."
        docs.append(body + (f"\n{SHARED}" if i < sharing else ""))
    return docs


def shared_findings(results: list[Result]) -> dict[str, list[Finding]]:
    return {r.id: [f for f in r.findings if f.code == "duplicate.shared_line"] for r in results}


def test_duplicate_batch_removes_line_shared_by_many(pipeline: Pipeline) -> None:
    texts = make_docs(20, sharing=6)
    results = list(pipeline.run_many(texts, window=1000))
    found = shared_findings(results)
    for i, result in enumerate(results):
        if i < 6:
            (finding,) = found[result.id]
            assert finding.text == SHARED
            assert finding.status == "applied"
            assert finding.reason.startswith("line shared by 6 of 20 documents in this window")
            assert SHARED not in result.cleaned
        else:
            assert found[result.id] == []
            assert result.cleaned == texts[i]


@pytest.mark.parametrize(
    ("n", "sharing", "window"),
    [
        (20, 4, 1000),  # 4 documents: fewer than 5
        (9, 9, 1000),  # a window of fewer than 10 documents: never
        (600, 5, 1000),  # 5 of 600 is less than 1 %
        (20, 6, 10),  # each window of 10 holds 6 and 0: only the first window, see below
    ],
)
def test_duplicate_batch_thresholds(n: int, sharing: int, window: int, pipeline: Pipeline) -> None:
    results = list(pipeline.run_many(make_docs(n, sharing), window=window))
    found = shared_findings(results)
    removed = [rid for rid, fs in found.items() if fs]
    if window == 10:
        assert removed == [str(i) for i in range(6)]  # 6 of the first window of 10
    else:
        assert removed == []


def test_duplicate_batch_short_lines_never_shared(pipeline: Pipeline) -> None:
    texts = [t + "\nConclusion\nFrequently Asked Questions" for t in make_docs(20, 0)]
    results = list(pipeline.run_many(texts))
    assert all(not fs for fs in shared_findings(results).values())


def test_duplicate_batch_long_prose_only_flagged(pipeline: Pipeline) -> None:
    quote = (
        "The president said on Monday that the attack was a clear provocation and that his"
        " forces would respond."
    )
    texts = [t + "\n" + quote for t in make_docs(20, 0)]
    results = list(pipeline.run_many(texts))
    for result in results:
        (finding,) = shared_findings([result])[result.id]
        assert finding.status == "flagged"
        assert finding.policy == "low_confidence"
        assert quote in result.cleaned


@pytest.mark.parametrize("window", [7, 20, 1000])
def test_duplicate_batch_deterministic_whatever_the_order(window: int, pipeline: Pipeline) -> None:
    texts = make_docs(40, sharing=25, seed=3)
    order = list(range(len(texts)))
    random.Random(window).shuffle(order)
    docs = [Document(texts[i], id=str(i)) for i in range(len(texts))]
    straight = {r.id: r for r in pipeline.run_many(docs, window=len(docs))}
    shuffled = {r.id: r for r in pipeline.run_many([docs[i] for i in order], window=len(docs))}
    for rid, result in straight.items():
        assert result.findings == shuffled[rid].findings
        assert result.cleaned == shuffled[rid].cleaned
    # Windows of other sizes see other documents, but run twice they give the same.
    once = [(r.id, r.cleaned) for r in pipeline.run_many(docs, window=window)]
    twice = [(r.id, r.cleaned) for r in pipeline.run_many(docs, window=window)]
    assert once == twice


def test_duplicate_batch_state_is_hashes_only() -> None:
    docs = [Document(t) for t in make_docs(12, sharing=12)]
    state = prepare_shared_lines(docs)
    assert state == {
        "documents": 12,
        "min_documents": 5,
        "shared": {line_hash(line_key(SHARED)): 12},
    }
    assert all(isinstance(h, int) and 0 <= h < 2**64 for h in state["shared"])
    # Documents repeating the line twice count once.
    docs = [Document(t + "\n" + SHARED) for t in make_docs(12, sharing=12)]
    assert prepare_shared_lines(docs)["shared"] == {line_hash(line_key(SHARED)): 12}


def test_duplicate_seeds_nothing_shared(read_seed: Any, seeds_dir: Path) -> None:
    # Five reports on one story share quotes, not boilerplate: nothing goes, even when each
    # seed is in the window four times (every line in 4 documents, fewer than 5).
    pipeline = Pipeline(Settings(only=("duplicate",)))
    texts = [read_seed(p.stem) for p in sorted(seeds_dir.glob("*.txt"))]
    for batch in (texts, texts * 4):
        for result in pipeline.run_many(batch):
            assert result.findings == []


def test_duplicate_without_batch_state_no_shared_lines() -> None:
    text = make_docs(1, sharing=1)[0]
    assert detect(text) == []
    assert detect(text, {"documents": 20, "min_documents": 5, "shared": {}}) == []
    state = {"documents": 20, "min_documents": 5, "shared": {line_hash(line_key(SHARED)): 9}}
    (finding,) = detect(text, state)
    assert finding.code == "duplicate.shared_line"


def test_duplicate_line_hash_is_stable() -> None:
    # The same in every process (Python's hash() is not): a fixed value.
    assert line_hash("Sign up for our newsletter") == line_hash(
        line_key(" Sign  up for our newsletter")
    )
    assert line_hash("Sign up for our newsletter") == 0x86D2F934F416C69F
