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
from collections.abc import Iterator
from html import unescape
from html.entities import html5

from ..document import Document
from ..findings import Finding, make_finding
from ..registry import Context, register
from ..resources import sectioned_list

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
# An attribute with a value, removed before looking for bare attribute names.
ATTR_PAIR_RE = re.compile(
    r"[A-Za-z_:@][\w:.@-]*\s*=\s*(?:\"[^\"]*\"|'[^']*'|“[^”]*”|”[^”]*”|[^\s\"'=<>`]+)"
)
# A script or style element, content and all (closing tag within 20,000 characters).
DROPPED_ELEMENT_RE = re.compile(
    r"<(?P<name>script|style)\b[^<>]{0,800}>[\s\S]{0,20000}?</(?P=name)\s*>", re.IGNORECASE
)
# An HTML comment or a DOCTYPE declaration.
COMMENT_RE = re.compile(r"<!--[\s\S]{0,5000}?-->|<!DOCTYPE[^<>]{0,200}>", re.IGNORECASE)
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
# The end of an escaped tag: "&lt;" or "<" and a tag start, then no "&gt;" or ">".
OPEN_ESCAPED_TAG_RE = re.compile(r"(?:&(?:amp;)*lt;|<)/?[A-Za-z!](?:(?!&(?:amp;)*gt;)[^<>\n])*\Z")

BOOLEAN_ATTRIBUTES = frozenset(
    (
        "hidden", "disabled", "checked", "selected", "async", "defer", "controls", "autoplay",
        "loop", "muted", "playsinline", "allowfullscreen", "itemscope", "novalidate",
        "readonly", "required", "multiple", "open", "nowrap", "download", "ismap", "reversed",
        "default", "autofocus", "inert",
    )
)  # fmt: skip
XML_SAMPLE_TAGS = 2
SCORES = {"entity": 0.95, "tag": 0.9, "script": 0.9, "comment": 0.9, "shortcode": 0.85}
ESCAPE_WINDOW = 300


@register(NAME, categories=["markup"])
def find_markup(doc: Document, ctx: Context) -> Iterator[Finding]:
    """HTML tags, entities and shortcodes left in the text, each replaced in place."""
    yield from _stable(doc.text, _find(doc.text))


def _find(text: str) -> list[Finding]:
    taken: list[tuple[int, int]] = []
    findings: list[Finding] = []
    if "<" in text and not _xml_sample(text):
        findings += _elements_and_comments(text, taken)
        findings += _tags(text, taken)
    if "&" in text:
        taken += [m.span() for m in ESCAPED_TAG_RE.finditer(text)]  # left as they are
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
        lines = {_line_of(text, _to_original(starts, f.start)) for f in again}
        kept = [f for f in findings if _line_of(text, f.start) not in lines]
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


def _to_original(starts: list[tuple[int, int]], offset: int) -> int:
    original = offset
    for orig_start, new_start in starts:
        if new_start > offset:
            break
        original = orig_start + max(0, offset - new_start)
    return original


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset)


def _free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= s or e <= start for s, e in taken)


def _elements_and_comments(text: str, taken: list[tuple[int, int]]) -> list[Finding]:
    out = []
    for match in DROPPED_ELEMENT_RE.finditer(text):
        start, end = match.span()
        taken.append((start, end))
        name = match.group("name").lower()
        out.append(_make(text, start, end, "", "script", f"a <{name}> element is code, not text"))
    for match in COMMENT_RE.finditer(text):
        start, end = match.span()
        if _free(taken, start, end):
            taken.append((start, end))
            what = "an HTML comment" if match.group().startswith("<!--") else "a DOCTYPE"
            out.append(_make(text, start, end, "", "comment", f"{what} is markup, not text"))
    return out


def _tags(text: str, taken: list[tuple[int, int]]) -> list[Finding]:
    tags = [m for m in TAG_RE.finditer(text) if _free(taken, *m.span())]
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
        taken.append((run[0].start(), run[-1].end()))
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


def _entities(text: str, taken: list[tuple[int, int]]) -> list[Finding]:
    out = []
    for match in ENTITY_RE.finditer(text):
        start, end = match.span()
        if not _free(taken, start, end):
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


def _shortcodes(text: str, taken: list[tuple[int, int]]) -> list[Finding]:
    codes = list(SHORTCODE_RE.finditer(text))
    if not codes:
        return []
    opened = {m.group("name") for m in codes if not m.group("close")}
    closed = {m.group("name") for m in codes if m.group("close")}
    out = []
    skip_until = -1
    for i, match in enumerate(codes):
        start, end = match.span()
        name = match.group("name")
        if start < skip_until or not _free(taken, start, end):
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
            closing = next(
                (m for m in codes[i + 1 :] if m.group("close") and m.group("name") == name), None
            )
            if (
                closing is not None
                and closing.start() - end <= 2000
                and _free(taken, start, closing.end())
            ):
                end = closing.end()
                skip_until = end
        taken.append((start, end))
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
