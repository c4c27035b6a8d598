"""Cleaning many documents: text files and JSONL streams, to files, a folder or stdout.

One bad document never stops the batch: it becomes a :class:`DocumentError`
with a one-line reason, its output is not written (text) or carries the error
in its ``clean_news`` object (JSONL), and the run goes on.

JSONL mode (the DESIGN.md contract): each input line is a JSON object with a
text field (default ``text``) and an optional id field (default ``id``). Each
output line keeps every input field, puts the cleaned text in the text field
and adds a ``clean_news`` object with the findings (offsets into the original
text), the edits, the language and the stats. A line that is not a JSON object
is left out of the output and reported as failed; a record without a string
text field is written unchanged with ``clean_news.error`` set.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from .io import DecodeError, InputError, Source, atomic_writer, decode, read_bytes
from .pipeline import Pipeline
from .registry import Context
from .report import DocumentError, Outcome, jsonl_record

log = logging.getLogger(__name__)


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


@dataclass
class BatchOutcome:
    """Every document's outcome in input order, and originals when asked for."""

    outcomes: list[Outcome] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        return sum(1 for o in self.outcomes if isinstance(o, DocumentError))


class BatchRunner:
    """Runs a pipeline over sources and writes the outputs as the plan says."""

    def __init__(
        self,
        pipeline: Pipeline,
        plan: OutputPlan,
        stdout: TextSink,
        *,
        text_field: str = "text",
        id_field: str = "id",
        keep_texts: bool = False,
        stdin: IO[bytes] | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.plan = plan
        self.stdout = stdout
        self.stdin = stdin
        self.text_field = text_field
        self.id_field = id_field
        self.keep_texts = keep_texts
        self.context = Context(pipeline.settings)

    def run(self, sources: list[Source]) -> BatchOutcome:
        batch = BatchOutcome()
        with ExitStack() as stack:
            shared: TextSink | None = None
            if self.plan.kind == "file" and self.plan.path is not None:
                shared = stack.enter_context(atomic_writer(self.plan.path))
            elif self.plan.kind == "stdout":
                shared = self.stdout
            first = True
            for source in sources:
                if source.format == "jsonl":
                    self._run_jsonl(source, batch, shared)
                else:
                    self._run_text(source, batch, shared, first)
                first = False
        return batch

    # -- text ---------------------------------------------------------------

    def _run_text(
        self, source: Source, batch: BatchOutcome, shared: TextSink | None, first: bool
    ) -> None:
        doc_id = source.doc_id
        try:
            text = decode(self._read(source), source.name)
        except (DecodeError, InputError) as exc:
            batch.outcomes.append(DocumentError(doc_id, source.name, str(exc)))
            return
        outcome = self._clean(text, doc_id, source.name)
        batch.outcomes.append(outcome)
        if isinstance(outcome, DocumentError):
            return
        if self.keep_texts:
            batch.texts[doc_id] = text
        if shared is not None:
            if not first and self.plan.kind == "stdout":
                shared.write("\n")
            shared.write(outcome.cleaned)
            return
        target = self.plan.target(source)
        assert target is not None
        with atomic_writer(target) as handle:
            handle.write(outcome.cleaned)

    # -- JSONL --------------------------------------------------------------

    def _run_jsonl(self, source: Source, batch: BatchOutcome, shared: TextSink | None) -> None:
        with ExitStack() as stack:
            out: TextSink | None = shared
            if out is None:
                target = self.plan.target(source)
                assert target is not None
                out = stack.enter_context(atomic_writer(target))
            try:
                lines = self._jsonl_lines(source)
                for lineno, raw in lines:
                    record = self._jsonl_record(source, lineno, raw, batch)
                    if record is not None:
                        out.write(json.dumps(record, ensure_ascii=False) + "\n")
            except InputError as exc:
                batch.outcomes.append(DocumentError(source.doc_id, source.name, str(exc)))

    def _jsonl_lines(self, source: Source) -> Iterator[tuple[int, bytes]]:
        if source.path is None:
            stream: IO[bytes] = self._stdin()
            yield from _numbered(stream)
            return
        try:
            handle = source.path.open("rb")
        except OSError as exc:
            raise InputError(f"cannot read {source.name}: {exc.strerror or exc}") from None
        with handle:
            yield from _numbered(handle)

    def _jsonl_record(
        self, source: Source, lineno: int, raw: bytes, batch: BatchOutcome
    ) -> dict[str, Any] | None:
        where = f"{source.name}:{lineno}"
        fallback_id = f"{source.doc_id}:{lineno}"
        try:
            obj = json.loads(decode(raw, where))
        except DecodeError as exc:
            batch.outcomes.append(DocumentError(fallback_id, where, str(exc)))
            return None
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)[:200]
            batch.outcomes.append(
                DocumentError(fallback_id, where, f"{where}: not valid JSON ({message})")
            )
            return None
        if not isinstance(obj, dict):
            batch.outcomes.append(
                DocumentError(
                    fallback_id, where, f"{where}: a line must hold a JSON object, not {_kind(obj)}"
                )
            )
            return None
        raw_id = obj.get(self.id_field)
        doc_id = fallback_id if raw_id is None else str(raw_id)
        text = obj.get(self.text_field)
        outcome: Outcome
        if not isinstance(text, str):
            problem = "is missing" if text is None else f"is {_kind(text)}, not a string"
            outcome = DocumentError(doc_id, where, f"{where}: field {self.text_field!r} {problem}")
        else:
            outcome = self._clean(text, doc_id, where)
        batch.outcomes.append(outcome)
        record = dict(obj)
        if isinstance(outcome, DocumentError):
            record["clean_news"] = jsonl_record(outcome)
            return record
        if self.keep_texts:
            batch.texts[doc_id] = outcome.original
        record[self.text_field] = outcome.cleaned
        record["clean_news"] = jsonl_record(outcome)
        return record

    # -- shared -------------------------------------------------------------

    def _clean(self, text: str, doc_id: str, source: str) -> Outcome:
        try:
            return self.pipeline.run(text, id=doc_id, source=source, context=self.context)
        except Exception as exc:  # one document's failure must not stop the batch
            log.debug("document %s failed", doc_id, exc_info=True)
            return DocumentError(doc_id, source, f"{source}: cleaning failed: {exc}")

    def _read(self, source: Source) -> bytes:
        if source.path is None:
            return self._stdin().read()
        return read_bytes(source)

    def _stdin(self) -> IO[bytes]:
        if self.stdin is None:
            raise InputError("no standard input available")
        return self.stdin


def _numbered(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for lineno, raw in enumerate(stream, start=1):
        line = raw.rstrip(b"\r\n")
        if line.strip():
            yield lineno, line


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(
        type(value), "an array" if isinstance(value, list) else "an object"
    )
