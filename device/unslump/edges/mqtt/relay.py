"""The broker through a local socket, for a service that has no network of its own.

With ``[mqtt]`` on, the service stays as closed as without it (``PrivateNetwork=yes``,
Unix sockets only): ``install`` adds a socket unit whose socket systemd's own
``systemd-socket-proxyd`` relays to the broker, from a small unit of its own that may
reach the broker's address and nothing else (:mod:`unslump.cli.mqtt_dropin`). The
service learns the socket's path from its environment and speaks MQTT over it, TLS
included: the relay passes bytes on, so the broker's certificate is still checked, and
checked against the broker's name (not the socket's path): :mod:`.relay_tls` makes
that check, imported only with TLS on, so a service without it loads no OpenSSL.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

RELAY_ENV = "UNSLUMP_MQTT_SOCKET"
"""Set by the drop-in: the path of the local socket that leads to the broker."""

RELAY_SOCKET = "/run/unslump-mqtt/broker.sock"


def relay_socket(environ: Mapping[str, str] = os.environ) -> str | None:
    """The relay's socket path when the service runs behind one, else None (direct)."""
    return environ.get(RELAY_ENV) or None
