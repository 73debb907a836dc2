"""Handing back to the system the memory that start-up used and then freed.

Importing Pillow, gpiozero and the rest leaves about a megabyte of freed heap that glibc
keeps for later; on a 512 MB Pi Zero that runs for months, it is better returned once,
right after start-up. Elsewhere (no glibc) this quietly does nothing.
"""

from __future__ import annotations

import ctypes
import gc


def trim_heap() -> bool:
    """Collect garbage and ask glibc to return free heap pages; True if it could try."""
    gc.collect()
    try:
        libc = ctypes.CDLL("libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return False
    trim(0)
    return True
