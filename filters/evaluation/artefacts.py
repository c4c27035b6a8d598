"""Part 5, the artefacts: what each kind inserts into a host and where.

Each maker takes the :class:`~filters.evaluation.inject.Plan` of one host,
picks its material from the pools and its place with the plan's seeded random
generator, and adds one operation (a few for glued commas and tags); it
returns False when the host or the pools offer nothing for it.

Artefact kinds (category in brackets):

* ``eurlex_plain``, ``eurlex_hooked``, ``other_article`` [off_topic]: a sentence
  put after a sentence of a paragraph: an EU act sentence, the same hooked to
  the story ("In response to the <phrase from the story>, the Commission ..."),
  a sentence from another article of the same dataset;
* ``caption``, ``credit`` [caption]; ``share``, ``newsletter``, ``cookie``,
  ``related`` [boilerplate]: a Track A boilerplate line as its own line;
* ``tag_run`` [tag_run]: capitalised words of the article glued, at the end;
* ``metadata`` [metadata]: a date, byline or "Updated ..." line;
* ``headline`` [heading]: the WCXB title as the first line;
* ``glued_comma`` [missing_space]: the space after up to three commas of a
  sentence removed; each comma is a gold fix to ``", "``;
* ``foreign`` [foreign_language]: a non-English sentence after a sentence;
* ``mojibake_roundtrip`` [encoding]: a sentence's UTF-8 bytes decoded as
  cp1252 or latin-1; the gold fix is the sentence;
* ``mojibake_wild`` [encoding]: a real ftfy case on its own line, fixed to
  ftfy's expectation; ``ftfy_negative``: text that looks broken and is not, on
  its own line, recorded in :attr:`InjectedDoc.protected` (must not change);
* ``duplicate`` [duplicate]: a paragraph repeated later (the copy is the gold);
* ``markup`` [markup]: an HTML entity for a character, or a word wrapped in tags;
* ``homoglyph`` [encoding]: one or two letters of a Latin word of the host swapped for
  their Cyrillic or Greek twins (``Kyiv`` -> ``Кyiv``); the gold fix is the word;
* ``zero_width`` [encoding]: an invisible character (zero-width space, non-joiner,
  joiner, word joiner or byte-order mark) put inside a Latin word; the fix is the word.

The last two are *late* kinds (:data:`LATE_KINDS`): every document gets exactly one of
them, placed after the others with a generator of its own, so adding them left every
other artefact of a document exactly where it was.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .inject import Plan

# A comma glued-able: a letter or digit before ", " and a letter after.
COMMA_SPACE_RE = re.compile(r"(?<=[^\W_]), (?=[^\W\d_])")
# A capitalised word not at a sentence start (after a lower-case word and a space).
INNER_CAPITAL_RE = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{2,})\b")
# "the <one or two lower-case words>" noun phrases of the story, for hooks.
THE_PHRASE_RE = re.compile(r"\bthe ((?:[a-z]+ )?[a-z]{5,})\b")
# A word worth wrapping in tags.
WORD_RE = re.compile(r"\b[^\W\d_]{4,}\b")

HOOKS = (
    "In response to the {}, ",
    "Following the {}, ",
    "In view of the {}, ",
    "As regards the {}, ",
)
# Words that make "the <phrase>" no noun phrase when they occur in it.
NOT_IN_PHRASE = frozenset(
    "about after against before being between during other their there these those through "  # noqa: SIM905
    "under which while would could should where whose first second third and but or nor of to "
    "in on for with by at as from into than that this is was are were be been has have had "
    "not also most more very same such only just even".split()
)  # fmt: skip
# Capitalised words that are no topic tag.
NOT_A_TAG = frozenset(
    "The This That These Those There Then They Their Its It We You Our Your His Her And But "  # noqa: SIM905
    "For With From When What Why How Who Which While After Before Also More Most Some View "
    "Read Click Here Now New".split()
)  # fmt: skip
ENTITIES = {
    "&": "&amp;",
    "’": "&#8217;",
    "“": "&ldquo;",
    "”": "&rdquo;",
    "—": "&mdash;",
    "–": "&ndash;",
    '"': "&quot;",
    "é": "&eacute;",
}
TAGS = (("<em>", "</em>"), ("<strong>", "</strong>"), ("<b>", "</b>"), ('<a href="/news">', "</a>"))
# English month names (not calendar.month_name, which follows the locale).
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
OUTLETS = ("Reuters", "AP", "AFP", "Staff Writer", "Bloomberg")
# A Latin word of four letters or more, to disguise with look-alikes or invisibles.
LATIN_WORD_RE = re.compile(r"(?<![^\W\d_])[A-Za-z]{4,}(?![^\W\d_])")
# Latin letters and their Cyrillic (first) and Greek twins, as spammers and
# mis-keyed text use them (a small independent table, not the detector's).
TWINS = {
    "a": "а", "c": "с", "e": "е", "o": "оο", "p": "р", "x": "х", "y": "у", "i": "і",
    "A": "АΑ", "B": "ВΒ", "C": "С", "E": "ЕΕ", "H": "НΗ", "K": "КΚ", "M": "МΜ", "O": "ОΟ",
    "P": "РΡ", "T": "ТΤ", "X": "ХΧ",
}  # fmt: skip
# Invisible characters put inside a word (the zero-width space most often, as in the wild).
INVISIBLES = ("\u200b", "\u200b", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")

CATEGORY_OF = {
    "eurlex_plain": "off_topic",
    "eurlex_hooked": "off_topic",
    "other_article": "off_topic",
    "caption": "caption",
    "credit": "caption",
    "share": "boilerplate",
    "newsletter": "boilerplate",
    "cookie": "boilerplate",
    "related": "boilerplate",
    "tag_run": "tag_run",
    "metadata": "metadata",
    "headline": "heading",
    "glued_comma": "missing_space",
    "foreign": "foreign_language",
    "mojibake_roundtrip": "encoding",
    "mojibake_wild": "encoding",
    "ftfy_negative": "encoding",
    "duplicate": "duplicate",
    "markup": "markup",
    "homoglyph": "encoding",
    "zero_width": "encoding",
}
KINDS: tuple[str, ...] = tuple(CATEGORY_OF)
#: Kinds placed after the others, one per document, with their own generator.
LATE_KINDS: tuple[str, ...] = ("homoglyph", "zero_width")
BOILERPLATE_KINDS = ("caption", "credit", "share", "newsletter", "cookie", "related")


def _boilerplate(kind: str) -> Callable[[Plan], bool]:
    def put(plan: Plan) -> bool:
        lines = plan.pools.boilerplate.get(kind) or []
        where = plan.rng.choice(("inside", "inside", "end")) if kind != "caption" else "inside"
        return bool(lines) and plan.put_line(plan.rng.choice(lines), kind, where)

    return put


def _eurlex_plain(plan: Plan) -> bool:
    pool = plan.pools.eurlex
    return bool(pool) and plan.put_sentence(plan.rng.choice(pool), "eurlex_plain")


def _eurlex_hooked(plan: Plan) -> bool:
    pool = plan.pools.eurlex_clauses
    if not pool:
        return False
    phrases = [
        m.group(1)
        for m in THE_PHRASE_RE.finditer(plan.text)
        if not NOT_IN_PHRASE.intersection(m.group(1).split())
        and not m.group(1).endswith(("ly", "ed"))
    ]
    phrases = [p for p in phrases if " " in p] or phrases  # prefer "Ukrainian advance"
    places = sorted(set(INNER_CAPITAL_RE.findall(plan.text)) - NOT_A_TAG)
    if phrases:
        phrase = plan.rng.choice(phrases)
    elif places:
        phrase = "situation in " + plan.rng.choice(places)
    else:
        phrase = "latest developments"
    clause = plan.rng.choice(pool)
    if clause.startswith("The "):
        clause = "the " + clause[4:]
    sentence = plan.rng.choice(HOOKS).format(phrase) + clause
    return plan.put_sentence(sentence, "eurlex_hooked")


def _other_article(plan: Plan) -> bool:
    pool = [s for key, s in plan.pools.donors.get(plan.host.dataset, []) if key != plan.host.key]
    return bool(pool) and plan.put_sentence(plan.rng.choice(pool), "other_article")


def _foreign(plan: Plan) -> bool:
    pool = plan.pools.foreign
    return bool(pool) and plan.put_sentence(plan.rng.choice(pool), "foreign")


def _tag_run(plan: Plan) -> bool:
    counts = Counter(w for w in INNER_CAPITAL_RE.findall(plan.text) if w not in NOT_A_TAG)
    words = [w for w, _n in counts.most_common(8)]  # ties keep first-seen order
    if len(words) < 2:
        return False
    tags = plan.rng.sample(words, min(len(words), plan.rng.randint(2, 5)))
    return plan.put_line("".join(tags), "tag_run", "end")


def _metadata(plan: Plan) -> bool:
    rng = plan.rng
    y, m, d = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    hh, mm = rng.randint(1, 12), rng.randint(0, 59)
    month = MONTHS[m - 1]
    name = rng.choice(plan.pools.names or ["Jane Smith"])
    line = rng.choice(
        (
            f"date {y}-{m:02d}-{d:02d}",
            f"Published: {month} {d}, {y}",
            f"Published {d} {month} {y}, {hh:02d}:{mm:02d} GMT",
            f"By {name}",
            f"By {name}, {rng.choice(OUTLETS)}",
            f"By {name} | {month} {d}, {y}",
            f"Updated {hh:02d}:{mm:02d} {rng.choice(('AM', 'PM'))} IST",
            f"Updated: {month[:3]}. {d}, {y} {hh}:{mm:02d} {rng.choice(('a.m.', 'p.m.'))} ET",
            f"Last updated on {d} {month} {y}",
            f"Posted on {month} {d}, {y} by {name}",
        )
    )
    return plan.put_line(line, "metadata", rng.choice(("top", "top", "inside", "end")))


def _headline(plan: Plan) -> bool:
    title = " ".join((plan.host.title or "").split())
    return bool(title) and plan.put_line(title, "headline", "top")


def _glued_comma(plan: Plan) -> bool:
    spots = []
    for start, end in plan.sentences():
        commas = [m.start() for m in COMMA_SPACE_RE.finditer(plan.text, start, end)]
        if commas:
            spots.append(commas)
    if not spots:
        return False
    commas = plan.rng.choice(spots)
    chosen = sorted(plan.rng.sample(commas, min(len(commas), plan.rng.randint(1, 3))))
    done = False
    for c in chosen:
        done |= plan.add(c, c + 2, ",", [(0, 1, "glued_comma", ", ")])
    return done


def mojibake(text: str, codec: str) -> str:
    """``text``'s UTF-8 bytes read as ``codec``; cp1252 maps its five undefined bytes
    to the same code points as latin-1 (the "sloppy" decoding that real pages show)."""
    raw = text.encode("utf-8")
    if codec == "latin-1":
        return raw.decode("latin-1")
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in raw)


def _mojibake_roundtrip(plan: Plan) -> bool:
    spots = [(s, e) for s, e in plan.sentences() if any(ord(c) > 127 for c in plan.text[s:e])]
    if not spots:
        return False
    start, end = plan.rng.choice(spots)
    sentence = plan.text[start:end]
    broken = mojibake(sentence, plan.rng.choice(("cp1252", "latin-1")))
    return plan.add(start, end, broken, [(0, len(broken), "mojibake_roundtrip", sentence)])


def _mojibake_wild(plan: Plan) -> bool:
    if not plan.pools.mojibake:
        return False
    broken, fixed = plan.rng.choice(plan.pools.mojibake)
    return plan.put_line(broken, "mojibake_wild", fix=fixed)


def _ftfy_negative(plan: Plan) -> bool:
    pool = plan.pools.negatives
    return bool(pool) and plan.put_line(plan.rng.choice(pool), "ftfy_negative")


def _duplicate(plan: Plan) -> bool:
    paras = [p for p in plan.doc.paragraphs if len(plan.text[p.start : p.end].split()) >= 8]
    if not paras:
        return False
    para = plan.rng.choice(paras)
    later = [p for p in plan.doc.paragraphs if p.start >= para.start]
    pos = plan.rng.choice(later).end
    copy, sep = plan.text[para.start : para.end], plan.sep()
    return plan.add(pos, pos, sep + copy, [(len(sep), len(sep) + len(copy), "duplicate", None)])


def _markup(plan: Plan) -> bool:
    spots = plan.sentences()
    if not spots:
        return False
    start, end = plan.rng.choice(spots)
    chars = [i for i in range(start, end) if plan.text[i] in ENTITIES]
    if chars and plan.rng.random() < 0.5:
        i = plan.rng.choice(chars)
        entity = ENTITIES[plan.text[i]]
        return plan.add(i, i + 1, entity, [(0, len(entity), "markup", plan.text[i])])
    words = list(WORD_RE.finditer(plan.text, start, end))
    if not words:
        return False
    word = plan.rng.choice(words)
    open_tag, close_tag = plan.rng.choice(TAGS)
    new = open_tag + word.group() + close_tag
    close_at = len(open_tag) + len(word.group())
    arts: list[tuple[int, int, str, str | None]] = [
        (0, len(open_tag), "markup", ""),
        (close_at, len(new), "markup", ""),
    ]
    return plan.add(word.start(), word.end(), new, arts)


def _disguise(plan: Plan, kind: str, change: Callable[[str], str]) -> bool:
    """Change one Latin word of a host sentence; the gold fix is the word itself."""
    words = [
        m
        for start, end in plan.sentences()
        for m in LATIN_WORD_RE.finditer(plan.text, start, end)
        if any(c in TWINS for c in m.group()) or kind == "zero_width"
    ]
    plan.rng.shuffle(words)
    for word in words[:20]:
        new = change(word.group())
        if plan.add(word.start(), word.end(), new, [(0, len(new), kind, word.group())]):
            return True
    return False


def _homoglyph(plan: Plan) -> bool:
    def swap(word: str) -> str:
        spots = [i for i, c in enumerate(word) if c in TWINS]
        chosen = set(plan.rng.sample(spots, min(len(spots), plan.rng.choice((1, 1, 2)))))
        return "".join(plan.rng.choice(TWINS[c]) if i in chosen else c for i, c in enumerate(word))

    return _disguise(plan, "homoglyph", swap)


def _zero_width(plan: Plan) -> bool:
    def insert(word: str) -> str:
        at = plan.rng.randint(1, len(word) - 1)
        return word[:at] + plan.rng.choice(INVISIBLES) + word[at:]

    return _disguise(plan, "zero_width", insert)


MAKERS: dict[str, Callable[[Plan], bool]] = {
    "eurlex_plain": _eurlex_plain,
    "eurlex_hooked": _eurlex_hooked,
    "other_article": _other_article,
    **{kind: _boilerplate(kind) for kind in BOILERPLATE_KINDS},
    "tag_run": _tag_run,
    "metadata": _metadata,
    "headline": _headline,
    "glued_comma": _glued_comma,
    "foreign": _foreign,
    "mojibake_roundtrip": _mojibake_roundtrip,
    "mojibake_wild": _mojibake_wild,
    "ftfy_negative": _ftfy_negative,
    "duplicate": _duplicate,
    "markup": _markup,
    "homoglyph": _homoglyph,
    "zero_width": _zero_width,
}
