"""mojibake: text that was encoded in UTF-8 and decoded in another encoding, repaired by ftfy.

What it catches: UTF-8 read as Windows-1252 or Latin-1 (``youâ€™re`` -> ``you’re``,
``cafÃ©`` -> ``café``), and as the other single-byte encodings ftfy knows (Windows-1250,
-1251, -1253, -1254, -1257, ISO-8859-2, MacRoman, cp437: ``g√¢teaux`` -> ``gâteaux``,
``#╨┐╤Ç╨░╨▓`` -> ``#прав``), text mixing clean and broken UTF-8 on one line, lone
C1 control characters that stand for Windows-1252 punctuation (``\\x85`` -> ``…``),
and UTF-16 surrogate pairs. One ``replace`` finding per word that changed (neighbouring
changes inside one word make one finding), with ftfy's plan in the
reason (``ftfy: encode sloppy-windows-1252, decode utf-8``).

How: a text that is all ASCII has no mojibake and costs nothing more. Otherwise one
precompiled regex (:data:`SUSPECT_RE`, built at import from ftfy's own table of
encodings) finds the places where a UTF-8 lead byte decoded in one of those encodings
is followed by a continuation byte decoded the same way, a C1 control, a replacement
character or a lone surrogate. Only windows around such places (:data:`WINDOW`
characters either side, widened to white space, never across a line break: ftfy's unit
is a line, too) go through ``ftfy.fix_and_explain``, with :data:`FTFY_CONFIG`: the
settings of datatrove's FTFYFormatter (the fixes that repair encodings, and none that
normalise: no Unicode normalisation, no quote uncurling, no ligature or width fixing,
no line-break changes), minus HTML unescaping (the markup detector's job) and control
character removal (the lookalike detector's, with its own codes). The changed regions
of each window (found between the ASCII characters ftfy leaves in place, with ``difflib``
for short stretches only, so the cost stays linear on a long line of mojibake) are
widened to whole words (letters, digits and non-ASCII characters: ASCII punctuation,
markup and control characters next to a word stay out, they are other detectors'
findings), so every finding has an exact span of the original and its own replacement.

What it leaves alone: text that only looks odd but decodes to nothing better
(``Offering 5×£35 pin ups``, ``naïve café``, ``Müller``, German or French prose, the
negative cases of ftfy's test suite): ftfy changes a line only when the repair lowers
its measure of badness. HTML entities, control characters and look-alike letters.

False-positive risk: low. ftfy is conservative and its negatives stay untouched; the
known risk is a line where real Windows-1252 punctuation sits next to letters that
happen to form a UTF-8 sequence. A repair that only puts a replacement character in
place of an undecodable sequence (``replace_lossy_sequences``) is scored lower.

Example: ``Then youâ€™re fine.`` -> one finding over ``youâ€™re`` with replacement
``you’re``, code ``encoding.mojibake``, reason ``... ftfy: apply
decode_inconsistent_utf8``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from difflib import SequenceMatcher

import ftfy
from ftfy.chardata import CHARMAP_ENCODINGS

from ..document import Document
from ..findings import Finding, make_finding
from ..registry import Context, register
from ..textstats import CharTable

NAME = "mojibake_v1"

#: ftfy's settings: datatrove's FTFYFormatter, without HTML unescaping, terminal escape
#: and control character removal (other detectors own those).
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=True,
)

#: ftfy works on windows of the line around each suspect place: this many characters
#: either side, widened to white space (a long paragraph is not decoded as a whole).
WINDOW = 300

SCORE = 0.95
#: A repair that only writes U+FFFD for an undecodable sequence.
SCORE_LOSSY = 0.7


def _decoded(codes: range) -> str:
    """The characters the given byte values decode to in any of ftfy's encodings."""
    chars: set[str] = set()
    for encoding in CHARMAP_ENCODINGS:
        for byte in codes:
            chars.update(bytes([byte]).decode(encoding, errors="ignore"))
    return "".join(sorted(chars))


def _char_class(chars: str, ranges: str = "") -> str:
    """A regex character class of ``chars`` (escaped) and ``ranges`` (as written)."""
    return "[" + "".join(re.escape(c) for c in chars) + ranges + "]"


# UTF-8 lead bytes (C2-F4) and continuation bytes (80-BF) as any of ftfy's single-byte
# encodings show them ("Ã", "â", "Ð", "√", "╨" ... and "©", "€", "™", "┐" ...). The
# typographic punctuation of clean text is no lead: MacRoman shows the leads D0-D5 as
# dashes and curly quotes, and "’”" in English text would send every quote to ftfy.
_TYPOGRAPHY = "–—‘’“”…•«»‹›¡¿·\u00a0"
_LEADS = "".join(c for c in _decoded(range(0xC2, 0xF5)) if c not in _TYPOGRAPHY)
_CONTINUATIONS = _decoded(range(0x80, 0xC0))
# Where mojibake may be: a lead followed by a continuation or by U+FFFD; "Â" or "Ã"
# followed by a space that was a no-break space ("Â " for U+00A0, "Ã " for "à"); a C1
# control; a lone surrogate.
# One leading character class, so the regex engine skips clean text fast; its table lets
# numpy pass over a text without any.
SUSPECT_FIRST = CharTable([*((ord(c), ord(c)) for c in _LEADS), (0x80, 0x9F), (0xD800, 0xDFFF)])
SUSPECT_START = SUSPECT_FIRST.pattern
SUSPECT_RE = re.compile(
    SUSPECT_START
    + "(?:(?<=[\u0080-\u009f\ud800-\udfff])|(?<=[ÂÃ]) |"
    + _char_class(_CONTINUATIONS + "\ufffd")
    + ")"
)
# A white-space character.
SPACE_RE = re.compile(r"\s")
# What ends a word a repair is widened to: white space, and ASCII characters other than
# letters and digits (punctuation, markup, control characters). Mojibake is non-ASCII
# (UTF-8's bytes read as cp1252 or Latin-1 are all above 0x7f), so a repaired word never
# takes in a "<p>" or a control character next to it: those stay the markup and lookalike
# detectors' findings, and the fixes together are idempotent.
WORD_STOP_RE = re.compile(r"[\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]")
# What ftfy's repairs leave in place, the anchors of the comparison of a window with its
# repair: ASCII characters other than the space (a space may become part of a repaired
# character, "Ã " -> "à"); and the gaps between them, and white space inside a gap.
_ANCHORS_RE = re.compile(r"[\x00-\x1f\x21-\x7f]+")
_GAP_RE = re.compile(r"[^\x00-\x1f\x21-\x7f]*")
_SPACES_SPLIT_RE = re.compile(r"(\s+)")
#: Longest pair of stretches (characters, both sides) compared by a sequence matcher.
MAX_MATCHED = 200
#: Characters of the anchors either side of a gap that go along to the sequence matcher.
CONTEXT = 20


@register(NAME, categories=["encoding"])
def find_mojibake(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Mojibake (``youâ€™re``) repaired by ftfy, one finding per changed word."""
    text = doc.text
    if text.isascii() or not doc.text_index.has_any(SUSPECT_FIRST):
        return  # SUSPECT_RE finds nothing
    for start, end in _windows(text, doc):
        chunk = text[start:end]
        fixed, plan = ftfy.fix_and_explain(chunk, config=FTFY_CONFIG)
        if fixed == chunk:
            continue
        ctx.counters["mojibake.windows_fixed"] += 1
        steps = ", ".join(f"{op} {arg}" for op, arg in plan or [])
        lossy = any(arg == "replace_lossy_sequences" for _op, arg in plan or [])
        for a0, a1, b0, b1 in changed_tokens(chunk, fixed):
            yield make_finding(
                text,
                start + a0,
                start + a1,
                detector=NAME,
                category="encoding",
                code="encoding.mojibake",
                score=SCORE_LOSSY if lossy else SCORE,
                reason=(
                    f"mojibake {chunk[a0:a1]!r} reads {fixed[b0:b1]!r} once decoded right"
                    f" (ftfy: {steps or 'fixed'})"
                ),
                replacement=fixed[b0:b1],
            )


def _windows(text: str, doc: Document) -> list[tuple[int, int]]:
    """Disjoint parts of lines around the suspect places: up to :data:`WINDOW`
    characters either side of each, widened to white space, never across a line.

    Suspects that cannot change the last window are passed over at once: once it reaches
    the end of its line, the search goes on from the next line (a suspect never holds a
    line break, so the search finds what ``finditer`` would); before that, a suspect
    whose own window would end inside it. On a long line of mojibake without spaces,
    the first window takes the whole line.
    """
    windows: list[tuple[int, int]] = []
    spaces: list[int] | None = None  # offsets of the white space, found once (bisected)
    last_end = -1  # the end of the last window
    line_start = line_end = next_line = -1  # the line of the last suspect
    pos = 0
    while (match := SUSPECT_RE.search(text, pos)) is not None:
        m_start, pos = match.span()
        if m_start < next_line and last_end == line_end:
            pos = next_line  # the window reaches the end of the line: nothing to add
            continue
        if pos + WINDOW <= last_end:
            continue  # inside the last window, and so is its own window
        if spaces is None:
            spaces = [m.start() for m in SPACE_RE.finditer(text)]
        if m_start >= next_line:
            index = doc.line_index(m_start)
            line_start, line_end = doc.lines[index]
            next_line = doc.lines[index + 1].start if index + 1 < len(doc.lines) else len(text)
        start = max(line_start, m_start - WINDOW)
        end = min(line_end, pos + WINDOW)
        # Widened to white space (never past the line): the token around each edge is
        # found by bisection, so a long token is not walked again for every suspect in it.
        i = bisect_left(spaces, start)
        start = max(spaces[i - 1] + 1 if i else 0, line_start)
        i = bisect_left(spaces, end)
        end = min(spaces[i] if i < len(spaces) else len(text), line_end)
        if windows and start <= last_end:
            last_end = max(end, last_end)
            windows[-1] = (windows[-1][0], last_end)
        else:
            last_end = end
            windows.append((start, end))
    return windows


def changed_tokens(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """The regions where ``new`` differs from ``old``, widened to whole words (see
    :data:`WORD_STOP_RE`): ``(old_start, old_end, new_start, new_end)``, in order and
    disjoint, so replacing each ``old`` region by its ``new`` region turns ``old`` into
    ``new``."""
    head = 0  # the common prefix and suffix are left out of the matching
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    regions: list[list[int]] = []
    for a0, a1, b0, b1 in _changes(old[head : len(old) - tail], new[head : len(new) - tail]):
        a0, a1, b0, b1 = a0 + head, a1 + head, b0 + head, b1 + head
        if regions and not WORD_STOP_RE.search(old, regions[-1][1], a0):
            regions[-1][1], regions[-1][3] = a1, b1  # same word: one region
        else:
            regions.append([a0, a1, b0, b1])
    out = []
    for a0, a1, b0, b1 in regions:
        left = a0
        while left > 0 and not _stops_word(old[left - 1]):
            left -= 1
        right = a1
        while right < len(old) and not _stops_word(old[right]):
            right += 1
        # The widening runs over unchanged text, identical on both sides.
        out.append((left, right, b0 - (a0 - left), b1 + (right - a1)))
    return out


def _stops_word(char: str) -> bool:
    """True when ``char`` ends a word (:data:`WORD_STOP_RE`)."""
    return char.isspace() or (char.isascii() and not char.isalnum())


def _changes(a: str, b: str) -> Iterator[tuple[int, int, int, int]]:
    """The changed stretches ``(a0, a1, b0, b1)`` between ``a`` and its repair ``b``, in
    order and disjoint (not yet widened to tokens).

    ftfy's repairs (with :data:`FTFY_CONFIG`) leave every ASCII character other than the
    space in place, so the stretches of those characters anchor the two texts to each
    other, and only the gaps between anchors are compared, each on its own: linear, where a
    sequence matcher over the whole window is quadratic or worse on a long line of
    mojibake. Should the anchors differ (not an ftfy repair), the rest of both texts is
    matched by :class:`difflib.SequenceMatcher` when short, or is one changed stretch.
    """
    i = j = before = 0  # ``before``: length of the anchors right before the gap
    while i < len(a) or j < len(b):
        gap_a = _GAP_RE.match(a, i)
        gap_b = _GAP_RE.match(b, j)
        ga = gap_a.end() if gap_a else i
        gb = gap_b.end() if gap_b else j
        run_a = _ANCHORS_RE.match(a, ga)
        run_b = _ANCHORS_RE.match(b, gb)
        sa = run_a.end() if run_a else ga
        sb = run_b.end() if run_b else gb
        if a[ga:sa] != b[gb:sb]:
            yield from _matched(a, i - before, len(a), b, j - before, len(b))
            return
        if a[i:ga] != b[j:gb]:
            # The anchors around the gap (the same on both sides) go along to the sequence
            # matcher, should it be needed, so it aligns the gap with its context.
            after = min(sa - ga, CONTEXT)
            yield from _gap_changes(a, i, ga, b, j, gb, before, after)
        i, j, before = sa, sb, min(sa - ga, CONTEXT)


def _gap_changes(
    a: str, a0: int, a1: int, b: str, b0: int, b1: int, before: int, after: int
) -> Iterator[tuple[int, int, int, int]]:
    """The changed stretches between two gaps (non-ASCII characters and spaces): token by
    token when both keep the same white space, else by :func:`_matched`, with ``before``
    and ``after`` characters of the anchors around them."""
    parts_a = _SPACES_SPLIT_RE.split(a[a0:a1])
    parts_b = _SPACES_SPLIT_RE.split(b[b0:b1])
    if len(parts_a) != len(parts_b) or parts_a[1::2] != parts_b[1::2]:
        yield from _matched(a, a0 - before, a1 + after, b, b0 - before, b1 + after)
        return
    for part_a, part_b in zip(parts_a, parts_b, strict=True):
        if part_a != part_b:
            yield (a0, a0 + len(part_a), b0, b0 + len(part_b))
        a0 += len(part_a)
        b0 += len(part_b)


def _matched(
    a: str, a0: int, a1: int, b: str, b0: int, b1: int
) -> Iterator[tuple[int, int, int, int]]:
    """The changed stretches between ``a[a0:a1]`` and ``b[b0:b1]``, less their common
    prefix and suffix (which holds the context given, and aligns a space a repair took in
    with the characters before it): by a sequence matcher when both are short (its cost
    grows with the square of the length, or faster), else the whole of both as one."""
    while a0 < a1 and b0 < b1 and a[a0] == b[b0]:
        a0, b0 = a0 + 1, b0 + 1
    while a0 < a1 and b0 < b1 and a[a1 - 1] == b[b1 - 1]:
        a1, b1 = a1 - 1, b1 - 1
    if a0 == a1 and b0 == b1:
        return
    if a1 - a0 + b1 - b0 > MAX_MATCHED:
        yield (a0, a1, b0, b1)
        return
    matcher = SequenceMatcher(None, a[a0:a1], b[b0:b1], False)
    for tag, x0, x1, y0, y1 in matcher.get_opcodes():
        if tag != "equal":
            yield (a0 + x0, a0 + x1, b0 + y0, b0 + y1)
