"""The evaluation harness (``make eval``) on tiny data made here; ../shared is never read."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from filters.document import Document
from filters.evaluation import __main__ as cli
from filters.evaluation import (
    artefacts,
    baseline,
    data,
    inject,
    injection,
    metrics,
    report,
    seeds,
    splits,
    track_a,
    traf_eval,
    wcxb,
)
from filters.evaluation.bodies import context
from filters.evaluation.inject import Gold, Host, InjectedDoc, Pools
from filters.evaluation.wcxb import cleaning_effect, snippet_stats
from filters.findings import CATEGORIES, Finding, make_finding
from filters.pipeline import Pipeline, Result

HOST_TEXT = (
    "Officials in Kursk said on Monday that Russian forces had pushed back the Ukrainian advance, "
    "and that residents of Belgorod were leaving. The governor, Alexei Smirnov, spoke to Putin.\n\n"
    "Some 121,000 people have fled since the start of the fighting. Moscow said the border was "
    "secure, though the Kremlin gave no details about the “special operation”.\n\n"
    "Analysts in Kyiv said the incursion had changed the course of the war, and that Ukraine "
    "would hold the ground it took."
)
POOLS = Pools(
    eurlex=["The Commission shall adopt implementing acts laying down detailed rules."],
    eurlex_clauses=["The Commission shall adopt implementing acts laying down detailed rules."],
    donors={"test": [("test:other", "The council voted on Tuesday to keep the library open.")]},
    boilerplate={
        "caption": ["A soldier raises a flag in this still image obtained from a video"],
        "credit": ["Photo: Jane Doe, AP"],
        "share": ["Share on Facebook"],
        "newsletter": ["Sign up for our daily newsletter"],
        "cookie": ["This website uses cookies."],
        "related": ["Related Articles"],
    },
    names=["Jane Doe"],
    foreign=["Das ist ein ganz normaler Satz auf Deutsch."],
    mojibake=[("HÃ´tel de Police", "Hôtel de Police")],
    negatives=["Offering 5×£35 pin ups"],
)
HOST = Host("test:host", "test", HOST_TEXT, "Russia says it pushed back the Ukrainian advance")
PIPELINE = Pipeline(detectors=[])


def fake(text: str, start: int, end: int, category: str, **kw: Any) -> Finding:
    return make_finding(
        text,
        start,
        end,
        detector="fake_v1",
        category=category,
        code=f"{category}.t",
        score=kw.pop("score", 0.9),
        reason="test",
        **kw,
    )


def decided(text: str, findings: list[Finding]) -> Result:
    """A Result built by the real overlap and edit rules from hand-made findings."""
    return PIPELINE.decide(Document(text), findings)


# --- metrics -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        # two shingles each, one shared: tp 1, fp 1, fn 1
        ("a b c d e", "a b c d x", (1 / 3, 1 / 3, 1 / 3)),
        # fewer than 4 tokens: the whole token tuple is the one shingle
        ("a b", "a b", (1.0, 0.0, 0.0)),
        ("a b c", "a b c d", (0.0, 0.5, 0.5)),
        # case is kept, as upstream
        ("The cat sat down", "the cat sat down", (0.0, 0.5, 0.5)),
        ("", "", (0.0, 0.0, 0.0)),
    ],
)
def test_metrics_shingle_counts(gold: str, pred: str, expected: tuple[float, ...]) -> None:
    assert metrics.shingle_counts(gold, pred) == pytest.approx(expected)


def test_metrics_shingle_scores_average_over_documents() -> None:
    counts = [
        metrics.shingle_counts("a b c d e", "a b c d e"),  # P 1, R 1
        metrics.shingle_counts("a b c d e", "a b c d x"),  # P 0.5, R 0.5
        metrics.shingle_counts("a b c d e", ""),  # no prediction: R 0, P undefined
        metrics.shingle_counts("", ""),  # nothing at all: neither counted
    ]
    scores = metrics.shingle_scores(counts)
    assert scores["precision"] == pytest.approx(0.75)
    assert scores["recall"] == pytest.approx(0.5)
    assert scores["f1"] == pytest.approx(0.6)
    assert scores["documents"] == 4


def test_metrics_prf_is_none_where_undefined() -> None:
    assert metrics.prf(0, 0, 5) == {
        "precision": None,
        "recall": 0.0,
        "f1": 0.0,
        "tp": 0,
        "fp": 0,
        "fn": 5,
    }
    assert metrics.prf(0, 3, 0)["recall"] is None
    assert metrics.prf(0, 3, 0)["f1"] is None
    assert metrics.prf(3, 1, 1)["f1"] == pytest.approx(0.75)


def test_metrics_line_spans_match_track_a_lines() -> None:
    text = "  Title \n\nFirst line.\r\n\t \nLast"
    spans = metrics.line_spans(text)
    assert [text[s:e] for s, e in spans] == ["Title", "First line.", "Last"]


@pytest.mark.parametrize(
    ("removed", "expected"), [([(0, 6)], True), ([(0, 5)], False), ([], False)]
)
def test_metrics_line_removed_when_most_chars_removed(removed: list, expected: bool) -> None:
    assert metrics.is_removed((0, 10), removed) is expected


def test_metrics_span_cover() -> None:
    assert metrics.covers((0, 10), (2, 5))
    assert not metrics.covers((3, 10), (2, 5))
    assert metrics.covered((0, 10), [(2, 4), (3, 6), (8, 20)]) == 6
    assert metrics.touches((5, 5), (0, 5))
    assert not metrics.touches((0, 5), (5, 9))


def test_metrics_replacement_found_over_several_commas() -> None:
    text = "Guevo,Kursk,Russia"
    golds = [(5, 6, ", "), (11, 12, ", ")]
    right = [(0, 18, "Guevo, Kursk, Russia")]
    assert all(metrics.replacement_found(text, g, golds, right) for g in golds)
    wrong = [(0, 18, "Guevo, Kursk,Russia")]
    assert not metrics.replacement_found(text, golds[0], golds, wrong)
    assert not metrics.replacement_found(text, golds[0], golds, [])
    # two small fixes together make the expected text
    small = [(5, 6, ", "), (11, 12, ", ")]
    assert metrics.replacement_found(text, golds[1], golds, small)


def test_metrics_replacement_lenient_about_quote_style() -> None:
    text = "Itâ€™s"
    gold = (0, len(text), "It’s")
    assert metrics.replacement_found(text, gold, [gold], [(2, 5, "'")])


def test_metrics_snippets_and_word_f1() -> None:
    assert metrics.snippet_in("Cookie Policy", "see our cookie policy here")
    assert not metrics.snippet_in("cookie  policy", "cookie policy")
    assert metrics.snippet_in_spaced("cookie  policy", "Cookie\npolicy")
    assert metrics.word_f1("a b", "a b c d") == pytest.approx((1.0, 0.5, 2 / 3))


# --- Track A -------------------------------------------------------------------------------


def test_track_a_score_document_with_made_up_result() -> None:
    text = "Share this story\nThe mayor spoke on Monday and said the road will close.\nRead more"
    labels = [
        {"text": "Share this story", "label": "boilerplate"},
        {"text": "The mayor spoke on Monday and said the road will close.", "label": "content"},
        {"text": "Read more", "label": "boilerplate"},
    ]
    result = decided(text, [fake(text, 0, 16, "boilerplate")])
    ours, c4 = track_a.Tally(), track_a.Tally()
    track_a.score_document(text, labels, result, ours, c4)
    summary = ours.summary()
    assert (summary["line"]["tp"], summary["line"]["fp"], summary["line"]["fn"]) == (1, 0, 1)
    assert summary["char"]["tp"] == 16 and summary["char"]["fn"] == 9
    assert summary["removed_by_category"] == {"boilerplate": {"tp": 1}}
    # C4 drops the two short lines without final punctuation
    assert c4.summary()["line"]["tp"] == 2 and c4.summary()["line"]["fp"] == 0


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("Share this story", True),
        ("The mayor spoke on Monday.", False),
        ("We use cookies to improve the site.", True),
        ("Enable JavaScript to view this page.", True),
        ("Yes.", True),
    ],
)
def test_track_a_c4_drop(line: str, dropped: bool) -> None:
    assert track_a.c4_drop(line) is dropped


# --- seeds ---------------------------------------------------------------------------------


def test_seeds_score_document_finds_keeps_and_lists_false_edits() -> None:
    text = "Houses are destroyed,civilians died.\nSome 121,000 fled.\nRussiaMoscow\nExtra words."
    gold = {
        "must_find": [
            {
                "category": "missing_space",
                "text": "destroyed,civilians",
                "replacement": "destroyed, civilians",
            },
            {"category": "tag_run", "text": "RussiaMoscow"},
            {"category": "caption", "text": "not in the text"},
        ],
        "must_keep": ["Some 121,000 fled."],
        "may_flag": ["Extra"],
    }
    start = text.index("destroyed")
    findings = [
        fake(text, start, start + 19, "missing_space", replacement="destroyed, civilians"),
        fake(text, text.index("Russia"), text.index("Russia") + 12, "boilerplate"),
        fake(text, text.index("Extra"), text.index("Extra") + 5, "boilerplate"),
        fake(text, text.index("Some"), text.index("Some") + 4, "boilerplate"),
    ]
    scored = seeds.score_document(text, gold, decided(text, findings))
    assert [r["found"] for r in scored["must_find"]] == [True, False, False]
    assert scored["must_find"][2]["in_text"] is False
    assert scored["must_keep"] == [{"text": "Some 121,000 fled.", "kept": False, "in_text": True}]
    kinds = sorted(e["kind"] for e in scored["edits"])
    assert kinds == ["credited", "false", "inside", "other category"]
    summary = seeds.summarise({"doc": scored}, [])
    assert summary["false_edits"] == 1
    assert summary["per_category"]["missing_space"]["recall"] == 1.0
    assert summary["per_category"]["readability"]["recall"] is None


# --- splits --------------------------------------------------------------------------------


def test_splits_are_deterministic_and_balanced() -> None:
    keys = [splits.unit_key("test", f"doc{i}") for i in range(2000)]
    first = [splits.split_of(k) for k in keys]
    assert first == [splits.split_of(k) for k in keys]
    assert 0.45 < first.count("test") / len(first) < 0.55
    halves = splits.partition(keys, key=lambda k: k)
    assert halves["test"] == [k for k, s in zip(keys, first, strict=True) if s == "test"]


@pytest.mark.parametrize(
    ("key", "expected"),
    [("wcxb:dev/0001", "train"), ("scrapinghub:abc", "test"), ("eurlex:32019R0001", "train")],
)
def test_splits_pinned_values(key: str, expected: str) -> None:
    # Models trained on "train" rely on these never moving.
    assert splits.split_of(key) == expected


# --- injection generator -------------------------------------------------------------------


def rebuild_host(doc: InjectedDoc) -> str:
    parts, pos = [], 0
    for host_start, host_end, start, end in sorted(doc.pieces, key=lambda p: p[2]):
        parts.append(doc.text[pos:start])
        parts.append(HOST_TEXT[host_start:host_end])
        pos = end
    parts.append(doc.text[pos:])
    return "".join(parts)


def check_invariants(doc: InjectedDoc) -> None:
    for gold in doc.gold + doc.protected:
        assert 0 <= gold.start < gold.end <= len(doc.text)
        assert doc.text[gold.start : gold.end] == gold.text
        assert any(s <= gold.start and gold.end <= e for _hs, _he, s, e in doc.pieces)
    assert rebuild_host(doc) == HOST_TEXT


def test_inject_is_deterministic() -> None:
    a = inject.generate([HOST], POOLS, seed=7, variants=3)
    b = inject.generate([HOST], POOLS, seed=7, variants=3)
    assert [(d.text, d.gold, d.protected) for d in a] == [(d.text, d.gold, d.protected) for d in b]
    others = inject.generate([HOST], POOLS, seed=8, variants=3)
    assert [d.text for d in others] != [d.text for d in a]


@pytest.mark.parametrize("kind", artefacts.KINDS)
def test_inject_each_kind_places_its_artefact(kind: str) -> None:
    doc = inject.inject(HOST, POOLS, seed=1, kinds=[kind])
    spans = doc.protected if kind == "ftfy_negative" else doc.gold
    assert spans and {g.kind for g in spans} == {kind}
    assert {g.category for g in spans} == {artefacts.CATEGORY_OF[kind]}
    check_invariants(doc)


def test_inject_glued_comma_labels_each_comma() -> None:
    doc = inject.inject(HOST, POOLS, seed=3, kinds=["glued_comma"])
    for gold in doc.gold:
        assert gold.text == "," and gold.replacement == ", "
        assert doc.text[gold.end] != " "


def test_inject_mojibake_roundtrip_breaks_and_expects_the_sentence() -> None:
    assert artefacts.mojibake("“special”", "cp1252") == "â€œspecialâ€\x9d"
    doc = inject.inject(HOST, POOLS, seed=0, kinds=["mojibake_roundtrip"])
    (gold,) = doc.gold
    assert gold.replacement is not None and gold.replacement in HOST_TEXT
    assert artefacts.mojibake(gold.replacement, "cp1252") == gold.text or (
        artefacts.mojibake(gold.replacement, "latin-1") == gold.text
    )


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=3))
def test_inject_invariants_hold_for_any_seed(seed: int, variant: int) -> None:
    check_invariants(inject.inject(HOST, POOLS, seed=seed, variant=variant))


# --- injection scores ----------------------------------------------------------------------


def test_injection_score_counts_found_false_and_cross() -> None:
    text = "Body text here. SIGN UP\nMore body, with words.\nOffering 5×£35 pin ups"
    sign = text.index("SIGN UP")
    comma = text.index(",")
    neg = text.index("Offering")
    doc = InjectedDoc(
        "d",
        "h",
        text,
        gold=[
            Gold(sign, sign + 7, "boilerplate", "newsletter", "SIGN UP"),
            Gold(comma, comma + 1, "missing_space", "glued_comma", ",", ", "),
        ],
        protected=[Gold(neg, len(text), "encoding", "ftfy_negative", text[neg:])],
        pieces=[(0, 0, sign, sign + 7), (0, 0, comma, comma + 1), (0, 0, neg, len(text))],
    )
    findings = [
        fake(text, sign, sign + 7, "caption"),  # right span, wrong category: cross
        fake(text, 0, 4, "boilerplate"),  # host text: false positive
        fake(text, neg, len(text), "encoding", replacement="x"),  # a negative changed: fp
        fake(text, 0, 4, "foreign_language", action="flag"),  # flag category: counts, fp
        fake(text, 5, 9, "heading", action="flag"),  # a note, not a detection
    ]
    res = injection.score([doc], [decided(text, findings)])
    cat = res["per_category"]
    assert (cat["boilerplate"]["gold"], cat["boilerplate"]["found"]) == (1, 0)
    assert (cat["boilerplate"]["fp"], cat["caption"]["cross"]) == (1, 1)
    assert cat["encoding"]["fp"] == 1 and cat["foreign_language"]["fp"] == 1
    assert cat["heading"]["findings"] == 0
    assert cat["missing_space"]["recall"] == 0.0
    assert res["confusion"] == {"boilerplate": {"caption": 1}}
    assert res["protected"]["changed"] == 1
    assert res["host_text"]["removed"] > 0


def test_injection_score_sets_host_findings_apart() -> None:
    """A finding the pipeline also makes on the host alone (same category, same host span)
    is a host finding, not a false positive; one inside an inserted piece, or with another
    span, is still a false positive."""
    host = "Updated: June 2022\nThe council met on Tuesday.\nIt voted."
    insert = "SIGN UP\n"
    at = host.index("It voted")
    text = host[:at] + insert + host[at:]
    doc = InjectedDoc(
        "d",
        "h",
        text,
        [Gold(at, at + 7, "boilerplate", "newsletter", "SIGN UP")],
        [],
        [(at, at, at, at + len(insert))],
    )
    after = text.index("It voted")
    findings = [
        fake(text, 0, 18, "metadata"),  # on the host alone too: host
        fake(text, after, after + 8, "metadata"),  # after the insertion, same host span: host
        fake(text, 19, 30, "metadata"),  # not on the host alone: fp
    ]
    alone = {("metadata", 0, 18), ("metadata", at, at + 8)}
    res = injection.score([doc], [decided(text, findings)], {"h": alone})
    metadata = res["per_category"]["metadata"]
    assert (metadata["host"], metadata["fp"], metadata["precision"]) == (2, 1, 0.0)
    assert metadata["precision_with_host"] == 0.0
    assert injection.score([doc], [decided(text, findings)])["per_category"]["metadata"]["fp"] == 3


def test_injection_score_replacement_found() -> None:
    text = "They fought,and won."
    comma = text.index(",")
    doc = InjectedDoc(
        "d",
        "h",
        text,
        [Gold(comma, comma + 1, "missing_space", "glued_comma", ",", ", ")],
        [],
        [(0, 0, comma, comma + 1)],
    )
    ok = fake(text, 5, 15, "missing_space", replacement="fought, and")
    res = injection.score([doc], [decided(text, [ok])])
    assert res["per_category"]["missing_space"]["recall"] == 1.0
    assert res["per_category"]["missing_space"]["precision"] == 1.0


# --- clean bodies and WCXB -----------------------------------------------------------------


def test_bodies_context_marks_the_span() -> None:
    assert context("abc def ghi", 4, 7, width=2) == "c [[def]] g"


def test_bodies_encoding_reviewed_leaves_out_damaged_golds(monkeypatch) -> None:
    """A repair on a gold body listed as damaged counts in the raw figure only."""
    from filters.evaluation import bodies

    monkeypatch.setattr(bodies, "GOLD_ENCODING_DAMAGE", {"w/dev/1": "mojibake"})
    damaged = "The council said youâ€™re welcome. It met on Tuesday."
    res = bodies.evaluate([("w", "dev/1", damaged), ("w", "dev/2", damaged)])
    d = res["datasets"]["w"]
    assert d["per_category"]["encoding"]["sentences_changed"] == 2
    assert d["reviewed"]["documents_with_damaged_gold"] == 1
    assert d["reviewed"]["encoding"]["sentences_changed"] == 1


def test_wcxb_snippet_figures() -> None:
    records = [{"with": ["main text"], "without": ["Cookie Policy", "Home"]}]
    before, after = ["Home\nMain text\ncookie policy"], ["Main text"]
    assert snippet_stats(records, before, metrics.snippet_in)["without_gone"] == 0.0
    stats = snippet_stats(records, after, metrics.snippet_in)
    assert (stats["with_kept"], stats["without_gone"]) == (1.0, 1.0)
    effect = cleaning_effect(records, before, after)
    assert (effect["without_removed"], effect["with_lost"]) == (2, 0)


def write_traf_eval(root: Path, pages: dict[str, dict[str, Any]], html: bool = True) -> None:
    """A tiny ``trafilatura-eval/`` folder: ``pages`` maps url -> record (``text`` becomes
    the page's HTML body, gzipped under ``html/``)."""
    folder = root / "trafilatura-eval"
    (folder / "html").mkdir(parents=True, exist_ok=True)
    records = {}
    for n, (url, rec) in enumerate(pages.items()):
        rec = dict(rec)
        text = rec.pop("text", "")
        rec["html"] = f"html/{n:04d}.html.gz"
        if html:
            page = f"<html><body><p>{text}</p></body></html>".encode()
            (folder / rec["html"]).write_bytes(gzip.compress(page, mtime=0))
        records[url] = rec
    (root / data.TRAF_EVAL).write_text(json.dumps(records), encoding="utf-8")


def fake_trafilatura(monkeypatch: pytest.MonkeyPatch, version: str | None = "0.test") -> None:
    """trafilatura replaced: the version given (None: not installed), and an "extraction"
    that keeps the text of the page's paragraph."""
    monkeypatch.setattr(wcxb, "_trafilatura_version", lambda: version)
    monkeypatch.setattr(
        wcxb, "_extract", lambda html: html.decode().split("<p>")[1].split("</p>")[0]
    )


def test_traf_eval_loader_takes_lists_and_list_literals(tmp_path: Path) -> None:
    pages = {
        "https://a.de/1": {"with": ["Erster Satz", "letzte Worte"], "without": ["Impressum"]},
        "https://b.de/2": {"with": "['Ein Satz', \"l'ultimo\"]", "without": "[]"},
        "https://c.de/3": {"region": "AT"},
    }
    write_traf_eval(tmp_path, pages)
    records = data.load_traf_eval(tmp_path)
    assert [r["url"] for r in records] == list(pages)
    assert [(r["with"], r["without"]) for r in records] == [
        (["Erster Satz", "letzte Worte"], ["Impressum"]),
        (["Ein Satz", "l'ultimo"], []),
        ([], []),
    ]
    assert data.read_traf_eval_html(tmp_path, records[0]).startswith(b"<html>")
    assert data.check(tmp_path, ["traf_eval"]) == []


def test_traf_eval_figures_and_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pages = {
        f"https://x.de/{n}": {
            "text": f"Der Rat tagte am Dienstag {n}. Impressum",
            "with": ["der rat tagte", "Nicht da"],
            "without": ["Impressum", "Teilen"],
            "region": "DE" if n < 10 else "",
        }
        for n in range(12)
    }
    write_traf_eval(tmp_path, pages)
    fake_trafilatura(monkeypatch)
    res = traf_eval.evaluate(tmp_path, tmp_path / "cache")
    assert res["pages"] == 12 and res["extraction"]["extracted_now"] == 12
    assert (res["before"]["with_kept"], res["before"]["without_gone"]) == (0.5, 0.5)
    assert res["before"]["with_snippets"] == 24 and "word_f1_after" not in res
    assert res["cleaning"]["with_present"] == 12 and res["cleaning"]["without_present"] == 12
    assert list(res["regions"]) == ["DE", "other"]
    assert res["regions"]["DE"]["pages"] == 10 and res["regions"]["other"]["pages"] == 2
    assert (tmp_path / "cache" / "traf_eval-trafilatura-0.test.json").is_file()
    # A second run reads the cache; without trafilatura, any complete cache will do.
    fake_trafilatura(monkeypatch, version=None)
    again = traf_eval.evaluate(tmp_path, tmp_path / "cache")
    assert again["extraction"] == {**res["extraction"], "extracted_now": 0}
    assert again["after"] == res["after"]
    text = report.traf_eval_tables(res)
    assert text.startswith("trafilatura-eval segments after trafilatura 0.test (12 pages")
    names = baseline.figures({"traf_eval": res})
    assert set(names) == {
        "traf_eval.after.with_kept",
        "traf_eval.after.without_gone",
        "traf_eval.cleaning.with_lost_share",
    }


def test_traf_eval_names_the_detector_that_lost_a_segment() -> None:
    text = HOST_TEXT + "\nAdditional reporting by Jane Doe\nEnde."
    start = text.index("Additional")
    result = decided(text, [fake(text, start, start + 33, "metadata")])
    records = [{"url": "u", "with": ["additional reporting", "Ende."], "without": []}]
    assert traf_eval.lost_segments(records, [result]) == [
        {"url": "u", "segment": "additional reporting", "by": ["metadata.t"]}
    ]


# --- baseline ------------------------------------------------------------------------------


def test_baseline_reports_figures_past_their_bounds() -> None:
    current = {
        "a.recall": (0.5, "floor"),
        "b.f1": (0.9, "floor"),
        "c.share": (0.2, "ceiling"),
        "d.precision": (None, "floor"),
        "e.new": (0.1, "floor"),
    }
    bounds = {
        "a.recall": {"floor": 0.6},
        "b.f1": {"floor": 0.9},
        "c.share": {"ceiling": 0.1},
        "d.precision": {"floor": 0.5},
        "z.other_part": {"floor": 1.0},
    }
    comparison = baseline.compare(current, bounds)
    assert [r["figure"] for r in comparison["regressed"]] == ["a.recall", "c.share", "d.precision"]
    assert comparison["checked"] == 4 and comparison["unbounded"] == ["e.new"]
    lines = baseline.report_lines(comparison)
    assert lines[0] == "REGRESSED a.recall: 0.5000 is below its floor 0.600"
    assert lines[1].startswith("REGRESSED c.share") and "ceiling" in lines[1]


def test_baseline_floors_only_rise() -> None:
    current = {"a": (0.98765, "floor"), "b": (0.5, "floor"), "c": (0.01234, "ceiling")}
    bounds = {"b": {"floor": 0.7}, "c": {"ceiling": 0.005}}
    raised = baseline.raise_floors(current, bounds)
    assert raised == {"a": {"floor": 0.987}, "b": {"floor": 0.7}, "c": {"ceiling": 0.005}}
    assert baseline.raise_floors({"c": (0.01234, "ceiling")}, {}) == {"c": {"ceiling": 0.013}}


def test_baseline_file_in_repo_is_valid(repo_root: Path) -> None:
    path = repo_root / "tests" / "eval_baseline.json"
    bounds = baseline.load(path)
    assert bounds, "tests/eval_baseline.json is missing or empty"
    for name, bound in bounds.items():
        assert set(bound) in ({"floor"}, {"ceiling"}), name
        assert next(iter(bound.values())) >= 0.0, name


# --- the command ---------------------------------------------------------------------------


def test_main_names_each_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "corpora"
    (root / "scrapinghub").mkdir(parents=True)
    (root / data.GROUND_TRUTH).write_text("", encoding="utf-8")
    code = cli.main(["--data", str(root), "--out", str(tmp_path / "out"), "--only", "track_a"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert len(err) == 3 and "Traceback" not in "\n".join(err)
    assert err[0].startswith("missing: ") and err[0].endswith(
        "extractor-outputs.dev.jsonl.gz (needed for track_a)"
    )
    assert err[1].startswith("missing: ") and "lines.dev.jsonl.gz" in err[1]
    assert err[2] == "clean-news eval: 2 missing; nothing measured"


def test_main_without_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "nowhere"))
    assert cli.main(["--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"missing: data folder {tmp_path / 'nowhere'}")
    assert all(line.startswith("missing: ") for line in err[:-1])


def test_main_names_missing_traf_eval_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "corpora"
    write_traf_eval(root, {"https://a.de/1": {"with": [], "without": []}}, html=False)
    code = cli.main(["--data", str(root), "--out", str(tmp_path / "out"), "--only", "traf_eval"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert err[0].startswith("missing: ") and err[0].endswith(
        "trafilatura-eval/html/0000.html.gz (needed for traf_eval)"
    )
    assert err[1] == "clean-news eval: 1 missing; nothing measured"
    (root / data.TRAF_EVAL).unlink()
    assert (
        cli.main(["--data", str(root), "--out", str(tmp_path / "out"), "--only", "traf_eval"]) == 2
    )
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("evaldata.dev.json (needed for traf_eval)")


def test_main_traf_eval_without_trafilatura_or_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "corpora"
    write_traf_eval(root, {"https://a.de/1": {"text": "Hallo", "with": ["hallo"], "without": []}})
    fake_trafilatura(monkeypatch, version=None)
    args = ["--data", str(root), "--out", str(tmp_path / "out"), "--only", "traf_eval"]
    assert cli.main([*args, "--baseline", str(tmp_path / "none.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("missing: trafilatura (part 'traf_eval' extracts the trafilatura-eval")
    fake_trafilatura(monkeypatch)
    assert cli.main([*args, "--baseline", str(tmp_path / "none.json")]) == 0
    printed = capsys.readouterr().out
    assert "trafilatura-eval segments after trafilatura 0.test (1 pages" in printed


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8")
    path.write_bytes(gzip.compress(payload, mtime=0) if path.suffix == ".gz" else payload)


@pytest.fixture
def corpora(tmp_path: Path) -> Path:
    """A tiny corpora folder with every file but the WCXB pages, test-split ids only."""
    root = tmp_path / "shared" / "corpora"
    ids = [
        i for i in (f"doc{n}" for n in range(40)) if splits.split_of(f"scrapinghub:{i}") == "test"
    ]
    ids = ids[:2]
    body = HOST_TEXT
    extracted = "Share this story\n" + body + "\nRead more"
    write_jsonl(root / data.GROUND_TRUTH, [{"id": i, "url": "", "body": body} for i in ids])
    write_jsonl(
        root / data.EXTRACTOR_OUTPUTS,
        [{"id": i, "extractor": "trafilatura", "version": None, "text": extracted} for i in ids],
    )
    lines = [
        {"text": extracted[s:e], "label": "content", "aligned": 1.0}
        for s, e in metrics.line_spans(extracted)
    ]
    lines[0].update(label="boilerplate", aligned=0.0)
    lines[-1].update(label="boilerplate", aligned=0.0)
    write_jsonl(
        root / data.TRACK_A_LINES,
        [{"id": i, "extractor": "trafilatura", "lines": lines} for i in ids],
    )
    wcxb_ids = [f"dev/{n:04d}" for n in range(40) if splits.split_of(f"wcxb:dev/{n:04d}") == "test"]
    write_jsonl(
        root / data.WCXB_ARTICLES,
        [
            {
                "id": i,
                "title": "A title",
                "author": "Jane Doe",
                "main_content": body,
                "with": [],
                "without": [],
                "html": f"html/{i}.html.gz",
            }
            for i in wcxb_ids[:2]
        ],
    )
    acts = [{"celex_id": f"3{n}", "text": POOLS.eurlex[0], "summary": ""} for n in range(6)]
    write_jsonl(root / data.EURLEX_ACTS, acts)
    foreign = [{"id": str(n), "doc_id": f"p{n}", "text": POOLS.foreign[0]} for n in range(6)]
    write_jsonl(root / data.FOREIGN_SENTENCES, foreign)
    cases = [
        {
            "id": f"in-the-wild.json#{n}",
            "file": "in-the-wild.json",
            "original": "HÃ´tel",
            "fixed": "Hôtel",
            "expect": "pass",
        }
        for n in range(6)
    ]
    (root / data.FTFY_CASES).parent.mkdir(parents=True, exist_ok=True)
    (root / data.FTFY_CASES).write_text(json.dumps(cases), encoding="utf-8")
    seed_gold = {"documents": {}}
    (root.parent / "seeds").mkdir(parents=True)
    (root.parent / "seeds" / "gold.json").write_text(json.dumps(seed_gold), encoding="utf-8")
    return root


def test_main_runs_every_part_on_tiny_data(
    corpora: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    bounds = tmp_path / "baseline.json"
    args = [
        "--data",
        str(corpora),
        "--out",
        str(out),
        "--skip",
        "wcxb,traf_eval",
        "--jobs",
        "1",
        "--baseline",
        str(bounds),
    ]
    assert cli.main([*args, "--write-baseline"]) == 0
    first = json.loads((out / "eval.json").read_text(encoding="utf-8"))
    assert set(first["parts"]) == {"seeds", "track_a", "bodies", "inject"}
    assert first["parts"]["inject"]["split"] == "test" and first["parts"]["inject"]["documents"]
    assert set(first["parts"]["inject"]["per_category"]) == set(CATEGORIES)
    assert (out / "worst_examples.json").is_file() and (out / "tables.txt").is_file()
    assert baseline.load(bounds)
    assert cli.main([*args, "--strict"]) == 0
    second = json.loads((out / "eval.json").read_text(encoding="utf-8"))
    assert second["figures"] == first["figures"]
    printed = capsys.readouterr().out
    assert "Track A" in printed and "Injection (test split only" in printed
    assert "REGRESSED" not in printed
