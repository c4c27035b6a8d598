"""The detector registry: a snapshot, name rules, duplicates, selection."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest

from filters.document import Document
from filters.findings import CATEGORIES, Finding
from filters.registry import (
    NAME_RE,
    Context,
    RegistryError,
    load_detectors,
    register,
    select,
    unregister,
)

# Every registered detector: name -> (family, categories). A new or changed detector shows up
# here as a diff; update the snapshot in the same change.
REGISTRY_SNAPSHOT: dict[str, tuple[str, tuple[str, ...]]] = {
    "boilerplate_v1": ("boilerplate", ("boilerplate",)),
    "caption_v1": ("caption", ("caption",)),
    "duplicate_v1": ("duplicate", ("duplicate",)),
    "foreign_language_v1": ("foreign_language", ("foreign_language",)),
    "heading_v1": ("heading", ("heading",)),
    "lookalike_v1": ("lookalike", ("encoding",)),
    "markup_v1": ("markup", ("markup",)),
    "metadata_v1": ("metadata", ("metadata",)),
    "missing_space_v1": ("missing_space", ("missing_space",)),
    "mojibake_v1": ("mojibake", ("encoding",)),
    "off_topic_v1": ("off_topic", ("off_topic",)),
    "readability_v1": ("readability", ("readability",)),
    "tag_run_v1": ("tag_run", ("tag_run",)),
}

Register = Callable[..., Callable[..., Any]]


def nothing(doc: Document, ctx: Context) -> list[Finding]:
    """Finds nothing."""
    return []


@pytest.mark.parametrize("snapshot", [REGISTRY_SNAPSHOT])
def test_registry_snapshot(snapshot: dict[str, tuple[str, tuple[str, ...]]]) -> None:
    specs = load_detectors()
    assert {name: (s.family, s.categories) for name, s in specs.items()} == snapshot
    assert list(specs) == sorted(specs)
    for name, spec in specs.items():
        assert spec.name == name
        assert NAME_RE.fullmatch(name)
        assert set(spec.categories) <= set(CATEGORIES)
        assert spec.summary, f"{name} needs a docstring"


@pytest.mark.parametrize("module", sorted({s.func.__module__ for s in load_detectors().values()}))
def test_registry_detector_modules_documented(module: str) -> None:
    doc = importlib.import_module(module).__doc__ or ""
    # STYLE.md: what it catches, what it leaves alone, its false-positive risk, one example.
    for part in ("What it catches", "What it leaves alone", "False-positive risk", "Example"):
        assert part in doc, f"{module} docstring lacks {part!r}"


@pytest.mark.parametrize(
    ("name", "family", "summary"),
    [("fake_v1", "fake", "Finds nothing."), ("two_words_v12", "two_words", "Finds nothing.")],
)
def test_registry_register(name: str, family: str, summary: str, registered: Register) -> None:
    registered(name, categories=["boilerplate", "caption"])(nothing)
    spec = load_detectors()[name]
    assert (spec.family, spec.categories, spec.summary) == (
        family,
        ("boilerplate", "caption"),
        summary,
    )
    assert spec(Document("x"), Context(settings=None)) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "name",
    [
        "fake",
        "fake_v",
        "fake_vx",
        "Fake_v1",
        "fake-v1",
        "1fake_v1",
        "_v1",
        "fake_v1 ",
        "fake_V1",
        "",
    ],
)
def test_registry_bad_name_refused(name: str) -> None:
    with pytest.raises(RegistryError, match="must look like 'family_v1'"):
        register(name, categories=["boilerplate"])
    assert name not in load_detectors()


@pytest.mark.parametrize("category", ["nonsense", "Caption", ""])
def test_registry_unknown_category_refused(category: str) -> None:
    with pytest.raises(RegistryError, match=f"unknown category {category!r}; valid: off_topic"):
        register("fake_v1", categories=[category])
    assert "fake_v1" not in load_detectors()


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("fake_v1", "fake_v1", "'fake_v1' is already registered as 'fake_v1'"),
        ("fake_v1", "fake_v2", "'fake_v2' is already registered as 'fake_v1'"),
        ("other_v1", "missing_space_v1", "already registered as 'missing_space_v1'"),
        ("other_v1", "missing_space_v2", "already registered as 'missing_space_v1'"),
    ],
)
def test_registry_duplicate_refused(
    first: str, second: str, message: str, registered: Register
) -> None:
    load_detectors()
    registered(first, categories=["boilerplate"])(nothing)
    before = load_detectors()
    with pytest.raises(RegistryError, match=message):
        registered(second, categories=["boilerplate"])(nothing)
    assert load_detectors() == before


@pytest.mark.parametrize("name", ["fake_v1", "never_registered_v1"])
def test_registry_unregister(name: str) -> None:
    if name == "fake_v1":
        register(name, categories=["boilerplate"])(nothing)
    unregister(name)
    assert name not in load_detectors()
    assert "missing_space_v1" in load_detectors()


@pytest.mark.usefixtures("only_missing_space")
@pytest.mark.parametrize(
    ("only", "skip", "expected"),
    [
        ((), (), ["aaa_v1", "missing_space_v1", "zzz_v2"]),
        (("zzz",), (), ["zzz_v2"]),
        (("zzz_v2",), (), ["zzz_v2"]),
        (("zzz", "aaa_v1"), (), ["aaa_v1", "zzz_v2"]),  # sorted by name, whatever the order given
        (("aaa", "aaa_v1"), (), ["aaa_v1"]),  # named twice, selected once
        ((), ("missing_space",), ["aaa_v1", "zzz_v2"]),
        ((), ("missing_space_v1", "zzz"), ["aaa_v1"]),
        (("aaa", "zzz"), ("zzz_v2",), ["aaa_v1"]),
        (("aaa",), ("aaa",), []),
    ],
)
def test_registry_select(
    only: tuple[str, ...], skip: tuple[str, ...], expected: list[str], registered: Register
) -> None:
    registered("zzz_v2", categories=["caption"])(nothing)
    registered("aaa_v1", categories=["boilerplate"])(nothing)
    assert [s.name for s in select(only, skip)] == expected


@pytest.mark.usefixtures("only_missing_space")
@pytest.mark.parametrize(
    ("only", "skip", "bad"),
    [
        (("nonsense",), (), "nonsense"),
        ((), ("nonsense_v1",), "nonsense_v1"),
        (("missing_space_v2",), (), "missing_space_v2"),  # a version that does not exist
        (("missing",), (), "missing"),  # no prefix matching
    ],
)
def test_registry_select_unknown(only: tuple[str, ...], skip: tuple[str, ...], bad: str) -> None:
    with pytest.raises(RegistryError) as info:
        select(only, skip)
    message = str(info.value)
    assert f"unknown detector {bad!r}; valid: " in message
    assert "missing_space_v1" in message
