"""The MQTT outbox after a day offline: how many rows wait, and how fast they drain.

A seated day (50 minutes sitting, 10 away, for ``hours``) runs in virtual time on the
device's own assembly with ``[mqtt]`` pointing at a mosquitto that is not running yet;
then the broker starts and the drain is timed in real time, from the reconnect to the
last PUBACK. A day offline leaves few rows (each open row keeps only its newest
version), so the rate is also measured on a deep outbox of ``bulk`` rows, as after
weeks away or on a busy fleet device.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bench.results import Figure
from tests.support.mosquitto import Broker, wait_until
from unslump.app.integrations import outbox_cap
from unslump.config.file import Config, MqttConfig
from unslump.core.records import BoutRecord
from unslump.edges.clock import FakeClock, SystemClock
from unslump.edges.mqtt.link import MqttLink
from unslump.edges.mqtt.network import RECONNECT_MAX_S
from unslump.edges.store.sqlite import SqliteStore
from unslump.sim.scenario.harness import VirtualDevice

MORNING = datetime(2026, 11, 24, 8, 0).astimezone()
REAL = SystemClock()


RECONNECT_LIMIT_S = RECONNECT_MAX_S + 60.0
"""How long the reconnect may take once the broker is back: the link retries on a doubling
backoff of up to ``RECONNECT_MAX_S`` (a day offline, hours of virtual time taking
minutes of real time on a loaded machine, leaves it at the longest), plus a minute for the
attempt itself. Not part of any figure: the drain is timed from the reconnect."""
SLOWEST_ROWS_PER_S = 10.0
"""The drain may take as long as this rate would (a tenth of the target's): slower, and the
part fails, rather than report a figure a loaded machine made up."""


def _drain_s(device: VirtualDevice, link: MqttLink, store: SqliteStore) -> float:
    def pumped(check: Callable[[], bool]) -> bool:
        device.run_for(0)
        return check()

    wait_until(lambda: pumped(lambda: link.connected), RECONNECT_LIMIT_S, "the reconnect")
    start = REAL.monotonic()
    limit_s = max(120.0, store.outbox_depth() / SLOWEST_ROWS_PER_S)
    wait_until(lambda: pumped(lambda: store.outbox_depth() == 0), limit_s, "the drain")
    return REAL.monotonic() - start


def run(hours: float = 8.0, bulk: int = 5000) -> tuple[list[Figure], dict[str, object]]:
    with tempfile.TemporaryDirectory(prefix="unslump-bench-outbox-") as scratch:
        broker = Broker(Path(scratch) / "broker")
        config = Config(mqtt=MqttConfig(host="127.0.0.1", port=broker.port))
        clock = FakeClock(MORNING)
        store = SqliteStore.open(Path(scratch) / "log.db", clock=clock,
                                 outbox_cap=outbox_cap(config))
        device = VirtualDevice.build(config, store, clock=clock)
        (link,) = device.add_ons
        assert isinstance(link, MqttLink)
        try:
            for _ in range(round(hours)):
                device.sit()
                device.run_for(50 * 60)
                device.stand()
                device.run_for(10 * 60)
            day_rows = store.outbox_depth()
            broker.start()
            day_s = _drain_s(device, link, store)
            broker.stop()
            device.run_for(0)
            for index in range(bulk):
                store.append(BoutRecord(clock.wall(), clock.wall(), 60.0, key=f"bulk-{index}"))
            broker.start()
            bulk_s = _drain_s(device, link, store)
        finally:
            device.runtime.stop()
            device.close()
            store.close()
            broker.stop()
    rate = bulk / bulk_s if bulk_s else float("inf")
    figures = [
        Figure("outbox_day_rows", f"Outbox after {hours:g} h seated offline", day_rows,
               "rows", note="newest version per row"),
        Figure("outbox_day_drain", "Outbox after a day offline: drained in",
               round(day_s, 3), "s", 10, "max", "reconnect to last PUBACK"),
        Figure("outbox_drain_rate", f"Outbox drain rate ({bulk} rows, localhost broker)",
               round(rate), "rows/s", 100, "min"),
    ]
    return figures, {"outbox": {"hours": hours, "day_rows": day_rows, "day_drain_s": day_s,
                                "bulk": bulk, "bulk_drain_s": bulk_s}}
