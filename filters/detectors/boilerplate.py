"""boilerplate: page furniture left in the text as lines of their own.

What it catches, by kind (the reason code is ``boilerplate.<kind>``): share and
print widgets (``Share on Facebook``, ``Tweet``, ``Click to share on Reddit``)
and lines of widget buttons (``Facebook Twitter Google+ Whatsapp``), follow and
contact prompts (``Follow us on Twitter``, ``Have a tip? ...``, and a paragraph of
any length up to 80 words that opens with ``Follow @handle``), contact lines (an
e-mail address or a social profile alone or after a label:
``paul.takahashi@chron.com``, ``twitter.com/paultakahashi``, ``E-mail:
info@ascom.com``, ``Twitter: @jdoe``), newsletter and sign-up prompts
(``Subscribe to our newsletter``, ``Sign up``, ``Get the latest updates right in
your inbox.``), cookie and privacy notices, advertisement markers
(``Advertisement``, ``Story continues below``), related links and teasers
(``Related:``, ``Read more: ...``, ``On HoustonChronicle.com: ...``, ``More AP
NBA: https://...``), comment widgets (``Comments``, ``Please enable JavaScript
to view comments``), media widgets (``VIDEO``, ``Listen to this article``,
``Image 1 of 23``, and a number of up to three digits alone right above a line
the caption rules take: a gallery's picture count, ``6``), copyright lines
(``©``, ``All rights reserved``), text-table rules (``|---|---|``), social
counters (``12K shares``), and bare lines: one bullet, dash, asterisk or bar
alone (``*``, ``-``, ``•``, ``|``), or nothing visible at all (a zero-width
space), which lists and empty paragraphs leave behind (1,700 such lines in the
Track A extractor outputs, every one labelled boilerplate). The phrase
lists live in ``filters/data/boilerplate.txt``.

A header of related links ending with a colon (``More:``, ``Related stories:``) alone
between two sentences of the story, its links dropped by the extractor, is furniture too
(``boilerplate.related``), although a one-word line there is otherwise read as a
subheading (see below).

Teaser lists, read from the lines around them (``boilerplate.related_link``):

* the short teaser lines under a header such as ``You may also like...`` or
  ``More:`` (``block_markers``): up to 12 lines of at most 25 words, none a
  sentence (a title may ask or exclaim), none in lower case or ending with a colon,
  when the block closes the text (header in its last two thirds), runs into other
  page furniture, or is two to four titles of three words or more (five on average)
  with no list number and no ``term: definition`` shape, after which the story
  goes on;
* cards set apart by bare lines at the end of the text (``-``, a title, one or two
  lines of teaser, ``-``, ...): three cards or more, each a title without a final
  period and at most two more lines;
* kickers and headlines: three pairs or more in a row of a capitals-only kicker of
  up to four words (``TIME TRAVELLER``) and a headline of 3 to 25 words without a
  final period.

Islands (``boilerplate.island``): one to three short lines (at most 25 words, none
a sentence) with page furniture right above and right below them: this detector's
lines, or whole lines the caption, metadata and tag_run rules take (their verdicts
count even when those categories are switched off: they are evidence about the
lines, not edits). Bare lines and table rules are passed over, neither bound nor
part of an island: they separate the captions of a photo story as often as teaser
cards. Not islands: a line that begins in lower case or runs on into one (a
paragraph broken over lines), a line ending with a colon (it opens what follows),
a numbered item or reference (``8. Ensure ...``, ``[2] ...``), a line of five words
or more a quarter of them numbers (a schedule), and a single line of up to ten
words starting with a capital whose section opens right after the furniture below
it (``Advertisement``, a subheading, a photo credit, the section's first sentence).

Position prior: such lines gather at the top and bottom of a text. A match in
the first two or last five lines scores higher, one in the middle lower.

What it leaves alone: a one-word label in title case between two sentences of
the story, which is a subheading (``Audio``, ``Privacy``), but for the advertisement
markers (``Advert``, ``Advertisement``) and the related-links headers above; a handle
alone (``@trevorjd14`` and ``@Override``, a line of code, look the same), a label in
lower case without a colon (``contact keyserver@example.org``, a configuration file),
and a contact line next to a line in a script without capitals (a Korean story closes
with its writer's address, which the gold keeps); a number alone with no caption
right below it (a ranking number over a product name); and (prose guard) a
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
gold; a bare e-mail address or profile a page means as content, as a contact page
lists them). Teaser lists and islands take lines by their neighbours, so a related
header or a furniture line that is wrong takes its neighbours with it: a
subheading or a short list item set between two lines of furniture is the known
risk (measured on injected furniture in clean WCXB hosts: see ``make eval``).

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
    CLOSERS,
    Line,
    Verdict,
    cached,
    digit_token_share,
    first_words,
    is_prose,
    keyword_gate,
    lines_of,
    longest_words,
)
from .caption import caption_verdicts
from .metadata import metadata_verdicts
from .tag_run import tag_verdicts

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
# A gallery counter: "Image 1 of 23", "Photo 3 of 8", "Image 1 of / 9".
GALLERY_RE = re.compile(r"^(?:Image|Photo|Picture|Slide)\s+\d+\s+of\s+(?:/\s*)?\d+$", re.IGNORECASE)
GALLERY_FIRST_WORDS = frozenset({"image", "photo", "picture", "slide"})
# A numbered list item or reference: "1. ", "2) ", "[3] ".
NUMBERED_RE = re.compile(r"^(?:\d{1,3}[.)]|\[\d{1,3}\])\s")
# A term and its definition: a colon, then a word in lower case ("Copper: a metal").
DEFINITION_RE = re.compile(r":\s+[a-z]")
# "More AP NBA: https://apnews.com/NBA and https://twitter.com/AP_Sports": a label, then
# nothing but links.
MORE_LINKS_RE = re.compile(
    r"^(?i:more)(?=[\s:])[^:\n]{0,40}:(?:\s*+(?:(?i:and)\s++)?https?://\S++)++\s*$"
)
# A paragraph that opens with a handle to follow ("Follow @BGRDeals on Twitter to keep up
# with the latest deals. Prices are subject to change ..."): a prompt at any length (up to
# MAX_HANDLE_PROMPT_WORDS), where other openers give way to the prose guard.
FOLLOW_HANDLE_RE = re.compile(r"^Follow\s++@\w", re.IGNORECASE)
MAX_HANDLE_PROMPT_WORDS = 80
SITE_TEASER_FIRST_WORDS = frozenset({"on", "more", "also", "from", "read", "see"})
# A contact line: an e-mail address or a profile on a social network, alone or after a
# label ("paul.takahashi@chron.com", "twitter.com/paultakahashi", "E-mail: info@ascom.com",
# "https://www.facebook.com/chroncom"), or a handle after a label ("Twitter: @jdoe"; a
# handle alone may be a line of code, "@Override"). A label in lower case needs its colon
# ("contact keyserver@example.org" is a line of a configuration file).
_CONTACT_LABEL = (
    r"(?:(?i:e-?mail|mail|contact|twitter|instagram|facebook)\s*+:\s*+"
    r"|(?:E-?[Mm]ail|E-MAIL|EMAIL|Mail|Contact|Twitter|Instagram|Facebook)\s++)"
)
CONTACT_RE = re.compile(
    rf"^(?:{_CONTACT_LABEL}@\w{{2,30}}"
    rf"|{_CONTACT_LABEL}?(?:[\w.+\-]++@[\w\-]++(?:\.[\w\-]++)++"
    r"|(?i:(?:https?://)?(?:www\.)?(?:twitter|x|facebook|instagram|linkedin|tiktok|youtube|threads)"
    r"\.com/)[\w./@\-]*+))\.?$"
)
#: Longest contact line, in words.
MAX_CONTACT_WORDS = 5
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
#: A block inside the story (the story goes on after it) has at most this many titles.
MAX_INLINE_BLOCK_LINES = 4
#: Words of each title of such a block, and on average.
MIN_INLINE_WORDS = 3
MIN_INLINE_MEAN_WORDS = 5
#: The headers that announce links to other stories ("More:", "Related stories:", "You may
#: also like:"), normalised: such a header alone between two paragraphs of the story, its
#: links gone, is furniture (a "Trending:" or "Recommended:" line may head a section).
DANGLING_MARKERS = frozenset(
    _normal(p)
    for p in _LISTS["block_markers"]
    if p.split()[0] in {"more", "more:", "related", "you"}
)
#: Words of such a header, at most.
MAX_DANGLING_WORDS = 5
#: Words of the paragraph under such a header.
MIN_DANGLING_PROSE_WORDS = 15

#: Islands: at most this many short lines between two lines of page furniture are
#: furniture too (the teaser under a "Related" line and above a share line).
MAX_ISLAND_LINES = 3
ISLAND_SCORE = 0.7
#: Words of a line of numbers (a schedule, a table row), which is no island.
MIN_NUMBERS_LINE_WORDS = 5
#: The longest one-line island that may be a subheading (see :func:`_section_head`).
MAX_HEAD_WORDS = 10
#: Furniture too weak to bound an island: bare lines separate the captions of a photo
#: story as often as the cards of a teaser list, and a table rule sits under a table's
#: header. They are passed over, neither bound nor part of an island.
PASSED_OVER_KINDS = frozenset({"bare_line", "table_rule"})

#: Longest line (in words) for an opener, and for a phrase elsewhere in the line.
MAX_OPENER_WORDS = 40
MAX_ANYWHERE_WORDS = 20
#: A line that opens with a listed phrase is still a sentence of the story from this length,
#: for the kinds whose openers a story may use ("Sign up for the course ...", "Related to ...");
#: the other kinds' openers (follow, share, cookie, comments, copyright) are calls to action.
MIN_PROSE_OPENER_WORDS = 25
GUARDED_KINDS = frozenset({"newsletter", "related", "advertisement"})
#: A teaser list of cards set apart by bare lines: cards, and lines per card.
MIN_CARDS = 3
MAX_CARD_LINES = 3
#: A kicker over a teaser's headline ("TIME TRAVELLER"), and the headline's least words.
MAX_KICKER_WORDS = 4
MIN_KICKER_HEADLINE_WORDS = 3
#: Digits of a picture count alone on a line above a caption.
MAX_COUNT_DIGITS = 3
#: Advertisement markers, normalised: never a subheading, wherever they stand.
AD_MARKERS = frozenset({"advertisement", "advertisements", "advert", "adverts"})
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
    dangling: set[int] = set()  # headers of related links with none under them
    for i, line in enumerate(lines):
        verdict = verdicts[i]
        if verdict is None:
            continue
        if verdict[0] == "contact":
            if _beside_uncased(lines, i):
                verdicts[i] = None  # a CJK story closing with its writer's address: kept
        elif _is_block_marker(line):
            block = _teaser_block(lines, verdicts, i)
            for j in block:
                verdicts[j] = ("related_link", 0.75, f"a teaser under {line.text[:40]!r}")
            if not block and _dangling(lines, i):
                dangling.add(i)
    furniture = _furniture(doc, verdicts)
    if sum(kind is not None for kind in furniture) >= 2:
        for j, evidence in _islands(lines, furniture):
            verdicts[j] = ("island", ISLAND_SCORE, evidence)
        for j in _teaser_cards(lines, verdicts, furniture):
            verdicts[j] = ("related_link", 0.75, "a card of a teaser list closing the text")
    for j in _kicker_cards(lines, verdicts):
        verdicts[j] = ("related_link", 0.75, "a kicker and headline of a teaser list")
    for j in range(n - 1):
        if furniture[j + 1] == "caption" and verdicts[j] is None and _picture_count(lines[j]):
            verdicts[j] = ("media", 0.75, "a number alone above a caption: a picture count")
    out: list[Verdict | None] = []
    for i, verdict in enumerate(verdicts):
        if verdict is None:
            out.append(None)
            continue
        kind, base, evidence = verdict
        at_edge = i < TOP_LINES or i >= n - BOTTOM_LINES
        if not at_edge and i not in dangling and _subheading_label(lines, i):
            out.append(None)
            continue
        score = min(0.97, base + 0.05) if at_edge else base - 0.05
        out.append((f"boilerplate.{kind}", score, evidence))
    return out


def _furniture(doc: Document, verdicts: Sequence[Verdict | None]) -> list[str | None]:
    """For every line: what page furniture it is ("" for a line passed over), None when it
    is no furniture. Furniture is this detector's verdict or a whole-line verdict of the
    caption, metadata or tag_run rules (a dateline prefix does not count)."""
    out: list[str | None] = []
    lines = lines_of(doc)
    for line, own, caption, metadata, tags in zip(
        lines,
        verdicts,
        caption_verdicts(doc),
        metadata_verdicts(doc),
        tag_verdicts(doc),
        strict=True,
    ):
        if own is not None:
            out.append("" if own[0] in PASSED_OVER_KINDS else own[0].replace("_", " "))
        elif caption is not None:
            out.append("caption")
        elif metadata is not None and metadata[0] is None:
            out.append("metadata")
        elif tags is not None and tags[0] == 0 and tags[1] == len(line.text):
            out.append("tag list")
        else:
            out.append(None)
    return out


def _islands(lines: Sequence[Line], furniture: Sequence[str | None]) -> Iterator[tuple[int, str]]:
    """``(index, evidence)`` of the lines of each island: one to MAX_ISLAND_LINES short
    lines, none of them a sentence, with page furniture right above and right below (bare
    lines and table rules passed over)."""
    n = len(lines)
    before: str | None = None  # the furniture above the current run, if any
    run: list[int] = []
    for i in range(n + 1):
        kind = furniture[i] if i < n else None
        if kind == "":
            continue
        if i < n and kind is None:
            run.append(i)
            continue
        if (
            before
            and kind
            and 0 < len(run) <= MAX_ISLAND_LINES
            and _island_lines(lines, run)
            and not _section_head(lines, furniture, run, i)
        ):
            evidence = f"a short line between page furniture ({before}; {kind})"
            for j in run:
                yield j, evidence
        before, run = kind, []


def _teaser_cards(
    lines: Sequence[Line], verdicts: Sequence[Verdict | None], furniture: Sequence[str | None]
) -> list[int]:
    """Indices of the lines of a teaser list that closes the text: MIN_CARDS cards or more,
    each a title and one or two lines of teaser, set apart by bare lines ("-"), the last
    card at the end of the text (page furniture may follow it)."""
    n = len(lines)
    end = n
    while end > 0 and furniture[end - 1] is not None:
        end -= 1  # furniture closing the text
    found: list[int] = []
    cards = 0
    while True:
        start = end
        while start > 0 and furniture[start - 1] is None:
            start -= 1
        card = range(start, end)
        if not (start > 0 and _is_bare(verdicts[start - 1]) and _teaser_card(lines, card)):
            break
        found.extend(card)
        cards += 1
        end = start - 1
        while end > 0 and _is_bare(verdicts[end - 1]):
            end -= 1
    return found if cards >= MIN_CARDS else []


def _kicker_cards(lines: Sequence[Line], verdicts: Sequence[Verdict | None]) -> list[int]:
    """Indices of the lines of a teaser list of kickers and headlines ("RANDY ANDY",
    "Andrew parties in unearthed pics ...", "TIME TRAVELLER", ...): MIN_CARDS pairs or
    more in a row, none of them page furniture already."""
    found: list[int] = []
    n = len(lines)
    i = 0
    while i + 1 < n:
        j = i
        while (
            j + 1 < n
            and verdicts[j] is None
            and verdicts[j + 1] is None
            and _kicker(lines[j])
            and _kicker_headline(lines[j + 1])
        ):
            j += 2
        if (j - i) // 2 >= MIN_CARDS:
            found.extend(range(i, j))
            i = j
        else:
            i += 1
    return found


def _kicker(line: Line) -> bool:
    """A kicker: one to four words in capitals ("EYE POPPING", "‘NAÏVE AND TRUSTING’")."""
    if not 1 <= line.words <= MAX_KICKER_WORDS:
        return False
    t = line.text
    return t.isupper() and not t.rstrip(CLOSERS).endswith((".", ":"))


def _kicker_headline(line: Line) -> bool:
    """The headline under a kicker: a few words, not in capitals, no final period or
    colon."""
    t = line.text
    return (
        MIN_KICKER_HEADLINE_WORDS <= line.words <= MAX_TEASER_WORDS
        and t[:1].isupper()
        and not t.isupper()
        and not t.rstrip(CLOSERS).endswith((".", "…", ":"))
    )


def _is_bare(verdict: Verdict | None) -> bool:
    return verdict is not None and verdict[0] == "bare_line"


def _teaser_card(lines: Sequence[Line], card: range) -> bool:
    """A title (no final period) and one or two short lines of teaser."""
    if not 2 <= len(card) <= MAX_CARD_LINES:
        return False
    title = lines[card[0]]
    if title.text.rstrip(CLOSERS).endswith((".", "…")):
        return False
    return all(lines[k].words <= MAX_TEASER_WORDS and not lines[k].text.endswith(":") for k in card)


def _island_lines(lines: Sequence[Line], run: Sequence[int]) -> bool:
    """True when every line of the run is short and no sentence, none opens what follows
    (a final colon), and none is part of a paragraph broken over lines (a line that begins
    in lower case or runs on into one)."""
    for j in run:
        line = lines[j]
        if line.words > MAX_TEASER_WORDS or is_prose(line) or line.text[:1].islower():
            return False
        end = line.text.rstrip(CLOSERS)[-1:]
        if end == ":" or NUMBERED_RE.match(line.text) or _numbers_line(line):
            return False
        after = lines[j + 1].text if j + 1 < len(lines) else ""
        if after[:1].islower() and end not in ".!?":
            return False
    return True


def _numbers_line(line: Line) -> bool:
    """A line of five words or more, a quarter of them numbers: a schedule or table row
    ("October 22 12pm- 1pm SAAC 217"), not furniture."""
    return line.words >= MIN_NUMBERS_LINE_WORDS and digit_token_share(line.text) >= 0.25


def _section_head(
    lines: Sequence[Line], furniture: Sequence[str | None], run: Sequence[int], below: int
) -> bool:
    """True when a one-line island may be a subheading whose section opens after the
    furniture below it ("Advertisement", "Rebuilding the bridge", a photo credit, then the
    section's first sentence): a line of a few words in title or sentence case, and the
    first line after the furniture is a sentence of the story."""
    if len(run) != 1:
        return False
    line = lines[run[0]]
    if not (1 <= line.words <= MAX_HEAD_WORDS and line.text[:1].isupper()):
        return False
    for k in range(below, len(lines)):
        if furniture[k] is None:
            return is_prose(lines[k])
    return False


def _subheading_label(lines: Sequence[Line], i: int) -> bool:
    """A one-word label in title case between two sentences of the story: a subheading
    ("Audio", "Privacy"), not a widget ("VIDEO", "less") nor an advertisement marker
    ("Advert", "Advertisement"), which no story uses as a subheading."""
    line = lines[i]
    if line.words != 1 or not line.text[:1].isupper() or line.text.isupper():
        return False
    if _normal(line.text) in AD_MARKERS:
        return False
    before, after = lines[i - 1], lines[i + 1]
    return is_prose(after) and (is_prose(before) or before.words > 12)


def _picture_count(line: Line) -> bool:
    """A number of one to MAX_COUNT_DIGITS digits alone (the count of a gallery's pictures,
    printed over its first caption: "6")."""
    t = line.text
    return len(t) <= MAX_COUNT_DIGITS and t.isdecimal()


def _dangling(lines: Sequence[Line], i: int) -> bool:
    """A header of related links ending with a colon ("More:") alone between two sentences
    of the story: the links under it are gone (the extractor dropped them) and the story
    goes on. Such a header is no subheading (see :func:`_subheading_label`)."""
    line = lines[i]
    if not (0 < i < len(lines) - 1 and line.words <= MAX_DANGLING_WORDS and line.text[-1] == ":"):
        return False
    if _normal(line.text) not in DANGLING_MARKERS:
        return False
    return is_prose(lines[i - 1]) and is_prose(lines[i + 1], MIN_DANGLING_PROSE_WORDS)


def _beside_uncased(lines: Sequence[Line], i: int) -> bool:
    """True when a line next to ``lines[i]`` is in a script without capitals (CJK,
    hangul)."""
    return (i > 0 and lines[i - 1].uncased) or (i + 1 < len(lines) and lines[i + 1].uncased)


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
        if line.words > MAX_TEASER_WORDS or (is_prose(line) and not _asks(line)):
            break  # a sentence of the story, unless a title that asks or exclaims
        if line.text[:1].islower() or line.text.endswith(":"):
            break  # a list item or a line that opens what follows: no title
        block.append(j)
        j += 1
    if not block:
        return []
    if j == len(lines):
        return block if i * 3 >= len(lines) else []
    if verdicts[j] is not None:
        return block
    if (
        2 <= len(block) <= MAX_INLINE_BLOCK_LINES
        and is_prose(lines[j])
        and all(_inline_teaser(lines[k]) for k in block)
        and sum(lines[k].words for k in block) >= MIN_INLINE_MEAN_WORDS * len(block)
    ):
        return block  # a few titles, then the story goes on
    return []


def _inline_teaser(line: Line) -> bool:
    """A title of a teaser block inside the story ("China invites Taliban, Afghan officials
    for two-day talks"): a few words, no final punctuation, no list number, and no term
    and its definition ("Copper Pipes", "1. AST: checks that the syntax is valid",
    "Consistency and determinism: stable outputs"), which a list under a subheading has."""
    t = line.text
    return (
        line.words >= MIN_INLINE_WORDS
        and not line.terminal
        and t[:1].isalnum()
        and NUMBERED_RE.match(t) is None
        and DEFINITION_RE.search(t) is None
    )


def _asks(line: Line) -> bool:
    """Ends with a question or exclamation mark ("Who will make the Rock Hall in 2020?")."""
    return line.text.rstrip(CLOSERS).endswith(("?", "!"))


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
        if (
            line.first == "follow"
            and line.words <= MAX_HANDLE_PROMPT_WORDS
            and FOLLOW_HANDLE_RE.match(t)
        ):
            return ("follow", 0.85, "opens with a follow prompt naming a handle")
        return None
    if line.words <= MAX_LINE_PHRASE_WORDS:
        norm = _normal(t)
        kind = LINE_PHRASES.get(norm)
        if kind is not None:
            return (kind, 0.9, f"the line {norm!r}")
        if line.words >= 2 and _widget_line(line.low):
            return ("widget", 0.85, "a line of widget buttons")
        if line.first in GALLERY_FIRST_WORDS and GALLERY_RE.match(t):
            return ("media", 0.9, "a gallery counter")
        if t[:1].isdigit() and COUNTER_RE.match(t):
            return ("counter", 0.9, "a social counter")
        if line.words <= MAX_CONTACT_WORDS and ("@" in t or "/" in t) and CONTACT_RE.match(t):
            return ("contact", 0.85, "an e-mail address or a social profile alone")
    if line.first in SITE_TEASER_FIRST_WORDS and (
        SITE_TEASER_RE.match(t) or (line.link and MORE_LINKS_RE.match(t))
    ):
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
