"""Optional parts of the device, made from the config: today, the MQTT link.

An add-on is a record sink (it gets every logged row after the store) and a serviced
adapter (the loop wakes for it); :func:`open_add_ons` is the one place that decides which
exist, so the service, the simulator and the scenario harness all get the same ones.
Its modules are imported only when configured: with ``[mqtt]`` absent, paho is never
imported and no socket is opened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Protocol

from unslump.app.stats_views import streak_and_level
from unslump.config.file import Config
from unslump.core.records import Record
from unslump.edges.clock import Clock
from unslump.errors import ConfigError
from unslump.ports import QueueItem


class AddOn(Protocol):
    """What the runtime and the harness need of an optional part."""

    def append(self, record: Record) -> None: ...
    def deadline(self) -> float | None: ...
    def service(self, now: float) -> None: ...
    def close(self) -> None: ...
    def drain(self, timeout_s: float) -> int:
        """Wait at most ``timeout_s`` real seconds for queued rows to leave; return how
        many are still waiting."""
        ...
    def abandon(self) -> None:
        """Stop at once, as a pulled plug would (the scenario's ``power-cut``)."""
        ...


@dataclass(frozen=True)
class Wiring:
    """What an add-on is built from."""

    config: Config
    clock: Clock
    post: Callable[[QueueItem], None]  # puts an item on the loop's event queue
    store: object  # the break log (the MQTT link needs the SQLite one, for its outbox)


def outbox_cap(config: Config) -> int:
    """How many rows the log's outbox keeps (0: no outbox, MQTT is off)."""
    return config.mqtt.outbox_rows if config.mqtt.enabled else 0


def open_add_ons(stack: ExitStack, wiring: Wiring) -> list[AddOn]:
    """Build and start the configured add-ons, each closed by ``stack``."""
    parts: list[AddOn] = []
    if wiring.config.mqtt.enabled:
        try:
            from unslump.edges.mqtt.link import MqttLink
        except ModuleNotFoundError as missing:
            if not (missing.name or "").startswith("paho"):
                raise
            raise ConfigError("[mqtt] host is set but paho-mqtt is not installed: install "
                              "Unslump with its mqtt extra (pip install 'unslump[mqtt]'), "
                              "or remove [mqtt] from the config") from None
        from unslump.edges.mqtt.relay import relay_socket
        from unslump.edges.store.sqlite import SqliteStore

        if not isinstance(wiring.store, SqliteStore):
            raise ConfigError("[mqtt] needs the SQLite break log (its outbox keeps the rows "
                              "until the broker has them)")
        store, config = wiring.store, wiring.config
        link = MqttLink(config, store, wiring.clock, wiring.post,
                        logging.getLogger("unslump.mqtt"),
                        streak_and_level=lambda today: streak_and_level(store, today, config),
                        relay=relay_socket())
        stack.callback(link.close)
        link.start()
        parts.append(link)
    return parts
