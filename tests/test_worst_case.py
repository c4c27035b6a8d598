"""Worst-case time (issue #9, robustness): no regular expression and no detector takes time
that grows faster than the input on adversarial text.

Three checks:

* a regex audit: every compiled pattern of the package (module globals, patterns inside
  tuples, lists and dicts held by a module, class attributes) is run with ``finditer``
  over adversarial families: long runs of one dangerous character or short unit (commas,
  dots, capitals, spaces, ``<``, quotes, digits, ``@``, mojibake, mixed scripts ...),
  and such runs ended by a character that makes a match fail at the last moment (the
  classic quadratic: an unanchored ``X+`` followed by something that is not there).
  Four times the text may take at most :data:`REGEX_RATIO` times the time; a quadratic
  pattern takes sixteen times;
* the whole pipeline (all detectors) on the same families, and on units drawn by
  hypothesis from an alphabet of dangerous characters: four times the text, at most
  :data:`PIPELINE_RATIO` times the time; and on many short lines and paragraphs, longer
  texts and a tighter bound (:data:`LINES_RATIO`), for a cost per line or per finding
  that grows with the lines before it;
* each check is shown to catch what it is for: quadratic and exponential patterns, a
  detector with a quadratic regex;
* a 1 MB adversarial line cleans in under a second, per family.

Timing tests are normally avoided in this suite; these are asked for by the issue, so they
compare best-of-N timings (garbage collection paused) as ratios, with generous bounds and
an absolute floor under which a timing is too small to judge, and a ratio over the bound
is measured again before it fails.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import inspect
import pkgutil
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from conftest import SpecFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import filters
from filters.document import Document
from filters.findings import Finding
from filters.pipeline import Pipeline
from filters.registry import Context

# --- measuring -------------------------------------------------------------------------------

#: Growth allowed when the text grows four times (linear: 4; quadratic: 16).
REGEX_RATIO = 6.0
PIPELINE_RATIO = 8.0
#: Text lengths: n and 4n characters.
REGEX_N = 2_000
PIPELINE_N = 4_000
#: Below these times (seconds, at 4n) a timing is too small to judge: a quadratic pattern
#: or detector takes far longer at these lengths (tens of milliseconds and more).
REGEX_FLOOR = 0.005
PIPELINE_FLOOR = 0.005
#: The longest a regex measurement may take (seconds): a linear pattern takes milliseconds
#: at these lengths, a quadratic one up to about a second, an exponential one forever.
REGEX_CAP = 3.0
#: The 1 MB line and its time limit.
MEGABYTE = 1_000_000
MEGABYTE_SECONDS = 1.0


class TooSlow(Exception):
    """A timed run went past its cap (an exponential pattern would never end)."""


def _alarm(signum: int, frame: object) -> None:
    raise TooSlow


def best_time(run: Callable[[], object], repeat: int = 3, cap: float | None = None) -> float:
    """The shortest of ``repeat`` timings of ``run()``, garbage collection paused.

    With ``cap``, the runs are stopped by an alarm after ``cap`` seconds in all (the regex
    engine checks for signals while it matches), raising :class:`TooSlow`; the pipeline
    has its own time budget, so it is timed without one.
    """
    best = float("inf")
    enabled = gc.isenabled()
    alarm = (
        cap is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    previous = signal.signal(signal.SIGALRM, _alarm) if alarm else None
    gc.disable()
    try:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, cap)
        for _ in range(repeat):
            started = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - started)
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        if enabled:
            gc.enable()
    return best


def growth(
    make: Callable[[int], Callable[[], object]],
    n: int,
    floor: float,
    bound: float,
    cap: float | None = None,
) -> tuple[float, str]:
    """How much longer ``make(4 * n)()`` takes than ``make(n)()``, and the timings shown.

    A ratio of 1.0 when the larger run takes less than ``floor`` seconds (too fast to
    judge); else the best of three runs each, and a ratio over ``bound`` is measured
    again, twice (best of eight, then of sixteen), then at twice the lengths (``2 * n``
    and ``8 * n``, best of three) before it counts: the lower of the two ratios is
    returned. A linear pattern of a millisecond at ``n`` has shown x6-x7 at one pair of
    lengths on a busy machine; a quadratic one grows x16 at both. An infinite ratio when
    a measurement goes past ``cap`` seconds.
    """
    try:
        ratio, shown = _growth(make, n, floor, bound, cap)
        if ratio > bound:
            again, shown_again = _growth(make, 2 * n, floor, bound, cap, rounds=(3,))
            ratio, shown = min(ratio, again), f"{shown}; {shown_again}"
        return ratio, shown
    except TooSlow:
        return float("inf"), f"over {cap} s at {n} to {8 * n} characters"


def _growth(
    make: Callable[[int], Callable[[], object]],
    n: int,
    floor: float,
    bound: float,
    cap: float | None,
    rounds: tuple[int, ...] = (3, 5, 8),
) -> tuple[float, str]:
    small, large = make(n), make(4 * n)
    t_large = best_time(large, repeat=1, cap=cap)
    if t_large < floor:
        return 1.0, f"{t_large * 1000:.2f} ms at {4 * n}"
    t_small = float("inf")
    # Small and large runs take turns, so a burst of load from elsewhere on the machine
    # slows both rather than one of them; the best of each is kept.
    for turns in rounds:
        for _ in range(turns):
            t_small = min(t_small, best_time(small, 1, cap))
            t_large = min(t_large, best_time(large, 1, cap))
        if t_large / t_small <= bound:
            break  # else measured again, with more turns: load from elsewhere on the
            # machine (a full suite beside other jobs) has made x8-x19 of linear patterns
    shown = f"{t_small * 1000:.2f} ms at {n}, {t_large * 1000:.2f} ms at {4 * n}"
    return t_large / t_small, shown


def repeated(unit: str, length: int, tail: str = "") -> str:
    """``unit`` repeated to ``length`` characters, then ``tail``."""
    return unit * max(1, length // len(unit)) + tail


# --- adversarial families --------------------------------------------------------------------

# fmt: off
#: Units repeated to length: single dangerous characters, then short units that make
#: patterns start a match at every repetition (two or three characters alternating, a
#: word and a separator, markup, mojibake, mixed alphabets, URLs, many short lines).
UNITS = [
    ",", ".", "A", "a", "1", " ", "<", ">", '"', "'", "@", "&", "-", "/", ":", "#", "\n",
    "(", "[", "|", "*", "_", "=", "\t", "!", "?", ";", "“", "”", "’", "é", "Ж", "\u00a0",
    "\u200b", "\x85", "\r\n",
    "Aa.", "a,", "A. ", "аb", "Ã©", "<a ", "a.B", "A,b", "1,0", "&#", "http://x", "aB", "Ab",
    "a@", "a.", "A.", "1.", "1:", "1 ", "ab ", "A ", "a b", "a-", "a'", "a’", "a.b", "AB ",
    "Abc", "aaaB", "/AP", "AP/", "www.", "a@b.", "x:", "A:", "a=", "=\"", "&lt;a", "&amp;",
    "&lt;b&gt;", "<b>", "<b>x", "<<b>b>", "<script>", "<!--", "[caption]", "[a b=1]", "a\n",
    "A.\n", "a\n\n", "By A\n", "Ã ", "â€™", "éÃ©", "\x1b[", "Кa", "aК", "a\u200b", ". ", ", ",
    # the same prose line, and the same paragraph, over and over
    "The cat sat on the mat in the old hat.\n", "Tom sat.\nThe cat sat on the mat in the hat.\n\n",
]
#: Runs of one character ended by another that a pattern may look for at the end of the run.
RUN_TAILS = [
    (unit, tail)
    for unit in ("a", "A", "1", " ", ".", ",", "<", '"', "@", "-", "'", "&", "/", "\n", "é", "Ab")
    for tail in ("!", "x", "\n")
    if tail != unit
]
# fmt: on
FAMILIES: list[tuple[str, str]] = [(unit, "") for unit in UNITS] + RUN_TAILS


def family_id(family: tuple[str, str]) -> str:
    unit, tail = family
    return repr(unit) + (f"+{tail!r}" if tail else "")


# --- the regex audit -------------------------------------------------------------------------

#: Patterns that may be quadratic under ``finditer`` because the code never runs them that
#: way: pattern id -> the reason. Keep it short; every entry needs a reason.
ALLOWED: dict[str, str] = {
    "filters.registry.NAME_RE": "only fullmatched against a detector's name, a short identifier",
}
#: Patterns known to be superlinear, reported and not fixed yet: expected to fail (strict,
#: so the entry must go once the pattern is fixed).
KNOWN_SUPERLINEAR: dict[str, str] = {}


def package_modules() -> Iterator[ModuleType]:
    """Every module of the ``filters`` package, less the evaluation tools (and the Ray
    Data module when Ray is not installed)."""
    skip_ray = importlib.util.find_spec("ray") is None
    for info in pkgutil.walk_packages(filters.__path__, "filters."):
        name = info.name
        if name.startswith("filters.evaluation") or name.endswith("__main__"):
            continue
        if skip_ray and name.startswith("filters.ray_data"):
            continue
        yield importlib.import_module(name)


def patterns_in(value: Any, label: str, depth: int = 0) -> Iterator[tuple[str, re.Pattern[str]]]:
    """Compiled patterns in ``value``: itself, or inside tuples, lists and dicts of them."""
    if isinstance(value, re.Pattern):
        if isinstance(value.pattern, str):
            yield label, value
    elif depth < 3 and isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            yield from patterns_in(item, f"{label}[{i}]", depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for key, item in value.items():
            yield from patterns_in(item, f"{label}[{key!r}]", depth + 1)


def package_patterns() -> dict[str, re.Pattern[str]]:
    """Every compiled pattern of the package, by ``module.NAME``, each pattern once."""
    found: dict[str, re.Pattern[str]] = {}
    seen: set[tuple[str, int]] = set()
    for module in package_modules():
        for name, value in vars(module).items():
            candidates = list(patterns_in(value, f"{module.__name__}.{name}"))
            if inspect.isclass(value) and value.__module__ == module.__name__:
                for attr, item in vars(value).items():
                    candidates += patterns_in(item, f"{module.__name__}.{name}.{attr}")
            for label, pattern in candidates:
                key = (pattern.pattern, pattern.flags)
                if key not in seen:
                    seen.add(key)
                    found[label] = pattern
    return found


PATTERNS = package_patterns()


def test_audit_finds_the_patterns() -> None:
    """The audit sees the patterns of the detectors, the segmenter and the shared helpers."""
    assert len(PATTERNS) > 100
    for name in (
        "filters.segment.BOUNDARY_RE",
        "filters.detectors._lines.LINK_RE",
        "filters.detectors.missing_space.GLUED_STOP_RES[0]",
        "filters.detectors.markup.TAG_RE",
    ):
        assert name in PATTERNS
    gone = (set(ALLOWED) | set(KNOWN_SUPERLINEAR)) - set(PATTERNS)
    assert not gone, f"patterns gone, drop them from ALLOWED or KNOWN_SUPERLINEAR: {gone}"


def superlinear_families(pattern: re.Pattern[str], enough: int = 3) -> list[str]:
    """The families on which ``pattern.finditer`` grows faster than :data:`REGEX_RATIO`
    (the first ``enough`` of them: a quadratic pattern is slow to time on every family)."""
    slow = []
    for unit, tail in FAMILIES:

        def make(length: int, unit: str = unit, tail: str = tail) -> Callable[[], object]:
            text = repeated(unit, length, tail)
            return lambda: list(pattern.finditer(text))

        ratio, shown = growth(make, REGEX_N, REGEX_FLOOR, REGEX_RATIO, REGEX_CAP)
        if ratio > REGEX_RATIO:
            slow.append(f"{family_id((unit, tail))}: x{ratio:.1f} ({shown})")
            if len(slow) == enough or ratio == float("inf"):
                break
    return slow


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_SUPERLINEAR[name], strict=True))
        if name in KNOWN_SUPERLINEAR
        else name
        for name in sorted(PATTERNS)
    ],
)
def test_regex_time_grows_linearly(name: str) -> None:
    """No pattern of the package is quadratic (or worse) on an adversarial family."""
    if name in ALLOWED:
        pytest.skip(ALLOWED[name])
    slow = superlinear_families(PATTERNS[name], enough=1 if name in KNOWN_SUPERLINEAR else 3)
    assert not slow, f"{name} /{PATTERNS[name].pattern[:80]}/ grows superlinearly:\n" + "\n".join(
        slow
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("pattern", "family"),
    [
        (r"(a+)+b", ("a", "")),  # nested quantifiers
        (r"[.]+x", (".", "")),  # an unanchored run, then a character that is not there
        (r"\S@\S+\.\w", ("@", "")),  # the link pattern before issue #9
        (r"[\w.]*\w$", ("a", "!")),  # a run that must reach the end
    ],
)
def test_the_audit_catches_a_quadratic_pattern(pattern: str, family: tuple[str, str]) -> None:
    """The audit is not blind: known quadratic patterns fail it on their family."""
    compiled = re.compile(pattern)
    unit, tail = family

    def make(length: int) -> Callable[[], object]:
        text = repeated(unit, length, tail)
        return lambda: list(compiled.finditer(text))

    ratio, shown = growth(make, REGEX_N, REGEX_FLOOR, REGEX_RATIO, REGEX_CAP)
    assert ratio > REGEX_RATIO, shown


@pytest.mark.slow
@pytest.mark.parametrize("unit", ['"', "“", "«", "„", "‘", "(", "‘a", "“(", "a"], ids=repr)
def test_quoted_spans_time_grows_linearly(unit: str) -> None:
    """The scan for quoted text that replaced a regex (foreign_language) is linear too,
    on runs of opening characters never closed."""
    from filters.detectors.foreign_language import quoted_spans

    def make(length: int) -> Callable[[], object]:
        text = repeated(unit, length)
        return lambda: quoted_spans(text)

    ratio, shown = growth(make, REGEX_N, REGEX_FLOOR, REGEX_RATIO, REGEX_CAP)
    assert ratio <= REGEX_RATIO, f"{unit!r}: x{ratio:.1f} ({shown})"


# --- the whole pipeline ----------------------------------------------------------------------

PIPELINE = Pipeline()


def pipeline_growth(
    unit: str,
    tail: str = "",
    pipeline: Pipeline = PIPELINE,
    n: int = PIPELINE_N,
    bound: float = PIPELINE_RATIO,
) -> tuple[float, str]:
    def make(length: int) -> Callable[[], object]:
        text = repeated(unit, length, tail)
        return lambda: pipeline.run(text)

    return growth(make, n, PIPELINE_FLOOR, bound)


@pytest.mark.slow
def test_the_pipeline_check_catches_a_quadratic_detector(detector_spec: SpecFactory) -> None:
    """The pipeline check is not blind: a detector with a quadratic regex fails it."""
    quadratic = re.compile(r"[.]+x")

    def slow(doc: Document, ctx: Context) -> list[Finding]:
        list(quadratic.finditer(doc.text))
        return []

    pipeline = Pipeline(detectors=[*PIPELINE.detectors, detector_spec("slow_v1", slow)])
    ratio, shown = pipeline_growth(".", pipeline=pipeline)
    assert ratio > PIPELINE_RATIO, shown


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILIES, ids=family_id)
def test_pipeline_time_grows_linearly(family: tuple[str, str]) -> None:
    """Cleaning four times the adversarial text takes at most PIPELINE_RATIO times as long."""
    ratio, shown = pipeline_growth(*family)
    assert ratio <= PIPELINE_RATIO, f"{family_id(family)}: x{ratio:.1f} ({shown})"


#: Lines and paragraphs over and over: a cost per line or per finding that grows with the
#: lines or findings before it (a list searched for every line, a count from the start of
#: the text) is small on a few thousand characters, so these go to :data:`LINES_N` and
#: have a tighter bound.
LINE_UNITS = [
    "Ab cd ef gh ij kl mn op.\n",
    "Tom sat.\nThe cat sat on the mat in the hat.\n\n",
    "a\n",
    "<b>x</b> &amp; y\n",
    "Share on Facebook\n",
    "x, y.Z\n",
]
LINES_N = 16_000
LINES_RATIO = 7.0


@pytest.mark.slow
@pytest.mark.parametrize("unit", LINE_UNITS, ids=repr)
def test_pipeline_time_grows_linearly_with_many_lines(unit: str) -> None:
    ratio, shown = pipeline_growth(unit, n=LINES_N, bound=LINES_RATIO)
    assert ratio <= LINES_RATIO, f"{unit!r}: x{ratio:.1f} ({shown})"


#: Characters that make regexes and detectors work hard, for hypothesis to combine.
DANGEROUS = list(",.;:!?…\"'“”’()[]<>&#@/\\-_=|* \t\n\r\u00a0\u200baAzZ019éЖаΩÃ©â€™\x85\x1b")


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(st.lists(st.sampled_from(DANGEROUS), min_size=1, max_size=4).map("".join))
def test_pipeline_time_grows_linearly_on_drawn_units(unit: str) -> None:
    """The same on units drawn from an alphabet of dangerous characters."""
    ratio, shown = pipeline_growth(unit)
    assert ratio <= PIPELINE_RATIO, f"{unit!r}: x{ratio:.1f} ({shown})"


# --- a megabyte on one line ------------------------------------------------------------------

MEGABYTE_FAMILIES = {
    "commas": ",",
    "dots": ".",
    "capitals": "A",
    "spaces": " ",
    "less-than": "<",
    "quotes": '"',
    "digits": "1",
    "Aa.": "Aa.",
    "initials": "A. ",  # a sentence-end candidate every three characters
    "at-signs": "@",
    "mojibake": "Ã©",  # one suspect every two characters, one line without a space
    "mixed-script": "аb",  # one word of Cyrillic а and Latin b, a million letters long
}


@pytest.mark.slow
@pytest.mark.parametrize("unit", MEGABYTE_FAMILIES.values(), ids=MEGABYTE_FAMILIES.keys())
def test_a_megabyte_adversarial_line_cleans_in_under_a_second(unit: str) -> None:
    text = repeated(unit, MEGABYTE)
    assert len(text) <= PIPELINE.settings.max_chars or not PIPELINE.settings.max_chars
    PIPELINE.run("warm up")
    seconds = best_time(lambda: PIPELINE.run(text), repeat=1)
    if seconds >= MEGABYTE_SECONDS:  # a busy machine: once more
        seconds = min(seconds, best_time(lambda: PIPELINE.run(text), repeat=1))
    assert seconds < MEGABYTE_SECONDS, f"{unit!r} x {len(text)}: {seconds:.2f} s"
