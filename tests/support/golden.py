"""Comparing output with its golden file; ``UNSLUMP_REGEN_GOLDEN=1`` rewrites the file.

Two kinds: a rendered screen against its PNG (pixel-exact), and a scenario's JSON lines
against its ``.expected.jsonl`` (line by line). A rewrite is never the end of it: a person
looks at every rewritten PNG (scaled x4) and reads every changed line of a rewritten text
golden (``git diff tests/scenarios``) before it is committed, since a golden that was
regenerated without being read checks nothing.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from PIL import Image, ImageChops

from tests.support.paths import REPO

REGENERATE = "UNSLUMP_REGEN_GOLDEN"
SHOWN_DIFFERENCES = 12
"""Diff lines quoted in a failure; the rest are counted (``git diff`` after a rewrite
shows them all)."""


def _regenerating() -> bool:
    return os.environ.get(REGENERATE) == "1"


def assert_matches_golden(image: Image.Image, path: Path,
                          size: tuple[int, int] = (128, 64)) -> None:
    """Pixel-exact comparison of a 1-bit screen of ``size`` with ``path``."""
    assert (image.mode, image.size) == ("1", size)
    if _regenerating():
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path)
    assert path.exists(), f"{path} is missing: run with {REGENERATE}=1 and look at it"
    golden = Image.open(path).convert("L")
    box = ImageChops.difference(image.convert("L"), golden).getbbox()
    assert box is None, f"{path.name} differs in box {box}"


def assert_matches_golden_lines(text: str, path: Path) -> None:
    """Line-by-line comparison of ``text`` with the golden text file ``path``; a failure
    quotes the first differences as a unified diff, with line numbers."""
    if _regenerating():
        path.write_text(text, encoding="utf-8")
    assert path.exists(), (f"{path} is missing: run with {REGENERATE}=1 and read every "
                           "line it writes")
    expected = path.read_text(encoding="utf-8").splitlines()
    got = text.splitlines()
    if got == expected:
        return
    diff = list(difflib.unified_diff(expected, got, f"{path.name} (golden)", "this run",
                                     lineterm="", n=0))
    changed = sum(line[:1] in "+-" for line in diff[2:])
    shown = "\n".join(diff[:SHOWN_DIFFERENCES])
    more = len(diff) - SHOWN_DIFFERENCES
    raise AssertionError(
        f"{path.name}: {changed} lines differ ({len(expected)} expected, {len(got)} now)\n"
        f"{shown}" + (f"\n... {more} more diff lines" if more > 0 else "") +
        f"\nIf the change is meant: rerun with {REGENERATE}=1, then read every changed line "
        f"in `git diff {path.relative_to(REPO)}` before committing it")
