"""Comparing a rendered screen with its golden PNG; ``UNSLUMP_REGEN_GOLDEN=1`` rewrites it.

A person looks at every rewritten PNG (scaled x4) before it is committed.
"""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image, ImageChops


def assert_matches_golden(image: Image.Image, path: Path,
                          size: tuple[int, int] = (128, 64)) -> None:
    """Pixel-exact comparison of a 1-bit screen of ``size`` with ``path``."""
    assert (image.mode, image.size) == ("1", size)
    if os.environ.get("UNSLUMP_REGEN_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path)
    assert path.exists(), f"{path} is missing: run with UNSLUMP_REGEN_GOLDEN=1 and look at it"
    golden = Image.open(path).convert("L")
    box = ImageChops.difference(image.convert("L"), golden).getbbox()
    assert box is None, f"{path.name} differs in box {box}"
