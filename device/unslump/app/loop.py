"""The loop: one thread owns the state, the screen, the sound and the log.

It sleeps until the earliest deadline (the core's, or an adapter's: closing the idle audio
device, retrying the log) or the next input, whichever comes first; there is no polling
rate. The same loop runs in real time on the device and in virtual time for tests and
scenarios: only the wait differs (:class:`unslump.edges.clock.VirtualTime` moves a fake clock to
the deadline instead of sleeping until it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC

from unslump.app.stats_views import stats_pages
from unslump.config.file import Config
from unslump.core.effects import Effect, LoadStats, Log, PanelPower, Play, Say, Show
from unslump.core.events import DeadlineReached, Event, StatsLoaded
from unslump.core.machine import (
    DeviceState,
    History,
    Now,
    initial_state,
    next_deadline,
    shutdown,
    step,
)
from unslump.core.records import DeviceRecord, EndedBy, ErrorRecord, Record
from unslump.errors import StuckDeadlineError
from unslump.ports import (
    Audio,
    Clock,
    Display,
    Observer,
    Reconfigure,
    RecordSink,
    Serviced,
    StateWatcher,
    Stop,
    Store,
    Waiter,
)

log = logging.getLogger(__name__)

STORE_WARNING = frozenset({"store"})


def boot_name(now: Now) -> str:
    """A name for this start of the device, unique in its log: the UTC instant it started.

    It prefixes the key of every row this start writes. Two starts in the same
    microsecond of wall time would share it; on one device that cannot happen.
    """
    return now.wall.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


class Runtime:
    """Feeds events to the core and carries out its effects through the adapters."""

    def __init__(self, config: Config, clock: Clock, screen: Display, audio: Audio,
                 store: Store, serviced: Iterable[Serviced] = (),
                 observer: Observer | None = None, sinks: Iterable[RecordSink] = (),
                 watchers: Iterable[StateWatcher] = ()) -> None:
        self._config = config
        self._clock = clock
        self._screen = screen
        self._audio = audio
        self._store = store
        self._serviced = list(serviced)
        self._sinks: list[RecordSink] = [store, *sinks]  # the log first: it is the truth
        self._observer = observer
        self._watchers = list(watchers)
        self._state: DeviceState | None = None
        self._answers: list[Event] = []  # what effects asked of the adapters, to feed back

    @property
    def state(self) -> DeviceState:
        if self._state is None:
            raise RuntimeError("the runtime has not been started")
        return self._state

    def start(self, seat_occupied: bool) -> None:
        """Build the first state from the seat as read now and the day so far in the log.

        Rows still open in the log were open when the power went (a clean stop closes its
        own): they are closed first, at their last checkpoint.
        """
        now = self._now()
        self._store.close_open(EndedBy.POWER_LOSS)
        history = History(notice=self._store.notice_answer(),
                          practice=self._store.practice(),
                          breaks_today=self._store.breaks_on(now.wall.date()),
                          boot=boot_name(now))
        self._record(DeviceRecord(now.wall, "start"))
        state, effects = initial_state(self._config, now, seat_occupied, history)
        self._commit(state, effects, now.at)

    def stop(self, reason: str = "stop") -> None:
        """Close what is open (the bout, a routine, a reminder, a break) at this instant,
        then record that the device stopped (the adapters are closed by their owner)."""
        now = self._now()
        self.dispatch(DeadlineReached(now.at, now.wall))
        self._commit(self.state, shutdown(self.state, now), now.at)
        self._record(DeviceRecord(now.wall, "stop", reason))

    def dispatch(self, event: Event) -> None:
        """Apply one event and carry out what it causes."""
        state, effects = step(self.state, event, self._config)
        self._commit(state, effects, event.at)

    def deadline(self) -> float | None:
        """The earliest moment the loop must wake, inputs aside."""
        times = [next_deadline(self.state, self._config)]
        times += [adapter.deadline() for adapter in self._serviced]
        present = [t for t in times if t is not None]
        return min(present) if present else None

    def wake(self) -> None:
        """Handle whatever is due now: adapter housekeeping, then the core's deadline."""
        now = self._now()
        for adapter in self._serviced:
            due = adapter.deadline()
            if due is not None and due <= now.at:
                adapter.service(now.at)
        self._show_warnings()
        due = next_deadline(self.state, self._config)
        if due is not None and due <= now.at:
            self.dispatch(DeadlineReached(now.at, now.wall))
            after = next_deadline(self.state, self._config)
            if after is not None and after <= now.at:
                raise StuckDeadlineError(f"core deadline {due:.6f} did not move after handling")

    def run_forever(self, wait: Waiter) -> str:
        """The loop: wait until the next deadline or input, handle it; returns why it ended.

        On the device ``wait`` sleeps on the event queue; in virtual time it moves a fake
        clock to the deadline and ends the run at a given instant with a :class:`Stop`.
        """
        while True:
            item = wait(self.deadline())
            if isinstance(item, Stop):
                return item.reason
            if isinstance(item, Reconfigure):
                self._config = item.config
            if isinstance(item, Event):
                self.dispatch(item)
            self.wake()

    def _now(self) -> Now:
        return Now(self._clock.monotonic(), self._clock.wall())

    def _commit(self, state: DeviceState, effects: list[Effect], at: float) -> None:
        before = self._state.name if self._state is not None else None
        self._state = state
        if self._observer is not None and state.name != before:
            self._observer.state(at, state.name)
        for effect in effects:
            self._carry_out(effect)
            if self._observer is not None:
                self._observer.effect(at, effect)
        # The audio gets ready ahead of the next planned sound (and rests when none is).
        self._audio.expect(state.mode.next_sound_at(state, self._config))
        if self._watchers:
            now = self._now()
            for watcher in self._watchers:
                watcher.follow(state, now)
        self._show_warnings()
        while self._answers:
            self.dispatch(self._answers.pop(0))

    def _record(self, record: Record) -> None:
        for sink in self._sinks:
            sink.append(record)

    def _show_warnings(self) -> None:
        """A log that cannot be written shows as a mark on the screen until it recovers."""
        self._screen.set_warnings(frozenset() if self._store.healthy else STORE_WARNING)

    def _carry_out(self, effect: Effect) -> None:
        match effect:
            case Show(view=view):
                self._screen.show(view)
            case Play() as play:
                self._audio.play(play)
            case Say(text=text):
                self._audio.say(text)
            case Log(record=record):
                if isinstance(record, ErrorRecord):
                    log.warning("%s: %s", record.source, record.message)
                self._record(record)
            case PanelPower(on=on, contrast=contrast):
                self._screen.power(on, contrast)
            case LoadStats():
                now = self._now()
                pages = stats_pages(self._store, now.wall.date(), self._config)
                self._answers.append(StatsLoaded(now.at, now.wall, pages))
