"""The language of a document, as the report gives it.

Today: the declared language (``--lang``/``lang`` setting) when there is one,
else None. Language identification (langdetect, seeded) replaces the body of
:func:`identify`; its result shape stays ``{"code", "probability", "source"}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .document import Document


def identify(doc: Document) -> dict[str, Any] | None:
    """``{"code", "probability", "source"}`` for the document, or None when unknown."""
    if doc.lang:
        return {"code": doc.lang, "probability": None, "source": "declared"}
    return None
