"""Moved to tests/race.py (the one race harness); kept so that older imports keep working."""

from tests.race import row_held  # noqa: F401
