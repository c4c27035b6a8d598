"""Loading shipped model files: checksum first, then JSON, never anything that runs code."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

import models
from models import ModelFileError, load_json_model


@pytest.fixture
def model_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder standing in for the ``models`` package's files."""
    folder = tmp_path / "models"
    folder.mkdir()
    fake = SimpleNamespace(files=lambda package: folder if package == "models" else None)
    monkeypatch.setattr(models, "resources", fake)
    return folder


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b'{"classes": ["keep", "drop"], "coef": [[0.5, -1.25]]}',
            {"classes": ["keep", "drop"], "coef": [[0.5, -1.25]]},
        ),
        ('{"name": "café"}'.encode(), {"name": "café"}),
        (b"{}", {}),
    ],
)
def test_models_load_json_model(
    model_dir: Path, content: bytes, expected: dict[str, object]
) -> None:
    (model_dir / "m.json").write_bytes(content)
    assert load_json_model("m.json", sha256(content)) == expected


@pytest.mark.parametrize(
    ("content", "checksum", "message"),
    [
        (b'{"coef": [1]}', sha256(b'{"coef": [2]}'), "refusing to load an altered model"),
        (b'{"coef": [1]}', "0" * 64, "expected 000000000000"),
        (b'{"coef": [1]}', "", "checksum"),
        (b"not json at all", None, "is not valid JSON"),
        (b'{"coef": [1]', None, "is not valid JSON"),
        (b"\xff\xfe{}", None, "is not valid JSON"),
        (b"[1, 2, 3]", None, "must hold a JSON object"),
        (b'"text"', None, "must hold a JSON object"),
        (b"null", None, "must hold a JSON object"),
    ],
)
def test_models_load_json_model_refused(
    model_dir: Path, content: bytes, checksum: str | None, message: str
) -> None:
    (model_dir / "m.json").write_bytes(content)
    with pytest.raises(ModelFileError, match=message):
        load_json_model("m.json", sha256(content) if checksum is None else checksum)


@pytest.mark.parametrize("name", ["absent.json"])
def test_models_load_json_model_missing(model_dir: Path, name: str) -> None:
    with pytest.raises(ModelFileError, match=f"model file {name} cannot be read"):
        load_json_model(name, sha256(b""))


@pytest.mark.parametrize("name", ["absent-from-the-real-package.json"])
def test_models_load_json_model_real_package_missing(name: str) -> None:
    with pytest.raises(ModelFileError, match="cannot be read"):
        load_json_model(name, "0" * 64)


UNSAFE_LOADERS = re.compile(
    r"^\s*(?:import|from)\s+(?:pickle|cPickle|dill|joblib|cloudpickle|shelve|marshal)\b"
    r"|\b(?:pickle|joblib|dill|marshal)\.loads?\(|\bnp\.load\([^)]*allow_pickle\s*=\s*True",
    re.M,
)


def test_models_no_pickle_anywhere() -> None:
    """No module of the packages loads data with pickle (or a pickle-based loader), and
    every shipped model artefact is plain JSON or text."""
    root = Path(__file__).resolve().parent.parent
    offenders = [
        str(path.relative_to(root))
        for package in ("filters", "models")
        for path in sorted((root / package).rglob("*.py"))
        if UNSAFE_LOADERS.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    artefacts = [
        p for p in (root / "models").rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ]
    assert artefacts
    for path in artefacts:
        assert path.suffix in {".json", ".md", ".py", ".txt", ".sha256"}, path
        data = path.read_bytes()
        assert not data.startswith(b"\x80"), f"{path} looks like a pickle"
