"""Unslump: a desk companion that measures real seated time and guides a lower-back stretch.

The package is split the way the device is: a pure core (``device.core``) that turns
timestamped events into effects, adapters at the edge (``device.adapters``) that talk to
pins, the OLED, the speaker and the SQLite log, and a runtime loop that joins them.
"""

__version__ = "0.1.0"
