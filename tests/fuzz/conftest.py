"""Fuzz-test set-up: makes the generator and oracle modules importable and registers the ``slow`` marker.

Input: pytest's configuration. Output: ``tests/fuzz`` on ``sys.path`` (so ``mvmfuzz_gen`` and
``mvmfuzz_rt`` import under any import mode) and the marker the many-example variants carry.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


def pytest_configure(config):
    """Declare ``slow`` here too, so ``--strict-markers`` passes whatever pyproject says."""
    config.addinivalue_line("markers", "slow: many-example fuzz runs, excluded from the default test run")
