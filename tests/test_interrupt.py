"""Interrupted runs, for real: a ``clean-news`` subprocess killed with SIGINT, SIGTERM
or SIGKILL at a moment drawn at random leaves no partial output and no corrupt report.

Every output (a folder of cleaned texts, a JSONL file, the JSON report, the HTML page)
must afterwards either be absent or equal, byte for byte, to what an uninterrupted run
writes. SIGINT and SIGTERM also leave no temporary file behind and exit 130 and 143 with
one line on stderr; after SIGKILL (nothing runs in the process) a hidden temporary file
may stay, and the next run writing the same target deletes it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SENTENCES = [
    "The council met on Tuesday,and approved the budget for the new school.",
    "Photo: Reuters",
    "Residents said the road had been closed for weeks,and shops lost trade.",
    "Share this article",
    "The mayor said work would start in the spring.",
]
DOCS = 1500
#: Seconds after the start at which runs are killed: the seed is printed on failure.
SEED = int(os.environ.get("CLEAN_NEWS_INTERRUPT_SEED", "20261121"))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("interrupt")
    texts = root / "texts"
    texts.mkdir()
    with (root / "in.jsonl").open("w", encoding="utf-8") as out:
        for i in range(DOCS):
            text = "\n".join(SENTENCES[(i + k) % 5] for k in range(12)) + f"\nNumber {i}.\n"
            out.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
            if i < 300:
                (texts / f"t{i:03d}.txt").write_text(text, encoding="utf-8")
    return root


def command(source: Path, out: Path, report: Path, html: Path) -> list[str]:
    return [
        sys.executable, "-m", "filters.cli", str(source), "-o", str(out),
        "--report", str(report), "--html", str(html), "--jobs", "2", "-q",
    ]  # fmt: skip


def outputs(where: Path, kind: str) -> tuple[Path, Path, Path]:
    out = where / ("out/" if kind == "folder" else "out.jsonl")
    return out, where / "report.json", where / "report.html"


def snapshot(where: Path) -> dict[str, bytes]:
    return {
        p.relative_to(where).as_posix(): p.read_bytes()
        for p in sorted(where.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def reference(inputs: Path) -> dict[str, tuple[dict[str, bytes], float]]:
    """What uninterrupted runs write, and how long they take, per input kind."""
    refs = {}
    for kind, source in (("folder", inputs / "texts"), ("jsonl", inputs / "in.jsonl")):
        where = inputs / f"ref-{kind}"
        where.mkdir()
        out, report, html = outputs(where, kind)
        started = time.monotonic()
        done = subprocess.run(command(source, out, report, html), capture_output=True, timeout=600)
        assert done.returncode == 0, done.stderr
        refs[kind] = (snapshot(where), time.monotonic() - started)
    return refs


def moments(n: int) -> list[float]:
    """Moments as shares of an uninterrupted run's time (start-up included)."""
    rng = random.Random(SEED)
    return [round(rng.uniform(0.15, 0.95), 2) for _ in range(n)]


CASES = [
    (sig, kind, moment)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)
    for kind, moment in zip(("folder", "jsonl"), moments(2), strict=True)
]


@pytest.mark.parametrize(
    "sig, kind, moment", CASES, ids=[f"{s.name}-{k}-{m}s" for s, k, m in CASES]
)
def test_interrupt_leaves_no_partial_output(
    inputs: Path,
    reference: dict[str, tuple[dict[str, bytes], float]],
    tmp_path: Path,
    sig,
    kind,
    moment,
) -> None:
    expected, seconds = reference[kind]
    source = inputs / ("texts" if kind == "folder" else "in.jsonl")
    out, report, html = outputs(tmp_path, kind)
    proc = subprocess.Popen(
        command(source, out, report, html), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    time.sleep(moment * seconds)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=120)
    message = stderr.decode("utf-8", "replace")
    assert "Traceback" not in message, message
    written = snapshot(tmp_path)
    # The run may have ended before the signal came (then it may still exit by it).
    finished = written == expected
    if not finished and sig == signal.SIGINT:
        assert proc.returncode == 130 and "clean-news: error: interrupted" in message
    if not finished and sig == signal.SIGTERM:
        assert proc.returncode == 143 and "clean-news: error: terminated" in message
    temporary = [name for name in written if name.endswith(".part")]
    for name, data in written.items():
        if name in temporary:
            continue
        assert name in expected, f"unexpected file {name} (seed {SEED})"
        assert data == expected[name], f"{name} differs from a complete run (seed {SEED})"
    if sig != signal.SIGKILL or finished:
        assert temporary == [], temporary
    else:
        # the next run completes, and deletes what the killed one left
        done = subprocess.run(command(source, out, report, html), capture_output=True, timeout=600)
        assert done.returncode == 0, done.stderr
        assert snapshot(tmp_path) == expected
