"""Records: the unit of work of a batch run, and what cleaning one returns.

A *record* is a JSONL line, a whole text file, or an input that could not be
read. The parent process reads records in input order and sends them, a chunk
at a time, to :func:`process_chunk`, which runs in a worker process (or in the
parent with one job) and returns, per record, everything the parent needs:
the output to write (the JSONL line, or the cleaned text), the report entry,
the error line, and the counts for the summary. So the parent only reads and
writes, and the output does not depend on which process cleaned a record.

The JSONL rules (DESIGN.md): a line must hold a JSON object; its text field
(default ``text``) is cleaned and its id field (default ``id``) names it, else
``<file>:<line>`` does; a line that is not a JSON object is left out of the
output and reported; an object without a string text is written unchanged
with ``clean_news.error``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .decoding import DecodeError, Decoding, decode_bytes
from .document import Document
from .limits import LimitExceeded
from .parallel import build_pipeline
from .pipeline import Pipeline, Result
from .registry import Context, DetectorSpec
from .report import DocumentError, Outcome, Summary, entry_json, jsonl_record
from .settings import Settings

log = logging.getLogger(__name__)


class Record(NamedTuple):
    """One unit of input: a JSONL line, a whole text file, or a source that failed.

    ``pos`` is the number of input bytes read in the run when the record was
    complete (for progress and ETA). Records and :class:`Processed` are named
    tuples because they cross between processes one per document: a tuple
    pickles several times faster than a dataclass.
    """

    kind: str  # "jsonl", "text" or "error"
    data: bytes
    where: str
    fallback_id: str
    source: int
    pos: int = 0
    error: str | None = None


@dataclass(frozen=True)
class RecordOptions:
    """What a worker needs besides the pipeline."""

    text_field: str = "text"
    id_field: str = "id"
    report: bool = False  # make each document's report entry
    keep: bool = False  # return each document's report dict and original (for --html)
    decoding: Decoding = field(default_factory=Decoding)  # --encoding (text files), --errors


@dataclass(slots=True)
class Parsed:
    """A record read: its id, its JSON object, the text to clean or why there is none."""

    record: Record
    doc_id: str
    obj: dict[str, Any] | None = None
    text: str | None = None
    error: str | None = None
    decoding: dict[str, Any] | None = None  # the report's note on a non-UTF-8 or repaired input

    @property
    def writes_line(self) -> bool:
        """JSONL: an output line is written for every JSON object, cleaned or not."""
        return self.obj is not None


class Processed(NamedTuple):
    """What the parent needs of one record: what to write, report and show."""

    source: int
    output: str | None = None  # a JSONL line (with its newline) or a cleaned text
    entry: str | None = None  # the report entry (entry_json), when a report is written
    error: str | None = None  # one line, for stderr
    doc: dict[str, Any] | None = None  # report entry as a dict, for the HTML page
    original: str | None = None  # original text, for the HTML page


@dataclass(slots=True)
class Chunk:
    """Records for one worker call. With ``prepare`` the chunk is one window.

    ``done`` holds the results of records already written by an earlier run
    (``--resume``): they are shown to the batch hooks, not cleaned again.
    """

    records: list[Record]
    prepare: bool
    done: dict[int, Processed] = field(default_factory=dict)
    done_summary: Summary | None = None
    keep: bool = True  # return documents for the HTML page (options.keep, within its limit)


@dataclass(slots=True)
class ChunkResult:
    items: list[Processed]
    summary: Summary
    pos: int = 0


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(
        type(value), "an array" if isinstance(value, list) else "an object"
    )


def parse_record(record: Record, options: RecordOptions) -> Parsed:
    """Decode a record; for JSONL, parse it and find its id and text (no cleaning)."""
    where = record.where
    if record.kind == "error":
        return Parsed(record, record.fallback_id, error=record.error)
    if record.kind == "text":
        try:
            decoded = decode_bytes(record.data, where, options.decoding)
        except DecodeError as exc:
            return Parsed(record, record.fallback_id, error=str(exc))
        return Parsed(record, record.fallback_id, text=decoded.text, decoding=decoded.note())
    fallback = record.fallback_id
    try:
        line = decode_bytes(record.data, where, _jsonl_decoding(options.decoding), sniff=False)
        obj = json.loads(line.text, parse_float=_finite, parse_constant=_no_constant)
    except DecodeError as exc:
        return Parsed(record, fallback, error=str(exc))
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc).split(";")[0][:200]
        return Parsed(record, fallback, error=f"{where}: not valid JSON ({message})")
    note = line.note(default="utf-8-sig")
    if not isinstance(obj, dict):
        return Parsed(
            record, fallback, error=f"{where}: a line must hold a JSON object, not {_kind(obj)}"
        )
    raw_id = obj.get(options.id_field)
    doc_id = fallback if raw_id is None else str(raw_id)
    text = obj.get(options.text_field)
    if not isinstance(text, str):
        problem = "is missing" if text is None else f"is {_kind(text)}, not a string"
        return Parsed(record, doc_id, obj, error=f"{where}: field {options.text_field!r} {problem}")
    return Parsed(record, doc_id, obj, text=text, decoding=note)


def _finite(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {literal[:20]}... is out of range")
    return value


def _no_constant(literal: str) -> Any:
    raise ValueError(f"{literal} is not JSON")


def _jsonl_decoding(decoding: Decoding) -> Decoding:
    """JSONL is UTF-8 (a BOM on the first line is dropped); only ``errors`` applies."""
    return Decoding("utf-8-sig", decoding.errors)


def worker_setup(
    settings: Settings, detectors: Sequence[DetectorSpec], options: RecordOptions
) -> tuple[Pipeline, RecordOptions]:
    """A worker's state: its pipeline (built once; models load once) and the options."""
    return build_pipeline(settings, detectors), options


def process_chunk(state: tuple[Pipeline, RecordOptions], chunk: Chunk) -> ChunkResult:
    """Clean a chunk's records (in a worker, or in the parent with ``jobs=1``)."""
    pipeline, options = state
    parsed = [parse_record(r, options) for r in chunk.records]
    docs: dict[int, Document] = {
        i: pipeline.document(p.text, id=p.doc_id, source=p.record.where)
        for i, p in enumerate(parsed)
        if p.text is not None
    }
    ctx: Context | None = Context(pipeline.settings)
    hook_error = None
    if chunk.prepare:
        try:
            ctx = pipeline.prepare(list(docs.values()))
        except Exception as exc:  # the window's documents fail, the run goes on
            log.debug("batch hook failed", exc_info=True)
            ctx, hook_error = None, f"a batch hook failed on this window: {exc!r}"
    keep = options.keep and chunk.keep
    summary = Summary()
    if chunk.done_summary is not None:
        summary.merge(chunk.done_summary)
    items: list[Processed] = []
    for i, p in enumerate(parsed):
        if i in chunk.done:
            items.append(chunk.done[i])
            continue
        outcome: Outcome
        doc = docs.pop(i, None)  # dropped once cleaned: its segmentation goes with it
        if doc is None:
            outcome = DocumentError(p.doc_id, p.record.where, p.error or "no text")
        elif ctx is None:
            outcome = DocumentError(p.doc_id, p.record.where, f"{doc.source}: {hook_error}")
        else:
            outcome = _clean(pipeline, doc, ctx)
        items.append(_processed(p, outcome, options, summary, keep))
    return ChunkResult(items, summary, chunk.records[-1].pos if chunk.records else 0)


def _clean(pipeline: Pipeline, doc: Document, ctx: Context) -> Outcome:
    try:
        return pipeline.run(doc, context=ctx)
    except LimitExceeded as exc:
        return DocumentError(doc.id, doc.source, f"{doc.source}: {exc}")
    except Exception as exc:  # one document's failure must not stop the batch
        log.debug("document %s failed", doc.id, exc_info=True)
        return DocumentError(doc.id, doc.source, f"{doc.source}: cleaning failed: {exc}")


def _processed(
    parsed: Parsed, outcome: Outcome, options: RecordOptions, summary: Summary, keep: bool
) -> Processed:
    entry = outcome.to_dict()
    ok = isinstance(outcome, Result)
    if ok and parsed.decoding is not None:
        entry["decoding"] = parsed.decoding
    summary.add(entry)
    output = None
    if parsed.obj is not None:
        record = dict(parsed.obj)
        if isinstance(outcome, Result):
            record[options.text_field] = outcome.cleaned
        record["clean_news"] = jsonl_record(outcome)
        if ok and parsed.decoding is not None:
            record["clean_news"]["decoding"] = parsed.decoding
        output = json.dumps(record, ensure_ascii=False) + "\n"
    elif parsed.record.kind == "text" and isinstance(outcome, Result):
        output = outcome.cleaned
    return Processed(
        parsed.record.source,
        output=output,
        entry=entry_json(entry) if options.report else None,
        error=outcome.error if isinstance(outcome, DocumentError) else None,
        doc=entry if keep else None,
        original=parsed.text if keep and ok else None,
    )
