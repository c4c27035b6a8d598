"""Findings: what a detector saw, as spans of the original text.

A :class:`Finding` never edits text by itself. The pipeline decides, from the
finding's action, the run's settings and the safety policy, whether it becomes
an edit. Offsets are code-point offsets into the original text (Python ``str``
indices), so ``original[start:end] == finding.text`` always holds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

#: Every category a detector may report, with its default action (DESIGN.md).
#: ``heading`` is special: a headline at the top is removed and a subheading
#: inside the body is flagged; the heading detector proposes which.
DEFAULT_ACTIONS: dict[str, str] = {
    "off_topic": "remove",
    "caption": "remove",
    "tag_run": "remove",
    "metadata": "remove",
    "boilerplate": "remove",
    "heading": "remove",
    "markup": "replace",
    "duplicate": "remove",
    "missing_space": "replace",
    "encoding": "replace",
    "foreign_language": "flag",
    "readability": "flag",
}
CATEGORIES: tuple[str, ...] = tuple(DEFAULT_ACTIONS)

#: Actions a finding can carry. ``off`` is a setting, never a finding's action.
ACTIONS: tuple[str, ...] = ("remove", "replace", "flag")
SETTING_ACTIONS: tuple[str, ...] = (*ACTIONS, "off")

#: Categories whose findings carry a replacement, so ``replace`` applies to them.
REPLACEABLE: frozenset[str] = frozenset({"markup", "missing_space", "encoding"})

#: Status of a finding after the pipeline ran.
#: applied: it became an edit; flagged: reported only; superseded: it lost the
#: overlap rule against another edit (see :mod:`filters.pipeline`).
STATUSES: tuple[str, ...] = ("applied", "flagged", "superseded")

SCORE_DIGITS = 3


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a detector saw, with the evidence (the JSON contract).

    ``policy`` says which safety rule turned an edit into a flag
    (``low_confidence`` or ``max_removed_share``), ``status`` what became of the
    finding; both are set by the pipeline, never by a detector.
    """

    detector: str
    category: str
    code: str
    start: int
    end: int
    text: str
    action: str
    score: float
    reason: str
    replacement: str | None = None
    status: str | None = None
    policy: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**fields)

    def evolve(self, **changes: Any) -> Finding:
        """A copy with ``changes`` (what :func:`dataclasses.replace` makes, faster: the
        pipeline makes one or two for every finding, hundreds of thousands on a
        megabyte of markup)."""
        if not _FIELD_NAMES.issuperset(changes):
            unknown = ", ".join(sorted(set(changes) - _FIELD_NAMES))
            raise TypeError(f"Finding has no field {unknown}; valid: {', '.join(_FIELDS)}")
        return Finding(*[changes[k] if k in changes else getattr(self, k) for k in _FIELDS])

    def sort_key(self) -> tuple[int, int, str, str, str]:
        return (self.start, self.end, self.category, self.detector, self.code)


#: The fields of a finding, in order (for :meth:`Finding.evolve`).
_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Finding))
_FIELD_NAMES = frozenset(_FIELDS)


def make_finding(
    text: str,
    start: int,
    end: int,
    *,
    detector: str,
    category: str,
    code: str,
    score: float,
    reason: str,
    action: str | None = None,
    replacement: str | None = None,
) -> Finding:
    """Build a finding over ``text[start:end]`` with a rounded score.

    ``action`` defaults to the category's default action; a ``replace`` action
    needs a replacement.
    """
    if category not in DEFAULT_ACTIONS:
        raise ValueError(f"unknown category {category!r}; valid: {', '.join(CATEGORIES)}")
    act = action or DEFAULT_ACTIONS[category]
    if act not in ACTIONS:
        raise ValueError(f"unknown action {act!r}; valid: {', '.join(ACTIONS)}")
    if act == "replace" and replacement is None:
        raise ValueError(f"{detector}: a 'replace' finding needs a replacement")
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"{detector}: span ({start}, {end}) outside text of length {len(text)}")
    return Finding(
        detector=detector,
        category=category,
        code=code,
        start=start,
        end=end,
        text=text[start:end],
        action=act,
        score=round(min(1.0, max(0.0, float(score))), SCORE_DIGITS),
        reason=reason,
        replacement=replacement,
    )
