"""The minimal speaker: a passive piezo on one GPIO pin, through gpiozero ``TonalBuzzer``.

A piezo disc is loud only near its resonance, 2-4 kHz; at 3.3 V the 220-880 Hz that
``TonalBuzzer`` offers by default is barely audible. So the buzzer is built around
``PIEZO_MID_HZ`` and every tone of :mod:`unslump.edges.audio.synth` is turned into a short
score of steps inside ``PIEZO_LOW_HZ..PIEZO_HIGH_HZ`` (one octave), each step one pitch
(or a rest) for a duration:

* each note is moved by whole octaves into that range (a tune keeps its shape, only
  higher) and then clamped, so no pitch is ever refused;
* a glide becomes a few discrete steps on its exponential curve;
* a breath sound becomes a train of short chirps through the whole breath, rising for
  the in-breath and falling for the out-breath: a piezo has no loudness control, and a
  steady 3 kHz whine for six seconds would be hard to bear for three minutes;
* notes that overlap in the design (a chime ringing on under the next) are cut where the
  next one starts, since one pin sounds one pitch.

Sounds due together queue (:class:`~unslump.edges.audio.sequencer.Lane`): the phase sound, then
the breath, each heard whole. Nothing here sleeps or starts a thread: each change of pitch
is a deadline, and the runtime loop calls :meth:`BuzzerAudio.service` when
:meth:`BuzzerAudio.deadline` is due, like every other timer of the device.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from gpiozero import TonalBuzzer
from gpiozero.tones import Tone as GpioTone

from unslump.core.effects import Play
from unslump.core.tones import BREATH_COVER, BREATH_TONES, Tone
from unslump.edges.audio.sequencer import Lane, Slot
from unslump.edges.audio.synth import DEFAULT_BREATH_S, Note, ToneDesign, design_for
from unslump.edges.system.gpio_holders import pin_errors
from unslump.ports import Clock, ClosesOnExit

GLIDE_STEPS = 8
"""Discrete pitches a glide is played as: enough to hear a slide, few enough that each
step still sounds as a pitch rather than a buzz."""

PIEZO_MID_HZ = 2828.0
"""The buzzer's middle note: the geometric middle of a piezo's loud 2-4 kHz."""

PIEZO_LOW_HZ = 2000.0
PIEZO_HIGH_HZ = 4000.0

CHIRP_EVERY_S = 0.5
CHIRP_S = 0.1
"""A breath sound on the piezo: a ``CHIRP_S`` chirp every ``CHIRP_EVERY_S`` of the breath."""


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


def buzzer_steps(design: ToneDesign, low: float = PIEZO_LOW_HZ,
                 high: float = PIEZO_HIGH_HZ,
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


def breath_steps(tone: Tone, length_s: float, low: float = PIEZO_LOW_HZ,
                 high: float = PIEZO_HIGH_HZ) -> tuple[BuzzerStep, ...]:
    """A breath sound of ``length_s`` as chirps through it: rising in, falling out."""
    count = max(2, round(length_s / CHIRP_EVERY_S))
    every = length_s / count
    chirp = min(CHIRP_S, every / 2)
    steps: list[BuzzerStep] = []
    for i in range(count):
        rise = i / (count - 1)
        share = rise if tone is Tone.INHALE else 1.0 - rise
        steps.append(BuzzerStep(low * (high / low) ** share, chirp))
        steps.append(BuzzerStep(None, every - chirp))
    return tuple(steps)


class BuzzerAudio(ClosesOnExit):
    """Plays tones on a passive piezo at BCM ``pin``; the ``buzzer`` audio backend.

    ``volume`` 0 keeps the buzzer silent and leaves the pin unclaimed; any other volume
    plays at the piezo's one loudness (it has no volume control but on and off). A pin
    that cannot be claimed is logged once, naming the pin and the fix, and the adapter
    stays silent: a missing buzzer must not stop the reminders on the screen.
    ``breath`` is the ``[audio] breath`` style: "marks" plays the short glides.
    """

    def __init__(self, pin: int, clock: Clock, volume: float, pin_factory: Any = None,
                 logger: logging.Logger | None = None, glide_steps: int = GLIDE_STEPS,
                 breath: str = "swell"):
        self._pin = pin
        self._clock = clock
        self._log = logger or logging.getLogger(__name__)
        self._glide_steps = glide_steps
        self._breath = breath
        self._scores: dict[tuple[Tone, float | None], tuple[BuzzerStep, ...]] = {}
        self._lane = Lane()
        self._slot: Slot | None = None  # the sound under way
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
        """The lowest and highest pitch the scores use: the piezo's loud band, within what
        the buzzer accepts."""
        if self._buzzer is None:
            return PIEZO_LOW_HZ, PIEZO_HIGH_HZ
        return (max(PIEZO_LOW_HZ, self._buzzer.min_tone.frequency),
                min(PIEZO_HIGH_HZ, self._buzzer.max_tone.frequency))

    def score(self, play: Play) -> tuple[BuzzerStep, ...]:
        """The steps ``play`` is played as on this buzzer (made once per sound)."""
        stretch = play.tone in BREATH_TONES and self._breath == "swell"
        key = (play.tone, play.length_s if stretch else None)
        made = self._scores.get(key)
        if made is None:
            low, high = self.range_hz
            if stretch:
                made = breath_steps(play.tone, play.length_s or _default_breath(play.tone),
                                    low, high)
            else:
                made = buzzer_steps(design_for(play.tone, None, self._breath), low, high,
                                    self._glide_steps)
            self._scores[key] = made
        return made

    def play(self, play: Play) -> None:
        """Queue ``play`` behind whatever sounds (a ``cut`` silences that first)."""
        if self.silent:
            return
        now = self._clock.monotonic()
        score = self.score(play)
        if play.cut and self._slot is not None:
            self._slot = None
            self._sound(None)
        self._lane.add(now, play, sum(step.duration for step in score))
        self.service(now)

    def expect(self, at: float | None) -> None:
        """Nothing to get ready: the pin is claimed for the life of the service."""

    def say(self, text: str) -> None:
        """A piezo cannot speak: its tones carry the routine alone."""

    def deadline(self) -> float | None:
        if self.silent:
            return None
        if self._slot is not None:
            return self._step_ends
        return self._lane.next_start()

    def service(self, now: float) -> None:
        """Move on to the step sounding at ``now``, skipping any a late call has missed;
        when a sound is over, start the next one queued."""
        if self.silent:
            return
        while True:
            if self._slot is not None:
                index = self._index
                while index < len(self._score) and now >= self._step_ends:
                    index += 1
                    if index < len(self._score):
                        self._step_ends += self._score[index].duration
                if index < len(self._score):
                    if index != self._index:
                        self._index = index
                        self._sound(self._score[index].frequency)
                    return
                self._slot = None
                self._sound(None)
            started = self._lane.due(now)
            if not started:
                self._lane.forget_before(now)
                return
            # The lane starts one sound when the previous one ends, so at most one is due
            # per pass; a late call starts it from its planned start and catches up.
            slot = started[0]
            self._slot, self._score, self._index = slot, self.score(slot.play), 0
            self._step_ends = slot.start + self._score[0].duration
            self._sound(self._score[0].frequency)

    def close(self) -> None:
        """Silence the buzzer and free its pin; calling it again does nothing."""
        if self._closed:
            return
        self._closed = True
        if self._buzzer is not None:
            self._buzzer.close()

    def _sound(self, frequency: float | None) -> None:
        """Sound ``frequency`` (None: a rest, or quiet after the end)."""
        assert self._buzzer is not None
        if frequency is None:
            self._buzzer.stop()
        else:
            # from_frequency, not Tone(x): gpiozero reads a bare number below 128 as MIDI.
            self._buzzer.play(GpioTone.from_frequency(frequency))

    def _claim(self, pin_factory: Any) -> TonalBuzzer | None:
        try:
            return TonalBuzzer(self._pin, mid_tone=GpioTone.from_frequency(PIEZO_MID_HZ),
                               octaves=1, pin_factory=pin_factory)
        except pin_errors() as exc:
            self._log.warning(
                "audio: cannot use BCM %d for the buzzer (%s: %s); running silent. Check "
                "[pins] buzzer in the config, that no other program holds the pin, and "
                "that the user is in the gpio group (python3-lgpio installed)",
                self._pin, type(exc).__name__, exc)
            return None


def _default_breath(tone: Tone) -> float:
    return DEFAULT_BREATH_S[tone] * BREATH_COVER


__all__ = [
    "GLIDE_STEPS",
    "PIEZO_HIGH_HZ",
    "PIEZO_LOW_HZ",
    "PIEZO_MID_HZ",
    "BuzzerAudio",
    "BuzzerStep",
    "breath_steps",
    "buzzer_steps",
    "fit_octaves",
    "pin_errors",
]
