"""Moved to tests/race.py (the one race harness); kept so that older imports keep working."""

from tests.race import at_once  # noqa: F401
