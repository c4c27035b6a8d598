"""The JSON report: it validates against the shipped schema, and its summary adds up."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from filters import Pipeline, Settings, __version__
from filters.document import Document
from filters.findings import CATEGORIES, STATUSES, make_finding
from filters.report import (
    REPORT_SCHEMA,
    DocumentError,
    build_report,
    dumps_report,
    jsonl_record,
    report_schema,
)

TEXTS = {
    "glued": "Houses are destroyed,civilians died.\nOfficials said,adding more.",
    "clean": "Some 121,000 people left the U.S. on 10:30 trains.",
    "empty": "",
}


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = report_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(validator: Draft202012Validator, report: dict[str, Any]) -> list[str]:
    return [e.message for e in validator.iter_errors(report)]


def make_report(settings: Settings | None = None) -> dict[str, Any]:
    settings = settings or Settings()
    pipeline = Pipeline(settings)
    outcomes: list[Any] = [
        pipeline.run(text, id=name, source=f"{name}.txt") for name, text in TEXTS.items()
    ]
    outcomes.append(
        DocumentError(id="broken", source="broken.txt", error="not valid UTF-8 at byte 3")
    )
    return build_report(outcomes, settings, pipeline.detector_names)


MIXED_TEXT = "Share this story\nBody one,two here.\nA line to cut.\nMore body."


def mixed_report() -> dict[str, Any]:
    """A run with every status, both policies, a review and a removal."""
    text = MIXED_TEXT
    settings = Settings(lang="en", max_removed_share=0.2, actions={"heading": "flag"})

    def finding(sub: str, **kw: Any) -> Any:
        at = text.index(sub)
        kw.setdefault("category", "boilerplate")
        kw.setdefault("score", 0.9)
        return make_finding(
            text,
            at,
            at + len(sub),
            detector="fake_v1",
            code=kw["category"] + ".x",
            reason="t",
            **kw,
        )

    findings = [
        finding("Share this story"),
        finding("A line to cut.", score=0.1),
        finding("Body one,two", category="markup", replacement="Body one, two"),
        finding("one,two", category="missing_space", replacement="one, two"),
    ]
    pipeline = Pipeline(settings, detectors=[])
    result = pipeline.decide(pipeline.document(text, id="mixed"), findings)
    ok = Pipeline(Settings(max_removed_share=1.0), detectors=[]).decide(
        Document(text, id="removed"), findings[:1]
    )
    return build_report([result, ok], settings, ["fake_v1"])


@pytest.mark.parametrize("build", [make_report, mixed_report], ids=["seeds-like", "mixed"])
def test_report_validates(
    build: Callable[[], dict[str, Any]], validator: Draft202012Validator
) -> None:
    report = build()
    assert errors(validator, report) == []
    # What a consumer reads back from disk validates too.
    assert errors(validator, json.loads(dumps_report(report))) == []


@pytest.mark.usefixtures("only_missing_space")
@pytest.mark.parametrize("settings", [Settings(), Settings(lang="de", actions={"caption": "off"})])
def test_report_header(settings: Settings) -> None:
    report = make_report(settings)
    assert report["schema"] == REPORT_SCHEMA == "clean-news/report/1"
    assert report["tool"] == {"name": "clean-news", "version": __version__}
    assert report["settings"] == settings.to_dict()
    assert report["detectors"] == ["missing_space_v1"]
    assert [d["id"] for d in report["documents"]] == [*TEXTS, "broken"]


def break_category(r: dict[str, Any]) -> None:
    r["documents"][0]["findings"][0]["category"] = "bogus"


def drop_summary(r: dict[str, Any]) -> None:
    del r["summary"]


def drop_finding_field(r: dict[str, Any]) -> None:
    del r["documents"][0]["findings"][0]["reason"]


def extra_document_field(r: dict[str, Any]) -> None:
    r["documents"][0]["cleaned"] = "text"


def bad_action(r: dict[str, Any]) -> None:
    r["documents"][0]["findings"][0]["action"] = "delete"


def bad_score(r: dict[str, Any]) -> None:
    r["documents"][0]["findings"][0]["score"] = 1.5


def bad_schema_name(r: dict[str, Any]) -> None:
    r["schema"] = "clean-news/report/2"


def bad_detector_name(r: dict[str, Any]) -> None:
    r["detectors"] = ["Missing Space"]


def empty_error(r: dict[str, Any]) -> None:
    r["documents"][-1]["error"] = ""


def negative_offset(r: dict[str, Any]) -> None:
    r["documents"][0]["edits"][0]["start"] = -1


def bad_summary_category(r: dict[str, Any]) -> None:
    r["summary"]["categories"]["bogus"] = r["summary"]["categories"]["caption"]


def bad_policy(r: dict[str, Any]) -> None:
    r["documents"][0]["policy"] = ["be_careful"]


@pytest.mark.parametrize(
    "breakage",
    [
        break_category,
        drop_summary,
        drop_finding_field,
        extra_document_field,
        bad_action,
        bad_score,
        bad_schema_name,
        bad_detector_name,
        empty_error,
        negative_offset,
        bad_summary_category,
        bad_policy,
    ],
)
def test_report_broken_does_not_validate(
    breakage: Callable[[dict[str, Any]], None], validator: Draft202012Validator
) -> None:
    report = copy.deepcopy(make_report())
    breakage(report)
    assert errors(validator, report) != []


@pytest.mark.parametrize("build", [make_report])
def test_report_summary_counts(build: Callable[[], dict[str, Any]]) -> None:
    report = build()
    summary = report["summary"]
    ok_chars = sum(len(t) for t in TEXTS.values())
    assert {k: v for k, v in summary.items() if k != "categories"} == {
        "documents": 4,
        "ok": 3,
        "failed": 1,
        "review": 0,
        "chars": ok_chars,
        "chars_removed": 0,
        "removed_share": 0.0,
    }
    assert list(summary["categories"]) == list(CATEGORIES)
    for cat, entry in summary["categories"].items():
        expected = {"findings": 0, **{s: 0 for s in STATUSES}, "chars_removed": 0}
        if cat == "missing_space":
            expected.update(findings=2, applied=2)
        assert entry == expected, cat


@pytest.mark.parametrize("build", [mixed_report])
def test_report_summary_counts_mixed(build: Callable[[], dict[str, Any]]) -> None:
    report = build()
    mixed, removed = report["documents"]
    assert mixed["review"] is True
    assert mixed["policy"] == ["low_confidence", "max_removed_share"]
    assert mixed["language"] == {"code": "en", "probability": None, "source": "declared"}
    assert [f["status"] for f in mixed["findings"]] == [
        "flagged",
        "applied",
        "superseded",
        "flagged",
    ]
    summary = report["summary"]
    cut = len("Share this story\n")
    assert summary["review"] == 1
    assert summary["chars"] == 2 * len(MIXED_TEXT)
    assert summary["chars_removed"] == cut == removed["stats"]["chars_removed"]
    assert summary["removed_share"] == round(cut / (2 * len(MIXED_TEXT)), 4)
    cats = summary["categories"]
    assert cats["boilerplate"] == {
        "findings": 3,
        "applied": 1,
        "flagged": 2,
        "superseded": 0,
        "chars_removed": cut,
    }
    assert cats["markup"] == {
        "findings": 1,
        "applied": 1,
        "flagged": 0,
        "superseded": 0,
        "chars_removed": 0,
    }
    assert cats["missing_space"] == {
        "findings": 1,
        "applied": 0,
        "flagged": 0,
        "superseded": 1,
        "chars_removed": 0,
    }


@pytest.mark.parametrize("outcomes", [[]])
def test_report_empty_run(outcomes: list[Any], validator: Draft202012Validator) -> None:
    report = build_report(outcomes, Settings(), [])
    assert errors(validator, report) == []
    assert report["summary"]["documents"] == 0
    assert report["summary"]["removed_share"] == 0.0


@pytest.mark.parametrize(("text", "doc_id"), [("a,bc", "d1")])
def test_report_jsonl_record(text: str, doc_id: str) -> None:
    result = Pipeline().run(text, id=doc_id)
    record = jsonl_record(result)
    assert record["version"] == __version__
    assert record["id"] == doc_id
    assert record["findings"] == [f.to_dict() for f in result.findings]
    assert record["edits"] == [e.to_dict() for e in result.edits]
    failed = jsonl_record(DocumentError(id=doc_id, source=None, error="bad"))
    assert failed == {"version": __version__, "id": doc_id, "error": "bad"}


@pytest.mark.parametrize("report", [{"schema": REPORT_SCHEMA, "tool": {"name": "clean-news"}}])
def test_report_dumps_is_stable(report: dict[str, Any]) -> None:
    text = dumps_report(report)
    assert text.endswith("}\n")
    assert dumps_report(json.loads(text)) == text
