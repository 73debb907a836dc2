"""With no usable GPIO library the device waits for one instead of exiting.

Under systemd an exit costs more than it seems: the unit restarts five times in ten
minutes and then stays ``failed`` for good (``StartLimitBurst=``), and ``make install``'s
restart fails with it, although the fix (installing python3-lgpio, adding the user to a
group) needs no restart of anything but the service. So before the device is assembled
its pins are tried; if no GPIO library loads at all, the process stays up: it tells
systemd READY=1 with ``STATUS=GPIO unavailable: run unslump doctor``, keeps feeding the
watchdog, shows the same words on the panel, records the error in the break log, and
tries the pins again every :data:`RETRY_S`. When they open, the normal device starts in
the same process. A pin that exists but cannot be claimed is a config error and still
ends the start (it needs the config fixed, not a wait).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image

from unslump.config.file import Config
from unslump.core.records import ErrorRecord
from unslump.core.views import BlankView
from unslump.edges.clock import Clock
from unslump.edges.display.oled import PanelOpener, Screen
from unslump.edges.inputs.gpio import GpioInputs
from unslump.edges.store.sqlite import SqliteStore
from unslump.edges.system.watchdog import WatchdogPinger
from unslump.errors import GpioUnavailableError, StoreError
from unslump.ports import Serviced, Stop, Waiter
from unslump.render.canvas import Canvas, text
from unslump.render.fonts import Fonts

log = logging.getLogger(__name__)

MESSAGE = "GPIO unavailable: run unslump doctor"
RETRY_S = 60.0


class StatusNotifier(Protocol):
    """What the wait tells systemd (unslump.edges.system.sd_notify.Notifier in the service)."""

    def ready(self) -> bool: ...
    def status(self, text: str) -> bool: ...
    def watchdog(self) -> bool: ...
    def watchdog_interval(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class GpioUnavailableView:
    """The one screen of the wait: the two lines of :data:`MESSAGE`."""

    lines: tuple[str, ...] = ("GPIO unavailable:", "run unslump doctor")


LINE_PITCH = 14  # rows per line of the 6x12 body font, with a gap


class WaitRenderer:
    """Draws the wait's screen, and the blank one the Screen shows when it closes, at the
    panel's size: its lines centred both ways, so it needs no layout per height."""

    def __init__(self, fonts: Fonts | None = None, canvas: Canvas | None = None) -> None:
        self._fonts = fonts or Fonts.load()
        self._canvas = canvas or Canvas()

    def __call__(self, view: GpioUnavailableView | BlankView) -> Image.Image:
        canvas = self._canvas
        image, draw = canvas.blank()
        if isinstance(view, GpioUnavailableView):
            top = (canvas.height - LINE_PITCH * len(view.lines)) // 2
            for row, line in enumerate(view.lines):
                text(draw, (canvas.width // 2, top + row * LINE_PITCH), line, self._fonts.body,
                     align="center")
        elif not isinstance(view, BlankView):
            raise TypeError(f"no wait screen is drawn for {type(view).__name__}")
        return image


def probe_gpio(config: Config, clock: Clock) -> None:
    """Claim and release the button and seat pins; raises GpioUnavailableError."""
    GpioInputs(config.pins, clock, lambda event: None).close()


def record_error(db: Path, clock: Clock, message: str) -> None:
    """Put the error in the break log, so `unslump export` shows why the day has no data."""
    try:
        store = SqliteStore.open(db, logger=log, clock=clock)
    except (StoreError, OSError) as exc:
        log.warning("could not record the GPIO error in %s: %s", db, exc)
        return
    with store:
        store.append(ErrorRecord(clock.wall(), "gpio", message))


def wait_for_gpio(probe: Callable[[], None], *, clock: Clock, notifier: StatusNotifier,
                  wait: Waiter, screen: Screen[GpioUnavailableView], record: Callable[[str], None],
                  retry_s: float = RETRY_S) -> str | None:
    """Return None once ``probe`` passes, or the reason of a Stop that came first.

    Returns at once when the first probe passes, having told nobody anything.
    """
    try:
        probe()
        return None
    except GpioUnavailableError as exc:
        log.error("%s; %s; trying again every %.0f s", exc, MESSAGE, retry_s)
        record(str(exc))
    notifier.ready()
    notifier.status(MESSAGE)
    screen.show(GpioUnavailableView())
    serviced: list[Serviced] = [WatchdogPinger(notifier, clock), screen]
    next_try = clock.monotonic() + retry_s
    while True:
        due = [next_try, *(d for part in serviced if (d := part.deadline()) is not None)]
        item = wait(min(due))
        if isinstance(item, Stop):
            return item.reason
        now = clock.monotonic()
        for part in serviced:
            deadline = part.deadline()
            if deadline is not None and deadline <= now:
                part.service(now)
        if now < next_try:
            continue
        try:
            probe()
        except GpioUnavailableError:
            next_try = now + retry_s
            continue
        log.info("GPIO library loads now; starting the device")
        notifier.status("running")
        return None


def wait_until_gpio_loads(config: Config, clock: Clock, notifier: StatusNotifier,
                          wait: Waiter, open_panel: PanelOpener, db: Path) -> str | None:
    """:func:`wait_for_gpio` with the real pins, panel and log; the panel is let go after."""
    try:
        probe_gpio(config, clock)
        return None
    except GpioUnavailableError:
        pass
    renderer = WaitRenderer(canvas=Canvas(config.display.width, config.display.height))
    screen: Screen[GpioUnavailableView] = Screen(open_panel, renderer, clock,
                                                 persist=False, logger=log)
    try:
        return wait_for_gpio(lambda: probe_gpio(config, clock), clock=clock,
                             notifier=notifier, wait=wait, screen=screen,
                             record=lambda message: record_error(db, clock, message))
    finally:
        screen.close()
