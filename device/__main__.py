"""``python -m device`` is the same as the ``unslump`` command."""

import sys

from device.cli import main

sys.exit(main())
