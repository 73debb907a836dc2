"""Optional parts of the device, made from the config: today, the MQTT link.

An add-on is a record sink (it gets every logged row after the store) and a serviced
adapter (the loop wakes for it); :func:`open_add_ons` is the one place that decides which
exist, so the service, the simulator and the scenario harness all get the same ones.
Its modules are imported only when configured: with ``[mqtt]`` absent, paho is never
imported and no socket is opened.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Protocol

from unslump.app.stats_views import streak_and_level
from unslump.config.file import Config
from unslump.core.records import Record
from unslump.core.state import DeviceState, Now
from unslump.edges.clock import Clock
from unslump.errors import ConfigError
from unslump.ports import QueueItem


class AddOn(Protocol):
    """What the runtime and the harness need of an optional part."""

    def append(self, record: Record) -> None: ...
    def deadline(self) -> float | None: ...
    def service(self, now: float) -> None: ...
    def follow(self, state: DeviceState, now: Now) -> None:
        """The device's state, each time the loop commits one."""
        ...
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


def keep_paho_lean(config: Config) -> None:
    """In the service's own process, before anything loads paho: with ``[mqtt]`` on, paho
    is loaded without its proxy lookup's urllib.request (2.4 MiB; edges/mqtt/proxy_lookup.py)
    and, with ``tls = false``, without OpenSSL (4.6 MiB; edges/mqtt/without_tls.py).

    It changes what the whole process can import (ssl becomes unimportable), so only a
    process that is the service calls it (``run_device``, the bench's service); never
    :func:`open_add_ons`, which tests and tools call in processes that may still need ssl.
    """
    if not config.mqtt.enabled:
        return
    from unslump.edges.mqtt.proxy_lookup import defer_proxy_lookup

    defer_proxy_lookup()
    if config.mqtt.tls:
        return
    from unslump.edges.mqtt.without_tls import paho_without_tls

    with contextlib.suppress(ModuleNotFoundError):  # no paho: open_add_ons says so
        paho_without_tls()


def with_saved_settings(config: Config, store: object) -> Config:
    """``config`` with the settings set from Home Assistant laid over it (kept beside the
    SQLite log; only with MQTT on, and without importing paho)."""
    if not config.mqtt.enabled:
        return config
    from unslump.edges.store.sqlite import SqliteStore

    if not isinstance(store, SqliteStore):
        return config
    from unslump.edges.mqtt.ha_settings import settled

    return settled(config, store.path)


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
        from unslump.edges.mqtt.ha_settings import settings_path
        from unslump.edges.mqtt.relay import relay_socket
        from unslump.edges.store.sqlite import SqliteStore

        if not isinstance(wiring.store, SqliteStore):
            raise ConfigError("[mqtt] needs the SQLite break log (its outbox keeps the rows "
                              "until the broker has them)")
        store, config = wiring.store, wiring.config
        link = MqttLink(config, store, wiring.clock, wiring.post,
                        logging.getLogger("unslump.mqtt"),
                        streak_and_level=lambda today: streak_and_level(store, today, config),
                        settings_file=settings_path(store.path),
                        relay=relay_socket())
        stack.callback(link.close)
        link.start()
        parts.append(link)
    return parts
