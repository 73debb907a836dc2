"""What a scenario prints: one JSON object a line per state change and effect.

Each line has ``t`` (seconds since the start) and ``kind`` (a ``tone`` line also its
``name`` and ``duration_s``, how long the sound lasts); ``--frames`` also saves each
distinct screen as a PNG scaled x4, named by its time.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, TextIO

from PIL import Image

from unslump.core.effects import Effect, Log, PanelPower, Play, Say, Show
from unslump.core.records import BoutRecord, BreakRecord, ReminderRecord
from unslump.core.tones import Tone
from unslump.edges.audio.synth import play_duration
from unslump.render import Renderer

FRAME_SCALE = 4
_ROW_NAMES = {BoutRecord: "bout", BreakRecord: "break", ReminderRecord: "reminder"}


def plain(value: Any) -> Any:
    """A record or view field as JSON-friendly data."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def as_fields(value: Any) -> dict[str, Any]:
    return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}


def _row_fields(record: Any) -> dict[str, Any]:
    """A record's fields; a break's own ``kind`` (natural, guided, standing) is its
    ``type``, as ``kind`` names the line."""
    fields = as_fields(record)
    return {"type": fields.pop("kind"), **fields} if "kind" in fields else fields


def describe(effect: Effect, breath: str = "swell") -> list[dict[str, Any]]:
    """The output lines (without ``t``) for one effect; ``breath`` is ``[audio] breath``,
    which decides how long a breath sound lasts."""
    match effect:
        case Show(view=view):
            return [{"kind": "screen", "view": {"type": type(view).__name__, **as_fields(view)}}]
        case Play(tone=tone) as play:
            lines: list[dict[str, Any]] = [{"kind": "tone", "name": tone.value,
                                            "duration_s": plain(play_duration(play, breath))}]
            if tone is Tone.REMINDER:
                lines.append({"kind": "reminder"})
            return lines
        case Say(text=text):
            return [{"kind": "say", "text": text}]
        case Log(record=BoutRecord(ended_by=None) | BreakRecord(ended_by=None)
                 | ReminderRecord(ended_by=None) as record):
            # An open row written or brought forward: it is closed by a later line.
            return [{"kind": "checkpoint", "of": _ROW_NAMES[type(record)],
                     **_row_fields(record)}]
        case Log(record=BreakRecord() as record):
            return [{"kind": "break", **_row_fields(record)}]
        case Log(record=BoutRecord() as record):
            return [{"kind": "bout", **as_fields(record)}]
        case Log(record=ReminderRecord() as record):
            return [{"kind": "reminder_end", **as_fields(record)}]
        case Log(record=record):
            return [{"kind": "log", "record": type(record).__name__, **as_fields(record)}]
        case PanelPower(on=on, contrast=contrast):
            return [{"kind": "panel", "on": on, "contrast": contrast}]
    return []


class JsonLines:
    """An observer for :class:`unslump.app.loop.Runtime` that prints JSON lines."""

    def __init__(self, out: TextIO, origin: float, frames: Path | None = None,
                 renderer: Renderer | None = None, breath: str = "swell") -> None:
        self._out = out
        self._breath = breath
        self._origin = origin
        self._frames = frames
        self._renderer = renderer
        self.lines = 0

    def note(self, at: float, kind: str, **fields: Any) -> None:
        """A line about the run itself (a power cut, a boot), not about the device."""
        self._write(at, {"kind": kind, **fields})

    def state(self, at: float, name: str) -> None:
        self._write(at, {"kind": "state", "state": name})

    def effect(self, at: float, effect: Effect) -> None:
        for line in describe(effect, self._breath):
            self._write(at, line)
        if self._frames is not None and self._renderer is not None and isinstance(effect, Show):
            self._save_frame(at, self._renderer(effect.view))

    def _write(self, at: float, line: dict[str, Any]) -> None:
        self._out.write(json.dumps({"t": round(at - self._origin, 3), **line}) + "\n")
        self.lines += 1

    def _save_frame(self, at: float, image: Image.Image) -> None:
        assert self._frames is not None
        seconds = at - self._origin
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        name = f"{int(hours):02d}h{int(minutes):02d}m{secs:06.3f}s.png"
        scaled = image.resize((image.width * FRAME_SCALE, image.height * FRAME_SCALE),
                              Image.Resampling.NEAREST)
        scaled.save(self._frames / name)
