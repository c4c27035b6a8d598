"""The evaluation gate: every headline figure against a floor (or a ceiling).

``tests/eval_baseline.json`` maps figure names to ``{"floor": x}`` (higher is
better: precision, recall, F1, shares kept) or ``{"ceiling": x}`` (lower is
better: false removals and changes, false edits). A figure below its floor or
above its ceiling has *regressed*. ``make eval`` prints each regression and
still exits 0 (it is a measurement); ``--strict`` makes it exit 1.

Floors only rise and ceilings only fall: :func:`raise_floors` writes the
current values, rounded down (floors) or up (ceilings) to three decimals, and
never loosens an existing bound. A figure that is "n/a" now (no detector of its
category yet) is skipped; one that was measured and has become "n/a" regresses
when its floor is above zero.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

DIGITS = 3
ABOUT = (
    "Floors (higher is better) and ceilings (lower is better) for the figures of `make eval`. "
    "Floors only rise and ceilings only fall, in the commit that earns them: run "
    "`python -m filters.evaluation --write-baseline` and review the diff."
)


def _prf(prefix: str, m: dict[str, Any], figures: dict[str, tuple[float | None, str]]) -> None:
    for key in ("precision", "recall", "f1"):
        figures[f"{prefix}.{key}"] = (m.get(key), "floor")


def figures(parts: dict[str, Any]) -> dict[str, tuple[float | None, str]]:
    """Flat ``{name: (value, "floor" | "ceiling")}`` of the gated figures of a run."""
    out: dict[str, tuple[float | None, str]] = {}
    seeds = parts.get("seeds")
    if seeds:
        out["seeds.must_find.recall"] = (seeds["must_find"]["recall"], "floor")
        out["seeds.must_keep.share"] = (seeds["must_keep"]["share"], "floor")
        out["seeds.false_edits"] = (float(seeds["false_edits"]), "ceiling")
        for cat, v in seeds["per_category"].items():
            if v["gold"]:
                out[f"seeds.{cat}.recall"] = (v["recall"], "floor")
    track = parts.get("track_a")
    if track:
        for group, g in track["groups"].items():
            name = group.replace(" ", "_")
            _prf(f"track_a.{name}.line", g["clean_news"]["line"], out)
            _prf(f"track_a.{name}.char", g["clean_news"]["char"], out)
            _prf(f"track_a.{name}.shingles_after", g["shingles_after"], out)
    bodies = parts.get("bodies")
    if bodies:
        for dataset, d in bodies["datasets"].items():
            for key in (
                "sentence_removed_share",
                "sentence_changed_share",
                "char_removed_share",
                "char_changed_share",
            ):
                out[f"bodies.{dataset}.{key}"] = (d["all"][key], "ceiling")
    wcxb = parts.get("wcxb")
    if wcxb:
        out["wcxb.after.with_kept"] = (wcxb["after"]["with_kept"], "floor")
        out["wcxb.after.without_gone"] = (wcxb["after"]["without_gone"], "floor")
        out["wcxb.word_f1_after"] = (wcxb["word_f1_after"], "floor")
        out["wcxb.cleaning.with_lost_share"] = (wcxb["cleaning"]["with_lost_share"], "ceiling")
    traf = parts.get("traf_eval")
    if traf:
        out["traf_eval.after.with_kept"] = (traf["after"]["with_kept"], "floor")
        out["traf_eval.after.without_gone"] = (traf["after"]["without_gone"], "floor")
        out["traf_eval.cleaning.with_lost_share"] = (
            traf["cleaning"]["with_lost_share"],
            "ceiling",
        )
    inject = parts.get("inject")
    if inject:
        for cat, v in inject["per_category"].items():
            _prf(f"inject.{cat}", v, out)
        out["inject.protected.changed_share"] = (inject["protected"]["changed_share"], "ceiling")
        out["inject.host_text.removed_share"] = (inject["host_text"]["removed_share"], "ceiling")
        out["inject.host_text.changed_share"] = (inject["host_text"]["changed_share"], "ceiling")
    return out


def load(path: Path) -> dict[str, dict[str, float]]:
    """The bounds of a baseline file (empty when the file does not exist)."""
    if not path.is_file():
        return {}
    bounds: dict[str, dict[str, float]] = json.loads(path.read_text(encoding="utf-8"))["figures"]
    return bounds


def compare(
    current: dict[str, tuple[float | None, str]], bounds: dict[str, dict[str, float]]
) -> dict[str, Any]:
    """Regressions (figure, value, bound), figures checked, and figures with no bound yet."""
    regressed = []
    checked = 0
    for name, bound in sorted(bounds.items()):
        if name not in current:
            continue  # its part did not run
        value = current[name][0]
        checked += 1
        if "floor" in bound:
            if (value is None and bound["floor"] > 0) or (
                value is not None and value < bound["floor"]
            ):
                regressed.append({"figure": name, "value": value, "floor": bound["floor"]})
        elif "ceiling" in bound and value is not None and value > bound["ceiling"]:
            regressed.append({"figure": name, "value": value, "ceiling": bound["ceiling"]})
    new = sorted(n for n, (v, _d) in current.items() if n not in bounds and v is not None)
    return {"checked": checked, "regressed": regressed, "unbounded": new}


def _down(value: float) -> float:
    return math.floor(value * 10**DIGITS + 1e-9) / 10**DIGITS


def _up(value: float) -> float:
    return math.ceil(value * 10**DIGITS - 1e-9) / 10**DIGITS


def raise_floors(
    current: dict[str, tuple[float | None, str]], bounds: dict[str, dict[str, float]]
) -> dict[str, dict[str, float]]:
    """New bounds: floors raised to the current values, ceilings lowered; never loosened."""
    updated = dict(bounds)
    for name, (value, direction) in current.items():
        if value is None:
            continue
        old = bounds.get(name, {})
        if direction == "floor":
            updated[name] = {"floor": max(_down(value), old.get("floor", 0.0))}
        else:
            updated[name] = {"ceiling": min(_up(value), old.get("ceiling", math.inf))}
    return dict(sorted(updated.items()))


def write(path: Path, bounds: dict[str, dict[str, float]]) -> None:
    path.write_text(
        json.dumps({"about": ABOUT, "figures": bounds}, indent=1, sort_keys=False) + "\n",
        encoding="utf-8",
    )


def report_lines(comparison: dict[str, Any]) -> list[str]:
    """``REGRESSED`` lines, then a one-line summary."""
    lines = []
    for r in comparison["regressed"]:
        value = "n/a" if r["value"] is None else f"{r['value']:.4f}"
        if "floor" in r:
            lines.append(f"REGRESSED {r['figure']}: {value} is below its floor {r['floor']:.3f}")
        else:
            lines.append(
                f"REGRESSED {r['figure']}: {value} is above its ceiling {r['ceiling']:.3f}"
            )
    lines.append(
        f"baseline: {comparison['checked']} figures checked, "
        f"{len(comparison['regressed'])} regressed, "
        f"{len(comparison['unbounded'])} measured without a bound yet"
    )
    return lines
