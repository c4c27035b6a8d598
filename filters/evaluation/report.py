"""Plain-text tables of the evaluation results (aligned columns, "n/a" where undefined)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..findings import CATEGORIES


def fmt(value: Any) -> str:
    """A cell: ``n/a`` for None, three decimals for floats, the rest as text."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str = "") -> str:
    """Columns padded to their widest cell; the first column left-aligned, numbers right."""
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(row: Sequence[str]) -> str:
        parts = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [title] if title else []
    out += [line(list(headers)), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    return "\n".join(out)


def clip(text: str | None, width: int = 110) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def seeds_tables(res: dict[str, Any]) -> str:
    rows = [
        (
            r["document"],
            r["must_find"],
            r["found"],
            r["must_keep"],
            r["kept"],
            r["edits"],
            r["false_edits"],
        )
        for r in res["per_document"]
    ]
    rows.append(
        (
            "all",
            res["must_find"]["gold"],
            res["must_find"]["found"],
            res["must_keep"]["gold"],
            res["must_keep"]["kept"],
            "",
            res["false_edits"],
        )
    )
    out = [
        table(
            ("seed", "must_find", "found", "must_keep", "kept", "edits", "false edits"),
            rows,
            "Seeds (../shared/seeds/gold.json): must_find reported, must_keep intact, false edits",
        )
    ]
    cats = [(c, v["gold"], v["found"], v["recall"]) for c, v in res["per_category"].items()]
    out.append(table(("category", "gold", "found", "recall"), cats, "Seeds by category"))
    notes = []
    for name, doc in res["documents"].items():
        for r in doc["must_find"]:
            if not r["found"]:
                where = "" if r["in_text"] else " (gold text not in the file)"
                notes.append(f"  missed  {name}  {r['category']}: {clip(r['text'], 90)}{where}")
        for r in doc["must_keep"]:
            if not r["kept"]:
                notes.append(f"  broken  {name}  must_keep: {clip(r['text'], 90)}")
        for e in doc["edits"]:
            if e["kind"] == "false":
                notes.append(
                    f"  false   {name}  {e['category']} {e['action']}: {clip(e['text'], 80)!r}"
                )
    notes += [
        f"  missing seed file {name} (scored as an empty text)" for name in res["missing_files"]
    ]
    if notes:
        out.append("Seed misses and false edits:\n" + "\n".join(notes))
    return "\n\n".join(out)


def track_a_tables(res: dict[str, Any]) -> str:
    rows: list[tuple[Any, ...]] = []
    for group, g in res["groups"].items():
        for method in ("clean_news", "c4"):
            m = g[method]
            rows.append(
                (
                    group if method == "clean_news" else "",
                    method.replace("_", "-"),
                    m["lines"],
                    m["boilerplate_lines"],
                    m["removed_lines"],
                    m["line"]["precision"],
                    m["line"]["recall"],
                    m["line"]["f1"],
                    m["char"]["precision"],
                    m["char"]["recall"],
                    m["char"]["f1"],
                )
            )
    headers = (
        "extractor",
        "method",
        "lines",
        "boiler",
        "removed",
        "line P",
        "line R",
        "line F1",
        "char P",
        "char R",
        "char F1",
    )
    out = [
        table(
            headers,
            rows,
            "Track A: removal vs the boilerplate label (line = >50% of its chars removed)",
        )
    ]
    rows = []
    for group, g in res["groups"].items():
        b, a = g["shingles_before"], g["shingles_after"]
        delta = a["f1"] - b["f1"] if a["f1"] is not None and b["f1"] is not None else None
        rows.append(
            (
                group,
                g["documents"],
                b["precision"],
                b["recall"],
                b["f1"],
                a["precision"],
                a["recall"],
                a["f1"],
                delta,
            )
        )
    out.append(
        table(
            (
                "extractor",
                "docs",
                "P before",
                "R before",
                "F1 before",
                "P after",
                "R after",
                "F1 after",
                "F1 change",
            ),
            rows,
            "End to end: Scrapinghub word-4-gram shingle metric vs the gold body",
        )
    )
    pooled = res["groups"].get("pooled main 4")
    if pooled:
        by_cat = pooled["clean_news"]["removed_by_category"]
        cat_rows = [
            (c, by_cat.get(c, {}).get("tp", 0), by_cat.get(c, {}).get("fp", 0)) for c in CATEGORIES
        ]
        out.append(
            table(
                ("category", "boilerplate lines removed", "content lines removed"),
                cat_rows,
                "Track A lines removed, by category of the finding (pooled main 4)",
            )
        )
    return "\n\n".join(out)


def bodies_tables(res: dict[str, Any]) -> str:
    out = []
    for dataset, d in res["datasets"].items():
        rows = []
        for cat, v in [*d["per_category"].items(), ("all", d["all"])]:
            rows.append(
                (
                    cat,
                    v["sentences_removed"],
                    v["sentence_removed_share"],
                    v["sentences_changed"],
                    v["sentence_changed_share"],
                    v["char_removed_share"],
                    v["char_changed_share"],
                    v["flags"],
                )
            )
        title = (
            f"Clean bodies, {dataset} ({d['documents']} docs, {d['sentences']} sentences, "
            f"{d['chars']} chars): every removal or change is a false positive"
        )
        out.append(
            table(
                (
                    "category",
                    "sent removed",
                    "share",
                    "sent changed",
                    "share",
                    "chars removed",
                    "chars changed",
                    "flags",
                ),
                rows,
                title,
            )
        )
        reviewed = d.get("reviewed")
        if reviewed and reviewed["documents_with_damaged_gold"]:
            enc = reviewed["encoding"]
            out[-1] += (
                f"\nencoding, leaving out the {reviewed['documents_with_damaged_gold']} gold "
                "bodies with encoding damage of their own (bodies.GOLD_ENCODING_DAMAGE): "
                f"{enc['sentences_changed']} sentences changed "
                f"({enc['sentence_changed_share']:.4f}), {enc['sentences_removed']} removed "
                f"({enc['sentence_removed_share']:.4f})"
            )
    worst = res["worst"]
    lines = [f"Worst edits on clean bodies (top {len(worst)}, largest first):"]
    for i, w in enumerate(worst, 1):
        fix = f" -> {w['replacement']!r}" if w["replacement"] is not None else ""
        lines.append(
            f"{i:2d}. {w['dataset']}/{w['id'][:16]} {w['category']} {w['action']} "
            f"{w['chars']} chars score {w['score']}{fix}\n    {clip(w['context'], 160)}"
        )
    if not worst:
        lines.append("  (none)")
    out.append("\n".join(lines))
    return "\n\n".join(out)


def wcxb_tables(res: dict[str, Any]) -> str:
    rows = [(*snippet_row(res, stage), res[f"word_f1_{stage}"]) for stage in ("before", "after")]
    out = table((*SNIPPET_COLUMNS, "word F1"), rows, snippet_title(res, "WCXB snippets"))
    return out + "\n" + cleaning_line(res["cleaning"], "snippets")


#: The columns of :func:`snippet_row`.
SNIPPET_COLUMNS = ("text", "with kept", "without gone", "page with_rate", "page without_rate")


def snippet_row(res: dict[str, Any], stage: str) -> tuple[Any, ...]:
    """The snippet figures of one stage (``before`` or ``after`` cleaning) of a snippet
    part (wcxb, traf_eval)."""
    s = res[stage]
    return (
        f"{stage} cleaning",
        s["with_kept"],
        s["without_gone"],
        s["page_with_rate"],
        s["page_without_rate"],
    )


def snippet_title(res: dict[str, Any], what: str) -> str:
    before, version = res["before"], res["extraction"]["trafilatura"]
    return (
        f"{what} after trafilatura {version} ({res['pages']} pages, "
        f"{before['with_snippets']} with / {before['without_snippets']} without)"
    )


def cleaning_line(c: dict[str, Any], noun: str) -> str:
    """What the cleaning did to the snippets (or segments) present in the extraction."""
    return (
        f"by cleaning: {c['without_removed']} of {c['without_present']} present `without` "
        f"{noun} removed ({fmt(c['without_removed_share'])}); {c['with_lost']} of "
        f"{c['with_present']} present `with` {noun} lost ({fmt(c['with_lost_share'])})"
    )


def traf_eval_tables(res: dict[str, Any]) -> str:
    rows = [
        (
            *snippet_row(res, stage),
            res[f"{stage}_spaced"]["with_kept"],
            res[f"{stage}_spaced"]["without_gone"],
        )
        for stage in ("before", "after")
    ]
    columns = (*SNIPPET_COLUMNS, "with kept (spaced)", "without gone (spaced)")
    out = [
        table(columns, rows, snippet_title(res, "trafilatura-eval segments"))
        + "\n"
        + cleaning_line(res["cleaning"], "segments")
    ]
    region_rows = [
        (
            region,
            r["pages"],
            r["after"]["with_kept"],
            r["after"]["without_gone"],
            f"{r['cleaning']['without_removed']}/{r['cleaning']['without_present']}",
            f"{r['cleaning']['with_lost']}/{r['cleaning']['with_present']}",
        )
        for region, r in res["regions"].items()
    ]
    out.append(
        table(
            ("region", "pages", "with kept", "without gone", "without removed", "with lost"),
            region_rows,
            "trafilatura-eval after cleaning, per upstream region",
        )
    )
    lost = [
        f"  {clip(w['segment'], 60)!r} by {', '.join(w['by']) or '?'} ({clip(w['url'], 70)})"
        for w in res["with_lost"]
    ]
    out.append("\n".join(["`with` segments lost by cleaning:", *(lost or ["  (none)"])]))
    return "\n\n".join(out)


LENGTH_COLUMNS = ("gold", "found", "recall", "tp", "fp", "precision", "f1")


INJECTION_COLUMNS = (
    *("category", "gold", "found", "recall", "findings"),
    *("fp", "cross", "host", "precision", "P with host", "F1"),
)


def injection_tables(res: dict[str, Any]) -> str:
    rows = [
        (
            c,
            v["gold"],
            v["found"],
            v["recall"],
            v["findings"],
            v["fp"],
            v["cross"],
            v.get("host", 0),
            v["precision"],
            v.get("precision_with_host"),
            v["f1"],
        )
        for c, v in res["per_category"].items()
    ]
    title = (
        f"Injection (test split only: {res['documents']} docs from {res['hosts']} hosts, "
        f"seed {res['seed']}, {res['variants']} variants per host; `host`: the same finding "
        "on the host alone, real content for off_topic and foreign_language, mostly real "
        "artefacts of the host for the others; `P with host` counts them as false)"
    )
    out = [
        table(
            INJECTION_COLUMNS,
            rows,
            title,
        )
    ]
    kinds = [
        (k, v["gold"], v["found"], v["recall"]) for k, v in res["per_kind"].items() if v["gold"]
    ]
    out.append(
        table(
            ("artefact kind", "gold", "found", "recall"), kinds, "Injection recall by artefact kind"
        )
    )
    for cat, rows in res.get("by_length", {}).items():
        if any(r["gold"] for r in rows.values()):
            out.append(
                table(
                    ("words", "gold", "found", "recall", "tp", "fp", "precision", "F1"),
                    [tuple([label] + [r[k] for k in LENGTH_COLUMNS]) for label, r in rows.items()],
                    f"Injection by length, {cat} (gold by its words, findings by theirs)",
                )
            )
    if res.get("per_code"):
        out.append(
            table(
                ("finding code", "tp", "fp", "cross", "precision"),
                [
                    (c, v["tp"], v["fp"], v["cross"], v["precision"])
                    for c, v in res["per_code"].items()
                ],
                "Injection findings by reason code",
            )
        )
    p, h = res["protected"], res["host_text"]
    out.append(
        f"ftfy negatives (must not change): {p['changed']} of {p['negatives']} changed; host text "
        f"outside the artefacts: {fmt(h['removed_share'])} of {h['chars']} chars removed, "
        f"{fmt(h['changed_share'])} changed"
    )
    if res["confusion"]:
        conf = [
            (g, ", ".join(f"{k} {n}" for k, n in c.items())) for g, c in res["confusion"].items()
        ]
        out.append(
            table(("gold category", "also covered by findings of"), conf, "Cross-category hits")
        )
    if res["fp_examples"]:
        lines = ["Injection false positives (largest first):"]
        for i, e in enumerate(res["fp_examples"], 1):
            lines.append(
                f"{i:2d}. {e['id'][:40]} {e['category']} {e['action']}\n"
                f"    {clip(e['context'], 160)}"
            )
        out.append("\n".join(lines))
    return "\n\n".join(out)
