"""Modules kept out of a process, or imported only when first used.

Each test runs a fresh interpreter: what matters is what an import pulls in, and the
stand-ins change ``sys.modules`` for the whole process.
"""

import json
import subprocess
import sys

from tests.support.paths import REPO


def fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter at the repository root; its last line is JSON."""
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


REAL = ("def real(name):\n"
        "    module = sys.modules.get(name)\n"
        "    return module is not None and type(module).__name__ != 'DeferredModule'\n")


def test_import_block_deferred_module_loads_at_the_first_call_and_then_is_the_real_one():
    state = fresh(
        "import json, sys\n" + REAL +
        "from unslump.edges.system.import_block import import_when_used\n"
        "import_when_used('statistics', names=('median',))\n"
        "from statistics import median\n"
        "import statistics\n"
        "before = real('statistics') or real('fractions')\n"
        "value = median([5, 1, 3])\n"
        "after = real('statistics')\n"
        "print(json.dumps({'before': before, 'value': value, 'after': after,\n"
        "                  'mean': statistics.mean([1, 2, 6]),\n"
        "                  'same': sys.modules['statistics'].median([2, 4])}))\n")
    assert state == {"before": False, "value": 3, "after": True, "mean": 3, "same": 3.0}


def test_import_block_deferred_class_in_a_class_body_is_not_bound_to_the_instance():
    """luma's serial module keeps ``Process`` as a class attribute and calls
    ``self.Process(target=...)``: the stand-in must not pass ``self`` along."""
    state = fresh(
        "import json, sys\n" + REAL +
        "from unslump.edges.system.import_block import import_when_used\n"
        "import_when_used('fractions', names=('Fraction',))\n"
        "class Holder:\n"
        "    from fractions import Fraction\n"
        "loaded_at_class = real('fractions')\n"
        "half = Holder().Fraction(1, 2)\n"
        "print(json.dumps([loaded_at_class, str(half)]))\n")
    assert state == [False, "1/2"]


def test_import_block_deferred_package_still_imports_its_submodules():
    state = fresh(
        "import json, sys\n" + REAL +
        "from unslump.edges.system.import_block import import_when_used\n"
        "import_when_used('multiprocessing', names=('Process',))\n"
        "from multiprocessing import Process\n"
        "before = real('multiprocessing.context')\n"
        "import multiprocessing.connection\n"
        "print(json.dumps([before, hasattr(multiprocessing.connection, 'Listener'),\n"
        "                  real('multiprocessing')]))\n")
    assert state == [False, True, True]


def test_import_block_backport_name_answers_from_the_standard_module_and_is_no_package():
    state = fresh(
        "import json, sys\n" + REAL +
        "from unslump.edges.system.import_block import import_when_used\n"
        "import_when_used('importlib_metadata', 'importlib.metadata', ('entry_points',))\n"
        "from importlib_metadata import entry_points\n"
        "before = real('importlib.metadata')\n"
        "found = entry_points(group='console_scripts', name='unslump')\n"
        "try:\n"
        "    import importlib_metadata._meta\n"
        "    sub = 'imported'\n"
        "except ModuleNotFoundError:\n"
        "    sub = 'refused'\n"
        "print(json.dumps([before, [e.value for e in found], sub]))\n")
    assert state == [False, ["unslump.cli.main:main"], "refused"]


def test_import_block_deferred_submodule_is_reachable_through_its_package():
    state = fresh(
        "import json, sys\n" + REAL +
        "from unslump.edges.system.import_block import import_when_used\n"
        "import_when_used('urllib.request')\n"
        "import urllib.request\n"
        "before = real('urllib.request') or real('http.client')\n"
        "quoted = urllib.request.pathname2url('/a b')\n"
        "print(json.dumps([before, quoted, real('urllib.request'),\n"
        "                  sys.modules['urllib'].request is sys.modules['urllib.request']]))\n")
    assert state == [False, "/a%20b", True, True]


def test_import_block_leaves_a_loaded_or_blocked_module_alone():
    state = fresh(
        "import json, sys, fractions\n"
        "from unslump.edges.system.import_block import import_when_used, never_import\n"
        "never_import('lzma')\n"
        "import_when_used('fractions')\n"
        "import_when_used('lzma')\n"
        "print(json.dumps([sys.modules['fractions'] is fractions, sys.modules['lzma']]))\n")
    assert state == [True, None]
