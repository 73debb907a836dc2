"""The ports: what the loop asks of each part at the edge, in one place.

The core decides and the runtime carries out; everything it carries out goes through one
of these small interfaces. The Pi's adapters (gpiozero pins, the luma panel, the player
process, SQLite), the simulator's, and the fakes the tests and the scenario runner use
all implement them, so ``unslump.app.assembly.assemble`` wires any mix of them the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self, runtime_checkable

from unslump.core.events import Event

if TYPE_CHECKING:
    # Annotations only: the player process reads the clock port, not every view and row.
    from unslump.core.day_stats import DaySummary
    from unslump.core.effects import Effect, Play
    from unslump.core.practice import Practice, PracticeDay
    from unslump.core.records import EndedBy, NoticeAnswer, Record
    from unslump.core.state import DeviceState, Now
    from unslump.core.views import View


class Clock(Protocol):
    """Monotonic seconds for durations, an aware local datetime for calendars."""

    def monotonic(self) -> float: ...

    def wall(self) -> datetime: ...


@runtime_checkable
class Serviced(Protocol):
    """A part with housekeeping of its own that the loop must wake up for."""

    def deadline(self) -> float | None:
        """The monotonic time :meth:`service` is next due, or None."""
        ...

    def service(self, now: float) -> None: ...


class Inputs(Protocol):
    """The button and the seat sensor: edges go onto the loop's queue as events."""

    def seat_occupied(self) -> bool:
        """The seat's level now (read once at start; edges after that are events)."""
        ...

    def close(self) -> None: ...


class Display(Serviced, Protocol):
    """The OLED: draws views, sleeps and dims, marks a warning."""

    def show(self, view: View) -> bool:
        """Draw ``view`` (at once, or at the next frame slot); False if it failed."""
        ...

    def power(self, on: bool, contrast: int) -> None: ...

    def set_warnings(self, warnings: frozenset[str]) -> None: ...

    def close(self) -> None: ...


class Audio(Serviced, Protocol):
    """The speaker (or a piezo, or silence)."""

    def play(self, play: Play) -> None:
        """Queue the sound now and return at once (never raises for a missing device)."""
        ...

    def expect(self, at: float | None) -> None:
        """The core's next planned sound (monotonic), or None: get ready, or rest."""
        ...

    def say(self, text: str) -> None:
        """Speak ``text`` if spoken cues are on (else nothing)."""
        ...

    def close(self) -> None:
        """Release the device; calling it again does nothing."""
        ...


@runtime_checkable
class RecordSink(Protocol):
    """Takes every row the device logs, in order: the store first, then any consumer
    (the MQTT publisher). A new consumer is one class with this method, registered in
    ``assemble()``; the runtime never needs to know what it does with the rows."""

    def append(self, record: Record) -> None: ...


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One message waiting for the broker: its place, its kind and its JSON."""

    seq: int
    row_id: str
    kind: str
    payload: str


class StatsSource(Protocol):
    """What the stats pages read from the break log."""

    def day_summary(self, day: date) -> DaySummary: ...

    def week_summary(self, last_day: date) -> list[DaySummary]: ...

    def response_times(self, first_day: date, last_day: date) -> list[float]: ...

    def practice(self) -> Practice: ...

    def practice_days(self, first_day: date, last_day: date) -> list[PracticeDay]: ...

    def notice_answer(self) -> NoticeAnswer | None: ...


class Outbox(StatsSource, Protocol):
    """What the MQTT link asks of the break log: the rows waiting for the broker (kept in
    the log itself, so a power cut loses none) and the day's totals it publishes."""

    def outbox_waiting(self, after: int, limit: int) -> list[OutboxRow]:
        """Rows above ``after``, oldest first."""
        ...

    def outbox_depth(self) -> int: ...

    @property
    def healthy(self) -> bool:
        """False while rows cannot reach the disk (Home Assistant shows a log problem)."""
        ...

    def latest_ends(self, first_day: date, last_day: date) -> tuple[datetime | None,
                                                                    datetime | None]:
        """Within the local days: when the newest break ended, and when the newest bout
        ended with the person leaving (what a restart would otherwise forget)."""
        ...

    def outbox_acknowledged(self, seqs: list[int]) -> bool:
        """The broker has these rows; False if the disk refused (they are sent again)."""
        ...


class Store(RecordSink, StatsSource, Serviced, Protocol):
    """The break log: the first sink, the stats' source, and what a start reads back."""

    @property
    def healthy(self) -> bool:
        """False while rows cannot reach the disk: show the warning mark."""
        ...

    def breaks_on(self, day: date) -> int: ...

    def close_open(self, ended_by: EndedBy) -> int:
        """Close the rows a power cut left open, at their last checkpoint; how many."""
        ...

    def close(self) -> None: ...


class Observer(Protocol):
    """Sees every state change and effect (the scenario runner prints them)."""

    def state(self, at: float, name: str) -> None: ...

    def effect(self, at: float, effect: Effect) -> None: ...


class StateWatcher(Protocol):
    """Sees the device's state each time the loop commits one (the MQTT link reads the
    seat, the mode and quiet time from it). Called on the loop thread; decides nothing."""

    def follow(self, state: DeviceState, now: Now) -> None: ...


@dataclass(frozen=True)
class Stop:
    """Put on the event queue to end the loop (signal handlers, the simulator's ``q``)."""

    reason: str = "stop"


@dataclass(frozen=True)
class Poke:
    """Put on the event queue by an adapter's own thread (paho's network thread) when it
    has work for the loop thread: the loop wakes and services its parts at once."""


@dataclass(frozen=True)
class Reconfigure:
    """Put on the event queue when a setting changed from afar (Home Assistant): the loop
    decides with ``config`` from then on (a running bout keeps its planned reminder)."""

    config: Any


QueueItem = Event | Stop | Poke | Reconfigure

Waiter = Callable[[float | None], QueueItem | None]
"""The loop's wait: block until the monotonic instant given (None: no deadline) or the
next queued item, and return the item (None when the instant came first). The device
blocks on its queue; virtual time (:class:`unslump.edges.clock.VirtualTime`) moves a fake clock
to the instant instead, so tests and scenarios run the very same loop."""

# Every adapter that holds a resource (audio, buzzer, stores, the notify socket, the MQTT
# link) has one idempotent ``close()``; this mixin makes each a context manager too, so the
# assembly can put them all in one ExitStack.
class ClosesOnExit:
    """Makes a class with ``close()`` a context manager that closes on leaving ``with``."""

    def close(self) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
