"""The pipeline: actions, safety policy, overlap rule, removal widening, restore, offsets."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from filters import Pipeline, Settings, restore
from filters.document import Document
from filters.findings import Finding, make_finding
from filters.pipeline import DetectorError, Edit, Result, apply_edits, resolve_overlaps
from filters.registry import Context, DetectorSpec
from filters.settings import SettingsError

FindingFactory = Callable[..., Finding]
SpecFactory = Callable[..., DetectorSpec]

ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def decide(text: str, findings: list[Finding], **settings: Any) -> Result:
    """Steps 2-6 of the pipeline over hand-made findings, no detector involved."""
    return Pipeline(Settings(**settings), detectors=[]).decide(Document(text), findings)


def key(f: Finding) -> tuple[str, str, int, int]:
    return (f.detector, f.code, f.start, f.end)


def assert_consistent(result: Result) -> None:
    """Invariants of every result: sorted disjoint edits, exact restore, edits point at findings."""
    prev_end = 0
    for edit in result.edits:
        assert prev_end <= edit.start <= edit.end <= len(result.original)
        assert result.original[edit.start : edit.end] == edit.text
        finding = result.findings[edit.finding]
        assert finding.status == "applied"
        assert edit.start <= finding.start <= finding.end <= edit.end
        prev_end = edit.end
    assert apply_edits(result.original, result.edits) == result.cleaned
    assert restore(result.cleaned, result.edits) == result.original
    assert restore(result) == result.original
    applied = sorted(i for i, f in enumerate(result.findings) if f.status == "applied")
    assert sorted(e.finding for e in result.edits) == applied


# --- overlap rule ------------------------------------------------------------------------------

# Each case: findings over ALPHABET as dicts of make_finding arguments (with a "label"), and the
# labels expected to be applied. The others are superseded, or flagged when they are flags.
OVERLAP_CASES = [
    pytest.param(
        [dict(label="long", start=0, end=10), dict(label="short", start=5, end=8)],
        {"long"},
        id="longest-wins",
    ),
    pytest.param(
        [
            dict(label="long", start=0, end=10, score=0.6),
            dict(label="sure", start=5, end=12, score=0.99),
        ],
        {"long"},
        id="longest-wins-over-score",
    ),
    pytest.param(
        [dict(label="a", start=0, end=5, score=0.8), dict(label="b", start=3, end=8, score=0.9)],
        {"b"},
        id="then-higher-score",
    ),
    pytest.param(
        [
            dict(label="fix", start=0, end=5, category="markup", replacement="X"),
            dict(label="cut", start=3, end=8, category="boilerplate"),
        ],
        {"cut"},
        id="then-remove-over-replace",
    ),
    pytest.param(
        [dict(label="first", start=0, end=5), dict(label="second", start=3, end=8)],
        {"first"},
        id="then-earlier-start",
    ),
    pytest.param(
        [
            dict(label="boiler", start=2, end=6, category="boilerplate"),
            dict(label="offtopic", start=2, end=6, category="off_topic"),
        ],
        {"offtopic"},
        id="then-category-order",
    ),
    pytest.param(
        [
            dict(label="b", start=2, end=6, detector="bbb_v1"),
            dict(label="a", start=2, end=6, detector="aaa_v1"),
        ],
        {"a"},
        id="then-detector-name",
    ),
    pytest.param(
        [
            dict(label="y", start=2, end=6, code="boilerplate.y"),
            dict(label="x", start=2, end=6, code="boilerplate.x"),
        ],
        {"x"},
        id="then-code",
    ),
    pytest.param(
        [dict(label="flag", start=0, end=26, action="flag"), dict(label="cut", start=3, end=5)],
        {"cut"},
        id="flags-never-compete",
    ),
    pytest.param(
        [dict(label="left", start=0, end=5), dict(label="right", start=5, end=10)],
        {"left", "right"},
        id="touching-spans-do-not-overlap",
    ),
    pytest.param(
        [
            dict(label="insert", start=5, end=5, category="missing_space", replacement=" "),
            dict(label="left", start=0, end=5),
        ],
        {"left"},
        id="insertion-touching-the-end-overlaps",
    ),
    pytest.param(
        [
            dict(label="insert", start=5, end=5, category="missing_space", replacement=" "),
            dict(label="right", start=5, end=9),
        ],
        {"right"},
        id="insertion-touching-the-start-overlaps",
    ),
    pytest.param(
        [
            dict(label="insert", start=5, end=5, category="missing_space", replacement=" "),
            dict(label="apart", start=6, end=9),
        ],
        {"insert", "apart"},
        id="insertion-apart",
    ),
    pytest.param(
        [
            dict(
                label="one",
                start=5,
                end=5,
                category="missing_space",
                replacement=" ",
                detector="aaa_v1",
            ),
            dict(
                label="two",
                start=5,
                end=5,
                category="missing_space",
                replacement=" ",
                detector="bbb_v1",
            ),
        ],
        {"one"},
        id="two-insertions-same-place",
    ),
    pytest.param(
        [
            dict(label="a", start=0, end=10),
            dict(label="b", start=8, end=16),
            dict(label="c", start=14, end=20),
        ],
        {"a", "c"},
        id="greedy-not-transitive",
    ),
    pytest.param(
        [
            dict(label="empty-cut", start=4, end=4),
            dict(label="cut", start=2, end=6, score=0.1),
        ],
        {"cut"},
        id="empty-removal-inside-a-span",
    ),
]


def build(make: FindingFactory, spec: dict[str, Any]) -> Finding:
    args = {k: v for k, v in spec.items() if k != "label"}
    start, end = args.pop("start"), args.pop("end")
    args.setdefault(
        "code", f"{args.get('category', 'boilerplate')}.{spec['label'].replace('-', '_')}"
    )
    return make(ALPHABET, start, end, **args)


@pytest.mark.parametrize(("specs", "expected"), OVERLAP_CASES)
def test_pipeline_overlap_rule(
    specs: list[dict[str, Any]], expected: set[str], finding: FindingFactory
) -> None:
    labelled = {spec["label"]: build(finding, spec) for spec in specs}
    by_key = {key(f): label for label, f in labelled.items()}
    outcomes = []
    # Every input order gives the same decision (the rule does not depend on detector order).
    for order in itertools.permutations(labelled.values()):
        result = decide(ALPHABET, list(order), min_confidence=0.0, max_removed_share=1.0)
        assert_consistent(result)
        got = {by_key[key(f)]: f.status for f in result.findings}
        outcomes.append((got, result.cleaned, result.edits, result.findings))
    assert all(o == outcomes[0] for o in outcomes)
    got = outcomes[0][0]
    assert {label for label, status in got.items() if status == "applied"} == expected
    for label, status in got.items():
        if label not in expected:
            want = "flagged" if labelled[label].action == "flag" else "superseded"
            assert status == want, label


@pytest.mark.parametrize(
    ("spans", "chosen", "superseded"),
    [
        ([(0, 4), (2, 6), (10, 12)], {0, 2}, {1}),
        ([(3, 3), (3, 3)], {0}, {1}),
        ([], set(), set()),
    ],
)
def test_pipeline_resolve_overlaps_indices(
    spans: list[tuple[int, int]], chosen: set[int], superseded: set[int], finding: FindingFactory
) -> None:
    findings = [finding(ALPHABET, s, e) for s, e in spans]
    assert resolve_overlaps(findings) == (chosen, superseded)


# --- detectors, order and errors ---------------------------------------------------------------


def fixed_detector(
    spec: SpecFactory, name: str, spans: list[tuple[int, int, str, str]]
) -> DetectorSpec:
    """A detector returning fixed findings (start, end, category, action) over any document."""

    def detect(doc: Document, ctx: Context) -> list[Finding]:
        return [
            make_finding(
                doc.text,
                s,
                e,
                detector=name,
                category=cat,
                code=f"{cat}.fixed",
                score=0.9,
                reason="fixed span",
                action=act,
                replacement="<fix>" if act == "replace" else None,
            )
            for s, e, cat, act in spans
        ]

    return spec(name, detect, categories=tuple(sorted({s[2] for s in spans})))


TEXT = "Headline here\n\nBody one,two and three.\nShare this article\n\nMore body text here."


@pytest.mark.parametrize(
    "spans",
    [
        (
            [(0, 13, "heading", "remove"), (15, 38, "off_topic", "flag")],
            [
                (20, 27, "markup", "replace"),
                (39, 57, "boilerplate", "remove"),
                (30, 50, "duplicate", "remove"),
            ],
        ),
    ],
)
def test_pipeline_independent_of_detector_order(
    spans: tuple[list[tuple[int, int, str, str]], list[tuple[int, int, str, str]]],
    detector_spec: SpecFactory,
) -> None:
    one = fixed_detector(detector_spec, "first_v1", spans[0])
    two = fixed_detector(detector_spec, "second_v1", spans[1])
    settings = Settings(max_removed_share=1.0)
    forward = Pipeline(settings, detectors=[one, two]).run(TEXT)
    backward = Pipeline(settings, detectors=[two, one]).run(TEXT)
    assert forward.to_dict() == backward.to_dict()
    assert forward.cleaned == backward.cleaned
    assert {f.status for f in forward.findings} == {"applied", "flagged", "superseded"}
    assert_consistent(forward)


def raising(doc: Document, ctx: Context) -> list[Finding]:
    raise ValueError("boom")


def raising_midway(doc: Document, ctx: Context) -> Iterator[Finding]:
    yield from ()
    raise KeyError("midway")


def bad_span(doc: Document, ctx: Context) -> list[Finding]:
    return [
        Finding(
            "bad_v1",
            "boilerplate",
            "boilerplate.x",
            0,
            len(doc.text) + 5,
            doc.text,
            "remove",
            0.9,
            "r",
        )
    ]


def negative_span(doc: Document, ctx: Context) -> list[Finding]:
    return [
        Finding("bad_v1", "boilerplate", "boilerplate.x", -1, 2, doc.text[-1:2], "remove", 0.9, "r")
    ]


def wrong_text(doc: Document, ctx: Context) -> list[Finding]:
    return [Finding("bad_v1", "boilerplate", "boilerplate.x", 0, 4, "nope", "remove", 0.9, "r")]


def reversed_span(doc: Document, ctx: Context) -> list[Finding]:
    return [Finding("bad_v1", "boilerplate", "boilerplate.x", 4, 2, "", "remove", 0.9, "r")]


def foreign_category(doc: Document, ctx: Context) -> list[Finding]:
    return [Finding("bad_v1", "caption", "caption.x", 0, 4, doc.text[:4], "remove", 0.9, "r")]


def not_a_finding(doc: Document, ctx: Context) -> list[Any]:
    return [(0, 4, "remove")]


def replace_without_replacement(doc: Document, ctx: Context) -> list[Finding]:
    return [
        Finding("bad_v1", "boilerplate", "boilerplate.x", 0, 4, doc.text[:4], "replace", 0.9, "r")
    ]


def unknown_action(doc: Document, ctx: Context) -> list[Finding]:
    return [
        Finding("bad_v1", "boilerplate", "boilerplate.x", 0, 4, doc.text[:4], "delete", 0.9, "r")
    ]


def score_out_of_range(doc: Document, ctx: Context) -> list[Finding]:
    return [
        Finding("bad_v1", "boilerplate", "boilerplate.x", 0, 4, doc.text[:4], "remove", 1.5, "r")
    ]


@pytest.mark.parametrize(
    ("func", "message"),
    [
        (raising, "detector bad_v1 failed: ValueError"),
        (raising_midway, "detector bad_v1 failed: KeyError"),
        (bad_span, "does not match"),
        (negative_span, "does not match"),
        (wrong_text, "does not match"),
        (reversed_span, "does not match"),
        (foreign_category, "category 'caption'"),
        (not_a_finding, "not a Finding"),
        (replace_without_replacement, "replacement"),
        (unknown_action, "action 'delete'"),
        (score_out_of_range, "score"),
    ],
)
def test_pipeline_detector_error(
    func: Callable[..., Any], message: str, detector_spec: SpecFactory
) -> None:
    pipeline = Pipeline(detectors=[detector_spec("bad_v1", func)])
    with pytest.raises(DetectorError, match=message) as info:
        pipeline.run("Some text here.")
    assert "bad_v1" in str(info.value)


@pytest.mark.usefixtures("only_missing_space")
@pytest.mark.parametrize("name", ["fake_v1"])
def test_pipeline_uses_registered_detector(
    name: str, registered: Callable[..., Any], finding: FindingFactory
) -> None:
    @registered(name, categories=["boilerplate"])
    def find_share(doc: Document, ctx: Context) -> list[Finding]:
        """Lines that say 'Share'."""
        at = doc.text.find("Share")
        return [] if at < 0 else [finding(doc.text, at, at + 5, detector=name)]

    pipeline = Pipeline(Settings(only=("fake",)))
    assert pipeline.detector_names == [name]
    result = pipeline.run("Body text.\nShare\nMore text.")
    assert result.cleaned == "Body text.\nMore text."
    assert Pipeline(Settings(skip=("fake",))).detector_names == ["missing_space_v1"]


@pytest.mark.parametrize("texts", [["a,bc", "plain", ""]])
def test_pipeline_run_many_ids(texts: list[str]) -> None:
    results = list(Pipeline().run_many(texts))
    assert [r.id for r in results] == ["0", "1", "2"]
    assert [r.cleaned for r in results] == ["a, bc", "plain", ""]


@pytest.mark.parametrize(("text", "doc_id", "source"), [("x,yz", "doc-1", "in/a.txt")])
def test_pipeline_run_document(text: str, doc_id: str, source: str) -> None:
    result = Pipeline().run(Document(text, id=doc_id, source=source))
    assert (result.id, result.source, result.original) == (doc_id, source, text)


# --- settings actions --------------------------------------------------------------------------

SAMPLE = "Keep this line.\nShare on Facebook\nKeep this too."
SHARE = (16, 33)


@pytest.mark.parametrize(
    ("actions", "proposed", "action", "status", "cleaned"),
    [
        ({}, None, "remove", "applied", "Keep this line.\nKeep this too."),
        ({"boilerplate": "flag"}, None, "flag", "flagged", SAMPLE),
        ({"boilerplate": "remove"}, "flag", "remove", "applied", "Keep this line.\nKeep this too."),
        ({"heading": "flag"}, None, "remove", "applied", "Keep this line.\nKeep this too."),
        ({"boilerplate": "off"}, None, None, None, SAMPLE),
    ],
)
def test_pipeline_settings_actions(
    actions: dict[str, str],
    proposed: str | None,
    action: str | None,
    status: str | None,
    cleaned: str,
    finding: FindingFactory,
) -> None:
    share = finding(SAMPLE, *SHARE, action=proposed)
    assert share.text == "Share on Facebook"
    result = decide(SAMPLE, [share], actions=actions)
    assert result.cleaned == cleaned
    if action is None:
        assert result.findings == []
        assert result.stats["findings"] == 0
    else:
        (f,) = result.findings
        assert (f.action, f.status, f.policy) == (action, status, None)
    assert_consistent(result)


@pytest.mark.parametrize(
    ("category", "proposed", "replacement", "action", "cleaned"),
    [
        # An override to "replace" cannot invent a fix: without a replacement the proposal stands.
        ("encoding", "flag", None, "flag", "A bÃ© text"),
        ("markup", "remove", None, "remove", "A text"),
        ("encoding", "flag", "bé", "replace", "A bé text"),
    ],
)
def test_pipeline_replace_override_needs_replacement(
    category: str,
    proposed: str,
    replacement: str | None,
    action: str,
    cleaned: str,
    finding: FindingFactory,
) -> None:
    text = "A bÃ© text"
    f = finding(text, 2, 5, category=category, action=proposed, replacement=replacement)
    result = decide(text, [f], actions={category: "replace"}, max_removed_share=1.0)
    assert result.findings[0].action == action
    assert result.cleaned == cleaned
    assert_consistent(result)


@pytest.mark.parametrize(
    "actions",
    [
        {"boilerplate": "replace"},
        {"missing_space": "remove"},
        {"nonsense": "flag"},
        {"caption": "delete"},
    ],
)
def test_pipeline_settings_invalid_actions_refused(actions: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="valid: "):
        Settings(actions=actions)


# --- safety policy -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "min_confidence", "action", "policy", "run_policy"),
    [
        (0.4, 0.5, "flag", "low_confidence", ["low_confidence"]),
        (0.5, 0.5, "remove", None, []),  # at the threshold: kept
        (0.0, 0.0, "remove", None, []),
        (0.99, 1.0, "flag", "low_confidence", ["low_confidence"]),
    ],
)
def test_pipeline_low_confidence_flags(
    score: float,
    min_confidence: float,
    action: str,
    policy: str | None,
    run_policy: list[str],
    finding: FindingFactory,
) -> None:
    result = decide(SAMPLE, [finding(SAMPLE, *SHARE, score=score)], min_confidence=min_confidence)
    (f,) = result.findings
    assert (f.action, f.policy) == (action, policy)
    assert f.status == ("applied" if action == "remove" else "flagged")
    assert result.policy == run_policy
    assert result.review is False
    assert (result.cleaned == SAMPLE) == (action == "flag")


@pytest.mark.parametrize("category", ["markup", "missing_space"])
def test_pipeline_low_confidence_applies_to_replacements(
    category: str, finding: FindingFactory
) -> None:
    f = finding(SAMPLE, 0, 4, category=category, score=0.2, replacement="KEEP")
    result = decide(SAMPLE, [f])
    assert (result.findings[0].action, result.findings[0].policy) == ("flag", "low_confidence")
    assert result.cleaned == SAMPLE


@pytest.mark.parametrize("score", [0.1])
def test_pipeline_low_confidence_leaves_flags_alone(score: float, finding: FindingFactory) -> None:
    result = decide(SAMPLE, [finding(SAMPLE, *SHARE, action="flag", score=score)])
    assert result.findings[0].policy is None
    assert result.policy == []


TWENTY = "0123456789abcdefghij"


@pytest.mark.parametrize(
    ("remove_end", "share", "fires"),
    [
        (11, 0.5, True),  # 11 of 20 characters
        (10, 0.5, False),  # exactly at the limit: allowed
        (1, 0.0, True),
        (20, 1.0, False),
    ],
)
def test_pipeline_max_removed_share(
    remove_end: int, share: float, fires: bool, finding: FindingFactory
) -> None:
    cut = finding(TWENTY, 0, remove_end, code="boilerplate.cut")
    fix = finding(TWENTY, 15, 17, category="markup", replacement="FG", code="markup.fix")
    result = decide(TWENTY, [cut, fix], max_removed_share=share)
    by_code = {f.code: f for f in result.findings}
    cut_out, fix_out = by_code["boilerplate.cut"], by_code["markup.fix"]
    assert result.review is fires
    assert result.policy == (["max_removed_share"] if fires else [])
    if fires:
        assert (cut_out.action, cut_out.status, cut_out.policy) == (
            "flag",
            "flagged",
            "max_removed_share",
        )
        assert result.cleaned == TWENTY[:15] + "FG" + TWENTY[17:]
    else:
        assert cut_out.status == "applied"
    if remove_end <= 15:
        assert fix_out.status == "applied"  # replacements never turn into flags
    assert_consistent(result)


@pytest.mark.parametrize("share", [0.5])
def test_pipeline_max_removed_share_reruns_overlap_rule(
    share: float, finding: FindingFactory
) -> None:
    cut = finding(TWENTY, 0, 15)
    fix = finding(TWENTY, 2, 4, category="markup", replacement="XY")
    result = decide(TWENTY, [cut, fix], max_removed_share=share)
    # Without the policy the removal supersedes the fix; with it, the fix applies.
    assert [f.status for f in result.findings] == ["flagged", "applied"]
    assert result.cleaned == "01XY456789abcdefghij"
    unlimited = decide(TWENTY, [cut, fix], max_removed_share=1.0)
    assert [f.status for f in unlimited.findings] == ["applied", "superseded"]


@pytest.mark.parametrize("share", [0.3])
def test_pipeline_both_policies_reported(share: float, finding: FindingFactory) -> None:
    result = decide(
        TWENTY,
        [finding(TWENTY, 0, 10), finding(TWENTY, 12, 14, score=0.1)],
        max_removed_share=share,
    )
    assert result.policy == ["low_confidence", "max_removed_share"]
    assert [f.policy for f in result.findings] == ["max_removed_share", "low_confidence"]
    assert result.cleaned == TWENTY
    assert result.review is True


# --- removal widening --------------------------------------------------------------------------

WIDENING_CASES = [
    # (text, span to remove, cleaned)
    ("A\nB\nC", "B", "A\nC"),  # a whole line goes with its line break
    ("A\r\nB\r\nC", "B", "A\r\nC"),
    ("A\rB\rC", "B", "A\rC"),
    ("A\n  B  \nC", "B", "A\nC"),  # with its indentation and trailing blanks
    ("A\n\nB\n\nC", "B", "A\n\nC"),  # a paragraph of its own goes with the blank line after it
    ("A\r\n\r\nB\r\n\r\nC", "B", "A\r\n\r\nC"),
    ("A\n\nB\nC\n\nD", "B\nC", "A\n\nD"),
    ("A\n\nB\nC\n\nD", "B", "A\n\nC\n\nD"),  # a line inside a paragraph: only its break
    ("A\nB", "A", "B"),  # the first line
    ("A\n\nB", "A", "B"),
    ("A\nB", "B", "A"),  # the last line takes the break before it
    ("A\r\nB", "B", "A"),
    ("A\n  B  ", "B", "A"),
    ("foo bar baz", "bar", "foo baz"),  # inside a line: with the spaces after it
    ("foo bar\tbaz", "bar", "foo baz"),
    ("foo bar", "foo", "bar"),
    ("foo bar baz", "baz", "foo bar"),  # at the end of a line: with the spaces before it
    ("foo bar  \nnext", "bar", "foo\nnext"),
    ("foobarbaz", "bar", "foobaz"),  # no white space around: exactly the span
]


@pytest.mark.parametrize(("text", "cut", "cleaned"), WIDENING_CASES)
def test_pipeline_removal_widening(
    text: str, cut: str, cleaned: str, finding: FindingFactory
) -> None:
    at = text.index(cut)
    result = decide(text, [finding(text, at, at + len(cut))], max_removed_share=1.0)
    assert result.cleaned == cleaned
    (edit,) = result.edits
    assert edit.start <= at and at + len(cut) <= edit.end
    assert result.stats["chars_removed"] == len(edit.text) == len(text) - len(cleaned)
    assert_consistent(result)


@pytest.mark.parametrize(
    ("text", "spans", "cleaned"),
    [
        # A removal never widens into a neighbouring edit.
        ("foo bar", [(0, 4, "FOO "), (4, 7, None)], "FOO "),
        ("foo  bar", [(0, 3, None), (4, 8, "BAR!")], "BAR!"),
        ("foo bar baz", [(0, 3, None), (4, 7, None)], "baz"),
        ("A\nB\nC", [(2, 3, None), (4, 5, None)], "A\n"),
    ],
)
def test_pipeline_removal_widening_stops_at_edits(
    text: str, spans: list[tuple[int, int, str | None]], cleaned: str, finding: FindingFactory
) -> None:
    findings = [
        finding(text, s, e, category="markup", replacement=r)
        if r is not None
        else finding(text, s, e)
        for s, e, r in spans
    ]
    result = decide(text, findings, max_removed_share=1.0)
    assert result.cleaned == cleaned
    assert_consistent(result)


# --- restore and offsets -----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "cut", "cleaned"), WIDENING_CASES)
def test_pipeline_restore_from_serialized_edits(
    text: str, cut: str, cleaned: str, finding: FindingFactory
) -> None:
    at = text.index(cut)
    result = decide(text, [finding(text, at, at + len(cut))], max_removed_share=1.0)
    edits = [Edit.from_dict(e) for e in result.to_dict()["edits"]]
    assert restore(result.cleaned, edits) == text
    assert restore(result.cleaned, list(reversed(edits))) == text
    assert restore(result) == text


@pytest.mark.parametrize("cleaned", ["text"])
def test_pipeline_restore_needs_edits(cleaned: str) -> None:
    with pytest.raises(TypeError, match="needs the edits"):
        restore(cleaned)


@pytest.mark.parametrize(
    ("text", "edits", "cleaned"),
    [
        ("", [], ""),
        ("abc", [], "abc"),
        ("abc", [Edit(1, 1, "", "X", 0)], "aXbc"),
        ("abc", [Edit(0, 3, "abc", "", 0)], ""),
        ("a,b c", [Edit(0, 3, "a,b", "a, b", 0), Edit(3, 5, " c", "", 1)], "a, b"),
    ],
)
def test_pipeline_restore_exact(text: str, edits: list[Edit], cleaned: str) -> None:
    assert apply_edits(text, edits) == cleaned
    assert restore(cleaned, edits) == text


@pytest.mark.parametrize(
    ("text", "specs", "cleaned", "mapping"),
    [
        (
            "ab,cd xx ef",
            [(0, 5, "ab, cd"), (6, 8, None)],
            "ab, cd ef",
            [0, 0, 0, 0, 0, 0, 5, 9, 10, 11],
        ),
        ("abcdef", [(3, 3, "--")], "abc--def", [0, 1, 2, 3, 3, 3, 4, 5, 6]),
        ("abcdef", [], "abcdef", [0, 1, 2, 3, 4, 5, 6]),
        ("", [], "", [0]),
    ],
)
def test_pipeline_to_original(
    text: str,
    specs: list[tuple[int, int, str | None]],
    cleaned: str,
    mapping: list[int],
    finding: FindingFactory,
) -> None:
    findings = [
        finding(text, s, e, category="missing_space", replacement=r)
        if r is not None
        else finding(text, s, e)
        for s, e, r in specs
    ]
    result = decide(text, findings, max_removed_share=1.0)
    assert result.cleaned == cleaned
    assert [result.to_original(i) for i in range(len(cleaned) + 1)] == mapping
    for bad in (-1, len(cleaned) + 1):
        with pytest.raises(IndexError):
            result.to_original(bad)


# --- stats -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [SAMPLE])
def test_pipeline_stats(text: str, finding: FindingFactory) -> None:
    findings = [
        finding(text, *SHARE),
        finding(text, 16, 21, action="flag", category="caption"),
        finding(text, 17, 20, code="boilerplate.inner"),
        finding(text, 0, 4, category="markup", replacement="KEEP"),
    ]
    result = decide(text, findings)
    assert result.cleaned == "KEEP this line.\nKeep this too."
    assert result.stats == {
        "chars": len(text),
        "chars_cleaned": len(result.cleaned),
        "chars_removed": len("Share on Facebook\n"),
        "removed_share": round(len("Share on Facebook\n") / len(text), 4),
        "lines": 3,
        "sentences": 3,
        "findings": 4,
        "applied": 2,
        "flagged": 1,
        "superseded": 1,
        "by_category": {
            "boilerplate": {"applied": 1, "superseded": 1},
            "caption": {"flagged": 1},
            "markup": {"applied": 1},
        },
    }


@pytest.mark.parametrize(
    ("lang", "language"),
    [(None, None), ("en", {"code": "en", "probability": None, "source": "declared"})],
)
def test_pipeline_declared_language(lang: str | None, language: dict[str, Any] | None) -> None:
    assert Pipeline(Settings(lang=lang), detectors=[]).run("text").language == language


def test_pipeline_finding_evolve_is_dataclasses_replace(finding: FindingFactory) -> None:
    from dataclasses import replace

    f = finding("abcdef", 1, 3)
    for changes in ({}, {"action": "flag", "policy": "low_confidence"}, {"status": "applied"}):
        assert f.evolve(**changes) == replace(f, **changes)
    with pytest.raises(TypeError, match="no field colour"):
        f.evolve(colour="red")


@pytest.mark.parametrize("enabled", [True, False])
def test_pipeline_pauses_the_garbage_collector_for_long_documents(
    detector_spec: SpecFactory, enabled: bool
) -> None:
    """Long documents are cleaned with the cyclic collector paused; it is enabled again
    afterwards (even when a detector raises), and only if it was enabled before."""
    import gc

    from filters.pipeline import GC_PAUSE_CHARS

    seen: list[bool] = []

    def spy(doc: Document, ctx: Context) -> list[Finding]:
        seen.append(gc.isenabled())
        if doc.text.startswith("raise"):
            raise ValueError("boom")
        return []

    pipeline = Pipeline(detectors=[detector_spec("spy_v1", spy)])
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        pipeline.run("short")
        pipeline.run("x" * GC_PAUSE_CHARS)
        with pytest.raises(DetectorError):
            pipeline.run("raise" + "x" * GC_PAUSE_CHARS)
        assert gc.isenabled() == enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [enabled, False, False]


def test_pipeline_collector_pause_is_shared_by_overlapping_runs() -> None:
    """Runs that overlap (threads) share one pause: the collector comes back with the last."""
    import gc

    from filters.pipeline import _CollectorPause

    pause = _CollectorPause()
    was = gc.isenabled()
    gc.enable()
    try:
        with pause.paused():
            with pause.paused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the first run is still going
        assert gc.isenabled()
        with pause.paused(False):
            assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
