"""foreign_language: a sentence written in another language than the document's.

What it catches: a whole sentence in another language inside an article, such as a
German sentence in an English report (``Die Bundesregierung hat am Montag neue
Sanktionen beschlossen.``), a French paragraph in an English page, or a Chinese line
in a German one. One ``flag`` finding per sentence, over the sentence.

How, cheapest first, per sentence (the document's language comes from
:attr:`Document.language`, so a German document declared English is judged as German;
a sentence of the segmenter is cut once more after CJK full stops ``。！？``, which the
English segmenter does not know):

1. **Too short to judge**: fewer than :data:`MIN_WORDS` words (CJK: fewer than
   :data:`MIN_CJK_CHARS` characters). Never flagged; counted as
   ``foreign_language.abstained_short`` in ``stats["counters"]``.
2. **Cheap signal**: the sentence becomes a *candidate* when its letters are mostly in
   another script than the document's (code ``foreign_language.script``), or when it
   holds at least :data:`MIN_FOREIGN_HITS` distinct function words of other languages
   (``data/stopwords.txt``) that the document's language does not use, more often than
   the document language's own function words (``foreign_language.function_words``).
   A candidate holding markup or addresses (:data:`MARKUP_RE`: HTML tags, markdown link
   targets, URLs, e-mail addresses, entities) is judged without them, since their letters are Latin
   whatever the page's language; with too little left it is counted as
   ``foreign_language.abstained_markup``.
   When a candidate has text inside quotes or brackets and at least :data:`MIN_WORDS`
   words outside them, only the outside is judged, so a quoted foreign phrase or a
   foreign title in an English sentence makes no candidate.
   In a document in the Latin script, both signals are first looked for in all
   sentences at once (:func:`_possible_candidates`, from the document's words and
   letters): only the sentences holding two such function words, a letter English does
   not use or a letter of another script are judged one by one.
3. **langdetect** (seeded, :func:`filters.language.detect_langs`) runs on candidates
   only (counted as ``foreign_language.langdetect``): a candidate is flagged when
   langdetect names another language than the document's with probability of at least
   :data:`MIN_PROBABILITY`.

What it leaves alone: names and place names in a sentence of the document's language
(``Krasnojaruschski``, ``Sudzha``: they carry no function words of another language),
quoted foreign phrases and titles inside such a sentence, short lines (headings, name
lists, captions of a few words), and documents whose language is unknown (counted as
``foreign_language.no_document_language``). A document in another language than the
declared one is counted as ``language.declared_mismatch``. Sentences in a Latin-script
language without a stop-word list (Croatian, Catalan, Vietnamese ...) are not found in
a Latin-script document: without function words of their own, langdetect alone flags
too many English fragments (it gives p = 1.0 to "Regular gym vs home gym" as Welsh).

False-positive risk: low; langdetect only confirms what function words or the script
already say. The risk is highest for genuine foreign titles and names of
organisations (``Piattaforme digitali per la gestione del territorio`` in an English
reference list), which are flagged, correctly but perhaps unwantedly.

Example: in an English article, ``Die Bundesregierung hat am Montag neue Sanktionen
gegen Russland beschlossen.`` -> one ``flag`` finding over the sentence, code
``foreign_language.function_words``, reason naming German, its probability and the
function words seen.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import cache
from itertools import chain

import numpy as np

from ..document import Document
from ..findings import Finding, make_finding
from ..language import (
    CJK_SCRIPTS,
    NON_LATIN_LETTER_RE,
    NON_LATIN_LETTERS,
    detect_langs,
    document_language,
    dominant_script,
    is_mismatch,
    primary,
    same_language,
    script_counts,
    stopwords,
)
from ..registry import Context, register
from ..segment import Span, strip_span
from ..textstats import CharTable
from .mojibake import SUSPECT_RE

NAME = "foreign_language_v1"

#: Sentences with fewer words than this are not judged (abstention).
MIN_WORDS = 5
#: ... and CJK sentences with fewer Han/kana/Hangul characters than this.
MIN_CJK_CHARS = 8
#: langdetect's probability needed to flag a candidate, by signal (it runs seven trials,
#: so its probabilities come in sevenths: 0.857 is six trials of seven). A ``script``
#: candidate needs none: the script already rules the document's language out; a
#: ``letters`` candidate (names with diacritics are common in English) needs all seven.
MIN_PROBABILITY_FOR = {"function_words": 0.7, "letters": 0.9}
#: Function words of other languages (distinct words, and occurrences outnumbering the
#: document language's own) that make a candidate.
MIN_FOREIGN_HITS = 2
#: A sentence whose words are at least 1 / OWN_SHARE function words of the document's
#: language is no candidate (English prose runs at 30 to 50 %).
OWN_SHARE = 5
#: A script decides a sentence's script when this share of its letters is in it.
SCRIPT_SHARE = 0.5
#: Function words named in a reason.
SHOWN_WORDS = 4

#: Latin letters that English does not use (diacritics, ß, ø, ł ...).
MARKED_LETTERS = CharTable([(0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F), (0x1E00, 0x1EFF)])
MARKED = MARKED_LETTERS.pattern[1:-1]  # the ranges, to go inside the classes below
# A word with such a letter: matched from the word's start only (the look-behind), so a
# long word without one is scanned once, not again from each of its letters.
LETTER_WITH_MARK_RE = re.compile(rf"(?<!\w)[^\W{MARKED}]*+[{MARKED}]\w*+")
# CJK sentence ends (ideographic full stop, fullwidth ! and ?) with closing brackets.
CJK_STOP_RE = re.compile(r"[。！？]+[」』）”]*")
#: Quoted or bracketed text inside a sentence, left out of the signal (a quoted phrase, a
#: title in brackets): opening character -> (the characters that end the search, those
#: of them that close it, the fewest characters between). Straight and curly double
#: quotes, guillemets, low-high quotes, curly single quotes around three or more
#: characters, and round brackets (a second opening bracket ends the search: no nesting).
QUOTES = {
    '"': ('"', '"', 0),
    "“": ("”", "”", 0),
    "«": ("»", "»", 0),
    "„": ("“”", "“”", 0),
    "‘": ("’", "’", 3),
    "(": ("()", ")", 0),
}
#: Markup and addresses, left out of a candidate before it is judged: HTML tags, the
#: targets of markdown links (``](/news/view.html?idx=1)``), URLs, e-mail addresses and
#: character entities.
#: Their letters are Latin whatever the page's language: a Korean link line is no
#: English sentence.
MARKUP_RE = re.compile(
    r"<[A-Za-z/!?][^<>]{0,500}>|\]\([^()\s]{0,2000}\)|(?:https?://|www\.)\S+"
    r"|&(?:[A-Za-z]{2,8}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"
    r"|[\w.+\-]{1,64}+@[\w\-]{1,63}+(?:\.[\w\-]{1,63}+)++"
)


def _may_hold_markup(text: str) -> bool:
    """False when :data:`MARKUP_RE` cannot match ``text`` (a cheap test before it)."""
    return (
        "<" in text or "](" in text or "://" in text or "www." in text or "&" in text or "@" in text
    )


# An opening character of QUOTES.
OPENER_RE = re.compile("[" + re.escape("".join(QUOTES)) + "]")


@register(NAME, categories=["foreign_language"])
def find_foreign_sentences(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Sentences in another language than the document's (checked by langdetect)."""
    counters = ctx.counters
    language = doc.language
    if is_mismatch(language):
        counters["language.declared_mismatch"] += 1
    doc_lang = document_language(doc) or ctx.settings.lang
    if doc_lang is None:
        if doc.sentences:
            counters["foreign_language.no_document_language"] += 1
        return
    own = stopwords().get(primary(doc_lang))
    text = doc.text
    cjk_stops = "。" in text or "！" in text or "？" in text
    # Whole-document shortcuts, exact: a sentence without a non-Latin letter is Latin
    # (what _script finds), and without one in the text so is the document's start
    # (what _document_script finds).
    non_latin = np.flatnonzero(doc.text_index.flags(NON_LATIN_LETTERS))
    latin_only = not len(non_latin)  # _latin_only(text), faster
    doc_script = "latin" if latin_only else _document_script(text, doc_lang)
    if cjk_stops:
        sentences: Sequence[tuple[int, int]] = list(_pieces(text, doc.sentences))
    elif doc_script == "latin":
        sentences = _possible_candidates(doc, non_latin, own, doc_lang, counters)
    else:
        sentences = doc.sentences
    for start, end in sentences:
        sentence = text[start:end]
        script, script_letters = ("latin", 0) if latin_only else _script(sentence)
        words = sentence.lower().split()
        size = script_letters if script in CJK_SCRIPTS else len(words)
        if size < (MIN_CJK_CHARS if script in CJK_SCRIPTS else MIN_WORDS):
            counters["foreign_language.abstained_short"] += 1
            continue
        kind = _candidate(sentence, words, script, doc_script, own, doc_lang)
        judged = sentence
        if kind is not None and _may_hold_markup(sentence):
            bare = MARKUP_RE.sub(" ", sentence)
            if bare != sentence:  # judge the sentence without its markup and addresses
                script, script_letters = _script(bare)
                words = bare.lower().split()
                size = script_letters if script in CJK_SCRIPTS else len(words)
                if size < (MIN_CJK_CHARS if script in CJK_SCRIPTS else MIN_WORDS):
                    counters["foreign_language.abstained_markup"] += 1
                    continue
                judged = bare
                kind = _candidate(judged, words, script, doc_script, own, doc_lang)
        quoted = quoted_spans(judged) if kind is not None and kind != "script" else []
        if quoted:
            outside = _blank_out(judged, quoted)
            if len(outside.split()) >= MIN_WORDS:  # judge what is outside the quotes
                judged, words = outside, outside.lower().split()
                kind = _candidate(judged, words, _script(judged)[0], doc_script, own, doc_lang)
        if kind is None:
            continue
        counters["foreign_language.candidates"] += 1
        counters["foreign_language.langdetect"] += 1
        found = _by_language(detect_langs(judged))
        if not found:
            continue
        code, prob = found[0]
        if same_language(code, doc_lang) or prob < MIN_PROBABILITY_FOR.get(kind, 0.0):
            continue
        yield _finding(doc, start, end, kind, code, prob, doc_lang, words)


def _possible_candidates(
    doc: Document,
    non_latin: np.ndarray,
    own: frozenset[str] | None,
    doc_lang: str,
    counters: Counter[str],
) -> list[Span]:
    """The sentences of a document in the Latin script that :func:`_candidate` may
    take, all sentences at once; the others are counted as abstentions when short.

    ``non_latin``: the offsets of the document's non-Latin letters. A sentence holding
    one is passed on, to be judged by its script. A sentence without one is Latin, like
    the document: it can only be a ``function_words`` candidate or, in English, a
    ``letters`` one (a :data:`MARKED_LETTERS` letter); a sentence with neither is never
    a candidate, and only its length matters.

    A ``function_words`` candidate holds at least :data:`MIN_FOREIGN_HITS` distinct
    white-space words in lower case that are words of :func:`_foreign_words`. Those are
    all in lower case, so such a word is one of them exactly as it is written (``Die``
    at the start of an English sentence is not ``die``), and a document holding fewer
    than MIN_FOREIGN_HITS of them has no such candidate (its words are not located).
    The words of all sentences are the document's ``str.split()`` words, counted per
    sentence by their starts; a sentence that cuts a word at either end has words the
    document's split does not hold, and is passed on whole.
    """
    index = doc.text_index
    starts = index.word_starts
    tokens = doc.text.split()
    if not doc.sentences or len(tokens) != len(starts):
        return doc.sentences  # no sentence, or (never seen) other words than the index's
    spans = np.fromiter(chain.from_iterable(doc.sentences), np.int64, 2 * len(doc.sentences))
    a, b = spans[0::2], spans[1::2]
    solid, last = index.solid, len(index.solid) - 1
    cuts_start = (a > 0) & solid[np.maximum(a - 1, 0)] & solid[np.minimum(a, last)]
    cuts_end = (b <= last) & solid[np.minimum(b, last)] & solid[np.maximum(b - 1, 0)]
    mixed = non_latin.searchsorted(b) > non_latin.searchsorted(a)  # a non-Latin letter
    words = starts.searchsorted(b) - starts.searchsorted(a) + cuts_start
    long_enough = words >= MIN_WORDS
    if short := int(np.count_nonzero(~(long_enough | mixed))):
        counters["foreign_language.abstained_short"] += short
    if own is None:  # no function words to compare: no Latin sentence is a candidate
        return [doc.sentences[i] for i in np.flatnonzero(mixed).tolist()]
    possible = cuts_start | cuts_end
    found = _foreign_words(primary(doc_lang)).intersection(tokens)
    if len(found) >= MIN_FOREIGN_HITS:
        foreign = starts[np.fromiter(map(found.__contains__, tokens), bool, len(tokens))]
        possible |= foreign.searchsorted(b) - foreign.searchsorted(a) >= MIN_FOREIGN_HITS
    if primary(doc_lang) == "en" and not doc.text.isascii():
        marked = np.flatnonzero(index.flags(MARKED_LETTERS))
        if len(marked):
            possible |= marked.searchsorted(b) > marked.searchsorted(a)
    return [doc.sentences[i] for i in np.flatnonzero(possible & long_enough | mixed).tolist()]


def _by_language(found: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """langdetect's answer with the variants of one language added up (zh-cn + zh-tw)."""
    merged: dict[str, tuple[str, float]] = {}
    for code, prob in found:
        key = primary(code)
        first, total = merged.get(key, (code, 0.0))
        merged[key] = (first, total + prob)
    return sorted(merged.values(), key=lambda item: -item[1])


def _pieces(text: str, sentences: list[Span]) -> Iterator[tuple[int, int]]:
    """The sentences, each cut once more after CJK full stops."""
    for start, end in sentences:
        pos = start
        for match in CJK_STOP_RE.finditer(text, start, end):
            piece = strip_span(text, pos, match.end())
            if piece.end > piece.start:
                yield piece
            pos = match.end()
        piece = strip_span(text, pos, end) if pos != start else Span(start, end)
        if piece.end > piece.start:
            yield piece


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted or bracketed text (:data:`QUOTES`), left to right, not overlapping.

    What the regex ``"[^"]*"|“[^”]*”|«[^»]*»|„[^“”]*[“”]|‘[^’]{3,}’|\\([^()]*\\)`` finds
    with ``finditer``, in linear time: the regex looks for the closing character again
    from every opening one, to the end of the text each time when it is never closed;
    here the next position of each character is remembered while the scan moves on.
    """
    spans = []
    after: dict[str, int] = {}  # a character -> its next position (-1: none) at or after pos
    pos = 0
    while opener := OPENER_RE.search(text, pos):
        start = opener.start()
        stops, closers, fewest = QUOTES[opener.group()]
        stop = -1
        for char in stops:
            at = after.get(char, start)
            if 0 <= at <= start:
                at = after[char] = text.find(char, start + 1)
            if at != -1 and (stop == -1 or at < stop):
                stop = at
        if stop != -1 and text[stop] in closers and stop - start - 1 >= fewest:
            spans.append((start, stop + 1))
            pos = stop + 1
        else:
            pos = start + 1
    return spans


def _blank_out(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span (sorted, not overlapping) replaced by one space."""
    parts = []
    pos = 0
    for start, end in spans:
        parts.append(text[pos:start])
        parts.append(" ")
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _document_script(text: str, doc_lang: str) -> str:
    """The script the document is written in (Latin for every stop-word language)."""
    sample = text[:2000]
    if sample.isascii() or not NON_LATIN_LETTER_RE.search(sample):
        return "latin"
    script, _share = dominant_script(script_counts(sample))
    return script if script != "none" else "latin"


def _latin_only(text: str) -> bool:
    """True when ``text`` has no letter outside the Latin script."""
    return text.isascii() or not NON_LATIN_LETTER_RE.search(text)


def _script(text: str) -> tuple[str, int]:
    """The sentence's dominant script and its number of letters in that script."""
    if _latin_only(text):
        return "latin", 0
    counts = script_counts(text)
    script, share = dominant_script(counts)
    if share < SCRIPT_SHARE:
        return "mixed", counts[script]
    return script, counts[script]


def _candidate(
    judged: str,
    words: list[str],
    script: str,
    doc_script: str,
    own: frozenset[str] | None,
    doc_lang: str,
) -> str | None:
    """Which cheap signal makes the sentence a candidate, or None.

    ``words`` are the lower-cased white-space tokens of ``judged``. Function words of
    other languages count only in lower case, so names (``Los Angeles``, ``Van Gogh``,
    ``De Niro``) bring none.
    """
    if script not in ("mixed", doc_script):
        return "script"
    if own is None or script != "latin":
        return None
    own_hits = sum(map(own.__contains__, words))
    if own_hits * OWN_SHARE >= len(words):
        return None  # a normal share of the document language's function words
    others = _foreign_words(primary(doc_lang))
    if sum(map(others.__contains__, words)) > own_hits:
        lower = [w for w in judged.split() if w.islower()]
        if (
            sum(map(others.__contains__, lower)) > own_hits
            and len(others.intersection(lower)) >= MIN_FOREIGN_HITS
        ):
            return "function_words"
    if (
        primary(doc_lang) == "en"
        and len(LETTER_WITH_MARK_RE.findall(judged)) >= MIN_FOREIGN_HITS
        and not SUSPECT_RE.search(judged)
    ):
        return "letters"  # words with diacritics, unless they are mojibake ("â€™")
    return None


@cache
def _foreign_words(lang: str) -> frozenset[str]:
    """Function words of the other languages that ``lang`` does not use."""
    lists = stopwords()
    others = frozenset().union(*(words for code, words in lists.items() if code != lang))
    return others - lists.get(lang, frozenset())


def _finding(
    doc: Document,
    start: int,
    end: int,
    kind: str,
    code: str,
    prob: float,
    doc_lang: str,
    words: list[str],
) -> Finding:
    others = _foreign_words(primary(doc_lang))
    shown = [w for w in dict.fromkeys(words) if w in others]
    evidence = {
        "script": "written in another script",
        "letters": "words with letters English does not use",
        "function_words": "function words "
        + ", ".join(repr(w) for w in shown[:SHOWN_WORDS])
        + (" ..." if len(shown) > SHOWN_WORDS else ""),
    }[kind]
    return make_finding(
        doc.text,
        start,
        end,
        detector=NAME,
        category="foreign_language",
        code=f"foreign_language.{kind}",
        score=prob,
        reason=(
            f"sentence reads as {code!r} (langdetect p={prob:.3f}; {evidence}), "
            f"the document as {doc_lang!r}"
        ),
    )
