"""The cheap gates written by hand before a detector's regexes: whatever the regex
matches, its gate lets through, so a label or phrase added to a regex (or its data file)
without its gate fails here, not silently in the corpora."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filters.detectors import boilerplate, caption, metadata
from filters.detectors._lines import Line, low_is_exact, make_line

GATE_SETTINGS = settings(
    max_examples=300, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.mark.parametrize(
    "regex",
    [caption.IMAGE_LABEL_RE, caption.CREDIT_OPENER_RE, caption.CREDIT_LABEL_RE],
    ids=["image label", "credit opener", "credit label"],
)
def test_gate_credit_first_words(regex: re.Pattern[str]) -> None:
    """A line the three credit-label regexes match opens with one of
    CREDIT_FIRST_WORDS (or its lower case is not exact, where the gate lets all through)."""

    @GATE_SETTINGS
    @given(st.from_regex(regex))
    def check(text: str) -> None:
        line = make_line(text.strip())
        if regex.match(line.text) and low_is_exact(line.text):
            assert line.first.startswith(caption.CREDIT_FIRST_WORDS), line.text

    check()


@pytest.mark.parametrize(
    ("needs", "part"),
    caption._AGENCY_CREDIT_PARTS,
    ids=[f"part {i}" for i in range(len(caption._AGENCY_CREDIT_PARTS))],
)
def test_gate_agency_credit_literals(needs: int, part: str) -> None:
    """Each alternative of AGENCY_CREDIT_RE is searched only in lines holding its literal:
    every text the alternative matches holds it, and _agency_credit finds what the whole
    regex finds."""
    regex = re.compile(part)

    @GATE_SETTINGS
    @given(st.from_regex(regex))
    def check(text: str) -> None:
        if regex.search(text):
            expected = caption.AGENCY_CREDIT_RE.search(text)
            found = caption._agency_credit(text)
            assert found is not None and expected is not None
            assert (found.span(), found.group()) == (expected.span(), expected.group())

    check()


@GATE_SETTINGS
@given(st.from_regex(caption.CREDIT_AGENCY_END_RE))
def test_gate_agency_tails(text: str) -> None:
    """A line CREDIT_AGENCY_END_RE matches ends with one of AGENCY_TAILS."""
    line = make_line(text.strip())
    if line.text and caption.CREDIT_AGENCY_END_RE.search(line.text):
        assert caption._may_end_with_agency(line), line.text


def test_gate_email_header_initials() -> None:
    """EMAIL_HEADER_INITIALS holds the lower case of every character that can open a
    header EMAIL_HEADER_RE matches (every code point of the Basic Multilingual Plane)."""
    openers = set()
    for code in range(0x10000):
        char = chr(code)
        for label in ("From", "To", "Cc", "Subject", "Sent", "Reply-To"):
            if metadata.EMAIL_HEADER_RE.match(char + label[1:] + ":"):
                openers.add(char.lower()[:1])
    assert openers <= metadata.EMAIL_HEADER_INITIALS
    assert openers == metadata.EMAIL_HEADER_INITIALS  # and nothing more than it needs


@pytest.mark.parametrize(
    ("regex", "gate"),
    [
        (boilerplate.GALLERY_RE, lambda line: line.first in boilerplate.GALLERY_FIRST_WORDS),
        (
            boilerplate.MORE_LINKS_RE,
            lambda line: line.first in boilerplate.SITE_TEASER_FIRST_WORDS and line.link,
        ),
        (boilerplate.FOLLOW_HANDLE_RE, lambda line: line.first == "follow"),
        (boilerplate.CONTACT_RE, lambda line: "@" in line.text or "/" in line.text),
    ],
    ids=["gallery counter", "more links", "follow handle", "contact"],
)
def test_gate_boilerplate_first_words(regex: re.Pattern[str], gate: Callable[[Line], bool]) -> None:
    """A line the gallery-counter, links-only, follow-handle and contact regexes match
    passes the first-word (link, "@" or "/") gate classify_boilerplate tries before each
    of them."""

    @GATE_SETTINGS
    @given(st.from_regex(regex))
    def check(text: str) -> None:
        line = make_line(text.strip())
        if line.text and regex.match(line.text) and low_is_exact(line.text):
            assert gate(line), line.text

    check()


@GATE_SETTINGS
@given(st.from_regex(caption.DATED_END_RE))
def test_gate_dated_caption(text: str) -> None:
    """A line DATED_END_RE finds holds "day" in lower case and ends with a digit (of any
    script: ``\\d``) or a period: the tests _dated_caption makes before the regex."""
    line = make_line(text.strip())
    if line.text and caption.DATED_END_RE.search(line.text):
        end = line.text[-1:]
        assert "day" in line.low and (end.isdecimal() or end == "."), line.text


# Fields of a post's meta line, with and without a colon, and the separators between them.
META_FIELDS = [
    "05/10/2018", "March 3, 2021", "By Jane Doe", "Publicado por: Clarissa Borba",
    "Categoria: Saúde", "Tags: sad veiculo", "Tags:", "Category News", "Updated 3 March 2021",
    "Time: 7 pm", "the vote",
]  # fmt: skip
META_SEPARATORS = [" - ", " | ", " • ", " \\- "]


@GATE_SETTINGS
@given(
    st.lists(st.sampled_from(META_FIELDS), min_size=1, max_size=5),
    st.lists(st.sampled_from(META_SEPARATORS), min_size=4, max_size=4),
)
def test_gate_meta_fields_colon(fields: list[str], separators: list[str]) -> None:
    """A line _meta_fields takes holds a colon (two labelled fields): the ":" gate of
    classify_metadata skips no meta line."""
    joined = zip(separators[: len(fields) - 1], fields[1:], strict=True)
    text = fields[0] + "".join(sep + field for sep, field in joined)
    if metadata._meta_fields(text):
        assert ":" in text, text


@pytest.mark.parametrize(
    "part",
    [part for needs, part in caption._AGENCY_CREDIT_PARTS if needs == caption._SLASH],
    ids=lambda part: part[:20],
)
def test_gate_slash_credit(part: str) -> None:
    """Every text a slash alternative of AGENCY_CREDIT_RE matches holds a slash before a
    capital, so classify_caption and _agency_credit may skip a line without one."""
    regex = re.compile(part)

    @GATE_SETTINGS
    @given(st.from_regex(regex))
    def check(text: str) -> None:
        if regex.search(text):
            assert caption._slash_credit(text), text

    check()
