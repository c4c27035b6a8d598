"""Part 5, the generator: known artefacts inserted into clean bodies, with exact spans.

A host is a clean gold body. :func:`inject` applies a few *operations* to it,
each replacing a host span (empty for an insertion) by new text, and records
every artefact as a :class:`Gold` span in the offsets of the resulting text
(the "original" the pipeline sees). Text outside the operations is the host's,
byte for byte; :attr:`InjectedDoc.pieces` maps each operation back to the host.

The artefact kinds and their categories are in
:mod:`filters.evaluation.artefacts`.

Deterministic: the same host, pools, seed and variant give the same document;
a host's document does not depend on the other hosts.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..document import Document
from .artefacts import CATEGORY_OF, KINDS, LATE_KINDS, MAKERS


@dataclass(frozen=True)
class Gold:
    """An artefact at ``text[start:end]``; ``replacement`` is the expected fix, if any."""

    start: int
    end: int
    category: str
    kind: str
    text: str
    replacement: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class InjectedDoc:
    """A host with artefacts: the text, its gold spans, and the spans that must not change."""

    id: str
    host: str
    text: str
    gold: list[Gold]
    protected: list[Gold]
    pieces: list[tuple[int, int, int, int]]  # (host_start, host_end, start, end)


@dataclass(frozen=True)
class Host:
    key: str  # split unit key, e.g. "wcxb:dev/0001"
    dataset: str
    text: str
    title: str | None = None


@dataclass
class Pools:
    """Where artefacts come from (built by :mod:`filters.evaluation.pools`)."""

    eurlex: list[str] = field(default_factory=list)
    eurlex_clauses: list[str] = field(default_factory=list)  # "The Commission shall ..."
    donors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # dataset -> (key, s)
    boilerplate: dict[str, list[str]] = field(default_factory=dict)  # kind -> lines
    names: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    mojibake: list[tuple[str, str]] = field(default_factory=list)  # (broken, fixed)
    negatives: list[str] = field(default_factory=list)


# An operation: host[start:end] becomes ``new``; artefacts at (rel_start, rel_end, kind, fix).
Op = tuple[int, int, str, list[tuple[int, int, str, str | None]]]


class Plan:
    """The host, its segmentation, and the operations chosen so far (never overlapping)."""

    def __init__(self, host: Host, pools: Pools, rng: random.Random) -> None:
        self.host, self.pools, self.rng = host, pools, rng
        self.text = host.text
        self.doc = Document(host.text)
        self.ops: list[Op] = []

    def free(self, start: int, end: int) -> bool:
        return all(end < s or e < start for s, e, _n, _a in self.ops)

    def add(
        self, start: int, end: int, new: str, arts: list[tuple[int, int, str, str | None]]
    ) -> bool:
        if not self.free(start, end):
            return False
        self.ops.append((start, end, new, arts))
        return True

    def sentences(self, min_words: int = 4) -> list[tuple[int, int]]:
        return [
            (s.start, s.end)
            for s in self.doc.sentences
            if len(self.text[s.start : s.end].split()) >= min_words
            and self.text[s.end - 1] in ".!?\"'”’)"
        ]

    def sep(self) -> str:
        return "\n\n" if "\n\n" in self.text or "\n" not in self.text else "\n"

    def put_sentence(self, sentence: str, kind: str) -> bool:
        """Insert a sentence after a sentence of the host, inside its line."""
        spots = self.sentences()
        if not spots or not sentence:
            return False
        _s, end = self.rng.choice(spots)
        return self.add(end, end, " " + sentence, [(1, 1 + len(sentence), kind, None)])

    def put_line(self, line: str, kind: str, where: str = "inside", fix: str | None = None) -> bool:
        """Insert a line of its own: at the top, between paragraphs, or at the end."""
        paras = self.doc.paragraphs
        if not paras or not line:
            return False
        sep = self.sep()
        if where == "top":
            pos = paras[0].start
            return self.add(pos, pos, line + sep, [(0, len(line), kind, fix)])
        pos = paras[-1].end if where == "end" else self.rng.choice(paras[:-1] or paras).end
        return self.add(pos, pos, sep + line, [(len(sep), len(sep) + len(line), kind, fix)])


def build(host: Host, ops: Sequence[Op], doc_id: str) -> InjectedDoc:
    """Apply the operations to the host and place every artefact in the new text."""
    parts: list[str] = []
    gold: list[Gold] = []
    protected: list[Gold] = []
    pieces = []
    pos = length = 0
    for start, end, new, arts in sorted(ops, key=lambda op: (op[0], op[1])):
        parts.append(host.text[pos:start])
        length += start - pos
        for rel_start, rel_end, kind, fix in arts:
            span = Gold(
                length + rel_start,
                length + rel_end,
                CATEGORY_OF[kind],
                kind,
                new[rel_start:rel_end],
                fix,
            )
            (protected if kind == "ftfy_negative" else gold).append(span)
        pieces.append((start, end, length, length + len(new)))
        parts.append(new)
        length += len(new)
        pos = end
    parts.append(host.text[pos:])
    return InjectedDoc(doc_id, host.key, "".join(parts), gold, protected, pieces)


def inject(
    host: Host, pools: Pools, seed: int = 0, variant: int = 0, kinds: Sequence[str] = KINDS
) -> InjectedDoc:
    """One injected document: two to four artefact kinds, chosen and placed by a
    ``random.Random`` seeded with the seed, the host key and the variant; then one of
    the late kinds (:data:`~.artefacts.LATE_KINDS`) among ``kinds``, chosen and placed
    by a generator of its own, so the others do not move when late kinds are added."""
    rng = random.Random(f"{seed}:{host.key}:{variant}")
    plan = Plan(host, pools, rng)
    order = [kind for kind in kinds if kind not in LATE_KINDS]
    rng.shuffle(order)
    wanted = rng.randint(2, 4)
    made = 0
    for kind in order:
        if made >= wanted:
            break
        made += MAKERS[kind](plan)
    late = [kind for kind in kinds if kind in LATE_KINDS]
    if late:
        plan.rng = random.Random(f"{seed}:{host.key}:{variant}:late")
        MAKERS[plan.rng.choice(late)](plan)
    return build(host, plan.ops, f"{host.key}#inject{variant}")


def generate(
    hosts: Sequence[Host], pools: Pools, seed: int = 0, variants: int = 1
) -> list[InjectedDoc]:
    """Injected documents for every host and variant, in host order."""
    return [inject(h, pools, seed, v) for h in hosts for v in range(variants)]
