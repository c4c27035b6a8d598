"""Ray Data, for real, on a local Ray cluster (``ray.init(num_cpus=2)``): slow.

Skipped when Ray is not importable, unless ``CLEAN_NEWS_REQUIRE_RAY=1`` (CI's
Ray step), where a missing Ray fails the module instead. Nothing here needs the
network: usage statistics and the dashboard are off.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from filters import Pipeline
from filters.cli import cli
from filters.report import jsonl_record

if os.environ.get("CLEAN_NEWS_REQUIRE_RAY") == "1":
    import ray  # a missing Ray fails here: CI asked for it
else:
    ray = pytest.importorskip(
        "ray", reason="Ray is not installed (pip install 'clean-news[ray]'); "
        "set CLEAN_NEWS_REQUIRE_RAY=1 to make this a failure"
    )  # fmt: skip

pytestmark = [
    pytest.mark.slow,
    # Ray Data's own DataContext sets attributes it has deprecated when it is created
    pytest.mark.filterwarnings(
        r"ignore:`use_push_based_shuffle` is deprecated:DeprecationWarning:ray\.data\.context",
        r"ignore:`use_polars` is deprecated:DeprecationWarning:ray\.data\.context",
        r"ignore:`use_arrow_tensor_v2` is deprecated:DeprecationWarning:ray\.data\.context",
    ),
]

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def local_cluster() -> Iterator[None]:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    from filters.ray_data import init_ray

    if ray.is_initialized():
        ray.shutdown()
    init_ray(num_cpus=2)
    yield
    ray.shutdown()


def records() -> list[dict[str, Any]]:
    texts = [p.read_bytes().decode("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    rows: list[dict[str, Any]] = [
        {"id": f"d{i}", "text": texts[i % 5], "meta": {"n": i, "tags": ["a", "b"]}}
        for i in range(24)
    ]
    rows[3]["id"] = 3  # a number here, strings elsewhere: kept as it is
    del rows[5]["meta"]  # a field missing from one record: not added back
    rows.append({"id": "no-text", "body": "x"})
    rows.append({"text": "an id,is missing"})
    return rows


def write_input(path: Path) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in records()]
    lines.insert(4, "{not json")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def output_lines(folder: Path) -> list[str]:
    return [
        line
        for name in sorted(p.name for p in folder.glob("*.jsonl"))
        for line in (folder / name).read_text("utf-8").splitlines()
    ]


def by_id(lines: list[str]) -> dict[str, tuple[Any, Any]]:
    rows = [json.loads(line) for line in lines]
    return {r["clean_news"]["id"]: (r.get("text"), r["clean_news"].get("findings")) for r in rows}


@pytest.mark.usefixtures("local_cluster")
@pytest.mark.parametrize("name", ["in.jsonl", "in.jsonl.gz"])
def test_ray_cli_matches_the_local_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write_input(tmp_path / name)
    runner = CliRunner()
    local = runner.invoke(cli, [name, "-o", "local.jsonl", "--jobs", "1"])
    assert local.exit_code == 1, local.stderr
    result = runner.invoke(cli, ["--engine", "ray", name, "-o", "out/", "-q"])
    assert result.exit_code == 1, result.stderr  # the bad lines fail, as locally
    expected = (tmp_path / "local.jsonl").read_text("utf-8").splitlines()
    got = output_lines(tmp_path / "out")
    assert by_id(got) == by_id(expected)  # same cleaned texts and findings per id
    assert got == expected  # and in fact the same lines, in the same order
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 2
    assert any(f"{name}:5: not valid JSON" in e for e in errors)


@pytest.mark.usefixtures("local_cluster")
def test_ray_clean_dataset_matches_clean(tmp_path: Path) -> None:
    from filters.ray_data import clean_dataset

    # Arrow needs one type per column: the records with string ids and every field
    rows = [r for r in records() if isinstance(r.get("id"), str) and "meta" in r]
    ds = ray.data.from_items(rows)
    out = sorted(clean_dataset(ds, window=5).take_all(), key=lambda r: str(r["id"]))
    pipeline = Pipeline()
    assert len(out) == len(rows)
    for row in out:
        original = next(r for r in rows if r["id"] == row["id"])
        expected = pipeline.run(original["text"], id=str(row["id"]))
        assert row["text"] == expected.cleaned
        assert row["meta"] == original["meta"]
        info = json.loads(row["clean_news"])
        assert info == json.loads(json.dumps(jsonl_record(expected)))


@pytest.mark.usefixtures("local_cluster")
def test_ray_cli_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--engine", "ray", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o/")]
    )
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr
