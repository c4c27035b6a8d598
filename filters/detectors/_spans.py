"""A set of spans claimed or reported so far, asked whether a new span lies inside one or
overlaps one, in logarithmic time.

Detectors claim spans step by step, each step in text order, so the spans are kept as a
few lists of sorted, disjoint spans (a new list starts whenever a span starts before the
end of the last one): a question is one bisection per list, not a look at every span
(which made a document with thousands of findings quadratic).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right


class SpanSet:
    """Spans ``[start, end)`` added in runs of text order (see the module docstring)."""

    def __init__(self) -> None:
        self.lists: list[tuple[list[int], list[int]]] = []  # (starts, ends) per list

    def add(self, start: int, end: int) -> None:
        if not self.lists or start < self.lists[-1][1][-1]:
            self.lists.append(([], []))
        starts, ends = self.lists[-1]
        starts.append(start)
        ends.append(end)

    def contains(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` lies inside one span added (the last one of a list
        starting at or before it is the only one of that list that can hold it)."""
        for starts, ends in self.lists:
            i = bisect_right(starts, start) - 1
            if i >= 0 and end <= ends[i]:
                return True
        return False

    def free(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` overlaps no span added."""
        for starts, ends in self.lists:
            i = bisect_left(starts, end) - 1  # the last span starting before ``end``
            if i >= 0 and ends[i] > start:
                return False
        return True
