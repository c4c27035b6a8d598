"""Ray Data: clean datasets across a cluster, and the ``--engine ray`` command path.

Install with ``pip install 'clean-news[ray]'``. Ray is imported only when a
function here runs, so clean-news itself never needs it.

**A dataset.** :func:`clean_dataset` cleans a ``ray.data.Dataset`` that has a
text column, with ``map_batches`` and the callable class
:class:`DatasetCleaner`: every actor builds its pipeline once (the models load
once per actor) and cleans batch after batch. Batch format: ``pyarrow``. The
other columns pass through untouched, with their Arrow types; the text column
is replaced by the cleaned text, and a ``clean_news`` column holds the object
JSONL mode adds to each line, as a JSON string (``json.loads`` it): Arrow
cannot hold error objects beside result objects, or the per-category counts
that differ from document to document, in one struct column without adding
null fields that were never there.

**JSONL files** (``clean-news --engine ray in.jsonl -o out/``, or
:func:`run_jsonl`). Not ``ray.data.read_json``/``write_json``: those parse
records into Arrow tables, which unify the types and keys of all records
(a missing key comes back as ``null``, an ``id`` that is a number in one line
and a string in another fails) and rewrite numbers and escapes through pandas,
so the input fields would not come out as they went in. Instead
:class:`JsonlLinesDatasource` streams each file's lines (``.jsonl``,
``.jsonl.gz``, ``.jsonl.zst``; local paths, or any URI pyarrow opens such as
``s3://``) with their line numbers, each line is cleaned by exactly the code of
a local run (:func:`filters.batch.process_chunk`), and
:class:`JsonlLinesDatasink` writes the output lines as they are. So every
output line is byte for byte the local run's line for the same input line,
apart from the file name in the fallback id of records without an id.

The output is a folder (created if needed) of ``.jsonl`` files, one per write
task, named by Ray (``<write id>_<task number>...jsonl``); input order is
kept within and across files (``preserve_order``), so
``cat $(ls out/*.jsonl | sort)`` gives the lines in input order. Lines that
are not JSON objects are left out and counted as errors, as in a local run.

**Windows.** Batch hooks see each ``map_batches`` batch (``batch_size =
window``) as their window. Ray forms batches inside its blocks (here: up to
``window`` lines of one file), so windows can be smaller than in a local run,
and a detector with a batch hook can decide differently from a local run;
detectors without one give identical results.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .decoding import Decoding
from .io import InputError, format_of
from .parallel import WINDOW, clean_batch
from .pipeline import Pipeline
from .records import Chunk, Record, RecordOptions, process_chunk, worker_setup
from .report import Summary
from .settings import Settings

__all__ = [
    "DatasetCleaner",
    "JsonlLinesDatasource",
    "RayRun",
    "RayUnavailable",
    "clean_dataset",
    "init_ray",
    "run_jsonl",
]

log = logging.getLogger(__name__)

#: Errors each write task reports back to the driver (the rest are counted).
ERRORS_PER_TASK = 100


class RayUnavailable(RuntimeError):
    """Ray (``ray[data]``) is not installed."""


def _module(name: str) -> Any:
    """Import an optional dependency (by name, so type checks do not depend on it)."""
    return importlib.import_module(name)


def _ray() -> Any:
    try:
        ray = _module("ray")
        _module("ray.data")
    except ImportError as exc:
        raise RayUnavailable(
            f"Ray is not importable ({exc}); install it with: pip install 'clean-news[ray]'"
        ) from None
    return ray


def init_ray(address: str | None = None, num_cpus: int | None = None) -> None:
    """Connect to ``address`` (``auto``, ``ray://host:10001``...) or start a local Ray.

    Does nothing when Ray is already initialised. Usage statistics are off
    (``RAY_USAGE_STATS_ENABLED=0`` unless set) and no dashboard is started, so
    a local start needs no network.
    """
    ray = _ray()
    if ray.is_initialized():
        return
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    kwargs: dict[str, Any] = {
        "include_dashboard": False,
        "logging_level": logging.WARNING,
        "log_to_driver": False,
    }
    if address:
        kwargs["address"] = address
    elif num_cpus:
        kwargs["num_cpus"] = num_cpus
    ray.init(**kwargs)


def _cluster_cpus() -> int:
    ray = _ray()
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


# ------------------------------------------------------------------ datasets


class DatasetCleaner:
    """``map_batches`` callable class: one pipeline per actor, pyarrow batches."""

    def __init__(
        self,
        settings: Settings | None = None,
        text_column: str = "text",
        id_column: str | None = "id",
    ) -> None:
        self.pipeline = Pipeline(settings)
        self.text_column = text_column
        self.id_column = id_column

    def __call__(self, batch: Any) -> Any:
        pa = _module("pyarrow")

        texts = batch.column(self.text_column).to_pylist()
        if self.id_column and self.id_column in batch.column_names:
            ids = ["" if i is None else str(i) for i in batch.column(self.id_column).to_pylist()]
        else:
            ids = [""] * len(texts)
        out = clean_batch(texts, ids=ids, pipeline=self.pipeline, as_json=True)
        index = batch.column_names.index(self.text_column)
        kind = batch.schema.field(self.text_column).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            kind = pa.string()
        table = batch.set_column(index, self.text_column, pa.array(out["text"], type=kind))
        return table.append_column("clean_news", pa.array(out["clean_news"], type=pa.string()))


def clean_dataset(
    ds: Any,
    settings: Settings | None = None,
    *,
    text_column: str = "text",
    id_column: str | None = "id",
    window: int = WINDOW,
    concurrency: int | None = None,
) -> Any:
    """``ds`` with its text column cleaned and a ``clean_news`` column (a JSON string).

    ``concurrency`` actors (default: one per CPU of the cluster), batches of
    ``window`` rows (the window of batch hooks).
    """
    ray = _ray()
    return ds.map_batches(
        DatasetCleaner,
        fn_constructor_kwargs={
            "settings": settings,
            "text_column": text_column,
            "id_column": id_column,
        },
        batch_size=window,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=concurrency or _cluster_cpus()),
    )


# ------------------------------------------------------------------ JSONL files


def _stem(rel: str) -> str:
    for suffix in (".jsonl.gz", ".jsonl.zst", ".jsonl"):
        if rel.endswith(suffix):
            return rel[: -len(suffix)]
    return rel


@dataclass(frozen=True)
class _Names:
    """How a local run names a file: ``where`` as given on the command line, and
    the id base (the path relative to the folder given, or the file name)."""

    inputs: tuple[tuple[str, str, bool], ...]  # (path as Ray sees it, as given, is a folder)

    def name(self, path: str) -> tuple[str, str]:
        for seen, given, folder in self.inputs:
            if path == seen and not folder:
                return given, _stem(PurePosixPath(path).name)
            if folder and path.startswith(seen.rstrip("/") + "/"):
                rel = path[len(seen.rstrip("/")) + 1 :]
                return f"{given.rstrip('/')}/{rel}", _stem(rel)
        return path, _stem(PurePosixPath(path).name)


def _datasource_base() -> Any:
    _ray()
    return _module("ray.data.datasource").FileBasedDatasource


def _make_datasource(paths: list[str], window: int) -> Any:
    base = _datasource_base()

    class _Lines(base):  # type: ignore[misc, valid-type]
        """Each file's non-blank lines with their line numbers, ``window`` lines a block."""

        def _read_stream(self, f: Any, path: str) -> Iterator[Any]:
            pa = _module("pyarrow")

            lines: list[bytes] = []
            numbers: list[int] = []
            lineno = 0
            rest = b""
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                parts = (rest + chunk).split(b"\n")
                rest = parts.pop()
                for raw in parts:
                    lineno += 1
                    line = raw.rstrip(b"\r")
                    if line.strip():
                        lines.append(line)
                        numbers.append(lineno)
                if len(lines) >= window:
                    yield _lines_table(pa, lines, numbers, path)
                    lines, numbers = [], []
            if rest:
                lineno += 1
                line = rest.rstrip(b"\r")
                if line.strip():
                    lines.append(line)
                    numbers.append(lineno)
            if lines:
                yield _lines_table(pa, lines, numbers, path)

    return _Lines(paths, file_extensions=["jsonl", "gz", "zst"])


def _lines_table(pa: Any, lines: list[bytes], numbers: list[int], path: str) -> Any:
    return pa.table(
        {
            "line": pa.array(lines, type=pa.binary()),
            "lineno": pa.array(numbers, type=pa.int64()),
            "path": pa.array([path] * len(lines), type=pa.string()),
        }
    )


JsonlLinesDatasource = _make_datasource  # the factory (Ray's base class is imported lazily)


class JsonlLineCleaner:
    """``map_batches`` callable class for JSONL lines: the local run's record code."""

    def __init__(
        self,
        settings: Settings,
        text_field: str,
        id_field: str,
        names: _Names | None = None,
        decoding: Decoding | None = None,
    ) -> None:
        options = RecordOptions(text_field, id_field, decoding=decoding or Decoding())
        pipeline = Pipeline(settings)
        self.state = worker_setup(settings, pipeline.detectors, options)
        self.names = names or _Names(())

    def __call__(self, batch: Any) -> Any:
        pa = _module("pyarrow")

        lines = batch.column("line").to_pylist()
        numbers = batch.column("lineno").to_pylist()
        paths = batch.column("path").to_pylist()
        records = []
        for line, n, path in zip(lines, numbers, paths, strict=True):
            where, base = self.names.name(path)
            records.append(Record("jsonl", line, f"{where}:{n}", f"{base}:{n}", 0))
        items = []
        summary: list[str | None] = []
        if records:
            pipeline = self.state[0]
            result = process_chunk(self.state, Chunk(records, pipeline.needs_batch))
            items = result.items
            summary = [json.dumps(asdict(result.summary))] + [None] * (len(records) - 1)
        return pa.table(
            {
                "line": pa.array([i.output for i in items], type=pa.string()),
                "error": pa.array([i.error for i in items], type=pa.string()),
                "summary": pa.array(summary, type=pa.string()),
            }
        )


def _make_datasink(path: str) -> Any:
    _ray()
    base = _module("ray.data.datasource").BlockBasedFileDatasink

    class _LinesSink(base):  # type: ignore[misc, valid-type]
        """Writes the ``line`` column as it is; tallies summaries and errors per task."""

        def __init__(self, path: str) -> None:
            super().__init__(path, file_format="jsonl")
            self.tallies: list[str] = []

        def write(self, blocks: Any, ctx: Any) -> Any:
            tally = _Tally()

            def lines_only() -> Iterator[Any]:
                pc = _module("pyarrow.compute")
                accessor = _module("ray.data.block").BlockAccessor

                for block in blocks:
                    table = accessor.for_block(block).to_arrow()
                    tally.add(table)
                    line = table.column("line")
                    yield table.select(["line"]).filter(pc.is_valid(line))

            super().write(lines_only(), ctx)
            return tally.to_json()

        def write_block_to_file(self, block: Any, file: Any) -> None:
            lines = block.to_arrow().column("line").to_pylist()
            file.write("".join(lines).encode("utf-8"))

        def on_write_complete(self, *args: Any, **kwargs: Any) -> None:
            result = args[0] if args else kwargs.get("write_result", kwargs.get("write_results"))
            returns = getattr(result, "write_returns", result) or []
            self.tallies = [r for r in returns if isinstance(r, str)]
            parent = super()
            if hasattr(parent, "on_write_complete"):
                parent.on_write_complete(*args, **kwargs)

    return _LinesSink(path)


@dataclass
class _Tally:
    summary: Summary = field(default_factory=Summary)
    errors: list[str] = field(default_factory=list)
    failed: int = 0

    def add(self, table: Any) -> None:
        for text in table.column("summary").to_pylist():
            if text is not None:
                self.summary.merge(_summary(json.loads(text)))
        for error in table.column("error").to_pylist():
            if error is not None:
                self.failed += 1
                if len(self.errors) < ERRORS_PER_TASK:
                    self.errors.append(error)

    def to_json(self) -> str:
        data = {"summary": asdict(self.summary), "errors": self.errors, "failed": self.failed}
        return json.dumps(data)


def _summary(data: dict[str, Any]) -> Summary:
    return Summary(**data)


@dataclass
class RayRun:
    """What a ``--engine ray`` run did."""

    summary: Summary
    errors: list[str]
    seconds: float
    workers: int


def run_jsonl(
    inputs: Sequence[str],
    output: str,
    settings: Settings | None = None,
    *,
    address: str | None = None,
    text_field: str = "text",
    id_field: str = "id",
    window: int = WINDOW,
    concurrency: int | None = None,
    progress: bool = False,
    decoding: Decoding | None = None,
) -> RayRun:
    """Clean JSONL files (or folders of them, or URIs) into the folder ``output``.

    Starts a local Ray (no dashboard, no usage statistics) unless ``address``
    names a cluster or Ray is already initialised.
    """
    started = time.perf_counter()
    settings = settings or Settings()
    init_ray(address)
    ray = _ray()
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = progress
    if not progress:
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    paths = [_resolve(p) for p in inputs]
    for given, path in zip(inputs, paths, strict=True):
        if "://" not in path and not Path(path).exists():
            raise InputError(f"no such file or folder: {given}")
    names = _Names(
        tuple(
            (_ray_path(path), given, "://" not in path and Path(path).is_dir())
            for given, path in zip(inputs, paths, strict=True)
        )
    )
    workers = concurrency or _cluster_cpus()
    # Reading and writing take no CPU reservation: the cleaning actors hold one
    # CPU each, every CPU of the cluster by default, and would starve them.
    ds = ray.data.read_datasource(_make_datasource(paths, window), num_cpus=0)
    cleaned = ds.map_batches(
        JsonlLineCleaner,
        fn_constructor_kwargs={
            "settings": settings,
            "text_field": text_field,
            "id_field": id_field,
            "names": names,
            "decoding": decoding,
        },
        batch_size=window,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=workers),
    )
    sink = _make_datasink(_resolve(output))
    cleaned.write_datasink(sink, ray_remote_args={"num_cpus": 0})
    summary = Summary()
    errors: list[str] = []
    for text in sink.tallies:
        tally = json.loads(text)
        summary.merge(_summary(tally["summary"]))
        errors.extend(tally["errors"])
    return RayRun(summary, errors, time.perf_counter() - started, workers)


def _ray_path(path: str) -> str:
    """The path as Ray's file reader reports it (no scheme for local files and s3)."""
    for scheme in ("file://", "local://"):
        if path.startswith(scheme):
            return path[len(scheme) :]
    return path.split("://", 1)[1] if "://" in path else path


def _resolve(path: str) -> str:
    """Local paths made absolute (Ray workers do not share our working folder); URIs as given."""
    if "://" in path:
        return path
    local = Path(path)
    if local.is_file() and format_of(local.name) != "jsonl":
        raise InputError(f"--engine ray reads JSONL files (.jsonl, .jsonl.gz, .jsonl.zst): {path}")
    return str(local.resolve())
