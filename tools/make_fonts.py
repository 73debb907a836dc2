"""Convert the Spleen bitmap fonts into Pillow's own .pil/.pbm pair for the OLED.

Why a converted copy is shipped instead of loading the system font at run time: the OLED is
1-bit, so text must be drawn with a bitmap font at its native size (Pillow's default font
is anti-aliased FreeType and turns to grey mush at 1 bit), and the device must not depend
on a font package being installed. Pillow's ``ImageFont.load`` reads the .pil/.pbm pair
directly, with no FreeType involved.

This is a developer tool, run by hand when the font set changes; it is not run in tests::

    apt-get install fonts-spleen
    python tools/make_fonts.py "$(dirname "$(dpkg -L fonts-spleen | grep 6x12.pcf)")" device/fonts

The source directory is wherever the Spleen ``.pcf``/``.pcf.gz`` (or ``.bdf``) files are:
Debian's package, or the BDF files of an upstream release.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from pathlib import Path

from PIL import BdfFontFile, FontFile, PcfFontFile

# Output stem -> Spleen size. Keep in step with device/unslump/render/fonts.py.
SIZES: dict[str, str] = {
    "spleen-5x8": "5x8",
    "spleen-6x12": "6x12",
    "spleen-8x16": "8x16",
}


def find_source(source_dir: Path, size: str) -> Path:
    """The first Spleen file of ``size`` in ``source_dir``, preferring PCF over BDF."""
    for suffix in (".pcf.gz", ".pcf", ".bdf.gz", ".bdf"):
        candidate = source_dir / f"spleen-{size}{suffix}"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"no spleen-{size}.pcf[.gz] or .bdf[.gz] in {source_dir}: "
        "install fonts-spleen or pass the directory of the Spleen release"
    )


def read_font(path: Path) -> FontFile.FontFile:
    """Parse a PCF or BDF file (optionally gzipped) with Pillow's own parsers."""
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    stream = io.BytesIO(raw)
    if ".pcf" in path.name:
        return PcfFontFile.PcfFontFile(stream)
    return BdfFontFile.BdfFontFile(stream)


def convert(source_dir: Path, out_dir: Path) -> list[Path]:
    """Write one .pil/.pbm pair per size into ``out_dir``; return the .pil paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, size in SIZES.items():
        font = read_font(find_source(source_dir, size))
        target = out_dir / f"{stem}.pil"
        font.save(str(target))  # also writes the glyph sheet next to it, as PNG data
        # ... which is rewritten as a real PBM: Pillow then opens it with its PPM plugin
        # alone, where PNG data under .pbm makes it load five image plugins (0.3 MiB)
        assert font.bitmap is not None  # save() compiled it
        font.bitmap.save(target.with_suffix(".pbm"), "PPM")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source_dir", type=Path, help="directory holding the Spleen fonts")
    parser.add_argument("out_dir", type=Path, help="where to write the .pil/.pbm files")
    args = parser.parse_args(argv)
    for path in convert(args.source_dir, args.out_dir):
        print(f"wrote {path} and {path.with_suffix('.pbm')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
