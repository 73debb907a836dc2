"""Where everything is published: one prefix per device, one discovery topic.

Kept apart from the client so the README's table, the discovery payloads and the tests all
read the same names. Every topic a device writes starts with its ``topic_prefix``, so a
broker ACL of ``topic readwrite unslump/<host>/#`` (plus its discovery topic) fences each
device in.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass

from unslump.config.file import MqttConfig

COMMANDS = ("stretch", "snooze", "quiet", "remind_after_min", "snooze_min", "quiet_start",
            "quiet_end")
"""The commands a device takes from ``<prefix>/cmd/<name>``."""

EVENTS = ("reminder", "routine")
"""Home Assistant event entities: ``<prefix>/event/<name>``."""


def default_port(config: MqttConfig) -> int:
    """The broker's port: the configured one, or MQTT's own (8883 with TLS, else 1883)."""
    return config.port or (8883 if config.tls else 1883)


def safe_id(text: str) -> str:
    """``text`` with what Home Assistant allows in an object id ([a-zA-Z0-9_-])."""
    return re.sub(r"[^a-zA-Z0-9_-]", "_", text)


@dataclass(frozen=True, slots=True)
class Topics:
    """Every topic of one device."""

    prefix: str
    discovery_prefix: str
    client_id: str
    device_name: str = "Unslump"
    """The HA device's name, from ``[mqtt] name`` or the host name (not the client id:
    friendly names read "Unslump desk1 Seated"); HA builds entity ids from it
    (``Unslump desk1`` gives ``button.unslump_desk1_start_stretch``)."""
    area: str = ""  # the area HA suggests for the device; empty: none

    @classmethod
    def of(cls, config: MqttConfig, hostname: str | None = None) -> Topics:
        raw_host = hostname or socket.gethostname()
        host = safe_id(raw_host)
        return cls(config.topic_prefix.rstrip("/") or f"unslump/{host}",
                   config.discovery_prefix.rstrip("/"), config.client_id or f"unslump-{host}",
                   config.name.strip() or f"Unslump {raw_host.split('.')[0]}",
                   config.area.strip())

    @property
    def device_id(self) -> str:
        """The Home Assistant device's id (and its discovery object id)."""
        return safe_id(self.client_id)

    @property
    def availability(self) -> str:
        return f"{self.prefix}/availability"

    @property
    def state(self) -> str:
        """One retained JSON document with every sensor's value."""
        return f"{self.prefix}/state"

    @property
    def discovery(self) -> str:
        return f"{self.discovery_prefix}/device/{self.device_id}/config"

    def log(self, kind: str) -> str:
        """Outbox rows (QoS 1, not retained): ``bout``, ``break``, ``reminder``, ``device``."""
        return f"{self.prefix}/log/{kind}"

    def event(self, name: str) -> str:
        return f"{self.prefix}/event/{name}"

    def command(self, name: str) -> str:
        return f"{self.prefix}/cmd/{name}"

    @property
    def commands(self) -> str:
        """The subscription that takes every command."""
        return f"{self.prefix}/cmd/+"
