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
import zlib
from collections.abc import Iterator, Sequence
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
    #: a JSONL line (with its newline) or a cleaned text; with ``Chunk.merge``, bytes:
    #: consecutive JSONL lines of one source as one block, UTF-8 compressed with
    #: zlib (:func:`unpack_block`)
    output: str | bytes | None = None
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
    #: return the JSONL lines of consecutive records of one source that carry
    #: nothing else (no report entry, error or page document) as one block
    #: (``Processed.output`` as bytes, see :func:`unpack_block`): one object to
    #: hold and pass instead of a thousand strings, compressed as it is made
    #: (zlib level 1, a few ms per MB), so neither the worker nor the parent
    #: holds a window's output at full size
    merge: bool = False

    def handover(self) -> Chunk:
        """This chunk for a worker: the copy takes the records, this one is emptied.

        Called when the chunk is pickled to be sent (:class:`filters.parallel.WorkerPool`),
        so the parent does not hold a window of records while a worker cleans it.
        """
        records = list(self.records)
        self.records.clear()
        return Chunk(records, self.prepare, self.done, self.done_summary, self.keep, self.merge)


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
    records = chunk.records
    parsed: list[Parsed | None] = []
    for i, record in enumerate(records):
        item = parse_record(record, options)
        if record.data:  # parsed: the raw bytes are not needed any more (memory)
            item.record = records[i] = record._replace(data=b"")
        parsed.append(item)
    docs: dict[int, Document] = {
        i: pipeline.document(p.text, id=p.doc_id, source=p.record.where)
        for i, p in enumerate(parsed)
        if p is not None and p.text is not None
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
    items = _Items(chunk.merge)
    for i, p in enumerate(parsed):
        assert p is not None
        parsed[i] = None  # its JSON object and original text go once it is written
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
        items.append(_processed(p, outcome, options, summary, keep), p.record.kind == "jsonl")
    return ChunkResult(items.finish(), summary, records[-1].pos if records else 0)


#: zlib level of merged blocks: 1 compresses JSONL about 3 times at over 100 MB/s.
BLOCK_LEVEL = 1
#: Bytes of a block unpacked at a time.
BLOCK_PIECE = 1 << 20


class _Items:
    """A chunk's results in order; with ``merge``, plain JSONL lines joined in blocks."""

    def __init__(self, merge: bool) -> None:
        self.merge = merge
        self.items: list[Processed] = []
        self.block = bytearray()
        self.packer: Any = None  # the zlib stream of ``block``, None when there is none
        self.source = -1  # the source of the lines in ``block``

    def append(self, item: Processed, jsonl: bool = False) -> None:
        plain = item.entry is None and item.error is None and item.doc is None and not item.original
        if self.merge and jsonl and plain and isinstance(item.output, str):
            if item.source != self.source or self.packer is None:
                self._flush()
                self.source = item.source
                self.packer = zlib.compressobj(BLOCK_LEVEL)
            self.block += self.packer.compress(item.output.encode("utf-8"))
            return
        self._flush()
        self.items.append(item)

    def _flush(self) -> None:
        if self.packer is not None:
            self.block += self.packer.flush()
            self.items.append(Processed(self.source, output=bytes(self.block)))
            self.block = bytearray()
            self.packer = None

    def finish(self) -> list[Processed]:
        self._flush()
        return self.items


def unpack_block(block: bytes) -> Iterator[bytes]:
    """The UTF-8 text of a merged block (``Processed.output`` as bytes), a piece at a
    time (pieces may split a character)."""
    unpacker = zlib.decompressobj()
    data = block
    while data:
        yield unpacker.decompress(data, BLOCK_PIECE)
        data = unpacker.unconsumed_tail
    rest = unpacker.flush()
    if rest:
        yield rest


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
