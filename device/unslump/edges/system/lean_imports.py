"""Keeping the service small: what its libraries import at start that it never uses.

Each of these is loaded by gpiozero, Pillow or the standard library at import, stays in
the service's memory for months, and is never used by ``unslump run``. Each is kept out
in a way the library itself allows (a module it treats as optional, or a backport name
it looks up first), so nothing behaves differently; only the memory figure changes.
``keep_service_lean`` is called first by ``unslump run``, before any of them is imported.
"""

from __future__ import annotations

import logging
import sys

from unslump.edges.system.import_block import import_when_used, never_import


def leave_freetype_out() -> None:
    """Keep Pillow's FreeType module (with libfreetype and harfbuzz) out of the service.

    The device draws only with the bitmap fonts of device/fonts, yet Pillow's ImageFont
    imports FreeType as it is imported itself (luma imports ImageDraw, which imports it):
    about 1.5 MiB of the service's memory for good. Pillow runs without the module (only
    TrueType fonts become unavailable), and ``None`` in ``sys.modules`` is how Python
    marks a module not to import. Once ImageFont is loaded it changes nothing.
    """
    if "PIL.ImageFont" not in sys.modules:
        never_import("PIL._imagingft")


def leave_archive_codecs_out() -> None:
    """Keep the bz2 and lzma codecs (with libbz2 and liblzma) out: some 0.3 MiB.

    argparse imports shutil to learn the terminal's width, and shutil imports both only
    to offer them as archive formats, carrying on without them when they are missing.
    The service writes no archive.
    """
    never_import("bz2")
    never_import("lzma")


def defer_gpiozero_lookups() -> None:
    """Give gpiozero its package-metadata and package-data modules only when it uses them.

    gpiozero imports ``importlib.metadata`` at its own import (to find a pin factory named
    by ``GPIOZERO_PIN_FACTORY``) and ``importlib.resources`` (to read the fonts of its
    seven-segment displays). With what they bring (email, csv, zipfile, tempfile, ...)
    that is about 2.5 MiB of the service's memory, used by neither of those paths: the
    service takes gpiozero's default factory and drives no character display. gpiozero
    asks for the backports ``importlib_metadata`` and ``importlib_resources`` first, so
    those names give it the standard modules, imported the moment they are used.
    """
    import_when_used("importlib_metadata", "importlib.metadata", ("entry_points",))
    import_when_used("importlib_resources", "importlib.resources")


def defer_unused_helpers() -> None:
    """Import three modules only if one of their functions is ever called: about 2 MiB.

    ``statistics`` (with decimal, fractions and random) is imported by gpiozero for its
    smoothed analogue inputs and by the stats pages for a median; ``colorzero`` by
    gpiozero for its RGB LED; ``multiprocessing`` (with pickle) by luma's serial module
    for fading a PWM backlight. The service has no analogue input, no RGB LED and no
    backlight; the stats pages' median imports ``statistics`` the first time it is drawn.

    logging asks ``multiprocessing`` for the process's name on every record whenever the
    module is in ``sys.modules``, which would import it at the first log line: the
    service's formats never print that name, so logging is told not to collect it
    (``logging.logMultiprocessing``, the switch its documentation gives for this).
    """
    import_when_used("statistics", names=("median", "mean"))
    import_when_used("colorzero", names=("Color",))
    import_when_used("multiprocessing", names=("Process",))
    logging.logMultiprocessing = False


def keep_service_lean() -> None:
    """All of the above, for the service's process (``unslump run``)."""
    leave_freetype_out()
    leave_archive_codecs_out()
    defer_gpiozero_lookups()
    defer_unused_helpers()
