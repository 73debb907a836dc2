"""The lines of the Pi's ``config.txt`` that take effect on this model.

``config.txt`` has conditional sections: lines under ``[pi4]`` are read only by a Pi 4
(and a 400 or CM4), under ``[pi0]`` by the Zeros, and ``[all]`` ends the condition. Pi OS
ships a ``[pi4]`` section with its own overlays, so an overlay appended at the end of
the file lands under it on some images and a Zero 2 W never loads it. The doctor reads
the file as the firmware would, for the model named in the device tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Model filters and the words of /proc/device-tree/model each one matches.
MODEL_FILTERS: dict[str, tuple[str, ...]] = {
    "pi0": ("Pi Zero",), "pi0w": ("Pi Zero W",), "pi02": ("Pi Zero 2",),
    "pi1": ("Pi Model",), "pi2": ("Pi 2",), "pi3": ("Pi 3", "Compute Module 3"),
    "pi3+": ("Pi 3 Model B Plus", "Pi 3 Model A Plus"),
    "pi4": ("Pi 4", "Pi 400", "Compute Module 4"), "pi400": ("Pi 400",),
    "cm4": ("Compute Module 4",), "pi5": ("Pi 5", "Pi 500", "Compute Module 5"),
    "pi500": ("Pi 500",), "cm5": ("Compute Module 5",), "none": (),
}


@dataclass(frozen=True)
class BootLine:
    """One setting of config.txt, the model section it sits in, and whether it applies."""

    text: str
    section: str  # "" at the top or after [all]; else the model filter, e.g. "pi4"
    applies: bool


def board_model(proc_dir: Path) -> str | None:
    """``Raspberry Pi Zero 2 W Rev 1.0``, or None off a Pi."""
    try:
        raw = (proc_dir / "device-tree" / "model").read_bytes()
    except OSError:
        return None
    return raw.rstrip(b"\0").decode(errors="replace").strip() or None


def _matches(section: str, model: str | None) -> bool:
    if not section:
        return True
    if section == "none":
        return False
    if model is None:
        return True  # off a Pi (or no device tree): read every line
    return any(word in model for word in MODEL_FILTERS[section])


def boot_lines(text: str, model: str | None) -> list[BootLine]:
    """Every setting (comments dropped) with its section, as the firmware reads them."""
    section = ""
    lines = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1].strip().lower()
            if name == "all":
                section = ""
            elif name in MODEL_FILTERS:
                section = name
            continue  # other filters ([HDMI:0], [gpio4=1]...) are taken as met
        lines.append(BootLine(line, section, _matches(section, model)))
    return lines


__all__ = ["MODEL_FILTERS", "BootLine", "board_model", "boot_lines"]
