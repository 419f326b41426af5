"""Moved to tests/factories/projects.py; kept so that older imports keep working."""

from tests.factories.projects import *  # noqa: F403
