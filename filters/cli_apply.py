"""The ``clean-news-apply`` command: re-apply a reviewer's decisions to the original texts.

It reads the JSON report of a run and the decisions file exported from that
run's HTML page, reads each document's original text (from the ``source``
the report names, or from a ``--texts`` folder), checks that the text is the
one the report was made from, and writes the final cleaned texts and an
updated report (:func:`filters.decisions.apply_decisions`) that says who
decided each finding.

Exit codes: 0 written; 1 an original is missing, unreadable or not the text
the report was made from (nothing is written); 2 usage error: a bad option, a
report or decisions file that cannot be read, or decisions made on another
report. Every error is one line on stderr.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import click

from ._version import __version__
from .cli_errors import one_line_errors, print_error
from .decisions import DecisionsError, apply_decisions, check_original
from .io import DecodeError, decode, write_atomic
from .report import REPORT_SCHEMA, dumps_report

PROG = "clean-news-apply"
#: A JSONL record's source in the report: ``path/to/file.jsonl:LINE`` (line numbers from 1).
JSONL_SOURCE = re.compile(r"^(?P<path>.+\.jsonl(?:\.gz)?):(?P<line>[1-9][0-9]*)$")

EXAMPLES = """\b
Examples:
  clean-news seeds/ -o out/seeds/ --report out/report.json --html out/report.html
  (review out/report.html, export decisions.json)
  clean-news-apply --report out/report.json --decisions decisions.json -o out/reviewed/
  clean-news-apply --report out/report.json --decisions decisions.json --texts seeds/ -o final/
"""


class Problem(click.ClickException):
    """A usage error (exit code 2): bad options, unreadable report or decisions."""

    exit_code = 2


class TextProblem(click.ClickException):
    """An original that is missing, unreadable or not the report's text (exit code 1)."""

    exit_code = 1


OneLineErrors = one_line_errors(PROG, "interrupted; nothing was written")


def _error(message: str) -> None:
    print_error(PROG, message)


@click.command(
    cls=OneLineErrors,
    epilog=EXAMPLES,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--report", "report_path", required=True, metavar="FILE", help="The run's JSON report."
)
@click.option(
    "--decisions",
    "decisions_path",
    required=True,
    metavar="FILE",
    help="Decisions exported from the report's HTML page.",
)
@click.option(
    "--texts",
    metavar="DIR",
    help="Read each original as DIR/<id>.txt instead of from the source the report names.",
)
@click.option(
    "--text-field",
    default="text",
    show_default=True,
    help="JSONL field with the text (for documents that came from JSONL).",
)
@click.option(
    "-o", "--output", required=True, metavar="DIR", help="Folder for the final texts (<id>.txt)."
)
@click.option(
    "--updated-report",
    metavar="FILE",
    help="Where to write the updated report (default: OUTPUT/report.json).",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
@click.version_option(__version__, "-V", "--version", prog_name=PROG)
def cli(
    report_path: str,
    decisions_path: str,
    texts: str | None,
    text_field: str,
    output: str,
    updated_report: str | None,
    quiet: bool,
) -> int:
    """Re-apply reviewed decisions to the original texts.

    Accepted findings are applied as their action, rejected ones are not,
    removals the reviewer added become findings of reviewer_v1; the pipeline's
    overlap rule and removal widening run again. Writes OUTPUT/<id>.txt per
    document and an updated report whose findings say "decided_by".
    """
    report = _read_json(Path(report_path), "report")
    if not isinstance(report, dict) or report.get("schema") != REPORT_SCHEMA:
        raise Problem(f"{report_path} is not a clean-news report (schema {REPORT_SCHEMA})")
    decisions = _read_json(Path(decisions_path), "decisions")
    out_dir = Path(output)
    targets = {}
    for doc in report.get("documents") or []:
        if doc.get("status") == "ok":
            targets[doc["id"]] = _inside(out_dir, out_dir / _safe_relative(doc["id"], ".txt"))
    originals, problems = _originals(report, Path(texts) if texts else None, text_field)
    if problems:
        for message in problems[:-1]:
            _error(message)
        hint = (
            "" if texts else "; sources are relative to where clean-news ran, or give --texts DIR"
        )
        raise TextProblem(f"{problems[-1]} ({len(problems)} of {len(targets)} documents{hint})")
    report_out = Path(updated_report) if updated_report else out_dir / "report.json"
    _check_overwrites([*targets.values(), report_out], report, Path(report_path), texts)
    try:
        cleaned, updated = apply_decisions(report, decisions, originals)
    except DecisionsError as exc:
        raise Problem(f"{decisions_path}: {exc}") from None
    for doc_id, text in cleaned.items():
        write_atomic(targets[doc_id], text)
    write_atomic(report_out, dumps_report(updated))
    if not quiet:
        _summary(updated, len(cleaned), out_dir, report_out)
    return 0


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(decode(path.read_bytes(), str(path)))
    except OSError as exc:
        raise Problem(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    except DecodeError as exc:
        raise Problem(f"{what} {exc}") from None
    except json.JSONDecodeError as exc:
        raise Problem(f"{what} {path} is not valid JSON ({exc.msg}, line {exc.lineno})") from None


#: Longest file name most file systems take (bytes).
MAX_NAME_BYTES = 255


def _safe_relative(doc_id: str, suffix: str) -> Path:
    """``doc_id`` + ``suffix`` as a path that stays inside its folder, or a usage error."""
    parts = PurePosixPath(doc_id).parts
    if (
        not doc_id
        or "\x00" in doc_id
        or "\\" in doc_id
        or PurePosixPath(doc_id).is_absolute()
        or any(p in {"..", "."} for p in parts)
    ):
        raise Problem(f"document id {doc_id!r} cannot name a file inside the output folder")
    names = [*parts[:-1], parts[-1] + suffix]
    if any(len(os.fsencode(n)) > MAX_NAME_BYTES for n in names):
        raise Problem(f"document id {doc_id[:60]!r}... is too long for a file name")
    return Path(*names)


def _inside(folder: Path, target: Path) -> Path:
    """``target`` when it resolves inside ``folder`` (no symbolic link leads out)."""
    base = folder.resolve()
    if not target.resolve().is_relative_to(base):
        raise Problem(f"{target} leads out of the output folder {folder} (a symbolic link?)")
    return target


def _originals(
    report: Mapping[str, Any], texts_dir: Path | None, text_field: str
) -> tuple[dict[str, str], list[str]]:
    """Each cleaned document's original text by id, and one line per problem."""
    found: dict[str, str] = {}
    problems: list[str] = []
    for doc in report.get("documents") or []:
        if doc.get("status") != "ok":
            continue
        doc_id = doc["id"]
        try:
            if texts_dir is not None:
                where = str(texts_dir / _safe_relative(doc_id, ".txt"))
                text = decode((texts_dir / _safe_relative(doc_id, ".txt")).read_bytes(), where)
            else:
                where, text = _from_source(doc.get("source"), text_field)
        except OSError as exc:
            message = f"{exc.filename}: {exc.strerror}" if exc.strerror else str(exc)
            problems.append(f"cannot read the original of {doc_id!r}: {message}")
            continue
        except (DecodeError, ValueError) as exc:
            problems.append(f"cannot read the original of {doc_id!r}: {exc}")
            continue
        problem = check_original(text, doc)
        if problem:
            problems.append(
                f"the original of {doc_id!r} ({where}) is not the text the report was made "
                f"from: {problem}"
            )
            continue
        found[doc_id] = text
    return found, problems


def _from_source(source: Any, text_field: str) -> tuple[str, str]:
    """The original text of a document from its ``source``: a text file or a JSONL line."""
    if not isinstance(source, str) or not source or source == "<stdin>":
        raise ValueError("the report names no file for it (give --texts DIR)")
    match = JSONL_SOURCE.match(source)
    if match and not Path(source).exists():
        path, lineno = Path(match["path"]), int(match["line"])
        opener: Any = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as handle:
            for n, raw in enumerate(handle, start=1):
                if n == lineno:
                    obj = json.loads(decode(raw.rstrip(b"\r\n"), source))
                    text = obj.get(text_field) if isinstance(obj, dict) else None
                    if not isinstance(text, str):
                        raise ValueError(f"{source}: no string field {text_field!r}")
                    return source, text
        raise ValueError(f"{path} has fewer than {lineno} lines")
    return source, decode(Path(source).read_bytes(), source)


def _check_overwrites(
    targets: list[Path], report: Mapping[str, Any], report_path: Path, texts: str | None
) -> None:
    """Refuse to write over an input: an original, the report itself."""
    inputs = {report_path.resolve()}
    for doc in report.get("documents") or []:
        source = doc.get("source")
        if isinstance(source, str) and source:
            match = JSONL_SOURCE.match(source)
            inputs.add(Path(match["path"] if match else source).resolve())
    if texts:
        for doc in report.get("documents") or []:
            if doc.get("status") == "ok":
                inputs.add((Path(texts) / _safe_relative(doc["id"], ".txt")).resolve())
    for target in targets:
        if target.resolve() in inputs:
            raise Problem(f"{target} would overwrite an input; choose another --output")


def _summary(updated: Mapping[str, Any], written: int, out_dir: Path, report_out: Path) -> None:
    accepted = rejected = added = 0
    for doc in updated["documents"]:
        for f in doc.get("findings") or []:
            if f.get("detector") == "reviewer_v1":
                added += 1
            elif f.get("decision") == "accept":
                accepted += 1
            elif f.get("decision") == "reject":
                rejected += 1
    click.echo(
        f"{PROG}: {written} documents written to {out_dir}; reviewer: {accepted} accepted, "
        f"{rejected} rejected, {added} removals added; updated report {report_out}",
        err=True,
    )


main = cli
