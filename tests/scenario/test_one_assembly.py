"""One assembly: the service, the simulator, the scenario runner, the demo, the benchmarks
and the tests all build the device through ``unslump.app.assembly.assemble``."""

from __future__ import annotations

import re
from pathlib import Path

from unslump.app import assembly
from unslump.config.file import Config
from unslump.core.records import BoutRecord, EndedBy
from unslump.edges.store.memory import MemoryStore
from unslump.sim.scenario.harness import VirtualDevice

ROOT = Path(assembly.__file__).resolve().parents[3]
BUILDS_A_RUNTIME = re.compile(r"\bRuntime\(")


def test_the_runtime_is_built_in_one_place() -> None:
    sources = [path for folder in ("device", "bench", "tests")
               for path in (ROOT / folder).rglob("*.py")]
    builders = sorted(str(path.relative_to(ROOT)) for path in sources
                      if BUILDS_A_RUNTIME.search(path.read_text(encoding="utf-8"))
                      and path.name != "test_one_assembly.py")
    assert builders == ["device/unslump/app/assembly.py"]


def test_the_scenario_device_is_the_service_assembly(monkeypatch) -> None:
    built: list[assembly.Edges] = []
    real = assembly.assemble

    def counting(stack, config, edges, db=None, **kwargs):  # type: ignore[no-untyped-def]
        built.append(edges)
        return real(stack, config, edges, db, **kwargs)

    monkeypatch.setattr("unslump.sim.scenario.harness.assemble", counting)
    store = MemoryStore()
    machine = VirtualDevice.build(Config(), store, seat_occupied=True)
    machine.run_until(10 * 60)
    machine.runtime.stop()
    machine.close()
    assert len(built) == 1 and built[0].store is store
    bouts = [row for row in store.bouts if isinstance(row, BoutRecord)]
    # seated at boot: the bout dates from the start, and the stop closes it
    assert [(row.seated_s, row.ended_by) for row in bouts][-1] == (10 * 60, EndedBy.STOP)
