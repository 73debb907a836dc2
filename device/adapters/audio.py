"""The speaker: one small interface, a pygame implementation, a recorder and a silent one.

The core only names tones (:class:`~device.core.tones.Tone`); this adapter turns them into
sound. Three things shape :class:`PygameAudio`, all found on the Pi:

* pygame costs memory and start-up time, so it is imported only when the first tone is
  due, and ``SDL_NO_SIGNAL_HANDLERS`` is set first (an initialised mixer otherwise
  swallows SIGTERM and systemd has to kill the service).
* An open audio device wakes the process about 50 times a second even in silence, so the
  mixer is closed once it has been quiet for ``idle_close_s``; the runtime loop learns
  when through :meth:`~PygameAudio.deadline` and calls :meth:`~PygameAudio.service`.
* A missing sound card must not stop the reminders: the adapter logs one warning naming
  the fix and stays silent.
"""

from __future__ import annotations

import importlib
import logging
import os
from array import array
from types import ModuleType
from typing import Any, Protocol

from device.adapters.synth import DEFAULT_RATE, ToneSynth, tone_duration
from device.clock import Clock
from device.closing import ClosesOnExit
from device.core.tones import Tone
from device.errors import ConfigError

BACKENDS = ("pygame", "buzzer", "none")
"""The names ``make_audio`` accepts (the config key ``audio.backend``)."""


class Audio(Protocol):
    """What the runtime needs from a speaker."""

    def play(self, tone: Tone) -> None:
        """Start ``tone`` now and return at once (never raises for a missing device)."""

    def deadline(self) -> float | None:
        """The monotonic time the adapter next needs :meth:`service`, or None."""

    def service(self, now: float) -> None:
        """Housekeeping due at or after :meth:`deadline`."""

    def close(self) -> None:
        """Release the device; calling it again does nothing."""


class NullAudio(ClosesOnExit):
    """The ``none`` backend: a device without a speaker."""

    def play(self, tone: Tone) -> None:
        pass

    def deadline(self) -> float | None:
        return None

    def service(self, now: float) -> None:
        pass

    def close(self) -> None:
        pass


class RecordingAudio(ClosesOnExit):
    """Remembers every tone with the monotonic time it was asked for, for tests and scenarios.

    ``played`` is a list of ``(monotonic seconds, tone)``; tones asked for after
    :meth:`close` are not recorded, as a real speaker would not sound them.
    """

    def __init__(self, clock: Clock):
        self._clock = clock
        self._closed = False
        self.played: list[tuple[float, Tone]] = []

    @property
    def tones(self) -> list[Tone]:
        """The tones alone, in the order played."""
        return [tone for _, tone in self.played]

    def play(self, tone: Tone) -> None:
        if not self._closed:
            self.played.append((self._clock.monotonic(), tone))

    def deadline(self) -> float | None:
        return None

    def service(self, now: float) -> None:
        pass

    def close(self) -> None:
        self._closed = True


def resample(samples: array, src_rate: int, dst_rate: int) -> array:
    """``samples`` (signed 16-bit) at ``dst_rate``, by linear interpolation.

    Linear interpolation is enough here: the tones are below 3 kHz and the usual change is
    22050 to 44100 or 48000 Hz, an upsampling that adds no aliasing.
    """
    if src_rate == dst_rate or len(samples) < 2:
        return array("h", samples)
    count = max(2, round(len(samples) * dst_rate / src_rate))
    step = (len(samples) - 1) / (count - 1)
    out = array("h", bytes(2 * count))
    last = len(samples) - 1
    for i in range(count):
        position = i * step
        left = int(position)
        if left >= last:
            out[i] = samples[last]
            continue
        fraction = position - left
        out[i] = round(samples[left] + (samples[left + 1] - samples[left]) * fraction)
    return out


def to_mixer_format(samples: array, rate: int, mixer: tuple[int, int, int]) -> bytes:
    """Mono signed 16-bit ``samples`` at ``rate`` as raw PCM for a mixer opened as ``mixer``.

    ``mixer`` is ``pygame.mixer.get_init()``: (frequency, size, channels), where size is
    the bits per sample, negative when signed; pygame reports its 32-bit float format as
    -32. ``Sound(buffer=...)`` takes bytes in exactly that format, native byte order.
    """
    frequency, size, channels = mixer
    mono = resample(samples, rate, frequency)
    converted: array
    if size == -16:
        converted = mono
    elif size == 16:
        converted = array("H", [value + 32768 for value in mono])
    elif size == -8:
        converted = array("b", [value >> 8 for value in mono])
    elif size == 8:
        converted = array("B", [(value >> 8) + 128 for value in mono])
    elif size in (-32, 32):
        converted = array("f", [value / 32768.0 for value in mono])
    else:
        raise ValueError(f"unsupported mixer sample size {size}")
    if channels > 1:
        interleaved = array(converted.typecode)
        for value in converted:
            interleaved.extend((value,) * channels)
        converted = interleaved
    return converted.tobytes()


class PygameAudio(ClosesOnExit):
    """Plays tones through ``pygame.mixer``, opening it on demand and closing it when idle.

    ``volume`` (0..1) is baked into the synthesised samples; ``rate`` is the rate asked of
    the mixer (it may grant another, which is then resampled to). The mixer is closed
    ``idle_close_s`` after the last tone has ended; :meth:`deadline` says when.
    """

    def __init__(
        self,
        clock: Clock,
        volume: float,
        rate: int = DEFAULT_RATE,
        logger: logging.Logger | None = None,
        idle_close_s: float = 2.0,
    ):
        self._clock = clock
        self._synth = ToneSynth(rate, volume)
        self._rate = rate
        self._log = logger or logging.getLogger(__name__)
        self._idle_close_s = idle_close_s
        self._pygame: ModuleType | None = None
        self._mixer: tuple[int, int, int] | None = None  # get_init() while open
        self._sounds: dict[Tone, Any] = {}  # pygame Sounds, valid while the mixer is open
        self._quiet_from = 0.0  # monotonic time the last tone ends
        self._silent = False  # the device failed once: no more attempts
        self._closed = False

    @property
    def is_open(self) -> bool:
        """True while the mixer holds the sound device."""
        return self._mixer is not None

    def play(self, tone: Tone) -> None:
        if self._closed or self._silent:
            return
        now = self._clock.monotonic()
        try:
            pygame, mixer = self._open()
            sound = self._sounds.get(tone)
            if sound is None:
                pcm = to_mixer_format(self._synth.samples(tone), self._rate, mixer)
                sound = self._sounds[tone] = pygame.mixer.Sound(buffer=pcm)
            # pygame keeps a reference to a playing Sound, so it is safe to drop ours
            sound.play()
        except (ImportError, RuntimeError, OSError, ValueError) as exc:
            # pygame.error is a RuntimeError; ImportError means pygame is not installed;
            # ValueError is a mixer format we cannot feed. None may stop the reminders.
            self._go_silent(exc)
            return
        self._quiet_from = max(self._quiet_from, now + tone_duration(tone))

    def deadline(self) -> float | None:
        if self._mixer is None:
            return None
        return self._quiet_from + self._idle_close_s

    def service(self, now: float) -> None:
        due = self.deadline()
        if due is not None and now >= due:
            self._close_mixer()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._close_mixer()

    def _open(self) -> tuple[ModuleType, tuple[int, int, int]]:
        """Import pygame (first time only), open the mixer if closed; return both."""
        if self._pygame is None:
            os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
            os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
            self._pygame = importlib.import_module("pygame")
        pygame = self._pygame
        if self._mixer is None:
            # A short buffer keeps a tone within ~50 ms of its cue; the mixer may still
            # grant another rate or channel count, which to_mixer_format follows.
            pygame.mixer.init(frequency=self._rate, size=-16, channels=1, buffer=1024)
            granted = pygame.mixer.get_init()
            if not granted:
                raise pygame.error("the mixer reported no format after opening")
            self._mixer = granted
            self._log.debug("audio: mixer open at %s", granted)
        return pygame, self._mixer

    def _close_mixer(self) -> None:
        self._sounds.clear()
        if self._mixer is not None and self._pygame is not None:
            self._pygame.mixer.quit()
            self._log.debug("audio: mixer closed")
        self._mixer = None

    def _go_silent(self, exc: BaseException) -> None:
        self._silent = True
        self._log.warning(
            "audio: cannot play through pygame (%s: %s); running silent from now on. "
            "Check that the sound device exists and is free (aplay -l), "
            'or set backend = "none" under [audio] in the config',
            type(exc).__name__,
            exc,
        )
        try:
            self._close_mixer()
        except RuntimeError:  # the device is already broken; the warning above says so
            self._mixer = None


def make_audio(
    backend: str,
    clock: Clock,
    volume: float,
    logger: logging.Logger | None = None,
    *,
    buzzer_pin: int | None = None,
    pin_factory: Any = None,
) -> Audio:
    """The audio adapter named by the config key ``audio.backend``.

    ``buzzer_pin`` (BCM, the config key ``pins.buzzer``; the pin map's default when None)
    and ``pin_factory`` (gpiozero's, None for its default) are used by ``buzzer`` only.
    """
    if backend == "pygame":
        return PygameAudio(clock, volume, logger=logger)
    if backend == "buzzer":
        # Imported here: gpiozero is needed only by this backend.
        from device.adapters.buzzer import BuzzerAudio
        from device.pinmap import default_pins

        pin = default_pins().buzzer_bcm if buzzer_pin is None else buzzer_pin
        return BuzzerAudio(pin, clock, volume, pin_factory=pin_factory, logger=logger)
    if backend == "none":
        return NullAudio()
    choices = " or ".join(f'"{name}"' for name in BACKENDS)
    raise ConfigError(f'audio.backend = "{backend}" is not a known backend: use {choices}')


__all__ = [
    "BACKENDS",
    "Audio",
    "NullAudio",
    "PygameAudio",
    "RecordingAudio",
    "make_audio",
    "resample",
    "to_mixer_format",
]
