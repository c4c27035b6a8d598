"""Inputs and outputs: finding input files, reading them as streams, writing atomically.

Inputs are read as streams: a JSONL file line by line, gzip (``.jsonl.gz``) and
Zstandard (``.jsonl.zst``) compressed JSONL decompressed on the fly, so memory
does not grow with the file. Outputs named ``*.gz`` or ``*.zst`` are written
compressed the same way (gzip without a timestamp or name, so two runs give the
same bytes).

Every output file is written to a temporary file in the same folder and renamed
over the target only when complete, so an interrupted run never leaves a
half-written file behind. Ctrl-C and SIGTERM delete the temporary file; after a
SIGKILL (nothing runs) it stays as a hidden ``.NAME.PID.XXXX.part`` until the next
run that writes the same target deletes it. ``--resume`` runs write to ``TARGET.part`` instead
(:class:`PartWriter`): complete lines are appended and flushed as they come, and
the file is renamed to ``TARGET`` when the run completes.
"""

from __future__ import annotations

import contextlib
import glob
import gzip
import io
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from .decoding import DecodeError

__all__ = ["DecodeError", "InputError", "Source", "atomic_writer", "decode", "discover"]

#: File endings a folder is searched for, and the format each implies.
FORMATS_BY_SUFFIX = {
    ".txt": "text",
    ".jsonl": "jsonl",
    ".jsonl.gz": "jsonl",
    ".jsonl.zst": "jsonl",
}
#: Compression by file ending, for inputs and outputs.
COMPRESSIONS = {".gz": "gzip", ".zst": "zstd"}
STDIN = "-"
#: Gzip level of compressed outputs: 6 is zlib's default trade-off (9 is far slower).
GZIP_LEVEL = 6
ZSTD_LEVEL = 3
#: Bytes read at a time from an input file.
READ_BUFFER = 1 << 20


class InputError(ValueError):
    """An input that cannot be found or read (a usage problem: exit code 2)."""


def format_of(name: str) -> str | None:
    """The format a file name implies (``text`` or ``jsonl``), or None."""
    for suffix in sorted(FORMATS_BY_SUFFIX, key=len, reverse=True):
        if name.endswith(suffix):
            return FORMATS_BY_SUFFIX[suffix]
    return None


def compression_of(name: str) -> str | None:
    """``gzip``, ``zstd`` or None, from the file name's ending."""
    for suffix, kind in COMPRESSIONS.items():
        if name.endswith(suffix):
            return kind
    return None


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
        for suffix in sorted(FORMATS_BY_SUFFIX, key=len, reverse=True):
            if rel.endswith(suffix):
                return rel[: -len(suffix)]
        return rel

    @property
    def size(self) -> int | None:
        """The file's size in bytes (None for standard input or when unknown)."""
        if self.path is None:
            return None
        try:
            return self.path.stat().st_size
        except OSError:
            return None


def discover(inputs: tuple[str, ...], fmt: str | None = None) -> list[Source]:
    """Expand files, folders (recursively: ``*.txt``, ``*.jsonl``, ``*.jsonl.gz``,
    ``*.jsonl.zst``), globs and ``-``.

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
                p for p in path.rglob("*") if format_of(p.name) is not None and p.is_file()
            )
            if not found:
                raise InputError(f"no .txt or .jsonl(.gz/.zst) files in folder {item}")
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
    return Source(path, rel, fmt or format_of(path.name) or "text")


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


# ---------------------------------------------------------------- reading


class CountingReader(io.RawIOBase):
    """A raw binary stream that counts the bytes read through it (for progress)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.count += n or 0
        return n or 0

    def close(self) -> None:
        self.raw.close()
        super().close()


#: Errors a corrupt compressed stream raises while it is read.
STREAM_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, gzip.BadGzipFile)


class InputStream:
    """A file opened for reading lines (decompressed), and the raw bytes read so far."""

    def __init__(self, stream: IO[bytes], counter: CountingReader) -> None:
        self.stream = stream
        self.counter = counter

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.stream)

    def __enter__(self) -> InputStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.stream.close()
        finally:
            self.counter.close()


def open_input(path: Path, name: str | None = None) -> InputStream:
    """``path`` opened for reading lines, decompressed by its ending.

    The stream's ``counter`` counts the raw (compressed) bytes read from disk. A
    missing or unreadable file is an :class:`InputError`.
    """
    label = name or str(path)
    try:
        handle = path.open("rb", buffering=0)
    except OSError as exc:
        raise InputError(f"cannot read {label}: {exc.strerror or exc}") from None
    counter = CountingReader(handle)
    kind = compression_of(path.name)
    stream: IO[bytes]
    if kind == "gzip":
        gz = gzip.GzipFile(fileobj=io.BufferedReader(counter, READ_BUFFER), mode="rb")
        stream = cast(IO[bytes], gz)
    elif kind == "zstd":
        zstandard = _zstandard(label)
        reader = zstandard.ZstdDecompressor().stream_reader(
            io.BufferedReader(counter, READ_BUFFER), read_across_frames=True
        )
        stream = io.BufferedReader(reader, READ_BUFFER)
    else:
        stream = io.BufferedReader(counter, READ_BUFFER)
    return InputStream(stream, counter)


def _zstandard(label: str) -> Any:
    try:
        import zstandard
    except ImportError:  # pragma: no cover - an install_requires dependency
        raise InputError(f"{label}: .zst files need the zstandard package") from None
    return zstandard


def zstd_errors() -> tuple[type[BaseException], ...]:
    """The exception zstandard raises on corrupt input (none when it is absent)."""
    try:
        import zstandard
    except ImportError:  # pragma: no cover
        return ()
    return (zstandard.ZstdError,)


# ---------------------------------------------------------------- writing


def _compressed(raw: BinaryIO, kind: str | None, name: str) -> IO[bytes]:
    """A binary stream into ``raw`` that compresses as ``kind`` says (raw itself when None)."""
    if kind == "gzip":
        gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL)
        return cast(IO[bytes], gz)
    if kind == "zstd":
        zstandard = _zstandard(name)
        writer = zstandard.ZstdCompressor(level=ZSTD_LEVEL).stream_writer(raw, closefd=False)
        return io.BufferedWriter(writer, READ_BUFFER)
    return raw


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """Open ``path`` for writing text; it appears only if the block completes.

    ``*.gz`` and ``*.zst`` targets are compressed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = _temp_prefix(path)
    _sweep_stale(path.parent, prefix)
    fd, tmp = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}.", suffix=".part", dir=path.parent)
    os.fchmod(fd, 0o666 & ~_UMASK)  # what open() would give, not mkstemp's 0600
    try:
        with os.fdopen(fd, "wb") as raw:
            stream = _compressed(raw, compression_of(path.name), path.name)
            handle = io.TextIOWrapper(stream, encoding="utf-8", newline="")
            try:
                yield handle
            finally:
                handle.detach()  # flushes the text layer; the binary streams stay open
                if stream is not raw:
                    stream.close()  # ends the compressed stream; raw stays open
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _temp_prefix(path: Path) -> str:
    """The start of a temporary file's name for ``path`` (short enough for any name)."""
    return f".{path.name[:80]}."


def _sweep_stale(folder: Path, prefix: str) -> None:
    """Delete temporary files for this target left by runs that were killed (SIGKILL).

    A temporary file's name holds the writing process's id; a file whose process
    is gone can never be completed.
    """
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".part")]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or no permission to ask
        return True
    return True


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def write_atomic(path: Path, text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)


# ---------------------------------------------------------------- resumable outputs


def part_path(target: Path) -> Path:
    """Where a ``--resume`` run writes ``target`` until it is complete."""
    return target.with_name(target.name + ".part")


def recover_part(path: Path) -> int:
    """Cut a partial last line off ``path`` and return its number of complete lines.

    A line is complete when its ``\\n`` was written: records are written whole,
    a line at a time, so only the last one can be cut short by a crash.
    """
    complete = 0
    end = 0  # byte offset just past the last newline
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(READ_BUFFER):
            newlines = chunk.count(b"\n")
            if newlines:
                complete += newlines
                end = offset + chunk.rindex(b"\n") + 1
            offset += len(chunk)
    if end != offset:
        with path.open("r+b") as handle:
            handle.truncate(end)
            handle.flush()
            os.fsync(handle.fileno())
    return complete


def iter_lines(path: Path) -> Iterator[bytes]:
    """The lines of an uncompressed file, without their line break."""
    with path.open("rb") as handle:
        for raw in handle:
            yield raw.rstrip(b"\r\n")


class PartWriter:
    """Appends text to ``TARGET.part`` and renames it to ``TARGET`` when the run completes.

    :meth:`checkpoint` (after each chunk of records) flushes to the operating
    system, so a crash of this process loses nothing written so far; it also
    asks the disk to persist the file (``fsync``) at most every
    ``sync_seconds``, which bounds what a power loss can take.
    """

    def __init__(self, target: Path, sync_seconds: float = 1.0) -> None:
        self.target = target
        self.path = part_path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("a", encoding="utf-8", newline="")
        self.sync_seconds = sync_seconds
        self._synced = time.monotonic()

    def write(self, text: str) -> int:
        return self.handle.write(text)

    def write_bytes(self, data: bytes) -> int:
        """Append UTF-8 text given as bytes (after what :meth:`write` buffered)."""
        self.handle.flush()
        self.handle.buffer.write(data)
        return len(data)

    def checkpoint(self) -> None:
        self.handle.flush()
        now = time.monotonic()
        if now - self._synced >= self.sync_seconds:
            os.fsync(self.handle.fileno())
            self._synced = now

    def keep(self) -> None:
        """Stop here (interrupted): flush and persist what was written, keep the part."""
        if self.handle.closed:
            return
        with contextlib.suppress(OSError, ValueError):
            self.handle.flush()
            os.fsync(self.handle.fileno())
        self.handle.close()

    def commit(self) -> None:
        """The run completed: persist and rename ``TARGET.part`` to ``TARGET``."""
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.path, self.target)
