"""``python -m unslump`` is the same as the ``unslump`` command."""

import sys

from unslump.cli.main import main

sys.exit(main())
