"""How much of each phase the voice fills: every shipped phrase rendered with espeak-ng
(into a scratch cache), measured, and laid out as the planner speaks them.

    .venv/bin/python tools/voice_timing.py

One line per phase and variant: its length, the phrases with their start in the phase,
and the share of the phase they fill (the planner keeps it at most half).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from unslump.config.file import RoutineConfig
from unslump.config.routine_file import shipped_routines
from unslump.core.records import Variant
from unslump.core.routine import plan_routine, plan_walk
from unslump.edges.audio.voice import VoiceCache, read_phrase, spoken_phrases
from unslump.edges.clock import SystemClock


def main() -> int:
    routines = shipped_routines()
    with tempfile.TemporaryDirectory(prefix="unslump-voice-") as scratch:
        cache = VoiceCache(Path(scratch), "en")
        if not cache.available:
            print("espeak-ng is not installed: sudo apt install espeak-ng", file=sys.stderr)
            return 2
        found, rendered = cache.ensure(spoken_phrases(routines), SystemClock())
        seconds = {}
        for text, path in found.items():
            samples, rate = read_phrase(path)
            seconds[text] = len(samples) / rate
        print(f"{len(found)} phrases at {rate} Hz, {rendered.cache_bytes // 1024} KiB, "
              f"rendered in {rendered.seconds:.1f} s")
        for variant in Variant:
            for plan in (plan_routine(routines.stretch, RoutineConfig(), variant),
                         plan_walk(routines.walk)):
                seen: set[str] = set()
                for stage in plan.stages:
                    if stage.phase.id in seen:
                        continue
                    seen.add(stage.phase.id)
                    said = [cue for cue in plan.cues if cue.tone is None
                            and stage.start - 1e-9 <= cue.offset < stage.end]
                    spoken = sum(seconds[cue.text] for cue in said)
                    lines = " | ".join(f"{cue.offset - stage.start:.1f} s {cue.text}"
                                       for cue in said)
                    print(f"{variant.value:8} {stage.phase.id:12} {stage.length:5.1f} s "
                          f"{spoken:4.1f} s spoken ({spoken / stage.length:3.0%}): {lines}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
