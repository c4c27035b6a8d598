"""The :class:`Document`: one article's original text and its segmentation.

The original text is kept exactly as decoded; every offset in clean-news refers
to it. Segments are computed on first use and cached.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .segment import Span, split_content_lines, split_lines, split_paragraphs, split_sentences

if TYPE_CHECKING:
    from .textstats import TextIndex


class Document:
    """An article to clean: ``id``, original ``text``, ``source`` and declared language."""

    def __init__(
        self, text: str, id: str = "", source: str | None = None, lang: str | None = None
    ) -> None:
        if not isinstance(text, str):
            raise TypeError(f"document text must be str, not {type(text).__name__}")
        self.text = text
        self.id = id
        self.source = source
        self.lang = lang

    def __repr__(self) -> str:
        return f"Document(id={self.id!r}, chars={len(self.text)})"

    @cached_property
    def lines(self) -> list[Span]:
        """Every line, blank ones included, without its terminator."""
        return split_lines(self.text)

    @cached_property
    def content_lines(self) -> list[Span]:
        """Non-blank lines, stripped of edge white space."""
        return split_content_lines(self.text)

    @cached_property
    def paragraphs(self) -> list[Span]:
        """Runs of non-blank lines separated by blank lines."""
        return split_paragraphs(self.text)

    @cached_property
    def sentences(self) -> list[Span]:
        """Sentences, which never cross a line break."""
        return split_sentences(self.text, self.content_lines)

    @cached_property
    def language(self) -> dict[str, Any] | None:
        """The document's language: ``{"code", "probability", "source"}`` or None.

        Computed once per document by :func:`filters.language.identify`;
        detectors read it from here.
        """
        from .language import identify

        return identify(self)

    @cached_property
    def text_index(self) -> TextIndex:
        """Where the text's words and long words start (numpy arrays), for detectors
        that count them per sentence (:class:`filters.textstats.TextIndex`)."""
        from .textstats import TextIndex

        return TextIndex(self.text)

    @cached_property
    def _line_starts(self) -> list[int]:
        return [line.start for line in self.lines]

    def line_index(self, offset: int) -> int:
        """Index in :attr:`lines` of the line holding ``offset``."""
        return max(0, bisect_right(self._line_starts, offset) - 1)

    def span_text(self, span: Span) -> str:
        return self.text[span.start : span.end]
