"""``python -m mvm`` runs the ``mvm`` command."""

import sys

from mvm.cli import main

sys.exit(main())
