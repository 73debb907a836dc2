"""The piezo backend: scores in the piezo's loud band, queued, played on mock PWM pins."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from gpiozero import TonalBuzzer
from gpiozero.pins.mock import MockFactory, MockPWMPin

from unslump.config.file import AudioConfig, Config, RoutineConfig
from unslump.core.effects import Play
from unslump.core.records import Variant
from unslump.core.routine import plan_routine
from unslump.core.tones import BREATH_TONES, Tone
from unslump.edges.audio.backends import make_audio
from unslump.edges.audio.buzzer import (
    PIEZO_HIGH_HZ,
    PIEZO_LOW_HZ,
    BuzzerAudio,
    BuzzerStep,
    breath_steps,
    buzzer_steps,
    fit_octaves,
)
from unslump.edges.audio.sequencer import Lane
from unslump.edges.audio.synth import DESIGNS, Note, ToneDesign, design_for, tone_duration
from unslump.edges.clock import FakeClock

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


class PinListener:
    """Every (time, frequency) the pin is set to, read back after each adapter call."""

    def __init__(self, factory: MockFactory, clock: FakeClock) -> None:
        self.pin = factory.pin(PIN)
        self.clock = clock
        self.changes: list[tuple[float, float | None]] = []

    def look(self) -> None:
        frequency = self.pin.frequency
        if not self.changes or self.changes[-1][1] != frequency:
            self.changes.append((self.clock.monotonic(), frequency))


def follow(audio: BuzzerAudio, clock: FakeClock, listener: PinListener,
           until: float | None = None) -> None:
    """Follow every deadline of the buzzer (to ``until``), noting each pitch change."""
    listener.look()
    for _ in range(100_000):
        due = audio.deadline()
        if due is None or (until is not None and due > until):
            return
        clock.advance_to(due)
        audio.service(clock.monotonic())
        listener.look()
    raise AssertionError("the score never ended")


def play_through(audio: BuzzerAudio, clock: FakeClock, factory: MockFactory,
                 play: Play) -> list[float | None]:
    """Play ``play`` and follow it to the end; the pin's frequency at each change."""
    listener = PinListener(factory, clock)
    audio.play(play)
    follow(audio, clock, listener)
    return [frequency for _, frequency in listener.changes]


def test_buzzer_fit_octaves_moves_whole_notes_into_range() -> None:
    assert fit_octaves((1400.0,), 2000.0, 4000.0) == 2.0
    assert fit_octaves((5000.0,), 2000.0, 4000.0) == 0.5
    assert fit_octaves((523.25, 1046.5), 2000.0, 4000.0) == 4.0  # lowest in, top clamped


def test_buzzer_steps_glide_rises_in_discrete_steps() -> None:
    steps = buzzer_steps(DESIGNS[Tone.UNCURL], glide_steps=8)
    frequencies = [step.frequency for step in steps]
    assert len(steps) == 8
    assert frequencies == sorted(frequencies)
    assert frequencies[0] == pytest.approx(523.25 * 4)
    assert sum(step.duration for step in steps) == pytest.approx(tone_duration(Tone.UNCURL))


def test_buzzer_steps_overlapping_notes_are_cut_and_gaps_rest() -> None:
    design = ToneDesign((Note(0.0, 0.5, 2200.0), Note(0.3, 0.2, 3300.0),
                         Note(0.6, 0.1, 880.0)))
    assert buzzer_steps(design) == (
        BuzzerStep(2200.0, pytest.approx(0.3)),
        BuzzerStep(3300.0, pytest.approx(0.2)),
        BuzzerStep(None, pytest.approx(0.1)),
        BuzzerStep(3520.0, pytest.approx(0.1)),
    )


def test_buzzer_steps_clamp_what_octaves_cannot_fit() -> None:
    wide = ToneDesign((Note(0.0, 1.0, 1000.0, 10000.0),))
    frequencies = [step.frequency for step in buzzer_steps(wide, 2000.0, 4000.0)]
    assert frequencies[0] == pytest.approx(2000.0)
    assert max(frequencies) == 4000.0
    assert frequencies == sorted(frequencies)


@pytest.mark.parametrize(("tone", "rising"), [(Tone.INHALE, True), (Tone.EXHALE, False)])
def test_buzzer_breath_is_chirps_through_the_whole_breath(tone: Tone, rising: bool) -> None:
    steps = breath_steps(tone, 3.6)
    chirps = [step.frequency for step in steps if step.frequency is not None]
    assert len(chirps) >= 6  # paced through the breath, not one mark at its start
    assert chirps == sorted(chirps, reverse=not rising)
    assert sum(step.duration for step in steps) == pytest.approx(3.6)
    assert all(PIEZO_LOW_HZ <= f <= PIEZO_HIGH_HZ for f in chirps)


def test_buzzer_range_is_the_piezo_band_and_every_tone_fits_it(
        factory: MockFactory, clock: FakeClock) -> None:
    with BuzzerAudio(PIN, clock, 1.0, pin_factory=factory) as audio:
        low, high = audio.range_hz
        assert (low, high) == (PIEZO_LOW_HZ, PIEZO_HIGH_HZ)
        assert (low, high) == (2000.0, 4000.0)
        for tone in Tone:
            heard = play_through(audio, clock, factory, Play(tone))
            assert heard[-1] is None, tone
            assert all(f is None or low <= f <= high for f in heard), tone
            assert any(f is not None for f in heard), tone
            assert audio.deadline() is None


def test_buzzer_sounds_due_together_are_all_heard_in_order(
        factory: MockFactory, clock: FakeClock) -> None:
    """The old buzzer cut the phase sound with the breath due at the same instant."""
    with BuzzerAudio(PIN, clock, 0.5, pin_factory=factory) as audio:
        listener = PinListener(factory, clock)
        start = clock.monotonic()
        audio.play(Play(Tone.HANG))
        audio.play(Play(Tone.INHALE, 3.6))
        follow(audio, clock, listener)
        hang = audio.score(Play(Tone.HANG))
        inhale = audio.score(Play(Tone.INHALE, 3.6))
    heard = [frequency for _, frequency in listener.changes]
    expected = [step.frequency for step in (*hang, *inhale)]
    assert heard == _merge([*expected, None])
    assert listener.changes[1][0] == pytest.approx(start + hang[0].duration)
    # the in-breath starts once the phase sound is over, and lasts its full length
    assert clock.monotonic() == pytest.approx(start + tone_duration(Tone.HANG) + 3.6)


def test_buzzer_plays_every_cue_of_a_routine_in_order(
        factory: MockFactory, clock: FakeClock) -> None:
    """The whole stretch through the buzzer: each cue's score, whole and in plan order."""
    cfg = RoutineConfig(repetitions=2)
    plan = plan_routine(Config().routines.stretch, cfg, Variant.SEATED)
    tone_cues = [cue for cue in plan.cues if cue.tone is not None]  # a piezo cannot speak
    origin = clock.monotonic()
    listener = PinListener(factory, clock)
    started: list[tuple[float, Tone]] = []
    with BuzzerAudio(PIN, clock, 0.5, pin_factory=factory) as audio:
        for cue in tone_cues:
            follow(audio, clock, listener, until=origin + cue.offset)
            clock.advance_to(origin + cue.offset)
            audio.service(clock.monotonic())
            listener.look()
            audio.play(cue.play())
            started.append((clock.monotonic(), cue.tone))
            listener.look()
        follow(audio, clock, listener)
        scores = {cue.play(): audio.score(cue.play()) for cue in tone_cues}
    # What the pin should do: the plan laid out one sound after another, each score whole.
    lane = Lane()
    expected: list[tuple[float, float | None]] = [(origin, None)]
    for cue in tone_cues:
        score = scores[cue.play()]
        slot = lane.add(origin + cue.offset, cue.play(), sum(s.duration for s in score))
        at = slot.start
        for step in score:
            expected.append((at, step.frequency))
            at += step.duration
        expected.append((at, None))
    want = [(round(t, 6), f) for t, f in _merge_timed(expected)]
    got = [(round(t, 6), f) for t, f in _merge_timed(listener.changes)]
    assert got == want
    assert len(started) == len(tone_cues)
    assert sum(1 for tone in Tone if any(t is tone for _, t in started)) >= 12


def _merge_timed(events: list[tuple[float, float | None]]) -> list[tuple[float, float | None]]:
    """Pitch changes as a listener to the pin hears them: a repeat of the same pitch (or
    of silence) at once after it is no change; of events at the same time the last wins."""
    merged: list[tuple[float, float | None]] = []
    for at, frequency in events:
        if merged and abs(merged[-1][0] - at) < 1e-9:
            merged.pop()
        if not merged or merged[-1][1] != frequency:
            merged.append((at, frequency))
    return merged


def _merge(frequencies: list[float | None]) -> list[float | None]:
    """What a listener to the pin hears: a repeated pitch is one long one."""
    merged: list[float | None] = []
    for frequency in frequencies:
        if not merged or merged[-1] != frequency:
            merged.append(frequency)
    return merged


def test_buzzer_late_service_skips_to_the_step_due(
        factory: MockFactory, clock: FakeClock) -> None:
    with BuzzerAudio(PIN, clock, 0.5, pin_factory=factory) as audio:
        audio.play(Play(Tone.UNCURL))
        clock.advance(0.2)  # the loop was busy: steps 0-3 are over, step 4 sounds
        audio.service(clock.monotonic())
        score = audio.score(Play(Tone.UNCURL))
        assert factory.pin(PIN).frequency == pytest.approx(score[4].frequency)
        assert audio.deadline() == pytest.approx(clock.monotonic() - 0.2 + 5 * 0.38 / 8)
        clock.advance(5.0)
        audio.service(clock.monotonic())
        assert factory.pin(PIN).frequency is None
        assert audio.deadline() is None


def test_buzzer_cut_silences_the_sound_and_drops_the_queue(
        factory: MockFactory, clock: FakeClock) -> None:
    with BuzzerAudio(PIN, clock, 0.5, pin_factory=factory) as audio:
        audio.play(Play(Tone.EXHALE, 5.4))
        audio.play(Play(Tone.TICK))  # queued behind the out-breath
        clock.advance(1.0)
        audio.service(clock.monotonic())
        audio.play(Play(Tone.PAUSE, cut=True))
        pause = audio.score(Play(Tone.PAUSE))
        assert factory.pin(PIN).frequency == pytest.approx(pause[0].frequency)
        heard = play_through(audio, clock, factory, Play(Tone.ACK))  # queued after PAUSE
        assert clock.monotonic() < 1000.0 + 1.0 + 0.28 + 0.03 + 1e-6  # no TICK left over
        assert heard[-1] is None


def test_buzzer_marks_style_plays_the_short_glide(factory: MockFactory,
                                                  clock: FakeClock) -> None:
    with BuzzerAudio(PIN, clock, 0.5, pin_factory=factory, breath="marks") as audio:
        heard = play_through(audio, clock, factory, Play(Tone.INHALE, 3.6))
    assert heard[-1] is None and len(heard) >= 7  # rising steps (the top held), silence
    assert heard[:-1] == sorted(heard[:-1])  # type: ignore[type-var]
    assert sum(1 for _ in heard) < 12  # one short glide, not chirps through the breath
    assert tone_duration(Tone.INHALE, breath="marks") == pytest.approx(0.9)


def test_buzzer_volume_zero_is_silent_and_leaves_the_pin_free(
        factory: MockFactory, clock: FakeClock) -> None:
    with BuzzerAudio(PIN, clock, 0.0, pin_factory=factory) as audio:
        audio.play(Play(Tone.REMINDER))
        assert audio.silent
        assert audio.deadline() is None
        assert factory.pin(PIN).frequency is None
        with TonalBuzzer(PIN, pin_factory=factory):  # nobody else holds the pin
            pass


def test_buzzer_close_twice_is_harmless_and_frees_the_pin(
        factory: MockFactory, clock: FakeClock) -> None:
    audio = BuzzerAudio(PIN, clock, 0.5, pin_factory=factory)
    audio.play(Play(Tone.COMPLETE))
    audio.close()
    audio.close()
    assert factory.pin(PIN).frequency is None
    audio.play(Play(Tone.TICK))
    audio.service(clock.monotonic() + 10)
    assert audio.deadline() is None
    assert factory.pin(PIN).frequency is None
    with TonalBuzzer(PIN, pin_factory=factory):
        pass


def test_buzzer_pin_in_use_warns_once_and_plays_silent(
        factory: MockFactory, clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    with TonalBuzzer(PIN, pin_factory=factory):
        audio = BuzzerAudio(PIN, clock, 0.5, pin_factory=factory,
                            logger=logging.getLogger(LOGGER))
        for tone in (Tone.REMINDER, Tone.INHALE, Tone.ACK):
            audio.play(Play(tone))
            assert audio.deadline() is None
        audio.close()
    warnings = [r for r in caplog.records if r.name == LOGGER]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "BCM 12" in message
    assert "[pins] buzzer" in message
    assert audio.silent


def test_buzzer_pin_without_pwm_warns_and_runs_silent(
        clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    plain = MockFactory()  # MockPin: no PWM, so no tones
    try:
        audio = BuzzerAudio(PIN, clock, 0.5, pin_factory=plain,
                            logger=logging.getLogger(LOGGER))
        audio.play(Play(Tone.TICK))
        assert audio.silent
        audio.close()
    finally:
        plain.close()
    assert len([r for r in caplog.records if r.name == LOGGER]) == 1


def test_buzzer_make_audio_builds_the_buzzer_on_the_configured_pin(
        factory: MockFactory, clock: FakeClock) -> None:
    audio = make_audio(AudioConfig(backend="buzzer"), clock, buzzer_pin=PIN,
                       pin_factory=factory)
    try:
        assert isinstance(audio, BuzzerAudio)
        audio.play(Play(Tone.RESUME))
        assert factory.pin(PIN).frequency == pytest.approx(587.33 * 4)
    finally:
        audio.close()


def test_buzzer_every_design_note_is_scored(factory: MockFactory, clock: FakeClock) -> None:
    with BuzzerAudio(PIN, clock, 0.5, pin_factory=factory) as audio:
        for tone in Tone:
            score = audio.score(Play(tone))
            design = design_for(tone)
            if tone not in BREATH_TONES:
                assert sum(s.duration for s in score) == pytest.approx(design.duration), tone
