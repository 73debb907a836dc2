"""Where the tests find the checkout and their data, wherever a test file sits."""

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
"""The tests folder: its data (golden images, scenarios, routines) sits here."""
REPO = TESTS.parent
"""The checkout: the README, the scripts, the unit file, the package."""
SUPPORT = TESTS / "support"
"""The shared helpers, some of which run as scripts of their own."""
