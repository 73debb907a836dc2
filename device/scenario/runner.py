"""Running a parsed scenario on the virtual device and printing what happens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from device.clock import Clock, FakeClock
from device.config import Config
from device.render import Renderer
from device.runtime import StorePort
from device.scenario.harness import VirtualDevice
from device.scenario.output import JsonLines
from device.scenario.script import Action, Script, Step


def run_script(script: Script, config: Config, open_store: Callable[[Clock], StorePort],
               out: TextIO, frames: Path | None = None) -> VirtualDevice:
    """Play ``script`` as fast as the CPU allows; returns the device, stopped and closed.

    The store is opened on the scenario's own clock, so its retries run in virtual time.
    """
    clock = FakeClock(script.start or datetime.now().astimezone())
    store = open_store(clock)
    renderer = Renderer()
    observer = JsonLines(out, clock.monotonic(), frames, renderer)
    device = VirtualDevice.build(config, store, observer=observer, renderer=renderer,
                                 clock=clock)
    play_script(script, device)
    return device


def play_script(script: Script, device: VirtualDevice, reason: str = "scenario end") -> None:
    """Drive ``device`` through every step of ``script``, then stop and close it."""
    try:
        for step in script.steps:
            device.run_until(step.at)
            _perform(device, step)
        device.run_until(script.end)
        device.runtime.stop(reason)
    finally:
        device.close()


def _perform(device: VirtualDevice, step: Step) -> None:
    match step.action:
        case Action.SIT:
            device.sit()
        case Action.STAND:
            device.stand()
        case Action.DOWN:
            device.down()
        case Action.UP:
            device.up()
        case Action.WALLJUMP:
            device.walljump(step.seconds)
