"""The sounds: breath swells, phase sounds told apart by ear, headroom, the queued mixer."""

from __future__ import annotations

import wave
from array import array
from itertools import combinations
from pathlib import Path

import pytest

from tests.support.sound_analysis import (
    distance,
    goertzel_power,
    peak,
    rms,
    zero_crossing_hz,
)
from unslump.config.file import Config, RoutineConfig
from unslump.core.effects import Play
from unslump.core.records import Variant
from unslump.core.routine import plan_routine
from unslump.core.tones import BREATH_TONES, MARK_MAX_S, PHASE_MARKS, RECUE_LEAD_S, Tone
from unslump.edges.audio.synth import (
    DEFAULT_RATE,
    FULL_SCALE,
    HEADROOM,
    VOICE_HEADROOM,
    ToneSynth,
    design_for,
    mix,
    synthesize,
    tone_duration,
    write_wav,
)

RATE = DEFAULT_RATE

PHASE_STARTS = [*PHASE_MARKS, Tone.INHALE, Tone.TICK, Tone.COMPLETE, Tone.PAUSE, Tone.RESUME,
                Tone.STOP]
"""Every sound that starts a phase or an event of a routine: each sound a routine file
may start a phase with (the safety notice's blip, PHASE, among them), and the rest."""


def window(samples: array, start_s: float, end_s: float) -> array:
    return samples[round(start_s * RATE): round(end_s * RATE)]


@pytest.fixture(scope="module")
def all_tones() -> dict[Tone, array]:
    return {tone: synthesize(tone) for tone in Tone}


@pytest.mark.parametrize("length_s", [1.8, 3.6, 5.4])
def test_synth_inhale_swell_rises_in_pitch_and_loudness_for_its_whole_length(
        length_s: float) -> None:
    samples = synthesize(Tone.INHALE, length_s=length_s)
    assert len(samples) == pytest.approx(length_s * RATE, abs=2)
    fifths = [window(samples, length_s * k / 5, length_s * (k + 1) / 5) for k in range(5)]
    pitches = [zero_crossing_hz(part, RATE) for part in fifths]
    assert pitches == sorted(pitches)
    assert 200 < pitches[0] < 260 and 290 < pitches[-1] < 340  # low: A3 up to E4
    levels = [rms(part) for part in fifths[:4]]  # the last fifth holds the release fade
    assert levels == sorted(levels) and levels[-1] > 2 * levels[0]
    # it sounds through 90 % of its length (not a mark at the start, then silence)
    assert rms(window(samples, 0.85 * length_s, 0.9 * length_s)) > 0.2 * max(levels)


@pytest.mark.parametrize("length_s", [1.8, 5.4, 10.8])
def test_synth_exhale_swell_falls_in_pitch_and_loudness(length_s: float) -> None:
    samples = synthesize(Tone.EXHALE, length_s=length_s)
    fifths = [window(samples, length_s * k / 5, length_s * (k + 1) / 5) for k in range(5)]
    pitches = [zero_crossing_hz(part, RATE) for part in fifths]
    assert pitches == sorted(pitches, reverse=True)
    levels = [rms(part) for part in fifths[1:]]
    assert levels == sorted(levels, reverse=True) and levels[0] > 2 * levels[-1]
    assert rms(window(samples, 0.8 * length_s, 0.85 * length_s)) > 0


def test_synth_breath_swells_are_soft_beside_the_cues() -> None:
    """Three minutes of breathing: the swells stay below the phase sounds they follow."""
    swell = peak(synthesize(Tone.EXHALE, volume=1.0, length_s=5.4))
    assert swell < peak(synthesize(Tone.HANG, volume=1.0))
    assert swell <= 0.6 * HEADROOM * FULL_SCALE + 1


def test_synth_marks_style_is_the_short_glide() -> None:
    samples = synthesize(Tone.INHALE, length_s=3.6, breath="marks")
    assert tone_duration(Tone.INHALE, 3.6, "marks") == pytest.approx(0.9)
    third = len(samples) // 3
    assert zero_crossing_hz(samples[-third:], RATE) > 1.4 * zero_crossing_hz(samples[:third],
                                                                              RATE)
    with pytest.raises(ValueError, match="breath style"):
        design_for(Tone.INHALE, 3.6, "hum")


@pytest.mark.parametrize("tone", list(Tone))
def test_synth_every_tone_starts_and_ends_silent(tone: Tone) -> None:
    samples = synthesize(tone, volume=1.0)
    assert abs(samples[0]) < 0.01 * FULL_SCALE
    assert abs(samples[-1]) < 0.01 * FULL_SCALE
    edge = RATE // 1000  # a fade, not a lucky zero crossing: the whole millisecond is faint
    assert peak(samples[:edge]) < 0.05 * peak(samples)
    assert peak(samples[-edge:]) < 0.05 * peak(samples)


@pytest.mark.parametrize("tone", list(Tone))
def test_synth_no_sound_reaches_full_scale_at_volume_one(tone: Tone) -> None:
    loud = peak(synthesize(tone, volume=1.0))
    quiet = peak(synthesize(tone, volume=0.25))
    assert loud <= HEADROOM * FULL_SCALE + 1
    assert loud + VOICE_HEADROOM * FULL_SCALE < 0.95 * FULL_SCALE  # a phrase over it too
    assert quiet * 4 == pytest.approx(loud, rel=0.02)


def test_synth_a_whole_routine_at_volume_one_never_reaches_full_scale() -> None:
    """The old mix() summed a phase blip and an in-breath due together and clipped at
    volume 0.84; sounds now queue, and a phrase at full voice over them still fits."""
    plan = plan_routine(Config().routines.stretch, RoutineConfig(repetitions=1), Variant.SEATED)
    plays = [(cue.offset, cue.play()) for cue in plan.cues if cue.tone is not None]
    phrase = array("h", [round(VOICE_HEADROOM * FULL_SCALE) * (-1) ** i for i in range(4410)])
    voice = [(cue.offset, phrase) for cue in plan.cues if cue.tone in PHASE_STARTS]
    timeline = mix(plays, plan.total + 2.0, volume=1.0, voice=voice)
    assert 0.5 * FULL_SCALE < peak(timeline) < FULL_SCALE


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


def test_synth_phase_sounds_fit_the_core_spacing() -> None:
    """The core plans around these lengths: a phase sound before a breath, a re-cue (for
    every sound a routine file may start a phase with)."""
    for tone in [*PHASE_MARKS, Tone.PAUSE, Tone.RESUME, Tone.PIP]:
        assert tone_duration(tone) <= MARK_MAX_S, tone
    assert tone_duration(Tone.RESUME) + max(
        tone_duration(t) for t in PHASE_MARKS) <= RECUE_LEAD_S


def test_synth_every_phase_start_is_told_apart_by_ear(all_tones: dict[Tone, array]) -> None:
    """Pairwise distance of pitch contour, envelope and length, not just of names."""
    assert len(set(PHASE_STARTS)) == len(PHASE_STARTS) == 14
    assert distance(all_tones[Tone.HANG], all_tones[Tone.HANG], RATE) == 0
    close = []
    for a, b in combinations(PHASE_STARTS, 2):
        apart = distance(all_tones[a], all_tones[b], RATE)
        if apart < 3.0:
            close.append((a.value, b.value, round(apart, 2)))
    assert close == []


def test_synth_complete_resolves_downward_unlike_an_inhale(all_tones: dict[Tone, array]
                                                           ) -> None:
    samples = all_tones[Tone.COMPLETE]
    notes = (783.99, 659.26, 523.25)  # G5, E5, C5
    for start, expected in zip((0.02, 0.18, 0.34), notes, strict=True):
        part = window(samples, start, start + 0.1)
        strongest = max(notes, key=lambda freq, part=part: goertzel_power(part, freq, RATE))
        assert strongest == expected
    assert distance(samples, all_tones[Tone.INHALE], RATE) > 10
    assert peak(window(samples, 0.35, 0.45)) > 2 * peak(window(samples, 1.1, 1.2))  # rings


def test_synth_reminder_is_a_two_note_chime_of_about_a_second(all_tones: dict[Tone, array]
                                                              ) -> None:
    samples = all_tones[Tone.REMINDER]
    assert 0.8 <= tone_duration(Tone.REMINDER) <= 1.3
    first = window(samples, 0.02, 0.12)
    second = window(samples, 0.42, 0.52)
    assert goertzel_power(first, 659.26, RATE) > goertzel_power(first, 523.25, RATE)
    assert goertzel_power(second, 523.25, RATE) > goertzel_power(second, 659.26, RATE)


def test_synth_tick_pip_and_ack_are_short_and_high(all_tones: dict[Tone, array]) -> None:
    assert 0.03 <= tone_duration(Tone.TICK) <= 0.05
    assert 1200 <= zero_crossing_hz(all_tones[Tone.TICK], RATE) <= 1600
    assert tone_duration(Tone.PIP) <= 0.1
    assert min(Tone, key=tone_duration) is Tone.ACK


def test_synth_resume_is_higher_than_pause_and_stop_falls(all_tones: dict[Tone, array]
                                                          ) -> None:
    assert zero_crossing_hz(all_tones[Tone.RESUME], RATE) > zero_crossing_hz(
        all_tones[Tone.PAUSE], RATE)
    stop = all_tones[Tone.STOP]
    assert zero_crossing_hz(window(stop, 0.02, 0.18), RATE) > zero_crossing_hz(
        window(stop, 0.25, 0.45), RATE)


def test_synth_tone_synth_makes_each_sound_once() -> None:
    synth = ToneSynth(volume=0.3)
    first = synth.samples(Tone.TICK)
    assert synth.samples(Tone.TICK) is first
    assert first == synthesize(Tone.TICK, volume=0.3)
    swell = synth.samples(Tone.INHALE, 3.6)
    assert synth.samples(Tone.INHALE, 3.6) is swell
    assert len(synth.samples(Tone.INHALE, 2.0)) < len(swell)
    marks = ToneSynth(volume=0.3, breath="marks")
    assert marks.samples(Tone.INHALE, 3.6) is marks.samples(Tone.INHALE, 2.0)


def test_synth_mix_places_a_sound_at_its_sample_offset() -> None:
    timeline = mix([(0.5, Play(Tone.TICK))], total_s=1.0, volume=0.5)
    tick = synthesize(Tone.TICK, volume=0.5)
    offset = round(0.5 * RATE)
    assert len(timeline) == RATE
    assert not any(timeline[:offset])
    assert timeline[offset: offset + len(tick)] == tick
    assert not any(timeline[offset + len(tick):])


def test_synth_mix_plays_sounds_due_together_one_after_another() -> None:
    timeline = mix([(0.0, Play(Tone.HANG)), (0.0, Play(Tone.INHALE, 1.0))], total_s=1.6)
    hang = synthesize(Tone.HANG)
    inhale = synthesize(Tone.INHALE, length_s=1.0)
    assert timeline[: len(hang)] == hang
    assert timeline[len(hang): len(hang) + len(inhale)] == inhale


def test_synth_mix_cut_fades_the_sound_out_and_drops_the_queue() -> None:
    timeline = mix([(0.0, Play(Tone.EXHALE, 5.4)), (0.0, Play(Tone.TICK)),
                    (1.0, Play(Tone.PAUSE, cut=True))], total_s=2.0)
    cut_at = round(1.0 * RATE)
    assert peak(window(timeline, 0.9, 0.97)) > 1000  # sounding until the press ...
    assert abs(timeline[cut_at - 1]) < 50  # ... faded out to the cut, no click
    pause = synthesize(Tone.PAUSE)
    assert timeline[cut_at: cut_at + len(pause)] == pause
    assert not any(timeline[cut_at + len(pause):])  # the queued tick was dropped


def test_synth_mix_cuts_a_sound_at_the_end() -> None:
    timeline = mix([(0.95, Play(Tone.SETUP))], total_s=1.0)
    setup = synthesize(Tone.SETUP)
    start = round(0.95 * RATE)
    assert len(timeline) == RATE
    assert timeline[start:] == setup[: RATE - start]


def test_synth_mix_refuses_negative_times() -> None:
    with pytest.raises(ValueError, match="before the start"):
        mix([(-0.1, Play(Tone.ACK))], total_s=1.0)


def test_synth_write_wav_writes_readable_mono_16_bit(tmp_path: Path) -> None:
    samples = mix([(0.1, Play(Tone.PHASE)), (0.4, Play(Tone.ACK))], total_s=0.75)
    path = tmp_path / "demo.wav"
    write_wav(path, samples, RATE)
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 1
        assert wav.getsampwidth() == 2
        assert wav.getframerate() == RATE
        assert wav.getnframes() == len(samples)
        frames = wav.readframes(wav.getnframes())
    assert array("h", frames) == samples  # little-endian on every machine we test on


def test_synth_breath_tones_are_the_ones_that_stretch() -> None:
    assert {Tone.INHALE, Tone.EXHALE} == BREATH_TONES
    for tone in Tone:
        stretched = tone_duration(tone, 2.5)
        assert (stretched == pytest.approx(2.5)) == (tone in BREATH_TONES), tone
