"""``unslump mqtt-dropin``: the systemd drop-in that opens exactly the broker's address.

The unit ships closed (``PrivateNetwork=yes``, ``RestrictAddressFamilies=AF_UNIX``,
``IPAddressDeny=any``). Only when ``[mqtt] host`` is set does ``install`` add this
drop-in, which gives the service the host's network with IPv4/IPv6 sockets and allows
exactly the broker's addresses (and, when the broker is named rather than numbered, the
resolvers of ``/etc/resolv.conf``, since paho resolves the name at every reconnect).
Everything else stays denied. Written without importing paho.
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
from pathlib import Path
from typing import Any

from unslump.config.file import Config, find_config, load_config
from unslump.errors import ConfigError

DROPIN_NAME = "mqtt.conf"
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


def dropin_text(config: Config, resolv_conf: Path = RESOLV_CONF) -> str | None:
    """The drop-in for ``config``, or None when ``[mqtt]`` is off."""
    mqtt = config.mqtt
    if not mqtt.enabled:
        return None
    allowed = broker_addresses(mqtt.host)
    named = allowed != [mqtt.host]
    lines = [
        "# Written by `unslump mqtt-dropin` at install: [mqtt] is configured, so the",
        f"# service may reach the broker {mqtt.host} and nothing else.",
        "[Service]",
        "PrivateNetwork=no",
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
        "IPAddressDeny=any",
    ]
    lines += [f"IPAddressAllow={address}" for address in allowed]
    if named:
        lines.append("# The broker is named: its name is looked up at each reconnect.")
        lines += [f"IPAddressAllow={address}" for address in resolvers(resolv_conf)]
    return "\n".join(lines) + "\n"


def write_dropin(config: Config, folder: Path) -> Path | None:
    """Write (or, with ``[mqtt]`` off, remove) ``folder/mqtt.conf``; return what was written."""
    target = folder / DROPIN_NAME
    text = dropin_text(config)
    if text is None:
        target.unlink(missing_ok=True)
        return None
    folder.mkdir(parents=True, exist_ok=True)
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
