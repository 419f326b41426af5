from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JuryConfig(AppConfig):
    """The expert commission: criteria, jurors, conflicts of interest, scores, ranking."""

    name = "jury"
    verbose_name = _("Expert jury")
