"""The bench's own plumbing (no timing here: the figures are taken by ``make bench``)."""

import json
import os

from bench import proc
from bench.assembly import NullBus, open_panel
from bench.results import Figure, table, write
from unslump.config.file import Config


def test_bench_figure_max_target_met_with_margin():
    figure = Figure("idle", "Idle", 12, "/min", 60, "max")
    assert figure.met is True
    assert figure.margin == "5.0x under"
    assert Figure("rss", "RSS", 31.5, "MiB", 30, "max").margin == "5.0% over"
    assert figure.as_json()["met"] is True


def test_bench_figure_min_target_missed():
    figure = Figure("bus", "Bus", 9.3, "x", 10, "min")
    assert figure.met is False
    assert "**no**" in table([figure])


def test_bench_figure_info_has_no_verdict():
    assert Figure("rss", "RSS", 40.0, "MiB").met is None


def test_bench_results_write_merges_runs(tmp_path):
    path = tmp_path / "results.json"
    write(path, [Figure("a", "A", 1, "s", 2, "max")], {"date": "d1"})
    write(path, [Figure("b", "B", 3, "s", 2, "max")], {"date": "d2"})
    document = json.loads(path.read_text())
    assert document["machine"] == {"date": "d2"}
    assert {key: f["met"] for key, f in document["figures"].items()} == {"a": True, "b": False}


def test_bench_proc_sample_reads_this_process():
    sample = proc.sample(os.getpid())
    assert sample.rss_kib > 0 and sample.threads >= 1 and sample.voluntary_switches >= 0
    assert os.getpid() in proc.tree(os.getpid())


def test_bench_assembly_partial_panel_counts_bytes_on_a_null_bus():
    panel = open_panel("partial", Config())
    bus = panel._serial_interface
    assert isinstance(bus, NullBus)
    assert bus.bytes > 1024  # the init sequence and the first (whole) clear


def test_bench_run_writes_an_ignored_file_unless_asked_to_record():
    import subprocess

    from bench.run import RECORD, RESULTS

    assert RESULTS != RECORD
    ignored = subprocess.run(["git", "check-ignore", "-q", str(RESULTS)], cwd=RECORD.parent,
                             check=False)
    assert ignored.returncode == 0, f"{RESULTS} would be tracked: make bench must not dirty git"


def test_bench_bus_routine_span_is_one_whole_completed_stretch():
    """The bus figure's routine span: it raised a TypeError (a keyword the routine's length
    no longer takes), so `make bench` lost its bus part; the span must be one stretch."""
    from bench import bus
    from unslump.core.records import BreakKind
    from unslump.edges.store.memory import MemoryStore

    store = MemoryStore()
    before, frames = bus.record(bus.routine, store)
    [stretch] = store.breaks
    assert stretch.kind is BreakKind.GUIDED and stretch.completed
    assert before is not None and len(frames) > 10
