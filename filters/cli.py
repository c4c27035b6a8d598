"""The ``clean-news`` command: parse options, call the Python API, report.

Exit codes: 0 every document cleaned; 1 some documents failed (the others were
still written, and the report says which and why); 2 usage error. Every error
is one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from ._version import __version__
from .batch import BatchRunner, OutputPlan
from .io import InputError, Source, discover, write_atomic
from .pipeline import Pipeline
from .registry import RegistryError
from .report import build_report, dumps_report
from .settings import Settings, SettingsError, parse_action

EXAMPLES = """\b
Examples:
  clean-news article.txt                      print the cleaned article
  clean-news seeds/ -o out/ --report out/report.json --html out/report.html
  clean-news pages.jsonl -o clean.jsonl       JSONL in, JSONL out (all fields kept)
  cat article.txt | clean-news - > clean.txt
  clean-news --action heading=flag --skip missing_space in/ -o out/
  clean-news --config clean-news.toml 'data/**/*.txt' -o out/

\b
Categories: off_topic caption tag_run metadata boilerplate heading markup
duplicate missing_space encoding foreign_language readability.
Actions: remove, replace (markup, missing_space, encoding), flag, off.
"""


class UsageProblem(click.ClickException):
    """A usage error found after parsing (bad path, bad setting): exit code 2."""

    exit_code = 2


class OneLineErrors(click.Command):
    """A command whose errors are one line on stderr, with clean exit codes."""

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            _error(f"{exc.format_message()} (see 'clean-news --help')")
            code = 2
        except click.ClickException as exc:
            _error(exc.format_message())
            code = exc.exit_code
        except (click.Abort, KeyboardInterrupt):
            _error("interrupted; no partial output was left behind")
            code = 130
        except BrokenPipeError:
            code = 1
        if not standalone_mode:
            return code
        sys.exit(code or 0)


class _Utf8Stdout:
    """Standard output as UTF-8 whatever the locale says (cleaned text is UTF-8)."""

    def write(self, text: str) -> int:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
        return len(text)


def _error(message: str) -> None:
    click.echo(f"clean-news: error: {' '.join(message.split())}", err=True)


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
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
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
    quiet: bool,
) -> int:
    """Clean scraped news text and report every change.

    INPUTS are files, folders (searched for *.txt and *.jsonl), globs, or - for
    standard input (also the default). Cleaned text goes to stdout unless
    --output says otherwise.
    """
    settings = _settings(config, actions, only, skip, lang, min_confidence, max_removed_share)
    try:
        pipeline = Pipeline(settings)
        sources = discover(inputs, fmt)
    except (RegistryError, InputError) as exc:
        raise UsageProblem(str(exc)) from None
    plan = _plan_output(output, sources, inputs)
    runner = BatchRunner(
        pipeline,
        plan,
        _Utf8Stdout(),
        text_field=text_field,
        id_field=id_field,
        keep_texts=html_path is not None,
        stdin=sys.stdin.buffer,
    )
    batch = runner.run(sources)
    report = build_report(batch.outcomes, settings, pipeline.detector_names)
    if report_path:
        write_atomic(Path(report_path), dumps_report(report))
    if html_path:
        from .html_report import render_html  # Jinja2 is loaded only when asked for

        write_atomic(Path(html_path), render_html(report, batch.texts))
    for doc in report["documents"]:
        if doc["status"] == "error":
            _error(doc["error"])
    if not quiet:
        _summary(report["summary"])
    return 1 if batch.failed else 0


def _settings(
    config: str | None,
    actions: tuple[str, ...],
    only: tuple[str, ...],
    skip: tuple[str, ...],
    lang: str | None,
    min_confidence: float | None,
    max_removed_share: float | None,
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
        if min_confidence is not None:
            changes["min_confidence"] = min_confidence
        if max_removed_share is not None:
            changes["max_removed_share"] = max_removed_share
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
        if resolved in inputs:
            raise UsageProblem(f"output {target} would overwrite the input {source.name}")
        if plan.kind == "folder" and resolved in seen:
            raise UsageProblem(
                f"inputs {seen[resolved].name} and {source.name} would both write {target}"
            )
        seen[resolved] = source


def _summary(summary: dict[str, Any]) -> None:
    parts = [f"{summary['ok']} of {summary['documents']} documents cleaned"]
    if summary["failed"]:
        parts.append(f"{summary['failed']} failed")
    parts.append(f"{summary['review']} need review")
    parts.append(f"{summary['chars_removed']} characters removed")
    counts = [
        f"{cat} {c['applied']}/{c['findings']}"
        for cat, c in summary["categories"].items()
        if c["findings"]
    ]
    line = ", ".join(parts)
    if counts:
        line += "; applied/found: " + ", ".join(counts)
    click.echo(f"clean-news: {line}", err=True)


main = cli
