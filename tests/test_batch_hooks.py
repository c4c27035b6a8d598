"""Batch hooks (``prepare``), windowed ``run_many`` and the document language."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from filters import Document, Pipeline, Settings
from filters.findings import Finding, make_finding
from filters.registry import Context, DetectorSpec


def _window_size(docs: Sequence[Document]) -> int:
    return len(docs)


def _flag_with_window(doc: Document, ctx: Context) -> Iterator[Finding]:
    size = ctx.batch["window_v1"]
    if doc.text:
        yield make_finding(
            doc.text,
            0,
            1,
            detector="window_v1",
            category="duplicate",
            code="duplicate.test",
            score=0.9,
            reason=f"window of {size}",
            action="flag",
        )


WINDOW = DetectorSpec(
    "window_v1", "window", ("duplicate",), _flag_with_window, "test", _window_size
)


@pytest.mark.parametrize(("count", "window", "sizes"), [(5, 2, [2, 2, 2, 2, 1]), (3, 10, [3] * 3)])
def test_pipeline_run_many_windows_feed_prepare(count, window, sizes):
    pipeline = Pipeline(Settings(), detectors=[WINDOW])
    assert pipeline.needs_batch
    results = list(pipeline.run_many([f"text {i}" for i in range(count)], window=window))
    assert [r.id for r in results] == [str(i) for i in range(count)]
    assert [r.findings[0].reason for r in results] == [f"window of {s}" for s in sizes]


@pytest.mark.parametrize("window", [0, -1])
def test_pipeline_run_many_refuses_bad_window(window):
    with pytest.raises(ValueError, match="window must be at least 1"):
        list(Pipeline(Settings(), detectors=[WINDOW]).run_many(["a"], window=window))


@pytest.mark.parametrize("texts", [["a,bc de,fg", "", "no glue here", "x,yz"]])
def test_pipeline_run_many_equals_run(texts):
    pipeline = Pipeline(Settings(skip=("duplicate",)))
    assert not pipeline.needs_batch
    many = list(pipeline.run_many(texts, window=3))
    single = [pipeline.run(t, id=str(i)) for i, t in enumerate(texts)]
    assert [m.to_dict() for m in many] == [s.to_dict() for s in single]
    assert [m.cleaned for m in many] == [s.cleaned for s in single]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [(None, None), ("en", {"code": "en", "probability": None, "source": "declared"})],
)
def test_pipeline_document_language_is_declared_language(lang, expected):
    pipeline = Pipeline(Settings(lang=lang))
    assert pipeline.document("Some text.").language == expected
    assert pipeline.run("Some text.").language == expected
