"""The project's exception tree.

Every error the device can report to its builder derives from :class:`UnslumpError`, and
each message names the thing to fix (a file and key, a pin, a device node), so that one
line in the journal is enough to act on.
"""


class UnslumpError(Exception):
    """Root of every error raised on purpose by Unslump."""


class ConfigError(UnslumpError, ValueError):
    """A config file is unreadable, has an unknown key, or a value out of range."""


class ConfigValueError(ConfigError):
    """A config file parses as TOML but a section, key or value in it is not allowed.

    It carries where (``section``, and ``key`` unless the section itself is wrong), so the
    reader of the file can add the line number: the service names the line to edit."""

    def __init__(self, message: str, section: str, key: str | None = None) -> None:
        super().__init__(message)
        self.section = section
        self.key = key


class ScenarioError(UnslumpError, ValueError):
    """A scenario file is malformed; the message starts with ``FILE:LINE:``."""


class HardwareError(UnslumpError, OSError):
    """A piece of hardware could not be reached."""


class DisplayError(HardwareError):
    """The OLED could not be opened or stopped answering."""


class InputError(HardwareError):
    """A GPIO pin for the button or the seat sensor could not be claimed."""


class GpioBusyError(InputError):
    """Another program holds a button or seat pin (lgpio's own "GPIO busy")."""


class GpioUnavailableError(InputError):
    """No GPIO library could be loaded at all (no lgpio on the Pi): nothing to fix in the pins."""


class AudioError(HardwareError):
    """No audio device could be opened."""


class UsageError(UnslumpError, ValueError):
    """Something on the command line to fix (an option's value, a path that is not a log);
    the message is the whole line to print."""


class StuckDeadlineError(UnslumpError, RuntimeError):
    """A deadline was handled but did not move: a bug that would spin the CPU forever."""


class StoreError(UnslumpError, OSError):
    """The break log could not be opened or written."""


class BadRowError(StoreError):
    """A row of the break log holds a value that cannot be read back (a damaged byte)."""

    def __init__(self, table: str, row_id: object, problem: str) -> None:
        self.row_problem = f"row {row_id} of {table}: it cannot be read ({problem})"
        super().__init__(f"row {row_id} of {table} cannot be read ({problem}); delete or "
                         f"fix that row with the sqlite3 shell, or move the log aside")
        self.table = table
        self.row_id = row_id


class ForeignLogError(ConfigError, StoreError):
    """The break log's path names another program's SQLite file: never touch it."""

    def __init__(self, path: object, tables: list[str]) -> None:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        super().__init__(f"{path} is another program's SQLite database (tables: {shown}), "
                         "not an Unslump break log; point [store] path (or --db) at a new "
                         "file, never at another program's data")
        self.path = path


class RoutineFileError(ConfigError):
    """A routine file is unreadable or breaks a rule; the message names the file and key."""
