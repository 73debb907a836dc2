"""The doctor's fixtures (a healthy /dev, mock pins, a dummy panel, the probe), shared by
its test files."""

from tests.support.doctor import dev_dir, factories, panel, probe

__all__ = ["dev_dir", "factories", "panel", "probe"]  # fixtures, used by name
