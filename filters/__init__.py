"""clean-news: clean scraped news text and report every change.

>>> from filters import clean
>>> result = clean("Houses are destroyed,civilians died.")
>>> result.cleaned
'Houses are destroyed, civilians died.'
"""

from __future__ import annotations

import logging

from ._version import __version__
from .document import Document
from .findings import CATEGORIES, DEFAULT_ACTIONS, Finding
from .parallel import clean_batch, clean_many
from .pipeline import Edit, Pipeline, Result, restore
from .registry import register
from .settings import Settings

__all__ = [
    "CATEGORIES",
    "DEFAULT_ACTIONS",
    "Document",
    "Edit",
    "Finding",
    "Pipeline",
    "Result",
    "Settings",
    "__version__",
    "clean",
    "clean_batch",
    "clean_many",
    "register",
    "restore",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def clean(
    text: str, settings: Settings | None = None, *, id: str = "", source: str | None = None
) -> Result:
    """Clean one text with the default detectors (or ``settings``) and return the result.

    For many texts build one :class:`Pipeline` and call :meth:`Pipeline.run`,
    which does not resolve the detectors again for every text.
    """
    return Pipeline(settings).run(text, id=id, source=source)
