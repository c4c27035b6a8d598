"""Cleaning on every core of one machine: worker processes, results in input order.

:func:`clean_many` is the Python API (``Result`` objects in input order),
:func:`clean_batch` the function for ``datasets.map(batched=True)`` and pandas
(a batch of texts in, columns out), and :class:`WorkerPool` the engine the
command line uses for ``--jobs``.

How work is split, and why the output does not depend on the number of jobs:

* The parent reads the input in order and cuts it into chunks. When a selected
  detector has a batch hook (``prepare``, see :mod:`filters.registry`), a
  chunk is exactly one window of ``window`` consecutive documents, formed in
  input order, and the worker runs ``Pipeline.prepare`` over the whole window
  before cleaning it: the hook sees the same windows as
  :meth:`Pipeline.run_many` whatever the number of processes. Otherwise chunks
  are small (``chunk_size`` documents), to keep the pipes busy and the memory
  low.
* Workers (a plain ``fork`` on Linux when the parent runs no other thread,
  else ``forkserver`` processes where the platform has them, else ``spawn``;
  see :func:`mp_context`) build their pipeline once, so the models load once
  per worker, then clean chunk after chunk. On glibc, workers give a window's
  freed memory back to the system before the next one (:func:`release_memory`).
* The parent keeps at most ``2 * jobs`` chunks in flight and yields results in
  submission order, so memory is bounded by the chunks in flight, not by the
  input, and the output order is the input order.

Workers ignore Ctrl-C (the parent decides what to keep and stops them) and exit
on their own when the parent dies.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import multiprocessing
import multiprocessing.connection
import os
import pkgutil
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, fields
from typing import Any, Generic, TypeVar

from .document import Document
from .findings import Finding
from .pipeline import Edit, Pipeline, Result
from .registry import Context, DetectorSpec
from .report import DocumentError, jsonl_record
from .settings import Settings

__all__ = [
    "AUTO_JOBS_THRESHOLD",
    "WorkerPool",
    "available_cores",
    "clean_batch",
    "clean_many",
    "resolve_jobs",
]

#: ``jobs=None`` (auto) uses every core when the input has more documents than this.
AUTO_JOBS_THRESHOLD = 50
#: Documents per chunk sent to a worker when no batch hook asks for windows.
CHUNK_SIZE = 64
#: Default window of the batch hooks, as in :meth:`Pipeline.run_many`.
WINDOW = 1000

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


def available_cores() -> int:
    """Cores this process may run on (the affinity mask where there is one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def resolve_jobs(jobs: int | None, documents: int | None) -> int:
    """The number of processes: ``jobs``, or for ``None`` every core when the input
    has more than :data:`AUTO_JOBS_THRESHOLD` documents (``documents=None``: unknown,
    treated as many), else 1."""
    if jobs is not None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {jobs}")
        return jobs
    if documents is not None and documents <= AUTO_JOBS_THRESHOLD:
        return 1
    return available_cores()


def mp_context() -> multiprocessing.context.BaseContext:
    """How workers start: ``fork`` when this is a single-threaded process on Linux,
    else ``forkserver`` where available (macOS), else ``spawn``.

    A plain fork needs no fork server process (about 40 MB) and no resource
    tracker (about 13 MB), which the ``--jobs`` memory goal counts. It is only
    safe while no other thread runs (a thread holding a lock at the fork would
    leave that lock held forever in the child), so a process with threads gets
    the fork server, which imports the package and its detector modules once so
    that workers start without importing them again. The output is the same
    either way: each worker builds its own pipeline from the parent's settings.
    """
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and _single_threaded():
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_preload_modules())
        return context
    return multiprocessing.get_context("spawn")


def _single_threaded() -> bool:
    return threading.active_count() == 1 and threading.current_thread() is threading.main_thread()


def _preload_modules() -> list[str]:
    package = importlib.import_module("filters.detectors")
    detectors = sorted(
        f"filters.detectors.{m.name}"
        for m in pkgutil.iter_modules(package.__path__)
        if not m.name.startswith("_")
    )
    return ["filters.batch", *detectors]


# ------------------------------------------------------------------ memory

#: glibc ``mallopt`` parameter: allocations from this size up get their own mapping.
_M_MMAP_THRESHOLD = -3
#: Blocks of 128 KB or more are mapped on their own and unmapped when freed.
MMAP_THRESHOLD = 128 * 1024


def _glibc() -> Any:
    """The C library when it is glibc (``mallopt`` and ``malloc_trim``), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 - only glibc has it (not musl)
        return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
    except (OSError, AttributeError):
        return None


_LIBC: Any = _glibc()


def tune_allocator() -> None:
    """Give big blocks back to the system when they are freed (glibc only).

    Batch runs pass windows of records and results as blocks of several MB.
    glibc raises its mapping threshold each time such a block is freed, after
    which big blocks come from the heap, whose freed space is seldom returned:
    the resident size grows by the largest window seen. A fixed threshold keeps
    each block in its own mapping, unmapped when freed. Elsewhere: nothing.
    """
    if _LIBC is not None:
        _LIBC.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def release_memory() -> None:
    """Return the heap's free pages to the system (glibc ``malloc_trim``; else nothing).

    Called after each window, so a worker starts the next one from its
    baseline, not from the peak of the window before.
    """
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


# ------------------------------------------------------------------ the pool

_STATE: Any = None


def _init_worker(setup: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Runs once in each worker: ignore Ctrl-C, watch the parent, build the state.

    A forked worker inherits the parent's handlers and the signal mask that
    :func:`_start_workers` set (SIGINT and SIGTERM blocked): SIGTERM gets its
    default action back, as in a worker of the fork server, and both are unblocked.
    """
    global _STATE
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    tune_allocator()
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with_parent, args=(parent.sentinel,), daemon=True).start()
    _STATE = setup(*args)


def _exit_with_parent(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)  # the parent is gone (killed): nobody will read our results


class _Handover:
    """A task that this process lets go of once it is pickled for a worker.

    The executor keeps every submitted task until its result is back; a window
    of records would stay here while a worker cleans it. The executor pickles
    a task once, to send it: from then on only the worker needs it. The worker
    gets the task itself (see :meth:`__reduce__`), not this wrapper. A task with
    a ``handover()`` method is sent as what that returns, so it can also let go
    of what other references here still hold (a chunk's list of records).
    """

    __slots__ = ("task",)

    def __init__(self, task: Any) -> None:
        self.task = task

    def __reduce__(self) -> tuple[Callable[[Any], Any], tuple[Any]]:
        task, self.task = self.task, None
        if task is None:
            raise RuntimeError("a task was pickled twice; it is sent only once")
        handover = getattr(task, "handover", None)
        return _same, (task if handover is None else handover(),)


def _same(task: Any) -> Any:
    return task


def _call(fn: Callable[[Any, Any], Any], task: Any) -> Any:
    release_memory()  # what the previous task left in the heap
    return fn(_STATE, task)


@dataclass(frozen=True, slots=True)
class Ready(Generic[R]):
    """A task whose result is already known: :meth:`WorkerPool.map` yields ``value``
    in its place in the order, without sending it to a worker."""

    value: R


def _start_workers(executor: ProcessPoolExecutor) -> None:
    """Start every worker now, with Ctrl-C and SIGTERM held back until all are known.

    Left to itself the executor starts a worker on a later ``submit``; a signal
    that lands while one is being started loses track of it, the parent exits
    without waiting, and the half-started worker prints a traceback. Started
    here, every worker is joined when the pool closes.
    """
    launch = getattr(executor, "_launch_processes", None)
    if launch is None or threading.current_thread() is not threading.main_thread():
        return  # pragma: no cover - other Python versions: workers start on demand
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        launch()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class WorkerPool(Generic[S]):
    """Worker processes that each build a state once (``setup(*args)``, e.g. a
    pipeline) and then run ``fn(state, task)`` on tasks, results in task order.

    ``jobs=1`` runs everything in this process, with no pool at all; the results
    are the same. ``setup`` and ``fn`` must be module-level functions and the
    tasks picklable.

    At most ``in_flight`` tasks are pending (sent, or done and waiting for their
    turn in the order), and, when :meth:`map` is given the size of each task, at
    most ``in_flight_bytes`` of them beyond the oldest task: a few big tasks do
    not pile up in this process.
    """

    def __init__(
        self,
        jobs: int,
        setup: Callable[..., S],
        args: tuple[Any, ...] = (),
        in_flight: int | None = None,
        in_flight_bytes: int | None = None,
    ) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {jobs}")
        self.jobs = jobs
        self.in_flight = in_flight or 2 * jobs
        self.in_flight_bytes = in_flight_bytes
        self._executor: ProcessPoolExecutor | None = None
        self._state: S | None = None
        if jobs == 1:
            self._state = setup(*args)
        else:
            tune_allocator()  # before the fork: forked workers inherit it
            self._executor = ProcessPoolExecutor(
                jobs, mp_context=mp_context(), initializer=_init_worker, initargs=(setup, args)
            )
            _start_workers(self._executor)

    def map(
        self,
        fn: Callable[[S, T], R],
        tasks: Iterable[T | Ready[R]],
        size: Callable[[T], int] | None = None,
    ) -> Iterator[R]:
        """``fn(state, task)`` for every task, in order; at most ``in_flight`` pending,
        and at most ``in_flight_bytes`` by ``size(task)`` besides the oldest one."""
        if self._executor is None:
            state = self._state
            for task in tasks:
                yield task.value if isinstance(task, Ready) else fn(state, task)  # type: ignore[arg-type]
            return
        budget = self.in_flight_bytes if size is not None else None
        pending: deque[tuple[Future[R], int]] = deque()
        held = 0  # size of the pending tasks
        try:
            for task in tasks:
                if isinstance(task, Ready):
                    future: Future[R] = Future()
                    future.set_result(task.value)
                    pending.append((future, 0))
                else:
                    weight = size(task) if size is not None else 0
                    future = self._executor.submit(_call, fn, _Handover(task))
                    pending.append((future, weight))
                    held += weight
                while len(pending) >= self.in_flight or (
                    budget is not None and len(pending) > 1 and held > budget
                ):
                    future, weight = pending.popleft()
                    held -= weight
                    yield future.result()
            while pending:
                yield pending.popleft()[0].result()
        finally:
            for future, _ in pending:
                future.cancel()

    def close(self) -> None:
        """Stop the workers (pending tasks are dropped, running ones finish)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> WorkerPool[S]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ------------------------------------------------------------------ clean_many


@dataclass(frozen=True, slots=True)
class _Doc:
    """A document as it travels to a worker (no cached segmentation)."""

    text: str
    id: str
    source: str | None
    lang: str | None


@dataclass(frozen=True, slots=True)
class _DocChunk:
    docs: list[_Doc]
    prepare: bool


def build_pipeline(settings: Settings, detectors: Sequence[DetectorSpec] | None) -> Pipeline:
    """A worker's pipeline: the parent's settings and detectors."""
    return Pipeline(settings, detectors=detectors)


#: Finding fields in order, to send findings as tuples: pickling a slotted, frozen
#: dataclass costs about 8 µs a finding each way, a tuple almost nothing.
_FINDING_FIELDS = tuple(f.name for f in fields(Finding))

_Packed = tuple[Any, ...]


def _pack(result: Result) -> _Packed:
    """A result without its original text (the parent has it), findings as tuples."""
    findings = [tuple(getattr(f, name) for name in _FINDING_FIELDS) for f in result.findings]
    edits = [(e.start, e.end, e.text, e.replacement, e.finding) for e in result.edits]
    return (
        result.id,
        result.source,
        result.cleaned,
        findings,
        edits,
        result.stats,
        result.language,
        result.review,
        result.policy,
    )


def _unpack(packed: _Packed, original: str) -> Result:
    doc_id, source, cleaned, findings, edits, stats, language, review, policy = packed
    return Result(
        id=doc_id,
        source=source,
        original=original,
        cleaned=cleaned,
        findings=[Finding(*f) for f in findings],
        edits=[Edit(*e) for e in edits],
        stats=stats,
        language=language,
        review=review,
        policy=policy,
    )


def _clean_docs(pipeline: Pipeline, chunk: _DocChunk) -> list[_Packed]:
    docs = [Document(d.text, id=d.id, source=d.source, lang=d.lang) for d in chunk.docs]
    ctx = pipeline.prepare(docs) if chunk.prepare else Context(pipeline.settings)
    return [_pack(pipeline.run(doc, context=ctx)) for doc in docs]


def _doc_chunks(
    pipeline: Pipeline, texts: Iterable[str | Document], window: int, chunk_size: int
) -> Iterator[_DocChunk]:
    prepare = pipeline.needs_batch
    size = window if prepare else chunk_size
    lang = pipeline.settings.lang
    batch: list[_Doc] = []
    for i, item in enumerate(texts):
        if isinstance(item, Document):
            batch.append(_Doc(item.text, item.id, item.source, item.lang))
        else:
            batch.append(_Doc(item, str(i), None, lang))
        if len(batch) == size:
            yield _DocChunk(batch, prepare)
            batch = []
    if batch:
        yield _DocChunk(batch, prepare)


def clean_many(
    texts: Iterable[str | Document],
    settings: Settings | None = None,
    *,
    jobs: int | None = 1,
    window: int = WINDOW,
    pipeline: Pipeline | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[Result]:
    """Clean many documents on ``jobs`` processes; yield their results in input order.

    The results are those of ``Pipeline.run_many(texts, window)`` whatever
    ``jobs`` is: plain strings get their position as id, and batch hooks see
    windows of ``window`` consecutive documents. ``jobs=None`` uses every core
    when there are more than 50 documents (the first 51 are read to decide).
    ``texts`` is read lazily, so a generator over a huge file keeps memory flat.
    Give ``pipeline`` to reuse one (its detectors must be module-level
    functions, as registered detectors are, to reach the workers).
    """
    if window < 1:
        raise ValueError(f"window must be at least 1, not {window}")
    pipe = pipeline or Pipeline(settings)
    items: Iterator[str | Document] = iter(texts)
    head: list[str | Document] = []
    if jobs is None:
        for item in items:
            head.append(item)
            if len(head) > AUTO_JOBS_THRESHOLD:
                break
    n = resolve_jobs(jobs, len(head) if len(head) <= AUTO_JOBS_THRESHOLD else None)
    stream = _chain(head, items)
    if n == 1:
        yield from pipe.run_many(stream, window=window)
        return
    sent: deque[_DocChunk] = deque()  # the chunks in flight, for their original texts

    def chunks() -> Iterator[_DocChunk]:
        for chunk in _doc_chunks(pipe, stream, window, chunk_size):
            sent.append(chunk)
            yield chunk

    with WorkerPool(n, build_pipeline, (pipe.settings, pipe.detectors)) as pool:
        for results in pool.map(_clean_docs, chunks()):
            chunk = sent.popleft()
            for packed, doc in zip(results, chunk.docs, strict=True):
                yield _unpack(packed, doc.text)


def _chain(head: list[T], rest: Iterator[T]) -> Iterator[T]:
    yield from head
    yield from rest


# ------------------------------------------------------------------ clean_batch

_PIPELINES: dict[str, Pipeline] = {}


def _cached_pipeline(settings: Settings | None) -> Pipeline:
    settings = settings or Settings()
    key = json.dumps(settings.to_dict(), sort_keys=True)
    pipeline = _PIPELINES.get(key)
    if pipeline is None:
        pipeline = _PIPELINES[key] = Pipeline(settings)
    return pipeline


def clean_batch(
    texts: Sequence[str | None],
    settings: Settings | None = None,
    *,
    ids: Sequence[Any] | None = None,
    pipeline: Pipeline | None = None,
    as_json: bool = False,
) -> dict[str, list[Any]]:
    """Clean a batch of texts; return columns ``text`` and ``clean_news``.

    Made for ``datasets.Dataset.map(batched=True)`` and pandas::

        ds = ds.map(lambda b: clean_batch(b["text"]), batched=True, batch_size=1000)
        df[["text", "clean_news"]] = pd.DataFrame(clean_batch(df["text"].tolist()))

    ``text`` holds the cleaned texts, ``clean_news`` the object JSONL mode adds
    to each line (findings with offsets into the original, edits, stats,
    language, review), or with ``as_json=True`` that object as a JSON string
    (Arrow-based tools cannot hold error objects beside result objects in one
    column). A missing or non-string text is kept as it was, with
    ``clean_news["error"]`` set. The batch is one window for batch hooks. The
    pipeline is built once per process and settings, then reused.
    """
    pipe = pipeline or _cached_pipeline(settings)
    ids = list(ids) if ids is not None else [str(i) for i in range(len(texts))]
    if len(ids) != len(texts):
        raise ValueError(f"{len(ids)} ids for {len(texts)} texts")
    docs: list[Document] = []
    for text, doc_id in zip(texts, ids, strict=True):
        if isinstance(text, str):
            docs.append(pipe.document(text, id=str(doc_id)))
    ctx = pipe.prepare(docs) if pipe.needs_batch else Context(pipe.settings)
    cleaned: list[Any] = []
    records: list[Any] = []
    by_id = iter(docs)
    for text, doc_id in zip(texts, ids, strict=True):
        outcome: Result | DocumentError
        if not isinstance(text, str):
            kind = "missing" if text is None else f"a {type(text).__name__}, not a string"
            outcome = DocumentError(str(doc_id), None, f"text is {kind}")
        else:
            doc = next(by_id)
            try:
                outcome = pipe.run(doc, context=ctx)
            except Exception as exc:  # one document's failure must not stop the batch
                outcome = DocumentError(doc.id, None, f"cleaning failed: {exc}")
        cleaned.append(text if isinstance(outcome, DocumentError) else outcome.cleaned)
        record = jsonl_record(outcome)
        records.append(json.dumps(record, ensure_ascii=False) if as_json else record)
    return {"text": cleaned, "clean_news": records}
