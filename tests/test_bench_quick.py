"""``bench/run.py --quick`` end to end: a device change that breaks a part of ``make bench``
cannot land unseen (the slow tier: a minute or two of real processes and real time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_bench_quick_run_measures_every_part_and_writes_only_its_out_file(
        tmp_path: Path) -> None:
    from bench.run import PARTS

    out = tmp_path / "results.json"
    tracked = (REPO / "bench" / "results.json").read_bytes()
    env = {key: value for key, value in os.environ.items() if not key.startswith("SDL_")}
    done = subprocess.run([sys.executable, "bench/run.py", "--quick", "--out", str(out)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    document = json.loads(out.read_text())
    failed = {key: f["note"] for key, f in document["figures"].items() if f["value"] == "failed"}
    assert not failed, f"parts failed: {failed}\n{done.stderr[-3000:]}"
    assert done.returncode == 0, done.stderr[-3000:]
    assert "quick" in document["machine"]["mode"]
    details = document["details"]
    for part in ("idle", "latency", "peers_free"):
        if part in PARTS:
            assert part in details, f"no details from {part}"
    assert "| Figure | Value |" in done.stdout
    assert (REPO / "bench" / "results.json").read_bytes() == tracked
