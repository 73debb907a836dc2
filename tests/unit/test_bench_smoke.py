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


def test_bench_latency_press_model_leaves_the_debounce_between_presses():
    """The bench crashed when it pressed 1 ms after a release: the device rightly took
    that for contact bounce. A person's finger is up longer than the debounce."""
    from bench.latency import PressModel

    debounce_s = Config().button.debounce_s
    presses = list(PressModel(debounce_s).presses(1000))
    assert len(presses) == 1000
    assert min(up for _, up in presses) >= debounce_s
    assert all(0.08 <= down <= 0.20 for down, _ in presses)
    slow = list(PressModel(0.15).presses(200))  # a long debounce still leaves a gap
    assert min(up for _, up in slow) >= 0.15


def test_bench_run_writes_the_other_parts_when_one_fails(tmp_path, monkeypatch, capsys):
    """A part that raises is a row saying why; the parts after it still run and the
    file is still written (the bench once lost every figure to one TimeoutError)."""
    from bench import run

    def measure(part, quick):
        if part == "latency":
            raise TimeoutError("frame 2 never came")
        return [Figure(f"{part}_x", part, 1, "s", 2, "max")], {part: {"ran": True}}

    monkeypatch.setattr(run, "measure", measure)
    out = tmp_path / "results.json"
    status = run.main(["--only", "bus,latency,wear", "--out", str(out)])
    assert status == 1
    document = json.loads(out.read_text())
    figures = document["figures"]
    assert set(figures) == {"bus_x", "latency_failed", "wear_x"}
    assert figures["latency_failed"]["value"] == "failed"
    assert "TimeoutError: frame 2 never came" in figures["latency_failed"]["note"]
    assert "| Part latency (TimeoutError: frame 2 never came" in capsys.readouterr().out
    monkeypatch.setattr(run, "measure", lambda part, quick: ([], {}))
    assert run.main(["--only", "latency", "--out", str(out)]) == 0
    assert "latency_failed" not in json.loads(out.read_text())["figures"]


def test_bench_peers_writes_the_ignored_file_unless_asked_to_record(tmp_path, monkeypatch):
    """make bench-peers rewrote the tracked bench/results.json on every run."""
    from bench import peers
    from bench.run import RESULTS

    assert peers.RESULTS == RESULTS and peers.RECORD != RESULTS
    rows = {peers.OURS: {"rss_mib": 30.0, "cpu_s_per_min": 0.01, "switches_per_min": 7},
            peers.IDLE_ROW: {"rss_mib": 30.5, "cpu_s_per_min": 0.01, "switches_per_min": 8}}
    monkeypatch.setattr(peers, "run", lambda seconds: ([], rows, seconds))
    monkeypatch.setattr(peers, "RECORD", tmp_path / "tracked.json")
    out = tmp_path / "out.json"
    assert peers.main(["--out", str(out)]) == 0
    assert out.exists() and not (tmp_path / "tracked.json").exists()
    assert peers.main(["--out", str(out), "--record"]) == 0
    assert (tmp_path / "tracked.json").exists()


def test_bench_peers_row_must_agree_with_the_idle_row():
    """The peers table said 59.9 MiB and 5,368 switches a minute where the idle table
    said 30.8 and 18: the same service, two stories. Now a figure checks they agree."""
    from bench import peers

    def rows(rss, switches):
        return {peers.OURS: {"rss_mib": 30.0, "switches_per_min": 7},
                peers.IDLE_ROW: {"rss_mib": rss, "switches_per_min": switches}}

    agree = {f.key: f for f in peers.agreement(rows(31.0, 8))}
    assert all(f.met for f in agree.values())
    apart = {f.key: f for f in peers.agreement(rows(59.9, 5368))}
    assert not apart["peer_unslump_agrees_rss"].met
    assert not apart["peer_unslump_agrees_switches"].met
    assert peers.agreement({peers.OURS: {"problem": "not installed"}}) == []


def test_bench_run_flags_an_instruction_count_over_the_record_by_more_than_a_tenth(tmp_path):
    from bench.run import costlier

    record = tmp_path / "results.json"
    write(record, [Figure("instr_ready", "I", 100.0, "M instr"),
                   Figure("instr_routine", "I", 50.0, "M instr"),
                   Figure("idle_rss", "RSS", 30.0, "MiB")], {"date": "d"})
    now = [Figure("instr_ready", "I", 111.0, "M instr"),  # 11% costlier: flagged
           Figure("instr_routine", "I", 54.0, "M instr"),  # 8%: within the noise
           Figure("instr_new", "I", 9.0, "M instr"),  # nothing recorded to compare
           Figure("idle_rss", "RSS", 40.0, "MiB")]  # not an instruction count
    assert costlier(now, record) == ["instr_ready: 111 against 100 recorded (+11%)"]
    assert costlier(now, tmp_path / "absent.json") == []


def test_bench_instructions_project_to_a_zero_2w_by_the_stated_assumptions():
    from bench.instructions import A53_HZ, A53_IPC, ARM64_PER_X86, zero_2w_seconds

    assert zero_2w_seconds(1e9) == 1e9 * ARM64_PER_X86 / (A53_IPC * A53_HZ)
    assert 1.5 < zero_2w_seconds(1e9) < 3.0  # a billion x86 instructions: about 2 s


def test_bench_audio_press_cue_not_run_is_a_row_saying_why():
    from bench.audio import press_figures

    (row,) = press_figures("aplay is missing: sh scripts/ci-deps.sh (alsa-utils)")
    assert (row.key, row.value, row.met) == ("audio_press_cue_ms", "not run", None)
    assert "aplay is missing" in table([row])
    median, worst = press_figures([60.0, 70.0, 200.0])
    assert (median.value, median.met, worst.value) == (70.0, True, 200.0)
