"""``bench/run.py --quick`` end to end: a device change that breaks a part of ``make bench``
cannot land unseen (the slow tier: a minute or two of real processes and real time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO


def test_bench_quick_run_measures_every_part_and_writes_only_its_out_file(
        tmp_path: Path) -> None:
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
    one_per_part = {"idle_switches", "rss_after_tone", "audio_resting_ms", "audio_press_cue_ms",
                    "startup_service",
                    "latency_p99", "bus_routine_ssd1306", "virtual_time_speed",
                    "log_bytes_per_seated_hour", "outbox_drain_rate", "export_rows"}
    assert one_per_part <= set(document["figures"])
    press_cue = document["figures"]["audio_press_cue_ms"]  # aplay comes from scripts/ci-deps.sh
    assert isinstance(press_cue["value"], float), press_cue["note"]
    assert "| Figure | Value |" in done.stdout
    assert (REPO / "bench" / "results.json").read_bytes() == tracked
