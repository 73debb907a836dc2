"""An ALSA configuration whose default device is a file, not a sound card.

``aplay`` (and any ALSA program) started with ``ALSA_CONFIG_PATH`` naming this file writes
every sample into ``target`` at once, over the ``null`` PCM: no card, no pacing. The bench
times a first cue by when its bytes arrive there (a FIFO) and counts aplay's instructions
into ``/dev/null``; the service tests check the bytes themselves.
"""

from __future__ import annotations

from pathlib import Path


def file_pcm_config(target: Path | str) -> str:
    """The text of an ``asound.conf`` whose default PCM writes raw samples into ``target``."""
    return (f'pcm.!default {{\n type file\n slave.pcm {{ type null }}\n'
            f' file "{target}"\n format "raw"\n}}\n')
