"""The line view shared by the line-level detectors (caption, tag_run, metadata, heading,
boilerplate): each non-blank line with the few measures every one of them reads.

A document's *lines* here are its non-blank lines, stripped of edge white space
(:attr:`filters.document.Document.content_lines`), numbered from 0. The
:class:`Line` records and each family's per-line verdicts are computed once per
document and cached for as long as the document object lives, so the five
detectors make one pass over the lines between them, and the heading detector
reads the others' verdicts instead of computing them again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from ..document import Document

T = TypeVar("T")

#: What a line rule says: reason code, score, evidence (one human phrase).
Verdict = tuple[str, float, str]

# A word: letters or digits, with inner apostrophes, periods or hyphens ("U.S.", "don't").
WORD_RE = re.compile(r"\w+(?:['’.\-]\w+)*")
# Closing quotes and brackets after the final punctuation of a sentence.
CLOSERS = "\"'”’»)]"
# Sentence-final punctuation.
TERMINALS = (".", "!", "?", "…")
# A URL or an e-mail address: "http://", "https://", "www." or, inside one white-space
# token, a character, "@", a character and later ".x". A token is scanned once from its
# start, up to its first "@" and on to the first "." before a word character, so a token
# of many "@" is linear (the plain "\S@\S+\.\w" rescans the rest of the token from every
# "@").
LINK_RE = re.compile(r"https?://|www\.|(?<!\S)\S[^\s@]*+@\S(?:[^\s.]|\.(?!\w))*+\.\w")
# Letters of a script written without capitals or spaces (CJK, kana, hangul): no
# capitalisation rule applies to such lines.
UNCASED_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# The first word of a line after opening punctuation, lower-cased by the caller (matched
# at the start of a line: anchored, so no search rescans a long run of punctuation).
FIRST_WORD_RE = re.compile(r"^[^\w©@]*+(©|[\w@][\w'’\-]*)")
#: A line of this many white-space separated tokens or more is a paragraph: its words
#: are those tokens and its share of capitalised words is not measured (0.0); the rules
#: that read capitals are all done with shorter lines.
PARAGRAPH_WORDS = 25
# Small words that stay lower case in a title ("War and Peace", "Out of Africa").
TITLE_SMALL = frozenset(
    "a an and as at but by de du for from in into la le nor of off on onto or over per the "  # noqa: SIM905
    "to up upon van via von vs with der den die das des et el".split()
)  # fmt: skip


class Line(NamedTuple):
    """A non-blank line of a document: ``doc.text[start:end] == text``."""

    #: Position among the document's non-blank lines, from 0.
    number: int
    start: int
    end: int
    text: str
    #: ``text.lower()``, for the keyword gates.
    low: str
    #: Words (for a paragraph of PARAGRAPH_WORDS or more: white-space separated tokens).
    words: int
    #: Ends with ``.``, ``!``, ``?`` or an ellipsis (closing quotes allowed).
    terminal: bool
    #: Share of the words (title small words left out) that start with a capital or a digit
    #: (0.0 for a paragraph of PARAGRAPH_WORDS or more).
    capitalised: float
    #: Holds a URL or an e-mail address.
    link: bool
    #: Written in a script without case (CJK, hangul).
    uncased: bool
    #: The first word, lower-cased, after opening punctuation ("" when there is none).
    first: str


# A Line from a tuple of its fields in order (``Line._make`` without its checks).
_LINE = partial(tuple.__new__, Line)
# The longest word of TITLE_SMALL.
SMALL_LEN = max(map(len, TITLE_SMALL))


def make_line(text: str, number: int = 0, start: int = 0) -> Line:
    """One :class:`Line` for ``text`` (a stripped line) at ``start``.

    Called for every line of a document (a million one-word lines make a million calls),
    so it does its work in few steps: one pass over the words, the record built from a
    tuple.
    """
    tokens = text.split() if text.count(" ") >= PARAGRAPH_WORDS else None
    if tokens is not None and len(tokens) >= PARAGRAPH_WORDS:
        # a paragraph: no rule reads its exact length or its capitals
        n_words, capitalised = len(tokens), 0.0
    else:
        words = WORD_RE.findall(text)
        counted = caps = 0
        for word in words:
            # TITLE_SMALL holds short lower-case words: a longer word is never one
            if len(word) > SMALL_LEN or word.lower() not in TITLE_SMALL:
                counted += 1
                if word[0].isupper() or word[0].isdigit():
                    caps += 1
        n_words = len(words)
        capitalised = caps / counted if counted else 0.0
    low = text.lower()
    first = FIRST_WORD_RE.match(low)
    return _LINE(
        (
            number,
            start,
            start + len(text),
            text,
            low,
            n_words,
            text.rstrip(CLOSERS).endswith(TERMINALS),
            capitalised,
            ("://" in text or "www." in text or "@" in text) and LINK_RE.search(text) is not None,
            not text.isascii() and UNCASED_RE.search(text) is not None,
            first.group(1) if first else "",
        )
    )


_CACHE: WeakKeyDictionary[Document, dict[str, Any]] = WeakKeyDictionary()


def cached(doc: Document, key: str, compute: Callable[[Document], T]) -> T:
    """``compute(doc)``, computed once per document object and key."""
    store = _CACHE.get(doc)
    if store is None:
        store = _CACHE[doc] = {}
    if key not in store:
        store[key] = compute(doc)
    value: T = store[key]
    return value


def lines_of(doc: Document) -> tuple[Line, ...]:
    """The document's non-blank lines as :class:`Line` records (cached)."""
    return cached(doc, "lines", _make_lines)


def _make_lines(doc: Document) -> tuple[Line, ...]:
    text = doc.text
    return tuple(
        make_line(text[start:end], i, start) for i, (start, end) in enumerate(doc.content_lines)
    )


def is_prose(line: Line, min_words: int = 8) -> bool:
    """A line that reads as running text: enough words, sentence punctuation at the end."""
    return line.words >= min_words and line.terminal and line.capitalised < 0.6


def digit_token_share(text: str) -> float:
    """Share of the white-space tokens of ``text`` that hold a digit (0.0 for no token):
    a schedule or a table row is mostly numbers, a headline or a teaser is not."""
    tokens = text.split()
    if not tokens:
        return 0.0
    return sum(1 for token in tokens if any(c.isdigit() for c in token)) / len(tokens)


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of literal phrases, longest first, any white space inside."""
    escaped = (re.escape(p).replace(r"\ ", r"\s+") for p in sorted(set(phrases), key=_by_len))
    return "(?:" + "|".join(escaped) + ")"


def first_words(phrases: Iterable[str]) -> frozenset[str]:
    """The first words of phrases, lower-cased, as :attr:`Line.first` reads them."""
    found = set()
    for phrase in phrases:
        match = FIRST_WORD_RE.match(phrase.lower())
        if match:
            found.add(match.group(1))
    return frozenset(found)


def low_is_exact(text: str) -> bool:
    """True when :attr:`Line.low` holds a literal of ASCII letters exactly where a
    case-insensitive regex finds it in ``text``, so a cheap test of the lower-cased line
    may rule the regex out: always, but for three letters the regex takes for an ASCII
    letter and ``str.lower()`` turns into something else, "İ" (lower-cased "i̇") and "ı"
    for "i", "ſ" for "s" (every code point checked; the Kelvin sign lower-cases to "k")."""
    return text.isascii() or ("İ" not in text and "ı" not in text and "ſ" not in text)


def _by_len(phrase: str) -> tuple[int, str]:
    return (-len(phrase), phrase)


def keyword_gate(keywords: Iterable[str]) -> re.Pattern[str]:
    """A regex that finds any of the literal keywords: the fast gate before a rule's
    heavier regexes (search the lower-cased line, :attr:`Line.low`).

    Only whether it finds something is meaningful, not what it finds: a keyword that holds
    another ("cookies", "cookie") is left out, and the rest are merged into a trie
    ("c(?:lick|ookie)"), so at each position the regex engine compares one character per
    branch of the trie instead of trying every keyword (a third faster on short lines).
    """
    keys = set(keywords)
    trie: dict[str, Any] = {}
    for key in keys:
        if any(other != key and other in key for other in keys):
            continue  # a line holding ``key`` holds ``other`` too
        node = trie
        for char in key:
            node = node.setdefault(char, {})
    return re.compile(_trie_pattern(trie))


def _trie_pattern(node: dict[str, Any]) -> str:
    """The alternation of the keywords in a trie (no keyword is a prefix of another)."""
    branches = [re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items())]
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" if branches else ""


def longest_words(phrases: Iterable[str]) -> frozenset[str]:
    """The longest word of each phrase, lower-cased: selective keywords for a gate."""
    return frozenset(max(WORD_RE.findall(p.lower()) or [p.lower()], key=len) for p in phrases)
