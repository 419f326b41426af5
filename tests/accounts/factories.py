"""Moved to tests/factories/accounts.py; kept so that older imports keep working."""

from tests.factories.accounts import *  # noqa: F403
