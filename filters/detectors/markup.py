"""markup: HTML tags, entities and shortcodes left in the text, repaired in place.

What it catches, one reason code each, every repair a ``replace`` finding of its own:

* ``markup.entity``: a named or numeric HTML entity, replaced by its character
  (``&amp;`` -> ``&``, ``&#8217;`` -> ``’``, ``&nbsp;`` -> a no-break space); a
  double-escaped one (``&amp;quot;``) is decoded all the way in one step, so a second run
  finds nothing;
* ``markup.tag``: a tag of a known HTML (or inline SVG) element, or a run of such tags
  with only spaces between them on one line, removed: with nothing in its place for inline
  elements (``<em>very</em> good`` -> ``very good``), with a space where a block element
  would otherwise glue two words (``end.</p><p>Next`` -> ``end. Next``) and with a line
  break for ``<br>`` and ``<hr>`` between two words;
* ``markup.script``: a ``<script>`` or ``<style>`` element, content and all;
* ``markup.comment``: an HTML comment or a ``<!DOCTYPE>`` declaration;
* ``markup.shortcode``: a WordPress/BBCode shortcode tag (``[caption id="a1" width="300"]``,
  ``[/caption]``) removed, its content kept (a caption is the caption detector's); an
  embed-like shortcode (``[embed]https://...[/embed]``) goes whole.

What it leaves alone: ``<`` and ``>`` that do not make a tag of a known element: comparisons
(``a < b > c``, ``x<y``), ``<3``, titles in angle brackets (``<The Palace: Tale of Jang
Noksu>``), placeholders (``<username>``, ``<DEV>``), and e-mail addresses or links in angle
brackets (``<name@example.com>``, ``<https://example.com>``: an address is text, not
markup). Tag names that are also words (``<path>``, ``<text>``, ``<title>``) count only with
attributes, as a closing tag, or when the same element is closed in the text. Escaped tags
(``&lt;b&gt;``, also double-escaped) stay as they are: they show markup on purpose in
tutorials, and decoding them would make a tag that the next run removes. Markdown links
(``[video](https://...)``, ``[twitter][31]``); bracketed words (``[sic]``, ``[the
bacteria]``) unless they are listed shortcodes, carry ``key=value`` attributes or are
closed (``[/name]``) in the same text. Entities with no semicolon
(``&utm``, ``AT&T``), unknown names (``&foo;``) and numeric entities of no character
(``&#0;``). Documents that show XML samples (tags of elements HTML does not know, such as
``<PropertyGroup>`` or ``</feed>``, in two or more places) keep their tags; their entities
are still decoded. A repair that would leave markup behind for a second run (``<<b>b>``,
``&am<i>p;``) is dropped with the other repairs of its line, so the detector's output is
a fixed point.

False-positive risk: low for entities and for tags with attributes or closing tags; a
lone ``<b>`` or ``<i>`` written as text in a tutorial goes. The names are in
``filters/data/markup.txt``.

Example: ``'Rates rose&nbsp;5% at <b>AT&amp;T</b>.'`` -> four ``replace`` findings,
``&nbsp;`` -> a no-break space, ``<b>`` -> ``''``, ``&amp;`` -> ``'&'`` and ``</b>`` ->
``''``, giving ``'Rates rose\u00a05% at AT&T.'``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from html import unescape
from html.entities import html5

from ..document import Document
from ..findings import Finding, make_finding
from ..registry import Context, register
from ..resources import sectioned_list
from ._spans import SpanSet

NAME = "markup_v1"

_NAMES = sectioned_list("markup.txt")
INLINE = _NAMES["inline"]
WORD_LIKE = _NAMES["word_like"]
BLOCK = _NAMES["block"]
LINE_BREAK = _NAMES["line_break"]
CONTENT_DROPPED = _NAMES["content_dropped"]
ELEMENTS = INLINE | BLOCK | LINE_BREAK | CONTENT_DROPPED
SHORTCODES = _NAMES["shortcodes"]
SHORTCODES_DROPPED = _NAMES["shortcodes_dropped"]

# An entity, possibly double-escaped ("&amp;quot;"): the literal "&" first for speed.
ENTITY_RE = re.compile(
    r"&(?:amp;)*(?:#(?P<dec>[0-9]{1,7})|#[xX](?P<hex>[0-9a-fA-F]{1,6})|(?P<name>[A-Za-z][A-Za-z0-9]{1,31}));"
)
# A tag: "<", an optional "/", a name, attributes, an optional "/", ">".
TAG_RE = re.compile(
    r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)"
    r"(?P<attrs>(?:\s[^<>]{0,800}?)?)(?P<self>/?)>"
)
# Attributes as HTML writes them: name, or name=value (quoted with straight or curly
# quotes, or bare).
ATTRS_RE = re.compile(
    r"(?:\s+[A-Za-z_:@][\w:.@-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|“[^”]*”|”[^”]*”|[^\s\"'=<>`]+))?)*\s*"
)
# One attribute name without a value ("hidden", "async").
BARE_ATTR_RE = re.compile(r"(?:^|\s)([A-Za-z_:@][\w:.@-]*)(?=\s|$)")
# An attribute with a value, removed before looking for bare attribute names. It is
# tried from the start of a run of name characters only (the look-behind), the letters,
# digits, periods and hyphens before the first letter that can open a name going along
# (they hold no name, so the bare names found after the removal are the same): a long
# run is scanned once, not once per character. (A value opened by a curly quote that is
# never closed is still looked for to the end from each name; the attributes of one tag
# are at most 800 characters.)
ATTR_PAIR_RE = re.compile(
    r"(?<![\w:.@-])(?:[^\W_A-Za-z]|[.\-])*+[A-Za-z_:@][\w:.@-]*+"
    r"\s*=\s*(?:\"[^\"]*\"|'[^']*'|“[^”]*”|”[^”]*”|[^\s\"'=<>`]+)"
)
# A script or style element: its opening tag, and a closing tag of the same name within
# 20,000 characters after it (found among all the closing tags, which are found once: a
# regex looking for the closing tag after every opening tag would rescan the text after
# each of many opening tags).
DROPPED_OPEN_RE = re.compile(r"<(?P<name>script|style)\b[^<>]{0,800}>", re.IGNORECASE)
DROPPED_CLOSE_RE = re.compile(r"</(?P<name>script|style)\s*>", re.IGNORECASE)
MAX_DROPPED_CONTENT = 20000
# An HTML comment (its end "-->" within 5,000 characters, found the same way) or a
# DOCTYPE declaration.
COMMENT_START_RE = re.compile(r"<!--|<!DOCTYPE[^<>]{0,200}>", re.IGNORECASE)
MAX_COMMENT = 5000
# A shortcode tag: "[name]", "[name key=value ...]", "[/name]".
SHORTCODE_RE = re.compile(
    r"\[(?P<close>/?)(?P<name>[a-z][a-z0-9_-]{0,40})(?P<attrs>(?:\s[^\[\]\n]{0,500}?)?)\s*/?\]"
)
# "key=value" inside a shortcode.
SHORTCODE_ATTR_RE = re.compile(r"\s[\w-]+\s*=")
# An escaped tag, also double-escaped, with escaped attributes:
# "&lt;font color=&quot;red&quot;&gt;".
ESCAPED_TAG_RE = re.compile(r"&(?:amp;)*lt;/?[A-Za-z][^<>\n]{0,300}?&(?:amp;)*gt;")
# The start of a tag right after a decoded "<": "b", "/b", "!--".
TAG_START_RE = re.compile(r"/?[A-Za-z!]")
# The end of an escaped tag: "&lt;" or "<" and a tag start, then no "&gt;" or ">" (and no
# other escaped tag start: the last start decides whether there is a match at all, and the
# rest of the text is not rescanned from each of many starts).
OPEN_ESCAPED_TAG_RE = re.compile(
    r"(?:&(?:amp;)*lt;|<)/?[A-Za-z!](?:(?!&(?:amp;)*gt;|&(?:amp;)*lt;/?[A-Za-z!])[^<>\n])*\Z"
)

BOOLEAN_ATTRIBUTES = frozenset(
    (
        "hidden", "disabled", "checked", "selected", "async", "defer", "controls", "autoplay",
        "loop", "muted", "playsinline", "allowfullscreen", "itemscope", "novalidate",
        "readonly", "required", "multiple", "open", "nowrap", "download", "ismap", "reversed",
        "default", "autofocus", "inert",
    )
)  # fmt: skip
_NEWLINE_RE = re.compile(r"\n")
XML_SAMPLE_TAGS = 2
SCORES = {"entity": 0.95, "tag": 0.9, "script": 0.9, "comment": 0.9, "shortcode": 0.85}
ESCAPE_WINDOW = 300


@register(NAME, categories=["markup"])
def find_markup(doc: Document, ctx: Context) -> Iterator[Finding]:
    """HTML tags, entities and shortcodes left in the text, each replaced in place."""
    yield from _stable(doc.text, _find(doc.text))


def _find(text: str) -> list[Finding]:
    taken = SpanSet()
    findings: list[Finding] = []
    if "<" in text and not _xml_sample(text):
        findings += _elements_and_comments(text, taken)
        findings += _tags(text, taken)
    if "&" in text:
        for match in ESCAPED_TAG_RE.finditer(text):  # left as they are
            taken.add(*match.span())
        findings += _entities(text, taken)
    if "[" in text:
        findings += _shortcodes(text, taken)
    findings.sort(key=Finding.sort_key)
    return findings


def _stable(text: str, findings: list[Finding]) -> list[Finding]:
    """The findings, less those whose repair would leave markup for a second run to find
    (``[[b]]``, ``&am<i>p;``): each round drops the findings on the lines where the
    repaired text still shows markup, until none is left there, so a second run of the
    detector over its own output finds nothing."""
    while findings:
        repaired, starts = _apply(text, findings)
        again = _find(repaired)
        if not again:
            return findings
        breaks = [m.start() for m in _NEWLINE_RE.finditer(text)]
        new_starts = [new for _orig, new in starts]
        lines = {bisect_right(breaks, _to_original(starts, new_starts, f.start) - 1) for f in again}
        kept = [f for f in findings if bisect_right(breaks, f.start - 1) not in lines]
        findings = kept if len(kept) < len(findings) else []
    return findings


def _apply(text: str, findings: list[Finding]) -> tuple[str, list[tuple[int, int]]]:
    """The text with the (disjoint, sorted) findings applied, and for each a pair
    (original start, repaired start) to map offsets back."""
    parts = []
    starts = []
    pos = shift = 0
    for f in findings:
        parts.append(text[pos : f.start])
        starts.append((f.start, f.start + shift))
        parts.append(f.replacement or "")
        shift += len(f.replacement or "") - (f.end - f.start)
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts), starts


def _to_original(starts: list[tuple[int, int]], new_starts: list[int], offset: int) -> int:
    """The original offset of ``offset`` in the repaired text (``new_starts``: the repaired
    starts of ``starts``, in order)."""
    i = bisect_right(new_starts, offset) - 1  # the last repair starting at or before it
    if i < 0:
        return offset
    orig_start, new_start = starts[i]
    return orig_start + max(0, offset - new_start)


def _elements_and_comments(text: str, taken: SpanSet) -> list[Finding]:
    out = []
    for start, end, name in _dropped_elements(text):
        taken.add(start, end)
        out.append(_make(text, start, end, "", "script", f"a <{name}> element is code, not text"))
    for start, end in _comments(text):
        if taken.free(start, end):
            taken.add(start, end)
            what = "an HTML comment" if text.startswith("<!--", start) else "a DOCTYPE"
            out.append(_make(text, start, end, "", "comment", f"{what} is markup, not text"))
    return out


def _dropped_elements(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, name)`` of each script or style element, content and all: its opening
    tag, and the first closing tag of the same name after it, within
    :data:`MAX_DROPPED_CONTENT` characters."""
    closing: dict[str, tuple[list[int], list[int]]] = {}
    for match in DROPPED_CLOSE_RE.finditer(text):
        starts, ends = closing.setdefault(match.group("name").casefold(), ([], []))
        starts.append(match.start())
        ends.append(match.end())
    if not closing:
        return
    pos = 0
    for match in DROPPED_OPEN_RE.finditer(text):
        if match.start() < pos:
            continue  # inside the element found before
        name = match.group("name")
        starts, ends = closing.get(name.casefold(), ([], []))
        i = bisect_left(starts, match.end())
        if i < len(starts) and starts[i] - match.end() <= MAX_DROPPED_CONTENT:
            pos = ends[i]
            yield match.start(), pos, name.lower()


def _comments(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each HTML comment (its end within :data:`MAX_COMMENT` characters
    of its start) and DOCTYPE declaration."""
    pos = 0
    close = -2  # the first "-->" after the last comment start looked at (-1: none; -2: unknown)
    for match in COMMENT_START_RE.finditer(text):
        start = match.start()
        if start < pos:
            continue  # inside the comment found before
        if match.group() != "<!--":
            pos = match.end()
            yield start, pos  # a DOCTYPE
            continue
        if close == -2 or 0 <= close < match.end():
            close = text.find("-->", match.end())  # each stretch of the text is searched once
        if close >= 0 and close - match.end() <= MAX_COMMENT:
            pos = close + 3
            yield start, pos


def _tags(text: str, taken: SpanSet) -> list[Finding]:
    tags = [m for m in TAG_RE.finditer(text) if taken.free(*m.span())]
    if not tags:
        return []
    closed = {m.group("name").lower() for m in tags if m.group("close")}
    chosen = [m for m in tags if _is_markup(text, m, closed)]
    out = []
    i = 0
    while i < len(chosen):
        run = [chosen[i]]
        while i + 1 < len(chosen) and not text[run[-1].end() : chosen[i + 1].start()].strip(" \t"):
            i += 1
            run.append(chosen[i])
        i += 1
        out.append(_tag_finding(text, run))
        taken.add(run[0].start(), run[-1].end())
    return out


def _xml_sample(text: str) -> bool:
    """True when the text shows XML samples: tags of elements HTML does not know that read
    like XML in two places or more. Its tags, comments and scripts are then content."""
    found = 0
    for match in TAG_RE.finditer(text):
        if match.group("name").lower() not in ELEMENTS and _xml_like(match):
            found += 1
            if found >= XML_SAMPLE_TAGS:
                return True
    return False


def _xml_like(match: re.Match[str]) -> bool:
    """A tag of an element HTML does not know that reads like XML, not like a title or a
    placeholder: a closing tag, a self-closing one, or one with key=value attributes."""
    if match.group("close") or match.group("self"):
        return True
    attrs = match.group("attrs")
    return "=" in attrs and bool(ATTRS_RE.fullmatch(attrs))


def _is_markup(text: str, match: re.Match[str], closed: set[str]) -> bool:
    name = match.group("name").lower()
    if name not in ELEMENTS:
        return False
    start, end = match.span()
    if text[start - 1 : start] == "<" or text[end : end + 1] == ">":
        return False  # "<<b>b>": removing it would make a new tag
    attrs = match.group("attrs")
    if attrs.strip():
        if not ATTRS_RE.fullmatch(attrs):
            return False  # "<a href=x y='>": no attribute syntax
        bare = BARE_ATTR_RE.findall(ATTR_PAIR_RE.sub(" ", attrs))
        if any(b.lower() not in BOOLEAN_ATTRIBUTES for b in bare):
            return False  # "<a lot of fun>", "<b and c>": words, not attributes
        return not match.group("close")  # "</b class=x>" is no closing tag
    if name in WORD_LIKE:
        return bool(match.group("close") or match.group("self")) or name in closed
    return True


def _tag_finding(text: str, run: list[re.Match[str]]) -> Finding:
    start, end = run[0].start(), run[-1].end()
    names = [m.group("name").lower() for m in run]
    before = text[start - 1 : start]
    after = text[end : end + 1]
    inside_line = bool(before) and bool(after) and before not in "\r\n" and after not in "\r\n"
    if any(n in LINE_BREAK for n in names) and inside_line:
        # "a <br> b" -> "a\nb": the line break takes the spaces around it.
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        while end < len(text) and text[end] in " \t":
            end += 1
        replacement = "\n" if start > 0 and text[start - 1] not in "\r\n" else ""
        if end < len(text) and text[end] in "\r\n":
            replacement = ""
    elif (
        any(n in BLOCK or n in LINE_BREAK for n in names)
        and before
        and after
        and not before.isspace()
        and not after.isspace()
    ):
        replacement = " "
    else:
        replacement = ""
    shown = "".join(m.group() for m in run)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    what = "tag" if len(run) == 1 else f"run of {len(run)} tags"
    return _make(text, start, end, replacement, "tag", f"HTML {what} {shown!r} left in the text")


def _entities(text: str, taken: SpanSet) -> list[Finding]:
    out = []
    for match in ENTITY_RE.finditer(text):
        start, end = match.span()
        if not taken.free(start, end):
            continue
        char = _decode(match)
        if char is None:
            continue
        if char == "<" and TAG_START_RE.match(text, end):
            continue  # "&lt;b&gt;": an escaped tag, shown on purpose
        if char == ">" and OPEN_ESCAPED_TAG_RE.search(text, max(0, start - ESCAPE_WINDOW), start):
            continue  # the end of an escaped tag
        entity = match.group()
        out.append(
            _make(text, start, end, char, "entity", f"HTML entity {entity!r} stands for {char!r}")
        )
    return out


def _decode(match: re.Match[str]) -> str | None:
    """The character an entity stands for, or None for no character."""
    if match.group("name") is not None:
        key = match.group("name") + ";"
        return html5.get(key)
    code = (
        int(match.group("dec")) if match.group("dec") is not None else int(match.group("hex"), 16)
    )
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    char = unescape(f"&#{code};")
    if char == "\ufffd" and code != 0xFFFD:
        return None
    if len(char) == 1 and not char.isprintable() and char not in "\t\n\u00ad\ufeff\u200b":
        return None  # control characters are no text
    return char


def _shortcodes(text: str, taken: SpanSet) -> list[Finding]:
    codes = list(SHORTCODE_RE.finditer(text))
    if not codes:
        return []
    opened = {m.group("name") for m in codes if not m.group("close")}
    closed = {m.group("name") for m in codes if m.group("close")}
    closing: dict[str, list[int]] = {}  # name -> indices in ``codes`` of its closing tags
    for i, match in enumerate(codes):
        if match.group("close"):
            closing.setdefault(match.group("name"), []).append(i)
    out = []
    skip_until = -1
    for i, match in enumerate(codes):
        start, end = match.span()
        name = match.group("name")
        if start < skip_until or not taken.free(start, end):
            continue
        if text[end : end + 1] in ("(", "[") or text[start - 1 : start] == "!":
            continue  # a Markdown link or image: "[video](https://...)", "[twitter][31]"
        attrs = match.group("attrs")
        if match.group("close"):
            known = name in SHORTCODES or name in opened
        else:
            known = name in SHORTCODES or name in closed or bool(SHORTCODE_ATTR_RE.match(attrs))
            if attrs.strip() and not SHORTCODE_ATTR_RE.match(attrs):
                known = False  # "[the bacteria that causes it]": words, not attributes
        if not known:
            continue
        if not match.group("close") and name in SHORTCODES_DROPPED:
            after = closing.get(name, [])
            k = bisect_right(after, i)  # the first closing tag after this one
            close = codes[after[k]] if k < len(after) else None
            if close is not None and close.start() - end <= 2000 and taken.free(start, close.end()):
                end = close.end()
                skip_until = end
        taken.add(start, end)
        reason = f"shortcode {match.group()[:60]!r} left in the text"
        out.append(_make(text, start, end, "", "shortcode", reason))
    return out


def _make(text: str, start: int, end: int, replacement: str, kind: str, reason: str) -> Finding:
    return make_finding(
        text,
        start,
        end,
        detector=NAME,
        category="markup",
        code="markup." + kind,
        score=SCORES[kind],
        reason=reason,
        replacement=replacement,
    )
