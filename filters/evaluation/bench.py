"""Throughput of the default clean-news pipeline beside datatrove's filters: ``make bench``.

A measurement, not a test. On the Scrapinghub development data (every
extractor output, and separately the clean gold bodies) it prints:

* documents/s and MB/s (10^6 UTF-8 bytes) per core, single process: the
  median of ``--reps`` timed passes after a warm-up, with the min-max spread,
  for ``filters.Pipeline().run(text)`` and for the reference stack, datatrove's
  GopherQualityFilter, GopherRepetitionFilter, C4QualityFilter and
  FineWebQualityFilter with their default arguments, each ``filter(doc)``
  called in that order on a ``datatrove.data.Document`` and a dropped document
  passed to no later filter, as a datatrove pipeline does. The passes of the
  two stacks alternate, so load on the machine hits both alike. CPU-time
  figures sit beside the wall-clock ones: when they differ, the machine was busy;
* the ratio clean-news / datatrove;
* the time per stage of our pipeline: segmentation, each detector, decide/apply;
* peak memory: the process's maxrss, and tracemalloc's peak while our pipeline
  cleans the corpus;
* ``clean-news --jobs 1`` against ``--jobs 2`` on the corpus as JSONL (each
  pass a new process, as users run it): documents/s, documents/s per core, the
  scaling efficiency (docs/s at 2 processes over twice the docs/s at 1) by the
  wall clock, and by CPU time (the CPU seconds of one process over those of the
  parent and two workers, sampled from ``/proc``): on a shared machine the wall
  clock shows the load, the CPU figure our overhead; and that both outputs are
  the same bytes;
* the overhead per document of the JSONL path: the command's runner
  (read, parse, clean, serialise, write) against ``Pipeline.run`` on the same
  texts, one process;
* peak memory of ``clean-news`` on a large JSONL file generated from the
  corpus (``--big-mb``, default 600 MB, written under ``--out`` and deleted
  afterwards): the largest resident set of the whole process tree (parent,
  fork server and workers, sampled), and of its largest process;
* Ray Data on a local cluster (``ray.init(num_cpus=2)``) beside the local
  runner with two processes, on the same JSONL file, when Ray is installed.

The last three need a corpus of at least 1,000 documents (a large file made
of a handful of texts repeated would measure nothing real).

datatrove (English words and sentences through a blank spaCy pipeline, which
needs no model download) lives in the bench environment only; without it the
reference part is skipped with a message. The data is found at
``../shared/corpora`` beside the repository or at ``$CLEAN_NEWS_DATA``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import inspect
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from filters import Pipeline, Settings
from filters.document import Document
from filters.evaluation import data
from filters.findings import Finding
from filters.language import document_language
from filters.parallel import available_cores
from filters.registry import Context, select

SCHEMA = "clean-news/bench/1"
ENV_VAR = data.ENV_VAR
REPO_ROOT = data.repo_root()
EXTRACTOR_OUTPUTS = data.EXTRACTOR_OUTPUTS
GOLD_BODIES = data.GROUND_TRUTH
#: The reference stack, in the order it runs (the order issue 3 names them).
DATATROVE_FILTERS = (
    "GopherQualityFilter",
    "GopherRepetitionFilter",
    "C4QualityFilter",
    "FineWebQualityFilter",
)
#: The Document properties that make up segmentation in the per-stage table.
SEGMENTS = ("lines", "content_lines", "paragraphs", "sentences")
#: Documents cleaned by each stack before the timed passes (imports, caches).
WARMUP_DOCS = 200
#: The stages of the language issue (#6), whose sum has a goal per English document.
LANGUAGE_STAGE = ("foreign_language_v1", "lookalike_v1", "mojibake_v1", "readability_v1")
#: Goal of the language stage, µs per average English document.
GOAL_LANGUAGE_US = 1000.0
#: A text every datatrove filter can run on, to check the stack works at all.
PROBE_TEXT = "The council met on Monday. It voted to keep the library open.\n" * 8
RESEARCH_DATATROVE_DOCS_S = 53
GOAL_DOCS_S = 1000
#: Smallest corpus for the large-file, JSONL-overhead and Ray measurements.
MIN_SCALE_DOCS = 1000
#: Documents for the JSONL-overhead figure (a per-document figure: no need for more).
OVERHEAD_DOCS = 1000
#: Records of the input of the ``--jobs`` figures (the corpus repeated), at least.
JOBS_DOCS = 5000
#: Goals of issue 8.
GOAL_EFFICIENCY = 0.85
GOAL_PEAK_RSS = 400e6


class DataMissing(Exception):
    """The corpus folder or one of its files is absent or unreadable."""


# --------------------------------------------------------------------- corpora


@dataclass
class Corpus:
    """Non-empty texts to clean; ``skipped_empty`` counts the empty ones left out."""

    name: str
    texts: list[str]
    skipped_empty: int = 0
    source: str = ""

    @property
    def bytes(self) -> int:
        return sum(len(t.encode("utf-8")) for t in self.texts)


def corpus_from_texts(
    name: str, texts: Sequence[str | None], limit: int | None = None, source: str = ""
) -> Corpus:
    """Keep the non-empty texts (the first ``limit`` of them); count the empty ones."""
    kept = [t for t in texts if t and t.strip()]
    skipped = len(texts) - len(kept)
    if limit is not None:
        kept = kept[:limit]
    return Corpus(name, kept, skipped, source)


def find_data() -> Path:
    """The corpora folder (:func:`data.data_root`), checked for the files the bench reads."""
    root = data.data_root()
    hint = f"${ENV_VAR}" if os.environ.get(ENV_VAR) else f"the default; set {ENV_VAR} to choose"
    if not root.is_dir():
        raise DataMissing(f"no corpora folder at {root} ({hint})")
    missing = [rel for rel in (EXTRACTOR_OUTPUTS, GOLD_BODIES) if not (root / rel).is_file()]
    if missing:
        raise DataMissing(f"missing {' and '.join(missing)} in {root} ({hint})")
    return root


def load_corpora(root: Path, limit: int | None = None) -> list[Corpus]:
    """Every extractor output, and the gold bodies, as two corpora."""
    try:
        outputs = [r["text"] for r in data.iter_extractor_outputs(root)]
        bodies = [r["body"] for r in data.read_jsonl(root / GOLD_BODIES)]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataMissing(f"cannot read the corpora in {root}: {exc}") from None
    except (KeyError, TypeError) as exc:
        raise DataMissing(f"unexpected record in {root / 'scrapinghub'}: no field {exc}") from None
    return [
        corpus_from_texts("extractor-outputs", outputs, limit, EXTRACTOR_OUTPUTS),
        corpus_from_texts("gold-bodies", bodies, limit, GOLD_BODIES),
    ]


# ------------------------------------------------------------------ the stacks


@dataclass
class ReferenceStack:
    """datatrove's four filters, each ``filter(doc)`` called in turn on one Document."""

    make_doc: Callable[..., Any]
    filters: list[tuple[str, Any]]
    version: str | None

    def run(self, texts: Sequence[str]) -> Counter[str]:
        """Outcomes: ``kept``, or ``<filter>: <reason>`` for the filter that dropped it."""
        outcomes: Counter[str] = Counter()
        for i, text in enumerate(texts):
            doc = self.make_doc(text=text, id=str(i))
            for name, step in self.filters:
                keep, reason = _verdict(step.filter(doc))
                if not keep:
                    outcomes[f"{name}: {reason}"] += 1
                    break
            else:
                outcomes["kept"] += 1
        return outcomes

    def profile(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """Seconds spent in each filter and the documents that reached it."""
        seconds = dict.fromkeys((name for name, _ in self.filters), 0.0)
        reached: Counter[str] = Counter()
        clock = time.perf_counter
        for i, text in enumerate(texts):
            doc = self.make_doc(text=text, id=str(i))
            for name, step in self.filters:
                reached[name] += 1
                start = clock()
                keep, _ = _verdict(step.filter(doc))
                seconds[name] += clock() - start
                if not keep:
                    break
        return [
            {"filter": name, "docs": reached[name], "seconds": secs}
            for name, secs in seconds.items()
        ]


def _verdict(result: bool | tuple[bool, str]) -> tuple[bool, str]:
    if isinstance(result, tuple):
        return bool(result[0]), str(result[1])
    return bool(result), "dropped"


def load_reference() -> tuple[ReferenceStack | None, str | None]:
    """The datatrove stack, or None and why it cannot run here."""
    try:
        from datatrove.data import Document as DatatroveDocument
        from datatrove.pipeline import filters
    except ImportError as exc:
        return None, f"datatrove is not importable ({exc}); `make bench` installs it"
    stack = ReferenceStack(
        DatatroveDocument,
        [(name, getattr(filters, name)()) for name in DATATROVE_FILTERS],
        _version("datatrove"),
    )
    try:
        stack.run([PROBE_TEXT])
    except ImportError as exc:  # its English tokenizer is spaCy's, an optional dependency
        return None, f"datatrove's filters cannot run ({exc})"
    return stack, None


@dataclass
class Timing:
    """Wall-clock and CPU seconds of each timed pass over ``docs`` documents."""

    docs: int
    bytes: int
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def rate(self, seconds: float, amount: int) -> float:
        return amount / seconds if seconds > 0 else float("inf")

    def to_dict(self) -> dict[str, Any]:
        def spread(amount: int, times: list[float], scale: float = 1.0) -> dict[str, float]:
            rates = sorted(self.rate(t, amount) / scale for t in times)
            return {"median": statistics.median(rates), "min": rates[0], "max": rates[-1]}

        return {
            "docs": self.docs,
            "bytes": self.bytes,
            "reps": len(self.wall),
            "wall_seconds": self.wall,
            "cpu_seconds": self.cpu,
            "docs_per_s": spread(self.docs, self.wall),
            "mb_per_s": spread(self.bytes, self.wall, 1e6),
            "cpu_docs_per_s": spread(self.docs, self.cpu),
        }


def measure(
    runners: Mapping[str, Callable[[Sequence[str]], object]],
    corpus: Corpus,
    reps: int,
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[dict[str, Timing], dict[str, object]]:
    """Warm each runner up, then time ``reps`` passes, alternating runners within a rep.

    Returns the timings and what each runner's last pass returned.
    """
    texts = corpus.texts
    for run in runners.values():
        run(texts[:WARMUP_DOCS])
    timings = {name: Timing(len(texts), corpus.bytes) for name in runners}
    last: dict[str, object] = {}
    for rep in range(reps):
        for name, run in runners.items():
            progress(f"{corpus.name}: {name}, pass {rep + 1} of {reps}")
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            last[name] = run(texts)
            timings[name].wall.append(time.perf_counter() - wall)
            timings[name].cpu.append(time.process_time() - cpu)
    return timings, last


def clean_all(pipeline: Pipeline) -> Callable[[Sequence[str]], int]:
    """A runner: the pipeline's ``run`` on each text, results dropped."""

    def run(texts: Sequence[str]) -> int:
        for text in texts:
            pipeline.run(text)
        return len(texts)

    return run


def profile_stages(texts: Sequence[str], settings: Settings | None = None) -> list[dict[str, Any]]:
    """Mean µs per document and share of each stage of our pipeline.

    Segmentation builds a fresh Document and computes its segments; each
    detector then runs on it (``spec(doc, ctx)``), then ``Pipeline.decide``. The
    first :data:`WARMUP_DOCS` documents go through the pipeline once untimed, so
    that what loads on first use (language profiles, the syllable dictionary,
    models) is not charged to the first corpus. ``us_per_english_doc``: the
    same over the documents identified as English (``english_docs`` of them).
    """
    pipeline = Pipeline(settings)
    for _ in pipeline.run_many(texts[:WARMUP_DOCS]):  # what loads on first use: not timed
        pass
    specs = select(pipeline.settings.only, pipeline.settings.skip)
    seconds = {"segmentation": 0.0, **{s.name: 0.0 for s in specs}, "decide/apply": 0.0}
    english = dict.fromkeys(seconds, 0.0)  # the same, over the English documents only
    n_english = 0
    clock = time.perf_counter
    for text in texts:
        ctx = Context(pipeline.settings)
        start = clock()
        doc = Document(text)
        for name in SEGMENTS:
            getattr(doc, name)
        took = {"segmentation": clock() - start}
        found: list[Finding] = []
        for spec in specs:
            start = clock()
            found.extend(spec(doc, ctx))
            took[spec.name] = clock() - start
        start = clock()
        pipeline.decide(doc, found)
        took["decide/apply"] = clock() - start
        is_english = document_language(doc) == "en"
        n_english += is_english
        for name, secs in took.items():
            seconds[name] += secs
            if is_english:
                english[name] += secs
    total = sum(seconds.values())
    n = max(len(texts), 1)
    return [
        {
            "stage": name,
            "us_per_doc": secs / n * 1e6,
            "share": secs / total if total else 0.0,
            "us_per_english_doc": english[name] / n_english * 1e6 if n_english else None,
            "english_docs": n_english,
        }
        for name, secs in seconds.items()
    ]


def traced_peak(texts: Sequence[str], settings: Settings | None = None) -> int:
    """tracemalloc's peak, in bytes, while a new pipeline cleans ``texts`` (results dropped)."""
    gc.collect()
    already = tracemalloc.is_tracing()  # e.g. python -X tracemalloc: leave it running
    if already:
        tracemalloc.reset_peak()
    else:
        tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0] if already else 0
        clean_all(Pipeline(settings))(texts)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        if not already:
            tracemalloc.stop()


def max_rss() -> int:
    """The process's peak resident set size so far, in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def parallel_entry(pipeline: Pipeline) -> Callable[..., Iterable[object]] | None:
    """A parallel method on the pipeline (``clean_many`` or ``run_many`` with ``jobs``), if any.

    The ``--jobs`` figures run the command itself (:func:`measure_jobs`); this finds
    a pipeline-level API for callers that want one (``filters.clean_many`` is a function).
    """
    for name in ("clean_many", "run_many"):
        method = getattr(pipeline, name, None)
        if callable(method) and "jobs" in inspect.signature(method).parameters:
            return method
    return None


def _with_jobs(
    method: Callable[..., Iterable[object]], jobs: int
) -> Callable[[Sequence[str]], int]:
    def run(texts: Sequence[str]) -> int:
        return len(list(method(texts, jobs=jobs)))

    return run


class TreeSampler:
    """Samples CPU time and resident memory of a process and all its descendants.

    Linux only (``/proc``); elsewhere :attr:`available` is False and the figures
    stay 0. CPU time of a process that ends between two samples is counted up
    to its last sample.
    """

    def __init__(self, pid: int | None = None, interval: float = 0.05, pss: bool = False) -> None:
        self.pid = pid or os.getpid()
        self.interval = interval
        self.pss = pss
        self.available = Path("/proc/self/stat").exists()
        self.cpu: dict[int, float] = {}
        self.baseline: dict[int, float] = {}
        self.peak_total_rss = 0
        self.peak_total_pss = 0
        self.peak_process_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._tick = os.sysconf("SC_CLK_TCK") if self.available else 100
        self._page = resource.getpagesize()

    def __enter__(self) -> TreeSampler:
        if self.available:
            self.sample()
            self.baseline = dict(self.cpu)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()
            self.sample()

    def others_cpu(self) -> float:
        """CPU seconds the descendants used while sampled (this process left out)."""
        me = os.getpid()
        return sum(c - self.baseline.get(p, 0.0) for p, c in self.cpu.items() if p != me)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        stats = _proc_stats()
        tree = _descendants(self.pid, stats) | {self.pid}
        total = total_pss = 0
        for pid in tree:
            if pid not in stats:
                continue
            _, cpu_ticks, rss_pages = stats[pid]
            self.cpu[pid] = cpu_ticks / self._tick
            rss = rss_pages * self._page
            total += rss
            self.peak_process_rss = max(self.peak_process_rss, rss)
            if self.pss:
                total_pss += _pss(pid)
        self.peak_total_rss = max(self.peak_total_rss, total)
        self.peak_total_pss = max(self.peak_total_pss, total_pss)


def _proc_stats() -> dict[int, tuple[int, int, int]]:
    """pid -> (parent pid, utime + stime in ticks, rss in pages), from /proc."""
    stats: dict[int, tuple[int, int, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # after the name: state ppid ... utime(12) stime(13) ... rss(22), 0-based
        stats[int(entry.name)] = (
            int(fields[1]),
            int(fields[11]) + int(fields[12]),
            int(fields[21]),
        )
    return stats


def _pss(pid: int) -> int:
    """Proportional set size in bytes (shared pages divided among their sharers), or 0."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _descendants(pid: int, stats: Mapping[int, tuple[int, int, int]]) -> set[int]:
    children: dict[int, list[int]] = {}
    for child, (parent, _, _) in stats.items():
        children.setdefault(parent, []).append(child)
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def measure_jobs(
    corpus: Corpus,
    reps: int,
    progress: Callable[[str], None] = lambda _: None,
    workdir: Path | None = None,
) -> dict[str, Any] | None:
    """``clean-news IN.jsonl -o OUT.jsonl --jobs 1`` against ``--jobs 2``, each a new process.

    The command as users run it, both cold (a fresh process loads the models and
    fills the detectors' caches, as the workers of ``--jobs 2`` do), passes of
    the two alternating. The input is the corpus as JSONL, repeated to at least
    :data:`JOBS_DOCS` records for a full corpus (with the default window of 1,000,
    enough windows to keep two processes busy). Wall-clock and CPU seconds of
    the whole process tree (sampled from ``/proc``) per pass; the outputs of the
    two must be identical.
    """
    if workdir is None:
        return None
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / "bench-jobs.jsonl"
    target = {n: workdir / f"bench-jobs.out{n}.jsonl" for n in (1, 2)}
    large = len(corpus.texts) >= MIN_SCALE_DOCS
    target_bytes = corpus.bytes * -(-JOBS_DOCS // len(corpus.texts)) if large else 0
    records, size = write_corpus_jsonl(source, corpus.texts, target_bytes)
    timings = {n: Timing(records, size) for n in (1, 2)}
    loads: list[float] = []
    identical = True
    try:
        for rep in range(reps):
            for jobs in (1, 2):
                progress(f"{corpus.name}: --jobs {jobs} on {records:,} records, pass {rep + 1}")
                command = [sys.executable, "-c", "from filters.cli import main; main()"]
                command += [str(source), "-o", str(target[jobs]), "-q", "--jobs", str(jobs)]
                start = time.perf_counter()
                proc = subprocess.Popen(command, stderr=subprocess.DEVNULL)
                with TreeSampler(proc.pid, interval=0.1) as sampler:
                    proc.wait()
                timings[jobs].wall.append(time.perf_counter() - start)
                timings[jobs].cpu.append(sampler.others_cpu())
                if hasattr(os, "getloadavg"):
                    loads.append(os.getloadavg()[0])
            identical = identical and target[1].read_bytes() == target[2].read_bytes()
    finally:
        for path in (source, *target.values()):
            path.unlink(missing_ok=True)
    one, two = timings[1].to_dict(), timings[2].to_dict()
    cpu_one = statistics.median(timings[1].cpu)
    cpu_two = statistics.median(timings[2].cpu)
    return {
        "corpus": corpus.name,
        "records": records,
        "jobs=1": one,
        "jobs=2": two,
        "efficiency_wall": two["docs_per_s"]["median"] / (2 * one["docs_per_s"]["median"]),
        "efficiency_cpu": cpu_one / cpu_two if cpu_two > 0 else None,
        "cpu_measured": TreeSampler().available,
        "identical_output": identical,
        "loadavg_during": loads,
        "cores_usable": available_cores(),
    }


# ------------------------------------------------------------ JSONL files


def write_corpus_jsonl(path: Path, texts: Sequence[str], target_bytes: int = 0) -> tuple[int, int]:
    """The texts as JSONL records (repeated with new ids until ``target_bytes``), streamed.

    Returns the number of records and of bytes written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    records = written = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        rep = 0
        while True:
            for i, text in enumerate(texts):
                line = json.dumps({"id": f"r{rep}-{i}", "text": text}, ensure_ascii=False) + "\n"
                out.write(line)
                records += 1
                written += len(line.encode("utf-8"))
            rep += 1
            if written >= target_bytes:
                return records, written


def jsonl_overhead(
    corpus: Corpus, workdir: Path, reps: int, progress: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """The command's JSONL runner (one process) against ``Pipeline.run`` on the same texts."""
    from filters.batch import BatchRunner, OutputPlan
    from filters.io import discover

    source = workdir / "bench-corpus.jsonl"
    write_corpus_jsonl(source, corpus.texts)
    target = workdir / "bench-corpus.clean.jsonl"
    pipeline = Pipeline()

    def runner_pass(texts: Sequence[str]) -> int:
        plan = OutputPlan("file", target)
        runner = BatchRunner(pipeline, plan, sys.stdout, jobs=1)
        return runner.run(discover((str(source),), None)).summary.documents

    def run_pass(texts: Sequence[str]) -> int:
        return clean_all(pipeline)(texts)

    try:
        runner_pass(corpus.texts[:1])
        timings, _ = measure({"jsonl": runner_pass, "run": run_pass}, corpus, reps, progress)
    finally:
        for path in (source, target):
            path.unlink(missing_ok=True)
    jsonl = statistics.median(timings["jsonl"].wall)
    plain = statistics.median(timings["run"].wall)
    docs = max(len(corpus.texts), 1)
    return {
        "corpus": corpus.name,
        "docs": len(corpus.texts),
        "jsonl_us_per_doc": jsonl / docs * 1e6,
        "run_us_per_doc": plain / docs * 1e6,
        "overhead_us_per_doc": (jsonl - plain) / docs * 1e6,
        "overhead_share": (jsonl - plain) / plain if plain > 0 else None,
        "jsonl": timings["jsonl"].to_dict(),
        "run": timings["run"].to_dict(),
    }


def big_file_memory(
    corpus: Corpus, workdir: Path, megabytes: int, progress: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """``clean-news BIG.jsonl -o OUT.jsonl`` in a subprocess: time and peak memory of its tree."""
    source = workdir / "bench-big.jsonl"
    target = workdir / "bench-big.clean.jsonl"
    progress(f"writing a {megabytes:,} MB JSONL file from {corpus.name}")
    try:
        records, size = write_corpus_jsonl(source, corpus.texts, megabytes * 1_000_000)
        progress(f"clean-news on {records:,} records ({_mb(size)}), default --jobs")
        command = [
            sys.executable,
            "-c",
            "from filters.cli import main; main()",
            str(source),
            "-o",
            str(target),
            "-q",
        ]
        start = time.perf_counter()
        proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        with TreeSampler(proc.pid, interval=0.2, pss=True) as sampler:
            _, stderr = proc.communicate()
        seconds = time.perf_counter() - start
        out_size = target.stat().st_size if target.exists() else 0
    finally:
        for path in (source, target):
            path.unlink(missing_ok=True)
    return {
        "corpus": corpus.name,
        "records": records,
        "input_bytes": size,
        "output_bytes": out_size,
        "returncode": proc.returncode,
        "stderr": stderr.strip()[-500:],
        "seconds": seconds,
        "docs_per_s": records / seconds if seconds > 0 else None,
        "peak_tree_rss": sampler.peak_total_rss if sampler.available else None,
        "peak_tree_pss": sampler.peak_total_pss if sampler.available else None,
        "peak_process_rss": sampler.peak_process_rss if sampler.available else None,
    }


def ray_local(
    corpus: Corpus, workdir: Path, reps: int, progress: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """Ray Data on a local 2-CPU cluster against the local runner with 2 processes."""
    try:
        ray = importlib.import_module("ray")
    except ImportError as exc:
        return {"available": False, "reason": f"Ray is not importable ({exc})"}
    from filters.batch import BatchRunner, OutputPlan
    from filters.io import discover
    from filters.ray_data import init_ray, run_jsonl

    source = workdir / "bench-ray.jsonl"
    records, size = write_corpus_jsonl(source, corpus.texts)
    local_out = workdir / "bench-ray.local.jsonl"
    ray_out = workdir / "bench-ray-out"
    pipeline = Pipeline()
    start = time.perf_counter()
    init_ray(num_cpus=2)
    startup = time.perf_counter() - start
    timings = {"ray": Timing(records, size), "local jobs=2": Timing(records, size)}
    try:
        for rep in range(reps):
            progress(f"{corpus.name}: Ray local cluster, pass {rep + 1} of {reps}")
            _remove_tree(ray_out)
            wall, cpu = time.perf_counter(), time.process_time()
            run_jsonl([str(source)], str(ray_out) + "/", window=1000)
            timings["ray"].wall.append(time.perf_counter() - wall)
            timings["ray"].cpu.append(time.process_time() - cpu)
            progress(f"{corpus.name}: local runner jobs=2, pass {rep + 1} of {reps}")
            wall, cpu = time.perf_counter(), time.process_time()
            runner = BatchRunner(pipeline, OutputPlan("file", local_out), sys.stdout, jobs=2)
            runner.run(discover((str(source),), None))
            timings["local jobs=2"].wall.append(time.perf_counter() - wall)
            timings["local jobs=2"].cpu.append(time.process_time() - cpu)
    finally:
        ray.shutdown()
        source.unlink(missing_ok=True)
        local_out.unlink(missing_ok=True)
        _remove_tree(ray_out)
    figures = {name: t.to_dict() for name, t in timings.items()}
    ratio = figures["ray"]["docs_per_s"]["median"] / figures["local jobs=2"]["docs_per_s"]["median"]
    return {
        "available": True,
        "version": _version("ray"),
        "corpus": corpus.name,
        "startup_seconds": startup,
        "throughput": figures,
        "ratio_ray_to_local": ratio,
    }


def _remove_tree(path: Path) -> None:
    if path.is_dir():
        for child in path.iterdir():
            child.unlink()
        path.rmdir()


# ------------------------------------------------------------------- the run


def run_bench(
    corpora: Sequence[Corpus],
    reps: int = 5,
    progress: Callable[[str], None] = lambda _: None,
    with_reference: bool = True,
    *,
    workdir: Path | None = None,
    big_mb: int = 0,
    with_ray: bool = False,
) -> dict[str, Any]:
    """Every figure of the bench, as the JSON-ready dictionary written to bench.json.

    The large-file (``big_mb`` > 0), JSONL-overhead and Ray (``with_ray``)
    measurements run on the first corpus when it has at least
    :data:`MIN_SCALE_DOCS` documents and ``workdir`` says where files may go.
    """
    report: dict[str, Any] = {"schema": SCHEMA, "reps": reps, "warmup_docs": WARMUP_DOCS}
    report["corpora"] = [
        {"name": c.name, "source": c.source, "docs": len(c.texts), "skipped_empty": c.skipped_empty,
         "bytes": c.bytes}
        for c in corpora
    ]  # fmt: skip
    rss = {"after_loading": max_rss()}
    progress("profiling the stages of our pipeline")
    report["stages"] = {c.name: profile_stages(c.texts) for c in corpora}
    progress("tracing our pipeline's memory")
    report["memory"] = {"tracemalloc_peak": {c.name: traced_peak(c.texts) for c in corpora}}
    rss["after_clean_news"] = max_rss()

    stack, why = load_reference() if with_reference else (None, "not asked for")
    report["datatrove"] = {
        "available": stack is not None,
        "reason": why,
        "version": stack.version if stack else None,
        "filters": list(DATATROVE_FILTERS),
        "outcomes": {},
        "per_filter": {},
    }
    if stack is not None:
        for corpus in corpora:
            progress(f"{corpus.name}: datatrove, per-filter profile")
            report["datatrove"]["per_filter"][corpus.name] = stack.profile(corpus.texts)

    pipeline = Pipeline()
    report["throughput"] = []
    report["ratio"] = {}
    for corpus in corpora:
        runners: dict[str, Callable[[Sequence[str]], object]] = {"clean-news": clean_all(pipeline)}
        if stack is not None:
            runners["datatrove"] = stack.run
        timings, last = measure(runners, corpus, reps, progress)
        for name, timing in timings.items():
            report["throughput"].append({"corpus": corpus.name, "stack": name, **timing.to_dict()})
        if stack is not None:
            outcomes = last["datatrove"]
            assert isinstance(outcomes, Counter)
            report["datatrove"]["outcomes"][corpus.name] = dict(outcomes.most_common())
            ours = timings["clean-news"].to_dict()["docs_per_s"]["median"]
            theirs = timings["datatrove"].to_dict()["docs_per_s"]["median"]
            report["ratio"][corpus.name] = ours / theirs
    report["jobs"] = measure_jobs(corpora[0], reps, progress, workdir) if corpora else None
    report["scale"] = run_scale(corpora, reps, progress, workdir, big_mb, with_ray)
    rss["end"] = max_rss()
    report["memory"]["maxrss"] = rss
    return report


def run_scale(
    corpora: Sequence[Corpus],
    reps: int,
    progress: Callable[[str], None],
    workdir: Path | None,
    big_mb: int,
    with_ray: bool,
) -> dict[str, Any]:
    """The JSONL overhead, large-file memory and Ray figures, or why they were skipped."""
    scale: dict[str, Any] = {"jsonl": None, "big_file": None, "ray": None, "skipped": None}
    if not corpora or workdir is None:
        scale["skipped"] = "no corpus or no folder for the files (--out)"
        return scale
    corpus = corpora[0]
    if len(corpus.texts) < MIN_SCALE_DOCS:
        scale["skipped"] = (
            f"{corpus.name} has {len(corpus.texts):,} documents; these figures need "
            f"at least {MIN_SCALE_DOCS:,}"
        )
        return scale
    workdir.mkdir(parents=True, exist_ok=True)
    progress("JSONL path against Pipeline.run")
    sample = Corpus(corpus.name, corpus.texts[:OVERHEAD_DOCS], source=corpus.source)
    scale["jsonl"] = jsonl_overhead(sample, workdir, reps, progress)
    if big_mb > 0:
        scale["big_file"] = big_file_memory(corpus, workdir, big_mb, progress)
    if with_ray:
        scale["ray"] = ray_local(corpus, workdir, max(1, min(reps, 2)), progress)
    return scale


def machine_info() -> dict[str, Any]:
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "clean_news": _version("clean-news"),
        "datatrove": _version("datatrove"),
        "spacy": _version("spacy"),
        "git_commit": _git_commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "loadavg_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


# ------------------------------------------------------------------ printing


def render_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], left: Collection[int] = (0,)
) -> str:
    """Columns aligned: those indexed in ``left`` (labels) to the left, figures to the right."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(row: Sequence[str]) -> str:
        parts = [
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, cells)])


def _spread(figure: Mapping[str, float], digits: int = 0) -> str:
    fmt = f"{{:,.{digits}f}}"
    return (
        f"{fmt.format(figure['median'])} ({fmt.format(figure['min'])}-{fmt.format(figure['max'])})"
    )


def _load(loadavg: Sequence[float] | None) -> str:
    return "/".join(f"{x:.2f}" for x in loadavg) if loadavg else "n/a"


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def _by_filter(outcomes: Mapping[str, int], top: int = 3) -> list[tuple[str, int, str]]:
    """``kept``, then per filter: documents dropped and its most frequent reasons."""
    rows = [("kept", outcomes.get("kept", 0), "")]
    for name in DATATROVE_FILTERS:
        reasons = [
            (k.split(": ", 1)[1], n) for k, n in outcomes.items() if k.startswith(name + ":")
        ]
        reasons.sort(key=lambda r: (-r[1], r[0]))
        shown = ", ".join(f"{reason} {n:,}" for reason, n in reasons[:top])
        if len(reasons) > top:
            shown += f", {len(reasons) - top} more"
        rows.append((f"dropped by {name}", sum(n for _, n in reasons), shown))
    return rows


def render_report(report: Mapping[str, Any], machine: Mapping[str, Any]) -> str:
    out: list[str] = []
    out.append(
        f"clean-news bench  {machine['date']}  clean-news {machine['clean_news']}"
        f"  datatrove {machine['datatrove'] or '-'}  git {machine['git_commit'] or '-'}"
    )
    out.append(
        f"machine: {machine['cpu']}, {machine['cores']} cores, {machine['python']}; "
        f"load average (1, 5, 15 min) {_load(machine.get('loadavg_start'))} at the start, "
        f"{_load(machine.get('loadavg_end'))} at the end"
    )
    out.append(
        f"{report['reps']} timed passes per stack after a warm-up on the first "
        f"{report['warmup_docs']} documents, passes of the two stacks alternating; "
        "single process; MB = 10^6 UTF-8 bytes"
    )
    if report["reps"] < 5:
        out.append("(fewer than 5 passes: a development run, not figures to quote)")
    out.append("")
    out.append("corpora")
    out.append(
        render_table(
            ["corpus", "source", "docs", "empty skipped", "size"],
            [
                [c["name"], c["source"], f"{c['docs']:,}", c["skipped_empty"], _mb(c["bytes"])]
                for c in report["corpora"]
            ],
            left=(0, 1),
        )
    )
    out.append("")
    out.append("throughput per core: median (min-max) over the passes; cpu = per CPU-second")
    rows = []
    for t in report["throughput"]:
        rows.append(
            [
                t["corpus"],
                t["stack"],
                f"{t['docs']:,}",
                _spread(t["docs_per_s"]),
                _spread(t["mb_per_s"], 2),
                f"{t['cpu_docs_per_s']['median']:,.0f}",
                f"{statistics.median(t['wall_seconds']) / max(t['docs'], 1) * 1e3:,.3f}",
            ]
        )
    headers = ["corpus", "stack", "docs", "docs/s", "MB/s", "cpu docs/s", "ms/doc"]
    out.append(render_table(headers, rows, left=(0, 1)))
    dt = report["datatrove"]
    out.append("")
    if dt["available"]:
        for name, ratio in report["ratio"].items():
            out.append(f"ratio clean-news / datatrove, {name}: {ratio:,.1f}x (median docs/s)")
        out.append(
            f"(goal: at least {GOAL_DOCS_S:,} docs/s per core; a research run measured "
            f"datatrove's stack at about {RESEARCH_DATATROVE_DOCS_S} docs/s per core)"
        )
        out.append("")
        out.append(
            "datatrove: " + " -> ".join(dt["filters"]) + ", default arguments; "
            "documents kept, or the filter and reason that dropped them"
        )
        rows = [
            [name, step, f"{n:,}", reasons]
            for name, outcomes in dt["outcomes"].items()
            for step, n, reasons in _by_filter(outcomes)
        ]
        out.append(render_table(["corpus", "outcome", "docs", "reasons"], rows, left=(0, 1, 3)))
        out.append("")
        out.append("datatrove per filter (one profiled pass)")
        rows = []
        for corpus, filters in dt["per_filter"].items():
            for f in filters:
                us = f["seconds"] / f["docs"] * 1e6 if f["docs"] else 0.0
                rows.append([corpus, f["filter"], f"{f['docs']:,}", f"{us:,.0f}"])
        out.append(render_table(["corpus", "filter", "docs in", "µs/doc in"], rows, left=(0, 1)))
    else:
        out.append(f"datatrove: skipped: {dt['reason']}")
    out.append("")
    out.append("our pipeline per stage (one profiled pass): mean µs per document, share of total")
    names = list(report["stages"])
    stages = [s["stage"] for s in next(iter(report["stages"].values()), [])]
    rows = []
    for i, stage in enumerate(stages):
        row = [stage]
        for name in names:
            s = report["stages"][name][i]
            row += [f"{s['us_per_doc']:,.1f}", f"{s['share']:.1%}"]
        rows.append(row)
    totals = ["total"]
    for name in names:
        totals += [f"{sum(s['us_per_doc'] for s in report['stages'][name]):,.1f}", "100.0%"]
    rows.append(totals)
    headers = ["stage"] + [h for name in names for h in (f"µs/doc {name}", "share")]
    out.append(render_table(headers, rows))
    for name in names:
        out.append(_language_stage_line(name, report["stages"][name]))
    out.append("")
    mem = report["memory"]
    rss = mem["maxrss"]
    out.append(
        f"memory: maxrss {_mb(rss['after_loading'])} after loading the corpora, "
        f"{_mb(rss['after_clean_news'])} after our pipeline, {_mb(rss['end'])} at the end"
    )
    peaks = ", ".join(f"{k} {_mb(v)}" for k, v in mem["tracemalloc_peak"].items())
    out.append(f"        tracemalloc peak while our pipeline cleans the corpus: {peaks}")
    out.append("")
    out.extend(_render_jobs(report.get("jobs")))
    out.extend(_render_scale(report.get("scale")))
    return "\n".join(out)


def _language_stage_line(corpus: str, stages: Sequence[Mapping[str, Any]]) -> str:
    """The language stage's µs/doc over all documents and over the English ones."""
    rows = [s for s in stages if s["stage"] in LANGUAGE_STAGE]
    every = sum(s["us_per_doc"] for s in rows)
    english = [s.get("us_per_english_doc") for s in rows]
    n = rows[0].get("english_docs") if rows else None
    if not rows or n is None or any(v is None for v in english):
        on_english = "no English document"
    else:
        total = sum(v for v in english if v is not None)
        verdict = "under" if total < GOAL_LANGUAGE_US else "over"
        on_english = (
            f"{total:,.0f} µs/doc over its {n:,} English documents "
            f"({verdict} the {GOAL_LANGUAGE_US:,.0f} µs goal)"
        )
    return (
        f"language stage ({', '.join(LANGUAGE_STAGE)}), {corpus}: {every:,.0f} µs/doc, {on_english}"
    )


def _render_jobs(jobs: Mapping[str, Any] | None) -> list[str]:
    if jobs is None:
        return ["jobs: skipped (no folder for the files: --out)"]
    out = [
        f"--jobs 1 against --jobs 2: clean-news on {jobs['records']:,} records of {jobs['corpus']} "
        "(JSONL in and out, a new process each pass), median (min-max) over the passes"
    ]
    rows = []
    for n in (1, 2):
        t = jobs[f"jobs={n}"]
        cpu = statistics.median(t["cpu_seconds"]) if t["cpu_seconds"] else 0.0
        rows.append(
            [
                f"--jobs {n}",
                _spread(t["docs_per_s"]),
                f"{t['docs_per_s']['median'] / n:,.0f}",
                _spread(t["mb_per_s"], 2),
                f"{cpu:,.1f}",
            ]
        )
    headers = ["processes", "docs/s", "docs/s per core", "MB/s", "cpu s (whole tree)"]
    out.append(render_table(headers, rows))
    eff_cpu = jobs.get("efficiency_cpu")
    cpu_text = f"{eff_cpu:.2f}" if eff_cpu is not None and jobs.get("cpu_measured") else "n/a"
    loads = jobs.get("loadavg_during") or []
    load = f"{min(loads):.2f}-{max(loads):.2f}" if loads else "n/a"
    out.append(
        f"scaling efficiency at 2 processes: {jobs['efficiency_wall']:.2f} by the wall clock, "
        f"{cpu_text} by CPU time (goal {GOAL_EFFICIENCY}); outputs identical: "
        f"{'yes' if jobs['identical_output'] else 'NO'}; {jobs['cores_usable']} usable cores, "
        f"1-minute load average {load} during the passes"
    )
    out.append(
        "(the wall-clock figure needs two idle cores; on a shared machine the CPU figure, "
        "one process's CPU seconds over what the two workers and their parent need in all, "
        "isolates our own overhead)"
    )
    return out


def _render_scale(scale: Mapping[str, Any] | None) -> list[str]:
    if not scale:
        return []
    out = [""]
    if scale.get("skipped"):
        return [*out, f"JSONL overhead, large file, Ray: skipped: {scale['skipped']}"]
    jsonl = scale.get("jsonl")
    if jsonl:
        out.append(
            f"JSONL path ({jsonl['corpus']}, {jsonl['docs']:,} records, one process): "
            f"{jsonl['jsonl_us_per_doc']:,.0f} µs/doc against {jsonl['run_us_per_doc']:,.0f} "
            f"µs/doc for Pipeline.run: overhead {jsonl['overhead_us_per_doc']:,.0f} µs/doc "
            f"({(jsonl['overhead_share'] or 0):.1%})"
        )
    big = scale.get("big_file")
    if big:
        peak = big["peak_tree_rss"]
        verdict = "" if peak is None else (" (under" if peak < GOAL_PEAK_RSS else " (over")
        verdict += f" the {_mb(GOAL_PEAK_RSS)} goal)" if verdict else ""
        out.append(
            f"large file: {big['records']:,} records, {_mb(big['input_bytes'])} in, "
            f"{_mb(big['output_bytes'])} out, {big['seconds']:,.0f} s "
            f"({(big['docs_per_s'] or 0):,.0f} docs/s), exit code {big['returncode']}"
        )
        out.append(
            f"        peak RSS of the whole process tree (parent, fork server, workers) "
            f"{_mb(peak or 0)}{verdict}; PSS (shared pages counted once) "
            f"{_mb(big.get('peak_tree_pss') or 0)}; largest single process "
            f"{_mb(big['peak_process_rss'] or 0)}"
        )
    ray = scale.get("ray")
    if ray:
        if not ray.get("available"):
            out.append(f"Ray: skipped: {ray['reason']}")
        else:
            rows = [
                [name, _spread(t["docs_per_s"]), _spread(t["mb_per_s"], 2), t["reps"]]
                for name, t in ray["throughput"].items()
            ]
            out.append(
                f"Ray {ray['version']} local cluster (2 CPUs; ray.init took "
                f"{ray['startup_seconds']:.1f} s, not counted) beside the local runner, "
                f"JSONL file to JSONL output, {ray['corpus']}"
            )
            out.append(render_table(["engine", "docs/s", "MB/s", "passes"], rows))
            out.append(f"ratio Ray / local: {ray['ratio_ray_to_local']:.2f}")
    return out


# ------------------------------------------------------------------ command


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m filters.evaluation.bench",
        description="Throughput of the clean-news pipeline beside datatrove's filters.",
    )
    parser.add_argument("--reps", type=_positive, default=5, help="timed passes (default 5)")
    parser.add_argument("--limit", type=_positive, default=None, help="documents per corpus")
    parser.add_argument("--out", type=Path, default=None, help="folder for bench.json")
    parser.add_argument(
        "--big-mb",
        type=int,
        default=600,
        help="size of the generated JSONL file for the memory figure, in MB (0: skip)",
    )
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray measurement")
    return parser.parse_args(argv)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        corpora = load_corpora(find_data(), args.limit)
    except DataMissing as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2

    def progress(message: str) -> None:
        print(f"bench: {message}", file=sys.stderr, flush=True)

    machine = machine_info()
    workdir = args.out if args.out is not None else REPO_ROOT / "out" / "eval"
    report = run_bench(
        corpora,
        args.reps,
        progress,
        workdir=workdir,
        big_mb=args.big_mb,
        with_ray=not args.no_ray,
    )
    machine["loadavg_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    print(render_report(report, machine))
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / "bench.json"
        document = {**report, "machine": machine, "command": sys.argv}
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"\nfigures written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
