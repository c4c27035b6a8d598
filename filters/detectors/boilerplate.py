"""boilerplate: page furniture left in the text as lines of their own.

What it catches, by kind (the reason code is ``boilerplate.<kind>``): share and
print widgets (``Share on Facebook``, ``Tweet``, ``Click to share on Reddit``)
and lines of widget buttons (``Facebook Twitter Google+ Whatsapp``), follow and
contact prompts (``Follow us on Twitter``, ``Have a tip? ...``), newsletter and
sign-up prompts (``Subscribe to our newsletter``, ``Sign up``, ``Get the latest
updates right in your inbox.``), cookie and privacy notices, advertisement
markers (``Advertisement``, ``Story continues below``), related links and
teasers (``Related:``, ``Read more: ...``, ``On HoustonChronicle.com: ...``),
with the short teaser lines under a header such as ``You may also like...``
when the block closes the text, comment widgets (``Comments``, ``Please enable
JavaScript to view comments``), media widgets (``VIDEO``, ``Listen to this
article``), copyright lines (``©``, ``All rights reserved``), text-table rules
(``|---|---|``), social counters (``12K shares``), and bare lines: one bullet, dash,
asterisk or bar alone (``*``, ``-``, ``•``, ``|``), or nothing visible at all (a
zero-width space), which lists and empty paragraphs leave behind (1,700 such lines in
the Track A extractor outputs, every one labelled boilerplate). The phrase lists live
in ``filters/data/boilerplate.txt``.

Position prior: such lines gather at the top and bottom of a text. A match in
the first two or last five lines scores higher, one in the middle lower.

What it leaves alone: a one-word label in title case between two sentences of
the story, which is a subheading (``Audio``, ``Privacy``); and (prose guard) a
line that reads as a sentence of the story although it holds a listed phrase
(``Monday newsletters always feature top 10 travel lists.``, ``The company
said it uses cookies to track users.``, a first-person sentence about "my
newsletter"): at least six words and final punctuation (or a closing colon),
no address to the reader (``you``, ``your``, ``our``, ``us``); a sentence of 25
words or more opening with a newsletter, related or advertisement phrase; any
line longer than 40 words (20 for a phrase that is not at the start); separator
lines of several characters (``---``, ``***``) and a lone em dash or period, which
gold bodies keep.

False-positive risk: low for whole-line matches and openers; moderate for
labels and teasers that gold bodies keep (``Read more: ...`` inside WCXB
how-to articles, an AP ``© ... All rights reserved`` line in the Scrapinghub
gold).

Example: ``Get the latest updates right in your inbox. Subscribe to NJ.com's
newsletters.`` -> one ``remove`` finding over the line, code
``boilerplate.newsletter``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

from ..document import Document
from ..findings import Finding, make_finding
from ..registry import Context, register
from ..resources import sectioned_list
from ._lines import (
    Line,
    Verdict,
    cached,
    first_words,
    is_prose,
    keyword_gate,
    lines_of,
    longest_words,
)

NAME = "boilerplate_v1"

# Punctuation, bullets and separators stripped from both ends of a line before a
# whole-line comparison ("| Share |", "» Read more", "Related Articles:").
EDGE_CHARS = " \t\u00a0|›‹»«•·*–—-:…!.,;[](){}<>#/\\\u200b←→"
# Runs of white space, folded to one space for comparison.
SPACES_RE = re.compile(r"\s+")
# A word of a widget line ("Facebook", "Google+", "E-mail").
WIDGET_TOKEN_RE = re.compile(r"[\w+\-]+")
# The writer speaking: a sentence of a first-person story ("I might say", "my newsletter").
FIRST_PERSON_RE = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|my|me)\b")
# Addressing the reader: the mark of a call to action rather than a sentence of the story.
READER_RE = re.compile(r"\b(?:you|your|yours|our|us|we)\b", re.IGNORECASE)
# A social counter: "12K shares", "1.2k Shares", "34 comments".
COUNTER_RE = re.compile(
    r"^\d++(?:[.,]\d++)?\s*+[KkMm]?\+?\s*+(?:shares?|comments?|likes?|views?|reads?|retweets?"
    r"|reactions?|replies|responses|votes?|claps?|followers?|subscribers?)$",
    re.IGNORECASE,
)
# A teaser for another page of the site: "On HoustonChronicle.com: ...", "More at CNBC.com: ...".
SITE_TEASER_RE = re.compile(
    r"^(?:On|More on|More at|Also on|From|Read more at|See more at)\s+[\w.\-]+\."
    r"(?:com|net|org|co\.uk|ca|com\.au|in|de|fr)\s*:",
    re.IGNORECASE,
)
# "Follow AP's coverage at https://...", "Follow The Times on Facebook, Twitter (@handle)".
FOLLOW_RE = re.compile(
    r"^Follow\b.{0,120}?(?:\b(?:on|at|via)\s+(?:Twitter|Facebook|Instagram|LinkedIn|TikTok|"
    r"YouTube|Threads|Bluesky|Mastodon)\b|@\w|https?://)",
    re.IGNORECASE,
)
SITE_TEASER_FIRST_WORDS = frozenset({"on", "more", "also", "from", "read", "see"})
# A row rule of a text table: "|---|---|", "| :--- | ---: |".
TABLE_RULE_RE = re.compile(r"^\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$")


def _normal(text: str) -> str:
    folded = text.strip(EDGE_CHARS).lower()
    # Most lines hold single spaces only (any other white space is not printable): nothing
    # to fold.
    if "  " in folded or not folded.isprintable():
        folded = SPACES_RE.sub(" ", folded)
    return folded


def _opener_re(phrases: frozenset[str]) -> re.Pattern[str]:
    """A line opener: optional bullets or brackets, then one phrase, then a word boundary
    when the phrase ends in a letter or digit."""
    parts = []
    for phrase in sorted(phrases, key=lambda p: (-len(p), p)):
        pattern = re.escape(phrase).replace(r"\ ", r"\s+")
        parts.append(pattern + (r"(?!\w)" if phrase[-1].isalnum() else ""))
    return re.compile(r"^[\s\[(•·|*\-–—»›]*(?:" + "|".join(parts) + ")", re.IGNORECASE)


def _anywhere_re(phrases: frozenset[str]) -> re.Pattern[str]:
    """One phrase anywhere, not inside a word. The look-behind is checked once before the
    alternation, not in each phrase: inside a word the regex gives up at once instead of
    trying every phrase (the same matches, a fraction of the time)."""
    parts = [
        re.escape(p).replace(r"\ ", r"\s+") + (r"(?!\w)" if p[-1].isalnum() else "")
        for p in sorted(phrases, key=lambda p: (-len(p), p))
    ]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")", re.IGNORECASE)


_LISTS = sectioned_list("boilerplate.txt")
#: Whole lines: normalised phrase -> kind.
LINE_PHRASES: dict[str, str] = {}
for _section in sorted(_LISTS):
    if _section.endswith("_line"):
        for _phrase in _LISTS[_section]:
            LINE_PHRASES.setdefault(_normal(_phrase), _section.rsplit("_", 1)[0])
#: The longest whole-line phrase, in words: longer lines skip the lookup.
MAX_LINE_PHRASE_WORDS = max(len(p.split()) for p in LINE_PHRASES)
#: First words of the openers: a line opening with another word skips the opener regexes.
OPENER_FIRST_WORDS = first_words(
    phrase for section in _LISTS if section.endswith("_start") for phrase in _LISTS[section]
)
#: Line openers, by kind.
OPENERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (section.rsplit("_", 1)[0], _opener_re(_LISTS[section]))
    for section in sorted(_LISTS)
    if section.endswith("_start")
)
#: Phrases anywhere in a short line, by kind, each with the keyword gate of its regex.
ANYWHERE: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (
        section.rsplit("_", 1)[0],
        _anywhere_re(_LISTS[section]),
        keyword_gate(longest_words(_LISTS[section])),
    )
    for section in sorted(_LISTS)
    if section.endswith("_any")
)
# Any of the gates of ANYWHERE: one search rules them all out on most lines.
ANYWHERE_GATE = keyword_gate(
    word
    for section in _LISTS
    if section.endswith("_any")
    for word in longest_words(_LISTS[section])
)

#: Words of a line of widget buttons.
WIDGET_WORDS = frozenset(_LISTS["widget_words"])
MAX_WIDGET_WORDS = 8
#: Widget words that also make ordinary labels ("UP NEXT", "View all"): a widget line needs
#: at least one other word (a platform, "share", "subscribe", "print", ...).
GENERIC_WIDGET_WORDS = frozenset(
    "to on the this in up out no yes ok all more less next previous prev back top view most "  # noqa: SIM905
    "popular via story article page you thanks thank us read home menu search".split()
)  # fmt: skip

#: Headers of a block of teaser links, and the block's limits.
BLOCK_MARKER_RE = _opener_re(_LISTS["block_markers"])
MAX_MARKER_WORDS = 8
MAX_BLOCK_LINES = 12
MAX_TEASER_WORDS = 25

#: Longest line (in words) for an opener, and for a phrase elsewhere in the line.
MAX_OPENER_WORDS = 40
MAX_ANYWHERE_WORDS = 20
#: A line that opens with a listed phrase is still a sentence of the story from this length,
#: for the kinds whose openers a story may use ("Sign up for the course ...", "Related to ...");
#: the other kinds' openers (follow, share, cookie, comments, copyright) are calls to action.
MIN_PROSE_OPENER_WORDS = 25
GUARDED_KINDS = frozenset({"newsletter", "related", "advertisement"})
#: Lines at the top and at the bottom where the position prior raises the score.
TOP_LINES = 2
BOTTOM_LINES = 5
#: A bare line's one visible character: list bullets, dashes, bars (not the em dash, nor a
#: period: gold bodies keep a few of those as separators).
LONE_MARKS = frozenset("*-–|·•")


@register(NAME, categories=["boilerplate"])
def find_boilerplate(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Share/follow/newsletter/cookie/ad/related/comment lines and social counters."""
    text = doc.text
    for line, verdict in zip(lines_of(doc), boilerplate_verdicts(doc), strict=True):
        if verdict is None:
            continue
        code, score, evidence = verdict
        kind = code.split(".", 1)[1]
        yield make_finding(
            text,
            line.start,
            line.end,
            detector=NAME,
            category="boilerplate",
            code=code,
            score=score,
            reason=f"page furniture ({kind.replace('_', ' ')}): {evidence}",
        )


def boilerplate_verdicts(doc: Document) -> list[Verdict | None]:
    """The final boilerplate verdict of every line (position prior applied; cached)."""
    return cached(doc, NAME, _verdicts)


def _verdicts(doc: Document) -> list[Verdict | None]:
    lines = lines_of(doc)
    n = len(lines)
    verdicts = [classify_boilerplate(line) for line in lines]
    for i, line in enumerate(lines):
        if verdicts[i] is not None and _is_block_marker(line):
            for j in _teaser_block(lines, verdicts, i):
                verdicts[j] = ("related_link", 0.75, f"a teaser under {line.text[:40]!r}")
    out: list[Verdict | None] = []
    for i, verdict in enumerate(verdicts):
        if verdict is None:
            out.append(None)
            continue
        kind, base, evidence = verdict
        at_edge = i < TOP_LINES or i >= n - BOTTOM_LINES
        if not at_edge and _subheading_label(lines, i):
            out.append(None)
            continue
        score = min(0.97, base + 0.05) if at_edge else base - 0.05
        out.append((f"boilerplate.{kind}", score, evidence))
    return out


def _subheading_label(lines: Sequence[Line], i: int) -> bool:
    """A one-word label in title case between two sentences of the story: a subheading
    ("Audio", "Privacy"), not a widget ("VIDEO", "less")."""
    line = lines[i]
    if line.words != 1 or not line.text[:1].isupper() or line.text.isupper():
        return False
    before, after = lines[i - 1], lines[i + 1]
    return is_prose(after) and (is_prose(before) or before.words > 12)


def _is_block_marker(line: Line) -> bool:
    return line.words <= MAX_MARKER_WORDS and BLOCK_MARKER_RE.match(line.text) is not None


def _teaser_block(lines: Sequence[Line], verdicts: Sequence[Verdict | None], i: int) -> list[int]:
    """Indices of the teaser lines under the block header ``lines[i]`` (may be empty)."""
    block: list[int] = []
    j = i + 1
    while j < len(lines) and len(block) < MAX_BLOCK_LINES:
        line = lines[j]
        if verdicts[j] is not None:
            break  # the next widget: the block ends here
        if line.words > MAX_TEASER_WORDS or is_prose(line):
            break
        block.append(j)
        j += 1
    ends_block = j == len(lines) or verdicts[j] is not None
    if block and ends_block and i * 2 >= len(lines):
        return block
    return []


def classify_boilerplate(line: Line) -> Verdict | None:
    """``(kind, score, evidence)`` when the line is page furniture, else None (the line
    alone: the position prior and teaser blocks are applied by :func:`boilerplate_verdicts`)."""
    t = line.text
    if (t[:1] == "|" or "---" in t) and TABLE_RULE_RE.match(t):
        return ("table_rule", 0.85, "a text-table rule")
    if line.words == 0:
        bare = _bare(t)
        return None if bare is None else ("bare_line", 0.9, bare)
    if line.words > MAX_OPENER_WORDS:
        return None
    if line.words <= MAX_LINE_PHRASE_WORDS:
        norm = _normal(t)
        kind = LINE_PHRASES.get(norm)
        if kind is not None:
            return (kind, 0.9, f"the line {norm!r}")
        if line.words >= 2 and _widget_line(line.low):
            return ("widget", 0.85, "a line of widget buttons")
        if t[:1].isdigit() and COUNTER_RE.match(t):
            return ("counter", 0.9, "a social counter")
    if line.first in SITE_TEASER_FIRST_WORDS and SITE_TEASER_RE.match(t):
        return ("related", 0.85, "a teaser for another page of the site")
    if line.first in OPENER_FIRST_WORDS:
        for kind, regex in OPENERS:
            match = regex.match(t)
            if match is not None and (kind not in GUARDED_KINDS or not _prose(line, True)):
                return (kind, 0.85, f"opens with {match.group().strip()!r}")
    if line.first == "follow" and FOLLOW_RE.match(t):
        return ("follow", 0.85, "a follow prompt naming a network, a handle or a link")
    if line.words > MAX_ANYWHERE_WORDS or not ANYWHERE_GATE.search(line.low):
        return None
    for kind, regex, gate in ANYWHERE:
        if gate.search(line.low):
            match = regex.search(t)
            if match is not None and not _prose(line, at_start=False):
                return (kind, 0.75, f"holds {match.group()!r}")
    return None


def _bare(text: str) -> str | None:
    """What a bare line holds (see the module docstring), or None for any other line."""
    visible = "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")
    if not visible:
        names = sorted({unicodedata.name(c, f"U+{ord(c):04X}") for c in text if not c.isspace()})
        return f"a line with nothing visible on it ({', '.join(names).lower()})"
    if visible in LONE_MARKS:
        return f"a line of one {visible!r} alone"
    return None


def _widget_line(low: str) -> bool:
    first = WIDGET_TOKEN_RE.search(low)
    if first is None or first.group() not in WIDGET_WORDS:
        return False  # most lines: the first word is no widget's (checked before the others)
    tokens = WIDGET_TOKEN_RE.findall(low)
    return (
        len(tokens) >= 2
        and all(t in WIDGET_WORDS for t in tokens)
        and any(t not in GENERIC_WIDGET_WORDS for t in tokens)
    )


def _prose(line: Line, at_start: bool) -> bool:
    """The prose guard: a sentence of the story that happens to hold a listed phrase."""
    if READER_RE.search(line.text):
        return False
    if at_start:
        return line.words >= MIN_PROSE_OPENER_WORDS and line.terminal
    if FIRST_PERSON_RE.search(line.text):
        return True
    return line.words >= 6 and (line.terminal or line.text.endswith(":"))
