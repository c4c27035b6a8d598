"""Cleaning many documents: text files and JSONL streams, to files, a folder or stdout.

One bad document never stops the batch: it becomes a ``DocumentError`` with a
one-line reason, its output is not written (text) or carries the error in its
``clean_news`` object (JSONL), and the run goes on. The JSONL rules and the
work done per record are in :mod:`filters.records`.

Streaming and memory. The runner reads its inputs as streams, one record at a
time (a JSONL line, or a whole text file), and never holds the run: outputs,
report entries and the summary are written or counted as results come back,
in input order. What is in memory at once is bounded by the records in flight:
``2 * jobs`` chunks of ``chunk_size`` (64) records, or, when a detector has a
batch hook, ``jobs + 1`` windows of ``window`` (1000) records, and their
results. With news articles (about 7 KB) a window is 5 to 10 MB of input and
about 1.5 times that of output, plus each process's pipeline and models;
``--html`` also keeps the first ``html_limit`` documents for the page. To keep
that small, the parent lets go of a chunk once it is sent (the worker has it)
and holds at most ``IN_FLIGHT_BYTES`` of input besides the oldest chunk; a
worker drops each record's raw bytes once parsed and its JSON object once
written, and returns the JSONL lines of a chunk as compressed blocks
(:attr:`filters.records.Chunk.merge`), which the parent writes as they come.
On a 1 GB JSONL file of news articles, ``--jobs 2`` peaked at about 340 MB
for the whole process tree (parent about 85 MB, each worker about 140 MB, of
which about 100 MB is the pipeline and its models).

Windows. When a selected detector has a batch hook (``prepare``), the records
are cut into windows of ``window`` consecutive records in input order, across
inputs, and the hook runs over each window's documents before they are
cleaned, as :meth:`filters.Pipeline.run_many` does. A record that is not a
document (a line that is not a JSON object, a missing text field) holds its
place in the window but is not shown to the hook. Windows are formed here, in
the parent, so they are the same whatever ``jobs`` is, and so is the output.

Resuming (``resume=True``: JSONL inputs, outputs to a file or a folder). Each
output goes to ``TARGET.part``, appended a chunk at a time and flushed, and is
renamed to ``TARGET`` when its input is complete; a new run recognises what is
written (:mod:`filters.resume`) and cleans only the rest. A window that
straddles the resume point is shown whole to the batch hooks again, so the
output is byte for byte that of an uninterrupted run.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from .decoding import Decoding, sniff_binary
from .io import (
    STREAM_ERRORS,
    InputError,
    PartWriter,
    Source,
    atomic_writer,
    open_input,
    read_bytes,
    zstd_errors,
)
from .parallel import AUTO_JOBS_THRESHOLD, CHUNK_SIZE, WINDOW, Ready, WorkerPool, resolve_jobs
from .pipeline import Pipeline
from .records import (
    Chunk,
    ChunkResult,
    Processed,
    Record,
    RecordOptions,
    process_chunk,
    unpack_block,
    worker_setup,
)
from .report import ReportWriter, Summary
from .resume import Resume, ResumeError

__all__ = ["HTML_LIMIT", "BatchOutcome", "BatchRunner", "OutputPlan", "ResumeError"]

#: Documents kept for the HTML page by default (the page is for reviewers).
HTML_LIMIT = 2000
#: Input bytes of the chunks in flight, besides the oldest: windows of news
#: articles (5 to 10 MB each) are held ``jobs + 1`` at a time, windows of very
#: long documents fewer, so the parent does not hold several hundred MB of them.
IN_FLIGHT_BYTES = 64 << 20


class TextSink(Protocol):
    """Where text goes: a file opened for writing, or standard output."""

    def write(self, text: str, /) -> int: ...


@dataclass(frozen=True)
class OutputPlan:
    """Where cleaned documents go: ``stdout``, one ``file``, or a ``folder``."""

    kind: str
    path: Path | None = None

    def target(self, source: Source) -> Path | None:
        if self.kind == "folder" and self.path is not None:
            return self.path / source.rel
        return self.path


# ------------------------------------------------------------ the parent


@dataclass
class BatchOutcome:
    """What a run did: the summary, and the documents kept for the HTML page."""

    summary: Summary = field(default_factory=Summary)
    documents: list[dict[str, Any]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    not_shown: int = 0  # documents beyond html_limit, left out of the page
    jobs: int = 1
    resumed: int = 0  # records an earlier run had written (--resume)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return self.summary.failed


#: progress(documents done, input bytes read, total input bytes or None)
ProgressFn = Callable[[int, int, int | None], None]


class BatchRunner:
    """Runs a pipeline over sources and writes the outputs as the plan says.

    ``jobs`` worker processes (``None``: every core when there are more than 50
    records, else 1), windows of ``window`` records for batch hooks, the report
    streamed to ``report_path``; ``keep_texts`` keeps the first ``html_limit``
    documents and their originals for the HTML page.
    """

    def __init__(
        self,
        pipeline: Pipeline,
        plan: OutputPlan,
        stdout: TextSink,
        *,
        text_field: str = "text",
        id_field: str = "id",
        decoding: Decoding | None = None,
        keep_texts: bool = False,
        stdin: IO[bytes] | None = None,
        jobs: int | None = 1,
        window: int = WINDOW,
        chunk_size: int = CHUNK_SIZE,
        report_path: Path | None = None,
        html_limit: int = HTML_LIMIT,
        resume: bool = False,
        progress: ProgressFn | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        if window < 1:
            raise ValueError(f"window must be at least 1, not {window}")
        self.pipeline = pipeline
        self.plan = plan
        self.stdout = stdout
        self.stdin = stdin
        self.jobs = jobs
        self.window = window
        self.chunk_size = chunk_size
        self.report_path = report_path
        self.html_limit = html_limit
        self.resume = resume
        self.progress = progress
        self.on_error = on_error
        self.options = RecordOptions(
            text_field,
            id_field,
            report=report_path is not None,
            keep=keep_texts,
            decoding=decoding or Decoding(),
        )

    # -- the run ------------------------------------------------------------

    def run(self, sources: list[Source]) -> BatchOutcome:
        started = time.perf_counter()
        batch = BatchOutcome()
        total = _total_size(sources)
        records = self._records(sources)
        head: list[Record] = []
        if self.jobs is None:
            for record in records:
                head.append(record)
                if len(head) > AUTO_JOBS_THRESHOLD:
                    break
        batch.jobs = resolve_jobs(
            self.jobs, len(head) if len(head) <= AUTO_JOBS_THRESHOLD else None
        )
        stream = _chain(head, records)
        with ExitStack() as stack:
            resume = Resume(self.plan, sources, self.options) if self.resume else None
            if resume is not None:
                stack.callback(resume.close)
            sinks = stack.enter_context(_Sinks(self.plan, sources, self.stdout, resume))
            report = None
            if self.report_path is not None:
                report = stack.enter_context(
                    ReportWriter(
                        self.report_path, self.pipeline.settings, self.pipeline.detector_names
                    )
                )
            # windows are big chunks: one per worker and one waiting is enough
            in_flight = batch.jobs + 1 if self.pipeline.needs_batch else 2 * batch.jobs
            pool = stack.enter_context(
                WorkerPool(
                    batch.jobs,
                    worker_setup,
                    (self.pipeline.settings, self.pipeline.detectors, self.options),
                    in_flight=in_flight,
                    in_flight_bytes=IN_FLIGHT_BYTES,
                )
            )
            tasks = self._limit_kept(self._tasks(stream, resume, batch), batch.jobs > 1)
            for result in pool.map(process_chunk, tasks, size=_input_bytes):
                for item in result.items:
                    sinks.write(item)
                    if report is not None and item.entry is not None:
                        report.add(item.entry)
                    if item.error is not None and self.on_error is not None:
                        self.on_error(item.error)
                    if self.options.keep:
                        self._keep(item, batch)
                sinks.checkpoint()
                batch.summary.merge(result.summary)
                if self.progress is not None:
                    self.progress(batch.summary.documents, result.pos, total)
            if resume is not None:
                resume.check_complete()
            sinks.finish()
            if report is not None:
                report.finish(batch.summary.to_dict())
        batch.seconds = time.perf_counter() - started
        return batch

    def _limit_kept(
        self, tasks: Iterator[Chunk | Ready[ChunkResult]], merge: bool
    ) -> Iterator[Chunk | Ready[ChunkResult]]:
        """Ask workers for documents for the HTML page only until the page is full,
        and, with ``merge`` (worker processes), for JSONL lines in compressed blocks
        (:attr:`Chunk.merge`): less to pass and hold; one process has no need of it."""
        sent = 0
        for task in tasks:
            if isinstance(task, Chunk):
                task.merge = merge
                task.keep = sent < self.html_limit
                sent += len(task.records)
            yield task

    def _keep(self, item: Processed, batch: BatchOutcome) -> None:
        if item.doc is None or len(batch.documents) >= self.html_limit:
            batch.not_shown += 1
            return
        batch.documents.append(item.doc)
        if item.original is not None:
            batch.texts[item.doc["id"]] = item.original

    def _tasks(
        self, records: Iterator[Record], resume: Resume | None, batch: BatchOutcome
    ) -> Iterator[Chunk | Ready[ChunkResult]]:
        """Chunks in input order; windows of ``window`` records when hooks need them.

        Records an earlier run wrote (``--resume``) come back as ready results,
        or, in a window that also holds new records, ride along for the hooks.
        """
        if self.pipeline.needs_batch:
            yield from self._windows(records, resume, batch)
            return
        size = self.chunk_size
        group: list[Record] = []
        ready: ChunkResult | None = None
        for record in records:
            old = resume.mark(record) if resume is not None else None
            if old is not None:
                batch.resumed += 1
                if group:
                    yield Chunk(group, False)
                    group = []
                ready = ready or ChunkResult([], Summary())
                ready.items.append(old[0])
                ready.summary.merge(old[1])
                ready.pos = record.pos
                if len(ready.items) >= size:
                    yield Ready(ready)
                    ready = None
                continue
            if ready is not None:
                yield Ready(ready)
                ready = None
            group.append(record)
            if len(group) >= size:
                yield Chunk(group, False)
                group = []
        if ready is not None:
            yield Ready(ready)
        if group:
            yield Chunk(group, False)

    def _windows(
        self, records: Iterator[Record], resume: Resume | None, batch: BatchOutcome
    ) -> Iterator[Chunk | Ready[ChunkResult]]:
        window: list[Record] = []
        done: dict[int, Processed] = {}
        summary = Summary()
        for record in records:
            old = resume.mark(record) if resume is not None else None
            if old is not None:
                batch.resumed += 1
                done[len(window)] = old[0]
                summary.merge(old[1])
            window.append(record)
            if len(window) == self.window:
                yield _window_task(window, done, summary)
                window, done, summary = [], {}, Summary()
        if window:
            yield _window_task(window, done, summary)

    # -- reading ------------------------------------------------------------

    def _records(self, sources: list[Source]) -> Generator[Record, None, None]:
        base = 0
        for index, source in enumerate(sources):
            if source.format == "jsonl":
                base = yield from self._jsonl_records(index, source, base)
            else:
                data = b""
                try:
                    data = self._read(source)
                except InputError as exc:
                    yield Record("error", b"", source.name, source.doc_id, index, base, str(exc))
                    continue
                base += len(data)
                yield Record("text", data, source.name, source.doc_id, index, base)

    def _jsonl_records(self, index: int, source: Source, base: int) -> Generator[Record, None, int]:
        """The source's records; returns the run's byte count after it."""
        errors = STREAM_ERRORS + zstd_errors()
        read = base
        try:
            if source.path is None:
                handle: Any = self._stdin()
                counter = None
            else:
                handle = open_input(source.path, source.name)
                counter = handle.counter
        except InputError as exc:
            yield Record("error", b"", source.name, source.doc_id, index, base, str(exc))
            return base
        stream = iter(handle)
        try:
            lineno = 0
            while True:
                try:
                    raw = next(stream, None)
                except errors as exc:
                    message = f"{source.name}: cannot read after line {lineno}: {exc}"
                    yield Record("error", b"", source.name, source.doc_id, index, read, message)
                    break
                if raw is None:
                    break
                lineno += 1
                read = base + counter.count if counter is not None else read + len(raw)
                what = sniff_binary(raw, check_controls=False) if lineno == 1 else None
                if what is not None:
                    message = f"{source.name}: not JSONL text: {what}"
                    yield Record("error", b"", source.name, source.doc_id, index, read, message)
                    break
                line = raw.rstrip(b"\r\n")
                if line.strip():
                    where = f"{source.name}:{lineno}"
                    yield Record("jsonl", line, where, f"{source.doc_id}:{lineno}", index, read)
        finally:
            if source.path is not None:
                handle.close()
        return read

    def _read(self, source: Source) -> bytes:
        if source.path is None:
            return self._stdin().read()
        return read_bytes(source)

    def _stdin(self) -> IO[bytes]:
        if self.stdin is None:
            raise InputError("no standard input available")
        return self.stdin


def _window_task(
    window: list[Record], done: dict[int, Processed], summary: Summary
) -> Chunk | Ready[ChunkResult]:
    if len(done) == len(window):  # written whole by an earlier run: no need to clean
        return Ready(ChunkResult([done[i] for i in range(len(window))], summary, window[-1].pos))
    return Chunk(window, True, done, summary if done else None)


def _input_bytes(chunk: Chunk) -> int:
    return sum(len(record.data) for record in chunk.records)


def _total_size(sources: Sequence[Source]) -> int | None:
    sizes = [s.size for s in sources]
    if any(size is None for size in sizes):
        return None
    return sum(size or 0 for size in sizes)


def _chain(head: list[Record], rest: Iterator[Record]) -> Iterator[Record]:
    yield from head
    yield from rest


# ------------------------------------------------------------ outputs


class _Sinks:
    """Where each source's results go, opened and committed in input order."""

    def __init__(
        self, plan: OutputPlan, sources: list[Source], stdout: TextSink, resume: Resume | None
    ) -> None:
        self.plan = plan
        self.sources = sources
        self.stdout = stdout
        self.resume = resume
        self.stack = ExitStack()
        self.shared: TextSink | None = None
        self.part: PartWriter | None = None  # the open --resume output
        self.current = -1  # the source being written
        self.buffer: list[str] = []  # stdout text, written once per chunk

    def __enter__(self) -> _Sinks:
        if self.plan.kind == "file" and self.plan.path is not None:
            if self.resume is not None:
                self.part = PartWriter(self.plan.path)
                self.shared = self.part
            else:
                self.shared = self.stack.enter_context(atomic_writer(self.plan.path))
        elif self.plan.kind == "stdout":
            self.shared = _Buffered(self.buffer)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None and self.part is not None:
            self.part.keep()  # interrupted: what was written stays for --resume
        self.stack.__exit__(exc_type, exc, tb)

    def _advance(self, index: int) -> None:
        while self.current < index:
            if self.current >= 0:
                self._close_source(self.current)
            self.current += 1
            if self.current < len(self.sources):
                self._open_source(self.current)

    def _open_source(self, index: int) -> None:
        source = self.sources[index]
        if self.plan.kind != "folder" or source.format != "jsonl":
            return
        target = self.plan.target(source)
        assert target is not None
        if self.resume is not None:
            self.part = PartWriter(target)
            self.shared = self.part
        else:
            self.shared = self.stack.enter_context(atomic_writer(target))

    def _close_source(self, index: int) -> None:
        if self.plan.kind != "folder":
            return
        if self.part is not None:
            if self.resume is not None:
                self.resume.check_complete(self.part.target)
            self.part.commit()
            self.part = None
        else:
            self.stack.close()  # commits the source's atomic output
            self.stack = ExitStack()
        self.shared = None

    def write(self, item: Processed) -> None:
        self._advance(item.source)
        if item.output is None:
            return
        source = self.sources[item.source]
        if isinstance(item.output, bytes):  # a block of JSONL lines
            assert self.shared is not None
            _write_block(self.shared, item.output)
        elif source.format == "jsonl" or self.plan.kind == "file":
            assert self.shared is not None
            self.shared.write(item.output)
        elif self.plan.kind == "stdout":
            if item.source > 0:
                self.buffer.append("\n")
            self.buffer.append(item.output)
        else:
            target = self.plan.target(source)
            assert target is not None
            with atomic_writer(target) as handle:
                handle.write(item.output)

    def checkpoint(self) -> None:
        if self.part is not None:
            self.part.checkpoint()
        if self.buffer:
            self.stdout.write("".join(self.buffer))
            self.buffer.clear()

    def finish(self) -> None:
        self._advance(len(self.sources))
        self.checkpoint()
        if self.plan.kind == "file" and self.part is not None:
            self.part.commit()
            self.part = None
        self.stack.close()


def _write_block(sink: TextSink, block: bytes) -> None:
    """A merged block of JSONL lines (:func:`filters.records.unpack_block`) to a sink:
    to the bytes layer of a file a piece at a time, else decoded."""
    if isinstance(sink, PartWriter):
        for piece in unpack_block(block):
            sink.write_bytes(piece)
    elif isinstance(sink, io.TextIOWrapper):
        sink.flush()
        for piece in unpack_block(block):
            sink.buffer.write(piece)
    else:
        sink.write(b"".join(unpack_block(block)).decode("utf-8"))


class _Buffered:
    def __init__(self, buffer: list[str]) -> None:
        self.buffer = buffer

    def write(self, text: str) -> int:
        self.buffer.append(text)
        return len(text)
