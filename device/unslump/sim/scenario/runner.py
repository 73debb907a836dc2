"""Running a parsed scenario on the virtual device and printing what happens."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from unslump.config.file import Config
from unslump.edges.clock import Clock, FakeClock, SystemClock
from unslump.edges.inputs.gpio import drive_mock_seat
from unslump.ports import Store
from unslump.render import Renderer, panel_canvas
from unslump.sim.scenario.harness import VirtualDevice
from unslump.sim.scenario.output import JsonLines
from unslump.sim.scenario.script import Action, Move, Script

log = logging.getLogger(__name__)

DRAIN_S = 5.0
"""At its end a scenario with ``[mqtt]`` waits at most this long for the outbox to drain."""

Boot = Callable[[VirtualDevice], VirtualDevice]
"""Starts a fresh device after a power cut, from the one that died (its pins and clock)."""


def run_script(script: Script, config: Config, open_store: Callable[[Clock], Store],
               out: TextIO, frames: Path | None = None) -> VirtualDevice:
    """Play ``script`` as fast as the CPU allows; returns the last device, stopped and closed.

    The store is opened on the scenario's own clock, so its retries run in virtual time;
    each ``boot`` opens it again, on the same file, as a restarted device does.
    """
    start = script.start or SystemClock().wall().replace(tzinfo=None)  # naive: local, TZ's
    clock = FakeClock(start)
    renderer = Renderer(canvas=panel_canvas(config))
    observer = JsonLines(out, clock.monotonic(), frames, renderer, config.audio.breath)
    device = VirtualDevice.build(config, open_store(clock), observer=observer,
                                 renderer=renderer, clock=clock)

    def boot(dead: VirtualDevice) -> VirtualDevice:
        observer.note(clock.monotonic(), "power", what="boot")
        return dead.boot_again(open_store(clock), observer=observer, renderer=renderer)

    def cut(at: float) -> None:
        observer.note(at, "power", what="cut")

    return play_script(script, device, boot=boot, on_cut=cut)


def play_script(script: Script, device: VirtualDevice, reason: str = "scenario end", *,
                boot: Boot | None = None,
                on_cut: Callable[[float], None] | None = None) -> VirtualDevice:
    """Drive ``device`` through every move of ``script``, then stop and close it.

    A ``power-cut`` abandons the device where it stands; until the next ``boot`` time runs
    on and the moves only drive the pins. Returns the device running at the end.
    """
    powered = True
    try:
        for move in script.moves:
            _run_to(device, move.at, powered)
            if move.action is Action.POWER_CUT:
                device.cut_power()
                powered = False
                if on_cut is not None:
                    on_cut(device.clock.monotonic())
            elif move.action is Action.BOOT:
                if boot is None:
                    raise ValueError("this scenario boots the device again, but no way to "
                                     "start one was given")
                device, powered = boot(device), True
            elif powered:
                _perform(device, move)
            else:
                _move_pins(device, move)
        _run_to(device, script.end, powered)
        if powered:
            device.runtime.stop(reason)
            left = device.drain(DRAIN_S)
            if left:
                log.warning("mqtt: %d rows still in the outbox after %.0f s; they go with the "
                            "next start on this log", left, DRAIN_S)
    finally:
        if powered:
            device.close()
    return device


def _run_to(device: VirtualDevice, at: float, powered: bool) -> None:
    if powered:
        device.run_until(at)
    else:
        device.clock.advance_to(device.origin + at)


def _perform(device: VirtualDevice, move: Move) -> None:
    match move.action:
        case Action.SIT:
            device.sit()
        case Action.STAND:
            device.stand()
        case Action.DOWN:
            device.down()
        case Action.UP:
            device.up()
        case Action.WALLJUMP:
            device.walljump(move.seconds)


def _move_pins(device: VirtualDevice, move: Move) -> None:
    """What a move does while the device is off: the pins and the wall clock still move."""
    button = device.factory.pin(device.config.pins.button)
    match move.action:
        case Action.SIT | Action.STAND:
            drive_mock_seat(device.factory, device.config.pins, move.action is Action.SIT)
        case Action.DOWN:
            button.drive_low()
        case Action.UP:
            button.drive_high()
        case Action.WALLJUMP:
            device.walljump(move.seconds)
