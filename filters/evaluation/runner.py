"""Run the default pipeline over many texts, in order, optionally on several processes.

The default pipeline is every registered detector with default settings. Results
come back in input order whatever the number of processes, so every figure is
the same with ``--jobs 1`` and ``--jobs 2``.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from ..pipeline import Pipeline, Result

#: Below this many documents a process pool costs more than it saves.
MIN_PARALLEL = 400
CHUNK = 32

_WORKER_PIPELINE: Pipeline | None = None


def _init_worker() -> None:
    global _WORKER_PIPELINE
    _WORKER_PIPELINE = Pipeline()


def _run_one(item: tuple[str, str]) -> Result:
    assert _WORKER_PIPELINE is not None
    text, doc_id = item
    return _WORKER_PIPELINE.run(text, id=doc_id)


def run_texts(
    texts: Sequence[str], ids: Sequence[str] | None = None, jobs: int = 1
) -> list[Result]:
    """One :class:`Result` per text, in order."""
    ids = ids if ids is not None else [str(i) for i in range(len(texts))]
    items = list(zip(texts, ids, strict=True))
    if jobs <= 1 or len(items) < MIN_PARALLEL:
        pipeline = Pipeline()
        return [pipeline.run(text, id=doc_id) for text, doc_id in items]
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker) as pool:
        return list(pool.map(_run_one, items, chunksize=CHUNK))


def detector_names() -> list[str]:
    """Names of the detectors the default pipeline runs."""
    return Pipeline().detector_names
