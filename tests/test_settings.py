"""Settings: defaults, validation, TOML files and ``CATEGORY=ACTION`` options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from filters.findings import CATEGORIES, DEFAULT_ACTIONS
from filters.settings import Settings, SettingsError, allowed_actions, parse_action


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "clean-news.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("settings", [Settings()])
def test_settings_defaults(settings: Settings) -> None:
    assert settings.actions == {}
    assert (settings.min_confidence, settings.max_removed_share) == (0.5, 0.5)
    assert (settings.only, settings.skip, settings.lang) == ((), (), None)
    data = settings.to_dict()
    assert data["actions"] == {cat: "default:" + DEFAULT_ACTIONS[cat] for cat in CATEGORIES}
    assert list(data) == [
        "actions",
        "min_confidence",
        "max_removed_share",
        "only",
        "skip",
        "lang",
        "max_chars",
        "time_budget",
    ]


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("markup", ("replace", "flag", "off")),
        ("missing_space", ("replace", "flag", "off")),
        ("encoding", ("replace", "flag", "off")),
        ("heading", ("remove", "flag", "off")),
        ("readability", ("remove", "flag", "off")),
    ],
)
def test_settings_allowed_actions(category: str, expected: tuple[str, ...]) -> None:
    assert allowed_actions(category) == expected


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("", {}),
        (
            "min_confidence = 0.6\nmax_removed_share = 0.4\n"
            'skip = ["missing_space"]\nlang = "en"\n',
            {
                "min_confidence": 0.6,
                "max_removed_share": 0.4,
                "skip": ("missing_space",),
                "lang": "en",
            },
        ),
        (
            '[actions]\nheading = "flag"\nmissing_space = "off"\n',
            {"actions": {"heading": "flag", "missing_space": "off"}},
        ),
        (
            '[clean-news]\nmin_confidence = 1\nonly = "missing_space, caption"\n'
            '[clean-news.actions]\ncaption = "remove"\n',
            {
                "min_confidence": 1.0,
                "only": ("missing_space", "caption"),
                "actions": {"caption": "remove"},
            },
        ),
        ("max_removed_share = 0\n", {"max_removed_share": 0.0}),
        (
            'only = ["missing_space_v1", " caption_v1 ,tag_run"]\n',
            {"only": ("missing_space_v1", "caption_v1", "tag_run")},
        ),
    ],
)
def test_settings_from_toml(tmp_path: Path, toml: str, expected: dict[str, Any]) -> None:
    settings = Settings.from_toml(write(tmp_path, toml))
    assert settings == Settings(**expected)
    for name, value in expected.items():
        assert getattr(settings, name) == value
    assert isinstance(settings.min_confidence, float)


@pytest.mark.parametrize(
    ("toml", "messages"),
    [
        (
            "threshold = 0.5\n",
            ["unknown setting 'threshold'", "valid: actions, lang, max_chars, max_removed_share"],
        ),
        (
            '[actions]\nnonsense = "flag"\n',
            ["unknown category 'nonsense'", "valid: off_topic, caption"],
        ),
        (
            '[actions]\nheading = "replace"\n',
            ["'replace' does not apply to 'heading'", "valid: remove, flag, off"],
        ),
        (
            '[actions]\nmarkup = "remove"\n',
            ["'remove' does not apply to 'markup'", "valid: replace, flag, off"],
        ),
        ('[actions]\ncaption = "delete"\n', ["action 'delete'", "valid: remove, flag, off"]),
        ('actions = "flag"\n', ["[actions] must be a table"]),
        ("min_confidence = 1.5\n", ["min_confidence must be from 0 to 1, not 1.5"]),
        ("max_removed_share = -0.1\n", ["max_removed_share must be from 0 to 1"]),
        ('min_confidence = "high"\n', ["min_confidence must be a number from 0 to 1"]),
        ("min_confidence = true\n", ["min_confidence must be a number"]),
        ("only = 3\n", ["only must be a list of detector names"]),
        ("skip = [1, 2]\n", ["skip must be a list of detector names"]),
        ('lang = ""\n', ["lang must be a language code"]),
        ("lang = 5\n", ["lang must be a language code"]),
        ("min_confidence = \n", ["is not valid TOML"]),
        (b"lang = '\xff'\n", ["is not valid TOML"]),
        ('[clean-news]\nlang = "en"\n[other]\nx = 1\n', ["unknown setting 'clean-news'"]),
    ],
)
def test_settings_from_toml_refused(tmp_path: Path, toml: str | bytes, messages: list[str]) -> None:
    path = write(tmp_path, toml)
    with pytest.raises(SettingsError) as info:
        Settings.from_toml(path)
    message = str(info.value)
    assert str(path) in message
    for expected in messages:
        assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize("name", ["missing.toml"])
def test_settings_from_toml_missing_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(SettingsError, match="cannot read config"):
        Settings.from_toml(tmp_path / name)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"actions": {"heading": "replace"}}, "valid: remove, flag, off"),
        (
            {"actions": {"nonsense": "off"}},
            "unknown category 'nonsense'; valid: " + ", ".join(CATEGORIES),
        ),
        ({"min_confidence": 1.01}, "from 0 to 1"),
        ({"min_confidence": -0.01}, "from 0 to 1"),
        ({"max_removed_share": 2}, "from 0 to 1"),
        ({"max_removed_share": float("nan")}, "from 0 to 1"),
        ({"min_confidence": None}, "must be a number"),
        ({"lang": "  "}, "language code"),
    ],
)
def test_settings_invalid_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        Settings(**kwargs)


@pytest.mark.parametrize(("value"), [0, 0.0, 1, 1.0, 0.25])
def test_settings_thresholds_in_range(value: float) -> None:
    settings = Settings(min_confidence=value, max_removed_share=value)
    assert settings.min_confidence == settings.max_removed_share == float(value)


@pytest.mark.parametrize(
    ("base", "changes", "expected_actions"),
    [
        (
            {"heading": "flag"},
            {"actions": {"caption": "off"}},
            {"caption": "off", "heading": "flag"},
        ),
        ({"heading": "flag"}, {"actions": {"heading": "remove"}}, {"heading": "remove"}),
        ({"heading": "flag"}, {"lang": "de"}, {"heading": "flag"}),
    ],
)
def test_settings_with_changes_merges_actions(
    base: dict[str, str], changes: dict[str, Any], expected_actions: dict[str, str]
) -> None:
    settings = Settings(actions=base)
    changed = settings.with_changes(**changes)
    assert changed.actions == expected_actions
    assert settings.actions == base  # the original is unchanged


@pytest.mark.parametrize("changes", [{"actions": {"heading": "replace"}}, {"min_confidence": 3}])
def test_settings_with_changes_validates(changes: dict[str, Any]) -> None:
    with pytest.raises(SettingsError):
        Settings().with_changes(**changes)


@pytest.mark.parametrize(
    ("category", "proposed", "actions", "expected"),
    [
        ("heading", "flag", {}, "flag"),
        ("heading", "remove", {"heading": "flag"}, "flag"),
        ("caption", "remove", {"heading": "flag"}, "remove"),
    ],
)
def test_settings_action_for(
    category: str, proposed: str, actions: dict[str, str], expected: str
) -> None:
    assert Settings(actions=actions).action_for(category, proposed) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("heading=flag", ("heading", "flag")),
        (" heading = flag ", ("heading", "flag")),
        ("missing_space=off", ("missing_space", "off")),
        ("a=b=c", ("a", "b=c")),
    ],
)
def test_settings_parse_action(text: str, expected: tuple[str, str]) -> None:
    assert parse_action(text) == expected


@pytest.mark.parametrize("text", ["heading", "=flag", "heading=", " = ", ""])
def test_settings_parse_action_refused(text: str) -> None:
    with pytest.raises(SettingsError, match="expected CATEGORY=ACTION"):
        parse_action(text)


@pytest.mark.parametrize(
    ("data", "origin", "message"),
    [({"bogus": 1}, "--config x.toml", "--config x.toml: unknown setting 'bogus'")],
)
def test_settings_from_mapping_names_origin(
    data: dict[str, Any], origin: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_mapping(data, origin=origin)


@pytest.mark.parametrize(
    "kwargs",
    [{"actions": {"caption": "off", "heading": "flag"}, "only": ["a", "b"], "skip": ("c",)}],
)
def test_settings_normalised(kwargs: dict[str, Any]) -> None:
    settings = Settings(**kwargs)
    assert settings.only == ("a", "b")
    assert list(settings.actions) == ["caption", "heading"]
    assert settings == Settings(**kwargs)
