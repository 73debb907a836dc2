"""Draw one repetition of the stretch as a spectrogram, with its phases marked.

The README shows the guidance at a glance with it: the breath swells as slow rising and
falling bands that fill each breath, the phase sounds as short bright marks at each
phase start, the vertebra ticks, the rest's pips. The sound is made exactly as the demo
makes it (``unslump.edges.audio.synth.mix``: queued, at the configured volume), from the
routine's own plan.

A developer tool, run by hand when the sounds change; pure Python with Pillow, about half
a minute::

    .venv/bin/python tools/spectrogram.py                      # docs/sound/repetition.png
    .venv/bin/python tools/spectrogram.py --rep 2 --out x.png  # another repetition
"""

from __future__ import annotations

import argparse
import cmath
import math
from array import array
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from unslump.config.file import Config
from unslump.core.records import Variant
from unslump.core.routine import Plan, plan_routine
from unslump.core.tones import Tone
from unslump.edges.audio.synth import DEFAULT_RATE, mix

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "sound" / "repetition.png"
RATE = DEFAULT_RATE  # the rate the player and the demo make the sounds at (22.05 kHz)
FRAME = 2048  # 93 ms windows (11 Hz bins: the low swells stay smooth) ...
PX_PER_S = 25
HOP = RATE // PX_PER_S  # ... every 40 ms: 25 columns a second
LOW_HZ, HIGH_HZ = 150.0, 3000.0
ROWS = 220  # log-frequency rows
FLOOR_DB = -75.0
LEAD_S = 0.5  # a little silence before the repetition starts
TOP = 36  # room for the phase names
LEFT = 46  # room for the frequency labels
BOTTOM = 40  # room for the time axis and the tone marks


def fft(values: list[complex]) -> list[complex]:
    """The discrete Fourier transform of ``values`` (length a power of two), radix 2."""
    n = len(values)
    if n == 1:
        return values
    even, odd = fft(values[0::2]), fft(values[1::2])
    out = [0j] * n
    for k in range(n // 2):
        twiddle = cmath.exp(-2j * math.pi * k / n) * odd[k]
        out[k], out[k + n // 2] = even[k] + twiddle, even[k] - twiddle
    return out


def spectrum_db(samples: array, start: int) -> list[float]:
    """Power in dB (0 = full-scale sine) of the Hann-windowed frame at ``start``."""
    frame = [complex(samples[start + i] / 32768.0 * (0.5 - 0.5 * math.cos(2 * math.pi * i /
                                                                          FRAME)))
             if start + i < len(samples) else 0j for i in range(FRAME)]
    bins = fft(frame)[: FRAME // 2]
    return [20 * math.log10(abs(b) / (FRAME / 4) + 1e-9) for b in bins]


def repetition(plan: Plan, rep: int) -> tuple[float, float]:
    """Routine time where repetition ``rep`` starts and ends."""
    stages = [stage for stage in plan.stages if stage.rep == rep]
    return stages[0].start, stages[-1].end


def render(rep: int = 1, volume: float = 0.5) -> Image.Image:
    config = Config()
    plan = plan_routine(config.routines.stretch, config.routine, Variant.SEATED)
    begin, end = repetition(plan, rep)
    begin -= LEAD_S
    if end >= plan.total:
        end += 1.5  # the last repetition: the completion chime rings on after it
    plays = [(cue.offset - begin, cue.play()) for cue in plan.cues
             if cue.tone is not None and begin <= cue.offset < end]
    samples = mix(plays, end - begin, RATE, volume)
    columns = (len(samples) - FRAME) // HOP
    width = LEFT + columns + 10
    height = TOP + ROWS + BOTTOM
    image = Image.new("RGB", (width, height), "white")
    pixels = image.load()
    bin_hz = RATE / FRAME
    for column in range(columns):
        db = spectrum_db(samples, column * HOP)
        for row in range(ROWS):
            hz = LOW_HZ * (HIGH_HZ / LOW_HZ) ** (1 - row / (ROWS - 1))
            position = hz / bin_hz
            left = int(position)
            fraction = position - left
            level = db[left] * (1 - fraction) + db[min(left + 1, len(db) - 1)] * fraction
            shade = max(0.0, min(1.0, (level - FLOOR_DB) / -FLOOR_DB))
            pixels[LEFT + column, TOP + row] = _colour(shade)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    _axes(draw, font, columns, end - begin)
    for step in plan.stages:
        if step.rep != rep:
            continue
        x = LEFT + round((step.start - begin) * PX_PER_S)
        draw.line([(x, 12), (x, TOP + ROWS)], fill=(200, 30, 30), width=1)
        draw.text((x + 2, 2), step.phase.title, fill=(160, 20, 20), font=font)
        draw.text((x + 2, 16), f"{step.length:g} s", fill=(120, 120, 120), font=font)
    for at, play in plays:
        if play.tone in (Tone.INHALE, Tone.EXHALE, Tone.TICK):
            continue
        x = LEFT + round(at * PX_PER_S)
        draw.line([(x, TOP + ROWS), (x, TOP + ROWS + 6)], fill=(30, 30, 160), width=1)
    for at, play in plays:
        if play.tone in (Tone.INHALE, Tone.EXHALE, Tone.TICK, Tone.PIP):
            continue
        x = LEFT + round(at * PX_PER_S)
        draw.text((x - 8, TOP + ROWS + 22), play.tone.value, fill=(30, 30, 160), font=font)
    return image


def _colour(shade: float) -> tuple[int, int, int]:
    """Near black (quiet) through purple and orange to pale yellow (loud)."""
    red = round(255 * min(1.0, 1.6 * shade))
    green = round(255 * max(0.0, min(1.0, 1.8 * shade - 0.7)))
    blue = round(255 * max(0.0, min(1.0, 0.15 + 0.9 * math.sin(math.pi * shade) - 0.3 * shade)))
    return red, green, blue


def _axes(draw: ImageDraw.ImageDraw, font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
          columns: int, seconds: float) -> None:
    for hz in (200, 300, 500, 1000, 2000, 3000):
        row = (1 - math.log(hz / LOW_HZ) / math.log(HIGH_HZ / LOW_HZ)) * (ROWS - 1)
        y = TOP + round(row)
        draw.line([(LEFT - 4, y), (LEFT - 1, y)], fill="black")
        draw.text((2, y - 6), f"{hz}" if hz < 1000 else f"{hz // 1000}k", fill="black",
                  font=font)
    for second in range(0, int(seconds) + 1, 5):
        x = LEFT + round((second - LEAD_S) * PX_PER_S)
        if LEFT <= x <= LEFT + columns:
            draw.line([(x, TOP + ROWS + 7), (x, TOP + ROWS + 10)], fill="black")
            draw.text((x - 4, TOP + ROWS + 10), f"{second}s", fill="black", font=font)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rep", type=int, default=2, help="which repetition (default 2)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    image = render(args.rep)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    image.save(args.out, optimize=True)
    print(f"{args.out}: {image.width}x{image.height}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
