"""Moved to tests/factories/voting.py; kept so that older imports keep working."""

from tests.factories.voting import *  # noqa: F403
