"""Loaders for the development corpora (``../shared/corpora`` or ``$CLEAN_NEWS_DATA``).

Shared by ``make eval`` and ``make bench``. Every loader reads one file of the
layout described in the corpora README and returns plain dicts or strings, in
file order, so results are deterministic. Nothing here fetches from the network.

Where the data lives: the path given explicitly, else ``$CLEAN_NEWS_DATA``,
else ``<repo>/../shared/corpora``. The expected-findings file for the seeds sits
beside the corpora, at ``<data>/../seeds/gold.json``.

When files are absent, :func:`check` lists them, one line each, so the
command can say exactly what is missing instead of raising a traceback.
"""

from __future__ import annotations

import ast
import gzip
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ENV_VAR = "CLEAN_NEWS_DATA"

#: The four extractors the issue asks for, reported separately and pooled.
MAIN_EXTRACTORS: tuple[str, ...] = ("trafilatura", "readability", "newspaper", "goose3")
#: Extractors whose outputs keep a real line structure (corpora README, Track A).
RECOMMENDED_EXTRACTORS: tuple[str, ...] = (
    "trafilatura",
    "rs_trafilatura",
    "readability",
    "newspaper",
    "news_please",
    "goose3",
    "boilerpipe",
    "boilerpipe_rs",
    "dragnet",
    "go_domdistiller",
    "dom_smoothie",
    "readabilityrs",
    "AutoExtract",
    "Diffbot",
)

GROUND_TRUTH = "scrapinghub/ground-truth.dev.jsonl"
EXTRACTOR_OUTPUTS = "scrapinghub/extractor-outputs.dev.jsonl.gz"
TRACK_A_LINES = "scrapinghub/lines.dev.jsonl.gz"
WCXB_ARTICLES = "wcxb/articles.dev.jsonl.gz"
TRAF_EVAL = "trafilatura-eval/evaldata.dev.json"
EURLEX_ACTS = "eurlex/acts.dev.jsonl.gz"
FOREIGN_SENTENCES = "foreign/sentences.dev.jsonl"
FTFY_CASES = "ftfy/cases.dev.json"
SEED_GOLD = "../seeds/gold.json"

#: What each part of ``make eval`` reads, relative to the data root.
PART_FILES: dict[str, tuple[str, ...]] = {
    "seeds": (SEED_GOLD,),
    "track_a": (GROUND_TRUTH, EXTRACTOR_OUTPUTS, TRACK_A_LINES),
    "bodies": (GROUND_TRUTH, WCXB_ARTICLES),
    "wcxb": (WCXB_ARTICLES,),
    "traf_eval": (TRAF_EVAL,),
    "inject": (
        GROUND_TRUTH,
        WCXB_ARTICLES,
        TRACK_A_LINES,
        EURLEX_ACTS,
        FOREIGN_SENTENCES,
        FTFY_CASES,
    ),
}


class DataMissing(RuntimeError):
    """Data files are absent; ``lines`` holds one message per missing file."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def repo_root() -> Path:
    """The repository holding this package (``filters/evaluation/data.py`` -> repo)."""
    return Path(__file__).resolve().parents[2]


def data_root(path: str | Path | None = None) -> Path:
    """The corpora folder: ``path``, else ``$CLEAN_NEWS_DATA``, else ``../shared/corpora``."""
    if path:
        return Path(path)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return repo_root().parent / "shared" / "corpora"


def seeds_dir() -> Path:
    """The five sample articles shipped with the repository."""
    return repo_root() / "seeds"


def check(root: Path, parts: Iterable[str]) -> list[str]:
    """One message per file the given parts need and cannot find under ``root``."""
    messages = []
    if not root.is_dir():
        origin = f"from ${ENV_VAR}" if os.environ.get(ENV_VAR) else "the default ../shared/corpora"
        messages.append(
            f"missing: data folder {root} ({origin}; set {ENV_VAR} to the corpora folder)"
        )
    needed: dict[str, list[str]] = {}
    for part in parts:
        for rel in PART_FILES.get(part, ()):
            needed.setdefault(rel, []).append(part)
    for rel, users in needed.items():
        if not (root / rel).is_file():
            messages.append(f"missing: {(root / rel).resolve()} (needed for {', '.join(users)})")
    if "wcxb" in parts and (root / WCXB_ARTICLES).is_file():
        messages += _missing_pages(
            root / "wcxb" / "html",
            (wcxb_html_path(root, rec) for rec in load_wcxb_articles(root)),
            "wcxb",
        )
    if "traf_eval" in parts and (root / TRAF_EVAL).is_file():
        messages += _missing_pages(
            root / "trafilatura-eval" / "html",
            (traf_eval_html_path(root, rec) for rec in load_traf_eval(root)),
            "traf_eval",
        )
    return messages


def _missing_pages(html_dir: Path, paths: Iterable[Path], part: str) -> list[str]:
    """One message for an absent HTML folder, else one per absent page."""
    if not html_dir.is_dir():
        return [f"missing: {html_dir.resolve()} (needed for {part})"]
    return [f"missing: {p.resolve()} (needed for {part})" for p in paths if not p.is_file()]


def require(root: Path, parts: Iterable[str]) -> None:
    """Raise :class:`DataMissing` when any file the parts need is absent."""
    missing = check(root, list(parts))
    if missing:
        raise DataMissing(missing)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a JSONL file, gzip-compressed when its name ends in ``.gz``."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def load_ground_truth(root: Path) -> dict[str, dict[str, Any]]:
    """Scrapinghub gold: ``{id: {id, url, body}}``, ``body`` is the article body only."""
    return {rec["id"]: rec for rec in read_jsonl(root / GROUND_TRUTH)}


def iter_extractor_outputs(
    root: Path, extractors: Iterable[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Scrapinghub extractor outputs ``{id, extractor, version, text}`` (``text`` never None)."""
    wanted = set(extractors) if extractors is not None else None
    for rec in read_jsonl(root / EXTRACTOR_OUTPUTS):
        if wanted is None or rec["extractor"] in wanted:
            rec["text"] = rec.get("text") or ""
            yield rec


def load_extractor_outputs(
    root: Path, extractors: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """All of :func:`iter_extractor_outputs` as a list."""
    return list(iter_extractor_outputs(root, extractors))


def iter_track_a(root: Path, extractors: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
    """Track A records ``{id, extractor, lines: [{text, label, aligned}]}``."""
    wanted = set(extractors) if extractors is not None else None
    for rec in read_jsonl(root / TRACK_A_LINES):
        if wanted is None or rec["extractor"] in wanted:
            yield rec


def load_wcxb_articles(root: Path) -> list[dict[str, Any]]:
    """WCXB dev article records (``id`` like ``dev/0001``; ``main_content`` is the gold)."""
    return list(read_jsonl(root / WCXB_ARTICLES))


def wcxb_html_path(root: Path, record: dict[str, Any]) -> Path:
    """Path of the gzipped HTML page of a WCXB record."""
    return root / "wcxb" / record["html"]


def read_gzip(path: Path) -> bytes:
    """The decompressed bytes of a gzip file (HTML pages: not decoded)."""
    with gzip.open(path, "rb") as handle:
        return handle.read()


def read_wcxb_html(root: Path, record: dict[str, Any]) -> bytes:
    """The raw HTML bytes of a WCXB page (decompressed, not decoded)."""
    return read_gzip(wcxb_html_path(root, record))


def _segments(value: Any) -> list[str]:
    """A ``with`` / ``without`` field as a list of strings: a JSON list as it is, a
    string holding a Python list literal parsed, anything else (absent, null) empty."""
    if isinstance(value, str):
        value = ast.literal_eval(value) if value.strip() else []
    if not isinstance(value, list | tuple):
        return []
    return [s for s in value if isinstance(s, str) and s]


def load_traf_eval(root: Path) -> list[dict[str, Any]]:
    """trafilatura's evaluation pages, in file order: each upstream record plus ``url`` (its
    key), with ``with`` and ``without`` always lists of non-empty strings."""
    with open(root / TRAF_EVAL, encoding="utf-8") as handle:
        pages: dict[str, dict[str, Any]] = json.load(handle)
    records = []
    for url, rec in pages.items():
        records.append(
            {
                **rec,
                "url": url,
                "with": _segments(rec.get("with")),
                "without": _segments(rec.get("without")),
            }
        )
    return records


def traf_eval_html_path(root: Path, record: dict[str, Any]) -> Path:
    """Path of the gzipped HTML page of a trafilatura-eval record (``html`` is relative
    to ``trafilatura-eval/``)."""
    return root / "trafilatura-eval" / record["html"]


def read_traf_eval_html(root: Path, record: dict[str, Any]) -> bytes:
    """The raw HTML bytes of a trafilatura-eval page (decompressed, not decoded)."""
    return read_gzip(traf_eval_html_path(root, record))


def clean_bodies(root: Path) -> list[tuple[str, str, str]]:
    """Untouched gold bodies as ``(dataset, id, text)``: Scrapinghub ``body``, WCXB
    ``main_content``, in file order."""
    bodies = [
        ("scrapinghub", rec["id"], rec["body"] or "") for rec in read_jsonl(root / GROUND_TRUTH)
    ]
    bodies += [("wcxb", rec["id"], rec["main_content"] or "") for rec in load_wcxb_articles(root)]
    return bodies


def iter_eurlex(root: Path) -> Iterator[dict[str, Any]]:
    """EUR-Lex acts ``{celex_id, text, summary, ...}``."""
    return read_jsonl(root / EURLEX_ACTS)


def load_foreign(root: Path) -> list[dict[str, Any]]:
    """Non-English sentences ``{id, lang, text, doc_id, ...}``."""
    return list(read_jsonl(root / FOREIGN_SENTENCES))


def load_ftfy_cases(root: Path) -> list[dict[str, Any]]:
    """ftfy's test cases ``{id, file, original, fixed, fixed-encoding?, expect}``."""
    with open(root / FTFY_CASES, encoding="utf-8") as handle:
        cases: list[dict[str, Any]] = json.load(handle)
    return cases


def load_seed_gold(root: Path) -> dict[str, Any]:
    """The expected findings for ``seeds/`` (``<data>/../seeds/gold.json``)."""
    with open(root / SEED_GOLD, encoding="utf-8") as handle:
        gold: dict[str, Any] = json.load(handle)
    return gold
