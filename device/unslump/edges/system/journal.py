"""Log lines for a terminal or for the systemd journal.

Under systemd, stderr goes to the journal (``$JOURNAL_STREAM`` is set): each line then
carries a syslog priority prefix such as ``<4>`` so ``journalctl -p warning`` works, and
no timestamp, since the journal adds its own.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3,
             logging.CRITICAL: 2}


class JournalFormatter(logging.Formatter):
    """``<priority>logger: message`` on one line (newlines in a message are folded)."""

    def format(self, record: logging.LogRecord) -> str:
        priority = _PRIORITY.get(record.levelno, 6)
        text = super().format(record).replace("\n", " | ")
        return f"<{priority}>{text}"


def configure_logging(env: Mapping[str, str] = os.environ) -> None:
    """One handler on stderr, formatted for the journal when running under systemd."""
    handler = logging.StreamHandler()
    if env.get("JOURNAL_STREAM"):
        handler.setFormatter(JournalFormatter("%(name)s: %(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(env.get("UNSLUMP_LOG_LEVEL", "INFO"))
