"""filters/detectors/_spans.py: the span set the markup and duplicate detectors share."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from filters.detectors._spans import SpanSet

spans = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)), max_size=30)


@given(spans, st.integers(0, 70), st.integers(0, 8))
def test_spans_answer_as_a_scan_of_every_span(added, start, length) -> None:
    """Any order of adds (runs of text order or not) answers as the plain scan does."""
    kept: list[tuple[int, int]] = []
    span_set = SpanSet()
    for s, n in added:
        if span_set.free(s, s + n) or n == 0:
            span_set.add(s, s + n)
            kept.append((s, s + n))
    end = start + length
    assert span_set.contains(start, end) == any(s <= start and end <= e for s, e in kept)
    assert span_set.free(start, end) == all(end <= s or e <= start for s, e in kept)
