"""The tones: what they sound like (pitch, shape, level), the timeline mixer, the WAV file."""

from __future__ import annotations

import math
import wave
from array import array
from itertools import combinations, pairwise
from pathlib import Path

import pytest

from device.adapters.synth import (
    DEFAULT_RATE,
    FULL_SCALE,
    HEADROOM,
    ToneSynth,
    mix,
    synthesize,
    tone_duration,
    write_wav,
)
from device.core.tones import Tone

RATE = DEFAULT_RATE


def window(samples: array, start_s: float, end_s: float) -> array:
    return samples[round(start_s * RATE) : round(end_s * RATE)]


def zero_crossing_hz(samples: array) -> float:
    """Pitch of a near-pure tone: two sign changes per cycle.

    Valid for our designs because a second harmonic below half the fundamental's level
    adds no extra zero crossings.
    """
    crossings = sum(1 for a, b in pairwise(samples) if (a < 0) != (b < 0))
    return crossings / 2 / (len(samples) / RATE)


def goertzel_power(samples: array, freq: float) -> float:
    """Power of ``samples`` at ``freq`` (one DFT bin, by the Goertzel recurrence)."""
    coeff = 2 * math.cos(2 * math.pi * freq / RATE)
    prev = prev2 = 0.0
    for value in samples:
        prev, prev2 = value + coeff * prev - prev2, prev
    return prev * prev + prev2 * prev2 - coeff * prev * prev2


def thirds_hz(samples: array) -> tuple[float, float]:
    third = len(samples) // 3
    return zero_crossing_hz(samples[:third]), zero_crossing_hz(samples[-third:])


def peak(samples: array) -> int:
    return max(abs(value) for value in samples)


@pytest.fixture(scope="module")
def all_tones() -> dict[Tone, array]:
    return {tone: synthesize(tone) for tone in Tone}


def test_synth_inhale_pitch_rises(all_tones: dict[Tone, array]) -> None:
    first, last = thirds_hz(all_tones[Tone.INHALE])
    assert 300 < first < 450
    assert 500 < last < 700
    assert last > first * 1.4


def test_synth_exhale_pitch_falls(all_tones: dict[Tone, array]) -> None:
    first, last = thirds_hz(all_tones[Tone.EXHALE])
    assert 500 < first < 700
    assert 300 < last < 450
    assert first > last * 1.4


@pytest.mark.parametrize("tone", [Tone.INHALE, Tone.EXHALE])
def test_synth_glide_has_no_phase_jumps(tone: Tone, all_tones: dict[Tone, array]) -> None:
    samples = all_tones[tone]
    # A continuous 660 Hz sine (plus 15 % second harmonic) moves at most about a quarter
    # of its amplitude per sample at 22050 Hz; a phase jump would move up to twice it.
    largest_step = max(abs(b - a) for a, b in pairwise(samples))
    assert largest_step < 0.3 * peak(samples)


@pytest.mark.parametrize("tone", list(Tone))
def test_synth_every_tone_starts_and_ends_silent(tone: Tone) -> None:
    samples = synthesize(tone, volume=1.0)
    assert abs(samples[0]) < 0.01 * FULL_SCALE
    assert abs(samples[-1]) < 0.01 * FULL_SCALE
    # a fade, not a lucky zero crossing: the whole first and last millisecond stay faint
    edge = RATE // 1000
    assert peak(samples[:edge]) < 0.05 * peak(samples)
    assert peak(samples[-edge:]) < 0.05 * peak(samples)


@pytest.mark.parametrize("tone", list(Tone))
def test_synth_peak_follows_volume(tone: Tone) -> None:
    loud = peak(synthesize(tone, volume=1.0))
    quiet = peak(synthesize(tone, volume=0.25))
    assert quiet * 4 == pytest.approx(loud, rel=0.02)
    assert loud <= HEADROOM * FULL_SCALE + 1


def test_synth_loudest_tone_reaches_headroom() -> None:
    assert peak(synthesize(Tone.REMINDER, volume=1.0)) == round(HEADROOM * FULL_SCALE)


def test_synth_volume_zero_is_silence() -> None:
    assert peak(synthesize(Tone.PHASE, volume=0.0)) == 0


@pytest.mark.parametrize("volume", [-0.1, 1.5])
def test_synth_volume_out_of_range_is_refused(volume: float) -> None:
    with pytest.raises(ValueError, match=str(volume)):
        synthesize(Tone.ACK, volume=volume)


@pytest.mark.parametrize("tone", list(Tone))
def test_synth_tone_duration_matches_sample_count(tone: Tone, all_tones: dict[Tone, array]) -> None:
    assert len(all_tones[tone]) / RATE == pytest.approx(tone_duration(tone), abs=2 / RATE)


def test_synth_tones_are_distinct(all_tones: dict[Tone, array]) -> None:
    def signature(samples: array) -> tuple[float, int, int]:
        first, last = thirds_hz(samples)
        return round(len(samples) / RATE, 2), round(first / 25), round(last / 25)

    signatures = {tone: signature(samples) for tone, samples in all_tones.items()}
    for (tone_a, sig_a), (tone_b, sig_b) in combinations(signatures.items(), 2):
        assert sig_a != sig_b, f"{tone_a} and {tone_b} sound alike: {sig_a}"


def test_synth_tick_is_short_and_high(all_tones: dict[Tone, array]) -> None:
    assert 0.03 <= tone_duration(Tone.TICK) <= 0.05
    assert 1200 <= zero_crossing_hz(all_tones[Tone.TICK]) <= 1600


def test_synth_ack_is_the_shortest(all_tones: dict[Tone, array]) -> None:
    assert min(Tone, key=tone_duration) is Tone.ACK


def test_synth_resume_is_higher_than_pause(all_tones: dict[Tone, array]) -> None:
    assert zero_crossing_hz(all_tones[Tone.RESUME]) > zero_crossing_hz(all_tones[Tone.PAUSE])


def test_synth_stop_falls_and_stays_low(all_tones: dict[Tone, array]) -> None:
    samples = all_tones[Tone.STOP]
    first = zero_crossing_hz(window(samples, 0.02, 0.18))
    second = zero_crossing_hz(window(samples, 0.25, 0.45))
    assert first > second
    assert second < zero_crossing_hz(all_tones[Tone.PAUSE])


def test_synth_phase_blip_steps_up(all_tones: dict[Tone, array]) -> None:
    samples = all_tones[Tone.PHASE]
    assert zero_crossing_hz(window(samples, 0.01, 0.06)) < zero_crossing_hz(
        window(samples, 0.09, 0.16)
    )


def test_synth_complete_is_a_rising_three_note_arpeggio(all_tones: dict[Tone, array]) -> None:
    samples = all_tones[Tone.COMPLETE]
    notes = (523.25, 659.26, 783.99)
    for start, expected in zip((0.02, 0.16, 0.30), notes, strict=True):
        part = window(samples, start, start + 0.1)
        strongest = max(notes, key=lambda freq, part=part: goertzel_power(part, freq))
        assert strongest == expected


def test_synth_complete_decays(all_tones: dict[Tone, array]) -> None:
    samples = all_tones[Tone.COMPLETE]
    assert peak(window(samples, 0.3, 0.4)) > 2 * peak(window(samples, 0.9, 1.0))


def test_synth_reminder_is_a_two_note_chime_of_about_a_second(
    all_tones: dict[Tone, array],
) -> None:
    samples = all_tones[Tone.REMINDER]
    assert 0.8 <= tone_duration(Tone.REMINDER) <= 1.3
    first = window(samples, 0.02, 0.12)
    second = window(samples, 0.42, 0.52)
    assert goertzel_power(first, 659.26) > goertzel_power(first, 523.25)
    assert goertzel_power(second, 523.25) > goertzel_power(second, 659.26)


def test_synth_tone_synth_makes_each_tone_once() -> None:
    synth = ToneSynth(volume=0.3)
    first = synth.samples(Tone.TICK)
    assert synth.samples(Tone.TICK) is first
    assert first == synthesize(Tone.TICK, volume=0.3)


def test_synth_mix_places_a_tone_at_its_sample_offset() -> None:
    timeline = mix([(0.5, Tone.TICK)], total_s=1.0, volume=0.5)
    tick = synthesize(Tone.TICK, volume=0.5)
    offset = round(0.5 * RATE)
    assert len(timeline) == RATE
    assert not any(timeline[:offset])
    assert timeline[offset : offset + len(tick)] == tick
    assert not any(timeline[offset + len(tick) :])


def test_synth_mix_sums_overlaps_and_clips() -> None:
    timeline = mix([(0.0, Tone.REMINDER), (0.0, Tone.REMINDER)], total_s=1.2, volume=1.0)
    single = synthesize(Tone.REMINDER, volume=1.0)
    assert max(timeline) == FULL_SCALE
    assert min(timeline) == -FULL_SCALE - 1
    quiet_index = next(i for i, value in enumerate(single) if 0 < value < 1000)
    assert timeline[quiet_index] == 2 * single[quiet_index]


def test_synth_mix_cuts_a_tone_at_the_end() -> None:
    timeline = mix([(0.95, Tone.INHALE)], total_s=1.0)
    inhale = synthesize(Tone.INHALE)
    start = round(0.95 * RATE)
    assert len(timeline) == RATE
    assert timeline[start:] == inhale[: RATE - start]


def test_synth_mix_refuses_negative_times() -> None:
    with pytest.raises(ValueError, match="before the start"):
        mix([(-0.1, Tone.ACK)], total_s=1.0)


def test_synth_write_wav_writes_readable_mono_16_bit(tmp_path: Path) -> None:
    samples = mix([(0.1, Tone.PHASE), (0.4, Tone.ACK)], total_s=0.75)
    path = tmp_path / "demo.wav"
    write_wav(path, samples, RATE)
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 1
        assert wav.getsampwidth() == 2
        assert wav.getframerate() == RATE
        assert wav.getnframes() == len(samples)
        frames = wav.readframes(wav.getnframes())
    assert array("h", frames) == samples  # little-endian on every machine we test on
