"""The demo: a scripted morning written to a GIF and a WAV on one shortened timeline."""

from __future__ import annotations

import io
import math
import wave
from array import array
from pathlib import Path

import pytest
from PIL import Image, ImageSequence

from tests.support.sound_analysis import goertzel_power
from unslump.core.records import BreakKind
from unslump.core.tones import BREATH_COVER, BREATH_TONES, Tone
from unslump.sim.demo import IDLE_SHOWN_S, DemoSummary, TimeWarp, run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoSummary, str]:
    """One run shared by the tests below (it takes a second or two)."""
    out = io.StringIO()
    summary = run_demo(tmp_path_factory.mktemp("demo"), out)
    return summary, out.getvalue()


def _gif_durations_ms(path: Path) -> list[int]:
    with Image.open(path) as gif:
        return [frame.info["duration"] for frame in ImageSequence.Iterator(gif)]


def test_demo_gif_many_frames_under_five_minutes(demo: tuple[DemoSummary, str]) -> None:
    summary, _ = demo
    durations = _gif_durations_ms(summary.gif)
    assert len(durations) > 50
    assert len(durations) == summary.frames
    assert sum(durations) < 5 * 60 * 1000
    assert min(durations) >= 100  # at most 10 frames a second
    with Image.open(summary.gif) as gif:
        assert gif.size == (256, 128)
        assert gif.info["loop"] == 0


def test_demo_wav_mono_same_length_as_gif(demo: tuple[DemoSummary, str]) -> None:
    summary, _ = demo
    with wave.open(str(summary.wav), "rb") as wav:
        assert wav.getnchannels() == 1
        assert wav.getsampwidth() == 2
        seconds = wav.getnframes() / wav.getframerate()
    assert seconds == pytest.approx(sum(_gif_durations_ms(summary.gif)) / 1000, abs=1.0)
    assert seconds == pytest.approx(summary.shown_s, abs=0.05)


def test_demo_tones_cover_reminder_and_routine(demo: tuple[DemoSummary, str]) -> None:
    summary, _ = demo
    for tone in (Tone.REMINDER, Tone.INHALE, Tone.EXHALE, Tone.TICK, Tone.COMPLETE):
        assert summary.tones.get(tone, 0) >= 1, tone


def test_demo_summary_mentions_guided_and_natural_breaks(
        demo: tuple[DemoSummary, str]) -> None:
    summary, printed = demo
    assert summary.breaks == {BreakKind.GUIDED: 1, BreakKind.NATURAL: 1}
    assert "1 guided break" in printed
    assert "1 natural break" in printed
    assert "demo.gif" in printed
    assert "demo.wav" in printed


def test_demo_timewarp_shortens_idle_keeps_routine_pace() -> None:
    warp = TimeWarp.build([5.0, 2700.0, 2760.0, 2770.0, 2950.0], 3000.0,
                          keep=(2760.0, 2950.0))
    assert warp(5.0) == pytest.approx(IDLE_SHOWN_S)  # 0..5 s shown as 1.5 s
    assert warp(2760.0) == pytest.approx(3 * IDLE_SHOWN_S)
    assert warp(2950.0) - warp(2760.0) == pytest.approx(190.0)  # the routine: real pace
    assert warp.length == pytest.approx(3 * IDLE_SHOWN_S + 190.0 + IDLE_SHOWN_S)


def _wav_samples(path: Path) -> tuple[array, int]:
    with wave.open(str(path), "rb") as wav:
        return array("h", wav.readframes(wav.getnframes())), wav.getframerate()


def test_demo_wav_never_reaches_full_scale(demo: tuple[DemoSummary, str]) -> None:
    samples, _ = _wav_samples(demo[0].wav)
    assert 0 < max(abs(v) for v in samples) < 0.9 * 32767


def test_demo_wav_each_breath_sound_fills_its_breath(demo: tuple[DemoSummary, str]) -> None:
    """Listened to in numbers: in every in- and out-breath of the rendered stretch, the
    breath's own sound (its low band, 200-350 Hz) sounds through at least 80 % of it."""
    summary, _ = demo
    samples, rate = _wav_samples(summary.wav)
    breaths = [(at, play) for at, play in summary.plays if play.tone in BREATH_TONES]
    assert len(breaths) == 3 * (2 + 2 * 2 + 2)
    step = rate // 20  # 50 ms windows
    for at, play in breaths:
        assert play.length_s is not None
        breath_s = play.length_s / BREATH_COVER
        first, last = round(at * rate), round((at + breath_s) * rate)
        windows = [samples[i: i + step] for i in range(first, last - step + 1, step)]
        # a swell is there when its band carries real energy (a tick or a pip is not it)
        sounding = [w for w in windows if _band_rms(w, rate) > 150]
        assert len(sounding) >= 0.8 * len(windows), (at, play)


def _band_rms(window: array, rate: int) -> float:
    """RMS of ``window`` in the swells' band, summed over a few Goertzel bins."""
    return sum(math.sqrt(goertzel_power(window, hz, rate)) / len(window)
               for hz in (220, 250, 280, 310, 340))


def test_demo_with_voice_speaks_the_cues_into_the_wav(tmp_path: Path) -> None:
    """[audio] voice = true: the demo's WAV carries the phrases, over the tones, unclipped."""
    from dataclasses import replace

    from unslump.config.file import AudioConfig, Config

    config = replace(Config(), audio=AudioConfig(voice=True, volume=1.0))
    out = io.StringIO()
    summary = run_demo(tmp_path, out, config)
    # the set-up's phrase, then each repetition's: one as each phase starts, three in the
    # hang and two in the uncurl (where speech still fills at most half of the phase)
    assert summary.spoken == 1 + 3 * 10
    assert f"spoken cues: {summary.spoken}" in out.getvalue()
    samples, rate = _wav_samples(summary.wav)
    assert max(abs(v) for v in samples) < 32767  # tones at full volume and a voice over them
    plain = run_demo(tmp_path / "plain", io.StringIO(),
                     replace(Config(), audio=AudioConfig(volume=1.0)))
    quiet, _ = _wav_samples(plain.wav)
    setup = next(at for at, play in summary.plays if play.tone is Tone.SETUP)
    window = slice(round((setup + 0.5) * rate), round((setup + 1.5) * rate))
    # between the set-up taps and the first in-breath only the voice speaks
    assert max(abs(v) for v in samples[window]) > 2000
    assert max(abs(v) for v in quiet[window]) < 50
