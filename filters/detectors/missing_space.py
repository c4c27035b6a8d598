"""missing_space: a space the scraper lost after a comma.

What it catches: a comma glued to the next word, ``destroyed,civilians`` ->
``destroyed, civilians``; a year glued to the day of a date, ``August 11,2024``
-> ``August 11, 2024``; a number glued to a lower-case word, ``2023,the`` ->
``2023, the``. One finding per white-space token, spanning the words on both
sides of each glued comma (``Guevo,Kursk Oblast,Russia`` gives two findings,
``a,b,c`` one).

What it leaves alone: thousands separators and other digit groups (``121,000``,
``1,2``), decimals, times, initials (``U.S.``), and any token that looks like a
URL, an e-mail address, a file path, markup or code (``://``, ``www.``, ``@``,
``/``, ``\\``, ``=``, ``_``, brackets, ``<``, ``>``, ``#``), a pair of single
letters (``x,y``), and tokens longer than 200 characters.

False-positive risk: low. A comma between two letters with no space is almost
never right in prose; the known risks are comma-separated lists of codes or
keywords without spaces (``tag1,tag2``), where the space is harmless, and
CSV-like lines, scored lower when a token glues four or more commas.

Example: ``'Houses are destroyed,civilians died'`` -> one ``replace`` finding
over ``destroyed,civilians`` with replacement ``destroyed, civilians``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..document import Document
from ..findings import Finding, make_finding
from ..registry import Context, register

NAME = "missing_space_v1"

# A comma between two letters or digits with no space after it: the candidates.
# The literal comma comes first so the regex engine can jump from comma to comma.
GLUED_COMMA_RE = re.compile(r",(?<=[^\W_],)(?=[^\W_])")
# The white-space token around a position: its left part, searched backwards.
TOKEN_LEFT_RE = re.compile(r"\S*\Z")
# ... and its right part.
TOKEN_RIGHT_RE = re.compile(r"\S*")
# A token that looks like a URL, e-mail, path, markup or code: never touched.
CODE_LIKE_RE = re.compile(r"://|^www\.|[@/\\=_<>#{}\[\]|()]")
# A word on either side of a glued comma: letters, digits, apostrophes, hyphens.
WORD_CHARS_RE = re.compile(r"[\w'’\-]*")
WORD_CHARS_LEFT_RE = re.compile(r"[\w'’\-]*\Z")
# A month name (or abbreviation) and day right before "11,2024".
MONTH_DAY_RE = re.compile(
    r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.? \d{1,2}\Z"
)
# A plausible year right after the comma, not followed by more digits or a digit group.
YEAR_RE = re.compile(r"(?:1[89]|20)\d\d(?![\d])(?!,\d)")
# A lower-case word of two letters or more, as in "2023,the".
LOWER_WORD_RE = re.compile(r"[^\W\d_A-Z]{2,}(?![\d])")

LONG_CHAIN = 4
MAX_TOKEN = 200


@register(NAME, categories=["missing_space"])
def find_missing_spaces(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Commas glued to the next word (``destroyed,civilians``) and dates (``11,2024``)."""
    text = doc.text
    if "," not in text:
        return
    token_glues: dict[int, list[tuple[int, str, float]]] = {}
    token_ends: dict[int, int] = {}
    for match in GLUED_COMMA_RE.finditer(text):
        comma = match.start()
        lo, hi = max(0, comma - MAX_TOKEN - 1), min(len(text), comma + MAX_TOKEN + 2)
        left = TOKEN_LEFT_RE.search(text, lo, comma)
        right = TOKEN_RIGHT_RE.match(text, comma + 1, hi)
        if (
            left is None
            or right is None
            or (left.start() == lo > 0)
            or right.end() == hi < len(text)
        ):
            continue  # a token this long is no prose
        token_start, token_end = left.start(), right.end()
        if token_end - token_start > MAX_TOKEN:
            continue  # the same for every comma of a token, so a second run changes nothing
        token = text[token_start:token_end]
        if CODE_LIKE_RE.search(token):
            continue
        glue = _classify(text, comma, token_start)
        if glue is not None:
            token_glues.setdefault(token_start, []).append((comma, *glue))
            token_ends[token_start] = token_end
    for token_start, glues in token_glues.items():
        yield _finding(text, token_start, token_ends[token_start], glues)


def _classify(text: str, comma: int, token_start: int) -> tuple[str, float] | None:
    """The kind of glue at ``comma`` and its score, or None when it is no error."""
    before, after = text[comma - 1], text[comma + 1]
    if before.isalpha() and after.isalpha():
        left = WORD_CHARS_LEFT_RE.search(text, token_start, comma)
        right = WORD_CHARS_RE.match(text, comma + 1)
        left_len = comma - left.start() if left else 1
        right_len = right.end() - comma - 1 if right else 1
        if left_len == 1 and right_len == 1:
            return None  # "x,y": variables, grades, coordinates
        return ("comma_between_words", 0.97 if after.islower() else 0.93)
    if before.isdigit() and after.isdigit():
        if MONTH_DAY_RE.search(text, max(0, comma - 16), comma) and YEAR_RE.match(text, comma + 1):
            return ("comma_before_year", 0.95)
        return None  # digit groups, lists of numbers, decimal commas
    if before.isdigit() and LOWER_WORD_RE.match(text, comma + 1):
        return ("comma_after_number", 0.85)
    return None


def _finding(text: str, token_start: int, token_end: int, glues: list) -> Finding:
    first, last = glues[0][0], glues[-1][0]
    left = WORD_CHARS_LEFT_RE.search(text, token_start, first)
    right = WORD_CHARS_RE.match(text, last + 1, token_end)
    start = left.start() if left else first
    end = right.end() if right else last + 1
    parts = []
    pos = start
    for comma, _kind, _score in glues:
        parts.append(text[pos : comma + 1])
        parts.append(" ")
        pos = comma + 1
    parts.append(text[pos:end])
    kinds = sorted({kind for _c, kind, _s in glues})
    score = min(s for _c, _k, s in glues)
    if len(glues) >= LONG_CHAIN:
        score = min(score, 0.7)
    span = text[start:end]
    return make_finding(
        text,
        start,
        end,
        detector=NAME,
        category="missing_space",
        code="missing_space." + kinds[0],
        score=score,
        reason=(
            f"no space after {len(glues)} comma{'s' if len(glues) > 1 else ''} in {span!r}"
            f" ({', '.join(k.replace('_', ' ') for k in kinds)}); prose puts a space there"
        ),
        replacement="".join(parts),
    )
