"""The case files of the detector tests (``tests/cases/<family>.json``).

Each file holds ``positives``, ``negatives`` and ``known_failures``: lists of cases, each
with a ``note`` that names it in test ids. A known failure is a case the detector gets
wrong today; it runs as a strict xfail, so fixing it makes the suite say so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CASES_DIR = Path(__file__).parent / "cases"


def load_cases(family: str) -> dict[str, Any]:
    """The cases of ``family`` (``tests/cases/<family>.json``)."""
    data: dict[str, Any] = json.loads((CASES_DIR / f"{family}.json").read_text(encoding="utf-8"))
    return data


def case_id(case: dict[str, Any]) -> str:
    """A case's test id: its note."""
    return str(case["note"])


def known_failures(cases: dict[str, Any]) -> list[Any]:
    """The known failures as strict xfail parameters, named by their notes."""
    return [
        pytest.param(c, marks=pytest.mark.xfail(strict=True), id=case_id(c))
        for c in cases["known_failures"]
    ]
