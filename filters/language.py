"""The language of a document, as the report gives it, and the language tools detectors share.

:func:`identify` returns ``{"code", "probability", "source"}`` (plus ``method`` and, on a
mismatch, ``declared``) or None, and runs once per document (:attr:`Document.language`).

How a language is found, cheapest first (the first that decides wins):

1. **Too little text** (fewer than :data:`MIN_WORDS` words, or :data:`MIN_LETTERS`
   letters of a non-Latin script, in the sample): no verdict.
2. **Script**: a sample whose letters are mostly of one script that only one language
   writes (Greek, Hebrew, Hangul, Thai; Han with kana among it is Japanese) is that
   language (``method: "script"``).
3. **Stop-word profile** (Latin script): the function words of ``data/stopwords.txt``
   that belong to one language only are counted in the sample; a language holding at
   least :data:`PROFILE_SHARE` of those hits, with at least :data:`PROFILE_HITS` of them
   and :data:`PROFILE_DENSITY` of the words, is the verdict (``method: "stopwords"``;
   the probability is its share of the hits). Words are the sample's lower-cased
   white-space tokens (a stop word rarely carries punctuation), so English news passes
   here in about 50 µs.
4. **Prose lines**: when neither decides on the sample (a scraped page's top is often
   menus, link lists and markup), the script and the stop-word profile are read again
   over the text's prose lines (:func:`_prose`: lines of :data:`MIN_PROSE_WORDS` words
   or more), and langdetect reads those lines rather than the sample. Over the corpora's
   3,575 documents this decides 111 of the 170 that reached langdetect: the same
   language for 102, and the right one for 9 pages (Italian, Portuguese, Indonesian,
   Korean) where langdetect, reading a start of markup, said English.
5. **langdetect** (``method: "langdetect"``) on the first :data:`DETECT_CHARS`
   characters of the prose lines (of the sample when they are too few), for everything
   else (about 1 ms): Cyrillic, Arabic, Han or Indic text, mixed profiles, languages
   without a stop-word list, and to confirm a cheap verdict that contradicts the
   declared language.

langdetect is wrapped once here (:func:`detect_langs`): a private model in place of
langdetect's ``DetectorFactory``, with ``seed = 0`` (langdetect draws random n-gram
samples, so an unseeded factory gives different answers from run to run), its profiles
loaded in sorted file order (so the language index never depends on the file system's
listing order), built lazily under a lock, and ``LangDetectException`` ("no features in
text") turned into an empty answer. The model (:class:`_CompactProfiles`) holds
langdetect's profile numbers as a sparse matrix (about 15 MB instead of langdetect's
60 MB of lists of floats) and runs langdetect's estimation on numpy rows; its answers
are langdetect's to the last bit (the tests compare the two), about twice as fast.
The module-level ``langdetect.detect`` and its global factory are never touched.

The declared language (``--lang``) and the verdict combine as follows:

* nothing declared: ``{"code": <verdict>, "probability", "source": "detected", "method"}``,
  or None when there is no verdict;
* declared and the verdict agrees (same primary subtag, ``zh`` = ``zh-cn``) or there is no
  verdict: ``{"code": <declared>, "probability": <verdict's or None>, "source":
  "declared"}`` (with ``method`` when a verdict was made);
* declared and langdetect finds another language with probability of at least
  :data:`MISMATCH_PROBABILITY`: ``{"code": <detected>, "probability", "source":
  "detected", "method", "declared": <declared>}``. The document is reported in the
  language it is written in, never cleaned silently as the declared one: detectors that
  read :attr:`Document.language` (``foreign_language``) use the detected code, and
  :func:`is_mismatch` tells the case apart.

Cost decision: identification runs for every document by default, because the report
and the JSONL output carry the language and the foreign_language detector needs it; the
script and stop-word passes keep it far below the 1 ms budget for Latin-script text,
and langdetect only runs on documents that are not clearly in one listed language.
"""

from __future__ import annotations

import os
import re
import threading
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from .resources import sectioned_list
from .textstats import CharTable

if TYPE_CHECKING:
    import numpy as np

    from .document import Document

#: Characters the cheap passes look at: half from the start, half from the middle.
SAMPLE_CHARS = 2000
#: Characters of the text's start that langdetect reads (its cost grows with length).
DETECT_CHARS = 1000
#: Fewer words (white-space tokens) than this in a Latin-script sample: no verdict
#: (a headline or a caption says too little about a document's language).
MIN_WORDS = 20
#: Fewer letters than this in a sample of another script: no verdict.
MIN_LETTERS = 30
#: Stop-word profile: distinctive hits the winner needs ...
PROFILE_HITS = 8
#: ... its share of all distinctive hits ...
PROFILE_SHARE = 0.8
#: ... and the share of the sample's words that are its distinctive stop words (English
#: prose runs at 15 to 25 %; pages whose sample is half menu or link text fall to 5 to 8 %.
#: Over the 272 documents of the Scrapinghub and WCXB dev data that reach langdetect with
#: 0.08, 116 pass at 0.05 and langdetect names the same language for every one of them).
PROFILE_DENSITY = 0.05
#: Lines of this many words or more are prose, for the second stop-word pass.
MIN_PROSE_WORDS = 8
#: A script decides when this share of the letters is written in it.
SCRIPT_SHARE = 0.6
#: Han text with at least this share of kana among its CJK letters is Japanese.
KANA_SHARE = 0.1
#: langdetect must be this sure to override a declared language.
MISMATCH_PROBABILITY = 0.9
#: Probabilities in the report are rounded to this many digits.
PROB_DIGITS = 3

# A word: a run of letters (digits and underscores excluded), any script.
WORD_RE = re.compile(r"[^\W\d_]+")
# Letters outside the Latin blocks (Greek and up, but not general punctuation or symbols).
NON_LATIN_LETTERS = CharTable(
    [
        (0x370, 0x1DFF),
        (0x1F00, 0x1FFF),
        (0x2C00, 0x2DFF),
        (0x2E80, 0x9FFF),
        (0xA000, 0xD7FF),
        (0xF900, 0xFAFF),
        (0xFB50, 0xFDFF),
        (0xFE70, 0xFEFC),
        (0xFF66, 0xFFDC),
        (0x20000, 0x2FFFF),
    ]
)
NON_LATIN_LETTER_RE = re.compile(NON_LATIN_LETTERS.pattern)

#: (first code point, script) in ascending order; a code point belongs to the last
#: range that starts at or below it. Only letters are ever looked up.
_SCRIPT_STARTS: tuple[tuple[int, str], ...] = (
    (0x0000, "latin"),
    (0x0370, "greek"),
    (0x0400, "cyrillic"),
    (0x0530, "armenian"),
    (0x0590, "hebrew"),
    (0x0600, "arabic"),
    (0x0900, "indic"),
    (0x0E00, "thai"),
    (0x0E80, "other"),
    (0x10A0, "georgian"),
    (0x1100, "hangul"),
    (0x1200, "other"),
    (0x1E00, "latin"),
    (0x1F00, "greek"),
    (0x2000, "other"),
    (0x2E80, "han"),
    (0x3040, "kana"),
    (0x3100, "han"),
    (0x3130, "hangul"),
    (0x3190, "han"),
    (0x31F0, "kana"),
    (0x3200, "han"),
    (0xA000, "other"),
    (0xAC00, "hangul"),
    (0xD7B0, "other"),
    (0xF900, "han"),
    (0xFB00, "latin"),
    (0xFB1D, "hebrew"),
    (0xFB50, "arabic"),
    (0xFE00, "other"),
    (0xFE70, "arabic"),
    (0xFF00, "latin"),
    (0xFF66, "kana"),
    (0xFFA0, "hangul"),
    (0xFFE0, "other"),
    (0x20000, "han"),
    (0x30000, "other"),
)
_SCRIPT_KEYS = [start for start, _script in _SCRIPT_STARTS]
#: Scripts that one language writes (among langdetect's languages).
SCRIPT_LANGUAGE = {"greek": "el", "hebrew": "he", "hangul": "ko", "kana": "ja", "thai": "th"}
#: Scripts of the CJK family: a sentence in them is judged by characters, not words.
CJK_SCRIPTS = frozenset({"han", "kana", "hangul"})


class Guess(NamedTuple):
    """A language verdict: langdetect's code, how sure, and which pass decided."""

    code: str
    probability: float
    method: str


def script_of(char: str) -> str:
    """The script of one letter: ``latin``, ``greek``, ``cyrillic``, ``han``, ``kana`` ..."""
    return _SCRIPT_STARTS[bisect_right(_SCRIPT_KEYS, ord(char)) - 1][1]


def script_counts(text: str) -> Counter[str]:
    """Letters of ``text`` by script (ASCII text is counted in one step)."""
    if text.isascii():
        return Counter({"latin": sum(map(len, WORD_RE.findall(text)))})
    counts: Counter[str] = Counter()
    for word in WORD_RE.findall(text):
        if word.isascii():
            counts["latin"] += len(word)
        else:
            counts.update(map(script_of, word))
    return counts


def dominant_script(counts: Counter[str]) -> tuple[str, float]:
    """The script with most letters and its share, or ``("none", 0.0)``."""
    total = sum(counts.values())
    if not total:
        return "none", 0.0
    script, n = counts.most_common(1)[0]
    return script, n / total


# --- stop words --------------------------------------------------------------------------


@cache
def stopwords() -> dict[str, frozenset[str]]:
    """Function words by language code (``data/stopwords.txt``)."""
    return sectioned_list("stopwords.txt")


@cache
def distinctive() -> dict[str, str]:
    """Stop words that belong to exactly one language, mapped to that language."""
    owners: dict[str, list[str]] = {}
    for lang, words in sorted(stopwords().items()):
        for word in words:
            owners.setdefault(word, []).append(lang)
    # Single ASCII letters ("s" of "U.S.", "u") are initials as often as words.
    return {
        word: langs[0]
        for word, langs in owners.items()
        if len(langs) == 1 and (len(word) > 1 or not word.isascii())
    }


def stopword_hits(words: Iterable[str]) -> Counter[str]:
    """Distinctive stop words among lower-cased ``words``, counted by language."""
    return Counter(filter(None, map(distinctive().get, words)))


def primary(code: str) -> str:
    """The primary subtag of a language code: ``zh-cn`` -> ``zh``, ``en_US`` -> ``en``."""
    return code.replace("_", "-").split("-", 1)[0].lower()


def same_language(a: str, b: str) -> bool:
    return primary(a) == primary(b)


# --- langdetect, wrapped once ------------------------------------------------------------

_FACTORY: Any = None
_FACTORY_LOCK = threading.Lock()


def _factory() -> Any:
    """The private, seeded, compact langdetect model (built on first use)."""
    global _FACTORY
    if _FACTORY is None:
        with _FACTORY_LOCK:
            if _FACTORY is None:
                _FACTORY = _CompactProfiles.load()
    return _FACTORY


def detect_langs(text: str, max_chars: int = DETECT_CHARS) -> list[tuple[str, float]]:
    """langdetect's ``(code, probability)`` list for the first ``max_chars`` characters,
    most probable first; empty when the text has no features (no letters)."""
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory().create()
    detector.append(text[:max_chars])
    try:
        found = detector.get_probabilities()
    except LangDetectException:
        return []
    return [(lang.lang, lang.prob) for lang in found]


class _CompactProfiles:
    """langdetect's profiles, held compactly, in place of its ``DetectorFactory``.

    langdetect keeps, for each of its 87,598 n-grams, a list of 55 floats (one per
    language, 98 % of them zero): about 60 MB of RSS per process. Here each n-gram maps
    to a row of a sparse matrix (the languages whose profile has it, and its
    probability there, as numpy arrays): about 15 MB. The numbers are langdetect's own,
    computed as ``DetectorFactory.add_profile`` computes them from the same files, and
    :class:`_CompactDetector` runs langdetect's estimation on them with the same
    arithmetic in the same order, so every probability is bit for bit langdetect's (the
    tests compare the two).
    """

    def __init__(
        self,
        langlist: list[str],
        rows: dict[str, int],
        starts: np.ndarray,
        langs: np.ndarray,
        probs: np.ndarray,
    ) -> None:
        #: What ``langdetect.detector.Detector`` reads from its factory: n-gram -> row
        #: (only membership is checked outside this module), languages, seed.
        self.word_lang_prob_map = rows
        self.langlist = langlist
        self.seed = 0
        self.starts = starts
        self.langs = langs
        self.probs = probs

    @classmethod
    def load(cls) -> _CompactProfiles:
        """langdetect's shipped profiles, in sorted file order (so the language index never
        depends on the file system's listing order)."""
        import json

        import numpy as np
        from langdetect.detector_factory import PROFILES_DIRECTORY

        names = sorted(
            name
            for name in os.listdir(PROFILES_DIRECTORY)
            if not name.startswith(".") and os.path.isfile(os.path.join(PROFILES_DIRECTORY, name))
        )
        langlist: list[str] = []
        rows: dict[str, int] = {}
        # Flat arrays, not lists of Python ints and floats: the build's peak stays small.
        entry_rows, entry_langs, entry_probs = array("q"), array("B"), array("d")
        for index, name in enumerate(names):
            with open(os.path.join(PROFILES_DIRECTORY, name), encoding="utf-8") as handle:
                profile = json.load(handle)
            lang = profile["name"]
            if lang in langlist:
                raise ValueError(f"langdetect profile {name}: language {lang!r} twice")
            langlist.append(lang)
            n_words = profile["n_words"]
            for word, count in profile["freq"].items():
                length = len(word)
                # Only n-grams of 1 to 3 characters are ever looked up (NGram.N_GRAM).
                if 1 <= length <= 3:
                    row = rows.setdefault(word, len(rows))
                    prob = 1.0 * count / n_words[length - 1]  # as DetectorFactory.add_profile
                    if prob:
                        entry_rows.append(row)
                        entry_langs.append(index)
                        entry_probs.append(prob)
        row_of = np.frombuffer(entry_rows, dtype=np.int64)
        order = np.argsort(row_of, kind="stable")
        starts = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(np.bincount(row_of, minlength=len(rows)), out=starts[1:])
        langs = np.frombuffer(entry_langs, dtype=np.uint8)[order]
        probs = np.frombuffer(entry_probs, dtype=np.float64)[order]
        return cls(langlist, rows, starts, langs, probs)

    def create(self) -> Any:
        return _detector_class()(self)

    def dense(self, words: list[str]) -> Any:
        """The probabilities of ``words`` (n-grams), one numpy row of all languages
        each, as langdetect holds them."""
        import numpy as np

        rows = np.fromiter(map(self.word_lang_prob_map.__getitem__, words), np.int64, len(words))
        first, counts = self.starts[rows], self.starts[rows + 1] - self.starts[rows]
        owner = np.repeat(np.arange(len(words)), counts)
        entry = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts - first, counts)
        table = np.zeros((len(words), len(self.langlist)))
        table[owner, self.langs[entry]] = self.probs[entry]
        return table


#: langdetect's ``NGram.normalize`` of each character met so far ...
_NORMALIZED: dict[str, str] = {}
#: ... up to this many characters (then the memo starts again empty).
NORMALIZED_MEMO = 20_000


@cache
def _detector_class() -> Any:
    """:class:`langdetect.detector.Detector` with its estimation run on the compact
    profiles (defined on first use: langdetect is imported only when needed)."""
    from langdetect.detector import Detector
    from langdetect.lang_detect_exception import ErrorCode, LangDetectException
    from langdetect.utils.ngram import NGram

    class _CompactDetector(Detector):
        """langdetect's ``Detector._detect_block`` on :class:`_CompactProfiles`.

        Text cleaning, n-gram extraction, the seeded random draws and the final sort
        are langdetect's own code. The estimation runs on numpy rows of the text's
        n-grams (zeros where langdetect's lists hold zeros): ``prob *= weight + row``
        (``weight + row`` computed for all rows once per trial: the weight is the
        trial's) and ``prob / total`` are the same IEEE operations, element by element, as
        langdetect's loops over Python floats, and the normalising total is the
        built-in ``sum`` over the list, in langdetect's order.
        """

        def __init__(self, model: _CompactProfiles) -> None:
            super().__init__(model)
            self.model = model

        def _extract_ngrams(self) -> list[str]:
            """langdetect's ``_extract_ngrams`` (its ``NGram`` buffer, inlined), with
            ``NGram.normalize`` memoised per character."""
            known = self.word_lang_prob_map
            result = []
            grams, capital = " ", False
            for raw in self.text:
                ch = _NORMALIZED.get(raw)
                if ch is None:
                    if len(_NORMALIZED) >= NORMALIZED_MEMO:
                        _NORMALIZED.clear()
                    ch = _NORMALIZED.setdefault(raw, NGram.normalize(raw))
                last = grams[-1]
                if last == " ":
                    grams, capital = " ", False
                    if ch == " ":
                        continue  # the buffer holds " ": no n-gram
                elif len(grams) >= 3:
                    grams = grams[1:]
                grams += ch
                if ch.isupper():
                    if last.isupper():
                        capital = True
                else:
                    capital = False
                if capital:
                    continue
                if ch != " " and ch in known:
                    result.append(ch)
                if len(grams) >= 2:
                    w = grams[-2:]
                    if w in known:
                        result.append(w)
                    if len(grams) == 3 and grams in known:
                        result.append(grams)
            return result

        def _detect_block(self) -> None:
            import numpy as np

            self.cleaning_text()
            ngrams = self._extract_ngrams()
            if not ngrams:
                raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
            local = {word: j for j, word in enumerate(dict.fromkeys(ngrams))}
            # random.choice draws an index from the list's length only, so choosing from
            # the local rows draws exactly what choosing from the n-grams would.
            picks = [local[word] for word in ngrams]
            table = self.model.dense(list(local))
            n_langs = len(self.langlist)
            langprob = np.zeros(n_langs)
            rnd = self.random
            rnd.seed(self.seed)
            conv, limit = self.CONV_THRESHOLD, self.ITERATION_LIMIT
            for _trial in range(self.n_trial):
                prob = np.full(n_langs, 1.0 / n_langs)
                alpha = self.alpha + rnd.gauss(0.0, 1.0) * self.ALPHA_WIDTH
                factors = (alpha / self.BASE_FREQ) + table  # langdetect's weight + p, per row
                i = 0
                while True:
                    prob *= factors[rnd.choice(picks)]
                    if i % 5 == 0:
                        values = prob.tolist()
                        total = sum(values)
                        if not total:
                            raise ZeroDivisionError("float division by zero")  # as langdetect
                        prob /= total
                        # max(prob) after the division, from the list: dividing by one
                        # positive number keeps the order, and rounding is monotonic.
                        if max(values) / total > conv or i >= limit:
                            break
                    i += 1
                langprob += prob / self.n_trial
            self.langprob = langprob.tolist()

    return _CompactDetector


def _langdetect_guess(text: str) -> Guess | None:
    found = detect_langs(text)
    if not found:
        return None
    code, prob = found[0]
    return Guess(code, round(prob, PROB_DIGITS), "langdetect")


# --- the document's language -------------------------------------------------------------


def _sample(text: str) -> str:
    """The text's start and middle, :data:`SAMPLE_CHARS` in all (menus and headlines at
    the top of a scraped page are often in another language than the article)."""
    if len(text) <= SAMPLE_CHARS:
        return text
    half = SAMPLE_CHARS // 2
    middle = len(text) // 2
    return text[:half] + "\n" + text[middle - half // 2 : middle + half // 2]


def detect_language(text: str) -> Guess | None:
    """The cheapest conclusive verdict on ``text`` (see the module docstring), or None."""
    sample = _sample(text)
    guess = _cheap_guess(sample)
    if guess is None:  # enough text, no cheap verdict: the page's prose lines, then langdetect
        prose = _prose(text)
        if prose:
            in_prose = _cheap_guess(prose)
            if in_prose is None:
                return _langdetect_guess(prose)
            if in_prose is not _TOO_LITTLE:
                return in_prose
        return _langdetect_guess(sample)
    return None if guess is _TOO_LITTLE else guess


#: :func:`_cheap_guess`'s answer for a text too short to judge.
_TOO_LITTLE = Guess("", 0.0, "too little")


def _cheap_guess(sample: str) -> Guess | None:
    """The script's or the stop-word profile's verdict on ``sample``; :data:`_TOO_LITTLE`
    when it has too few words (letters of a non-Latin script); None when they do not
    decide."""
    if not sample.isascii() and NON_LATIN_LETTER_RE.search(sample):
        counts = script_counts(sample)
        script, share = dominant_script(counts)
        if script != "latin":
            if sum(counts.values()) < MIN_LETTERS:
                return _TOO_LITTLE
            if script == "han" and counts["kana"] >= KANA_SHARE * (counts["han"] + counts["kana"]):
                script, share = "kana", (counts["han"] + counts["kana"]) / sum(counts.values())
            if script in SCRIPT_LANGUAGE and share >= SCRIPT_SHARE:
                return Guess(SCRIPT_LANGUAGE[script], round(share, PROB_DIGITS), "script")
            return None
    words = sample.lower().split()
    if len(words) < MIN_WORDS:
        return _TOO_LITTLE
    return _stopword_guess(words)


def _stopword_guess(words: list[str]) -> Guess | None:
    """The stop-word profile's verdict on lower-cased ``words``, or None."""
    hits = stopword_hits(words)
    if hits:
        best, n = hits.most_common(1)[0]
        share = n / sum(hits.values())
        if n >= PROFILE_HITS and share >= PROFILE_SHARE and n >= PROFILE_DENSITY * len(words):
            return Guess(best, round(share, PROB_DIGITS), "stopwords")
    return None


def _prose(text: str) -> str:
    """The text's lines of :data:`MIN_PROSE_WORDS` words or more, in order, until they
    hold :data:`SAMPLE_CHARS` characters: the article's sentences without the menus,
    link lists and markup lines around them."""
    kept: list[str] = []
    size = 0
    shortest = 2 * MIN_PROSE_WORDS - 1  # a letter each, a space between
    for line in text.splitlines():
        if len(line) >= shortest and len(line.split()) >= MIN_PROSE_WORDS:
            kept.append(line)
            size += len(line)
            if size >= SAMPLE_CHARS:
                break
    return "\n".join(kept)


def describe(guess: Guess | None, declared: str | None) -> dict[str, Any] | None:
    """The report's language object for a verdict and a declared language."""
    if declared is None:
        if guess is None:
            return None
        return {
            "code": guess.code,
            "probability": guess.probability,
            "source": "detected",
            "method": guess.method,
        }
    if guess is None:
        return {"code": declared, "probability": None, "source": "declared"}
    if same_language(guess.code, declared):
        return {
            "code": declared,
            "probability": guess.probability,
            "source": "declared",
            "method": guess.method,
        }
    if guess.method == "langdetect" and guess.probability >= MISMATCH_PROBABILITY:
        return {
            "code": guess.code,
            "probability": guess.probability,
            "source": "detected",
            "method": guess.method,
            "declared": declared,
        }
    return {"code": declared, "probability": None, "source": "declared", "method": guess.method}


def identify_text(text: str, declared: str | None = None) -> dict[str, Any] | None:
    """:func:`identify` for a bare text."""
    guess = detect_language(text)
    if (
        declared is not None
        and guess is not None
        and guess.method != "langdetect"
        and not same_language(guess.code, declared)
    ):
        # confirm before contradicting, on the page's prose lines when it has some (the
        # sample may be the site's menus, in another language than the article)
        guess = _langdetect_guess(_prose(text) or _sample(text))
    return describe(guess, declared)


def identify(doc: Document) -> dict[str, Any] | None:
    """``{"code", "probability", "source"}`` (and ``method``, ``declared``) or None."""
    return identify_text(doc.text, doc.lang)


def is_mismatch(language: dict[str, Any] | None) -> bool:
    """True when the document is written in another language than the declared one."""
    return language is not None and language.get("declared") is not None


def document_language(doc: Document) -> str | None:
    """The code detectors should treat as the document's language, or None if unknown."""
    language = doc.language
    if language and language.get("code"):
        return str(language["code"])
    return None
