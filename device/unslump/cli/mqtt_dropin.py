"""``unslump mqtt-dropin``: how the closed service reaches exactly its MQTT broker.

The unit ships closed (``PrivateNetwork=yes``, ``RestrictAddressFamilies=AF_UNIX``,
``IPAddressDeny=any``) and stays so with ``[mqtt]`` on: ``install`` adds a drop-in that
points the service at a local socket (:mod:`unslump.edges.mqtt.relay`), and two small
units beside it: ``unslump-mqtt.socket``, that socket, and ``unslump-mqtt.service``,
systemd's own ``systemd-socket-proxyd`` relaying it to the broker from a sandbox that
may reach the broker's addresses (and, when the broker is named rather than numbered,
the resolvers of ``/etc/resolv.conf``, since the name is looked up at each connection)
and nothing else. TLS goes end to end through the relay. Written without importing paho.
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
from pathlib import Path
from typing import Any

from unslump.config.file import Config, MqttConfig, find_config, load_config
from unslump.edges.mqtt.relay import RELAY_ENV, RELAY_SOCKET
from unslump.edges.mqtt.topics import default_port
from unslump.errors import ConfigError

DROPIN_NAME = "mqtt.conf"
RELAY_UNIT = "unslump-mqtt"  # .socket and .service, beside unslump.service
SOCKET_PROXYD = "/lib/systemd/systemd-socket-proxyd"
RESOLV_CONF = Path("/etc/resolv.conf")


def broker_addresses(host: str) -> list[str]:
    """The addresses ``host`` stands for (itself, if it is one)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise ConfigError(f"[mqtt] host {host!r}: cannot resolve it now ({error}); the "
                          "drop-in needs its address: fix the name, or give the address"
                          ) from None
    return sorted({str(info[4][0]) for info in found})


def resolvers(resolv_conf: Path = RESOLV_CONF) -> list[str]:
    try:
        lines = resolv_conf.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [parts[1] for parts in (line.split() for line in lines)
            if len(parts) >= 2 and parts[0] == "nameserver"]


def dropin_text(config: Config) -> str | None:
    """The service's drop-in for ``config``, or None when ``[mqtt]`` is off: the network
    stays closed; only the relay's socket is named, and started with the service."""
    mqtt = config.mqtt
    if not mqtt.enabled:
        return None
    return "\n".join([
        "# Written by `unslump mqtt-dropin` at install: [mqtt] is configured, so the",
        f"# service reaches the broker {mqtt.host} through {RELAY_UNIT}.socket; it keeps",
        "# no network of its own.",
        "[Unit]",
        f"Wants={RELAY_UNIT}.socket",
        f"After={RELAY_UNIT}.socket",
        "[Service]",
        f"Environment={RELAY_ENV}={RELAY_SOCKET}",
    ]) + "\n"


def relay_socket_text(config: Config) -> str:
    """The socket unit: a Unix socket only the service's user may connect to."""
    return "\n".join([
        "# Written by `unslump mqtt-dropin`: the way from the Unslump service to its",
        f"# MQTT broker {config.mqtt.host} (relayed by {RELAY_UNIT}.service).",
        "[Unit]",
        "Description=Unslump's local socket to its MQTT broker",
        "[Socket]",
        f"ListenStream={RELAY_SOCKET}",
        "SocketUser=unslump",
        "SocketGroup=unslump",
        "SocketMode=0600",
    ]) + "\n"


def relay_service_text(config: Config, resolv_conf: Path = RESOLV_CONF) -> str:
    """The relay: systemd-socket-proxyd to the broker, allowed that address alone."""
    mqtt = config.mqtt
    allowed = broker_addresses(mqtt.host)
    lines = [
        "# Written by `unslump mqtt-dropin`: relays Unslump's socket to the MQTT broker",
        f"# {mqtt.host} and may reach nothing else.",
        "[Unit]",
        f"Description=Unslump's relay to its MQTT broker {mqtt.host}",
        f"Requires={RELAY_UNIT}.socket",
        f"After={RELAY_UNIT}.socket network-online.target",
        "Wants=network-online.target",
        "[Service]",
        f"ExecStart={SOCKET_PROXYD} {_endpoint(mqtt)}",
        "DynamicUser=yes",
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
        "IPAddressDeny=any",
    ]
    lines += [f"IPAddressAllow={address}" for address in allowed]
    if allowed != [mqtt.host]:
        lines.append("# The broker is named: its name is looked up at each connection.")
        lines += [f"IPAddressAllow={address}" for address in resolvers(resolv_conf)]
    lines += _RELAY_SANDBOX
    return "\n".join(lines) + "\n"


_RELAY_SANDBOX = [
    "NoNewPrivileges=yes",
    "CapabilityBoundingSet=",
    "AmbientCapabilities=",
    "PrivateDevices=yes",
    "PrivateUsers=yes",
    "PrivateTmp=yes",
    "ProtectSystem=strict",
    "ProtectHome=yes",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectKernelLogs=yes",
    "ProtectControlGroups=yes",
    "ProtectClock=yes",
    "ProtectHostname=yes",
    "ProtectProc=invisible",
    "ProcSubset=pid",
    "RestrictNamespaces=yes",
    "RestrictRealtime=yes",
    "RestrictSUIDSGID=yes",
    "LockPersonality=yes",
    "MemoryDenyWriteExecute=yes",
    "RemoveIPC=yes",
    "UMask=0077",
    "SystemCallArchitectures=native",
    "SystemCallFilter=@system-service",
    "SystemCallFilter=~@privileged @resources",
    "SystemCallErrorNumber=EPERM",
]


def _endpoint(mqtt: MqttConfig) -> str:
    host = f"[{mqtt.host}]" if ":" in mqtt.host else mqtt.host
    return f"{host}:{default_port(mqtt)}"


def write_dropin(config: Config, folder: Path) -> Path | None:
    """Write (or, with ``[mqtt]`` off, remove) ``folder/mqtt.conf`` and the relay's two
    units beside the service's (``folder``'s parent); return the drop-in written."""
    target = folder / DROPIN_NAME
    units = folder.parent
    relay = [units / f"{RELAY_UNIT}.socket", units / f"{RELAY_UNIT}.service"]
    text = dropin_text(config)
    if text is None:
        for path in (target, *relay):
            path.unlink(missing_ok=True)
        return None
    service = relay_service_text(config)  # resolves the broker first: fails before writing
    folder.mkdir(parents=True, exist_ok=True)
    relay[0].write_text(relay_socket_text(config), encoding="utf-8")
    relay[1].write_text(service, encoding="utf-8")
    target.write_text(text, encoding="utf-8")
    return target


def cmd_mqtt_dropin(args: argparse.Namespace) -> int:
    config = load_config(find_config(args.config))
    if args.write:
        written = write_dropin(config, Path(args.write))
        print(f"wrote {written}" if written else "[mqtt] is off: no drop-in (removed if any)")
        return 0
    text = dropin_text(config)
    print(text.rstrip("\n") if text is not None else "# [mqtt] is off: the unit stays closed")
    return 0


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("mqtt-dropin", parents=parents,
                                 help="print (or --write) the systemd drop-in that lets the "
                                      "service reach the [mqtt] broker")
    parser.add_argument("--write", metavar="DIR",
                        help="write DIR/mqtt.conf (removed when [mqtt] is off)")
    parser.set_defaults(handler=cmd_mqtt_dropin)
