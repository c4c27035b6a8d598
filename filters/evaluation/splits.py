"""The train/test split of the development data, by document.

Model training (``make models``) may only learn from the ``train`` half; the
injection scores of ``make eval`` count only the ``test`` half, so a model is
never scored on a document, an artefact source or a host it has seen.

The split is a pure function of a *unit key* ``"<dataset>:<id>"``: the first
eight bytes of its SHA-256, read as an integer, decide. It is stable across
machines, Python versions and runs (no ``hash()`` randomisation), and it never
depends on which other documents exist. Units are whole documents or pages:
a Scrapinghub page (``scrapinghub:<sha>``, also covering its Track A lines), a
WCXB page (``wcxb:dev/0001``), an EUR-Lex act (``eurlex:<celex>``), a foreign
page (``foreign:<doc_id>``), an ftfy case (``ftfy:<id>``).

Example::

    >>> split_of(unit_key("wcxb", "dev/0001")) in ("train", "test")
    True
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Literal, TypeVar

Split = Literal["train", "test"]
T = TypeVar("T")

#: Share of units that fall in the test half.
TEST_SHARE = 0.5
_SCALE = 2**64


def unit_key(dataset: str, item_id: str) -> str:
    """The key a unit is split by: ``"<dataset>:<id>"``."""
    return f"{dataset}:{item_id}"


def split_of(key: str, test_share: float = TEST_SHARE) -> Split:
    """``"test"`` or ``"train"`` for a unit key, deterministically."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    value = int.from_bytes(digest[:8], "big") / _SCALE
    return "test" if value < test_share else "train"


def is_test(key: str) -> bool:
    """True when the unit belongs to the test half."""
    return split_of(key) == "test"


def partition(items: Iterable[T], key: Callable[[T], str]) -> dict[Split, list[T]]:
    """The items split into ``{"train": [...], "test": [...]}``, order kept."""
    halves: dict[Split, list[T]] = {"train": [], "test": []}
    for item in items:
        halves[split_of(key(item))].append(item)
    return halves
