"""paho without OpenSSL, for a broker reached over plain TCP (``[mqtt] tls = false``).

paho imports :mod:`ssl` at import, and :mod:`hashlib` (for websockets), and through
``urllib.request`` ``http.client`` imports ssl too: OpenSSL's libssl and libcrypto,
some 4.6 MiB of a 30 MiB service that never opens a TLS socket. All three modules treat a
missing ssl as "no TLS here" and hashlib falls back to its built-in digests, so marking
``ssl`` and ``_hashlib`` unimportable in this process before paho loads keeps OpenSSL out.

One catch, read in paho 2.x's source: its plain-socket reads and writes name
``ssl.SSLWantReadError`` and ``ssl.SSLWantWriteError`` in ``except`` clauses, which
Python evaluates whenever the socket raises (a would-block, a reset); with ``ssl = None``
that evaluation itself fails. So paho's module gets the two names back, as exception
classes a plain socket never raises.
"""

from __future__ import annotations

from types import ModuleType, SimpleNamespace

from unslump.edges.system.import_block import never_import


class _SslWantRead(OSError):
    """Never raised: a plain socket has no TLS record to wait for."""


class _SslWantWrite(OSError):
    """Never raised: a plain socket has no TLS record to wait for."""


PLAIN_SOCKET_SSL = SimpleNamespace(SSLWantReadError=_SslWantRead,
                                   SSLWantWriteError=_SslWantWrite)
"""What paho's socket code reads from ``ssl`` when there is no TLS."""


def paho_without_tls() -> ModuleType:
    """``paho.mqtt.client``, loaded (if not loaded yet) with no OpenSSL in the process.

    Call it before anything imports paho or ssl; if ssl was loaded already, paho keeps the
    real one and nothing changes but the memory figure.
    """
    never_import("ssl")
    never_import("_hashlib")
    import paho.mqtt.client as client

    if getattr(client, "ssl", None) is None:
        setattr(client, "ssl", PLAIN_SOCKET_SSL)  # noqa: B010 - paho does not export it
    return client
