"""``--resume``: recognise the records an earlier, interrupted run already wrote.

A resumable run writes each output to ``TARGET.part`` (see
:class:`filters.io.PartWriter`) and renames it to ``TARGET`` when its input is
complete. A new run with ``--resume`` cuts a partial last line off the part
(only the last line can be cut short: records are written whole), then reads
the input from the start: for each input record that produced an output line,
the next complete line of the part must belong to the same document (same id),
else the part is refused as the output of another input. Those records are
not cleaned again; their report entries are rebuilt from their lines, so the
report and summary of a resumed run cover the whole input. A record that
produced no line (not a JSON object) is recognised by parsing it alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .io import Source, compression_of, iter_lines, part_path, recover_part
from .records import Parsed, Processed, Record, RecordOptions, parse_record
from .report import DocumentError, Summary, entry_json

if TYPE_CHECKING:
    from .batch import OutputPlan


class ResumeError(ValueError):
    """``--resume`` found output that does not belong to this input (exit code 2)."""


@dataclass
class Target:
    """One output of a resumed run and the lines an earlier run completed in it."""

    path: Path
    existing: Path
    remaining: int = 0
    lines: Iterator[bytes] = field(default_factory=lambda: iter(()))
    line_no: int = 0


class Resume:
    """Recognises the records an earlier run wrote (see the module docstring)."""

    def __init__(self, plan: OutputPlan, sources: list[Source], options: RecordOptions) -> None:
        if plan.kind not in ("file", "folder") or plan.path is None:
            raise ResumeError("--resume needs --output: a .jsonl file or a folder")
        self.options = options
        self.targets: dict[Path, Target] = {}
        self.by_source: list[Target] = []
        targets: list[Path] = []
        for source in sources:  # check everything before touching any file
            if source.format != "jsonl":
                raise ResumeError(f"--resume works on JSONL inputs; {source.name} is text")
            target = plan.target(source)
            assert target is not None
            if compression_of(target.name):
                raise ResumeError(
                    f"--resume appends to its output, which cannot be compressed: {target}"
                )
            targets.append(target)
        for target in targets:
            self.by_source.append(self.targets.get(target) or self._open(target))

    def _open(self, target: Path) -> Target:
        part = part_path(target)
        if not part.exists() and target.exists():
            # an earlier run completed: continue from it as from a part (the
            # output is renamed back when this run completes)
            os.replace(target, part)
        state = Target(target, part)
        if part.exists():
            state.remaining = recover_part(part)
            state.lines = iter_lines(part)
        self.targets[target] = state
        return state

    def close(self) -> None:
        for state in self.targets.values():
            close = getattr(state.lines, "close", None)
            if close is not None:
                close()

    def mark(self, record: Record) -> tuple[Processed, Summary] | None:
        """The record's result when an earlier run wrote it, else None (clean it)."""
        state = self.by_source[record.source]
        if state.remaining == 0:
            return None
        parsed = parse_record(record, self.options)
        if parsed.writes_line:
            state.line_no += 1
            state.remaining -= 1
            entry = self._entry(state, next(state.lines), parsed)
        else:
            entry = DocumentError(parsed.doc_id, record.where, parsed.error or "").to_dict()
        summary = Summary()
        summary.add(entry)
        keep = self.options.keep
        item = Processed(
            record.source,
            entry=entry_json(entry) if self.options.report else None,
            doc=entry if keep else None,
            original=parsed.text if keep and entry["status"] == "ok" else None,
        )
        return item, summary

    def _entry(self, state: Target, line: bytes, parsed: Parsed) -> dict[str, Any]:
        where = f"{state.existing}:{state.line_no}"
        try:
            info = json.loads(line)["clean_news"]
            found = info["id"]
        except (ValueError, KeyError, TypeError):
            raise ResumeError(
                f"{where}: not a clean-news output line; remove it or run without --resume"
            ) from None
        if found != parsed.doc_id:
            raise ResumeError(
                f"{where}: holds document {found!r} but input record {parsed.record.where} "
                f"is {parsed.doc_id!r}: that output is not from this input"
            )
        source = parsed.record.where
        if "error" in info:
            return {"id": found, "source": source, "status": "error", "error": info["error"]}
        return {
            "id": found,
            "source": source,
            "status": "ok",
            **{k: info[k] for k in ("language", "review", "policy", "stats", "findings", "edits")},
        }

    def check_complete(self, target: Path | None = None) -> None:
        """Refuse an output that holds more records than its input produced."""
        states = [self.targets[target]] if target is not None else self.targets.values()
        for state in states:
            if state.remaining:
                raise ResumeError(
                    f"{state.existing} holds {state.remaining} more records than the input "
                    "produces: that output is not from this input"
                )
