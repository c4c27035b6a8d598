"""The foreign_language detector: case file, abstentions, counters, the seeds."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import numpy as np
import pytest
from casefiles import case_id, known_failures, load_cases
from hypothesis import example, given, settings
from hypothesis import strategies as st

from filters import Pipeline, Settings, language
from filters.detectors import foreign_language
from filters.detectors.foreign_language import NAME, find_foreign_sentences
from filters.document import Document
from filters.findings import Finding
from filters.registry import Context
from filters.segment import Span

CASES = load_cases("foreign_language")
HOST_BEFORE = (
    "The council met on Monday and voted to keep the library open for another year. "
    "Officials said that the decision was taken after a long debate about the budget."
)
HOST_AFTER = (
    "Residents who had protested outside the building welcomed the vote, but some of them "
    "said they were still worried about the cost.\n\n"
    "The mayor is expected to sign the budget this week, and the library will stay open "
    "until the end of the year, a spokesman for the city said."
)


def article(sentence: str) -> str:
    return f"{HOST_BEFORE} {sentence} {HOST_AFTER}"


def detect(text: str, lang: str | None = None) -> tuple[list[Finding], Context]:
    ctx = Context(Settings(lang=lang))
    return list(find_foreign_sentences(Document(text, lang=lang), ctx)), ctx


@pytest.mark.parametrize("case", CASES["positives"], ids=case_id)
def test_foreign_language_positive(case: dict[str, str]) -> None:
    text = article(case["sentence"])
    findings, _ctx = detect(text)
    assert [(f.text, f.code) for f in findings] == [(case["sentence"], case["code"])]
    (finding,) = findings
    assert finding.detector == NAME and finding.category == "foreign_language"
    assert finding.action == "flag" and finding.replacement is None
    assert text[finding.start : finding.end] == finding.text
    assert 0.5 <= finding.score <= 1.0
    assert "langdetect p=" in finding.reason


@pytest.mark.parametrize("case", CASES["negatives"], ids=case_id)
def test_foreign_language_negative(case: dict[str, str]) -> None:
    findings, _ctx = detect(article(case["sentence"]))
    assert findings == []


@pytest.mark.parametrize("case", known_failures(CASES))
def test_foreign_language_known_failure(case: dict[str, str]) -> None:
    findings, _ctx = detect(article(case["sentence"]))
    assert [f.text for f in findings] == [case["sentence"]]


def test_foreign_language_flag_by_default_and_counted() -> None:
    sentence = CASES["positives"][0]["sentence"]
    result = Pipeline(Settings(only=("foreign_language",))).run(
        article(sentence) + "\n\nShort line."
    )
    assert result.cleaned == result.original
    assert [(f.status, f.action) for f in result.findings] == [("flagged", "flag")]
    counters = result.stats["counters"]
    assert counters["foreign_language.langdetect"] == counters["foreign_language.candidates"] == 1
    assert counters["foreign_language.abstained_short"] == 1  # "Short line."


def test_foreign_language_short_sentences_abstain_never_flag() -> None:
    text = HOST_BEFORE + " Guten Tag, wie geht's? Danke sehr. " + HOST_AFTER
    findings, ctx = detect(text)
    assert findings == []
    assert ctx.counters["foreign_language.abstained_short"] == 2
    assert "foreign_language.langdetect" not in ctx.counters


def test_foreign_language_english_sentences_in_german_document() -> None:
    german = (
        "Der Stadtrat hat am Montag beschlossen, die Bibliothek für ein weiteres Jahr offen zu "
        "halten. Die Entscheidung sei nach einer langen Debatte über den Haushalt gefallen, und "
        "der Bürgermeister werde sie noch in dieser Woche unterschreiben. "
        "The library will stay open until the end of the year, a spokesman for the city said. "
        "Viele Bürger hatten vor dem Rathaus gegen die Schließung protestiert."
    )
    findings, _ctx = detect(german)
    assert [f.text for f in findings] == [
        "The library will stay open until the end of the year, a spokesman for the city said."
    ]


def test_foreign_language_unknown_document_language_is_counted() -> None:
    findings, ctx = detect("12345 67890.")
    assert findings == []
    assert ctx.counters["foreign_language.no_document_language"] == 1


def test_foreign_language_deterministic() -> None:
    text = article(CASES["positives"][0]["sentence"])
    assert detect(text)[0] == detect(text)[0]


@pytest.mark.parametrize(
    "seed",
    [
        "000_7183ab27b20fb729",
        "001_7873f5e771425f2f",
        "002_d1d18d4b5a408889",
        "003_72a3d6b2ed4d73be",
        "004_2aa36577309240e0",
    ],
)
def test_foreign_language_nothing_in_seeds(seed: str, read_seed: Callable[[str], str]) -> None:
    findings, _ctx = detect(read_seed(seed))
    assert findings == []


# --- whole-document shortcuts ----------------------------------------------------------------


def test_foreign_language_same_with_and_without_the_gate() -> None:
    """The case files, and documents in the Latin script with sentences in another
    script, give the same findings and counters with :func:`_possible_candidates` as
    with every sentence judged."""
    texts = [article(case["sentence"]) for case in CASES["positives"] + CASES["negatives"]] + [
        article("Η κυβέρνηση ΑΠΟΦΑΣΙΣΕ νέες κυρώσεις κατά της Ρωσίας τη Δευτέρα το ΠΡΩΙ."),
        article("İstanbul’da belediye başkanı pazartesi günü yeni bir karar açıkladı."),
        article("Москва. Der Rat hat am Montag für die Bibliothek gestimmt, sagte er."),
        article("市议会周一投票决定让图书馆再开放一年。"),
    ]
    assert_gate_changes_nothing(texts)


def assert_gate_changes_nothing(texts: list[str]) -> None:
    gated = [detect(t) for t in texts]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(foreign_language, "_possible_candidates", lambda doc, *_: doc.sentences)
        every = [detect(t) for t in texts]
    assert [(f, c.counters) for f, c in gated] == [(f, c.counters) for f, c in every]


def test_foreign_language_function_words_are_in_lower_case() -> None:
    """The gate finds the function words of other languages as written, which is their
    lower case only if every one of them is in lower case (and keeps it)."""
    for lang in language.stopwords():
        words = foreign_language._foreign_words(lang)
        assert words and all(word.islower() and word == word.lower() for word in words), lang


def possible_candidates(doc: Document) -> list[Span]:
    """:func:`_possible_candidates` of an English document."""
    non_latin = np.flatnonzero(doc.text_index.flags(language.NON_LATIN_LETTERS))
    own = language.stopwords()["en"]
    return foreign_language._possible_candidates(doc, non_latin, own, "en", Counter())


# Words that make candidates (function words of other languages, letters English does
# not use) or not, the glues between them, and the ends of sentences.
GATE_WORDS = [
    *["the", "council", "voted", "most", "go", "X", "a", "U.S."],  # English
    *["die", "und", "der", "est", "la", "los", "une", "pour"],  # function words of others
    *["Die", "UND", "Est", "Los"],  # ... not in lower case
    *["naïve", "café", "Zürich", "São", "Straße"],  # marked letters
    *["Москва", "города", "東京都"],  # other scripts
]
GATE_GLUES = [" "] * 6 + [", ", ".", "\n", "。"]
GATE_ENDS = [". ", "? ", "\n", "\n\n", "! "]


@settings(max_examples=300, derandomize=True)
@given(
    st.lists(
        st.tuples(
            st.lists(
                st.tuples(st.sampled_from(GATE_WORDS), st.sampled_from(GATE_GLUES)), max_size=9
            ),
            st.sampled_from(GATE_ENDS),
        ),
        max_size=6,
    )
)
@example([([("council", " "), ("die", " "), ("und", " "), ("voted", " "), ("council", "")], ". ")])
@example([([("council", " "), ("café", " "), ("naïve", " "), ("voted", " "), ("the", "")], ". ")])
def test_foreign_language_sentence_gate_changes_nothing(
    sentences: list[tuple[list[tuple[str, str]], str]],
) -> None:
    """:func:`_possible_candidates` passes on every sentence that may be a candidate and
    counts the same abstentions: the findings and counters are those of judging every
    sentence."""
    middle = "".join(
        ("".join(word + glue for word, glue in words).strip() + end).capitalize()
        for words, end in sentences
    )
    assert_gate_changes_nothing([f"{HOST_BEFORE} {middle}{HOST_AFTER}"])


KOREAN_ARTICLE = (
    "서울시 의회는 월요일 도서관을 일 년 더 열어 두기로 결정했다고 밝혔다.\n"
    "시 대변인은 예산을 두고 오랜 논의가 있었다고 말했다.\n"
)


@pytest.mark.parametrize(
    "line",
    [
        "* [‘스탠딩 업’, 고루했던 KBS 예능국의 아..](/news/news_view.html?idx=10285&amp;bc=)",
        "칼럼니스트 박생강 [사진=MBC, SBS] 저작권자 엔터미디어(www.entermedia.co.kr), 무단전재",
        '<span style="margin:5px;font-size:13px; color:#666666; line-height:1.4;"></span> |',
    ],
)
def test_foreign_language_markup_and_addresses_are_left_out(line: str) -> None:
    """A link target, a URL or tags make a Korean line Latin by letter count; without
    them it is Korean (or nothing is left to judge): no finding."""
    findings, ctx = detect(KOREAN_ARTICLE + line + "\n" + KOREAN_ARTICLE)
    assert findings == []
    assert ctx.counters["foreign_language.candidates"] == 0


def test_foreign_language_markup_only_is_counted() -> None:
    line = '<span style="margin:5px;font-size:13px; color:#666666; line-height:1.4;"></span> |'
    _findings, ctx = detect(KOREAN_ARTICLE + line + "\n")
    assert ctx.counters["foreign_language.abstained_markup"] == 1


def test_foreign_language_addresses_only_are_counted() -> None:
    """A byline of e-mail addresses on a Korean page holds more Latin letters than
    Hangul: left out, too little is left to judge."""
    line = (
        "Reporters: gildong.hong@example.co.kr, chulsoo.kim@example.co.kr, "
        "younghee.lee@example.co.kr, newsdesk-team@example.co.kr"
    )
    findings, ctx = detect(KOREAN_ARTICLE * 4 + line + "\n")
    assert findings == []
    assert ctx.counters["foreign_language.abstained_markup"] == 1


def test_foreign_language_sentence_with_a_url_is_still_judged() -> None:
    german = (
        "Die Bundesregierung hat am Montag neue Sanktionen beschlossen, "
        "wie https://www.bundesregierung.de/aktuelles berichtet."
    )
    findings, _ctx = detect(article(german))
    assert [f.text for f in findings] == [german]


def test_foreign_language_sentence_gate_passes_sentences_that_cut_a_word() -> None:
    """A sentence starting or ending inside a white-space word (no segmenter of ours cuts
    so, but the gate does not rely on it) holds words the document's split does not:
    it is passed on whole."""
    text = "Council member xdie und voted for the council here today."
    cut = text.index("die")
    doc = Document(text)
    doc.__dict__["sentences"] = [Span(0, cut), Span(cut, len(text))]
    kept = possible_candidates(doc)
    assert [text[a:b] for a, b in kept] == ["die und voted for the council here today."]


def test_foreign_language_sentence_gate_skips_plain_sentences() -> None:
    """The gate leaves out English sentences without foreign function words or marked
    letters, and passes on the German one."""
    german = "Die Bundesregierung hat am Montag neue Sanktionen gegen Russland beschlossen."
    doc = Document(article(german))
    assert [doc.text[a:b] for a, b in possible_candidates(doc)] == [german]


@pytest.mark.parametrize(
    "text", [HOST_BEFORE, "Straße, naïve “café” — ǅemal’s ﬁve", "Mixed ελληνικά and English"]
)
def test_foreign_language_latin_document_has_latin_sentences(text: str) -> None:
    from filters.detectors.foreign_language import _latin_only, _script

    spans = [(a, b) for a in range(0, len(text), 3) for b in range(a, len(text) + 1, 5)]
    if _latin_only(text):  # the shortcut: every sentence is then what _script finds
        assert all(_script(text[a:b]) == ("latin", 0) for a, b in spans)
    else:
        assert "ελληνικά" in text


#: The regex that quoted_spans replaces (it looks for the closing character again from
#: every opening one: quadratic on a run of unclosed quotes).
QUOTED_REGEX = r"\"[^\"]*\"|“[^”]*”|«[^»]*»|„[^“”]*[“”]|‘[^’]{3,}’|\([^()]*\)"


@settings(max_examples=500, derandomize=True)
@given(st.text(alphabet=list('"“”«»„‘’()ab é.\n'), max_size=40))
def test_foreign_language_quoted_spans_are_what_the_regex_finds(text: str) -> None:
    from filters.detectors.foreign_language import _blank_out, quoted_spans

    regex = re.compile(QUOTED_REGEX)
    spans = quoted_spans(text)
    assert spans == [m.span() for m in regex.finditer(text)]
    assert _blank_out(text, spans) == regex.sub(" ", text)


@pytest.mark.parametrize(
    "text, spans",
    [
        ('He said "nein" and “so what” (twice).', [(8, 14), (19, 28), (29, 36)]),
        ("«Oui» „ja“ ‘no’ ‘yes’", [(0, 5), (6, 10), (16, 21)]),  # ‘no’: too short
        ("“ “ ” ( ( )", [(0, 5), (8, 11)]),
        ("“ never closed (but this is)", [(15, 28)]),
    ],
)
def test_foreign_language_quoted_spans(text: str, spans: list[tuple[int, int]]) -> None:
    from filters.detectors.foreign_language import quoted_spans

    assert quoted_spans(text) == spans


def test_foreign_language_letter_with_mark_counts_words() -> None:
    from filters.detectors.foreign_language import LETTER_WITH_MARK_RE

    text = "Café naïve über_all ab3é Zürich's plain words ǅ"
    assert LETTER_WITH_MARK_RE.findall(text) == ["Café", "naïve", "über_all", "ab3é", "Zürich", "ǅ"]


def test_foreign_language_non_latin_table_is_the_regex_class() -> None:
    """The latin-only check reads the text through a table of the regex class's letters."""
    chars = language.NON_LATIN_LETTERS
    for code in range(0x30001):
        expected = language.NON_LATIN_LETTER_RE.match(chr(code)) is not None
        assert chars.holds(code) == expected, hex(code)


@pytest.mark.parametrize(
    "text", ["plain ascii", "naïve “café”", "Москва", "a\U00020000b", "emoji \U0001f600 only"]
)
def test_foreign_language_latin_only_from_the_table(text: str) -> None:
    latin_only = not Document(text).text_index.has_any(language.NON_LATIN_LETTERS)
    assert latin_only == foreign_language._latin_only(text)
