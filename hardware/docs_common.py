"""What every generated hardware document shares: the note, the colours, Markdown escaping.

The generators live beside this file and are run through hardware/make_docs.py.
"""

from __future__ import annotations

GENERATED_NOTE = ("Generated from device/unslump/config/pinmap.toml by hardware/make_docs.py; "
                  "edit the data file and rerun the script, not this file.")

# Wire colours as drawn. Every wire also gets a dark outline, so white and yellow show.
WIRE_HEX = {
    "black": "#202020", "brown": "#8b4513", "red": "#e02020", "orange": "#ff8c00",
    "yellow": "#ffd700", "green": "#20a020", "blue": "#2060e0", "purple": "#8a2be2",
    "grey": "#909090", "white": "#ffffff",
}
RAIL_HEX = {"3V3": "#f0a020", "5V": "#d03030", "GND": "#202020"}
GPIO_HEX = "#3c8c3c"


def md_escape(text: str) -> str:
    """``text`` safe inside a Markdown table cell."""
    return text.replace("|", "\\|")
