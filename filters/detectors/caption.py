"""caption: image and video captions and photo credits left in the text, as whole lines.

What it catches: a line that is a photo credit (``Photo: Hau Dinh, AP``,
``Sakib Ali/Hindustan Times/Getty Images``, ``Image copyright Reuters``,
``(Photo by Jordan Strauss)``, ``Jason Cipriani/ZDNet``); a line that carries an
agency credit (``... in Hialeah, Fla. (AP Photo/Alan Diaz, File)``,
``... November 18, 2019. REUTERS/Brendan McDermid``, ``... Credit: EPA``); a
line worded as a caption (``... in this still image obtained from a social media
video``, ``FILE PHOTO: ...``, ``In this photo issued by ITV, ...``, ``seen in
this handout picture``); an AP caption's weekday, date and place (``...,
Sunday, Nov. 17, 2019, in Las Vegas.``); and a line with caption wording that
prose also uses (``pictured``, ``is seen``, ``, left,``, ``poses for a photo``)
only when it also has the shape of a caption: no final period, or a weekday and
date, or a closing place (``in Columbia, S.C.``). Read with the line below it: a
line of 8 to 60 words that a weekday and date close (``... during the Dubai Airshow
at Dubai World Central (DWC) in Dubai, United Arab Emirates, on Monday, Nov. 13,
2017.``) right above a credit line (``Natalie Naccache | Bloomberg | Getty
Images``), code ``caption.dated_caption``. The finding covers the whole line.

What it leaves alone: prose that mentions pictures (``a file photo of the
suspect was released.``, ``He is seen as a reformer.``, ``(pictured above)``,
``(not pictured)``); list items; long lines (more than 80 words), which are
paragraphs; ``Photo Credit:`` and ``Credits:`` labels with nothing after them;
gallery labels (``Pictured: Living Lace Parvati``), which gold bodies keep;
sentences that name an agency (``Getty Images reported higher revenue.``); a line
above a credit line without a weekday and date closing it (a paragraph of the story
often sits right above a photo's credit when the caption was not extracted), or one
that a date closes without a credit below (``This page was originally published on
Wednesday, March 2, 2022.``).

False-positive risk: low for credits and caption wording; moderate for the
weak wording, which is why it needs the caption shape and scores lower. A short
"Name Name/Outlet" line that is not a credit (``Zoho CRM / Bigin``) is the
known weak spot of the credit rule. The dated caption is taken on its neighbour: a
sentence of the story that a full weekday date closes, right above a photo credit, would
go too (no such line in the Scrapinghub, WCXB or injected texts; journalists write "on
Monday", agencies date their pictures in full).

Example: ``A Ukrainian soldier raises a Ukrainian flag in Guevo,Kursk
Oblast,Russia released August 11,2024 in this still image obtained from a social
media video`` -> one ``remove`` finding over the line, code
``caption.caption_phrase``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from ..document import Document
from ..findings import Finding, make_finding
from ..registry import Context, register
from ..resources import sectioned_list
from ._lines import (
    Line,
    Verdict,
    alternation,
    cached,
    first_words,
    keyword_gate,
    lines_of,
    low_is_exact,
)

NAME = "caption_v1"

_LISTS = sectioned_list("captions.txt")
_AGENCY = alternation(_LISTS["agencies"])
_OPENER = alternation(_LISTS["credit_openers"])

# A name token of a credit: "Hau", "H.W.", "McDermid", "CABALLERO-REYNOLDS", "O'Neil".
_NAME = r"[A-Z][\w.'’\-]*"

# A whole line that opens as a credit: "Photo: NAME", "Image by NAME", "Photograph - NAME",
# "(Photo credit: NAME)", "Picture courtesy of NAME"; the label needs something after it.
CREDIT_OPENER_RE = re.compile(
    rf"^\(?\s*{_OPENER}\s*(?:credits?\s*)?(?:courtesy(?:\s+of)?\s*|by\b|:|[-–—|])\s*\S",
    re.IGNORECASE,
)
#: The first words of the credit labels (IMAGE_LABEL_RE, CREDIT_OPENER_RE, CREDIT_LABEL_RE),
#: as :attr:`Line.first` begins: a line that opens with none of them skips those three rules.
CREDIT_FIRST_WORDS = tuple(
    sorted(
        first_words([*_LISTS["credit_openers"], "image", "media", "credit", "courtesy", "source"])
    )
)
# "Credit: NAME", "Courtesy of NAME", "Source: Getty Images" as a line of its own.
CREDIT_LABEL_RE = re.compile(
    rf"^\(?\s*(?:credits?\s*:|courtesy\s+(?:of\s+)?{_NAME}|source\s*:\s*{_AGENCY}\b)\s*\S?",
    re.IGNORECASE,
)
# A short line that ends with an agency after a separator: "NAME/Getty Images",
# "NAME | Bloomberg | Getty Images", "Photo: NAME, AP", "NAME via Getty Images", "Getty Images".
# A chain of agencies ("NAME/AFP/Getty Images") ends with a slash and its last agency, so
# only the last one is matched: matching the whole chain from each of its slashes would
# rescan the rest of a long chain from every slash. "via" and "for" are tried from the
# first white space before them only (the look-behind), for the same reason.
CREDIT_AGENCY_END_RE = re.compile(
    rf"(?:^|[/|,©(]\s*|(?<!\s)\s+via\s+|(?<!\s)\s+for\s+){_AGENCY}\s*+\)?\s*+$",
    re.IGNORECASE,
)
#: The last word of every agency, lower-cased: a line that CREDIT_AGENCY_END_RE matches ends
#: with one (before a closing bracket).
AGENCY_TAILS = tuple(sorted({agency.split()[-1].lower() for agency in _LISTS["agencies"]}))
# A short "First Last/Outlet" credit: two or three names (not all capitals), a slash, an
# outlet of one or two words ("Jason Cipriani/ZDNet").
NAME_SLASH_OUTLET_RE = re.compile(
    r"^[A-Z][a-z][\w.'’\-]*(?:\s+[A-Z][a-z][\w.'’\-]*){1,2}\s*/\s*[A-Z][\w.&'’\-]*(?:\s+[A-Z][\w.&'’\-]*)?$"
)
# "Image caption ..." / "Image copyright ..." / "Media caption ..." (BBC page furniture).
IMAGE_LABEL_RE = re.compile(r"^(?:image|media)\s+(?:caption|copyright)\b", re.IGNORECASE)

# An agency credit inside a line: "(AP Photo/NAME)", "(Photo by NAME)", "REUTERS/NAME",
# "AFP/NAME", "/Getty Images", "via Getty Images", "| Getty Images", "(Credit: NAME)",
# "Photograph: NAME" or "Credit: NAME" at the end of the line. Alternative by alternative,
# each with the literal it cannot match without (the pattern is case-sensitive): _PICTURE
# ("Photo", "image", ...), _SLASH, _GETTY, _CREDIT (see :func:`_agency_credit`).
_PICTURE, _SLASH, _GETTY, _CREDIT = range(4)
_AGENCY_CREDIT_PARTS: tuple[tuple[int, str], ...] = (
    (
        _PICTURE,
        r"\((?:AP|AFP|Reuters|EPA|Xinhua|Getty|UPI)?\s?(?:Photo|Image|Picture)s?"
        r"(?:\s+(?:credit|illustration))?\s*(?:/|by\b|:)",
    ),
    (_SLASH, r"\b(?:REUTERS|AFP|EPA|EPA-EFE|AP|XINHUA|ANADOLU|SOPA)/\s?[A-Z]"),
    (_SLASH, r"/\s?(?:Getty\s+Images|AFP|Reuters|AP|Shutterstock|iStock|Alamy)\b"),
    (_GETTY, r"\bvia\s+Getty\s+Images\b"),
    (_GETTY, r"\|\s*Getty\s+Images\b"),
    (_GETTY, r"\bGetty\s+Images\s*\)?\s*$"),
    (_CREDIT, r"\((?:Photo\s+)?Credit:\s*[^)]*\)?"),
    (
        _PICTURE,
        r"(?<![\w,])(?:Photo(?:graph)?|Image|Picture)s?(?:\s+credit)?\s*:\s*[A-Z][^.!?]{0,60}$",
    ),
    (_CREDIT, r"(?<=[a-z.)])\s*Credit:\s*[A-Z][^.!?]{0,60}$"),
    (_PICTURE, r"\b(?:[Pp]hoto|[Ii]mage|[Pp]icture)s?\s*(?:©|\(c\)|[Cc]opyright\b)"),
)
AGENCY_CREDIT_RE = re.compile("|".join(part for _needs, part in _AGENCY_CREDIT_PARTS))
# Caption wording prose almost never uses: "in this still image obtained", "seen in this handout".
STRONG_PHRASE_RE = re.compile(
    r"(?<!\w)" + alternation(_LISTS["strong_phrases"]) + r"(?!\w)", re.IGNORECASE
)
# "In this photo issued by ITV, ...", "in this image released by the ministry", "in this
# handout picture provided by ...": a picture and how it came, as agency captions word it.
IN_THIS_PHOTO_BY_RE = re.compile(
    r"\b[Ii]n this (?:undated |handout |file |aerial |still |video |social media )*"
    r"(?:photo(?:graph)?|image|picture|video|still|screen\s?grab|screenshot|frame grab|handout)s?"
    r",? (?:(?:was |were |is )?(?:issued|released|provided|obtained|taken|made available|supplied|"
    r"distributed|posted|shared|published|shot|dated)\b|(?:by|from|courtesy of) (?:the )?[A-Z])"
)
# "In this Sunday, Nov. 10, 2019, photograph, ..." / "In this Nov. 10, 2019, file photo, ...":
# "in this photo" with a date between, as AP captions open.
IN_THIS_DATED_PHOTO_RE = re.compile(
    r"\b[Ii]n this (?:[A-Z][a-z]+day,?\s+)?[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4},?\s+"
    r"(?:file\s+|handout\s+|undated\s+)?(?:photo(?:graph)?|image|picture|video)\b"
)
# The Reuters marker of an archive picture, in capitals: "FILE PHOTO: Traders work ...".
FILE_PHOTO_RE = re.compile(r"\bFILE PHOTO\b")
# Caption wording that prose also uses: "pictured", "is seen", "(left)", "from left".
WEAK_PHRASE_RE = re.compile(
    r"(?<!\w)" + alternation(_LISTS["weak_phrases"]) + r"(?!\w)", re.IGNORECASE
)
# ", left," / ", right," / ", center," after a name: the people of a photo, left to right.
POSITION_RE = re.compile(r", (?:left|right|center|centre|second (?:left|right)),")
# A weekday and a date, as AP captions give them: "Tuesday, Nov. 19, 2019".
WEEKDAY_DATE_RE = re.compile(
    r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b"
)
# A weekday and a date closing the line: "... at Dubai World Central in Dubai, United Arab
# Emirates, on Monday, Nov. 13, 2017." (a dated caption, above its credit line).
DATED_END_RE = re.compile(WEEKDAY_DATE_RE.pattern + r"\.?$")
# An AP caption's weekday, date and place: "..., Sunday, Nov. 17, 2019, in Las Vegas."
AP_DATE_PLACE_RE = re.compile(WEEKDAY_DATE_RE.pattern + r",? in [A-Z]")
# Weak wording that points at a picture from running text, or a list item of a kit:
# "(pictured above)", "(not pictured)".
POINTER_RE = re.compile(
    r"\b(?:not\s+pictured|pictured\s+(?:above|below|here|right|left))\b", re.IGNORECASE
)
# A gallery label naming what is shown, as some gold bodies keep them: "Pictured: Art Deco Rivera".
LABEL_RE = re.compile(r"^(?:pictured|shown|above|below|left|right|top|bottom)\s*:", re.IGNORECASE)
# A list item: "- Shop Vac (not pictured)".
LIST_ITEM_RE = re.compile(r"^(?:[-–—•*·▪►]|\d{1,3}[.)])\s")
# "..., in Los Angeles." / "... in Columbia, S.C." closing a caption.
CLOSING_PLACE_RE = re.compile(r"\bin [A-Z][\w.'’\-]+(?: [A-Z][\w.'’\-]+)*(?:, [A-Z][\w.]+)?\.?$")

# Keyword gates: a line holding none of these literals skips the regexes of its rule
# (most lines of a text are sentences that hold none). AGENCY_KEYS are the literals of the
# agency credit, lower-cased; its rule tests them itself, case-sensitively (_agency_credit).
# Its slash alternatives are gated apart, by SLASH_CREDIT_RE (a plain "/" would let in
# every line holding a URL or a path, "Home / News").
AGENCY_KEYS = ("photo", "image", "picture", "getty", "credit")
PHRASE_KEYS = (
    "in this", "seen in", "photo", "picture", "image", "caption", "copyright", "handout",
)  # fmt: skip
WEAK_KEYS = ("pictured", "seen", "left", "right", "center", "centre", "l-r", "l to r", "pose")
PHRASE_GATE = keyword_gate(PHRASE_KEYS)
WEAK_GATE = keyword_gate(WEAK_KEYS)
ANY_GATE = keyword_gate((*AGENCY_KEYS, *PHRASE_KEYS, *WEAK_KEYS, "day"))
# A slash, at most one white-space character and a capital (or the "i" of "iStock"): what
# every match of the slash alternatives of AGENCY_CREDIT_RE holds ("REUTERS/Jim Young",
# "/ Getty Images", "/iStock"), and a URL or a path in lower case does not.
SLASH_CREDIT_RE = re.compile(r"/\s?[A-Zi]")

#: Longest line (in words) taken as a caption; longer lines are paragraphs.
MAX_WORDS = 80
#: Longest line (in words) taken as a credit line.
MAX_CREDIT_WORDS = 14
#: Longest line (in words) for the weak wording plus caption shape.
MAX_WEAK_WORDS = 50
#: Shortest and longest line (in words) taken as a dated caption above a credit line.
MIN_DATED_WORDS = 8
MAX_DATED_WORDS = 60


@register(NAME, categories=["caption"])
def find_captions(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Captions and photo credits: credit lines, agency credits, caption wording."""
    text = doc.text
    for line, verdict in zip(lines_of(doc), caption_verdicts(doc), strict=True):
        if verdict is not None:
            code, score, evidence = verdict
            yield make_finding(
                text,
                line.start,
                line.end,
                detector=NAME,
                category="caption",
                code=code,
                score=score,
                reason=f"a caption or photo credit line: {evidence}",
            )


def caption_verdicts(doc: Document) -> list[Verdict | None]:
    """The caption verdict of every line of the document (cached)."""
    return cached(doc, NAME, _verdicts)


def _verdicts(doc: Document) -> list[Verdict | None]:
    lines = lines_of(doc)
    out = [classify_caption(line) for line in lines]
    for i in range(len(lines) - 1):
        below = out[i + 1]
        if (
            below is not None
            and below[0] == "caption.credit_line"
            and out[i] is None
            and _dated_caption(lines[i])
        ):
            out[i] = ("caption.dated_caption", 0.8, "a weekday and date closing it, a credit below")
    return out


def _dated_caption(line: Line) -> bool:
    """A caption above its credit line: a weekday and date close it (``... in Dubai, United
    Arab Emirates, on Monday, Nov. 13, 2017.``), as agencies date their pictures."""
    t = line.text
    return (
        MIN_DATED_WORDS <= line.words <= MAX_DATED_WORDS
        and not line.uncased
        and "day" in line.low
        and (t[-1:].isdecimal() or t[-1:] == ".")
        and DATED_END_RE.search(t) is not None
    )


def classify_caption(line: Line) -> Verdict | None:
    """``(code, score, evidence)`` when the line is a caption or credit, else None."""
    if line.words == 0 or line.words > MAX_WORDS or line.uncased:
        return None
    t, low = line.text, line.low
    if line.words <= MAX_CREDIT_WORDS:
        credit = _credit_line(line)
        if credit is not None:
            return ("caption.credit_line", 0.95, credit)
    if not ANY_GATE.search(low) and not _slash_credit(t):
        return None
    match = _agency_credit(t)
    if match is not None:
        return ("caption.agency_credit", 0.93, f"agency credit {match.group().strip()!r}")
    if PHRASE_GATE.search(low):
        match = (
            STRONG_PHRASE_RE.search(t)
            or FILE_PHOTO_RE.search(t)
            or IN_THIS_PHOTO_BY_RE.search(t)
            or IN_THIS_DATED_PHOTO_RE.search(t)
        )
        if match is not None:
            return ("caption.caption_phrase", 0.9, f"caption wording {match.group()!r}")
    if line.words <= MAX_WEAK_WORDS and not LIST_ITEM_RE.match(t):
        match = AP_DATE_PLACE_RE.search(t) if "day" in low else None
        if match is not None:
            return ("caption.caption_shape", 0.8, f"an AP caption date and place {match.group()!r}")
        if not WEAK_GATE.search(low):
            return None
        weak = WEAK_PHRASE_RE.search(t) or POSITION_RE.search(t)
        if weak is not None and not POINTER_RE.search(t) and not LABEL_RE.match(t):
            shape = _caption_shape(line)
            if shape:
                return (
                    "caption.caption_shape",
                    0.75,
                    f"caption wording {weak.group().strip(', ')!r} and {shape}",
                )
    return None


def _agency_credit(t: str) -> re.Match[str] | None:
    """``AGENCY_CREDIT_RE.search(t)``, searched with only the alternatives whose literal
    the line holds (for the slash alternatives: a slash before a capital): the others cannot
    match anywhere in it, so the first match is the same, found several times faster."""
    picture = "hoto" in t or "mage" in t or "icture" in t
    holds = (picture, _slash_credit(t), "Getty" in t, "Credit:" in t)
    return _agency_credit_re(holds).search(t) if any(holds) else None


def _slash_credit(t: str) -> bool:
    """False when no slash alternative of AGENCY_CREDIT_RE can match: no "/" before a
    capital (see SLASH_CREDIT_RE)."""
    return "/" in t and SLASH_CREDIT_RE.search(t) is not None


@cache
def _agency_credit_re(holds: tuple[bool, ...]) -> re.Pattern[str]:
    """The alternatives of AGENCY_CREDIT_RE, in their order, whose literal is held."""
    return re.compile("|".join(part for needs, part in _AGENCY_CREDIT_PARTS if holds[needs]))


def _credit_line(line: Line) -> str | None:
    t = line.text
    if line.first.startswith(CREDIT_FIRST_WORDS) or not low_is_exact(t):
        if IMAGE_LABEL_RE.match(t):
            return "an image caption/copyright label"
        if CREDIT_OPENER_RE.match(t) and not line.terminal:
            return "a line opening with a photo credit label"
        if CREDIT_LABEL_RE.match(t) and line.words >= 2 and not line.terminal:
            return "a credit label"
    if line.capitalised >= 0.6 and _may_end_with_agency(line) and CREDIT_AGENCY_END_RE.search(t):
        return "a name line ending with a photo agency"
    if line.words <= 7 and "/" in t and NAME_SLASH_OUTLET_RE.match(t):
        return "a 'Name/Outlet' photo credit"
    return None


def _may_end_with_agency(line: Line) -> bool:
    """False when CREDIT_AGENCY_END_RE cannot match: the line, without a closing bracket,
    does not end with the last word of an agency (a search that would try every position).

    Read on :attr:`Line.low` (see :func:`low_is_exact`).
    """
    if not low_is_exact(line.text):
        return True
    low = line.low.rstrip()
    if low.endswith(")"):
        low = low[:-1].rstrip()
    return low.endswith(AGENCY_TAILS)


def _caption_shape(line: Line) -> str:
    """What makes the line look like a caption ('' when nothing does)."""
    if WEEKDAY_DATE_RE.search(line.text):
        return "a weekday and date"
    if not line.terminal and line.words >= 4:
        return "no final punctuation"
    if CLOSING_PLACE_RE.search(line.text) and line.words <= 35:
        return "a closing place"
    return ""
