"""The README's screen pictures are the golden images scaled up: a picture that differs
from its golden (a screen the device no longer draws) fails here; ``make docs-screens``
makes them again."""

from __future__ import annotations

import re
import runpy

import pytest
from PIL import Image

from tests.support.paths import REPO

ROOT = REPO
TOOL = runpy.run_path(str(ROOT / "tools" / "docs_screens.py"))
PICTURES: dict[str, str] = TOOL["PICTURES"]


def test_docs_screens_every_readme_picture_has_a_golden() -> None:
    shown = set(re.findall(r"docs/screens/([\w-]+\.png)", (ROOT / "README.md").read_text()))
    assert shown, "the README shows no screen picture"
    assert shown <= set(PICTURES), shown - set(PICTURES)
    kept = {path.name for path in (ROOT / "docs" / "screens").glob("*.png")}
    assert kept == set(PICTURES), "docs/screens holds a picture no golden makes"


@pytest.mark.parametrize("picture", sorted(PICTURES))
def test_docs_screens_picture_is_its_golden_scaled_x4(picture: str) -> None:
    shown = Image.open(ROOT / "docs" / "screens" / picture).convert("L")
    expected = TOOL["scaled"](ROOT / "tests" / "golden" / PICTURES[picture]).convert("L")
    assert shown.size == expected.size, picture
    assert shown.tobytes() == expected.tobytes(), (
        f"docs/screens/{picture} differs from tests/golden/{PICTURES[picture]}: "
        "run make docs-screens")
