"""``unslump demo``: a scripted morning, written out as ``demo.gif`` and ``demo.wav``.

The morning is played on the virtual device (the real core, loop, display and audio
fakes) in virtual time, so it takes well under a second. A real morning is mostly
nothing happening, so the recording is put on one shortened timeline: each idle stretch
between two moments that matter (a state change, a tone, the panel switching) shrinks to
about a second and a half, while the guided stretch keeps its real pace, so the GIF and
the WAV show and sound exactly as the routine does. Both files follow the same time-warp,
so the sound lines up with the pictures.

Nothing here touches a sound card: tones are synthesised with :mod:`unslump.edges.audio.synth`
and laid out as the speaker plays them (one after another when due together).
"""

from __future__ import annotations

import bisect
import itertools
import logging
import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO, TypeVar

from PIL import Image

from unslump.config.file import Config
from unslump.core.effects import Effect, Log, PanelPower, Play, Say, Show
from unslump.core.records import BreakKind, BreakRecord, replace_version
from unslump.core.tones import Tone
from unslump.core.views import DoneView, NoticeView, PausedView, RoutineView, StatsScreen, View
from unslump.edges.audio.synth import mix, write_wav
from unslump.edges.clock import FakeClock, SystemClock
from unslump.edges.store.memory import MemoryStore
from unslump.render import Renderer, panel_canvas
from unslump.sim.scenario.harness import VirtualDevice
from unslump.sim.scenario.runner import play_script
from unslump.sim.scenario.script import Script, parse_script

MORNING = """\
# A morning at the desk: a long sit, the reminder, the guided stretch from the reminder,
# a little more sitting, a natural break of ten minutes, back to work, then the stats.
start 2026-11-24T09:00
0:00 sit        # the reminder chimes at 0:45
0:46 press      # the safety notice first (the first stretch ever): it waits for its answer
0:46:04 press   # understood: the stretch, seated
0:49:06 press   # "uncurl smooth?" yes
1:00 stand      # a natural break ...
1:10 sit        # ... logged when the person sits again
1:14 hold 3     # the stats pages: today ...
1:14:06 press   # ... this week ...
1:14:10 press   # ... the streak ...
1:14:14 press   # ... and the response to reminders
1:15 end
"""

GIF_NAME = "demo.gif"
WAV_NAME = "demo.wav"
SCALE = 2  # the 128x64 panel at x2: big enough to read, small enough to embed
WAV_RATE = 22050  # the voice cache's own rate: at 11.025 kHz speech lost its consonants
IDLE_GAP_S = 2.0  # an idle gap longer than this is shortened ...
IDLE_SHOWN_S = 1.5  # ... to this long
IDLE_FRAMES = 4  # at most this many frames sampled from a shortened gap
MIN_FRAME_CS = 10  # 10 fps at most (GIF delays are in centiseconds)

K = TypeVar("K")
log = logging.getLogger(__name__)

_ROUTINE_VIEWS = (NoticeView, RoutineView, PausedView, DoneView)


@dataclass
class Recording:
    """An observer for :class:`unslump.app.loop.Runtime` that keeps what the demo needs.

    Times are seconds since the start of the morning.
    """

    origin: float
    views: list[tuple[float, View]] = field(default_factory=list)
    tones: list[tuple[float, Tone]] = field(default_factory=list)
    plays: list[tuple[float, Play]] = field(default_factory=list)
    says: list[tuple[float, str]] = field(default_factory=list)
    moments: list[float] = field(default_factory=list)  # state changes, tones, panel, stats
    breaks: list[BreakRecord] = field(default_factory=list)

    def state(self, at: float, name: str) -> None:
        self.moments.append(at - self.origin)

    def effect(self, at: float, effect: Effect) -> None:
        t = at - self.origin
        match effect:
            case Show(view=view):
                self.views.append((t, view))
                if isinstance(view, StatsScreen):  # each stats page is worth its seconds
                    self.moments.append(t)
            case Play(tone=tone) as play:
                self.tones.append((t, tone))
                self.plays.append((t, play))
                self.moments.append(t)
            case Say(text=text):
                self.says.append((t, text))
            case PanelPower():
                self.moments.append(t)
            case Log(record=BreakRecord(ended_by=ended_by) as record) if ended_by is not None:
                # closed breaks only, not their checkpoints; a later version (the smooth
                # answer) takes its row's place
                if not replace_version(self.breaks, record):
                    self.breaks.append(record)
            case _:
                pass


@dataclass(frozen=True)
class TimeWarp:
    """A piecewise-linear map from real seconds to demo seconds.

    ``real`` and ``shown`` are matching breakpoints, both increasing from 0.
    """

    real: tuple[float, ...]
    shown: tuple[float, ...]

    @classmethod
    def build(cls, moments: Sequence[float], end: float,
              keep: tuple[float, float] | None) -> TimeWarp:
        """Shorten every gap between ``moments`` longer than IDLE_GAP_S, except in ``keep``."""
        points = {0.0, end, *(m for m in moments if 0.0 <= m <= end)}
        if keep is not None:
            points |= {keep[0], keep[1]}
        real = sorted(points)
        shown = [0.0]
        for a, b in itertools.pairwise(real):
            kept = keep is not None and keep[0] <= a and b <= keep[1]
            shown.append(shown[-1] + (b - a if kept or b - a <= IDLE_GAP_S else IDLE_SHOWN_S))
        return cls(tuple(real), tuple(shown))

    def __call__(self, t: float) -> float:
        i = min(max(bisect.bisect_right(self.real, t) - 1, 0), len(self.real) - 2)
        a, b = self.real[i], self.real[i + 1]
        return self.shown[i] + (t - a) * (self.shown[i + 1] - self.shown[i]) / (b - a)

    def segments(self) -> list[tuple[float, float, bool]]:
        """Each ``(real start, real end, shortened)`` in order."""
        return [(a, b, not math.isclose(b - a, sb - sa))
                for a, b, sa, sb in zip(self.real, self.real[1:], self.shown,
                                        self.shown[1:], strict=False)]

    @property
    def length(self) -> float:
        return self.shown[-1]


@dataclass(frozen=True)
class DemoSummary:
    """What ``run_demo`` made, for the printed summary and for tests."""

    real_s: float  # the scripted morning
    shown_s: float  # the shortened timeline (the GIF and the WAV)
    frames: int
    tones: dict[Tone, int]
    breaks: dict[BreakKind, int]
    gif: Path
    wav: Path
    plays: tuple[tuple[float, Play], ...] = ()  # each sound asked for, at its demo time
    spoken: int = 0  # phrases spoken into the WAV ([audio] voice = true)

    def lines(self) -> list[str]:
        tones = ", ".join(f"{tone.value} x{n}" for tone, n in self.tones.items())
        breaks = ", ".join(f"{n} {kind.value} break" + ("s" if n != 1 else "")
                           for kind, n in self.breaks.items()) or "none"
        return [
            f"demo time: {_clock(self.real_s)} of morning shown in {_clock(self.shown_s)}",
            f"frames: {self.frames}",
            f"tones: {sum(self.tones.values())} ({tones})",
            f"breaks logged: {breaks}",
            *([f"spoken cues: {self.spoken}"] if self.spoken else []),
            f"{self.gif}: {self.gif.stat().st_size / 1024:.0f} KiB",
            f"{self.wav}: {self.wav.stat().st_size / 1024:.0f} KiB",
        ]


def run_demo(out_dir: Path, out: TextIO, config: Config | None = None) -> DemoSummary:
    """Play the scripted morning, write ``demo.gif`` and ``demo.wav`` in ``out_dir``."""
    config = config or Config()
    script = parse_script(MORNING, "unslump.sim.demo:MORNING")
    recording = play(script, config)
    warp = TimeWarp.build(recording.moments, script.end, routine_span(recording.views,
                                                                      script.end))
    renderer = Renderer(canvas=panel_canvas(config))
    frames = timeline_frames(recording.views, warp)
    out_dir.mkdir(parents=True, exist_ok=True)
    gif = out_dir / GIF_NAME
    wav = out_dir / WAV_NAME
    count = write_gif(gif, frames, warp.length, renderer)
    plays = [(warp(t), play) for t, play in recording.plays]
    voice = spoken(recording.says, warp, config, out_dir / "voice") if config.audio.voice else []
    write_wav(wav, mix(plays, warp.length, WAV_RATE, config.audio.volume,
                       config.audio.breath, voice), WAV_RATE)
    summary = DemoSummary(
        real_s=script.end, shown_s=warp.length, frames=count,
        tones=_count(tone for _, tone in recording.tones),
        breaks=_count(record.kind for record in recording.breaks), gif=gif, wav=wav,
        plays=tuple(plays), spoken=len(voice))
    out.write("\n".join(summary.lines()) + "\n")
    return summary


def spoken(says: Sequence[tuple[float, str]], warp: TimeWarp, config: Config,
           cache: Path) -> list[tuple[float, array[int]]]:
    """The spoken cues as samples for the WAV, at their demo times (espeak-ng's cache in
    ``cache``); none, with the journal's warning, when espeak-ng is missing."""
    from unslump.edges.audio.player_process import resample
    from unslump.edges.audio.voice import prepare_voice, read_phrase

    phrases = prepare_voice(cache, config.audio.voice_name, SystemClock(), log, config.routines)
    voice: list[tuple[float, array[int]]] = []
    for t, text in says:
        path = phrases.get(text)
        if path is None:
            continue
        samples, rate = read_phrase(path)
        scaled = array("h", [round(v * config.audio.volume)
                             for v in resample(samples, rate, WAV_RATE)])
        voice.append((warp(t), scaled))
    return voice


def play(script: Script, config: Config) -> Recording:
    """Run ``script`` on a fresh virtual device (empty in-memory log) and record it."""
    clock = FakeClock(script.start)
    recording = Recording(clock.monotonic())
    store = MemoryStore()
    device = VirtualDevice.build(config, store, observer=recording, clock=clock)
    try:
        play_script(script, device, reason="demo end")
    finally:
        store.close()
    return recording


def routine_span(views: Sequence[tuple[float, View]], end: float) -> tuple[float, float] | None:
    """From the first routine screen to the first other screen after the last one."""
    shown = [i for i, (_, view) in enumerate(views) if isinstance(view, _ROUTINE_VIEWS)]
    if not shown:
        return None
    after = shown[-1] + 1
    return views[shown[0]][0], views[after][0] if after < len(views) else end


def timeline_frames(views: Sequence[tuple[float, View]],
                    warp: TimeWarp) -> list[tuple[float, View]]:
    """``(demo seconds, view)`` to show: every change at real pace, a few in shortened gaps."""
    times = [t for t, _ in views]

    def view_at(t: float) -> View | None:
        i = bisect.bisect_right(times, t) - 1
        return views[i][1] if i >= 0 else None

    frames: list[tuple[float, View]] = []
    for a, b, shortened in warp.segments():
        if shortened:
            samples = [a + (b - a) * k / IDLE_FRAMES for k in range(IDLE_FRAMES)]
        else:
            samples = [a, *(t for t in times if a < t < b)]
        for t in samples:
            view = view_at(t)
            if view is not None:
                frames.append((warp(t), view))
    return frames


def write_gif(path: Path, frames: Sequence[tuple[float, View]], length: float,
              renderer: Renderer) -> int:
    """Write the frames as a looping GIF; returns how many frames it holds.

    Starts are rounded to centiseconds (the GIF delay unit) so the delays add up to
    ``length`` exactly; a frame replaced within MIN_FRAME_CS gives way to its successor
    (the latest picture wins), and identical neighbours merge.
    """
    starts: list[int] = []
    images: list[Image.Image] = []
    last_view: View | None = None
    for t, view in frames:
        if view == last_view:
            continue
        last_view = view
        image = renderer(view)
        start = round(t * 100)
        if starts and start - starts[-1] < MIN_FRAME_CS:
            images[-1] = image
            continue
        if images and image.tobytes() == images[-1].tobytes():
            continue
        starts.append(start)
        images.append(image)
    if not images:
        raise ValueError("the demo recorded no screen at all")
    ends = [*starts[1:], max(round(length * 100), starts[-1] + 1)]
    durations = [(end - start) * 10 for start, end in zip(starts, ends, strict=True)]
    scaled = [image.resize((image.width * SCALE, image.height * SCALE),
                           Image.Resampling.NEAREST) for image in images]
    scaled[0].save(path, save_all=True, append_images=scaled[1:], duration=durations,
                   loop=0, optimize=True)
    return len(scaled)


def _count(items: Iterable[K]) -> dict[K, int]:
    counts: dict[K, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
