"""paho without its proxy lookup's imports, for a connection made without a proxy.

paho imports :mod:`urllib.request` at its own import for one use: reading an ``mqtt``
proxy from the environment, which it does only when PySocks is installed (without
PySocks it connects directly and never reads it). urllib.request brings http.client,
email, tempfile and shutil with it: about 2.4 MiB of the service's memory, TLS or not.
The service never installs PySocks (nor sets a proxy), so urllib.request is given to paho
as a module imported the moment it is first used; where PySocks is present, paho's first
look at it imports it then, and the lookup runs as before.
"""

from __future__ import annotations

from unslump.edges.system.import_block import import_when_used


def defer_proxy_lookup() -> None:
    """Call before anything imports paho (or urllib.request) in the service's process."""
    import_when_used("urllib.request")
