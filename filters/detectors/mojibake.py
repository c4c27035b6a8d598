"""mojibake: text that was encoded in UTF-8 and decoded in another encoding, repaired by ftfy.

What it catches: UTF-8 read as Windows-1252 or Latin-1 (``youâ€™re`` -> ``you’re``,
``cafÃ©`` -> ``café``), and as the other single-byte encodings ftfy knows (Windows-1250,
-1251, -1253, -1254, -1257, ISO-8859-2, MacRoman, cp437: ``g√¢teaux`` -> ``gâteaux``,
``#╨┐╤Ç╨░╨▓`` -> ``#прав``), text mixing clean and broken UTF-8 on one line, lone
C1 control characters that stand for Windows-1252 punctuation (``\\x85`` -> ``…``),
and UTF-16 surrogate pairs. One ``replace`` finding per white-space token that changed
(neighbouring changes inside one token make one finding), with ftfy's plan in the
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
of each window (``difflib``) are widened to whole tokens, so every finding has an exact
span of the original and its own replacement.

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
from collections.abc import Iterator
from difflib import SequenceMatcher

import ftfy
from ftfy.chardata import CHARMAP_ENCODINGS

from ..document import Document
from ..findings import Finding, make_finding
from ..registry import Context, register

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
# One leading character class, so the regex engine skips clean text fast.
SUSPECT_RE = re.compile(
    _char_class(_LEADS, "\u0080-\u009f\ud800-\udfff")
    + "(?:(?<=[\u0080-\u009f\ud800-\udfff])|(?<=[ÂÃ]) |"
    + _char_class(_CONTINUATIONS + "\ufffd")
    + ")"
)
# A white-space character: findings are widened to tokens between them.
SPACE_RE = re.compile(r"\s")


@register(NAME, categories=["encoding"])
def find_mojibake(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Mojibake (``youâ€™re``) repaired by ftfy, one finding per changed token."""
    text = doc.text
    if text.isascii():
        return
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
    characters either side of each, widened to white space, never across a line."""
    windows: list[tuple[int, int]] = []
    for match in SUSPECT_RE.finditer(text):
        line_start, line_end = doc.lines[doc.line_index(match.start())]
        start = max(line_start, match.start() - WINDOW)
        end = min(line_end, match.end() + WINDOW)
        while start > line_start and not text[start - 1].isspace():
            start -= 1
        while end < line_end and not text[end].isspace():
            end += 1
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def changed_tokens(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """The regions where ``new`` differs from ``old``, widened to white-space tokens:
    ``(old_start, old_end, new_start, new_end)``, in order and disjoint, so replacing
    each ``old`` region by its ``new`` region turns ``old`` into ``new``."""
    head = 0  # the common prefix and suffix are left out of the (quadratic) matching
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    matcher = SequenceMatcher(None, old[head : len(old) - tail], new[head : len(new) - tail], False)
    regions: list[list[int]] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a0, a1, b0, b1 = a0 + head, a1 + head, b0 + head, b1 + head
        if regions and not SPACE_RE.search(old, regions[-1][1], a0):
            regions[-1][1], regions[-1][3] = a1, b1  # same token: one region
        else:
            regions.append([a0, a1, b0, b1])
    out = []
    for a0, a1, b0, b1 in regions:
        left = a0
        while left > 0 and not old[left - 1].isspace():
            left -= 1
        right = a1
        while right < len(old) and not old[right].isspace():
            right += 1
        # The widening runs over unchanged text, identical on both sides.
        out.append((left, right, b0 - (a0 - left), b1 + (right - a1)))
    return out
