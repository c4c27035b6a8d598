"""Inputs and outputs: finding input files, decoding them, writing atomically.

Every output file is written to a temporary file in the same folder and renamed
over the target only when complete, so an interrupted run never leaves a
half-written file behind.
"""

from __future__ import annotations

import contextlib
import glob
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

#: File endings a folder is searched for, and the format each implies.
FORMATS_BY_SUFFIX = {".txt": "text", ".jsonl": "jsonl"}
STDIN = "-"


class InputError(ValueError):
    """An input that cannot be found or read (a usage problem: exit code 2)."""


class DecodeError(ValueError):
    """A document whose bytes are not valid text in the expected encoding."""


@dataclass(frozen=True)
class Source:
    """One input: a file (``path``) or standard input (``path is None``).

    ``rel`` is the path relative to the input it was found under, used to name
    outputs in a folder and to make document ids.
    """

    path: Path | None
    rel: str
    format: str

    @property
    def name(self) -> str:
        return str(self.path) if self.path is not None else "<stdin>"

    @property
    def doc_id(self) -> str:
        """The id of a text document: its relative path without the ending."""
        rel = self.rel
        for suffix in FORMATS_BY_SUFFIX:
            if rel.endswith(suffix):
                return rel[: -len(suffix)]
        return rel


def discover(inputs: tuple[str, ...], fmt: str | None = None) -> list[Source]:
    """Expand files, folders (recursively: ``*.txt`` and ``*.jsonl``), globs and ``-``.

    No inputs means standard input. A path that matches nothing is an
    :class:`InputError`. The order is the order of the inputs, and sorted paths
    within a folder or glob, so runs are reproducible.
    """
    if not inputs:
        inputs = (STDIN,)
    sources: list[Source] = []
    for item in inputs:
        if item == STDIN:
            sources.append(
                Source(None, "stdin" + (".jsonl" if fmt == "jsonl" else ".txt"), fmt or "text")
            )
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix in FORMATS_BY_SUFFIX and p.is_file()
            )
            if not found:
                raise InputError(f"no .txt or .jsonl files in folder {item}")
            sources.extend(_source(p, p.relative_to(path).as_posix(), fmt) for p in found)
        elif path.is_file():
            sources.append(_source(path, path.name, fmt))
        elif path.exists():
            raise InputError(f"not a regular file or folder: {item}")
        else:
            matches = sorted(glob.glob(item, recursive=True)) if glob.has_magic(item) else []
            files = [Path(m) for m in matches if Path(m).is_file()]
            if not files:
                raise InputError(f"no such file or folder: {item}")
            sources.extend(_source(p, p.name, fmt) for p in files)
    return sources


def _source(path: Path, rel: str, fmt: str | None) -> Source:
    return Source(path, rel, fmt or FORMATS_BY_SUFFIX.get(path.suffix, "text"))


def read_bytes(source: Source) -> bytes:
    if source.path is None:
        return sys.stdin.buffer.read()
    try:
        return source.path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {source.name}: {exc.strerror or exc}") from None


def decode(data: bytes, name: str) -> str:
    """Strict UTF-8 (a leading byte-order mark is dropped); errors name the byte offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"{name}: not valid UTF-8 at byte {exc.start} ({exc.reason})") from None


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """Open ``path`` for writing text; it appears only if the block completes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: Path, text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)
