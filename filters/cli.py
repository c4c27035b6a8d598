"""The ``clean-news`` command: parse options, call the Python API, report.

Exit codes: 0 every document cleaned; 1 some documents failed (the others were
still written, and the report says which and why); 2 usage error; 130
interrupted. Every error is one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import click

from ._version import __version__
from .batch import HTML_LIMIT, BatchOutcome, BatchRunner, OutputPlan, ResumeError
from .cli_errors import one_line_errors, print_error
from .console import Progress, summary_table
from .decoding import Decoding
from .io import InputError, Source, discover, part_path, write_atomic
from .parallel import WINDOW
from .pipeline import Pipeline
from .registry import RegistryError
from .report import report_header, summarize
from .settings import Settings, SettingsError, parse_action

#: Error lines printed as documents fail; the rest are counted (the report has them all).
MAX_ERROR_LINES = 100

EXAMPLES = """\b
Examples:
  clean-news article.txt                      print the cleaned article
  clean-news seeds/ -o out/ --report out/report.json --html out/report.html
  clean-news pages.jsonl -o clean.jsonl       JSONL in, JSONL out (all fields kept)
  cat article.txt | clean-news - > clean.txt
  clean-news --action heading=flag --skip missing_space in/ -o out/
  clean-news --config clean-news.toml 'data/**/*.txt' -o out/
  clean-news big.jsonl.zst -o clean.jsonl --jobs 4 --resume
  clean-news --engine ray --ray-address auto s3://bucket/in/ -o s3://bucket/out/

\b
Categories: off_topic caption tag_run metadata boilerplate heading markup
duplicate missing_space encoding foreign_language readability.
Actions: remove, replace (markup, missing_space, encoding), flag, off.
"""


class UsageProblem(click.ClickException):
    """A usage error found after parsing (bad path, bad setting): exit code 2."""

    exit_code = 2


class Interrupted(click.ClickException):
    """Ctrl-C during a --resume run: what was written is kept (exit code 130)."""

    exit_code = 130


OneLineErrors = one_line_errors("clean-news", "interrupted; no partial output was left behind")


class _Utf8Stdout:
    """Standard output as UTF-8 whatever the locale says (cleaned text is UTF-8)."""

    def write(self, text: str) -> int:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
        return len(text)


def _error(message: str) -> None:
    print_error("clean-news", message)


@click.command(
    cls=OneLineErrors,
    epilog=EXAMPLES,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.argument("inputs", nargs=-1, metavar="[INPUTS]...")
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="File, folder (ends with / or exists; implied by several inputs) or - for stdout.",
)
@click.option("--report", "report_path", metavar="PATH", help="Write the JSON report here.")
@click.option("--html", "html_path", metavar="PATH", help="Write the HTML review page here.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "jsonl"]),
    help="Input format; default by file ending (.jsonl is JSONL), text for stdin.",
)
@click.option("--text-field", default="text", show_default=True, help="JSONL field with the text.")
@click.option("--id-field", default="id", show_default=True, help="JSONL field with the id.")
@click.option("--config", metavar="FILE", help="TOML file with settings (see README).")
@click.option(
    "--action",
    "actions",
    multiple=True,
    metavar="CATEGORY=ACTION",
    help="Set a category's action: remove, replace, flag or off. Repeatable.",
)
@click.option("--only", multiple=True, metavar="DETECTOR", help="Run only these detectors.")
@click.option("--skip", multiple=True, metavar="DETECTOR", help="Do not run these detectors.")
@click.option("--lang", metavar="CODE", help="Declared language of the documents, e.g. en.")
@click.option(
    "--min-confidence",
    type=float,
    metavar="SCORE",
    help="Edits scored below this are only flagged (default 0.5).",
)
@click.option(
    "--max-removed-share",
    type=float,
    metavar="SHARE",
    help="Above this share removed, removals become flags and review is asked (default 0.5).",
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=0),
    metavar="N",
    help="Refuse documents longer than N characters (an error each; default 5,000,000; 0: none).",
)
@click.option(
    "--time-budget",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="A document taking longer is stopped and reported as an error (default 60; 0: none).",
)
@click.option(
    "--encoding",
    metavar="CODEC",
    help="Encoding of text files (default: UTF-8, or what a byte-order mark says).",
)
@click.option(
    "--errors",
    "decode_errors",
    type=click.Choice(["strict", "replace"]),
    default="strict",
    show_default=True,
    help="Bytes invalid in the encoding: strict makes the document an error, "
    "replace puts U+FFFD in and notes it in the report.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes; default: every core when there are more than 50 documents, else 1.",
)
@click.option(
    "--window",
    type=click.IntRange(min=1),
    default=WINDOW,
    show_default=True,
    metavar="N",
    help="Documents per window for cross-document detectors.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted JSONL run from what its output (OUT.part) already holds.",
)
@click.option(
    "--html-limit",
    type=click.IntRange(min=1),
    default=HTML_LIMIT,
    show_default=True,
    metavar="N",
    help="The HTML page shows at most the first N documents.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="ray: clean JSONL with Ray Data (pip install 'clean-news[ray]').",
)
@click.option(
    "--ray-address",
    metavar="ADDRESS",
    help="Ray cluster to join (e.g. auto, ray://host:10001); default: start a local one.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary on stderr.")
@click.version_option(__version__, "-V", "--version", prog_name="clean-news")
def cli(
    inputs: tuple[str, ...],
    output: str | None,
    report_path: str | None,
    html_path: str | None,
    fmt: str | None,
    text_field: str,
    id_field: str,
    config: str | None,
    actions: tuple[str, ...],
    only: tuple[str, ...],
    skip: tuple[str, ...],
    lang: str | None,
    min_confidence: float | None,
    max_removed_share: float | None,
    max_chars: int | None,
    time_budget: float | None,
    encoding: str | None,
    decode_errors: str,
    jobs: int | None,
    window: int,
    resume: bool,
    html_limit: int,
    engine: str,
    ray_address: str | None,
    quiet: bool,
) -> int:
    """Clean scraped news text and report every change.

    INPUTS are files, folders (searched for *.txt, *.jsonl, *.jsonl.gz and
    *.jsonl.zst), globs, or - for standard input (also the default). Cleaned
    text goes to stdout unless --output says otherwise; an output named *.gz or
    *.zst is compressed.
    """
    limits = {
        "min_confidence": min_confidence,
        "max_removed_share": max_removed_share,
        "max_chars": max_chars,
        "time_budget": time_budget,
    }
    settings = _settings(config, actions, only, skip, lang, limits)
    try:
        decoding = Decoding(encoding, decode_errors)
    except ValueError as exc:
        raise UsageProblem(f"--encoding: {exc}") from None
    if engine == "ray":
        return _run_ray(inputs, output, settings, text_field, id_field, window, jobs, ray_address,
                        report_path, html_path, resume, quiet, decoding)  # fmt: skip
    if ray_address:
        raise UsageProblem("--ray-address needs --engine ray")
    try:
        pipeline = Pipeline(settings)
        sources = discover(inputs, fmt)
    except (RegistryError, InputError) as exc:
        raise UsageProblem(str(exc)) from None
    plan = _plan_output(output, sources, inputs)
    progress = Progress(sys.stderr, enabled=not quiet and _is_terminal(sys.stderr))
    errors = _ErrorLines(progress)
    runner = BatchRunner(
        pipeline,
        plan,
        _Utf8Stdout(),
        text_field=text_field,
        id_field=id_field,
        decoding=decoding,
        keep_texts=html_path is not None,
        stdin=sys.stdin.buffer,
        jobs=jobs,
        window=window,
        report_path=Path(report_path) if report_path else None,
        html_limit=html_limit,
        resume=resume,
        progress=progress.update,
        on_error=errors,
    )
    try:
        batch = runner.run(sources)
    except ResumeError as exc:
        raise UsageProblem(str(exc)) from None
    except KeyboardInterrupt:
        progress.clear()
        if resume:
            kept = (
                part_path(plan.path) if plan.kind == "file" and plan.path else f"{plan.path}/*.part"
            )
            raise Interrupted(
                f"interrupted; the records written so far are kept in {kept}: "
                "run the same command again to continue"
            ) from None
        raise
    except BrokenProcessPool:
        progress.clear()
        raise click.ClickException(
            "a worker process died (out of memory?); outputs were not completed"
            + ("; run again with --resume to continue" if resume else "")
        ) from None
    finally:
        progress.clear()
    errors.finish()
    if html_path:
        _write_html(Path(html_path), batch, settings, pipeline.detector_names, html_limit)
    if not quiet:
        summary = batch.summary.to_dict()
        for line in summary_table(summary, batch.seconds, batch.jobs, batch.resumed):
            click.echo(line, err=True)
    return 1 if batch.failed else 0


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class _ErrorLines:
    """Prints failed documents' errors as they come, up to MAX_ERROR_LINES."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.count = 0

    def __call__(self, message: str) -> None:
        self.count += 1
        if self.count <= MAX_ERROR_LINES:
            self.progress.clear()
            _error(message)

    def finish(self) -> None:
        if self.count > MAX_ERROR_LINES:
            more = self.count - MAX_ERROR_LINES
            _error(f"{more:,} more documents failed; the report (--report) lists every one")


def _write_html(
    path: Path, batch: BatchOutcome, settings: Settings, detectors: list[str], limit: int
) -> None:
    from .html_report import render_html  # Jinja2 is loaded only when asked for

    report = {
        **report_header(settings, detectors),
        "documents": batch.documents,
        "summary": summarize(batch.documents),
    }
    write_atomic(path, render_html(report, batch.texts))
    if batch.not_shown:
        total = len(batch.documents) + batch.not_shown
        click.echo(
            f"clean-news: note: the HTML page shows the first {len(batch.documents):,} of "
            f"{total:,} documents (--html-limit {limit}); the JSON report has them all",
            err=True,
        )


def _run_ray(
    inputs: tuple[str, ...],
    output: str | None,
    settings: Settings,
    text_field: str,
    id_field: str,
    window: int,
    jobs: int | None,
    address: str | None,
    report_path: str | None,
    html_path: str | None,
    resume: bool,
    quiet: bool,
    decoding: Decoding,
) -> int:
    """``--engine ray``: JSONL in, a folder of JSONL files out, through Ray Data."""
    if report_path or html_path or resume:
        raise UsageProblem(
            "--report, --html and --resume are not available with --engine ray; "
            "each output line carries its findings in clean_news"
        )
    if not inputs or "-" in inputs:
        raise UsageProblem("--engine ray reads JSONL files, folders or URIs, not standard input")
    if not output or output == "-" or output.endswith((".jsonl", ".gz", ".zst")):
        raise UsageProblem("--engine ray writes a folder of .jsonl files; give -o FOLDER/")
    from . import ray_data

    try:
        Pipeline(settings)  # unknown detector names fail here, before Ray starts
        result = ray_data.run_jsonl(
            list(inputs),
            output,
            settings,
            address=address,
            text_field=text_field,
            id_field=id_field,
            window=window,
            concurrency=jobs,
            progress=not quiet and _is_terminal(sys.stderr),
            decoding=decoding,
        )
    except (RegistryError, ray_data.RayUnavailable, InputError) as exc:
        raise UsageProblem(str(exc)) from None
    errors = _ErrorLines(Progress(sys.stderr, enabled=False))
    for message in result.errors:
        errors(message)
    errors.finish()
    if not quiet:
        summary = result.summary.to_dict()
        for line in summary_table(summary, result.seconds, result.workers):
            click.echo(line, err=True)
        click.echo(f"clean-news: output written to {output} (one or more .jsonl files)", err=True)
    return 1 if result.summary.failed else 0


def _settings(
    config: str | None,
    actions: tuple[str, ...],
    only: tuple[str, ...],
    skip: tuple[str, ...],
    lang: str | None,
    numbers: dict[str, float | int | None],
) -> Settings:
    try:
        settings = Settings.from_toml(config) if config else Settings()
        changes: dict[str, Any] = {}
        if actions:
            changes["actions"] = dict(parse_action(a) for a in actions)
        if only:
            changes["only"] = _split_names(only)
        if skip:
            changes["skip"] = _split_names(skip)
        if lang is not None:
            changes["lang"] = lang
        changes.update({name: value for name, value in numbers.items() if value is not None})
        return settings.with_changes(**changes)
    except SettingsError as exc:
        raise UsageProblem(str(exc)) from None


def _split_names(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n.strip() for v in values for n in v.split(",") if n.strip())


def _plan_output(output: str | None, sources: list[Source], inputs: tuple[str, ...]) -> OutputPlan:
    """Decide whether ``--output`` is stdout, one file or a folder (see --help)."""
    if output is None or output == "-":
        return OutputPlan("stdout")
    path = Path(output)
    several = len(sources) > 1 or any(i != "-" and Path(i).is_dir() for i in inputs)
    if path.is_dir() or output.endswith(("/", os.sep)):
        plan = OutputPlan("folder", path)
    elif several:
        if all(s.format == "jsonl" for s in sources) and path.suffix == ".jsonl":
            plan = OutputPlan("file", path)
        elif path.suffix:
            raise UsageProblem(
                f"--output {output} names a file but there are {len(sources)} inputs; "
                "give a folder (end it with /) or a .jsonl file for JSONL inputs"
            )
        else:
            plan = OutputPlan("folder", path)
    else:
        plan = OutputPlan("file", path)
    _check_targets(plan, sources)
    return plan


def _check_targets(plan: OutputPlan, sources: list[Source]) -> None:
    seen: dict[Path, Source] = {}
    inputs = {s.path.resolve() for s in sources if s.path is not None}
    for source in sources:
        target = plan.target(source)
        if target is None:
            continue
        resolved = target.resolve()
        if plan.kind == "folder" and plan.path and not resolved.is_relative_to(plan.path.resolve()):
            raise UsageProblem(f"output {target} leads out of the folder {plan.path} (a link?)")
        if resolved in inputs:
            raise UsageProblem(f"output {target} would overwrite the input {source.name}")
        if plan.kind == "folder" and resolved in seen:
            raise UsageProblem(
                f"inputs {seen[resolved].name} and {source.name} would both write {target}"
            )
        seen[resolved] = source


main = cli


if __name__ == "__main__":  # python -m filters.cli
    cli()
