"""Measure the shipped off_topic model: precision and recall at several thresholds, and cost.

``python -m models.off_topic.measure`` reads ``../shared/corpora`` (or
``$CLEAN_NEWS_DATA``) and prints, for the test half only (the documents and
artefacts ``make eval`` scores, never seen in training):

* the injection table of ``make eval`` (same hosts, pools, seed and variants;
  same counting rules as :mod:`filters.evaluation.injection`) at several
  thresholds of the model's probability, per artefact kind;
* the share of clean-body sentences (Scrapinghub ``body``, WCXB
  ``main_content``) that would be removed at each threshold, test half and all;
* the detector's mean time per document over the Scrapinghub extractor outputs
  (what ``make bench`` cleans) and over the gold bodies.

A threshold here means: every candidate sentence scored at or above it is a
detection. The shipped detector removes at ``thresholds.remove`` and flags
between ``thresholds.flag`` and that.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from filters.detectors._off_topic_features import document_features
from filters.detectors.off_topic import MIN_SENTENCES, STACKERS, find_off_topic, load_model
from filters.document import Document
from filters.evaluation import data, pools
from filters.evaluation.inject import generate
from filters.evaluation.metrics import covered, touches
from filters.evaluation.splits import split_of, unit_key
from filters.registry import Context
from filters.settings import Settings

THRESHOLDS = (0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.925, 0.95, 0.975, 0.98, 0.99)
OFF_TOPIC_KINDS = ("eurlex_plain", "eurlex_hooked", "other_article")


Scored = list[tuple[int, int, dict[str, float]]]
#: A detection rule: (name, function of the two probabilities -> detected).
Rule = tuple[str, Callable[[dict[str, float]], bool]]


def scored_sentences(text: str) -> Scored:
    """(start, end, {stacker: probability}) of every candidate sentence of a text."""
    doc = Document(text)
    model = load_model()
    if len(doc.sentences) < MIN_SENTENCES:
        return []
    feats = document_features(text, doc.sentences, model.vocab)
    if feats is None:
        return []
    probs = model.probabilities(feats.matrix)
    return [
        (
            doc.sentences[i].start,
            doc.sentences[i].end,
            {name: float(p[row]) for name, p in probs.items()},
        )
        for row, i in enumerate(feats.candidates)
    ]


def _at_least(name: str, threshold: float) -> Callable[[dict[str, float]], bool]:
    def rule(p: dict[str, float]) -> bool:
        return p[name] >= threshold

    return rule


def rules() -> list[Rule]:
    """Each stacker alone at several thresholds, then the shipped removal and flag rules."""
    model = load_model()
    out: list[Rule] = []
    for name in STACKERS:
        for t in THRESHOLDS:
            out.append((f"{name} >= {t}", _at_least(name, t)))
    out.append(
        (
            "shipped: removed",
            lambda p: any(p[n] >= model.remove_at[n] for n in STACKERS),
        )
    )
    out.append(
        (
            "shipped: removed or flagged",
            lambda p: any(p[n] >= model.flag_at[n] for n in STACKERS),
        )
    )
    return out


def injection_table(root: Path, seed: int = 0, variants: int = 2) -> list[dict[str, Any]]:
    hosts = pools.hosts(root, "test")
    docs = generate(hosts, pools.build_pools(root, hosts, "test"), seed=seed, variants=variants)
    per_doc = [(d, scored_sentences(d.text)) for d in docs]
    rows = []
    for name, rule in rules():
        tally = {"tp": 0, "fp": 0, "cross": 0}
        kinds = {k: [0, 0] for k in OFF_TOPIC_KINDS}
        for doc, scored in per_doc:
            spans = [(s, e) for s, e, p in scored if rule(p)]
            gold = [g for g in doc.gold if g.category == "off_topic"]
            others = [
                (g.start, g.end) for g in doc.gold + doc.protected if g.category != "off_topic"
            ]
            for g in gold:
                kinds[g.kind][0] += 1
                kinds[g.kind][1] += covered((g.start, g.end), spans) * 2 >= g.end - g.start
            for span in spans:
                length = max(1, span[1] - span[0])
                inside = covered(span, [(g.start, g.end) for g in gold])
                if inside * 2 >= length and (
                    inside > 0 or any(touches(span, (g.start, g.end)) for g in gold)
                ):
                    tally["tp"] += 1
                elif others and covered(span, others) * 2 >= length:
                    tally["cross"] += 1
                else:
                    tally["fp"] += 1
        gold_n = sum(v[0] for v in kinds.values())
        found_n = sum(v[1] for v in kinds.values())
        legal = [kinds[k] for k in ("eurlex_plain", "eurlex_hooked")]
        rows.append(
            {
                "rule": name,
                "findings": tally["tp"] + tally["fp"],
                "fp": tally["fp"],
                "cross": tally["cross"],
                "precision": round(tally["tp"] / max(tally["tp"] + tally["fp"], 1), 4),
                "recall": round(found_n / max(gold_n, 1), 4),
                "recall_eu_legal": round(
                    sum(v[1] for v in legal) / max(sum(v[0] for v in legal), 1), 4
                ),
                **{f"recall_{k}": round(v[1] / max(v[0], 1), 4) for k, v in kinds.items()},
            }
        )
    rows.append(
        {
            "gold": {k: sum(g.kind == k for d in docs for g in d.gold) for k in OFF_TOPIC_KINDS},
            "candidate_sentences": sum(len(s) for _d, s in per_doc),
        }
    )
    return rows


def bodies_table(root: Path) -> list[dict[str, Any]]:
    bodies = data.clean_bodies(root)
    scored = []
    for dataset, doc_id, text in bodies:
        test = split_of(unit_key(dataset, doc_id)) == "test"
        n = len(Document(text).sentences)
        scored.append((dataset, test, n, [p for _s, _e, p in scored_sentences(text)]))
    rows = []
    for name, rule in rules():
        row: dict[str, Any] = {"rule": name}
        for dataset in ("scrapinghub", "wcxb"):
            for part, keep in (("test", True), ("all", None)):
                sel = [x for x in scored if x[0] == dataset and (keep is None or x[1] == keep)]
                sentences = sum(x[2] for x in sel)
                removed = sum(sum(rule(p) for p in x[3]) for x in sel)
                row[f"{dataset}_{part}"] = f"{removed}/{sentences}"
                row[f"{dataset}_{part}_share"] = round(removed / max(sentences, 1), 5)
        rows.append(row)
    return rows


def timing(texts: Sequence[str], repeat: int = 2) -> dict[str, float]:
    ctx = Context(Settings())
    docs = [Document(t) for t in texts]
    for doc in docs:  # segmentation is the pipeline's, not this detector's
        _ = doc.sentences
    list(find_off_topic(docs[0], ctx))  # model loading is a one-off
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for doc in docs:
            list(find_off_topic(doc, ctx))
        best = min(best, time.perf_counter() - start)
    return {
        "documents": len(docs),
        "mean_chars": round(sum(map(len, texts)) / max(len(texts), 1)),
        "us_per_doc": round(best / max(len(docs), 1) * 1e6, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.off_topic.measure")
    parser.add_argument("--out", help="write the figures as JSON here")
    parser.add_argument("--skip-timing", action="store_true")
    args = parser.parse_args(argv)
    root = data.data_root()
    report: dict[str, Any] = {"injection": injection_table(root), "bodies": bodies_table(root)}
    if not args.skip_timing:
        outputs = [r["text"] for r in data.iter_extractor_outputs(root) if r["text"].strip()]
        report["timing"] = {
            "extractor_outputs": timing(outputs),
            "gold_bodies": timing([b for _d, _i, b in data.clean_bodies(root) if b.strip()]),
        }
    print(json.dumps(report, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
