"""The encoding category: mojibake_v1 (ftfy) and lookalike_v1, from the case file."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from casefiles import case_id, known_failures, load_cases
from hypothesis import given, settings
from hypothesis import strategies as st

from filters import Pipeline, Settings
from filters.detectors.mojibake import FTFY_CONFIG, SUSPECT_RE, changed_tokens
from filters.document import Document
from filters.registry import Context

CASES = load_cases("encoding")
DETECTORS = ("mojibake", "lookalike")


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Settings(only=DETECTORS))


@pytest.mark.parametrize("case", CASES["positives"], ids=case_id)
def test_encoding_positive(case: dict[str, str], pipeline: Pipeline) -> None:
    text = case["input"]
    result = pipeline.run(text)
    assert result.cleaned == case["expected"]
    assert result.findings
    for f in result.findings:
        assert (f.category, f.code, f.action, f.status) == (
            "encoding",
            case["code"],
            "replace",
            "applied",
        )
        assert text[f.start : f.end] == f.text and f.replacement is not None
        assert f.reason
    # A second run finds nothing more: the repairs are idempotent.
    assert pipeline.run(result.cleaned).findings == []


@pytest.mark.parametrize("case", CASES["negatives"], ids=case_id)
def test_encoding_negative(case: dict[str, str], pipeline: Pipeline) -> None:
    result = pipeline.run(case["input"])
    assert result.findings == []
    assert result.cleaned == case["input"]


@pytest.mark.parametrize("case", known_failures(CASES))
def test_encoding_known_failure(case: dict[str, str], pipeline: Pipeline) -> None:
    assert pipeline.run(case["input"]).cleaned == case["expected"]


def test_encoding_mojibake_reason_has_ftfy_plan(pipeline: Pipeline) -> None:
    (finding,) = pipeline.run("Then youâ€™re fine.").findings
    assert finding.text == "youâ€™re" and finding.replacement == "you’re"
    assert "ftfy: " in finding.reason and "decode" in finding.reason


def test_encoding_mojibake_findings_are_per_word(pipeline: Pipeline) -> None:
    """One finding per changed word; punctuation and markup next to it stay out."""
    text = "A long line " + "with clean words " * 40 + "and cafÃ© here " + "more " * 40
    text += "<i>SÃ£o</i>."
    result = pipeline.run(text)
    assert [(f.text, f.replacement) for f in result.findings] == [
        ("cafÃ©", "café"),
        ("SÃ£o", "São"),
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("youâ€™re fine", "you’re fine"),
        ("â€œaâ€\x9d b cafÃ©", "“a” b café"),
        ("x", "y"),
        ("same", "same"),
        ("a Â\xa0b", "a \xa0b"),
    ],
)
def test_encoding_changed_tokens_rebuild_the_new_text(old: str, new: str) -> None:
    parts, pos = [], 0
    for a0, a1, b0, b1 in changed_tokens(old, new):
        assert old[a0:a1] != new[b0:b1] or a0 == a1
        parts += [old[pos:a0], new[b0:b1]]
        pos = a1
    parts.append(old[pos:])
    assert "".join(parts) == new


def test_encoding_ftfy_config_is_conservative() -> None:
    assert FTFY_CONFIG.normalization is None
    assert not FTFY_CONFIG.uncurl_quotes and not FTFY_CONFIG.fix_character_width
    assert not FTFY_CONFIG.fix_latin_ligatures and not FTFY_CONFIG.fix_line_breaks
    assert not FTFY_CONFIG.unescape_html and FTFY_CONFIG.fix_encoding


@pytest.mark.parametrize("text", ["plain ASCII text, nothing to see", "“quotes” — and… ’”"])
def test_encoding_gate_skips_clean_text(text: str) -> None:
    assert SUSPECT_RE.search(text) is None


def test_encoding_counts_fixed_windows() -> None:
    from filters.detectors.mojibake import find_mojibake

    ctx = Context(Settings())
    list(find_mojibake(Document("cafÃ©\n\nSÃ£o"), ctx))
    assert ctx.counters["mojibake.windows_fixed"] == 2


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
def test_encoding_nothing_in_seeds(
    seed: str, pipeline: Pipeline, read_seed: Callable[[str], str]
) -> None:
    assert pipeline.run(read_seed(seed)).findings == []


def reference_windows(text: str, doc: Document, window: int) -> list[tuple[int, int]]:
    """The mojibake windows as first written: every suspect's window, merged in turn."""
    windows: list[tuple[int, int]] = []
    for match in SUSPECT_RE.finditer(text):
        line_start, line_end = doc.lines[doc.line_index(match.start())]
        start = max(line_start, match.start() - window)
        end = min(line_end, match.end() + window)
        while start > line_start and not text[start - 1].isspace():
            start -= 1
        while end < line_end and not text[end].isspace():
            end += 1
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


@settings(max_examples=400, derandomize=True)
@given(
    st.lists(
        st.sampled_from(["Ã©", "â€™", "Ã ", "\x85", "a", "bc ", " ", "\n", "\r\n", "xyz"])
    ).map("".join),
    st.sampled_from([1, 3, 7, 300]),
)
def test_encoding_mojibake_windows_pass_over_suspects_exactly(text: str, window: int) -> None:
    """Suspects passed over (inside the last window, or on a line it already covers)
    change nothing: the windows are those of every suspect merged in turn."""
    from unittest import mock

    from filters.detectors import mojibake

    doc = Document(text)
    with mock.patch.object(mojibake, "WINDOW", window):
        assert mojibake._windows(text, doc) == reference_windows(text, doc, window)


def test_encoding_long_line_of_mojibake_is_one_window() -> None:
    from filters.detectors.mojibake import _windows

    text = "Ã©" * 5000 + "\n" + "ok Ã© ok"
    assert _windows(text, Document(text)) == [(0, 10_000), (10_001, 10_009)]


@pytest.mark.parametrize(
    "text",
    ["a" * 100 + "б" + "c" * 100, "x " + "ab\u0301" * 50 + "б ok", "аb" * 40 + "1" + "аb" * 40],
)
def test_encoding_lookalike_word_walks_long_words_exactly(text: str) -> None:
    """A long word is walked a stretch of letters at a time: the same word as one letter
    at a time."""
    from filters.detectors.lookalike import _inside, _word

    for pos in range(0, len(text), 7):
        start, end = pos, pos + 1
        while start > 0 and _inside(text[start - 1]):
            start -= 1
        while end < len(text) and _inside(text[end]):
            end += 1
        assert _word(text, pos) == (start, end)


def assert_lookalike_one_pass(text: str, cleaned: str) -> None:
    """lookalike_v1 cleans ``text`` to ``cleaned``, and a second run applies nothing."""
    pipeline = Pipeline(Settings(only=("lookalike_v1",)))
    once = pipeline.run(text)
    assert once.cleaned == cleaned
    assert [f for f in pipeline.run(once.cleaned).findings if f.status == "applied"] == []


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        # found by fuzzing: repairing "Кyiv" to "Kyiv" tied the document's letters, so a
        # second run read the document as Latin and repaired the tied word "аb" (mixed
        # words now vote with their majority script, or not at all when tied)
        ("МоскваQ,аb0AКyiv", "МоскваQ,аb0AKyiv"),
        ("Москва аb Кyiv", "Москва аb Kyiv"),
    ],
)
def test_encoding_document_script_is_the_same_after_repairs(text: str, cleaned: str) -> None:
    assert_lookalike_one_pass(text, cleaned)


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        # found by fuzzing: "ª" (no script's letter) made the whole word unrepairable, so
        # "Кyiv" was repaired only by a second pass, as a run of letters of its own
        ("Кyiv\u200b00ª", "Kyiv00ª"),
        ("Кyiv\u200b00Кyiv", "Kyiv00Kyiv"),  # each run of letters repaired on its own
        ("Кyiv\u200bKyiv", "KyivKyiv"),  # one run once the invisible character goes
        ("Moskva\u200b12Москва", "Moskva12Москва"),  # two runs, each of one script
    ],
)
def test_encoding_invisible_in_a_word_repairs_its_letter_runs(text: str, cleaned: str) -> None:
    assert_lookalike_one_pass(text, cleaned)


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("0\x1b\u200bA", "0A"),  # found by fuzzing: the control went, the space stayed
        ("Ky\u200b\x01iv", "Kyiv"),
        ("Ky\u200b\x1b[31miv", "Kyiv"),  # a terminal escape is passed whole
        ("word\u200b\x1fnext", "word\u200b next"),  # a separator is not passed over
        # found by fuzzing: removed, the NUL made one word of two scripts ("Москваa")
        ("Москва\x00a@b.co", "Москва a@b.co"),
        ("Mos\x00cow", "Moscow"),  # one script: the control just goes
        ("a@b.co\x1b[0mМосква", "a@b.co Москва"),  # the same with a terminal escape
        ("\x1b[0mМоскваa", "Москваа"),  # the escape's final "m" is no letter of the word
        # found by fuzzing: the word around the invisible character took the escape's "0m"
        ("\x1b[0m\u200bÃ©", "\u200bÃ©"),  # after the escape: at the text's start, kept
        ("a\x1b[0m\u200bb", "ab"),  # between "a" and "b" once the escape goes
        ("\x1b[0mab\u200bc", "abc"),  # the word is "ab...c", without the escape's "0m"
        ("x\x1b[31;1mab\u200bc", "xabc"),
        ("Москва\u200ba@b.co", "Москва\u200ba@b.co"),  # between two scripts: a word break
        ("Кyiv\u200bКyiv", "KyivKyiv"),  # two Latin words once repaired: inside a word
        # found by fuzzing: "¹" (a digit of no script) read as another script than "0", so
        # the invisible character was a word break until the control before "¹" went
        ("A\x1b¹\u200b0", "A¹0"),
        ("A\x1b1\u200b0", "A10"),
        ("Москва\x1b¹\u200ba", "Москва¹\u200ba"),  # "Москва¹" and "a": a word break
        ("A\x08µ\u200bA", "AµA"),  # found by fuzzing: "µ" is read with "A" before it
        ("Москва\x08a\u200bb", "Москва ab"),  # a space for the control: "a" is Latin
        # found by fuzzing: a run of controls holding a separator is replaced by a space
        # (the walk past controls stops at the separator), not removed
        ("1\u200b\x1b\x1f0", "1\u200b 0"),
        ("ab\x1b\x1fcd", "ab cd"),
        # found by fuzzing: each run of invisible characters saw the other beyond the
        # control, not a letter, so both stayed and a second run found "0\u200b\u200b0"
        ("0\u200b\x08\u200b0", "00"),
        ("Ky\u200b\x01\u2060\x02\u200biv", "Kyiv"),
        ("word\u200b\x08\u200b next", "word\u200b\u200b next"),  # a space ends the word
    ],
)
def test_encoding_invisible_next_to_a_removed_control_goes_in_one_pass(
    text: str, cleaned: str
) -> None:
    assert_lookalike_one_pass(text, cleaned)


@pytest.mark.parametrize(
    ("module", "table", "start"),
    [
        ("lookalike", "SPECIAL", "SPECIAL_RE"),
        ("lookalike", "GREEK_CYRILLIC", "MIXED_START"),
        ("mojibake", "SUSPECT_FIRST", "SUSPECT_START"),
    ],
)
def test_encoding_first_character_tables(module: str, table: str, start: str) -> None:
    """A text passed over by a table's check holds no match of the regex: the table
    holds exactly the characters the regex can start with."""
    from filters.detectors import lookalike, mojibake

    found = vars({"lookalike": lookalike, "mojibake": mojibake}[module])
    first = re.compile(getattr(found[start], "pattern", found[start]))
    for code in range(0x30001):
        assert found[table].holds(code) == (first.match(chr(code)) is not None), hex(code)
