from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    """Public voting: one vote per verified visitor (see docs/architecture.md)."""

    name = "voting"
    verbose_name = _("Public voting")
