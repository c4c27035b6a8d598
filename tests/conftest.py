"""Shared fixtures and the hypothesis profiles of the clean-news test suite.

Profiles: ``dev`` (the default, 200 examples per property), ``ci`` (1,000 examples,
derandomized so a CI run is reproducible) and ``fuzz`` (``make fuzz``: 20,000
examples per property, not derandomized, so each run explores new inputs).
``HYPOTHESIS_PROFILE`` picks one; when it is unset and ``CI`` is set (as CI
services do), ``ci`` is used. tests/test_fuzz.py multiplies the count for its
whole-pipeline properties; the number of generated documents a run cleaned is
printed at the end of the run ("fuzz: ..."). No profile has a deadline: speed is
measured by ``make bench``, and the first example of a property may load the language
profiles (about 0.5 s), which a deadline would call a failure on a loaded machine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from filters.document import Document
from filters.findings import Finding, make_finding
from filters.registry import Context, DetectorSpec, register, unregister

settings.register_profile("dev", max_examples=200, deadline=None)
settings.register_profile("ci", max_examples=1000, derandomize=True, deadline=None, print_blob=True)
settings.register_profile(
    "fuzz",
    max_examples=20_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Generated documents cleaned by the fuzz properties (tests/test_fuzz.py), per property.
FUZZ_COUNTS: dict[str, int] = {}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FUZZ_COUNTS:
        total = sum(FUZZ_COUNTS.values())
        parts = ", ".join(f"{name} {n:,}" for name, n in sorted(FUZZ_COUNTS.items()))
        terminalreporter.write_line(
            f"fuzz: {total:,} generated documents through the pipeline ({parts})"
        )


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout the tests run from."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def seeds_dir(repo_root: Path) -> Path:
    """``seeds/``: the five sample articles."""
    path = repo_root / "seeds"
    assert path.is_dir(), f"seeds folder missing: {path}"
    return path


@pytest.fixture(scope="session")
def read_seed(seeds_dir: Path) -> Callable[[str], str]:
    """Read a seed by file name or stem, exactly as the pipeline sees it (no newline mangling)."""

    def read(name: str) -> str:
        matches = sorted(seeds_dir.glob(f"{name}*.txt"))
        assert len(matches) == 1, f"seed {name!r} matches {matches}"
        return matches[0].read_bytes().decode("utf-8")

    return read


FindingFactory = Callable[..., Finding]


@pytest.fixture
def finding() -> FindingFactory:
    """Build a finding over ``text[start:end]`` with test defaults for every other field."""

    def build(
        text: str,
        start: int,
        end: int,
        *,
        category: str = "boilerplate",
        action: str | None = None,
        score: float = 0.9,
        detector: str = "fake_v1",
        code: str | None = None,
        replacement: str | None = None,
    ) -> Finding:
        return make_finding(
            text,
            start,
            end,
            detector=detector,
            category=category,
            code=code or f"{category}.test",
            score=score,
            reason="test finding",
            action=action,
            replacement=replacement,
        )

    return build


SpecFactory = Callable[..., DetectorSpec]


@pytest.fixture
def detector_spec() -> SpecFactory:
    """Build a :class:`DetectorSpec` around a plain function, without registering it."""

    def build(
        name: str,
        func: Callable[[Document, Context], list[Finding]],
        categories: tuple[str, ...] = ("boilerplate",),
    ) -> DetectorSpec:
        family = name.rsplit("_v", 1)[0]
        return DetectorSpec(name, family, categories, func, "test detector")

    return build


@pytest.fixture
def only_missing_space(monkeypatch: pytest.MonkeyPatch) -> None:
    """A registry holding only ``missing_space_v1``, for tests about selection rules
    that must not change whenever a detector is added (the snapshot test does that)."""
    import filters.registry as registry

    specs = registry.load_detectors()
    monkeypatch.setattr(registry, "_REGISTRY", {"missing_space_v1": specs["missing_space_v1"]})


@pytest.fixture
def registered() -> Iterator[Callable[..., Callable[..., object]]]:
    """``register`` for throw-away detectors; every name is unregistered afterwards."""
    names: list[str] = []

    def reg(name: str, *, categories: tuple[str, ...] | list[str]) -> Callable[..., object]:
        decorator = register(name, categories=categories)

        def wrap(func: Callable[..., object]) -> Callable[..., object]:
            result = decorator(func)  # type: ignore[arg-type]
            names.append(name)
            return result

        return wrap

    yield reg
    for name in names:
        unregister(name)
