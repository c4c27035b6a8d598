"""The off_topic detector: case file, seeds, the shipped model's loading, features, no crash."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from casefiles import case_id, known_failures, load_cases
from hypothesis import given
from hypothesis import strategies as st

import models
from filters import Pipeline, Settings
from filters.detectors import _off_topic_features as features
from filters.detectors import off_topic
from filters.detectors._off_topic_features import FEATURES, MIN_WORDS, document_features
from filters.detectors.off_topic import NAME, OffTopicModel, find_off_topic, load_model
from filters.document import Document
from filters.findings import Finding
from filters.registry import Context
from filters.segment import Span
from models import ModelFileError

CASES = load_cases("off_topic")
HOSTS: dict[str, str] = CASES["hosts"]


def build(case: dict[str, str]) -> tuple[str, tuple[int, int] | None]:
    """The case's text and, for a positive, the span of the inserted sentence."""
    if "text" in case:
        return case["text"], None
    host = HOSTS[case["host"]]
    if "insert" not in case:
        return host, None
    at = host.index(case["after"]) + len(case["after"])
    text = host[:at] + " " + case["insert"] + host[at:]
    return text, (at + 1, at + 1 + len(case["insert"]))


def detect(text: str) -> list[Finding]:
    return list(find_off_topic(Document(text), Context(Settings())))


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Settings(only=("off_topic",)))


@pytest.mark.parametrize("case", CASES["positives"], ids=case_id)
def test_off_topic_positive(case: dict[str, str], pipeline: Pipeline) -> None:
    text, span = build(case)
    assert span is not None
    result = pipeline.run(text)
    removed = [f for f in result.findings if f.action == "remove" and f.status == "applied"]
    assert [(f.start, f.end) for f in removed] == [span]
    finding = removed[0]
    assert finding.detector == NAME
    assert finding.category == "off_topic"
    assert finding.code == "off_topic.legal_register"
    assert finding.score >= load_model().remove_at["legal"]
    assert case["insert"] not in result.cleaned
    assert result.cleaned.replace(" ", "") == HOSTS[case["host"]].replace(" ", "")


@pytest.mark.parametrize("case", CASES["negatives"], ids=case_id)
def test_off_topic_negative(case: dict[str, str], pipeline: Pipeline) -> None:
    text, _span = build(case)
    assert [f for f in detect(text) if f.action == "remove"] == []
    assert pipeline.run(text).cleaned == text


@pytest.mark.parametrize(
    "case",
    known_failures(CASES),
)
def test_off_topic_known_failure(case: dict[str, str]) -> None:
    text, span = build(case)
    removed = [(f.start, f.end) for f in detect(text) if f.action == "remove"]
    assert removed == ([span] if span else [])


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("000", None),
        ("001", None),
        ("002", None),
        ("003", None),
        ("004", "In response to the Ukrainian advance, the Commission is expected to adopt"),
    ],
)
def test_off_topic_seeds(stem: str, expected: str | None, read_seed: Callable[[str], str]) -> None:
    removed = [f for f in detect(read_seed(stem)) if f.action == "remove"]
    if expected is None:
        assert removed == []
    else:
        assert [f.text[: len(expected)] for f in removed] == [expected]
        assert removed[0].code == "off_topic.legal_register"


@pytest.mark.parametrize(
    "stem",
    [
        "000",
        "001",
        # A quote of Zelensky on "inspections" and "stabilization measures": legal stacker
        # about 0.55, below the legal flag threshold (0.6) since version 2 of the model.
        "002",
        "003",
    ],
)
def test_off_topic_seeds_no_flag(stem: str, read_seed: Callable[[str], str]) -> None:
    assert detect(read_seed(stem)) == []


@pytest.mark.parametrize("text", ["", "One sentence only.", "Short. Text. Here.", "\n\n\n"])
def test_off_topic_too_little_context(text: str) -> None:
    assert detect(text) == []


@pytest.mark.parametrize("case", CASES["positives"][:2], ids=case_id)
def test_off_topic_scores_deterministic(case: dict[str, str]) -> None:
    text, _span = build(case)
    model = load_model()
    doc = Document(text)
    first = document_features(text, doc.sentences, model.vocab)
    second = document_features(text, Document(text).sentences, model.vocab)
    assert first is not None and second is not None
    assert first.matrix.shape == (len(first.candidates), len(FEATURES))
    assert np.isfinite(first.matrix).all()
    np.testing.assert_array_equal(first.matrix, second.matrix)
    a, b = model.probabilities(first.matrix), model.probabilities(second.matrix)
    for name in off_topic.STACKERS:
        np.testing.assert_array_equal(a[name], b[name])
        assert ((a[name] >= 0) & (a[name] <= 1)).all()
    assert detect(text) == detect(text)


@pytest.mark.parametrize("case", CASES["positives"][:1], ids=case_id)
def test_off_topic_inactive_stacker_is_skipped(case: dict[str, str]) -> None:
    text, _span = build(case)
    model = copy.copy(load_model())
    model.flag_at = {**model.flag_at, "cohesion": 1.0}
    feats = document_features(text, Document(text).sentences, model.vocab)
    assert feats is not None
    every, active = model.probabilities(feats.matrix), model.probabilities(feats.matrix, True)
    np.testing.assert_array_equal(every["legal"], active["legal"])
    assert every["cohesion"].any()
    assert not active["cohesion"].any()
    assert (every["cohesion"] < 1.0).all()  # a flag threshold of 1 is never reached


@pytest.mark.parametrize("words", [MIN_WORDS - 1])
def test_off_topic_short_sentences_never_candidates(words: int) -> None:
    sentence = " ".join(["Word"] * (words - 1) + ["end."])
    text = " ".join([sentence] * 6)
    assert document_features(text, Document(text).sentences, load_model().vocab) is None


@pytest.mark.parametrize("checksum", ["0" * 64, "f" * 64])
def test_off_topic_model_checksum_refused(checksum: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(off_topic, "MODEL_SHA256", checksum)
    off_topic.load_model.cache_clear()
    try:
        with pytest.raises(ModelFileError, match="refusing to load an altered model"):
            off_topic.load_model()
    finally:
        monkeypatch.undo()
        off_topic.load_model.cache_clear()
    assert off_topic.load_model().remove_at


@pytest.fixture(scope="module")
def raw_model() -> dict[str, Any]:
    return models.load_json_model(off_topic.MODEL_FILE, off_topic.MODEL_SHA256)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(format="other/1"), "unknown off_topic model format"),
        (lambda m: m.update(features=m["features"][:-1]), "features do not match"),
        (lambda m: m["stackers"].pop("cohesion"), "stackers must be"),
        (lambda m: m["stackers"]["legal"].update(kind="forest"), "unknown off_topic stacker"),
        (
            lambda m: m["stackers"]["legal"].update(value=m["stackers"]["legal"]["value"][:, :-1]),
            "not complete binary trees",
        ),
        (
            lambda m: m["stackers"]["legal"]["feature"].__setitem__((0, 0), len(FEATURES)),
            "feature that does not exist",
        ),
        (lambda m: m["stackers"]["legal"].update(gate={"feature": "nothing"}), "gate"),
        (
            lambda m: m["stackers"]["cohesion"].update(
                gate={"feature": "register", "min": 0, "max": 1}
            ),
            "gate",
        ),
    ],
)
def test_off_topic_model_malformed_refused(
    raw_model: dict[str, Any], change: Callable[[dict[str, Any]], object], message: str
) -> None:
    broken = copy.deepcopy(raw_model)
    for stacker in broken["stackers"].values():
        for key in ("feature", "threshold", "value"):
            stacker[key] = np.asarray(stacker[key])
    change(broken)
    with pytest.raises(ValueError, match=message):
        OffTopicModel(broken)


@pytest.mark.parametrize("dummy", [0])
def test_off_topic_model_is_small_json(dummy: int, raw_model: dict[str, Any]) -> None:
    path = Path(models.__file__).parent / off_topic.MODEL_FILE
    assert path.stat().st_size < 4_000_000
    assert raw_model["features"] == list(FEATURES)


WORDS = st.sampled_from(
    [
        "the", "Commission", "shall", "adopt", "Article", "11", "(2)", "Kursk", "said", "“quote”",
        "Member", "States", ",", ".", "!", "?", "\n", "\n\n", " ", "İstanbul", "ß", "ﬁ", "😀",
        "Regulation", "EU", "implementing", "acts", "war", "river", "—", "'", '"', "\x00",
    ]
)  # fmt: skip
TEXTS = st.one_of(
    st.text(),
    st.lists(st.one_of(WORDS, st.text(max_size=3)), max_size=200).map(" ".join),
    st.lists(st.one_of(WORDS, st.text(max_size=3)), max_size=200).map("".join),
)


@given(TEXTS)
def test_off_topic_never_raises(text: str) -> None:
    for f in detect(text):
        assert 0 <= f.start <= f.end <= len(text)
        assert text[f.start : f.end] == f.text
        assert f.category == "off_topic"
        assert f.action in ("remove", "flag")
        assert 0.0 <= f.score <= 1.0


# --- feature extraction's fast paths equal the plain definitions --------------------------------

TRICKY = (
    "He said: 'Don't go.' Kyiv’s army advanced. ‘Quoted’ «text» „here“ and \"there\".\n"
    "İstanbul’s ΟΔΟΣ ΑΘΗΝΑΣ straße_1 naïve 2nd ﬁve x'y _'_ 1'2 ²'² '\n"
    "End.)’” Not an end, Ends? …»] Ends!' '"
)
TEXTS = st.text(alphabet=st.sampled_from(list("ab ZA9_.!?…'‘’\"“”«»„)]\nİΣσé²ß😀")), max_size=60)


def _definition_words(text: str, spans: list[Span]) -> list[tuple[int, str]]:
    """(sentence, word) of every word as defined: WORD_PATTERN in each sentence of the
    lower-cased text (each lower-cased sentence when lower-casing changes the length)."""
    lowered = text.lower()
    parts = [
        lowered[s.start : s.end] if len(lowered) == len(text) else text[s.start : s.end].lower()
        for s in spans
    ]
    return [
        (i, word)
        for i, part in enumerate(parts)
        for word in re.findall(features.WORD_PATTERN, part)
    ]


def _spans(text: str) -> list[Span]:
    """Pieces of at most seven characters, none holding a line break (as sentences)."""
    spans, start = [], 0
    for line in text.split("\n"):
        spans += [
            Span(a, min(a + 7, start + len(line))) for a in range(start, start + len(line), 7)
        ]
        start += len(line) + 1
    return spans or [Span(0, 0)]


def _check_words(text: str) -> None:
    spans = _spans(text)
    expected = _definition_words(text, spans)
    hashes = features._term_hashes([word for _i, word in expected])
    starts, ends = features._bounds(spans)
    code = features._code_points(text)
    for found in (
        features._words(text, code, starts, ends),
        features._words_by_regex(text, starts, ends),
    ):
        assert found.sentence.tolist() == [i for i, _word in expected]
        assert found.lengths.tolist() == [len(word) for _i, word in expected]
        assert np.array_equal(found.hashes, hashes)
    # One hash per word: equal hashes, equal words.
    by_hash = dict(zip(hashes.tolist(), (word for _i, word in expected), strict=True))
    assert len(by_hash) == len({word for _i, word in expected})


def _check_capitalised(text: str) -> None:
    expected = [m.start() for m in re.finditer(r"(?<![A-Za-z\x80-\U0010ffff])[A-Z][a-z]", text)]
    assert features._capitalised(features._code_points(text)).tolist() == expected


def _check_ends(text: str) -> None:
    for a in range(len(text) + 1):
        for b in range(a, min(len(text), a + 12) + 1):
            expected = features.SENTENCE_END_RE.search(text, a, b) is not None
            assert features._ends_sentence(text, a, b) == expected


@pytest.mark.parametrize(
    "text", [TRICKY, TRICKY + " Astral 😀 Plane.", TRICKY.replace("İ", "I"), "99999AΣA ΣΑΣ."]
)
def test_off_topic_fast_paths_on_tricky_text(text: str) -> None:
    _check_words(text)
    _check_ends(text)
    _check_capitalised(text)


@given(TEXTS)
def test_off_topic_fast_paths_equal_definitions(text: str) -> None:
    _check_words(text)
    _check_ends(text)
    _check_capitalised(text)


def test_off_topic_vocabulary_hashes_find_every_term() -> None:
    vocab = load_model().vocab
    terms = list(vocab.index)
    at = np.searchsorted(vocab.hashes, features._term_hashes(terms))
    assert vocab.hash_terms[at].tolist() == list(range(len(terms)))


@pytest.mark.parametrize("values", [[], [3.0], [5.0, 1.0, 2.0, 4.0, 3.0], list(range(20, 0, -1))])
def test_off_topic_quantile_is_a_sorted_rank(values: list[float]) -> None:
    expected = sorted(values)[int(0.9 * (len(values) - 1))] if values else 0.0
    assert features._quantile(np.sort(np.asarray(values, dtype=float)), 0.9) == expected


@pytest.mark.parametrize("size", [0, 1, 2, 7, 500])
@pytest.mark.parametrize("bound", [40, 2**16 + 1])
def test_off_topic_stable_order_is_argsort(size: int, bound: int) -> None:
    values = np.random.default_rng(size).integers(0, 40, size)
    expected = np.argsort(values, kind="stable")
    assert np.array_equal(features._stable_order(values, bound), expected)


@pytest.mark.parametrize("size", [1, 2, 7, 500])
def test_off_topic_pairs_are_distinct_words_per_sentence(size: int) -> None:
    rng = np.random.default_rng(size)
    sentence = np.sort(rng.integers(0, 9, size))
    hashes = rng.integers(0, 12, size).astype(np.uint64) * np.uint64(2**60 + 7)
    words = features.Words(sentence, hashes, rng.integers(2, 9, size))
    pairs = features._pairs(words, 9)
    term_hashes, first, term = np.unique(hashes, return_index=True, return_inverse=True)
    keys, counts = np.unique(sentence * len(term_hashes) + term, return_counts=True)
    assert np.array_equal(pairs.term_hashes, term_hashes)
    assert np.array_equal(pairs.term_lengths, words.lengths[first])
    assert np.array_equal(pairs.sentence, keys // len(term_hashes))
    assert np.array_equal(pairs.term, keys % len(term_hashes))
    assert np.array_equal(pairs.count, counts)
    assert np.array_equal(pairs.by_term, np.lexsort((pairs.sentence, pairs.term)))


@pytest.mark.parametrize("values", [[2.0], [1.0, 3.0], [1.0, -2.0, 4.0, 8.0]])
def test_off_topic_neighbour_mean(values: list[float]) -> None:
    out = np.zeros(len(values))
    features._neighbour_mean(np.asarray(values), out)
    expected = [
        np.mean([values[j] for j in (i - 1, i + 1) if 0 <= j < len(values)] or [0.0])
        for i in range(len(values))
    ]
    assert out.tolist() == expected


@given(TEXTS)
def test_off_topic_candidates_by_definition(text: str) -> None:
    spans = [s for s in _spans(text) if s.end > s.start]
    if not spans:
        return
    starts, ends = features._bounds(spans)
    lengths = np.asarray([len(re.findall(features.WORD_PATTERN, text[a:b])) for a, b in spans])
    lengths[::2] = MIN_WORDS  # long enough: the sentence end decides
    expected = [
        i
        for i, (a, b) in enumerate(spans)
        if lengths[i] >= MIN_WORDS and features.SENTENCE_END_RE.search(text, a, b)
    ]
    code = features._code_points(text)
    assert features._candidates(text, code, starts, ends, lengths).tolist() == expected


def test_off_topic_trees_walk_node_by_node() -> None:
    """The walk of every tree at once, level by level, lands on the leaves of a walk node
    by node (node k goes to 2k + 1 when its feature is at most its threshold, else 2k + 2)."""
    trees = load_model().stackers["cohesion"]
    rows = np.random.default_rng(0).normal(0.0, 1.0, (40, len(FEATURES)))
    rows[:, trees.gate_column] = max(trees.gate_min, min(trees.gate_max, 0.0))
    raw = []
    for x in rows:
        total = trees.bias
        for t in range(len(trees.feature)):
            k = 0
            for _ in range(trees.depth):
                k = 2 * k + (1 if x[trees.feature[t, k]] <= trees.threshold[t, k] else 2)
            total += trees.value[t, k - (2**trees.depth - 1)]
        raw.append(total)
    expected = 1.0 / (1.0 + np.exp(-np.clip(np.asarray(raw), -30.0, 30.0)))
    np.testing.assert_allclose(trees.probabilities(rows), expected, rtol=1e-12)


@pytest.mark.parametrize("size", [2, 3, 9, 130, 2000])
def test_off_topic_mean_and_std_are_numpy_s(size: int) -> None:
    values = np.random.default_rng(size).normal(0.3, 2.0, size)
    mean = features._mean(values)
    assert mean == float(values.mean())
    assert features._std(values, mean) == float(values.std())
