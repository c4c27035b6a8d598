"""The detector registry: one decorator, versioned names, duplicates refused.

A detector is a pure function ``(Document, Context) -> Iterable[Finding]``. It
registers itself with :func:`register` in its own module under
``filters/detectors/``; every module there is imported by
:func:`load_detectors`, so adding a detector is adding one module.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .findings import CATEGORIES

if TYPE_CHECKING:
    from .document import Document
    from .findings import Finding
    from .settings import Settings

# A versioned detector name: family, "_v", version number ("missing_space_v1").
NAME_RE = re.compile(r"(?P<family>[a-z][a-z0-9_]*?)_v(?P<version>[0-9]+)")


@dataclass
class Context:
    """What a detector may read besides the document: the run's settings and
    batch-level state shared by the documents of one run (empty by default).

    ``counters`` is the one thing a detector may write: named counts about its
    work on the current document (``foreign_language.abstained_short``), which
    the pipeline reports as ``stats["counters"]``. :meth:`Pipeline.run` gives
    every document a fresh Counter, so a shared context never mixes documents.
    """

    settings: Settings
    batch: dict[str, Any] = field(default_factory=dict)
    counters: Counter[str] = field(default_factory=Counter)


DetectorFunc = Callable[["Document", Context], Iterable["Finding"]]
#: Optional batch hook: sees the documents of one window of a run before any is
#: cleaned and returns the state its detector reads from ``ctx.batch[name]``
#: (lines shared by many documents, corpus statistics). It must be a pure
#: function of the documents, so results do not depend on how a run is split
#: into processes, only on the window.
PrepareFunc = Callable[[Sequence["Document"]], Any]


@dataclass(frozen=True)
class DetectorSpec:
    name: str
    family: str
    categories: tuple[str, ...]
    func: DetectorFunc
    summary: str
    prepare: PrepareFunc | None = None

    def __call__(self, doc: Document, ctx: Context) -> Iterable[Finding]:
        return self.func(doc, ctx)


_REGISTRY: dict[str, DetectorSpec] = {}


class RegistryError(ValueError):
    """A detector name that is malformed, registered twice, or unknown."""


def register(
    name: str, *, categories: Iterable[str], prepare: PrepareFunc | None = None
) -> Callable[[DetectorFunc], DetectorFunc]:
    """Register a detector function under a versioned name such as ``caption_v1``.

    ``prepare``, when given, is the detector's batch hook (see :data:`PrepareFunc`).
    """
    match = NAME_RE.fullmatch(name)
    if match is None:
        raise RegistryError(f"detector name {name!r} must look like 'family_v1'")
    cats = tuple(categories)
    for cat in cats:
        if cat not in CATEGORIES:
            raise RegistryError(
                f"detector {name!r}: unknown category {cat!r}; valid: {', '.join(CATEGORIES)}"
            )

    def decorate(func: DetectorFunc) -> DetectorFunc:
        family = match.group("family")
        for spec in _REGISTRY.values():
            if spec.name == name or spec.family == family:
                raise RegistryError(f"detector {name!r} is already registered as {spec.name!r}")
        summary = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        _REGISTRY[name] = DetectorSpec(name, family, cats, func, summary, prepare)
        return func

    return decorate


def unregister(name: str) -> None:
    """Remove a detector (for tests that register throw-away detectors)."""
    _REGISTRY.pop(name, None)


def load_detectors() -> dict[str, DetectorSpec]:
    """Import every module of ``filters.detectors`` and return the registry, by name."""
    package = importlib.import_module("filters.detectors")
    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if not module.name.startswith("_"):
            importlib.import_module(f"filters.detectors.{module.name}")
    return dict(sorted(_REGISTRY.items()))


def select(only: Iterable[str] = (), skip: Iterable[str] = ()) -> list[DetectorSpec]:
    """The detectors a run uses, sorted by name. Names may omit the version."""
    specs = load_detectors()
    only_specs = [_lookup(specs, n) for n in only]
    skip_names = {_lookup(specs, n).name for n in skip}
    chosen = only_specs or list(specs.values())
    return sorted(
        {s.name: s for s in chosen if s.name not in skip_names}.values(), key=lambda s: s.name
    )


def _lookup(specs: dict[str, DetectorSpec], name: str) -> DetectorSpec:
    if name in specs:
        return specs[name]
    for spec in specs.values():
        if spec.family == name:
            return spec
    valid = ", ".join(sorted(specs)) or "(none registered)"
    raise RegistryError(f"unknown detector {name!r}; valid: {valid}")
