"""The speaker: one small interface, and the backends ``[audio] backend`` chooses from.

The core only names sounds (:class:`~unslump.core.effects.Play`); a backend turns them
into sound:

* ``pygame``: the player process (:mod:`unslump.edges.audio.player_client`), so the service
  itself never imports pygame and costs nothing while silent;
* ``buzzer``: a passive piezo on a GPIO pin (:mod:`unslump.edges.audio.buzzer`);
* ``none``: silence. :class:`RecordingAudio` stands in for tests and scenarios.

Every backend queues sounds due together (:mod:`unslump.edges.audio.sequencer`) and never raises
for a missing device: a device without sound still reminds on the screen.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from unslump.config.file import AudioConfig
from unslump.core.effects import Play
from unslump.core.tones import Tone
from unslump.errors import ConfigError
from unslump.ports import Audio, Clock, ClosesOnExit

BACKENDS = ("pygame", "buzzer", "none")
"""The names ``make_audio`` accepts (the config key ``audio.backend``)."""


class NullAudio(ClosesOnExit):
    """The ``none`` backend: a device without a speaker."""

    def play(self, play: Play) -> None:
        pass

    def expect(self, at: float | None) -> None:
        pass

    def say(self, text: str) -> None:
        pass

    def deadline(self) -> float | None:
        return None

    def service(self, now: float) -> None:
        pass

    def close(self) -> None:
        pass


class RecordingAudio(ClosesOnExit):
    """Remembers every sound with the monotonic time it was asked for, for tests and scenarios.

    ``plays`` is a list of ``(monotonic seconds, Play)`` and ``played`` the same with the
    tone alone, ``said`` the phrases asked for; sounds asked for after :meth:`close` are
    not recorded, as a real speaker would not sound them. ``expected`` is the last planned
    time the runtime passed on.
    """

    def __init__(self, clock: Clock):
        self._clock = clock
        self._closed = False
        self.plays: list[tuple[float, Play]] = []
        self.said: list[tuple[float, str]] = []
        self.expected: float | None = None

    @property
    def played(self) -> list[tuple[float, Tone]]:
        return [(at, play.tone) for at, play in self.plays]

    @property
    def tones(self) -> list[Tone]:
        """The tones alone, in the order played."""
        return [play.tone for _, play in self.plays]

    def play(self, play: Play) -> None:
        if not self._closed:
            self.plays.append((self._clock.monotonic(), play))

    def expect(self, at: float | None) -> None:
        self.expected = at

    def say(self, text: str) -> None:
        if not self._closed:
            self.said.append((self._clock.monotonic(), text))

    def deadline(self) -> float | None:
        return None

    def service(self, now: float) -> None:
        pass

    def close(self) -> None:
        self._closed = True


def make_audio(
    config: AudioConfig,
    clock: Clock,
    logger: logging.Logger | None = None,
    *,
    buzzer_pin: int | None = None,
    pin_factory: Any = None,
    breaths: Sequence[Play] = (),
    phrases: Mapping[str, Path] | None = None,
    sound_cache: Path | None = None,
    first_cues: Sequence[Tone] = (),
) -> Audio:
    """The audio adapter named by the config key ``audio.backend``.

    ``breaths`` are the breath sounds the routine will ask for (the player makes them
    ahead of need, keeping them in ``sound_cache``); ``phrases`` the spoken cues' WAV files
    (voice on, pygame only). ``first_cues`` are the sounds a press can start with: with
    ``sound_cache``, they are written there as WAV files for ``aplay``, which plays one
    asked for while no player runs (pygame only).
    ``buzzer_pin`` (BCM, the config key ``pins.buzzer``; the pin map's default when None)
    and ``pin_factory`` (gpiozero's, None for its default) are used by ``buzzer`` only.
    """
    backend = config.backend
    if backend == "pygame":
        from unslump.edges.audio.first_cue import FirstCues
        from unslump.edges.audio.player_client import (
            PlayerAudio,
            cue_write_command,
            player_command,
        )

        command = player_command(config.volume, config.breath, breaths, sound_cache)
        cues = None
        if sound_cache is not None and first_cues:
            cues = FirstCues.found(sound_cache, config.volume, first_cues, cue_write_command(
                config.volume, config.breath, first_cues, sound_cache), logger)
            cues.write()
        return PlayerAudio(clock, command, logger, phrases=phrases, cues=cues)
    if backend == "buzzer":
        # Imported here: gpiozero is needed only by this backend.
        from unslump.config.pins import default_pins
        from unslump.edges.audio.buzzer import BuzzerAudio

        pin = default_pins().buzzer_bcm if buzzer_pin is None else buzzer_pin
        return BuzzerAudio(pin, clock, config.volume, pin_factory=pin_factory, logger=logger,
                           breath=config.breath)
    if backend == "none":
        return NullAudio()
    choices = " or ".join(f'"{name}"' for name in BACKENDS)
    raise ConfigError(f'audio.backend = "{backend}" is not a known backend: use {choices}')


__all__ = [
    "BACKENDS",
    "Audio",
    "NullAudio",
    "RecordingAudio",
    "make_audio",
]
