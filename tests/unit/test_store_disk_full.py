"""A full SD card: rows wait in memory, and catch up when a little room comes back.

The file system is real: a tmpfs of a few MiB mounted by the test in a private mount
namespace (``unshare --mount``; as a mapped root in a user namespace when the tests do
not run as root), filled to the last byte by a file that is then cut by 256 KiB. Before
the WAL was limited and truncated on retry, 468 of 500 rows still waited after 30 retries.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO, SUPPORT

RUNNER = SUPPORT / "disk_full_run.py"


def run_full_disk(tmp_path: Path, size_kib: int = 4096, rows: int = 250, freed_kib: int = 256,
                  retries: int = 30) -> dict:
    unshare = shutil.which("unshare")
    assert unshare, "util-linux unshare is needed (apt-get install util-linux)"
    namespace = [unshare, "--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        namespace.insert(1, "--map-root-user")
    result = subprocess.run(
        [*namespace, sys.executable, str(RUNNER), str(tmp_path / "mnt"), str(size_kib),
         str(rows), str(freed_kib), str(retries)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_store_disk_full_rows_catch_up_with_256_kib_freed(tmp_path):
    figures = run_full_disk(tmp_path)
    print(figures)
    assert figures["pending_when_full"] >= 450  # the disk really was full
    assert figures["wal_kib_when_full"] <= 160  # the WAL no longer hoards the last MiBs
    assert figures["pending_after"] == 0 and figures["healthy"]
    assert figures["dropped"] == 0
    assert figures["rows_on_disk"] == 50 + figures["rows_offered"]
    assert figures["retries_used"] <= 3
