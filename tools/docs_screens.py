"""The README's screen pictures, made from the golden images: each one scaled x4, pixel
for pixel (``make docs-screens``).

The goldens are what the device draws (the render tests compare every screen with them),
so a picture made here cannot show a screen the device no longer draws; a test fails when
a picture in docs/screens differs from its golden (``tests/test_docs_screens.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
SCREENS = ROOT / "docs" / "screens"
SCALE = 4

PICTURES = {
    "idle.png": "basic/idle-seated.png",
    "reminder.png": "basic/reminder.png",
    "notice.png": "routine/notice.png",
    "hang.png": "routine/seated-hang.png",
    "uncurl.png": "routine/standing-uncurl.png",
    "paused.png": "routine/paused-hang.png",
    "idle-32.png": "compact/idle-seated.png",
    "hang-32.png": "compact/seated-hang.png",
}
"""Each picture in docs/screens, and the golden (under tests/golden) it is made from."""


def scaled(golden: Path) -> Image.Image:
    """The golden ``SCALE`` times larger, each pixel a square block (no smoothing)."""
    image = Image.open(golden).convert("1")
    return image.resize((image.width * SCALE, image.height * SCALE), Image.Resampling.NEAREST)


def main() -> int:
    SCREENS.mkdir(parents=True, exist_ok=True)
    for picture, golden in PICTURES.items():
        scaled(GOLDEN / golden).save(SCREENS / picture)
        print(f"docs/screens/{picture} <- tests/golden/{golden}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
