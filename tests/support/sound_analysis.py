"""Listening with numbers: pitch, loudness and contour of mono 16-bit samples.

Shared by the synth tests and the demo WAV tests. Pure Python like the synth: a short
DFT scan (Goertzel) over a semitone grid is enough for tones between 150 Hz and 4 kHz.
"""

from __future__ import annotations

import math
from array import array
from itertools import pairwise

SEMITONES = [110.0 * 2 ** (k / 12) for k in range(0, 12 * 5 + 1)]  # A2 .. A7


def zero_crossing_hz(samples: array, rate: int) -> float:
    """Pitch of a near-pure tone: two sign changes per cycle."""
    crossings = sum(1 for a, b in pairwise(samples) if (a < 0) != (b < 0))
    return crossings / 2 / (len(samples) / rate)


def goertzel_power(samples: array | list[float], freq: float, rate: int) -> float:
    """Power of ``samples`` at ``freq`` (one DFT bin, by the Goertzel recurrence)."""
    coeff = 2 * math.cos(2 * math.pi * freq / rate)
    prev = prev2 = 0.0
    for value in samples:
        prev, prev2 = value + coeff * prev - prev2, prev
    return prev * prev + prev2 * prev2 - coeff * prev * prev2


def rms(samples: array | list[float]) -> float:
    return math.sqrt(sum(v * v for v in samples) / len(samples)) if len(samples) else 0.0


def peak(samples: array) -> int:
    return max((abs(value) for value in samples), default=0)


def dominant_semitone(samples: array | list[float], rate: int) -> float:
    """The semitone (0 = A2) of the strongest grid frequency in ``samples``."""
    step = max(1, len(samples) // 512)  # decimate long windows: enough for a pitch guess
    window = samples[::step]
    powers = [goertzel_power(window, f, rate / step) if f < rate / step / 2 else 0.0
              for f in SEMITONES]
    return float(max(range(len(powers)), key=powers.__getitem__))


def contour(samples: array, rate: int, points: int = 8) -> list[tuple[float, float]]:
    """(semitone, loudness 0..1) at ``points`` evenly spaced windows over the sound."""
    size = max(1, len(samples) // points)
    windows = [samples[i * size:(i + 1) * size] for i in range(points)]
    loud = [rms(w) for w in windows]
    top = max(loud) or 1.0
    return [(dominant_semitone(w, rate), level / top) for w, level in zip(windows, loud,
                                                                          strict=True)]


def distance(a: array, b: array, rate: int) -> float:
    """How different two sounds are to the ear, roughly in semitones.

    The mean gap between their pitch contours (the loud parts weigh more), plus their
    loudness-envelope difference and their length difference, each scaled so that one
    unit is about as noticeable as a semitone.
    """
    ca, cb = contour(a, rate), contour(b, rate)
    pitch = sum(abs(pa - pb) * max(la, lb) for (pa, la), (pb, lb) in zip(ca, cb, strict=True))
    pitch /= sum(max(la, lb) for (_, la), (_, lb) in zip(ca, cb, strict=True)) or 1.0
    envelope = sum(abs(la - lb) for (_, la), (_, lb) in zip(ca, cb, strict=True)) / len(ca)
    length = abs(len(a) - len(b)) / rate
    return pitch + 8 * envelope + 10 * length
