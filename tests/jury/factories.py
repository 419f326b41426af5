"""Moved to tests/factories/jury.py; kept so that older imports keep working."""

from tests.factories.jury import *  # noqa: F403
