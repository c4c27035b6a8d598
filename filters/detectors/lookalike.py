"""lookalike: characters that look right but are not: mixed-script words, invisible
characters inside words, stray control characters (category ``encoding``).

What it catches, each a ``replace`` finding with its own code:

* ``encoding.mixed_script``: a word of Latin letters with Cyrillic or Greek look-alikes
  in it (``Кyiv`` with a Cyrillic К -> ``Kyiv``; ``Ukrаine`` with a Cyrillic а), and the
  reverse, a Cyrillic or Greek word with a Latin look-alike (``Mосква`` -> ``Москва``).
  The letters of the smaller script are replaced by their twins in the larger one (a
  tie goes to the script the document is written in), from ``data/homoglyphs.txt``;
  the finding spans the word.
* ``encoding.zero_width``: zero-width space, word joiner, zero-width (non-)joiner inside
  a word of Latin, Cyrillic or Greek letters (``Kyi\\u200bv`` -> ``Kyiv``), removed; the
  finding spans the word.
* ``encoding.byte_order_mark``: U+FEFF anywhere (a byte-order mark left at the start, or
  in the middle where files were joined), removed.
* ``encoding.control_char``: C0 control characters other than tab, line feed and carriage
  return, DEL, and ANSI terminal escapes (``\\x1b[31m``), removed; a vertical tab, form
  feed or information separator between two words becomes a space.

What it leaves alone: genuine Cyrillic and Greek words (all letters of one script),
words that mix scripts with letters that have no Latin twin (``μm``, ``kΩ``, ``RTД``,
``Σtoken``: symbols and units, not disguise), zero-width joiners in
emoji sequences (``👨\\u200d👩``) and in scripts that need them (Arabic, Persian, Indic),
zero-width spaces in Thai, Khmer, Lao, Myanmar and CJK text, where they separate words,
invisible characters between words or alone on a line, and the soft hyphen (a
legitimate hyphenation point). C1 controls and words that hold mojibake (``вЂњB``, UTF-8
read as Windows-1251) are mojibake's (``mojibake_v1``).

False-positive risk: low. A Latin word with a Cyrillic or Greek twin letter in it is
almost never intended; the known risks are deliberate stylisations of brand names and
mathematical notation that puts a Greek letter against Latin letters (``Οx`` with a
Greek omicron), which are rare in news text.

Example: ``the Кyiv region`` -> one finding over ``Кyiv`` with replacement ``Kyiv``,
code ``encoding.mixed_script``, reason ``... Cyrillic 'К' (U+041A) for Latin 'K'``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache

from ..document import Document
from ..findings import Finding, make_finding
from ..registry import Context, register
from ..resources import sectioned_list
from ..textstats import CharTable
from .mojibake import SUSPECT_RE

NAME = "lookalike_v1"

SCORE_MIXED = 0.95
SCORE_MIXED_SHORT = 0.85  # a word of two or three letters
SCORE_INVISIBLE = 0.95
SCORE_CONTROL = 0.9

#: Characters of a word checked at once while walking it (:func:`_word`).
STRIDE = 32
# A Cyrillic or Greek letter next to a Latin letter: where a mixed-script word may be.
# One leading character class keeps the scan fast on clean text; its table lets numpy
# pass over a text without any.
GREEK_CYRILLIC = CharTable([(0x0370, 0x052F)])
MIXED_START = GREEK_CYRILLIC.pattern
MIXED_RE = re.compile(MIXED_START + r"(?:(?<=[A-Za-z\u00c0-\u024f].)|(?=[A-Za-z\u00c0-\u024f]))")
# Letters of each of the three scripts, counted to know the document's own.
LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
CYRILLIC_RE = re.compile(r"[\u0400-\u052f]")
GREEK_RE = re.compile(r"[\u0370-\u03ff]")
# Invisible characters: zero-width space, non-joiner, joiner, word joiner, byte-order
# mark (zero-width no-break space).
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
INVISIBLE_RE = re.compile(f"[{INVISIBLE_CHARS}]")
# C0 controls and DEL: ftfy's list of controls with no displayed effect (tab, line
# feed, form feed and carriage return are not in it), less SUB (U+001A), which a
# decoder writes for bytes it could not read: removing it would hide the loss.
CONTROL_CHARS = frozenset(
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\x0c\r\x1a"] + ["\x7f"]
)
# A control or an invisible character: a table (a text without any is passed over
# through numpy, faster than a regex scan) and one character class, no repetition, so
# the scan runs at the regex engine's full speed; runs are extended by hand.
SPECIAL = CharTable.of(sorted({*CONTROL_CHARS, *INVISIBLE_CHARS}))
SPECIAL_RE = re.compile(SPECIAL.pattern)
# An ANSI terminal escape sequence (colours, cursor moves), matched at an ESC.
ANSI_RE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
# Controls that separate (vertical tab, file/group/record/unit separators).
SEPARATOR_CONTROLS = frozenset("\x0b\x1c\x1d\x1e\x1f")
# The basic Russian and Greek alphabets: a Latin letter in a Cyrillic or Greek word is
# only replaced by a twin from these (not by Ukrainian і or Serbian ј, say).
BASIC_LETTERS = ((0x0410, 0x044F), (0x0391, 0x03C9))
# Scripts in which invisible characters inside words are wanted.
INVISIBLE_OK_RANGES = (
    (0x0600, 0x08FF),  # Arabic, Syriac, Thaana, NKo ...: ZWNJ/ZWJ shape letters
    (0x0900, 0x0DFF),  # Indic scripts: ZWJ/ZWNJ form conjuncts
    (0x0E00, 0x0EFF),  # Thai, Lao: ZWSP separates words
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x9FFF),  # CJK
    (0xAC00, 0xD7AF),  # Hangul
    (0xFB50, 0xFEFC),  # Arabic presentation forms
)


@cache
def homoglyphs() -> dict[str, dict[str, str]]:
    """``{"cyrillic": {look-alike: Latin}, "greek": {...}}`` from ``data/homoglyphs.txt``."""
    out: dict[str, dict[str, str]] = {}
    for script, lines in sectioned_list("homoglyphs.txt").items():
        pairs = (line.split()[:2] for line in lines)
        out[script] = {twin: latin for twin, latin in pairs}
    return out


@cache
def to_script() -> dict[str, dict[str, str]]:
    """Latin letter -> its twin in each script, where the twin is unique."""
    out: dict[str, dict[str, str]] = {}
    for script, table in homoglyphs().items():
        reverse: dict[str, list[str]] = {}
        for twin, latin in table.items():
            reverse.setdefault(latin, []).append(twin)
        out[script] = {
            latin: twins[0]
            for latin, twins in reverse.items()
            if len(twins) == 1 and any(lo <= ord(twins[0]) <= hi for lo, hi in BASIC_LETTERS)
        }
    return out


def _script(char: str) -> str:
    code = ord(char)
    if 0x0370 <= code <= 0x03FF:
        return "greek"
    if 0x0400 <= code <= 0x052F:
        return "cyrillic"
    if char.isascii() or 0x00C0 <= code <= 0x024F:
        return "latin"
    return "other"


@register(NAME, categories=["encoding"])
def find_lookalikes(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Look-alike letters (``Кyiv``), invisible characters in words, control characters."""
    text = doc.text
    prefer = _DocumentScript(text)
    index = doc.text_index
    if index.has_any(GREEK_CYRILLIC):  # else MIXED_RE finds nothing
        for start, end in _mixed_words(text):
            if SUSPECT_RE.search(text, max(0, start - 1), end + 1):
                continue  # mojibake ("вЂњB"): mojibake_v1 repairs the whole token
            finding = _mixed_word(text, start, end, prefer.script)
            if finding is not None:
                yield finding
    pos = 0 if index.has_any(SPECIAL) else len(text)  # else SPECIAL_RE finds nothing
    while (special := SPECIAL_RE.search(text, pos)) is not None:
        start = end = special.start()
        if text[start] in CONTROL_CHARS:
            while end < len(text) and text[end] in CONTROL_CHARS:
                end += 1
            finding = _control(text, start, end)
        else:
            while end < len(text) and text[end] in INVISIBLE_CHARS:
                end += 1
            finding = _invisible(text, start, end, prefer)
        pos = end
        if finding is not None:
            pos = max(pos, finding.end)
            yield finding


def _mixed_words(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each word holding a Latin letter next to a Cyrillic or Greek
    one, once, left to right (without the end of a terminal escape before it)."""
    seen: set[int] = set()
    pos = 0
    while (match := MIXED_RE.search(text, pos)) is not None:
        start, end = _word(text, match.start())
        start = _after_escape(text, start)
        # The rest of a word taken whole (its letters all inside it) is seen: the search
        # goes on after it, not again from each of its letters.
        pos = end if _inside(text[match.start()]) else match.start() + 1
        if start not in seen:
            seen.add(start)
            yield start, end


def _after_escape(text: str, start: int) -> int:
    """``start``, or the end of the terminal escape (``\x1b[0m``) that ``text[start]`` is
    part of: that part goes with the escape (:func:`_control`), it is not part of a word
    (the final ``m`` of a word of letters; ``0m`` of one with digits)."""
    escape = _escape_holding(text, start)
    return start if escape is None else escape.end()


def _escape_holding(text: str, pos: int) -> re.Match[str] | None:
    """The terminal escape that starts before ``pos`` and holds ``text[pos]``, or None."""
    escape_at = text.rfind("\x1b", max(0, pos - 64), pos)
    if escape_at == -1:
        return None
    escape = ANSI_RE.match(text, escape_at)
    return escape if escape is not None and escape.end() > pos else None


class _DocumentScript:
    """:func:`_document_script` of a text, computed on first use, once per document."""

    __slots__ = ("_script", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._script = ""

    @property
    def script(self) -> str:
        if not self._script:
            self._script = _document_script(self.text)
        return self._script


def _encoding_finding(
    text: str, start: int, end: int, code: str, score: float, reason: str, replacement: str
) -> Finding:
    return make_finding(
        text,
        start,
        end,
        detector=NAME,
        category="encoding",
        code=code,
        score=score,
        reason=reason,
        replacement=replacement,
    )


def _document_script(text: str) -> str:
    """``latin``, ``cyrillic`` or ``greek``: which of the three has most letters.

    A word that mixes scripts votes with all its letters for the script most of them
    are in (the one its repair leaves it in), and not at all when two scripts tie: so
    the repairs of one run change no vote, and a second run reads the same document
    script (``МоскваQ,аb0AКyiv`` stays Cyrillic once ``Кyiv`` is ``Kyiv``, and ``аb``,
    tied, is left alone both times)."""
    sample = text[:5000]
    counts = {
        "latin": len(LATIN_RE.findall(sample)),
        "cyrillic": len(CYRILLIC_RE.findall(sample)),
        "greek": len(GREEK_RE.findall(sample)),
    }
    if counts["cyrillic"] or counts["greek"]:
        for start, end in _mixed_words(sample):
            letters: dict[str, int] = {}
            for char in sample[start:end]:
                script = _script(char)
                if script in counts:
                    letters[script] = letters.get(script, 0) + 1
            for script, n in letters.items():
                counts[script] -= n
            most = max(letters.values())
            winners = [script for script, n in letters.items() if n == most]
            if len(winners) == 1:
                counts[winners[0]] += sum(letters.values())
    return max(counts, key=lambda script: counts[script])  # a tie goes to Latin


def _word(text: str, pos: int, invisible: bool = False) -> tuple[int, int]:
    """The run of letters (and combining marks; with ``invisible``, also invisible
    characters and digits) around ``pos``.

    Walked one character at a time, and past :data:`STRIDE` characters, a stretch of
    STRIDE at a time while they are all letters (one ``str.isalpha`` on a slice): a
    long word costs little.
    """

    def inside(char: str) -> bool:
        if _inside(char):
            return True
        return invisible and (char.isdigit() or char in INVISIBLE_CHARS)

    start = pos
    while start > 0 and inside(text[start - 1]):
        start -= 1
        if pos - start >= STRIDE:  # a long word: stretches of letters at once from here
            while start >= STRIDE and text[start - STRIDE : start].isalpha():
                start -= STRIDE
    end = pos + 1
    while end < len(text) and inside(text[end]):
        end += 1
        if end - pos >= STRIDE:
            while (stretch := text[end : end + STRIDE]).isalpha():
                end += len(stretch)
    return start, end


def _inside(char: str) -> bool:
    """A letter or a combining mark: a character of a word."""
    return char.isalpha() or bool(unicodedata.combining(char))


def _mixed_word(text: str, start: int, end: int, prefer: str) -> Finding | None:
    """The repair of a word mixing Latin with Cyrillic or Greek letters, or None."""
    word = text[start:end]
    repair = _repair(word, prefer)
    if repair is None:
        return None
    fixed, shown, letters = repair
    return _encoding_finding(
        text,
        start,
        end,
        "encoding.mixed_script",
        SCORE_MIXED if letters >= 4 else SCORE_MIXED_SHORT,
        f"look-alike letters in {word!r}: {shown}",
        fixed,
    )


def _repair(word: str, prefer: str) -> tuple[str, str, int] | None:
    """``(repaired word, what was swapped, letters)`` for a word mixing Latin with Cyrillic
    or Greek letters, or None: the letters of the smaller script become their twins in
    the larger one; a tie goes to ``prefer``, the script the document is written in."""
    # The word's characters, each once, in the order they first appear, with their
    # scripts (each character's script is found once, however long the word).
    counts: dict[str, int] = {}
    for char in word:
        counts[char] = counts.get(char, 0) + 1
    chars = {char: _script(char) for char in counts}
    scripts: dict[str, int] = {}  # letters by script
    for char, n in counts.items():
        if char.isalpha():
            scripts[chars[char]] = scripts.get(chars[char], 0) + n
    if "other" in scripts:
        return None
    total = sum(scripts.values())
    latin = scripts.get("latin", 0)
    others = sorted(s for s in scripts if s != "latin")
    minority = total - latin
    to_latin = latin > minority or (latin == minority and prefer == "latin")
    if to_latin:
        swap = [c for c, script in chars.items() if script in others]
        table = {c: homoglyphs()[chars[c]].get(c) for c in swap}
        target = "Latin"
    elif len(others) == 1 and (minority > latin or prefer == others[0]):
        swap = [c for c, script in chars.items() if script == "latin"]
        table = {c: to_script()[others[0]].get(c) for c in swap}
        target = others[0].capitalize()
    else:
        return None
    if not swap or any(table[c] is None for c in swap):
        return None  # a letter without a twin: a symbol or a unit, not a disguise
    fixed = word.translate({ord(c): table[c] for c in swap})
    shown = ", ".join(
        f"{chars[c].capitalize()} {c!r} (U+{ord(c):04X}) for {target} {table[c]!r}" for c in swap
    )
    return fixed, shown, total


def _invisible(text: str, start: int, end: int, prefer: _DocumentScript) -> Finding | None:
    run = text[start:end]
    if "\ufeff" in run and run.strip("\ufeff") == "":
        return _encoding_finding(
            text,
            start,
            end,
            "encoding.byte_order_mark",
            SCORE_INVISIBLE,
            f"{len(run)} byte-order mark{'s' if len(run) > 1 else ''} (U+FEFF) in the text",
            "",
        )
    left = _past_removed(text, start - 1, -1)
    right = _past_removed(text, end, 1)
    before = text[left] if left >= 0 else ""
    after = text[right] if right < len(text) else ""
    if not (_plain_letter(before) and _plain_letter(after)):
        return None  # between words, beside emoji or punctuation, or in a script that uses it
    script = prefer.script
    left_script = _word_script(text, left, script)
    right_script = _word_script(text, right, script)
    if left_script is not None and right_script is not None and left_script != right_script:
        return None  # between a Latin and a Cyrillic or Greek word: a break between words
    names = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(run))
    if left != start - 1 or right != end:
        # A control character that is removed on its own (:func:`_control`) stands
        # between the run and the word (with, maybe, another run of invisible characters
        # beyond it): once it goes, the run is inside the word, so it goes too, in this
        # pass (a finding of its own, beside the control's).
        return _encoding_finding(
            text,
            start,
            end,
            "encoding.zero_width",
            SCORE_INVISIBLE,
            f"invisible character {names} inside a word, next to control characters",
            "",
        )
    word_start, word_end = _word(text, start - 1, invisible=True)
    word_start = _after_escape(text, word_start)  # it may open with an escape's "0m"
    word = text[word_start:word_end]
    joined = INVISIBLE_RE.sub("", word)
    reason = f"invisible character {names} inside the word {word!r}"
    # This finding takes in the whole word, so it also makes the look-alike repairs that
    # the joined word's letter runs get (which it overrides), else a second run would.
    before = text[word_start - 1 : word_start]
    after = text[word_end : word_end + 1]
    fixed, shown = _repair_runs(joined, before, after, script)
    if shown:
        reason += f"; look-alike letters in {joined!r}: {shown}"
    return _encoding_finding(
        text, word_start, word_end, "encoding.zero_width", SCORE_INVISIBLE, reason, fixed
    )


def _repair_runs(word: str, before: str, after: str, prefer: str) -> tuple[str, str]:
    """``word`` with the look-alike repair of each of its runs of letters (:func:`_inside`),
    as the search for mixed words would make them once ``word`` stands between ``before``
    and ``after`` (digits and invisible characters end a run there; a run that may be
    mojibake is left to mojibake_v1), and what was swapped ("" when nothing)."""
    parts: list[str] = []
    shown: list[str] = []
    start = 0
    while start < len(word):
        if not _inside(word[start]):
            parts.append(word[start])
            start += 1
            continue
        end = start + 1
        while end < len(word) and _inside(word[end]):
            end += 1
        run = word[start:end]
        left = word[start - 1] if start else before
        right = word[end] if end < len(word) else after
        repair = None if SUSPECT_RE.search(left + run + right) else _repair(run, prefer)
        parts.append(run if repair is None else repair[0])
        if repair is not None:
            shown.append(repair[1])
        start = end
    return "".join(parts), "; ".join(shown)


def _past_removed_controls(text: str, pos: int, step: int) -> int:
    """From ``pos``, moving by ``step`` (-1 or 1), the first position whose character is
    not a control that :func:`_control` removes (a separator is replaced by a space, so
    it is not passed; a terminal escape is passed whole, backward too: its last
    character, ``m`` of ``\x1b[0m``, is no letter beside the run)."""
    while 0 <= pos < len(text):
        char = text[pos]
        if step < 0 and (escape := _escape_holding(text, pos)) is not None:
            pos = escape.start() - 1
            continue
        if char not in CONTROL_CHARS or char in SEPARATOR_CONTROLS:
            break
        escape = ANSI_RE.match(text, pos) if step > 0 and char == "\x1b" else None
        pos = escape.end() if escape is not None else pos + step
    return pos


def _past_removed(text: str, pos: int, step: int) -> int:
    """From ``pos``, moving by ``step``, the first position past the controls that
    :func:`_control` removes and the invisible characters: the character that stands
    next to a run of invisible characters once a run removes them (``0\u200b\x08\u200b0``
    is ``00``; without the second run in this pass, a second pass would still find
    ``0\u200b\u200b0``)."""
    while True:
        pos = _past_removed_controls(text, pos, step)
        if not (0 <= pos < len(text) and text[pos] in INVISIBLE_CHARS):
            return pos
        pos += step


def _word_script(text: str, pos: int, prefer: str) -> str | None:
    """The script most letters of the word around ``pos`` are written in, as the
    look-alike repair (:func:`_mixed_word`) would leave it (``Кyiv`` is Latin); a tie
    goes to ``prefer`` (the document's script), as there, else to the letter at ``pos``.
    None when the word has no letter (digits such as ``0`` or ``¹`` have no script: a
    control removed beside them may join them to a word of any script).

    The word is read as a second run sees it, once the controls this run removes are
    gone: ``A\x08µ`` is the word ``Aµ``, not ``µ`` alone."""
    start, end = _word(text, pos)
    parts = [text[start:end]]
    while (k := _past_removed_controls(text, start - 1, -1)) != start - 1 and (
        k >= 0 and _inside(text[k]) and _joined_by_removal(text[k], text[start])
    ):
        start = _word(text, k)[0]
        parts.insert(0, text[start : k + 1])
    while (k := _past_removed_controls(text, end, 1)) != end and (
        k < len(text) and _inside(text[k]) and _joined_by_removal(text[end - 1], text[k])
    ):
        end = _word(text, k)[1]
        parts.append(text[k:end])
    counts: dict[str, int] = {}
    for char in "".join(parts):
        if char.isalpha():
            script = _script(char)
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    own = _script(text[pos])
    return max(counts, key=lambda script: (counts[script], script == prefer, script == own))


def _joined_by_removal(before: str, after: str) -> bool:
    """True when removing controls between ``before`` and ``after`` joins them into one
    word of one script: not between letters of two scripts (Latin, Cyrillic, Greek),
    where :func:`_control` puts a space instead."""
    if not (before.isalpha() and after.isalpha()):
        return True
    scripts = {_script(before), _script(after)}
    return len(scripts) == 1 or "other" in scripts


def _plain_letter(char: str) -> bool:
    """A letter or digit of a script that has no use for invisible characters inside words."""
    if not char or not (char.isalpha() or char.isdigit()):
        return False
    code = ord(char)
    return not any(lo <= code <= hi for lo, hi in INVISIBLE_OK_RANGES)


def _control(text: str, start: int, end: int) -> Finding:
    """The finding for the control characters ``text[start:end]`` (or an ANSI escape)."""
    escape = ANSI_RE.match(text, start) if text[start] == "\x1b" else None
    if escape is not None:
        end = escape.end()
    run = text[start:end]
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    separates = (
        escape is None
        and any(char in SEPARATOR_CONTROLS for char in run)  # a walk past controls stops there
        and not before.isspace()
        and not after.isspace()
    )
    # Between a Latin letter and a Cyrillic or Greek one, removing the run would make one
    # word of two scripts, which the look-alike rule would then "repair" on a second run:
    # the run separates there too.
    mixes = not _joined_by_removal(before, after)
    if separates:
        how = " between words, replaced by a space"
    elif mixes:
        how = " between letters of two scripts, replaced by a space"
    else:
        how = ", removed"
    if escape is not None:
        reason = f"terminal escape {run!r}{how}"
    else:
        names = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(run))
        reason = f"control character{'s' if len(run) > 1 else ''} {names}{how}"
    replacement = " " if separates or mixes else ""
    return _encoding_finding(
        text, start, end, "encoding.control_char", SCORE_CONTROL, reason, replacement
    )
