"""Scale: streaming (also .gz and .zst), --jobs, windows for batch hooks, progress, summary."""

from __future__ import annotations

import gzip
import io
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import zstandard
from click.testing import CliRunner

from filters import Document, Pipeline, Settings, clean_batch, clean_many
from filters.cli import cli
from filters.console import Progress, progress_line, summary_table
from filters.findings import Finding, make_finding
from filters.io import atomic_writer, open_input
from filters.parallel import AUTO_JOBS_THRESHOLD, available_cores, resolve_jobs
from filters.registry import Context, register, unregister
from filters.report import (
    DocumentError,
    ReportWriter,
    Summary,
    build_report,
    dumps_report,
    entry_json,
    jsonl_record,
    summarize,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed_texts() -> list[str]:
    return [p.read_bytes().decode("utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def jsonl_lines(count: int, bad: bool = True) -> list[str]:
    """``count`` records made of the seeds (ids, extra fields), and a few bad lines."""
    texts = seed_texts()
    lines = [
        json.dumps({"id": f"d{i}", "text": texts[i % len(texts)], "n": i}, ensure_ascii=False)
        for i in range(count)
    ]
    if bad:
        lines.insert(3, "{not json")
        lines.insert(9, json.dumps({"id": "no-text", "body": "x"}))
        lines.insert(11, json.dumps(["not", "an", "object"]))
        lines.insert(14, json.dumps({"text": "no id,here"}))
    return lines


def write_jsonl(path: Path, lines: Sequence[str]) -> Path:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if path.name.endswith(".gz"):
        data = gzip.compress(data)
    elif path.name.endswith(".zst"):
        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)
    return path


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


# ------------------------------------------------------------------ streams


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_scale_compressed_jsonl_in_and_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    monkeypatch.chdir(tmp_path)
    lines = jsonl_lines(12)
    write_jsonl(tmp_path / "in.jsonl", lines)
    write_jsonl(tmp_path / f"in{suffix}", lines)
    assert invoke("in.jsonl", "-o", "a.jsonl", "-q").exit_code == 1
    assert invoke(f"in{suffix}", "-o", "b.jsonl", "-q").exit_code == 1
    expected = (tmp_path / "a.jsonl").read_bytes()
    # error messages name the file
    got = (tmp_path / "b.jsonl").read_bytes().replace(f"in{suffix}:".encode(), b"in.jsonl:")
    assert got == expected
    out = tmp_path / f"out{suffix}"
    assert invoke("in.jsonl", "-o", str(out), "-q").exit_code == 1
    with open_input(out) as stream:
        assert b"".join(stream) == expected


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_scale_compressed_output_is_deterministic(tmp_path: Path, suffix: str) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", jsonl_lines(6, bad=False))
    first, second = tmp_path / f"1{suffix}", tmp_path / f"2{suffix}"
    for out in (first, second):
        assert invoke(str(src), "-o", str(out), "-q").exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_scale_folder_finds_compressed_jsonl(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    write_jsonl(tmp_path / "in" / "a.jsonl.gz", jsonl_lines(3, bad=False))
    write_jsonl(tmp_path / "in" / "b.jsonl.zst", jsonl_lines(2, bad=False))
    out = tmp_path / "out"
    assert invoke(str(tmp_path / "in"), "-o", str(out), "-q").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["a.jsonl.gz", "b.jsonl.zst"]
    with open_input(out / "a.jsonl.gz") as stream:
        assert len(list(stream)) == 3


def test_scale_corrupt_gzip_fails_that_source_only(tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", jsonl_lines(2, bad=False))
    data = gzip.compress(("\n".join(jsonl_lines(50, bad=False)) + "\n").encode())
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(data[: len(data) // 2])
    out = tmp_path / "all.jsonl"
    result = invoke(str(good), str(bad), "-o", str(out))
    assert result.exit_code == 1
    assert "bad.jsonl.gz: cannot read after line" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(out.read_text("utf-8").splitlines()) >= 2


def test_scale_atomic_writer_leaves_nothing_on_error(tmp_path: Path) -> None:
    target = tmp_path / "x.jsonl.gz"
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write("partial\n")
        raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ report


def test_scale_streamed_report_equals_built_report(tmp_path: Path) -> None:
    pipeline = Pipeline()
    outcomes = [
        pipeline.run("a,bc de,fg", id="x", source="x.txt"),
        DocumentError("e", "e.txt", "e.txt: not valid UTF-8 at byte 3"),
        pipeline.run("", id="é"),
    ]
    for chosen in (outcomes, []):
        path = tmp_path / "r.json"
        summary = Summary()
        with ReportWriter(path, pipeline.settings, pipeline.detector_names) as writer:
            for outcome in chosen:
                entry = outcome.to_dict()
                writer.add(entry_json(entry))
                summary.add(entry)
            writer.finish(summary.to_dict())
        built = build_report(chosen, pipeline.settings, pipeline.detector_names)
        assert path.read_text("utf-8") == dumps_report(built)


def test_scale_summary_merges_like_one_count() -> None:
    pipeline = Pipeline()
    docs = [pipeline.run(t, id=str(i)).to_dict() for i, t in enumerate(seed_texts())]
    docs.append(DocumentError("bad", None, "bad").to_dict())
    left, right = Summary(), Summary()
    for i, doc in enumerate(docs):
        (left if i % 2 else right).add(doc)
    left.merge(right)
    assert left.to_dict() == summarize(docs)


def test_scale_report_unfinished_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    with pytest.raises(RuntimeError, match="summary"), ReportWriter(path, Settings(), []):
        pass
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ --jobs


def test_scale_jsonl_output_identical_across_jobs(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", jsonl_lines(90))
    outputs = {}
    for jobs in ("1", "2"):
        out, report = tmp_path / f"out{jobs}.jsonl", tmp_path / f"r{jobs}.json"
        result = invoke(str(src), "-o", str(out), "--report", str(report), "--jobs", jobs)
        assert result.exit_code == 1, result.stderr
        assert f", {'1 process' if jobs == '1' else '2 processes'})" in result.stderr
        outputs[jobs] = (out.read_bytes(), report.read_bytes())
    assert outputs["1"] == outputs["2"]
    lines = outputs["1"][0].decode("utf-8").splitlines()
    assert [json.loads(line)["clean_news"]["id"] for line in lines[:4]] == ["d0", "d1", "d2", "d3"]
    assert len(lines) == 90 + 2  # the two lines that are not JSON objects are left out


def test_scale_text_folder_identical_across_jobs(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i, text in enumerate(seed_texts() * 12):
        (src / f"{i:03d}.txt").write_text(text, encoding="utf-8", newline="")
    (src / "zz-bad.txt").write_bytes(b"caf\xe9,au lait")
    results = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = invoke(str(src), "-o", str(out), "--jobs", jobs, "-q")
        assert result.exit_code == 1
        results[jobs] = {p.name: p.read_bytes() for p in out.iterdir()}
    assert results["1"] == results["2"]
    assert len(results["1"]) == 60


def test_scale_stdout_identical_across_jobs(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", jsonl_lines(60, bad=False))
    one = invoke(str(src), "--jobs", "1", "-q").stdout
    two = invoke(str(src), "--jobs", "2", "-q").stdout
    assert one == two
    assert len(one.splitlines()) == 60


@pytest.mark.parametrize(
    ("jobs", "documents", "expected"),
    [
        (3, 10, 3),
        (None, AUTO_JOBS_THRESHOLD, 1),
        (None, AUTO_JOBS_THRESHOLD + 1, available_cores()),
        (None, None, available_cores()),
    ],
)
def test_scale_resolve_jobs(jobs: int | None, documents: int | None, expected: int) -> None:
    if documents is not None and documents > AUTO_JOBS_THRESHOLD:
        documents = None  # more than the threshold is reported as "many"
    assert resolve_jobs(jobs, documents) == expected


def test_scale_few_documents_run_in_one_process(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", jsonl_lines(5, bad=False))
    result = invoke(str(src), "-o", str(tmp_path / "o.jsonl"))
    assert ", 1 process)" in result.stderr


# ------------------------------------------------------------------ windows


def window_state(docs: Sequence[Document]) -> tuple[str, str, int]:
    """Batch hook of the throw-away detector: the window's first and last id, its size."""
    return (docs[0].id, docs[-1].id, len(docs)) if docs else ("", "", 0)


def flag_window(doc: Document, ctx: Context) -> Iterator[Finding]:
    first, last, size = ctx.batch["window_v1"]
    if doc.text:
        yield make_finding(
            doc.text,
            0,
            1,
            detector="window_v1",
            category="duplicate",
            code="duplicate.window",
            score=0.9,
            reason=f"window {first}..{last} of {size}",
            action="flag",
        )


@pytest.fixture
def window_detector() -> Iterator[str]:
    register("window_v1", categories=["duplicate"], prepare=window_state)(flag_window)
    yield "window_v1"
    unregister("window_v1")


def window_reasons(data: bytes) -> dict[str, str]:
    reasons = {}
    for line in data.decode("utf-8").splitlines():
        info = json.loads(line)["clean_news"]
        for f in info.get("findings", []):
            if f["detector"] == "window_v1":
                reasons[info["id"]] = f["reason"]
    return reasons


def test_scale_windows_identical_across_jobs(tmp_path: Path, window_detector: str) -> None:
    lines = jsonl_lines(40, bad=False)
    src = write_jsonl(tmp_path / "in.jsonl", lines)
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"o{jobs}.jsonl"
        args = (str(src), "-o", str(out), "--jobs", jobs, "--window", "7", "-q")
        assert invoke(*args, "--only", f"{window_detector},missing_space").exit_code == 0
        outputs[jobs] = out.read_bytes()
    assert outputs["1"] == outputs["2"]
    reasons = window_reasons(outputs["1"])
    assert reasons["d0"] == reasons["d6"] == "window d0..d6 of 7"
    assert reasons["d7"] == "window d7..d13 of 7"
    assert reasons["d39"] == "window d35..d39 of 5"
    # the same windows as Pipeline.run_many over the same documents
    pipeline = Pipeline(Settings(only=(window_detector,)))
    docs = [Document(json.loads(line)["text"], id=json.loads(line)["id"]) for line in lines]
    expected = {r.id: r.findings[0].reason for r in pipeline.run_many(docs, window=7)}
    assert reasons == expected


def test_scale_windows_keep_places_of_bad_records(tmp_path: Path, window_detector: str) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", jsonl_lines(12))
    out = tmp_path / "o.jsonl"
    invoke(str(src), "-o", str(out), "--window", "5", "--only", window_detector, "-q")
    reasons = window_reasons(out.read_bytes())
    # records 1-5 of the file: d0 d1 d2, a bad line, d3: the hook sees the four documents
    assert reasons["d0"] == "window d0..d3 of 4"


def test_scale_clean_many_equals_run_many(window_detector: str) -> None:
    texts = seed_texts() * 12
    pipeline = Pipeline(Settings(only=(window_detector, "missing_space")))
    expected = [r.to_dict() for r in pipeline.run_many(texts, window=9)]
    for jobs in (1, 2):
        results = list(clean_many(texts, jobs=jobs, window=9, pipeline=pipeline))
        assert [r.to_dict() for r in results] == expected
        assert [r.original for r in results] == texts


def test_scale_clean_many_auto_jobs_and_documents() -> None:
    docs = [Document("a,bc", id="x", lang="en"), "d,ef"]
    results = list(clean_many(iter(docs), jobs=None))
    assert [r.id for r in results] == ["x", "1"]
    assert results[0].cleaned == "a, bc"
    assert results[0].language == {"code": "en", "probability": None, "source": "declared"}


def test_scale_clean_many_refuses_bad_window() -> None:
    with pytest.raises(ValueError, match="window must be at least 1"):
        list(clean_many(["a"], window=0))


def test_scale_clean_batch_columns() -> None:
    texts = ["a word,glued", None, 5, ""]
    out = clean_batch(texts, ids=["a", "b", "c", "d"])  # type: ignore[list-item]
    assert out["text"] == ["a word, glued", None, 5, ""]
    first = out["clean_news"][0]
    assert first == jsonl_record(Pipeline().run("a word,glued", id="a"))
    assert out["clean_news"][1]["error"] == "text is missing"
    assert out["clean_news"][2]["error"] == "text is a int, not a string"
    as_json = clean_batch(["a word,glued"], as_json=True)
    assert json.loads(as_json["clean_news"][0])["findings"] == first["findings"]


# ------------------------------------------------------------------ progress and summary


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_scale_progress_line_redraws_with_rate_and_eta() -> None:
    stream, clock = FakeTerminal(), Clock()
    progress = Progress(stream, enabled=True, clock=clock)
    progress.update(10, 100, 1000)  # before the first second: nothing
    assert stream.getvalue() == ""
    clock.now = 2.0
    progress.update(200, 250, 1000)
    assert stream.getvalue() == "\rclean-news: 200 documents, 100 docs/s, 25% read, ETA 0:06"
    clock.now = 2.1
    progress.update(210, 260, 1000)  # within the refresh interval: nothing
    progress.clear()
    assert stream.getvalue().endswith("\r" + " " * 57 + "\r")


def test_scale_progress_line_without_known_size() -> None:
    assert progress_line(5, 10, None, 2.0) == "clean-news: 5 documents, 2 docs/s"


def test_scale_progress_off_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", jsonl_lines(3, bad=False))
    result = invoke(str(src), "-o", str(tmp_path / "o.jsonl"))
    assert "\r" not in result.stderr
    assert "documents cleaned" in result.stderr


def test_scale_summary_table(tmp_path: Path) -> None:
    result = invoke(str(SEEDS), "-o", str(tmp_path / "out"), "--only", "missing_space")
    lines = result.stderr.splitlines()
    assert lines[0].startswith("clean-news: 5 of 5 documents cleaned in ")
    labels = [line.split()[0] for line in lines[1:4]]
    assert labels == ["errors", "need", "removed"]
    assert lines[4].split() == [
        "category", "findings", "applied", "flagged", "superseded", "chars", "removed"
    ]  # fmt: skip
    assert lines[5].split()[0] == "missing_space"
    assert invoke(str(SEEDS), "-o", str(tmp_path / "out2"), "-q").stderr == ""


def test_scale_summary_table_counts() -> None:
    summary = summarize([DocumentError("x", None, "bad").to_dict()])
    lines = summary_table(summary, 2.0, 1, resumed=3)
    assert lines[0] == "clean-news: 0 of 1 documents cleaned in 2.0 s (0 docs/s, 1 process)"
    assert "  errors       1" in lines
    assert "  resumed      3 records were written by an earlier run" in lines
    assert lines[-1] == "  no findings"


def test_scale_html_limit_note(tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    result = invoke(
        str(SEEDS), "-o", str(tmp_path / "out"), "--html", str(page), "--html-limit", "2"
    )
    assert result.exit_code == 0
    assert "the HTML page shows the first 2 of 5 documents" in result.stderr
    html = page.read_text("utf-8")
    stems = [p.stem for p in sorted(SEEDS.glob("*.txt"))]
    assert all(stem in html for stem in stems[:2])
    assert not any(stem in html for stem in stems[2:])


def test_scale_html_limit_with_workers(tmp_path: Path) -> None:
    texts = seed_texts()
    lines = [json.dumps({"id": f"rec-{i:04d}", "text": texts[i % 5]}) for i in range(150)]
    src = write_jsonl(tmp_path / "in.jsonl", lines)
    page = tmp_path / "r.html"
    args = (str(src), "-o", str(tmp_path / "o.jsonl"), "--html", str(page), "--jobs", "2")
    result = invoke(*args, "--html-limit", "70")
    assert result.exit_code == 0, result.stderr
    assert "the HTML page shows the first 70 of 150 documents" in result.stderr
    html = page.read_text("utf-8")
    assert "rec-0069" in html
    assert "rec-0070" not in html


# ------------------------------------------------------------------ Ray is optional


def test_scale_ray_module_imports_without_ray(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    from filters import ray_data

    with pytest.raises(ray_data.RayUnavailable, match=r"pip install 'clean-news\[ray\]'"):
        ray_data.init_ray()


def test_scale_engine_ray_without_ray_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    src = write_jsonl(tmp_path / "in.jsonl", jsonl_lines(2, bad=False))
    result = invoke("--engine", "ray", str(src), "-o", str(tmp_path / "out/"))
    assert result.exit_code == 2
    assert "clean-news[ray]" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "ray", "-"], "not standard input"),
        (["--engine", "ray", "x.jsonl", "-o", "o.jsonl"], "writes a folder"),
        (["--engine", "ray", "x.jsonl", "-o", "o/", "--resume"], "not available"),
        (["--ray-address", "auto", "-"], "--ray-address needs --engine ray"),
    ],
)
def test_scale_engine_ray_usage_errors(args: list[str], message: str) -> None:
    result = invoke(*args, input="")
    assert result.exit_code == 2
    assert message in result.stderr
