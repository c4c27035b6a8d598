"""Per-document limits: ``max_chars`` and the ``time_budget`` (filters/limits.py)."""

from __future__ import annotations

import json
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from filters.cli import cli
from filters.document import Document
from filters.findings import Finding
from filters.limits import Deadline, LimitExceeded
from filters.pipeline import Pipeline
from filters.registry import Context, DetectorSpec
from filters.settings import Settings, SettingsError


def _spin(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A detector that never ends (pure Python)."""
    while True:
        pass
    yield  # pragma: no cover


def _backtrack(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A detector stuck in a catastrophic regular expression (C code)."""
    re.match(r"(a+)+b", "a" * 64)
    yield from ()  # pragma: no cover


def _swallow(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A detector whose ``except Exception`` must not swallow the time budget."""
    try:
        while True:
            pass
    except Exception:  # pragma: no cover - the point: it is not reached
        pass
    yield from ()


def spec(fn, name: str | None = None) -> DetectorSpec:
    name = name or f"{fn.__name__.strip('_')}_v1"
    return DetectorSpec(name, name.rsplit("_v", 1)[0], ("caption",), fn, "a test detector")


@pytest.mark.parametrize("fn", [_spin, _backtrack, _swallow])
def test_limits_time_budget_stops_a_stalled_detector(fn) -> None:
    pipeline = Pipeline(Settings(time_budget=0.3), detectors=[spec(fn)])
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match=r"time budget of 0\.3 s \(in \w+_v1\)"):
        pipeline.run("Some text.")
    assert time.monotonic() - started < 5
    # the timer is gone and the handler restored: nothing fires later
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.default_int_handler, None)


def test_limits_time_budget_leaves_fast_documents_alone() -> None:
    pipeline = Pipeline(Settings(time_budget=30))
    result = pipeline.run("The council met on Tuesday,and approved the budget.")
    assert "Tuesday, and" in result.cleaned


def test_limits_time_budget_in_a_thread_is_checked_between_detectors() -> None:
    """No timer outside the main thread: the check between detectors still stops a run."""

    def slow(doc: Document, ctx: Context) -> Iterator[Finding]:
        time.sleep(0.3)
        yield from ()

    pipeline = Pipeline(
        Settings(time_budget=0.1),
        detectors=[spec(slow), spec(lambda d, c: iter(()), "zzz_v1")],
    )
    caught: list[BaseException] = []

    def target() -> None:
        try:
            pipeline.run("text")
        except BaseException as exc:
            caught.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(10)
    assert len(caught) == 1 and isinstance(caught[0], LimitExceeded)
    assert "(in zzz_v1)" in str(caught[0])


def test_limits_deadline_respects_a_running_timer() -> None:
    """Someone else's ITIMER_REAL is left alone (cooperative checks only)."""
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with Deadline(5) as deadline:
            assert not deadline._timer
        time.sleep(0.4)
        assert fired == [1]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _SlowFinaliser:
    """An object whose finaliser spins: an alarm landing in it is "ignored" by Python."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __del__(self) -> None:
        end = time.monotonic() + self.seconds
        while time.monotonic() < end:
            pass


def test_limits_alarm_ignored_in_a_finaliser_fires_again(monkeypatch) -> None:
    """The budget runs out inside a ``__del__`` (as inside a garbage-collector callback),
    where Python cannot raise: the timer fires again, the work is stopped soon after,
    and nothing reaches ``sys.unraisablehook``; other unraisable errors still do."""
    import sys

    seen: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(type(u.exc_value)))
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match=r"time budget of 0\.2 s"), Deadline(0.2):
        holder = [_SlowFinaliser(0.5)]
        holder.clear()  # the alarm lands in the finaliser, and is lost there
        while True:
            pass
    assert time.monotonic() - started < 5
    assert seen == []

    class Broken:
        def __del__(self) -> None:
            raise ValueError("broken finaliser")

    with Deadline(5):
        Broken()
    assert seen == [ValueError]
    assert sys.unraisablehook is not None and seen == [ValueError]


def test_limits_max_chars() -> None:
    with pytest.raises(LimitExceeded, match=r"document has 1,001 characters, more than max_chars"):
        Pipeline(Settings(max_chars=1000)).run("x" * 1001)
    assert Pipeline(Settings(max_chars=1000)).run("x" * 1000).cleaned == "x" * 1000
    assert Pipeline(Settings(max_chars=0), detectors=[]).run("x" * 5000).cleaned == "x" * 5000


@pytest.mark.parametrize(
    "data, message",
    [
        ({"max_chars": -1}, "max_chars must be 0"),
        ({"max_chars": 1.5}, "max_chars must be a whole number"),
        ({"time_budget": -1}, "time_budget must be 0"),
        ({"time_budget": "10"}, "time_budget must be a number"),
        ({"time_budget": float("nan")}, "time_budget must be a number"),
    ],
)
def test_limits_settings_refused(data, message) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_mapping(data)


def test_limits_cli_overlong_documents_fail_alone(tmp_path: Path) -> None:
    """A 50 MB single line is refused (max_chars) and a slow one stopped (time budget);
    the small documents around them are cleaned."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("The council met,on Tuesday.\n", encoding="utf-8")
    (folder / "b_50mb.txt").write_bytes(b"word " * 10_000_000)
    # About 5 s of work on this machine class (10 MB of prose), five times the budget.
    (folder / "c_slow.txt").write_text("The minister said the plan would work. " * 256_000)
    (folder / "d.txt").write_text("It approved the budget,again.\n", encoding="utf-8")
    report_path = tmp_path / "r.json"
    started = time.monotonic()
    result = CliRunner().invoke(
        cli,
        [str(folder), "-o", f"{tmp_path}/out/", "--report", str(report_path), "-q",
         "--time-budget", "1", "--max-chars", "20000000"],
        catch_exceptions=False,
    )  # fmt: skip
    assert time.monotonic() - started < 60
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(lines) == 2, result.stderr
    assert "b_50mb.txt: document has 50,000,000 characters, more than max_chars" in lines[0]
    assert "c_slow.txt: took longer than the time budget of 1 s" in lines[1]
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert [d["status"] for d in report["documents"]] == ["ok", "error", "error", "ok"]
    assert report["settings"]["time_budget"] == 1.0
    assert (tmp_path / "out" / "d.txt").read_text(
        encoding="utf-8"
    ) == "It approved the budget, again.\n"
