"""Bytes to text for input documents: encodings, byte-order marks, binary files.

The rules (``--encoding`` and ``--errors`` on the command line):

* Text files are UTF-8 unless ``--encoding`` names another codec. A byte-order
  mark decides instead when no encoding is given: UTF-8, UTF-16 (LE/BE) and
  UTF-32 (LE/BE) files with their BOM are read as such, and the BOM is dropped.
* ``--errors strict`` (the default) makes a document with bytes that are not
  valid in its encoding an error that names the first bad byte's offset.
  ``--errors replace`` decodes it anyway, each bad byte sequence becoming
  U+FFFD, and the document's report entry says how many were replaced and
  where the first one was (nothing is changed silently).
* A binary file (a PNG or JPEG image, gzip or zip data, a PDF, an executable,
  or bytes with many NULs and control codes) is an error, whatever
  ``--errors`` says: cleaning it would produce garbage, not text.
* JSONL is UTF-8 by definition (RFC 8259): ``--encoding`` does not apply to it,
  ``--errors`` does.
"""

from __future__ import annotations

import codecs
import threading
from dataclasses import dataclass
from typing import Any

ERRORS = ("strict", "replace")

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: File signatures that are never plain text (checked on the first bytes).
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "gzip-compressed data; name the file *.jsonl.gz or decompress it"),
    (b"(\xb5/\xfd", "zstd-compressed data; name the file *.jsonl.zst or decompress it"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"PK\x03\x04", "a zip archive (or an office document)"),
    (b"%PDF-", "a PDF document"),
    (b"\x7fELF", "an executable"),
    (b"\x00asm", "a WebAssembly module"),
)
#: Bytes looked at to decide whether a file is binary.
SNIFF_BYTES = 8192
#: Control bytes other than tab, line breaks and form feed.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13)) + b"\x7f"


class DecodeError(ValueError):
    """A document whose bytes are not valid text in the expected encoding."""


@dataclass(frozen=True)
class Decoding:
    """How to decode: ``encoding`` None means UTF-8 or what a byte-order mark says."""

    encoding: str | None = None
    errors: str = "strict"

    def __post_init__(self) -> None:
        if self.errors not in ERRORS:
            raise ValueError(f"errors must be one of {', '.join(ERRORS)}, not {self.errors!r}")
        if self.encoding is not None:
            object.__setattr__(self, "encoding", check_encoding(self.encoding))


def check_encoding(name: str) -> str:
    """The codec's canonical name; an unknown or non-text codec is a ValueError."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ValueError(f"unknown encoding {name!r}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise ValueError(f"{name!r} is not a text encoding")
    return info.name


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with what it took: the codec, and any replacements."""

    text: str
    encoding: str
    replaced: int = 0
    first_bad_byte: int | None = None

    def note(self, default: str = "utf-8") -> dict[str, Any] | None:
        """The report's ``decoding`` entry: None for plain UTF-8 without replacements."""
        if not self.replaced and self.encoding in (default, "utf-8-sig"):
            return None
        note: dict[str, Any] = {"encoding": self.encoding}
        if self.replaced:
            note["replaced"] = self.replaced
            note["first_bad_byte"] = self.first_bad_byte
        return note


def sniff_binary(data: bytes, check_controls: bool = True) -> str | None:
    """What ``data`` is when it is clearly not text (a phrase), else None."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if not check_controls:
        return None
    head = data[:SNIFF_BYTES]
    if not head:
        return None
    nuls = head.count(0)
    if nuls and nuls * 4 >= len(head) and _alternating_nuls(head):
        return "UTF-16 text without a byte-order mark; give --encoding utf-16-le or utf-16-be"
    controls = len(head) - len(head.translate(None, _CONTROL))
    if nuls * 10 > len(head) or controls * 3 > len(head):
        return f"binary data ({controls} control bytes in the first {len(head)})"
    return None


def _alternating_nuls(head: bytes) -> bool:
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return max(even, odd) >= 0.9 * (len(head) // 2) and min(even, odd) <= 0.1 * (len(head) // 2)


def bom_encoding(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def decode_bytes(
    data: bytes, name: str, decoding: Decoding = Decoding(), sniff: bool = True
) -> Decoded:
    """Decode a document's bytes as ``decoding`` says; errors are :class:`DecodeError`.

    ``sniff`` checks for binary data first (text files; a JSONL line was
    checked as part of its file).
    """
    encoding = decoding.encoding or bom_encoding(data) or "utf-8"
    if sniff:
        what = sniff_binary(data, check_controls=decoding.encoding is None and encoding == "utf-8")
        if what is not None:
            raise DecodeError(f"{name}: not text: {what}")
    if encoding == "utf-8" and decoding.encoding is None:
        encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        first = exc.start
        if decoding.errors == "strict":
            label = "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding
            raise DecodeError(
                f"{name}: not valid {label} at byte {first} ({exc.reason}); "
                "give --encoding (e.g. latin-1) or --errors replace"
            ) from None
    _counts.n = 0
    text = codecs.decode(data, encoding, errors=_HANDLER)
    return Decoded(text, encoding, _counts.n, first)


_counts = threading.local()


def _count_and_replace(exc: UnicodeError) -> tuple[str, int]:
    """Like ``errors="replace"`` when decoding, and counts (per thread)."""
    if not isinstance(exc, UnicodeDecodeError):  # pragma: no cover - decoding only
        raise exc
    _counts.n += 1
    return "\ufffd", exc.end


_HANDLER = "clean-news-count-replace"
codecs.register_error(_HANDLER, _count_and_replace)
