"""``python -m models`` (``make models``): retrain every shipped model.

Each model lives in ``models/<name>/`` with a ``train.py`` exposing
``main(data_root: pathlib.Path, out_dir: pathlib.Path) -> None`` that trains
with a fixed seed on the development corpora and writes the artefact (JSON,
never pickle), its checksum and its model card into ``out_dir``. The data is
found at ``../shared/corpora`` beside the checkout or at ``$CLEAN_NEWS_DATA``.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

import models


def trainers() -> dict[str, str]:
    """Model name -> module path of its trainer, for every ``models/<name>/train.py``."""
    found = {}
    for info in sorted(pkgutil.iter_modules(models.__path__), key=lambda m: m.name):
        if info.ispkg and (Path(models.__path__[0]) / info.name / "train.py").is_file():
            found[info.name] = f"models.{info.name}.train"
    return found


def main(argv: list[str] | None = None) -> int:
    from filters.evaluation.data import data_root

    parser = argparse.ArgumentParser(prog="python -m models", description=__doc__)
    parser.add_argument("names", nargs="*", help="models to train (default: all)")
    args = parser.parse_args(argv)
    available = trainers()
    names = args.names or list(available)
    unknown = [n for n in names if n not in available]
    if unknown:
        print(f"unknown model {unknown[0]!r}; valid: {', '.join(available)}", file=sys.stderr)
        return 2
    if not names:
        print("no models to train (no models/<name>/train.py)", file=sys.stderr)
        return 0
    root = data_root()
    if not root.is_dir():
        print(f"missing: corpora folder {root} (set CLEAN_NEWS_DATA)", file=sys.stderr)
        return 2
    for name in names:
        module = importlib.import_module(available[name])
        print(f"training {name} from {root}", file=sys.stderr)
        module.main(root, Path(models.__path__[0]) / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
