"""The clean-news command, driven with click's CliRunner (stdout and stderr apart)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from filters import __version__
from filters.cli import cli

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_001 = SEEDS / "001_7873f5e771425f2f.txt"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str, input: bytes | str | None = None):
    return runner.invoke(cli, list(args), input=input, catch_exceptions=False)


def one_line_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("clean-news: error:")]
    assert lines, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize("args", [["--version"], ["-V"]])
def test_cli_version(runner, args):
    result = run(runner, *args)
    assert result.exit_code == 0
    assert __version__ in result.stdout


@pytest.mark.parametrize("args", [["--help"], ["-h"]])
def test_cli_help_has_examples(runner, args):
    result = run(runner, *args)
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert "--action" in result.stdout


def test_cli_file_to_stdout_repairs_glued_commas(runner):
    result = run(runner, str(SEED_001), "--only", "missing_space")
    assert result.exit_code == 0
    original = SEED_001.read_text(encoding="utf-8")
    assert "destroyed, civilians" in result.stdout
    assert "August 11, 2024" in result.stdout
    assert "Some 121,000 people" in result.stdout
    # only insertions of one space after commas: removing them gives the original back
    assert result.stdout.replace(", ", ",") == original.replace(", ", ",")
    assert "1 of 1 documents cleaned" in result.stderr


@pytest.mark.parametrize("text", ["Houses are destroyed,civilians died."])
def test_cli_stdin_to_stdout(runner, text):
    for args in ([], ["-"]):
        result = run(runner, *args, "-q", input=text)
        assert result.exit_code == 0
        assert result.stdout == "Houses are destroyed, civilians died."
        assert result.stderr == ""


def test_cli_folder_to_folder_with_report(runner, tmp_path):
    out = tmp_path / "out"
    report = tmp_path / "report.json"
    result = run(runner, str(SEEDS), "-o", str(out), "--report", str(report))
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in SEEDS.glob("*.txt"))
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["schema"] == "clean-news/report/1"
    assert data["summary"]["documents"] == 5
    assert [d["id"] for d in data["documents"]] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    unchanged = out / "000_7183ab27b20fb729.txt"
    assert unchanged.read_bytes() == (SEEDS / unchanged.name).read_bytes()
    assert not list(out.glob(".*.part"))


def test_cli_glob_input(runner, tmp_path):
    out = tmp_path / "out"
    result = run(runner, str(SEEDS / "00[12]_*.txt"), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name[:3] for p in out.iterdir()) == ["001", "002"]


@pytest.mark.parametrize(
    "record",
    [
        {"id": "a", "text": "He said,adding more.", "meta": {"k": [1, 2]}, "n": 3.5},
        {"text": "no id,here", "url": "https://x.test/a,b"},
    ],
)
def test_cli_jsonl_round_trip_keeps_fields(runner, tmp_path, record):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    dst = tmp_path / "out.jsonl"
    result = run(runner, str(src), "-o", str(dst))
    assert result.exit_code == 0, result.stderr
    lines = dst.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    for key, value in record.items():
        if key != "text":
            assert out[key] == value
    info = out["clean_news"]
    assert out["text"] == record["text"].replace(",", ", ")
    for finding in info["findings"]:
        assert record["text"][finding["start"] : finding["end"]] == finding["text"]
    assert info["id"] == record.get("id", "in:1")


def test_cli_jsonl_custom_fields(runner, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"key": 7, "body": "a word,glued"}) + "\n", encoding="utf-8")
    result = run(runner, str(src), "--text-field", "body", "--id-field", "key")
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["body"] == "a word, glued"
    assert out["clean_news"]["id"] == "7"


def test_cli_jsonl_bad_lines_do_not_stop_the_batch(runner, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(
            [
                json.dumps({"id": "ok1", "text": "fine,text"}),
                "{not json",
                json.dumps([1, 2]),
                json.dumps({"id": "nofield", "body": "x"}),
                json.dumps({"id": "num", "text": 5}),
                json.dumps({"id": "ok2", "text": "more,text"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    dst = tmp_path / "out.jsonl"
    report = tmp_path / "r.json"
    result = run(runner, str(src), "-o", str(dst), "--report", str(report))
    assert result.exit_code == 1
    rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["ok1", "nofield", "num", "ok2"]
    assert rows[0]["text"] == "fine, text"
    assert rows[1]["clean_news"]["error"].endswith("field 'text' is missing")
    assert rows[2]["text"] == 5
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"]["failed"] == 4
    assert data["summary"]["ok"] == 2
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 4
    assert any("in.jsonl:2: not valid JSON" in e for e in errors)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing-file.txt"], "no such file or folder: missing-file.txt"),
        (["--bogus"], "No such option"),
        (["--action", "heading=replace", "-"], "does not apply to 'heading'"),
        (["--action", "nonsense", "-"], "expected CATEGORY=ACTION"),
        (["--action", "colour=flag", "-"], "unknown category 'colour'"),
        (["--only", "no_such_detector", "-"], "unknown detector 'no_such_detector'"),
        (["--min-confidence", "2", "-"], "min_confidence must be from 0 to 1"),
        (["--config", "missing.toml", "-"], "cannot read config missing.toml"),
        (["--jobs", "0", "-"], "0 is not in the range x>=1"),
        (["--window", "0", "-"], "0 is not in the range x>=1"),
        (["--engine", "spark", "-"], "'spark' is not one of 'local', 'ray'"),
    ],
)
def test_cli_usage_errors_exit_2_with_one_line(runner, args, message):
    result = run(runner, *args, input="text")
    assert result.exit_code == 2
    assert message in one_line_error(result.stderr)
    assert result.stdout == ""


def test_cli_invalid_utf8_fails_that_document_only(runner, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.txt").write_bytes(b"caf\xe9,au lait")
    (tmp_path / "in" / "good.txt").write_text("ok,fine", encoding="utf-8")
    out = tmp_path / "out"
    report = tmp_path / "r.json"
    result = run(runner, str(tmp_path / "in"), "-o", str(out), "--report", str(report))
    assert result.exit_code == 1
    assert "not valid UTF-8 at byte 3" in one_line_error(result.stderr)
    assert sorted(p.name for p in out.iterdir()) == ["good.txt"]
    assert (out / "good.txt").read_text(encoding="utf-8") == "ok, fine"
    data = json.loads(report.read_text(encoding="utf-8"))
    statuses = {d["id"]: d["status"] for d in data["documents"]}
    assert statuses == {"bad": "error", "good": "ok"}


def test_cli_config_file_and_action_override(runner, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[actions]\nmissing_space = "flag"\n', encoding="utf-8")
    result = run(runner, "--config", str(config), "-q", input="a word,glued")
    assert result.stdout == "a word,glued"
    result = run(
        runner, "--config", str(config), "--action", "missing_space=replace", "-q", input="a,bc"
    )
    assert result.stdout == "a, bc"


def test_cli_config_bad_toml(runner, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("min_confidence = [", encoding="utf-8")
    result = run(runner, "--config", str(config), input="x")
    assert result.exit_code == 2
    assert "is not valid TOML" in one_line_error(result.stderr)


@pytest.mark.parametrize("selector", [["--skip", "missing_space"], ["--only", "missing_space_v1"]])
def test_cli_only_and_skip(runner, selector):
    result = run(runner, *selector, "-q", input="a word,glued")
    expected = "a word,glued" if selector[0] == "--skip" else "a word, glued"
    assert result.stdout == expected


def test_cli_output_file_for_several_text_inputs_is_refused(runner, tmp_path):
    result = run(runner, str(SEEDS), "-o", str(tmp_path / "all.txt"))
    assert result.exit_code == 2
    assert "give a folder" in one_line_error(result.stderr)


def test_cli_refuses_to_overwrite_input(runner, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("x,yz", encoding="utf-8")
    result = run(runner, str(src), "-o", str(src))
    assert result.exit_code == 2
    assert "would overwrite the input" in one_line_error(result.stderr)
    assert src.read_text(encoding="utf-8") == "x,yz"


def test_cli_several_jsonl_inputs_into_one_file(runner, tmp_path):
    for name, text in (("a.jsonl", "one,two"), ("b.jsonl", "three,four")):
        (tmp_path / name).write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    dst = tmp_path / "all.jsonl"
    result = run(runner, str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), "-o", str(dst))
    assert result.exit_code == 0, result.stderr
    texts = [json.loads(line)["text"] for line in dst.read_text(encoding="utf-8").splitlines()]
    assert texts == ["one, two", "three, four"]


def test_cli_lang_is_reported(runner, tmp_path):
    report = tmp_path / "r.json"
    result = run(runner, "--lang", "en", "--report", str(report), "-q", input="text")
    assert result.exit_code == 0
    doc = json.loads(report.read_text(encoding="utf-8"))["documents"][0]
    assert doc["language"] == {"code": "en", "probability": None, "source": "declared"}
