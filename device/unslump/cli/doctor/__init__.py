"""``unslump doctor``: the setup checks, the service checks, the live session at the
pins, and the broker checks, each a module; the results they share live in :mod:`.report`."""
