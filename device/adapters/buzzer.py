"""The minimal speaker: a passive piezo on one GPIO pin, through gpiozero ``TonalBuzzer``.

A piezo plays one square-wave pitch at a time, and ``TonalBuzzer`` accepts only pitches
within ``octaves`` of its middle note (A3 to A5, 220 to 880 Hz, by default). So every
tone of :mod:`device.adapters.synth` is turned into a short score of steps, each one
pitch (or a rest) for a duration:

* each note is moved by whole octaves into the buzzer's range (a tune keeps its shape,
  only lower or higher) and then clamped, so no pitch is ever refused;
* a glide becomes a few discrete steps on its exponential curve, rising for INHALE and
  falling for EXHALE, so the breath cues stay told apart with the eyes closed;
* notes that overlap in the design (a chime ringing on under the next) are cut where the
  next one starts, since one pin sounds one pitch.

Nothing here sleeps or starts a thread: each change of pitch is a deadline, and the
runtime loop calls :meth:`BuzzerAudio.service` when :meth:`BuzzerAudio.deadline` is due,
like every other timer of the device.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from gpiozero import GPIOZeroError, TonalBuzzer
from gpiozero.tones import Tone as GpioTone

from device.adapters.synth import DESIGNS, Note, ToneDesign
from device.clock import Clock
from device.closing import ClosesOnExit
from device.core.tones import Tone

GLIDE_STEPS = 8
"""Discrete pitches a glide is played as: enough to hear a slide, few enough that each
step (about 0.11 s of a 0.9 s breath) still sounds as a pitch rather than a buzz."""

DEFAULT_LOW_HZ = 220.0
DEFAULT_HIGH_HZ = 880.0


@dataclass(frozen=True, slots=True)
class BuzzerStep:
    """One pitch held for ``duration`` seconds; ``frequency`` None is a rest."""

    frequency: float | None
    duration: float


def fit_octaves(frequencies: tuple[float, ...], low: float, high: float) -> float:
    """The power of two that moves ``frequencies`` (one note) best into ``low..high``.

    All pitches of a note move together, so a glide keeps its direction and its interval.
    Octaves down until the highest fits, then up until the lowest fits; a note wider than
    the range ends up with its lowest pitch in range (the caller clamps the rest).
    """
    factor = 1.0
    while max(frequencies) * factor > high:
        factor /= 2.0
    while min(frequencies) * factor < low:
        factor *= 2.0
    return factor


def _clamp(frequency: float, low: float, high: float) -> float:
    return min(high, max(low, frequency))


def _note_steps(note: Note, length: float, low: float, high: float,
                glide_steps: int) -> list[BuzzerStep]:
    """``note`` played for ``length`` seconds (it may be cut short by the next note)."""
    pitches = (note.freq,) if note.freq_end is None else (note.freq, note.freq_end)
    factor = fit_octaves(pitches, low, high)
    if note.freq_end is None or glide_steps < 2:
        return [BuzzerStep(_clamp(note.freq * factor, low, high), length)]
    # The glide's exponential curve over the note's full length, sampled at the start of
    # each step; steps past a cut are dropped, as the synthesised glide would be cut too.
    ratio = note.freq_end / note.freq
    step_length = note.length / glide_steps
    steps = []
    for i in range(glide_steps):
        begins = i * step_length
        if begins >= length:
            break
        frequency = note.freq * ratio ** (i / (glide_steps - 1)) * factor
        steps.append(BuzzerStep(_clamp(frequency, low, high),
                                min(step_length, length - begins)))
    return steps


def buzzer_steps(design: ToneDesign, low: float = DEFAULT_LOW_HZ,
                 high: float = DEFAULT_HIGH_HZ,
                 glide_steps: int = GLIDE_STEPS) -> tuple[BuzzerStep, ...]:
    """The score of ``design`` for a one-pitch buzzer whose range is ``low..high`` Hz.

    Notes play in order of their start; a note ends where the next one starts, and a gap
    between notes is a rest. The score ends with the last note's own end.
    """
    if not 0 < low <= high:
        raise ValueError(f"buzzer range {low}..{high} Hz is empty")
    notes = sorted(design.notes, key=lambda note: note.start)
    steps: list[BuzzerStep] = []
    at = 0.0
    for index, note in enumerate(notes):
        if note.start > at:
            steps.append(BuzzerStep(None, note.start - at))
        following = notes[index + 1].start if index + 1 < len(notes) else note.end
        length = min(note.end, following) - note.start
        if length > 0:
            steps.extend(_note_steps(note, length, low, high, glide_steps))
        at = max(at, note.start + max(length, 0.0))
    return tuple(steps)


def pin_errors() -> tuple[type[BaseException], ...]:
    """What claiming a pin may raise: gpiozero's own errors, the OS's, and lgpio's.

    lgpio reports a pin held by another process as ``lgpio.error`` ("GPIO busy"), which
    gpiozero passes on unwrapped; lgpio exists only on a Pi, so it is looked up lazily.
    """
    errors: tuple[type[BaseException], ...] = (GPIOZeroError, OSError)
    try:
        import lgpio  # type: ignore[import-not-found]
    except ImportError:
        return errors
    return (*errors, lgpio.error)


class BuzzerAudio(ClosesOnExit):
    """Plays tones on a passive piezo at BCM ``pin``; the ``buzzer`` audio backend.

    ``volume`` 0 keeps the buzzer silent and leaves the pin unclaimed; any other volume
    plays at the piezo's one loudness (it has no volume control but on and off). A pin
    that cannot be claimed is logged once, naming the pin and the fix, and the adapter
    stays silent: a missing buzzer must not stop the reminders on the screen.
    """

    def __init__(self, pin: int, clock: Clock, volume: float, pin_factory: Any = None,
                 logger: logging.Logger | None = None, glide_steps: int = GLIDE_STEPS):
        self._pin = pin
        self._clock = clock
        self._log = logger or logging.getLogger(__name__)
        self._glide_steps = glide_steps
        self._scores: dict[Tone, tuple[BuzzerStep, ...]] = {}
        self._score: tuple[BuzzerStep, ...] = ()
        self._index = 0
        self._step_ends = 0.0  # monotonic time the current step ends
        self._closed = False
        self._buzzer: TonalBuzzer | None = None
        if volume > 0:
            self._buzzer = self._claim(pin_factory)

    @property
    def silent(self) -> bool:
        """True when nothing can sound: volume 0, an unclaimable pin, or closed."""
        return self._buzzer is None or self._closed

    @property
    def range_hz(self) -> tuple[float, float]:
        """The lowest and highest pitch the buzzer plays (the defaults when silent)."""
        if self._buzzer is None:
            return DEFAULT_LOW_HZ, DEFAULT_HIGH_HZ
        return self._buzzer.min_tone.frequency, self._buzzer.max_tone.frequency

    def score(self, tone: Tone) -> tuple[BuzzerStep, ...]:
        """The steps ``tone`` is played as on this buzzer (made once per tone)."""
        made = self._scores.get(tone)
        if made is None:
            low, high = self.range_hz
            made = self._scores[tone] = buzzer_steps(DESIGNS[tone], low, high,
                                                     self._glide_steps)
        return made

    def play(self, tone: Tone) -> None:
        """Start ``tone`` now, cutting off any tone still playing."""
        if self.silent:
            return
        self._score = self.score(tone)
        self._step_ends = self._clock.monotonic() + self._score[0].duration
        self._sound(0)

    def deadline(self) -> float | None:
        if self.silent or self._index >= len(self._score):
            return None
        return self._step_ends

    def service(self, now: float) -> None:
        """Move on to the step sounding at ``now``, skipping any a late call has missed."""
        if self.silent:
            return
        index = self._index
        while index < len(self._score) and now >= self._step_ends:
            index += 1
            if index < len(self._score):
                self._step_ends += self._score[index].duration
        if index != self._index:
            self._sound(index)

    def close(self) -> None:
        """Silence the buzzer and free its pin; calling it again does nothing."""
        if self._closed:
            return
        self._closed = True
        if self._buzzer is not None:
            self._buzzer.close()

    def _sound(self, index: int) -> None:
        """Sound step ``index`` of the score: its pitch, a rest, or quiet past the end."""
        assert self._buzzer is not None
        self._index = index
        frequency = self._score[index].frequency if index < len(self._score) else None
        if frequency is None:
            self._buzzer.stop()
        else:
            # from_frequency, not Tone(x): gpiozero reads a bare number below 128 as MIDI.
            self._buzzer.play(GpioTone.from_frequency(frequency))

    def _claim(self, pin_factory: Any) -> TonalBuzzer | None:
        try:
            return TonalBuzzer(self._pin, pin_factory=pin_factory)
        except pin_errors() as exc:
            self._log.warning(
                "audio: cannot use BCM %d for the buzzer (%s: %s); running silent. Check "
                "[pins] buzzer in the config, that no other program holds the pin, and "
                "that the user is in the gpio group (python3-lgpio installed)",
                self._pin, type(exc).__name__, exc)
            return None


__all__ = [
    "GLIDE_STEPS",
    "BuzzerAudio",
    "BuzzerStep",
    "buzzer_steps",
    "fit_octaves",
    "pin_errors",
]
