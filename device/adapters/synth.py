"""How each :class:`~device.core.tones.Tone` sounds, synthesised as mono 16-bit PCM.

Pure Python (``array``, ``math``, ``wave``): the device is a Pi Zero with 512 MB, and
numpy would cost more memory than every sound together (about 5 s of audio, 220 KB).

The designs are made to be told apart with the eyes closed, because during a stretch the
head hangs down and the screen is out of sight: breathing in glides up, breathing out
glides down, a vertebra is a short high tick, a new phase is a bright two-note blip, and
the end of the routine is a rising arpeggio. Every note starts and ends on a raised-cosine
fade, so no tone clicks when it starts, stops, or is cut off by the next one.

Nothing is computed at import. :class:`ToneSynth` keeps the samples of the tones it has
made, so a tone costs its synthesis once per process (see :func:`synthesize` for timing).
"""

from __future__ import annotations

import math
import sys
import wave
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from types import MappingProxyType

from device.core.tones import Tone

DEFAULT_RATE = 22050
"""Samples per second: ample for tones under 4 kHz, and half the work of 44.1 kHz."""

HEADROOM = 0.8
"""The loudest tone at volume 1.0 peaks at this fraction of full scale, so mixed or
resampled tones never clip in the sound card."""

FULL_SCALE = 32767


@dataclass(frozen=True, slots=True)
class Note:
    """One voice of a tone: a sine (plus a touch of second harmonic) with its envelope.

    ``freq_end`` makes the pitch glide exponentially from ``freq`` to ``freq_end`` over the
    note (equal musical steps per second, which the ear hears as an even rise). ``decay``
    is the time constant in seconds of an exponential die-away, as a struck bell has;
    0 keeps the level steady. ``attack`` and ``release`` are raised-cosine fades.
    """

    start: float
    length: float
    freq: float
    freq_end: float | None = None
    attack: float = 0.015
    release: float = 0.015
    decay: float = 0.0
    harmonic: float = 0.0
    level: float = 1.0

    @property
    def end(self) -> float:
        return self.start + self.length


@dataclass(frozen=True, slots=True)
class ToneDesign:
    """The notes of one tone and how loud its peak is relative to the loudest tone."""

    notes: tuple[Note, ...]
    loudness: float = 1.0

    @property
    def duration(self) -> float:
        return max(note.end for note in self.notes)


# Pitches in Hz (equal temperament, A4 = 440).
_C4, _G4, _C5, _D5, _E5, _G5 = 261.63, 392.00, 523.25, 587.33, 659.26, 783.99
_B5, _E6, _C7 = 987.77, 1318.51, 2093.00


def _bell(start: float, length: float, freq: float, decay: float) -> Note:
    """A chime note: quick attack, exponential die-away, a soft fade at the very end."""
    return Note(start, length, freq, attack=0.01, release=0.08, decay=decay, harmonic=0.25)


DESIGNS: MappingProxyType[Tone, ToneDesign] = MappingProxyType(
    {
        # Breathing: a slow, soft octave glide; long fades so it swells rather than starts.
        Tone.INHALE: ToneDesign(
            (Note(0.0, 0.9, 330.0, 660.0, attack=0.12, release=0.18, harmonic=0.15),),
            loudness=0.7,
        ),
        Tone.EXHALE: ToneDesign(
            (Note(0.0, 0.9, 660.0, 330.0, attack=0.12, release=0.18, harmonic=0.15),),
            loudness=0.7,
        ),
        # One vertebra: short, high, soft, so a train of them does not tire.
        Tone.TICK: ToneDesign(
            (Note(0.0, 0.04, 1400.0, attack=0.01, release=0.02, decay=0.02),),
            loudness=0.5,
        ),
        # New phase: a bright rising fourth, over in under 0.2 s.
        Tone.PHASE: ToneDesign(
            (
                Note(0.0, 0.07, _B5, attack=0.01, release=0.02, harmonic=0.3),
                Note(0.08, 0.09, _E6, attack=0.01, release=0.03, harmonic=0.3),
            ),
            loudness=0.8,
        ),
        # Done: C-E-G rising, each note ringing on under the next.
        Tone.COMPLETE: ToneDesign(
            (
                _bell(0.0, 0.75, _C5, decay=0.25),
                _bell(0.14, 0.75, _E5, decay=0.25),
                _bell(0.28, 0.9, _G5, decay=0.3),
            ),
        ),
        # Time to stand: a gentle falling "ding-dong" of a major third.
        Tone.REMINDER: ToneDesign(
            (
                _bell(0.0, 0.6, _E5, decay=0.3),
                _bell(0.4, 0.65, _C5, decay=0.3),
            ),
        ),
        Tone.PAUSE: ToneDesign(
            (Note(0.0, 0.28, _G4, release=0.06, decay=0.2, harmonic=0.2),),
            loudness=0.8,
        ),
        Tone.RESUME: ToneDesign(
            (Note(0.0, 0.28, _D5, release=0.06, decay=0.2, harmonic=0.2),),
            loudness=0.8,
        ),
        Tone.STOP: ToneDesign(
            (
                Note(0.0, 0.2, _G4, release=0.05, decay=0.2, harmonic=0.2),
                Note(0.22, 0.3, _C4, release=0.08, decay=0.25, harmonic=0.2),
            ),
            loudness=0.8,
        ),
        # A press was taken: barely there.
        Tone.ACK: ToneDesign(
            (Note(0.0, 0.03, _C7, attack=0.01, release=0.015),),
            loudness=0.4,
        ),
    }
)


def tone_duration(tone: Tone) -> float:
    """How long ``tone`` sounds, in seconds."""
    return DESIGNS[tone].duration


def _render_note(note: Note, rate: int, out: list[float]) -> None:
    """Add ``note`` into ``out`` (floats, unscaled) from its start sample on.

    The phase advances by the current angular frequency every sample and the frequency is
    multiplied by a constant ratio, so a glide is phase-continuous (no jumps, no clicks).
    """
    first = round(note.start * rate)
    count = round(note.length * rate)
    if count < 2:
        return
    step = 2.0 * math.pi * note.freq / rate
    glide = (note.freq_end / note.freq) ** (1.0 / (count - 1)) if note.freq_end else 1.0
    fade_in = max(1, min(round(note.attack * rate), count // 2))
    fade_out = max(1, min(round(note.release * rate), count // 2))
    damping = math.exp(-1.0 / (note.decay * rate)) if note.decay > 0 else 1.0
    harmonic = note.harmonic
    sin, cos, pi = math.sin, math.cos, math.pi
    phase = 0.0
    level = note.level
    last = count - 1
    for i in range(count):
        if i < fade_in:
            gain = level * (0.5 - 0.5 * cos(pi * i / fade_in))
        elif i > last - fade_out:
            gain = level * (0.5 - 0.5 * cos(pi * (last - i) / fade_out))
        else:
            gain = level
        value = sin(phase)
        if harmonic:
            value += harmonic * sin(2.0 * phase)
        out[first + i] += gain * value
        phase += step
        step *= glide
        level *= damping


def _check_volume(volume: float) -> None:
    if not 0.0 <= volume <= 1.0:
        raise ValueError(f"volume {volume} is outside 0.0..1.0")


def synthesize(tone: Tone, rate: int = DEFAULT_RATE, volume: float = 0.5) -> array:
    """The samples of ``tone``: mono, signed 16-bit, at ``rate`` per second.

    The peak is ``volume * HEADROOM * 32767`` times the design's loudness, so volume 0.25
    is a quarter of volume 1.0; the first and last samples are 0 (raised-cosine fades).
    Cost is about 0.3 µs per sample on a desktop CPU (all ten tones, 5.3 s of sound, in
    under 40 ms), expected 20-30 times more on a Pi Zero: use :class:`ToneSynth` so each
    tone is made only once.
    """
    _check_volume(volume)
    design = DESIGNS[tone]
    total = max(round(n.start * rate) + round(n.length * rate) for n in design.notes)
    buffer = [0.0] * total
    for note in design.notes:
        _render_note(note, rate, buffer)
    peak = max(abs(value) for value in buffer) or 1.0
    scale = volume * HEADROOM * design.loudness * FULL_SCALE / peak
    return array("h", [round(value * scale) for value in buffer])


class ToneSynth:
    """Makes tones at one rate and volume, keeping each one after its first use.

    The cache lives in the object (not the module) so that whoever owns the audio owns
    its memory, and a new volume simply means a new ``ToneSynth``.
    """

    def __init__(self, rate: int = DEFAULT_RATE, volume: float = 0.5):
        _check_volume(volume)
        self.rate = rate
        self.volume = volume
        self._made: dict[Tone, array] = {}

    def samples(self, tone: Tone) -> array:
        """The samples of ``tone`` (a shared array: do not modify it)."""
        made = self._made.get(tone)
        if made is None:
            made = self._made[tone] = synthesize(tone, self.rate, self.volume)
        return made


def mix(
    events: Iterable[tuple[float, Tone]],
    total_s: float,
    rate: int = DEFAULT_RATE,
    volume: float = 0.5,
) -> array:
    """A timeline ``total_s`` long with every ``(seconds, tone)`` placed at its time.

    Overlapping tones add up and the sum is clipped to 16 bits; a tone running past the
    end is cut there. Used to write the demo's WAV file.
    """
    if total_s < 0:
        raise ValueError(f"total_s {total_s} is negative")
    synth = ToneSynth(rate, volume)
    length = round(total_s * rate)
    timeline = [0] * length
    for at, tone in events:
        if at < 0:
            raise ValueError(f"{tone} is placed at {at} s, before the start of the timeline")
        first = round(at * rate)
        for offset, value in enumerate(synth.samples(tone)[: max(0, length - first)]):
            timeline[first + offset] += value
    return array("h", [max(-FULL_SCALE - 1, min(FULL_SCALE, value)) for value in timeline])


def write_wav(path: str | PathLike[str], samples: array, rate: int = DEFAULT_RATE) -> None:
    """Write mono signed 16-bit ``samples`` to a WAV file (little-endian, as WAV requires)."""
    if samples.typecode != "h":
        raise ValueError(f"expected 16-bit samples (typecode 'h'), got {samples.typecode!r}")
    data = samples
    if sys.byteorder == "big":
        data = array("h", samples)
        data.byteswap()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(data.tobytes())
