"""Per-document limits: a size cap and a time budget.

Scraped input can hold a 50 MB "article" or text built to make a pattern slow.
Two settings turn such a document into a reported error for that document
instead of a stall of the whole run:

* ``max_chars``: a document longer than this is refused before any detector
  runs (a real news article is a few thousand characters).
* ``time_budget``: seconds a document may take. On Unix, in the main thread of
  a process (the command line, every worker process), a ``SIGALRM`` timer
  interrupts the work wherever it is, even inside a regular expression match
  (CPython's regex engine checks for signals while it matches). Elsewhere
  (threads, platforms without ``setitimer``) the budget is checked between
  detectors, so one detector that stalls is only stopped when it returns.
  An alarm can land where Python cannot pass an exception on (a garbage
  collector callback, a ``__del__``): Python reports it as "ignored" and goes
  on. So the timer fires again every :data:`REFIRE` seconds until the work
  stops, and an ignored alarm is not printed (``sys.unraisablehook`` passes
  the others on).

Both raise :class:`LimitExceeded`, which batch runs report as that document's
error. A time budget makes the outcome depend on the machine's speed; the
default is far above what any real document takes (milliseconds), so it only
ever fires on pathological input.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from types import FrameType, TracebackType
from typing import Any

#: Defaults (settings ``max_chars`` and ``time_budget``; 0 turns a limit off).
MAX_CHARS = 5_000_000
TIME_BUDGET = 60.0
#: Once the budget is spent, the timer fires again this often until the work stops.
REFIRE = 0.1


class LimitExceeded(Exception):
    """A document over ``max_chars`` or over its ``time_budget``."""


class _Alarm(BaseException):
    """Raised by the timer's signal handler.

    A ``BaseException``, so a detector's ``except Exception`` cannot swallow it;
    :class:`Deadline` turns it into :class:`LimitExceeded`.
    """


def check_size(length: int, max_chars: int) -> None:
    if max_chars and length > max_chars:
        raise LimitExceeded(
            f"document has {length:,} characters, more than max_chars ({max_chars:,}); "
            "raise --max-chars (0 for no limit) to clean it"
        )


class Deadline:
    """A context that bounds the time of the code inside it to ``seconds``.

    ``stage`` names what is running, for the error message; :meth:`check`
    raises once the time is up (the cooperative check, wherever there is no
    timer).
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.stage = "start"
        self._end = 0.0
        self._timer = False
        self._previous: Any = None
        self._hook: Any = None

    def __enter__(self) -> Deadline:
        if not self.seconds:
            return self
        self._end = time.monotonic() + self.seconds
        if _can_use_timer():
            self._previous = signal.signal(signal.SIGALRM, _on_alarm)
            previous_timer = signal.setitimer(signal.ITIMER_REAL, self.seconds, REFIRE)
            if previous_timer[0]:
                # Someone else's timer is running: leave it alone, check cooperatively.
                signal.setitimer(signal.ITIMER_REAL, *previous_timer)
                signal.signal(signal.SIGALRM, self._previous)
            else:
                self._timer = True
                self._hook = sys.unraisablehook
                sys.unraisablehook = _quiet_alarm(self._hook)
                _ARMED.set()
        return self

    def check(self, stage: str) -> None:
        self.stage = stage
        if self.seconds and time.monotonic() > self._end:
            raise self.exceeded()

    def exceeded(self) -> LimitExceeded:
        return LimitExceeded(
            f"took longer than the time budget of {self.seconds:g} s (in {self.stage}); "
            "raise --time-budget (0 for none) to clean it"
        )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._timer:
            _ARMED.clear()  # from here on the handler raises nothing
            self._timer = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
            sys.unraisablehook = self._hook
        if exc_type is not None and issubclass(exc_type, _Alarm):
            raise self.exceeded() from None


def _can_use_timer() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


#: Set while a :class:`Deadline`'s timer runs (cleared first thing on its way out, so an
#: alarm that comes while it stops the timer raises nothing).
_ARMED = threading.Event()


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if _ARMED.is_set():
        raise _Alarm()


def _quiet_alarm(hook: Any) -> Any:
    """``sys.unraisablehook`` that drops an alarm Python could not pass on (the timer
    fires again) and passes everything else to ``hook``."""

    def quiet(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, _Alarm):
            hook(unraisable)

    return quiet
