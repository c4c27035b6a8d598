"""``python -m filters.evaluation``: measure the default pipeline on the development data.

Parts (``--only`` / ``--skip`` choose): ``seeds``, ``track_a``, ``bodies``,
``wcxb``, ``traf_eval``, ``inject``. Tables go to stdout (and ``<out>/tables.txt``); every figure
goes to ``<out>/eval.json``, the worst examples also to
``<out>/worst_examples.json``. Missing data is named one file per line and the
command exits 2. Figures are compared with ``tests/eval_baseline.json``: each
regression prints a ``REGRESSED`` line; the exit code stays 0 unless
``--strict``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .._version import __version__
from . import baseline, bodies, data, injection, report, seeds, track_a, traf_eval, wcxb
from .runner import detector_names
from .wcxb import ExtractorMissing

PARTS = ("seeds", "track_a", "bodies", "wcxb", "traf_eval", "inject")


def _parts(text: str) -> list[str]:
    names = [p.strip() for p in text.split(",") if p.strip()]
    for name in names:
        if name not in PARTS:
            raise argparse.ArgumentTypeError(f"unknown part {name!r}; valid: {', '.join(PARTS)}")
    return names


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m filters.evaluation",
        description="Measure clean-news on ../shared/corpora (or $CLEAN_NEWS_DATA) and seeds/.",
    )
    parser.add_argument(
        "--data", help="corpora folder (default: $CLEAN_NEWS_DATA or ../shared/corpora)"
    )
    parser.add_argument("--out", default="out/eval", help="output folder (default: out/eval)")
    parser.add_argument(
        "--only", type=_parts, help=f"comma-separated parts to run ({', '.join(PARTS)})"
    )
    parser.add_argument(
        "--skip", type=_parts, default=[], help="comma-separated parts to leave out"
    )
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="processes")
    parser.add_argument("--seed", type=int, default=0, help="injection seed (default 0)")
    parser.add_argument("--variants", type=int, default=2, help="injected documents per host")
    parser.add_argument(
        "--main-extractors",
        action="store_true",
        help="Track A on trafilatura, readability, newspaper, goose3 only",
    )
    parser.add_argument(
        "--baseline",
        default=str(data.repo_root() / "tests" / "eval_baseline.json"),
        help="floors and ceilings file (default: tests/eval_baseline.json)",
    )
    parser.add_argument(
        "--write-baseline",
        action="store_true",
        help="raise the floors (lower the ceilings) to the current figures",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a figure regressed")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    parts = [p for p in (args.only or PARTS) if p not in args.skip]
    root = data.data_root(args.data)
    missing = data.check(root, parts)
    if missing:
        for line in missing:
            print(line, file=sys.stderr)
        print(f"clean-news eval: {len(missing)} missing; nothing measured", file=sys.stderr)
        return 2
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    printed: list[str] = []

    def show(text: str) -> None:
        print(text + "\n", flush=True)
        printed.append(text)

    extractors = data.MAIN_EXTRACTORS if args.main_extractors else data.RECOMMENDED_EXTRACTORS
    runs: dict[str, tuple[Callable[[], dict[str, Any]], Callable[[dict[str, Any]], str]]] = {
        "seeds": (
            lambda: seeds.evaluate(data.seeds_dir(), data.load_seed_gold(root)),
            report.seeds_tables,
        ),
        "track_a": (
            lambda: track_a.evaluate(root, extractors, jobs=args.jobs),
            report.track_a_tables,
        ),
        "bodies": (
            lambda: bodies.evaluate(data.clean_bodies(root), jobs=args.jobs),
            report.bodies_tables,
        ),
        "wcxb": (
            lambda: wcxb.evaluate(root, out_dir / "cache", jobs=args.jobs),
            report.wcxb_tables,
        ),
        "traf_eval": (
            lambda: traf_eval.evaluate(root, out_dir / "cache", jobs=args.jobs),
            report.traf_eval_tables,
        ),
        "inject": (
            lambda: injection.evaluate(
                root, args.seed, args.variants, args.jobs, dump=out_dir / "injected-test.jsonl"
            ),
            report.injection_tables,
        ),
    }
    show(
        f"clean-news {__version__} evaluation | detectors: "
        f"{', '.join(detector_names()) or '(none)'} | default settings | data: {root}"
    )
    results: dict[str, Any] = {}
    timings: dict[str, float] = {}
    started = time.perf_counter()
    for part in parts:
        t0 = time.perf_counter()
        try:
            results[part] = runs[part][0]()
        except ExtractorMissing as exc:
            print(str(exc), file=sys.stderr)
            return 2
        timings[part] = round(time.perf_counter() - t0, 2)
        show(runs[part][1](results[part]))
    timings["total"] = round(time.perf_counter() - started, 2)

    current = baseline.figures(results)
    baseline_path = Path(args.baseline)
    bounds = baseline.load(baseline_path)
    if args.write_baseline:
        bounds = baseline.raise_floors(current, bounds)
        baseline.write(baseline_path, bounds)
    comparison = baseline.compare(current, bounds)
    show("\n".join(baseline.report_lines(comparison)))
    show("time (s): " + ", ".join(f"{k} {v}" for k, v in timings.items()))

    payload = {
        "schema": "clean-news/eval/1",
        "version": __version__,
        "detectors": detector_names(),
        "settings": "default",
        "data": str(root),
        "parts": results,
        "figures": {k: v for k, (v, _d) in current.items()},
        "baseline": comparison,
        "timings": timings,
    }
    (out_dir / "eval.json").write_text(
        json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    worst = {
        "bodies": results.get("bodies", {}).get("worst", []),
        "inject_false_positives": results.get("inject", {}).get("fp_examples", []),
        "inject_missed": results.get("inject", {}).get("missed_examples", []),
    }
    (out_dir / "worst_examples.json").write_text(
        json.dumps(worst, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    (out_dir / "tables.txt").write_text("\n\n".join(printed) + "\n", encoding="utf-8")
    if args.strict and comparison["regressed"]:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
