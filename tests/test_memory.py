"""Memory of batch runs: how workers start, what a chunk keeps, and JSONL lines in blocks."""

from __future__ import annotations

import io
import json
import signal
import sys
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from filters import Pipeline
from filters.batch import _write_block
from filters.io import PartWriter
from filters.parallel import WorkerPool, mp_context
from filters.records import (
    Chunk,
    Record,
    RecordOptions,
    process_chunk,
    unpack_block,
    worker_setup,
)

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork start on Linux")

TEXT = "The council met on Tuesday,and approved the budget.\nShare this article\n"


def _record(n: int, data: bytes, source: int = 0) -> Record:
    return Record("jsonl", data, f"in.jsonl:{n}", f"in:{n}", source, pos=n)


def _line(n: int, **extra: object) -> bytes:
    return json.dumps({"id": f"d{n}", "text": f"Number {n}. {TEXT}", **extra}).encode()


def _chunk(merge: bool) -> Chunk:
    records = [
        _record(1, _line(1)),
        _record(2, _line(2, note="ünïcode ✓")),
        _record(3, b"not json"),  # an error: written nowhere, breaks the block
        _record(4, _line(4)),
        _record(5, _line(5), source=1),  # another source: a block of its own
        _record(6, json.dumps({"id": "d6", "text": None}).encode(), source=1),
    ]
    return Chunk(records, prepare=True, merge=merge)


@pytest.fixture(scope="module")
def state() -> tuple[Pipeline, RecordOptions]:
    pipeline = Pipeline()
    return worker_setup(pipeline.settings, pipeline.detectors, RecordOptions())


def test_memory_merged_blocks_equal_the_lines(state: tuple[Pipeline, RecordOptions]) -> None:
    plain = process_chunk(state, _chunk(merge=False))
    merged = process_chunk(state, _chunk(merge=True))
    assert all(isinstance(i.output, str | None) for i in plain.items)
    kinds = [(i.source, type(i.output).__name__, i.error is not None) for i in merged.items]
    assert kinds == [
        (0, "bytes", False),  # lines 1 and 2
        (0, "NoneType", True),  # line 3, not JSON
        (0, "bytes", False),  # line 4
        (1, "bytes", False),  # line 5
        (1, "str", True),  # line 6: written with its error, not merged
    ]

    def text(items: list) -> list[tuple[int, str]]:  # type: ignore[type-arg]
        out = []
        for i in items:
            if i.output is not None:
                if isinstance(i.output, str):
                    value = i.output
                else:
                    value = b"".join(unpack_block(i.output)).decode("utf-8")
                out.append((i.source, value))
        return out

    joined: dict[int, str] = {}
    for source, value in text(plain.items):
        joined[source] = joined.get(source, "") + value
    merged_joined: dict[int, str] = {}
    for source, value in text(merged.items):
        merged_joined[source] = merged_joined.get(source, "") + value
    assert merged_joined == joined
    assert [i.error for i in merged.items if i.error] == [i.error for i in plain.items if i.error]
    assert merged.summary == plain.summary


def test_memory_merge_keeps_items_that_carry_more(state: tuple[Pipeline, RecordOptions]) -> None:
    pipeline, _ = state
    options = RecordOptions(report=True)
    result = process_chunk((pipeline, options), _chunk(merge=True))
    assert all(not isinstance(i.output, bytes) for i in result.items)
    assert len(result.items) == 6


def test_memory_chunk_drops_raw_bytes_once_parsed(state: tuple[Pipeline, RecordOptions]) -> None:
    chunk = _chunk(merge=True)
    result = process_chunk(state, chunk)
    assert [r.data for r in chunk.records] == [b""] * 6
    assert [r.where for r in chunk.records] == [f"in.jsonl:{n}" for n in range(1, 7)]
    assert result.pos == 6


@pytest.mark.parametrize("kind", ["text", "part", "stdout"])
def test_memory_write_block_writes_the_same_text(tmp_path: Path, kind: str) -> None:
    block = zlib.compress("first ✓\n".encode() + "second é\n".encode() * 300_000)
    expected = "zero\nfirst ✓\n" + "second é\n" * 300_000  # pieces split "é"
    if kind == "text":
        raw = io.BytesIO()
        handle = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        handle.write("zero\n")
        _write_block(handle, block)
        handle.flush()
        assert raw.getvalue().decode("utf-8") == expected
    elif kind == "part":
        writer = PartWriter(tmp_path / "out.jsonl")
        writer.write("zero\n")
        _write_block(writer, block)
        writer.commit()
        assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == expected
    else:
        sink = io.StringIO()
        sink.write("zero\n")
        _write_block(sink, block)
        assert sink.getvalue() == expected


@linux
def test_memory_single_threaded_parent_forks() -> None:
    assert threading.active_count() == 1, "the test runs without other threads"
    assert mp_context().get_start_method() == "fork"


def test_memory_parent_with_threads_does_not_fork() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert mp_context().get_start_method() in ("forkserver", "spawn")
    finally:
        stop.set()
        thread.join()


def _setup() -> None:
    return None


def _signals(_state: None, _task: int) -> tuple[bool, bool, bool]:
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    return (
        signal.getsignal(signal.SIGINT) == signal.SIG_IGN,
        signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
        not ({signal.SIGINT, signal.SIGTERM} & blocked),
    )


@linux
def test_memory_forked_workers_reset_signals() -> None:
    """A forked worker ignores Ctrl-C, dies on SIGTERM, and has neither blocked,
    though the parent handles SIGTERM and blocks both while it starts workers."""
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        with WorkerPool(2, _setup) as pool:
            assert list(pool.map(_signals, range(4))) == [(True, True, True)] * 4
    finally:
        signal.signal(signal.SIGTERM, previous)


def _square(_state: None, task: int) -> int:
    return task * task


@pytest.mark.parametrize(("budget", "most"), [(25, 3), (5, 2), (None, 10)])
def test_memory_pool_bounds_tasks_in_flight_by_size(budget: int | None, most: int) -> None:
    """Tasks of size 10: at most ``budget`` pending besides the oldest (and never
    fewer than two, so a worker is always busy), or ``in_flight`` without a budget."""
    pulled = 0

    def tasks() -> Iterator[int]:
        nonlocal pulled
        for n in range(30):
            pulled += 1
            yield n

    seen = []
    with WorkerPool(2, _setup, in_flight=10, in_flight_bytes=budget) as pool:
        for done, value in enumerate(pool.map(_square, tasks(), size=lambda _: 10)):
            seen.append(pulled - done)
            assert value == done * done
    assert max(seen) == most


def _total(_state: None, chunk: Chunk) -> int:
    return sum(len(r.data) for r in chunk.records)


def test_memory_pool_lets_go_of_sent_chunks() -> None:
    """Once a chunk is sent to a worker the parent's copy is empty; the worker
    gets the records, and the results are the same."""
    chunks = [Chunk([_record(n, _line(n)) for n in range(k, k + 3)], prepare=True) for k in (0, 3)]
    sizes = [sum(len(r.data) for r in c.records) for c in chunks]
    with WorkerPool(2, _setup) as pool:
        assert list(pool.map(_total, chunks)) == sizes
    assert [c.records for c in chunks] == [[], []]
    with WorkerPool(1, _setup) as pool:  # one job: nothing is sent, nothing let go
        kept = [Chunk([_record(1, _line(1))], prepare=True)]
        assert list(pool.map(_total, kept)) == [len(_line(1))]
    assert len(kept[0].records) == 1
