"""The bad-input matrix: every kind of broken input gets a one-line error for that
document or a valid result, the rest of the batch goes on, and the exit code and the
report say what failed.

Each case is a text file (or JSONL file) cleaned beside a good document in one run.
"""

from __future__ import annotations

import codecs
import gzip
import json
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from filters import restore
from filters.cli import cli
from filters.decoding import DecodeError, Decoding, decode_bytes, sniff_binary
from filters.pipeline import Edit, Pipeline
from filters.settings import Settings

GOOD = "The council met on Tuesday.\nIt approved the budget for the new school.\n"


def png_bytes() -> bytes:
    """A real, minimal 1x1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    ok: bool  # a valid result (True) or an error for this document (False)
    error: str = ""  # a phrase the one-line error holds
    args: tuple[str, ...] = ()
    suffix: str = ".txt"


LATIN1 = "Café owners in Zürich said the rent was too high.\n".encode("latin-1")
TEXT_CASES = [
    Case("empty file", b"", ok=True),
    Case("white space only", b"  \n\t\n\r\n   ", ok=True),
    Case("PNG image", png_bytes(), ok=False, error="not text: a PNG image"),
    Case("gzip read as text", gzip.compress(GOOD.encode(), mtime=0), ok=False, error="gzip"),
    Case("invalid UTF-8", b"The mayor \xff\xfe said no.\n", ok=False, error="at byte 10"),
    Case("invalid UTF-8, --errors replace", b"The mayor \xff said no.\n", ok=True,
         args=("--errors", "replace")),
    Case("UTF-16 with BOM", GOOD.encode("utf-16"), ok=True),
    Case("UTF-16 without BOM", GOOD.encode("utf-16-le"), ok=False, error="UTF-16"),
    Case("UTF-16 without BOM, --encoding utf-16-le", GOOD.encode("utf-16-le"), ok=True,
         args=("--encoding", "utf-16-le")),
    Case("UTF-32 with BOM", GOOD.encode("utf-32"), ok=True),
    Case("UTF-8 with BOM", codecs.BOM_UTF8 + GOOD.encode(), ok=True),
    Case("Latin-1 text", LATIN1, ok=False, error="not valid UTF-8 at byte 3"),
    Case("Latin-1 text, --encoding latin-1", LATIN1, ok=True, args=("--encoding", "latin-1")),
    Case("NUL bytes in text", b"The vote\x00 passed.\x00\nIt was close.\n", ok=True),
    Case("mostly NUL bytes", b"\x00" * 500 + b"text", ok=False, error="binary data"),
    Case("10,000 copies of one line", b"The minister said the plan would work.\n" * 10_000,
         ok=True),
    Case("RTL and mixed scripts",
         "قال الوزير إن الخطة ستنجح.\nThe minister (الوزير) said שלום to Москва.\n".encode(),
         ok=True),
    Case("emoji and ZWJ sequences",
         "Fans cheered 👨\u200d👩\u200d👧 and 🇺🇦 flags 👍🏽 waved.\n".encode(), ok=True),
    Case("combining marks", "Cafe\u0301 owners, nai\u0308ve Zo\u0308e said.\n".encode(), ok=True),
    Case("CRLF line ends", GOOD.replace("\n", "\r\n").encode(), ok=True),
    Case("lone CR line ends", GOOD.replace("\n", "\r").encode(), ok=True),
    Case("over max_chars", b"x" * 2_000, ok=False, error="more than max_chars",
         args=("--max-chars", "1000")),
]  # fmt: skip


def run(runner: CliRunner, *args: str):
    return runner.invoke(cli, list(args), catch_exceptions=False)


def error_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    return [line for line in stderr.splitlines() if line.startswith("clean-news: error:")]


def clean_between_good(tmp_path: Path, case: Case) -> tuple[Result, dict[str, Any], Path]:
    """Clean ``case`` as ``b_case`` between two good documents in one command-line run:
    the run's result, the report, and the output folder. Both good documents must come
    out cleaned and written (the batch goes on)."""
    folder = tmp_path / "in"
    folder.mkdir()
    # --encoding applies to every text file of the run: the good ones are written in it
    encoding = (
        case.args[case.args.index("--encoding") + 1] if "--encoding" in case.args else "utf-8"
    )
    (folder / "a_good.txt").write_bytes(GOOD.encode(encoding))
    (folder / f"b_case{case.suffix}").write_bytes(case.data)
    (folder / "c_good.txt").write_bytes(GOOD.encode(encoding))
    out, report_path = tmp_path / "out", tmp_path / "report.json"
    result = run(CliRunner(), str(folder), "-o", f"{out}/", "--report", str(report_path),
                 "-q", *case.args)  # fmt: skip
    report = json.loads(report_path.read_text(encoding="utf-8"))
    docs = {d["id"]: d for d in report["documents"]}
    for good in ("a_good", "c_good"):
        assert docs[good]["status"] == "ok"
        assert (out / f"{good}.txt").read_text(encoding="utf-8") == GOOD
    return result, report, out


@pytest.mark.parametrize("case", TEXT_CASES, ids=lambda c: c.name)
def test_bad_input_text_matrix(tmp_path: Path, case: Case) -> None:
    result, report, out = clean_between_good(tmp_path, case)
    errors = error_lines(result.stderr)
    docs = {d["id"]: d for d in report["documents"]}
    entry = docs["b_case"]
    if case.ok:
        assert result.exit_code == 0, result.stderr
        assert errors == []
        assert entry["status"] == "ok"
        assert (out / "b_case.txt").exists()
        assert report["summary"]["failed"] == 0
    else:
        assert result.exit_code == 1
        assert len(errors) == 1 and case.error in errors[0], errors
        assert entry["status"] == "error" and case.error in entry["error"]
        assert "\n" not in entry["error"]
        assert not (out / "b_case.txt").exists()
        assert report["summary"]["failed"] == 1


def million_one_word_lines() -> str:
    """A million one-word lines (the issue's matrix): the words of a news text, in turn."""
    words = GOOD.split()
    return "".join(f"{word}\n" for word in words * (1_000_000 // len(words) + 1))


@pytest.mark.slow
def test_bad_input_a_million_one_word_lines(tmp_path: Path) -> None:
    """A valid result, between two good documents: every line is seen, every finding's
    offsets hold, and the original is rebuilt from the cleaned text and the report's
    edits. The text is longer than max_chars, so the run goes without it.

    About 10 s on two busy cores (over 20 s before segments and line records were made
    with less overhead and the garbage collector was paused for long documents)."""
    text = million_one_word_lines()
    assert text.count("\n") >= 1_000_000 and len(text) > Settings().max_chars
    case = Case("a million one-word lines", text.encode(), ok=True, args=("--max-chars", "0"))
    result, report, out = clean_between_good(tmp_path, case)
    assert result.exit_code == 0, result.stderr
    assert error_lines(result.stderr) == []
    entry = {d["id"]: d for d in report["documents"]}["b_case"]
    assert entry["status"] == "ok"
    assert entry["stats"]["lines"] == text.count("\n")
    cleaned = (out / "b_case.txt").read_text(encoding="utf-8")
    for finding in entry["findings"]:
        assert 0 <= finding["start"] <= finding["end"] <= len(text)
        assert text[finding["start"] : finding["end"]] == finding["text"]
    assert restore(cleaned, [Edit.from_dict(e) for e in entry["edits"]]) == text


def test_bad_input_decoded_text_is_what_the_offsets_refer_to(tmp_path: Path) -> None:
    """UTF-16 and --errors replace: the report's offsets are into the decoded text,
    and the entry says how it was decoded."""
    path = tmp_path / "doc.txt"
    path.write_bytes(b"Prices rose,sharply \xff today.\n")
    report_path = tmp_path / "r.json"
    result = run(CliRunner(), str(path), "--errors", "replace", "--report", str(report_path),
                 "-q", "--only", "missing_space")  # fmt: skip
    assert result.exit_code == 0
    entry = json.loads(report_path.read_text(encoding="utf-8"))["documents"][0]
    assert entry["decoding"] == {"encoding": "utf-8", "replaced": 1, "first_bad_byte": 20}
    assert result.stdout == "Prices rose, sharply \ufffd today.\n"
    finding = entry["findings"][0]
    text = "Prices rose,sharply \ufffd today.\n"
    assert text[finding["start"] : finding["end"]] == finding["text"]

    path.write_bytes("Prices rose,sharply today.\n".encode("utf-16"))
    result = run(CliRunner(), str(path), "--report", str(report_path), "-q")
    entry = json.loads(report_path.read_text(encoding="utf-8"))["documents"][0]
    assert entry["decoding"] == {"encoding": "utf-16"}
    assert result.stdout == "Prices rose, sharply today.\n"


def test_bad_input_unknown_encoding_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(GOOD, encoding="utf-8")
    result = run(CliRunner(), str(path), "--encoding", "no-such-codec")
    assert result.exit_code == 2
    assert "unknown encoding 'no-such-codec'" in error_lines(result.stderr)[0]


# --- JSONL ------------------------------------------------------------------------------------

JSONL_LINES = [
    ('{"id": "ok1", "text": "The council met."}', "ok"),
    ('{"id": "bad", "text": "unterminated', "not valid JSON"),
    ('{"id": "missing"}', "field 'text' is missing"),
    ('{"id": "number", "text": 42}', "is a number, not a string"),
    ('{"id": "list", "text": ["a"]}', "is an array, not a string"),
    ('{"id": "huge", "text": "x", "n": ' + "9" * 5000 + "}", "Exceeds the limit"),
    ('{"id": "inf", "text": "x", "n": 1e999}', "out of range"),
    ('{"id": "nan", "text": "x", "n": NaN}', "NaN is not JSON"),
    ('["not", "an", "object"]', "not an array"),
    ('{"id": "nul", "text": "A vote\\u0000 passed."}', "ok"),
    ('{"id": "ok2", "text": "It approved the budget."}', "ok"),
]


def test_bad_input_jsonl_matrix(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [line for line, _ in JSONL_LINES]
    src.write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": "bytes", "text": "\xff"}\n')
    out, report_path = tmp_path / "out.jsonl", tmp_path / "r.json"
    result = run(CliRunner(), str(src), "-o", str(out), "--report", str(report_path), "-q")
    assert result.exit_code == 1
    errors = error_lines(result.stderr)
    expected_errors = [want for _, want in JSONL_LINES if want != "ok"] + ["not valid UTF-8"]
    assert len(errors) == len(expected_errors)
    for line, want in zip(errors, expected_errors, strict=True):
        assert want in line, (want, line)
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_id = {r.get("id"): r for r in written}
    # objects are written (cleaned, or unchanged with an error); non-objects are not
    assert set(by_id) == {"ok1", "missing", "number", "list", "nul", "ok2"}
    assert by_id["number"]["text"] == 42 and "error" in by_id["number"]["clean_news"]
    assert by_id["nul"]["text"] == "A vote passed."  # the NUL is a finding, and removed
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["summary"]["failed"] == len(expected_errors)
    assert report["summary"]["documents"] == len(JSONL_LINES) + 1


def test_bad_input_jsonl_file_that_is_gzip_is_one_error(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"  # compressed, but not named .jsonl.gz
    src.write_bytes(gzip.compress(b'{"text": "a"}\n' * 100, mtime=0))
    result = run(CliRunner(), str(src), "-q")
    errors = error_lines(result.stderr)
    assert result.exit_code == 1 and len(errors) == 1
    assert "gzip-compressed data; name the file *.jsonl.gz" in errors[0]


# --- the pieces, directly --------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, what",
    [
        (png_bytes(), "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"PK\x03\x04\x14\x00", "a zip archive"),
        (b"%PDF-1.7\n", "a PDF document"),
        (b"\x7fELF\x02\x01", "an executable"),
        (b"(\xb5/\xfd\x00", "zstd-compressed"),
        ("plain text".encode("utf-16-le"), "UTF-16 text without a byte-order mark"),
        (bytes(range(32)) * 10, "binary data"),
    ],
)
def test_bad_input_sniff_binary(data: bytes, what: str) -> None:
    found = sniff_binary(data)
    assert found is not None and what in found


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"plain text\n",
        "caf\u00e9 \u4e2d\u6587 \U0001f600".encode(),
        b"a stray NUL \x00 in text, and a bell \x07\n" * 3,
        b"PKZIP is a program.\n",  # a magic number needs its exact bytes
        b"GIF is an image format.\n",
    ],
)
def test_bad_input_sniff_binary_leaves_text_alone(data: bytes) -> None:
    assert sniff_binary(data) is None


def test_bad_input_decode_errors_name_the_byte() -> None:
    with pytest.raises(DecodeError, match=r"doc\.txt: not valid UTF-8 at byte 4 "):
        decode_bytes(b"abc \xe9 def", "doc.txt")
    with pytest.raises(DecodeError, match=r"not valid ascii at byte 2"):
        decode_bytes(b"ab\xe9", "doc.txt", Decoding("ascii"))
    decoded = decode_bytes(b"ab\xe9cd\xff", "doc.txt", Decoding(errors="replace"))
    assert (decoded.text, decoded.replaced, decoded.first_bad_byte) == ("ab\ufffdcd\ufffd", 2, 2)
    # a U+FFFD that was in the input is not counted as a replacement
    decoded = decode_bytes("ok \ufffd".encode() + b"\xff", "d", Decoding(errors="replace"))
    assert decoded.replaced == 1
    with pytest.raises(ValueError, match="not a text encoding"):
        Decoding("base64")


@pytest.mark.parametrize(
    "text",
    [
        "A\r\nB said,yes.\r\n\r\nC\rD,E\n",
        "\u05e9\u05dc\u05d5\u05dd,\u05e2\u05d5\u05dc\u05dd \u202eevil\u202c text.",
        "e\u0301,e\u0301 a\u0308,o\u0308 \u0915\u094d\u0937",
        "👨\u200d👩\u200d👧,👍🏽 🇺🇦\ufe0f",
        "\ufeffBOM inside,the text\x00\x00\x1b[0m",
    ],
)
def test_bad_input_pipeline_keeps_exact_offsets(text: str) -> None:
    result = Pipeline().run(text)
    assert restore(result) == text
    for f in result.findings:
        assert text[f.start : f.end] == f.text
    assert "\u200d" in result.cleaned or "\u200d" not in text  # ZWJ sequences survive


def test_bad_input_output_never_leaves_its_folder(tmp_path: Path) -> None:
    """A link inside the output folder that leads out is refused before anything is written."""
    src = tmp_path / "in" / "sub"
    src.mkdir(parents=True)
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "sub").symlink_to(outside)
    result = run(CliRunner(), str(tmp_path / "in"), "-o", f"{tmp_path}/out/", "-q")
    assert result.exit_code == 2
    assert "leads out of the folder" in error_lines(result.stderr)[0]
    assert list(outside.iterdir()) == []
