"""The audio adapters: pygame on SDL's dummy driver, the recorder, the null speaker."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from array import array
from collections.abc import Iterator
from pathlib import Path

import pytest

from device.adapters.audio import (
    NullAudio,
    PygameAudio,
    RecordingAudio,
    make_audio,
    resample,
    to_mixer_format,
)
from device.adapters.synth import tone_duration
from device.clock import FakeClock
from device.core.tones import Tone
from device.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent
LOGGER = "test.audio"


@pytest.fixture
def dummy_sdl(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """SDL's dummy audio driver: a real mixer open/close, without a sound card."""
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    monkeypatch.setenv("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    yield
    if "pygame" in sys.modules:  # leave no mixer open for the next test
        sys.modules["pygame"].mixer.quit()


def mixer_is_open() -> bool:
    import pygame

    return pygame.mixer.get_init() is not None


def test_audio_pygame_opens_on_play_and_closes_after_idle(dummy_sdl: None) -> None:
    clock = FakeClock()
    audio = PygameAudio(clock, volume=0.5, idle_close_s=2.0)
    try:
        assert audio.deadline() is None
        audio.play(Tone.INHALE)
        assert audio.is_open
        assert mixer_is_open()
        due = audio.deadline()
        assert due == pytest.approx(clock.monotonic() + tone_duration(Tone.INHALE) + 2.0)

        clock.advance_to(due - 0.01)
        audio.service(clock.monotonic())
        assert mixer_is_open()

        clock.advance_to(due)
        audio.service(clock.monotonic())
        assert not audio.is_open
        assert not mixer_is_open()
        assert audio.deadline() is None

        audio.play(Tone.TICK)  # opens again when the next tone is due
        assert mixer_is_open()
    finally:
        audio.close()
    assert not mixer_is_open()


def test_audio_pygame_idle_counts_from_the_last_tone_to_end(dummy_sdl: None) -> None:
    clock = FakeClock(monotonic_start=100.0)
    audio = PygameAudio(clock, volume=0.5, idle_close_s=2.0)
    try:
        audio.play(Tone.COMPLETE)
        clock.advance(0.5)
        audio.play(Tone.ACK)  # ends before COMPLETE does: the deadline stays
        assert audio.deadline() == pytest.approx(100.0 + tone_duration(Tone.COMPLETE) + 2.0)
        clock.advance(1.0)
        audio.play(Tone.REMINDER)  # ends later: the deadline moves
        assert audio.deadline() == pytest.approx(101.5 + tone_duration(Tone.REMINDER) + 2.0)
    finally:
        audio.close()


def test_audio_pygame_feeds_the_format_the_mixer_grants(
    dummy_sdl: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pygame

    real_init, real_sound = pygame.mixer.init, pygame.mixer.Sound
    made: list[pygame.mixer.Sound] = []

    def init_as_a_usb_card(**_asked: int) -> None:  # such cards grant 48 kHz stereo only
        real_init(frequency=48000, size=-16, channels=2, buffer=1024)

    def recording_sound(buffer: bytes) -> pygame.mixer.Sound:
        made.append(real_sound(buffer=buffer))
        return made[-1]

    monkeypatch.setattr(pygame.mixer, "init", init_as_a_usb_card)
    monkeypatch.setattr(pygame.mixer, "Sound", recording_sound)
    audio = PygameAudio(FakeClock(), volume=0.5)
    try:
        audio.play(Tone.INHALE)
        assert pygame.mixer.get_init() == (48000, -16, 2)
        assert len(made) == 1
        assert made[0].get_length() == pytest.approx(tone_duration(Tone.INHALE), abs=0.001)
        frames = array("h", made[0].get_raw())
        assert frames[0::2] == frames[1::2]  # the same signal on both channels
    finally:
        audio.close()


def test_audio_pygame_missing_device_warns_once_and_stays_silent(
    dummy_sdl: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SDL_AUDIODRIVER", "no-such-driver")
    audio = PygameAudio(FakeClock(), volume=0.5, logger=logging.getLogger(LOGGER))
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        for tone in (Tone.REMINDER, Tone.REMINDER, Tone.TICK):
            audio.play(tone)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "no-such-driver" in message  # names the problem
    assert 'backend = "none"' in message  # and the fix
    assert audio.deadline() is None
    assert not audio.is_open
    audio.close()


def test_audio_pygame_close_twice_is_harmless(dummy_sdl: None) -> None:
    audio = PygameAudio(FakeClock(), volume=0.5)
    audio.play(Tone.PHASE)
    audio.close()
    audio.close()
    assert not mixer_is_open()
    audio.play(Tone.PHASE)  # after close: ignored, the device stays released
    assert not mixer_is_open()
    assert audio.deadline() is None


def test_audio_pygame_context_manager_closes(dummy_sdl: None) -> None:
    with PygameAudio(FakeClock(), volume=0.5) as audio:
        audio.play(Tone.ACK)
        assert mixer_is_open()
    assert not mixer_is_open()


def test_audio_pygame_not_imported_before_first_play(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import os, sys
        from device.adapters.audio import make_audio
        from device.clock import FakeClock
        from device.core.tones import Tone
        audio = make_audio("pygame", FakeClock(), 0.5, None)
        assert "pygame" not in sys.modules, "imported too early"
        assert "SDL_NO_SIGNAL_HANDLERS" not in os.environ, "set too early"
        audio.play(Tone.ACK)
        assert "pygame" in sys.modules, "not imported at play"
        assert os.environ["SDL_NO_SIGNAL_HANDLERS"] == "1"
        assert audio.is_open, "the dummy mixer did not open"
        audio.close()
        print("ok")
        """
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("SDL_")}
    env.update(SDL_AUDIODRIVER="dummy", PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_audio_recording_records_times_and_tones() -> None:
    clock = FakeClock(monotonic_start=50.0)
    audio = RecordingAudio(clock)
    audio.play(Tone.INHALE)
    clock.advance(2.5)
    audio.play(Tone.TICK)
    assert audio.played == [(50.0, Tone.INHALE), (52.5, Tone.TICK)]
    assert audio.tones == [Tone.INHALE, Tone.TICK]
    assert audio.deadline() is None


def test_audio_recording_ignores_tones_after_close() -> None:
    audio = RecordingAudio(FakeClock())
    audio.close()
    audio.close()
    audio.play(Tone.ACK)
    assert audio.played == []


def test_audio_null_does_nothing_and_closes_twice() -> None:
    with NullAudio() as audio:
        audio.play(Tone.REMINDER)
        audio.service(0.0)
        assert audio.deadline() is None
    audio.close()


def test_audio_make_audio_builds_each_backend() -> None:
    clock = FakeClock()
    assert isinstance(make_audio("pygame", clock, 0.5, None), PygameAudio)
    assert isinstance(make_audio("none", clock, 0.5, None), NullAudio)


def test_audio_make_audio_unknown_backend_names_the_key() -> None:
    with pytest.raises(ConfigError,
                       match=r'audio\.backend = "beeper".*"pygame" or "buzzer" or "none"'):
        make_audio("beeper", FakeClock(), 0.5, None)


def test_audio_resample_doubles_and_interpolates() -> None:
    out = resample(array("h", [0, 100, 200]), 22050, 44100)
    assert len(out) == 6
    assert out[0] == 0
    assert out[-1] == 200
    assert list(out) == sorted(out)  # a rising ramp stays a rising ramp


def test_audio_resample_same_rate_is_a_copy() -> None:
    samples = array("h", [1, -2, 3])
    out = resample(samples, 22050, 22050)
    assert out == samples
    assert out is not samples


@pytest.mark.parametrize(
    ("size", "typecode", "expected"),
    [
        (-16, "h", [0, 16384, -32768]),
        (16, "H", [32768, 49152, 0]),
        (-8, "b", [0, 64, -128]),
        (8, "B", [128, 192, 0]),
        (-32, "f", [0.0, 0.5, -1.0]),
    ],
)
def test_audio_to_mixer_format_converts_sample_size(
    size: int, typecode: str, expected: list[float]
) -> None:
    pcm = to_mixer_format(array("h", [0, 16384, -32768]), 22050, (22050, size, 1))
    assert list(array(typecode, pcm)) == expected


def test_audio_to_mixer_format_duplicates_channels() -> None:
    pcm = to_mixer_format(array("h", [0, 100, -100]), 22050, (22050, -16, 2))
    assert list(array("h", pcm)) == [0, 0, 100, 100, -100, -100]


def test_audio_to_mixer_format_refuses_unknown_size() -> None:
    with pytest.raises(ValueError, match="24"):
        to_mixer_format(array("h", [0]), 22050, (22050, 24, 1))
