"""Statistical models of clean-news (scikit-learn), their training code and cards.

Shipped artefacts load without executing code: JSON (and NumPy arrays), never
pickle. Each artefact is checked against the SHA-256 recorded beside it before
it is used.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

__all__ = ["ModelFileError", "load_json_model"]


class ModelFileError(ValueError):
    """A model file that is missing, altered or not of the expected format."""


def load_json_model(name: str, sha256: str) -> dict[str, Any]:
    """Load ``models/<name>`` (JSON) after checking its SHA-256 against ``sha256``."""
    path = resources.files("models").joinpath(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"model file {name} cannot be read: {exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise ModelFileError(
            f"model file {name} has checksum {digest[:12]}…, expected {sha256[:12]}…: "
            "refusing to load an altered model"
        )
    try:
        loaded = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"model file {name} is not valid JSON: {exc}") from None
    if not isinstance(loaded, dict):
        raise ModelFileError(f"model file {name} must hold a JSON object")
    return loaded
