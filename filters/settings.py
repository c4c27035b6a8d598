"""Run settings: actions per category, the safety policy, detector choice, language.

Settings come from defaults, then a TOML file (``--config``), then command-line
options, each later source overriding the earlier. A TOML file looks like::

    min_confidence = 0.6        # below this, a removal or replacement is only flagged
    max_removed_share = 0.4     # above this share of a document, removals become flags
    skip = ["missing_space"]
    lang = "en"
    max_chars = 1000000         # longer documents are refused (0: no limit)
    time_budget = 10            # seconds a document may take (0: no budget)

    [actions]
    heading = "flag"
    missing_space = "off"

Unknown keys, categories and actions are refused with the list of valid ones.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .findings import CATEGORIES, DEFAULT_ACTIONS, REPLACEABLE
from .limits import MAX_CHARS, TIME_BUDGET


class SettingsError(ValueError):
    """A setting with a bad name or value."""


def allowed_actions(category: str) -> tuple[str, ...]:
    """Actions a category can be set to: ``replace`` only where a fix exists."""
    if category in REPLACEABLE:
        return ("replace", "flag", "off")
    return ("remove", "flag", "off")


@dataclass(frozen=True)
class Settings:
    """Everything that decides a run's output besides the input text."""

    #: Per-category overrides; a category not named keeps the detector's
    #: proposal (the default action of DESIGN.md; headings: headline removed,
    #: subheadings flagged).
    actions: Mapping[str, str] = field(default_factory=dict)
    #: Removals and replacements scored below this are flagged instead.
    min_confidence: float = 0.5
    #: When removals would take more than this share of a document's characters,
    #: every removal becomes a flag and the document is marked for review.
    max_removed_share: float = 0.5
    #: Detectors to run (names with or without version); empty means all.
    only: tuple[str, ...] = ()
    #: Detectors not to run.
    skip: tuple[str, ...] = ()
    #: Declared language of the documents (ISO 639-1), or None.
    lang: str | None = None
    #: A longer document is refused (an error for that document); 0: no limit.
    max_chars: int = MAX_CHARS
    #: Seconds one document may take before it becomes an error; 0: no budget.
    time_budget: float = TIME_BUDGET

    def __post_init__(self) -> None:
        actions = dict(sorted(self.actions.items()))
        for category, action in actions.items():
            if category not in CATEGORIES:
                raise SettingsError(
                    f"unknown category {category!r}; valid: {', '.join(CATEGORIES)}"
                )
            valid = allowed_actions(category)
            if action not in valid:
                raise SettingsError(
                    f"action {action!r} does not apply to {category!r}; valid: {', '.join(valid)}"
                )
        object.__setattr__(self, "actions", actions)
        object.__setattr__(self, "only", tuple(self.only))
        object.__setattr__(self, "skip", tuple(self.skip))
        for name in ("min_confidence", "max_removed_share"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SettingsError(f"{name} must be a number from 0 to 1, not {value!r}")
            if not 0.0 <= float(value) <= 1.0:
                raise SettingsError(f"{name} must be from 0 to 1, not {value!r}")
            object.__setattr__(self, name, float(value))
        if isinstance(self.max_chars, bool) or not isinstance(self.max_chars, int):
            raise SettingsError(f"max_chars must be a whole number, not {self.max_chars!r}")
        if self.max_chars < 0:
            raise SettingsError(f"max_chars must be 0 (no limit) or more, not {self.max_chars}")
        budget = self.time_budget
        if isinstance(budget, bool) or not isinstance(budget, int | float) or budget != budget:
            raise SettingsError(f"time_budget must be a number of seconds, not {budget!r}")
        if not 0.0 <= budget < 1e9:
            raise SettingsError(f"time_budget must be 0 (none) or a positive number, not {budget}")
        object.__setattr__(self, "time_budget", float(budget))
        if self.lang is not None and not (isinstance(self.lang, str) and self.lang.strip()):
            raise SettingsError(f"lang must be a language code such as 'en', not {self.lang!r}")

    def action_for(self, category: str, proposed: str) -> str:
        """The action a finding gets: the category's override, else the proposal."""
        return self.actions.get(category, proposed)

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with the given fields replaced; ``actions`` are merged, not replaced."""
        if "actions" in changes:
            changes["actions"] = {**self.actions, **changes["actions"]}
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The settings as the report records them, with the effective action table."""
        return {
            "actions": {
                cat: self.actions.get(cat, "default:" + DEFAULT_ACTIONS[cat]) for cat in CATEGORIES
            },
            "min_confidence": self.min_confidence,
            "max_removed_share": self.max_removed_share,
            "only": list(self.only),
            "skip": list(self.skip),
            "lang": self.lang,
            "max_chars": self.max_chars,
            "time_budget": self.time_budget,
        }

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], origin: str = "settings") -> Settings:
        """Settings from a mapping such as a parsed TOML file (unknown keys refused)."""
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise SettingsError(
                    f"{origin}: unknown setting {key!r}; valid: {', '.join(sorted(known))}"
                )
        kwargs = dict(data)
        if "actions" in kwargs and not isinstance(kwargs["actions"], Mapping):
            raise SettingsError(f"{origin}: [actions] must be a table of category = action")
        for key in ("only", "skip"):
            if key in kwargs:
                kwargs[key] = _names(kwargs[key], f"{origin}: {key}")
        try:
            return cls(**kwargs)
        except SettingsError as exc:
            raise SettingsError(f"{origin}: {exc}") from None

    @classmethod
    def from_toml(cls, path: str | Path) -> Settings:
        """Settings from a TOML file; the keys may also sit under ``[clean-news]``."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise SettingsError(f"cannot read config {path}: {exc.strerror}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"config {path} is not valid TOML: {exc}") from None
        if set(data) == {"clean-news"} and isinstance(data["clean-news"], dict):
            data = data["clean-news"]
        return cls.from_mapping(data, origin=str(path))


def parse_action(text: str) -> tuple[str, str]:
    """Parse ``CATEGORY=ACTION`` from the command line."""
    category, sep, action = text.partition("=")
    if not sep or not category.strip() or not action.strip():
        raise SettingsError(f"expected CATEGORY=ACTION, got {text!r}")
    return category.strip(), action.strip()


def _names(value: Any, origin: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{origin} must be a list of detector names")
    return tuple(n.strip() for v in value for n in v.split(",") if n.strip())
