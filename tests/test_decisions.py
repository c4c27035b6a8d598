"""Reviewer decisions replayed on the original texts: the pipeline's own rules, who decided what."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from filters import Pipeline, Settings
from filters.cli_apply import main
from filters.decisions import (
    REVIEWER_DETECTOR,
    DecisionsError,
    apply_decisions,
    decide_all,
    decisions_template,
    report_id,
)
from filters.document import Document
from filters.findings import Finding, make_finding
from filters.pipeline import Edit, Result, restore
from filters.report import DocumentError, build_report, dumps_report, report_schema

VALIDATOR = jsonschema.Draft202012Validator(report_schema())

TEXT = "Photo: Reuters\nHouses are destroyed,civilians died.\nShare this article\n\nThe end."


def fake(
    text: str,
    needle: str,
    category: str = "boilerplate",
    action: str | None = None,
    replacement: str | None = None,
    score: float = 0.9,
) -> Finding:
    start = text.index(needle)
    return make_finding(
        text,
        start,
        start + len(needle),
        detector="fake_v1",
        category=category,
        code=f"{category}.test",
        score=score,
        reason="test finding",
        action=action,
        replacement=replacement,
    )


def run(text: str, findings: list[Finding], id: str = "doc", **settings: Any) -> Result:
    doc = Document(text, id=id, source=f"in/{id}.txt")
    return Pipeline(Settings(**settings), detectors=[]).decide(doc, findings)


def report_of(*outcomes: Result | DocumentError) -> dict[str, Any]:
    # Through JSON, as the command reads it from a file.
    return json.loads(json.dumps(build_report(outcomes, Settings(), ["fake_v1"])))


def decisions(report: dict[str, Any], index: int = 0, **by_finding: str) -> dict[str, Any]:
    """A decisions file: ``f3="reject"`` decides finding 3 of document ``index``."""
    doc = report["documents"][index]
    items = []
    for key, decision in by_finding.items():
        i = int(key[1:])
        f = doc["findings"][i]
        items.append(
            {
                "finding": i,
                "decision": decision,
                "start": f["start"],
                "end": f["end"],
                "code": f["code"],
            }
        )
    out = decisions_template(report)
    out["documents"].append({"index": index, "id": doc["id"], "findings": items, "removals": []})
    return out


def removal(report: dict[str, Any], text: str, needle: str, category: str = "boilerplate") -> dict:
    start = text.index(needle)
    out = decisions_template(report)
    doc = report["documents"][0]
    span = {"start": start, "end": start + len(needle), "text": needle, "category": category}
    out["documents"].append({"index": 0, "id": doc["id"], "findings": [], "removals": [span]})
    return out


def findings_of(updated: dict[str, Any], index: int = 0) -> list[dict[str, Any]]:
    return updated["documents"][index]["findings"]


def assert_valid(updated: dict[str, Any], cleaned: dict[str, str], texts: dict[str, str]) -> None:
    VALIDATOR.validate(updated)
    for doc in updated["documents"]:
        if doc["status"] != "ok":
            continue
        edits = [Edit.from_dict(e) for e in doc["edits"]]
        assert restore(cleaned[doc["id"]], edits) == texts[doc["id"]]
        for f in doc["findings"]:
            assert f["decided_by"] in {"pipeline", "reviewer"}
            assert ("decision" in f) == (f["decided_by"] == "reviewer")


# --- replay without decisions ---------------------------------------------------------------------


def test_apply_decisions_none_gives_the_run_back() -> None:
    found = [
        fake(TEXT, "Photo: Reuters", "caption"),
        fake(TEXT, "destroyed,civilians", "missing_space", "replace", "destroyed, civilians"),
        fake(TEXT, "Share this article"),
        fake(TEXT, "The end.", "readability"),
    ]
    result = run(TEXT, found)
    report = report_of(result)
    cleaned, updated = apply_decisions(report, decisions_template(report), {"doc": TEXT})
    assert cleaned == {"doc": result.cleaned}
    assert {f["decided_by"] for f in findings_of(updated)} == {"pipeline"}
    original = report["documents"][0]
    for key in ("edits", "stats", "review", "policy"):
        assert updated["documents"][0][key] == original[key], key
    assert_valid(updated, cleaned, {"doc": TEXT})


@given(
    st.text(st.sampled_from("ab ,\n\u00e9"), max_size=40),
    st.lists(
        st.tuples(
            st.integers(0, 40),
            st.integers(0, 12),
            st.sampled_from(["remove", "replace", "flag"]),
            st.floats(0.0, 1.0),
            st.sampled_from([None, "accept", "reject"]),
        ),
        max_size=6,
    ),
    st.floats(0.1, 0.9),
)
@settings(deadline=None)  # the first example pays for building the schema's validator
def test_apply_decisions_rebuilds_and_follows_the_pipeline(
    text: str, raw: list[Any], share: float
) -> None:
    found = []
    for start, length, action, score, _ in raw:
        start = min(start, len(text))
        end = min(start + length, len(text))
        category = "markup" if action == "replace" else "caption"
        found.append(
            make_finding(
                text,
                start,
                end,
                detector="fake_v1",
                category=category,
                code=f"{category}.test",
                score=score,
                reason="r",
                action=action,
                replacement="x" if action == "replace" else None,
            )
        )
    result = run(text, found, max_removed_share=share)
    report = report_of(result)
    none, _ = apply_decisions(report, decisions_template(report), {"doc": text})
    assert none["doc"] == result.cleaned
    chosen = {f"f{i}": d for i, (*_, d) in enumerate(raw) if d and i < len(result.findings)}
    cleaned, updated = apply_decisions(report, decisions(report, **chosen), {"doc": text})
    assert_valid(updated, cleaned, {"doc": text})
    rejected = [f for f in findings_of(updated) if f.get("decision") == "reject"]
    assert all(f["status"] == "flagged" for f in rejected)


# --- decisions ------------------------------------------------------------------------------------


def test_apply_decisions_reject_frees_the_span_for_the_superseded() -> None:
    long = fake(TEXT, "Houses are destroyed,civilians died.", "off_topic")
    fix = fake(TEXT, "destroyed,civilians", "missing_space", "replace", "destroyed, civilians")
    result = run(TEXT, [long, fix])
    report = report_of(result)
    statuses = [f["status"] for f in report["documents"][0]["findings"]]
    assert statuses == ["applied", "superseded"]
    cleaned, updated = apply_decisions(report, decisions(report, f0="reject"), {"doc": TEXT})
    assert cleaned["doc"] == TEXT.replace("destroyed,civilians", "destroyed, civilians")
    first, second = findings_of(updated)
    assert (first["decided_by"], first["decision"], first["status"]) == (
        "reviewer",
        "reject",
        "flagged",
    )
    assert (second["decided_by"], second["status"]) == ("pipeline", "applied")
    assert_valid(updated, cleaned, {"doc": TEXT})


def test_apply_decisions_accept_low_confidence_removes_with_widening() -> None:
    result = run(TEXT, [fake(TEXT, "Share this article", score=0.2)])
    report = report_of(result)
    assert report["documents"][0]["findings"][0]["policy"] == "low_confidence"
    assert report["documents"][0]["policy"] == ["low_confidence"]
    cleaned, updated = apply_decisions(report, decisions(report, f0="accept"), {"doc": TEXT})
    # The whole line goes, with its line break: the pipeline's own widening.
    assert cleaned["doc"] == TEXT.replace("Share this article\n", "")
    (f,) = findings_of(updated)
    assert (f["action"], f["status"], f["policy"], f["decision"]) == (
        "remove",
        "applied",
        None,
        "accept",
    )
    assert updated["documents"][0]["policy"] == []
    assert_valid(updated, cleaned, {"doc": TEXT})


def test_apply_decisions_accept_low_confidence_replacement() -> None:
    fix = fake(TEXT, "destroyed,civilians", "missing_space", "replace", "destroyed, civilians", 0.1)
    report = report_of(run(TEXT, [fix]))
    cleaned, _ = apply_decisions(report, decisions(report, f0="accept"), {"doc": TEXT})
    assert cleaned["doc"] == TEXT.replace("destroyed,civilians", "destroyed, civilians")


def test_apply_decisions_review_policy_overridden_by_reviewer() -> None:
    text = "Keep this.\nDrop all of this long sentence please.\nAnd this line too."
    found = [fake(text, "Drop all of this long sentence please."), fake(text, "And this line too.")]
    result = run(text, found, max_removed_share=0.3)
    report = report_of(result)
    assert report["documents"][0]["review"] and result.cleaned == text
    # One decided: the other stays held back by the policy, and the document still needs review.
    cleaned, updated = apply_decisions(report, decisions(report, f0="accept"), {"doc": text})
    assert cleaned["doc"] == "Keep this.\nAnd this line too."
    assert updated["documents"][0]["review"] is True
    assert findings_of(updated)[1]["policy"] == "max_removed_share"
    assert updated["documents"][0]["policy"] == ["max_removed_share"]
    # Both decided: the reviewer's word stands over the share limit.
    cleaned, updated = apply_decisions(
        report, decisions(report, f0="accept", f1="accept"), {"doc": text}
    )
    assert cleaned["doc"] == "Keep this.\n"  # the pipeline's widening, edit by edit
    assert updated["documents"][0]["review"] is False
    assert updated["summary"]["review"] == 0
    assert_valid(updated, cleaned, {"doc": text})


def test_apply_decisions_plain_flag_accepted_stays_a_flag() -> None:
    report = report_of(run(TEXT, [fake(TEXT, "The end.", "readability")]))
    cleaned, updated = apply_decisions(report, decisions(report, f0="accept"), {"doc": TEXT})
    assert cleaned["doc"] == TEXT
    (f,) = findings_of(updated)
    assert (f["action"], f["status"], f["decision"]) == ("flag", "flagged", "accept")


def test_apply_decisions_reject_everything_keeps_the_original() -> None:
    found = [
        fake(TEXT, "Photo: Reuters", "caption"),
        fake(TEXT, "destroyed,civilians", "missing_space", "replace", "destroyed, civilians"),
    ]
    report = report_of(run(TEXT, found))
    cleaned, updated = apply_decisions(report, decide_all(report, "reject"), {"doc": TEXT})
    assert cleaned["doc"] == TEXT
    assert updated["documents"][0]["edits"] == []
    assert updated["summary"]["categories"]["caption"]["applied"] == 0


def test_apply_decisions_reviewer_removal_is_a_new_finding() -> None:
    report = report_of(run(TEXT, [fake(TEXT, "Photo: Reuters", "caption")]))
    cleaned, updated = apply_decisions(
        report, removal(report, TEXT, "Share this article", "boilerplate"), {"doc": TEXT}
    )
    assert cleaned["doc"] == "Houses are destroyed,civilians died.\n\nThe end."
    added = [f for f in findings_of(updated) if f["detector"] == REVIEWER_DETECTOR]
    assert len(added) == 1
    assert added[0]["decided_by"] == "reviewer" and added[0]["category"] == "boilerplate"
    assert added[0]["status"] == "applied" and added[0]["score"] == 1.0
    assert updated["detectors"] == ["fake_v1", REVIEWER_DETECTOR]
    assert_valid(updated, cleaned, {"doc": TEXT})


def test_apply_decisions_reviewer_removal_overlapping_an_edit() -> None:
    fix = fake(TEXT, "destroyed,civilians", "missing_space", "replace", "destroyed, civilians")
    report = report_of(run(TEXT, [fix]))
    # The longer span wins the pipeline's overlap rule; the replacement is superseded.
    cleaned, updated = apply_decisions(
        report, removal(report, TEXT, "Houses are destroyed,civilians died.\n"), {"doc": TEXT}
    )
    assert cleaned["doc"] == "Photo: Reuters\nShare this article\n\nThe end."
    assert [f["status"] for f in findings_of(updated)] == ["applied", "superseded"]


def test_apply_decisions_keeps_failed_documents() -> None:
    bad = DocumentError(id="bad", source="in/bad.txt", error="not UTF-8")
    report = report_of(bad, run(TEXT, [fake(TEXT, "Photo: Reuters", "caption")]))
    cleaned, updated = apply_decisions(report, decisions(report, 1, f0="reject"), {"doc": TEXT})
    assert cleaned == {"doc": TEXT}
    assert updated["documents"][0] == report["documents"][0]
    assert updated["summary"]["failed"] == 1


# --- refusals -------------------------------------------------------------------------------------


def _broken(report: dict[str, Any], change: str) -> dict[str, Any]:
    out = decisions(report, f0="accept")
    doc = out["documents"][0]
    if change == "report id":
        out["report_id"] = "sha256:" + "0" * 64
    elif change == "schema":
        out["schema"] = "something/else"
    elif change == "span":
        doc["findings"][0]["start"] += 1
    elif change == "decision":
        doc["findings"][0]["decision"] = "maybe"
    elif change == "finding":
        doc["findings"][0]["finding"] = 7
    elif change == "index":
        doc["index"] = 3
    elif change == "id":
        doc["id"] = "other"
    elif change == "removal text":
        doc["removals"] = [{"start": 0, "end": 5, "text": "Nope!", "category": "caption"}]
    elif change == "removal category":
        doc["removals"] = [{"start": 0, "end": 5, "text": "Photo", "category": "markup"}]
    elif change == "removal span":
        doc["removals"] = [{"start": 5, "end": 5, "text": "", "category": "caption"}]
    return out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("report id", "made on report"),
        ("schema", "not a decisions file"),
        ("span", "not the one the reviewer saw"),
        ("decision", "valid: accept, reject"),
        ("finding", "bad or repeated finding 7"),
        ("index", "bad or repeated document index 3"),
        ("id", "the report has id 'doc'"),
        ("removal text", "does not match the text"),
        ("removal category", "valid: off_topic"),
        ("removal span", "0 <= start < end"),
    ],
)
def test_apply_decisions_refuses(change: str, message: str) -> None:
    report = report_of(run(TEXT, [fake(TEXT, "Photo: Reuters", "caption")]))
    with pytest.raises(DecisionsError, match=message):
        apply_decisions(report, _broken(report, change), {"doc": TEXT})


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ({}, "no original text for document 'doc'"),
        ({"doc": TEXT + "!"}, "characters, the report says"),
        ({"doc": TEXT.replace("Photo", "photo")}, "finding 0 .* does not match"),
    ],
    ids=["missing", "longer", "changed"],
)
def test_apply_decisions_refuses_other_texts(texts: dict[str, str], message: str) -> None:
    report = report_of(run(TEXT, [fake(TEXT, "Photo: Reuters", "caption")]))
    with pytest.raises(DecisionsError, match=message):
        apply_decisions(report, decisions_template(report), texts)


def test_report_id_changes_with_the_report() -> None:
    report = report_of(run(TEXT, [fake(TEXT, "Photo: Reuters", "caption")]))
    other = copy.deepcopy(report)
    other["documents"][0]["findings"][0]["score"] = 0.5
    assert report_id(report) != report_id(other)
    assert report_id(report) == report_id(copy.deepcopy(report))
    assert report_id(report).startswith("sha256:") and len(report_id(report)) == 71


# --- the command ----------------------------------------------------------------------------------

SECOND = "Subscribe to our newsletter\nThe second story,with a glued comma."


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """Two originals under in/, and the report of a run over them with absolute sources."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    outcomes: list[Result | DocumentError] = []
    for name, text, found in [
        ("a", TEXT, [fake(TEXT, "Photo: Reuters", "caption")]),
        ("b", SECOND, [fake(SECOND, "Subscribe to our newsletter", score=0.3)]),
    ]:
        path = inputs / f"{name}.txt"
        path.write_bytes(text.encode("utf-8"))
        result = run(text, found, id=name)
        result.source = str(path)
        outcomes.append(result)
    report = build_report(outcomes, Settings(), ["fake_v1"])
    (tmp_path / "report.json").write_text(dumps_report(report), encoding="utf-8")
    return tmp_path


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def write_decisions(run_dir: Path, **by_doc: dict[str, str]) -> Path:
    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
    out = decisions_template(report)
    for index, doc in enumerate(report["documents"]):
        for_doc = by_doc.get(doc["id"])
        if for_doc:
            one = decisions(report, index, **for_doc)
            out["documents"].extend(one["documents"])
    path = run_dir / "decisions.json"
    path.write_text(json.dumps(out), encoding="utf-8")
    return path


def test_cli_apply_writes_texts_and_report(run_dir: Path) -> None:
    decided = write_decisions(run_dir, a={"f0": "reject"}, b={"f0": "accept"})
    out = run_dir / "final"
    result = invoke(
        "--report", str(run_dir / "report.json"), "--decisions", str(decided), "-o", str(out)
    )
    assert result.exit_code == 0, result.stderr
    assert (out / "a.txt").read_text(encoding="utf-8") == TEXT
    assert (out / "b.txt").read_text(encoding="utf-8") == SECOND.split("\n", 1)[1]
    updated = json.loads((out / "report.json").read_text(encoding="utf-8"))
    VALIDATOR.validate(updated)
    assert [f["decision"] for d in updated["documents"] for f in d["findings"]] == [
        "reject",
        "accept",
    ]
    assert "1 accepted, 1 rejected, 0 removals added" in result.stderr
    assert result.stdout == ""


def test_cli_apply_reads_a_texts_folder(run_dir: Path) -> None:
    decided = write_decisions(run_dir)
    moved = run_dir / "moved"
    (run_dir / "in").rename(moved)
    args = ["--report", str(run_dir / "report.json"), "--decisions", str(decided)]
    result = invoke(*args, "-o", str(run_dir / "final"))
    assert result.exit_code == 1
    assert "cannot read the original of 'a'" in result.stderr and "No such file" in result.stderr
    result = invoke(*args, "--texts", str(moved), "-o", str(run_dir / "final"))
    assert result.exit_code == 0, result.stderr
    assert (run_dir / "final" / "a.txt").read_text(encoding="utf-8") == TEXT.split("\n", 1)[1]


def test_cli_apply_refuses_a_changed_original(run_dir: Path) -> None:
    decided = write_decisions(run_dir, a={"f0": "reject"})
    (run_dir / "in" / "a.txt").write_text(TEXT.replace("Photo", "photo"), encoding="utf-8")
    out = run_dir / "final"
    result = invoke(
        "--report", str(run_dir / "report.json"), "--decisions", str(decided), "-o", str(out)
    )
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "the original of 'a'" in lines[0] and "not the text the report was made from" in lines[0]
    assert not out.exists()


def test_cli_apply_reads_jsonl_sources(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "x", "text": TEXT}), json.dumps({"id": "y", "body": SECOND})]
    source = tmp_path / "pages.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(TEXT, [fake(TEXT, "Photo: Reuters", "caption")], id="x")
    result.source = f"{source}:1"
    report = build_report([result], Settings(), ["fake_v1"])
    (tmp_path / "report.json").write_text(dumps_report(report), encoding="utf-8")
    decided = tmp_path / "d.json"
    decided.write_text(json.dumps(decide_all(report, "reject")), encoding="utf-8")
    out = tmp_path / "final"
    args = ["--report", str(tmp_path / "report.json"), "--decisions", str(decided), "-o", str(out)]
    assert invoke(*args).exit_code == 0
    assert (out / "x.txt").read_text(encoding="utf-8") == TEXT
    bad = invoke(*args, "--text-field", "body")
    assert bad.exit_code == 1 and "no string field 'body'" in bad.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("other report", "made on report"),
        ("not json", "is not valid JSON"),
        ("missing", "cannot read decisions"),
        ("overwrite", "would overwrite an input"),
    ],
)
def test_cli_apply_usage_errors(run_dir: Path, change: str, message: str) -> None:
    decided = write_decisions(run_dir)
    out = run_dir / "final"
    if change == "other report":
        data = json.loads(decided.read_text(encoding="utf-8"))
        data["report_id"] = "sha256:" + "1" * 64
        decided.write_text(json.dumps(data), encoding="utf-8")
    elif change == "not json":
        decided.write_text("{", encoding="utf-8")
    elif change == "missing":
        decided.unlink()
    elif change == "overwrite":
        out = run_dir / "in"
    result = invoke(
        "--report", str(run_dir / "report.json"), "--decisions", str(decided), "-o", str(out)
    )
    assert result.exit_code == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert result.stderr.startswith("clean-news-apply: error: ")


@pytest.mark.parametrize(
    "doc_id, message",
    [
        ("../escape", "cannot name a file inside the output folder"),
        ("a/../../escape", "cannot name a file inside the output folder"),
        ("/etc/escape", "cannot name a file inside the output folder"),
        ("a\x00b", "cannot name a file inside the output folder"),
        ("..\\escape", "cannot name a file inside the output folder"),
        ("x" * 300, "is too long for a file name"),
    ],
)
def test_cli_apply_refuses_ids_that_leave_the_output(
    run_dir: Path, doc_id: str, message: str
) -> None:
    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
    report["documents"][0]["id"] = doc_id
    (run_dir / "report.json").write_text(json.dumps(report), encoding="utf-8")
    decided = write_decisions(run_dir)
    result = invoke(
        "--report",
        str(run_dir / "report.json"),
        "--decisions",
        str(decided),
        "-o",
        str(run_dir / "o"),
    )
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (run_dir / "escape.txt").exists() and not (run_dir / "o").exists()


def test_cli_apply_refuses_a_link_out_of_the_output(run_dir: Path) -> None:
    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
    report["documents"][0]["id"] = "sub/doc"
    (run_dir / "report.json").write_text(json.dumps(report), encoding="utf-8")
    outside = run_dir / "outside"
    outside.mkdir()
    (run_dir / "o").mkdir()
    (run_dir / "o" / "sub").symlink_to(outside)
    decided = write_decisions(run_dir)
    result = invoke(
        "--report", str(run_dir / "report.json"), "--decisions", str(decided),
        "-o", str(run_dir / "o"),
    )  # fmt: skip
    assert result.exit_code == 2 and "leads out of the output folder" in result.stderr
    assert list(outside.iterdir()) == []


def test_cli_apply_missing_option_is_a_usage_error() -> None:
    result = invoke("--report", "r.json")
    assert result.exit_code == 2 and "--decisions" in result.stderr
