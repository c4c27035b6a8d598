"""The throughput bench's measuring functions, on a tiny corpus made here, without datatrove.

No timing is asserted: only that the figures exist, add up and are written.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from filters.evaluation import bench
from filters.registry import select

TEXTS = [
    "Houses are destroyed,civilians died.\n\nThe mayor spoke on Monday. He said 121,000 left.",
    "Share this article\n\nThe council met on Tuesday. It voted to keep the library open.",
    "",
    "   \n",
    "Prices rose 3.5% in the U.S. last year. Economists expect a slower rise in 2025.",
]

DATATROVE_MODULES = (
    "datatrove",
    "datatrove.data",
    "datatrove.pipeline",
    "datatrove.pipeline.filters",
)


@pytest.fixture
def no_datatrove(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make datatrove unimportable, whether or not this environment has it."""
    for name in DATATROVE_MODULES:
        monkeypatch.setitem(sys.modules, name, None)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A corpora folder with the two Scrapinghub files the bench reads."""
    root = tmp_path / "corpora"
    (root / "scrapinghub").mkdir(parents=True)
    records = [
        {"id": str(i), "extractor": "x", "version": None, "text": t} for i, t in enumerate(TEXTS)
    ]
    with gzip.open(root / bench.EXTRACTOR_OUTPUTS, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(r) + "\n" for r in records)
    gold = [{"id": "0", "url": "https://example.org/a", "body": TEXTS[1]}]
    (root / bench.GOLD_BODIES).write_text("".join(json.dumps(r) + "\n" for r in gold), "utf-8")
    return root


@pytest.mark.parametrize(
    ("limit", "expected"),
    [(None, [TEXTS[0], TEXTS[1], TEXTS[4]]), (2, [TEXTS[0], TEXTS[1]])],
)
def test_bench_corpus_skips_and_counts_empty_texts(limit: int | None, expected: list[str]) -> None:
    corpus = bench.corpus_from_texts("c", [*TEXTS, None], limit)
    assert corpus.texts == expected
    assert corpus.skipped_empty == 3
    assert corpus.bytes == sum(len(t.encode("utf-8")) for t in expected)


def test_bench_find_data_names_the_missing_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(bench.ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(bench.DataMissing, match=r"no corpora folder at .*nowhere"):
        bench.find_data()


def test_bench_find_data_names_the_missing_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(bench.ENV_VAR, str(tmp_path))
    with pytest.raises(bench.DataMissing, match=r"extractor-outputs.*ground-truth"):
        bench.find_data()


def test_bench_main_exits_2_with_one_line_when_data_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(bench.ENV_VAR, str(tmp_path / "nowhere"))
    assert bench.main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("bench: no corpora folder at ")
    assert "Traceback" not in captured.err


@pytest.mark.usefixtures("no_datatrove")
def test_bench_reference_is_skipped_without_datatrove() -> None:
    stack, reason = bench.load_reference()
    assert stack is None
    assert reason is not None
    assert reason.startswith("datatrove is not importable")


class _Keep:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def filter(self, doc: Any) -> bool:
        self.seen.append(doc.id)
        return True


class _DropShort:
    def filter(self, doc: Any) -> bool | tuple[bool, str]:
        return (False, "short") if len(doc.text) < 10 else True


class _Doc:
    def __init__(self, text: str, id: str) -> None:
        self.text, self.id = text, id


def test_bench_reference_stack_stops_at_the_first_filter_that_drops() -> None:
    last = _Keep()
    stack = bench.ReferenceStack(
        _Doc, [("first", _Keep()), ("short", _DropShort()), ("last", last)], None
    )
    outcomes = stack.run(["tiny", "a longer document"])
    assert outcomes == {"short: short": 1, "kept": 1}
    assert last.seen == ["1"]
    profile = stack.profile(["tiny", "a longer document"])
    assert [(p["filter"], p["docs"]) for p in profile] == [("first", 2), ("short", 2), ("last", 1)]


def test_bench_stage_profile_covers_segmentation_every_detector_and_decide() -> None:
    stages = bench.profile_stages([t for t in TEXTS if t.strip()])
    names = [s["stage"] for s in stages]
    assert names == ["segmentation", *(s.name for s in select()), "decide/apply"]
    assert sum(s["share"] for s in stages) == pytest.approx(1.0)
    assert all(s["us_per_doc"] >= 0 for s in stages)


def test_bench_language_stage_is_also_given_over_the_english_documents() -> None:
    english = (
        "The council met on Monday and approved the budget for the new school year. "
        "The mayor said that the money would go to teachers, books and the repair of "
        "two old buildings, and that the town would hold a meeting about it in the spring."
    )
    german = (
        "Der Rat hat am Montag getagt und den Haushalt für das neue Schuljahr gebilligt. "
        "Der Bürgermeister sagte, das Geld gehe an die Lehrer, an Bücher und an die "
        "Reparatur von zwei alten Gebäuden, und die Stadt werde im Frühjahr darüber beraten."
    )
    stages = bench.profile_stages([english, german, english])
    assert {s["english_docs"] for s in stages} == {2}
    assert all(s["us_per_english_doc"] >= 0 for s in stages)
    line = bench._language_stage_line("tiny", stages)
    assert "over its 2 English documents" in line
    assert bench._language_stage_line("none", bench.profile_stages([german])).endswith(
        "no English document"
    )


@pytest.mark.usefixtures("no_datatrove")
def test_bench_run_without_datatrove_measures_only_clean_news() -> None:
    corpus = bench.corpus_from_texts("tiny", TEXTS)
    report = bench.run_bench([corpus], reps=2)
    assert report["datatrove"]["available"] is False
    assert report["ratio"] == {}
    [row] = report["throughput"]
    assert (row["corpus"], row["stack"], row["docs"], row["reps"]) == ("tiny", "clean-news", 3, 2)
    assert row["docs_per_s"]["min"] <= row["docs_per_s"]["median"] <= row["docs_per_s"]["max"]
    assert report["memory"]["tracemalloc_peak"]["tiny"] > 0
    assert report["memory"]["maxrss"]["end"] > 0
    text = bench.render_report(report, bench.machine_info())
    assert "datatrove: skipped: datatrove is not importable" in text
    assert "clean-news" in text


def test_bench_run_with_a_reference_stack_reports_ratio_and_outcomes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = bench.DATATROVE_FILTERS
    steps: list[tuple[str, Any]] = [(n, _Keep()) for n in names[:-1]] + [(names[-1], _DropShort())]
    stack = bench.ReferenceStack(_Doc, steps, "test")
    monkeypatch.setattr(bench, "load_reference", lambda: (stack, None))
    corpus = bench.corpus_from_texts("tiny", [*TEXTS, "short"])
    report = bench.run_bench([corpus], reps=1)
    assert [row["stack"] for row in report["throughput"]] == ["clean-news", "datatrove"]
    assert report["ratio"]["tiny"] > 0
    assert report["datatrove"]["outcomes"]["tiny"] == {"kept": 3, f"{names[-1]}: short": 1}
    text = bench.render_report(report, bench.machine_info())
    assert "ratio clean-news / datatrove, tiny:" in text
    assert f"dropped by {names[-1]}" in text


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        (
            {"kept": 2, "GopherQualityFilter: a": 3, "GopherQualityFilter: b": 1},
            [("kept", 2, ""), ("dropped by GopherQualityFilter", 4, "a 3, b 1")],
        ),
    ],
)
def test_bench_outcomes_group_by_filter(
    outcomes: dict[str, int], expected: list[tuple[str, int, str]]
) -> None:
    assert bench._by_filter(outcomes)[: len(expected)] == expected


class _ParallelPipeline:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def clean_many(self, texts: Iterable[str], jobs: int = 1) -> Iterator[str]:
        self.calls.append(jobs)
        yield from texts


def test_bench_uses_a_parallel_mode_only_when_the_package_has_one() -> None:
    assert bench.parallel_entry(bench.Pipeline()) in (None, *_parallel_methods())
    fake = _ParallelPipeline()
    entry = bench.parallel_entry(fake)  # type: ignore[arg-type]
    assert entry is not None
    assert bench._with_jobs(entry, 2)(["a", "b"]) == 2
    assert fake.calls == [2]


def _parallel_methods() -> list[object]:
    pipeline = bench.Pipeline()
    return [getattr(pipeline, n) for n in ("clean_many", "run_many") if hasattr(pipeline, n)]


@pytest.mark.usefixtures("no_datatrove")
def test_bench_main_prints_tables_and_writes_json(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(bench.ENV_VAR, str(data_dir))
    out = tmp_path / "out"
    assert bench.main(["--reps", "1", "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    for heading in ("corpora", "throughput per core", "our pipeline per stage", "memory:"):
        assert heading in stdout
    figures = json.loads((out / "bench.json").read_text("utf-8"))
    assert figures["schema"] == bench.SCHEMA
    assert {c["name"]: (c["docs"], c["skipped_empty"]) for c in figures["corpora"]} == {
        "extractor-outputs": (3, 2),
        "gold-bodies": (1, 0),
    }
    for key in ("cpu", "cores", "python", "clean_news", "datatrove", "date"):
        assert key in figures["machine"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["a", "1"], ["bbb", "22"]], "x     y\n---  --\na     1\nbbb  22"),
    ],
)
def test_bench_render_table_aligns_labels_left_and_figures_right(
    rows: list[list[str]], expected: str
) -> None:
    assert bench.render_table(["x", "y"], rows) == expected
