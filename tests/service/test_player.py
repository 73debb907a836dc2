"""The player process and the service's link to it: real processes, a fake clock where the
timing is ours, SDL's dummy driver where a mixer must really open."""

from __future__ import annotations

import logging
import os
import select
import subprocess
import sys
import textwrap
import threading
from array import array
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.paths import REPO
from unslump.core.effects import Play
from unslump.core.tones import Tone
from unslump.edges.audio.player_client import (
    HANG_S,
    KEEP_S,
    LINGER_S,
    MAX_FAILURES,
    START_S,
    WARM_S,
    PlayerAudio,
    player_command,
)
from unslump.edges.audio.player_process import (
    OPENING_SILENCE_S,
    format_play,
    parse_command,
    resample,
    to_mixer_format,
)
from unslump.edges.audio.synth import tone_duration
from unslump.edges.clock import FakeClock, SystemClock

REPO = REPO
LOGGER = "test.player"

# Speaks the protocol without pygame: confirms each sound at once and goes idle.
FAKE_PLAYER = textwrap.dedent("""
    import sys
    print("ready 0.0", flush=True)
    for line in sys.stdin:
        words = line.split()
        if words == ["quit"]:
            break
        if words == ["rest"]:
            print("rested 0.0", flush=True)
        if words[0] == "play":
            print("started", words[1], "0.0", flush=True)
            print("idle 0.0", flush=True)
""")
HANGING_PLAYER = "import time; time.sleep(120)"  # reads nothing, answers nothing
DYING_PLAYER = "print('ready 0.0', flush=True)"  # up, then gone


@pytest.fixture
def dummy_env() -> dict[str, str]:
    """The player's environment: SDL's dummy driver (a real mixer, no sound card)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SDL_")}
    env.update(SDL_AUDIODRIVER="dummy", PYTHONPATH=str(REPO))
    return env


def fake(links: list[PlayerAudio], clock: FakeClock, script: str = FAKE_PLAYER,
         **kwargs: float) -> PlayerAudio:
    link = PlayerAudio(clock, [sys.executable, "-c", script],
                       logging.getLogger(LOGGER), **kwargs)  # type: ignore[arg-type]
    links.append(link)
    return link


def wait_for(link: PlayerAudio, done: Callable[[], bool], clock: object) -> None:
    """Let the player talk until ``done()``: blocks on its pipe, never sleeps."""
    for _ in range(200):
        if done():
            return
        fd = link.fileno()
        assert fd is not None, "the player is not running"
        readable, _, _ = select.select([fd], [], [], 10.0)
        assert readable, "the player said nothing for 10 s"
        link.service(clock.monotonic())  # type: ignore[attr-defined]
    raise AssertionError("the player never got there")


def test_player_command_lines_round_trip() -> None:
    for play in (Play(Tone.INHALE, 3.6), Play(Tone.PAUSE, cut=True), Play(Tone.TICK)):
        command = parse_command(format_play(7, play))
        assert (command.verb, command.seq, command.play) == ("play", 7, play)
    assert parse_command("quit").verb == "quit"
    with pytest.raises(ValueError, match="not a player command"):
        parse_command("play 1 inhale")


def test_player_real_process_plays_sounds_due_together_one_after_another(
        dummy_env: dict[str, str], links: list[PlayerAudio]) -> None:
    clock = SystemClock()
    link = PlayerAudio(clock, player_command(0.5, "swell"), logging.getLogger(LOGGER),
                       env=dummy_env)
    links.append(link)
    link.play(Play(Tone.HANG))
    link.play(Play(Tone.INHALE, 1.0))
    link.play(Play(Tone.TICK))
    wait_for(link, lambda: len(link.started) == 3, clock)
    starts = [link.started[seq] for seq in (1, 2, 3)]
    # a moment of silence after the device opens: an amplifier's click is not on the cue
    assert link.ready_at is not None and link.ready_at + OPENING_SILENCE_S <= starts[0] + 0.001
    # each waits for the one before it to end: nothing cut, nothing blurred
    assert starts[1] - starts[0] >= tone_duration(Tone.HANG) - 0.01
    assert starts[2] - starts[0] >= tone_duration(Tone.HANG) + 1.0 - 0.01
    link.close()
    assert not link.running


def test_player_service_process_never_imports_pygame(tmp_path: Path,
                                                     dummy_env: dict[str, str]) -> None:
    script = textwrap.dedent("""
        import select, sys
        from unslump.edges.audio.backends import make_audio
        from unslump.edges.clock import SystemClock
        from unslump.config.file import AudioConfig
        from unslump.core.effects import Play
        from unslump.core.tones import Tone
        clock = SystemClock()
        audio = make_audio(AudioConfig(), clock)
        audio.play(Play(Tone.REMINDER))
        while 1 not in audio.started:
            select.select([audio.fileno()], [], [], 10)
            audio.service(clock.monotonic())
        assert "pygame" not in sys.modules, "the service imported pygame"
        audio.close()
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=dummy_env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert result.stderr == ""  # neither pygame's banner nor SDL reach the journal


def test_player_starts_ahead_of_a_planned_sound(links: list[PlayerAudio]) -> None:
    clock = FakeClock()
    link = fake(links, clock)
    link.expect(clock.monotonic() + WARM_S + 10.0)
    assert not link.running
    assert link.deadline() == pytest.approx(clock.monotonic() + 10.0)
    clock.advance(10.0)
    link.service(clock.monotonic())
    assert link.running  # warm before the sound is due
    link.expect(None)


def test_player_is_not_kept_through_a_bout_for_a_press_that_may_come(
        links: list[PlayerAudio]) -> None:
    """A reminder far off starts no player until ``WARM_S`` before it: a press for a
    stretch has its first cue played by aplay at once, so a player resting through the
    last part of every bout (some 29 MiB) buys nothing."""
    clock = FakeClock()
    link = fake(links, clock)
    reminder = clock.monotonic() + 45 * 60.0
    link.expect(reminder)
    assert link.deadline() == pytest.approx(reminder - WARM_S)
    clock.advance_to(reminder - WARM_S - 1.0)
    link.service(clock.monotonic())
    assert not link.running  # the whole bout but its last seconds: no player
    clock.advance_to(reminder - WARM_S)
    link.service(clock.monotonic())
    assert link.running  # warm for the chime
    link.expect(None)


def test_player_ends_after_silence_unless_a_sound_is_near(links: list[PlayerAudio]) -> None:
    clock = FakeClock()
    link = fake(links, clock)
    link.play(Play(Tone.SETUP))
    wait_for(link, lambda: 1 in link.started, clock)
    wait_for(link, lambda: link.deadline() == pytest.approx(clock.monotonic() + LINGER_S),
             clock)
    link.expect(clock.monotonic() + KEEP_S / 2)  # the next cue of a routine: stay
    clock.advance(LINGER_S)
    link.service(clock.monotonic())
    assert link.running
    link.expect(None)  # nothing planned any more: the player goes after its linger
    clock.advance(LINGER_S)
    link.service(clock.monotonic())
    assert not link.running


def test_player_hang_is_logged_killed_and_the_next_sound_tries_again(
        links: list[PlayerAudio], caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    link = fake(links, clock, HANGING_PLAYER)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        link.play(Play(Tone.REMINDER))
        deadline = link.deadline()
        assert deadline is not None and deadline <= clock.monotonic() + START_S
        clock.advance(HANG_S)
        link.service(clock.monotonic())
        assert link.running  # a cold start (a Pi Zero importing pygame) takes seconds
        clock.advance(START_S - HANG_S)
        link.service(clock.monotonic())
        assert not link.running
        assert "did not open the sound device within 20 s" in caplog.text
        for _ in range(MAX_FAILURES - 1):
            link.play(Play(Tone.REMINDER))
            assert link.running
            clock.advance(START_S)
            link.service(clock.monotonic())
    assert link.silent
    assert "running silent from now on" in caplog.records[-1].getMessage()
    link.play(Play(Tone.REMINDER))  # given up: no more players
    assert not link.running


def test_player_open_that_then_hangs_is_killed_after_hang_s(
        links: list[PlayerAudio], caplog: pytest.LogCaptureFixture) -> None:
    """Once the device is open, a sound not started within ``HANG_S`` means a hang."""
    clock = FakeClock()
    link = fake(links, clock, "import sys; print('ready 0.0', flush=True); sys.stdin.read()")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        link.play(Play(Tone.REMINDER))
        wait_for(link, lambda: link.ready_at is not None, clock)
        clock.advance(HANG_S / 2)
        link.service(clock.monotonic())
        assert link.running
        clock.advance(HANG_S / 2)
        link.service(clock.monotonic())
    assert not link.running
    assert "did not start sound 1 within 2 s" in caplog.text


def test_player_that_stops_reading_never_blocks_the_caller(
        links: list[PlayerAudio], caplog: pytest.LogCaptureFixture) -> None:
    link = fake(links, FakeClock(), HANGING_PLAYER)

    def flood() -> None:
        for _ in range(20_000):  # about 500 KB: far more than a pipe holds
            link.play(Play(Tone.TICK))

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        thread = threading.Thread(target=flood, daemon=True)
        thread.start()
        thread.join(30.0)
    assert not thread.is_alive(), "play() blocked on a full pipe"
    assert "stopped reading its commands" in caplog.text


def test_player_that_dies_is_noticed(links: list[PlayerAudio],
                                     caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    link = fake(links, clock, DYING_PLAYER)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        link.play(Play(Tone.SETUP))
        fd = link.fileno()
        assert fd is not None
        while os.read(fd, 4096) if select.select([fd], [], [], 10.0)[0] else b"":
            pass  # read to the end: the process has closed its output
        link._eof = True  # what service() would have read just now
        link.service(clock.monotonic())
    assert not link.running
    assert "ended by itself" in caplog.text


def test_player_without_a_device_says_so_once_and_stays_silent(
        dummy_env: dict[str, str], links: list[PlayerAudio],
        caplog: pytest.LogCaptureFixture) -> None:
    clock = SystemClock()
    env = dict(dummy_env, SDL_AUDIODRIVER="no-such-driver")
    link = PlayerAudio(clock, player_command(0.5, "swell"), logging.getLogger(LOGGER),
                       env=env)
    links.append(link)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        link.play(Play(Tone.REMINDER))
        wait_for(link, lambda: not link.running, clock)
        link.play(Play(Tone.REMINDER))
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "no-such-driver" in message.lower() or "audio" in message
    assert 'backend = "none"' in message
    assert link.silent


def test_player_resample_doubles_and_interpolates() -> None:
    out = resample(array("h", [0, 100, 200]), 22050, 44100)
    assert len(out) == 6
    assert out[0] == 0
    assert out[-1] == 200
    assert list(out) == sorted(out)  # a rising ramp stays a rising ramp


def test_player_resample_same_rate_is_a_copy() -> None:
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
def test_player_to_mixer_format_converts_sample_size(
    size: int, typecode: str, expected: list[float]
) -> None:
    pcm = to_mixer_format(array("h", [0, 16384, -32768]), 22050, (22050, size, 1))
    assert list(array(typecode, pcm)) == expected


def test_player_to_mixer_format_duplicates_channels() -> None:
    pcm = to_mixer_format(array("h", [0, 100, -100]), 22050, (22050, -16, 2))
    assert list(array("h", pcm)) == [0, 0, 100, 100, -100, -100]


def test_player_to_mixer_format_duplicates_wide_samples_on_every_channel() -> None:
    """Four-byte float samples on three channels: whole samples repeat, never split bytes."""
    pcm = to_mixer_format(array("h", [0, 16384, -32768]), 22050, (22050, -32, 3))
    assert list(array("f", pcm)) == [0.0] * 3 + [0.5] * 3 + [-1.0] * 3


def test_player_to_mixer_format_refuses_unknown_size() -> None:
    with pytest.raises(ValueError, match="24"):
        to_mixer_format(array("h", [0]), 22050, (22050, 24, 1))


def test_player_deadline_is_a_fixed_time_the_loop_can_reach(links: list[PlayerAudio]) -> None:
    """A deadline computed from "now" moves away each time the loop looks: the loop woke
    twice a second and never serviced the link (120 wake-ups a minute when idle)."""
    clock = FakeClock()
    link = fake(links, clock)
    link.play(Play(Tone.SETUP))
    first = link.deadline()
    assert first is not None
    clock.advance(0.3)
    assert link.deadline() == first  # busy: the next look-in stays where it was
    wait_for(link, lambda: 1 in link.started, clock)
    link._stop()  # quitting: reaped at a fixed look-in too
    quitting = link.deadline()
    assert quitting is not None
    clock.advance(0.2)
    assert link.deadline() == quitting


class CountingNotifier:
    """Stands in for systemd's notify socket: a 30 s watchdog, pings counted."""

    def __init__(self) -> None:
        self.pings = 0

    def watchdog_interval(self) -> float:
        return 30.0

    def watchdog(self) -> bool:
        self.pings += 1
        return True


def test_player_hanging_never_stalls_the_loop_or_the_watchdog(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """The service's own assembly with a player that hangs: the stretch goes on, silent,
    the watchdog is fed on time, and the journal says what happened."""
    from contextlib import ExitStack

    from gpiozero.pins.mock import MockFactory
    from luma.core.device import dummy

    from unslump.app import assembly as app
    from unslump.config.file import Config
    from unslump.edges.audio import player_client as player_link
    from unslump.edges.inputs.gpio import drive_mock_seat

    monkeypatch.setattr(player_link, "player_command",
                        lambda *args: [sys.executable, "-c", HANGING_PLAYER])
    config = Config()
    clock = FakeClock()
    notifier = CountingNotifier()
    factory = MockFactory()
    with ExitStack() as stack, caplog.at_level(logging.WARNING):
        edges = app.Edges(clock, lambda: dummy(width=128, height=64, mode="1"),
                          pin_factory=factory, notifier=notifier)  # type: ignore[arg-type]
        parts = app.assemble(stack, config, edges, tmp_path / "log.db")
        drive_mock_seat(factory, config.pins, True)
        while not parts.events.empty():
            parts.events.get_nowait()
        parts.runtime.start(parts.inputs.seat_occupied())
        start = clock.monotonic()
        button = factory.pin(config.pins.button)
        for _ in range(2):  # the safety notice, then "understood": the stretch
            button.drive_low()
            parts.run_until(clock, clock.monotonic() + 0.1)
            button.drive_high()
            parts.run_until(clock, clock.monotonic() + 1.0)
        parts.run_until(clock, start + 90.0)
        assert parts.runtime.state.name == "routine"  # the stretch goes on
        assert notifier.pings >= 90 / 10 - 1  # every 10 s, as if nothing happened
        assert parts.audio.silent  # gave up after MAX_FAILURES hung players
        assert not parts.audio.running
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert sum("did not open the sound device" in message
               for message in warnings) == MAX_FAILURES
    assert "running silent from now on" in warnings[-1]


def test_player_service_assembly_leaves_heavy_modules_out(tmp_path: Path) -> None:
    """The service's 30 MiB: no pygame, no synthesiser, no OpenSSL (hashlib) in it."""
    script = textwrap.dedent("""
        import sys
        import unslump.app.assembly
        import unslump.edges.audio.backends
        import unslump.edges.audio.player_client
        heavy = [name for name in ("pygame", "_hashlib", "numpy", "unslump.edges.audio.synth",
                                   "unslump.edges.audio.voice") if name in sys.modules]
        print(heavy)
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60, check=False,
                            env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_player_stays_up_for_a_whole_routine_and_goes_after_it(
        links: list[PlayerAudio]) -> None:
    """One device opening for the whole stretch (an I2S amplifier pops at each one)."""
    from unslump.config.file import Config, RoutineConfig
    from unslump.core.records import Variant
    from unslump.core.routine import plan_routine

    clock = FakeClock()
    link = fake(links, clock)
    plan = plan_routine(Config().routines.stretch, RoutineConfig(), Variant.SEATED)
    origin = clock.monotonic() + 10.0
    cues = [cue for cue in plan.cues if cue.tone is not None]
    link.expect(origin)  # the runtime passes on the first planned sound
    spawns: set[float] = set()
    for index, cue in enumerate(cues):
        due = origin + cue.offset
        while (deadline := link.deadline()) is not None and deadline <= due:
            clock.advance_to(deadline)
            link.service(clock.monotonic())
        clock.advance_to(due)
        link.service(clock.monotonic())
        assert link.running, f"no player for cue {index} ({cue.tone})"
        spawns.add(link.spawned_at or 0.0)
        link.play(cue.play())
        following = cues[index + 1].offset + origin if index + 1 < len(cues) else None
        link.expect(following)
        wait_for(link, lambda: link.last_seq in link.started, clock)
    assert len(spawns) == 1 and max(spawns) <= origin - WARM_S  # once, ahead of the first
    assert link.rested_at is None  # the device stayed open for the whole stretch
    wait_for(link, lambda: link.deadline() == pytest.approx(clock.monotonic() + LINGER_S),
             clock)
    clock.advance(LINGER_S)
    link.service(clock.monotonic())
    assert not link.running  # and ended once the stretch was over


def test_player_makes_sounds_ahead_in_the_order_they_are_needed() -> None:
    from unslump.edges.audio.player_process import NEED_ORDER, ahead_of_need

    assert set(NEED_ORDER) == set(Tone) and len(NEED_ORDER) == len(Tone)
    todo = ahead_of_need([Play(Tone.INHALE, 3.6), Play(Tone.EXHALE, 5.4)])
    tones = [play.tone for play in todo]
    assert tones.index(Tone.SETUP) < tones.index(Tone.INHALE) < tones.index(Tone.UNCURL)
    assert Play(Tone.INHALE, 3.6) in todo and Play(Tone.EXHALE, 5.4) in todo
    assert tones[0] is Tone.REMINDER


def test_player_pcm_cache_makes_each_sound_once_across_starts(tmp_path: Path) -> None:
    from unslump.edges.audio.player_process import PcmCache

    made: list[str] = []

    def make(name: str) -> Callable[[], bytes]:
        def run() -> bytes:
            made.append(name)
            return name.encode() * 100
        return run

    first = PcmCache(tmp_path / "sounds")
    assert first.get("hang 0.5 22050", make("hang")) == b"hang" * 100
    again = PcmCache(tmp_path / "sounds")  # the next start of the player
    assert again.get("hang 0.5 22050", make("hang")) == b"hang" * 100
    assert again.get("hang 0.6 22050", make("louder")) == b"louder" * 100  # a new setting
    assert made == ["hang", "louder"]
    assert not list((tmp_path / "sounds").glob("*.part"))


def test_player_pcm_cache_trouble_only_means_making_the_sound(tmp_path: Path) -> None:
    from unslump.edges.audio.player_process import PcmCache

    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    assert PcmCache(blocked / "sounds").get("tick", lambda: b"pcm") == b"pcm"
    assert PcmCache(None).get("tick", lambda: b"pcm") == b"pcm"


def test_player_real_process_keeps_its_sounds_for_the_next_start(
        dummy_env: dict[str, str], links: list[PlayerAudio], tmp_path: Path) -> None:
    clock = SystemClock()
    cache = tmp_path / "sounds"
    link = PlayerAudio(clock, player_command(0.5, "swell", [Play(Tone.INHALE, 3.6)], cache),
                       logging.getLogger(LOGGER), env=dummy_env)
    links.append(link)
    link.play(Play(Tone.SETUP))
    wait_for(link, lambda: link.prepared_at is not None, clock)
    assert len(list(cache.glob("*.pcm"))) == len(Tone)  # every tone, the breath at 3.6 s


class ReminderRun:
    """The service's own assembly on a player that speaks the protocol without pygame,
    seated from the start: the reminder is due at 45 minutes and repeats every 5."""

    def __init__(self, stack: ExitStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        from gpiozero.pins.mock import MockFactory
        from luma.core.device import dummy

        from unslump.app import assembly as app
        from unslump.config.file import Config
        from unslump.edges.audio import player_client as player_link
        from unslump.edges.inputs.gpio import drive_mock_seat

        monkeypatch.setattr(player_link, "player_command",
                            lambda *args: [sys.executable, "-c", FAKE_PLAYER])
        self.config = Config()
        self.clock = FakeClock(datetime(2026, 11, 24, 9, 0))  # outside quiet hours
        self.factory = MockFactory()
        edges = app.Edges(self.clock, lambda: dummy(width=128, height=64, mode="1"),
                          pin_factory=self.factory,
                          notifier=CountingNotifier())  # type: ignore[arg-type]
        self.parts = app.assemble(stack, self.config, edges, tmp_path / "log.db")
        drive_mock_seat(self.factory, self.config.pins, True)
        while not self.parts.events.empty():
            self.parts.events.get_nowait()
        self.parts.runtime.start(self.parts.inputs.seat_occupied())
        self.origin = self.clock.monotonic()
        self.spawns: set[float] = set()
        self.up: list[tuple[float, bool]] = []  # (minutes since the start, player up)

    @property
    def audio(self) -> PlayerAudio:
        return self.parts.audio  # type: ignore[return-value]

    def run_to(self, minutes: float) -> None:
        """Virtual time in steps of a second; each sound sent is confirmed by the player
        (a real process) before time goes on, as it would be within milliseconds."""
        until = self.origin + minutes * 60
        while self.clock.monotonic() < until:
            step = min(until, self.clock.monotonic() + 1.0)
            self.parts.run_until(self.clock, step)
            if self.audio.waiting:
                wait_for(self.audio, lambda: not self.audio.waiting, self.clock)
            if self.audio.running:
                self.spawns.add(self.audio.spawned_at or 0.0)
            self.up.append(((self.clock.monotonic() - self.origin) / 60, self.audio.running))

    def chimes(self) -> int:
        return sum(1 for seq in self.audio.started)


def test_player_stays_up_for_a_whole_reminder_and_goes_after_its_last_chime(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reminder repeats every 5 minutes until answered: one device opening for all
    of its chimes (an I2S amplifier pops at each one), closed once the repeats are over."""
    with ExitStack() as stack:
        run = ReminderRun(stack, tmp_path, monkeypatch)
        reminder = run.config.reminder
        last = reminder.remind_after_min + reminder.max_repeats * reminder.repeat_every_min
        run.run_to(last + 0.5)
        assert run.chimes() == 1 + reminder.max_repeats
        assert len(run.spawns) == 1  # opened once, ahead of the first chime
        during = [up for minute, up in run.up if reminder.remind_after_min <= minute <= last]
        assert during and all(during)
        run.run_to(last + 0.5 + LINGER_S / 60 + 0.1)
        assert not run.audio.running  # and closed after the last chime's linger


def test_player_reminder_answered_by_standing_closes_the_device_after_its_linger(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from unslump.edges.inputs.gpio import drive_mock_seat

    with ExitStack() as stack:
        run = ReminderRun(stack, tmp_path, monkeypatch)
        run.run_to(46.0)
        assert run.audio.running  # the reminder is sounding
        drive_mock_seat(run.factory, run.config.pins, False)  # the person stands up
        confirmed = 46.0 + run.config.seat.stand_confirm_s / 60
        run.run_to(confirmed + (LINGER_S + 2.0) / 60)
        assert not run.audio.running
        assert run.parts.runtime.state.name != "reminding"


def test_player_reminder_hold_ends_when_the_plan_changes(links: list[PlayerAudio]) -> None:
    """A snooze (or anything else that moves the next planned sound) ends the hold: the
    player goes after its linger instead of waiting for a chime that will not come."""
    clock = FakeClock()
    link = fake(links, clock)  # the hold alone
    link.play(Play(Tone.REMINDER))
    link.expect(clock.monotonic() + 300.0)  # the next chime, 5 minutes on
    wait_for(link, lambda: 1 in link.started, clock)
    wait_for(link, lambda: link.deadline() == pytest.approx(clock.monotonic() + LINGER_S),
             clock)  # the chime has ended: the device rests after the linger
    clock.advance(LINGER_S + 1.0)
    link.service(clock.monotonic())
    assert link.running  # held for the next chime
    wait_for(link, lambda: link.rested_at is not None, clock)  # with its device closed
    link.play(Play(Tone.ACK))  # a hold on the button: snoozed for 10 minutes
    link.expect(clock.monotonic() + 600.0)
    wait_for(link, lambda: 2 in link.started, clock)
    wait_for(link, lambda: link.deadline() == pytest.approx(clock.monotonic() + LINGER_S),
             clock)
    clock.advance(LINGER_S)
    link.service(clock.monotonic())
    assert not link.running


def test_player_kept_for_a_far_chime_closes_its_device_and_opens_it_for_the_chime(
        dummy_env: dict[str, str], links: list[PlayerAudio]) -> None:
    """A player kept for a reminder's next chime, five minutes off, with its mixer open
    woke 5,000 times a minute (SDL's audio thread); told to rest, it closes the device
    (that thread ends) and plays the next chime from the sounds it already made."""
    clock = FakeClock()
    link = PlayerAudio(clock, player_command(0.5, "swell"), logging.getLogger(LOGGER),
                       env=dummy_env)
    links.append(link)
    link.play(Play(Tone.REMINDER))
    link.expect(clock.monotonic() + 300.0)  # the next chime
    wait_for(link, lambda: 1 in link.started, clock)
    pid = link.pid
    assert pid is not None and len(os.listdir(f"/proc/{pid}/task")) == 2  # SDL's audio thread
    wait_for(link, lambda: link.deadline() == pytest.approx(clock.monotonic() + LINGER_S),
             clock)
    clock.advance(LINGER_S)
    link.service(clock.monotonic())
    wait_for(link, lambda: link.rested_at is not None, clock)
    assert link.running and link.pid == pid
    assert len(os.listdir(f"/proc/{pid}/task")) == 1  # nothing left to wake it
    opened = link.ready_at
    clock.advance(300.0 - LINGER_S)
    link.service(clock.monotonic())
    link.play(Play(Tone.REMINDER))
    wait_for(link, lambda: 2 in link.started, clock)
    assert link.pid == pid and link.ready_at is not None and opened is not None
    assert link.ready_at > opened  # the device opened again for the chime
    assert link.started[2] >= link.ready_at + OPENING_SILENCE_S - 0.001


def test_player_imports_pygame_without_setuptools_pkg_resources() -> None:
    """pygame's pkgdata imports pkg_resources where setuptools is installed: a fifth of a
    second of a cold start (more on a Pi Zero) for resources the player never reads."""
    script = textwrap.dedent("""
        import sys
        from unslump.edges.audio.player_process import import_pygame
        import_pygame()
        print(sys.modules.get("pkg_resources") is not None, "pygame.mixer" in sys.modules)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60, check=False, cwd=REPO,
                            env=dict(os.environ, SDL_AUDIODRIVER="dummy"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_player_process_imports_only_the_sound_side_of_the_core() -> None:
    """Every import is paid at a cold start: the player needs Play and the tones, not the
    core's views, rows or state machine."""
    script = ("import sys, unslump.edges.audio.player_process\n"
              "print(sorted(m for m in sys.modules if m.startswith('unslump.core')))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60, check=False, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(["unslump.core", "unslump.core.effects",
                                         "unslump.core.events", "unslump.core.tones"])
