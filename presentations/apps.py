from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PresentationsConfig(AppConfig):
    """The finalists' presentation round: its schedule, the NGOs' answers, the jurors' scores of
    each presentation, and the final ranking that combines it with the reading round."""

    name = "presentations"
    verbose_name = _("Presentation round")
