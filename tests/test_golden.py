"""Golden files: the default pipeline's full output for each seed, reviewed as diffs.

``tests/golden/<seed stem>.json`` holds the detectors that ran, the per-document report
entry (``Result.to_dict()``) and the cleaned text. When the output changes on purpose,
regenerate with ``make golden`` (which sets ``CLEAN_NEWS_UPDATE_GOLDEN=1``) and review the
diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from filters import Pipeline, restore

GOLDEN_DIR = Path(__file__).parent / "golden"
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
SEEDS = sorted(path.stem for path in SEEDS_DIR.glob("*.txt"))
UPDATE = os.environ.get("CLEAN_NEWS_UPDATE_GOLDEN") == "1"


def golden_record(stem: str) -> dict[str, Any]:
    text = (SEEDS_DIR / f"{stem}.txt").read_bytes().decode("utf-8")
    pipeline = Pipeline()
    result = pipeline.run(text, id=stem, source=f"seeds/{stem}.txt")
    assert restore(result) == text
    return {
        "seed": f"{stem}.txt",
        "detectors": pipeline.detector_names,
        "result": result.to_dict(),
        "cleaned": result.cleaned,
    }


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def test_golden_seeds_present() -> None:
    assert len(SEEDS) == 5, SEEDS
    if not UPDATE:
        assert sorted(p.stem for p in GOLDEN_DIR.glob("*.json")) == SEEDS


@pytest.mark.parametrize("stem", SEEDS)
def test_golden_seed(stem: str) -> None:
    record = golden_record(stem)
    path = GOLDEN_DIR / f"{stem}.json"
    if UPDATE:
        path.write_text(dumps(record), encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"{path} missing: run `make golden` and review the new file"
    expected = json.loads(path.read_text(encoding="utf-8"))
    # Compare piece by piece so a failure names what changed, then the whole record.
    assert record["detectors"] == expected["detectors"], "detectors changed: run `make golden`"
    assert record["result"]["findings"] == expected["result"]["findings"]
    assert record["result"]["edits"] == expected["result"]["edits"]
    assert record["cleaned"] == expected["cleaned"]
    assert record == expected, "golden output changed: run `make golden` and review the diff"
