"""missing_space: a space the scraper lost between two words or after punctuation.

What it catches, one kind per reason code:

* ``comma_between_words``: a comma glued to the next word, ``destroyed,civilians`` ->
  ``destroyed, civilians``; also before an opening curly quote, ``said,“we`` ->
  ``said, “we`` (``comma_before_quote``);
* ``comma_before_year``: a year glued to the day of a date, ``August 11,2024`` ->
  ``August 11, 2024``; ``comma_after_number``: ``2023,the`` -> ``2023, the``;
* ``period_before_capital``, ``question_before_capital``, ``exclamation_before_capital``:
  a sentence end glued to the next sentence, ``away.The``, ``tariff?When``, ``now!Buy``,
  with any closing quotes or brackets kept on the left (``said.”The`` -> ``said.” The``);
* ``semicolon_between_words``: ``first;second`` -> ``first; second``;
* ``lower_before_capital``: a lower-case word glued to a capitalised one where a line or
  block boundary was lost, ``territoryThe`` -> ``territory The``, ``appearanceCzech``;
  ``title_before_opener``: a capitalised word glued to a usual sentence opener,
  ``Notice TitleThis`` -> ``Notice Title This``.

One finding per white-space token, spanning the words on both sides of each glue
(``Guevo,Kursk Oblast,Russia`` gives two findings, ``a,b,c`` one).

What it leaves alone: thousands separators and other digit groups (``121,000``), decimals,
versions (``v2.0.1``), times, initials and dotted abbreviations (``U.S.``, ``J.K.``,
``e.g.``, ``a.m.``), ``TL;DR``, HTML entities (``&amp;``), domain names and file names
(``example.com``, ``Amazon.Com``, ``report.pdf``: a period before a lower-case letter or a
domain word is never split), any token that looks like a URL, an e-mail address, a path,
markup or code (``://``, ``www.``, ``@``, ``/``, ``\\``, ``=``, ``_``, ``<``, ``>``, ``#``,
inner brackets; a bracket at either edge of a token is punctuation), a pair of single
letters (``x,y``), and tokens longer than 200 characters. The punctuation and capital
rules also skip lines that look like code (``{``, ``;`` at the end, ``=>``, ``f(x)``,
``"key":``, tags; on a long line, the stretch of 136 non-white-space characters either
side of the glue, counted so that the spaces a repair inserts do not move it), and the
lower-case/capital rule skips whole documents with two or more such lines, where camelCase
identifiers turn up in the prose (``the sameAs property``);
there a period is split only before a usual sentence opener (``os.Create`` stays). Dotted
names (``Alyio.Extensions.Http``, ``Directory.Packages.props``), a period after a
mixed-case word (``CSAdvent.Christmas``) and an ellipsis glued to words (``wait…what``, a
style) are left alone. Mixed-case names are never split: a capital after one or two
lower-case letters (``iPhone``, ``eBay``, ``McCain``, ``LeBron``, ``DeSantis``), a
capitalised word glued to a capitalised word that is no sentence opener (``YouTube``,
``PlayStation``, ``MacArthur``),
words with two or more inner capitals (``getElementById``, ``RussiaMoscowUkraine``: a tag
run is another detector's), identifier prefixes (``getName``, ``newPos``), short particles
(``signUp``, ``checkIn``), and the names listed in ``filters/data/glued_words.txt``.

False-positive risk: low for commas and sentence ends (a comma or a period between two
words with no space is almost never right in prose; the known risks are comma-separated
keyword lists, ``tag1,tag2``, where the space is harmless, CSV-like lines, scored lower when
a token glues four or more commas, and code on a line that does not look like code, such
as ``options.Level``). Higher for ``lower_before_capital`` (scored 0.75 unless the capital
word is a sentence opener): a camelCase name missing from the list (``thredUp``-like
brands) or an identifier quoted in prose in a document without code lines.

Example: ``'Houses are destroyed,civilians died.He left.'`` -> two ``replace`` findings,
``destroyed,civilians`` -> ``destroyed, civilians`` and ``died.He`` -> ``died. He``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from html.entities import html5
from itertools import pairwise

from ..document import Document
from ..findings import Finding, make_finding
from ..registry import Context, register
from ..resources import sectioned_list, word_list

NAME = "missing_space_v1"

_WORDS = sectioned_list("glued_words.txt")
KNOWN_NAMES = _WORDS["known_names"]
OPENERS = _WORDS["openers"]
PARTICLES = _WORDS["particles"]
CODE_PREFIXES = _WORDS["code_prefixes"]
DOMAIN_WORDS = _WORDS["domain_words"]
#: Openers for the sentence-end rule in documents with code: these and the splitter's
#: usual sentence starters ("It", "In", "As" included).
STOP_OPENERS = OPENERS | word_list("sentence_starters.txt")

# A comma between two letters or digits, or before an opening curly quote and a letter,
# with no space after it: the candidates. The literal comma comes first so the regex
# engine can jump from comma to comma.
GLUED_COMMA_RE = re.compile(r",(?<=[^\W_],)(?=[^\W_]|[“‘][^\W_])")
# A sentence end glued to what follows: a terminator after a letter or digit, more
# terminators, closing quotes or brackets, an optional opening quote or bracket, then a
# letter that is not a lower-case Latin or Cyrillic one (checked to be a capital in code).
# One pattern per terminator, each starting with the literal, which the regex engine
# finds far faster than a character class.
_STOP_TAIL = r"(?P<more>[.!?]*)(?P<close>[\"”’')\]]*)(?P<open>[“‘(]?)(?=[^\W\d_a-zß-öø-ÿа-я])"
GLUED_STOP_RES = tuple(
    re.compile(f"{re.escape(t)}(?<=[^\\W_]{re.escape(t)}){_STOP_TAIL}") for t in ".?!"
)
# A semicolon between two letters.
GLUED_SEMICOLON_RE = re.compile(r";(?<=[^\W\d_];)(?=[^\W\d_])")
# A capital right after two lower-case letters and before one (Latin letters, with their
# accented forms): "territoryThe", not "iPhone", "McCain" or "macOS".
LOWER_UPPER_RE = re.compile(r"[A-ZÀ-ÖØ-Þ](?<=[a-zß-öø-ÿ]{2}.)(?=[a-zß-öø-ÿ])")
# Any white space.
SPACE_RE = re.compile(r"\s")
# A line break, as the code-line check cuts lines: "\n" or "\r".
LINE_BREAK_RE = re.compile(r"[\n\r]")
# The right part of the white-space token around a position.
TOKEN_RIGHT_RE = re.compile(r"\S*")
# A token that looks like a URL, e-mail, path, markup or code: never touched.
CODE_LIKE_RE = re.compile(r"://|^www\.|[@/\\=_<>#{}\[\]|()]")
# Brackets and quotes at the edges of a token, or closing a sentence inside it
# ("them.)Enter"), which are punctuation, not code.
# Three patterns, applied in turn by :func:`_without_edge_brackets`: the opening ones, the
# closing ones (from the start of their run only, so a long run of punctuation before
# the end of a token is scanned once) and the inner ones.
OPENING_BRACKETS_RE = re.compile(r"[(\[“‘\"']+")
CLOSING_BRACKETS_RE = re.compile(r"(?<![)\]”’\"'.,;:!?])[)\]”’\"'.,;:!?]+$")
INNER_BRACKETS_RE = re.compile(r"(?<=[.!?])[)\]]")
# Code or markup inside a line: "=>", "==", "::", "f(x)", "x = 1", '"key":', a tag (of at
# most 200 characters not counting white space, so a space inserted in it by a repair does
# not change the verdict), a table cell separator. Every branch starts with a literal
# character, so the scan is fast; a line that starts with a brace or ends with ";", "{" or
# "}" is code too (see ``_looks_like_code``).
CODE_IN_LINE_RE = re.compile(
    r"=>|==|!=|&&|\|\||::|->|\+=|:="
    r"|\((?<=\w\()(?!s\)|es\))[^\s()]{0,40}\)"
    r"|=(?:(?<=\w=)|(?<=\w =))\s?[\"'\w\[{(]"
    r"|\"\w+\"\s*:"
    r"|<(?=/?[A-Za-z])(?:\s*+[^<>\s]){0,200}\s*+>"
    r"|\|(?<=\s\|)(?=\s)"
)
# A word on either side of a glue: letters, digits, apostrophes, hyphens.
WORD_CHARS_RE = re.compile(r"[\w'’\-]*")
# The word ending at a glue, searched between the token start and the glue: tried from the
# start of a run of word characters only (the look-behind), so a long run is scanned once.
WORD_CHARS_LEFT_RE = re.compile(r"(?<![\w'’\-])[\w'’\-]*\Z")
# A run of letters and digits with the periods right after them ("U.S", "v2.0", not the
# period after "?" or "!"): a chain of dotted names around a glued period.
CHAIN_RE = re.compile(r"(?:[^\W_]|(?<=[^\W_])\.)*+")
# The run of letters right after a glue.
RIGHT_LETTERS_RE = re.compile(r"[^\W\d_]+")
# An HTML entity ending at a semicolon: "&amp", "&#8217", "&#x2019".
ENTITY_LEFT_RE = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*)\Z")
# A month name (or abbreviation) and day right before "11,2024".
# The month may be glued to a lower-case word ("aaaaAugust 0,2000", "aaaßAugust 0,2000":
# the lower-case letters of LOWER_UPPER_RE): the glued-word rule splits it in the same
# pass, so the date must be repaired in that pass too (idempotence).
MONTH_DAY_RE = re.compile(
    r"(?:\b|(?<=[a-zß-öø-ÿ]))(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.? \d{1,2}\Z"
)
# A plausible year right after the comma, not followed by more digits or a digit group.
YEAR_RE = re.compile(r"(?:1[89]|20)\d\d(?![\d])(?!,\d)")
# A lower-case word of two letters or more, as in "2023,the".
LOWER_WORD_RE = re.compile(r"[^\W\d_A-Z]{2,}(?![\d])")
# "TL;DR" and the like: short capitals on both sides of a semicolon.
SHORT_CAPS_RE = re.compile(r"[A-Z]{1,3}")

LONG_CHAIN = 4
MAX_TOKEN = 200
# Non-white-space characters either side examined on a long line: about 160 characters of
# prose, where one character in six or seven is white space.
CODE_WINDOW = 136
CODE_LINES_FOR_DOCUMENT = 2


# The stretches of a line examined for code are measured in non-white-space characters,
# not in characters: a repair inserts spaces, and a stretch measured in characters would
# take in other text once a space is inserted between it and the glue, so a second run
# would see a different stretch and split what the first kept (idempotence). These match
# up to that many non-white-space characters, with the white space between them (and the
# white space at the end of the line when they reach it: "Filed under: Tag |\t"); they
# always match, and a non-white-space character left after the match means the count was
# reached. Possessive, and ending with the white space at the end, so that a run of white
# space is scanned once.
def _stretch_re(size: int) -> re.Pattern[str]:
    return re.compile(rf"(?:\s*+\S){{0,{size}}}(?:\s++\Z)?")


WINDOW_RE = _stretch_re(CODE_WINDOW)
LONG_LINE_RE = _stretch_re(2 * CODE_WINDOW)
LINE_HEAD_RE = _stretch_re(4 * CODE_WINDOW)
NON_SPACE_RE = re.compile(r"\S")

TERMINATOR_KIND = {
    ".": "period_before_capital",
    "?": "question_before_capital",
    "!": "exclamation_before_capital",
}
KIND_PHRASES = {
    "comma_between_words": "comma between words",
    "comma_before_quote": "comma before a quote",
    "comma_before_year": "comma before year",
    "comma_after_number": "comma after number",
    "period_before_capital": "sentence end before a capital",
    "question_before_capital": "question mark before a capital",
    "exclamation_before_capital": "exclamation mark before a capital",
    "semicolon_between_words": "semicolon between words",
    "lower_before_capital": "lower-case word glued to a capitalised word",
    "title_before_opener": "word glued to a sentence opener",
}


@dataclass(frozen=True, slots=True)
class Glue:
    """One missing space: ``left`` is where the left word ends (the punctuation or the
    join), ``insert`` where the space goes, ``right`` where the right word starts."""

    left: int
    insert: int
    right: int
    kind: str
    score: float
    mark: str  # the punctuation glued ("," ".", "") for the reason


class _Scan:
    """Per-document state: token bounds and code checks, computed once each."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: dict[int, tuple[int, int, bool]] = {}  # any offset's token start -> ...
        self.code_lines: dict[tuple[int, int], bool] = {}  # stretch -> looks like code
        self.long_lines: dict[int, bool] = {}  # line start -> too long to examine whole
        self._code_document: bool | None = None
        self.glues: dict[int, list[Glue]] = {}
        self.token_ends: dict[int, int] = {}
        self.stop_rights: set[int] = set()  # where the words after split sentence ends start
        self.stop_terms: set[int] = set()  # where the split sentence ends are
        self._breaks: list[int] | None = None  # offsets of "\n" and "\r", found once
        self._chain: tuple[int, int, int] = (0, 0, 0)  # the last period chain: start, end, periods
        self._long: tuple[int, int] = (0, 0)  # part of the last token found too long for prose

    def token(self, pos: int) -> tuple[int, int] | None:
        """The white-space token around ``pos`` when it is short and prose-like."""
        if self._long[0] <= pos < self._long[1]:
            return None  # in the token found too long before (glues come in order)
        text = self.text
        lo, hi = max(0, pos - MAX_TOKEN - 1), min(len(text), pos + MAX_TOKEN + 2)
        start = max(text.rfind(" ", lo, pos), text.rfind("\n", lo, pos), lo - 1) + 1
        if SPACE_RE.search(text, start, pos):  # another white space: a tab, a no-break space
            start = pos
            while start > lo and not text[start - 1].isspace():
                start -= 1
        right = TOKEN_RIGHT_RE.match(text, pos, hi)
        if right is None or start == lo > 0 or right.end() == hi < len(text):
            # A token this long is no prose: every later glue up to its end is skipped
            # without looking at the token again (a long token is scanned once, not once
            # per glue in it).
            whole = TOKEN_RIGHT_RE.match(text, pos)
            self._long = (pos, whole.end() if whole else pos)
            return None
        end = right.end()
        cached = self.tokens.get(start)
        if cached is None:
            token = text[start:end]
            ok = end - start <= MAX_TOKEN and not CODE_LIKE_RE.search(token)
            if not ok and end - start <= MAX_TOKEN:
                # Brackets and quotes at the edges are punctuation ("(Reuters,AFP"), unless
                # the line is code ("(function (d,s,id)").
                ok = not CODE_LIKE_RE.search(_without_edge_brackets(token))
                ok = ok and not self.code_line(pos)
            cached = self.tokens[start] = (start, end, ok)
        return (start, end) if cached[2] else None

    def code_line(self, pos: int) -> bool:
        """True when the line around ``pos`` (or its stretch near ``pos``) looks like code.

        A line of more than ``2 * CODE_WINDOW`` non-white-space characters is examined
        ``CODE_WINDOW`` of them either side of ``pos`` (see :data:`WINDOW_RE`), so a space
        inserted by a repair changes neither the choice nor the text examined.
        """
        text = self.text
        start, end = self.line_bounds(pos)
        if end - start > 2 * CODE_WINDOW and self._long_line(start, end):
            end = _match_end(WINDOW_RE, text, pos, end)
            start = _window_start(text, pos, start)
        cached = self.code_lines.get((start, end))
        if cached is None:
            cached = self.code_lines[(start, end)] = _looks_like_code(text[start:end])
        return cached

    def _long_line(self, line_start: int, line_end: int) -> bool:
        """True when the line holds more than ``2 * CODE_WINDOW`` non-white-space characters."""
        cached = self.long_lines.get(line_start)
        if cached is None:
            head = _match_end(LONG_LINE_RE, self.text, line_start, line_end)
            found = NON_SPACE_RE.search(self.text, head, line_end) is not None
            cached = self.long_lines[line_start] = found
        return cached

    def line_bounds(self, pos: int) -> tuple[int, int]:
        """Start and end of the line around ``pos`` (lines end at "\n" or "\r"), from the
        line breaks found once, so a long line is not searched again for every glue."""
        if self._breaks is None:
            self._breaks = [m.start() for m in LINE_BREAK_RE.finditer(self.text)]
        breaks = self._breaks
        i = bisect_left(breaks, pos)
        return (breaks[i - 1] + 1 if i else 0, breaks[i] if i < len(breaks) else len(self.text))

    def chain(self, term: int) -> tuple[int, int, int]:
        """Start, end and number of periods of the run of letters, digits and periods after
        them around the one at ``term``: the same for every period of the run, so they are
        all split or all kept.

        Computed once per run (the periods come in order, so the last run is all that is
        kept), so a long run is scanned once, not once per period in it.
        """
        start, end, periods = self._chain
        if not start <= term < end:
            text = self.text
            start = term
            while start > 0 and (
                text[start - 1].isalnum()
                or (text[start - 1] == "." and start > 1 and text[start - 2].isalnum())
            ):
                start -= 1
            right = CHAIN_RE.match(text, term + 1)
            end = right.end() if right else term + 1
            periods = text.count(".", start, end)
            self._chain = (start, end, periods)
        return self._chain

    def code_document(self) -> bool:
        """True when two or more lines of the document look like code."""
        if self._code_document is None:
            found = 0
            for line in self.text.splitlines():
                if _looks_like_code(line[: _match_end(LINE_HEAD_RE, line, 0, len(line))]):
                    found += 1
                    if found >= CODE_LINES_FOR_DOCUMENT:
                        break
            self._code_document = found >= CODE_LINES_FOR_DOCUMENT
        return self._code_document

    def add(self, token: tuple[int, int], glue: Glue) -> None:
        self.glues.setdefault(token[0], []).append(glue)
        self.token_ends[token[0]] = token[1]


@register(NAME, categories=["missing_space"])
def find_missing_spaces(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Spaces lost after commas, sentence ends and semicolons, and between glued words."""
    text = doc.text
    scan = _Scan(text)
    if "," in text:
        _comma_glues(scan)
    _stop_glues(scan)
    if ";" in text:
        _semicolon_glues(scan)
    _camel_glues(scan)
    for token_start in sorted(scan.glues):
        glues = sorted(scan.glues[token_start], key=lambda g: g.insert)
        yield _finding(text, token_start, scan.token_ends[token_start], glues)


def _comma_glues(scan: _Scan) -> None:
    text = scan.text
    for match in GLUED_COMMA_RE.finditer(text):
        comma = match.start()
        token = scan.token(comma)
        if token is None:
            continue
        glue = _classify_comma(text, comma, token[0])
        if glue is not None:
            kind, score = glue
            right = comma + 2 if text[comma + 1] in "“‘" else comma + 1
            scan.add(token, Glue(comma, comma + 1, right, kind, score, ","))


def _classify_comma(text: str, comma: int, token_start: int) -> tuple[str, float] | None:
    """The kind of glue at ``comma`` and its score, or None when it is no error."""
    before, after = text[comma - 1], text[comma + 1]
    if after in "“‘":
        if before.isalpha() and text[comma + 2].isalpha():
            return ("comma_before_quote", 0.9)
        return None
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


def _stop_glues(scan: _Scan) -> None:
    text = scan.text
    for match in _stop_candidates(scan):
        right = match.end()
        term = match.start()
        terms = text[term : match.end("more")]
        kind = TERMINATOR_KIND[terms[0]]
        word = RIGHT_LETTERS_RE.match(text, right, right + MAX_TOKEN + 1)
        if word is None or word.end() - right > MAX_TOKEN:
            continue  # a word this long makes a token too long for prose (see _Scan.token)
        right_word = _before_camel_split(word.group())  # "TheThe" -> "The", as split below
        left_start = _letters_before(text, term)
        if left_start == term:
            left_start = term
            while left_start > 0 and text[left_start - 1].isdigit():
                left_start -= 1
        left_word = _after_camel_split(text[left_start:term])  # "territoryThesaid" -> "Thesaid"
        left_start = term - len(left_word)
        if len(left_word) < 2:
            continue  # "U.S.", "J.K.", "e.g.", "a.m.The": initials and abbreviations
        if kind == "period_before_capital":
            if not _titlecase(right_word) or right_word in DOMAIN_WORDS or terms[1:]:
                continue  # "Console.WriteLine", "Amazon.Com", "U.S.A", "Ph.D", "..."
            if not left_word.isdigit() and _inner_capital(left_word):
                continue  # "CSAdvent.Christmas", "StyleCop.Analyzers": names, packages
        elif len(right_word) < 2 or not (_titlecase(right_word) or right_word.isupper()):
            continue
        elif left_word in KNOWN_NAMES:
            continue  # "Yahoo!Finance"
        token = scan.token(term)
        if token is None:
            continue
        if scan.code_line(term):
            continue
        if right_word not in STOP_OPENERS and scan.code_document():
            continue  # "the call to os.Create fails": code quoted in the prose
        score = 0.93 if kind == "period_before_capital" else 0.9
        if left_word.isdigit():
            score = 0.8  # "in 2019.The", "Figure 3.The"
        scan.add(token, Glue(term, match.end("close"), right, kind, score, terms[0]))
        scan.stop_rights.add(right)
        scan.stop_terms.add(term)


def _stop_candidates(scan: _Scan) -> Iterator[re.Match[str]]:
    """The matches of :data:`GLUED_STOP_RES` before a capital, less the periods inside a run
    of dotted names ("Alyio.Extensions.Http", "Directory.Packages.props", "v2.0.Beta"),
    which are skipped as a whole: a long run of them is looked at once."""
    text = scan.text
    for regex in GLUED_STOP_RES:
        pos = 0
        while (match := regex.search(text, pos)) is not None:
            pos = match.end()
            if not text[pos].isupper():
                continue
            if text[match.start()] == ".":
                _start, end, periods = scan.chain(match.start())
                if periods > 1:
                    pos = max(pos, end)  # every period up to ``end`` is in the same run
                    continue
            yield match


def _semicolon_glues(scan: _Scan) -> None:
    text = scan.text
    for match in GLUED_SEMICOLON_RE.finditer(text):
        semi = match.start()
        token = scan.token(semi)
        if token is None:
            continue
        piece_start = text.rfind(",", token[0], semi) + 1 or token[0]
        piece_end = text.find(",", semi, token[1])
        if ":" in text[piece_start : piece_end if piece_end != -1 else token[1]]:
            # CSS declarations, "a:b;c:d", looked for between the commas around the
            # semicolon: a comma glue split in the same pass ("AA;Aa,A:") must not hide
            # the semicolon from this pass and show it to the next
            continue
        entity = ENTITY_LEFT_RE.search(text, token[0], semi)
        if entity and (entity.group()[1] == "#" or entity.group()[1:] + ";" in html5):
            continue  # "&amp;Co", "&#8217;s": an HTML entity
        left = text[max(token[0], _letters_before(text, semi)) : semi]
        right = RIGHT_LETTERS_RE.match(text, semi + 1, token[1])
        if right is None or len(left) < 2 or len(right.group()) < 2:
            continue
        if SHORT_CAPS_RE.fullmatch(left) and SHORT_CAPS_RE.fullmatch(right.group()):
            continue  # "TL;DR"
        if scan.code_line(semi) or scan.code_document():
            continue
        scan.add(token, Glue(semi, semi + 1, semi + 1, "semicolon_between_words", 0.85, ";"))


def _camel_glues(scan: _Scan) -> None:
    text = scan.text
    for match in LOWER_UPPER_RE.finditer(text):
        cap = match.start()
        word_match = RIGHT_LETTERS_RE.match(text, cap, cap + MAX_TOKEN + 1)
        if word_match is None or word_match.end() - cap > MAX_TOKEN:
            continue  # a word this long makes a token too long for prose (see _Scan.token)
        word_start, word_end = _letters_before(text, cap), word_match.end()
        kind = _camel_kind(text[word_start:cap], word_match.group())
        if kind is None or text[word_start:word_end] in KNOWN_NAMES:
            continue
        before = text[word_start - 1] if word_start > 0 else " "
        if (before.isalnum() or before in "'’-.&") and word_start not in scan.stop_rights:
            continue  # "3Com", "O'NeillThe", "e-mailAddress", "Server.receiveHead", "&ltThe"
        if word_end < len(text) and (text[word_end].isdigit() or text[word_end] in "'’-"):
            continue  # "mp3Player", "territoryThe's", "camelCase-like"
        if _dotted_after(text, word_match) and word_end not in scan.stop_terms:
            continue  # "Reader.stream", "fooBar.baz": member access
        token = scan.token(cap)
        if token is None or scan.code_line(cap) or scan.code_document():
            continue
        score = 0.9 if word_match.group() in OPENERS else 0.75
        scan.add(token, Glue(cap, cap, cap, kind, score, ""))


def _before_camel_split(word: str) -> str:
    """``word`` up to the lower-case/capital join the camel rule would split, if any."""
    for i in range(2, len(word) - 1):
        if word[i - 1].islower() and word[i].isupper():
            if word not in KNOWN_NAMES and _camel_kind(word[:i], word[i:]) is not None:
                return word[:i]
            break
    return word


def _after_camel_split(word: str) -> str:
    """``word`` from the lower-case/capital join the camel rule would split, if any."""
    for i in range(len(word) - 2, 1, -1):
        if word[i - 1].islower() and word[i].isupper():
            if word not in KNOWN_NAMES and _camel_kind(word[:i], word[i:]) is not None:
                return word[i:]
            break
    return word


def _camel_kind(left: str, right: str) -> str | None:
    """The kind of a lower-case/capital join of the word ``left + right``, or None."""
    if not _titlecase(right) or right in PARTICLES:
        return None  # "macOS", "signUp", "getElementById" (more capitals in ``right``)
    if left.islower():
        if len(left) < 3 or left in CODE_PREFIXES:
            return None  # "iPhone", "eBay", "getName", "newPos"
        if len(left) == 3 and right not in OPENERS:
            return None  # "bedBeachbody" is rare, "srcName", "dstName" are code
        return "lower_before_capital"
    if _titlecase(left) and len(left) >= 3 and right in OPENERS:
        return "title_before_opener"  # "TitleThis", never "YouTube" or "McDonald"
    return None


def _dotted_after(text: str, word: re.Match[str]) -> bool:
    """True when the word is followed by a period and a letter ("Extensions.Http")."""
    end = word.end()
    return text[end : end + 1] == "." and text[end + 1 : end + 2].isalpha()


def _inner_capital(word: str) -> bool:
    """True when a capital follows a lower-case letter inside the word ("StyleCop")."""
    return any(a.islower() and b.isupper() for a, b in pairwise(word))


def _titlecase(word: str) -> bool:
    """A capital followed by at least one letter, all lower-case ("The", not "THE", "GetX")."""
    return len(word) >= 2 and word[0].isupper() and word[1:].islower()


def _looks_like_code(line: str) -> bool:
    """True when a line (or a stretch of one) looks like code or markup."""
    stripped = line.strip()
    if not stripped:
        return False
    return stripped[0] in "{}]" or stripped[-1] in ";{}" or bool(CODE_IN_LINE_RE.search(line))


def _without_edge_brackets(token: str) -> str:
    """The token without brackets and quotes at its edges (and closing a sentence inside
    it, "them.)Enter")."""
    opening = OPENING_BRACKETS_RE.match(token)
    rest = token[opening.end() :] if opening else token
    closing = CLOSING_BRACKETS_RE.search(rest)
    if closing is not None:
        rest = rest[: closing.start()] + rest[closing.end() :]
    return INNER_BRACKETS_RE.sub("", rest)


def _match_end(regex: re.Pattern[str], text: str, pos: int, end: int) -> int:
    """Where ``regex`` (one that matches the empty string) stops, matched at ``pos``."""
    match = regex.match(text, pos, end)
    return match.end() if match is not None else pos


def _window_start(text: str, pos: int, lo: int) -> int:
    """Start of the stretch ending at ``pos`` that holds ``CODE_WINDOW`` non-white-space
    characters, or ``lo`` when there are fewer between ``lo`` and ``pos``."""
    size = 2 * CODE_WINDOW
    while True:
        start = max(lo, pos - size)
        chunk = text[start:pos][::-1]
        end = _match_end(WINDOW_RE, chunk, 0, len(chunk))
        if NON_SPACE_RE.search(chunk, end):
            return pos - end  # that many, and more before them
        if start == lo:
            return lo
        size *= 4  # a long run of white space: look further back


def _letters_before(text: str, pos: int, limit: int = 64) -> int:
    """Start of the run of letters ending at ``pos`` (at most ``limit`` letters back)."""
    start = pos
    lo = max(0, pos - limit)
    while start > lo and text[start - 1].isalpha():
        start -= 1
    return start


def _finding(text: str, token_start: int, token_end: int, glues: list[Glue]) -> Finding:
    first, last = glues[0], glues[-1]
    left = WORD_CHARS_LEFT_RE.search(text, token_start, first.left)
    right = WORD_CHARS_RE.match(text, last.right, token_end)
    start = left.start() if left else first.left
    end = right.end() if right else last.right
    parts = []
    pos = start
    for glue in glues:
        parts.append(text[pos : glue.insert])
        parts.append(" ")
        pos = glue.insert
    parts.append(text[pos:end])
    kinds = sorted({g.kind for g in glues})
    score = min(g.score for g in glues)
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
        reason=_reason(span, glues, kinds),
        replacement="".join(parts),
    )


def _reason(span: str, glues: list[Glue], kinds: list[str]) -> str:
    phrases = ", ".join(KIND_PHRASES[k] for k in kinds)
    if all(g.mark == "," for g in glues):
        n = len(glues)
        return (
            f"no space after {n} comma{'s' if n > 1 else ''} in {span!r} ({phrases});"
            " prose puts a space there"
        )
    n = len(glues)
    return (
        f"{n} missing space{'s' if n > 1 else ''} in {span!r} ({phrases}); prose puts a space there"
    )
