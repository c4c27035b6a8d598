"""tag_run: topic tags glued together or listed at the edges of the text.

What it catches: a line that is one token of three or more capitalised words
glued together (``RussiaMoscowUkraine``) among the first two or last two lines
of the text, or of two words (``BidenPutin``) as the last line; a run of three
or more glued to the end of the last sentence (``... their
homes.RussiaMoscowUkraine``) or to the start of the first
(``RussiaMoscowUkraineRussia's entire ...``), where only the run goes; and tag
lists behind a label (``Tags: Russia, Ukraine``, ``Topics: a, b, c``, ``Filed
under: Khawarij |``, ``More on: Kursk``). Tags are words of three letters or
more with one capital (``Kyiv``), as topic tags are written.

What it leaves alone: CamelCase names inside a sentence (``iPhone``,
``McDonald's``, ``YouTube``, ``PlayStation``, ``JavaScript``, ``eBay``): a
glued run must be a line (or a line edge) of its own; a CamelCase word on a
line of its own when it is a known name (``filters/data/tag_run.txt``), when a
part has fewer than three letters (``LeBron``, ``DeSantis``, ``FedEx``) or
capitals inside (``FreeTaxUSA``), and any glued word in the middle of the text
(``AnswerThePublic`` as a subheading); a label followed by a sentence
(``Topics: we cover the news this week.``).

False-positive risk: low. A two-part CamelCase name that is not in the list,
alone on the last line (a brand name as a closing line), would be taken; it
scores lower than a longer run.

Example: the last line ``RussiaMoscowUkraine`` -> one ``remove`` finding over
it, code ``tag_run.glued_tags``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..document import Document
from ..findings import Finding, make_finding
from ..registry import Context, register
from ..resources import sectioned_list
from ._lines import Line, Verdict, alternation, cached, first_words, lines_of

NAME = "tag_run_v1"

_LISTS = sectioned_list("tag_run.txt")
CAMEL_WORDS = frozenset(w.lower() for w in _LISTS["camel_words"])

# One tag of a glued run: a capitalised word of three letters or more ("Russia", "Kyiv").
SEGMENT_RE = re.compile(r"[A-Z][a-z]{2,}")
# A whole token made of two or more glued tags.
GLUED_RE = re.compile(r"(?:[A-Z][a-z]{2,}){2,}")
# A run of three or more tags glued to the end of the last sentence: "homes.RussiaMoscowUkraine".
GLUED_TAIL_RE = re.compile(r"(?<=[.!?\"”’)])(?:[A-Z][a-z]{2,}){3,}$")
# A run of three or more tags glued to the first word of the text: "RussiaMoscowUkraineRussia's".
# The first word must go on to white space and more text; that is checked once, up front
# (the word is the same whichever tag ends the run), and the tags never give letters back,
# so a long glued word costs one pass, not one per tag (or per letter).
GLUED_HEAD_RE = re.compile(r"^(?=[\w'’]*+\s++\S)(?:[A-Z][a-z]{2,}+){3,}(?=[A-Z])")
# A tag list behind a label: "Tags: a, b, c", "Filed under: X |", "Topics" alone.
TAG_LIST_RE = re.compile(r"^(?i:" + alternation(_LISTS["labels"]) + r")\s*(?::|$)\s*(?P<rest>.*)$")
# A sentence after a label, which makes the line text, not a tag list: a lower-case word,
# and sentence punctuation at the end of its line. Tried from the start of a line only,
# taking the first such word (atomic group), so the end is looked for once per line, not
# once per word.
SENTENCE_RE = re.compile(r"(?m:^)(?>[^\n]*?\b[a-z]+\b)[^\n]*+(?<=[.!?])\n?\Z")

#: First words of the tag-list labels (a gate before the label regex).
LABEL_FIRST_WORDS = first_words(_LISTS["labels"])
#: Lines from either edge of the text where a glued run counts (a two-part run: the last line).
EDGE_LINES = 2
#: Longest tag list (in words) after a label.
MAX_LIST_WORDS = 25


#: A tag run in a line: its span relative to the line start, and the verdict.
LineTags = tuple[int, int, Verdict]


@register(NAME, categories=["tag_run"])
def find_tag_runs(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Glued topic tags (``RussiaMoscowUkraine``) and tag lists (``Tags: ...``)."""
    text = doc.text
    for line, found in zip(lines_of(doc), tag_verdicts(doc), strict=True):
        if found is not None:
            start, end, (code, score, evidence) = found
            yield _finding(text, line.start + start, line.start + end, code, score, evidence)


def tag_verdicts(doc: Document) -> list[LineTags | None]:
    """The tag run of every line of the document, if any (cached)."""
    return cached(doc, NAME, _verdicts)


def _verdicts(doc: Document) -> list[LineTags | None]:
    lines = lines_of(doc)
    n = len(lines)
    out: list[LineTags | None] = []
    for line in lines:
        at_edge = line.number < EDGE_LINES or line.number >= n - EDGE_LINES
        verdict = classify_tag_line(line, at_edge, last=line.number == n - 1)
        found: LineTags | None = None
        if verdict is not None:
            found = (0, len(line.text), verdict)
        elif line.number == n - 1 and line.text[-1:].isalpha():
            match = GLUED_TAIL_RE.search(line.text)
            if match is not None and _is_tag_run(match.group()):
                found = (match.start(), len(line.text), _GLUED_TAIL)
        elif line.number == 0 and line.text[:1].isupper():
            match = GLUED_HEAD_RE.match(line.text)
            if match is not None and _is_tag_run(match.group()):
                found = (0, match.end(), _GLUED_HEAD)
        out.append(found)
    return out


_GLUED_TAIL: Verdict = ("tag_run.glued_tags", 0.9, "glued to the last sentence")
_GLUED_HEAD: Verdict = ("tag_run.glued_tags", 0.85, "glued to the first word")


def _finding(text: str, start: int, end: int, code: str, score: float, where: str) -> Finding:
    span = text[start:end]
    return make_finding(
        text,
        start,
        end,
        detector=NAME,
        category="tag_run",
        code=code,
        score=score,
        reason=f"topic tags {span[:60]!r}: {where}",
    )


def classify_tag_line(line: Line, at_edge: bool = True, last: bool = True) -> Verdict | None:
    """``(code, score, evidence)`` when the whole line is a glued run or a tag list.

    A glued run counts at the edges of the text only (``at_edge``), and a run of
    two tags only on the ``last`` line.
    """
    t = line.text
    if " " not in t and GLUED_RE.fullmatch(t):
        if at_edge and _is_tag_run(t):
            parts = len(SEGMENT_RE.findall(t))
            if parts >= 3:
                return ("tag_run.glued_tags", 0.95, f"a line of {parts} glued tags")
            if last:
                return ("tag_run.glued_tags", 0.85, "a last line of two glued tags")
        return None
    match = TAG_LIST_RE.match(t) if line.first in LABEL_FIRST_WORDS else None
    if match is not None:
        rest = match.group("rest")
        words = len(rest.split())
        if words > MAX_LIST_WORDS or (words >= 6 and SENTENCE_RE.search(rest)):
            return None
        if not rest.strip(" |,;:/"):
            return ("tag_run.tag_list", 0.75, "a tag-list label")
        return ("tag_run.tag_list", 0.9, "a labelled tag list")
    return None


def _is_tag_run(token: str) -> bool:
    """True when the glued token is tags, not one CamelCase name."""
    if token.lower() in CAMEL_WORDS or token.lower().rstrip("s") in CAMEL_WORDS:
        return False
    parts = SEGMENT_RE.findall(token)
    if len(parts) >= 3:
        return True
    return len(parts) == 2
