"""Document language (filters/language.py): the cheap passes, seeded langdetect, declared vs
detected, determinism across runs and processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from filters import Pipeline, Settings
from filters import language as lang
from filters.document import Document

ENGLISH = (
    "The council met on Monday and voted to keep the library open for another year. "
    "Officials said that the decision was taken after a long debate about the budget, "
    "and that the mayor would sign it this week. Residents who had protested outside "
    "the building welcomed the vote, but some of them said they were still worried."
)
GERMAN = (
    "Der Stadtrat hat am Montag beschlossen, die Bibliothek für ein weiteres Jahr offen "
    "zu halten. Die Entscheidung sei nach einer langen Debatte über den Haushalt gefallen, "
    "und der Bürgermeister werde sie noch in dieser Woche unterschreiben, sagte ein Sprecher."
)
FRENCH = (
    "Le conseil municipal a décidé lundi de garder la bibliothèque ouverte pour une année "
    "de plus. La décision a été prise après un long débat sur le budget, et le maire doit "
    "la signer cette semaine, selon un porte-parole de la ville."
)
RUSSIAN = (
    "Городской совет в понедельник решил оставить библиотеку открытой еще на один год. "
    "Решение было принято после долгих споров о бюджете, сообщил представитель мэрии."
)
GREEK = "Το δημοτικό συμβούλιο αποφάσισε τη Δευτέρα να κρατήσει τη βιβλιοθήκη ανοιχτή."
JAPANESE = (
    "市議会は月曜日、図書館をもう一年開館し続けることを決めた。"
    "市の広報担当者によると、予算について長い議論があった。"
)


def identify(text: str, declared: str | None = None) -> dict[str, Any] | None:
    return lang.identify(Document(text, lang=declared))


@pytest.mark.parametrize(
    ("text", "code", "method"),
    [
        (ENGLISH, "en", "stopwords"),
        (GERMAN, "de", "stopwords"),
        (FRENCH, "fr", "langdetect"),  # its articles are shared with it, es, pt: no profile
        (RUSSIAN, "ru", "langdetect"),
        (GREEK, "el", "script"),
        (JAPANESE, "ja", "script"),
    ],
    ids=["en", "de", "fr", "ru", "el", "ja"],
)
def test_language_detected(text: str, code: str, method: str) -> None:
    found = identify(text)
    assert found is not None
    assert (found["code"], found["source"], found["method"]) == (code, "detected", method)
    assert 0.5 <= found["probability"] <= 1.0


# The top of a scraped page: an English site menu and link markup, no sentence.
MENU = "".join(
    f"[{name}](https://example.com/{name.lower()}/)\n"
    for name in ["Home", "News", "Sport", "Business", "Culture", "Travel", "Contact", "About"] * 8
)
ITALIAN = (
    "Il consiglio comunale ha deciso lunedì di tenere aperta la biblioteca per un altro "
    "anno.\nLa decisione è stata presa dopo un lungo dibattito sul bilancio, e il sindaco "
    "la firmerà questa settimana, secondo un portavoce della città.\n"
)


@pytest.mark.parametrize(("prose", "code"), [(ENGLISH, "en"), (GERMAN, "de"), (ITALIAN, "it")])
def test_language_prose_lines_decide_under_a_menu(
    prose: str, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample is all menu, so its stop words say nothing; the page's prose lines
    decide, without langdetect (which reads the sample's start: the menu)."""
    text = MENU * 2 + prose * 2  # the sample: the text's start and middle, all menu
    assert lang._stopword_guess(lang._sample(text).lower().split()) is None
    monkeypatch.setattr(lang, "_langdetect_guess", lambda text: pytest.fail("langdetect ran"))
    guess = lang.detect_language(text)
    assert guess is not None and (guess.code, guess.method) == (code, "stopwords")


KOREAN = "서울시 의회는 월요일 도서관을 일 년 더 열어 두기로 결정했다고 밝혔다.\n"


def test_language_prose_lines_script_under_a_menu() -> None:
    """The script is read on the prose lines too: a Korean page under a Latin menu."""
    guess = lang.detect_language(MENU * 2 + KOREAN * 4)
    assert guess is not None and (guess.code, guess.method) == ("ko", "script")


def test_language_langdetect_reads_the_prose_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the prose lines do not decide either, langdetect reads them, not the menu."""
    read: list[str] = []
    detect = lang._langdetect_guess
    monkeypatch.setattr(lang, "_langdetect_guess", lambda text: read.append(text) or detect(text))
    guess = lang.detect_language(MENU * 2 + RUSSIAN + "\n" + RUSSIAN)
    assert guess is not None and (guess.code, guess.method) == ("ru", "langdetect")
    assert read == [lang._prose(MENU * 2 + RUSSIAN + "\n" + RUSSIAN)]


def test_language_prose_lines() -> None:
    """Lines of MIN_PROSE_WORDS words or more, up to SAMPLE_CHARS characters."""
    line = "one two three four five six seven eight"
    text = f"short line\n{line}\nseven words are not yet a line\n" + f"{line}\n" * 500
    prose = lang._prose(text)
    assert prose.split("\n")[0] == line and set(prose.split("\n")) == {line}
    size = len(prose.replace("\n", ""))
    assert lang.SAMPLE_CHARS <= size < lang.SAMPLE_CHARS + len(line)
    assert lang._prose("") == "" and lang._prose(MENU) == ""


@pytest.mark.parametrize("text", ["", "   ", "12345 67890 --- !!!", "Some text.", "🙂🙂🙂"])
def test_language_no_features_is_none(text: str) -> None:
    assert identify(text) is None


@pytest.mark.parametrize("text", ["12345 67890", "!!! ??? ...", "", "🙂 🙂"])
def test_language_detect_langs_without_features_is_empty(text: str) -> None:
    """langdetect raises LangDetectException on text without letters; the wrapper does not."""
    assert lang.detect_langs(text) == []


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        # Too short to judge: the declared language stands, in the legacy shape.
        ("Some text.", "en", {"code": "en", "probability": None, "source": "declared"}),
        # Agreement: declared, with the verdict's probability.
        (ENGLISH, "en", {"code": "en", "source": "declared", "method": "stopwords"}),
        (ENGLISH, "en-GB", {"code": "en-GB", "source": "declared", "method": "stopwords"}),
        # Mismatch: reported as detected, with the declared language kept.
        (
            GERMAN,
            "en",
            {"code": "de", "source": "detected", "method": "langdetect", "declared": "en"},
        ),
        (
            FRENCH,
            "de",
            {"code": "fr", "source": "detected", "method": "langdetect", "declared": "de"},
        ),
    ],
)
def test_language_declared_vs_detected(text: str, declared: str, expected: dict[str, Any]) -> None:
    found = identify(text, declared)
    assert found is not None
    assert {k: found[k] for k in expected} == expected
    assert lang.is_mismatch(found) == ("declared" in expected)


# English navigation lines of fewer than MIN_PROSE_WORDS words, full of stop words.
NAVIGATION = "".join(
    f"{line}\n"
    for line in ["Sign in to your account", "Read the latest news", "Back to the home page"] * 12
)


def test_language_declared_confirmed_on_the_prose_lines() -> None:
    """The sample (the page's start and middle) is English navigation, so its stop words
    contradict the declared French; langdetect confirms on the prose lines, which are
    French, and no mismatch is reported."""
    text = NAVIGATION * 2 + (FRENCH + "\n") * 2
    assert lang._stopword_guess(lang._sample(text).lower().split()) is not None
    found = identify(text, "fr")
    assert found is not None
    assert (found["code"], found["source"]) == ("fr", "declared")
    assert not lang.is_mismatch(found)


def test_language_mismatch_is_reported_not_cleaned_as_declared() -> None:
    result = Pipeline(Settings(lang="en", only=("foreign_language",))).run(GERMAN + "\n\n" + GERMAN)
    assert result.language is not None
    assert result.language["code"] == "de" and result.language["declared"] == "en"
    assert result.stats["counters"]["language.declared_mismatch"] == 1
    # Judged as a German document: its German sentences are not foreign.
    assert result.findings == []


def test_language_probabilities_are_rounded() -> None:
    found = identify(RUSSIAN)
    assert found is not None
    assert found["probability"] == round(found["probability"], lang.PROB_DIGITS)


@pytest.mark.parametrize(
    ("char", "script"),
    [("a", "latin"), ("é", "latin"), ("Ж", "cyrillic"), ("λ", "greek"), ("中", "han"),
     ("か", "kana"), ("한", "hangul"), ("ع", "arabic"), ("א", "hebrew"), ("ก", "thai")],
)  # fmt: skip
def test_language_script_of(char: str, script: str) -> None:
    assert lang.script_of(char) == script


def test_language_distinctive_stopwords_belong_to_one_language() -> None:
    table = lang.distinctive()
    lists = lang.stopwords()
    assert table["the"] == "en" and table["und"] == "de" and table["ont"] == "fr"
    for word, code in table.items():
        assert [c for c, words in lists.items() if word in words] == [code]
    assert "s" not in table  # single ASCII letters are initials as often as words


# --- determinism -------------------------------------------------------------------------------

SAMPLES = [
    "Kurz gesagt: begegnen, begleiten und befähigen.",
    "Mixed text with some Deutsch und English words together here.",
    "Stopa bezrobocia w Polsce wyniosła 3,1 proc.",
    "对此，地球上的每家酿酒商都想进一步地了解。",
    RUSSIAN,
]


def test_language_detect_langs_is_seeded_within_a_process() -> None:
    first = [lang.detect_langs(t) for t in SAMPLES]
    for _ in range(3):
        assert [lang.detect_langs(t) for t in reversed(SAMPLES)][::-1] == first


def _in_subprocess(hash_seed: str) -> Any:
    code = (
        "import json, sys\n"
        "from filters import language as lang\n"
        "texts = json.loads(sys.stdin.read())\n"
        "print(json.dumps([lang.detect_langs(t) for t in texts]))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(SAMPLES),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(done.stdout)


def test_language_detect_langs_same_in_other_processes() -> None:
    here = json.loads(json.dumps([lang.detect_langs(t) for t in SAMPLES]))
    assert _in_subprocess("1") == here
    assert _in_subprocess("12345") == here


def test_language_global_langdetect_factory_untouched() -> None:
    from langdetect import DetectorFactory

    lang.detect_langs(GERMAN)
    assert DetectorFactory.seed is None  # our factory is private; the global one is not ours


def test_language_document_caches_identify(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real: Callable[[Document], Any] = lang.identify

    def counting(doc: Document) -> Any:
        calls.append(doc.text)
        return real(doc)

    monkeypatch.setattr(lang, "identify", counting)
    doc = Document(ENGLISH)
    assert doc.language == doc.language
    assert len(calls) == 1


# --- the compact langdetect model gives langdetect's numbers ----------------------------------

EXACT_TEXTS = [
    ENGLISH,
    GERMAN,
    FRENCH,
    RUSSIAN,
    GREEK,
    JAPANESE,
    *SAMPLES,
    "",
    "12345 67890",
    "NATO EU UN USA",  # capital words give no n-grams
    "Regular gym vs home gym",
    "Visit https://example.com/a?b=c or write to someone@example.org today, please.",
    "Tiếng Việt có dấu: người, được, những",  # normalize_vi
    "Ti\u0301ê\u0301ng Vie\u0323\u0302t",  # letters with combining marks
    "این یک متن فارسی است که ی دارد",  # Farsi yeh
    "서울시는 월요일 도서관을 일 년 더 열기로 했다.",
    "Şeful ţării a spus că ș și ț sunt litere românești.",
    "Mixed English текст with 中文 and ελληνικά words.",
    GERMAN * 20,  # longer than DETECT_CHARS
]


@pytest.fixture(scope="module")
def langdetect_factory() -> Any:
    """langdetect's own factory, loaded as this module loaded it before the compact model:
    profiles in sorted file order, seed 0."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.set_seed(0)
    profiles = []
    for name in sorted(os.listdir(PROFILES_DIRECTORY)):
        path = os.path.join(PROFILES_DIRECTORY, name)
        if not name.startswith(".") and os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                profiles.append(handle.read())
    factory.load_json_profile(profiles)
    return factory


def _langdetect_probabilities(factory: Any, text: str) -> list[tuple[str, float]]:
    from langdetect.lang_detect_exception import LangDetectException

    detector = factory.create()
    detector.append(text[: lang.DETECT_CHARS])
    try:
        return [(found.lang, found.prob) for found in detector.get_probabilities()]
    except LangDetectException:
        return []


@pytest.mark.parametrize("text", EXACT_TEXTS)
def test_language_compact_model_is_langdetect(langdetect_factory: Any, text: str) -> None:
    # The same floats, not approximately: the verdicts and the thresholds stay langdetect's.
    assert lang.detect_langs(text) == _langdetect_probabilities(langdetect_factory, text)


@pytest.mark.parametrize("text", EXACT_TEXTS)
def test_language_compact_ngrams_are_langdetects(langdetect_factory: Any, text: str) -> None:
    ours, theirs = lang._factory().create(), langdetect_factory.create()
    for detector in (ours, theirs):
        detector.append(text)
        detector.cleaning_text()
    assert ours._extract_ngrams() == theirs._extract_ngrams()


def test_language_compact_profiles_hold_langdetects_numbers(langdetect_factory: Any) -> None:
    model = lang._factory()
    assert model.langlist == langdetect_factory.langlist
    reference = langdetect_factory.word_lang_prob_map
    # Only n-grams of one to three characters can ever be looked up.
    assert model.word_lang_prob_map.keys() == {w for w in reference if 1 <= len(w) <= 3}
    words = sorted(model.word_lang_prob_map)[::11]
    assert model.dense(words).tolist() == [reference[w] for w in words]
