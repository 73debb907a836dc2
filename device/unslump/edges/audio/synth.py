"""How each :class:`~unslump.core.tones.Tone` sounds, synthesised as mono 16-bit PCM.

Pure Python (``array``, ``math``, ``wave``): the device is a Pi Zero with 512 MB, and
numpy would cost more memory than every sound together.

The designs are made to be told apart with the eyes closed, because during a stretch the
head hangs down and the screen is out of sight. The breath sounds are soft, low swells
that last the breath they pace: breathing in rises in pitch and loudness to the end of
the in-breath, breathing out falls through the whole out-breath (``[audio] breath =
"marks"`` keeps the older short glides instead). Every phase has a short sound of its own
with a different pitch contour (taps, slides up and down, a low bell, pulses, an open
fifth), a vertebra is a short high tick, a repetition done is a soft pip, and the end of
the routine is a chime that falls to its home note, unlike any in-breath. Every note
starts and ends on a raised-cosine fade, so nothing clicks when it starts, stops, or is
cut off.

Nothing is computed at import. :class:`ToneSynth` keeps the samples it has made, so a
sound costs its synthesis once per process (see :func:`synthesize` for timing).
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

from unslump.core.effects import Play
from unslump.core.tones import BREATH_COVER, BREATH_TONES, Tone
from unslump.edges.audio.sequencer import Lane, Slot

DEFAULT_RATE = 22050
"""Samples per second: ample for tones under 4 kHz, and half the work of 44.1 kHz."""

FULL_SCALE = 32767

HEADROOM = 0.6
"""The loudest tone at volume 1.0 peaks at this fraction of full scale. Tones never
overlap each other (they queue, :mod:`unslump.edges.audio.sequencer`), so a tone lane peaks here;
a spoken phrase mixed over it peaks at most ``VOICE_HEADROOM``: together they stay 10 %
under full scale at any volume, resampled or not."""

VOICE_HEADROOM = 0.3
"""The peak of a spoken phrase at volume 1.0, as a fraction of full scale."""

BREATH_STYLES = ("swell", "marks")
"""``[audio] breath``: swells that last the breath, or the short glides that mark its start."""

DEFAULT_BREATH_S = MappingProxyType({Tone.INHALE: 4.0, Tone.EXHALE: 6.0})
"""The breath a breath sound stretches to when nobody says (the routine's defaults)."""

CUT_FADE_S = 0.02
"""A sound cut off (pause, stop) fades out over this long instead of clicking."""


@dataclass(frozen=True, slots=True)
class Note:
    """One voice of a tone: a sine (plus a touch of second and third harmonic) and its envelope.

    ``freq_end`` makes the pitch glide exponentially from ``freq`` to ``freq_end`` over the
    note (equal musical steps per second, which the ear hears as an even rise). ``decay``
    is the time constant in seconds of an exponential die-away, as a struck bell has;
    0 keeps the level steady. ``level_end`` makes the level move exponentially from
    ``level`` to it over the note (a swell). ``attack`` and ``release`` are raised-cosine
    fades.
    """

    start: float
    length: float
    freq: float
    freq_end: float | None = None
    attack: float = 0.015
    release: float = 0.015
    decay: float = 0.0
    harmonic: float = 0.0
    third: float = 0.0
    level: float = 1.0
    level_end: float | None = None

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
_C4, _D4, _G4, _A3 = 261.63, 293.66, 392.00, 220.00
_C5, _D5, _E5, _F5, _G5 = 523.25, 587.33, 659.26, 698.46, 783.99
_A5, _B5, _C6, _E6, _C7 = 880.00, 987.77, 1046.50, 1318.51, 2093.00
_E4 = 329.63


def _bell(start: float, length: float, freq: float, decay: float) -> Note:
    """A chime note: quick attack, exponential die-away, a soft fade at the very end."""
    return Note(start, length, freq, attack=0.01, release=0.08, decay=decay, harmonic=0.25)


DESIGNS: MappingProxyType[Tone, ToneDesign] = MappingProxyType(
    {
        # The breath sounds stretch to their breath: see breath_design.
        # The safety notice: a bright rising fourth, over in under 0.2 s.
        Tone.PHASE: ToneDesign(
            (
                Note(0.0, 0.07, _B5, attack=0.01, release=0.02, harmonic=0.3),
                Note(0.08, 0.09, _E6, attack=0.01, release=0.03, harmonic=0.3),
            ),
            loudness=0.8,
        ),
        # Set up: two even taps, "get ready".
        Tone.SETUP: ToneDesign(
            (
                Note(0.0, 0.09, _G5, attack=0.008, release=0.04, decay=0.06, harmonic=0.2),
                Note(0.16, 0.11, _G5, attack=0.008, release=0.05, decay=0.06, harmonic=0.2),
            ),
            loudness=0.75,
        ),
        # Fold: a slide down a sixth, "going down".
        Tone.FOLD: ToneDesign(
            (Note(0.0, 0.32, _A5, _C5, attack=0.02, release=0.1, harmonic=0.2),),
            loudness=0.7,
        ),
        # The hang begins: one low soft bell, left to ring.
        Tone.HANG: ToneDesign(
            (Note(0.0, 0.4, _D4, attack=0.01, release=0.12, decay=0.2, harmonic=0.35,
                  third=0.2),),
            loudness=0.8,
        ),
        # The hang is over, breathe in again: a step up a fifth, "coming back".
        Tone.HANG_END: ToneDesign(
            (
                Note(0.0, 0.12, _C5, attack=0.01, release=0.03, harmonic=0.2),
                Note(0.14, 0.2, _G5, attack=0.01, release=0.08, decay=0.15, harmonic=0.2),
            ),
            loudness=0.75,
        ),
        # Recommit: three quick pulses on one note, "again, again, again".
        Tone.RECOMMIT: ToneDesign(
            tuple(Note(0.1 * i, 0.06, _F5, attack=0.008, release=0.03, harmonic=0.15)
                  for i in range(3)),
            loudness=0.7,
        ),
        # Uncurl: a slide up an octave, "rolling up".
        Tone.UNCURL: ToneDesign(
            (Note(0.0, 0.38, _C5, _C6, attack=0.03, release=0.08, harmonic=0.2),),
            loudness=0.7,
        ),
        # One vertebra: short, high, soft, so a train of them does not tire.
        Tone.TICK: ToneDesign(
            (Note(0.0, 0.04, 1400.0, attack=0.01, release=0.02, decay=0.02),),
            loudness=0.5,
        ),
        # Rest: an open fifth struck together, "settle".
        Tone.REST: ToneDesign(
            (
                Note(0.0, 0.4, _C5, attack=0.01, release=0.12, decay=0.25, harmonic=0.1),
                Note(0.0, 0.4, _G5, attack=0.01, release=0.12, decay=0.25, harmonic=0.1,
                     level=0.8),
            ),
            loudness=0.7,
        ),
        # One repetition done: a soft low-high pip, counted at each rest.
        Tone.PIP: ToneDesign(
            (Note(0.0, 0.08, _E6 / 2, _E6 / 2 * 1.12, attack=0.01, release=0.04,
                  harmonic=0.1),),
            loudness=0.5,
        ),
        # Done: G-E-C falling to the home note, each ringing on under the next.
        Tone.COMPLETE: ToneDesign(
            (
                _bell(0.0, 0.7, _G5, decay=0.25),
                _bell(0.16, 0.7, _E5, decay=0.25),
                _bell(0.32, 1.0, _C5, decay=0.35),
                _bell(0.32, 1.0, _C4, decay=0.35),
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

_MARKS = MappingProxyType({
    # The short glides of ``breath = "marks"``: a soft octave glide marking the start.
    Tone.INHALE: ToneDesign(
        (Note(0.0, 0.9, 330.0, 660.0, attack=0.12, release=0.18, harmonic=0.15),),
        loudness=0.7,
    ),
    Tone.EXHALE: ToneDesign(
        (Note(0.0, 0.9, 660.0, 330.0, attack=0.12, release=0.18, harmonic=0.15),),
        loudness=0.7,
    ),
})


def breath_design(tone: Tone, length_s: float) -> ToneDesign:
    """The swell of an in- or out-breath lasting ``length_s``.

    Low (A3 to E4, a fifth) with strong second and third harmonics, so that a small
    speaker that cannot play 220 Hz still carries it an octave up. The in-breath rises in
    pitch and grows about 11 dB to its end; the out-breath starts full and falls in pitch
    and fades the same way. Long fades make it a swell rather than a note.
    """
    if tone is Tone.INHALE:
        note = Note(0.0, length_s, _A3, _E4, attack=min(0.3, length_s / 4),
                    release=min(0.35, length_s / 4), harmonic=0.45, third=0.15,
                    level=0.28, level_end=1.0)
    elif tone is Tone.EXHALE:
        note = Note(0.0, length_s, _E4, _A3, attack=min(0.2, length_s / 4),
                    release=min(0.5, length_s / 4), harmonic=0.45, third=0.15,
                    level=1.0, level_end=0.28)
    else:
        raise ValueError(f"{tone} is not a breath sound")
    return ToneDesign((note,), loudness=0.6)


def design_for(tone: Tone, length_s: float | None = None, breath: str = "swell"
               ) -> ToneDesign:
    """How ``tone`` sounds; a breath sound lasts ``length_s`` (None: the default breath)."""
    if tone not in BREATH_TONES:
        return DESIGNS[tone]
    if breath == "marks":
        return _MARKS[tone]
    if breath != "swell":
        raise ValueError(f"breath style {breath!r}: use one of {', '.join(BREATH_STYLES)}")
    return breath_design(tone, length_s or DEFAULT_BREATH_S[tone] * BREATH_COVER)


def tone_duration(tone: Tone, length_s: float | None = None, breath: str = "swell") -> float:
    """How long ``tone`` sounds, in seconds."""
    return design_for(tone, length_s, breath).duration


def play_duration(play: Play, breath: str = "swell") -> float:
    """How long the sound asked for by ``play`` lasts (what the scenario prints)."""
    return tone_duration(play.tone, play.length_s, breath)


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
    if note.level_end is not None:
        damping *= (note.level_end / note.level) ** (1.0 / (count - 1))
    harmonic, third = note.harmonic, note.third
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
        if third:
            value += third * sin(3.0 * phase)
        out[first + i] += gain * value
        phase += step
        step *= glide
        level *= damping


def _check_volume(volume: float) -> None:
    if not 0.0 <= volume <= 1.0:
        raise ValueError(f"volume {volume} is outside 0.0..1.0")


def render(design: ToneDesign, rate: int = DEFAULT_RATE, volume: float = 0.5) -> array[int]:
    """The samples of ``design``: mono, signed 16-bit, peaking at volume x HEADROOM x its
    loudness of full scale."""
    _check_volume(volume)
    total = max(round(n.start * rate) + round(n.length * rate) for n in design.notes)
    buffer = [0.0] * total
    for note in design.notes:
        _render_note(note, rate, buffer)
    peak = max(abs(value) for value in buffer) or 1.0
    scale = volume * HEADROOM * design.loudness * FULL_SCALE / peak
    return array("h", [round(value * scale) for value in buffer])


def synthesize(tone: Tone, rate: int = DEFAULT_RATE, volume: float = 0.5,
               length_s: float | None = None, breath: str = "swell") -> array[int]:
    """The samples of ``tone``: mono, signed 16-bit, at ``rate`` per second.

    The peak is ``volume * HEADROOM * 32767`` times the design's loudness, so volume 0.25
    is a quarter of volume 1.0; the first and last samples are 0 (raised-cosine fades).
    Cost is about 0.5 µs per sample on a desktop CPU, expected 20-30 times more on a Pi
    Zero (a 5.4 s out-breath swell there takes seconds): make sounds ahead of need and
    keep them (:class:`ToneSynth`).
    """
    return render(design_for(tone, length_s, breath), rate, volume)


class ToneSynth:
    """Makes sounds at one rate, volume and breath style, keeping each after its first use.

    The cache lives in the object (not the module) so that whoever owns the audio owns
    its memory, and a new volume simply means a new ``ToneSynth``.
    """

    def __init__(self, rate: int = DEFAULT_RATE, volume: float = 0.5, breath: str = "swell"):
        _check_volume(volume)
        design_for(Tone.INHALE, None, breath)  # refuses an unknown style now, not later
        self.rate = rate
        self.volume = volume
        self.breath = breath
        self._made: dict[tuple[Tone, float | None], array[int]] = {}

    def samples(self, tone: Tone, length_s: float | None = None) -> array[int]:
        """The samples of ``tone`` (a shared array: do not modify it)."""
        key = (tone, length_s if tone in BREATH_TONES and self.breath == "swell" else None)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = synthesize(tone, self.rate, self.volume, key[1],
                                                self.breath)
        return made

    def duration(self, play: Play) -> float:
        return play_duration(play, self.breath)


def fade_cut(samples: array[int], keep: int, rate: int) -> array[int]:
    """The first ``keep`` samples of ``samples``, the last ``CUT_FADE_S`` faded to silence."""
    head = array("h", samples[:keep])
    fade = min(len(head), max(1, round(CUT_FADE_S * rate)))
    for i in range(fade):
        index = len(head) - fade + i
        head[index] = round(head[index] * (0.5 + 0.5 * math.cos(math.pi * (i + 1) / fade)))
    return head


def lay_out(plays: Iterable[tuple[float, Play]], synth: ToneSynth) -> list[Slot]:
    """When each sound really plays: in order, one after another, cut where asked."""
    lane = Lane()
    for at, play in plays:
        lane.add(at, play, synth.duration(play))
    return lane.slots


def mix(
    plays: Iterable[tuple[float, Play]],
    total_s: float,
    rate: int = DEFAULT_RATE,
    volume: float = 0.5,
    breath: str = "swell",
    voice: Iterable[tuple[float, array[int]]] = (),
) -> array[int]:
    """A timeline ``total_s`` long with every sound placed as the speaker would play it.

    Tones queue (:func:`lay_out`): one sounds at a time, a cut fades the one sounding out.
    ``voice`` are spoken phrases (already at ``rate`` and scaled to ``VOICE_HEADROOM``),
    queued among themselves and mixed over the tones. With that headroom the sum never
    reaches full scale; a sound running past the end is cut there. Used to write the
    demo's WAV file.
    """
    if total_s < 0:
        raise ValueError(f"total_s {total_s} is negative")
    plays = list(plays)
    for at, play in plays:
        if at < 0:
            raise ValueError(f"{play.tone} is placed at {at} s, before the start of the "
                             "timeline")
    synth = ToneSynth(rate, volume, breath)
    length = round(total_s * rate)
    timeline = [0] * length
    for slot in lay_out(plays, synth):
        samples = synth.samples(slot.play.tone, slot.play.length_s)
        keep = round((slot.end - slot.start) * rate)
        if keep < len(samples):
            samples = fade_cut(samples, keep, rate)
        _add(timeline, round(slot.start * rate), samples)
    voice_free = 0  # phrases queue too, on their own lane over the tones
    for at, samples in sorted(voice, key=lambda item: item[0]):
        first = max(round(at * rate), voice_free)
        _add(timeline, first, samples)
        voice_free = first + len(samples)
    return array("h", [max(-FULL_SCALE, min(FULL_SCALE, value)) for value in timeline])


def _add(timeline: list[int], first: int, samples: array[int]) -> None:
    for offset, value in enumerate(samples[: max(0, len(timeline) - first)]):
        timeline[first + offset] += value


def write_wav(path: str | PathLike[str], samples: array[int], rate: int = DEFAULT_RATE) -> None:
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
