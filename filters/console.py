"""What the command prints on stderr: the progress line, error lines and the summary table.

The progress line is a single line redrawn with a carriage return: documents,
documents per second, and, when the input size is known, the share read and an
estimated time left (from the input bytes read so far; compressed inputs count
their compressed bytes). It appears only on a terminal, only after the first
second (short runs never show it), and is wiped before anything else is printed.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Protocol


class Stream(Protocol):
    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...


class Progress:
    """``\\r``-redrawn progress line: documents, documents/s, share read and ETA."""

    def __init__(
        self,
        stream: Stream,
        enabled: bool,
        *,
        delay: float = 1.0,
        interval: float = 0.5,
        clock: Any = time.monotonic,
    ) -> None:
        self.stream = stream
        self.enabled = enabled
        self.delay = delay
        self.interval = interval
        self.clock = clock
        self.started = clock()
        self._last = float("-inf")
        self._width = 0

    def update(self, documents: int, read: int, total: int | None) -> None:
        if not self.enabled:
            return
        now = self.clock()
        elapsed = now - self.started
        if elapsed < self.delay or now - self._last < self.interval:
            return
        self._last = now
        self._draw(progress_line(documents, read, total, elapsed))

    def _draw(self, line: str) -> None:
        pad = max(0, self._width - len(line))
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()
        self._width = len(line)

    def clear(self) -> None:
        """Wipe the line (before an error line, the summary, or the end)."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def progress_line(documents: int, read: int, total: int | None, elapsed: float) -> str:
    rate = documents / elapsed if elapsed > 0 else 0.0
    line = f"clean-news: {documents:,} documents, {rate:,.0f} docs/s"
    if total and read:
        share = min(read / total, 1.0)
        left = elapsed * (total - read) / read if read < total else 0.0
        line += f", {share:.0%} read, ETA {_duration(left)}"
    return line


def _duration(seconds: float) -> str:
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def summary_table(
    summary: Mapping[str, Any], seconds: float, jobs: int, resumed: int = 0
) -> list[str]:
    """The end-of-run table: documents, errors, review, share removed, findings per category."""
    docs = summary["documents"]
    rate = docs / seconds if seconds > 0 else 0.0
    processes = f"{jobs} process" + ("es" if jobs != 1 else "")
    lines = [
        f"clean-news: {summary['ok']:,} of {docs:,} documents cleaned in {seconds:,.1f} s "
        f"({rate:,.0f} docs/s, {processes})"
    ]
    rows: list[tuple[str, str]] = [("errors", f"{summary['failed']:,}")]
    rows.append(("need review", f"{summary['review']:,}"))
    rows.append(
        (
            "removed",
            f"{summary['removed_share']:.1%} ({summary['chars_removed']:,} of "
            f"{summary['chars']:,} characters)",
        )
    )
    if resumed:
        rows.append(("resumed", f"{resumed:,} records were written by an earlier run"))
    lines += [f"  {label:<12} {value}" for label, value in rows]
    found = {cat: c for cat, c in summary["categories"].items() if c["findings"]}
    if found:
        headers = ("findings", "applied", "flagged", "superseded", "chars removed")
        keys = ("findings", "applied", "flagged", "superseded", "chars_removed")
        width = max(len("category"), *(len(cat) for cat in found))
        widths = [max(10, len(h)) for h in headers]
        head = "".join(f"  {h:>{w}}" for h, w in zip(headers, widths, strict=True))
        lines.append("  " + "category".ljust(width) + head)
        for cat, counts in found.items():
            cells = "".join(f"  {counts[k]:>{w},}" for k, w in zip(keys, widths, strict=True))
            lines.append("  " + cat.ljust(width) + cells)
    else:
        lines.append("  no findings")
    return lines
