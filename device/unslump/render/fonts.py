"""Pixel fonts for the 1-bit OLED, loaded from the package's own files.

The OLED shows pure black and white, so text must come from a bitmap font drawn at its
native size: Pillow's default font (10.1+) is anti-aliased FreeType and would be
thresholded into ragged strokes. The Spleen fonts (BSD 2-Clause, see
device/unslump/render/spleen/LICENSE) are shipped pre-converted to Pillow's .pil/.pbm
format by tools/make_fonts.py, so nothing depends on a system font package and no
FreeType code runs on the Pi.

The glyph sheets are real PBM files (Pillow's own converter writes PNG data under the .pbm
name): Pillow 12.2 and later then open them with the PPM plugin alone, where PNG data
makes ``Image.open`` load its five common plugins (BMP, GIF, JPEG, PPM, PNG; 0.3 MiB
of the service's memory for good). Older Pillows load all five on any open either way.
The fonts still load through the public ``ImageFont.load``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from PIL import ImageFont

from unslump.errors import DisplayError


@dataclass(frozen=True, slots=True)
class FontSpec:
    """One shipped font: its file stem in device/fonts and its character cell in pixels."""

    stem: str
    width: int
    height: int


FONT_SPECS = MappingProxyType(
    {
        # cue lines, labels, stats rows: 25 columns x 8 lines on 128x64
        "small": FontSpec("spleen-5x8", 5, 8),
        # body text: 21 columns x 5 lines
        "body": FontSpec("spleen-6x12", 6, 12),
        # the phase name and big numbers: 16 columns x 4 lines
        "large": FontSpec("spleen-8x16", 8, 16),
    }
)


def load_font(size: str) -> ImageFont.ImageFont:
    """Load the pixel font called ``size`` ("small", "body" or "large").

    Draw with it on a mode "1" image (or set ``draw.fontmode = "1"``) to keep pixels crisp.
    """
    try:
        spec = FONT_SPECS[size]
    except KeyError:
        names = ", ".join(repr(name) for name in FONT_SPECS)
        raise ValueError(f"unknown font size {size!r}: use one of {names}") from None
    # Pillow finds the glyph sheet (.pbm) next to the .pil file, so both must be real files
    # in one directory; an ordinary install (wheel or editable) gives exactly that. The
    # path comes from this module's own, not importlib.resources (whose import costs about
    # a MiB of the service's memory: see unslump.config.routine_file.shipped_path).
    path = Path(__file__).parent / "spleen" / f"{spec.stem}.pil"
    try:
        return ImageFont.load(str(path))
    except OSError as exc:
        raise DisplayError(
            f"font file {path} (or its .pbm) is missing or unreadable ({exc}): "
            "reinstall unslump, or regenerate device/fonts with tools/make_fonts.py"
        ) from exc


@dataclass(frozen=True, slots=True)
class Fonts:
    """The three fonts the screens use, loaded once and passed to the renderer."""

    small: ImageFont.ImageFont
    body: ImageFont.ImageFont
    large: ImageFont.ImageFont

    @classmethod
    def load(cls) -> Fonts:
        return cls(small=load_font("small"), body=load_font("body"), large=load_font("large"))
