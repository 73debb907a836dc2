"""The piezo backend: scores fitted to TonalBuzzer's range, played on mock PWM pins."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from gpiozero import TonalBuzzer
from gpiozero.pins.mock import MockFactory, MockPWMPin

from device.adapters.audio import make_audio
from device.adapters.buzzer import BuzzerAudio, BuzzerStep, buzzer_steps, fit_octaves
from device.adapters.synth import DESIGNS, Note, ToneDesign, tone_duration
from device.clock import FakeClock
from device.core.tones import Tone

PIN = 12
LOGGER = "test.buzzer"


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    """A private mock factory with PWM pins (TonalBuzzer needs PWM); closed afterwards."""
    made = MockFactory(pin_class=MockPWMPin)
    yield made
    made.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def play_through(audio: BuzzerAudio, clock: FakeClock, factory: MockFactory,
                 tone: Tone) -> list[float | None]:
    """Play ``tone`` and follow every deadline; the pin's frequency at each step."""
    pin = factory.pin(PIN)
    audio.play(tone)
    heard = [pin.frequency]
    for _ in range(100):
        due = audio.deadline()
        if due is None:
            return heard
        clock.advance_to(due)
        audio.service(clock.monotonic())
        heard.append(pin.frequency)
    raise AssertionError("the score never ended")


def test_buzzer_fit_octaves_moves_whole_notes_into_range() -> None:
    assert fit_octaves((1400.0,), 220.0, 880.0) == 0.5
    assert fit_octaves((2093.0,), 220.0, 880.0) == 0.25
    assert fit_octaves((110.0,), 220.0, 880.0) == 2.0
    assert fit_octaves((330.0, 660.0), 220.0, 880.0) == 1.0


def test_buzzer_steps_glide_rises_in_discrete_steps() -> None:
    steps = buzzer_steps(DESIGNS[Tone.INHALE], glide_steps=8)
    frequencies = [step.frequency for step in steps]
    assert len(steps) == 8
    assert frequencies == sorted(frequencies)
    assert frequencies[0] == pytest.approx(330.0)
    assert frequencies[-1] == pytest.approx(660.0)
    assert sum(step.duration for step in steps) == pytest.approx(tone_duration(Tone.INHALE))


def test_buzzer_steps_overlapping_notes_are_cut_and_gaps_rest() -> None:
    design = ToneDesign((Note(0.0, 0.5, 440.0), Note(0.3, 0.2, 660.0),
                         Note(0.6, 0.1, 1760.0)))
    assert buzzer_steps(design) == (
        BuzzerStep(440.0, pytest.approx(0.3)),
        BuzzerStep(660.0, pytest.approx(0.2)),
        BuzzerStep(None, pytest.approx(0.1)),
        BuzzerStep(880.0, pytest.approx(0.1)),
    )


def test_buzzer_steps_clamp_what_octaves_cannot_fit() -> None:
    wide = ToneDesign((Note(0.0, 1.0, 100.0, 1000.0),))
    frequencies = [step.frequency for step in buzzer_steps(wide, 220.0, 880.0)]
    # Two octaves up puts its start in range; the top of the glide is held at 880 Hz.
    assert frequencies[0] == pytest.approx(400.0)
    assert max(frequencies) == 880.0
    assert frequencies == sorted(frequencies)


def test_buzzer_steps_every_tone_fits_the_tonal_buzzer(factory: MockFactory) -> None:
    with TonalBuzzer(PIN, pin_factory=factory) as buzzer:
        low, high = buzzer.min_tone.frequency, buzzer.max_tone.frequency
    for tone in Tone:
        for step in buzzer_steps(DESIGNS[tone], low, high):
            assert step.frequency is None or low <= step.frequency <= high, tone
            assert step.duration > 0, tone


def test_buzzer_inhale_rises_and_goes_silent_at_the_end(
    factory: MockFactory, clock: FakeClock
) -> None:
    with BuzzerAudio(PIN, clock, 0.5, pin_factory=factory) as audio:
        start = clock.monotonic()
        heard = play_through(audio, clock, factory, Tone.INHALE)
        assert heard[-1] is None
        pitches = heard[:-1]
        assert len(pitches) == 8
        assert all(f is not None for f in pitches)
        assert pitches == sorted(pitches)
        assert pitches[0] < pitches[-1]
        assert clock.monotonic() == pytest.approx(start + tone_duration(Tone.INHALE))


def test_buzzer_exhale_falls(factory: MockFactory, clock: FakeClock) -> None:
    with BuzzerAudio(PIN, clock, 0.5, pin_factory=factory) as audio:
        pitches = play_through(audio, clock, factory, Tone.EXHALE)[:-1]
    assert len(pitches) == 8
    assert pitches == sorted(pitches, reverse=True)
    assert pitches[0] > pitches[-1]


def test_buzzer_every_tone_plays_within_range_and_ends_silent(
    factory: MockFactory, clock: FakeClock
) -> None:
    with BuzzerAudio(PIN, clock, 1.0, pin_factory=factory) as audio:
        low, high = audio.range_hz
        assert (low, high) == (220.0, 880.0)
        for tone in Tone:
            heard = play_through(audio, clock, factory, tone)
            assert heard[-1] is None, tone
            assert all(f is None or low <= f <= high for f in heard), tone
            assert any(f is not None for f in heard), tone
            assert audio.deadline() is None


def test_buzzer_gap_between_notes_is_a_rest(factory: MockFactory, clock: FakeClock) -> None:
    with BuzzerAudio(PIN, clock, 0.5, pin_factory=factory) as audio:
        heard = play_through(audio, clock, factory, Tone.PHASE)
    # B5 and E6 an octave down, with the 10 ms gap between them silent.
    assert heard == [pytest.approx(987.77 / 2), None, pytest.approx(1318.51 / 2), None]


def test_buzzer_late_service_skips_to_the_step_due(
    factory: MockFactory, clock: FakeClock
) -> None:
    with BuzzerAudio(PIN, clock, 0.5, pin_factory=factory) as audio:
        audio.play(Tone.INHALE)
        clock.advance(0.5)  # the loop was busy: steps 0-3 are over, step 4 sounds
        audio.service(clock.monotonic())
        expected = audio.score(Tone.INHALE)[4]
        assert factory.pin(PIN).frequency == pytest.approx(expected.frequency)
        assert audio.deadline() == pytest.approx(clock.monotonic() - 0.5 + 5 * 0.9 / 8)
        clock.advance(5.0)
        audio.service(clock.monotonic())
        assert factory.pin(PIN).frequency is None
        assert audio.deadline() is None


def test_buzzer_new_tone_cuts_the_one_playing(factory: MockFactory, clock: FakeClock) -> None:
    with BuzzerAudio(PIN, clock, 0.5, pin_factory=factory) as audio:
        audio.play(Tone.REMINDER)
        clock.advance(0.1)
        audio.play(Tone.ACK)
        assert factory.pin(PIN).frequency == pytest.approx(2093.0 / 4)
        assert audio.deadline() == pytest.approx(clock.monotonic() + tone_duration(Tone.ACK))


def test_buzzer_volume_zero_is_silent_and_leaves_the_pin_free(
    factory: MockFactory, clock: FakeClock
) -> None:
    with BuzzerAudio(PIN, clock, 0.0, pin_factory=factory) as audio:
        audio.play(Tone.REMINDER)
        assert audio.silent
        assert audio.deadline() is None
        assert factory.pin(PIN).frequency is None
        with TonalBuzzer(PIN, pin_factory=factory):  # nobody else holds the pin
            pass


def test_buzzer_close_twice_is_harmless_and_frees_the_pin(
    factory: MockFactory, clock: FakeClock
) -> None:
    audio = BuzzerAudio(PIN, clock, 0.5, pin_factory=factory)
    audio.play(Tone.COMPLETE)
    audio.close()
    audio.close()
    assert factory.pin(PIN).frequency is None
    audio.play(Tone.TICK)
    audio.service(clock.monotonic() + 10)
    assert audio.deadline() is None
    assert factory.pin(PIN).frequency is None
    with TonalBuzzer(PIN, pin_factory=factory):
        pass


def test_buzzer_pin_in_use_warns_once_and_plays_silent(
    factory: MockFactory, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    with TonalBuzzer(PIN, pin_factory=factory):
        audio = BuzzerAudio(PIN, clock, 0.5, pin_factory=factory,
                            logger=logging.getLogger(LOGGER))
        for tone in (Tone.REMINDER, Tone.INHALE, Tone.ACK):
            audio.play(tone)
            assert audio.deadline() is None
        audio.close()
    warnings = [r for r in caplog.records if r.name == LOGGER]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "BCM 12" in message
    assert "[pins] buzzer" in message
    assert audio.silent


def test_buzzer_pin_without_pwm_warns_and_runs_silent(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    plain = MockFactory()  # MockPin: no PWM, so no tones
    try:
        audio = BuzzerAudio(PIN, clock, 0.5, pin_factory=plain,
                            logger=logging.getLogger(LOGGER))
        audio.play(Tone.TICK)
        assert audio.silent
        audio.close()
    finally:
        plain.close()
    assert len([r for r in caplog.records if r.name == LOGGER]) == 1


def test_buzzer_make_audio_builds_the_buzzer_on_the_configured_pin(
    factory: MockFactory, clock: FakeClock
) -> None:
    audio = make_audio("buzzer", clock, 0.5, None, buzzer_pin=PIN, pin_factory=factory)
    try:
        assert isinstance(audio, BuzzerAudio)
        audio.play(Tone.RESUME)
        assert factory.pin(PIN).frequency == pytest.approx(587.33)
    finally:
        audio.close()
