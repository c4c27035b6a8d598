"""Part 5, the sources: hosts and artefact pools harvested from the corpora, by split.

Every pool holds only units of the requested split (:mod:`.splits`), so the
test documents are built from test hosts *and* test artefacts: a model trained
on the train half never saw a host, an EU act, a Track A page, a foreign page or
an ftfy case that it is scored on.

* hosts: Scrapinghub ``body`` and WCXB ``main_content`` (with the WCXB title);
* EU sentences: full sentences of the acts' text and summaries (8-45 words,
  sentence case, final period, no references such as "OJ L" or URLs); clauses
  for hooks are those opening with an EU body ("The Commission shall ...");
* donor sentences: full sentences of the other bodies of the same dataset;
* boilerplate lines: Track A lines labelled boilerplate with almost no alignment
  to the gold (``aligned`` < 0.2), sorted into kinds by the patterns below;
* names: WCXB ``author`` values; foreign sentences; ftfy in-the-wild cases
  (``expect`` "pass"; a case whose expected text equals the original counts as
  a negative) and negatives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..segment import sentences_in
from . import data
from .inject import Host, Pools
from .splits import split_of, unit_key

# Page furniture and references that make an EU sentence unusable as prose.
EU_NOISE_RE = re.compile(r"\bOJ\b|https?:|www\.|[\[\]{}|]|\.\.\.|…|^\(|^\d|\.\d+\.$")
# An EU body opening a sentence: the clause of a hooked insertion.
EU_CLAUSE_RE = re.compile(
    r"^(?:The (?:Commission|Council|European Parliament|Member States|Agency|Authority|Union|"
    r"Community|Committee)|Member States)\b.* (?:shall|will|may|should|must)\b"
)
# Markdown, URLs and list markers: lines that are no realistic plain-text artefact.
LINE_NOISE_RE = re.compile(
    r"https?:|www\.|\.com\b|\]\(|^\[|^[*#>-]|\]\[|\[\]|[{}=*_<>@]|//|#{2}|\bvar\b|\((?:/|#|mailto:)"
)
# Boilerplate kinds, tried in this order; the first pattern that matches wins.
BOILERPLATE_PATTERNS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    # cookie banners and privacy/terms notices
    (
        "cookie",
        re.compile(r"(?i)cookie|privacy (?:policy|notice|statement)|terms of (?:use|service)"),
        60,
    ),
    # newsletter and subscription prompts
    ("newsletter", re.compile(r"(?i)newsletter|sign up|subscribe|your inbox"), 40),
    # share/follow/print widgets
    (
        "share",
        re.compile(
            r"(?i)^(?:share|tweet|email|e-mail|print|copy link|facebook|twitter|whatsapp|linkedin|"
            r"pinterest|reddit|messenger|follow us)\b|\bshare (?:on|to|via|this)\b"
        ),
        10,
    ),
    # related links and teasers
    (
        "related",
        re.compile(
            r"(?i)^(?:read more|related|recommended|more from|see also|most popular|trending|"
            r"also read|more on this)\b"
        ),
        15,
    ),
    # photo credits: "Photo: NAME", "NAME/Getty Images", "Image Credit: NAME"
    (
        "credit",
        re.compile(
            r"(?i)^\(?(?:photos?|images?|pictures?|photograph|illustration)(?: credit)?"
            r"\s*(?:by\b|:)"
            r"|[/|]\s*(?:getty images|ap|reuters|afp|epa|shutterstock)\W*$|\(credit:"
        ),
        12,
    ),
    # captions: descriptive sentences of a picture
    (
        "caption",
        re.compile(
            r"\((?:AP |AFP |Reuters )?Photo\b|REUTERS/|FILE PHOTO|\bpictured\b|"
            r"\b[Ii]n this (?:photo|image|picture|file photo|still image)|Getty Images"
        ),
        70,
    ),
)


def _words(text: str) -> int:
    return len(text.split())


def _sentences(text: str) -> Iterable[str]:
    for line in text.split("\n"):
        line = line.strip()
        for start, end in sentences_in(line, 0, len(line)):
            yield line[start:end]


def _prose(sentence: str, low: int, high: int) -> bool:
    """A full sentence: sentence case, final period, a sane length."""
    return (
        low <= _words(sentence) <= high
        and sentence[:1].isupper()
        and sentence[1:2].islower() is True
        and sentence.endswith(".")
    )


def hosts(root: Path, split: str = "test") -> list[Host]:
    """The clean bodies of the split, Scrapinghub first, in file order."""
    found = [
        Host(unit_key("scrapinghub", doc_id), "scrapinghub", rec["body"] or "")
        for doc_id, rec in data.load_ground_truth(root).items()
    ]
    found += [
        Host(unit_key("wcxb", rec["id"]), "wcxb", rec["main_content"] or "", rec.get("title"))
        for rec in data.load_wcxb_articles(root)
    ]
    return [h for h in found if h.text.strip() and split_of(h.key) == split]


def eu_sentences(root: Path, split: str, per_act: int = 40) -> tuple[list[str], list[str]]:
    """Plain EU sentences and hookable clauses from the acts of the split."""
    plain: list[str] = []
    clauses: list[str] = []
    for act in data.iter_eurlex(root):
        if split_of(unit_key("eurlex", act["celex_id"])) != split:
            continue
        taken = 0
        for field in ("summary", "text"):
            for sentence in _sentences(act.get(field) or ""):
                if taken >= per_act:
                    break
                if not _prose(sentence, 8, 45) or EU_NOISE_RE.search(sentence):
                    continue
                if sum(c.isupper() for c in sentence) > 0.2 * len(sentence):
                    continue
                taken += 1
                plain.append(sentence)
                if EU_CLAUSE_RE.match(sentence) and _words(sentence) <= 40:
                    clauses.append(sentence)
    return plain, clauses


def donor_sentences(
    found_hosts: Iterable[Host], per_doc: int = 15
) -> dict[str, list[tuple[str, str]]]:
    """Full sentences of each host, by dataset, for "sentence from another article"."""
    donors: dict[str, list[tuple[str, str]]] = {}
    for host in found_hosts:
        taken = 0
        for sentence in _sentences(host.text):
            if taken >= per_doc:
                break
            if _prose(sentence, 8, 40):
                donors.setdefault(host.dataset, []).append((host.key, sentence))
                taken += 1
    return donors


def classify_boilerplate(line: str) -> str | None:
    """The boilerplate kind of a line, or None when no pattern fits."""
    if LINE_NOISE_RE.search(line) or len(line) < 4 or not (line[0].isupper() or line[0] in "(©"):
        return None
    for kind, pattern, max_words in BOILERPLATE_PATTERNS:
        if pattern.search(line) and _words(line) <= max_words:
            if kind == "caption" and (_words(line) < 6 or line[:1].islower()):
                return None
            return kind
    return None


def boilerplate_lines(root: Path, split: str) -> dict[str, list[str]]:
    """Track A boilerplate lines of the split's pages, by kind, deduplicated, sorted."""
    kinds: dict[str, set[str]] = {}
    for rec in data.iter_track_a(root):
        if split_of(unit_key("scrapinghub", rec["id"])) != split:
            continue
        for line in rec["lines"]:
            if line["label"] != "boilerplate" or line["aligned"] >= 0.2:
                continue
            kind = classify_boilerplate(line["text"])
            if kind:
                kinds.setdefault(kind, set()).add(line["text"])
    return {kind: sorted(lines) for kind, lines in sorted(kinds.items())}


def build_pools(root: Path, found_hosts: list[Host], split: str = "test") -> Pools:
    """Every pool for the split."""
    plain, clauses = eu_sentences(root, split)
    names = sorted(
        {
            rec["author"].strip()
            for rec in data.load_wcxb_articles(root)
            if rec.get("author")
            and split_of(unit_key("wcxb", rec["id"])) == split
            and 2 <= _words(rec["author"]) <= 4
            and not any(c.isdigit() for c in rec["author"])
        }
    )
    foreign = [
        rec["text"]
        for rec in data.load_foreign(root)
        if split_of(unit_key("foreign", rec["doc_id"])) == split
    ]
    wild: list[tuple[str, str]] = []
    negatives: list[str] = []
    for case in data.load_ftfy_cases(root):
        if split_of(unit_key("ftfy", case["id"])) != split or case.get("expect") != "pass":
            continue
        original = case["original"]
        expected = case.get("fixed-encoding", case["fixed"])
        if "\n" in original or not original.strip() or original != original.strip():
            continue
        if case["file"] == "negative.json" or expected == original:
            negatives.append(original)
        elif case["file"] == "in-the-wild.json":
            wild.append((original, expected))
    return Pools(
        eurlex=plain,
        eurlex_clauses=clauses,
        donors=donor_sentences(found_hosts),
        boilerplate=boilerplate_lines(root, split),
        names=names,
        foreign=foreign,
        mojibake=wild,
        negatives=negatives,
    )
