"""off_topic: a sentence that does not belong to its article.

What it catches: a sentence dropped into a story from another document or
another register: EU legal text (``"The Commission shall adopt implementing
acts ..."``), the same dressed up with an opening taken from the story (``"In
response to the Ukrainian advance, the Commission is expected to adopt
implementing acts referred to in Article 11 (2) ..."``), and, much less
surely, a sentence of another article. Every candidate sentence (six words or
more, a final terminator) gets signals computed against its own document
(:mod:`filters.detectors._off_topic_features`): a news-vs-legal register
classifier and the distance to the document's median and high register,
TF-IDF cohesion with the rest of the document (leave-one-out) and with its
neighbours, novelty of its content words, the share of names,
readability-like figures against the document, position. Two stacked
classifiers (boosted trees trained with scikit-learn) turn them into
probabilities: ``legal`` (an EU-legal intruder) and ``cohesion`` (a
same-register intruder). The model is trained by ``make models``
(``models/off_topic/``, see its CARD.md) and loaded from checksummed JSON;
inference is numpy only.

Actions: when a stacker's probability reaches its ``remove`` threshold, a
``remove`` finding scored with that probability (the pipeline's
``min_confidence`` policy still applies on top); between its ``flag`` and
``remove`` thresholds, a ``flag`` finding for a reviewer, never an edit; below
both stackers' ``flag`` thresholds, nothing. The legal stacker speaks first.
Codes: ``off_topic.legal_register`` and ``off_topic.low_cohesion``. The
thresholds come with the model: ``make models`` picks, on held-out folds, the
lowest probability whose precision (lower 95 % bound) reaches 0.95 for
``remove`` and, for ``flag``, 0.90 (legal) or 0.80 (cohesion). The shipped
model removes legal intruders from 0.9 and flags them from 0.6; same-register
intruders are only flagged (from 0.975): no threshold reached the removal
precision for them. A stacker that can never act (flag threshold 1) is not
evaluated.

What it leaves alone: sentences of fewer than six words, lines without a final
terminator (headings, list items, datelines: other detectors' business), and
documents with fewer than three sentences, where there is no document to
compare with. A sentence whose register is not clearly above its document's
median is never scored as legal, so a document written in legal register
throughout keeps its legal sentences.

False-positive risk: low for removals (about one clean-body sentence in
17,000; held-out precision 0.97, test-half precision 0.95), higher for flags.
Known false alarms: a closing disclaimer or a regulatory aside in a web
article ("Disclosure: ... may earn a commission"), instructions in a how-to
page ("Ensure all technical aspects ... are secured"), the summary sentence of
a short news story about EU law, a quote that changes the subject.
Same-register intruders are caught far less surely than legal ones.

Example: in a war report, ``"In response to the Ukrainian advance, the
Commission is expected to adopt implementing acts referred to in Article 11
(2) of a relevant international treaty, aimed at strengthening border security
and crisis management measures."`` gets one ``remove`` finding with code
``off_topic.legal_register`` and a score near 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import numpy as np

from models import load_json_model

from ..document import Document
from ..findings import Finding, make_finding
from ..registry import Context, register
from ._off_topic_features import FEATURES, Vocabulary, document_features

NAME = "off_topic_v1"
MODEL_FILE = "off_topic/model.json"
#: SHA-256 of the shipped model file: a retrained model is a reviewed change of this line.
MODEL_SHA256 = "d70feb21e22fce4534e82c364f78976794f54b7fdcdd5a4334661ac201cce3e1"
#: Documents with fewer sentences than this have no context to compare with.
MIN_SENTENCES = 3
#: The two stackers of the model, and the reason code of each one's findings.
STACKERS = ("legal", "cohesion")
CODES = {"legal": "legal_register", "cohesion": "low_cohesion"}


class OffTopicModel:
    """The shipped model: vocabulary arrays, the two stackers' trees, their thresholds.

    Each stacker is a scikit-learn ``HistGradientBoostingClassifier`` exported
    as :class:`Trees`.
    """

    def __init__(self, model: dict[str, Any]) -> None:
        if model.get("format") != "clean-news/off_topic/1":
            raise ValueError(f"unknown off_topic model format {model.get('format')!r}")
        if tuple(model["features"]) != FEATURES:
            raise ValueError("off_topic model features do not match this version of clean-news")
        self.vocab = Vocabulary.from_model(model)
        self.stackers = {name: Trees(t) for name, t in model["stackers"].items()}
        if set(self.stackers) != set(STACKERS):
            raise ValueError(f"off_topic model stackers must be {', '.join(STACKERS)}")
        self.remove_at = {k: float(model["thresholds"][k]["remove"]) for k in STACKERS}
        self.flag_at = {k: float(model["thresholds"][k]["flag"]) for k in STACKERS}

    def probabilities(self, matrix: np.ndarray, active_only: bool = False) -> dict[str, np.ndarray]:
        """Each stacker's probability for each row of a feature matrix. With ``active_only``,
        a stacker that can never act (its flag threshold is 1: no probability on held-out
        folds reached the flag precision) is not walked and gets zeros: the detector's
        findings are the same, at a lower cost."""
        x = np.asarray(matrix, dtype=np.float64)
        return {
            name: (
                trees.probabilities(x)
                if not active_only or self.flag_at[name] < 1.0
                else np.zeros(len(x))
            )
            for name, trees in self.stackers.items()
        }


class Trees:
    """Boosted trees exported as complete binary trees of one depth.

    Node ``k`` goes to ``2k + 1`` when its feature is at most its threshold,
    else to ``2k + 2``. All trees are walked at once for all rows, one numpy
    step per level; the log-odds are the bias plus the leaf values. A gate (a
    feature and a minimum or maximum) leaves out, with probability 0, the rows
    the trees were never trained on.

    For the walk, the nodes are stored level by level (:attr:`levels`): at each
    level, tree after tree, its nodes from left to right. Node ``j`` of tree
    ``t`` at level ``d`` is then number ``t * 2**d + j`` of its level, and its
    children are numbers ``2 * (t * 2**d + j)`` and one more of the next level,
    so a walk keeps one index per tree and row, from the tree's number at the
    root to its leaf's place in :attr:`value`.
    """

    def __init__(self, trees: dict[str, Any]) -> None:
        if trees.get("kind") != "boosted_trees":
            raise ValueError(f"unknown off_topic stacker {trees.get('kind')!r}")
        self.depth = int(trees["depth"])
        self.bias = float(trees["bias"])
        self.feature = np.asarray(trees["feature"], dtype=np.int64)
        self.threshold = np.asarray(trees["threshold"], dtype=np.float64)
        self.value = np.asarray(trees["value"], dtype=np.float64)
        n_trees = len(self.feature)
        internal, leaves = 2**self.depth - 1, 2**self.depth
        if (
            self.feature.shape != (n_trees, internal)
            or self.threshold.shape != (n_trees, internal)
            or self.value.shape != (n_trees, leaves)
        ):
            raise ValueError("off_topic model trees are not complete binary trees of one depth")
        if n_trees and not 0 <= self.feature.min() <= self.feature.max() < len(FEATURES):
            raise ValueError("off_topic model trees use a feature that does not exist")
        self._trees = np.arange(n_trees)
        #: Per level (see the class): the feature and the threshold of each of its nodes.
        self.levels: list[tuple[np.ndarray, np.ndarray]] = []
        for d in range(self.depth):
            level = slice(2**d - 1, 2 ** (d + 1) - 1)
            self.levels.append((self.feature[:, level].ravel(), self.threshold[:, level].ravel()))
        self._value_flat = self.value.ravel()
        gate = trees["gate"]
        if gate.get("feature") not in FEATURES or len(set(gate) & {"min", "max"}) != 1:
            raise ValueError(f"off_topic model gate {gate!r} is not a feature and a min or max")
        self.gate_column = FEATURES.index(gate["feature"])
        self.gate_min = float(gate.get("min", -np.inf))
        self.gate_max = float(gate.get("max", np.inf))

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Probability per row; rows outside the gate get 0 without walking the trees."""
        out = np.zeros(len(x))
        column = x[:, self.gate_column]
        scored = ((column >= self.gate_min) & (column <= self.gate_max)).nonzero()[0]
        if not len(scored):
            return out
        rows = np.ascontiguousarray(x[scored]).ravel()
        # Flat indices and take(): much cheaper than two-dimensional fancy indexing.
        row_base = np.arange(0, len(rows), x.shape[1])[:, None]
        node = self._trees[None, :].repeat(len(scored), axis=0)  # every tree's root
        for feature, threshold in self.levels:
            right = rows.take(row_base + feature.take(node)) > threshold.take(node)
            node = 2 * node + right
        raw = self.bias + self._value_flat.take(node).sum(axis=1)
        out[scored] = 1.0 / (1.0 + np.exp(-raw.clip(-30.0, 30.0)))
        return out


@cache
def load_model() -> OffTopicModel:
    """The shipped model, checked against :data:`MODEL_SHA256` (read once per process)."""
    return OffTopicModel(load_json_model(MODEL_FILE, MODEL_SHA256))


@register(NAME, categories=["off_topic"])
def find_off_topic(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Sentences that do not belong to the story: legal register or no cohesion with it."""
    sentences = doc.sentences
    if len(sentences) < MIN_SENTENCES:
        return
    model = load_model()
    feats = document_features(doc.text, sentences, model.vocab)
    if feats is None:
        return
    probs = model.probabilities(feats.matrix, active_only=True)
    legal, cohesion = probs["legal"], probs["cohesion"]
    flagged = (legal >= model.flag_at["legal"]) | (cohesion >= model.flag_at["cohesion"])
    for row in flagged.nonzero()[0].tolist():
        i = feats.candidates[row]
        span = sentences[i]
        # The legal stacker speaks first: its intruders are the surer kind.
        kind = "legal" if legal[row] >= model.flag_at["legal"] else "cohesion"
        prob = float(probs[kind][row])
        remove = prob >= model.remove_at[kind]
        if kind == "legal":
            evidence = (
                f"legal register ({feats.register[i]:+.1f} log-odds, document median "
                f"{feats.matrix[row, 1]:+.1f})"
            )
        else:
            evidence = (
                f"little in common with the rest of the text (cosine {feats.cohesion[i]:.2f})"
            )
        yield make_finding(
            doc.text,
            span.start,
            span.end,
            detector=NAME,
            category="off_topic",
            code=f"off_topic.{CODES[kind]}",
            score=prob,
            reason=(
                f"sentence {i + 1} of {len(sentences)} looks inserted: {evidence}; "
                f"probability {prob:.2f} ({'removed at' if remove else 'flagged below'} "
                f"{model.remove_at[kind]:.2f})"
            ),
            action="remove" if remove else "flag",
        )
