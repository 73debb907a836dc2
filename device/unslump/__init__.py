"""Unslump: a desk companion that measures real seated time and guides a lower-back stretch.

The folders are the layers (docs/ARCHITECTURE.md draws them): a pure core
(``unslump.core``) that turns timestamped events into effects; the ports
(``unslump.ports``) the loop asks of the world; the edges (``unslump.edges``), one folder
per kind, that talk to pins, the OLED, the speaker, the SQLite log, the broker and systemd;
``unslump.render`` that draws views; the application (``unslump.app``): one loop and one
assembly; and the entry points: the command line (``unslump.cli``) and the simulator,
demo and scenario runner (``unslump.sim``).
"""

__version__ = "0.1.0"
