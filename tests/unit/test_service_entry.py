"""What ``unslump run`` loads before the device runs: the service's memory starts here.

Each test runs a fresh interpreter, since what matters is what an import pulls in.
"""

import json
import subprocess
import sys

from tests.support.paths import REPO
from unslump.core.views import IdleView, ReminderView
from unslump.render import Renderer

ROOT = REPO


def fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter at the repository root; its last line is JSON."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_service_entry_command_line_imports_no_pillow_and_no_sound_code():
    loaded = fresh(
        "import json, sys\n"
        "from unslump.cli.main import build_parser\n"
        "build_parser(['run']).parse_args(['run'])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(\n"
        "    ('PIL', 'luma', 'wave', 'device.adapters', 'unslump.edges.store.export')))))\n")
    assert loaded == []


def test_service_entry_run_leaves_freetype_out_and_draws_the_same_screens():
    views = {"idle": IdleView(True, 23, 45, 2), "reminder": ReminderView(46, 2)}
    drawn = fresh(
        "import json, sys\n"
        "from unslump.edges.system.lean_imports import leave_freetype_out\n"
        "leave_freetype_out()\n"
        "import unslump.app.assembly\n"
        "from unslump.core.views import IdleView, ReminderView\n"
        "from unslump.render import Renderer\n"
        "render = Renderer()\n"
        "views = {'idle': IdleView(True, 23, 45, 2), 'reminder': ReminderView(46, 2)}\n"
        "print(json.dumps({'freetype': 'PIL._imagingft' in sys.modules\n"
        "                  and sys.modules['PIL._imagingft'] is not None,\n"
        "                  **{name: render(view).tobytes().hex()\n"
        "                     for name, view in views.items()}}))\n")
    assert drawn.pop("freetype") is False
    render = Renderer()  # this interpreter has FreeType: the bitmap fonts never use it
    assert drawn == {name: render(view).tobytes().hex() for name, view in views.items()}


def test_service_entry_leave_freetype_out_changes_nothing_once_pillow_fonts_loaded():
    state = fresh(
        "import json, sys\n"
        "import PIL.ImageFont\n"
        "from unslump.edges.system.lean_imports import leave_freetype_out\n"
        "leave_freetype_out()\n"
        "print(json.dumps(sys.modules.get('PIL._imagingft', 'absent') is None))\n")
    assert state is False


def test_service_entry_loads_no_other_command_and_help_still_lists_them_all():
    loaded = fresh(
        "import json, sys\n"
        "from unslump.cli.main import build_parser\n"
        "build_parser(['run', '--config', 'stats']).parse_args(['run', '--config', 'stats'])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('unslump.cli.')\n"
        "                        and m != 'unslump.cli.main')))\n")
    assert loaded == []
    listed = subprocess.run([sys.executable, "-m", "unslump", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=True).stdout
    for command in ("run", "stats", "export", "blank", "routine", "doctor", "mqtt-dropin"):
        assert f"    {command}" in listed
    named = fresh(
        "import json, sys\n"
        "from unslump.cli.main import build_parser\n"
        "build_parser(['doctor']).parse_args(['doctor'])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('unslump.cli.')\n"
        "                        and m != 'unslump.cli.main')))\n")
    assert "unslump.cli.doctor.command" in named  # with what doctor itself imports
    assert "unslump.cli.routine_commands" not in named
