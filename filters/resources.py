"""Loading of the data files shipped in ``filters/data`` (word lists, phrase lists).

Data lives as data, not as long Python literals. Each loader is cached, so a
list is read once per process.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


def read_text(name: str) -> str:
    """The text of ``filters/data/<name>``."""
    return resources.files("filters").joinpath("data").joinpath(name).read_text(encoding="utf-8")


@cache
def word_list(name: str) -> frozenset[str]:
    """The non-comment, non-blank lines of a data file, as a set."""
    return frozenset(_lines(read_text(name)))


@cache
def sectioned_list(name: str) -> dict[str, frozenset[str]]:
    """A data file made of ``[section]`` headers each followed by one entry per line."""
    sections: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in _lines(read_text(name)):
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], set())
        elif current is None:
            raise ValueError(f"filters/data/{name}: entry {line!r} before any [section]")
        else:
            current.add(line)
    return {key: frozenset(values) for key, values in sections.items()}


def _lines(text: str) -> list[str]:
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out
