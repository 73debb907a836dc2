"""What ``unslump run`` keeps out of its memory, and that the device still works without it.

Each test runs a fresh interpreter: what matters is what an import pulls in. A module that
comes back (a new import in the service, a library update) fails the first test, naming it.
"""

import json
import subprocess
import sys

from tests.support.paths import REPO

REAL = ("def real(name):\n"
        "    module = sys.modules.get(name)\n"
        "    return module is not None and type(module).__name__ != 'DeferredModule'\n")

LEFT_OUT = {
    # gpiozero's metadata and package-data lookups, and what they bring
    "importlib.metadata", "importlib.resources", "email", "email.message", "csv",
    "zipfile", "tempfile", "calendar", "quopri",
    # shutil's archive codecs (argparse imports shutil)
    "bz2", "lzma",
    # statistics and what it brings; colorzero; multiprocessing and pickle
    "statistics", "decimal", "fractions", "random", "colorzero", "colorzero.color",
    "multiprocessing", "multiprocessing.context", "pickle",
    # Pillow's FreeType
    "PIL._imagingft",
}

SERVICE = REAL + """
import json, logging, sys
from unslump.edges.system.lean_imports import keep_service_lean
keep_service_lean()  # as unslump.cli.main.main does first for `run`
from unslump.cli.main import build_parser
build_parser(['run']).parse_args(['run'])
from unslump.edges.system.journal import configure_logging
configure_logging(env={})
from contextlib import ExitStack
from pathlib import Path
from gpiozero.pins.mock import MockFactory
from unslump.app.assembly import Edges, assemble
from unslump.config.file import Config
from unslump.edges.clock import FakeClock
from unslump.edges.display.oled import create_driver
from unslump.edges.system.sd_notify import Notifier

class Bus:  # the partial SSD1306 on no wire, as the memory bench builds it
    def command(self, *cmd): pass
    def data(self, data): pass
    def cleanup(self): pass

config = Config()
clock = FakeClock()
panel = create_driver(config.display, Bus())
edges = Edges(clock, lambda: panel, pin_factory=MockFactory(), notifier=Notifier(env={}))
with ExitStack() as stack:
    parts = assemble(stack, config, edges, Path(%r))
    parts.runtime.start(parts.inputs.seat_occupied())
    parts.run_until(clock, clock.monotonic() + 600)
    logging.getLogger('unslump').warning('a line in the journal')
    frames = parts.screen.frames
print(json.dumps({'frames': frames, 'loaded': sorted(m for m in list(sys.modules) if real(m))}))
"""


def fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter at the repository root; its last line is JSON."""
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_lean_imports_service_runs_ten_minutes_without_the_modules_it_never_uses(tmp_path):
    state = fresh(SERVICE % str(tmp_path / "log.db"))
    assert state["frames"] > 0
    assert sorted(LEFT_OUT & set(state["loaded"])) == []
    assert "gpiozero.pins.mock" in state["loaded"] and "PIL.ImageDraw" in state["loaded"]


def test_lean_imports_main_leaves_them_out_before_argparse_runs():
    """argparse imports shutil, which imports bz2 and lzma: ``main`` must act first."""
    state = fresh(
        "import json, sys\n" + REAL +
        "from unslump.cli.main import main\n"
        "try:\n"
        "    main(['run', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(m for m in ('bz2', 'lzma', 'shutil') if real(m))))\n")
    assert state == ["shutil"]


def test_lean_imports_other_commands_are_left_as_they_were():
    state = fresh(
        "import json, sys\n"
        "from unslump.cli.main import main\n"
        "try:\n"
        "    main(['config', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps([m for m in ('importlib_metadata', 'statistics', 'lzma')\n"
        "                  if m in sys.modules and sys.modules[m] is None\n"
        "                  or type(sys.modules.get(m)).__name__ == 'DeferredModule']))\n")
    assert state == []


def test_lean_imports_gpiozero_still_finds_a_factory_named_in_its_environment():
    """``GPIOZERO_PIN_FACTORY=mock`` (the bench's `unslump run`) is looked up through the
    package metadata, imported then."""
    done = subprocess.run(
        [sys.executable, "-c",
         "import sys\n"
         "from unslump.edges.system.lean_imports import keep_service_lean\n"
         "keep_service_lean()\n"
         "from gpiozero import Button, Device\n"
         "button = Button(17)\n"
         "print(type(Device.pin_factory).__name__)\n"],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=True,
        env={"PATH": "/usr/bin:/bin", "GPIOZERO_PIN_FACTORY": "mock"})
    assert done.stdout.split()[-1] == "MockFactory"


def test_lean_imports_gpiozero_colours_and_the_stats_median_still_work():
    state = fresh(
        "import json, sys\n" + REAL +
        "from unslump.edges.system.lean_imports import keep_service_lean\n"
        "keep_service_lean()\n"
        "from gpiozero import RGBLED\n"
        "from gpiozero.pins.mock import MockFactory, MockPWMPin\n"
        "from unslump.core.day_stats import median_or_none\n"
        "before = [m for m in ('colorzero', 'statistics') if real(m)]\n"
        "led = RGBLED(2, 3, 4, pin_factory=MockFactory(pin_class=MockPWMPin))\n"
        "led.value = (1, 0, 0)\n"
        "print(json.dumps([before, led.color.html, median_or_none([40.0, 10.0, 20.0])]))\n")
    assert state == [[], "#ff0000", 20.0]
