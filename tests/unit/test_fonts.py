"""The shipped pixel fonts load from the package and draw crisp 1-bit text."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.resources import files

import PIL
import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.support.paths import REPO
from unslump.render.fonts import FONT_SPECS, Fonts, load_font

SAMPLE = "Ag|Wy 0123 45'"


@pytest.mark.parametrize("size", list(FONT_SPECS))
def test_fonts_load_font_returns_bitmap_font(size: str) -> None:
    font = load_font(size)
    # a .pil bitmap font, not FreeType: that is what keeps the pixels crisp
    assert type(font) is ImageFont.ImageFont


@pytest.mark.parametrize("size", list(FONT_SPECS))
def test_fonts_render_mode_1_only_pure_pixels(size: str) -> None:
    font = load_font(size)
    # Drawn on a greyscale image, an anti-aliased font would leave grey edges; this one
    # must leave only black and white, so thresholding to mode "1" loses nothing.
    grey = Image.new("L", (128, 64), 0)
    ImageDraw.Draw(grey).text((1, 1), SAMPLE, font=font, fill=255)
    histogram = grey.histogram()
    used_levels = [level for level, count in enumerate(histogram) if count]
    assert used_levels == [0, 255]

    mono = Image.new("1", (128, 64), 0)
    ImageDraw.Draw(mono).text((1, 1), SAMPLE, font=font, fill=1)
    assert mono.convert("L").tobytes() == grey.tobytes()


@pytest.mark.parametrize("size", list(FONT_SPECS))
def test_fonts_glyph_cell_matches_native_size(size: str) -> None:
    spec = FONT_SPECS[size]
    font = load_font(size)
    assert font.getbbox("M") == (0, 0, spec.width, spec.height)
    # monospaced: ten glyphs are exactly ten cells wide, and nothing drops below the cell
    assert font.getbbox("Mi.|gyWQ_j") == (0, 0, 10 * spec.width, spec.height)


@pytest.mark.parametrize("size", list(FONT_SPECS))
def test_fonts_ink_stays_inside_the_cell(size: str) -> None:
    spec = FONT_SPECS[size]
    image = Image.new("1", (spec.width * 4, spec.height), 0)
    ImageDraw.Draw(image).text((0, 0), "gjy|", font=load_font(size), fill=1)
    ink = image.getbbox()
    assert ink is not None
    left, top, right, bottom = ink
    assert top >= 0
    assert bottom <= spec.height
    assert right - left > spec.width  # more than one glyph was drawn


def test_fonts_load_holds_all_three_sizes_in_growing_order() -> None:
    fonts = Fonts.load()
    heights = [font.getbbox("M")[3] for font in (fonts.small, fonts.body, fonts.large)]
    assert heights == [8, 12, 16]


def test_fonts_load_font_unknown_size_names_the_choices() -> None:
    with pytest.raises(ValueError, match="'small', 'body', 'large'"):
        load_font("huge")


ROOT = REPO
# Pillow 12.2 made Image.open import only the plugin a file's extension names
OPENS_BY_EXTENSION = tuple(map(int, PIL.__version__.split(".")[:2])) >= (12, 2)


@pytest.mark.parametrize("size", list(FONT_SPECS))
def test_fonts_glyph_sheets_are_real_pbm(size: str) -> None:
    sheet = files("unslump.render").joinpath("spleen", f"{FONT_SPECS[size].stem}.pbm")
    with Image.open(str(sheet)) as image:
        assert (image.format, image.mode) == ("PPM", "1")


@pytest.mark.skipif(not OPENS_BY_EXTENSION,
                    reason=f"Pillow {PIL.__version__} loads its five common plugins on any open")
def test_fonts_load_brings_in_the_ppm_plugin_alone() -> None:
    code = ("import json, sys\n"
            "from unslump.render.fonts import Fonts\n"
            "Fonts.load()\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.endswith('ImagePlugin'))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["PIL.PpmImagePlugin"]
